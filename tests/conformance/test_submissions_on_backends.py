"""Submissions on every backend: accept, list, diff, roll back, through either write path."""

from __future__ import annotations

from pathlib import Path

import pytest

from equivalence import submissions
from equivalence.archive import InMemoryArchive
from equivalence.auth import Agent
from equivalence.io.template import read_template
from equivalence.service import load_paths
from equivalence.vocab import GRAPH, country_graph, standard_iri

from .conftest import Backend

SAMPLE = Path(__file__).resolve().parents[2] / "sample"
MX = country_graph("MX")
AGENT = Agent("00aa11bb22cc33dd", "MX", "CONOCER", "CONOCER")


@pytest.mark.parametrize("path", ["direct", "staged"])
def test_versions_diff_and_rollback(
    backend: Backend, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = backend.store
    assert load_paths(store, [SAMPLE]).ok
    if path == "staged":
        monkeypatch.setattr(store, "staging_threshold", 0)
    others = {g: sorted(map(str, store.triples(g))) for g in store.graphs() if g != MX}
    archive = InMemoryArchive()
    quads = [q for q in read_template(SAMPLE / "template").quads if q.graph_name == MX]
    first = submissions.accept(store, archive, "MX", quads, AGENT)
    original = set(store.triples(MX))
    dropped = standard_iri("MX", "EC0154").value
    fewer = [q for q in quads if not str(q.subject).startswith(f"<{dropped}")]
    submissions.accept(store, archive, "MX", fewer, AGENT)
    assert submissions.diff(store, "MX", 1, 2).removed == ("EC0154",)
    live = submissions.diff(store, "MX", 2)
    assert live.empty and live.same_content
    restored = submissions.rollback(store, archive, "MX", 1, AGENT)
    assert (restored.number, restored.restores, restored.digest) == (3, 1, first.digest)
    assert set(store.triples(MX)) == original
    assert [v.number for v in submissions.versions(store, "MX")] == [1, 2, 3]
    assert {
        g: sorted(map(str, store.triples(g)))
        for g in store.graphs()
        if g not in (MX, GRAPH.submissions)
    } == others
