"""The remote backend: any server speaking the SPARQL 1.1 Protocol and Graph Store HTTP Protocol.

Written against the Oxigraph server (`oxigraph serve`), whose endpoints are `/query`,
`/update` and `/store`. Queries see the union of the named graphs as their default graph, like
the embedded store: by default through Oxigraph's `union-default-graph` request parameter; a
server that already does it (Oxigraph started with `--union-default-graph`, Fuseki with
`tdb2:unionDefaultGraph true`) takes `union_default_graph="server"`.

Writes are atomic. A small write is one SPARQL update (`INSERT DATA`, after `DROP SILENT GRAPH`
for a replacement), which the server applies in one transaction. From `staging_threshold` triples
up, the data is first uploaded with the Graph Store Protocol into fresh staging graphs
(`urn:equivalence:staging:<uuid>:<n>`), then one SPARQL update moves every staging graph onto
its target; the staging graphs are dropped whatever happens, so a failed upload changes no
target graph. Staging graphs are visible to concurrent readers until that update ran. Staging
is the slower path (100,000 triples into an on-disk `oxigraph serve` 0.5.13: about 2 s as one
`INSERT DATA`, 10 s staged, most of it in the server's `ADD`); it keeps each request to one graph.

Queries and updates are sent by "POST directly" (bodies `application/sparql-query` and
`application/sparql-update`), which no form-size limit of the server cuts short. The HTTP goes
through `urllib.request` rather than SPARQLWrapper: SPARQLWrapper guesses the
query form with a regular expression (a SELECT whose prologue holds the comment `# DELETE` is
sent to the update endpoint), adds `format`/`output`/`results` parameters, and keeps the server's
error message only inside the exception text.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from http.client import HTTPResponse
from importlib.resources import files
from typing import Any
from typing import Literal as Choice
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
)

from equivalence.errors import QueryError, StoreError
from equivalence.store.base import (
    STAGING_PREFIX,
    QueryStream,
    SelectResult,
    Term,
    ntriples,
    quads_by_graph,
    replace_graphs_update,
    require_named_graphs,
)

__all__ = ["RemoteStore"]

_RESULTS_JSON = "application/sparql-results+json"
_N_TRIPLES = "application/n-triples"
_TURTLE = "text/turtle"
_MESSAGE_LIMIT = 2_000


class RemoteStore:
    """A triple store behind SPARQL 1.1 Protocol and Graph Store HTTP Protocol endpoints.

    `timeout` is in seconds, per network operation. `staging_threshold` is the number of
    triples from which a write goes through staging graphs instead of one `INSERT DATA`.
    """

    def __init__(
        self,
        query_endpoint: str,
        update_endpoint: str,
        graph_store_endpoint: str,
        timeout: float = 60.0,
        *,
        union_default_graph: Choice["parameter", "server"] = "parameter",
        staging_threshold: int = 200_000,
        descriptor: str | None = None,
    ) -> None:
        self.query_endpoint = query_endpoint
        self.update_endpoint = update_endpoint
        self.graph_store_endpoint = graph_store_endpoint
        self.timeout = timeout
        self.union_default_graph = union_default_graph
        self.staging_threshold = staging_threshold
        self.descriptor = descriptor or f"sparql+{query_endpoint}"

    def __repr__(self) -> str:
        return f"RemoteStore({self.descriptor!r})"

    # -- writes ------------------------------------------------------------------------------

    def add_quads(self, quads: Sequence[Quad]) -> None:
        require_named_graphs(quads)
        if not quads:
            return
        grouped = quads_by_graph(quads)
        if len(quads) < self.staging_threshold:
            self._update_raw(replace_graphs_update(grouped, replace=False))
        else:
            self._write_staged({}, grouped)

    def replace_graphs(
        self, graphs: dict[NamedNode, Sequence[Triple]], *, add: Sequence[Quad] = ()
    ) -> None:
        require_named_graphs(add)
        if not graphs and not add:
            return
        size = sum(len(triples) for triples in graphs.values()) + len(add)
        if size < self.staging_threshold:
            self._update_raw(replace_graphs_update(graphs, add=add))
        else:
            self._write_staged(graphs, quads_by_graph(add))

    def _write_staged(
        self,
        replaced: Mapping[NamedNode, Sequence[Triple]],
        added: Mapping[NamedNode, Sequence[Triple]],
    ) -> None:
        """Uploads into staging graphs, then moves them onto their targets in one update.

        The update drops every replaced graph first, then adds each staging graph to its target
        (the added quads without a drop) and drops the staging graph.
        """
        run = uuid.uuid4()
        staged = [*replaced.items(), *added.items()]
        stages = [NamedNode(f"{STAGING_PREFIX}{run}:{n}") for n in range(len(staged))]
        operations = [f"DROP SILENT GRAPH {target}" for target in replaced]
        try:
            for stage, (target, triples) in zip(stages, staged, strict=True):
                if triples:
                    self._graph_store("PUT", stage, ntriples(triples))
                operations.append(f"ADD SILENT {stage} TO {target}")
                operations.append(f"DROP SILENT GRAPH {stage}")
            # one update = one transaction on the server: every target changes, or none does
            self._update_raw(" ;\n".join(operations))
        except BaseException:
            for stage in stages:
                with contextlib.suppress(StoreError):  # it may never have been created
                    self._graph_store("DELETE", stage, missing_ok=True)
            raise

    def drop_graph(self, graph: NamedNode) -> None:
        self._update_raw(f"DROP SILENT GRAPH {graph}")

    def update(self, update: str) -> None:
        self._update_raw(update)

    # -- reads -------------------------------------------------------------------------------

    def graphs(self) -> list[NamedNode]:
        result = self._select(_protocol_query("named-graphs"), union=False)
        names = [g for g in result.column("g") if isinstance(g, NamedNode)]
        return sorted(
            (g for g in names if not g.value.startswith(STAGING_PREFIX)), key=lambda g: g.value
        )

    def count(self, graph: NamedNode | None = None) -> int:
        if graph is not None:
            query = _protocol_query("count-graph").replace("#@values", f"VALUES ?g {{ {graph} }}")
        elif self.union_default_graph == "parameter":  # the real default graph is reachable
            query = _protocol_query("count-all")
        else:
            query = _protocol_query("count-named-graphs")
        value = self._select(query, union=False).rows[0]["n"]
        assert isinstance(value, Literal)
        return int(value.value)

    def triples(self, graph: NamedNode) -> list[Triple]:
        body = self._graph_store("GET", graph, missing_ok=True)
        return _parse_triples(body, _N_TRIPLES, self.graph_store_endpoint)

    def select(self, query: str) -> SelectResult:
        return self._select(query, union=True)

    def _select(self, query: str, *, union: bool) -> SelectResult:
        document = self._results_json(query, "SELECT", union=union)
        if "results" not in document:
            raise QueryError("not a SELECT query")
        variables = tuple(document.get("head", {}).get("vars", []))
        rows = tuple(
            {name: _term(value) for name, value in binding.items()}
            for binding in document["results"]["bindings"]
        )
        return SelectResult(variables, rows)

    def ask(self, query: str) -> bool:
        document = self._results_json(query, "ASK", union=True)
        if "boolean" not in document:
            raise QueryError("not an ASK query")
        return bool(document["boolean"])

    def construct(self, query: str) -> list[Triple]:
        body, content_type = self._query_raw(
            query, f"{_N_TRIPLES}, {_TURTLE};q=0.9", "CONSTRUCT or DESCRIBE", union=True
        )
        if content_type not in (_N_TRIPLES, _TURTLE, "text/plain"):
            raise QueryError(f"not a CONSTRUCT or DESCRIBE query (the server sent {content_type})")
        return _parse_triples(body, content_type, self.query_endpoint)

    @contextlib.contextmanager
    def stream_query(
        self,
        query: str,
        *,
        union_default_graph: bool = True,
        default_graphs: Sequence[NamedNode] | None = None,
        named_graphs: Sequence[NamedNode] | None = None,
        timeout: float | None = None,
    ) -> Iterator[QueryStream]:
        """See `TripleStore.stream_query`: the server's response is parsed as it arrives.

        Results come as SPARQL JSON, triples as N-Triples (or Turtle); leaving the context
        closes the connection, whatever was not read yet. `timeout` replaces the store's own
        for each network wait of this query.
        """
        parameters: list[tuple[str, str]] = []
        if default_graphs is not None or named_graphs is not None:
            parameters += [("default-graph-uri", g.value) for g in default_graphs or ()]
            parameters += [("named-graph-uri", g.value) for g in named_graphs or ()]
        elif union_default_graph and self.union_default_graph == "parameter":
            parameters.append(("union-default-graph", "true"))
        url = self.query_endpoint
        if parameters:
            url = f"{url}{'&' if '?' in url else '?'}{urlencode(parameters)}"
        request = Request(  # noqa: S310 - the scheme was checked when the store was opened
            url,
            data=query.encode("utf-8"),
            method="POST",
            headers={
                "Accept": f"{_RESULTS_JSON}, {_N_TRIPLES};q=0.9, {_TURTLE};q=0.8",
                "Content-Type": "application/sparql-query; charset=utf-8",
            },
        )
        response = self._open_query(request, self.timeout if timeout is None else timeout)
        with contextlib.closing(response):
            content_type = response.headers.get_content_type()
            if content_type in (_RESULTS_JSON, "application/json"):
                try:
                    parsed = parse_query_results(response, format=QueryResultsFormat.JSON)
                except (SyntaxError, OSError) as exc:
                    raise StoreError(
                        f"{self.query_endpoint} sent unreadable results: {exc}"
                    ) from exc
                if isinstance(parsed, QueryBoolean):
                    yield QueryStream("boolean", boolean=bool(parsed))
                else:
                    variables = tuple(v.value for v in parsed.variables)
                    yield QueryStream(
                        "solutions", variables, solutions=self._read_solutions(parsed)
                    )
            elif content_type in (_N_TRIPLES, _TURTLE, "text/plain"):
                rdf_format = RdfFormat.TURTLE if content_type == _TURTLE else RdfFormat.N_TRIPLES
                yield QueryStream("triples", triples=self._read_triples(response, rdf_format))
            else:
                raise StoreError(f"{self.query_endpoint} answered in an unexpected {content_type}")

    def _read_solutions(self, parsed: QuerySolutions) -> Iterator[tuple[Term | None, ...]]:
        try:
            for solution in parsed:
                yield tuple(solution)
        except (SyntaxError, OSError) as exc:
            raise StoreError(f"{self.query_endpoint} sent unreadable results: {exc}") from exc

    def _read_triples(self, response: HTTPResponse, rdf_format: RdfFormat) -> Iterator[Triple]:
        try:
            for quad in parse(response, format=rdf_format):
                yield quad.triple
        except (SyntaxError, OSError) as exc:
            raise StoreError(f"{self.query_endpoint} sent RDF that does not parse: {exc}") from exc

    def _open_query(self, request: Request, timeout: float) -> HTTPResponse:
        """Sends a query; the open response, or the server's refusal as `QueryError`."""
        try:
            response: HTTPResponse = urlopen(request, timeout=timeout)  # noqa: S310
        except HTTPError as exc:
            message = _server_message(exc)
            if exc.code in (400, 406):
                raise QueryError(f"the query was rejected: {message}") from exc
            raise StoreError(
                f"the SPARQL query endpoint {request.full_url} answered {exc.code} "
                f"{exc.reason}: {message}"
            ) from exc
        except TimeoutError as exc:
            raise StoreError(
                f"the SPARQL query endpoint {request.full_url} did not answer within {timeout} s"
            ) from exc
        except (URLError, OSError) as exc:
            reason = exc.reason if isinstance(exc, URLError) else exc
            raise StoreError(
                f"cannot reach the SPARQL query endpoint {request.full_url}: {reason}"
            ) from exc
        return response

    def close(self) -> None:
        """Nothing to release: every request opens and closes its own connection."""

    # -- HTTP --------------------------------------------------------------------------------

    def _results_json(self, query: str, form: str, *, union: bool) -> dict[str, Any]:
        body, content_type = self._query_raw(query, _RESULTS_JSON, form, union=union)
        if content_type not in (_RESULTS_JSON, "application/json"):
            raise QueryError(f"not an {form} query (the server sent {content_type})")
        try:
            document = json.loads(body)
        except ValueError as exc:
            raise StoreError(f"{self.query_endpoint} sent invalid JSON results: {exc}") from exc
        if not isinstance(document, dict):
            raise StoreError(f"{self.query_endpoint} sent JSON that is not a results document")
        return document

    def _query_raw(self, query: str, accept: str, form: str, *, union: bool) -> tuple[bytes, str]:
        url = self.query_endpoint
        if union and self.union_default_graph == "parameter":
            separator = "&" if "?" in url else "?"
            url = f"{url}{separator}union-default-graph=true"
        request = Request(  # noqa: S310 - the scheme was checked when the store was opened
            url,
            data=query.encode("utf-8"),
            method="POST",
            headers={"Accept": accept, "Content-Type": "application/sparql-query; charset=utf-8"},
        )
        try:
            return self._send(request, "SPARQL query endpoint")
        except _HTTPStatusError as failure:
            if failure.status == 406:
                raise QueryError(f"not a {form} query: {failure.message}") from failure
            if failure.status == 400:
                raise QueryError(f"the query was rejected: {failure.message}") from failure
            raise StoreError(str(failure)) from failure

    def _update_raw(self, update: str) -> None:
        request = Request(  # noqa: S310 - the scheme was checked when the store was opened
            self.update_endpoint,
            data=update.encode("utf-8"),
            method="POST",
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
        )
        try:
            self._send(request, "SPARQL update endpoint")
        except _HTTPStatusError as failure:
            if failure.status == 400:
                raise QueryError(f"the update was rejected: {failure.message}") from failure
            raise StoreError(str(failure)) from failure

    def _graph_store(
        self, method: str, graph: NamedNode, body: bytes | None = None, *, missing_ok: bool = False
    ) -> bytes:
        separator = "&" if "?" in self.graph_store_endpoint else "?"
        url = f"{self.graph_store_endpoint}{separator}{urlencode({'graph': graph.value})}"
        headers = {"Accept": _N_TRIPLES} if method == "GET" else {}
        if body is not None:
            headers["Content-Type"] = _N_TRIPLES
        request = Request(url, data=body, method=method, headers=headers)  # noqa: S310
        try:
            return self._send(request, "graph store endpoint")[0]
        except _HTTPStatusError as failure:
            if failure.status == 404 and missing_ok:
                return b""
            raise StoreError(str(failure)) from failure

    def _send(self, request: Request, endpoint: str) -> tuple[bytes, str]:
        """Sends one request; returns the body and its media type (without parameters)."""
        try:
            with urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                content_type = response.headers.get_content_type()
                return response.read(), content_type
        except HTTPError as exc:
            message = _server_message(exc)
            raise _HTTPStatusError(
                exc.code,
                message,
                f"the {endpoint} {request.full_url} answered {exc.code} {exc.reason}: {message}",
            ) from exc
        except TimeoutError as exc:
            raise StoreError(
                f"the {endpoint} {request.full_url} did not answer within {self.timeout} s"
            ) from exc
        except URLError as exc:
            raise StoreError(
                f"cannot reach the {endpoint} {request.full_url}: {exc.reason}"
            ) from exc
        except OSError as exc:
            raise StoreError(f"cannot reach the {endpoint} {request.full_url}: {exc}") from exc


class _HTTPStatusError(Exception):
    def __init__(self, status: int, message: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.message = message


def _server_message(error: HTTPError) -> str:
    try:
        text = error.read().decode("utf-8", errors="replace").strip()
    except OSError:
        text = ""
    if len(text) > _MESSAGE_LIMIT:
        text = text[:_MESSAGE_LIMIT] + " …"
    return text or str(error.reason)


@cache
def _protocol_query(name: str) -> str:
    """One of the store's own queries, from `equivalence/store/queries/<name>.rq`."""
    return files("equivalence.store").joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")


def _parse_triples(body: bytes, content_type: str, source: str) -> list[Triple]:
    rdf_format = RdfFormat.TURTLE if content_type == _TURTLE else RdfFormat.N_TRIPLES
    try:
        return [quad.triple for quad in parse(body, format=rdf_format)]
    except SyntaxError as exc:
        raise StoreError(f"{source} sent RDF that does not parse: {exc}") from exc


def _term(value: dict[str, Any]) -> Term:
    """Converts one term of SPARQL 1.1 Query Results JSON (with RDF 1.2 triple terms)."""
    kind = value.get("type")
    if kind == "uri":
        return NamedNode(value["value"])
    if kind == "bnode":
        return BlankNode(value["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            direction = value.get("its:dir")
            if direction:
                return Literal(value["value"], language=value["xml:lang"], direction=direction)
            return Literal(value["value"], language=value["xml:lang"])
        if "datatype" in value:
            return Literal(value["value"], datatype=NamedNode(value["datatype"]))
        return Literal(value["value"])
    if kind == "triple":
        parts = value["value"]
        subject, predicate, obj = (_term(parts[k]) for k in ("subject", "predicate", "object"))
        if not isinstance(predicate, NamedNode) or isinstance(subject, Literal):
            raise StoreError(f"malformed triple term in the results: {value}")
        return Triple(subject, predicate, obj)
    raise StoreError(f"unknown term type in the results: {value}")
