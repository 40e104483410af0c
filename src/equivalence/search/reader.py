"""Reading what the index holds out of the store, and the cheap state key of a country's graph.

The texts come from the named query `search-texts` (one row per standard, unit-of-standard and
criterion-of-unit of one country graph); the state key from the package's own query
`search-state` (counts of standards, of labels and of accepted versions).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import as_file, files

from pyoxigraph import Literal, NamedNode

from equivalence.sparql import NamedQuery, default_catalogue, parse_query_file
from equivalence.store.base import Term, TripleStore
from equivalence.vocab import country_graph

__all__ = ["StandardRecord", "UnitRecord", "read_country", "state_key"]

_LANGUAGE = "es"
_NATURAL = re.compile(r"(\d+)")


@dataclass(slots=True)
class UnitRecord:
    """A unit of a standard: its code, title(s) and criteria as (code, text) pairs."""

    iri: str
    code: str = ""
    titles: list[str] = field(default_factory=list)
    criteria: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class StandardRecord:
    """A standard as the index keeps it."""

    iri: str
    country: str
    codes: list[str] = field(default_factory=list)
    titles: list[tuple[str, str]] = field(default_factory=list)  # (text, language)
    level: int | None = None
    sector_iri: str | None = None
    sector: str | None = None
    units: list[UnitRecord] = field(default_factory=list)

    @property
    def code(self) -> str:
        return min(self.codes, key=_natural) if self.codes else ""

    @property
    def title(self) -> str:
        """The Spanish title, else any (the smallest when there are several)."""
        spanish = [t for t, lang in self.titles if lang.startswith(_LANGUAGE)]
        chosen = spanish or [t for t, _ in self.titles]
        return min(chosen) if chosen else ""


def _natural(text: str) -> tuple[object, ...]:
    """A sort key that puts E2 before E10."""
    return tuple(int(p) if p.isdigit() else p for p in _NATURAL.split(text))


def _value(term: Term | None) -> str:
    return term.value if isinstance(term, NamedNode | Literal) else ""


def read_country(store: TripleStore, country: str) -> list[StandardRecord]:
    """The standards of one country's graph with their units and criteria, sorted by code."""
    rows = default_catalogue().select(store, "search-texts", graph=country_graph(country)).rows
    standards: dict[str, StandardRecord] = {}
    units_of: dict[str, dict[str, UnitRecord]] = defaultdict(dict)
    criteria_of: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in rows:
        kind = _value(row.get("kind"))
        text = _value(row.get("text")).strip()
        code = _value(row.get("code")).strip()
        if kind == "criterion":
            parent = _value(row.get("unit"))
            if parent and text:
                criteria_of[parent].add((code, text))
            continue
        iri = _value(row.get("standard"))
        if not iri:
            continue
        record = standards.get(iri)
        if record is None:
            record = standards[iri] = StandardRecord(iri, country)
        if kind == "unit":
            unit_iri = _value(row.get("unit"))
            unit = units_of[iri].get(unit_iri)
            if unit is None:
                unit = units_of[iri][unit_iri] = UnitRecord(unit_iri, code)
            if text and text not in unit.titles:
                unit.titles.append(text)
            continue
        _standard_row(record, row, code, text)
    for iri, record in standards.items():
        units = sorted(units_of.get(iri, {}).values(), key=lambda u: (_natural(u.code), u.iri))
        for unit in units:
            unit.criteria = sorted(criteria_of.get(unit.iri, ()), key=lambda c: _natural(c[0]))
        record.units = units
    return sorted(standards.values(), key=lambda s: (_natural(s.code), s.iri))


def _standard_row(record: StandardRecord, row: dict[str, Term], code: str, text: str) -> None:
    if code and code not in record.codes:
        record.codes.append(code)
    label = row.get("text")
    if text and isinstance(label, Literal):
        entry = (text, (label.language or "").lower())
        if entry not in record.titles:
            record.titles.append(entry)
    number = _value(row.get("levelNumber"))
    if record.level is None and number.isdigit():
        record.level = int(number)
    sector = _value(row.get("sector"))
    if sector and (record.sector_iri is None or sector < record.sector_iri):
        record.sector_iri = sector
        record.sector = None
    sector_label = row.get("sectorLabel")
    if sector == record.sector_iri and isinstance(sector_label, Literal):
        spanish = (sector_label.language or "").startswith(_LANGUAGE)
        if record.sector is None or spanish:
            record.sector = sector_label.value.strip()


@cache
def _state_query() -> NamedQuery:
    resource = files("equivalence.search").joinpath("queries", "search-state.rq")
    with as_file(resource) as path:
        return parse_query_file(path)


def state_key(store: TripleStore, country: str) -> str:
    """A key that changes when the country's indexed data may have changed.

    It counts the standards and the labels of the country's graph and the country's accepted
    versions: a submission or a rollback adds a version, and `load` (which only adds) changes
    one of the counts whenever it adds a standard, a unit, a criterion or a changed text.
    """
    query = _state_query().render({"graph": country_graph(country), "country": country})
    counts = {"standards": "0", "labels": "0", "versions": "0"}
    for row in store.select(query).rows:
        counts[_value(row.get("what"))] = _value(row.get("count"))
    return ";".join(f"{name}={counts[name]}" for name in ("standards", "labels", "versions"))
