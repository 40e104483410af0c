"""Unit alignment: which unit of one standard says what a unit of another says.

`UnitIndex` holds every unit of the standards under comparison as a TF-IDF vector of its
analysed title (`text.py`), anchored to an ESCO skill when its title says one (`skills.py`).
Two units are as similar as the larger of

- the cosine of their vectors: the analysed title, plus 0.3 × the analysed text of the unit's
  criteria and knowledge (`Thresholds.criteria_weight`), and
- 1.0 when they are anchored to the same ESCO skill (or declare it).

Each unit of a standard is then paired with its most similar unit of the other standard: at or
above `Thresholds.covered` it is covered, at or above `Thresholds.partial` partly covered, else
missing. The criteria of the unit that the counterpart's criteria do not say are listed with it,
so that an evaluator sees what a holder still has to show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from equivalence.matching.model import Criterion, StandardText, UnitMatch, UnitStatus, UnitText
from equivalence.matching.skills import Anchor, SkillLabels, anchor_units
from equivalence.matching.text import Analyzer
from equivalence.matching.vectors import Matrix, TermSpace, cosine_rows, normalise_rows

__all__ = ["Thresholds", "UnitIndex"]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The decision thresholds of the engine (documented in docs/matching.md)."""

    covered: float = 0.6  # unit similarity at which a unit is covered
    floor: float = 0.3  # a similarity below this counts as 0 (the sparse products keep the rest)
    criteria_weight: float = 0.3  # weight of a unit's criteria text next to its title
    criteria_max_share: float = 0.01  # criteria terms in more units' criteria are left out
    partial: float = 0.45  # … partly covered: listed in the gap with its missing criteria
    anchor: float = 0.6  # cosine of a unit title with an ESCO label to anchor the unit
    criterion: float = 0.5  # cosine at which a criterion is found among the counterpart's
    exact: float = 0.8  # coverage both ways for exactMatch; one way for broad/narrowMatch
    close: float = 0.5  # coverage one way (at least) for closeMatch
    # coverage one way (at least) for relatedMatch; None: an overlap below `close` is no mapping
    related: float | None = None
    softness: float = 0.08  # spread of a unit's similarity around `covered` (confidence)


class UnitIndex:
    """Every unit of a set of standards, vectorised once, with its ESCO anchor."""

    def __init__(
        self,
        standards: Sequence[StandardText],
        skills: SkillLabels,
        *,
        thresholds: Thresholds | None = None,
        analyzer: Analyzer | None = None,
    ) -> None:
        self.thresholds = thresholds or Thresholds()
        self.analyzer = analyzer or Analyzer()
        self.units: list[UnitText] = []
        self.row_of: dict[str, int] = {}
        self.rows_of_standard: dict[str, list[int]] = {}
        for standard in standards:
            self.rows_of_standard[standard.iri] = [self._add(unit) for unit in standard.units]
        self.analyzer.learn(skills.labels)
        self.analyzer.learn(u.title for u in self.units)
        titles = [self.analyzer.terms(u.title) for u in self.units]
        label_terms = [self.analyzer.terms(label) for label in skills.labels]
        self.space = TermSpace([titles, label_terms])
        self.titles: Matrix = self.space.matrix(titles)
        found: list[Anchor | None] = (
            anchor_units(
                self.titles, self.space.matrix(label_terms), skills, minimum=self.thresholds.anchor
            )
            if not skills.empty
            else [None] * len(self.units)
        )
        self.anchors: list[Anchor | None] = found
        self.vectors = self._unit_vectors()
        self.skill_sets, self.skill_matrix = self._skill_matrix()
        self._criteria: dict[int, Matrix] = {}

    def _unit_vectors(self) -> Matrix:
        """Each unit's title vector plus `criteria_weight` × the vector of its criteria' text."""
        weight = self.thresholds.criteria_weight
        if weight <= 0:
            return self.titles
        criteria = [
            set(self.analyzer.terms(" ".join(c.text for c in unit.criteria))) for unit in self.units
        ]
        # terms most criteria say (conocimiento, evidencia, procedimientos …) tell units apart
        # no better than the IDF says, and make every pair of units overlap: the sparse products
        # of all pairs would not stay sparse
        counts: dict[str, int] = {}
        for terms in criteria:
            for term in terms:
                counts[term] = counts.get(term, 0) + 1
        cap = max(20, int(self.thresholds.criteria_max_share * len(self.units)))
        kept = [[t for t in terms if counts[t] <= cap] for terms in criteria]
        return normalise_rows(sp.csr_matrix(self.titles + weight * self.space.matrix(kept)))

    def _add(self, unit: UnitText) -> int:
        row = self.row_of.get(unit.iri)
        if row is None:
            row = self.row_of[unit.iri] = len(self.units)
            self.units.append(unit)
        return row

    def _skill_matrix(self) -> tuple[list[frozenset[str]], Matrix]:
        """Units × skills, 1 where a unit is anchored to (or declares) a skill."""
        columns: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        sets: list[frozenset[str]] = []
        for row, (unit, anchor) in enumerate(zip(self.units, self.anchors, strict=True)):
            skills = set(unit.skills)
            if anchor is not None:
                skills.add(anchor.skill)
            sets.append(frozenset(skills))
            for skill in skills:
                rows.append(row)
                cols.append(columns.setdefault(skill, len(columns)))
        shape = (len(self.units), max(len(columns), 1))
        matrix = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)
        return sets, matrix

    # -- similarities ------------------------------------------------------------------------

    def rows(self, standard: StandardText) -> list[int]:
        return self.rows_of_standard[standard.iri]

    def _scores(self, left: Sequence[int], right: Sequence[int]) -> np.ndarray:
        """Left units × right units: max(cosine, 1.0 for a shared skill), 0 below the floor."""
        scores = cosine_rows(self.vectors[left], self.vectors[right])
        scores[scores < self.thresholds.floor - 1e-9] = 0.0
        shared = np.asarray((self.skill_matrix[left] @ self.skill_matrix[right].T).toarray()) > 0
        combined: np.ndarray = np.maximum(scores, shared.astype(np.float64))
        return combined

    # -- alignment ---------------------------------------------------------------------------

    def align(
        self, subject: StandardText, obj: StandardText
    ) -> tuple[tuple[UnitMatch, ...], tuple[UnitMatch, ...]]:
        """Each unit of the subject with its best counterpart in the object, and the reverse."""
        left, right = self.rows(subject), self.rows(obj)
        if not left or not right:
            return self._unmatched(left), self._unmatched(right)
        scores = self._scores(left, right)
        forward = self._matches(left, right, scores)
        backward = self._matches(right, left, scores.T)
        return forward, backward

    def _unmatched(self, rows: Sequence[int]) -> tuple[UnitMatch, ...]:
        return tuple(
            UnitMatch(self.units[r], UnitStatus.MISSING, 0.0, None, self.units[r].criteria)
            for r in rows
        )

    def _matches(
        self, rows: Sequence[int], others: Sequence[int], scores: np.ndarray
    ) -> tuple[UnitMatch, ...]:
        matches: list[UnitMatch] = []
        for i, row in enumerate(rows):
            j = int(np.argmax(scores[i]))
            best = (others[j], float(scores[i, j])) if scores[i, j] > 0 else None
            matches.append(self._match(row, best, criteria=True))
        return tuple(matches)

    def _match(self, row: int, best: tuple[int, float] | None, *, criteria: bool) -> UnitMatch:
        """The match of unit `row` given its best counterpart (row, similarity), if any.

        Without `criteria`, a partly covered unit's missing criteria are not worked out (the
        bulk matcher leaves them to `align`).
        """
        unit = self.units[row]
        score = min(best[1], 1.0) if best is not None else 0.0
        status = self._status(score)
        if best is None or status is UnitStatus.MISSING:
            return UnitMatch(unit, UnitStatus.MISSING, score, None, unit.criteria)
        other = self.units[best[0]]
        via = self._via(row, best[0])
        missing = self._missing_criteria(unit, other) if criteria else ()
        return UnitMatch(unit, status, score, other, missing, via)

    def matches_from(
        self, standard: StandardText, best: dict[int, tuple[int, float]]
    ) -> tuple[UnitMatch, ...]:
        """Each unit of `standard` with its best counterpart as found by the bulk matcher:
        ``{unit row: (counterpart row, similarity)}`` (a unit absent has none)."""
        return tuple(self._match(row, best.get(row), criteria=False) for row in self.rows(standard))

    def _status(self, score: float) -> UnitStatus:
        if score >= self.thresholds.covered:
            return UnitStatus.COVERED
        if score >= self.thresholds.partial:
            return UnitStatus.PARTIAL
        return UnitStatus.MISSING

    def _via(self, row: int, other: int) -> str:
        """The ESCO skill two units share (that is what matched them), else "lexical"."""
        common = self.skill_sets[row] & self.skill_sets[other]
        return min(common) if common else "lexical"

    def _criteria_matrix(self, row: int) -> Matrix:
        matrix = self._criteria.get(row)
        if matrix is None:
            terms = [self.analyzer.terms(c.text) for c in self.units[row].criteria]
            matrix = self._criteria[row] = self.space.matrix(terms)
        return matrix

    def _missing_criteria(self, unit: UnitText, other: UnitText) -> tuple[Criterion, ...]:
        """The criteria of `unit` that no criterion of `other` says (by cosine of their terms)."""
        if not unit.criteria:
            return ()
        if not other.criteria:
            return unit.criteria
        scores = cosine_rows(
            self._criteria_matrix(self.row_of[unit.iri]),
            self._criteria_matrix(self.row_of[other.iri]),
        )
        best = scores.max(axis=1)
        return tuple(
            c for c, s in zip(unit.criteria, best, strict=True) if s < self.thresholds.criterion
        )
