"""The report's numbers, derived from the facts read from the graph (pure functions).

Every table and chart of the report is built from these, and so is every CSV file.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import mean, median

from equivalence.report.model import LevelLink, ReportData, StandardFacts, UnitGapCount

__all__ = [
    "COVERAGE_BINS",
    "PREDICATES",
    "CountryEquivalence",
    "CoverageBin",
    "CoverageSummary",
    "GapGroup",
    "LevelRow",
    "PairRow",
    "SectorEquivalence",
    "SectorRow",
    "country_equivalence",
    "coverage_bin",
    "coverage_histogram",
    "coverage_summary",
    "gap_groups",
    "level_key",
    "level_positions",
    "levels_of",
    "normalise_title",
    "pair_rows",
    "sector_equivalence",
    "sectors_of",
    "standards_without_equivalent",
    "unique_level_links",
]

# SKOS mapping predicates in the order the report shows them.
PREDICATES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
COVERAGE_BINS = 10


# -- 1. standards by sector and level ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectorRow:
    """A country's standards in one sector (None: no sector), by level and in all."""

    sector: str | None
    by_level: dict[str | None, int]
    standards: int


@dataclass(frozen=True, slots=True)
class LevelRow:
    level: str | None
    standards: int


def level_key(level: str | None) -> tuple[int, float, str]:
    """Sorts levels by number, others by name, "no level" last."""
    if level is None:
        return (2, math.inf, "")
    if level.isdigit():
        return (0, int(level), level)
    return (1, math.inf, level)


def _of(data: ReportData, country: str) -> list[StandardFacts]:
    return [s for s in data.standards if s.country == country]


def sectors_of(data: ReportData, country: str) -> list[SectorRow]:
    """The country's sectors, most standards first: totals from the standards themselves,
    the split by level from `standards-per-sector-level`."""
    totals: Counter[str | None] = Counter()
    for standard in _of(data, country):
        totals.update(set(standard.sectors))
    cells: dict[str | None, dict[str | None, int]] = defaultdict(dict)
    for count in data.sector_levels:
        if count.country == country:
            cells[count.sector][count.level] = count.standards
    order = sorted(totals, key=lambda s: (s is None, -totals[s], s or ""))
    return [SectorRow(s, dict(cells.get(s, {})), totals[s]) for s in order]


def levels_of(data: ReportData, country: str) -> list[LevelRow]:
    """The country's standards by level of its own scheme, "no level" last."""
    counts = Counter(s.level for s in _of(data, country))
    return [LevelRow(level, counts[level]) for level in sorted(counts, key=level_key)]


def level_positions(data: ReportData) -> list[str | None]:
    """Every level any country's standards are at, in order (for a shared axis)."""
    return sorted({s.level for s in data.standards}, key=level_key)


# -- 2. level schemes ----------------------------------------------------------------------------


def unique_level_links(data: ReportData) -> list[LevelLink]:
    """Each link between two levels once (the ontology states them both ways), in order."""
    seen: set[frozenset[tuple[str, str]]] = set()
    links = []
    for link in data.level_links:
        key = frozenset({(link.country, link.notation), (link.other, link.other_notation)})
        if key not in seen:
            seen.add(key)
            links.append(link)
    return sorted(links, key=lambda k: (k.country, k.other, level_key(k.notation)))


# -- 3. equivalence matrix -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairRow:
    """The pairs of standards of two countries mapped, by predicate read from `country`."""

    country: str
    other: str
    by_predicate: dict[str, int]
    inferred: int

    @property
    def total(self) -> int:
        return sum(self.by_predicate.values())


def pair_rows(data: ReportData) -> list[PairRow]:
    """One row per pair of countries (all six, in order), with zeros where nothing is mapped."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    inferred: Counter[tuple[str, str]] = Counter()
    for row in data.pair_predicates:
        key = (row.country, row.other)
        counts[key][row.predicate] = counts[key].get(row.predicate, 0) + row.pairs
        inferred[key] += row.inferred
    pairs = [(a, b) for i, a in enumerate(data.countries) for b in data.countries[i + 1 :]]
    return [PairRow(a, b, dict(counts.get((a, b), {})), inferred[(a, b)]) for a, b in pairs]


@dataclass(frozen=True, slots=True)
class CountryEquivalence:
    """How many of `country`'s standards have an equivalent in `other`."""

    country: str
    other: str
    standards: int
    with_equivalent: int

    @property
    def share(self) -> float:
        return self.with_equivalent / self.standards if self.standards else 0.0


def country_equivalence(data: ReportData) -> list[CountryEquivalence]:
    """Every ordered pair of different countries."""
    rows = []
    for country in data.countries:
        standards = _of(data, country)
        for other in data.countries:
            if other != country:
                found = sum(1 for s in standards if other in s.equivalents)
                rows.append(CountryEquivalence(country, other, len(standards), found))
    return rows


@dataclass(frozen=True, slots=True)
class SectorEquivalence:
    """How many of a country's standards of one sector have an equivalent in each other country."""

    country: str
    sector: str | None
    standards: int
    with_equivalent: dict[str, int]

    def share(self, other: str) -> float:
        return self.with_equivalent.get(other, 0) / self.standards if self.standards else 0.0


def sector_equivalence(data: ReportData, country: str) -> list[SectorEquivalence]:
    """The heat map of one country: its sectors (most standards first) × the other countries."""
    others = [c for c in data.countries if c != country]
    by_sector: dict[str | None, list[StandardFacts]] = defaultdict(list)
    for standard in _of(data, country):
        for sector in set(standard.sectors):
            by_sector[sector].append(standard)
    order = sorted(by_sector, key=lambda s: (s is None, -len(by_sector[s]), s or ""))
    return [
        SectorEquivalence(
            country,
            sector,
            len(by_sector[sector]),
            {o: sum(1 for s in by_sector[sector] if o in s.equivalents) for o in others},
        )
        for sector in order
    ]


# -- 4. coverage -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CoverageBin:
    """Mappings whose coverage is in [low, high) (the last bin includes 1)."""

    low: float
    high: float
    subject: int
    object: int

    @property
    def total(self) -> int:
        return self.subject + self.object


def coverage_bin(value: float) -> int:
    """The bin of a coverage: k for k/10 ≤ value < (k+1)/10, and 1.0 in the last bin."""
    scaled = math.floor(round(min(max(value, 0.0), 1.0) * COVERAGE_BINS, 9))
    return min(scaled, COVERAGE_BINS - 1)


def coverage_histogram(data: ReportData) -> list[CoverageBin]:
    subject = Counter(
        coverage_bin(c.subject_coverage) for c in data.coverages if c.subject_coverage is not None
    )
    object_ = Counter(
        coverage_bin(c.object_coverage) for c in data.coverages if c.object_coverage is not None
    )
    return [
        CoverageBin(k / COVERAGE_BINS, (k + 1) / COVERAGE_BINS, subject[k], object_[k])
        for k in range(COVERAGE_BINS)
    ]


@dataclass(frozen=True, slots=True)
class CoverageSummary:
    """Count, mean and median of one side's coverages (None without values)."""

    side: str
    mappings: int
    values: int
    mean: float | None
    median: float | None


def coverage_summary(data: ReportData) -> list[CoverageSummary]:
    subject = [c.subject_coverage for c in data.coverages if c.subject_coverage is not None]
    object_ = [c.object_coverage for c in data.coverages if c.object_coverage is not None]
    return [
        _summary("subject", len(data.coverages), subject),
        _summary("object", len(data.coverages), object_),
    ]


def _summary(side: str, mappings: int, values: list[float]) -> CoverageSummary:
    if not values:
        return CoverageSummary(side, mappings, 0, None, None)
    return CoverageSummary(side, mappings, len(values), mean(values), median(values))


# -- 5. standards without equivalent -------------------------------------------------------------


def standards_without_equivalent(data: ReportData, country: str) -> list[StandardFacts]:
    """The country's standards that no mapping (not rejected) links to another country, by code."""
    return sorted(
        (s for s in _of(data, country) if not s.equivalents), key=lambda s: (s.code, s.iri)
    )


# -- 6. most frequent gaps -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GapGroup:
    """Units grouped by ESCO skill (`kind` "skill") or by normalised title (`kind` "title").

    `gaps` counts the (mapping, unit) pairs in which a unit of the group is not covered (missing
    or partly covered), `partial` those of them in which it is partly covered, `occurrences`
    the (mapping, unit) pairs in which one takes part.
    """

    key: str
    kind: str
    label: str
    gaps: int
    partial: int
    occurrences: int
    units: int
    countries: tuple[str, ...]

    @property
    def rate(self) -> float:
        return self.gaps / self.occurrences if self.occurrences else 0.0


def normalise_title(title: str) -> str:
    """Case, accents, spacing and end punctuation folded: the key units are grouped by."""
    folded = unicodedata.normalize("NFKD", title.casefold())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", plain).strip(" .;:,")


def gap_groups(data: ReportData) -> list[GapGroup]:
    """Groups with at least one gap, most gaps first (then highest rate, then label)."""
    members: dict[tuple[str, str], list[UnitGapCount]] = defaultdict(list)
    for row in data.unit_gaps:
        key = ("skill", row.skill) if row.skill else ("title", normalise_title(row.title))
        members[key].append(row)
    groups = [_group(kind, key, rows) for (kind, key), rows in members.items()]
    kept = [g for g in groups if g.gaps > 0]
    return sorted(kept, key=lambda g: (-g.gaps, -g.rate, g.label.casefold(), g.key))


def _group(kind: str, key: str, rows: Iterable[UnitGapCount]) -> GapGroup:
    rows = list(rows)
    if kind == "skill":
        label = next((r.skill_label for r in rows if r.skill_label), key)
    else:
        titles = Counter(r.title for r in rows)
        label = sorted(titles, key=lambda t: (-titles[t], t))[0]
    return GapGroup(
        key=key,
        kind=kind,
        label=label,
        gaps=sum(r.gaps for r in rows),
        partial=sum(r.partial for r in rows),
        occurrences=sum(r.mappings for r in rows),
        units=len({r.unit for r in rows}),
        countries=tuple(sorted({r.country for r in rows})),
    )
