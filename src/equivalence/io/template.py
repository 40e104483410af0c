"""The submission template: three tables (standards, units, criteria) as CSV files or XLSX sheets.

`read_template` validates a whole submission first, collecting every problem with its file, line
and column, and raises one `InvalidSourceError`; only a valid submission becomes quads, each
country's in its own named graph. `write_template` writes the tables back from a store, with the
named queries ``template-standards``, ``template-units`` and ``template-criteria``, in the order
the rows were read. The format is documented in ``docs/template.md``.
"""

from __future__ import annotations

import csv
import gc
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, Final, Literal
from urllib.parse import unquote

from pyoxigraph import Literal as RdfLiteral
from pyoxigraph import NamedNode, Quad

from equivalence.errors import InputError, InvalidSourceError
from equivalence.io.base import LoadedSource, read_text
from equivalence.rdf import QuadBuilder, boolean, date_literal, integer
from equivalence.store.base import SelectResult, Term, TripleStore
from equivalence.vocab import (
    COUNTRIES,
    CRITERION_KINDS,
    DCTERMS,
    EQ,
    OCCUPATION_SCHEMES,
    RDF,
    SKOS,
    STATUSES,
    UNIT_CLASS,
    body_iri,
    committee_iri,
    country_graph,
    criterion_iri,
    criterion_kind_iri,
    level_iri,
    occupation_scheme,
    sector_iri,
    slug,
    standard_iri,
    status_iri,
    unit_iri,
)

__all__ = [
    "BODIES",
    "COLUMNS",
    "DEFAULT_BODY",
    "OPTIONAL_COLUMNS",
    "TABLES",
    "BuilderFactory",
    "TemplatePart",
    "read_template",
    "read_template_rows",
    "write_template",
]

# Makes the builder of one country's graph and one table: (graph, dataset, record path).
BuilderFactory = Callable[[NamedNode, str, str], QuadBuilder]
# given a table's header, which of its raw rows to read
RowFilter = Callable[[Sequence[str]], Callable[[Sequence[str]], bool]]


@dataclass(frozen=True, slots=True)
class TemplatePart:
    """Part `index` of `parts` disjoint parts of a template, made by standard: a standard's
    units and criteria are in its part, and standards sharing a Chilean unit (one UCL in
    several profiles) in the same one. Reading each part in its own process reads the
    template on several cores; every row check is made in the part of its row's standard
    (the checks across standards — repeated codes, sector and committee spellings — by every
    part, reported by the row's). Sectors and committees are described in every part that
    names them. Rows of an unknown standard are in part 0."""

    index: int
    parts: int

    def plan(self, tables: Mapping[str, _Table]) -> dict[tuple[str, str], int]:
        """The part of each standard, as `(COUNTRY, code)` as its rows write them."""
        return _partition(tables, self.parts)

    def rows_of(self, plan: Mapping[tuple[str, str], int]) -> RowFilter:
        """Which raw rows of a table keyed by standard_code are this part's (decided before
        a row's cells are stripped and mapped: most of another part's rows cost nothing)."""

        def for_header(header: Sequence[str]) -> Callable[[Sequence[str]], bool]:
            if "country" not in header or "standard_code" not in header:
                return lambda raw: True
            country, code = header.index("country"), header.index("standard_code")

            def keep(raw: Sequence[str]) -> bool:
                key = (
                    raw[country].strip().upper() if country < len(raw) else "",
                    raw[code].strip() if code < len(raw) else "",
                )
                return plan.get(key, 0) == self.index

            return keep

        return for_header


def _partition(tables: Mapping[str, _Table], parts: int) -> dict[tuple[str, str], int]:
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(key: tuple[str, str]) -> tuple[str, str]:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    standards = tables.get("standards")
    for _, row in standards.rows if standards is not None else ():
        key = (row.get("country", "").upper(), row.get("code", ""))
        parent.setdefault(key, key)
    units = tables.get("units")
    holders: dict[str, tuple[str, str]] = {}  # a country-wide unit IRI: its first standard
    for _, row in units.rows if units is not None else ():
        country, unit = row.get("country", "").upper(), row.get("unit_code", "")
        key = (country, row.get("standard_code", ""))
        if country != "CL" or not unit or key not in parent:
            continue  # only ChileValora's UCLs are shared between standards
        holder = holders.setdefault(unit_iri(country, key[1], unit).value, key)
        parent[root(key)] = root(holder)
    assigned: dict[tuple[str, str], int] = {}
    return {key: assigned.setdefault(root(key), len(assigned) % parts) for key in list(parent)}


TABLES: Final = ("standards", "units", "criteria")

# Columns every table must have (cells may still be empty where the column is not required).
COLUMNS: Final[Mapping[str, tuple[str, ...]]] = {
    "standards": (
        "country",
        "code",
        "title",
        "level",
        "sector",
        "occupation_scheme",
        "occupation_code",
        "valid_from",
        "description",
        "version",
    ),
    "units": ("country", "standard_code", "unit_code", "title", "essential"),
    "criteria": ("country", "standard_code", "unit_code", "criterion_code", "kind", "text"),
}

# Documented extra columns the reader understands; any other column is ignored.
OPTIONAL_COLUMNS: Final[Mapping[str, tuple[str, ...]]] = {
    "standards": ("valid_to", "committee", "status", "source_url", "body"),
    "units": ("description", "esco_skills"),
    "criteria": (),
}

# Cells that must not be empty.
_REQUIRED_CELLS: Final[Mapping[str, tuple[str, ...]]] = {
    "standards": ("country", "code", "title"),
    "units": ("country", "standard_code", "unit_code", "title"),
    "criteria": ("country", "standard_code", "unit_code", "criterion_code", "kind", "text"),
}
# each table's required cells of a row, as a tuple (at least two columns each)
_REQUIRED_VALUES: Final = {name: itemgetter(*cells) for name, cells in _REQUIRED_CELLS.items()}

BODIES: Final = ("CONOCER", "ChileValora", "SENA", "MTPE", "SINEACE")
DEFAULT_BODY: Final[Mapping[str, str]] = {
    "MX": "CONOCER",
    "CL": "ChileValora",
    "CO": "SENA",
    "PE": "MTPE",
}


# The status column takes the ontology's notation or its Spanish label (case and accents ignored).
_STATUS_ALIASES: Final[Mapping[str, str]] = {
    **{status: status for status in STATUSES},
    "vigente": "active",
    "no vigente": "inactive",
    "retirado": "withdrawn",
    "en elaboracion": "draft",
}

# Terms every row states, built once (a namespace attribute builds a new term on each access).
_TYPE: Final = RDF.type
_IDENTIFIER: Final = DCTERMS.identifier
_DESCRIPTION: Final = DCTERMS.description
_SOURCE: Final = DCTERMS.source
_PREF_LABEL: Final = SKOS.prefLabel
_LEVEL: Final = EQ.level
_SECTOR: Final = EQ.sector
_COMMITTEE: Final = EQ.committee
_OCCUPATION: Final = EQ.occupation
_VERSION: Final = EQ.version
_STATUS: Final = EQ.status
_VALID_FROM: Final = EQ.validFrom
_VALID_TO: Final = EQ.validTo
_ESSENTIAL: Final = EQ.essential
_ORDER: Final = EQ.order
_RELATED_SKILL: Final = EQ.relatedSkill
_HAS_UNIT: Final = EQ.hasUnit
_HAS_CRITERION: Final = EQ.hasCriterion
_CRITERION_KIND: Final = EQ.criterionKind
_COMPETENCY_UNIT: Final = EQ.CompetencyUnit
_PERFORMANCE_CRITERION: Final = EQ.PerformanceCriterion
_SECTOR_CLASS: Final = EQ.Sector
_COMMITTEE_CLASS: Final = EQ.Committee
_TRUE: Final = frozenset({"true", "verdadero", "si", "yes", "1"})
_FALSE: Final = frozenset({"false", "falso", "no", "0"})
_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ESCO_SKILL: Final = "http://data.europa.eu/esco/skill/"
_SKILL_IRI: Final = re.compile(rf"^{re.escape(_ESCO_SKILL)}[\w.-]+$")
_DATASET: Final = "template"
_LANG: Final = "es"

Format = Literal["csv", "xlsx"]


def _fold(value: str) -> str:
    """Lower case without accents: 'DESEMPEÑO' and 'Desempeno' both give 'desempeno'."""
    decomposed = unicodedata.normalize("NFKD", value.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_KINDS_BY_FOLD: Final[Mapping[str, str]] = {_fold(kind): kind for kind in CRITERION_KINDS}


@lru_cache(maxsize=4096)
def _folded(value: str) -> str:
    """`_fold` of a cell whose few values repeat on every row (kinds, booleans, statuses)."""
    return _fold(value)


# a literal is immutable: one object per number or truth value serves every row
_integer: Final = lru_cache(maxsize=4096)(integer)
_boolean: Final = lru_cache(maxsize=2)(boolean)
_criterion_code: Final = lru_cache(maxsize=4096)(RdfLiteral)  # C1, C2 … again in every unit
_KIND_NAMES: Final = ", ".join(CRITERION_KINDS)


# --------------------------------------------------------------------------------------------
# Reading the tables (CSV folder or XLSX workbook) into rows
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Table:
    """One table as read: where it came from and its data rows `(line, {column: cell})`."""

    name: str
    file: str  # for error messages: the CSV path or 'book.xlsx#sheet'
    record_path: str  # as written in the provenance records
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    _by_line: dict[int, dict[str, str]] | None = None

    def row(self, line: int) -> dict[str, str]:
        """The cells of the row read at `line` (empty when there is none)."""
        if self._by_line is None:
            self._by_line = dict(self.rows)
        return self._by_line.get(line, {})

    def cell(self, line: int, column: str) -> str | None:
        """The text of one cell (None when the row or the column is not there)."""
        return self.row(line).get(column) or None


def _cell_text(value: Any) -> str:
    """The text of one XLSX cell as the template reads it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows_from_cells(
    table: _Table,
    cells: Iterable[tuple[int, Sequence[str]]],
    problems: list[InputError],
    rows: RowFilter | None = None,
) -> None:
    """Fills `table` from raw rows `(line, cells)`; the first row is the header. With `rows`,
    only the rows it keeps."""
    iterator = iter(cells)
    first = next(iterator, None)
    if first is None:
        problems.append(
            InputError("the table is empty: it has no header row", file=table.file, line=1)
        )
        return
    header_line, raw_header = first
    header = [h.strip().lower() for h in raw_header]
    while header and not header[-1]:
        header.pop()
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            problems.append(
                InputError(
                    f"column {name!r} appears twice in the header",
                    file=table.file,
                    line=header_line,
                    column=name,
                    code="duplicate-column",
                )
            )
        seen.add(name)
    for name in COLUMNS[table.name]:
        if name not in seen:
            problems.append(
                InputError(
                    f"missing column {name!r}; the {table.name} table needs the columns "
                    f"{', '.join(COLUMNS[table.name])}",
                    file=table.file,
                    line=header_line,
                    column=name,
                    code="missing-column",
                )
            )
    table.header = header
    plain = all(header)  # every column named: a row is the header zipped with its cells
    keep = rows(header) if rows is not None else None
    for line, raw in iterator:
        if keep is not None and not keep(raw):
            continue
        values = list(map(str.strip, raw))
        if not any(values):
            continue  # blank rows are skipped
        if len(values) > len(header) and any(values[len(header) :]):
            extra = next(i for i in range(len(header), len(values)) if values[i])
            problems.append(
                InputError(
                    f"row has {len(values)} cells but the header has {len(header)} columns",
                    file=table.file,
                    line=line,
                    column=extra + 1,
                    code="row-length",
                )
            )
            continue
        if plain and len(values) == len(header):
            row = dict(zip(header, values, strict=True))
        else:
            row = {
                name: (values[i] if i < len(values) else "")
                for i, name in enumerate(header)
                if name
            }
        table.rows.append((line, row))


def _read_csv_table(
    folder: Path, name: str, problems: list[InputError], rows: RowFilter | None = None
) -> _Table | None:
    path = folder / f"{name}.csv"
    if not path.is_file():
        problems.append(
            InputError(
                f"missing table: {name}.csv is not in the folder {folder}",
                file=path,
                code="missing-table",
            )
        )
        return None
    try:
        content = read_text(path)
    except InputError as exc:
        problems.append(exc)
        return None
    table = _Table(name, str(path), f"{folder.name}/{name}.csv")
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)

    def lines() -> Iterable[tuple[int, Sequence[str]]]:
        start = 1
        try:
            for cells in reader:
                yield start, cells
                start = reader.line_num + 1
        except csv.Error as exc:
            problems.append(
                InputError(f"malformed CSV: {exc}", file=path, line=start, code="csv-syntax")
            )

    _rows_from_cells(table, lines(), problems, rows)
    return table


def _read_xlsx_tables(path: Path, problems: list[InputError]) -> dict[str, _Table | None]:
    try:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, ValueError … for broken files
        problems.append(InputError(f"not a readable XLSX workbook: {exc}", file=path, code="xlsx"))
        return dict.fromkeys(TABLES)
    tables: dict[str, _Table | None] = {}
    try:
        sheets = {str(title).strip().lower(): title for title in book.sheetnames}
        for name in TABLES:
            title = sheets.get(name)
            if title is None:
                problems.append(
                    InputError(
                        f"missing sheet {name!r}; the workbook has "
                        f"{', '.join(book.sheetnames) or 'no sheets'}",
                        file=path,
                        code="missing-table",
                    )
                )
                tables[name] = None
                continue
            sheet = book[title]
            table = _Table(name, f"{path}#{name}", f"{path.name}#{name}")
            rows = (
                (number, [_cell_text(v) for v in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            )
            _rows_from_cells(table, rows, problems)
            tables[name] = table
    finally:
        book.close()
    return tables


# --------------------------------------------------------------------------------------------
# Validation and conversion to quads
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _UnitSeen:
    line: int
    standard_code: str
    values: dict[str, str]


@dataclass(slots=True)
class _CriterionSeen:
    line: int
    standard_code: str
    values: dict[str, str]


class _Converter:
    """Checks every row and builds the quads; `problems` collects what is wrong."""

    def __init__(
        self,
        tables: Mapping[str, _Table],
        *,
        provenance: bool = True,
        sink: Callable[[list[Quad]], None] | None = None,
        builders: BuilderFactory | None = None,
        part: tuple[TemplatePart, Mapping[tuple[str, str], int]] | None = None,
    ) -> None:
        self.tables = tables
        # with a part and its plan: the standards (with their units and criteria) converted
        self.owner = part[1] if part is not None else None
        self.part = part[0].index if part is not None else 0
        self.provenance = provenance
        self.sink = sink
        self.builder_factory = builders
        self.problems: list[InputError] = []
        self.builders: dict[tuple[str, str], QuadBuilder] = {}
        self.tally: dict[tuple[str, str], int] = {}
        # standards present in the table (valid or not), to avoid cascading errors
        self.standard_lines: dict[tuple[str, str], int] = {}
        self.unit_lines: dict[tuple[str, str, str], int] = {}
        self.units_by_iri: dict[NamedNode, _UnitSeen] = {}
        self.criteria_by_iri: dict[NamedNode, _CriterionSeen] = {}
        self.unit_count: dict[tuple[str, str], int] = {}
        self.criterion_count: dict[NamedNode, int] = {}
        self.labels: dict[tuple[str, str, str], tuple[str, int]] = {}
        self.described: set[NamedNode] = set()

    # -- helpers -----------------------------------------------------------------------------

    def problem(self, table: _Table, line: int, column: str, message: str, code: str) -> None:
        self.problems.append(
            InputError(
                message,
                file=table.file,
                line=line,
                column=column,
                code=code,
                value=table.cell(line, column),
                row=table.row(line),
            )
        )

    def builder(self, country: str, table: _Table) -> QuadBuilder:
        key = (country, table.name)
        found = self.builders.get(key)
        if found is None:
            found = self.builders[key] = self.new_builder(country_graph(country), table)
        return found

    def new_builder(self, graph: NamedNode, table: _Table) -> QuadBuilder:
        if self.builder_factory is not None:
            return self.builder_factory(graph, _DATASET, table.record_path)
        return QuadBuilder(
            graph, _DATASET, table.record_path, provenance=self.provenance, sink=self.sink
        )

    def owns(self, row: Mapping[str, str], code_column: str) -> bool:
        """Whether the row's standard is in this conversion's part (every row without a part)."""
        if self.owner is None:
            return True
        key = (row.get("country", "").upper(), row.get(code_column, ""))
        return self.owner.get(key, 0) == self.part

    def count(self, what: str, country: str) -> None:
        key = (what, country)
        self.tally[key] = self.tally.get(key, 0) + 1

    @property
    def counts(self) -> dict[str, int]:
        """What was read per table (``criteria``) and per table and country (``criteria:MX``)."""
        counts: dict[str, int] = {}
        for (what, country), n in sorted(self.tally.items()):
            counts[what] = counts.get(what, 0) + n
            counts[f"{what}:{country}"] = n
        return counts

    def required(self, table: _Table, line: int, row: Mapping[str, str]) -> bool:
        with suppress(KeyError):  # a row of every required column, each given: the common case
            if all(_REQUIRED_VALUES[table.name](row)):
                return True
        missing = [column for column in _REQUIRED_CELLS[table.name] if not row.get(column, "")]
        for column in missing:
            self.problem(table, line, column, f"{column} is required but empty", "empty-cell")
        return not missing

    def country(self, table: _Table, line: int, row: Mapping[str, str]) -> str | None:
        raw = row.get("country", "")
        if not raw:
            return None
        code = raw.upper()
        if code not in COUNTRIES:
            self.problem(
                table,
                line,
                "country",
                f"{raw!r} is not a country of the template; use one of {', '.join(COUNTRIES)}",
                "unknown-country",
            )
            return None
        return code

    def iso_date(self, table: _Table, line: int, column: str, raw: str) -> date | None:
        if not raw:
            return None
        try:
            if not _DATE.match(raw):
                raise ValueError(raw)
            return date.fromisoformat(raw)
        except ValueError:
            self.problem(
                table, line, column, f"{raw!r} is not a date written YYYY-MM-DD", "invalid-date"
            )
            return None

    def same_label(self, table: _Table, line: int, column: str, country: str, label: str) -> None:
        """Sectors and committees named by slug: two spellings of one slug would be two labels."""
        key = (country, column, slug(label))
        seen = self.labels.get(key)
        if seen is None:
            self.labels[key] = (label, line)
        elif seen[0] != label:
            self.problem(
                table,
                line,
                column,
                f"{label!r} names the same {column} as {seen[0]!r} (line {seen[1]}); "
                "write it the same way",
                "inconsistent-label",
            )

    def named(
        self,
        b: QuadBuilder,
        iri: NamedNode,
        cls: NamedNode,
        label: str,
        line: int,
    ) -> None:
        """A sector or committee, described once per country graph."""
        if iri in self.described:
            return
        self.described.add(iri)
        b.add(iri, _TYPE, cls)
        b.add(iri, _PREF_LABEL, RdfLiteral(label, language=_LANG))
        b.derived(iri, line)

    # -- standards ---------------------------------------------------------------------------

    def standards(self, table: _Table) -> None:
        for line, row in table.rows:
            start = len(self.problems)
            checked = self.standard_row(table, line, row)
            if not self.owns(row, "code"):
                # another part's standard: checked here too, for what later rows are compared
                # with (codes, sector and committee spellings), but that part reports it
                del self.problems[start:]
            elif checked is not None:
                complete, country, before = checked
                if complete and country:
                    # a bad optional cell is left out; the rest of the standard still stands
                    self.standard(table, line, _without(row, self.problems[before:]), country)

    def standard_row(
        self, table: _Table, line: int, row: Mapping[str, str]
    ) -> tuple[bool, str | None, int] | None:
        """Checks a standard's row: (complete, country, where its optional cells' problems
        start); None for a repeated code (the row is left out)."""
        complete = self.required(table, line, row)
        country = self.country(table, line, row)
        code = row.get("code", "")
        if country and code:
            key = (country, code)
            if key in self.standard_lines:
                self.problem(
                    table,
                    line,
                    "code",
                    f"standard {code!r} of {country} is already given at line "
                    f"{self.standard_lines[key]}",
                    "duplicate",
                )
                return None
            self.standard_lines[key] = line
        before = len(self.problems)
        self.check_standard(table, line, row, country)
        return complete, country, before

    def check_standard(
        self, table: _Table, line: int, row: Mapping[str, str], country: str | None
    ) -> bool:
        before = len(self.problems)
        level = row.get("level", "")
        if level and not (level.isascii() and level.isdigit() and int(level) > 0):
            self.problem(
                table, line, "level", f"{level!r} is not a positive integer", "invalid-level"
            )
        valid_from = self.iso_date(table, line, "valid_from", row.get("valid_from", ""))
        valid_to = self.iso_date(table, line, "valid_to", row.get("valid_to", ""))
        if valid_from and valid_to and valid_from > valid_to:
            self.problem(
                table,
                line,
                "valid_to",
                f"valid_to {valid_to.isoformat()} is before valid_from {valid_from.isoformat()}",
                "invalid-period",
            )
        scheme = row.get("occupation_scheme", "")
        occupation = row.get("occupation_code", "")
        if scheme:
            try:
                occupation_scheme(scheme)
            except KeyError:
                self.problem(
                    table,
                    line,
                    "occupation_scheme",
                    f"{scheme!r} is not a known occupation classification; use one of "
                    f"{', '.join(OCCUPATION_SCHEMES)}",
                    "unknown-scheme",
                )
            if not occupation:
                self.problem(
                    table,
                    line,
                    "occupation_code",
                    f"occupation_scheme is {scheme!r} but occupation_code is empty",
                    "empty-cell",
                )
        elif occupation:
            self.problem(
                table,
                line,
                "occupation_scheme",
                f"occupation_code {occupation!r} needs occupation_scheme (the classification "
                "it belongs to)",
                "empty-cell",
            )
        body = row.get("body", "")
        if body and body.upper() not in {b.upper() for b in BODIES}:
            self.problem(
                table,
                line,
                "body",
                f"{body!r} is not a known certifying body; use one of {', '.join(BODIES)}",
                "unknown-body",
            )
        status = row.get("status", "")
        if status and _folded(status) not in _STATUS_ALIASES:
            self.problem(
                table,
                line,
                "status",
                f"{status!r} is not a status; use one of {', '.join(STATUSES)} "
                "(or vigente, no vigente, retirado, en elaboración)",
                "invalid-status",
            )
        url = row.get("source_url", "")
        if url and not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", url):
            self.problem(
                table, line, "source_url", f"{url!r} is not an http(s) address", "invalid-url"
            )
        if country:
            for column in ("sector", "committee"):
                if row.get(column, ""):
                    self.same_label(table, line, column, country, row[column])
        return len(self.problems) == before

    def standard(self, table: _Table, line: int, row: Mapping[str, str], country: str) -> None:
        b = self.builder(country, table)
        code = row["code"]
        s = standard_iri(country, code)
        body = row.get("body", "") or DEFAULT_BODY[country]
        b.standard(s, country, next(x for x in BODIES if x.upper() == body.upper()), code)
        b.add_text(s, _PREF_LABEL, row["title"], _LANG)
        b.add_text(s, _DESCRIPTION, row.get("description"), _LANG)
        if row.get("level", ""):
            b.add(s, _LEVEL, level_iri(country, int(row["level"])))
        if row.get("sector", ""):
            sector = sector_iri(country, row["sector"])
            b.add(s, _SECTOR, sector)
            self.named(b, sector, _SECTOR_CLASS, row["sector"], line)
        if row.get("committee", ""):
            committee = committee_iri(country, row["committee"])
            b.add(s, _COMMITTEE, committee)
            self.named(b, committee, _COMMITTEE_CLASS, row["committee"], line)
        if row.get("occupation_scheme", ""):
            scheme = occupation_scheme(row["occupation_scheme"])
            b.add(s, _OCCUPATION, scheme.concept(row["occupation_code"]))
        b.add_text(s, _VERSION, row.get("version"))
        if row.get("status", ""):
            b.add(s, _STATUS, status_iri(_STATUS_ALIASES[_folded(row["status"])]))
        for column, predicate in (("valid_from", _VALID_FROM), ("valid_to", _VALID_TO)):
            if row.get(column, ""):
                b.add(s, predicate, date_literal(date.fromisoformat(row[column])))
        if row.get("source_url", ""):
            b.add(s, _SOURCE, NamedNode(row["source_url"]))
        b.derived(s, line)
        self.count("standards", country)

    # -- units -------------------------------------------------------------------------------

    def units(self, table: _Table) -> None:
        for line, row in table.rows:
            if not self.owns(row, "standard_code"):
                continue
            complete = self.required(table, line, row)
            country = self.country(table, line, row)
            standard_code = row.get("standard_code", "")
            unit_code = row.get("unit_code", "")
            ok = True
            if country and standard_code and (country, standard_code) not in self.standard_lines:
                self.problem(
                    table,
                    line,
                    "standard_code",
                    f"standard {standard_code!r} of {country} is not in the standards table",
                    "unknown-standard",
                )
                ok = False
            if country and standard_code and unit_code:
                key = (country, standard_code, unit_code)
                if key in self.unit_lines:
                    self.problem(
                        table,
                        line,
                        "unit_code",
                        f"unit {unit_code!r} of standard {standard_code!r} is already given at "
                        f"line {self.unit_lines[key]}",
                        "duplicate",
                    )
                    continue
                self.unit_lines[key] = line
            essential = self.essential(table, line, row.get("essential", ""))
            skills = self.skills(table, line, row.get("esco_skills", ""))
            if not (complete and ok and country):
                continue
            # a bad optional cell is left out; the rest of the unit still stands
            essential = "" if essential == "invalid" else essential
            skills = skills or []
            values = {
                "title": row["title"],
                "essential": essential,
                "description": row.get("description", ""),
                "esco_skills": "|".join(sorted(skills)),
            }
            iri = unit_iri(country, standard_code, unit_code)
            shared = self.units_by_iri.get(iri)
            if shared is not None and not self.same_shared(
                table, line, iri, unit_code, shared, values, "unit"
            ):
                continue
            self.unit(table, line, row, country, iri, values, skills, shared is None)

    def essential(self, table: _Table, line: int, raw: str) -> str:
        if not raw:
            return ""
        folded = _folded(raw)
        if folded in _TRUE:
            return "true"
        if folded in _FALSE:
            return "false"
        self.problem(
            table,
            line,
            "essential",
            f"{raw!r} is not true or false (also accepted: sí/no, yes/no, 1/0)",
            "invalid-boolean",
        )
        return "invalid"

    def skills(self, table: _Table, line: int, raw: str) -> list[str] | None:
        skills = [s.strip() for s in raw.split("|") if s.strip()]
        bad = [s for s in skills if not _SKILL_IRI.match(s)]
        if bad:
            self.problem(
                table,
                line,
                "esco_skills",
                f"{bad[0]!r} is not an ESCO skill URI ({_ESCO_SKILL}…); separate several with '|'",
                "invalid-skill",
            )
            return None
        return list(dict.fromkeys(skills))

    def same_shared(
        self,
        table: _Table,
        line: int,
        iri: NamedNode,
        code: str,
        seen: _UnitSeen | _CriterionSeen,
        values: Mapping[str, str],
        what: str,
    ) -> bool:
        """A resource given twice (a Chilean UCL shared by several profiles) must agree."""
        for column, value in values.items():
            if seen.values.get(column, "") != value:
                self.problem(
                    table,
                    line,
                    column,
                    f"{what} {code!r} is shared with standard {seen.standard_code!r} "
                    f"(line {seen.line}) but its {column} differs: {value!r} here, "
                    f"{seen.values.get(column, '')!r} there",
                    "inconsistent-shared",
                )
                return False
        return True

    def unit(
        self,
        table: _Table,
        line: int,
        row: Mapping[str, str],
        country: str,
        iri: NamedNode,
        values: Mapping[str, str],
        skills: list[str],
        first: bool,
    ) -> None:
        b = self.builder(country, table)
        standard_code = row["standard_code"]
        key = (country, standard_code)
        self.unit_count[key] = self.unit_count.get(key, 0) + 1
        if first:
            self.units_by_iri[iri] = _UnitSeen(line, standard_code, dict(values))
            b.add(iri, _TYPE, _COMPETENCY_UNIT)
            b.add(iri, _TYPE, UNIT_CLASS[country])
            b.add(iri, _IDENTIFIER, RdfLiteral(row["unit_code"]))
            b.add(iri, _PREF_LABEL, RdfLiteral(row["title"], language=_LANG))  # required
            b.add_text(iri, _DESCRIPTION, row.get("description"), _LANG)
            if values["essential"]:
                b.add(iri, _ESSENTIAL, _boolean(values["essential"] == "true"))
            # the position in the first standard that lists it (a shared UCL keeps one order)
            b.add(iri, _ORDER, _integer(self.unit_count[key]))
            b.add_all(iri, _RELATED_SKILL, [NamedNode(s) for s in skills])
        b.reified(standard_iri(country, standard_code), _HAS_UNIT, iri, line)
        b.derived(iri, line)
        self.count("units", country)

    # -- criteria ----------------------------------------------------------------------------

    def criteria(self, table: _Table) -> None:
        seen_rows: dict[tuple[str, str, str, str], int] = {}
        for line, row in table.rows:
            if not self.owns(row, "standard_code"):
                continue
            complete = self.required(table, line, row)
            country = self.country(table, line, row)
            standard_code = row.get("standard_code", "")
            unit_code = row.get("unit_code", "")
            code = row.get("criterion_code", "")
            ok = True
            if country and standard_code and unit_code:
                if (country, standard_code, unit_code) not in self.unit_lines:
                    where = (
                        "the units table"
                        if (country, standard_code) in self.standard_lines
                        else "the units table (nor is its standard in the standards table)"
                    )
                    self.problem(
                        table,
                        line,
                        "unit_code",
                        f"unit {unit_code!r} of standard {standard_code!r} ({country}) is not in "
                        f"{where}",
                        "unknown-unit",
                    )
                    ok = False
                elif code:
                    key = (country, standard_code, unit_code, code)
                    if key in seen_rows:
                        self.problem(
                            table,
                            line,
                            "criterion_code",
                            f"criterion {code!r} of unit {unit_code!r} is already given at line "
                            f"{seen_rows[key]}",
                            "duplicate",
                        )
                        continue
                    seen_rows[key] = line
            kind = self.kind(table, line, row.get("kind", ""))
            if not (complete and ok and country and kind):
                continue
            iri = criterion_iri(country, standard_code, unit_code, code)
            values = {"kind": kind, "text": row["text"]}
            shared = self.criteria_by_iri.get(iri)
            if shared is not None and not self.same_shared(
                table, line, iri, code, shared, values, "criterion"
            ):
                continue
            self.criterion(table, line, row, country, iri, values, shared is None)

    def kind(self, table: _Table, line: int, raw: str) -> str | None:
        if not raw:
            return None
        kind = _KINDS_BY_FOLD.get(_folded(raw))
        if kind is None:
            self.problem(
                table, line, "kind", f"{raw!r} is not one of {_KIND_NAMES}", "invalid-kind"
            )
        return kind

    def criterion(
        self,
        table: _Table,
        line: int,
        row: Mapping[str, str],
        country: str,
        iri: NamedNode,
        values: dict[str, str],
        first: bool,
    ) -> None:
        b = self.builder(country, table)
        unit = unit_iri(country, row["standard_code"], row["unit_code"])
        if first:
            self.criteria_by_iri[iri] = _CriterionSeen(line, row["standard_code"], values)
            self.criterion_count[unit] = self.criterion_count.get(unit, 0) + 1
            b.describe(
                iri,
                (
                    (_TYPE, _PERFORMANCE_CRITERION),
                    (_IDENTIFIER, _criterion_code(row["criterion_code"])),
                    (_PREF_LABEL, RdfLiteral(values["text"], language=_LANG)),  # required
                    (_CRITERION_KIND, criterion_kind_iri(values["kind"])),
                    (_ORDER, _integer(self.criterion_count[unit])),
                ),
            )
        b.reified(unit, _HAS_CRITERION, iri, line)
        b.derived(iri, line)
        self.count("criteria", country)


@contextmanager
def _no_garbage_collection() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _without(row: Mapping[str, str], problems: Sequence[InputError]) -> dict[str, str]:
    """The row with the cells that have a problem emptied (both occupation cells together)."""
    bad = {str(p.column) for p in problems}
    if bad & {"occupation_scheme", "occupation_code"}:
        bad |= {"occupation_scheme", "occupation_code"}
    if "valid_to" in bad:
        bad.add("valid_from")  # an inverted period: neither date can be trusted
    return {column: "" if column in bad else value for column, value in row.items()}


def read_template(path: Path) -> LoadedSource:
    """Reads and validates a template: a folder of three CSV files or one XLSX workbook.

    Every problem is collected; if there is any, one `InvalidSourceError` lists them all (each an
    `InputError` with file, line and column) and nothing is returned. Counts are given per table
    (``standards``, ``units``, ``criteria``) and per table and country (``standards:MX`` …).
    """
    source, problems = read_template_rows(path)
    if problems:
        raise InvalidSourceError(problems, file=path)
    return source


def read_template_rows(
    path: Path,
    *,
    provenance: bool = True,
    sink: Callable[[list[Quad]], None] | None = None,
    builders: BuilderFactory | None = None,
    part: TemplatePart | None = None,
) -> tuple[LoadedSource, list[InputError]]:
    """Reads a template and returns the quads of every row that is right, and the row problems.

    What `validate` uses: a row with a problem is left out (or only its bad cell, where the rest
    can stand) and the problem is returned, so that the shapes still check every other row.
    Structural problems (a missing table or column, a file that is not UTF-8 or not CSV/XLSX)
    raise `InvalidSourceError`: such a template cannot be read at all.

    With `provenance=False` no source records are stated (validation does not need them): the
    source's `rows` maps each resource IRI to its file and line instead. With a `sink`, quads
    are handed to it by batches while the rows are read, and the source holds none (a dry run
    of millions of quads need not keep them twice). With `builders`, each country graph's
    statements go to the builders it makes instead (`provenance` and `sink` are theirs to
    honour): validation indexes them as they come, no `Quad` built. With a `part`, only the
    rows of that part's standards are converted and reported (see `TemplatePart`).
    """
    problems: list[InputError] = []
    tables: dict[str, _Table | None]
    plan: dict[tuple[str, str], int] | None = None
    if path.is_dir():
        tables = {}
        for name in TABLES:
            rows = None
            if part is not None and name == "criteria" and not problems:
                # the other part's criteria, most of the rows, are left as parsed
                plan = part.plan({k: v for k, v in tables.items() if v is not None})
                rows = part.rows_of(plan)
            tables[name] = _read_csv_table(path, name, problems, rows)
    elif path.is_file() and path.suffix.lower() == ".xlsx":
        tables = _read_xlsx_tables(path, problems)
    elif path.is_file():
        raise InputError(
            "a template is a folder of standards.csv, units.csv and criteria.csv, "
            "or an .xlsx workbook",
            file=path,
            code="template-format",
        )
    else:
        raise InputError("no such file or folder", file=path, code="not-found")
    if problems:
        # structural problems first: the rows are checked once every table can be read
        raise InvalidSourceError(problems, file=path)
    complete = {name: table for name, table in tables.items() if table is not None}
    if part is not None and plan is None:
        plan = part.plan(complete)
    converter = _Converter(
        complete,
        provenance=provenance,
        sink=sink,
        builders=builders,
        part=(part, plan) if part is not None and plan is not None else None,
    )
    with _no_garbage_collection():  # millions of acyclic objects: the collector only slows it
        converter.standards(complete["standards"])
        converter.units(complete["units"])
        converter.criteria(complete["criteria"])
    source = LoadedSource(name=path.name, path=path)
    for builder in converter.builders.values():
        builder.flush()
        source.quads.extend(builder.quads)
    # where each resource was read: the first table's row that says it (the earlier builders
    # update last; built in C: 0.1 s for half a million resources, a setdefault loop took 0.7)
    for builder in reversed(converter.builders.values()):
        places = zip(repeat(builder.path), builder.rows.values(), strict=False)
        source.rows.update(zip(builder.rows, places, strict=False))
    counts = converter.counts
    for table in TABLES:
        source.counts[table] = counts.get(table, 0)
    source.counts.update({k: v for k, v in sorted(counts.items()) if ":" in k})
    return source, converter.problems


# --------------------------------------------------------------------------------------------
# Writing the tables back from a store
# --------------------------------------------------------------------------------------------

_KIND_BY_IRI: Final[Mapping[str, str]] = {
    criterion_kind_iri(kind).value: kind for kind in CRITERION_KINDS
}
_BODY_PREFIX: Final = body_iri("").value


def _text(row: Mapping[str, Term], name: str) -> str:
    term = row.get(name)
    if term is None:
        return ""
    value = getattr(term, "value", None)
    return value if isinstance(value, str) else str(term)


def _occupation_cells(iri: str) -> tuple[str, str]:
    """`(scheme name, code)` of an occupation concept IRI; empty when no scheme matches."""
    if not iri:
        return "", ""
    for scheme in sorted(OCCUPATION_SCHEMES.values(), key=lambda s: -len(s.concept_prefix)):
        if iri.startswith(scheme.concept_prefix):
            return scheme.name, unquote(iri[len(scheme.concept_prefix) :])
    return "", ""


def _level_cell(iri: str, country: str) -> str:
    prefix = level_iri(country, 0).value[:-1]
    if iri.startswith(prefix) and iri[len(prefix) :].isdigit():
        return iri[len(prefix) :]
    return ""


def _body_cell(iri: str, country: str) -> str:
    if not iri.startswith(_BODY_PREFIX):
        return ""
    acronym = unquote(iri[len(_BODY_PREFIX) :])
    return "" if acronym == DEFAULT_BODY.get(country) else acronym


def _status_cell(iri: str) -> str:
    for status in STATUSES:
        if iri == status_iri(status).value:
            return status
    return ""


def _standard_row(r: Mapping[str, Term]) -> dict[str, str]:
    country = _text(r, "country_code")
    scheme, code = _occupation_cells(_text(r, "occupation"))
    return {
        "country": country,
        "code": _text(r, "code"),
        "title": _text(r, "title"),
        "level": _level_cell(_text(r, "level"), country),
        "sector": _text(r, "sector"),
        "occupation_scheme": scheme,
        "occupation_code": code,
        "valid_from": _text(r, "valid_from"),
        "description": _text(r, "description"),
        "version": _text(r, "version"),
        "valid_to": _text(r, "valid_to"),
        "committee": _text(r, "committee"),
        "status": _status_cell(_text(r, "status")),
        "source_url": _text(r, "source_url"),
        "body": _body_cell(_text(r, "body"), country),
    }


def _unit_row(r: Mapping[str, Term]) -> dict[str, str]:
    skills = sorted(s for s in _text(r, "esco_skills").split("|") if s)
    return {
        "country": _text(r, "country_code"),
        "standard_code": _text(r, "standard_code"),
        "unit_code": _text(r, "unit_code"),
        "title": _text(r, "title"),
        "essential": _text(r, "essential"),
        "description": _text(r, "description"),
        "esco_skills": "|".join(skills),
    }


def _criterion_row(r: Mapping[str, Term]) -> dict[str, str]:
    return {
        "country": _text(r, "country_code"),
        "standard_code": _text(r, "standard_code"),
        "unit_code": _text(r, "unit_code"),
        "criterion_code": _text(r, "criterion_code"),
        "kind": _KIND_BY_IRI.get(_text(r, "kind"), ""),
        "text": _text(r, "text"),
    }


_ROW_MAKERS = {"standards": _standard_row, "units": _unit_row, "criteria": _criterion_row}


def _order_key(row: Mapping[str, Term]) -> tuple[bool, str, int]:
    file = _text(row, "file")
    line = _text(row, "row")
    return (not file, file, int(line) if line.isdigit() else 0)


def _query_rows(
    store: TripleStore, table: str, countries: list[str] | None
) -> list[dict[str, Term]]:
    from equivalence.sparql import default_catalogue

    catalogue = default_catalogue()
    name = f"template-{table}"
    if countries is None:
        return list(catalogue.select(store, name).rows)
    rows: list[dict[str, Term]] = []
    for country in countries:
        result: SelectResult = catalogue.select(store, name, country=country)
        rows.extend(result.rows)
    if len(countries) > 1:
        rows.sort(key=_order_key)  # stable: rows read from no file keep the query's order
    return rows


def table_rows(
    store: TripleStore, table: str, countries: list[str] | None = None
) -> tuple[list[str], list[dict[str, str]]]:
    """The columns and rows of one template table, read back from the store."""
    if table not in TABLES:
        raise ValueError(f"unknown template table {table!r}")
    rows = [_ROW_MAKERS[table](r) for r in _query_rows(store, table, countries)]
    extras = [c for c in OPTIONAL_COLUMNS[table] if any(row.get(c) for row in rows)]
    columns = [*COLUMNS[table], *extras]
    return columns, [{c: row.get(c, "") for c in columns} for row in rows]


def write_template(
    store: TripleStore,
    out: Path,
    countries: list[str] | None = None,
    fmt: Format = "csv",
) -> dict[str, int]:
    """Writes the three template tables from the store, rows in the order they were read.

    `fmt="csv"` writes ``standards.csv``, ``units.csv`` and ``criteria.csv`` into the folder
    `out` (created if needed); `fmt="xlsx"` writes one workbook at `out` with three sheets.
    `countries` restricts the export (default: every country). Returns the rows per table.
    """
    if countries is not None:
        unknown = [c for c in countries if c.upper() not in COUNTRIES]
        if unknown:
            raise InputError(
                f"unknown country {', '.join(unknown)}; use one of {', '.join(COUNTRIES)}",
                code="unknown-country",
            )
        countries = [c.upper() for c in countries]
    if fmt not in ("csv", "xlsx"):
        raise InputError(
            f"unknown template format {fmt!r}; use csv or xlsx", code="template-format"
        )
    tables = {name: table_rows(store, name, countries) for name in TABLES}
    if fmt == "csv":
        out.mkdir(parents=True, exist_ok=True)
        for name, (columns, rows) in tables.items():
            with (out / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
    else:
        from openpyxl import Workbook

        book = Workbook()
        book.remove(book.active)
        for name, (columns, rows) in tables.items():
            sheet = book.create_sheet(name)
            sheet.append(columns)
            for number, row in enumerate(rows, start=2):
                for index, column in enumerate(columns, start=1):
                    if row[column]:
                        cell = sheet.cell(row=number, column=index, value=row[column])
                        cell.data_type = "s"  # text, even when it looks like a formula
        out.parent.mkdir(parents=True, exist_ok=True)
        book.save(out)
    return {name: len(rows) for name, (_, rows) in tables.items()}
