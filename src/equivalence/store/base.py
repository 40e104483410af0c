"""The interface every triple-store backend implements.

RDF terms crossing this interface are pyoxigraph terms (`NamedNode`, `Literal`, `BlankNode`,
`Quad`, `Triple`), whatever the backend: the remote backend converts what its server returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Literal as Choice
from typing import Never, Protocol, runtime_checkable

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    RdfFormat,
    Triple,
    serialize,
)

from equivalence.errors import StoreError

__all__ = [
    "STAGING_PREFIX",
    "QueryStream",
    "SelectResult",
    "Term",
    "TripleStore",
    "ntriples",
    "quads_by_graph",
    "replace_graphs_update",
    "require_named_graphs",
]

Term = NamedNode | Literal | BlankNode | Triple

# Backends that write through staging graphs name them `urn:equivalence:staging:<uuid>:<n>`:
# unique per write (two writers never share one) and valid whatever the target IRI
# (`<target>#staging` is not an IRI when the target already has a fragment). `graphs()` never
# lists them.
STAGING_PREFIX = "urn:equivalence:staging:"


@dataclass(frozen=True, slots=True)
class SelectResult:
    """The solutions of a SELECT query: variable names in order and one mapping per row.

    An unbound variable is absent from its row's mapping.
    """

    variables: tuple[str, ...]
    rows: tuple[dict[str, Term], ...]

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Term | None]:
        return [row.get(name) for row in self.rows]


def _nothing() -> Iterator[Never]:
    return iter(())


@dataclass(frozen=True, slots=True)
class QueryStream:
    """The result of a query, evaluated as it is read: solutions, a boolean, or triples.

    `kind` says which. `solutions` yields one tuple per solution, its cells in the order of
    `variables` (None where a variable is unbound); `triples` yields the triples of a CONSTRUCT or
    DESCRIBE. Both pull from the store (or from the server's response) as they are consumed: a
    reader that stops early (a result cap, a deadline) leaves the rest uncomputed or unread.
    """

    kind: Choice["solutions", "boolean", "triples"]
    variables: tuple[str, ...] = ()
    solutions: Iterator[tuple[Term | None, ...]] = field(default_factory=_nothing)
    triples: Iterator[Triple] = field(default_factory=_nothing)
    boolean: bool = False


@runtime_checkable
class TripleStore(Protocol):
    """A quad store with named graphs.

    Writes are atomic: `add_quads` and `replace_graphs` either write everything or nothing.
    """

    descriptor: str

    def add_quads(self, quads: Sequence[Quad]) -> None:
        """Adds quads (in their own named graphs) in one atomic write."""
        ...

    def replace_graphs(
        self, graphs: dict[NamedNode, Sequence[Triple]], *, add: Sequence[Quad] = ()
    ) -> None:
        """Replaces each named graph's content with the given triples, atomically.

        The quads `add` (each in its own named graph, replaced or not) are added in the same
        atomic write: after it, every graph is replaced and every extra quad is there, or nothing
        changed. A quad of `add` outside a named graph raises `StoreError` before anything is
        written.
        """
        ...

    def drop_graph(self, graph: NamedNode) -> None:
        """Removes a named graph; nothing happens if it does not exist."""
        ...

    def graphs(self) -> list[NamedNode]:
        """The names of the non-empty named graphs."""
        ...

    def count(self, graph: NamedNode | None = None) -> int:
        """The number of quads in one named graph, or in the whole store."""
        ...

    def triples(self, graph: NamedNode) -> list[Triple]:
        """Every triple of one named graph."""
        ...

    def select(self, query: str) -> SelectResult:
        """Runs a SELECT query with the union of the named graphs as its default graph.

        Raises `QueryError` for bad syntax or another query form, `StoreError` otherwise.
        """
        ...

    def ask(self, query: str) -> bool:
        """Runs an ASK query (default graph: the union of the named graphs)."""
        ...

    def construct(self, query: str) -> list[Triple]:
        """Runs a CONSTRUCT or DESCRIBE query (default graph: the union of the named graphs)."""
        ...

    def update(self, update: str) -> None:
        """Runs a SPARQL update in one transaction; its default graph is the real default graph."""
        ...

    def stream_query(
        self,
        query: str,
        *,
        union_default_graph: bool = True,
        default_graphs: Sequence[NamedNode] | None = None,
        named_graphs: Sequence[NamedNode] | None = None,
        timeout: float | None = None,
    ) -> AbstractContextManager[QueryStream]:
        """Runs any query form and gives its result lazily, inside a context that releases it.

        The default graph is the union of the named graphs when `union_default_graph` (pass
        False for a query with its own `FROM` / `FROM NAMED`, which then decides). When
        `default_graphs` or `named_graphs` is given (the protocol's `default-graph-uri` and
        `named-graph-uri`), those lists alone make the dataset: the default graph is the merge of
        `default_graphs` (empty when None) and `GRAPH` sees only `named_graphs` (none when
        None). `timeout` (seconds) bounds each network wait of a remote store.

        Raises `QueryError` for bad syntax, an update, or a query the evaluator rejects (also
        while the result is read); `StoreError` when the store or the server fails.
        """
        ...

    def close(self) -> None:
        """Releases the store; closing twice is harmless."""
        ...


def quads_by_graph(quads: Iterable[Quad]) -> dict[NamedNode, list[Triple]]:
    """Groups quads by their named graph (default-graph quads are not allowed here)."""
    grouped: dict[NamedNode, list[Triple]] = {}
    for quad in quads:
        graph = quad.graph_name
        if not isinstance(graph, NamedNode):
            raise ValueError(f"quad outside a named graph: {quad}")
        grouped.setdefault(graph, []).append(quad.triple)
    return grouped


def require_named_graphs(quads: Iterable[Quad]) -> None:
    """Raises `StoreError` for a quad in the default graph (writes go to named graphs only)."""
    for quad in quads:
        if isinstance(quad.graph_name, DefaultGraph):
            raise StoreError(f"quad outside a named graph: {quad}")


def ntriples(triples: Iterable[Triple]) -> bytes:
    """Triples as an N-Triples document (every term in its escaped N-Triples form)."""
    data = serialize(triples, format=RdfFormat.N_TRIPLES)
    assert data is not None
    return data


def replace_graphs_update(
    graphs: Mapping[NamedNode, Sequence[Triple]],
    *,
    replace: bool = True,
    add: Sequence[Quad] = (),
) -> str:
    """One SPARQL update that empties each graph (when `replace`) and inserts its triples.

    The quads `add` are inserted by the same update, after every graph was emptied. Every value
    enters the update as a serialised RDF term; a server runs it in one transaction.
    """
    operations = [f"DROP SILENT GRAPH {graph}" for graph in graphs] if replace else []
    inserted = [*graphs.items(), *quads_by_graph(add).items()]
    blocks = [
        f"GRAPH {graph} {{\n{ntriples(triples).decode()}}}"
        for graph, triples in inserted
        if triples
    ]
    if blocks:
        operations.append("INSERT DATA {\n" + "\n".join(blocks) + "\n}")
    return " ;\n".join(operations)
