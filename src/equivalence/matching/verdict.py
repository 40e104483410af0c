"""From aligned units to a verdict: coverage both ways, a SKOS predicate and its confidence.

Coverage of A by B is the weighted share of A's units covered in B: an essential unit weighs 2,
an optional one 1. A partly covered unit adds nothing to the coverage; it is listed in the gap
with the criteria its counterpart does not show. (Crediting partly covered units by the share of
their criteria found, or weighting units by their number of criteria, was measured on the
development benchmark and made coverage worse: see docs/matching.md.) The predicate follows
from the two coverages (`Thresholds`):

==========================================  ==================================
both ≥ exact (0.8)                          ``skos:exactMatch``
A's ≥ exact, B's below                      ``skos:broadMatch`` (A is narrower)
B's ≥ exact, A's below                      ``skos:narrowMatch`` (A is broader)
the larger ≥ close (0.5)                    ``skos:closeMatch``
the larger ≥ related (off by default)       ``skos:relatedMatch``
otherwise                                   no mapping
==========================================  ==================================

The confidence is the probability that the predicate would stay the same if each unit's
verdict were uncertain in proportion to how near its similarity is to the thresholds: a unit
with similarity s is covered with probability σ((s − covered) / softness); the coverage is then
a sum of independent weighted Bernoulli variables whose distribution is computed exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from equivalence.matching.align import Thresholds
from equivalence.matching.model import Predicate, StandardText, UnitMatch, UnitStatus

__all__ = ["compare_levels", "confidence", "coverage", "predicate_for"]


def _credit(match: UnitMatch) -> float:
    return 1.0 if match.status is UnitStatus.COVERED else 0.0


def coverage(matches: Sequence[UnitMatch]) -> float:
    """The weighted share of the units found (see the module's description)."""
    total = sum(m.unit.weight for m in matches)
    if total == 0:
        return 0.0
    return round(sum(m.unit.weight * _credit(m) for m in matches) / total, 4)


def predicate_for(
    subject_coverage: float, object_coverage: float, thresholds: Thresholds
) -> Predicate | None:
    """The SKOS predicate for these coverages (None: no mapping)."""
    if subject_coverage >= thresholds.exact and object_coverage >= thresholds.exact:
        return Predicate.EXACT
    if subject_coverage >= thresholds.exact:
        return Predicate.BROAD
    if object_coverage >= thresholds.exact:
        return Predicate.NARROW
    larger = max(subject_coverage, object_coverage)
    if larger >= thresholds.close:
        return Predicate.CLOSE
    if thresholds.related is not None and larger >= thresholds.related:
        return Predicate.RELATED
    return None


def _covered_probability(match: UnitMatch, thresholds: Thresholds) -> float:
    z = (match.score - thresholds.covered) / thresholds.softness
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def _distribution(
    matches: Sequence[UnitMatch], thresholds: Thresholds
) -> tuple[list[float], float]:
    """P(covered weight = w) for w = 0 … total, and the total weight (weights are 1 or 2)."""
    dist = [1.0]
    for match in matches:
        weight = round(match.unit.weight)
        p = _covered_probability(match, thresholds)
        grown = [0.0] * (len(dist) + weight)
        for w, q in enumerate(dist):
            grown[w] += q * (1 - p)
            grown[w + weight] += q * p
        dist = grown
    return dist, float(len(dist) - 1)


def _at_least(dist: list[float], total: float, share: float) -> float:
    if total == 0:
        return 0.0
    needed = math.ceil(share * total - 1e-9)
    return sum(dist[needed:])


def confidence(
    subject_matches: Sequence[UnitMatch],
    object_matches: Sequence[UnitMatch],
    predicate: Predicate | None,
    thresholds: Thresholds,
) -> float:
    """The probability of the predicate under the unit-level uncertainty (module description)."""
    sd, st = _distribution(subject_matches, thresholds)
    od, ot = _distribution(object_matches, thresholds)

    def p(share: float) -> tuple[float, float]:
        return _at_least(sd, st, share), _at_least(od, ot, share)

    exact_s, exact_o = p(thresholds.exact)
    close_s, close_o = p(thresholds.close)
    related_s, related_o = p(thresholds.related) if thresholds.related is not None else p(2.0)
    below = {
        "exact": (1 - exact_s) * (1 - exact_o),
        "close": (1 - close_s) * (1 - close_o),
        "related": (1 - related_s) * (1 - related_o),
    }
    probability = {
        Predicate.EXACT: exact_s * exact_o,
        Predicate.BROAD: exact_s * (1 - exact_o),
        Predicate.NARROW: (1 - exact_s) * exact_o,
        Predicate.CLOSE: below["exact"] - below["close"],
        Predicate.RELATED: below["close"] - below["related"],
        None: below["related"] if thresholds.related is not None else below["close"],
    }[predicate]
    return round(min(max(probability, 0.0), 1.0), 4)


def compare_levels(
    subject: StandardText,
    obj: StandardText,
    comparable: Mapping[str, frozenset[str]],
    position: Mapping[str, int],
) -> str:
    """How the object's level stands to the subject's: same, higher, lower or unknown.

    `comparable` links each level to the levels of other schemes it is comparable with (the
    ontology's skos:closeMatch links); `position` gives each level's place in its scheme.
    """
    a, b = subject.level_iri, obj.level_iri
    if a is None or b is None:
        return "unknown"
    if b in comparable.get(a, frozenset()) or a == b:
        return "comparable"
    peers = [position[x] for x in comparable.get(a, frozenset()) if _scheme(x) == _scheme(b)]
    if not peers or b not in position:
        return "unknown"
    if position[b] > max(peers):
        return "higher"
    if position[b] < min(peers):
        return "lower"
    return "comparable"


def _scheme(level: str) -> str:
    return level.rstrip("/").rsplit("/", 1)[0]
