"""All pairs between two countries at once, with sparse products instead of pair-by-pair loops.

For the units of country A (rows) and of country B (columns), one chunked product of the title
vectors gives every unit similarity at or above `Thresholds.floor` (below it a similarity counts
as 0, in `align` too), merged with the shared ESCO skills (1.0). From that sparse matrix:

1. coverages of every standard pair, by two more products with the standards' membership
   matrices (A's unit i is covered by standard b when some unit of b covers it);
2. the predicate of every pair whose coverage is not 0 (no other pair can have one: this is the
   blocking, and it cannot lose a mapping);
3. for the pairs with a predicate, each unit's best counterpart, by sorting the similarity
   entries per (pair, unit): the same alignment `UnitIndex.align` gives pair by pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from equivalence.matching.align import UnitIndex
from equivalence.matching.model import StandardText, UnitMatch
from equivalence.matching.vectors import Matrix

__all__ = ["PairAlignment", "align_countries"]


@dataclass(frozen=True, slots=True)
class PairAlignment:
    """One pair of standards with a predicate: its coverages and its units aligned both ways."""

    subject: StandardText
    object: StandardText
    subject_coverage: float
    object_coverage: float
    subject_matches: tuple[UnitMatch, ...]
    object_matches: tuple[UnitMatch, ...]


@dataclass(frozen=True, slots=True)
class _Side:
    """The standards of one country, their unit rows, and which standard has which unit."""

    standards: Sequence[StandardText]
    rows: list[int]  # unit rows of the index, sorted; a position is an index into this list
    membership: Matrix  # positions × standards, 1 where the standard has the unit
    weights: Matrix  # standards × positions, the unit's weight where the standard has it

    @classmethod
    def of(cls, index: UnitIndex, standards: Sequence[StandardText]) -> _Side:
        rows = sorted({r for s in standards for r in index.rows(s)})
        position = {row: i for i, row in enumerate(rows)}
        std: list[int] = []
        pos: list[int] = []
        weight: list[float] = []
        for s, standard in enumerate(standards):
            for row in index.rows(standard):
                std.append(s)
                pos.append(position[row])
                weight.append(index.units[row].weight)
        shape = (len(standards), len(rows))
        weights = sp.csr_matrix((weight, (std, pos)), shape=shape)
        membership = sp.csr_matrix((np.ones(len(std)), (pos, std)), shape=shape[::-1])
        return cls(standards, rows, membership, weights)

    def owners(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each position, its standards: (entry index repeated, standard index)."""
        indptr, indices = self.membership.indptr, self.membership.indices
        counts = indptr[positions + 1] - indptr[positions]
        repeated = np.repeat(np.arange(len(positions)), counts)
        starts = np.repeat(indptr[positions], counts)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        return repeated, indices[starts + offsets]


def _similarities(index: UnitIndex, left: _Side, right: _Side, chunk: int = 2048) -> Matrix:
    """Positions of A × positions of B: max(cosine, shared skill) where ≥ the floor."""
    floor = index.thresholds.floor
    titles_right = index.vectors[right.rows].T.tocsc()
    skills_right = index.skill_matrix[right.rows].T.tocsc()
    blocks: list[Matrix] = []
    for start in range(0, len(left.rows), chunk):
        rows = left.rows[start : start + chunk]
        block = sp.csr_matrix(index.vectors[rows] @ titles_right)
        block.data[block.data < floor - 1e-9] = 0.0
        block.eliminate_zeros()
        shared = sp.csr_matrix(index.skill_matrix[rows] @ skills_right)
        shared.data = np.ones_like(shared.data)
        blocks.append(sp.csr_matrix(block.maximum(shared)))
    if not blocks:
        return sp.csr_matrix((0, len(right.rows)))
    return sp.csr_matrix(sp.vstack(blocks))


def _coverages(similar: Matrix, left: _Side, right: _Side, covered: float) -> tuple[Matrix, Matrix]:
    """Coverage of each A standard by each B standard and the reverse, both A × B."""
    hits = similar.copy()
    hits.data = (hits.data >= covered - 1e-9).astype(np.float64)
    hits.eliminate_zeros()
    left_by = _binary(hits @ right.membership)  # A positions × B standards
    right_by = _binary(hits.T.tocsr() @ left.membership)  # B positions × A standards
    subject = _per_weight(left.weights @ left_by, left.weights)
    obj = _per_weight(right.weights @ right_by, right.weights).T.tocsr()
    return sp.csr_matrix(subject), sp.csr_matrix(obj)


def _binary(matrix: Matrix) -> Matrix:
    result = sp.csr_matrix(matrix)
    result.data = (result.data > 0).astype(np.float64)
    result.eliminate_zeros()
    return result


def _per_weight(numerator: Matrix, weights: Matrix) -> Matrix:
    totals = np.asarray(weights.sum(axis=1)).ravel()
    totals[totals == 0] = 1.0
    return sp.diags(1.0 / totals) @ numerator


def _best(
    keys: np.ndarray, units: np.ndarray, others: np.ndarray, scores: np.ndarray
) -> dict[int, dict[int, tuple[int, float]]]:
    """{pair key: {unit position: (best other position, score)}}, the first best on ties."""
    order = np.lexsort((others, -scores, units, keys))
    keys, units, others, scores = keys[order], units[order], others[order], scores[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = (keys[1:] != keys[:-1]) | (units[1:] != units[:-1])
    best: dict[int, dict[int, tuple[int, float]]] = {}
    for key, unit, other, score in zip(
        keys[first].tolist(),
        units[first].tolist(),
        others[first].tolist(),
        scores[first].tolist(),
        strict=True,
    ):
        best.setdefault(key, {})[unit] = (other, score)
    return best


def align_countries(
    index: UnitIndex,
    left_standards: Sequence[StandardText],
    right_standards: Sequence[StandardText],
    min_overlap: float,
) -> list[PairAlignment]:
    """Every pair (A, B) covered at least `min_overlap` in one direction (or the other)."""
    left, right = _Side.of(index, left_standards), _Side.of(index, right_standards)
    similar = _similarities(index, left, right)
    subject, obj = _coverages(similar, left, right, index.thresholds.covered)
    cells = _overlapping_pairs(subject, obj, min_overlap)
    pairs = sorted(cells)
    if not pairs:
        return []
    width = len(right.standards)
    wanted = np.fromiter((a * width + b for a, b in pairs), dtype=np.int64, count=len(pairs))
    entries = similar.tocoo()
    li, ri = entries.row.astype(np.int64), entries.col.astype(np.int64)
    left_rows, right_rows = np.asarray(left.rows), np.asarray(right.rows)
    left_entry, left_std = left.owners(li)
    right_entry, right_std = right.owners(ri)
    # every (A standard, B standard) pair an entry belongs to: join the two owner lists
    forward, backward = _pair_entries(
        (li, ri, entries.data), (left_entry, left_std), (right_entry, right_std), width, wanted
    )
    alignments: list[PairAlignment] = []
    for a, b in pairs:
        key = a * width + b
        sa, sb = left.standards[a], right.standards[b]
        alignments.append(
            PairAlignment(
                sa,
                sb,
                *cells[(a, b)],
                index.matches_from(sa, _rows(forward.get(key, {}), left_rows, right_rows)),
                index.matches_from(sb, _rows(backward.get(key, {}), right_rows, left_rows)),
            )
        )
    return alignments


def _overlapping_pairs(
    subject: Matrix, obj: Matrix, min_overlap: float
) -> dict[tuple[int, int], tuple[float, float]]:
    """{(A index, B index): (subject coverage, object coverage)} where either reaches the minimum."""
    larger = sp.csr_matrix(subject.maximum(obj)).tocoo()
    keep = np.round(larger.data, 4) >= min_overlap
    rows, cols = larger.row[keep], larger.col[keep]
    if len(rows) == 0:
        return {}
    forward = np.round(np.asarray(subject[rows, cols]).ravel(), 4)
    backward = np.round(np.asarray(obj[rows, cols]).ravel(), 4)
    return {
        (int(i), int(j)): (float(f), float(b))
        for i, j, f, b in zip(rows.tolist(), cols.tolist(), forward, backward, strict=True)
    }


def _rows(
    best: dict[int, tuple[int, float]], own: np.ndarray, other: np.ndarray
) -> dict[int, tuple[int, float]]:
    """Positions to unit rows of the index."""
    return {int(own[u]): (int(other[o]), s) for u, (o, s) in best.items()}


_Best = dict[int, dict[int, tuple[int, float]]]


def _pair_entries(
    entries: tuple[np.ndarray, np.ndarray, np.ndarray],
    left_owners: tuple[np.ndarray, np.ndarray],
    right_owners: tuple[np.ndarray, np.ndarray],
    width: int,
    wanted: np.ndarray,
) -> tuple[_Best, _Best]:
    """The best counterpart of every unit, per wanted pair, in both directions."""
    li, ri, scores = entries
    left_entry, left_std = left_owners
    right_entry, right_std = right_owners
    # entries owned by one standard on each side are the rule; repeat the rest
    per_left = np.bincount(left_entry, minlength=len(li))
    per_right = np.bincount(right_entry, minlength=len(li))
    left_start = np.cumsum(per_left) - per_left
    right_start = np.cumsum(per_right) - per_right
    entry = np.repeat(np.arange(len(li)), per_left * per_right)
    if len(entry) == 0:
        return {}, {}
    within = np.arange(len(entry)) - np.repeat(
        np.cumsum(per_left * per_right) - per_left * per_right, per_left * per_right
    )
    a = left_std[left_start[entry] + within // np.maximum(per_right[entry], 1)]
    b = right_std[right_start[entry] + within % np.maximum(per_right[entry], 1)]
    keys = a.astype(np.int64) * width + b
    mask = np.isin(keys, wanted)
    keys, entry = keys[mask], entry[mask]
    units_left, units_right, values = li[entry], ri[entry], scores[entry]
    forward = _best(keys, units_left, units_right, values)
    backward = _best(keys, units_right, units_left, values)
    return forward, backward
