"""The embedded backend: pyoxigraph, in memory or in an on-disk directory."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pyoxigraph import (
    DefaultGraph,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    Store,
    Triple,
)

from equivalence.errors import QueryError, StoreError
from equivalence.store.base import SelectResult, Term

__all__ = ["OxigraphStore"]

# Above this many quads a write goes through a staging graph and bulk loading, then one
# atomic SPARQL update moves it in place; below it, one transaction is faster.
_BULK_THRESHOLD = 200_000


class OxigraphStore:
    """A pyoxigraph `Store`; `path=None` keeps it in memory."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.descriptor = f"oxigraph:{path}" if path else "oxigraph:memory"
        try:
            if path is not None:
                path.mkdir(parents=True, exist_ok=True)
                self._store = Store(str(path))
            else:
                self._store = Store()
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc

    @property
    def raw(self) -> Store:
        """The underlying pyoxigraph store (for bulk exports and benchmarks)."""
        return self._store

    def add_quads(self, quads: Sequence[Quad]) -> None:
        for quad in quads:
            if isinstance(quad.graph_name, DefaultGraph):
                raise StoreError(f"quad outside a named graph: {quad}")
        try:
            if len(quads) < _BULK_THRESHOLD:
                self._store.extend(quads)
            else:
                self._bulk_add_atomically(quads)
        except OSError as exc:
            raise StoreError(f"write failed, nothing was written: {exc}") from exc

    def _bulk_add_atomically(self, quads: Sequence[Quad]) -> None:
        """Bulk-loads into staging graphs, then merges them in one transaction."""
        staging: dict[NamedNode, NamedNode] = {}
        for quad in quads:
            graph = quad.graph_name
            assert isinstance(graph, NamedNode)
            if graph not in staging:
                staging[graph] = NamedNode(f"{graph.value}#staging")
        try:
            self._store.bulk_extend(
                Quad(q.subject, q.predicate, q.object, staging[q.graph_name])  # type: ignore[index]
                for q in quads
            )
            self._store.update(
                " ;\n".join(f"ADD {stage} TO {target}" for target, stage in staging.items())
            )
        finally:
            for stage in staging.values():
                self._store.remove_graph(stage)

    def replace_graphs(self, graphs: dict[NamedNode, Sequence[Triple]]) -> None:
        staged = {g: NamedNode(f"{g.value}#staging") for g in graphs}
        try:
            self._store.bulk_extend(
                Quad(t.subject, t.predicate, t.object, staged[g])
                for g, triples in graphs.items()
                for t in triples
            )
            # one update = one transaction: every target is replaced, or none is
            self._store.update(
                " ;\n".join(f"MOVE SILENT {stage} TO {target}" for target, stage in staged.items())
            )
        except OSError as exc:
            raise StoreError(f"write failed, nothing was replaced: {exc}") from exc
        finally:
            for stage in staged.values():
                self._store.remove_graph(stage)

    def drop_graph(self, graph: NamedNode) -> None:
        self._store.remove_graph(graph)

    def graphs(self) -> list[NamedNode]:
        names = [g for g in self._store.named_graphs() if isinstance(g, NamedNode)]
        return sorted(
            (g for g in names if next(iter(self._store.quads_for_pattern(None, None, None, g)), None)),
            key=lambda g: g.value,
        )

    def count(self, graph: NamedNode | None = None) -> int:
        if graph is None:
            return len(self._store)
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, graph))

    def triples(self, graph: NamedNode) -> list[Triple]:
        return [q.triple for q in self._store.quads_for_pattern(None, None, None, graph)]

    def _run(self, query: str) -> QuerySolutions | QueryBoolean | QueryTriples:
        try:
            return self._store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"query failed: {exc}") from exc

    def select(self, query: str) -> SelectResult:
        result = self._run(query)
        if not isinstance(result, QuerySolutions):
            raise QueryError("not a SELECT query")
        variables = tuple(v.value for v in result.variables)
        rows = tuple(
            {name: value for name in variables if (value := solution[name]) is not None}
            for solution in result
        )
        return SelectResult(variables, rows)  # type: ignore[arg-type]

    def ask(self, query: str) -> bool:
        result = self._run(query)
        if not isinstance(result, QueryBoolean):
            raise QueryError("not an ASK query")
        return bool(result)

    def construct(self, query: str) -> list[Triple]:
        result = self._run(query)
        if not isinstance(result, QueryTriples):
            raise QueryError("not a CONSTRUCT or DESCRIBE query")
        return list(result)

    def update(self, update: str) -> None:
        try:
            self._store.update(update)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL update syntax error: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"update failed: {exc}") from exc

    def close(self) -> None:
        if self.path is not None:
            self._store.flush()
