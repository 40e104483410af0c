"""Full-text search over the standards of the four countries, their units and criteria.

A side index (SQLite FTS5) kept in step with the store: `SearchIndex.open(path)`,
`refresh(store)` after the data changed, `search(query, countries=, sector=, level=, page=,
size=)`. Matching is Spanish-aware: the texts and the query go through
`equivalence.matching.text.Analyzer` (accents, regional synonyms, stop words, nominalisations,
stems). See docs/search.md.
"""

from equivalence.search.index import MAX_PAGE_SIZE, CountryStatus, SearchIndex, SectorCount
from equivalence.search.model import (
    CountryBuild,
    HitMatch,
    RefreshSummary,
    SearchError,
    SearchHit,
    SearchIndexError,
    SearchPage,
    Snippet,
    TextKind,
)

__all__ = [
    "MAX_PAGE_SIZE",
    "CountryBuild",
    "CountryStatus",
    "HitMatch",
    "RefreshSummary",
    "SearchError",
    "SearchHit",
    "SearchIndex",
    "SearchIndexError",
    "SearchPage",
    "SectorCount",
    "Snippet",
    "TextKind",
]
