"""The search index: one SQLite file with an FTS5 table, kept in step with the store.

Layout (see docs/search.md):

- ``doc``: an FTS5 table, one row per standard (its rowid is the standard's id), with the
  analysed terms of its title(s), of its units' titles and of its criteria, and the same texts as
  written (the tokenizer folds case and accents) for phrases and prefixes. BM25 weighs a title
  10,000, a unit title 100 and a criterion 1, so a standard whose title matches comes first.
- ``standard``: code, folded code key, title, level and sector of each standard, for filters and
  for the hits; ``code``: the keys of the standards' and units' codes, for code look-up;
  ``text``: every text with its folded words and terms, to choose and mark a snippet.
- ``country_state``: per country, the state key of its graph when it was indexed; ``meta``: the
  schema version, the analyser's fingerprint, its verb vocabulary and a generation counter.

A refresh rebuilds a country in one write transaction (delete its rows, insert the new ones).
The file is in WAL mode and every thread has its own connection, so readers keep reading the
previous snapshot until the transaction commits: nobody sees a half-built country. `:memory:`
is a temporary file removed on `close()` (an in-memory SQLite database cannot be read by one
connection while another writes it).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
import threading
import time
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from equivalence.matching.text import STOP_WORDS, Analyzer, Thesaurus, default_thesaurus, words
from equivalence.search.folding import fast_words
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
from equivalence.search.query import ParsedQuery, code_key, parse_query
from equivalence.search.reader import StandardRecord, read_country, state_key
from equivalence.search.snippets import Highlighter, StoredText, fold_padded, multiword_terms
from equivalence.store.base import TripleStore
from equivalence.vocab import COUNTRIES

__all__ = ["MAX_PAGE_SIZE", "CountryStatus", "SearchIndex", "SectorCount"]

SCHEMA_VERSION: Final = 3
MAX_PAGE_SIZE: Final = 100
# BM25 weights of the FTS columns: title, units, criteria (terms), then the same as written, then
# the filter tokens (spelled out in the queries below: `bm25(doc, 10000.0, …, 0.0)`). FTS5
# multiplies a column's occurrences by its weight and saturates the sum (k1 = 1.2) over the whole
# row, so the weights are far apart: one occurrence in a title outweighs a word repeated in every
# unit and criterion, one in a unit title outweighs up to ~100 in the criteria.
WEIGHTS: Final = (10000.0, 100.0, 1.0, 10000.0, 100.0, 1.0, 0.0)
# Between two texts of one column, so that a phrase never runs from one text into the next; a
# Greek letter is a token for FTS5 but never one of a query's words (letters a-z, digits, ñ).
SEPARATOR: Final = " ω "
MIN_UNIT_CODE_KEY: Final = 5
_KINDS: Final[tuple[TextKind, ...]] = ("standard", "unit", "criterion")
_PROBE: Final = "Gestión de clientes: elaboración y mantenimiento; meseros, garzones, soldadoras"

_SCHEMA: Final = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE country_state(
  country TEXT PRIMARY KEY, state TEXT NOT NULL, standards INTEGER NOT NULL,
  texts INTEGER NOT NULL, built_at TEXT NOT NULL, seconds REAL NOT NULL);
CREATE TABLE standard(
  id INTEGER PRIMARY KEY, country TEXT NOT NULL, iri TEXT NOT NULL, code TEXT NOT NULL,
  code_key TEXT NOT NULL, title TEXT NOT NULL, level INTEGER, sector_iri TEXT, sector TEXT,
  sector_key TEXT);
CREATE INDEX standard_country ON standard(country, code_key);
CREATE INDEX standard_code ON standard(code_key);
CREATE TABLE code(
  key TEXT NOT NULL, standard INTEGER NOT NULL, kind INTEGER NOT NULL, code TEXT NOT NULL,
  PRIMARY KEY (key, standard, kind)) WITHOUT ROWID;
CREATE INDEX code_standard ON code(standard);
CREATE TABLE text(
  standard INTEGER NOT NULL, kind INTEGER NOT NULL, unit_code TEXT NOT NULL,
  code TEXT NOT NULL, body TEXT NOT NULL, folded TEXT NOT NULL, terms TEXT NOT NULL);
CREATE INDEX text_standard ON text(standard);
CREATE VIRTUAL TABLE doc USING fts5(
  title, units, criteria, title_raw, units_raw, criteria_raw, facets,
  tokenize = 'unicode61 remove_diacritics 2');
"""
_TABLES: Final = ("meta", "country_state", "standard", "code", "text", "doc")


@dataclass(frozen=True, slots=True)
class CountryStatus:
    """What the index holds for one country."""

    country: str
    state: str
    standards: int
    texts: int
    built_at: datetime
    seconds: float


@dataclass(frozen=True, slots=True)
class SectorCount:
    """A sector of one country and how many of its standards the index holds."""

    country: str
    iri: str
    label: str
    standards: int


@dataclass(frozen=True, slots=True)
class _Analysis:
    """The analysers a generation of the index was built with (swapped as a whole)."""

    generation: int
    analyzer: Analyzer
    plain: Analyzer
    multiword: frozenset[str]
    words: dict[str, frozenset[str]] = field(default_factory=dict)  # terms of marked words


@dataclass(frozen=True, slots=True)
class _Filters:
    countries: tuple[str, ...]
    sector: str | None
    sector_is_iri: bool
    level: int | None

    def restrict(self, expression: str) -> str:
        """A MATCH expression restricted to the standards these filters keep."""
        groups = [expression]
        if self.countries:
            groups.append(" OR ".join(f'"{_facet("c", c)}"' for c in self.countries))
        if self.level is not None:
            groups.append(f'"{_facet("l", str(self.level))}"')
        if self.sector is not None:
            groups.append(f'"{_facet("s" if self.sector_is_iri else "k", self.sector)}"')
        if len(groups) == 1:
            return expression
        facets = " AND ".join(f"({g})" for g in groups[1:])
        return f"({expression}) AND ({{facets}} : ({facets}))"

    def params(self) -> dict[str, object]:
        """The named parameters of `_FILTER`."""
        return {
            "countries": json.dumps(list(self.countries)),
            "sector_iri": self.sector if self.sector_is_iri else None,
            "sector_key": None if self.sector_is_iri else self.sector,
            "level": self.level,
        }


# Conditions on the `standard` table (alias `s`); every value is a named parameter.
_FILTER: Final = """
  AND (:countries = '[]' OR s.country IN (SELECT value FROM json_each(:countries)))
  AND (:sector_iri IS NULL OR s.sector_iri = :sector_iri)
  AND (:sector_key IS NULL OR s.sector_key = :sector_key)
  AND (:level IS NULL OR s.level = :level)
"""


def _filtered(head: str, tail: str = "") -> str:
    """Constant SQL: `head`, the filter conditions, `tail`."""
    return f"{head}{_FILTER}{tail}"


_LIST_COUNT: Final = _filtered("SELECT COUNT(*) FROM standard AS s WHERE 1")
_LIST_PAGE: Final = _filtered(
    "SELECT s.id FROM standard AS s WHERE 1",
    "ORDER BY s.country, s.code_key, s.id LIMIT :limit OFFSET :offset",
)
_CODE_PREFIX: Final = _filtered(
    "SELECT c.standard, c.kind, c.key, c.code FROM code AS c "
    "JOIN standard AS s ON s.id = c.standard "
    "WHERE c.key >= :key AND c.key < :upper AND (c.kind = 0 OR :units)"
)
_CODE_INSIDE: Final = _filtered(
    "SELECT s.id, s.code_key FROM standard AS s WHERE instr(s.code_key, :key) > 1"
)
# Text matches never join the standards: the filters are part of the MATCH expression (the
# `facets` column), so FTS5 counts and ranks on its own (bm25() cannot run in a join, and a
# join would read every match's row).
_TEXT_PAGE: Final = (
    "SELECT rowid, bm25(doc, 10000.0, 100.0, 1.0, 10000.0, 100.0, 1.0, 0.0) AS rank FROM doc "
    "WHERE doc MATCH :match ORDER BY rank, rowid LIMIT :limit OFFSET :offset"
)
_TEXT_COUNT: Final = "SELECT COUNT(*) FROM doc WHERE doc MATCH :match"
_TEXT_ALL: Final = (
    "SELECT rowid, bm25(doc, 10000.0, 100.0, 1.0, 10000.0, 100.0, 1.0, 0.0) FROM doc "
    "WHERE doc MATCH :match"
)
_DETAILS: Final = (
    "SELECT id, iri, country, code, title, level, sector_iri, sector FROM standard "
    "WHERE id IN (SELECT value FROM json_each(:ids))"
)
_CANDIDATE_TEXTS: Final = (
    "SELECT standard, kind, unit_code, code, body, folded, terms FROM text "
    "WHERE standard IN (SELECT value FROM json_each(:ids)) "
    "AND (EXISTS (SELECT 1 FROM json_each(:terms) AS t WHERE instr(text.terms, t.value)) "
    "OR EXISTS (SELECT 1 FROM json_each(:folded) AS f WHERE instr(text.folded, f.value)))"
)
_SECTORS: Final = (
    "SELECT country, sector_iri, MIN(sector), COUNT(*) FROM standard "
    "WHERE sector_iri IS NOT NULL AND country IN (SELECT value FROM json_each(:countries)) "
    "GROUP BY country, sector_iri ORDER BY country, MIN(sector)"
)
_DELETE_COUNTRY: Final = (
    "DELETE FROM doc WHERE rowid IN (SELECT id FROM standard WHERE country = :country)",
    "DELETE FROM text WHERE standard IN (SELECT id FROM standard WHERE country = :country)",
    "DELETE FROM code WHERE standard IN (SELECT id FROM standard WHERE country = :country)",
    "DELETE FROM standard WHERE country = :country",
    "DELETE FROM country_state WHERE country = :country",
)


@dataclass(slots=True)
class _CodeHit:
    tier: int  # 5 standard code, 4 its prefix, 3 unit code, 2 its prefix, 1 inside a code
    extra: int  # characters of the code beyond the query's
    unit_code: str


def _sector_key(label: str) -> str:
    return " ".join(words(label))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _fingerprint(analyzer: Analyzer) -> str:
    """Changes when the thesaurus or the analysis changes (then the index is rebuilt)."""
    groups = sorted((head, sorted(members)) for head, members in analyzer.thesaurus.groups.items())
    payload = json.dumps([SCHEMA_VERSION, groups, analyzer.terms(_PROBE), SEPARATOR])
    return hashlib.sha256(payload.encode()).hexdigest()


class SearchIndex:
    """Full-text search over the standards of the four countries, their units and criteria.

    Open one with `SearchIndex.open(path)`; `refresh(store)` (re)builds the countries whose graph
    changed; `search(...)` is safe to call from many threads at once, also while a refresh runs.
    """

    def __init__(self, path: Path, *, temporary: Path | None = None) -> None:
        self.path = path
        self._temporary = temporary
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()  # guards _connections and _analysis
        self._write_lock = threading.Lock()  # one refresh at a time in this process
        self._closed = False
        if temporary is not None:  # removed even when nobody calls close()
            weakref.finalize(self, shutil.rmtree, temporary, ignore_errors=True)
        thesaurus = default_thesaurus()
        probe = Analyzer(thesaurus)
        self._fingerprint = _fingerprint(probe)
        self._analysis = _Analysis(
            -1, probe, Analyzer(thesaurus, nominalise=False), multiword_terms(probe)
        )
        self._prepare()

    @classmethod
    def open(cls, path: str | Path) -> SearchIndex:
        """Opens (or creates) the index file at `path`; ``":memory:"`` for a temporary one."""
        if str(path) == ":memory:":
            folder = Path(tempfile.mkdtemp(prefix="equivalence-search-"))
            return cls(folder / "search.sqlite", temporary=folder)
        target = Path(path).expanduser()
        if target.is_dir():
            raise SearchIndexError(f"the search index {target} is a directory, not a file")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SearchIndexError(f"cannot create the folder of {target}: {exc}") from exc
        return cls(target)

    def __repr__(self) -> str:
        return f"SearchIndex({str(self.path)!r})"

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- connections --------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._closed:
            raise SearchIndexError(f"the search index {self.path} is closed")
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(
                    self.path, timeout=60.0, isolation_level=None, check_same_thread=False
                )
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA journal_size_limit=67108864")
                # no mmap: measured no faster here, and every connection would map the file
                conn.execute("PRAGMA cache_size=-8192")
                conn.execute("PRAGMA temp_store=MEMORY")
            except sqlite3.Error as exc:
                raise SearchIndexError(f"cannot open the search index {self.path}: {exc}") from exc
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def _transaction(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A read snapshot (or an immediate write transaction) on this thread's connection."""
        conn = self._connection()
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.Error as exc:
            raise SearchIndexError(f"search index {self.path}: {exc}") from exc
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def _prepare(self) -> None:
        """Creates the tables, or starts afresh when the schema or the analyser changed."""
        try:
            with self._transaction(write=True) as conn:
                tables = {
                    row[0]
                    for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                }
                meta: dict[str, str] = {}
                if "meta" in tables:
                    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
                current = meta.get("schema") == str(SCHEMA_VERSION) and (
                    meta.get("fingerprint") == self._fingerprint
                )
                if current and set(_TABLES) <= tables:
                    return
                for table in _TABLES:
                    conn.execute(f"DROP TABLE IF EXISTS {table}")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.executemany(
                    "INSERT INTO meta(key, value) VALUES (?, ?)",
                    [
                        ("schema", str(SCHEMA_VERSION)),
                        ("fingerprint", self._fingerprint),
                        ("verbs", "[]"),
                        ("generation", "0"),
                    ],
                )
        except sqlite3.Error as exc:
            raise SearchIndexError(f"cannot prepare the search index {self.path}: {exc}") from exc

    def close(self) -> None:
        """Closes every connection; a temporary (`:memory:`) index is deleted."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()
        if self._temporary is not None:
            shutil.rmtree(self._temporary, ignore_errors=True)

    # -- the analyser -------------------------------------------------------------------------

    def _analysis_for(self, conn: sqlite3.Connection) -> _Analysis:
        """The analysers of the generation this snapshot holds (reloaded when it changed)."""
        row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        generation = int(row[0]) if row else 0
        analysis = self._analysis
        if analysis.generation == generation:
            return analysis
        verbs_row = conn.execute("SELECT value FROM meta WHERE key = 'verbs'").fetchone()
        verbs: list[str] = json.loads(verbs_row[0]) if verbs_row else []
        return self._publish(generation, verbs)

    def _publish(self, generation: int, verbs: Iterable[str]) -> _Analysis:
        thesaurus = self._analysis.analyzer.thesaurus
        analyzer = Analyzer(thesaurus)
        analyzer.verbs.update(verbs)
        analysis = _Analysis(
            generation, analyzer, Analyzer(thesaurus, nominalise=False), multiword_terms(analyzer)
        )
        with self._lock:
            if analysis.generation >= self._analysis.generation:
                self._analysis = analysis
        return analysis

    # -- keeping in step ----------------------------------------------------------------------

    def states(self) -> dict[str, str]:
        """The state key each indexed country had when it was built."""
        with self._transaction() as conn:
            return dict(conn.execute("SELECT country, state FROM country_state").fetchall())

    def status(self) -> tuple[CountryStatus, ...]:
        """What the index holds per country (countries never built are absent)."""
        with self._transaction() as conn:
            rows = conn.execute(
                "SELECT country, state, standards, texts, built_at, seconds FROM country_state "
                "ORDER BY country"
            ).fetchall()
        return tuple(
            CountryStatus(c, s, n, t, datetime.fromisoformat(b), sec) for c, s, n, t, b, sec in rows
        )

    def stale_countries(
        self, store: TripleStore, countries: Iterable[str] | None = None
    ) -> tuple[str, ...]:
        """The countries whose graph changed since they were indexed (or never were)."""
        wanted = _countries(countries)
        stored = self.states()
        return tuple(c for c in wanted if stored.get(c) != state_key(store, c))

    def refresh(
        self, store: TripleStore, *, countries: Iterable[str] | None = None, force: bool = False
    ) -> RefreshSummary:
        """Rebuilds the countries whose graph changed (all of `countries`, by default the four,
        with `force`); each country is replaced in one transaction."""
        wanted = _countries(countries)
        with self._write_lock:
            started = time.perf_counter()
            current = {c: state_key(store, c) for c in wanted}
            stored = self.states()
            check = time.perf_counter() - started
            stale = [c for c in wanted if force or stored.get(c) != current[c]]
            builds = tuple(self._rebuild(store, c, current[c]) for c in stale)
        return RefreshSummary(
            builds,
            tuple(c for c in wanted if c not in stale),
            check,
            time.perf_counter() - started,
        )

    def _rebuild(self, store: TripleStore, country: str, state: str) -> CountryBuild:
        started = time.perf_counter()
        records = read_country(store, country)
        read_seconds = time.perf_counter() - started
        with self._transaction() as conn:
            base = self._analysis_for(conn)
        analyzer = Analyzer(base.analyzer.thesaurus)
        analyzer.verbs.update(base.analyzer.verbs)
        analyzer.learn(_vocabulary(records))
        rows = _Rows(analyzer, country, records)
        with self._transaction(write=True) as conn:
            self._delete_country(conn, country)
            first = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM standard").fetchone()[0]
            rows.write(conn, first)
            verbs_row = conn.execute("SELECT value FROM meta WHERE key = 'verbs'").fetchone()
            verbs = sorted(set(json.loads(verbs_row[0])) | analyzer.verbs)
            generation = int(
                conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]
            )
            seconds = time.perf_counter() - started
            conn.execute(
                "INSERT OR REPLACE INTO country_state VALUES (?, ?, ?, ?, ?, ?)",
                (country, state, len(records), len(rows.texts), _now(), seconds),
            )
            conn.executemany(
                "UPDATE meta SET value = ? WHERE key = ?",
                [(json.dumps(verbs), "verbs"), (str(generation + 1), "generation")],
            )
        self._publish(generation + 1, verbs)
        return CountryBuild(country, state, len(records), len(rows.texts), read_seconds, seconds)

    @staticmethod
    def _delete_country(conn: sqlite3.Connection, country: str) -> None:
        for statement in _DELETE_COUNTRY:
            conn.execute(statement, {"country": country})

    def sectors(self, country: str | None = None) -> tuple[SectorCount, ...]:
        """The sectors of the indexed standards (of one country), with their counts."""
        chosen = _countries([country] if country else None)
        with self._transaction() as conn:
            rows = conn.execute(_SECTORS, {"countries": json.dumps(chosen)}).fetchall()
        return tuple(SectorCount(c, iri, label or "", n) for c, iri, label, n in rows)

    # -- searching ----------------------------------------------------------------------------

    def search(
        self,
        query: str | None = None,
        *,
        countries: Iterable[str] | str = (),
        sector: str | None = None,
        level: int | None = None,
        page: int = 1,
        size: int = 20,
    ) -> SearchPage:
        """One page of the standards matching `query`, best first.

        `countries` restricts to some countries (codes, any case); `sector` to one sector, given
        by its IRI or by its name (case, accents and spacing ignored); `level` to one level
        number. An empty query lists the standards (the filtered ones, or all of them) by
        country and code. Raises `SearchError` for bad input.
        """
        filters = _filters(countries, sector, level)
        _check_paging(page, size)
        text = " ".join((query or "").split())
        with self._transaction() as conn:
            analysis = self._analysis_for(conn)
            if not text:
                return self._listing(conn, filters, page, size)
            parsed = parse_query(text, analysis.analyzer, analysis.plain)
            if parsed.empty:
                raise SearchError(
                    f"nothing to search for in {text!r}: it has only stop words or punctuation"
                )
            try:
                return self._search(conn, parsed, analysis, filters, page, size)
            except sqlite3.OperationalError as exc:
                raise SearchError(f"cannot search for {text!r}: {exc}") from exc

    def _listing(
        self, conn: sqlite3.Connection, filters: _Filters, page: int, size: int
    ) -> SearchPage:
        params = filters.params()
        count = int(conn.execute(_LIST_COUNT, params).fetchone()[0])
        paging = {**params, "limit": size, "offset": (page - 1) * size}
        ids = [row[0] for row in conn.execute(_LIST_PAGE, paging)]
        details = _details(conn, ids)
        hits = tuple(_hit(details[i], 0.0, "list", None) for i in ids)
        return SearchPage("", count, page, size, hits)

    def _search(
        self,
        conn: sqlite3.Connection,
        parsed: ParsedQuery,
        analysis: _Analysis,
        filters: _Filters,
        page: int,
        size: int,
    ) -> SearchPage:
        params = filters.params()
        codes = _code_hits(conn, parsed, params)
        consumed = frozenset(key for key, hits in codes.items() if hits)
        by_standard: dict[int, _CodeHit] = {}
        for found in codes.values():
            for sid, hit in found.items():
                _keep(by_standard, sid, hit)
        expression = parsed.match_expression(consumed)
        offset = (page - 1) * size
        scores: dict[int, float] = {}
        if expression is not None:
            expression = filters.restrict(expression)
        if expression is not None and not by_standard:
            ordered, total, scores = _text_page(conn, expression, offset, size)
        else:
            if expression is not None:
                scores = _text_scores(conn, expression)
            keys = {sid: _code_order(hit, scores.get(sid, 0.0)) for sid, hit in by_standard.items()}
            coded = sorted(by_standard, key=lambda sid: keys[sid])
            rest = sorted(
                (sid for sid in scores if sid not in by_standard), key=lambda sid: -scores[sid]
            )
            merged = coded + rest
            total = len(merged)
            ordered = merged[offset : offset + size]
        details = _details(conn, ordered)
        snippets = self._snippets(conn, parsed, analysis, consumed, ordered, by_standard)
        hits: list[SearchHit] = []
        for sid in ordered:
            match: HitMatch = "text"
            if sid in by_standard:
                match = "code+text" if sid in scores else "code"
            hits.append(_hit(details[sid], scores.get(sid, 0.0), match, snippets.get(sid)))
        return SearchPage(parsed.text, total, page, size, tuple(hits))

    def _snippets(
        self,
        conn: sqlite3.Connection,
        parsed: ParsedQuery,
        analysis: _Analysis,
        consumed: frozenset[str],
        ids: Sequence[int],
        codes: dict[int, _CodeHit],
    ) -> dict[int, Snippet]:
        if not ids:
            return {}
        highlighter = Highlighter(
            parsed, analysis.analyzer, consumed, analysis.multiword, analysis.words
        )
        terms = [f" {term} " for term in sorted(highlighter.terms)]
        folded = [f" {phrase.words[0]}" for phrase in highlighter.phrases if phrase.words]
        folded += [f" {prefix}" for prefix in highlighter.prefixes]
        texts: dict[int, list[StoredText]] = {}
        if terms or folded:
            rows = conn.execute(
                _CANDIDATE_TEXTS,
                {
                    "ids": json.dumps(list(ids)),
                    "terms": json.dumps(terms),
                    "folded": json.dumps(folded),
                },
            )
            for sid, kind, unit_code, code, body, folded_text, term_text in rows:
                texts.setdefault(sid, []).append(
                    StoredText(_KINDS[kind], unit_code, code, body, folded_text, term_text)
                )
        found: dict[int, Snippet] = {}
        for sid in ids:
            snippet = highlighter.best(texts.get(sid, ()))
            hit = codes.get(sid)
            if snippet is None and hit is not None and hit.unit_code:
                snippet = _unit_snippet(conn, sid, hit.unit_code)
            if snippet is not None:
                found[sid] = snippet
        return found


# -- building -------------------------------------------------------------------------------------


def _phrase_variant_words(analyzer: Analyzer) -> frozenset[str]:
    """The words of the thesaurus' variants of several words (teléfono, móvil, equipo …)."""
    found: set[str] = set()
    for members in analyzer.thesaurus.groups.values():
        for member in members:
            folded = fast_words(member)
            if len(folded) > 1:
                found.update(w for w in folded if w not in STOP_WORDS)
    return frozenset(found)


def _vocabulary(records: Iterable[StandardRecord]) -> list[str]:
    """Every distinct folded word of the texts, as one text for `Analyzer.learn` (which looks
    at each word alone, so this teaches the same verbs as the texts, folding far less)."""
    found: set[str] = set()
    texts: set[str] = set()
    for record in records:
        texts.update(title for title, _ in record.titles)
        for unit in record.units:
            texts.update(unit.titles)
            texts.update(text for _, text in unit.criteria)
    for text in texts:
        found.update(fast_words(text))
    return [" ".join(sorted(found))]


class _Rows:
    """The rows of one country's standards, analysed once per distinct text.

    Standards are numbered from 0 here; `write` adds the first free id of the table.
    """

    def __init__(self, analyzer: Analyzer, country: str, records: Sequence[StandardRecord]) -> None:
        self.analyzer = analyzer
        # the same analysis without the thesaurus, for the words of a phrase it replaces
        self.literal = Analyzer(Thesaurus([]))
        self.literal.verbs.update(analyzer.verbs)
        self._stems: dict[str, str] = {}
        self.phrase_stems = frozenset(self._stem(w) for w in _phrase_variant_words(analyzer))
        self._terms: dict[str, str] = {}
        self._folded: dict[str, str] = {}
        self.standards: list[tuple[object, ...]] = []
        self.codes: set[tuple[str, int, int, str]] = set()
        self.texts: list[tuple[object, ...]] = []
        self.docs: list[tuple[object, ...]] = []
        for sid, record in enumerate(records):
            self._add(sid, country, record)

    def terms(self, text: str) -> str:
        """The analysed terms of a text; when the thesaurus replaced a phrase of it (teléfono
        móvil → celular), the terms of its own words follow (after the separator), so that
        `teléfono` still finds it."""
        found = self._terms.get(text)
        if found is None:
            terms = self.analyzer.terms(text)
            found = " ".join(terms)
            if any(self._stem(w) in self.phrase_stems for w in fast_words(text)):
                known = set(terms)
                extra = [t for t in dict.fromkeys(self.literal.terms(text)) if t not in known]
                if extra:
                    found += SEPARATOR + " ".join(extra)
            self._terms[text] = found
        return found

    def _stem(self, word: str) -> str:
        """The stem of one folded word (plurals and gendered forms joined)."""
        found = self._stems.get(word)
        if found is None:
            terms = self.literal.terms(word)
            found = self._stems[word] = terms[0] if terms else word
        return found

    def _add(self, sid: int, country: str, record: StandardRecord) -> None:
        code = record.code
        sector_key = _sector_key(record.sector) if record.sector else None
        self.standards.append(
            (
                *(sid, country, record.iri, code, code_key(code), record.title, record.level),
                *(record.sector_iri, record.sector, sector_key),
            )
        )
        for each in record.codes:
            self.codes.add((code_key(each), sid, 0, each))
        titles = [t for t, _ in record.titles]
        units: list[str] = []
        criteria: list[str] = []
        for title in titles:
            self.texts.append(self._text(sid, 0, "", "", title))
        for unit in record.units:
            key = code_key(unit.code)
            if len(key) >= MIN_UNIT_CODE_KEY:
                self.codes.add((key, sid, 1, unit.code))
            for title in unit.titles:
                units.append(title)
                self.texts.append(self._text(sid, 1, unit.code, "", title))
            for criterion_code, text in unit.criteria:
                criteria.append(text)
                self.texts.append(self._text(sid, 2, unit.code, criterion_code, text))
        self.docs.append(
            (
                sid,
                SEPARATOR.join(self.terms(t) for t in titles),
                SEPARATOR.join(self.terms(t) for t in units),
                SEPARATOR.join(self.terms(t) for t in criteria),
                SEPARATOR.join(titles),
                SEPARATOR.join(units),
                SEPARATOR.join(criteria),
                " ".join(_facets(country, record.level, record.sector_iri, sector_key)),
            )
        )

    def _text(self, sid: int, kind: int, unit: str, code: str, body: str) -> tuple[object, ...]:
        folded = self._folded.get(body)
        if folded is None:
            folded = self._folded[body] = fold_padded(body)
        return (sid, kind, unit, code, body, folded, f" {self.terms(body)} ")

    def write(self, conn: sqlite3.Connection, first: int) -> None:
        def shifted(
            rows: Iterable[tuple[object, ...]], at: int = 0
        ) -> Iterator[tuple[object, ...]]:
            for row in rows:
                sid = row[at]
                assert isinstance(sid, int)
                yield (*row[:at], sid + first, *row[at + 1 :])

        conn.executemany(
            "INSERT INTO standard VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", shifted(self.standards)
        )
        conn.executemany("INSERT OR IGNORE INTO code VALUES (?, ?, ?, ?)", shifted(self.codes, 1))
        conn.executemany("INSERT INTO text VALUES (?, ?, ?, ?, ?, ?, ?)", shifted(self.texts))
        conn.executemany(
            "INSERT INTO doc(rowid, title, units, criteria, title_raw, units_raw, criteria_raw, "
            "facets) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            shifted(self.docs),
        )


# -- searching ------------------------------------------------------------------------------------


def _countries(countries: Iterable[str] | str | None) -> tuple[str, ...]:
    if countries is None:
        return tuple(COUNTRIES)
    given = [countries] if isinstance(countries, str) else list(countries)
    chosen: list[str] = []
    for raw in given:
        for part in str(raw).split(","):
            code = part.strip().upper()
            if not code:
                continue
            if code not in COUNTRIES:
                raise SearchError(
                    f"unknown country {part.strip()!r}; use one of {', '.join(COUNTRIES)}"
                )
            if code not in chosen:
                chosen.append(code)
    return tuple(chosen) if chosen else tuple(COUNTRIES)


def _filters(countries: Iterable[str] | str, sector: str | None, level: int | None) -> _Filters:
    chosen = _countries(countries) if countries else ()
    if level is not None and (isinstance(level, bool) or not isinstance(level, int) or level < 0):
        raise SearchError(f"level must be a whole number ≥ 0, not {level!r}")
    sector_value: str | None = None
    is_iri = False
    if sector is not None and sector.strip():
        text = sector.strip()
        is_iri = text.startswith(("http://", "https://"))
        sector_value = text if is_iri else _sector_key(text)
        if not sector_value:
            raise SearchError(f"the sector {sector!r} has no letters or digits")
    return _Filters(chosen, sector_value, is_iri, level)


def _check_paging(page: int, size: int) -> None:
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise SearchError(f"page must be a whole number ≥ 1, not {page!r}")
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_PAGE_SIZE:
        raise SearchError(f"size must be a whole number from 1 to {MAX_PAGE_SIZE}, not {size!r}")


def _code_hits(
    conn: sqlite3.Connection, parsed: ParsedQuery, params: dict[str, object]
) -> dict[str, dict[int, _CodeHit]]:
    """For each code token of the query, the standards whose code (or a unit's) it matches."""
    found: dict[str, dict[int, _CodeHit]] = {}
    for token in parsed.codes:
        key = token.key
        hits = found.setdefault(key, {})
        looked_up = {
            **params,
            "key": key,
            "upper": key + "\U0010ffff",
            "units": len(key) >= MIN_UNIT_CODE_KEY,
        }
        for sid, kind, matched, code in conn.execute(_CODE_PREFIX, looked_up):
            exact = matched == key
            tier = (5 if exact else 4) if kind == 0 else (3 if exact else 2)
            _keep(hits, sid, _CodeHit(tier, len(matched) - len(key), code if kind else ""))
        if len(key) >= 4:
            for sid, matched in conn.execute(_CODE_INSIDE, {**params, "key": key}):
                _keep(hits, sid, _CodeHit(1, len(matched) - len(key), ""))
    return found


def _keep(hits: dict[int, _CodeHit], sid: int, hit: _CodeHit) -> None:
    known = hits.get(sid)
    if known is None or (hit.tier, -hit.extra) > (known.tier, -known.extra):
        hits[sid] = hit


def _code_order(hit: _CodeHit, score: float) -> tuple[int, int, float]:
    return (-hit.tier, hit.extra, -score)


def _text_page(
    conn: sqlite3.Connection, expression: str, offset: int, size: int
) -> tuple[list[int], int, dict[int, float]]:
    """One page of text matches, best first (ties in index order), and how many there are."""
    paging = {"match": expression, "limit": size, "offset": offset}
    rows = conn.execute(_TEXT_PAGE, paging).fetchall()
    total = int(conn.execute(_TEXT_COUNT, {"match": expression}).fetchone()[0])
    return [r[0] for r in rows], total, {r[0]: -float(r[1]) for r in rows}


def _text_scores(conn: sqlite3.Connection, expression: str) -> dict[int, float]:
    """Every text match with its score (when codes matched too, to merge both)."""
    return {sid: -float(rank) for sid, rank in conn.execute(_TEXT_ALL, {"match": expression})}


def _facet(kind: str, value: str) -> str:
    """One filter token of the `facets` column: a letter and letters or digits only."""
    if kind in ("c", "l"):
        return f"{kind}{value.lower()}"
    return f"{kind}{hashlib.sha1(value.encode(), usedforsecurity=False).hexdigest()[:16]}"


def _facets(
    country: str, level: int | None, sector_iri: str | None, sector_key: str | None
) -> list[str]:
    tokens = [_facet("c", country)]
    if level is not None:
        tokens.append(_facet("l", str(level)))
    if sector_iri:
        tokens.append(_facet("s", sector_iri))
    if sector_key:
        tokens.append(_facet("k", sector_key))
    return tokens


@dataclass(frozen=True, slots=True)
class _Detail:
    iri: str
    country: str
    code: str
    title: str
    level: int | None
    sector_iri: str | None
    sector: str | None


def _details(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, _Detail]:
    if not ids:
        return {}
    rows = conn.execute(_DETAILS, {"ids": json.dumps(list(ids))})
    return {row[0]: _Detail(*row[1:]) for row in rows}


def _hit(detail: _Detail, score: float, match: HitMatch, snippet: Snippet | None) -> SearchHit:
    return SearchHit(
        iri=detail.iri,
        country=detail.country,
        code=detail.code,
        title=detail.title,
        level=detail.level,
        sector=detail.sector,
        sector_iri=detail.sector_iri,
        score=score,
        match=match,
        snippet=snippet,
    )


def _unit_snippet(conn: sqlite3.Connection, sid: int, unit_code: str) -> Snippet | None:
    row = conn.execute(
        "SELECT body FROM text WHERE standard = ? AND kind = 1 AND unit_code = ? LIMIT 1",
        (sid, unit_code),
    ).fetchone()
    return Snippet("unit", row[0], (), unit_code, "") if row else None
