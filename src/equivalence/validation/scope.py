"""Which statements the SPARQL-evaluated constraints can read: all the store needs to hold.

Loading a quad into pyoxigraph costs about 3 µs; a 10,000-standard submission has millions, of
which the SPARQL constraints read a few hundred thousand. What they can read is found in their
algebra (rdflib's SPARQL parser): each triple pattern with a constant predicate reads the
statements of that predicate, and only those of some subjects when its subject is

- `$this`: the constraint's focus nodes, instances of its target classes (and subclasses);
- a variable typed with a constant class in the same basic graph pattern (`?other a C`): a
  statement whose subject is not an instance of C can join no solution of that pattern;
- a constant: that subject.

The `rdf:type` statements that make a node a target, or an instance of such a class, are read
too. A pattern this cannot bound (a variable predicate, a property path, a sub-select, a GRAPH
or SERVICE clause) makes the store hold every statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final

from rdflib import RDF, URIRef, Variable
from rdflib.plugins.sparql.parserutils import CompValue

from equivalence.validation.dataset import Index, Key
from equivalence.validation.shapes import Constraint

__all__ = ["Reading", "Scope", "reading", "remember", "scope_of", "scoped_statements"]

Closure = Mapping[str, frozenset[str]]

_TYPE: Final = str(RDF.type)
_THIS: Final = Variable("this")
# Algebra nodes whose data a triple-pattern reading cannot bound.
_UNBOUNDED: Final = frozenset(
    {"ToMultiSet", "SubSelect", "Graph", "GraphGraphPattern", "ServiceGraphPattern", "Service"}
)


@dataclass(slots=True)
class Scope:
    """The statements a store needs, by predicate."""

    everything: bool = False
    predicates: set[str] = field(default_factory=set)  # every statement of these
    # statements whose subject is an instance of one of the classes (by its own rdf:type)
    subject_classes: dict[str, set[str]] = field(default_factory=dict)
    subjects: dict[str, set[str]] = field(default_factory=dict)  # constant subjects
    type_objects: set[Key] = field(default_factory=set)  # (?, rdf:type, C) for these C

    def of_instances(self, predicate: str, classes: Iterable[str]) -> None:
        classes = set(classes)
        self.subject_classes.setdefault(predicate, set()).update(classes)
        self.type_objects.update(classes)


@dataclass(frozen=True, slots=True)
class _Pattern:
    """One triple pattern of a basic graph pattern, and the classes its subject is typed with."""

    subject: object
    predicate: object
    object: object
    subject_types: frozenset[URIRef]


@dataclass(frozen=True, slots=True)
class Reading:
    """What one SPARQL constraint reads: its triple patterns, or None if unbounded."""

    patterns: tuple[_Pattern, ...] | None


def _triples(node: CompValue) -> list[tuple[object, object, object]]:
    """The triple patterns of a translated BGP or of a raw TriplesBlock (flattened by 3)."""
    if node.name == "BGP":
        return [tuple(t) for t in node["triples"]]
    found: list[tuple[object, object, object]] = []
    for chunk in node["triples"]:
        items = list(chunk)
        found.extend(
            (items[i], items[i + 1], items[i + 2]) for i in range(0, len(items) - len(items) % 3, 3)
        )
    return found


def _basic_patterns(node: CompValue) -> Iterator[_Pattern]:
    triples = _triples(node)
    types: dict[object, set[URIRef]] = {}
    for s, p, o in triples:
        if p == RDF.type and isinstance(o, URIRef):
            types.setdefault(s, set()).add(o)
    for s, p, o in triples:
        yield _Pattern(s, p, o, frozenset(types.get(s, ())))


def _walk(node: Any, patterns: list[_Pattern]) -> bool:
    """Collects the triple patterns under `node`; False when the reading cannot be bounded."""
    if isinstance(node, CompValue):
        if node.name in _UNBOUNDED:
            return False
        if node.name in ("BGP", "TriplesBlock"):
            patterns.extend(_basic_patterns(node))
            return True
        return all(_walk(value, patterns) for value in node.values())
    if isinstance(node, list | tuple):
        return all(_walk(item, patterns) for item in node)
    return True


def _parse(select: str) -> Reading:
    from rdflib.plugins.sparql.algebra import translateQuery  # slow to import: when needed
    from rdflib.plugins.sparql.parser import parseQuery

    query = translateQuery(parseQuery(select))
    patterns: list[_Pattern] = []
    if not _walk(query.algebra, patterns):
        return Reading(None)
    return Reading(tuple(patterns))


_READINGS: Final[dict[str, Reading]] = {}  # by the text of the constraint's query, per process


def reading(select: str) -> Reading:
    """What a SPARQL constraint reads (parsed once per process), parsed on a thread of its own.

    pyparsing leaves cyclic garbage (exceptions, their tracebacks) that holds the frames it ran
    in, and through them every caller's frame and locals. Parsed inside a validation, that kept
    the validated data alive until the next garbage collection, which then took 5 s on 10,000
    standards; a thread's frames lead to no caller.
    """
    found = _READINGS.get(select)
    if found is None:
        with ThreadPoolExecutor(max_workers=1) as pool:
            found = _READINGS[select] = pool.submit(_parse, select).result()
    return found


def remember(readings: Mapping[str, Reading]) -> None:
    """Readings parsed elsewhere (by the query process, while this one reads the data)."""
    _READINGS.update(readings)


def _target_classes(constraint: Constraint, closure: Closure) -> set[str]:
    found: set[str] = set()
    for target in constraint.targets:
        found.update(closure.get(str(target), frozenset({str(target)})))
    return found


def _add_pattern(scope: Scope, pattern: _Pattern, targets: set[str]) -> bool:
    """Adds what one pattern reads; False when its predicate is not a constant IRI."""
    if not isinstance(pattern.predicate, URIRef):
        return False
    predicate = str(pattern.predicate)
    if predicate == _TYPE and isinstance(pattern.object, URIRef):
        scope.type_objects.add(str(pattern.object))
    if pattern.subject == _THIS:
        scope.of_instances(predicate, targets)
    elif pattern.subject_types:
        scope.of_instances(predicate, (str(c) for c in pattern.subject_types))
    elif isinstance(pattern.subject, URIRef):
        scope.subjects.setdefault(predicate, set()).add(str(pattern.subject))
    elif not (predicate == _TYPE and isinstance(pattern.object, URIRef)):
        scope.predicates.add(predicate)
    return True


def _add_path(scope: Scope, constraint: Constraint, targets: set[str]) -> None:
    """A core constraint run as SPARQL reads its path (and sh:lessThanOrEquals' other one)."""
    assert constraint.path is not None
    predicates = [str(constraint.path)]
    if constraint.component == "lessThanOrEquals":
        predicates.append(str(constraint.parameter[0]))
    for predicate in predicates:
        if constraint.inverse:
            scope.predicates.add(predicate)
        else:
            scope.of_instances(predicate, targets)


def scope_of(constraints: Iterable[Constraint], closure: Closure) -> Scope:
    """What the store must hold for these constraints to find what they find on all the data."""
    scope = Scope()
    for constraint in constraints:
        targets = _target_classes(constraint, closure)
        scope.type_objects.update(targets)
        if constraint.component != "sparql":
            _add_path(scope, constraint, targets)
            continue
        patterns = reading(constraint.select).patterns
        if patterns is None or not all(_add_pattern(scope, p, targets) for p in patterns):
            scope.everything = True
    return scope


def _unread(
    node: Mapping[str, Sequence[Key]],
    types: Sequence[Key],
    subject: str,
    scope: Scope,
    named_classes: set[Key],
    named_subjects: set[str],
) -> bool:
    """Whether none of a node's statements is in the scope: none of its predicates is read
    whole, none of its types is named, and it is not a named subject."""
    return (
        scope.predicates.isdisjoint(node)
        and named_classes.isdisjoint(types)
        and subject not in named_subjects
    )


def scoped_statements(index: Index, scope: Scope) -> Iterator[tuple[str, str, Sequence[Key]]]:
    """The statements of the index the scope holds, as (subject, predicate, objects), in the
    order their subjects were added (one pass over the nodes; a subject's own types say whether
    it is an instance of a class the scope names).

    The order matters to pyoxigraph: it scans a pattern's matches newest first, and its plan
    for the NOT EXISTS of `standard-level-in-scheme` scans every standard of the country until
    it meets the level scheme's own `eq:country`. Added after the submission (as the ontology
    is), that statement is met first; added before, the query took 24 s instead of 0.1 s on
    10,000 standards.
    """
    everything, every = scope.everything, scope.predicates
    classes_of, subjects_of = scope.subject_classes, scope.subjects
    named_classes = scope.type_objects.union(*classes_of.values())
    named_subjects = set().union(*subjects_of.values())
    for subject, node in index.nodes.items():
        types = node.get(_TYPE, ())
        if not everything and _unread(node, types, subject, scope, named_classes, named_subjects):
            continue  # most nodes (half a million criteria): one test, not one per predicate
        for predicate, objects in node.items():
            if everything or predicate in every:
                yield subject, predicate, objects
                continue
            classes = classes_of.get(predicate)
            if (classes is not None and not classes.isdisjoint(types)) or (
                subject in subjects_of.get(predicate, ())
            ):
                yield subject, predicate, objects
            elif predicate == _TYPE:
                typed = [obj for obj in objects if obj in scope.type_objects]
                if typed:
                    yield subject, predicate, typed
