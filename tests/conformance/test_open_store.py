"""The store registry: descriptors to backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from equivalence.errors import ConfigurationError
from equivalence.store import TripleStore, open_store
from equivalence.store.oxigraph import OxigraphStore
from equivalence.store.remote import RemoteStore


def test_oxigraph_memory() -> None:
    store = open_store("oxigraph:memory")
    assert isinstance(store, OxigraphStore)
    assert isinstance(store, TripleStore)
    assert store.path is None
    assert store.descriptor == "oxigraph:memory"


@pytest.mark.parametrize("prefix", ["oxigraph:", ""])
def test_oxigraph_on_disk(tmp_path: Path, prefix: str) -> None:
    store = open_store(f"{prefix}{tmp_path / 'db'}")
    assert isinstance(store, OxigraphStore)
    assert store.path == tmp_path / "db"
    assert (tmp_path / "db").is_dir()
    store.close()


def test_a_relative_bare_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store("./data/store")
    assert isinstance(store, OxigraphStore)
    assert (tmp_path / "data" / "store").is_dir()
    store.close()


def test_a_file_is_no_store_directory(tmp_path: Path) -> None:
    (tmp_path / "file.ttl").write_text("")
    with pytest.raises(ConfigurationError, match="not a directory"):
        open_store(f"oxigraph:{tmp_path / 'file.ttl'}")


def test_remote_oxigraph_layout() -> None:
    store = open_store("sparql+http://localhost:7878")
    assert isinstance(store, RemoteStore)
    assert isinstance(store, TripleStore)
    assert store.query_endpoint == "http://localhost:7878/query"
    assert store.update_endpoint == "http://localhost:7878/update"
    assert store.graph_store_endpoint == "http://localhost:7878/store"
    assert store.union_default_graph == "parameter"
    assert store.descriptor == "sparql+http://localhost:7878"


def test_remote_explicit_endpoints_and_options() -> None:
    store = open_store(
        "sparql+https://example.org/fuseki/ds?query=sparql&update=update&store=data"
        "&union=server&timeout=2.5&staging-threshold=10"
    )
    assert isinstance(store, RemoteStore)
    assert store.query_endpoint == "https://example.org/fuseki/ds/sparql"
    assert store.update_endpoint == "https://example.org/fuseki/ds/update"
    assert store.graph_store_endpoint == "https://example.org/fuseki/ds/data"
    assert store.union_default_graph == "server"
    assert store.timeout == 2.5
    assert store.staging_threshold == 10


def test_remote_absolute_endpoint_overrides() -> None:
    store = open_store("sparql+http://a.example/ds?store=http://b.example/gsp")
    assert isinstance(store, RemoteStore)
    assert store.graph_store_endpoint == "http://b.example/gsp"


@pytest.mark.parametrize(
    ("descriptor", "message"),
    [
        ("mystery:thing", "known forms: oxigraph:memory"),
        ("", "empty"),
        ("   ", "empty"),
        ("oxigraph:", "needs `memory` or a directory"),
        ("sparql+http://", "no host"),
        ("sparql+http://h/?bogus=1", "bogus"),
        ("sparql+http://h/?union=maybe", "union"),
        ("sparql+http://h/?timeout=soon", "bad number"),
    ],
)
def test_bad_descriptors(descriptor: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        open_store(descriptor)


def test_the_error_lists_every_known_scheme() -> None:
    with pytest.raises(ConfigurationError) as caught:
        open_store("neo4j://localhost")
    for known in ("oxigraph:memory", "oxigraph:<directory>", "sparql+http://", "sparql+https://"):
        assert known in caught.value.message
