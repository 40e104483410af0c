"""Look-ups of one standard for officers and other systems: its description, units, criteria and
occupations, read through the named queries `standard-detail`, `standard-units`,
`standard-occupations` and `standard-description`.

The domain objects here are plain frozen dataclasses; the HTTP layer turns them into its own
response schemas.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Triple

from equivalence.errors import NotFoundError
from equivalence.sparql import default_catalogue
from equivalence.sparql.catalogue import term_text
from equivalence.store.base import Term, TripleStore
from equivalence.vocab import COUNTRIES, standard_iri

__all__ = [
    "Criterion",
    "Occupation",
    "StandardDetail",
    "StandardNotFoundError",
    "StandardTitle",
    "Unit",
    "near_codes",
    "normalise_country",
    "read_standard_titles",
    "standard_description",
    "standard_detail",
]


class StandardNotFoundError(NotFoundError):
    """No standard with this code in this country; `suggestions` are the nearest codes."""

    code = "standard-not-found"

    def __init__(self, country: str, code: str, suggestions: Sequence[str]) -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no standard {code!r} in {country}{hint}")
        self.country = country
        self.standard_code = code
        self.suggestions = tuple(suggestions)


@dataclass(frozen=True, slots=True)
class StandardTitle:
    """What a list names a standard by."""

    iri: str
    country: str
    code: str
    title: str


@dataclass(frozen=True, slots=True)
class Criterion:
    iri: str
    code: str
    text: str
    kind: str  # the local name of the criterion kind (desempeño, producto, conocimiento …)


@dataclass(frozen=True, slots=True)
class Unit:
    iri: str
    code: str
    title: str
    essential: bool | None
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True, slots=True)
class Occupation:
    iri: str
    code: str
    label: str
    scheme: str


@dataclass(frozen=True, slots=True)
class StandardDetail:
    iri: str
    country: str
    code: str
    title: str
    title_en: str
    level: int | None
    level_iri: str
    level_label: str
    sector: str
    sector_iri: str
    valid_from: str
    valid_to: str
    status: str
    description: str
    committee: str
    body: str
    source_url: str
    version: str
    units: tuple[Unit, ...]
    occupations: tuple[Occupation, ...]


def normalise_country(country: str) -> str:
    """The upper-case country code; `NotFoundError` for a country the service does not know."""
    code = country.strip().upper()
    if code not in COUNTRIES:
        raise NotFoundError(f"unknown country {country!r}; use one of {', '.join(COUNTRIES)}")
    return code


def _text(row: dict[str, Term], name: str) -> str:
    return term_text(row.get(name))


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _boolean(term: Term | None) -> bool | None:
    if isinstance(term, Literal):
        return term.value.strip().lower() in ("true", "1")
    return None


def _integer(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def read_standard_titles(store: TripleStore, country: str | None = None) -> list[StandardTitle]:
    """Every standard's IRI, country, code and title (of one country when given)."""
    params = {"country": country} if country else {}
    rows = default_catalogue().select(store, "standards-titles", **params).rows
    return [
        StandardTitle(
            _text(row, "standard"),
            _text(row, "country_code"),
            _text(row, "code"),
            _text(row, "title"),
        )
        for row in rows
    ]


def near_codes(code: str, known: Iterable[str], *, limit: int = 5) -> list[str]:
    """The known codes nearest to `code`: same prefix first, then by edit similarity."""
    wanted = code.strip().upper()
    pool = sorted(set(known))
    prefixed = [c for c in pool if wanted and c.upper().startswith(wanted)]
    similar = difflib.get_close_matches(wanted, pool, n=limit, cutoff=0.6)
    upper = {c.upper(): c for c in pool}
    similar += difflib.get_close_matches(wanted, list(upper), n=limit, cutoff=0.6)
    ordered: list[str] = []
    for candidate in [*prefixed, *similar]:
        original = upper.get(candidate, candidate)
        if original not in ordered:
            ordered.append(original)
    return ordered[:limit]


def _units(store: TripleStore, standard: NamedNode) -> tuple[Unit, ...]:
    rows = default_catalogue().select(store, "standard-units", standard=standard).rows
    order: list[str] = []
    heads: dict[str, dict[str, Term]] = {}
    criteria: dict[str, list[Criterion]] = {}
    for row in rows:
        unit = _text(row, "unit")
        if unit not in heads:
            order.append(unit)
            heads[unit] = row
            criteria[unit] = []
        criterion = _text(row, "criterion")
        if criterion and all(c.iri != criterion for c in criteria[unit]):
            criteria[unit].append(
                Criterion(
                    criterion,
                    _text(row, "criterion_code"),
                    _text(row, "criterion_text"),
                    _local(_text(row, "kind")) if row.get("kind") is not None else "",
                )
            )
    return tuple(
        Unit(
            unit,
            _text(heads[unit], "unit_code"),
            _text(heads[unit], "unit_title"),
            _boolean(heads[unit].get("essential")),
            tuple(criteria[unit]),
        )
        for unit in order
    )


def _occupations(store: TripleStore, standard: NamedNode) -> tuple[Occupation, ...]:
    rows = default_catalogue().select(store, "standard-occupations", standard=standard).rows
    return tuple(
        Occupation(
            _text(row, "occupation"), _text(row, "code"), _text(row, "label"), _text(row, "scheme")
        )
        for row in rows
    )


def standard_detail(
    store: TripleStore, country: str, code: str, *, known_codes: Iterable[str] | None = None
) -> StandardDetail:
    """The standard `code` of `country` with its units, criteria and occupations.

    Raises `StandardNotFoundError` with the nearest codes (from `known_codes` when the caller
    keeps them, else read from the store) when there is no such standard.
    """
    country = normalise_country(country)
    iri = standard_iri(country, code)
    rows = default_catalogue().select(store, "standard-detail", standard=iri).rows
    if not rows:
        pool = (
            known_codes
            if known_codes is not None
            else (t.code for t in read_standard_titles(store, country))
        )
        raise StandardNotFoundError(country, code, near_codes(code, pool))
    row = rows[0]
    level_number = _text(row, "level_number")
    return StandardDetail(
        iri=iri.value,
        country=country,
        code=_text(row, "code"),
        title=_text(row, "title"),
        title_en=_text(row, "title_en"),
        level=_integer(level_number or _local(_text(row, "level"))),
        level_iri=_text(row, "level"),
        level_label=_text(row, "level_label"),
        sector=_text(row, "sector_label"),
        sector_iri=_text(row, "sector"),
        valid_from=_text(row, "valid_from"),
        valid_to=_text(row, "valid_to"),
        status=_local(_text(row, "status")) if row.get("status") is not None else "",
        description=_text(row, "description"),
        committee=_text(row, "committee"),
        body=_text(row, "body"),
        source_url=_text(row, "source_url"),
        version=_text(row, "version"),
        units=_units(store, iri),
        occupations=_occupations(store, iri),
    )


def standard_description(store: TripleStore, country: str, code: str) -> list[Triple]:
    """The standard's RDF description (its statements, its units' and criteria's)."""
    country = normalise_country(country)
    query = default_catalogue().get("standard-description")
    triples = store.construct(query.render({"standard": standard_iri(country, code)}))
    if not triples:
        pool = (t.code for t in read_standard_titles(store, country))
        raise StandardNotFoundError(country, code, near_codes(code, pool))
    return triples
