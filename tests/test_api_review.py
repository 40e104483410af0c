"""The agencies' review of mappings through the HTTP layer: accept, reject, recognised only when
both countries accept, refusals that write nothing, and the look-ups reflecting the decisions."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from equivalence.store import TripleStore
from tests.api_support import app_over, sample_store


@pytest.fixture()
def world(tmp_path: Path) -> tuple[TestClient, TripleStore, dict[str, str], str]:
    store = sample_store()
    app, registry = app_over(store, tmp_path)
    tokens = {
        country: registry.create(country, agency).token
        for country, agency in (("MX", "CONOCER"), ("PE", "MTPE"), ("CO", "SENA"))
    }
    client = TestClient(app)
    found = client.get("/standards/MX/EC0217.01/equivalents?target=PE").json()
    return client, store, tokens, found["equivalents"][0]["mapping_id"]


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _graphs(store: TripleStore) -> list[tuple[str, int]]:
    return [(g.value, store.count(g)) for g in store.graphs()]


def test_recognised_only_when_both_agencies_accept(
    world: tuple[TestClient, TripleStore, dict[str, str], str],
) -> None:
    client, _, tokens, mapping = world
    first = client.post(
        f"/mappings/{mapping}/review",
        json={"decision": "accept", "comment": "mismo perfil"},
        headers=_bearer(tokens["MX"]),
    )
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "accepted"
    assert first.json()["accepted_by"] == ["MX"]
    assert first.json()["awaiting"] == ["PE"]
    # the look-ups see the decision at once
    seen = client.get("/standards/PE/DEMO-PE-04/equivalents?target=MX").json()["equivalents"][0]
    assert seen["review_status"] == "accepted"

    second = client.post(
        f"/mappings/{mapping}/review", json={"decision": "accept"}, headers=_bearer(tokens["PE"])
    )
    assert second.json()["status"] == "recognised"
    assert client.get("/mappings?status=recognised").json()["total"] == 1
    standard = client.get("/standards/MX/EC0217.01").json()
    peru = next(e for e in standard["equivalents"] if e["country"] == "PE")
    assert peru["recognised"] == 1

    state = client.get(f"/mappings/{mapping}/review").json()
    assert [(d["country"], d["decision"], d["agency"]) for d in state["history"]] == [
        ("MX", "accept", "CONOCER"),
        ("PE", "accept", "MTPE"),
    ]
    assert state["history"][0]["comment"] == "mismo perfil"
    assert all(d["time"].endswith("Z") for d in state["history"])


def test_a_rejection_by_either_country_wins_and_can_be_revised(
    world: tuple[TestClient, TripleStore, dict[str, str], str],
) -> None:
    client, _, tokens, mapping = world
    client.post(
        f"/mappings/{mapping}/review", json={"decision": "accept"}, headers=_bearer(tokens["MX"])
    )
    rejected = client.post(
        f"/mappings/{mapping}/review", json={"decision": "reject"}, headers=_bearer(tokens["PE"])
    )
    assert rejected.json()["status"] == "rejected"
    revised = client.post(
        f"/mappings/{mapping}/review", json={"decision": "accept"}, headers=_bearer(tokens["PE"])
    )
    assert revised.json()["status"] == "recognised"
    assert len(revised.json()["history"]) == 3


def test_refused_reviews_write_nothing(
    world: tuple[TestClient, TripleStore, dict[str, str], str],
) -> None:
    client, store, tokens, mapping = world
    before = _graphs(store)
    third = client.post(
        f"/mappings/{mapping}/review", json={"decision": "accept"}, headers=_bearer(tokens["CO"])
    )
    assert third.status_code == 403
    assert "MX" in third.json()["detail"] and "PE" in third.json()["detail"]
    assert (
        client.post(f"/mappings/{mapping}/review", json={"decision": "accept"}).status_code == 401
    )
    unknown = client.post(
        "/mappings/0000000000000000/review",
        json={"decision": "accept"},
        headers=_bearer(tokens["MX"]),
    )
    assert unknown.status_code == 404
    bad = client.post(
        f"/mappings/{mapping}/review", json={"decision": "maybe"}, headers=_bearer(tokens["MX"])
    )
    assert bad.status_code == 422
    assert _graphs(store) == before
    assert client.get(f"/mappings/{mapping}/review").json()["status"] == "proposed"
