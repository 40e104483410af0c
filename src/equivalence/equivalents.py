"""The equivalents of a standard, looked up in memory from the stored mappings.

Computing equivalents per request by a SPARQL join is slow on an on-disk store (see
ARCHITECTURE.md); the mappings are few (one per matched pair) and change only when a match,
an import or a review writes them. So the service reads them once per state of the store
(`mappings-list`), orients each from both of its standards, and answers look-ups from a dict.
A mapping stored as (A broadMatch B) appears under B as (B narrowMatch A) with the coverages
swapped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from equivalence.matching.graph import MappingRecord
from equivalence.matching.model import Predicate

__all__ = ["CountrySummary", "Equivalent", "EquivalentsIndex"]

_PREDICATE_RANK: Final = {
    Predicate.EXACT: 0,
    Predicate.CLOSE: 1,
    Predicate.BROAD: 2,
    Predicate.NARROW: 3,
    Predicate.RELATED: 4,
}


@dataclass(frozen=True, slots=True)
class Equivalent:
    """One equivalent of the asked standard, oriented from it.

    `predicate` reads "asked standard <predicate> this one". `coverage_here` is the share of
    the asked standard's content the equivalent also has; `coverage_there` the share of the
    equivalent's content the asked standard has.
    """

    mapping: str
    country: str
    code: str
    title: str
    standard: str
    predicate: Predicate
    confidence: float | None
    coverage_here: float | None
    coverage_there: float | None
    justification: str
    review_status: str
    inferred: bool

    @property
    def mapping_id(self) -> str:
        return self.mapping.rsplit("/", 1)[-1]


def _short(iri: str) -> str:
    """`semapv:LexicalMatching` for a SEMAPV IRI, else the IRI."""
    for prefix, namespace in (("semapv", "https://w3id.org/semapv/vocab/"),):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _oriented(record: MappingRecord, *, from_subject: bool, title: str) -> Equivalent:
    status = record.review_status
    if from_subject:
        return Equivalent(
            record.iri,
            record.object_country,
            record.object_code,
            title,
            record.object,
            record.predicate,
            record.confidence,
            record.subject_coverage,
            record.object_coverage,
            _short(record.justification),
            status,
            record.inferred,
        )
    return Equivalent(
        record.iri,
        record.subject_country,
        record.subject_code,
        title,
        record.subject,
        record.predicate.inverse,
        record.confidence,
        record.object_coverage,
        record.subject_coverage,
        _short(record.justification),
        status,
        record.inferred,
    )


def _rank(equivalent: Equivalent) -> tuple[float, int, str, str]:
    confidence = equivalent.confidence if equivalent.confidence is not None else -1.0
    return (-confidence, _PREDICATE_RANK[equivalent.predicate], equivalent.country, equivalent.code)


@dataclass(frozen=True, slots=True)
class CountrySummary:
    """A standard's equivalents in one other country: how many, how many recognised, the best."""

    country: str
    count: int
    recognised: int
    best: Equivalent


class EquivalentsIndex:
    """Every standard's equivalents, ranked by confidence, then by predicate strength."""

    def __init__(
        self, records: Iterable[MappingRecord], titles: Mapping[tuple[str, str], str]
    ) -> None:
        by_standard: dict[tuple[str, str], list[Equivalent]] = defaultdict(list)
        count = 0
        for record in records:
            count += 1
            subject = (record.subject_country, record.subject_code)
            object_ = (record.object_country, record.object_code)
            by_standard[subject].append(
                _oriented(record, from_subject=True, title=titles.get(object_, ""))
            )
            by_standard[object_].append(
                _oriented(record, from_subject=False, title=titles.get(subject, ""))
            )
        self._by_standard = {key: sorted(found, key=_rank) for key, found in by_standard.items()}
        self.mappings = count

    def of(
        self,
        country: str,
        code: str,
        *,
        target: str | None = None,
        min_confidence: float | None = None,
    ) -> list[Equivalent]:
        """The equivalents of one standard, in another country when `target` is given."""
        found = self._by_standard.get((country, code), [])
        return [
            e
            for e in found
            if (target is None or e.country == target)
            and (
                min_confidence is None
                or (e.confidence is not None and e.confidence >= min_confidence)
            )
        ]

    def summary(self, country: str, code: str) -> list[CountrySummary]:
        """Per other country: how many equivalents, how many recognised, and the best one."""
        grouped: dict[str, list[Equivalent]] = defaultdict(list)
        for equivalent in self.of(country, code):
            grouped[equivalent.country].append(equivalent)
        return [
            CountrySummary(
                other,
                len(found),
                sum(1 for e in found if e.review_status == "recognised"),
                found[0],
            )
            for other, found in sorted(grouped.items())
        ]
