"""Named SPARQL queries: one `queries/*.rq` file each, loaded once, rendered with bound terms.

A query file starts with a header of comment lines::

    # name: standards-per-country
    # description: How many standards each country has.
    # param: country country optional -- restrict to one country (CL, CO, MX, PE)

and holds a line ``#@values`` inside its outer ``WHERE {``. Rendering replaces that line with a
``VALUES`` block whose cells are serialised RDF terms (pyoxigraph's N-Triples form); a value never
enters the query text any other way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Literal as TypingLiteral

from pyoxigraph import BlankNode, Literal, NamedNode, Store

from equivalence.errors import QueryError, UnknownQueryError
from equivalence.resources import resource_dir
from equivalence.store.base import SelectResult, Term, TripleStore
from equivalence.vocab import COUNTRIES, XSD, country_iri

__all__ = [
    "Catalogue",
    "NamedQuery",
    "Parameter",
    "default_catalogue",
    "parse_query_file",
    "term_text",
    "to_term",
]

ParamType = TypingLiteral["iri", "string", "integer", "decimal", "boolean", "date", "country"]
_PARAM_TYPES: tuple[str, ...] = (
    "iri",
    "string",
    "integer",
    "decimal",
    "boolean",
    "date",
    "country",
)
_VALUES_MARK = re.compile(r"^[ \t]*#@values[ \t]*$", re.MULTILINE)
_UPDATE_KINDS = frozenset(
    {"INSERT", "DELETE", "WITH", "DROP", "CLEAR", "CREATE", "ADD", "COPY", "MOVE", "LOAD"}
)
_HEADER = re.compile(r"^#\s*(name|description|param|title):\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s+(\w+)(\s+optional)?\s*(?:--\s*(.*))?$")
_KIND = re.compile(r"^\s*(?:PREFIX[^\n]*\n\s*|#[^\n]*\n\s*|BASE[^\n]*\n\s*)*(\w+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    type: ParamType
    optional: bool
    description: str


@dataclass(frozen=True, slots=True)
class NamedQuery:
    name: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str
    path: Path | None = None

    @property
    def kind(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE."""
        match = _KIND.match(_VALUES_MARK.sub("", self.text))
        return match.group(1).upper() if match else "SELECT"

    @property
    def is_update(self) -> bool:
        """True for a SPARQL update (INSERT, DELETE, DROP, ADD, COPY …) rather than a query."""
        return self.kind in _UPDATE_KINDS

    def render(self, params: Mapping[str, object] | None = None) -> str:
        """The query text with its parameters bound as RDF terms in an inline VALUES block."""
        given = dict(params or {})
        unknown = sorted(set(given) - {p.name for p in self.parameters})
        if unknown:
            known = ", ".join(p.name for p in self.parameters) or "none"
            raise QueryError(
                f"query {self.name!r} has no parameter {', '.join(unknown)} (has: {known})"
            )
        cells: list[str] = []
        names: list[str] = []
        for param in self.parameters:
            value = given.get(param.name)
            if value is None or value == "":
                if not param.optional:
                    raise QueryError(f"query {self.name!r} needs parameter {param.name!r}")
                cells.append("UNDEF")
            else:
                cells.append(str(to_term(value, param.type, param.name)))
            names.append(f"?{param.name}")
        if not names:
            return self.text
        if not _VALUES_MARK.search(self.text):
            raise QueryError(f"query {self.name!r} has parameters but no '#@values' line")
        block = f"VALUES ({' '.join(names)}) {{ ({' '.join(cells)}) }}"
        # every '#@values' line gets the block: an update of several operations has one in each
        return _VALUES_MARK.sub(lambda _: block, self.text)


def to_term(value: object, type_: str, name: str = "value") -> NamedNode | Literal | BlankNode:
    """Converts a Python or command-line value into the RDF term of a parameter's type."""
    if isinstance(value, NamedNode | Literal | BlankNode):
        return value
    raw = str(value).strip()
    try:
        if type_ == "iri":
            if raw.startswith("<") and raw.endswith(">"):
                raw = raw[1:-1]
            return NamedNode(raw)
        if type_ == "country":
            code = raw.upper()
            if code not in COUNTRIES:
                raise QueryError(
                    f"{name}: unknown country {raw!r}; use one of {', '.join(COUNTRIES)}"
                )
            return country_iri(code)
        if type_ == "integer":
            return Literal(str(int(raw)), datatype=XSD.integer)
        if type_ == "decimal":
            return Literal(str(Decimal(raw)), datatype=XSD.decimal)
        if type_ == "boolean":
            if raw.lower() not in ("true", "false"):
                raise ValueError(raw)
            return Literal(raw.lower(), datatype=XSD.boolean)
        if type_ == "date":
            return Literal(date.fromisoformat(raw).isoformat(), datatype=XSD.date)
        if type_ == "string":
            return Literal(raw)
    except (ValueError, InvalidOperation) as exc:
        raise QueryError(f"{name}: {raw!r} is not a valid {type_}") from exc
    raise QueryError(f"{name}: unknown parameter type {type_!r}")


def parse_query_file(path: Path) -> NamedQuery:
    """Reads one query file and its header."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    params: list[Parameter] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            params.append(_parse_param(value, path))
        else:
            fields[key] = value.strip()
    name = fields.get("name", path.stem)
    if name != path.stem and path.parent == _queries_dir_or_none():
        raise QueryError(f"{path}: header name {name!r} differs from the file name")
    return NamedQuery(name, fields.get("description", ""), tuple(params), text, path)


def _parse_param(spec: str, path: Path) -> Parameter:
    match = _PARAM.match(spec.strip())
    if not match or match.group(2) not in _PARAM_TYPES:
        raise QueryError(
            f"{path}: bad parameter line {spec!r}; expected 'NAME TYPE [optional] -- description' "
            f"with TYPE one of {', '.join(_PARAM_TYPES)}"
        )
    name, type_, optional, description = match.groups()
    return Parameter(name, type_, bool(optional), (description or "").strip())  # type: ignore[arg-type]


def _queries_dir_or_none() -> Path | None:
    try:
        return resource_dir("queries")
    except FileNotFoundError:
        return None


class Catalogue:
    """The named queries of one folder, parsed once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._queries = {q.name: q for q in map(parse_query_file, sorted(folder.glob("*.rq")))}

    def names(self) -> list[str]:
        return sorted(self._queries)

    def __iter__(self) -> Iterator[NamedQuery]:
        return iter([self._queries[name] for name in self.names()])

    def get(self, name: str) -> NamedQuery:
        try:
            return self._queries[name]
        except KeyError:
            raise UnknownQueryError(
                f"no named query {name!r}; known: {', '.join(self.names())}"
            ) from None

    def select(self, store: TripleStore, name: str, **params: object) -> SelectResult:
        return store.select(self.get(name).render(params))

    def ask(self, store: TripleStore, name: str, **params: object) -> bool:
        return store.ask(self.get(name).render(params))

    def update(self, store: TripleStore, name: str, **params: object) -> None:
        """Runs a named SPARQL update (one transaction) with its parameters bound."""
        store.update(self.get(name).render(params))

    def check(self) -> dict[str, str]:
        """Parses every query (rendered with its parameters unbound) on an empty store.

        Returns the problems by query name; an empty dict means every query is valid.
        """
        empty = Store()
        problems: dict[str, str] = {}
        for query in self._queries.values():
            text = (
                query.render({})
                if not any(not p.optional for p in query.parameters)
                else (_VALUES_MARK.sub(lambda _: "", query.text))
            )
            try:
                if query.is_update:
                    empty.update(text)
                else:
                    empty.query(text)
            except SyntaxError as exc:
                problems[query.name] = str(exc)
        return problems


@cache
def default_catalogue() -> Catalogue:
    """The project's `queries/` folder, loaded once per process."""
    return Catalogue(resource_dir("queries"))


def term_text(term: Term | None) -> str:
    """The plain value of a term for tables and CSV (IRI, lexical form, blank node id)."""
    if term is None:
        return ""
    if isinstance(term, NamedNode | Literal | BlankNode):
        return term.value
    return str(term)
