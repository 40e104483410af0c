"""What the page templates show, prepared from the library's objects: plain frozen dataclasses
with the words already in the page's language, so that the templates hold no logic beyond loops.

This module: links, words for predicates, statuses and kinds, a standard's equivalents and a
comparison. `api.web.search` prepares the search page, `api.web.reports` the validation report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote

from api.web.i18n import Translator
from equivalence.equivalents import Equivalent
from equivalence.matching.model import Mapping, Predicate, UnitMatch, UnitStatus
from equivalence.vocab import COUNTRIES

__all__ = [
    "AlignmentRow",
    "ComparisonView",
    "EquivalentView",
    "GapUnit",
    "OccupationView",
    "api_standard_url",
    "compare_url",
    "comparison_view",
    "equivalent_views",
    "kind_word",
    "local_name",
    "occupation_view",
    "percent",
    "predicate_word",
    "review_word",
    "standard_url",
    "state_word",
]


def standard_url(country: str, code: str) -> str:
    return f"/ui/standards/{country}/{quote(code, safe='')}"


def api_standard_url(country: str, code: str, format_name: str) -> str:
    """The JSON or RDF representation of a standard (the API's route)."""
    return f"/standards/{country}/{quote(code, safe='')}?format={format_name}"


def compare_url(country: str, code: str, country2: str, code2: str) -> str:
    return f"/ui/compare/{country}/{quote(code, safe='')}/{country2}/{quote(code2, safe='')}"


def percent(value: float | None, t: Translator) -> str:
    """``72 %`` (Spanish) or ``72%`` (English); a dash when unknown."""
    return t("none") if value is None else t("pct", n=round(value * 100))


def predicate_word(predicate: Predicate | None, t: Translator) -> str:
    """How the other standard relates to the asked one, in words (equivalente, más amplio …)."""
    if predicate is None:
        return t("predicate.none")
    return t("predicate." + predicate.value.split(":", 1)[1])


def review_word(status: str, t: Translator) -> str:
    name = status.rsplit("/", 1)[-1] or "proposed"
    try:
        return t("review." + name)
    except KeyError:
        return name


def kind_word(kind: str, t: Translator) -> str:
    """A criterion kind (``desempeno``, ``desempeño`` …) in words; unknown kinds as written."""
    key = kind.strip().lower().replace("ñ", "n")
    try:
        return t("kind." + key)
    except KeyError:
        return kind


_SCHEMES: Final = (
    ("ciuo08cl", "CIUO-08.CL"),
    ("cuoc", "CUOC"),
    ("sinco", "SINCO"),
    ("cno", "CNO"),
    ("esco/occupation", "ESCO"),
    ("isco", "ISCO-08"),
)
_LINKABLE: Final = ("http://data.europa.eu/esco/", "https://data.europa.eu/esco/")


def local_name(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def state_word(status: str, t: Translator) -> str:
    """A standard's status (active, withdrawn …) in words."""
    try:
        return t("state." + status)
    except KeyError:
        return status


@dataclass(frozen=True, slots=True)
class OccupationView:
    code: str
    label: str
    scheme: str
    href: str  # the concept's page when it has a public one (ESCO, ISCO-08), else ""


def occupation_view(iri: str, code: str, label: str, scheme: str) -> OccupationView:
    """An occupation with its classification's name; linked when its IRI is a public page."""
    where = f"{scheme} {iri}".lower()
    name = next((label for key, label in _SCHEMES if key in where), "")
    return OccupationView(
        code=code or local_name(iri),
        label=label,
        scheme=name,
        href=iri if iri.startswith(_LINKABLE) else "",
    )


# -- a standard's equivalents ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EquivalentView:
    country: str
    code: str
    title: str
    url: str
    relation: str
    predicate: str  # the SKOS local name, for a CSS class
    confidence: str
    coverage_here: float
    coverage_here_text: str
    coverage_there: float
    coverage_there_text: str
    review: str
    review_status: str
    inferred: bool
    compare_url: str


@dataclass(frozen=True, slots=True)
class CountryEquivalents:
    country: str
    name: str
    equivalents: tuple[EquivalentView, ...]


def _equivalent_view(
    country: str, code: str, equivalent: Equivalent, t: Translator
) -> EquivalentView:
    status = equivalent.review_status
    return EquivalentView(
        country=equivalent.country,
        code=equivalent.code,
        title=equivalent.title,
        url=standard_url(equivalent.country, equivalent.code),
        relation=predicate_word(equivalent.predicate, t),
        predicate=equivalent.predicate.value.split(":", 1)[1],
        confidence=percent(equivalent.confidence, t),
        coverage_here=equivalent.coverage_here or 0.0,
        coverage_here_text=percent(equivalent.coverage_here, t),
        coverage_there=equivalent.coverage_there or 0.0,
        coverage_there_text=percent(equivalent.coverage_there, t),
        review=review_word(status, t),
        review_status=status,
        inferred=equivalent.inferred,
        compare_url=compare_url(country, code, equivalent.country, equivalent.code),
    )


def equivalent_views(
    country: str, code: str, equivalents: Iterable[Equivalent], t: Translator
) -> list[CountryEquivalents]:
    """The equivalents grouped by each other country (all of them, even those with none)."""
    grouped: dict[str, list[EquivalentView]] = defaultdict(list)
    for equivalent in equivalents:
        grouped[equivalent.country].append(_equivalent_view(country, code, equivalent, t))
    return [
        CountryEquivalents(other, t("country." + other), tuple(grouped.get(other, ())))
        for other in COUNTRIES
        if other != country
    ]


# -- a comparison ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitCell:
    code: str
    title: str
    essential: bool


@dataclass(frozen=True, slots=True)
class AlignmentRow:
    """One line of the side-by-side table: a unit of A (or none), its status, a unit of B."""

    first: UnitCell | None
    status: str  # covered, partial, missing
    status_text: str
    score: str
    second: UnitCell | None
    second_only: bool  # a unit of B that no unit of A was aligned with


@dataclass(frozen=True, slots=True)
class MissingCriterion:
    code: str
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class GapUnit:
    code: str
    title: str
    status: str
    status_text: str
    counterpart: str  # the code of the partly matching unit of the holder's standard, or ""
    criteria: tuple[MissingCriterion, ...]


@dataclass(frozen=True, slots=True)
class Side:
    country: str
    code: str
    title: str
    label: str  # "MX EC0217.01"
    url: str
    level: str


@dataclass(frozen=True, slots=True)
class Gap:
    holder: Side
    target: Side
    units: tuple[GapUnit, ...]


@dataclass(frozen=True, slots=True)
class ComparisonView:
    first: Side
    second: Side
    relation: str
    predicate: str
    confidence: str
    coverage_first: float
    coverage_first_text: str
    coverage_second: float
    coverage_second_text: str
    levels: str
    review: str
    swap_url: str
    rows: tuple[AlignmentRow, ...]
    gaps: tuple[Gap, ...]


def _cell(match: UnitMatch | None, *, counterpart: bool = False) -> UnitCell | None:
    if match is None:
        return None
    unit = match.counterpart if counterpart else match.unit
    return None if unit is None else UnitCell(unit.code, unit.title, unit.essential)


def _alignment(mapping: Mapping, t: Translator) -> tuple[AlignmentRow, ...]:
    rows = [
        AlignmentRow(
            first=_cell(m),
            status=m.status.value,
            status_text=t("status." + m.status.value),
            score=f"{m.score:.2f}",
            second=_cell(m, counterpart=True),
            second_only=False,
        )
        for m in mapping.subject_matches
    ]
    shown = {m.counterpart.iri for m in mapping.subject_matches if m.counterpart is not None}
    rows += [
        AlignmentRow(
            first=_cell(m, counterpart=True),
            status=m.status.value,
            status_text=t("status." + m.status.value),
            score=f"{m.score:.2f}",
            second=_cell(m),
            second_only=True,
        )
        for m in mapping.object_matches
        if m.unit.iri not in shown
    ]
    return tuple(rows)


def _gap_units(matches: Sequence[UnitMatch], t: Translator) -> tuple[GapUnit, ...]:
    return tuple(
        GapUnit(
            code=m.unit.code,
            title=m.unit.title,
            status=m.status.value,
            status_text=t("status." + m.status.value),
            counterpart=(
                m.counterpart.code
                if m.counterpart is not None and m.status is UnitStatus.PARTIAL
                else ""
            ),
            criteria=tuple(
                MissingCriterion(c.code, kind_word(c.kind, t) if c.kind else "", c.text)
                for c in m.missing_criteria
            ),
        )
        for m in matches
    )


def _side(country: str, code: str, title: str, level: int | None, t: Translator) -> Side:
    return Side(
        country=country,
        code=code,
        title=title,
        label=f"{country} {code}",
        url=standard_url(country, code),
        level=str(level) if level is not None else t("none"),
    )


def comparison_view(mapping: Mapping, review_status: str | None, t: Translator) -> ComparisonView:
    """The comparison of A (the subject) with B (the object), and the gap both ways."""
    a, b = mapping.subject, mapping.object
    first = _side(a.country, a.code, a.title, a.level, t)
    second = _side(b.country, b.code, b.title, b.level, t)
    comparison = t("level." + mapping.level_comparison, b=second.label)
    return ComparisonView(
        first=first,
        second=second,
        relation=predicate_word(mapping.predicate, t),
        predicate=mapping.predicate.value.split(":", 1)[1] if mapping.predicate else "none",
        confidence=percent(mapping.confidence, t),
        coverage_first=mapping.subject_coverage,
        coverage_first_text=percent(mapping.subject_coverage, t),
        coverage_second=mapping.object_coverage,
        coverage_second_text=percent(mapping.object_coverage, t),
        levels=t("cmp.levels_value", a=first.level, b=second.level, comparison=comparison),
        review=review_word(review_status, t) if review_status else t("cmp.not_stored"),
        swap_url=compare_url(b.country, b.code, a.country, a.code),
        rows=_alignment(mapping, t),
        gaps=(
            Gap(first, second, _gap_units(mapping.gap, t)),
            Gap(second, first, _gap_units(mapping.reverse_gap, t)),
        ),
    )
