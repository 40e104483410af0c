"""What the equivalence engine works on and produces: standards, unit alignments, mappings, gaps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Final

from equivalence.vocab import SEMAPV, SKOS

__all__ = [
    "JUSTIFICATIONS",
    "Criterion",
    "Mapping",
    "Predicate",
    "StandardText",
    "UnitMatch",
    "UnitStatus",
    "UnitText",
]

SKOS_NS: Final = str(SKOS)
SEMAPV_NS: Final = str(SEMAPV)

# The SEMAPV terms a mapping's justification can be.
JUSTIFICATIONS: Final = {
    "lexical": f"{SEMAPV_NS}LexicalMatching",
    "structural": f"{SEMAPV_NS}StructuralMatching",
    "chaining": f"{SEMAPV_NS}MappingChaining",
    "inversion": f"{SEMAPV_NS}MappingInversion",
    "manual": f"{SEMAPV_NS}ManualMappingCuration",
    "composite": f"{SEMAPV_NS}CompositeMatching",
}


class Predicate(StrEnum):
    """The SKOS mapping predicates, by their CURIE (as SSSOM writes them)."""

    EXACT = "skos:exactMatch"
    CLOSE = "skos:closeMatch"
    BROAD = "skos:broadMatch"  # the subject is narrower than the object
    NARROW = "skos:narrowMatch"  # the subject is broader than the object
    RELATED = "skos:relatedMatch"

    @property
    def iri(self) -> str:
        return SKOS_NS + self.value.split(":", 1)[1]

    @property
    def inverse(self) -> Predicate:
        return _INVERSE.get(self, self)

    @classmethod
    def parse(cls, text: str) -> Predicate:
        """From a CURIE, an IRI or a bare local name (``exactMatch``)."""
        local = text.strip().rsplit("#", 1)[-1].rsplit(":", 1)[-1].rsplit("/", 1)[-1]
        for member in cls:
            if member.value.endswith(":" + local):
                return member
        raise ValueError(f"not a SKOS mapping predicate: {text!r}")


_INVERSE: Final = {Predicate.BROAD: Predicate.NARROW, Predicate.NARROW: Predicate.BROAD}


class UnitStatus(StrEnum):
    """How far a unit of one standard is found in the other."""

    COVERED = "covered"
    PARTIAL = "partial"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class Criterion:
    code: str
    text: str
    kind: str = ""


@dataclass(frozen=True, slots=True)
class UnitText:
    """A unit as the engine reads it."""

    iri: str
    code: str
    title: str
    essential: bool = True
    criteria: tuple[Criterion, ...] = ()
    skills: tuple[str, ...] = ()  # ESCO skill IRIs the agency declared

    @property
    def weight(self) -> float:
        """Essential units weigh twice as much as optional ones in a coverage."""
        return 2.0 if self.essential else 1.0


@dataclass(frozen=True, slots=True)
class StandardText:
    """A standard as the engine reads it: identity, level, occupation and units."""

    iri: str
    country: str
    code: str
    title: str
    units: tuple[UnitText, ...]
    level: int | None = None
    level_iri: str | None = None
    sector: str = ""
    occupations: tuple[str, ...] = ()  # occupation concept IRIs the standard declares

    @property
    def key(self) -> str:
        return f"{self.country}:{self.code}"


@dataclass(frozen=True, slots=True)
class UnitMatch:
    """One unit of a standard and its best counterpart in the other standard (if any)."""

    unit: UnitText
    status: UnitStatus
    score: float
    counterpart: UnitText | None = None
    # criteria of the unit whose content the counterpart does not show
    missing_criteria: tuple[Criterion, ...] = ()
    via: str = "lexical"  # lexical, or the ESCO skill IRI both units are anchored to


@dataclass(frozen=True, slots=True)
class Mapping:
    """An equivalence assertion between two standards of different countries (SSSOM-compatible)."""

    subject: StandardText
    object: StandardText
    predicate: Predicate | None  # None: the content does not overlap enough for any mapping
    confidence: float
    subject_coverage: float  # share of the subject's content the object also has
    object_coverage: float
    justification: str = JUSTIFICATIONS["lexical"]
    subject_matches: tuple[UnitMatch, ...] = ()  # each unit of the subject, aligned
    object_matches: tuple[UnitMatch, ...] = ()  # each unit of the object, aligned
    level_comparison: str = "unknown"  # same, comparable, higher, lower, unknown
    preprocessing: tuple[str, ...] = ()
    tool: str = "equivalence"
    tool_version: str = ""
    mapping_date: date | None = None
    inferred: bool = False
    inferred_from: tuple[str, ...] = ()  # IRIs of the mappings an inferred one comes from
    comment: str = ""
    review_status: str = "proposed"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def gap(self) -> tuple[UnitMatch, ...]:
        """What a holder of the subject has not shown of the object: its uncovered units."""
        return tuple(m for m in self.object_matches if m.status is not UnitStatus.COVERED)

    @property
    def reverse_gap(self) -> tuple[UnitMatch, ...]:
        """What a holder of the object has not shown of the subject."""
        return tuple(m for m in self.subject_matches if m.status is not UnitStatus.COVERED)
