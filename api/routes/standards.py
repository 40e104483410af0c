"""Standards: search, one standard (JSON, JSON-LD, Turtle, HTML), and its equivalents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.cache import ResponseCache
from api.deps import WorkspaceDep
from api.negotiation import RDF_FORMATS, choose, rdf_response
from api.pages import standard_page
from api.responses import json_bytes, json_response
from api.schemas import (
    EquivalentsOut,
    SearchPageOut,
    StandardOut,
    equivalent_json,
    standard_json,
)
from equivalence.lookup import (
    StandardNotFoundError,
    near_codes,
    normalise_country,
    standard_description,
    standard_detail,
)
from equivalence.search import SearchHit
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
async def get_equivalents(
    request: Request,
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
    # the hot path: answered on the event loop (no thread hop), from the bytes kept for this
    # question and this state of the store, else from the in-memory index once it is built
    # (building it, after a write, goes to a worker thread)
    country = normalise_country(country)
    target_country = normalise_country(target) if target else None
    cache: ResponseCache = request.app.state.equivalents_cache
    # read before the index: a body is never kept under a generation newer than its data
    generation = workspace.generation
    key = (country, code, target_country, min_confidence)
    body = cache.get(generation, key)
    if body is None:
        if not workspace.is_ready("titles", "equivalents"):
            await run_in_threadpool(workspace.equivalents)
        body = json_bytes(
            _equivalents_body(workspace, country, code, target_country, min_confidence)
        )
        cache.put(generation, key, body)
    return Response(body, media_type="application/json")


def _equivalents_body(
    workspace: Workspace,
    country: str,
    code: str,
    target: str | None,
    min_confidence: float | None,
) -> dict[str, object]:
    title = workspace.title(country, code)
    if title is None:
        raise StandardNotFoundError(country, code, near_codes(code, workspace.codes(country)))
    found = workspace.equivalents().of(country, code, target=target, min_confidence=min_confidence)
    return {
        "standard": {"country": country, "code": code, "title": title.title, "iri": title.iri},
        "target": target,
        "min_confidence": min_confidence,
        "count": len(found),
        "equivalents": [equivalent_json(e) for e in found],
    }


@router.get(
    "/standards",
    summary="Search standards by code or words, over titles, units and criteria, or list them",
    description=(
        "Accent-insensitive and Spanish-aware (stems, regional synonyms such as mesero/garzón/"
        "mozo, nominalisations: gestión finds gestionar); a code or the start of one (EC0217, "
        'P-4711, 2802) ranks its standard first; `"…"` for a phrase, `soldad*` for a prefix. '
        "Filters: one or more `country` (repeat it or separate by commas), a `sector` (its name, "
        "accents and case ignored, or its IRI) and a `level`. Without `q` the standards are "
        "listed by country and code, a page at a time: all of them (`GET /standards`), or those "
        "the filters keep (`GET /standards?country=MX&level=3`); their `match` is `list`. Each "
        "hit of a search says why it matched and quotes the best matching text (the standard's "
        "title, a unit or a criterion)."
    ),
    response_model=SearchPageOut,
)
def search_standards(
    workspace: WorkspaceDep,
    q: Annotated[
        str | None,
        Query(
            max_length=500,
            description="words or a code; omit it to list the standards",
            openapi_examples={
                "words": {"summary": "words", "value": "atención a clientes"},
                "code": {"summary": "a code or its start", "value": "EC0217"},
                "phrase": {"summary": "a phrase", "value": '"atención al cliente"'},
            },
        ),
    ] = None,
    country: Annotated[
        list[str] | None,
        Query(description="CL, CO, MX or PE; repeat it or separate by commas", examples=[["MX"]]),
    ] = None,
    sector: Annotated[
        str | None,
        Query(
            max_length=300,
            description="a sector's name (accents and case ignored) or IRI",
            examples=["Servicios educativos"],
        ),
    ] = None,
    level: Annotated[
        int | None, Query(ge=0, le=10, description="the level in the country's scheme")
    ] = None,
    page: Annotated[int, Query(ge=1, description="from 1")] = 1,
    size: Annotated[int, Query(ge=1, le=100, description="hits a page")] = 20,
) -> Response:
    countries = [
        normalise_country(part) for value in country or [] for part in value.split(",") if part
    ]
    found = workspace.search().search(
        q, countries=countries, sector=sector, level=level, page=page, size=size
    )
    return json_response(
        {
            "query": found.query,
            "total": found.total,
            "page": found.page,
            "size": found.size,
            "pages": found.pages,
            "hits": [_hit_json(hit) for hit in found.hits],
        }
    )


def _hit_json(hit: SearchHit) -> dict[str, object]:
    snippet = hit.snippet
    return {
        "country": hit.country,
        "code": hit.code,
        "title": hit.title,
        "iri": hit.iri,
        "level": hit.level,
        "sector": hit.sector,
        "score": round(hit.score, 4),
        "match": str(hit.match),
        "snippet": None
        if snippet is None
        else {
            "kind": str(snippet.kind),
            "text": snippet.text,
            "marked": snippet.marked("[", "]"),
            "unit_code": snippet.unit_code,
            "code": snippet.code,
        },
    }
