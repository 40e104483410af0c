"""Reading the report's facts from the graph, through named queries only.

| facts | named query |
|---|---|
| standards, units, criteria per country | `stats-country-counts` |
| standards by sector and level | `standards-per-sector-level` |
| level schemes, levels, comparability links | `report-level-schemes`, `report-levels` |
| every standard, and where it has an equivalent | `report-standards`, `report-standard-equivalents` |
| pairs of standards by predicate | `report-mapping-pairs` |
| coverages of the mappings | `report-mapping-coverage` |
| units in the gap | `report-unit-gaps` |
| last accepted version of each country | `submission-versions` (through `submissions.versions`) |
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

from equivalence.report.model import (
    CountryTotals,
    Level,
    LevelLink,
    LevelScheme,
    MappingCoverage,
    PairPredicateCount,
    ReportData,
    SectorLevelCount,
    StandardFacts,
    SubmissionStatus,
    UnitGapCount,
)
from equivalence.sparql import Catalogue, default_catalogue, term_text
from equivalence.store.base import Term, TripleStore
from equivalence.submissions import Version, versions
from equivalence.vocab import COUNTRIES

__all__ = ["gather", "parse_summary", "submission_status"]

Row = dict[str, Term]
_NONE = "none"
_SUMMARY_PART = re.compile(r"(\d+)\s+(standards|violations|warnings|infos)\b")


def gather(
    store: TripleStore, *, catalogue: Catalogue | None = None, now: datetime | None = None
) -> ReportData:
    """Every fact of the report, read from `store` by the named queries of `catalogue`."""
    queries = catalogue or default_catalogue()

    def rows(name: str) -> tuple[Row, ...]:
        return queries.select(store, name).rows

    countries = tuple(sorted(COUNTRIES))
    levels = rows("report-levels")
    return ReportData(
        generated_at=(now or datetime.now(UTC)).replace(microsecond=0),
        countries=countries,
        totals=_totals(rows("stats-country-counts"), countries),
        sector_levels=tuple(map(_sector_level, rows("standards-per-sector-level"))),
        schemes=tuple(map(_scheme, rows("report-level-schemes"))),
        levels=_levels(levels),
        level_links=_links(levels),
        standards=_standards(rows("report-standards"), rows("report-standard-equivalents")),
        pair_predicates=tuple(map(_pair_predicate, rows("report-mapping-pairs"))),
        coverages=tuple(map(_coverage, rows("report-mapping-coverage"))),
        unit_gaps=tuple(map(_unit_gap, rows("report-unit-gaps"))),
        submissions=tuple(submission_status(c, versions(store, c)) for c in countries),
    )


# -- term helpers ------------------------------------------------------------------------------


def _text(row: Row, name: str) -> str:
    return term_text(row.get(name))


def _int(row: Row, name: str) -> int:
    text = _text(row, name)
    return int(text) if text else 0


def _optional_int(row: Row, name: str) -> int | None:
    text = _text(row, name)
    return int(text) if text else None


def _optional_float(row: Row, name: str) -> float | None:
    text = _text(row, name)
    return float(text) if text else None


def _named(row: Row, name: str) -> str | None:
    """A sector or level value, None for the queries' "none"."""
    text = _text(row, name)
    return None if text in ("", _NONE) else text


def _local_name(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


# -- one function per query --------------------------------------------------------------------


def _totals(rows: Iterable[Row], countries: tuple[str, ...]) -> tuple[CountryTotals, ...]:
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[_text(row, "code")][_text(row, "kind")] = _int(row, "count")
    return tuple(
        CountryTotals(
            country=c,
            standards=counts[c].get("standards", 0),
            units=counts[c].get("units", 0),
            criteria=counts[c].get("criteria", 0),
        )
        for c in countries
    )


def _sector_level(row: Row) -> SectorLevelCount:
    return SectorLevelCount(
        country=_text(row, "country_code"),
        sector=_named(row, "sector"),
        level=_named(row, "level"),
        standards=_int(row, "standards"),
    )


def _scheme(row: Row) -> LevelScheme:
    return LevelScheme(
        country=_text(row, "country_code"),
        iri=_text(row, "scheme"),
        name_es=_text(row, "name_es"),
        name_en=_text(row, "name_en"),
        note_es=_text(row, "note_es"),
        note_en=_text(row, "note_en"),
        levels=_int(row, "levels"),
        lowest=_optional_int(row, "lowest"),
        highest=_optional_int(row, "highest"),
    )


def _levels(rows: Iterable[Row]) -> tuple[Level, ...]:
    found: dict[str, Level] = {}
    for row in rows:
        iri = _text(row, "level")
        found.setdefault(
            iri,
            Level(
                country=_text(row, "country_code"),
                iri=iri,
                notation=_text(row, "notation") or _local_name(iri),
                position=_optional_int(row, "position"),
                name_es=_text(row, "name_es"),
                name_en=_text(row, "name_en"),
            ),
        )
    return tuple(found.values())


def _links(rows: Iterable[Row]) -> tuple[LevelLink, ...]:
    links: dict[tuple[str, str, str, str], LevelLink] = {}
    for row in rows:
        if "comparable" not in row:
            continue
        link = LevelLink(
            country=_text(row, "country_code"),
            notation=_text(row, "notation") or _local_name(_text(row, "level")),
            other=_text(row, "comparable_country"),
            other_notation=_text(row, "comparable_notation")
            or _local_name(_text(row, "comparable")),
            predicate=_local_name(_text(row, "link")),
        )
        links.setdefault((link.country, link.notation, link.other, link.other_notation), link)
    return tuple(links.values())


def _standards(rows: Iterable[Row], equivalents: Iterable[Row]) -> tuple[StandardFacts, ...]:
    found: dict[str, set[str]] = defaultdict(set)
    for row in equivalents:
        found[_text(row, "standard")].add(_text(row, "other_code"))
    sectors: dict[str, list[str | None]] = defaultdict(list)
    first: dict[str, Row] = {}
    for row in rows:
        iri = _text(row, "standard")
        first.setdefault(iri, row)
        sectors[iri].append(_named(row, "sector"))
    return tuple(
        StandardFacts(
            iri=iri,
            country=_text(row, "country_code"),
            code=_text(row, "code"),
            title=_text(row, "title"),
            sectors=tuple(sectors[iri]),
            level=_named(row, "level"),
            units=_int(row, "units"),
            equivalents=frozenset(found.get(iri, ())),
        )
        for iri, row in first.items()
    )


def _pair_predicate(row: Row) -> PairPredicateCount:
    return PairPredicateCount(
        country=_text(row, "country_code"),
        other=_text(row, "other_code"),
        predicate=_local_name(_text(row, "predicate")),
        pairs=_int(row, "pairs"),
        inferred=_int(row, "inferred"),
    )


def _coverage(row: Row) -> MappingCoverage:
    return MappingCoverage(
        mapping=_text(row, "mapping"),
        subject_country=_text(row, "subject_country"),
        object_country=_text(row, "object_country"),
        subject_coverage=_optional_float(row, "subject_coverage"),
        object_coverage=_optional_float(row, "object_coverage"),
    )


def _unit_gap(row: Row) -> UnitGapCount:
    return UnitGapCount(
        unit=_text(row, "unit"),
        country=_text(row, "country"),
        title=_text(row, "title"),
        skill=_text(row, "skill") or None,
        skill_label=_text(row, "skill_label"),
        mappings=_int(row, "mappings"),
        gaps=_int(row, "gaps"),
        partial=_int(row, "partial"),
    )


# -- submissions -------------------------------------------------------------------------------


def parse_summary(summary: str) -> dict[str, int]:
    """The counts of a validation summary ("N standards, V violations, W warnings, I infos").

    Parts the summary does not state are absent from the result.
    """
    return {kind: int(number) for number, kind in _SUMMARY_PART.findall(summary)}


def submission_status(country: str, found: list[Version]) -> SubmissionStatus:
    """The country's last version and the counts of its validation (see `SubmissionStatus`)."""
    if not found:
        return SubmissionStatus(country=country)
    last = found[-1]
    source = last
    if not last.summary and last.restores is not None:
        restored = [v for v in found if v.number == last.restores]
        source = restored[0] if restored else last
    counts = parse_summary(source.summary or "")
    return SubmissionStatus(
        country=country,
        version=last.number,
        submitted_at=last.generated_at,
        agency=last.agency,
        versions=len(found),
        summary=source.summary or "",
        standards=counts.get("standards", last.standards),
        violations=counts.get("violations"),
        warnings=counts.get("warnings"),
        infos=counts.get("infos"),
        counts_from=source.number if source is not last else None,
    )
