"""What only the remote backend has: HTTP, error messages, staging through the Graph Store."""

from __future__ import annotations

from typing import Any

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple

from equivalence.errors import QueryError, StoreError
from equivalence.store import open_store
from equivalence.store.remote import RemoteStore, _term

from .conftest import OxigraphServer, _free_port

pytestmark = pytest.mark.remote

EX = "http://example.org/"
G = NamedNode(EX + "g")


@pytest.fixture
def remote(oxigraph_server: OxigraphServer) -> RemoteStore:
    store = open_store(f"sparql+{oxigraph_server.base}")
    assert isinstance(store, RemoteStore)
    store.update("DROP ALL")
    return store


def test_a_large_write_is_uploaded_to_staging_graphs_then_committed_by_one_update(
    remote: RemoteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, str]] = []
    graph_store, update = remote._graph_store, remote._update_raw

    def spy_graph_store(method: str, graph: NamedNode, *args: Any, **kwargs: Any) -> bytes:
        calls.append((method, graph.value))
        return graph_store(method, graph, *args, **kwargs)

    def spy_update(text: str) -> None:
        calls.append(("UPDATE", text))
        update(text)

    monkeypatch.setattr(remote, "_graph_store", spy_graph_store)
    monkeypatch.setattr(remote, "_update_raw", spy_update)
    monkeypatch.setattr(remote, "staging_threshold", 3)
    g2 = NamedNode(EX + "g2#part")
    remote.add_quads([Quad(NamedNode(f"{EX}s{i}"), G, Literal(str(i)), G) for i in range(3)])
    remote.add_quads([Quad(NamedNode(EX + "s"), G, Literal("x"), g2)])  # below: one update
    assert [c[0] for c in calls] == ["PUT", "UPDATE", "UPDATE"]
    assert calls[0][1].startswith("urn:equivalence:staging:")
    assert "INSERT DATA" in calls[2][1]
    assert remote.count(G) == 3
    assert remote.graphs() == [G, g2]


def test_a_failed_upload_drops_the_staging_graphs(
    remote: RemoteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph_store = remote._graph_store
    puts: list[str] = []

    def second_put_fails(method: str, graph: NamedNode, *args: Any, **kwargs: Any) -> bytes:
        if method == "PUT":
            puts.append(graph.value)
            if len(puts) == 2:
                raise StoreError("injected upload failure")
        return graph_store(method, graph, *args, **kwargs)

    monkeypatch.setattr(remote, "_graph_store", second_put_fails)
    monkeypatch.setattr(remote, "staging_threshold", 0)
    quads = [Quad(NamedNode(EX + "s"), G, Literal("1"), NamedNode(f"{EX}g{i}")) for i in range(3)]
    with pytest.raises(StoreError, match="injected"):
        remote.add_quads(quads)
    assert len(puts) == 2
    monkeypatch.undo()
    assert remote.count() == 0
    assert remote.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows == ()


def test_the_servers_message_reaches_the_query_error(remote: RemoteStore) -> None:
    with pytest.raises(QueryError, match=r"error at 1:\d+"):
        remote.select("SELECT ?s WHERE { ?s ?p ")
    with pytest.raises(QueryError, match=r"error at 1:\d+"):
        remote.update("INSERT DATA { <http://example.org/s> }")


def test_a_select_mentioning_delete_in_a_comment_stays_a_query(remote: RemoteStore) -> None:
    # SPARQLWrapper sends this one to the update endpoint
    result = remote.select(
        "PREFIX ex: <http://example.org/> # DELETE\nSELECT ?s WHERE { ?s ?p ?o }"
    )
    assert result.rows == ()


def test_a_wrong_base_path_is_a_store_error_with_the_status(
    oxigraph_server: OxigraphServer,
) -> None:
    store = open_store(f"sparql+{oxigraph_server.base}/no/such/dataset")
    with pytest.raises(StoreError, match="404") as caught:
        store.count()
    assert not isinstance(caught.value, QueryError)
    assert "/no/such/dataset/query" in caught.value.message


def test_connection_refused_names_the_endpoint() -> None:
    port = _free_port()  # nothing listens there
    store = open_store(f"sparql+http://127.0.0.1:{port}/?timeout=5")
    with pytest.raises(StoreError, match=f"query endpoint http://127.0.0.1:{port}/query"):
        store.select("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(StoreError, match=f"update endpoint http://127.0.0.1:{port}/update"):
        store.add_quads([Quad(G, G, G, G)])
    with pytest.raises(StoreError, match=f"graph store endpoint http://127.0.0.1:{port}/store"):
        store.triples(G)


def test_union_server_mode_sends_no_parameter_and_still_sees_every_graph(
    oxigraph_union_server: OxigraphServer,
) -> None:
    store = open_store(f"sparql+{oxigraph_union_server.base}?union=server")
    assert isinstance(store, RemoteStore)
    store.update("DROP ALL")
    store.add_quads([Quad(G, G, Literal("a"), G), Quad(G, G, Literal("b"), NamedNode(EX + "h"))])
    assert len(store.select("SELECT ?o WHERE { ?s ?p ?o }")) == 2
    assert store.count() == 2


@pytest.mark.parametrize(
    ("json_term", "expected"),
    [
        ({"type": "uri", "value": EX + "a"}, NamedNode(EX + "a")),
        ({"type": "bnode", "value": "b0"}, BlankNode("b0")),
        ({"type": "literal", "value": "x"}, Literal("x")),
        ({"type": "literal", "value": "x", "xml:lang": "es"}, Literal("x", language="es")),
        (
            {"type": "typed-literal", "value": "1", "datatype": EX + "dt"},
            Literal("1", datatype=NamedNode(EX + "dt")),
        ),
        (
            {
                "type": "triple",
                "value": {
                    "subject": {"type": "uri", "value": EX + "s"},
                    "predicate": {"type": "uri", "value": EX + "p"},
                    "object": {"type": "literal", "value": "o"},
                },
            },
            Triple(NamedNode(EX + "s"), NamedNode(EX + "p"), Literal("o")),
        ),
    ],
)
def test_json_terms_become_pyoxigraph_terms(json_term: dict[str, Any], expected: object) -> None:
    assert _term(json_term) == expected


def test_an_unknown_json_term_is_a_store_error() -> None:
    with pytest.raises(StoreError):
        _term({"type": "mystery", "value": "?"})
