"""Mappings inferred from others, and the consistency check of a mapping set.

Chaining: when A (country X) maps to B (country Y) and B maps to C (country Z, a third country),
and A and C have no mapping of their own, A → C is inferred with the composed predicate and the
product of the two confidences (the two assertions are taken as independent). Composition:

==================  ===================================================
exact ∘ p, p ∘ exact  p
broad ∘ broad       broad (A ⊂ B ⊂ C)
narrow ∘ narrow     narrow
broad ∘ narrow …    related (A and C are both part of B, or both contain it)
==================  ===================================================

Only exactMatch, broadMatch and narrowMatch are chained: a closeMatch says two standards share
part of their content, and two such parts need not overlap.

Of the paths between A and C the most confident one is kept; its two mappings are the sources
(``prov:wasDerivedFrom``). Each pair is inferred once, oriented like `match` orients pairs (the
subject's country code first in alphabetical order). An inverse is the same assertion read from the other side; it is
given by `inverse` on demand rather than stored.

The consistency check reports:

- contradictions: A ≡ B and B ≡ C (exactMatch) while A and C are mapped with another predicate,
  or not at all although their two countries were matched;
- suspicious cardinality: a standard with exactMatch to several standards of one country.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from equivalence import __version__
from equivalence.matching.graph import MappingRecord, mapping_iri
from equivalence.matching.model import JUSTIFICATIONS, Predicate

__all__ = ["Finding", "chain", "check", "compose", "inverse"]

_EXACT, _BROAD, _NARROW, _RELATED = (
    Predicate.EXACT,
    Predicate.BROAD,
    Predicate.NARROW,
    Predicate.RELATED,
)
DEFAULT_MIN_CONFIDENCE: Final = 0.5


def compose(first: Predicate, second: Predicate) -> Predicate:
    """The predicate of A → C from A → B (`first`) and B → C (`second`)."""
    if first is _EXACT:
        return second
    if second is _EXACT:
        return first
    if first is second and first in (_BROAD, _NARROW):
        return first
    return _RELATED


def inverse(record: MappingRecord) -> MappingRecord:
    """The mapping read from its object's side, marked as inferred by inversion."""
    flipped = record.inverse()
    return replace(
        flipped,
        inferred=True,
        justification=JUSTIFICATIONS["inversion"],
        derived_from=(record.iri,) if record.iri else (),
        iri=mapping_iri(flipped.subject, flipped.object).value,
    )


# Chains are built from these predicates only: a closeMatch says the two standards share part
# of their content, and two such parts need not overlap, so nothing follows from it.
_CHAINABLE: Final = frozenset({Predicate.EXACT, Predicate.BROAD, Predicate.NARROW})


def _oriented(records: Iterable[MappingRecord]) -> dict[str, list[MappingRecord]]:
    """Every direct mapping from each standard, in both directions (chainable predicates)."""
    outgoing: dict[str, list[MappingRecord]] = defaultdict(list)
    for record in records:
        if record.inferred or record.predicate not in _CHAINABLE:
            continue
        outgoing[record.subject].append(record)
        outgoing[record.object].append(record.inverse())
    return outgoing


def chain(
    records: Sequence[MappingRecord],
    *,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    today: date | None = None,
) -> list[MappingRecord]:
    """The mappings inferred through a third country (see the module's description)."""
    outgoing = _oriented(records)
    direct = {frozenset((r.subject, r.object)) for r in records if not r.inferred}
    best: dict[tuple[str, str], MappingRecord] = {}
    for middle, edges in outgoing.items():
        for left, right in itertools.permutations(edges, 2):
            # left: middle → A (read back as A → middle); right: middle → C
            a, c = left.inverse(), right
            countries = {a.subject_country, a.object_country, c.object_country}
            if len(countries) < 3 or frozenset((a.subject, c.object)) in direct:
                continue
            if a.subject_country > c.object_country:
                continue  # each pair once, the subject's country first (as `match` orients it)
            confidence = (a.confidence or 0.0) * (c.confidence or 0.0)
            if confidence < min_confidence:
                continue
            key = (a.subject, c.object)
            if key in best and (best[key].confidence or 0.0) >= confidence:
                continue
            best[key] = _chained(a, c, confidence, middle, today or date.today())
    return sorted(best.values(), key=lambda r: (r.subject_key, r.object_key))


def _chained(
    first: MappingRecord, second: MappingRecord, confidence: float, middle: str, today: date
) -> MappingRecord:
    return MappingRecord(
        subject=first.subject,
        object=second.object,
        predicate=compose(first.predicate, second.predicate),
        confidence=round(confidence, 4),
        subject_country=first.subject_country,
        subject_code=first.subject_code,
        object_country=second.object_country,
        object_code=second.object_code,
        subject_label=first.subject_label,
        object_label=second.object_label,
        justification=JUSTIFICATIONS["chaining"],
        inferred=True,
        derived_from=tuple(
            r.iri or mapping_iri(r.subject, r.object).value for r in (first, second)
        ),
        mapping_tool="equivalence",
        mapping_tool_version=__version__,
        mapping_date=today,
        comment=f"through {middle}",
        iri=mapping_iri(first.subject, second.object).value,
    )


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem of a mapping set, in Spanish and English, with the standards it involves."""

    kind: str  # contradiction, cardinality
    standards: tuple[str, ...]  # COUNTRY:CODE keys
    message_es: str
    message_en: str


def check(records: Sequence[MappingRecord]) -> list[Finding]:
    """Contradictions and suspicious cardinalities (see the module's description)."""
    direct = [r for r in records if not r.inferred]
    return _contradictions(direct) + _cardinality(direct)


def _contradictions(records: Sequence[MappingRecord]) -> list[Finding]:
    by_pair: dict[frozenset[str], MappingRecord] = {}
    keys: dict[str, str] = {}
    matched_countries: set[frozenset[str]] = set()
    exact: dict[str, set[str]] = defaultdict(set)
    for r in records:
        by_pair[frozenset((r.subject, r.object))] = r
        keys[r.subject], keys[r.object] = r.subject_key, r.object_key
        matched_countries.add(frozenset((r.subject_country, r.object_country)))
        if r.predicate is _EXACT:
            exact[r.subject].add(r.object)
            exact[r.object].add(r.subject)
    country = {iri: key.split(":", 1)[0] for iri, key in keys.items()}
    findings: list[Finding] = []
    seen: set[frozenset[str]] = set()
    for middle, ends in exact.items():
        for a, c in itertools.combinations(sorted(ends), 2):
            if country[a] == country[c] or frozenset((a, c)) in seen:
                continue
            seen.add(frozenset((a, c)))
            found = by_pair.get(frozenset((a, c)))
            if found is not None and found.predicate is _EXACT:
                continue
            if found is None and frozenset((country[a], country[c])) not in matched_countries:
                continue
            said = found.predicate.value if found is not None else "sin equivalencia"
            said_en = found.predicate.value if found is not None else "no mapping"
            trio = (keys[a], keys[middle], keys[c])
            findings.append(
                Finding(
                    "contradiction",
                    trio,
                    f"{trio[0]} ≡ {trio[1]} y {trio[1]} ≡ {trio[2]}, pero entre {trio[0]} y "
                    f"{trio[2]} hay {said}.",
                    f"{trio[0]} ≡ {trio[1]} and {trio[1]} ≡ {trio[2]}, but {trio[0]} and "
                    f"{trio[2]} have {said_en}.",
                )
            )
    return findings


def _cardinality(records: Sequence[MappingRecord]) -> list[Finding]:
    targets: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in records:
        if r.predicate is _EXACT:
            targets[(r.subject_key, r.object_country)].add(r.object_key)
            targets[(r.object_key, r.subject_country)].add(r.subject_key)
    findings: list[Finding] = []
    for (key, other), found in sorted(targets.items()):
        if len(found) > 1:
            listed = ", ".join(sorted(found))
            findings.append(
                Finding(
                    "cardinality",
                    (key, *sorted(found)),
                    f"{key} es equivalente exacto de {len(found)} estándares de {other} "
                    f"({listed}): ¿son duplicados, o alguno es más amplio?",
                    f"{key} is an exact match of {len(found)} standards of {other} ({listed}): "
                    "are they duplicates, or is one of them broader?",
                )
            )
    return findings
