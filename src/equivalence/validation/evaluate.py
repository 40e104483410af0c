"""The constraints that need no join, evaluated in Python on the dataset's index.

A SHACL core constraint on a direct or inverse path reads only the focus node's own values (and,
for `sh:class`, their types): a dict look-up per focus node, where a SPARQL query over millions
of quads took seconds. Each evaluator is driven by a parsed `Constraint` (the shapes stay the only
source of the rules) and follows what pySHACL does, the reference; `datatype` asks pyoxigraph,
as the SPARQL engine did, whether a lexical form it cannot vouch for is well formed.

The components left to SPARQL (`sh:sparql`, value ranges, property pairs) are in `engine.py`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from pyoxigraph import Literal, NamedNode, QuerySolutions, Store
from rdflib import Literal as RdfLibLiteral
from rdflib import URIRef
from rdflib.term import Node

from equivalence.errors import ConfigurationError
from equivalence.validation.dataset import Index, Key
from equivalence.validation.shapes import SH, Constraint
from equivalence.validation.templates import template

__all__ = ["PYTHON_COMPONENTS", "Violation", "evaluate", "rdf_key", "rdf_term"]

# (focus node, value node or None): one result of a constraint, as index keys
Violation = tuple[str, Key | None]
Closure = Mapping[str, frozenset[str]]

_XSD: Final = "http://www.w3.org/2001/XMLSchema#"
_INTEGER: Final = re.compile(r"-?[0-9]{1,18}")  # within pyoxigraph's 64 bits
_DECIMAL: Final = re.compile(r"-?[0-9]{1,18}(\.[0-9]{1,18})?")
_PLAIN_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _any_text(text: str) -> bool:
    return True


def _plain_integer(text: str) -> bool:
    return _INTEGER.fullmatch(text) is not None


def _plain_decimal(text: str) -> bool:
    return _DECIMAL.fullmatch(text) is not None


def _plain_date(text: str) -> bool:
    if _PLAIN_DATE.fullmatch(text) is None:
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


# Lexical forms pyoxigraph surely casts to their datatype; any other form of these datatypes is
# cast by pyoxigraph (what the SPARQL engine did), so that edge cases keep its answer.
_SURELY_WELL_FORMED: Final[Mapping[str, Callable[[str], bool]]] = {
    f"{_XSD}string": _any_text,
    f"{_XSD}boolean": frozenset({"true", "false", "1", "0"}).__contains__,
    f"{_XSD}integer": _plain_integer,
    f"{_XSD}decimal": _plain_decimal,
    f"{_XSD}date": _plain_date,
}
# XSD datatypes whose IRI is also a SPARQL cast function: well-formedness is checked by casting.
_CASTABLE: Final = frozenset(
    f"{_XSD}{name}"
    for name in ("string", "boolean", "integer", "decimal", "double", "float", "date", "dateTime")
)
_IRI, _BLANK_NODE, _LITERAL = "IRI", "BlankNode", "Literal"
_NODE_KINDS: Final[Mapping[URIRef, frozenset[str]]] = {
    SH.IRI: frozenset({_IRI}),
    SH.BlankNode: frozenset({_BLANK_NODE}),
    SH.Literal: frozenset({_LITERAL}),
    SH.BlankNodeOrIRI: frozenset({_BLANK_NODE, _IRI}),
    SH.BlankNodeOrLiteral: frozenset({_BLANK_NODE, _LITERAL}),
    SH.IRIOrLiteral: frozenset({_IRI, _LITERAL}),
}


def rdf_term(node: Node) -> NamedNode | Literal:
    """A constraint parameter (an rdflib term of the shapes graph) as a pyoxigraph term."""
    if isinstance(node, URIRef):
        return NamedNode(str(node))
    if isinstance(node, RdfLibLiteral):
        if node.language:
            return Literal(str(node), language=node.language)
        if node.datatype is not None:
            return Literal(str(node), datatype=NamedNode(str(node.datatype)))
        return Literal(str(node))
    raise ConfigurationError(f"a blank node cannot be a constraint parameter: {node}")


def rdf_key(node: Node) -> Key:
    """A constraint parameter as an index key."""
    term = rdf_term(node)
    return term.value if isinstance(term, NamedNode) else term


def _kind(value: Key) -> str:
    if isinstance(value, Literal):
        return _LITERAL
    return _BLANK_NODE if value.startswith("_:") else _IRI


@dataclass(slots=True)
class FocusValues:
    """The focus nodes of a constraint and each one's value nodes, side by side."""

    foci: Sequence[str]
    values: Sequence[Sequence[Key]]
    _counts: list[int] | None = None

    @property
    def counts(self) -> list[int]:
        """How many values each focus node has (counted once for all the constraints on the
        path: reading each node's values again is a cache miss each)."""
        if self._counts is None:
            self._counts = list(map(len, self.values))
        return self._counts

    def pairs(self) -> Iterator[tuple[str, Sequence[Key]]]:
        return zip(self.foci, self.values, strict=True)


@dataclass(slots=True)
class _Data:
    """The index, the class hierarchy, and the focus nodes of each set of target classes."""

    index: Index
    closure: Closure
    _focus: dict[frozenset[str], tuple[list[str], list[Mapping[str, Sequence[Key]]]]] = field(
        default_factory=dict
    )

    def classes(self, cls: str) -> frozenset[str]:
        return self.closure.get(cls, frozenset({cls}))

    def target_classes(self, constraint: Constraint) -> frozenset[str]:
        return frozenset(c for t in constraint.targets for c in self.classes(str(t)))

    def focus_nodes(
        self, constraint: Constraint
    ) -> tuple[list[str], list[Mapping[str, Sequence[Key]]]]:
        """The focus nodes, and each one's statements (looked up once for every constraint)."""
        targets = self.target_classes(constraint)
        found = self._focus.get(targets)
        if found is None:
            found = self._focus[targets] = self.index.instance_nodes(sorted(targets))
        return found

    def focus_values(self, constraint: Constraint) -> FocusValues:
        """The focus nodes and their value nodes: the objects of the path, or its subjects."""
        assert constraint.path is not None
        predicate = sys.intern(str(constraint.path))
        foci, nodes = self.focus_nodes(constraint)
        if constraint.inverse:
            subjects = self.index.inverse(predicate)
            return FocusValues(foci, [subjects.get(focus, ()) for focus in foci])
        return FocusValues(foci, [node.get(predicate, ()) for node in nodes])


def _failing_values(pairs: FocusValues, conforms: Callable[[Key], bool]) -> list[Violation]:
    return [(f, v) for f, vs in pairs.pairs() for v in vs if not conforms(v)]


def _count(constraint: Constraint) -> int:
    return int(str(constraint.parameter[0]))


def _min_count(data: _Data, constraint: Constraint, pairs: FocusValues) -> list[Violation]:
    least = _count(constraint)
    return [(f, None) for f, n in zip(pairs.foci, pairs.counts, strict=True) if n < least]


def _max_count(data: _Data, constraint: Constraint, pairs: FocusValues) -> list[Violation]:
    most = _count(constraint)
    return [(f, None) for f, n in zip(pairs.foci, pairs.counts, strict=True) if n > most]


def _has_value(data: _Data, constraint: Constraint, pairs: FocusValues) -> list[Violation]:
    wanted = rdf_key(constraint.parameter[0])
    return [(f, None) for f, vs in pairs.pairs() if wanted not in vs]


def _class(data: _Data, constraint: Constraint, pairs: FocusValues) -> list[Violation]:
    """A value is an instance of the class or a subclass: a member of their instances (one set
    look-up, where reading each value's types took a look-up among every node)."""
    instances = frozenset(data.index.instances(data.classes(str(constraint.parameter[0]))))
    return _failing_values(pairs, instances.__contains__)


def _in(data: _Data, constraint: Constraint, pairs: FocusValues) -> list[Violation]:
    allowed = frozenset(rdf_key(n) for n in constraint.parameter)
    return [(f, v) for f, vs in pairs.pairs() for v in vs if v not in allowed]


def _node_kind(data: _Data, constraint: Constraint, pairs: FocusValues) -> list[Violation]:
    kinds = _NODE_KINDS.get(constraint.parameter[0])  # type: ignore[call-overload]
    if kinds is None:
        raise ConfigurationError(f"{constraint.rule}: unknown sh:nodeKind {constraint.parameter}")
    return _failing_values(pairs, lambda v: _kind(v) in kinds)


def _pattern_text(value: Key) -> str | None:
    """The string pySHACL matches a pattern against (None: a blank node never matches)."""
    if isinstance(value, Literal):
        return value.value
    return None if value.startswith("_:") else value


def _pattern(data: _Data, constraint: Constraint, pairs: FocusValues) -> list[Violation]:
    flags = 0  # pySHACL honours only the i and m flags
    flags |= re.IGNORECASE if "i" in constraint.flags.lower() else 0
    flags |= re.MULTILINE if "m" in constraint.flags.lower() else 0
    search = re.compile(str(constraint.parameter[0]), flags).search

    def matches(value: Key) -> bool:
        text = _pattern_text(value)
        return text is not None and search(text) is not None

    return _failing_values(pairs, matches)


def _language_in(data: _Data, constraint: Constraint, pairs: FocusValues) -> list[Violation]:
    """pySHACL's reading of language ranges: a tag matches a range, or its first subtag does."""
    ranges = frozenset(str(node).lower() for node in constraint.parameter)

    def matches(value: Key) -> bool:
        language = value.language if isinstance(value, Literal) else None
        if not language:
            return False
        tag = language.lower()
        return "*" in ranges or tag in ranges or tag.split("-")[0] in ranges

    return _failing_values(pairs, matches)


def _datatype(data: _Data, constraint: Constraint, pairs: FocusValues) -> list[Violation]:
    datatype = NamedNode(str(constraint.parameter[0]))
    surely = _SURELY_WELL_FORMED.get(datatype.value)
    castable = datatype.value in _CASTABLE
    failing: list[Violation] = []
    to_cast: list[tuple[str, Literal]] = []
    for focus, values in pairs.pairs():
        for value in values:
            if not isinstance(value, Literal) or value.datatype != datatype:
                failing.append((focus, value))
            elif castable and (surely is None or not surely(value.value)):
                to_cast.append((focus, value))
    ill_formed = _ill_formed(datatype, {value for _, value in to_cast})
    failing.extend((focus, value) for focus, value in to_cast if value in ill_formed)
    return failing


def _ill_formed(datatype: NamedNode, literals: Iterable[Literal]) -> set[Literal]:
    """The literals whose lexical form pyoxigraph cannot cast to their datatype."""
    values = " ".join(str(literal) for literal in literals)
    if not values:
        return set()
    query = template("ill-formed").replace("$values", values).replace("$datatype", str(datatype))
    solutions = Store().query(query)
    assert isinstance(solutions, QuerySolutions)
    return {s["value"] for s in solutions if isinstance(s["value"], Literal)}


_EVALUATORS: Final[Mapping[str, Callable[[_Data, Constraint, FocusValues], list[Violation]]]] = {
    "minCount": _min_count,
    "maxCount": _max_count,
    "hasValue": _has_value,
    "class": _class,
    "in": _in,
    "nodeKind": _node_kind,
    "pattern": _pattern,
    "languageIn": _language_in,
    "datatype": _datatype,
}
PYTHON_COMPONENTS: Final = frozenset(_EVALUATORS)


def _by_focus_and_path(
    data: _Data, constraints: Sequence[Constraint]
) -> dict[tuple[frozenset[str], str | None], list[Constraint]]:
    """Constraints that read the same path of the same focus nodes, together."""
    groups: dict[tuple[frozenset[str], str | None], list[Constraint]] = {}
    for constraint in constraints:
        key = (data.target_classes(constraint), constraint.path_text)
        groups.setdefault(key, []).append(constraint)
    return groups


def evaluate(
    index: Index, closure: Closure, constraints: Sequence[Constraint]
) -> list[list[Violation]]:
    """The violations of each constraint (components of `PYTHON_COMPONENTS` only), in order.

    The focus nodes' values are looked up once for all the constraints on one path.
    """
    data = _Data(index, closure)
    found: dict[int, list[Violation]] = {}
    for group in _by_focus_and_path(data, constraints).values():
        pairs = data.focus_values(group[0])
        for constraint in group:
            found[id(constraint)] = _EVALUATORS[constraint.component](data, constraint, pairs)
    return [found[id(c)] for c in constraints]
