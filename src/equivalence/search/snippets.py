"""Which text of a standard matched a query best, and which of its words to mark.

Texts are compared with the query on what the index stores for them (their analysed terms and
their folded words), so choosing among a standard's texts analyses nothing; only the chosen
text is split into words to find the character offsets of the matched ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from equivalence.matching.text import Analyzer, words
from equivalence.search.folding import fast_words
from equivalence.search.model import Snippet, TextKind
from equivalence.search.query import ParsedQuery, Phrase

__all__ = ["Highlighter", "StoredText", "fold_padded", "multiword_terms"]

_WORD: Final = re.compile(r"[^\W_]+")
_CACHE_SIZE: Final = 200_000
_KIND_PRIORITY: Final[dict[str, int]] = {"standard": 2, "unit": 1, "criterion": 0}


@dataclass(frozen=True, slots=True)
class StoredText:
    """A text as the index keeps it; `folded` and `terms` are space-separated and padded."""

    kind: TextKind
    unit_code: str
    code: str
    body: str
    folded: str
    terms: str


def _contains(padded: str, sequence: Sequence[str]) -> bool:
    return bool(sequence) and f" {' '.join(sequence)} " in padded


def _phrase_matches(text: StoredText, phrase: Phrase) -> bool:
    if phrase.prefix:
        return f" {' '.join(phrase.words)}" in text.folded
    return _contains(text.terms, phrase.terms) or _contains(text.folded, phrase.words)


class Highlighter:
    """Picks the best text of a standard for a parsed query and marks its matched words."""

    def __init__(
        self,
        query: ParsedQuery,
        analyzer: Analyzer,
        consumed: frozenset[str],
        multiword: frozenset[str] = frozenset(),
        cache: dict[str, frozenset[str]] | None = None,
    ) -> None:
        """`cache` remembers the terms of words between queries of one analyser."""
        self.query = query
        self.analyzer = analyzer
        self.phrases = query.text_phrases(consumed)
        self.word_terms = frozenset(t for g in query.words for t in g.terms)
        self.terms = self.word_terms | {t for p in self.phrases for t in p.terms}
        self.prefixes = tuple(p.word for p in query.prefixes)
        self.multiword = multiword & self.terms
        self._cache = cache if cache is not None else {}

    def _analyse(self, folded: str) -> frozenset[str]:
        """The terms of a folded word (or a few), remembered across queries."""
        found = self._cache.get(folded)
        if found is None:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            found = self._cache[folded] = frozenset(self.analyzer.terms(folded))
        return found

    def groups_matched(self, text: StoredText) -> int:
        """How many of the query's groups (words, phrases, prefixes) the text matches."""
        count = sum(1 for g in self.query.words if any(f" {t} " in text.terms for t in g.terms))
        count += sum(1 for p in self.phrases if _phrase_matches(text, p))
        count += sum(1 for p in self.prefixes if f" {p}" in text.folded)
        return count

    def best(self, texts: Sequence[StoredText]) -> Snippet | None:
        """The text matching most groups (a title before a unit before a criterion, then the
        shortest), with its matched words; None when no text matches."""
        scored = [(self.groups_matched(t), t) for t in texts]
        matched = [(n, t) for n, t in scored if n]
        if not matched:
            return None
        _, text = max(matched, key=lambda x: (x[0], _KIND_PRIORITY[x[1].kind], -len(x[1].body)))
        return Snippet(text.kind, text.body, self.spans(text.body), text.unit_code, text.code)

    def spans(self, body: str) -> tuple[tuple[int, int], ...]:
        """Offsets of the words of `body` that match the query."""
        tokens: list[tuple[int, int, str]] = []
        for match in _WORD.finditer(body):
            found = fast_words(match.group())
            if found:
                tokens.append((match.start(), match.end(), found[0]))
        marked = [False] * len(tokens)
        terms = [self._analyse(f) for _, _, f in tokens]
        for i, (_, _, folded) in enumerate(tokens):
            if terms[i] & self.word_terms or any(folded.startswith(p) for p in self.prefixes):
                marked[i] = True
        for phrase in self.phrases:
            _mark_phrase(phrase, [f for _, _, f in tokens], terms, marked)
        if self.multiword:
            self._mark_multiword(tokens, terms, marked)
        spans: list[tuple[int, int]] = []
        for (start, end, _), on in zip(tokens, marked, strict=True):
            if not on:
                continue
            if spans and not body[spans[-1][1] : start].strip():
                spans[-1] = (spans[-1][0], end)  # one mark over a run of matched words
            else:
                spans.append((start, end))
        return tuple(spans)

    def _mark_multiword(
        self, tokens: list[tuple[int, int, str]], terms: list[frozenset[str]], marked: list[bool]
    ) -> None:
        """Marks runs of two or three words that the thesaurus turns into one query term
        (``teléfono móvil`` for ``celular``): the run starts and ends with a word that has a
        term of its own (not ``de …``), and the run as a whole has only that one term."""
        for size in (2, 3):
            for i in range(len(tokens) - size + 1):
                if not (terms[i] and terms[i + size - 1]) or all(marked[i : i + size]):
                    continue
                found = self._analyse(" ".join(f for _, _, f in tokens[i : i + size]))
                if len(found) == 1 and found <= self.multiword:
                    marked[i : i + size] = [True] * size


def _mark_phrase(
    phrase: Phrase, folded: list[str], terms: list[frozenset[str]], marked: list[bool]
) -> None:
    """Marks every run of words that is the phrase: its folded words (the last one a prefix
    for a starred phrase), or its analysed terms with stop words between them."""
    size = len(phrase.words)
    head, last = list(phrase.words[:-1]), phrase.words[-1]
    for i in range(len(folded) - size + 1):
        window = folded[i : i + size]
        found = (
            window[:-1] == head and window[-1].startswith(last)
            if phrase.prefix
            else window == list(phrase.words)
        )
        if found:
            marked[i : i + size] = [True] * size
    if phrase.prefix or not phrase.terms:
        return
    carriers = [i for i, found in enumerate(terms) if found]
    size = len(phrase.terms)
    for start in range(len(carriers) - size + 1):
        run = carriers[start : start + size]
        if all(phrase.terms[k] in terms[i] for k, i in enumerate(run)):
            marked[run[0] : run[-1] + 1] = [True] * (run[-1] + 1 - run[0])


def fold_padded(text: str) -> str:
    """The folded words of a text, space-separated, with a space before and after."""
    return f" {' '.join(fast_words(text))} "


def multiword_terms(analyzer: Analyzer) -> frozenset[str]:
    """The terms of the thesaurus groups that have a variant of several words."""
    found: set[str] = set()
    for head, members in analyzer.thesaurus.groups.items():
        if any(len(words(m)) > 1 for m in members):
            found.update(analyzer.terms(head))
    return frozenset(found)
