"""The interface every triple-store backend implements.

RDF terms crossing this interface are pyoxigraph terms (`NamedNode`, `Literal`, `BlankNode`,
`Quad`, `Triple`), whatever the backend: the remote backend converts what its server returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple

__all__ = ["SelectResult", "Term", "TripleStore"]

Term = NamedNode | Literal | BlankNode | Triple


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


@runtime_checkable
class TripleStore(Protocol):
    """A quad store with named graphs.

    Writes are atomic: `add_quads` and `replace_graphs` either write everything or nothing.
    """

    descriptor: str

    def add_quads(self, quads: Sequence[Quad]) -> None:
        """Adds quads (in their own named graphs) in one atomic write."""
        ...

    def replace_graphs(self, graphs: dict[NamedNode, Sequence[Triple]]) -> None:
        """Replaces each named graph's content with the given triples, atomically."""
        ...

    def drop_graph(self, graph: NamedNode) -> None: ...

    def graphs(self) -> list[NamedNode]:
        """The names of the non-empty named graphs."""
        ...

    def count(self, graph: NamedNode | None = None) -> int:
        """The number of quads in one named graph, or in the whole store."""
        ...

    def triples(self, graph: NamedNode) -> list[Triple]:
        """Every triple of one named graph."""
        ...

    def select(self, query: str) -> SelectResult: ...

    def ask(self, query: str) -> bool: ...

    def construct(self, query: str) -> list[Triple]: ...

    def update(self, update: str) -> None: ...

    def close(self) -> None: ...


def quads_by_graph(quads: Iterable[Quad]) -> dict[NamedNode, list[Triple]]:
    """Groups quads by their named graph (default-graph quads are not allowed here)."""
    grouped: dict[NamedNode, list[Triple]] = {}
    for quad in quads:
        graph = quad.graph_name
        if not isinstance(graph, NamedNode):
            raise ValueError(f"quad outside a named graph: {quad}")
        grouped.setdefault(graph, []).append(quad.triple)
    return grouped
