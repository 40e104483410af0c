"""Occupation linking: ISCO-08 unit groups and ESCO occupations for a declared code or a title.

`OccupationIndex.from_store(store)` reads, through named queries, the ISCO-08 groups (Spanish
CIUO-08 titles and English), the ESCO occupations with their unit group and their Spanish and
English labels, and the crosswalks of the store. It then answers three questions:

* `suggest(text)` — like ESCO's suggest, the unit groups (and the best ESCO occupation of each)
  for any Spanish job or occupation title, from the labels only (never from a crosswalk);
* `for_code(scheme, code)` — the unit groups a national code reaches through the crosswalks
  (SINCO → CIUO-08 rows, CUOC codes that extend ISCO-08, CNO-MX through SINCO, CIUO-08.CL and
  ISCO-08 codes directly, ESCO occupations through their group);
* `for_standard(title, scheme, code, chile_code)` — the groups of a standard's declared codes
  first, then text suggestions for its title.

How a title is scored (see docs/occupations.md): the text is analysed by
`equivalence.matching.text.Analyzer` (folding, regional thesaurus, stop words, stemming, which
joins gender and number), after plural forms of thesaurus words are made singular and Latin
American occupation words are expanded with their peninsular equivalents (ESCO's Spanish is
Spain's: `REGIONAL_TITLE_VOCABULARY`). Each unit group is then scored by five components, each
in [0, 1], averaged with the weights of `SuggestParams`:

1. the best cosine between the title and one label of the group (the group's CIUO-08 title and
   every ESCO label of its occupations), on IDF-weighted terms with the first term (the head
   noun) weighted more;
2. a BM25 score of the title against all the labels of the group taken together (a title that
   names several occupations, "Soldadores y oxicortadores", finds them spread over labels);
3. the best cosine on character 3- and 4-grams of the stems (nutriólogo / nutricionista);
4. and 5. the BM25 score of the minor (3-digit) and sub-major (2-digit) group the unit group
   belongs to, a small pull towards the right part of the classification.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Final, TextIO
from urllib.parse import unquote

import numpy as np
import numpy.typing as npt
from scipy import sparse

from equivalence.errors import InputError
from equivalence.io.base import read_csv_rows
from equivalence.matching.text import Analyzer, words
from equivalence.sparql.catalogue import default_catalogue, term_text
from equivalence.store.base import TripleStore
from equivalence.vocab import OCCUPATION_SCHEMES, SKOS, occupation_scheme

__all__ = [
    "BATCH_COLUMNS",
    "REGIONAL_TITLE_VOCABULARY",
    "CrosswalkLink",
    "EscoOccupation",
    "OccupationIndex",
    "OccupationReference",
    "OccupationSuggestion",
    "SuggestParams",
    "TitleAnalyzer",
    "ciuo_of_chile_code",
    "format_suggestions_text",
    "read_batch_titles",
    "suggestion_rows",
    "suggestions_to_json",
    "write_suggestions_csv",
]

# The columns of a batch's output, one row per suggestion.
BATCH_COLUMNS: Final = ("title", "rank", "isco08_unit_group", "esco_uri", "score")

# Latin American occupation words and their peninsular equivalents (what ESCO's Spanish labels
# say): (equivalent, variants). A title holding a variant is searched with both. The pairs are
# regional vocabulary (RAE / ASALE usage), not titles: extend it like `thesaurus.tsv`.
REGIONAL_TITLE_VOCABULARY: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("grabador de datos", ("capturista", "capturista de datos")),
    ("camarero de pisos", ("recamarista", "recamarera", "recamarero", "camarista")),
    ("barman camarero de barra", ("cantinero", "cantinera")),
    ("nutricionista dietista", ("nutriólogo", "nutrióloga")),
    ("matrona comadrona", ("partera", "partero")),
    ("inmobiliario", ("bienes raíces", "finca raíz")),
    ("aduana", ("aduanal",)),
    ("acuicultura", ("acuacultura",)),
    ("bachillerato", ("preparatoria",)),
    ("vigilante", ("velador", "veladora")),
    ("limpiabotas", ("bolero", "bolera", "boleador", "lustrabotas", "embolador")),
    ("lavador de vehículos", ("lavacoches", "lavaautos")),
    ("tasador", ("valuador", "valuadora", "avaluador", "avaluadora")),
    ("subastador", ("rematador", "rematadora", "martillero", "martillera")),
    ("herbolario", ("hierbero", "hierbera", "yerbero", "yerbera")),
    ("maquillador", ("maquillista",)),
    ("artista de circo", ("cirquero", "cirquera")),
    ("revisor", ("checador", "checadora")),
    ("conserje limpiador", ("intendente",)),
    ("limpiador", ("afanador", "afanadora")),
    ("contable", ("contador", "contadora")),
    ("lector de contadores", ("lecturista",)),
    ("recadero", ("mandadero", "mandadera")),
    ("reparador de neumáticos", ("vulcanizador", "vulcanizadora", "llantero", "llantera")),
    ("neumático", ("llanta",)),
    ("caucho", ("hule",)),
    ("tráfico", ("tránsito",)),
    ("peón", ("trabajador de apoyo", "trabajadora de apoyo", "ayudante general")),
    ("socorrista", ("salvavidas",)),
    ("ascensor", ("elevador",)),
    ("recambio", ("refacción", "refacciones")),
    ("automoción", ("automotriz",)),
    ("marketing", ("mercadotecnia", "mercadeo")),
    ("recursos humanos", ("talento humano", "capital humano")),
    ("auxiliar de vuelo", ("aeromozo", "aeromoza", "sobrecargo")),
    ("fisioterapeuta", ("kinesiólogo", "kinesióloga")),
)

# Words classification titles add to any group ("Herreros, forjadores y afines"; SINCO's
# "… y similares", "(… etcétera)"): they say nothing about the occupation.
_FILLERS: Final = frozenset({"afines", "afin", "similares", "similar", "etcetera", "etc"})

_ISCO = OCCUPATION_SCHEMES["ISCO-08"]
_CHILE_CODE: Final = re.compile(r"^[PU]-(\d{4})-(\d{4})-(\d{3})-V(\d{2})$", re.IGNORECASE)
_UNIT_GROUP_DIGITS: Final = 4
_MAPPING_PREDICATES: Final = {
    SKOS.exactMatch.value: "exactMatch",
    SKOS.closeMatch.value: "closeMatch",
    SKOS.broadMatch.value: "broadMatch",
    SKOS.narrowMatch.value: "narrowMatch",
}

Vector = npt.NDArray[np.float64]


# ------------------------------------------------------------------------------ results


@dataclass(frozen=True, slots=True)
class OccupationSuggestion:
    """One suggested ISCO-08 unit group, with the ESCO occupation of it that fits best.

    `label` is the unit group's Spanish CIUO-08 title (English when the store has no Spanish
    one), `esco_label` the Spanish preferred label of `esco_uri`; `via` says where the
    suggestion comes from: ``text`` or the crosswalk path (``SINCO → CIUO-08 (explicit)`` …).
    """

    rank: int
    isco08_unit_group: str
    esco_uri: str | None
    label: str
    score: float
    esco_label: str | None = None
    via: str = "text"

    def as_dict(self) -> dict[str, object]:
        return {
            "rank": self.rank,
            "isco08_unit_group": self.isco08_unit_group,
            "esco_uri": self.esco_uri,
            "label": self.label,
            "esco_label": self.esco_label,
            "score": round(self.score, 4),
            "via": self.via,
        }


# ------------------------------------------------------------------------------ reference data


@dataclass(slots=True)
class EscoOccupation:
    """An ESCO occupation as the index reads it: its unit group and labels by language."""

    iri: str
    group: str
    preferred: dict[str, str] = field(default_factory=dict)
    labels: dict[str, list[str]] = field(default_factory=dict)  # language -> pref, alt, hidden

    def preferred_label(self, lang: str = "es") -> str:
        return self.preferred.get(lang) or self.preferred.get("en") or ""


@dataclass(frozen=True, slots=True)
class CrosswalkLink:
    """One mapping between two occupation concepts, by classification name and code."""

    scheme: str
    code: str
    predicate: str  # exactMatch, closeMatch, broadMatch, narrowMatch
    target_scheme: str
    target_code: str
    relation: str | None = None  # the source table's own value (explicit, merged_cell_inferred)


@dataclass(slots=True)
class OccupationReference:
    """What occupation linking reads from the store: ISCO-08 groups, ESCO occupations, links."""

    groups: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> language -> title
    occupations: dict[str, EscoOccupation] = field(default_factory=dict)
    links: list[CrosswalkLink] = field(default_factory=list)

    @classmethod
    def from_store(cls, store: TripleStore) -> OccupationReference:
        reference = cls()
        reference._read_groups(store)
        reference._read_occupations(store)
        reference._read_links(store)
        return reference

    def _read_groups(self, store: TripleStore) -> None:
        for row in default_catalogue().select(store, "occupation-isco-groups").rows:
            code = term_text(row.get("code"))
            lang = term_text(row.get("language"))
            titles = self.groups.setdefault(code, {})
            if term_text(row.get("kind")) == "pref" or lang not in titles:
                titles[lang] = term_text(row.get("label"))

    def _read_occupations(self, store: TripleStore) -> None:
        rows = default_catalogue().select(store, "occupation-esco-labels").rows
        kinds = {"pref": 0, "alt": 1, "hidden": 2}
        ordered = sorted(rows, key=lambda r: kinds.get(term_text(r.get("kind")), 3))
        for row in ordered:
            iri = term_text(row.get("occupation"))
            occupation = self.occupations.get(iri)
            if occupation is None:
                occupation = EscoOccupation(iri, term_text(row.get("code")))
                self.occupations[iri] = occupation
            lang = term_text(row.get("language"))
            label = term_text(row.get("label"))
            if term_text(row.get("kind")) == "pref":
                occupation.preferred.setdefault(lang, label)
            occupation.labels.setdefault(lang, []).append(label)

    def _read_links(self, store: TripleStore) -> None:
        for row in default_catalogue().select(store, "occupation-crosswalks").rows:
            source = concept_code(term_text(row.get("subject")))
            target = concept_code(term_text(row.get("object")))
            predicate = _MAPPING_PREDICATES.get(term_text(row.get("predicate")))
            if source is None or target is None or predicate is None:
                continue
            relation = term_text(row.get("relation")) or None
            self.links.append(CrosswalkLink(*source, predicate, *target, relation))

    def unit_groups(self) -> list[str]:
        """The 4-digit codes, in order."""
        return sorted(c for c in self.groups if len(c) == _UNIT_GROUP_DIGITS)

    def title(self, code: str) -> str:
        titles = self.groups.get(code, {})
        return titles.get("es") or titles.get("en") or code


def concept_code(iri: str) -> tuple[str, str] | None:
    """(classification name, code) of an occupation concept IRI, None for any other IRI."""
    best: tuple[str, str] | None = None
    prefix_length = 0
    for name, scheme in OCCUPATION_SCHEMES.items():
        prefix = scheme.concept_prefix
        if iri.startswith(prefix) and len(prefix) > prefix_length and len(iri) > len(prefix):
            best, prefix_length = (name, unquote(iri[len(prefix) :])), len(prefix)
    return best


def ciuo_of_chile_code(code: str) -> str | None:
    """The CIUO-08.CL code a ChileValora code embeds (P-4100-3123-002-V02 → 3123), if any."""
    match = _CHILE_CODE.match(code.strip())
    return match.group(2) if match else None


# ------------------------------------------------------------------------------ parameters


@dataclass(frozen=True, slots=True)
class SuggestParams:
    """The weights of text suggestion (tuned on occupation-suggest-dev; see docs/occupations.md)."""

    alt_label_weight: float = 0.9  # an alternative or hidden label against a preferred one
    group_title_weight: float = 1.15  # the CIUO-08 title of the unit group
    english_weight: float = 0.5  # English labels, used only where there is no Spanish one
    head_weight: float = 1.5  # the first term (head noun) of a title or label
    label_weight: float = 1.0  # component 1: best label (word cosine)
    group_weight: float = 0.6  # component 2: all labels of the group (BM25)
    char_weight: float = 0.4  # component 3: best label (character n-gram cosine)
    minor_group_weight: float = 0.1  # component 4: the 3-digit group (BM25)
    sub_major_group_weight: float = 0.2  # component 5: the 2-digit group (BM25)
    bm25_k1: float = 1.2
    bm25_b: float = 0.5
    min_score: float = 0.05  # suggestions below it are left out (noise of shared n-grams)

    @property
    def total_weight(self) -> float:
        return (
            self.label_weight
            + self.group_weight
            + self.char_weight
            + self.minor_group_weight
            + self.sub_major_group_weight
        )


# ------------------------------------------------------------------------------ text analysis


class TitleAnalyzer:
    """The analyzer's terms of a title, with plural thesaurus words made singular (the thesaurus
    matches ``chofer`` but not ``choferes``) and, for queries, regional words expanded."""

    def __init__(
        self,
        analyzer: Analyzer,
        vocabulary: Iterable[tuple[str, Iterable[str]]] = REGIONAL_TITLE_VOCABULARY,
    ) -> None:
        self.analyzer = analyzer
        self._expansions: dict[tuple[str, ...], str] = {}
        for equivalent, variants in vocabulary:
            for variant in variants:
                self._expansions[tuple(words(variant))] = " ".join(words(equivalent))
        self._longest = max((len(k) for k in self._expansions), default=0)
        known = {w for group in analyzer.thesaurus.groups.values() for m in group for w in words(m)}
        self._known = frozenset(known | {w for key in self._expansions for w in key})
        self.terms = lru_cache(maxsize=100_000)(self._terms)

    def singular(self, word: str) -> str:
        """A folded plural whose singular the thesaurus or the vocabulary knows, made singular."""
        if word in self._known:
            return word
        for suffix in ("es", "s"):
            if word.endswith(suffix) and word[: -len(suffix)] in self._known:
                return word[: -len(suffix)]
        return word

    def _terms(self, text: str, expand: bool = False) -> tuple[str, ...]:
        tokens = [self.singular(w) for w in words(text) if w not in _FILLERS]
        if expand and self._expansions:
            tokens = self._expand(tokens)
        return tuple(self.analyzer.terms(" ".join(tokens)))

    def _expand(self, tokens: list[str]) -> list[str]:
        """Each regional phrase preceded by its equivalent (which becomes the head if first)."""
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for size in range(min(self._longest, len(tokens) - i), 0, -1):
                equivalent = self._expansions.get(tuple(tokens[i : i + size]))
                if equivalent is not None:
                    out.extend([equivalent, *tokens[i : i + size]])
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out


def _grams(terms: Sequence[str]) -> list[str]:
    """Character 3- and 4-grams of each term, with its boundaries marked."""
    out: list[str] = []
    for term in terms:
        padded = f"#{term}#"
        for n in (3, 4):
            out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return out


# ------------------------------------------------------------------------------ text index


@dataclass(frozen=True, slots=True)
class _Entry:
    """One indexed label: its unit group (index), occupation (None: the group's title), weight."""

    group: int
    occupation: str | None
    weight: float
    text: str


def _entries(
    reference: OccupationReference, codes: Sequence[str], params: SuggestParams
) -> list[_Entry]:
    """Every label to index, grouped by unit group in the order of `codes` (each group has at
    least its title), ESCO labels split at ``/`` (``soldador/soldadora``) and deduplicated."""
    by_group: dict[str, list[EscoOccupation]] = defaultdict(list)
    for occupation in reference.occupations.values():
        by_group[occupation.group].append(occupation)
    entries: list[_Entry] = []
    for index, code in enumerate(codes):
        titles = reference.groups.get(code, {})
        title_weight = params.group_title_weight * (
            1.0 if "es" in titles else params.english_weight
        )
        entries.append(_Entry(index, None, title_weight, reference.title(code)))
        for occupation in sorted(by_group.get(code, []), key=lambda o: o.iri):
            entries.extend(_occupation_entries(index, occupation, params))
    return entries


def _occupation_entries(
    group: int, occupation: EscoOccupation, params: SuggestParams
) -> Iterator[_Entry]:
    lang = "es" if occupation.labels.get("es") else "en"
    scale = 1.0 if lang == "es" else params.english_weight
    preferred = occupation.preferred.get(lang, "")
    seen: set[str] = set()
    for label in occupation.labels.get(lang, []):
        weight = scale * (1.0 if label == preferred else params.alt_label_weight)
        for part in label.split("/"):
            key = " ".join(words(part))
            if key and key not in seen:
                seen.add(key)
                yield _Entry(group, occupation.iri, weight, part.strip())


def _distinct(
    entries: Iterable[_Entry], analyzer: TitleAnalyzer
) -> tuple[list[_Entry], list[tuple[str, ...]]]:
    """The entries whose terms differ from those of an earlier label of the same occupation
    (``cajero`` and ``cajera`` are one label once stemmed: two would count twice in BM25)."""
    kept: list[_Entry] = []
    kept_terms: list[tuple[str, ...]] = []
    seen: set[tuple[int, str | None, tuple[str, ...]]] = set()
    for entry in entries:
        terms = analyzer.terms(entry.text)
        key = (entry.group, entry.occupation, terms)
        if key not in seen:
            seen.add(key)
            kept.append(entry)
            kept_terms.append(terms)
    return kept, kept_terms


def _normalised_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def _weighted_matrix(
    rows: Sequence[Sequence[str]], vocabulary: Mapping[str, int], weights: Vector, head: float
) -> sparse.csr_matrix:
    """One row per sequence: the weight of each distinct known term, the first one × `head`."""
    r: list[int] = []
    c: list[int] = []
    v: list[float] = []
    for i, terms in enumerate(rows):
        cells: dict[int, float] = {}
        for position, term in enumerate(terms):
            j = vocabulary.get(term)
            if j is not None:
                value = weights[j] * (head if position == 0 else 1.0)
                cells[j] = max(cells.get(j, 0.0), value)
        r.extend([i] * len(cells))
        c.extend(cells)
        v.extend(cells.values())
    return sparse.csr_matrix((v, (r, c)), shape=(len(rows), len(vocabulary)))


def _bm25_matrix(
    documents: Sequence[Counter[str]],
    vocabulary: Mapping[str, int],
    idf: Vector,
    params: SuggestParams,
) -> sparse.csr_matrix:
    """BM25 weights (saturated term frequency × IDF) of documents given as term counts."""
    lengths = np.array([sum(d.values()) for d in documents], dtype=float)
    average = float(lengths.mean()) if len(lengths) and lengths.mean() > 0 else 1.0
    k1, b = params.bm25_k1, params.bm25_b
    r: list[int] = []
    c: list[int] = []
    v: list[float] = []
    for i, document in enumerate(documents):
        norm = k1 * (1 - b + b * lengths[i] / average)
        for term, count in document.items():
            j = vocabulary[term]
            r.append(i)
            c.append(j)
            v.append(count * (k1 + 1) / (count + norm) * idf[j])
    return sparse.csr_matrix((v, (r, c)), shape=(len(documents), len(vocabulary)))


@dataclass(slots=True)
class _Scores:
    """Scores of every unit group for one title, and what is needed to pick an occupation."""

    total: Vector
    entry_scores: Vector


class _TextIndex:
    """The matrices text suggestion multiplies a title's vector with."""

    def __init__(
        self,
        reference: OccupationReference,
        codes: Sequence[str],
        analyzer: TitleAnalyzer,
        params: SuggestParams,
    ) -> None:
        self.params = params
        self.analyzer = analyzer
        self.entries, entry_terms = _distinct(_entries(reference, codes, params), analyzer)
        groups = np.array([e.group for e in self.entries], dtype=np.int64)
        self.group_of_entry = groups
        self.entry_weight = np.array([e.weight for e in self.entries])
        # entries are sorted by group: the first entry of each group starts its segment
        self.segment_starts = np.searchsorted(groups, np.arange(len(codes)))
        self._build_words(entry_terms, codes)
        self._build_chars(entry_terms)

    def _build_words(self, entry_terms: Sequence[Sequence[str]], codes: Sequence[str]) -> None:
        groups_of_term: dict[str, set[int]] = defaultdict(set)
        for entry, terms in zip(self.entries, entry_terms, strict=True):
            for term in terms:
                groups_of_term[term].add(entry.group)
        self.vocabulary = {t: j for j, t in enumerate(sorted(groups_of_term))}
        n_groups = max(len(codes), 1)
        self.idf = np.array(
            [math.log(1 + n_groups / len(groups_of_term[t])) for t in self.vocabulary]
        )
        head = self.params.head_weight
        self.labels = _normalised_rows(
            _weighted_matrix(entry_terms, self.vocabulary, self.idf, head)
        )
        self.levels: list[tuple[sparse.csr_matrix, npt.NDArray[np.int64], float]] = []
        for digits, weight in (
            (4, self.params.group_weight),
            (3, self.params.minor_group_weight),
            (2, self.params.sub_major_group_weight),
        ):
            self.levels.append((*self._level_matrix(entry_terms, codes, digits), weight))

    def _level_matrix(
        self, entry_terms: Sequence[Sequence[str]], codes: Sequence[str], digits: int
    ) -> tuple[sparse.csr_matrix, npt.NDArray[np.int64]]:
        """BM25 over the labels of each group of `digits` digits, and each unit group's row."""
        keys = sorted({c[:digits] for c in codes})
        row_of = {k: i for i, k in enumerate(keys)}
        documents: list[Counter[str]] = [Counter() for _ in keys]
        for entry, terms in zip(self.entries, entry_terms, strict=True):
            documents[row_of[codes[entry.group][:digits]]].update(set(terms))
        matrix = _bm25_matrix(documents, self.vocabulary, self.idf, self.params)
        return matrix, np.array([row_of[c[:digits]] for c in codes], dtype=np.int64)

    def _build_chars(self, entry_terms: Sequence[Sequence[str]]) -> None:
        entry_grams = [_grams(t) for t in entry_terms]
        frequency: Counter[str] = Counter()
        for grams in entry_grams:
            frequency.update(set(grams))
        self.char_vocabulary = {g: j for j, g in enumerate(sorted(frequency))}
        n = max(len(entry_grams), 1)
        self.char_idf = np.array([math.log(1 + n / frequency[g]) for g in self.char_vocabulary])
        self.chars = _normalised_rows(
            _weighted_matrix(entry_grams, self.char_vocabulary, self.char_idf, 1.0)
        )

    def _vector(
        self, items: Sequence[str], vocabulary: Mapping[str, int], weights: Vector, head: float
    ) -> Vector:
        vector = np.zeros(len(vocabulary))
        for position, item in enumerate(items):
            j = vocabulary.get(item)
            if j is not None:
                vector[j] = max(vector[j], weights[j] * (head if position == 0 else 1.0))
        return vector

    def _best_per_group(self, entry_scores: Vector) -> Vector:
        if not len(entry_scores):
            return np.zeros(len(self.segment_starts))
        return np.asarray(np.maximum.reduceat(entry_scores, self.segment_starts), dtype=float)

    def scores(self, text: str) -> _Scores | None:
        """Every unit group's score for a title; None when neither a term of it nor a
        character n-gram of its terms is known."""
        terms = self.analyzer.terms(text, True)
        p = self.params
        entry_scores = self._char_scores(terms) if p.char_weight else np.zeros(len(self.entries))
        total = p.char_weight * self._best_per_group(entry_scores)
        entry_scores *= p.char_weight
        query = self._vector(terms, self.vocabulary, self.idf, p.head_weight)
        norm = float(np.linalg.norm(query))
        if norm == 0:
            return _Scores(total / p.total_weight, entry_scores) if total.any() else None
        word_scores = np.minimum(self.labels @ query / norm * self.entry_weight, 1.0)
        total += p.label_weight * self._best_per_group(word_scores)
        ideal = float(query @ self.idf)
        for matrix, row_of_group, weight in self.levels:
            if weight:
                total += weight * np.minimum((matrix @ query) / ideal, 1.0)[row_of_group]
        return _Scores(total / p.total_weight, entry_scores + word_scores)

    def _char_scores(self, terms: Sequence[str]) -> Vector:
        query = self._vector(_grams(terms), self.char_vocabulary, self.char_idf, 1.0)
        norm = float(np.linalg.norm(query))
        if norm == 0:
            return np.zeros(len(self.entries))
        return np.asarray(
            np.minimum(self.chars @ query / norm * self.entry_weight, 1.0), dtype=float
        )

    def best_occupation(self, scores: _Scores, group: int) -> str | None:
        """The ESCO occupation of a unit group whose label fits the title best (None: none fits)."""
        start = int(self.segment_starts[group])
        end = (
            int(self.segment_starts[group + 1])
            if group + 1 < len(self.segment_starts)
            else len(self.entries)
        )
        best: str | None = None
        best_score = 0.0
        for i in range(start, end):
            entry = self.entries[i]
            if entry.occupation is not None and scores.entry_scores[i] > best_score:
                best, best_score = entry.occupation, float(scores.entry_scores[i])
        return best


# ------------------------------------------------------------------------------ the index


@dataclass(frozen=True, slots=True)
class _Hit:
    score: float
    via: str


class OccupationIndex:
    """Ranked ISCO-08 unit groups and ESCO occupations for titles and national codes."""

    def __init__(
        self,
        reference: OccupationReference,
        *,
        params: SuggestParams | None = None,
        analyzer: Analyzer | None = None,
        vocabulary: Iterable[tuple[str, Iterable[str]]] = REGIONAL_TITLE_VOCABULARY,
    ) -> None:
        self.reference = reference
        self.params = params or SuggestParams()
        self.codes = reference.unit_groups()
        self._position = {c: i for i, c in enumerate(self.codes)}
        self.analyzer = TitleAnalyzer(analyzer or Analyzer(), vocabulary)
        self._text = _TextIndex(reference, self.codes, self.analyzer, self.params)
        self._links: dict[tuple[str, str], list[CrosswalkLink]] = defaultdict(list)
        self._inverse: dict[tuple[str, str], list[CrosswalkLink]] = defaultdict(list)
        for link in reference.links:
            self._links[(link.scheme, link.code)].append(link)
            self._inverse[(link.target_scheme, link.target_code)].append(link)

    @classmethod
    def from_store(
        cls,
        store: TripleStore,
        *,
        params: SuggestParams | None = None,
        analyzer: Analyzer | None = None,
        vocabulary: Iterable[tuple[str, Iterable[str]]] = REGIONAL_TITLE_VOCABULARY,
    ) -> OccupationIndex:
        """Reads ISCO-08, ESCO occupations and the crosswalks from a store and indexes them."""
        reference = OccupationReference.from_store(store)
        return cls(reference, params=params, analyzer=analyzer, vocabulary=vocabulary)

    @property
    def size(self) -> dict[str, int]:
        """How much the index holds, for reports."""
        return {
            "unit groups": len(self.codes),
            "ESCO occupations": len(self.reference.occupations),
            "labels": len(self._text.entries),
            "crosswalk links": len(self.reference.links),
        }

    # -------------------------------------------------------------------------- text

    def suggest(self, text: str, top: int = 5) -> list[OccupationSuggestion]:
        """The `top` unit groups for a Spanish job or occupation title, best first."""
        scores = self._text.scores(text)
        if scores is None or top <= 0:
            return []
        total = scores.total
        count = min(top, int(np.count_nonzero(total >= max(self.params.min_score, 1e-9))))
        if count == 0:
            return []
        candidates = np.argpartition(-total, count - 1)[:count]
        ranked = sorted(candidates.tolist(), key=lambda g: (-total[g], self.codes[g]))
        return [
            self._suggestion(rank, g, float(total[g]), self._text.best_occupation(scores, g))
            for rank, g in enumerate(ranked, start=1)
        ]

    def suggest_batch(
        self, titles: Iterable[str], top: int = 5
    ) -> Iterator[tuple[str, list[OccupationSuggestion]]]:
        """Each title with its suggestions (an empty title gets none), in the input's order."""
        for title in titles:
            yield title, self.suggest(title, top) if title.strip() else []

    def _suggestion(
        self, rank: int, group: int, score: float, esco_uri: str | None, via: str = "text"
    ) -> OccupationSuggestion:
        occupation = self.reference.occupations.get(esco_uri) if esco_uri else None
        return OccupationSuggestion(
            rank=rank,
            isco08_unit_group=self.codes[group],
            esco_uri=esco_uri,
            label=self.reference.title(self.codes[group]),
            score=round(min(max(score, 0.0), 1.0), 6),
            esco_label=occupation.preferred_label() if occupation else None,
            via=via,
        )

    # -------------------------------------------------------------------------- codes

    def for_code(self, scheme_name: str, code: str) -> list[OccupationSuggestion]:
        """The unit groups a code of a classification reaches, best first.

        Explicit or direct correspondences score 1.0 (an ISCO-08 or CIUO-08.CL unit group, a
        SINCO → CIUO-08 row marked explicit, a CUOC code and its ISCO-08 group, an ESCO
        occupation's group); rows the source table inferred from merged cells 0.7; a CNO-MX
        code, chained through SINCO, 0.8 of the SINCO score; a group reached only through a
        broader or narrower code, half. An unknown code gives no suggestion.
        """
        try:
            scheme = occupation_scheme(scheme_name).name
        except KeyError as exc:
            raise InputError(str(exc.args[0]), code="unknown-scheme", value=scheme_name) from None
        code = code.strip()
        hits = self._code_hits(scheme, code)
        ranked = sorted(hits.items(), key=lambda item: (-item[1].score, item[0]))
        return [
            self._suggestion(rank, self._position[group], hit.score, None, hit.via)
            for rank, (group, hit) in enumerate(ranked, start=1)
        ]

    def _code_hits(self, scheme: str, code: str) -> dict[str, _Hit]:
        hits: dict[str, _Hit] = {}
        if not code:
            return hits
        if scheme == "ESCO":
            self._esco_hits(code, hits)
        elif scheme in ("ISCO-08", "CIUO-08.CL"):
            self._prefix_hits(code, 1.0, f"{scheme} code", hits)
        elif scheme == "CNO-MX":
            self._chained_hits(scheme, code, hits)
        else:
            self._linked_hits(scheme, code, 1.0, "", hits)
            if not hits:
                self._descendant_hits(scheme, code, hits)
            if not hits and scheme == "CUOC":
                self._prefix_hits(code, 1.0, "CUOC code extends the ISCO-08 group", hits)
        return hits

    def _add(self, hits: dict[str, _Hit], group: str, score: float, via: str) -> None:
        if group in self._position and (group not in hits or hits[group].score < score):
            hits[group] = _Hit(score, via)

    def _prefix_hits(self, code: str, score: float, via: str, hits: dict[str, _Hit]) -> None:
        """An ISCO-08 code: its unit group (the first 4 digits), or the unit groups under a
        shorter group (at half the score)."""
        digits = code.replace(" ", "")
        if not digits.isdigit():
            return
        if len(digits) >= _UNIT_GROUP_DIGITS:
            self._add(hits, digits[:_UNIT_GROUP_DIGITS], score, via)
            return
        for group in self.codes:
            if group.startswith(digits):
                self._add(hits, group, score / 2, f"{via} (broader group {digits})")

    def _esco_hits(self, code: str, hits: dict[str, _Hit]) -> None:
        iri = code if code.startswith("http") else OCCUPATION_SCHEMES["ESCO"].concept(code).value
        occupation = self.reference.occupations.get(iri)
        if occupation is not None:
            self._add(hits, occupation.group, 1.0, "ESCO occupation")

    def _linked_hits(
        self, scheme: str, code: str, factor: float, prefix: str, hits: dict[str, _Hit]
    ) -> None:
        """The ISCO-08 groups the crosswalks link a code to."""
        for link in self._links.get((scheme, code), []):
            if link.target_scheme != _ISCO.name:
                continue
            score = factor * (0.7 if link.relation == "merged_cell_inferred" else 1.0)
            label = link.relation or link.predicate
            via = f"{prefix}{scheme} → {link.target_scheme} ({label})"
            self._prefix_hits(link.target_code, score, via, hits)

    def _descendant_hits(self, scheme: str, code: str, hits: dict[str, _Hit]) -> None:
        """A group code with no link of its own: the links of the codes under it, at half."""
        children = {c for (s, c) in self._links if s == scheme and c.startswith(code) and c != code}
        for child in sorted(children):
            self._linked_hits(scheme, child, 0.5, f"{code} ⊃ {child}: ", hits)

    def _chained_hits(self, scheme: str, code: str, hits: dict[str, _Hit]) -> None:
        """CNO-MX codes reach ISCO-08 through the SINCO codes the SINCO→CNO table links them to."""
        for link in self._inverse.get((scheme, code), []):
            if link.scheme == "SINCO":
                self._linked_hits(
                    "SINCO", link.code, 0.8, f"{scheme} {code} → SINCO {link.code}: ", hits
                )

    # -------------------------------------------------------------------------- standards

    def for_standard(
        self,
        title: str,
        scheme_name: str | None = None,
        code: str | None = None,
        chile_code: str | None = None,
        top: int = 5,
    ) -> list[OccupationSuggestion]:
        """A standard's unit groups: those of its declared occupation code and of the CIUO-08
        code its ChileValora code embeds first, then text suggestions for its title."""
        hits: dict[str, _Hit] = {}
        if scheme_name and code:
            for s in self.for_code(scheme_name, code):
                self._add(hits, s.isco08_unit_group, s.score, s.via)
        ciuo = ciuo_of_chile_code(chile_code) if chile_code else None
        if ciuo:
            self._prefix_hits(ciuo, 1.0, f"ChileValora code {chile_code} → CIUO-08.CL {ciuo}", hits)
        scores = self._text.scores(title) if title.strip() else None
        # declared code first, then the ChileValora code: a stable sort keeps that order
        ranked = sorted(hits.items(), key=lambda item: -item[1].score)[:top]
        out = [
            self._suggestion(
                rank,
                self._position[group],
                hit.score,
                self._text.best_occupation(scores, self._position[group]) if scores else None,
                hit.via,
            )
            for rank, (group, hit) in enumerate(ranked, start=1)
        ]
        if len(out) < top and scores is not None:
            taken = {s.isco08_unit_group for s in out}
            for s in self.suggest(title, top + len(taken)):
                if s.isco08_unit_group not in taken and len(out) < top:
                    out.append(_reranked(s, len(out) + 1))
        return out


def _reranked(suggestion: OccupationSuggestion, rank: int) -> OccupationSuggestion:
    return OccupationSuggestion(
        rank,
        suggestion.isco08_unit_group,
        suggestion.esco_uri,
        suggestion.label,
        suggestion.score,
        suggestion.esco_label,
        suggestion.via,
    )


# ------------------------------------------------------------------------------ batch files

Results = Iterable[tuple[str, Sequence[OccupationSuggestion]]]


def read_batch_titles(path: Path) -> list[str]:
    """The `title` column of a UTF-8 CSV file (other columns are ignored)."""
    if not path.is_file():
        raise InputError("file not found", file=path, code="missing-file")
    return [row["title"].strip() for _, row in read_csv_rows(path, ("title",))]


def suggestion_rows(results: Results) -> Iterator[dict[str, str]]:
    """One row per suggestion with the columns of `BATCH_COLUMNS`."""
    for title, suggestions in results:
        for s in suggestions:
            yield {
                "title": title,
                "rank": str(s.rank),
                "isco08_unit_group": s.isco08_unit_group,
                "esco_uri": s.esco_uri or "",
                "score": f"{s.score:.4f}",
            }


def write_suggestions_csv(results: Results, out: TextIO) -> int:
    """Writes the header and one row per suggestion; returns the number of rows."""
    writer = csv.DictWriter(out, fieldnames=BATCH_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in suggestion_rows(results):
        writer.writerow(row)
        count += 1
    return count


def suggestions_to_json(results: Results) -> str:
    """``[{"title": …, "suggestions": [{rank, isco08_unit_group, esco_uri, label, …}]}]``."""
    data = [
        {"title": title, "suggestions": [s.as_dict() for s in suggestions]}
        for title, suggestions in results
    ]
    return json.dumps(data, ensure_ascii=False, indent=2)


def format_suggestions_text(results: Results) -> str:
    """A readable listing: each title, then one line per suggestion."""
    lines: list[str] = []
    for title, suggestions in results:
        lines.append(title)
        if not suggestions:
            lines.append("  (no suggestion)")
        for s in suggestions:
            occupation = f" — {s.esco_label} <{s.esco_uri}>" if s.esco_uri else ""
            lines.append(f"  {s.rank}. {s.isco08_unit_group} {s.label} ({s.score:.2f}){occupation}")
    return "\n".join(lines) + "\n"
