"""The SPARQL 1.1 Protocol endpoint through FastAPI's test client: methods, result formats
(parsed back), content negotiation, refusal of updates and SERVICE, the time limit, the result
cap, the dataset parameters, the service description and the query page."""

from __future__ import annotations

import csv
import dataclasses
import http.server
import io
import json
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    Store,
    parse_query_results,
)

from api.problems import PROBLEM_JSON
from equivalence.sparql.catalogue import default_catalogue
from equivalence.sparql.protocol import Limits, PreparedQuery, QueryRunner, prepare
from equivalence.sparql.scan import scan
from equivalence.store import TripleStore
from equivalence.vocab import DCTERMS, EQ, SKOS, country_graph, country_iri, standard_iri
from tests.api_support import SAMPLE, app_over, sample_store

SD = "http://www.w3.org/ns/sparql-service-description#"
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
PREFIXES = f"PREFIX eq: <{EQ}>\nPREFIX skos: <{SKOS}>\nPREFIX dcterms: <{DCTERMS}>\n"
MX = country_iri("MX")
# the Mexican standards' codes and titles, as the sample template writes them
MX_QUERY = (
    PREFIXES
    + "SELECT ?code ?title WHERE {\n"
    + f"  ?s a eq:CompetencyStandard ; eq:country {MX} ; dcterms:identifier ?code ;\n"
    + '     skos:prefLabel ?title FILTER(LANG(?title) = "es")\n'
    + "} ORDER BY ?code"
)
MX_CONSTRUCT = (
    PREFIXES
    + "CONSTRUCT { ?s dcterms:identifier ?code } WHERE {\n"
    + f"  ?s a eq:CompetencyStandard ; eq:country {MX} ; dcterms:identifier ?code }}"
)
EC0217 = standard_iri("MX", "EC0217.01")
SPARQL_QUERY = {"Content-Type": "application/sparql-query"}
ONE = Literal("1", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def _sample_rows(country: str) -> list[tuple[str, str]]:
    with (SAMPLE / "template" / "standards.csv").open(encoding="utf-8", newline="") as f:
        return sorted((r["code"], r["title"]) for r in csv.DictReader(f) if r["country"] == country)


MX_ROWS = _sample_rows("MX")


@pytest.fixture(scope="module")
def store() -> TripleStore:
    return sample_store()


@pytest.fixture(scope="module")
def client(store: TripleStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app, _ = app_over(store, tmp_path_factory.mktemp("sparql"), sparql_timeout=30.0)
    with TestClient(app) as test_client:
        yield test_client


def _client(store: TripleStore, tmp_path: Path, **settings: object) -> TestClient:
    app, _ = app_over(store, tmp_path, **settings)  # type: ignore[arg-type]
    return TestClient(app)


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    assert "Traceback" not in response.text
    return body


def _json_rows(body: bytes) -> list[tuple[str, ...]]:
    document = json.loads(body)
    names = document["head"]["vars"]
    return [tuple(b[n]["value"] for n in names) for b in document["results"]["bindings"]]


def _xml_rows(body: bytes) -> list[tuple[str, ...]]:
    root = ET.fromstring(body)
    names = [v.attrib["name"] for v in root.iter(f"{RESULTS_NS}variable")]
    rows = []
    for result in root.iter(f"{RESULTS_NS}result"):
        cells = {b.attrib["name"]: (b[0].text or "") for b in result}
        rows.append(tuple(cells[n] for n in names))
    return rows


def _csv_rows(body: bytes) -> list[tuple[str, ...]]:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows[0] == ["code", "title"]
    return [tuple(r) for r in rows[1:]]


def _tsv_rows(body: bytes) -> list[tuple[str, ...]]:
    parsed = parse_query_results(body, format=QueryResultsFormat.TSV)
    assert not isinstance(parsed, QueryBoolean)
    values = []
    for solution in parsed:
        cells = []
        for term in solution:
            assert isinstance(term, Literal)
            cells.append(term.value)
        values.append(tuple(cells))
    return values


ROW_PARSERS = {
    "application/sparql-results+json": _json_rows,
    "application/sparql-results+xml": _xml_rows,
    "text/csv": _csv_rows,
    "text/tab-separated-values": _tsv_rows,
}


def _graph(body: bytes, media_type: str) -> rdflib.Graph:
    formats = {
        "text/turtle": "turtle",
        "application/n-triples": "nt",
        "application/ld+json": "json-ld",
        "application/rdf+xml": "xml",
    }
    return rdflib.Graph().parse(data=body, format=formats[media_type])


# -- methods ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST form", "POST sparql-query"])
def test_each_protocol_method_gives_the_expected_rows(client: TestClient, method: str) -> None:
    if method == "GET":
        response = client.get("/sparql", params={"query": MX_QUERY})
    elif method == "POST form":
        response = client.post("/sparql", data={"query": MX_QUERY})
    else:
        response = client.post("/sparql", content=MX_QUERY.encode(), headers=SPARQL_QUERY)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert _json_rows(response.content) == MX_ROWS
    assert response.headers.get("x-result-truncated") is None


def test_a_query_with_accents_and_a_typed_value_round_trips(client: TestClient) -> None:
    code, title = MX_ROWS[0]
    query = PREFIXES + f'SELECT ?s WHERE {{ ?s skos:prefLabel "{title}"@es }}'
    response = client.post("/sparql", content=query.encode(), headers=SPARQL_QUERY)
    assert _json_rows(response.content) == [(standard_iri("MX", code).value,)]


# -- formats ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("media_type", list(ROW_PARSERS))
def test_select_in_each_result_format_by_accept(client: TestClient, media_type: str) -> None:
    response = client.get("/sparql", params={"query": MX_QUERY}, headers={"Accept": media_type})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert ROW_PARSERS[media_type](response.content) == MX_ROWS


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_the_format_parameter_overrides_accept(
    client: TestClient, name: str, media_type: str
) -> None:
    response = client.post(
        f"/sparql?format={name}",
        content=MX_QUERY.encode(),
        headers={**SPARQL_QUERY, "Accept": "text/turtle"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert ROW_PARSERS[media_type](response.content) == MX_ROWS


def test_accept_application_json_gets_sparql_json(client: TestClient) -> None:
    response = client.get(
        "/sparql", params={"query": MX_QUERY}, headers={"Accept": "application/json"}
    )
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert _json_rows(response.content) == MX_ROWS


@pytest.mark.parametrize("media_type", list(ROW_PARSERS))
@pytest.mark.parametrize("expected", [True, False])
def test_ask_in_each_result_format(client: TestClient, media_type: str, expected: bool) -> None:
    code = MX_ROWS[0][0] if expected else "NO-SUCH-CODE"
    query = PREFIXES + f'ASK {{ ?s dcterms:identifier "{code}" }}'
    response = client.get("/sparql", params={"query": query}, headers={"Accept": media_type})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    if media_type == "application/sparql-results+json":
        assert json.loads(response.content)["boolean"] is expected
    elif media_type == "application/sparql-results+xml":
        boolean = ET.fromstring(response.content).find(f"{RESULTS_NS}boolean")
        assert boolean is not None
        assert boolean.text == str(expected).lower()
    else:
        parsed = parse_query_results(response.content, format=QueryResultsFormat.TSV)
        assert bool(parsed) is expected


GRAPH_TYPES = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]


@pytest.mark.parametrize("media_type", GRAPH_TYPES)
def test_construct_in_each_graph_format(client: TestClient, media_type: str) -> None:
    response = client.post(
        "/sparql", content=MX_CONSTRUCT.encode(), headers={**SPARQL_QUERY, "Accept": media_type}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    graph = _graph(response.content, media_type)
    expected = {
        (
            rdflib.URIRef(standard_iri("MX", code).value),
            rdflib.URIRef(DCTERMS.identifier.value),
            code,
        )
        for code, _ in MX_ROWS
    }
    assert {(s, p, str(o)) for s, p, o in graph} == expected


@pytest.mark.parametrize("media_type", GRAPH_TYPES)
def test_describe_in_each_graph_format(
    client: TestClient, store: TripleStore, media_type: str
) -> None:
    response = client.get(
        "/sparql", params={"query": f"DESCRIBE {EC0217}"}, headers={"Accept": media_type}
    )
    assert response.status_code == 200, response.text
    graph = _graph(response.content, media_type)
    subject = rdflib.URIRef(EC0217.value)
    assert {str(o) for o in graph.objects(subject, rdflib.URIRef(DCTERMS.identifier.value))} == {
        "EC0217.01"
    }
    assert {str(s) for s in graph.subjects()} == {EC0217.value}
    expected = sum(1 for _ in store.select(f"SELECT ?p ?o WHERE {{ {EC0217} ?p ?o }}").rows)
    assert len(graph) == expected


def test_the_default_formats_are_sparql_json_and_turtle(client: TestClient) -> None:
    select = client.get("/sparql", params={"query": MX_QUERY}, headers={"Accept": "*/*"})
    assert select.headers["content-type"] == "application/sparql-results+json"
    construct = client.get("/sparql", params={"query": MX_CONSTRUCT})
    assert construct.headers["content-type"] == "text/turtle; charset=utf-8"
    assert len(_graph(construct.content, "text/turtle")) == len(MX_ROWS)


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        (MX_QUERY, "text/turtle"),
        (MX_QUERY, "image/png"),
        (MX_CONSTRUCT, "text/csv"),
        (MX_CONSTRUCT, "application/sparql-results+json"),
    ],
)
def test_an_unacceptable_type_is_406(client: TestClient, query: str, accept: str) -> None:
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    body = _problem(response, 406, "not-acceptable")
    assert body["available"]


def test_an_unknown_format_name_is_400(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": MX_CONSTRUCT, "format": "csv"})
    body = _problem(response, 400, "unknown-format")
    assert "ttl" in body["detail"]


# -- read-only -------------------------------------------------------------------------------------

UPDATES = [
    "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 1 } }",
    PREFIXES + "DELETE WHERE { ?s dcterms:identifier ?code }",
    f"DELETE {{ ?s ?p ?o }} INSERT {{ ?s ?p 1 }} WHERE {{ ?s ?p ?o FILTER(?s = {EC0217}) }}",
    f"WITH {country_graph('MX')} DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
    "LOAD <http://127.0.0.1:1/data.ttl>",
    f"CLEAR GRAPH {country_graph('MX')}",
    "CLEAR ALL",
    f"DROP GRAPH {country_graph('MX')}",
    "DROP ALL",
    "CREATE GRAPH <http://example.org/new>",
    f"ADD {country_graph('MX')} TO <http://example.org/copy>",
    f"MOVE {country_graph('MX')} TO <http://example.org/copy>",
    f"COPY {country_graph('MX')} TO <http://example.org/copy>",
    "# a comment first\nprefix ex: <http://example.org/>\ninsert data { ex:a ex:b ex:c }",
]


@pytest.mark.parametrize("update", UPDATES, ids=lambda u: u.split("\n")[-1][:20])
@pytest.mark.parametrize(
    "how",
    ["GET query", "GET update", "POST form query", "POST form update", "POST update", "POST query"],
)
def test_every_update_form_is_refused_and_changes_nothing(
    client: TestClient, store: TripleStore, update: str, how: str
) -> None:
    before = store.count()
    if how == "GET query":
        response = client.get("/sparql", params={"query": update})
    elif how == "GET update":
        response = client.get("/sparql", params={"update": update})
    elif how == "POST form query":
        response = client.post("/sparql", data={"query": update})
    elif how == "POST form update":
        response = client.post("/sparql", data={"update": update})
    elif how == "POST update":
        response = client.post(
            "/sparql",
            content=update.encode(),
            headers={"Content-Type": "application/sparql-update"},
        )
    else:
        response = client.post("/sparql", content=update.encode(), headers=SPARQL_QUERY)
    body = _problem(response, 400, "update-refused")
    assert "read-only" in body["detail"]
    assert store.count() == before


# -- SERVICE ---------------------------------------------------------------------------------------

FAR = "<http://127.0.0.1:9/sparql>"
SERVICE_QUERIES = {
    "plain": f"SELECT * WHERE {{ SERVICE {FAR} {{ ?s ?p ?o }} }}",
    "lower case": f"select * where {{ service {FAR} {{ ?s ?p ?o }} }}",
    "mixed case, silent": f"SELECT * WHERE {{ SeRvIcE SILENT {FAR} {{ ?s ?p ?o }} }}",
    "no spaces": f"SELECT*WHERE{{SERVICE{FAR}{{?s ?p ?o}}}}",
    "glued prefixed name": "PREFIX ex: <http://127.0.0.1:9/> SELECT * WHERE { SERVICEex:s { ?s ?p ?o } }",
    "glued empty prefix": "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { SERVICE:s { ?s ?p ?o } }",
    "glued SILENT": f"SELECT * WHERE {{ SERVICESILENT{FAR} {{ ?s ?p ?o }} }}",
    "after a number": f"SELECT * WHERE {{ ?s ?p 1SERVICE{FAR} {{ ?s ?p ?o }} }}",
    "after a comment line": f"SELECT * WHERE {{ # a comment\nSERVICE {FAR} {{ ?s ?p ?o }} }}",
    "after a CR-ended comment": f"SELECT * WHERE {{ # a comment\rSERVICE {FAR} {{ ?s ?p ?o }} }}",
    "variable endpoint": f"SELECT * WHERE {{ BIND({FAR} AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    "in a subquery": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE {FAR} {{ ?s ?p ?o }} }} }} }}",
    "in FILTER EXISTS": f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE {FAR} {{ ?s ?p ?o }} }} }}",
    "in ASK": f"ASK {{ SERVICE {FAR} {{ ?s ?p ?o }} }}",
    "in CONSTRUCT": f"CONSTRUCT WHERE {{ SERVICE {FAR} {{ ?s ?p ?o }} }}",
    "after an escaped quote": (
        f"PREFIX ex: <http://e/> SELECT * WHERE {{ ?s ?p ex:a\\' . SERVICE {FAR} {{ }} BIND('x' AS ?y) }}"
    ),
    "after a quote in an IRI": (
        f"SELECT * WHERE {{ ?s ?p <http://e/'> . SERVICE {FAR} {{ }} BIND('x' AS ?y) }}"
    ),
    "codepoint escape": f"SELECT * WHERE {{ \\u0053ERVICE {FAR} {{ ?s ?p ?o }} }}",
}
NOT_SERVICE_QUERIES = {
    "in a comment": f"SELECT ?s WHERE {{ # SERVICE {FAR} {{ }}\n ?s ?p ?o }} LIMIT 1",
    "in a string": f"SELECT ?s WHERE {{ ?s ?p ?o FILTER(?o != 'SERVICE {FAR} {{ }}') }} LIMIT 1",
    "in a long string": 'SELECT ?s WHERE { ?s ?p ?o FILTER(?o != """a "" SERVICE""") } LIMIT 1',
    "in an IRI": "SELECT ?s WHERE { ?s ?p <http://example.org/SERVICE> } LIMIT 1",
    "a variable": "SELECT ?service WHERE { ?service ?p ?o } LIMIT 1",
}


@pytest.mark.parametrize("query", SERVICE_QUERIES.values(), ids=SERVICE_QUERIES.keys())
def test_service_is_refused_however_it_is_written(client: TestClient, query: str) -> None:
    response = client.post("/sparql", content=query.encode(), headers=SPARQL_QUERY)
    body = _problem(response, 400, "federation-disabled")
    assert "SERVICE" in body["detail"]


@pytest.mark.parametrize("query", NOT_SERVICE_QUERIES.values(), ids=NOT_SERVICE_QUERIES.keys())
def test_service_in_comments_strings_iris_and_variables_is_not_refused(
    client: TestClient, query: str
) -> None:
    response = client.post("/sparql", content=query.encode(), headers=SPARQL_QUERY)
    assert response.status_code == 200, response.text


class _FakeEndpoint:
    """A SPARQL endpoint on 127.0.0.1 that counts its requests and answers one row."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        calls = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self._answer()

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                calls.append(self.rfile.read(length).decode("utf-8", errors="replace"))
                body = json.dumps(
                    {
                        "head": {"vars": ["s", "p", "o"]},
                        "results": {
                            "bindings": [
                                {
                                    "s": {"type": "uri", "value": "http://far.example/s"},
                                    "p": {"type": "uri", "value": "http://far.example/p"},
                                    "o": {"type": "literal", "value": "from far away"},
                                }
                            ]
                        },
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def far_endpoint() -> Iterator[_FakeEndpoint]:
    endpoint = _FakeEndpoint()
    yield endpoint
    endpoint.close()


@pytest.mark.parametrize("name", list(SERVICE_QUERIES))
def test_the_check_catches_every_service_call_pyoxigraph_would_make(
    far_endpoint: _FakeEndpoint, name: str
) -> None:
    """Each variant, pointed at a local endpoint, is run by pyoxigraph itself: whenever it
    reaches the endpoint, the scanner must have seen SERVICE."""
    query = (
        SERVICE_QUERIES[name]
        .replace(FAR[1:-1], far_endpoint.url)
        .replace("http://127.0.0.1:9/", far_endpoint.url.rsplit("/", 1)[0] + "/")
    )
    data = Store()  # one triple, so that every pattern around the SERVICE has a match
    data.add(Quad(NamedNode("http://127.0.0.1:9/s"), NamedNode("http://127.0.0.1:9/p"), ONE))
    before = len(far_endpoint.requests)
    try:
        result = data.query(query)
        if not isinstance(result, QueryBoolean):
            list(result)
    except (SyntaxError, RuntimeError, OSError):
        pass
    reached = len(far_endpoint.requests) > before
    assert scan(query).service or not reached
    if name in ("plain", "no spaces", "glued prefixed name", "glued SILENT", "after a number"):
        assert reached, "the variant should have reached the endpoint (is the test still real?)"


@pytest.mark.parametrize("query", NOT_SERVICE_QUERIES.values(), ids=NOT_SERVICE_QUERIES.keys())
def test_the_check_does_not_see_service_where_there_is_none(query: str) -> None:
    assert not scan(query).service


def test_service_runs_when_federation_is_enabled(
    store: TripleStore, tmp_path: Path, far_endpoint: _FakeEndpoint
) -> None:
    query = f"SELECT ?s ?o WHERE {{ SERVICE <{far_endpoint.url}> {{ ?s ?p ?o }} }}"
    with _client(store, tmp_path, sparql_federation=True) as federated:
        response = federated.post("/sparql", content=query.encode(), headers=SPARQL_QUERY)
        assert response.status_code == 200, response.text
        assert _json_rows(response.content) == [("http://far.example/s", "from far away")]
        description = _graph(federated.get("/sparql").content, "text/turtle")
        assert (
            None,
            rdflib.URIRef(SD + "feature"),
            rdflib.URIRef(SD + "BasicFederatedQuery"),
        ) in description


# -- errors ----------------------------------------------------------------------------------------


def test_a_syntax_error_is_a_400_problem(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p }"})
    body = _problem(response, 400, "query")
    assert "syntax error" in body["detail"]


@pytest.mark.parametrize("text", ["", "   ", "hello world", "PREFIX ex: <http://e/>"])
def test_a_text_that_is_no_query_is_a_400_problem(client: TestClient, text: str) -> None:
    response = client.post("/sparql", data={"query": text})
    _problem(response, 400, "query")


def test_a_post_without_a_supported_body_is_refused(client: TestClient) -> None:
    response = client.post(
        "/sparql", content=MX_QUERY.encode(), headers={"Content-Type": "text/plain"}
    )
    body = _problem(response, 415, "unsupported-media-type")
    assert "application/sparql-query" in body["detail"]
    _problem(client.post("/sparql", data={"format": "csv"}), 400, "query")
    response = client.post(
        "/sparql",
        content="query=ASK{}&query=ASK{}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    _problem(response, 400, "query")


# -- dataset ---------------------------------------------------------------------------------------


def test_default_and_named_graph_uris_make_the_dataset(client: TestClient) -> None:
    mx, pe = country_graph("MX").value, country_graph("PE").value
    only_mx = client.get("/sparql", params={"query": MX_QUERY, "default-graph-uri": mx})
    assert _json_rows(only_mx.content) == MX_ROWS
    only_pe = client.get("/sparql", params={"query": MX_QUERY, "default-graph-uri": pe})
    assert _json_rows(only_pe.content) == []
    both = client.post("/sparql", data={"query": MX_QUERY, "default-graph-uri": [pe, mx]})
    assert _json_rows(both.content) == MX_ROWS
    # named graphs only: GRAPH sees those, and the default graph is empty
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.post(
        f"/sparql?named-graph-uri={pe}", content=named.encode(), headers=SPARQL_QUERY
    )
    assert _json_rows(response.content) == [(pe,)]
    response = client.post("/sparql", data={"query": MX_QUERY, "named-graph-uri": [pe, mx]})
    assert _json_rows(response.content) == []
    bad = client.get("/sparql", params={"query": MX_QUERY, "default-graph-uri": "not an iri"})
    assert "default-graph-uri" in _problem(bad, 400, "query")["detail"]


def test_a_query_with_its_own_from_clause_is_answered_from_that_graph(client: TestClient) -> None:
    query = MX_QUERY.replace(
        "SELECT ?code ?title", f"SELECT ?code ?title FROM {country_graph('MX')}"
    )
    assert _json_rows(client.get("/sparql", params={"query": query}).content) == MX_ROWS
    other = MX_QUERY.replace(
        "SELECT ?code ?title", f"SELECT ?code ?title FROM {country_graph('PE')}"
    )
    assert _json_rows(client.get("/sparql", params={"query": other}).content) == []


# -- limits ----------------------------------------------------------------------------------------

CROSS_PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
# counted inside one pyoxigraph call: ~19 million pairs of the sample, several seconds
BLOCKING_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"


def _timed_app(store: TripleStore, tmp_path: Path, timeout: float, slots: int) -> FastAPI:
    """An app whose queries may run `timeout` s, `slots` at a time (no result cap to speak of)."""
    app, _ = app_over(store, tmp_path, sparql_timeout=timeout, sparql_max_results=10_000_000)
    app.state.sparql_runner = QueryRunner(
        Limits(timeout=timeout, max_results=10_000_000), max_concurrent=slots
    )
    return app


def test_a_query_read_row_by_row_is_stopped_at_the_deadline(
    store: TripleStore, tmp_path: Path
) -> None:
    with TestClient(_timed_app(store, tmp_path, 0.5, 1)) as slow:
        started = time.monotonic()
        response = slow.get("/sparql", params={"query": CROSS_PRODUCT})
        elapsed = time.monotonic() - started
        body = _problem(response, 503, "query-timeout")
        assert "0.5 s" in body["detail"]
        assert elapsed < 10  # reading the whole cross product takes minutes
        # the only query slot is free again: the abandoned query's thread has stopped
        quick = slow.get("/sparql", params={"query": MX_QUERY})
        assert quick.status_code == 200, quick.text
        assert _json_rows(quick.content) == MX_ROWS


def test_a_query_stuck_inside_the_store_is_answered_at_the_deadline(
    store: TripleStore, tmp_path: Path
) -> None:
    with TestClient(_timed_app(store, tmp_path, 0.3, 1)) as slow:
        started = time.monotonic()
        response = slow.get("/sparql", params={"query": BLOCKING_COUNT})
        elapsed = time.monotonic() - started
        _problem(response, 503, "query-timeout")
        assert elapsed < 3  # the count itself takes several seconds
        # the count goes on in its thread until pyoxigraph returns, holding the only slot
        body = _problem(slow.get("/sparql", params={"query": MX_QUERY}), 503, "query-timeout")
        assert "busy" in body["detail"]


def test_results_over_the_cap_are_truncated_and_say_so(store: TripleStore, tmp_path: Path) -> None:
    with _client(store, tmp_path, sparql_max_results=3) as capped:
        response = capped.get("/sparql", params={"query": MX_QUERY, "format": "csv"})
        assert response.status_code == 200
        assert response.headers["x-result-truncated"] == "true"
        assert response.headers["x-result-limit"] == "3"
        assert _csv_rows(response.content) == MX_ROWS[:3]
        construct = capped.get("/sparql", params={"query": MX_CONSTRUCT})
        assert construct.headers["x-result-truncated"] == "true"
        assert len(_graph(construct.content, "text/turtle")) == 3
        exact = capped.get(
            "/sparql",
            params={"query": MX_QUERY.replace("ORDER BY ?code", "ORDER BY ?code LIMIT 3")},
        )
        assert "x-result-truncated" not in exact.headers
        assert _json_rows(exact.content) == MX_ROWS[:3]


# -- a sorted or grouped SELECT, written by pyoxigraph in one call --------------------------------

# literals holding what separates rows in each format, and rows without any binding
AWKWARD_TEXTS = (
    'a"},{"b',
    "{}",
    "<result>x</result>",
    "line\r\nbreak",
    "line\nbreak",
    'comma, "quoted"',
    "tab\there",
    "back\\slash\\",
    "ñandú ☃",
    "",
)
SORTED = (
    "SELECT ?s ?o ?none WHERE { ?s ?p ?o OPTIONAL { ?s <urn:x:nothing> ?none } } ORDER BY ?o ?s"
)
# without "{}" in the data, SPARQL JSON rows are counted without removing the strings first
NO_BRACES = 'SELECT ?s ?o WHERE { ?s ?p ?o FILTER(STR(?o) != "{}") } ORDER BY ?o ?s'
EMPTY_ROWS = "SELECT ?none WHERE { ?s ?p ?o OPTIONAL { ?s <urn:x:nothing> ?none } } ORDER BY ?o ?s"
NO_ROWS = "SELECT ?s WHERE { ?s <urn:x:nothing> ?o } ORDER BY ?s"
GROUPED = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"


@pytest.fixture(scope="module")
def awkward() -> TripleStore:
    """Literals (plain, tagged, typed, with separators of every format inside) and blank nodes."""
    from equivalence.store import open_store

    store = open_store("oxigraph:memory")
    graph = NamedNode("urn:x:g")
    quads = [
        Quad(NamedNode(f"urn:x:s{i}"), NamedNode("urn:x:p"), Literal(text), graph)
        for i, text in enumerate(AWKWARD_TEXTS)
    ]
    quads += [
        Quad(NamedNode("urn:x:t"), NamedNode("urn:x:p"), Literal("hola", language="es-MX"), graph),
        Quad(NamedNode("urn:x:t"), NamedNode("urn:x:q"), ONE, graph),
        Quad(BlankNode("b1"), NamedNode("urn:x:p"), NamedNode("urn:x:iri"), graph),
    ]
    store.add_quads(quads)
    return store


def _prepared(text: str, *, one_call: bool) -> PreparedQuery:
    query = prepare(text, federation=False)
    assert query.shape.materialised
    return dataclasses.replace(query, shape=dataclasses.replace(query.shape, materialised=one_call))


@pytest.mark.parametrize(
    ("query", "materialised"),
    [
        ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s", True),
        ("select*{?s?p?o}order by ?s", True),
        ("SELECT ?p (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?p", True),
        ("SELECT * { ?s ?p <urn:x:{}> } ORDER BY ?s", True),
        ("SELECT * { { SELECT * { ?s ?p ?o } ORDER BY ?s LIMIT 1 } ?s ?q ?r }", False),
        ("SELECT * { ?s ?p 'ORDER BY' } # ORDER BY ?s\nLIMIT 1", False),
        ("PREFIX order: <urn:x:> SELECT * { ?s order:by ?o }", False),
        ("SELECT * { ?s ?p ?o } LIMIT 5", False),
        (MX_QUERY, True),
    ],
)
def test_the_scanner_sees_a_sorted_or_grouped_top_level(query: str, materialised: bool) -> None:
    assert scan(query).materialised is materialised


@pytest.mark.parametrize("media_type", list(ROW_PARSERS))
@pytest.mark.parametrize("text", [SORTED, NO_BRACES, EMPTY_ROWS, NO_ROWS, GROUPED])
def test_a_sorted_select_written_in_one_call_has_the_bytes_read_row_by_row(
    awkward: TripleStore, monkeypatch: pytest.MonkeyPatch, media_type: str, text: str
) -> None:
    runner = QueryRunner(Limits(timeout=30, max_results=1000))
    by_rows = runner.run(awkward, _prepared(text, one_call=False), media_type)
    streamed: list[str] = []
    original = awkward.stream_query

    def spy(query: str, **options: Any) -> Any:
        streamed.append(query)
        return original(query, **options)

    monkeypatch.setattr(awkward, "stream_query", spy)
    in_one_call = runner.run(awkward, _prepared(text, one_call=True), media_type)
    assert streamed == []  # pyoxigraph wrote it; the rows were never read in Python
    assert in_one_call.body == by_rows.body
    assert (in_one_call.count, in_one_call.truncated) == (by_rows.count, False)
    assert in_one_call.media_type == media_type


@pytest.mark.parametrize("media_type", list(ROW_PARSERS))
@pytest.mark.parametrize("text", [SORTED, NO_BRACES, EMPTY_ROWS])
def test_the_cap_holds_for_a_result_written_in_one_call(
    awkward: TripleStore, media_type: str, text: str
) -> None:
    rows = len(AWKWARD_TEXTS) + 3 - (text == NO_BRACES)
    exact = QueryRunner(Limits(timeout=30, max_results=rows)).run(
        awkward, prepare(text, federation=False), media_type
    )
    assert (exact.count, exact.truncated) == (rows, False)
    capped = QueryRunner(Limits(timeout=30, max_results=rows - 1)).run(
        awkward, prepare(text, federation=False), media_type
    )
    assert (capped.count, capped.truncated) == (rows - 1, True)
    # cut where the row-by-row reading cuts: the first rows of the full result
    full = QueryRunner(Limits(timeout=30, max_results=rows - 1)).run(
        awkward, _prepared(text, one_call=False), media_type
    )
    assert capped.body == full.body


def test_a_sorted_query_stuck_inside_the_store_is_answered_at_the_deadline(
    store: TripleStore, tmp_path: Path
) -> None:
    with TestClient(_timed_app(store, tmp_path, 0.3, 2)) as slow:
        started = time.monotonic()
        query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d LIMIT 1"
        _problem(slow.get("/sparql", params={"query": query}), 503, "query-timeout")
        assert time.monotonic() - started < 3  # the sort of the cross product takes far longer


def test_a_named_look_up_is_written_in_one_call(
    client: TestClient, store: TripleStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    streamed: list[str] = []
    original = store.stream_query

    def spy(query: str, **options: Any) -> Any:
        streamed.append(query)
        return original(query, **options)

    monkeypatch.setattr(store, "stream_query", spy)
    text = (
        default_catalogue()
        .get("equivalents-of-standard")
        .render({"country": "MX", "code": "EC0217.01"})
    )
    response = client.post("/sparql", content=text, headers=SPARQL_QUERY)
    assert response.status_code == 200, response.text
    assert len(response.json()["results"]["bindings"]) >= 3
    assert streamed == []
    # an unsorted SELECT is still read row by row
    client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"})
    assert len(streamed) == 1


# -- service description and page ------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept",
    [None, "text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"],
)
def test_the_service_description(
    client: TestClient, store: TripleStore, accept: str | None
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", headers=headers)
    assert response.status_code == 200, response.text
    media_type = accept or "text/turtle"
    assert response.headers["content-type"].split(";")[0] == media_type
    graph = _graph(response.content, media_type)
    service = rdflib.URIRef("http://testserver/sparql")
    sd = rdflib.Namespace(SD)
    assert (service, rdflib.RDF.type, sd.Service) in graph
    assert (service, sd.endpoint, service) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert (service, sd.feature, sd.UnionDefaultGraph) in graph
    assert (service, sd.feature, sd.BasicFederatedQuery) not in graph
    formats = {str(o) for o in graph.objects(service, sd.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert "http://www.w3.org/ns/formats/Turtle" in formats
    assert len(formats) == 8
    names = {str(o) for o in graph.objects(None, sd.name)}
    assert names == {g.value for g in store.graphs()}


def test_the_query_page_lists_the_named_queries(client: TestClient) -> None:
    for path, headers in (
        ("/sparql", {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}),
        ("/sparql/ui", {}),
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        page = response.text
        assert '<label for="query">' in page
        assert '<textarea id="query"' in page
        assert '<button type="submit" id="run">' in page
        catalogue = default_catalogue()
        for query in catalogue:
            shown = f'data-example="{query.name}"' in page
            assert shown is not query.is_update, query.name
        data = page.split('<script type="application/json" id="examples-data">')[1].split(
            "</script>"
        )[0]
        examples = json.loads(data)
        assert examples["standard-by-code"]["text"] == catalogue.get("standard-by-code").text
        assert "review-record" not in examples
        assert "https://" not in page.split("<head>")[1].split("</head>")[0]  # nothing from a CDN
    for name, media_type in (("sparql.js", "text/javascript"), ("sparql.css", "text/css")):
        asset = client.get(f"/sparql/static/{name}")
        assert asset.status_code == 200
        assert asset.headers["content-type"].startswith(media_type)
        assert asset.content
    _problem(client.get("/sparql/static/..%2Fapp.py"), 404, "not-found")
    _problem(client.get("/sparql/static/nothing.js"), 404, "not-found")


def test_the_routes_are_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/sparql"])
    assert "application/sparql-query" in paths["/sparql"]["post"]["requestBody"]["content"]
    assert "get" in paths["/queries/{name}"]
    assert "get" in paths["/queries"]
