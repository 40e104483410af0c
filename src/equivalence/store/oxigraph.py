"""The embedded backend: pyoxigraph, in memory or in an on-disk directory."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pyoxigraph import (
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
    QueryStream,
    SelectResult,
    Term,
    quads_by_graph,
    replace_graphs_update,
    require_named_graphs,
)

__all__ = ["OxigraphStore", "query_errors", "query_options"]


def query_options(
    union_default_graph: bool,
    default_graphs: Sequence[NamedNode] | None = None,
    named_graphs: Sequence[NamedNode] | None = None,
) -> dict[str, Any]:
    """The keyword arguments of `pyoxigraph.Store.query` for a query's dataset: the graphs
    given, else the union of all graphs as the default graph when asked."""
    if default_graphs is not None or named_graphs is not None:
        return {
            "default_graph": list(default_graphs or ()),
            "named_graphs": list(named_graphs or ()),
        }
    return {"use_default_graph_as_union": True} if union_default_graph else {}


@contextmanager
def query_errors() -> Iterator[None]:
    """pyoxigraph's errors of a query (parsing it, or evaluating it as its result is read or
    written) as the project's: `QueryError` for the query, `StoreError` for the store."""
    try:
        yield
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from exc
    except RuntimeError as exc:
        raise QueryError(f"the query cannot be evaluated: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"query failed: {exc}") from exc


class OxigraphStore:
    """A pyoxigraph `Store`; `path=None` keeps it in memory.

    Writes below `bulk_threshold` quads are one transaction. Larger additions use pyoxigraph's
    bulk loader (a transaction of a million quads on disk is ~4x slower and takes ~1.5 GB more):
    only quads not yet in the store are bulk-loaded, and if the write fails they are removed
    again, so the store is left as it was. Large replacements bulk-load into staging graphs that
    one SPARQL update (one transaction) moves in place; staging graphs are visible to concurrent
    readers until then. A process killed in the middle of a replacement leaves its targets as
    they were (or, once that update committed, replaced), and perhaps staging graphs: opening an
    on-disk store removes them (only one process at a time can open an on-disk store, so no
    other writer can still be using them).
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        staging_threshold: int = 200_000,
        bulk_threshold: int = 20_000,
        read_only: bool = False,
    ) -> None:
        self.path = path
        self.read_only = read_only
        self.descriptor = f"oxigraph:{path}" if path else "oxigraph:memory"
        self.staging_threshold = staging_threshold
        self.bulk_threshold = bulk_threshold
        self._handle: Store | None
        try:
            if path is not None and read_only:
                # any number of processes may read a store that no process writes
                self._handle = Store.read_only(str(path))
            elif path is not None:
                path.mkdir(parents=True, exist_ok=True)
                self._handle = Store(str(path))
                self._remove_staging_graphs()
            else:
                self._handle = Store()
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc

    def _remove_staging_graphs(self) -> None:
        """Removes the staging graphs a killed writer left behind."""
        store = self._store
        for graph in list(store.named_graphs()):
            if isinstance(graph, NamedNode) and graph.value.startswith(STAGING_PREFIX):
                store.remove_graph(graph)

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
        require_named_graphs(quads)
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
        # a quad of a graph the store does not have is new: no look-up needed (the look-ups
        # cost more than the load when a whole graph is written afresh)
        absent = {g for g in {q.graph_name for q in quads} if not store.contains_named_graph(g)}
        new = [q for q in quads if q.graph_name in absent or q not in store]
        try:
            store.bulk_extend(new)
        except (OSError, RuntimeError) as exc:
            for quad in new:
                store.remove(quad)
            raise StoreError(f"write failed, nothing was written: {exc}") from exc

    def replace_graphs(
        self, graphs: dict[NamedNode, Sequence[Triple]], *, add: Sequence[Quad] = ()
    ) -> None:
        require_named_graphs(add)
        if not graphs and not add:
            return
        try:
            if sum(len(triples) for triples in graphs.values()) + len(add) < self.staging_threshold:
                self._store.update(replace_graphs_update(graphs, add=add))  # one transaction
            else:
                self._write_staged(graphs, quads_by_graph(add))
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"write failed, nothing was replaced: {exc}") from exc

    def _write_staged(
        self,
        replaced: Mapping[NamedNode, Sequence[Triple]],
        added: Mapping[NamedNode, Sequence[Triple]],
    ) -> None:
        """Bulk-loads into staging graphs, then moves them onto their targets in one update.

        The update drops every replaced graph first, then adds each staging graph to its target
        (the added quads without a drop): one update is one transaction, so every target
        changes, or none does.
        """
        run = uuid.uuid4()
        staged = [*replaced.items(), *added.items()]
        stages = [NamedNode(f"{STAGING_PREFIX}{run}:{n}") for n in range(len(staged))]
        operations = [f"DROP SILENT GRAPH {target}" for target in replaced]
        operations += [
            f"ADD SILENT {stage} TO {target}"
            for stage, (target, _) in zip(stages, staged, strict=True)
        ]
        try:
            self._store.bulk_extend(
                Quad(t.subject, t.predicate, t.object, stage)
                for stage, (_, triples) in zip(stages, staged, strict=True)
                for t in triples
            )
            self._store.update(" ;\n".join(operations))
        finally:
            for stage in stages:
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
            {
                name: value
                for name, value in zip(variables, solution, strict=True)
                if value is not None
            }
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

    @contextmanager
    def stream_query(
        self,
        query: str,
        *,
        union_default_graph: bool = True,
        default_graphs: Sequence[NamedNode] | None = None,
        named_graphs: Sequence[NamedNode] | None = None,
        timeout: float | None = None,
    ) -> Iterator[QueryStream]:
        """See `TripleStore.stream_query`; `timeout` does not apply (nothing waits on a network).

        pyoxigraph evaluates most of a query while its result is iterated; ORDER BY, GROUP BY,
        DISTINCT and the build side of a hash join are computed in full by the first step.
        """
        options = query_options(union_default_graph, default_graphs, named_graphs)
        with query_errors():
            result = self._store.query(query, **options)
        if isinstance(result, QueryBoolean):
            yield QueryStream("boolean", boolean=bool(result))
        elif isinstance(result, QuerySolutions):
            variables = tuple(v.value for v in result.variables)
            yield QueryStream("solutions", variables, solutions=_solutions(result))
        else:
            yield QueryStream("triples", triples=_triples(result))

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
        if self.path is not None and not self.read_only:
            self._handle.flush()
        self._handle = None


def _solutions(result: QuerySolutions) -> Iterator[tuple[Term | None, ...]]:
    try:
        for solution in result:
            yield tuple(solution)
    except RuntimeError as exc:
        raise QueryError(f"the query cannot be evaluated: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"query failed: {exc}") from exc


def _triples(result: QueryTriples) -> Iterator[Triple]:
    try:
        yield from result
    except RuntimeError as exc:
        raise QueryError(f"the query cannot be evaluated: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"query failed: {exc}") from exc
