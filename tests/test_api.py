"""The HTTP look-ups through FastAPI's test client: standards, equivalents, comparison, mappings,
occupations, health and statistics, content negotiation and problem+json errors."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import NamedNode, RdfFormat, parse

from api.problems import PROBLEM_JSON
from tests.api_support import app_over, sample_store

TITLE_EC0217 = "Impartición de cursos de formación del capital humano de manera presencial grupal"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app, _ = app_over(sample_store(), tmp_path_factory.mktemp("api"))
    with TestClient(app) as test_client:
        yield test_client


def _problem(response: object, status: int, code: str) -> dict[str, object]:
    assert getattr(response, "status_code", None) == status
    headers = getattr(response, "headers", {})
    assert headers["content-type"] == PROBLEM_JSON
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert body["status"] == status
    assert body["code"] == code
    assert str(body["type"]).endswith(code)
    assert "Traceback" not in json.dumps(body)
    return body


# -- a standard ----------------------------------------------------------------------------------


def test_a_standard_in_json_has_units_criteria_level_occupations_and_equivalents(
    client: TestClient,
) -> None:
    response = client.get("/standards/MX/EC0217.01")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert (body["country"], body["code"], body["title"]) == ("MX", "EC0217.01", TITLE_EC0217)
    assert body["level"] == 3
    assert body["sector"] == "SERVICIOS EDUCATIVOS"
    assert [u["code"] for u in body["units"]] == ["E01", "E02", "E03"]
    first = body["units"][0]
    assert first["title"] == "Preparar la sesión de capacitación"
    assert first["essential"] is True
    assert first["criteria"][0]["code"] == "C1"
    assert first["criteria"][0]["kind"] == "producto"
    assert [o["code"] for o in body["occupations"]] == ["2424"]
    by_country = {e["country"]: e for e in body["equivalents"]}
    assert set(by_country) == {"CL", "CO", "PE"}
    assert by_country["PE"]["best"]["standard"]["code"] == "DEMO-PE-04"
    assert by_country["PE"]["best"]["predicate"] == "skos:exactMatch"


def test_country_codes_are_case_insensitive(client: TestClient) -> None:
    assert client.get("/standards/mx/EC0217.01").json()["country"] == "MX"


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        ("text/turtle", RdfFormat.TURTLE),
        ("application/n-triples", RdfFormat.N_TRIPLES),
        ("application/ld+json", RdfFormat.JSON_LD),
        ("application/rdf+xml", RdfFormat.RDF_XML),
    ],
)
def test_a_standard_in_rdf_by_accept(
    client: TestClient, accept: str, rdf_format: RdfFormat
) -> None:
    response = client.get("/standards/MX/EC0217.01", headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    triples = list(parse(response.content, format=rdf_format))
    standard = NamedNode("https://w3id.org/equivalence/id/MX/standard/EC0217.01")
    titles = {
        t.object.value
        for t in triples
        if t.subject == standard and t.predicate.value.endswith("core#prefLabel")
    }
    assert TITLE_EC0217 in titles
    units = {
        t.object
        for t in triples
        if t.subject == standard and t.predicate.value.endswith("#hasUnit")
    }
    assert len(units) == 3
    # the units' and criteria's own statements come along
    assert any(t.subject in units for t in triples)


def test_a_standard_in_html_by_accept_or_format(client: TestClient) -> None:
    for response in (
        client.get("/standards/MX/EC0217.01", headers={"accept": "text/html,*/*;q=0.8"}),
        client.get("/standards/MX/EC0217.01?format=html"),
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert TITLE_EC0217 in response.text
        assert 'lang="es"' in response.text


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    response = client.get(
        "/standards/MX/EC0217.01?format=ttl", headers={"accept": "application/json"}
    )
    assert response.headers["content-type"].startswith("text/turtle")


def test_an_unacceptable_type_is_a_406_problem(client: TestClient) -> None:
    body = _problem(
        client.get("/standards/MX/EC0217.01", headers={"accept": "image/png"}),
        406,
        "not-acceptable",
    )
    assert "text/turtle" in body["available"]  # type: ignore[operator]


def test_an_unknown_format_name_is_a_400_problem(client: TestClient) -> None:
    _problem(client.get("/standards/MX/EC0217.01?format=docx"), 400, "unknown-format")


def test_an_unknown_code_is_a_404_that_suggests_near_codes(client: TestClient) -> None:
    body = _problem(client.get("/standards/MX/EC0217"), 404, "standard-not-found")
    assert body["suggestions"] == ["EC0217.01", "EC0249", "EC0154"][: len(body["suggestions"])]  # type: ignore[arg-type]
    assert "EC0217.01" in str(body["detail"])
    typo = _problem(client.get("/standards/CL/P-4711-5230-001-V01"), 404, "standard-not-found")
    assert "P-4711-5230-001-V02" in typo["suggestions"]  # type: ignore[operator]


def test_an_unknown_country_is_a_404_problem(client: TestClient) -> None:
    body = _problem(client.get("/standards/AR/EC0217.01"), 404, "not-found")
    assert "CL, CO, MX, PE" in str(body["detail"])


# -- equivalents ---------------------------------------------------------------------------------


def test_equivalents_are_ranked_with_predicate_confidence_coverage_and_status(
    client: TestClient,
) -> None:
    response = client.get("/standards/MX/EC0217.01/equivalents")
    assert response.status_code == 200
    body = response.json()
    assert body["standard"]["title"] == TITLE_EC0217
    found = body["equivalents"]
    assert body["count"] == len(found) == 3
    assert {(e["standard"]["country"], e["standard"]["code"]) for e in found} == {
        ("PE", "DEMO-PE-04"),
        ("CL", "P-8549-2424-901-V01"),
        ("CO", "900000001"),
    }
    confidences = [e["confidence"] for e in found]
    assert confidences == sorted(confidences, reverse=True)
    for equivalent in found:
        assert equivalent["predicate"] == "skos:exactMatch"
        assert 0.0 <= equivalent["coverage"]["here"] <= 1.0
        assert 0.0 <= equivalent["coverage"]["there"] <= 1.0
        assert equivalent["review_status"] == "proposed"
        assert equivalent["justification"].startswith("semapv:")
        assert equivalent["mapping"].endswith(equivalent["mapping_id"])
        assert equivalent["standard"]["title"]


def test_equivalents_filtered_by_target_and_confidence(client: TestClient) -> None:
    only_pe = client.get("/standards/MX/EC0217.01/equivalents?target=pe").json()
    assert [e["standard"]["country"] for e in only_pe["equivalents"]] == ["PE"]
    assert only_pe["target"] == "PE"
    none = client.get("/standards/MX/EC0154/equivalents?min_confidence=0.9").json()
    assert none["count"] == 0
    close = client.get("/standards/MX/EC0154/equivalents?min_confidence=0.5").json()
    assert [e["predicate"] for e in close["equivalents"]] == ["skos:closeMatch"]


def test_equivalents_are_oriented_from_the_asked_standard(client: TestClient) -> None:
    # stored as CL P-4711-5230-001-V02 narrowMatch PE DEMO-PE-01: seen from Peru it is broadMatch
    from_chile = client.get("/standards/CL/P-4711-5230-001-V02/equivalents?target=PE").json()
    from_peru = client.get("/standards/PE/DEMO-PE-01/equivalents?target=CL").json()
    forward, backward = from_chile["equivalents"][0], from_peru["equivalents"][0]
    assert forward["predicate"] == "skos:narrowMatch"
    assert backward["predicate"] == "skos:broadMatch"
    assert forward["mapping_id"] == backward["mapping_id"]
    assert forward["coverage"]["here"] == backward["coverage"]["there"]
    assert forward["coverage"]["there"] == backward["coverage"]["here"]


def test_equivalents_errors(client: TestClient) -> None:
    _problem(client.get("/standards/MX/EC9999/equivalents"), 404, "standard-not-found")
    _problem(client.get("/standards/MX/EC0217.01/equivalents?target=BR"), 404, "not-found")
    body = _problem(
        client.get("/standards/MX/EC0217.01/equivalents?min_confidence=2"), 422, "invalid-request"
    )
    assert "min_confidence" in str(body["detail"])


# -- comparison ----------------------------------------------------------------------------------


def test_compare_aligns_units_and_gives_the_gap_both_ways(client: TestClient) -> None:
    response = client.get("/compare/CL/P-4711-5230-001-V02/PE/DEMO-PE-01")
    assert response.status_code == 200
    body = response.json()
    assert body["subject"]["code"] == "P-4711-5230-001-V02"
    assert body["object"]["code"] == "DEMO-PE-01"
    assert body["predicate"] == "skos:narrowMatch"
    assert {u["status"] for u in body["subject_units"]} <= {"covered", "partial", "missing"}
    assert len(body["subject_units"]) == body["subject"]["units"]
    assert len(body["object_units"]) == body["object"]["units"]
    # narrowMatch: Chile's profile is broader, so a Peruvian holder has a gap, a Chilean none
    assert body["gap"] == []
    assert body["reverse_gap"]
    assert all(u["status"] != "covered" for u in body["reverse_gap"])
    assert body["mapping"]["review_status"] == "proposed"


def test_compare_as_text_in_spanish_and_english(client: TestClient) -> None:
    spanish = client.get("/compare/MX/EC0217.01/PE/DEMO-PE-04", headers={"accept": "text/plain"})
    assert spanish.status_code == 200
    assert "Veredicto" in spanish.text
    english = client.get("/compare/MX/EC0217.01/PE/DEMO-PE-04?format=text&lang=en")
    assert "Verdict" in english.text


def test_compare_of_an_unknown_standard_is_a_404(client: TestClient) -> None:
    body = _problem(client.get("/compare/MX/EC0217.01/PE/DEMO-PE-4"), 404, "standard-not-found")
    assert "DEMO-PE-04" in body["suggestions"]  # type: ignore[operator]


# -- mappings ------------------------------------------------------------------------------------


def test_mappings_are_paged_and_filtered(client: TestClient) -> None:
    everything = client.get("/mappings").json()
    assert everything["total"] == 8
    page = client.get("/mappings?size=3&page=2").json()
    assert len(page["mappings"]) == 3
    assert page["mappings"][0] == everything["mappings"][3]
    between = client.get("/mappings?from=PE&to=MX").json()
    assert {(m["subject"]["country"], m["object"]["country"]) for m in between["mappings"]} == {
        ("MX", "PE")
    }
    assert between["total"] == 2
    close = client.get("/mappings?predicate=closeMatch").json()
    assert [(m["subject"]["code"], m["object"]["code"]) for m in close["mappings"]] == [
        ("EC0154", "DEMO-PE-02")
    ]
    assert client.get("/mappings?status=recognised").json()["total"] == 0
    assert client.get("/mappings?min_confidence=0.9").json()["total"] == 7


def test_mappings_as_sssom_tsv(client: TestClient) -> None:
    response = client.get("/mappings?from=MX&format=sssom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    lines = response.text.splitlines()
    assert lines[0].startswith("#")
    table = [line for line in lines if not line.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(table)), delimiter="\t"))
    assert len(rows) == 4
    assert {"subject_id", "predicate_id", "object_id", "mapping_justification"} <= set(rows[0])


def test_mappings_errors(client: TestClient) -> None:
    body = _problem(client.get("/mappings?predicate=sameAs"), 400, "query")
    assert "sameAs" in str(body["detail"])
    _problem(client.get("/mappings?status=maybe"), 422, "invalid-request")
    _problem(client.get("/mappings?size=5000"), 422, "invalid-request")


# -- occupations, health, stats, OpenAPI ---------------------------------------------------------


def test_occupation_suggestions(client: TestClient) -> None:
    response = client.get("/occupations/suggest?q=cajera de supermercado&limit=3")
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "cajera de supermercado"
    assert body["suggestions"][0]["isco08_unit_group"] == "5230"
    assert 1 <= len(body["suggestions"]) <= 3
    assert [s["rank"] for s in body["suggestions"]] == list(range(1, len(body["suggestions"]) + 1))
    assert all(len(s["isco08_unit_group"]) == 4 for s in body["suggestions"])


def test_occupation_suggestions_need_a_query(client: TestClient) -> None:
    _problem(client.get("/occupations/suggest"), 422, "invalid-request")
    _problem(client.get("/occupations/suggest?q=x&limit=0"), 422, "invalid-request")


def test_health_and_stats(client: TestClient) -> None:
    health = client.get("/health").json()
    assert health["status"] == "ok"
    assert health["read_only"] is False
    stats = client.get("/stats").json()
    assert stats["countries"]["MX"]["standards"] == 4
    assert stats["mappings"]["total"] == 8


def test_unknown_routes_and_methods_are_problems(client: TestClient) -> None:
    _problem(client.get("/no-such-thing"), 404, "not-found")
    _problem(client.delete("/standards/MX/EC0217.01"), 405, "method-not-allowed")


def test_openapi_documents_every_route_with_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/standards/{country}/{code}",
        "/standards/{country}/{code}/equivalents",
        "/compare/{country}/{code}/{country2}/{code2}",
        "/occupations/suggest",
        "/mappings",
        "/validate",
        "/submissions/{country}",
        "/submissions/{country}/diff",
        "/submissions/{country}/rollback",
        "/health",
        "/stats",
    ):
        assert path in paths, path
    parameters = paths["/standards/{country}/{code}"]["get"]["parameters"]
    assert any(
        p.get("example") == "MX" or "MX" in p.get("examples", []) for p in parameters
    ) or any("MX" in json.dumps(p) for p in parameters)


def test_the_app_closes_a_store_it_opened(tmp_path: Path) -> None:
    from api.app import create_app
    from equivalence.settings import Settings

    settings = Settings(store=str(tmp_path / "store"), tokens=str(tmp_path / "tokens.json"))
    with TestClient(create_app(settings)) as first:
        assert first.get("/health").json()["status"] == "ok"
    # the on-disk store was released: a second app can open it
    with TestClient(create_app(settings)) as second:
        assert second.get("/health").json()["status"] == "ok"


# -- search --------------------------------------------------------------------------------------


def test_search_is_accent_insensitive_and_spanish_aware(client: TestClient) -> None:
    with_accent = client.get("/standards?q=capacitación").json()
    without = client.get("/standards?q=CAPACITACION").json()
    assert with_accent["total"] == without["total"] >= 2
    assert [h["code"] for h in with_accent["hits"]] == [h["code"] for h in without["hits"]]
    assert "DEMO-PE-04" in {h["code"] for h in without["hits"]}
    hit = without["hits"][0]
    assert hit["snippet"]["marked"].count("[") >= 1
    assert {"country", "code", "title", "iri", "level", "sector", "score", "match"} <= set(hit)


def test_search_ranks_a_code_first_and_filters(client: TestClient) -> None:
    by_code = client.get("/standards?q=EC0217").json()
    assert by_code["hits"][0]["code"] == "EC0217.01"
    assert by_code["hits"][0]["match"].startswith("code")
    only_peru = client.get("/standards?q=limpieza&country=PE").json()
    assert {h["country"] for h in only_peru["hits"]} == {"PE"}
    two = client.get("/standards?q=cajero&country=mx,cl").json()
    assert {h["country"] for h in two["hits"]} <= {"MX", "CL"}
    assert client.get("/standards?country=MX&level=3").json()["total"] == 1


def test_search_pages(client: TestClient) -> None:
    first = client.get("/standards?country=MX&size=3").json()
    second = client.get("/standards?country=MX&size=3&page=2").json()
    assert first["total"] == second["total"] == 4
    assert first["pages"] == 2
    assert len(first["hits"]) == 3 and len(second["hits"]) == 1
    assert not {h["code"] for h in first["hits"]} & {h["code"] for h in second["hits"]}


def test_without_q_every_standard_is_listed_by_country_and_code_a_page_at_a_time(
    client: TestClient,
) -> None:
    everything = client.get("/standards?size=100")
    assert everything.status_code == 200
    listed = everything.json()
    assert (listed["query"], listed["total"], listed["page"], listed["pages"]) == ("", 16, 1, 1)
    keys = [(h["country"], h["code"]) for h in listed["hits"]]
    assert keys == sorted(keys)
    assert {country for country, _ in keys} == {"CL", "CO", "MX", "PE"}
    assert {h["match"] for h in listed["hits"]} == {"list"}
    assert all(h["snippet"] is None and h["score"] == 0 for h in listed["hits"])
    ec0217 = next(h for h in listed["hits"] if h["code"] == "EC0217.01")
    assert (ec0217["title"], ec0217["level"], ec0217["sector"]) == (
        TITLE_EC0217,
        3,
        "SERVICIOS EDUCATIVOS",
    )
    # the default page, and every page once
    first = client.get("/standards").json()
    assert (first["size"], first["total"], len(first["hits"])) == (20, 16, 16)
    pages = [client.get(f"/standards?size=5&page={n}").json() for n in range(1, 5)]
    assert [p["pages"] for p in pages] == [4, 4, 4, 4]
    assert [(h["country"], h["code"]) for p in pages for h in p["hits"]] == keys
    assert client.get("/standards?size=5&page=9").json()["hits"] == []


def test_filters_alone_list_the_standards_they_keep(client: TestClient) -> None:
    mexico = client.get("/standards?country=mx").json()
    assert [h["code"] for h in mexico["hits"]] == sorted(h["code"] for h in mexico["hits"])
    assert {h["country"] for h in mexico["hits"]} == {"MX"} and mexico["total"] == 4
    assert client.get("/standards?country=MX,PE").json()["total"] == 8
    level = client.get("/standards?level=3").json()
    assert level["total"] >= 1 and {h["level"] for h in level["hits"]} == {3}
    sector = client.get("/standards", params={"sector": "servicios educativos"}).json()
    assert [(h["country"], h["code"]) for h in sector["hits"]] == [("MX", "EC0217.01")]
    assert {h["match"] for h in sector["hits"]} == {"list"}


def test_the_listing_is_documented(client: TestClient) -> None:
    search = client.get("/openapi.json").json()["paths"]["/standards"]["get"]
    assert "Without `q`" in search["description"]
    schema = search["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/SearchPageOut")
    q = next(p for p in search["parameters"] if p["name"] == "q")
    assert "list" in q["description"] and q["examples"]


def test_search_errors_are_problems(client: TestClient) -> None:
    _problem(client.get("/standards?q=de+la+y"), 400, "invalid-search")
    _problem(client.get("/standards?q=x&country=AR"), 404, "not-found")
    _problem(client.get("/standards?q=x&size=500"), 422, "invalid-request")
