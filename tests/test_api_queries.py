"""Named queries over HTTP: the list, runs with typed parameters in every format, parameter
errors naming the parameter, unknown names with suggestions, updates kept off HTTP; on the
embedded store and on a real `oxigraph serve`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
import rdflib
from fastapi.testclient import TestClient
from pyoxigraph import QueryBoolean, QueryResultsFormat, parse_query_results

from api.problems import PROBLEM_JSON
from equivalence.matching.service import match_and_store
from equivalence.service import load_paths
from equivalence.sparql.catalogue import default_catalogue, term_text
from equivalence.sparql.scan import scan
from equivalence.store import TripleStore, open_store
from equivalence.vocab import DCTERMS, SKOS, standard_iri
from tests.api_support import SAMPLE, app_over, sample_store
from tests.conformance.conftest import _binary, _start_server, _stop

EC0217 = ("MX", "EC0217.01")
# the trainer standards the sample is built to show as equivalent (sample/README.md)
TRAINERS = {
    ("CL", "P-8549-2424-901-V01"),
    ("CO", "900000001"),
    ("PE", "DEMO-PE-04"),
}


def _sample_title(country: str, code: str) -> str:
    with (SAMPLE / "template" / "standards.csv").open(encoding="utf-8", newline="") as f:
        return next(
            r["title"] for r in csv.DictReader(f) if (r["country"], r["code"]) == (country, code)
        )


@pytest.fixture(scope="module")
def store() -> TripleStore:
    return sample_store()


@pytest.fixture(scope="module")
def client(store: TripleStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app, _ = app_over(store, tmp_path_factory.mktemp("queries"))
    with TestClient(app) as test_client:
        yield test_client


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    return body


def _bindings(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/sparql-results+json"
    document = json.loads(response.content)
    return [{k: v["value"] for k, v in b.items()} for b in document["results"]["bindings"]]


def _library_rows(store: TripleStore, name: str, **params: object) -> list[dict[str, str]]:
    result = default_catalogue().select(store, name, **params)
    return [{k: term_text(v) for k, v in row.items()} for row in result.rows]


# -- the list --------------------------------------------------------------------------------------


def test_the_list_has_every_named_query_but_the_updates(client: TestClient) -> None:
    response = client.get("/queries")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    catalogue = default_catalogue()
    runnable = [q.name for q in catalogue if not q.is_update]
    assert [q["name"] for q in body["queries"]] == runnable
    assert body["count"] == len(runnable)
    assert "review-record" not in runnable  # an update: the service's own write
    listed = {q["name"]: q for q in body["queries"]}
    equivalents = listed["equivalents-of-standard"]
    assert equivalents["form"] == "SELECT"
    assert equivalents["href"] == "/queries/equivalents-of-standard"
    assert equivalents["description"] == catalogue.get("equivalents-of-standard").description
    assert [(p["name"], p["type"], p["required"]) for p in equivalents["parameters"]] == [
        ("country", "country", True),
        ("code", "string", True),
        ("target", "country", False),
        ("min_confidence", "decimal", False),
    ]
    assert all(p["description"] for p in equivalents["parameters"])
    assert listed["standard-description"]["form"] == "CONSTRUCT"


def test_every_runnable_named_query_passes_the_endpoint_checks() -> None:
    """A named query runs through the same checks as /sparql: none may look like SERVICE (a
    prefixed name containing 'service' would) or be anything but a query form."""
    for query in default_catalogue():
        if query.is_update:
            continue
        shape = scan(query.text)
        assert shape.form == query.kind, query.name
        assert not shape.service, query.name
        assert not shape.dataset, query.name


# -- runs ------------------------------------------------------------------------------------------


def test_a_named_query_runs_with_its_parameters_bound(client: TestClient) -> None:
    country, code = EC0217
    rows = _bindings(
        client.get("/queries/standard-by-code", params={"country": country, "code": code})
    )
    assert len(rows) == 1
    assert rows[0]["standard"] == standard_iri(country, code).value
    assert rows[0]["title"] == _sample_title(country, code)
    # parameters are matched by value, never pasted into the text: a hostile one matches nothing
    hostile = client.get(
        "/queries/standard-by-code", params={"country": "MX", "code": 'x" } UNION { ?s ?p ?o'}
    )
    assert _bindings(hostile) == []


def test_the_equivalents_of_a_standard(client: TestClient, store: TripleStore) -> None:
    country, code = EC0217
    rows = _bindings(
        client.get("/queries/equivalents-of-standard", params={"country": country, "code": code})
    )
    assert {(r["other_country"], r["other_code"]) for r in rows} == TRAINERS
    assert rows == _library_rows(store, "equivalents-of-standard", country=country, code=code)
    confidences = [float(r["confidence"]) for r in rows]
    assert confidences == sorted(confidences, reverse=True)
    only_pe = _bindings(
        client.get(
            "/queries/equivalents-of-standard",
            params={"country": "mx", "code": code, "target": "PE"},
        )
    )
    assert [(r["other_country"], r["other_code"]) for r in only_pe] == [("PE", "DEMO-PE-04")]
    none = _bindings(
        client.get(
            "/queries/equivalents-of-standard",
            params={"country": country, "code": code, "min_confidence": "1.01"},
        )
    )
    assert none == []


@pytest.mark.parametrize(
    ("how", "media_type"),
    [
        ({"format": "csv"}, "text/csv"),
        ({"format": "tsv"}, "text/tab-separated-values"),
        ({"format": "xml"}, "application/sparql-results+xml"),
        ({"accept": "text/csv"}, "text/csv"),
        ({"accept": "application/sparql-results+xml"}, "application/sparql-results+xml"),
    ],
)
def test_named_query_results_in_each_format(
    client: TestClient, how: dict[str, str], media_type: str
) -> None:
    params = {
        "country": "MX",
        "code": "EC0217.01",
        **({"format": how["format"]} if "format" in how else {}),
    }
    headers = {"Accept": how["accept"]} if "accept" in how else {}
    response = client.get("/queries/equivalents-of-standard", params=params, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    text = response.content.decode("utf-8")
    if media_type == "text/csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert {(r["other_country"], r["other_code"]) for r in rows} == TRAINERS
    elif media_type == "text/tab-separated-values":
        parsed = parse_query_results(response.content, format=QueryResultsFormat.TSV)
        assert not isinstance(parsed, QueryBoolean)
        assert len(list(parsed)) == len(TRAINERS)
    else:
        parsed = parse_query_results(response.content, format=QueryResultsFormat.XML)
        codes = {str(s["other_code"].value) for s in parsed}  # type: ignore[union-attr]
        assert codes == {code for _, code in TRAINERS}


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/ld+json"])
def test_a_named_construct_in_graph_formats(client: TestClient, accept: str) -> None:
    iri = standard_iri(*EC0217).value
    response = client.get(
        "/queries/standard-description", params={"standard": iri}, headers={"Accept": accept}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == accept
    syntax = {
        "text/turtle": "turtle",
        "application/n-triples": "nt",
        "application/ld+json": "json-ld",
    }[accept]
    graph = rdflib.Graph().parse(data=response.content, format=syntax)
    subject = rdflib.URIRef(iri)
    assert str(graph.value(subject, rdflib.URIRef(DCTERMS.identifier.value))) == "EC0217.01"
    titles = {str(t) for t in graph.objects(subject, rdflib.URIRef(SKOS.prefLabel.value))}
    assert _sample_title(*EC0217) in titles


def test_a_results_format_for_a_construct_is_refused(client: TestClient) -> None:
    iri = standard_iri(*EC0217).value
    response = client.get(
        "/queries/standard-description", params={"standard": iri, "format": "csv"}
    )
    _problem(response, 400, "unknown-format")
    response = client.get(
        "/queries/standard-description", params={"standard": iri}, headers={"Accept": "text/csv"}
    )
    _problem(response, 406, "not-acceptable")


# -- errors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "parameter", "words"),
    [
        ({"code": "EC0217.01"}, "country", "needs parameter"),
        ({"country": "MX"}, "code", "needs parameter"),
        ({"country": "XX", "code": "EC0217.01"}, "country", "unknown country"),
        (
            {"country": "MX", "code": "EC0217.01", "min_confidence": "high"},
            "min_confidence",
            "not a valid decimal",
        ),
        ({"country": "MX", "code": "EC0217.01", "target": "Narnia"}, "target", "unknown country"),
        ({"country": "MX", "code": "EC0217.01", "colour": "blue"}, "colour", "no parameter"),
    ],
)
def test_a_bad_parameter_is_a_400_that_names_it(
    client: TestClient, params: dict[str, str], parameter: str, words: str
) -> None:
    response = client.get("/queries/equivalents-of-standard", params=params)
    body = _problem(response, 400, "invalid-parameter")
    assert body["parameter"] == parameter
    assert parameter in body["detail"]
    assert words in body["detail"]
    assert [p["name"] for p in body["parameters"]] == [
        "country",
        "code",
        "target",
        "min_confidence",
    ]


def test_a_parameter_given_twice_is_refused(client: TestClient) -> None:
    response = client.get("/queries/standard-by-code?country=MX&country=CO&code=EC0217.01")
    body = _problem(response, 400, "invalid-parameter")
    assert body["parameter"] == "country"


def test_an_ill_typed_iri_or_integer_is_refused(client: TestClient) -> None:
    response = client.get("/queries/standard-description", params={"standard": "not an iri"})
    assert _problem(response, 400, "invalid-parameter")["parameter"] == "standard"
    response = client.get(
        "/queries/submission-standards", params={"country": "MX", "number": "two"}
    )
    assert _problem(response, 400, "invalid-parameter")["parameter"] == "number"


def test_an_unknown_query_is_a_404_with_near_names(client: TestClient) -> None:
    body = _problem(client.get("/queries/equivalents-of-standards"), 404, "unknown-query")
    assert body["suggestions"][0] == "equivalents-of-standard"
    assert "equivalents-of-standard" in body["detail"]
    body = _problem(client.get("/queries/recognition"), 404, "unknown-query")
    assert "recognition-matrix" in body["suggestions"]
    body = _problem(client.get("/queries/zzzz"), 404, "unknown-query")
    assert body["suggestions"] == []


def test_a_named_update_is_not_runnable_over_http(client: TestClient, store: TripleStore) -> None:
    before = store.count()
    update = default_catalogue().get("review-record")
    params = {p.name: "x" for p in update.parameters}
    body = _problem(client.get("/queries/review-record", params=params), 400, "update-refused")
    assert "review-record" in body["detail"]
    assert store.count() == before


# -- the remote backend ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def remote_client(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, TripleStore]]:
    root = tmp_path_factory.mktemp("remote-queries")
    server = _start_server(_binary(), root / "data", root / "server.log")
    try:
        remote = open_store(f"sparql+{server.base}")
        report = load_paths(remote, [SAMPLE])
        assert not report.failed, report.failed
        match_and_store(remote)
        app, _ = app_over(remote, root, sparql_max_results=2)
        with TestClient(app) as test_client:
            yield test_client, remote
    finally:
        _stop(server.process)


@pytest.mark.remote
def test_named_queries_and_sparql_on_the_remote_backend(
    remote_client: tuple[TestClient, TripleStore], client: TestClient
) -> None:
    remote, _ = remote_client
    params = {"country": "MX", "code": "EC0217.01"}
    embedded_rows = _bindings(client.get("/queries/equivalents-of-standard", params=params))
    remote_rows = _bindings(remote.get("/queries/equivalents-of-standard", params=params))
    # the cap of this app is 2 rows: the first two, marked truncated
    assert remote_rows == embedded_rows[:2]
    response = remote.get(
        "/queries/standard-by-code", params=params, headers={"Accept": "text/csv"}
    )
    assert response.headers.get("x-result-truncated") is None
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [r["title"] for r in rows] == [_sample_title("MX", "EC0217.01")]
    truncated = remote.get("/queries/equivalents-of-standard", params=params)
    assert truncated.headers["x-result-truncated"] == "true"
    iri = standard_iri(*EC0217).value
    described = remote.get("/queries/standard-description", params={"standard": iri})
    assert described.headers["content-type"] == "text/turtle; charset=utf-8"
    assert len(rdflib.Graph().parse(data=described.content, format="turtle")) == 2
    ask = remote.post(
        "/sparql",
        content=f"ASK {{ <{iri}> ?p ?o }}".encode(),
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+xml",
        },
    )
    assert ask.status_code == 200, ask.text
    assert bool(parse_query_results(ask.content, format=QueryResultsFormat.XML)) is True
    syntax = remote.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p }"})
    _problem(syntax, 400, "query")
