"""The facts the comparative report is made of, as read from the graph (no RDF types here).

`equivalence.report.facts` fills a `ReportData` from named queries; `equivalence.report.figures`
derives the report's numbers from it. A sector or level that a standard does not state is
`None` (the queries' "none").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "CountryTotals",
    "Level",
    "LevelLink",
    "LevelScheme",
    "MappingCoverage",
    "PairPredicateCount",
    "ReportData",
    "SectorLevelCount",
    "StandardFacts",
    "SubmissionStatus",
    "UnitGapCount",
]


@dataclass(frozen=True, slots=True)
class CountryTotals:
    """How many standards, units and performance criteria a country's graph holds."""

    country: str
    standards: int = 0
    units: int = 0
    criteria: int = 0


@dataclass(frozen=True, slots=True)
class SectorLevelCount:
    """How many standards of a country are in one sector at one level."""

    country: str
    sector: str | None
    level: str | None
    standards: int


@dataclass(frozen=True, slots=True)
class LevelScheme:
    """A country's qualification-level scheme (SKOS concept scheme)."""

    country: str
    iri: str
    name_es: str
    name_en: str
    note_es: str
    note_en: str
    levels: int
    lowest: int | None
    highest: int | None

    def name(self, lang: str) -> str:
        return (self.name_en if lang == "en" else self.name_es) or self.name_es or self.iri

    def note(self, lang: str) -> str:
        return (self.note_en if lang == "en" else self.note_es) or self.note_es


@dataclass(frozen=True, slots=True)
class Level:
    """One level of a scheme: its notation ("3") and position (3)."""

    country: str
    iri: str
    notation: str
    position: int | None
    name_es: str
    name_en: str


@dataclass(frozen=True, slots=True)
class LevelLink:
    """Level `notation` of `country` is comparable with level `other_notation` of `other`.

    `predicate` is the SKOS local name (`closeMatch`: an approximation, or `exactMatch`).
    """

    country: str
    notation: str
    other: str
    other_notation: str
    predicate: str


@dataclass(frozen=True, slots=True)
class StandardFacts:
    """A standard with what the report says about it.

    `sectors` holds each sector it states (`(None,)` when it states none); `equivalents` the
    countries where a mapping that is not rejected gives it an equivalent.
    """

    iri: str
    country: str
    code: str
    title: str
    sectors: tuple[str | None, ...]
    level: str | None
    units: int
    equivalents: frozenset[str]


@dataclass(frozen=True, slots=True)
class PairPredicateCount:
    """How many pairs of standards of two countries one SKOS predicate links.

    The predicate reads from `country`'s side (`broadMatch`: its standard is narrower);
    `inferred` counts the pairs linked by an inferred mapping.
    """

    country: str
    other: str
    predicate: str
    pairs: int
    inferred: int


@dataclass(frozen=True, slots=True)
class MappingCoverage:
    """The two coverages of one mapping (None when it does not state one)."""

    mapping: str
    subject_country: str
    object_country: str
    subject_coverage: float | None
    object_coverage: float | None


@dataclass(frozen=True, slots=True)
class UnitGapCount:
    """One unit (with one of its ESCO skills, if any) and how often it is in a mapping's gap.

    `mappings` counts the mappings with unit evidence its standard takes part in, `gaps` those
    in which the unit is not covered (missing or partly covered), `partial` those of the gaps
    in which it is partly covered (the evidence names it only in pairs below the covered
    threshold).
    """

    unit: str
    country: str
    title: str
    skill: str | None
    skill_label: str
    mappings: int
    gaps: int
    partial: int


@dataclass(frozen=True, slots=True)
class SubmissionStatus:
    """A country's last accepted version and the counts of the validation recorded with it.

    `version` is None when the country's data was loaded without a submission. A rollback
    records no validation of its own: its counts are those of the version it restores, named
    in `counts_from`.
    """

    country: str
    version: int | None = None
    submitted_at: datetime | None = None
    agency: str = ""
    versions: int = 0
    summary: str = ""
    standards: int | None = None
    violations: int | None = None
    warnings: int | None = None
    infos: int | None = None
    counts_from: int | None = None


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the report shows, read from one store at one moment."""

    generated_at: datetime
    countries: tuple[str, ...]
    totals: tuple[CountryTotals, ...]
    sector_levels: tuple[SectorLevelCount, ...]
    schemes: tuple[LevelScheme, ...]
    levels: tuple[Level, ...]
    level_links: tuple[LevelLink, ...]
    standards: tuple[StandardFacts, ...]
    pair_predicates: tuple[PairPredicateCount, ...]
    coverages: tuple[MappingCoverage, ...]
    unit_gaps: tuple[UnitGapCount, ...]
    submissions: tuple[SubmissionStatus, ...]
