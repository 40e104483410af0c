"""Named queries over HTTP: `GET /queries` lists them, `GET /queries/{name}?param=…` runs one.

Each `queries/*.rq` file is one named query; its header gives the description and the typed
parameters, which are bound as RDF terms (never pasted into the text). A run goes through the
same machinery as `/sparql`: the same formats by `Accept` or `format`, time limit and result cap.
Named updates (the service's own writes) are not listed and not runnable here.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from api.problems import ProblemError
from api.responses import json_bytes
from api.routes.sparql import answer_query
from equivalence.sparql.catalogue import NamedQuery, default_catalogue
from equivalence.sparql.named import ParameterError, bind_parameters, near_names
from equivalence.sparql.protocol import refuse_update

__all__ = ["router"]

router = APIRouter(tags=["sparql"])

RESERVED = frozenset({"format"})


def _describe(query: NamedQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "description": query.description,
        "form": query.kind,
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "required": not p.optional,
                "description": p.description,
            }
            for p in query.parameters
        ],
        "href": f"/queries/{query.name}",
    }


@cache
def _listing() -> bytes:
    queries = [_describe(q) for q in default_catalogue() if not q.is_update]
    return json_bytes({"count": len(queries), "queries": queries})


@router.get(
    "/queries",
    summary="The named queries, with their description and typed parameters",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "count": 1,
                        "queries": [
                            {
                                "name": "standards-per-sector-level",
                                "description": "How many standards per sector and level.",
                                "form": "SELECT",
                                "parameters": [
                                    {
                                        "name": "country",
                                        "type": "country",
                                        "required": False,
                                        "description": "CL, CO, MX or PE",
                                    }
                                ],
                                "href": "/queries/standards-per-sector-level",
                            }
                        ],
                    }
                }
            }
        }
    },
)
async def list_queries() -> Response:
    return Response(_listing(), media_type="application/json")


@router.get(
    "/queries/{name}",
    summary="Run a named query with its parameters (`?param=value`)",
    responses={
        200: {
            "description": "the results as from /sparql: SPARQL JSON (default), XML, CSV, TSV; "
            "Turtle, N-Triples, JSON-LD or RDF/XML for a CONSTRUCT; by `Accept` or `format`",
            "content": {
                "application/sparql-results+json": {},
                "text/csv": {},
                "text/tab-separated-values": {},
                "application/sparql-results+xml": {},
                "text/turtle": {},
            },
        },
        400: {"description": "an unknown, missing or ill-typed parameter (`parameter` names it)"},
        404: {"description": "no such query; `suggestions` lists near names"},
        503: {"description": "the query ran past the time limit (`query-timeout`)"},
    },
)
async def run_named_query(
    request: Request,
    name: Annotated[str, Path(description="the query's name", examples=["standard-by-code"])],
) -> Response:
    catalogue = default_catalogue()
    names = catalogue.names()
    if name not in names:
        runnable = [n for n in names if not catalogue.get(n).is_update]
        suggestions = near_names(name, runnable)
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        raise ProblemError(
            404,
            f"no named query {name!r}{hint} (GET /queries lists them)",
            code="unknown-query",
            suggestions=suggestions,
        )
    query = catalogue.get(name)
    if query.is_update:
        refuse_update(f"the named query {name!r}, an update,")
    given: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in given:
            raise ProblemError(
                400,
                f"parameter {key!r} is given more than once",
                code="invalid-parameter",
                parameter=key,
            )
        given[key] = value
    format_name = given.pop("format", None)
    try:
        terms = bind_parameters(query, {k: v for k, v in given.items() if k not in RESERVED})
    except ParameterError as exc:
        raise ProblemError(
            400, exc.message, code=exc.code, parameter=exc.parameter, parameters=_params(query)
        ) from exc
    return await answer_query(request, query.render(terms), format_name=format_name)


def _params(query: NamedQuery) -> list[dict[str, Any]]:
    return _describe(query)["parameters"]  # type: ignore[no-any-return]
