"""What a search returns, what a refresh did, and the errors of the search package."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from equivalence.errors import QueryError, StoreError

__all__ = [
    "CountryBuild",
    "HitMatch",
    "RefreshSummary",
    "SearchError",
    "SearchHit",
    "SearchIndexError",
    "SearchPage",
    "Snippet",
    "TextKind",
]

TextKind = Literal["standard", "unit", "criterion"]
HitMatch = Literal["code", "text", "code+text", "list"]


class SearchError(QueryError):
    """A search request that cannot run: a bad page or size, an unknown country, a query with
    nothing to search for, an empty query without a filter."""

    code = "invalid-search"


class SearchIndexError(StoreError):
    """The index file cannot be opened, read or written."""

    code = "search-index"


@dataclass(frozen=True, slots=True)
class Snippet:
    """The text of a standard that matched best, with the matched words.

    `kind` says what the text is: the standard's title, a unit's title or a criterion. `unit_code`
    is the code of the unit (of the criterion's unit for a criterion), `code` the criterion's code.
    `spans` are the (start, end) character offsets of the matched words in `text`.
    """

    kind: TextKind
    text: str
    spans: tuple[tuple[int, int], ...]
    unit_code: str = ""
    code: str = ""

    def marked(self, before: str = "[", after: str = "]") -> str:
        """The text with every matched word between `before` and `after`."""
        return _mark(self.text, self.spans, before, after, escape=False)

    def html(self) -> str:
        """The text, HTML-escaped, with the matched words in ``<mark>`` elements."""
        return _mark(self.text, self.spans, "<mark>", "</mark>", escape=True)


def _mark(
    text: str, spans: Sequence[tuple[int, int]], before: str, after: str, *, escape: bool
) -> str:
    def clean(part: str) -> str:
        return html.escape(part, quote=False) if escape else part

    out: list[str] = []
    position = 0
    for start, end in spans:
        out.append(clean(text[position:start]))
        out.append(before + clean(text[start:end]) + after)
        position = end
    out.append(clean(text[position:]))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One standard found.

    `match` says why: its code (or one of its units' codes) matched a code in the query, its
    texts matched the words, both, or the query was empty and the page lists the filtered
    standards. `score` orders the hits (code matches first, then BM25 over the standard's title,
    units and criteria); it is comparable only within one search.
    """

    iri: str
    country: str
    code: str
    title: str
    level: int | None
    sector: str | None
    sector_iri: str | None
    score: float
    match: HitMatch
    snippet: Snippet | None


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of the standards a search found, best first, and how many there are in all."""

    query: str
    total: int
    page: int
    size: int
    hits: tuple[SearchHit, ...]

    @property
    def pages(self) -> int:
        return (self.total + self.size - 1) // self.size


@dataclass(frozen=True, slots=True)
class CountryBuild:
    """One country rebuilt by a refresh: its state key, what it holds, and how long it took."""

    country: str
    state: str
    standards: int
    texts: int
    read_seconds: float
    seconds: float


@dataclass(frozen=True, slots=True)
class RefreshSummary:
    """What `SearchIndex.refresh` did: the countries rebuilt and those found unchanged."""

    rebuilt: tuple[CountryBuild, ...]
    unchanged: tuple[str, ...]
    check_seconds: float
    seconds: float

    @property
    def countries(self) -> tuple[str, ...]:
        return tuple(build.country for build in self.rebuilt)

    @property
    def standards(self) -> int:
        return sum(build.standards for build in self.rebuilt)

    @property
    def texts(self) -> int:
        return sum(build.texts for build in self.rebuilt)
