"""The state the service keeps in memory: the look-up state frozen out of the garbage
collector's full collections (and freed after a write), and the equivalents' response bytes
kept per state of the store."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.cache import ResponseCache
from api.deps import bearer_token, get_settings, get_workspace
from api.responses import json_bytes
from api.routes.standards import _equivalents_body
from equivalence.auth import TokenRegistry
from equivalence.errors import AuthorizationError, NotFoundError, SubmissionRejectedError
from equivalence.settings import Settings
from equivalence.workspace import Workspace
from tests.api_support import sample_store

EQUIVALENTS = "/standards/MX/EC0217.01/equivalents"


@pytest.fixture(autouse=True)
def _thawed() -> Iterator[None]:
    """Whatever a test froze is handed back to the collector afterwards."""
    yield
    gc.unfreeze()


def _frozen(obj: object) -> bool:
    """Whether `obj` sits in the permanent generation (collections never traverse it)."""
    return gc.is_tracked(obj) and not any(o is obj for o in gc.get_objects())


def _serving(tmp_path: Path, *, freeze_gc: bool = True) -> tuple[FastAPI, Workspace, str]:
    """An app over the matched sample, warmed at start-up, and a token of Mexico's agency."""
    registry = TokenRegistry(tmp_path / "tokens.json")
    token = registry.create("MX", "CONOCER").token
    workspace = Workspace(sample_store(), registry, freeze_gc=freeze_gc)
    settings = Settings(store="oxigraph:memory", tokens=str(tmp_path / "tokens.json"))
    return create_app(settings, workspace=workspace, warm=True), workspace, token


# -- the garbage collector ------------------------------------------------------------------------


def test_a_warm_start_freezes_the_look_up_state(tmp_path: Path) -> None:
    gc.unfreeze()
    settings = Settings(store="oxigraph:memory", tokens=str(tmp_path / "tokens.json"))
    app = create_app(settings, warm=True)  # opens its own workspace: a serving one
    assert app.state.workspace.freeze_gc
    with TestClient(app) as client:
        assert gc.get_freeze_count() > 0
        assert _frozen(app.state.workspace.equivalents())
        assert client.get("/health").status_code == 200


def test_a_workspace_built_without_freezing_leaves_the_collector_alone(tmp_path: Path) -> None:
    gc.unfreeze()
    app, workspace, _ = _serving(tmp_path, freeze_gc=False)
    with TestClient(app):
        assert workspace.is_ready("equivalents")
        assert gc.get_freeze_count() == 0


def test_a_write_rebuilds_a_consistent_state_and_frees_the_old_one(tmp_path: Path) -> None:
    app, workspace, token = _serving(tmp_path)
    with TestClient(app) as client:
        before = client.get(EQUIVALENTS, params={"target": "PE"}).json()["equivalents"][0]
        assert before["review_status"] == "proposed"
        old = workspace.equivalents()
        assert _frozen(old)
        # a reference cycle through the frozen index: without a thaw after the write it would
        # never be collected
        old.cycle = [old]  # type: ignore[attr-defined]
        gone = weakref.ref(old)
        del old
        generation = workspace.generation
        review = client.post(
            f"/mappings/{before['mapping_id']}/review",
            json={"decision": "accept"},
            headers={"authorization": f"Bearer {token}"},
        )
        assert review.status_code == 200, review.text
        assert workspace.generation == generation + 1
        assert not workspace.is_ready("equivalents")
        # the next look-up rebuilds the index (and settles the collector once)
        after = client.get(EQUIVALENTS, params={"target": "PE"}).json()["equivalents"][0]
        assert after["mapping_id"] == before["mapping_id"]
        assert after["review_status"] == "accepted"
        assert {k: v for k, v in after.items() if k != "review_status"} == {
            k: v for k, v in before.items() if k != "review_status"
        }
        assert gone() is None, "the previous generation's index was not freed"
        rebuilt = workspace.equivalents()
        assert _frozen(rebuilt)
        assert rebuilt.mappings == len(workspace.mappings())


def test_settling_once_per_build_nested_builds_included(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = TokenRegistry(tmp_path / "tokens.json")
    workspace = Workspace(sample_store(), registry, freeze_gc=True)
    settled: list[int] = []
    monkeypatch.setattr(workspace, "settle_gc", lambda: settled.append(workspace.generation))
    workspace.equivalents()  # builds the titles and the mappings inside
    assert settled == [0]
    workspace.equivalents()
    workspace.title("MX", "EC0217.01")
    assert settled == [0]  # nothing was built again
    workspace.changed()
    workspace.warm()  # the index and the search index: one settle for both
    assert settled == [0, 1]


# -- the dependencies -----------------------------------------------------------------------------


def test_the_dependencies_run_on_the_event_loop() -> None:
    import inspect

    for dependency in (get_workspace, get_settings, bearer_token):
        assert inspect.iscoroutinefunction(dependency), dependency.__name__


# -- the equivalents' response bytes --------------------------------------------------------------


def test_cached_answers_are_the_bytes_computed_afresh(tmp_path: Path) -> None:
    app, workspace, _ = _serving(tmp_path, freeze_gc=False)
    cache: ResponseCache = app.state.equivalents_cache
    questions = [
        ("MX", "EC0217.01", None, None),
        ("MX", "EC0217.01", "PE", None),
        ("MX", "EC0217.01", None, 0.5),
        ("PE", "DEMO-PE-04", "MX", 0.0),
    ]
    with TestClient(app) as client:
        for country, code, target, min_confidence in questions:
            params: dict[str, str | float] = {}
            if target:
                params["target"] = target.lower()  # normalised before it is a key
            if min_confidence is not None:
                params["min_confidence"] = min_confidence
            path = f"/standards/{country}/{code}/equivalents"
            first = client.get(path, params=params)
            second = client.get(path, params=params)
            assert first.status_code == second.status_code == 200
            assert first.headers["content-type"] == second.headers["content-type"]
            assert first.headers["content-type"] == "application/json"
            fresh = json_bytes(_equivalents_body(workspace, country, code, target, min_confidence))
            assert first.content == second.content == fresh
            key = (country, code, target, min_confidence)
            assert cache.get(workspace.generation, key) == fresh
        assert len(cache) == len(questions)
        # an unknown standard is a problem, never kept
        assert client.get("/standards/MX/EC9999/equivalents").status_code == 404
        assert len(cache) == len(questions)


def test_a_write_invalidates_the_cached_answers(tmp_path: Path) -> None:
    app, workspace, token = _serving(tmp_path, freeze_gc=False)
    cache: ResponseCache = app.state.equivalents_cache
    with TestClient(app) as client:
        before = client.get(EQUIVALENTS, params={"target": "PE"})
        assert client.get(EQUIVALENTS, params={"target": "PE"}).content == before.content
        mapping = before.json()["equivalents"][0]["mapping_id"]
        client.post(
            f"/mappings/{mapping}/review",
            json={"decision": "reject"},
            headers={"authorization": f"Bearer {token}"},
        ).raise_for_status()
        assert cache.get(workspace.generation, ("MX", "EC0217.01", "PE", None)) is None
        after = client.get(EQUIVALENTS, params={"target": "PE"})
        assert after.content != before.content
        assert after.json()["equivalents"][0]["review_status"] == "rejected"
        assert cache.generation == workspace.generation
        assert len(cache) == 1  # the previous generation's answers were dropped


def test_the_response_cache_is_bounded_and_per_generation() -> None:
    cache = ResponseCache(max_bytes=800, max_entries=3)
    cache.put(0, "a", b"x" * 100)
    cache.put(0, "b", b"x" * 100)
    cache.put(0, "c", b"x" * 100)
    assert cache.get(0, "a") is not None  # a is now the most recently used
    cache.put(0, "d", b"x" * 100)  # four entries: the least recently used (b) goes
    assert [k for k in ("a", "b", "c", "d") if cache.get(0, k) is not None] == ["a", "c", "d"]
    cache.put(0, "e", b"y" * 100 + b"z")  # over an eighth of the bytes: not kept
    assert cache.get(0, "e") is None
    cache.put(0, "f", b"x" * 90)
    cache.put(0, "g", b"x" * 90)
    assert len(cache) == 3 and cache.size == 280
    # sizes: at most 800 bytes in all
    big = ResponseCache(max_bytes=800)
    for i in range(20):
        big.put(0, i, b"x" * 100)
    assert big.size == 800 and len(big) == 8
    assert big.get(0, 11) is None and big.get(0, 12) is not None
    # another generation: nothing of the old one is answered, and an older put is ignored
    assert big.get(1, 19) is None
    big.put(1, "new", b"n")
    assert len(big) == 1 and big.size == 1
    big.put(0, "late", b"stale")
    assert big.get(0, "late") is None and big.get(1, "late") is None
    assert big.get(1, "new") == b"n"


# -- refused writes ---------------------------------------------------------------------------------


def test_a_refused_review_keeps_the_look_up_state(tmp_path: Path) -> None:
    app, workspace, token = _serving(tmp_path)
    with TestClient(app) as client:
        first = client.get(EQUIVALENTS, params={"target": "PE"}).json()["equivalents"][0]
        index, generation = workspace.equivalents(), workspace.generation
        for headers in ({"authorization": "Bearer eq_nope.wrong"}, {}):
            refused = client.post(
                f"/mappings/{first['mapping_id']}/review",
                json={"decision": "accept"},
                headers=headers,
            )
            assert refused.status_code in (401, 403), refused.text
        unknown = client.post(
            "/mappings/0000000000000000/review",
            json={"decision": "accept"},
            headers={"authorization": f"Bearer {token}"},
        )
        assert unknown.status_code in (404, 422), unknown.text
        assert workspace.generation == generation
        assert workspace.equivalents() is index  # not rebuilt


def test_a_write_that_fails_otherwise_drops_the_state(tmp_path: Path) -> None:
    _, workspace, _ = _serving(tmp_path)
    generation = workspace.generation
    for error in (
        AuthorizationError("no"),
        NotFoundError("no"),
        SubmissionRejectedError("no", None),
    ):
        with pytest.raises(type(error)), workspace.write():
            raise error
    assert workspace.generation == generation
    with pytest.raises(RuntimeError), workspace.write():
        raise RuntimeError("half written")
    assert workspace.generation == generation + 1
    with workspace.write():
        pass
    assert workspace.generation == generation + 2
