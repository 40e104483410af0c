"""The search page's form, results, filters and overview, prepared in the page's language."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from api.web.i18n import Translator
from api.web.views import standard_url
from equivalence.search.model import SearchHit, SearchPage
from equivalence.vocab import COUNTRIES

__all__ = [
    "Facets",
    "HitView",
    "Overview",
    "ResultsView",
    "SearchForm",
    "facets",
    "overview",
    "results_view",
    "snippet_pieces",
]


@dataclass(frozen=True, slots=True)
class SearchForm:
    """What the search form asked, read leniently (a bad value is dropped, not an error)."""

    q: str = ""
    countries: tuple[str, ...] = ()
    sector: str = ""
    level: str = ""
    page: int = 1

    @property
    def asked(self) -> bool:
        return bool(self.q or self.countries or self.sector or self.level)

    @property
    def level_number(self) -> int | None:
        return int(self.level) if self.level.isdigit() else None

    def query_string(self, *, page: int) -> str:
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        pairs += [("country", c) for c in self.countries]
        if self.sector:
            pairs.append(("sector", self.sector))
        if self.level:
            pairs.append(("level", self.level))
        if page > 1:
            pairs.append(("page", str(page)))
        return urlencode(pairs)


@dataclass(frozen=True, slots=True)
class HitView:
    country: str
    code: str
    title: tuple[tuple[str, bool], ...]  # (text, matched) pieces, escaped by the template
    url: str
    meta: str
    snippet: tuple[tuple[str, bool], ...]  # a unit's or criterion's text that matched


@dataclass(frozen=True, slots=True)
class ResultsView:
    total: int
    page: int
    pages: int
    first: int  # the number of the first hit of the page
    hits: tuple[HitView, ...]
    links: tuple[tuple[int, str], ...]  # (page, url) with url "" for a gap
    prev_url: str
    next_url: str
    focus: bool


@dataclass(frozen=True, slots=True)
class Facets:
    sectors: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()


def snippet_pieces(text: str, spans: Sequence[tuple[int, int]]) -> tuple[tuple[str, bool], ...]:
    """The text cut at the matched spans: (piece, matched) pairs, empty pieces left out."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, end in sorted(spans):
        if start < position or end <= start:
            continue
        pieces += [(text[position:start], False), (text[start:end], True)]
        position = end
    pieces.append((text[position:], False))
    return tuple(p for p in pieces if p[0])


def _hit_meta(hit: SearchHit, t: Translator) -> str:
    parts = [t("country." + hit.country) if hit.country in COUNTRIES else hit.country]
    if hit.level is not None:
        parts.append(t("search.level_n", n=hit.level))
    if hit.sector:
        parts.append(hit.sector)
    return " · ".join(parts)


def _hit_snippet(hit: SearchHit, t: Translator) -> tuple[tuple[str, bool], ...]:
    snippet = hit.snippet
    if snippet is None or snippet.kind == "standard":
        return ()
    head = t("val.unit", code=snippet.unit_code) if snippet.unit_code else ""
    if snippet.kind == "criterion" and snippet.code:
        head += (", " if head else "") + t("val.criterion", code=snippet.code)
    prefix = ((head + ": ", False),) if head else ()
    return prefix + snippet_pieces(snippet.text, snippet.spans)


def _hit_title(hit: SearchHit) -> tuple[tuple[str, bool], ...]:
    snippet = hit.snippet
    if snippet is not None and snippet.kind == "standard" and snippet.text == hit.title:
        return snippet_pieces(snippet.text, snippet.spans)
    return ((hit.title, False),)


def _page_links(form: SearchForm, page: int, pages: int) -> tuple[tuple[int, str], ...]:
    """Links to the first, last and neighbouring pages, with gaps between."""
    wanted = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    links: list[tuple[int, str]] = []
    for number in wanted:
        if links and number - links[-1][0] > 1:
            links.append((0, ""))
        links.append((number, "/?" + form.query_string(page=number)))
    return tuple(links)


def results_view(found: SearchPage, form: SearchForm, t: Translator) -> ResultsView:
    """One page of search results, with the links to the other pages."""
    pages = max(found.pages, 1)
    return ResultsView(
        total=found.total,
        page=found.page,
        pages=pages,
        first=(found.page - 1) * found.size + 1,
        hits=tuple(
            HitView(
                country=hit.country,
                code=hit.code,
                title=_hit_title(hit),
                url=standard_url(hit.country, hit.code),
                meta=_hit_meta(hit, t),
                snippet=_hit_snippet(hit, t),
            )
            for hit in found.hits
        ),
        links=_page_links(form, found.page, pages),
        prev_url="/?" + form.query_string(page=found.page - 1) if found.page > 1 else "",
        next_url="/?" + form.query_string(page=found.page + 1) if found.page < pages else "",
        focus=form.asked,
    )


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def facets(statistics: Mapping[str, Any]) -> Facets:
    """The sectors (one spelling per sector, accents and case aside) and levels of the store."""
    sectors: dict[str, str] = {}
    levels: set[int] = set()
    for counts in statistics.get("countries", {}).values():
        for sector in counts.get("by_sector", {}):
            if sector != "none":
                sectors.setdefault(_folded(sector), sector)
        levels.update(int(level) for level in counts.get("by_level", {}) if level.isdigit())
    return Facets(tuple(sorted(sectors.values(), key=_folded)), tuple(sorted(levels)))


@dataclass(frozen=True, slots=True)
class OverviewRow:
    name: str
    url: str
    standards: int
    units: int
    criteria: int


@dataclass(frozen=True, slots=True)
class Overview:
    rows: tuple[OverviewRow, ...]
    mappings: int


def overview(statistics: Mapping[str, Any], t: Translator) -> Overview:
    """How many standards, units and criteria each country has, and how many mappings."""
    countries = statistics.get("countries", {})
    rows = tuple(
        OverviewRow(
            name=t("country." + code),
            url=f"/?country={code}",
            standards=int(countries.get(code, {}).get("standards", 0)),
            units=int(countries.get(code, {}).get("units", 0)),
            criteria=int(countries.get(code, {}).get("criteria", 0)),
        )
        for code in COUNTRIES
    )
    return Overview(rows, int(statistics.get("mappings", {}).get("total", 0)))
