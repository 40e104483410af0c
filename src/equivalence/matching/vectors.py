"""TF-IDF term vectors of short texts, as rows of a sparse matrix (cosine = dot product)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeAlias

import numpy as np
import scipy.sparse as sp

__all__ = ["TermSpace", "cosine_rows", "normalise_rows"]

Matrix: TypeAlias = sp.csr_matrix


class TermSpace:
    """A vocabulary with inverse document frequencies, learnt from a collection of term lists.

    Term frequency is binary (a unit title seldom repeats a word on purpose) and rows are
    L2-normalised, so that the product of two matrices of this space holds cosine similarities.
    Terms never seen when the space was built are ignored.
    """

    def __init__(self, collections: Iterable[Sequence[Sequence[str]]]) -> None:
        self.vocabulary: dict[str, int] = {}
        counts: list[int] = []
        documents = 0
        for collection in collections:
            for terms in collection:
                documents += 1
                for term in set(terms):
                    index = self.vocabulary.setdefault(term, len(self.vocabulary))
                    if index == len(counts):
                        counts.append(0)
                    counts[index] += 1
        frequency = np.asarray(counts, dtype=np.float64)
        self.idf: np.ndarray = np.log((documents + 1) / (frequency + 1)) + 1.0
        self.documents = documents

    def __len__(self) -> int:
        return len(self.vocabulary)

    def matrix(self, documents: Sequence[Sequence[str]]) -> Matrix:
        """One L2-normalised TF-IDF row per document (an empty document gives an empty row)."""
        rows: list[int] = []
        cols: list[int] = []
        for row, terms in enumerate(documents):
            for index in {self.vocabulary[t] for t in terms if t in self.vocabulary}:
                rows.append(row)
                cols.append(index)
        values = self.idf[np.asarray(cols, dtype=np.int64)] if cols else np.zeros(0)
        shape = (len(documents), len(self.vocabulary))
        return normalise_rows(sp.csr_matrix((values, (rows, cols)), shape=shape, dtype=np.float64))


def normalise_rows(matrix: Matrix) -> Matrix:
    """The matrix with every non-empty row scaled to unit length."""
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


def cosine_rows(left: Matrix, right: Matrix) -> np.ndarray:
    """The dense matrix of cosines between the rows of `left` and the rows of `right`."""
    return np.asarray((left @ right.T).toarray())
