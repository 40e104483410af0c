"""The embedded backend: pyoxigraph, in memory or in an on-disk directory."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
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
from equivalence.store.base import (
    STAGING_PREFIX,
    SelectResult,
    replace_graphs_update,
)

__all__ = ["OxigraphStore"]


class OxigraphStore:
    """A pyoxigraph `Store`; `path=None` keeps it in memory.

    Writes below `bulk_threshold` quads are one transaction. Larger additions use pyoxigraph's
    bulk loader (a transaction of a million quads on disk is ~4x slower and takes ~1.5 GB more):
    only quads not yet in the store are bulk-loaded, and if the write fails they are removed
    again, so the store is left as it was. Large replacements bulk-load into staging graphs that
    one SPARQL update (one transaction) moves in place; staging graphs are visible to concurrent
    readers until then.
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        staging_threshold: int = 200_000,
        bulk_threshold: int = 20_000,
    ) -> None:
        self.path = path
        self.descriptor = f"oxigraph:{path}" if path else "oxigraph:memory"
        self.staging_threshold = staging_threshold
        self.bulk_threshold = bulk_threshold
        self._handle: Store | None
        try:
            if path is not None:
                path.mkdir(parents=True, exist_ok=True)
                self._handle = Store(str(path))
            else:
                self._handle = Store()
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc

    def __repr__(self) -> str:
        return f"OxigraphStore({self.descriptor!r})"

    @property
    def _store(self) -> Store:
        if self._handle is None:
            raise StoreError(f"the store {self.descriptor} is closed")
        return self._handle

    @property
    def raw(self) -> Store:
        """The underlying pyoxigraph store (for bulk exports and benchmarks)."""
        return self._store

    def add_quads(self, quads: Sequence[Quad]) -> None:
        for quad in quads:
            if isinstance(quad.graph_name, DefaultGraph):
                raise StoreError(f"quad outside a named graph: {quad}")
        if not quads:
            return
        if len(quads) >= self.bulk_threshold:
            self._bulk_add(quads)
            return
        try:
            self._store.extend(quads)  # one transaction
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"write failed, nothing was written: {exc}") from exc

    def _bulk_add(self, quads: Sequence[Quad]) -> None:
        """Bulk-loads the quads the store lacks; on failure removes them again."""
        store = self._store
        new = [q for q in quads if q not in store]
        try:
            store.bulk_extend(new)
        except (OSError, RuntimeError) as exc:
            for quad in new:
                store.remove(quad)
            raise StoreError(f"write failed, nothing was written: {exc}") from exc

    def replace_graphs(self, graphs: dict[NamedNode, Sequence[Triple]]) -> None:
        if not graphs:
            return
        try:
            if sum(len(triples) for triples in graphs.values()) < self.staging_threshold:
                self._store.update(replace_graphs_update(graphs))  # one transaction
            else:
                self._write_staged(graphs, replace=True)
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"write failed, nothing was replaced: {exc}") from exc

    def _write_staged(self, graphs: Mapping[NamedNode, Sequence[Triple]], *, replace: bool) -> None:
        """Bulk-loads into staging graphs, then moves them onto their targets in one update."""
        run = uuid.uuid4()
        staging = {
            target: NamedNode(f"{STAGING_PREFIX}{run}:{n}") for n, target in enumerate(graphs)
        }
        operations: list[str] = []
        for target, stage in staging.items():
            if replace:
                operations.append(f"DROP SILENT GRAPH {target}")
            operations.append(f"ADD SILENT {stage} TO {target}")
        try:
            self._store.bulk_extend(
                Quad(t.subject, t.predicate, t.object, staging[g])
                for g, triples in graphs.items()
                for t in triples
            )
            # one update = one transaction: every target changes, or none does
            self._store.update(" ;\n".join(operations))
        finally:
            for stage in staging.values():
                self._store.remove_graph(stage)

    def drop_graph(self, graph: NamedNode) -> None:
        self._store.remove_graph(graph)

    def graphs(self) -> list[NamedNode]:
        store = self._store
        names = [
            g
            for g in store.named_graphs()
            if isinstance(g, NamedNode) and not g.value.startswith(STAGING_PREFIX)
        ]
        return sorted(
            (g for g in names if next(iter(store.quads_for_pattern(None, None, None, g)), None)),
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
        except (OSError, RuntimeError) as exc:
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
        return SelectResult(variables, rows)

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
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"update failed: {exc}") from exc

    def close(self) -> None:
        """Flushes an on-disk store and releases it (its directory can then be reopened)."""
        if self._handle is None:
            return
        if self.path is not None:
            self._handle.flush()
        self._handle = None
