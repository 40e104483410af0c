"""The data under validation, indexed in plain Python dicts.

A submission of 10,000 standards is millions of statements; putting them all into a pyoxigraph
store costs about 3 µs a quad, more than the whole validation may take. So the statements are
kept here instead: for each subject, its predicates and their distinct objects, in the order
they were added. The constraints that need no join are evaluated on them in Python
(`evaluate.py`); only what the SPARQL constraints read goes into a store (`scope.py`).

Terms are kept as `Key`s: an IRI as its string, a blank node as ``_:label`` (no IRI starts so),
a literal as the pyoxigraph `Literal`. A string hashes once and compares in C; a pyoxigraph
term is hashed and compared in Rust on every look-up, which made a look-up in a dict of half a
million nodes cost about 0.5 µs instead of 0.07 µs.

While data is added, each named graph has its own index, so that the quads can be counted as a
store counts them (a triple stated in two graphs is two quads). `union()` then merges them into
the one graph the shapes see, as pySHACL sees one graph.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Final

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple

from equivalence.rdf import Object, QuadBuilder

__all__ = [
    "Dataset",
    "Index",
    "Key",
    "Statement",
    "key_of",
    "n_triples",
    "term_of",
]

Key = str | Literal  # an IRI, "_:label" for a blank node, or a literal
Term = NamedNode | BlankNode | Literal
# a statement as the template reader hands it over: pyoxigraph terms
Statement = tuple[NamedNode | BlankNode, NamedNode, Term]

_TYPE: Final = sys.intern("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_BLANK: Final = "_:"
_DEFAULT_GRAPH: Final = ""
_NO_VALUES: Final[Sequence[Key]] = ()
_NO_NODE: Final[Mapping[str, Sequence[Key]]] = MappingProxyType({})


def key_of(term: Term) -> Key:
    """The index's form of a term."""
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, BlankNode):
        return _BLANK + term.value
    return term


def term_of(key: Key) -> Term:
    """The pyoxigraph term of a key."""
    if isinstance(key, Literal):
        return key
    if key.startswith(_BLANK):
        return BlankNode(key[len(_BLANK) :])
    return NamedNode(key)


def n_triples(key: Key) -> str:
    """The N-Triples form of a key (an IRI was checked when its `NamedNode` was built)."""
    if isinstance(key, Literal):
        return str(key)
    return key if key.startswith(_BLANK) else f"<{key}>"


def _graph_key(graph: NamedNode | BlankNode | DefaultGraph) -> str:
    return _DEFAULT_GRAPH if isinstance(graph, DefaultGraph) else str(key_of(graph))


class _Predicates:
    """Each predicate's key, found by the predicate object's identity (the template reader
    reuses its predicates; a `NamedNode` is hashed in Rust, slowly). Predicates of parsed quads,
    a new object each, are first replaced by the one object kept for their IRI."""

    __slots__ = ("by_id", "by_iri")

    def __init__(self) -> None:
        self.by_id: dict[int, tuple[NamedNode, str]] = {}
        self.by_iri: dict[str, NamedNode] = {}

    def key(self, predicate: NamedNode) -> str:
        found = self.by_id.get(id(predicate))
        if found is not None and found[0] is predicate:
            return found[1]
        key = sys.intern(predicate.value)
        self.by_id[id(predicate)] = (predicate, key)  # kept alive: its id stays its own
        return key

    def canonical(self, predicate: NamedNode) -> NamedNode:
        """The one object kept for this predicate's IRI."""
        return self.by_iri.setdefault(predicate.value, predicate)


def _appended(objects: Sequence[Key], value: Key) -> Sequence[Key]:
    """`objects` with `value` after them: a new list from a tuple, the same list appended to."""
    if isinstance(objects, list):
        objects.append(value)
        return objects
    return [*objects, value]


class Index:
    """One graph: each subject's predicates and their distinct objects, in the order added.

    Subject first, because the constraints read several predicates of the same focus nodes:
    one look-up in a dict of half a million nodes, then small dicts.
    """

    __slots__ = ("_instance_nodes", "_inverse", "_values", "nodes", "size")

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Sequence[Key]]] = {}
        self.size = 0  # distinct triples
        self._values: dict[str, dict[str, Sequence[Key]]] = {}
        self._inverse: dict[str, dict[Key, list[str]]] = {}
        # with the inverse of rdf:type: each class's instances' nodes, side by side with them
        self._instance_nodes: dict[Key, list[Mapping[str, Sequence[Key]]]] = {}

    def add(self, statements: Iterable[Statement], predicates: _Predicates) -> None:
        """Adds statements; a triple the graph already has is not added twice."""
        writer = _Writer(self, predicates)
        for subject, predicate, obj in statements:
            writer.add(subject, predicate, obj)
        self.forget_views()

    def merge(self, other: Index) -> None:
        """Adds every triple of `other` (the union of two graphs); the views built so far are
        kept up to date (the union reuses the largest graph, whose views are then still good)."""
        for subject, theirs in other.nodes.items():
            mine = self.nodes.get(subject)
            if mine is None:
                mine = self.nodes[subject] = {}
            for predicate, objects in theirs.items():
                for obj in objects:
                    existing = mine.get(predicate, ())
                    if obj not in existing:
                        mine[predicate] = _appended(existing, obj)
                        self.size += 1
                        self._viewed(subject, predicate, obj, mine[predicate])

    def _viewed(self, subject: str, predicate: str, obj: Key, objects: Sequence[Key]) -> None:
        """Brings the views of `predicate` up to date with one statement added to a node."""
        view = self._values.get(predicate)
        if view is not None:
            view[subject] = objects
        subjects_of = self._inverse.get(predicate)
        if subjects_of is not None:
            subjects_of.setdefault(obj, []).append(subject)
            if predicate == _TYPE:
                self._instance_nodes.setdefault(obj, []).append(self.nodes[subject])

    def forget_views(self) -> None:
        """Drops the views built from the nodes (after statements are added)."""
        self._values.clear()
        self._inverse.clear()
        self._instance_nodes.clear()

    # -- reading ---------------------------------------------------------------------------

    def node(self, subject: Key) -> Mapping[str, Sequence[Key]]:
        """A subject's predicates and objects (empty for a literal or an unknown node)."""
        found = self.nodes.get(subject) if isinstance(subject, str) else None
        return found if found is not None else _NO_NODE

    def objects(self, subject: Key, predicate: str) -> Sequence[Key]:
        return self.node(subject).get(predicate, _NO_VALUES)

    def types(self, node: Key) -> Sequence[Key]:
        return self.node(node).get(_TYPE, _NO_VALUES)

    def values(self, predicate: str) -> Mapping[str, Sequence[Key]]:
        """Each subject's objects for one predicate (built once, on first use)."""
        found = self._values.get(predicate)
        if found is None:
            self.prepare(values=(predicate,))
            found = self._values[predicate]
        return found

    def inverse(self, predicate: str) -> Mapping[Key, Sequence[str]]:
        """Each object's subjects for one predicate (built once, on first use)."""
        found = self._inverse.get(predicate)
        if found is None:
            self.prepare(inverse=(predicate,))
            found = self._inverse[predicate]
        return found

    def prepare(self, *, values: Iterable[str] = (), inverse: Iterable[str] = ()) -> None:
        """Builds the `values` and the `inverse` of several predicates in one pass over the
        nodes (each pass over half a million nodes costs a fraction of a second)."""
        by_subject: dict[str, dict[str, Sequence[Key]]] = {
            sys.intern(p): {} for p in values if p not in self._values
        }
        by_object: dict[str, dict[Key, list[str]]] = {
            sys.intern(p): {} for p in inverse if p not in self._inverse
        }
        if _TYPE in by_object:
            self._instance_nodes.clear()
        if not by_subject and not by_object:
            return
        wanted = by_subject.keys() | by_object.keys()
        for subject, node in self.nodes.items():
            for predicate, objects in node.items():
                if predicate not in wanted:
                    continue
                view = by_subject.get(predicate)
                if view is not None:
                    view[subject] = objects
                subjects_of = by_object.get(predicate)
                if subjects_of is not None:
                    for obj in objects:
                        subjects = subjects_of.get(obj)
                        if subjects is None:
                            subjects_of[obj] = [subject]
                        else:
                            subjects.append(subject)
                    if predicate is _TYPE:
                        for obj in objects:
                            self._instance_nodes.setdefault(obj, []).append(node)
        self._values.update(by_subject)
        self._inverse.update(by_object)

    def subjects(self, predicate: str, obj: Key) -> Sequence[str]:
        return self.inverse(predicate).get(obj, ())

    def instances(self, classes: Iterable[str]) -> list[str]:
        """The distinct nodes typed with any of `classes`, in the order they were added."""
        return self.instance_nodes(classes)[0]

    def instance_nodes(
        self, classes: Iterable[str]
    ) -> tuple[list[str], list[Mapping[str, Sequence[Key]]]]:
        """The distinct nodes typed with any of `classes`, and their statements, side by side
        (no look-up in the dict of every node)."""
        by_class = self.inverse(_TYPE)
        found: dict[str, Mapping[str, Sequence[Key]]] = {}
        for cls in classes:
            found.update(zip(by_class.get(cls, ()), self._instance_nodes.get(cls, ()), strict=True))
        return list(found), list(found.values())

    def triples(self) -> Iterator[tuple[str, str, Key]]:
        for subject, node in self.nodes.items():
            for predicate, objects in node.items():
                for obj in objects:
                    yield subject, predicate, obj


class _Writer:
    """Adds statements to an index, one call each (what a template builder makes, as it makes
    it). A predicate's objects are a tuple while there is one (one allocation, the common
    case), then a list.

    The last two subjects are remembered with their key and node: a criterion's statements
    alternate between it and its unit (`eq:hasCriterion`), and a look-up in a dict of half a
    million nodes costs about a microsecond.
    """

    def __init__(self, index: Index, predicates: _Predicates) -> None:
        self.index = index
        self.predicates = predicates
        self._nodes = index.nodes
        self._by_id = predicates.by_id
        self._last: NamedNode | BlankNode | None = None
        self._key = ""
        self._node: dict[str, Sequence[Key]] = {}
        self._previous: NamedNode | BlankNode | None = None
        self._previous_key = ""
        self._previous_node: dict[str, Sequence[Key]] = {}

    def _switch_to(self, subject: NamedNode | BlankNode) -> None:
        if subject is self._previous:
            self._previous, self._last = self._last, self._previous
            self._previous_key, self._key = self._key, self._previous_key
            self._previous_node, self._node = self._node, self._previous_node
            return
        self._previous, self._previous_key, self._previous_node = self._last, self._key, self._node
        key = subject.value if isinstance(subject, NamedNode) else _BLANK + subject.value
        found = self._nodes.get(key)
        if found is None:
            found = self._nodes[key] = {}
        self._last, self._key, self._node = subject, key, found

    def key_of(self, term: NamedNode | BlankNode | Literal) -> Key:
        """A term's key, the same string as its node's when it is one of the last two."""
        if term is self._last:
            return self._key
        if term is self._previous:
            return self._previous_key
        if isinstance(term, NamedNode):
            return term.value
        return term if isinstance(term, Literal) else _BLANK + term.value

    def add(self, subject: NamedNode | BlankNode, predicate: NamedNode, obj: Term) -> None:
        if subject is not self._last:
            self._switch_to(subject)
        entry = self._by_id.get(id(predicate))
        name = entry[1] if entry and entry[0] is predicate else self.predicates.key(predicate)
        value = self.key_of(obj)
        node = self._node
        objects = node.get(name)
        if objects is None:
            node[name] = (value,)
            self.index.size += 1
        elif value not in objects:
            node[name] = _appended(objects, value)
            self.index.size += 1

    def describe(self, subject: NamedNode, statements: Iterable[tuple[NamedNode, Object]]) -> None:
        """Statements about one subject: a node not yet indexed is made in one go (a criterion's
        five statements cost one look-up in the half-million nodes, not five calls of `add`)."""
        key = subject.value
        if key in self._nodes:
            for predicate, obj in statements:
                self.add(subject, predicate, obj)
            return
        node: dict[str, Sequence[Key]] = {}
        by_id, added = self._by_id, 0
        for predicate, obj in statements:
            entry = by_id.get(id(predicate))
            name = entry[1] if entry and entry[0] is predicate else self.predicates.key(predicate)
            value = self.key_of(obj)
            objects = node.get(name)
            if objects is None:
                node[name] = (value,)
            elif value in objects:
                continue
            else:
                node[name] = _appended(objects, value)
            added += 1
        self._nodes[key] = node
        self.index.size += added
        self._previous, self._previous_key, self._previous_node = self._last, self._key, self._node
        self._last, self._key, self._node = subject, key, node


class _IndexBuilder(_Writer, QuadBuilder):
    """The template reader's builder for validation: each statement goes into the index as it
    is made (no provenance records, no `Quad`); `rows` says where each resource was read."""

    def __init__(
        self, graph: NamedNode, dataset: str, path: str, index: Index, predicates: _Predicates
    ) -> None:
        QuadBuilder.__init__(self, graph, dataset, path, provenance=False)
        _Writer.__init__(self, index, predicates)

    def reified(self, subject: NamedNode, predicate: NamedNode, obj: Term, row: int) -> None:
        self.add(subject, predicate, obj)  # without provenance, no record to reify it on

    def derived(self, subject: NamedNode, row: int) -> None:
        """Remembers the row a resource was first read from (its key string is shared)."""
        self.rows.setdefault(self.key_of(subject), row)  # type: ignore[arg-type]

    def flush(self) -> None:
        self.index.forget_views()


class Dataset:
    """Quads by named graph while they are added; one `Index` of their union to validate."""

    def __init__(self) -> None:
        self._graphs: dict[str, Index] = {}
        self._union: Index | None = None
        self._quads = 0  # counted when the graphs are merged
        self._predicates = _Predicates()
        self._star: set[Quad] = set()

    # -- adding ----------------------------------------------------------------------------

    def _not_merged(self) -> None:
        if self._union is not None:
            raise RuntimeError("the graphs are already merged: ask before union()")

    def _graph(self, name: NamedNode | BlankNode | DefaultGraph) -> Index:
        self._not_merged()
        key = _graph_key(name)
        index = self._graphs.get(key)
        if index is None:
            index = self._graphs[key] = Index()
        return index

    def builder(self, graph: NamedNode, dataset: str, path: str) -> QuadBuilder:
        """A template builder that indexes its statements into this graph (see
        `io.template.read_template_rows(builders=…)`)."""
        return _IndexBuilder(graph, dataset, path, self._graph(graph), self._predicates)

    def add_statements(
        self, graph: NamedNode | BlankNode | DefaultGraph, statements: Iterable[Statement]
    ) -> None:
        """Statements `(subject, predicate, object)` of one named graph."""
        self._graph(graph).add(statements, self._predicates)

    def add_triples(
        self, graph: NamedNode | BlankNode | DefaultGraph, triples: Iterable[Triple]
    ) -> None:
        canonical = self._predicates.canonical
        self.add_statements(
            graph,
            [
                (t.subject, canonical(t.predicate), t.object)
                for t in triples
                if not isinstance(t.subject, Triple) and not isinstance(t.object, Triple)
            ],
        )

    def add_quads(self, quads: Iterable[Quad]) -> None:
        canonical = self._predicates.canonical
        by_graph: dict[str, tuple[NamedNode | BlankNode | DefaultGraph, list[Statement]]] = {}
        for quad in quads:
            subject, obj = quad.subject, quad.object
            if isinstance(subject, Triple) or isinstance(obj, Triple):
                self._star.add(quad)  # RDF-star triple terms: counted, but no shape reads them
                continue
            graph = quad.graph_name
            key = _graph_key(graph)
            if key not in by_graph:
                by_graph[key] = (graph, [])
            by_graph[key][1].append((subject, canonical(quad.predicate), obj))
        for graph, statements in by_graph.values():
            self.add_statements(graph, statements)

    # -- as named graphs (before the union) --------------------------------------------------

    def __len__(self) -> int:
        """How many quads (a triple in two graphs counts twice, as in a store)."""
        if self._union is not None:
            return self._quads
        return sum(index.size for index in self._graphs.values()) + len(self._star)

    def graph_names(self) -> list[NamedNode | BlankNode | DefaultGraph]:
        return [
            DefaultGraph() if name == _DEFAULT_GRAPH else term_of(name)  # type: ignore[misc]
            for name, index in self._graphs.items()
            if index.size
        ]

    def typed(self, cls: str) -> list[tuple[str, str]]:
        """The quads `(node, rdf:type, cls, graph)`, as (node, graph) keys."""
        self._not_merged()
        return [
            (subject, graph)
            for graph, index in self._graphs.items()
            for subject in index.inverse(_TYPE).get(cls, ())
        ]

    def objects(self, subject: str, predicate: str) -> list[Key]:
        """The distinct objects of a subject and predicate, in any graph."""
        self._not_merged()
        found: dict[Key, None] = {}
        for index in self._graphs.values():
            found.update(dict.fromkeys(index.objects(subject, predicate)))
        return list(found)

    def statements_about(self, subject: str) -> int:
        """How many quads have this subject, in every graph."""
        self._not_merged()
        return sum(
            len(objects)
            for index in self._graphs.values()
            for objects in index.node(subject).values()
        )

    def objects_of(self, predicate: str) -> set[Key]:
        """Every object of a predicate, in any graph."""
        self._not_merged()
        return {
            obj
            for index in self._graphs.values()
            for node in index.nodes.values()
            for obj in node.get(predicate, ())
        }

    # -- as one graph ----------------------------------------------------------------------

    def union(self) -> Index:
        """Every graph merged into one (the largest is reused): what the shapes validate.

        The other graphs' statements come after the largest one's (the ontology's after the
        submission's, see `scope.scoped_statements`). After this, no quad can be added.
        """
        if self._union is None:
            self._quads = len(self)
            graphs = sorted(self._graphs.values(), key=lambda index: -index.size)
            union = graphs[0] if graphs else Index()
            for other in graphs[1:]:
                union.merge(other)
            self._union = union
        return self._union
