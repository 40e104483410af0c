"""`TripleStore.stream_query` on every backend: every query form, lazily read, the dataset
options, early release, and the errors."""

from __future__ import annotations

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple

from equivalence.errors import QueryError
from equivalence.store.base import QueryStream, TripleStore

from .conftest import Backend

EX = "http://example.org/"
G1, G2 = NamedNode(EX + "g1"), NamedNode(EX + "g2")
A, B, C = NamedNode(EX + "a"), NamedNode(EX + "b"), NamedNode(EX + "c")
P, Q = NamedNode(EX + "p"), NamedNode(EX + "q")
HOLA = Literal("hola", language="es")
SEVEN = Literal("7", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


@pytest.fixture
def filled(store: TripleStore) -> TripleStore:
    store.add_quads(
        [
            Quad(A, P, HOLA, G1),
            Quad(A, Q, SEVEN, G1),
            Quad(B, P, C, G2),
            *(Quad(NamedNode(f"{EX}n{i}"), Q, Literal(str(i)), G2) for i in range(500)),
        ]
    )
    return store


def _rows(stream: QueryStream) -> list[tuple[object, ...]]:
    assert stream.kind == "solutions"
    return list(stream.solutions)


def test_select_streams_rows_in_variable_order_with_unbound_as_none(filled: TripleStore) -> None:
    query = f"SELECT ?s ?o ?missing WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s"
    with filled.stream_query(query) as stream:
        assert stream.variables == ("s", "o", "missing")
        assert _rows(stream) == [(A, HOLA, None), (B, C, None)]


def test_terms_keep_their_language_datatype_and_blank_nodes(filled: TripleStore) -> None:
    query = f"SELECT ?o (BNODE() AS ?b) WHERE {{ <{EX}a> ?p ?o }} ORDER BY ?o"
    with filled.stream_query(query) as stream:
        rows = _rows(stream)
    assert {row[0] for row in rows} == {HOLA, SEVEN}
    assert all(isinstance(row[1], BlankNode) for row in rows)


def test_ask_gives_a_boolean(filled: TripleStore) -> None:
    with filled.stream_query(f"ASK {{ <{EX}a> <{EX}p> ?o }}") as stream:
        assert (stream.kind, stream.boolean) == ("boolean", True)
    with filled.stream_query(f"ASK {{ <{EX}c> ?p ?o }}") as stream:
        assert (stream.kind, stream.boolean) == ("boolean", False)


def test_construct_and_describe_give_triples(filled: TripleStore) -> None:
    query = f"CONSTRUCT {{ ?s <{EX}seen> ?o }} WHERE {{ ?s <{EX}p> ?o }}"
    with filled.stream_query(query) as stream:
        assert stream.kind == "triples"
        assert set(stream.triples) == {
            Triple(A, NamedNode(EX + "seen"), HOLA),
            Triple(B, NamedNode(EX + "seen"), C),
        }
    with filled.stream_query(f"DESCRIBE <{EX}a>") as stream:
        assert stream.kind == "triples"
        assert set(stream.triples) == {Triple(A, P, HOLA), Triple(A, Q, SEVEN)}


def test_the_default_graph_is_the_union_unless_the_query_or_the_caller_says_otherwise(
    filled: TripleStore, backend: Backend
) -> None:
    every = f"SELECT ?s WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s"
    with filled.stream_query(every) as stream:
        assert _rows(stream) == [(A,), (B,)]
    # the query's own FROM decides when the union is not asked for; a server that makes the
    # union itself (`oxigraph serve --union-default-graph`) ignores FROM, as pyoxigraph does
    # when asked for the union
    own = f"SELECT ?s FROM <{EX}g2> WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s"
    with filled.stream_query(own, union_default_graph=False) as stream:
        expected = [(A,), (B,)] if backend.name == "remote-union-server" else [(B,)]
        assert _rows(stream) == expected
    # the protocol's default-graph-uri and named-graph-uri make the whole dataset
    with filled.stream_query(every, default_graphs=[G1]) as stream:
        assert _rows(stream) == [(A,)]
    named = f"SELECT ?g ?s WHERE {{ GRAPH ?g {{ ?s <{EX}p> ?o }} }}"
    with filled.stream_query(named, named_graphs=[G2]) as stream:
        assert _rows(stream) == [(G2, B)]
    with filled.stream_query(every, named_graphs=[G2]) as stream:
        assert _rows(stream) == []  # no default-graph-uri: an empty default graph


def test_a_result_read_in_part_is_released_and_the_store_goes_on(filled: TripleStore) -> None:
    big = f"SELECT ?s ?o WHERE {{ ?s <{EX}q> ?o }}"
    with filled.stream_query(big) as stream:
        first = next(stream.solutions)
        assert len(first) == 2
    with filled.stream_query(f"CONSTRUCT WHERE {{ ?s <{EX}q> ?o }}") as stream:
        next(stream.triples)
    with filled.stream_query(big) as stream:
        assert len(_rows(stream)) == 501


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?s WHERE { ?s ?p }",
        f"INSERT DATA {{ GRAPH <{EX}g1> {{ <{EX}x> <{EX}y> <{EX}z> }} }}",
        f"DROP GRAPH <{EX}g1>",
    ],
    ids=["syntax-error", "insert", "drop"],
)
def test_bad_queries_and_updates_are_query_errors_and_change_nothing(
    filled: TripleStore, text: str
) -> None:
    before = filled.count()
    with pytest.raises(QueryError), filled.stream_query(text) as stream:
        list(stream.solutions)
    assert filled.count() == before
