"""Spanish-aware text analysis: the terms a unit, a criterion or an occupation title is compared by.

`Analyzer.terms(text)` runs, in order:

1. folding: lower case, accents removed (``Gestión`` → ``gestion``), punctuation dropped;
2. the regional thesaurus (`thesaurus.tsv`): a variant, single word or phrase, becomes its group's
   canonical form (``garzón`` / ``mozo`` → ``mesero``; ``teléfono móvil`` → ``celular``);
3. stop words out (articles, prepositions, conjunctions …);
4. nominalisations to their verb when the verb is known (``gestión`` → ``gestionar``,
   ``elaboración`` → ``elaborar``, ``mantenimiento`` → ``mantener``): a rule table proposes
   candidates and a candidate counts only if it is in the analyzer's verb vocabulary, which is
   learnt from the texts it is given (ESCO's skill labels are infinitives, so they teach most);
5. the Snowball Spanish stemmer, which also joins gendered and plural forms
   (``soldador`` / ``soldadora`` / ``soldadores`` → ``soldador``).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from importlib.resources import files
from typing import Final

import snowballstemmer

from equivalence.errors import ConfigurationError

__all__ = ["Analyzer", "Thesaurus", "default_thesaurus", "fold"]

_WORD: Final = re.compile(r"[a-z0-9ñ]+")
_VERB_ENDINGS: Final = ("ar", "er", "ir")

# Spanish function words (Snowball's list, folded) and a few words that carry no content in
# a unit title ("de acuerdo con", "conforme a" …).
_STOP_TEXT: Final = """
    a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante
    e el ella ellas ellos en entre era es esa esas ese eso esos esta estas este esto estos fue
    ha han hasta la las le les lo los mas me mi mis mucho muy nada ni no nos o os otra otras
    otro otros para pero poco por porque que quien se sea segun ser si sin sino sobre su sus
    tambien tanto te ti tu tus u un una unas uno unos y ya cada cual cuales mediante tal
    acuerdo conforme
"""
STOP_WORDS: Final = frozenset(_STOP_TEXT.split())

# Nominal suffix → verb endings to try, longest suffix first (on folded words).
_NOMINAL_RULES: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("ificacion", ("ificar",)),
    ("amiento", ("ar",)),
    ("imiento", ("er", "ir")),
    ("acion", ("ar",)),
    ("icion", ("ir", "er", "icionar")),
    ("ccion", ("cir", "ccionar", "ctar")),
    ("sion", ("sar", "tir", "dir", "der", "sionar")),
    ("cion", ("cionar", "r")),
    ("adura", ("ar",)),
    ("anza", ("ar",)),
    ("ancia", ("ar",)),
    ("encia", ("ir", "er")),
    ("aje", ("ar",)),
    ("ado", ("ar",)),
    ("ido", ("er", "ir")),
    ("eo", ("ear",)),
    ("o", ("ar",)),
    ("e", ("ar",)),
    ("", ("ar",)),
)


def fold(text: str) -> str:
    """Lower case without accents (ñ kept): ``Gestión de Ñandúes`` → ``gestion de ñandues``."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char):
            if char == "\u0303" and kept and kept[-1] == "n":  # n + tilde: keep ñ
                kept[-1] = "ñ"
            continue
        kept.append(char)
    return "".join(kept)


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return _WORD.findall(fold(text))


# a Snowball stemmer keeps state between calls and is not thread-safe (the HTTP service
# searches from a thread pool): one per thread
_STEMMERS = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    stemmer = getattr(_STEMMERS, "spanish", None)
    if stemmer is None:
        stemmer = _STEMMERS.spanish = snowballstemmer.stemmer("spanish")
    return stemmer


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


class Thesaurus:
    """Groups of regional variants, each with a canonical form.

    Variants are matched on the stems of folded words, so that plurals and gendered forms of a
    variant need no entry of their own (``equipos de cómputo``, ``celulares``).
    """

    def __init__(self, groups: Iterable[tuple[str, Iterable[str]]]) -> None:
        self._canonical: dict[tuple[str, ...], str] = {}
        self.groups: dict[str, tuple[str, ...]] = {}
        for canonical, variants in groups:
            head = " ".join(words(canonical))
            members = (canonical, *variants)
            self.groups[head] = tuple(members)
            for member in members:
                key = tuple(_stem(w) for w in words(member))
                if not key:
                    continue
                other = self._canonical.get(key)
                if other is not None and other != head:
                    raise ConfigurationError(
                        f"thesaurus: {member!r} is in two groups ({other!r} and {head!r})"
                    )
                self._canonical[key] = head
        self._longest = max((len(k) for k in self._canonical), default=0)

    @classmethod
    def parse(cls, text: str) -> Thesaurus:
        """Reads the TSV format of `thesaurus.tsv` (``#`` starts a comment line)."""
        groups: list[tuple[str, list[str]]] = []
        for line in text.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cells = [c.strip() for c in line.split("\t") if c.strip()]
            groups.append((cells[0], cells[1:]))
        return cls(groups)

    def canonical(self, tokens: list[str]) -> list[str]:
        """The folded words with every variant (longest first) replaced by its canonical words."""
        stems = [_stem(t) for t in tokens]
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for size in range(min(self._longest, len(tokens) - i), 0, -1):
                head = self._canonical.get(tuple(stems[i : i + size]))
                if head is not None:
                    out.extend(head.split())
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out


@cache
def default_thesaurus() -> Thesaurus:
    """The thesaurus shipped with the package (`equivalence/matching/thesaurus.tsv`)."""
    text = (files("equivalence.matching") / "thesaurus.tsv").read_text(encoding="utf-8")
    return Thesaurus.parse(text)


class Analyzer:
    """Turns Spanish text into comparable terms (see the module's description for the steps)."""

    def __init__(
        self,
        thesaurus: Thesaurus | None = None,
        verbs: Iterable[str] = (),
        *,
        stem: bool = True,
        nominalise: bool = True,
    ) -> None:
        self.thesaurus = thesaurus if thesaurus is not None else default_thesaurus()
        self.verbs: set[str] = set()
        self.stem = stem
        self.nominalise = nominalise
        self._verb_of: dict[str, str] = {}
        self.learn(verbs)

    def learn(self, texts: Iterable[str]) -> None:
        """Adds the infinitives found in these texts to the verb vocabulary."""
        before = len(self.verbs)
        for text in texts:
            for word in words(text):
                if len(word) > 3 and word.endswith(_VERB_ENDINGS) and word not in STOP_WORDS:
                    self.verbs.add(word)
        if len(self.verbs) != before:
            self._verb_of.clear()

    def verb_of(self, word: str) -> str:
        """The verb a nominalisation comes from, when the vocabulary knows it; else the word."""
        known = self._verb_of.get(word)
        if known is not None:
            return known
        found = word
        if self.nominalise and word not in self.verbs and len(word) > 3:
            for suffix, endings in _NOMINAL_RULES:
                if not word.endswith(suffix):
                    continue
                base = word[: len(word) - len(suffix)] if suffix else word
                candidate = next((base + e for e in endings if base + e in self.verbs), None)
                if candidate is not None:
                    found = candidate
                    break
        self._verb_of[word] = found
        return found

    def tokens(self, text: str) -> list[str]:
        """Folded words after the thesaurus and without stop words (not yet stemmed)."""
        canonical = self.thesaurus.canonical(words(text))
        return [w for w in canonical if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]

    def terms(self, text: str) -> list[str]:
        """The terms a text is compared by: tokens, nominalisations as verbs, stemmed."""
        tokens = [self.verb_of(t) for t in self.tokens(text)]
        return [_stem(t) for t in tokens] if self.stem else tokens

    def term_counts(self, text: str) -> Mapping[str, int]:
        counts: dict[str, int] = {}
        for term in self.terms(text):
            counts[term] = counts.get(term, 0) + 1
        return counts
