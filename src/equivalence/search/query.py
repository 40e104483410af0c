"""From what a person types to an FTS5 match expression and a list of codes to look up.

A query is split into:

- **phrases** in double quotes (``"atención al cliente"``; a ``*`` after the closing quote or
  before it makes the last word a prefix);
- **prefixes**: a word ending in ``*`` (``soldad*``), matched on the folded words of the texts;
- **codes**: a token with a digit and at least three letters or digits, made of letters, digits
  and ``-./_`` (``EC0217``, ``280201045``, ``P-4100-3123``, ``U-4711``); looked up among the
  codes of standards and units, and searched as words when no code matches;
- **words**: everything else, analysed together like the indexed texts (accents folded, regional
  synonyms to their canonical form, stop words out, nominalisations to their verb, Snowball
  stems); each word matches its term or, when a nominalisation was mapped to a verb, also its
  plain stem (an index built with a smaller verb vocabulary still matches).

Every group must match somewhere in the standard (title, units or criteria): AND between groups.
Values enter the expression only as FTS5 strings of letters and digits, so nothing a person types
can change the expression's syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from equivalence.matching.text import Analyzer, fold, words
from equivalence.search.model import SearchError

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_QUERY_GROUPS",
    "CodeToken",
    "ParsedQuery",
    "Phrase",
    "Prefix",
    "WordGroup",
    "code_key",
    "parse_query",
]

MAX_QUERY_CHARS: Final = 300
MAX_QUERY_GROUPS: Final = 24
MIN_PREFIX: Final = 2

# columns of the per-standard FTS table: analysed terms, then the original texts
TERM_COLUMNS: Final = "{title units criteria}"
RAW_COLUMNS: Final = "{title_raw units_raw criteria_raw}"

_QUOTED: Final = re.compile(r'["“”«»]([^"“”«»]*)["“”«»]?(\s*\*)?')
_CODE: Final = re.compile(r"^[^\W_]+(?:[-./_][^\W_]+)*$")
_EDGE: Final = ".,;:()[]{}¿?¡!'`´’‘<>|"
_KEY_DROP: Final = re.compile(r"[^a-z0-9ñ]+")


def code_key(code: str) -> str:
    """The form codes are compared in: folded, letters and digits only (``EC0217.01`` →
    ``ec021701``, ``P-4100-3123-002-V02`` → ``p41003123002v02``)."""
    return _KEY_DROP.sub("", fold(code))


@dataclass(frozen=True, slots=True)
class WordGroup:
    """One analysed word of the query: the terms that match it (any of them)."""

    word: str
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words that must follow each other: as analysed terms, or as the folded words."""

    text: str
    terms: tuple[str, ...]
    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Prefix:
    """A folded word prefix (``soldad*``)."""

    text: str
    word: str


@dataclass(frozen=True, slots=True)
class CodeToken:
    """A token that looks like a code: its key, and the words to search when no code matches."""

    text: str
    key: str
    fallback: Phrase


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    text: str
    words: tuple[WordGroup, ...]
    phrases: tuple[Phrase, ...]
    prefixes: tuple[Prefix, ...]
    codes: tuple[CodeToken, ...]

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases or self.prefixes or self.codes)

    def terms(self) -> frozenset[str]:
        """Every analysed term of the words and phrases."""
        found: set[str] = set()
        for group in self.words:
            found.update(group.terms)
        for phrase in self.phrases:
            found.update(phrase.terms)
        return frozenset(found)

    def text_phrases(self, consumed: Iterable[str] = ()) -> tuple[Phrase, ...]:
        """The phrases, with those of the code tokens that matched no code."""
        used = set(consumed)
        return self.phrases + tuple(c.fallback for c in self.codes if c.key not in used)

    def match_expression(self, consumed: Iterable[str] = ()) -> str | None:
        """The FTS5 MATCH expression (None when only codes were asked for and all matched).

        `consumed` are the keys of the code tokens that matched a code: they are not searched
        as words.
        """
        groups = [_word_expression(g) for g in self.words]
        groups += [_phrase_expression(p) for p in self.text_phrases(consumed)]
        groups += [f'{RAW_COLUMNS} : "{p.word}" *' for p in self.prefixes]
        groups = [g for g in groups if g]
        return " AND ".join(f"({g})" for g in groups) if groups else None


def _word_expression(group: WordGroup) -> str:
    alternatives = " OR ".join(f'"{t}"' for t in group.terms)
    return f"{TERM_COLUMNS} : ({alternatives})"


def _phrase_expression(phrase: Phrase) -> str:
    star = " *" if phrase.prefix else ""
    parts = [f'{RAW_COLUMNS} : "{" ".join(phrase.words)}"{star}'] if phrase.words else []
    if phrase.terms and not phrase.prefix:
        parts.insert(0, f'{TERM_COLUMNS} : "{" ".join(phrase.terms)}"')
    return " OR ".join(f"({p})" for p in parts)


def _strip(token: str) -> str:
    return token.strip(_EDGE)


def _phrase(text: str, analyzer: Analyzer, *, prefix: bool = False) -> Phrase | None:
    folded = tuple(words(text))
    if not folded:
        return None
    if prefix and len(folded[-1]) < MIN_PREFIX:
        raise SearchError(f"the prefix {text!r}* is too short (at least {MIN_PREFIX} letters)")
    terms = () if prefix else tuple(analyzer.terms(text))
    return Phrase(text, terms, folded, prefix)


def _word_groups(text: str, analyzer: Analyzer, plain: Analyzer) -> list[WordGroup]:
    groups: list[WordGroup] = []
    for token in analyzer.tokens(text):
        terms = dict.fromkeys([*analyzer.terms(token), *plain.terms(token)])
        if terms:
            groups.append(WordGroup(token, tuple(terms)))
    return groups


def parse_query(text: str, analyzer: Analyzer, plain: Analyzer) -> ParsedQuery:
    """Splits a query into phrases, prefixes, codes and analysed words.

    `plain` is the same analyzer without nominalisations (its terms are the plain stems).
    Raises `SearchError` for a query too long, a prefix too short, or too many words.
    """
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_CHARS:
        raise SearchError(
            f"the query is too long ({len(text)} characters; at most {MAX_QUERY_CHARS})"
        )
    phrases: list[Phrase] = []

    def take_phrase(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        starred = bool(match.group(2)) or inner.endswith("*")
        found = _phrase(inner.rstrip("*"), analyzer, prefix=starred)
        if found is not None:
            phrases.append(found)
        return " "

    rest = _QUOTED.sub(take_phrase, text)
    prefixes: list[Prefix] = []
    codes: list[CodeToken] = []
    plain_words: list[str] = []
    for raw in rest.split():
        token = _strip(raw)
        if token.endswith("*"):
            stem = _strip(token.rstrip("*"))
            found = _phrase(stem, analyzer, prefix=True)
            if found is None:
                continue
            if len(found.words) == 1:
                prefixes.append(Prefix(stem, found.words[0]))
            else:
                phrases.append(found)
            continue
        key = code_key(token)
        if _CODE.match(token) and any(c.isdigit() for c in key) and len(key) >= 3:
            fallback = _phrase(token, analyzer)
            if fallback is not None:
                codes.append(CodeToken(token, key, fallback))
            continue
        plain_words.append(token)
    groups = _word_groups(" ".join(plain_words), analyzer, plain)
    parsed = ParsedQuery(text, tuple(groups), tuple(phrases), tuple(prefixes), tuple(codes))
    count = len(groups) + len(phrases) + len(prefixes) + len(codes)
    if count > MAX_QUERY_GROUPS:
        raise SearchError(f"the query has too many words ({count}; at most {MAX_QUERY_GROUPS})")
    return parsed
