"""Content negotiation: the `Accept` header (with q-values and wildcards) or an explicit
`format` parameter picks one of the representations a route offers; RDF graphs are written by
pyoxigraph in the picked syntax."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from fastapi import Request
from fastapi.responses import Response
from pyoxigraph import RdfFormat, Triple, serialize

from api.problems import ProblemError
from equivalence.vocab import PREFIXES

__all__ = ["RDF_FORMATS", "choose", "parse_accept", "rdf_response"]

RDF_FORMATS: Final[Mapping[str, RdfFormat]] = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/rdf+xml": RdfFormat.RDF_XML,
}
# short names accepted by `?format=`
FORMAT_NAMES: Final[Mapping[str, str]] = {
    "json": "application/json",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "xml": "application/sparql-results+xml",
    "rdfxml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "html": "text/html",
    "sssom": "text/tab-separated-values",
    "text": "text/plain",
}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q-values, best first (stable)."""
    if not header:
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float, int]] = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        quality = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality, position))
    ranges.sort(key=lambda r: (-r[1], _specificity(r[0]), r[2]))
    return [(media, quality) for media, quality, _ in ranges]


def _specificity(media: str) -> int:
    if media == "*/*":
        return 2
    return 1 if media.endswith("/*") else 0


def _matches(media_range: str, offer: str) -> bool:
    if media_range == "*/*":
        return True
    if media_range.endswith("/*"):
        return offer.startswith(media_range[:-1])
    return media_range == offer


def choose(request: Request, offers: Sequence[str], *, format_name: str | None = None) -> str:
    """The offered media type the client prefers; the first offer when it does not mind.

    `format_name` (a `?format=` value, a short name or a media type) overrides `Accept`.
    Raises a 406 problem when nothing offered is acceptable.
    """
    if format_name:
        wanted = FORMAT_NAMES.get(format_name.lower(), format_name.lower())
        if wanted in offers:
            return wanted
        raise ProblemError(
            400,
            f"unknown format {format_name!r} here; use one of {', '.join(_names(offers))}",
            code="unknown-format",
        )
    for media_range, quality in parse_accept(request.headers.get("accept")):
        if quality <= 0:
            continue
        for offer in offers:
            if _matches(media_range, offer) and not _refused(request, offer):
                return offer
    raise ProblemError(
        406,
        f"none of the accepted types is available here; available: {', '.join(offers)}",
        code="not-acceptable",
        available=list(offers),
    )


def _refused(request: Request, offer: str) -> bool:
    """True when the Accept header gives this exact type q=0."""
    return any(
        media == offer and quality <= 0
        for media, quality in parse_accept(request.headers.get("accept"))
    )


def _names(offers: Iterable[str]) -> list[str]:
    return sorted({name for name, media in FORMAT_NAMES.items() if media in offers})


def rdf_response(triples: Iterable[Triple], media_type: str) -> Response:
    """The triples in the RDF syntax of `media_type`, with the project's prefixes."""
    rdf_format = RDF_FORMATS[media_type]
    prefixes = dict(PREFIXES) if rdf_format in (RdfFormat.TURTLE, RdfFormat.RDF_XML) else None
    body = serialize(list(triples), format=rdf_format, prefixes=prefixes)
    return Response(body, media_type=_with_charset(media_type))


def _with_charset(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type
