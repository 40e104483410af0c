"""Reading the standards to compare out of the graph, through the `matching-*` named queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from equivalence.errors import NotFoundError
from equivalence.matching.model import Criterion, StandardText, UnitText
from equivalence.sparql import default_catalogue
from equivalence.sparql.catalogue import term_text
from equivalence.store.base import Term, TripleStore
from equivalence.vocab import COUNTRIES

__all__ = ["read_standard", "read_standards"]


def _text(row: dict[str, Term], name: str) -> str:
    return term_text(row.get(name))


def _number(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _criteria(store: TripleStore, country: str | None) -> dict[str, list[Criterion]]:
    by_unit: dict[str, list[Criterion]] = defaultdict(list)
    params = {"country": country} if country else {}
    for row in default_catalogue().select(store, "matching-criteria", **params).rows:
        by_unit[_text(row, "unit")].append(
            Criterion(_text(row, "code"), _text(row, "text"), _text(row, "kind"))
        )
    return by_unit


def _units(store: TripleStore, country: str | None) -> dict[str, list[UnitText]]:
    criteria = _criteria(store, country)
    by_standard: dict[str, list[UnitText]] = defaultdict(list)
    params = {"country": country} if country else {}
    for row in default_catalogue().select(store, "matching-units", **params).rows:
        iri = _text(row, "unit")
        by_standard[_text(row, "standard")].append(
            UnitText(
                iri=iri,
                code=_text(row, "code"),
                title=_text(row, "title"),
                essential=_text(row, "essential") != "false",
                criteria=tuple(criteria.get(iri, ())),
                skills=tuple(sorted(_text(row, "skills").split())),
            )
        )
    return by_standard


def read_standards(
    store: TripleStore, countries: Sequence[str] | None = None
) -> list[StandardText]:
    """The standards of these countries (all four when None), with units and criteria, by key."""
    wanted = [c.upper() for c in countries] if countries else [None]
    standards: list[StandardText] = []
    for country in wanted:
        units = _units(store, country)
        params = {"country": country} if country else {}
        for row in default_catalogue().select(store, "matching-standards", **params).rows:
            code = _text(row, "country_code")
            if code not in COUNTRIES:
                continue
            iri = _text(row, "standard")
            level = row.get("level")
            standards.append(
                StandardText(
                    iri=iri,
                    country=code,
                    code=_text(row, "code"),
                    title=_text(row, "title"),
                    units=tuple(units.get(iri, ())),
                    level=_number(_text(row, "level_number")),
                    level_iri=term_text(level) if level is not None else None,
                    sector=_text(row, "sector"),
                    occupations=tuple(sorted(_text(row, "occupations").split())),
                )
            )
    return sorted(standards, key=lambda s: (s.country, s.code))


def read_standard(store: TripleStore, country: str, code: str) -> StandardText:
    """One standard by country and code; `NotFoundError` names what was asked when it is absent."""
    for standard in read_standards(store, [country]):
        if standard.code == code:
            return standard
    raise NotFoundError(f"no standard {code!r} of {country.upper()} in the store")
