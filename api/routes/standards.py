"""Standards: search, one standard (JSON, JSON-LD, Turtle, HTML), and its equivalents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import WorkspaceDep
from api.negotiation import RDF_FORMATS, choose, rdf_response
from api.pages import standard_page
from api.responses import json_response
from api.schemas import EquivalentsOut, StandardOut, equivalent_json, standard_json
from equivalence.lookup import (
    StandardNotFoundError,
    near_codes,
    normalise_country,
    standard_description,
    standard_detail,
)
from equivalence.workspace import Workspace

router = APIRouter(tags=["standards"])

Country = Annotated[str, Path(description="CL, CO, MX or PE", examples=["MX"])]
Code = Annotated[
    str, Path(description="the standard's code as its country writes it", examples=["EC0217.01"])
]
_STANDARD_OFFERS = (
    "application/json",
    "application/ld+json",
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "text/html",
)


def _known(workspace: Workspace, country: str, code: str) -> None:
    """Raises the 404 with near codes when the standard is not in the store."""
    if workspace.title(country, code) is None:
        raise StandardNotFoundError(country, code, near_codes(code, workspace.codes(country)))


@router.get(
    "/standards/{country}/{code}",
    summary="One standard with its units, criteria, level, occupations and equivalents",
    response_model=StandardOut,
    responses={
        200: {
            "content": {
                "application/ld+json": {},
                "text/turtle": {},
                "application/n-triples": {},
                "application/rdf+xml": {},
                "text/html": {},
            },
            "description": "JSON by default; JSON-LD, Turtle, N-Triples, RDF/XML or HTML by `Accept` or `?format=`",
        },
        404: {"description": "no such standard; `suggestions` lists the nearest codes"},
    },
)
def get_standard(
    request: Request,
    workspace: WorkspaceDep,
    country: Country,
    code: Code,
    format: Annotated[
        str | None, Query(description="json, jsonld, ttl, nt, rdf or html; overrides Accept")
    ] = None,
) -> Response:
    country = normalise_country(country)
    media_type = choose(request, _STANDARD_OFFERS, format_name=format)
    _known(workspace, country, code)
    if media_type in RDF_FORMATS:
        return rdf_response(standard_description(workspace.store, country, code), media_type)
    detail = standard_detail(workspace.store, country, code, known_codes=workspace.codes(country))
    summaries = workspace.equivalents().summary(country, code)
    if media_type == "text/html":
        return HTMLResponse(standard_page(detail, summaries))
    return json_response(standard_json(detail, summaries))


@router.get(
    "/standards/{country}/{code}/equivalents",
    summary="The standard's equivalents, ranked by confidence",
    response_model=EquivalentsOut,
    responses={404: {"description": "no such standard; `suggestions` lists the nearest codes"}},
)
def get_equivalents(
    workspace: WorkspaceDep,
    country: Country,
    code: Code,
    target: Annotated[
        str | None, Query(description="only equivalents in this country", examples=["CO"])
    ] = None,
    min_confidence: Annotated[
        float | None, Query(ge=0.0, le=1.0, description="the lowest confidence kept")
    ] = None,
) -> Response:
    country = normalise_country(country)
    target_country = normalise_country(target) if target else None
    title = workspace.title(country, code)
    if title is None:
        raise StandardNotFoundError(country, code, near_codes(code, workspace.codes(country)))
    found = workspace.equivalents().of(
        country, code, target=target_country, min_confidence=min_confidence
    )
    return json_response(
        {
            "standard": {"country": country, "code": code, "title": title.title, "iri": title.iri},
            "target": target_country,
            "min_confidence": min_confidence,
            "count": len(found),
            "equivalents": [equivalent_json(e) for e in found],
        }
    )
