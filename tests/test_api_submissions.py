"""Validation (dry run) and versioned submissions through the HTTP layer: formats, tokens, a
rejected or refused submission changing nothing, versions, diff and rollback, read-only mode."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import RdfFormat, parse

from api.problems import PROBLEM_JSON
from equivalence.store import TripleStore
from tests.api_support import (
    app_over,
    country_template,
    multipart,
    reference_only_store,
)


def _digest(store: TripleStore) -> list[tuple[str, int]]:
    return [(g.value, store.count(g)) for g in store.graphs()]


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _broken(files: dict[str, bytes]) -> dict[str, bytes]:
    """The template with a level outside the Mexican scheme (a violation)."""
    text = files["standards.csv"].decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    rows[0]["level"] = "9"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return {**files, "standards.csv": out.getvalue().encode("utf-8")}


@pytest.fixture()
def world(tmp_path: Path) -> tuple[TestClient, TripleStore, dict[str, str]]:
    store = reference_only_store()
    app, registry = app_over(store, tmp_path)
    tokens = {
        "MX": registry.create("MX", "CONOCER").token,
        "CO": registry.create("CO", "SENA").token,
    }
    return TestClient(app), store, tokens


# -- /validate -----------------------------------------------------------------------------------


def test_validate_a_template_sent_as_multipart(
    world: tuple[TestClient, TripleStore, dict[str, str]],
) -> None:
    client, store, _ = world
    before = _digest(store)
    response = client.post("/validate?country=MX", files=multipart(country_template("MX")))
    assert response.status_code == 200
    report = response.json()
    assert report["conforms"] is True
    assert report["summary"]["standards"] == 4
    assert _digest(store) == before  # a dry run writes nothing


def test_validate_reports_violations_in_spanish_and_english(
    world: tuple[TestClient, TripleStore, dict[str, str]],
) -> None:
    client, _, _ = world
    files = multipart(_broken(country_template("MX")))
    report = client.post("/validate", files=files).json()
    assert report["conforms"] is False
    violations = [r for r in report["results"] if r["severity"] == "Violation"]
    assert violations
    first = violations[0]
    assert first["standard"] == "EC0217.01"
    assert first["value"] == "9"
    assert first["message_es"] and first["message_en"]
    assert first["message_es"] != first["message_en"]


@pytest.mark.parametrize(
    ("accept", "check"),
    [
        ("text/turtle", "turtle"),
        ("text/csv", "csv"),
        ("text/plain", "text"),
    ],
)
def test_validate_report_formats_by_accept(
    world: tuple[TestClient, TripleStore, dict[str, str]], accept: str, check: str
) -> None:
    client, _, _ = world
    response = client.post(
        "/validate", files=multipart(_broken(country_template("MX"))), headers={"accept": accept}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    if check == "turtle":
        triples = list(parse(response.content, format=RdfFormat.TURTLE))
        assert any(t.object.value == "http://www.w3.org/ns/shacl#ValidationReport" for t in triples)
    elif check == "csv":
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert any(r.get("value") == "9" for r in rows)
    else:
        assert "EC0217.01" in response.text
        assert "infracci" in response.text.lower() or "violaci" in response.text.lower()


def test_validate_a_turtle_body(world: tuple[TestClient, TripleStore, dict[str, str]]) -> None:
    client, _, _ = world
    turtle = (
        "@prefix eq: <https://w3id.org/equivalence/ontology#> .\n"
        "<https://w3id.org/equivalence/id/MX/standard/EC9000> a eq:ConocerStandard .\n"
    )
    response = client.post(
        "/validate?country=MX", content=turtle.encode(), headers={"content-type": "text/turtle"}
    )
    assert response.status_code == 200
    report = response.json()
    assert report["conforms"] is False  # no code, title, units …


def test_validate_a_zip_of_the_template_and_an_xlsx_name(
    world: tuple[TestClient, TripleStore, dict[str, str]],
) -> None:
    client, _, _ = world
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, body in country_template("CO").items():
            bundle.writestr(f"plantilla/{name}", body)
    response = client.post(
        "/validate", content=buffer.getvalue(), headers={"content-type": "application/zip"}
    )
    assert response.status_code == 200
    assert response.json()["summary"]["standards"] == 4


def test_unreadable_input_is_a_400_problem_with_a_location(
    world: tuple[TestClient, TripleStore, dict[str, str]],
) -> None:
    client, _, _ = world
    response = client.post(
        "/validate", content=b"<a> <b> .\n<c", headers={"content-type": "text/turtle"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert "submission.ttl" in json.dumps(body)


def test_validate_refuses_unknown_types_empty_bodies_and_unsafe_archives(
    world: tuple[TestClient, TripleStore, dict[str, str]],
) -> None:
    client, _, _ = world
    assert (
        client.post("/validate", content=b"x", headers={"content-type": "image/png"}).status_code
        == 415
    )
    assert (
        client.post("/validate", content=b"", headers={"content-type": "text/turtle"}).status_code
        == 400
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("../evil.ttl", b"<a> <b> <c> .")
    response = client.post(
        "/validate", content=buffer.getvalue(), headers={"content-type": "application/zip"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "archive"


def test_validate_refuses_a_body_above_the_limit(tmp_path: Path) -> None:
    app, _ = app_over(reference_only_store(), tmp_path, max_upload_bytes=100)
    client = TestClient(app)
    response = client.post("/validate", files=multipart(country_template("MX")))
    assert response.status_code == 413
    assert response.json()["code"] == "too-large"


# -- /submissions --------------------------------------------------------------------------------


def test_submission_versions_diff_and_rollback(
    world: tuple[TestClient, TripleStore, dict[str, str]],
) -> None:
    client, _, tokens = world
    first = client.post(
        "/submissions/MX", files=multipart(country_template("MX")), headers=_bearer(tokens["MX"])
    )
    assert first.status_code == 201, first.text
    assert first.json()["version"]["version"] == 1
    assert first.json()["report"]["conforms"] is True
    # the new data is served at once
    assert client.get("/standards/MX/EC0154").status_code == 200

    retitled = country_template("MX", retitle={"EC0154": "Limpieza de oficinas"})
    second = client.post(
        "/submissions/MX", files=multipart(retitled), headers=_bearer(tokens["MX"])
    )
    assert second.status_code == 201
    assert client.get("/standards/MX/EC0154").json()["title"] == "Limpieza de oficinas"

    listed = client.get("/submissions/MX").json()
    assert [v["version"] for v in listed["versions"]] == [1, 2]
    assert listed["versions"][0]["agency"] == "CONOCER"

    changed = client.get("/submissions/MX/diff?from=1&to=2").json()
    assert changed["changed"] == ["EC0154"]
    assert changed["added"] == changed["removed"] == []

    rolled = client.post(
        "/submissions/MX/rollback", json={"version": 1}, headers=_bearer(tokens["MX"])
    )
    assert rolled.status_code == 201
    assert rolled.json()["restores"] == 1
    assert client.get("/standards/MX/EC0154").json()["title"] != "Limpieza de oficinas"
    assert client.get("/submissions/MX/diff?from=1").json()["changed"] == []


def test_a_rejected_submission_changes_nothing_and_returns_the_report(
    world: tuple[TestClient, TripleStore, dict[str, str]],
) -> None:
    client, store, tokens = world
    before = _digest(store)
    response = client.post(
        "/submissions/MX",
        files=multipart(_broken(country_template("MX"))),
        headers=_bearer(tokens["MX"]),
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["code"] == "rejected"
    assert body["report"]["conforms"] is False
    assert _digest(store) == before
    assert client.get("/submissions/MX").json()["versions"] == []


def test_unauthorised_submissions_change_nothing(
    world: tuple[TestClient, TripleStore, dict[str, str]],
) -> None:
    client, store, tokens = world
    before = _digest(store)
    files = multipart(country_template("MX"))
    missing = client.post("/submissions/MX", files=files)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert (
        client.post("/submissions/MX", files=files, headers=_bearer("not-a-token")).status_code
        == 403
    )
    other = client.post("/submissions/MX", files=files, headers=_bearer(tokens["CO"]))
    assert other.status_code == 403
    assert other.json()["code"] == "forbidden"
    rollback = client.post(
        "/submissions/MX/rollback", json={"version": 1}, headers=_bearer(tokens["CO"])
    )
    assert rollback.status_code == 403
    assert _digest(store) == before


def test_submission_errors(world: tuple[TestClient, TripleStore, dict[str, str]]) -> None:
    client, _, tokens = world
    assert client.get("/submissions/XX").status_code == 404
    assert client.get("/submissions/MX/diff?from=3").status_code == 404
    assert client.get("/submissions/MX/diff").status_code == 422
    response = client.post(
        "/submissions/MX/rollback", json={"version": 0}, headers=_bearer(tokens["MX"])
    )
    assert response.status_code == 422


def test_a_read_only_service_refuses_writes(tmp_path: Path) -> None:
    store = reference_only_store()
    app, registry = app_over(store, tmp_path, read_only=True)
    client = TestClient(app)
    token = registry.create("MX", "CONOCER").token
    before = _digest(store)
    response = client.post(
        "/submissions/MX", files=multipart(country_template("MX")), headers=_bearer(token)
    )
    assert response.status_code == 503
    assert response.json()["code"] == "read-only"
    assert _digest(store) == before
    # reading and dry runs still work
    assert client.get("/health").json()["read_only"] is True
    assert client.post("/validate", files=multipart(country_template("MX"))).status_code == 200


def test_search_follows_an_accepted_submission(
    world: tuple[TestClient, TripleStore, dict[str, str]],
) -> None:
    client, _, tokens = world
    assert client.get("/standards?q=oficinas&country=MX").json()["total"] == 0
    retitled = country_template("MX", retitle={"EC0154": "Limpieza de oficinas"})
    response = client.post(
        "/submissions/MX", files=multipart(retitled), headers=_bearer(tokens["MX"])
    )
    assert response.status_code == 201
    found = client.get("/standards?q=oficinas&country=MX").json()
    assert [h["code"] for h in found["hits"]] == ["EC0154"]
