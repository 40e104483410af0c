"""RDF files a country submits instead of the template: Turtle, N-Triples, JSON-LD, RDF/XML,
N-Quads and TriG.

The triples go into the named graph of the country whose standards they describe (the
`eq:country` of the file's `eq:CompetencyStandard` subjects, or the `country` argument). Nothing
is fetched from the network: a JSON-LD document that needs a remote ``@context`` is refused, and
so is an RDF/XML document with a DOCTYPE (entity declarations).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from equivalence.errors import InputError
from equivalence.io.base import LoadedSource, read_text
from equivalence.vocab import COUNTRIES, EQ, RDF, country_graph, country_iri

__all__ = ["RDF_FORMATS", "read_rdf_file"]

RDF_FORMATS: Final[Mapping[str, RdfFormat]] = {
    ".ttl": RdfFormat.TURTLE,
    ".nt": RdfFormat.N_TRIPLES,
    ".jsonld": RdfFormat.JSON_LD,
    ".json-ld": RdfFormat.JSON_LD,
    ".rdf": RdfFormat.RDF_XML,
    ".owl": RdfFormat.RDF_XML,
    ".nq": RdfFormat.N_QUADS,
    ".trig": RdfFormat.TRIG,
}

_STANDARD_TYPES: Final = frozenset(
    {
        EQ.CompetencyStandard,
        EQ.ConocerStandard,
        EQ.ChileValoraProfile,
        EQ.SenaNorm,
        EQ.PeruProfile,
    }
)
_COUNTRY_BY_IRI: Final[Mapping[NamedNode, str]] = {country_iri(c): c for c in COUNTRIES}
_DOCTYPE: Final = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, max(index, 0)) + 1


def _contexts(node: Any) -> Iterator[Any]:
    """Every ``@context`` value in a JSON-LD document, nested ones included."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                yield value
            yield from _contexts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _contexts(item)


def _remote_reference(context: Any) -> str | None:
    """The IRI a context would be loaded from (a string or an ``@import``), if any."""
    if isinstance(context, str):
        return context
    if isinstance(context, list):
        for item in context:
            found = _remote_reference(item)
            if found is not None:
                return found
    if isinstance(context, dict) and isinstance(context.get("@import"), str):
        return str(context["@import"])
    return None


def _check_json_ld(text: str, path: Path) -> None:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg}", file=path, line=exc.lineno, column=exc.colno, code="syntax"
        ) from None
    for context in _contexts(document):
        reference = _remote_reference(context)
        if reference is not None:
            raise InputError(
                f"the JSON-LD @context refers to {reference!r}, which would have to be fetched; "
                "remote contexts are not loaded: put the context inline in the document",
                file=path,
                line=_line_of(text, text.find(json.dumps(reference)[1:-1])),
                code="remote-context",
            )


def _check_rdf_xml(text: str, path: Path) -> None:
    match = _DOCTYPE.search(text)
    if match:
        raise InputError(
            f"RDF/XML with a <!{match.group(1).upper()}> declaration is refused "
            "(entity declarations can expand or read external content); write the IRIs in full",
            file=path,
            line=_line_of(text, match.start()),
            column=match.start() - text.rfind("\n", 0, match.start()),
            code="xml-entity",
        )


def _syntax_error(exc: SyntaxError, path: Path) -> InputError:
    message = str(exc.msg if exc.msg else exc)
    message = re.sub(r"^Parser error (at|between) [^:]*: ", "", message)
    if "LoadDocumentCallback" in message:
        return InputError(
            "the JSON-LD document needs a remote @context, which is not loaded",
            file=path,
            code="remote-context",
        )
    return InputError(
        f"syntax error: {message}",
        file=path,
        line=exc.lineno,
        column=exc.offset,
        code="syntax",
    )


def _country_of(quads: list[Quad], country: str | None, path: Path) -> str:
    standards = {
        q.subject for q in quads if q.predicate == RDF.type and q.object in _STANDARD_TYPES
    }
    found: set[str] = set()
    for q in quads:
        if q.subject in standards and q.predicate == EQ.country:
            code = _COUNTRY_BY_IRI.get(q.object) if isinstance(q.object, NamedNode) else None
            if code is None:
                raise InputError(
                    f"standard {q.subject} has eq:country {q.object}, which is not one of "
                    f"{', '.join(str(country_iri(c)) for c in COUNTRIES)}",
                    file=path,
                    code="unknown-country",
                )
            found.add(code)
    if len(found) > 1:
        raise InputError(
            f"the file describes standards of several countries ({', '.join(sorted(found))}); "
            "submit one file per country",
            file=path,
            code="mixed-countries",
        )
    if found:
        (code,) = found
        if country is not None and country != code:
            raise InputError(
                f"the file's standards are of {code} but the country given is {country}",
                file=path,
                code="mixed-countries",
            )
        return code
    if country is None:
        raise InputError(
            "no country: the file has no eq:CompetencyStandard with eq:country; "
            "say which country it belongs to",
            file=path,
            code="no-country",
        )
    return country


def read_rdf_file(path: Path, country: str | None = None) -> LoadedSource:
    """Parses one RDF file into the named graph of its country.

    The format comes from the file extension (see `RDF_FORMATS`); the file must be UTF-8.
    Graph names of N-Quads and TriG input are not kept: every triple goes into the country graph.
    Relative IRIs are refused (no base IRI is assumed).
    """
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"unknown RDF file extension {path.suffix!r}; use one of {', '.join(RDF_FORMATS)}",
            file=path,
            code="rdf-format",
        )
    if country is not None:
        country = country.strip().upper()
        if country not in COUNTRIES:
            raise InputError(
                f"unknown country {country!r}; use one of {', '.join(COUNTRIES)}",
                file=path,
                code="unknown-country",
            )
    if not path.is_file():
        raise InputError("no such file", file=path, code="not-found")
    text = read_text(path)
    if fmt == RdfFormat.JSON_LD:
        _check_json_ld(text, path)
    elif fmt == RdfFormat.RDF_XML:
        _check_rdf_xml(text, path)
    try:
        parsed = list(parse(text.encode("utf-8"), format=fmt))
    except SyntaxError as exc:
        raise _syntax_error(exc, path) from None
    code = _country_of(parsed, country, path)
    graph = country_graph(code)
    quads = list(dict.fromkeys(Quad(q.subject, q.predicate, q.object, graph) for q in parsed))
    standards = {
        q.subject for q in parsed if q.predicate == RDF.type and q.object in _STANDARD_TYPES
    }
    source = LoadedSource(name=path.name, path=path, quads=quads)
    source.counts["triples"] = len(quads)
    source.counts["standards"] = len(standards)
    return source
