"""ESCO skills as a pivot: each unit is anchored to the ESCO skill whose label it says.

National standards describe the same competence in different words ("Elaboración de script",
"CREAR SCRIPT …", "construir script …"); ESCO lists such variants as the preferred and
alternative labels of one skill. A unit whose title matches a label of a skill closely enough is
anchored to that skill, and two units anchored to the same skill match whatever their wording.
Units that declare their ESCO skills (`eq:relatedSkill`) are anchored to them directly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyoxigraph import Literal, NamedNode

from equivalence.matching.vectors import Matrix
from equivalence.sparql import default_catalogue
from equivalence.store.base import TripleStore

__all__ = ["Anchor", "SkillLabels", "anchor_units", "read_skill_labels"]


@dataclass(frozen=True, slots=True)
class SkillLabels:
    """Every label of every skill, aligned: `skills[i]` is the IRI of the skill `labels[i]` names."""

    skills: tuple[str, ...]
    labels: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.labels


@dataclass(frozen=True, slots=True)
class Anchor:
    """The ESCO skill a unit is anchored to, the label that matched and how closely (0–1)."""

    skill: str
    label: str
    score: float


_LANGUAGES = ("es", "en")


def read_skill_labels(store: TripleStore) -> SkillLabels:
    """The Spanish and English labels of the ESCO skills in the store (empty without ESCO)."""
    pairs: set[tuple[str, str]] = set()
    for row in default_catalogue().select(store, "matching-skill-labels").rows:
        skill, label = row.get("skill"), row.get("label")
        if not isinstance(skill, NamedNode) or not isinstance(label, Literal):
            continue
        if (label.language or "").split("-")[0] in _LANGUAGES:
            pairs.add((skill.value, label.value))
    ordered = sorted(pairs)
    return SkillLabels(tuple(s for s, _ in ordered), tuple(label for _, label in ordered))


def anchor_units(
    unit_matrix: Matrix,
    label_matrix: Matrix,
    labels: SkillLabels,
    *,
    minimum: float,
    chunk: int = 4096,
) -> list[Anchor | None]:
    """For each unit row, the best-matching skill label when its cosine reaches `minimum`."""
    anchors: list[Anchor | None] = []
    transposed = label_matrix.T.tocsc()
    for start in range(0, unit_matrix.shape[0], chunk):
        block = (unit_matrix[start : start + chunk] @ transposed).tocsr()
        for row in range(block.shape[0]):
            begin, end = block.indptr[row], block.indptr[row + 1]
            if begin == end:
                anchors.append(None)
                continue
            values = block.data[begin:end]
            best = int(np.argmax(values))
            score = float(values[best])
            if score < minimum:
                anchors.append(None)
                continue
            index = int(block.indices[begin + best])
            anchors.append(Anchor(labels.skills[index], labels.labels[index], min(score, 1.0)))
    return anchors
