"""The SPARQL 1.1 Protocol endpoint at /sparql: read-only, with a time limit and a result cap.

- `GET /sparql?query=…`, `POST /sparql` with `application/x-www-form-urlencoded` (`query=…`) or
  with the query itself as `application/sparql-query`; `default-graph-uri` / `named-graph-uri`
  make the dataset (otherwise the default graph is the union of the named graphs).
- Updates are refused (400 `update-refused`) whether sent as `update=`, as
  `application/sparql-update` or as the `query`; `SERVICE` is refused (400 `federation-disabled`)
  unless `EQUIVALENCE_SPARQL_FEDERATION` is set.
- A query that runs past `EQUIVALENCE_SPARQL_TIMEOUT` seconds gets 503 `query-timeout`; a result
  with more than `EQUIVALENCE_SPARQL_MAX_RESULTS` rows or triples is cut there and marked with
  `X-Result-Truncated: true` (and `X-Result-Limit`).
- `GET /sparql` without a query: the service description (Turtle, N-Triples, JSON-LD, RDF/XML),
  or the query page for a browser (`text/html`); the page is also at `/sparql/ui`.

The rules themselves live in `equivalence.sparql.protocol`; this module reads HTTP.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from functools import cache
from html import escape
from importlib.resources import files
from string import Template
from typing import Annotated, Any, Final
from urllib.parse import parse_qsl

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from pyoxigraph import serialize
from starlette.concurrency import run_in_threadpool

from api.negotiation import RDF_FORMATS, choose
from api.problems import ProblemError
from equivalence.settings import Settings
from equivalence.sparql.catalogue import default_catalogue
from equivalence.sparql.description import description_prefixes, service_description
from equivalence.sparql.protocol import (
    GRAPH_MEDIA_TYPES,
    RESULT_MEDIA_TYPES,
    SPARQL_RESULTS_JSON,
    Answer,
    Limits,
    QueryRunner,
    prepare,
    refuse_update,
)
from equivalence.workspace import Workspace

__all__ = ["answer_query", "router"]

router = APIRouter(tags=["sparql"])

MAX_QUERY_BYTES: Final = 1 << 20
FORM: Final = "application/x-www-form-urlencoded"
SPARQL_QUERY: Final = "application/sparql-query"
SPARQL_UPDATE: Final = "application/sparql-update"
# `application/json` is served as SPARQL JSON results (what `?format=json` asks for)
RESULT_OFFERS: Final = (*RESULT_MEDIA_TYPES, "application/json")
DESCRIPTION_OFFERS: Final = (*GRAPH_MEDIA_TYPES, "text/html")
STATIC: Final = {"sparql.js": "text/javascript", "sparql.css": "text/css"}
_RUNNER_LOCK = threading.Lock()

FormatParam = Annotated[
    str | None,
    Query(
        description="json, xml, csv or tsv (SELECT, ASK); ttl, nt, jsonld or rdf (CONSTRUCT, "
        "DESCRIBE); overrides Accept",
        examples=["csv"],
    ),
]
GraphsParam = Annotated[list[str] | None, Query(alias="default-graph-uri")]
NamedGraphsParam = Annotated[list[str] | None, Query(alias="named-graph-uri")]


def _context(request: Request) -> tuple[Workspace, Settings, QueryRunner]:
    """The app's workspace and settings, and its query runner (made on first use)."""
    state = request.app.state
    runner: QueryRunner | None = getattr(state, "sparql_runner", None)
    if runner is None:
        with _RUNNER_LOCK:
            runner = getattr(state, "sparql_runner", None)
            if runner is None:
                settings: Settings = state.settings
                limits = Limits(
                    settings.sparql_timeout, settings.sparql_max_results, settings.sparql_federation
                )
                runner = state.sparql_runner = QueryRunner(
                    limits, max_concurrent=state.settings.sparql_max_concurrent or None
                )
    return state.workspace, state.settings, runner


def _response(answer: Answer, limits: Limits) -> Response:
    headers = {"Vary": "Accept"}
    if answer.truncated:
        headers["X-Result-Truncated"] = "true"
        headers["X-Result-Limit"] = str(limits.max_results)
    return Response(answer.body, media_type=answer.media_type, headers=headers)


async def answer_query(
    request: Request,
    text: str,
    *,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
    format_name: str | None = None,
) -> Response:
    """Checks, negotiates, runs (in its own thread, with the deadline) and answers a query."""
    workspace, _, runner = _context(request)
    query = prepare(
        text,
        federation=runner.limits.federation,
        default_graph_uris=default_graphs,
        named_graph_uris=named_graphs,
    )
    offers = RESULT_OFFERS if query.form in ("SELECT", "ASK") else GRAPH_MEDIA_TYPES
    media_type = choose(request, offers, format_name=format_name)
    if media_type == "application/json":
        media_type = SPARQL_RESULTS_JSON
    answer = await runner.submit(workspace.store, query, media_type).wait()
    return _response(answer, runner.limits)


def _one(params: Sequence[tuple[str, str]], name: str) -> str | None:
    values = [value for key, value in params if key == name]
    if len(values) > 1:
        raise ProblemError(
            400, f"'{name}' is given {len(values)} times; give it once", code="query"
        )
    return values[0] if values else None


def _all(params: Sequence[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in params if key == name]


async def _body(request: Request) -> bytes:
    """The request body, refused beyond MAX_QUERY_BYTES."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_QUERY_BYTES:
            raise ProblemError(
                413, f"the request body is over {MAX_QUERY_BYTES} bytes", code="too-large"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _text(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProblemError(400, f"{what} is not UTF-8: {exc}", code="query") from exc


# -- the endpoint ----------------------------------------------------------------------------------

_QUERY_DOC = "a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE)"
_RESULTS_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "SELECT and ASK results in SPARQL JSON (default), XML, CSV or TSV; "
        "CONSTRUCT and DESCRIBE triples in Turtle (default), N-Triples, JSON-LD or RDF/XML. "
        "Without a query: the service description, or the query page for `text/html`. "
        "`X-Result-Truncated: true` when the result was cut at the cap.",
        "content": {
            media: {}
            for media in (*RESULT_MEDIA_TYPES, *GRAPH_MEDIA_TYPES, "text/html")
            if media != SPARQL_RESULTS_JSON
        },
    },
    400: {
        "description": "a syntax error (`query`), an update (`update-refused`), SERVICE while "
        "federation is disabled (`federation-disabled`), a bad dataset IRI or format"
    },
    406: {"description": "none of the accepted media types fits the query form"},
    503: {"description": "the query ran past the time limit (`query-timeout`)"},
}


@router.get(
    "/sparql",
    summary="SPARQL 1.1 Protocol query (GET), service description, query page",
    responses=_RESULTS_DOC,
)
async def sparql_get(
    request: Request,
    query: Annotated[
        str | None,
        Query(description=_QUERY_DOC),
    ] = None,
    default_graph_uri: GraphsParam = None,
    named_graph_uri: NamedGraphsParam = None,
    format: FormatParam = None,
    update: Annotated[str | None, Query(include_in_schema=False)] = None,
) -> Response:
    if update is not None:
        refuse_update("an update (the 'update' parameter)")
    if query is None:
        return await _describe(request, format)
    return await answer_query(
        request,
        query,
        default_graphs=default_graph_uri or (),
        named_graphs=named_graph_uri or (),
        format_name=format,
    )


@router.post(
    "/sparql",
    summary="SPARQL 1.1 Protocol query (POST: form-encoded, or the query as the body)",
    responses=_RESULTS_DOC,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "required": ["query"],
                        "properties": {
                            "query": {"type": "string", "description": _QUERY_DOC},
                            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                            "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                        },
                    }
                },
                SPARQL_QUERY: {"schema": {"type": "string", "description": _QUERY_DOC}},
            },
        },
        "parameters": [
            {
                "name": name,
                "in": "query",
                "required": False,
                "schema": {"type": "array", "items": {"type": "string"}},
                "description": "a graph of the dataset (with `application/sparql-query`)",
            }
            for name in ("default-graph-uri", "named-graph-uri")
        ]
        + [{"name": "format", "in": "query", "required": False, "schema": {"type": "string"}}],
    },
)
async def sparql_post(request: Request) -> Response:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    params = parse_qsl(request.url.query, keep_blank_values=True)
    if content_type == SPARQL_UPDATE:
        refuse_update("an update (application/sparql-update)")
    if content_type == FORM:
        params += parse_qsl(_text(await _body(request), "the form"), keep_blank_values=True)
        if _one(params, "update") is not None:
            refuse_update("an update (the 'update' parameter)")
        text = _one(params, "query")
        if text is None:
            raise ProblemError(400, "the form has no 'query' field", code="query")
    elif content_type == SPARQL_QUERY:
        text = _text(await _body(request), "the query")
    else:
        raise ProblemError(
            415,
            f"send the query as {SPARQL_QUERY} or as {FORM} (query=…), "
            f"not {content_type or 'a body without Content-Type'}",
            code="unsupported-media-type",
            accepted=[SPARQL_QUERY, FORM],
        )
    return await answer_query(
        request,
        text,
        default_graphs=_all(params, "default-graph-uri"),
        named_graphs=_all(params, "named-graph-uri"),
        format_name=_one(params, "format"),
    )


# -- service description and query page ------------------------------------------------------------


async def _describe(request: Request, format_name: str | None) -> Response:
    media_type = choose(request, DESCRIPTION_OFFERS, format_name=format_name)
    if media_type == "text/html":
        return _page()
    workspace, _, runner = _context(request)
    endpoint = str(request.url.replace(query=""))
    graphs = await run_in_threadpool(workspace.store.graphs)  # a remote store asks its server
    triples = service_description(endpoint, graphs=graphs, limits=runner.limits)
    rdf_format = RDF_FORMATS[media_type]
    body = serialize(triples, format=rdf_format, prefixes=description_prefixes(rdf_format))
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})


@router.get(
    "/sparql/ui",
    summary="The query page: an editor, the named queries as examples, a results table",
    response_class=HTMLResponse,
)
async def sparql_page() -> Response:
    return _page()


@router.get("/sparql/static/{name}", include_in_schema=False)
async def sparql_static(name: Annotated[str, Path()]) -> Response:
    media_type = STATIC.get(name)
    if media_type is None:
        raise ProblemError(404, f"no file {name!r} here", code="not-found")
    return Response(
        _static(name), media_type=media_type, headers={"Cache-Control": "public, max-age=3600"}
    )


@cache
def _static(name: str) -> bytes:
    return files("api").joinpath("static", name).read_bytes()


def _page() -> Response:
    return HTMLResponse(
        _page_html(),
        headers={
            "Content-Security-Policy": "default-src 'self'; img-src 'self' data:",
            "Vary": "Accept",
        },
    )


@cache
def _page_html() -> str:
    """The page, with the named queries (not the updates) as examples; built once."""
    queries = [q for q in default_catalogue() if not q.is_update]
    examples = {q.name: {"text": q.text, "description": q.description} for q in queries}
    items = "".join(
        f'<li><button type="button" data-example="{escape(q.name)}" '
        f'aria-describedby="example-{escape(q.name)}">{escape(q.name)}</button> '
        f'<span id="example-{escape(q.name)}">{escape(q.description)}</span></li>'
        for q in queries
    )
    # inside <script type="application/json">, only "</" could end the element early
    data = json.dumps(examples, ensure_ascii=False).replace("</", "<\\/")
    template = Template(_static("sparql.html").decode("utf-8"))
    return template.substitute(examples=items, examples_json=data)
