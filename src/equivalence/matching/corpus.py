"""Reading the standards to compare out of the graph.

One flat query per country graph (`matching-facts`) returns the statements the engine needs;
they are assembled here. Joins and OPTIONALs on the on-disk store cost seconds per thousand
units, where the flat scan reads a country's 200,000 statements in about a second.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode

from equivalence.matching.model import Criterion, StandardText, UnitText
from equivalence.sparql import default_catalogue
from equivalence.store.base import TripleStore
from equivalence.vocab import COUNTRIES, DCTERMS, EQ, RDF, SKOS, country_graph

__all__ = ["level_numbers", "read_standards"]

_LANGUAGE = "es"

_Plain = NamedNode | Literal | BlankNode


@dataclass(slots=True)
class _Node:
    """What the facts say about one resource: {predicate IRI: [objects]}."""

    values: dict[str, list[_Plain]] = field(default_factory=lambda: defaultdict(list))

    def first(self, predicate: NamedNode) -> _Plain | None:
        found = self.values.get(predicate.value)
        return found[0] if found else None

    def all(self, predicate: NamedNode) -> list[_Plain]:
        return self.values.get(predicate.value, [])

    def text(self, predicate: NamedNode) -> str:
        term = self.first(predicate)
        return term.value if term is not None else ""

    def label(self) -> str:
        """The Spanish preferred label, else any."""
        labels = [t for t in self.all(SKOS.prefLabel) if isinstance(t, Literal)]
        spanish = [t for t in labels if (t.language or "").startswith(_LANGUAGE)]
        chosen = spanish or labels
        return min(t.value for t in chosen) if chosen else ""

    def order(self) -> int:
        term = self.first(EQ.order)
        try:
            return int(term.value) if term is not None else 1 << 30
        except ValueError:
            return 1 << 30


def _facts(store: TripleStore, country: str) -> dict[str, _Node]:
    nodes: dict[str, _Node] = defaultdict(_Node)
    rows = default_catalogue().select(store, "matching-facts", graph=country_graph(country)).rows
    for row in rows:
        subject, predicate, obj = row.get("s"), row.get("p"), row.get("o")
        if not (
            isinstance(subject, NamedNode | BlankNode)
            and isinstance(predicate, NamedNode)
            and isinstance(obj, _Plain)
        ):
            continue
        nodes[subject.value].values[predicate.value].append(obj)
    return nodes


def _criteria(nodes: Mapping[str, _Node], unit: _Node) -> tuple[Criterion, ...]:
    found: list[tuple[int, str, Criterion]] = []
    for term in unit.all(EQ.hasCriterion):
        node = nodes.get(term.value)
        if node is None:
            continue
        kind = node.text(EQ.criterionKind).rstrip("/").rsplit("/", 1)[-1]
        code = node.text(DCTERMS.identifier)
        found.append((node.order(), code, Criterion(code, node.label(), kind)))
    return tuple(c for _, _, c in sorted(found, key=lambda x: (x[0], x[1])))


def _units(nodes: Mapping[str, _Node], standard: _Node) -> tuple[UnitText, ...]:
    found: list[tuple[int, str, UnitText]] = []
    for term in standard.all(EQ.hasUnit):
        node = nodes.get(term.value)
        if node is None:
            continue
        code = node.text(DCTERMS.identifier)
        unit = UnitText(
            iri=term.value,
            code=code,
            title=node.label(),
            essential=node.text(EQ.essential) != "false",
            criteria=_criteria(nodes, node),
            skills=tuple(sorted(t.value for t in node.all(EQ.relatedSkill))),
        )
        found.append((node.order(), code, unit))
    return tuple(u for _, _, u in sorted(found, key=lambda x: (x[0], x[1])))


def _standards_of(
    store: TripleStore, country: str, levels: Mapping[str, int]
) -> Iterable[StandardText]:
    nodes = _facts(store, country)
    for iri, node in nodes.items():
        types = {t.value for t in node.all(RDF.type)}
        if EQ.CompetencyStandard.value not in types:
            continue
        level = node.text(EQ.level) or None
        sector = nodes.get(node.text(EQ.sector))
        yield StandardText(
            iri=iri,
            country=country,
            code=node.text(DCTERMS.identifier),
            title=node.label(),
            units=_units(nodes, node),
            level=levels.get(level) if level else None,
            level_iri=level,
            sector=sector.label() if sector is not None else "",
            occupations=tuple(sorted(t.value for t in node.all(EQ.occupation))),
        )


def level_numbers(store: TripleStore) -> dict[str, int]:
    """Each level's number in its scheme (``…/level/MX/4`` → 4)."""
    numbers: dict[str, int] = {}
    for row in default_catalogue().select(store, "matching-level-links").rows:
        level, notation = row.get("level"), row.get("notation")
        if (
            isinstance(level, NamedNode)
            and isinstance(notation, Literal)
            and notation.value.isdigit()
        ):
            numbers[level.value] = int(notation.value)
    return numbers


def read_standards(
    store: TripleStore, countries: Sequence[str] | None = None
) -> list[StandardText]:
    """The standards of these countries (all four when None) with units and criteria."""
    wanted = [c.upper() for c in countries] if countries else list(COUNTRIES)
    levels = level_numbers(store)
    standards = [s for country in wanted for s in _standards_of(store, country, levels)]
    return sorted(standards, key=lambda s: (s.country, s.code))
