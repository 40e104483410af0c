"""Occupation linking: ISCO-08 unit groups and ESCO occupations for a declared code or a title.

`OccupationIndex.from_store(store)` reads, through named queries, the ISCO-08 groups (Spanish
CIUO-08 titles and English), the ESCO occupations with their unit group and their Spanish and
English labels, the CUOC 2022 titles that extend ISCO-08's unit groups, the Spanish labels of
ESCO's skills and the crosswalks of the store. It then answers three questions:

* `suggest(text)` — like ESCO's suggest, the unit groups (and the best ESCO occupation of each)
  for any Spanish job or occupation title, from the labels only (never from a crosswalk);
* `for_code(scheme, code)` — the unit groups a national code reaches through the crosswalks
  (SINCO → CIUO-08 rows, CUOC codes that extend ISCO-08, CNO-MX through SINCO, CIUO-08.CL and
  ISCO-08 codes directly, ESCO occupations through their group);
* `for_standard(title, scheme, code, chile_code)` — the groups of a standard's declared codes
  first, then text suggestions for its title.

How a title is scored (see docs/occupations.md): the text is analysed by
`equivalence.matching.text.Analyzer` (folding, regional thesaurus, stop words, stemming, which
joins gender and number), after the wording of residual groups ("otros …", "no clasificados
anteriormente") becomes one marker, plural forms of thesaurus words are made singular and Latin
American occupation words are expanded with their peninsular equivalents (ESCO's Spanish is
Spain's: `REGIONAL_TITLE_VOCABULARY`); stems are then cut to 7 letters, so that derived words
meet (panadero / panadería). What each unit group is known by: its CIUO-08 title, its CUOC 2022
titles (Colombian Spanish), both also split into the occupations their coordinated heads name,
and the Spanish labels of its ESCO occupations. Term weights are an IDF over unit groups blended
with an IDF over ESCO's skill labels (a word common in any work says little). Each unit group is
then scored by six components, each in [0, 1], averaged with the weights of `SuggestParams`:

1. the best cosine between the title and one label of the group, on IDF-weighted terms with the
   first term (the head noun) weighted more;
2. a BM25 score of the title against all the labels of the group taken together (a title that
   names several occupations, "Soldadores y oxicortadores", finds them spread over labels);
3. the best cosine on character 3- and 4-grams of the terms (nutriólogo / nutricionista);
4. and 5. the BM25 score of the minor (3-digit) and sub-major (2-digit) group the unit group
   belongs to, a small pull towards the right part of the classification;
6. the best cosine on character 4-grams between the title's words and the group's English
   labels (ISCO-08, ESCO), for cognates its Spanish labels lack (prostitución / prostitute).
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
from equivalence.matching.text import STOP_WORDS, Analyzer, fold, words
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
    "coordinated_parts",
    "english_words",
    "format_suggestions_text",
    "gendered_forms",
    "read_batch_titles",
    "residual_words",
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

# A classification title names several occupations by coordinated head nouns before what they
# share ("Pintores, barnizadores y afines", "Directores y gerentes | de ventas"): the tokens that
# separate the heads, and those that end the list of heads (a preposition, a relative pronoun).
_TITLE_TOKEN: Final = re.compile(r"[a-z0-9ñ]+|[,;/()]")
_COORDINATORS: Final = frozenset({",", ";", "/", "y", "e", "o", "u"})
_MODIFIER_START: Final = frozenset(
    {"de", "del", "en", "para", "con", "por", "a", "al", "sobre", "que", "entre", "sin", "("}
)

# The wording of residual ("not elsewhere classified") groups, on folded words: CIUO-08's "no
# clasificados bajo otros epígrafes", CUOC's "… en otros grupos primarios" / "… en otras
# ocupaciones", "… anteriormente", "… en otra parte", and a leading "otros" / "demás".
_RESIDUAL_PHRASE: Final = re.compile(
    r"\bno clasificad[oa]s?(?: (?:bajo|en) (?:otr[oa]s?|ninguna) (?:epigrafes?|partes?"
    r"|grupos? primarios?|ocupaciones|lugar(?:es)?)| anteriormente)?\b"
)
_LEADING_OTHER: Final = re.compile(r"^(?:otr[oa]s?|demas)\b")
_RESIDUAL_MARKER: Final = "nec"

# English function words, left out of the English labels matched for cognates.
_ENGLISH_STOP_WORDS: Final = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "other"}
    | {"the", "to", "with", "without"}
)

_ASCII_WORD: Final = re.compile(r"[a-z0-9]+")  # `text.words` on ASCII text, without folding

_ISCO = OCCUPATION_SCHEMES["ISCO-08"]
_CHILE_CODE: Final = re.compile(r"^[PU]-(\d{4})-(\d{4})-(\d{3})-V(\d{2})$", re.IGNORECASE)
_UNIT_GROUP_DIGITS: Final = 4
_MIN_CORPUS: Final = 1_000  # skill labels needed for their document frequencies to mean much
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
    # unit group -> the CUOC 2022 titles of the group and of the occupations that extend it
    national_titles: dict[str, list[str]] = field(default_factory=dict)
    # the Spanish preferred labels of ESCO's skills: a corpus of work language
    skill_labels: list[str] = field(default_factory=list)

    @classmethod
    def from_store(cls, store: TripleStore) -> OccupationReference:
        reference = cls()
        reference._read_groups(store)
        reference._read_occupations(store)
        reference._read_links(store)
        reference._read_national_titles(store)
        reference._read_skill_labels(store)
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

    def _read_national_titles(self, store: TripleStore) -> None:
        """CUOC 2022 keeps ISCO-08's codes down to the unit group and extends each unit group
        with 5-digit occupations, so a CUOC code whose first 4 digits are an ISCO-08 unit group
        names that group in Colombian Spanish. CUOC's own groups (codes ISCO-08 lacks, such as
        7331) and the levels above the unit group are left out."""
        rows = default_catalogue().select(store, "occupation-national-titles").rows
        for row in sorted(rows, key=lambda r: term_text(r.get("code"))):
            code = term_text(row.get("code"))
            group = code[:_UNIT_GROUP_DIGITS]
            if len(code) < _UNIT_GROUP_DIGITS or group not in self.groups:
                continue
            titles = self.national_titles.setdefault(group, [])
            label = term_text(row.get("label"))
            if label not in titles:
                titles.append(label)

    def _read_skill_labels(self, store: TripleStore) -> None:
        rows = default_catalogue().select(store, "occupation-skill-labels").rows
        self.skill_labels = sorted({term_text(row.get("label")) for row in rows})

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
    """The weights of text suggestion, chosen on occupation-suggest-dev (the benchmark also tunes
    the main ones on one half of it and scores them on the other; see docs/occupations.md)."""

    alt_label_weight: float = 0.9  # an alternative or hidden label against a preferred one
    group_title_weight: float = 1.15  # the CIUO-08 title of the unit group
    national_title_weight: float = 0.6  # a CUOC 2022 title of the unit group or under it
    english_weight: float = 0.5  # English labels, used only where there is no Spanish one
    head_weight: float = 1.5  # the first term (head noun) of a title or label
    label_weight: float = 1.0  # component 1: best label (word cosine)
    group_weight: float = 0.6  # component 2: all labels of the group (BM25)
    char_weight: float = 0.4  # component 3: best label (character n-gram cosine)
    minor_group_weight: float = 0.1  # component 4: the 3-digit group (BM25)
    sub_major_group_weight: float = 0.2  # component 5: the 2-digit group (BM25)
    cognate_weight: float = 0.15  # component 6: best English label (character n-grams)
    term_prefix: int = 7  # letters of a stem kept (0: the whole stem)
    specificity_weight: float = 0.4  # IDF: share of the IDF over ESCO's skill labels
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
            + self.cognate_weight
        )


# ------------------------------------------------------------------------------ text analysis


class TitleAnalyzer:
    """The analyzer's terms of a title: the wording of a residual group replaced by a marker
    (`residual_words`), plural thesaurus words made singular (the thesaurus matches ``chofer``
    but not ``choferes``), for queries regional words expanded, and each stem cut to its first
    `prefix` letters (0: whole), so that derived words meet (``panadero`` / ``panadería``,
    ``metalúrgico`` / ``metalurgia``, ``hotelero`` / ``hotelería``)."""

    def __init__(
        self,
        analyzer: Analyzer,
        vocabulary: Iterable[tuple[str, Iterable[str]]] = REGIONAL_TITLE_VOCABULARY,
        prefix: int = 0,
    ) -> None:
        self.analyzer = analyzer
        self.prefix = prefix
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
        tokens = [self.singular(w) for w in residual_words(words(text)) if w not in _FILLERS]
        if expand and self._expansions:
            tokens = self._expand(tokens)
        terms = self.analyzer.terms(" ".join(tokens))
        if self.prefix > 0:
            return tuple(t[: self.prefix] for t in terms)
        return tuple(terms)

    def cognate_words(self, text: str) -> tuple[str, ...]:
        """The content words of a Spanish title, cut like stems, to be matched with English
        labels by character n-grams (``prostitución`` / ``prostitute``)."""
        tokens = words(text)
        return _cut(
            [w for w in tokens if w not in STOP_WORDS and w not in _FILLERS and len(w) > 2],
            self.prefix,
        )

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


def coordinated_parts(title: str) -> tuple[str, ...]:
    """The single occupations a title with coordinated head nouns names, each with what the
    heads share: ``Pintores y barnizadores de madera`` → ``pintores de madera``, ``barnizadores
    de madera``; ``Albañiles, mamposteros y afines`` → ``albañiles``, ``mamposteros``. A title
    with one head gives ()."""
    tokens = _TITLE_TOKEN.findall(fold(title))
    end = next((i for i, t in enumerate(tokens) if t in _MODIFIER_START), len(tokens))
    heads: list[list[str]] = [[]]
    for token in tokens[:end]:
        if token in _COORDINATORS:
            heads.append([])
        elif token not in _FILLERS:
            heads[-1].append(token)
    kept = [h for h in heads if h]
    if len(kept) < 2:
        return ()
    shared = [t for t in tokens[end:] if t not in "(),;/"]
    return tuple(" ".join([*h, *shared]) for h in kept)


def residual_words(tokens: list[str]) -> list[str]:
    """Folded words with the wording of a residual group replaced by one marker at the end
    (the head noun stays first): ``otros trabajadores artesanales no clasificados
    anteriormente`` and CIUO-08's ``… no clasificados bajo otros epígrafes`` both end in
    ``nec``, so residual titles meet residual groups."""
    text = " ".join(tokens)
    marked = _LEADING_OTHER.sub("", _RESIDUAL_PHRASE.sub(" ", text).strip())
    if marked == text:
        return tokens
    return [*marked.split(), _RESIDUAL_MARKER]


def english_words(text: str, prefix: int = 0) -> tuple[str, ...]:
    """The content words of an English label, cut to `prefix` letters (0: whole)."""
    folded = _ASCII_WORD.findall(text.lower()) if text.isascii() else words(text)
    return _cut([w for w in folded if w not in _ENGLISH_STOP_WORDS and len(w) > 2], prefix)


def _cut(tokens: Sequence[str], prefix: int) -> tuple[str, ...]:
    return tuple(t[:prefix] for t in tokens) if prefix > 0 else tuple(tokens)


def _grams(terms: Sequence[str], sizes: tuple[int, ...] = (3, 4)) -> list[str]:
    """Character n-grams (3- and 4-grams unless told) of each term, boundaries marked."""
    out: list[str] = []
    for term in terms:
        out.extend(_term_grams(term, sizes))
    return out


@lru_cache(maxsize=200_000)
def _term_grams(term: str, sizes: tuple[int, ...]) -> tuple[str, ...]:
    padded = f"#{term}#"
    return tuple(padded[i : i + n] for n in sizes for i in range(len(padded) - n + 1))


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
    least its title): the CIUO-08 and CUOC titles, each also split into the occupations its
    coordinated heads name (`coordinated_parts`), and the ESCO labels, split at ``/``
    (``soldador/soldadora``) and deduplicated."""
    by_group: dict[str, list[EscoOccupation]] = defaultdict(list)
    for occupation in reference.occupations.values():
        by_group[occupation.group].append(occupation)
    entries: list[_Entry] = []
    for index, code in enumerate(codes):
        titles = reference.groups.get(code, {})
        title_weight = params.group_title_weight * (
            1.0 if "es" in titles else params.english_weight
        )
        classification_titles = [(reference.title(code), title_weight)]
        if params.national_title_weight > 0:
            classification_titles.extend(
                (title, params.national_title_weight)
                for title in reference.national_titles.get(code, [])
            )
        for title, weight in classification_titles:
            entries.append(_Entry(index, None, weight, title))
            entries.extend(_Entry(index, None, weight, p) for p in coordinated_parts(title))
        for occupation in sorted(by_group.get(code, []), key=lambda o: o.iri):
            entries.extend(_occupation_entries(index, occupation, params))
    return entries


def _english_entries(
    reference: OccupationReference, codes: Sequence[str], prefix: int
) -> tuple[list[int], list[tuple[str, ...]]]:
    """The groups and words of every English label (the ISCO-08 title, the ESCO labels of the
    group's occupations), split at ``/``, once per group, in the order of `codes`."""
    by_group: dict[str, list[EscoOccupation]] = defaultdict(list)
    for occupation in reference.occupations.values():
        by_group[occupation.group].append(occupation)
    groups: list[int] = []
    rows: list[tuple[str, ...]] = []
    for index, code in enumerate(codes):
        labels = [reference.groups.get(code, {}).get("en", "")]
        for occupation in sorted(by_group.get(code, []), key=lambda o: o.iri):
            labels.extend(occupation.labels.get("en", []))
        seen: set[tuple[str, ...]] = set()
        for label in labels:
            for part in label.split("/"):
                key = english_words(part, prefix)
                if key not in seen:  # each group keeps one row, maybe empty
                    seen.add(key)
                    groups.append(index)
                    rows.append(key)
    return groups, rows


def _occupation_entries(
    group: int, occupation: EscoOccupation, params: SuggestParams
) -> Iterator[_Entry]:
    lang = "es" if occupation.labels.get("es") else "en"
    scale = 1.0 if lang == "es" else params.english_weight
    preferred = occupation.preferred.get(lang, "")
    seen: set[str] = set()
    for label in occupation.labels.get(lang, []):
        weight = scale * (1.0 if label == preferred else params.alt_label_weight)
        for part in gendered_forms(label):
            key = " ".join(words(part))
            if key and key not in seen:
                seen.add(key)
                yield _Entry(group, occupation.iri, weight, part)


def gendered_forms(label: str) -> list[str]:
    """The forms of an ESCO label written ``soldador/soldadora`` or ``técnico de alimentación/
    técnica de alimentación``; a bare head before the slash takes the complement of the other
    form (``coordinador/coordinadora de café verde`` → ``coordinador de café verde``,
    ``coordinadora de café verde``): alone it would be a label that any title with that head
    noun matches."""
    parts = [p.strip() for p in label.split("/")]
    longest = max(parts, key=lambda p: len(p.split())).split()
    if len(longest) < 2:
        return parts
    head, *complement = longest
    return [
        " ".join([p, *complement]) if " " not in p and fold(p)[:4] == fold(head)[:4] else p
        for p in parts
    ]


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


def _norm(vector: Vector) -> float:
    """The Euclidean norm without BLAS: OpenBLAS starts threads for vectors of more than a few
    thousand cells, which costs milliseconds on a busy machine."""
    return math.sqrt(float(np.sum(vector * vector)))


def _normalised_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def _weighted_matrix(
    rows: Sequence[Sequence[str]], vocabulary: Mapping[str, int], weights: Vector, head: float
) -> sparse.csr_matrix:
    """One row per sequence: the weight of each distinct known term, the first one × `head`
    (a term met twice in a row keeps its larger weight)."""
    shape = (len(rows), len(vocabulary))
    lengths = np.fromiter((len(terms) for terms in rows), dtype=np.int64, count=len(rows))
    columns = np.fromiter(
        (vocabulary.get(term, -1) for terms in rows for term in terms),
        dtype=np.int64,
        count=int(lengths.sum()),
    )
    row_of = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    first = np.zeros(len(columns), dtype=bool)
    first[(np.cumsum(lengths) - lengths)[lengths > 0]] = True
    known = columns >= 0
    r, c = row_of[known], columns[known]
    v = weights[c] * np.where(first[known], head, 1.0)
    if not len(v):
        return sparse.csr_matrix(shape)
    # one cell per (row, term): sorted by row, term and weight descending, the first of each
    order = np.lexsort((-v, c, r))
    r, c, v = r[order], c[order], v[order]
    keep = np.ones(len(v), dtype=bool)
    keep[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
    return sparse.csr_matrix((v[keep], (r[keep], c[keep])), shape=shape)


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
        self._build_words(entry_terms, codes, reference.skill_labels)
        self._build_chars(entry_terms)
        self._build_cognates(reference, codes)

    def _build_words(
        self,
        entry_terms: Sequence[Sequence[str]],
        codes: Sequence[str],
        corpus: Sequence[str] = (),
    ) -> None:
        groups_of_term: dict[str, set[int]] = defaultdict(set)
        for entry, terms in zip(self.entries, entry_terms, strict=True):
            for term in terms:
                groups_of_term[term].add(entry.group)
        self.vocabulary = {t: j for j, t in enumerate(sorted(groups_of_term))}
        n_groups = max(len(codes), 1)
        idf = np.array([math.log(1 + n_groups / len(groups_of_term[t])) for t in self.vocabulary])
        self.idf = self._with_specificity(idf, corpus)
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

    def _with_specificity(self, idf: Vector, corpus: Sequence[str]) -> Vector:
        """The label IDF blended with the IDF of the same terms over a corpus of work language
        (ESCO's skill labels), rescaled to the same mean: a geometric mean with weight
        `specificity_weight`. Words of tasks that few occupation labels use but much work does
        (``manejar``, ``utilizar``, ``norma``, ``problema``) weigh less; role nouns that many
        groups' labels share but skills never name (``jefe``, ``técnico``, ``operario``,
        ``gerente``) weigh more, so the head noun of a title counts for more than an incidental
        word. A corpus of fewer than `_MIN_CORPUS` labels is not used."""
        alpha = self.params.specificity_weight
        if alpha <= 0 or len(corpus) < _MIN_CORPUS or not len(idf):
            return idf
        frequency: Counter[str] = Counter()
        for text in corpus:
            frequency.update(set(self.analyzer.terms(text)))
        general = np.array(
            [math.log(1 + len(corpus) / (1 + frequency[t])) for t in self.vocabulary]
        )
        general *= float(idf.mean()) / float(general.mean())
        return np.asarray(idf ** (1 - alpha) * general**alpha, dtype=float)

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

    def _build_cognates(self, reference: OccupationReference, codes: Sequence[str]) -> None:
        """Character 4-grams of the English labels' words, for cognates of a Spanish title's
        words that ESCO's Spanish labels lack (``prostitución`` / ``prostitute``)."""
        groups, rows = (
            _english_entries(reference, codes, self.analyzer.prefix)
            if self.params.cognate_weight > 0
            else ([], [])
        )
        # one row at least per group, in order: the first row of each group starts its segment
        self.cognate_starts = np.searchsorted(
            np.array(groups, dtype=np.int64), np.arange(len(codes))
        )
        grams = [_grams(r, (4,)) for r in rows]
        frequency: Counter[str] = Counter()
        for g in grams:
            frequency.update(set(g))
        self.cognate_vocabulary = {g: j for j, g in enumerate(sorted(frequency))}
        n = max(len(grams), 1)
        self.cognate_idf = np.array(
            [math.log(1 + n / frequency[g]) for g in self.cognate_vocabulary]
        )
        self.cognates = _normalised_rows(
            _weighted_matrix(grams, self.cognate_vocabulary, self.cognate_idf, 1.0)
        )

    def _cognate_scores(self, text: str) -> Vector:
        """Each unit group's best English label for the title's words (character 4-grams)."""
        grams = _grams(self.analyzer.cognate_words(text), (4,))
        query = self._vector(grams, self.cognate_vocabulary, self.cognate_idf, 1.0)
        norm = _norm(query)
        if norm == 0 or not len(self.cognate_starts):
            return np.zeros(len(self.segment_starts))
        scores = self.cognates @ query / norm
        return np.asarray(np.maximum.reduceat(scores, self.cognate_starts), dtype=float)

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
        if p.cognate_weight:
            total += p.cognate_weight * self._cognate_scores(text)
        query = self._vector(terms, self.vocabulary, self.idf, p.head_weight)
        norm = _norm(query)
        if norm == 0:
            return _Scores(total / p.total_weight, entry_scores) if total.any() else None
        word_scores = np.minimum(self.labels @ query / norm * self.entry_weight, 1.0)
        total += p.label_weight * self._best_per_group(word_scores)
        ideal = float(np.sum(query * self.idf))
        for matrix, row_of_group, weight in self.levels:
            if weight:
                total += weight * np.minimum((matrix @ query) / ideal, 1.0)[row_of_group]
        return _Scores(total / p.total_weight, entry_scores + word_scores)

    def _char_scores(self, terms: Sequence[str]) -> Vector:
        query = self._vector(_grams(terms), self.char_vocabulary, self.char_idf, 1.0)
        norm = _norm(query)
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
        self.analyzer = TitleAnalyzer(analyzer or Analyzer(), vocabulary, self.params.term_prefix)
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
