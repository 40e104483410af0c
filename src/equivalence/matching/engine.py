"""The equivalence engine: compare two standards, or match every pair between countries.

`Engine.from_store(store)` reads the standards, the ESCO skill labels and the level schemes out
of the graph once; `compare` aligns two standards and gives the verdict and the gap both ways;
`match` finds every mapping between the standards of two countries (or of all four), comparing
only the pairs that share at least one similar unit (blocking that cannot lose a mapping: a
pair without such a unit has coverage 0 both ways).
"""

from __future__ import annotations

import difflib
import itertools
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from equivalence import __version__
from equivalence.errors import InputError, NotFoundError
from equivalence.matching.align import Thresholds, UnitIndex
from equivalence.matching.bulk import align_countries
from equivalence.matching.corpus import read_standards
from equivalence.matching.model import JUSTIFICATIONS, StandardText, UnitMatch
from equivalence.matching.model import Mapping as EquivalenceMapping
from equivalence.matching.skills import SkillLabels, read_skill_labels
from equivalence.matching.text import Analyzer
from equivalence.matching.verdict import compare_levels, confidence, coverage, predicate_for
from equivalence.sparql import default_catalogue
from equivalence.sparql.catalogue import term_text
from equivalence.store.base import TripleStore
from equivalence.vocab import COUNTRIES, PREPROCESSING_NS, SEMAPV

__all__ = ["PREPROCESSING", "Engine", "LevelSchemes", "read_level_schemes"]

# What is done to every text before it is compared (SSSOM subject/object_preprocessing).
PREPROCESSING: tuple[str, ...] = (
    SEMAPV.CaseNormalization.value,
    SEMAPV.DiacriticsSuppression.value,
    SEMAPV.Tokenization.value,
    SEMAPV.StopWordRemoval.value,
    PREPROCESSING_NS.RegionalThesaurus.value,
    PREPROCESSING_NS.NominalisationToVerb.value,
    SEMAPV.Stemming.value,
)


@dataclass(frozen=True, slots=True)
class LevelSchemes:
    """Each level's comparable levels in other schemes, and its position in its own."""

    comparable: Mapping[str, frozenset[str]]
    position: Mapping[str, int]


def read_level_schemes(store: TripleStore) -> LevelSchemes:
    links: dict[str, set[str]] = defaultdict(set)
    position: dict[str, int] = {}
    for row in default_catalogue().select(store, "matching-level-links").rows:
        level = term_text(row.get("level"))
        if row.get("position") is not None and term_text(row.get("position")).isdigit():
            position[level] = int(term_text(row.get("position")))
        if row.get("comparable") is not None:
            other = term_text(row.get("comparable"))
            links[level].add(other)
            links[other].add(level)
    return LevelSchemes({k: frozenset(v) for k, v in links.items()}, position)


def _country(code: str | None) -> str | None:
    if code is None:
        return None
    upper = code.upper()
    if upper not in COUNTRIES:
        raise InputError(
            f"unknown country {code!r}; use one of {', '.join(COUNTRIES)}", code="unknown-country"
        )
    return upper


class Engine:
    """Compares and matches the standards it was built with (see the module's description)."""

    def __init__(
        self,
        standards: Sequence[StandardText],
        skills: SkillLabels,
        levels: LevelSchemes | None = None,
        *,
        thresholds: Thresholds | None = None,
        analyzer: Analyzer | None = None,
        today: date | None = None,
    ) -> None:
        self.thresholds = thresholds or Thresholds()
        self.standards = list(standards)
        self.by_key = {s.key: s for s in self.standards}
        self.levels = levels or LevelSchemes({}, {})
        self.index = UnitIndex(
            self.standards, skills, thresholds=self.thresholds, analyzer=analyzer
        )
        self.today = today or date.today()
        self.justification = JUSTIFICATIONS["composite" if not skills.empty else "lexical"]

    @classmethod
    def from_store(cls, store: TripleStore, *, thresholds: Thresholds | None = None) -> Engine:
        """An engine over every standard of the store, with its ESCO skills and level schemes."""
        return cls(
            read_standards(store),
            read_skill_labels(store),
            read_level_schemes(store),
            thresholds=thresholds,
        )

    # -- look-ups ----------------------------------------------------------------------------

    def standard(self, country: str, code: str) -> StandardText:
        """A standard by country and code; `NotFoundError` (with near codes) when absent."""
        key = f"{(_country(country) or '')}:{code.strip()}"
        found = self.by_key.get(key)
        if found is None:
            near = self.near_codes(country, code)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise NotFoundError(f"no standard {code!r} of {country.upper()}{hint}")
        return found

    def near_codes(self, country: str, code: str, limit: int = 5) -> list[str]:
        """Codes of the country that look like `code` (for a helpful not-found message)."""
        codes = [s.code for s in self.standards if s.country == country.upper()]
        return difflib.get_close_matches(code.strip(), codes, n=limit, cutoff=0.6)

    def of_country(self, country: str | None) -> list[StandardText]:
        wanted = _country(country)
        return [s for s in self.standards if wanted is None or s.country == wanted]

    # -- comparing ---------------------------------------------------------------------------

    def compare(self, subject: StandardText, obj: StandardText) -> EquivalenceMapping:
        """The alignment, coverages, verdict, confidence and gaps of two standards."""
        forward, backward = self.index.align(subject, obj)
        return self._mapping(subject, obj, forward, backward)

    def _mapping(
        self,
        subject: StandardText,
        obj: StandardText,
        forward: tuple[UnitMatch, ...],
        backward: tuple[UnitMatch, ...],
    ) -> EquivalenceMapping:
        subject_coverage, object_coverage = coverage(forward), coverage(backward)
        predicate = predicate_for(subject_coverage, object_coverage, self.thresholds)
        return EquivalenceMapping(
            subject=subject,
            object=obj,
            predicate=predicate,
            confidence=confidence(forward, backward, predicate, self.thresholds),
            subject_coverage=subject_coverage,
            object_coverage=object_coverage,
            justification=self.justification,
            subject_matches=forward,
            object_matches=backward,
            level_comparison=compare_levels(
                subject, obj, self.levels.comparable, self.levels.position
            ),
            preprocessing=PREPROCESSING,
            tool_version=__version__,
            mapping_date=self.today,
        )

    def country_pairs(self, source: str | None, target: str | None) -> list[tuple[str, str]]:
        """The (subject country, object country) pairs a `match` covers."""
        a, b = _country(source), _country(target)
        if a is not None and a == b:
            raise InputError("--from and --to name the same country", code="same-country")
        if a is not None and b is not None:
            return [(a, b)]
        pairs = list(itertools.combinations(sorted(COUNTRIES), 2))
        if a is not None:
            return [(a, other) for other in sorted(COUNTRIES) if other != a]
        if b is not None:
            return [(other, b) for other in sorted(COUNTRIES) if other != b]
        return pairs

    def match(
        self,
        source: str | None = None,
        target: str | None = None,
        *,
        min_confidence: float = 0.0,
        blocking: bool = True,
    ) -> list[EquivalenceMapping]:
        """Every mapping between the countries' standards (predicate set, confidence ≥ minimum).

        With blocking, all pairs of two countries are aligned at once (`bulk.align_countries`),
        and a partly covered unit's missing criteria are left out (`compare` gives them);
        without, every pair is compared one by one, which takes hours for thousands of standards.
        """
        found: list[EquivalenceMapping] = []
        for a, b in self.country_pairs(source, target):
            mappings = self._bulk(a, b) if blocking else self._one_by_one(a, b)
            found.extend(m for m in mappings if m.confidence >= min_confidence)
        return found

    @property
    def min_overlap(self) -> float:
        """The least coverage, one way, that any predicate needs."""
        related = self.thresholds.related
        return related if related is not None else self.thresholds.close

    def _bulk(self, source: str, target: str) -> list[EquivalenceMapping]:
        pairs = align_countries(
            self.index, self.of_country(source), self.of_country(target), self.min_overlap
        )
        return [
            self._mapping(p.subject, p.object, p.subject_matches, p.object_matches) for p in pairs
        ]

    def _one_by_one(self, source: str, target: str) -> Iterator[EquivalenceMapping]:
        for subject, obj in itertools.product(self.of_country(source), self.of_country(target)):
            mapping = self.compare(subject, obj)
            if mapping.predicate is not None:
                yield mapping
