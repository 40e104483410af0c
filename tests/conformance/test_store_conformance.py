"""The conformance suite: the same assertions on every TripleStore backend (see conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple

from equivalence.errors import QueryError, StoreError
from equivalence.store import TripleStore
from equivalence.store.base import STAGING_PREFIX
from equivalence.store.oxigraph import OxigraphStore

from .conftest import Backend

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
G1, G2, G3 = NamedNode(EX + "g1"), NamedNode(EX + "g2"), NamedNode(EX + "g3#with-fragment")
S1, S2 = NamedNode(EX + "s1"), NamedNode(EX + "s2")
P, LABEL, TYPE = NamedNode(EX + "p"), NamedNode(EX + "label"), NamedNode(EX + "Type")
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

TRICKY_LITERALS = [
    Literal("42", datatype=NamedNode(XSD + "integer")),
    Literal("-7", datatype=NamedNode(XSD + "integer")),
    Literal("2024-05-01", datatype=NamedNode(XSD + "date")),
    Literal("true", datatype=NamedNode(XSD + "boolean")),
    Literal("Técnico en construcción", language="es"),
    Literal("Soldadura", language="es-co"),
    Literal("ñ á é í ó ú ü Ñ"),
    Literal("she said \"hola\" and 'adiós'"),
    Literal("first line\nsecond line\r\nthird\ttabbed \\ backslash"),
    Literal("   spaces kept   "),
    Literal(""),
    Literal("emoji 🛠 and CJK 技能"),
    Literal("custom", datatype=NamedNode(EX + "datatype")),
]


def quads_in(graph: NamedNode, count: int, subject: str = "s") -> list[Quad]:
    return [Quad(NamedNode(f"{EX}{subject}{i}"), P, Literal(str(i)), graph) for i in range(count)]


def dump(store: TripleStore) -> tuple[int, set[tuple[str, ...]]]:
    """Everything in the named graphs (staging graphs included) and the total count."""
    result = store.select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    rows = {tuple(str(row[v]) for v in ("g", "s", "p", "o")) for row in result.rows}
    return store.count(), rows


def staging_left(store: TripleStore) -> list[str]:
    return [row[0] for row in dump(store)[1] if row[0].startswith("<" + STAGING_PREFIX)]


def seed(store: TripleStore) -> None:
    store.add_quads(quads_in(G1, 3) + quads_in(G2, 2, "t"))


# -- writes and counts -----------------------------------------------------------------------


def test_add_quads_counts_per_graph_and_in_total(store: TripleStore) -> None:
    store.add_quads(quads_in(G1, 3) + quads_in(G2, 2) + quads_in(G3, 1))
    assert store.count(G1) == 3
    assert store.count(G2) == 2
    assert store.count(G3) == 1
    assert store.count() == 6
    assert store.count(NamedNode(EX + "missing")) == 0


def test_add_quads_adds_to_what_is_there(store: TripleStore) -> None:
    store.add_quads(quads_in(G1, 2))
    store.add_quads(quads_in(G1, 4, "other"))
    store.add_quads(quads_in(G1, 2))  # duplicates are one quad
    store.add_quads([])
    assert store.count(G1) == 6


def test_graphs_lists_only_non_empty_named_graphs(store: TripleStore) -> None:
    assert store.graphs() == []
    store.add_quads(quads_in(G2, 1) + quads_in(G1, 2))
    store.update(f"CREATE GRAPH {G3}")  # exists, empty
    store.update(f"DELETE WHERE {{ GRAPH {G2} {{ ?s ?p ?o }} }}")  # emptied
    store.update(f"INSERT DATA {{ {S1} {P} 1 }}")  # default graph: not a named graph
    assert store.graphs() == [G1]


def test_quads_outside_a_named_graph_are_refused_and_nothing_is_written(
    store: TripleStore,
) -> None:
    seed(store)
    before = dump(store)
    bad = [*quads_in(G1, 5, "new"), Quad(S1, P, Literal("x"), DefaultGraph()), *quads_in(G3, 2)]
    with pytest.raises(StoreError, match="named graph"):
        store.add_quads(bad)
    assert dump(store) == before


# -- queries ---------------------------------------------------------------------------------


def test_select_round_trips_terms_exactly(store: TripleStore) -> None:
    store.add_quads([Quad(S1, P, literal, G1) for literal in TRICKY_LITERALS])
    in_graph = store.select(f"SELECT ?o WHERE {{ GRAPH {G1} {{ {S1} {P} ?o }} }}")
    assert in_graph.variables == ("o",)
    assert sorted(in_graph.column("o"), key=str) == sorted(TRICKY_LITERALS, key=str)
    for value in in_graph.column("o"):
        assert isinstance(value, Literal)
        original = next(lit for lit in TRICKY_LITERALS if lit == value)
        assert (value.value, value.datatype, value.language) == (
            original.value,
            original.datatype,
            original.language,
        )


def test_queries_see_the_union_of_the_named_graphs(store: TripleStore) -> None:
    store.add_quads([Quad(S1, P, Literal("in g1"), G1), Quad(S2, P, Literal("in g2"), G2)])
    result = store.select(f"SELECT ?s ?o WHERE {{ ?s {P} ?o }} ORDER BY ?s")
    assert result.rows == ({"s": S1, "o": Literal("in g1")}, {"s": S2, "o": Literal("in g2")})
    assert store.ask(f"ASK {{ {S2} {P} ?o }}")
    assert len(store.construct(f"CONSTRUCT WHERE {{ ?s {P} ?o }}")) == 2


def test_unbound_variables_are_absent_from_the_row(store: TripleStore) -> None:
    store.add_quads(
        [
            Quad(S1, RDF_TYPE, TYPE, G1),
            Quad(S2, RDF_TYPE, TYPE, G1),
            Quad(S1, LABEL, Literal("uno", language="es"), G2),
        ]
    )
    result = store.select(
        f"SELECT ?s ?label WHERE {{ ?s a {TYPE} OPTIONAL {{ ?s {LABEL} ?label }} }} ORDER BY ?s"
    )
    assert result.variables == ("s", "label")
    assert result.rows == ({"s": S1, "label": Literal("uno", language="es")}, {"s": S2})
    assert result.column("label") == [Literal("uno", language="es"), None]
    assert len(result) == 2


def test_select_returns_blank_nodes_and_aggregates(store: TripleStore) -> None:
    store.add_quads(
        [Quad(BlankNode(), P, Literal("a"), G1), Quad(BlankNode(), P, Literal("b"), G1)]
    )
    result = store.select(f"SELECT ?s WHERE {{ ?s {P} ?o }}")
    assert len(result) == 2
    assert all(isinstance(s, BlankNode) for s in result.column("s"))
    assert len(set(result.column("s"))) == 2
    total = store.select(f"SELECT (COUNT(*) AS ?n) (SUM(1) AS ?sum) WHERE {{ ?s {P} ?o }}")
    assert total.rows == (
        {
            "n": Literal("2", datatype=NamedNode(XSD + "integer")),
            "sum": Literal("2", datatype=NamedNode(XSD + "integer")),
        },
    )


def test_select_with_no_solution(store: TripleStore) -> None:
    result = store.select("SELECT ?x ?y WHERE { ?x ?p ?y }")
    assert result.variables == ("x", "y")
    assert result.rows == ()


def test_ask(store: TripleStore) -> None:
    seed(store)
    assert store.ask(f"ASK {{ GRAPH {G1} {{ ?s {P} ?o }} }}") is True
    assert store.ask(f'ASK {{ ?s {P} "no such value" }}') is False


def test_construct(store: TripleStore) -> None:
    store.add_quads([Quad(S1, P, literal, G1) for literal in TRICKY_LITERALS])
    triples = store.construct(f"CONSTRUCT {{ ?s {LABEL} ?o }} WHERE {{ ?s {P} ?o }}")
    assert all(isinstance(t, Triple) for t in triples)
    assert set(triples) == {Triple(S1, LABEL, literal) for literal in TRICKY_LITERALS}
    assert store.construct(f"CONSTRUCT WHERE {{ ?s {LABEL} ?o }}") == []


def test_update(store: TripleStore) -> None:
    store.update(f'PREFIX ex: <{EX}>\nINSERT DATA {{ GRAPH {G1} {{ ex:s1 ex:p "ñ"@es, 3 }} }}')
    assert store.count(G1) == 2
    store.update(f"DELETE {{ GRAPH ?g {{ ?s {P} 3 }} }} WHERE {{ GRAPH ?g {{ ?s {P} 3 }} }}")
    assert store.triples(G1) == [Triple(S1, P, Literal("ñ", language="es"))]


def test_an_update_that_fails_changes_nothing(store: TripleStore) -> None:
    seed(store)
    store.update(f"CREATE GRAPH {G3}")
    before = dump(store)
    with pytest.raises(StoreError):
        store.update(
            f"INSERT DATA {{ GRAPH {G2} {{ {S1} {P} 99 }} }} ;\n"
            f"DROP GRAPH {G1} ;\n"
            f"CREATE GRAPH {G3}"  # already exists: the whole update fails
        )
    assert dump(store) == before


@pytest.mark.parametrize(
    ("method", "text"),
    [
        ("select", "SELECT ?s WHERE { ?s ?p "),
        ("ask", "ASK { ?s ?p }"),
        ("construct", "CONSTRUCT { ?s ?p ?o } WHERE "),
        ("update", "INSERT DATA { <http://example.org/s> }"),
        ("select", "SELECT ?s WHERE { ?s ex:p ?o }"),  # undeclared prefix
    ],
)
def test_syntax_errors_raise_query_error(store: TripleStore, method: str, text: str) -> None:
    with pytest.raises(QueryError):
        getattr(store, method)(text)


@pytest.mark.parametrize(
    ("method", "text"),
    [
        ("select", "ASK { ?s ?p ?o }"),
        ("select", "CONSTRUCT WHERE { ?s ?p ?o }"),
        ("ask", "SELECT * WHERE { ?s ?p ?o }"),
        ("construct", "SELECT * WHERE { ?s ?p ?o }"),
        ("construct", "ASK { ?s ?p ?o }"),
    ],
)
def test_the_wrong_query_form_raises_query_error(
    store: TripleStore, method: str, text: str
) -> None:
    with pytest.raises(QueryError):
        getattr(store, method)(text)


# -- graphs ----------------------------------------------------------------------------------


def test_triples_of_one_graph(store: TripleStore) -> None:
    quads = [Quad(S1, P, literal, G3) for literal in TRICKY_LITERALS]
    store.add_quads(quads + quads_in(G1, 2))
    assert sorted(store.triples(G3), key=str) == sorted((q.triple for q in quads), key=str)
    assert store.triples(NamedNode(EX + "missing")) == []


def test_drop_graph(store: TripleStore) -> None:
    seed(store)
    store.drop_graph(G1)
    assert store.graphs() == [G2]
    assert store.count(G1) == 0
    assert store.count() == 2
    store.drop_graph(NamedNode(EX + "missing"))  # no error
    assert store.graphs() == [G2]


def test_replace_graphs_replaces_only_the_graphs_given(store: TripleStore) -> None:
    seed(store)
    store.add_quads(quads_in(G3, 4, "u"))
    new_g1 = [Triple(S1, LABEL, Literal("nuevo", language="es"))]
    new_graph = NamedNode(EX + "new")
    store.replace_graphs({G1: new_g1, G3: [], new_graph: [Triple(S2, P, Literal("n"))]})
    assert store.triples(G1) == new_g1
    assert store.count(G2) == 2  # untouched
    assert store.count(G3) == 0
    assert store.triples(new_graph) == [Triple(S2, P, Literal("n"))]
    assert store.graphs() == [G1, G2, new_graph]
    assert store.count() == 4
    assert staging_left(store) == []


@pytest.mark.parametrize("path", ["direct", "staged"])
def test_writes_through_either_path_give_the_same_store(
    backend: Backend, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = backend.store
    if path == "staged":  # every write goes through staging graphs or the bulk loader
        monkeypatch.setattr(store, "staging_threshold", 0)
        if hasattr(store, "bulk_threshold"):
            monkeypatch.setattr(store, "bulk_threshold", 0)
    store.add_quads(quads_in(G1, 3) + quads_in(G3, 2) + [Quad(S1, P, TRICKY_LITERALS[8], G3)])
    store.add_quads(quads_in(G3, 4, "more"))
    store.add_quads([])
    store.replace_graphs({})
    store.replace_graphs({G1: [Triple(S1, P, TRICKY_LITERALS[4])], G2: []})
    assert store.graphs() == [G1, G3]
    assert store.triples(G1) == [Triple(S1, P, TRICKY_LITERALS[4])]
    assert store.count(G3) == 7
    assert staging_left(store) == []


@pytest.mark.parametrize("path", ["direct", "staged"])
@pytest.mark.parametrize("write", ["add_quads", "replace_graphs"])
def test_a_write_that_fails_midway_changes_nothing(
    backend: Backend, path: str, write: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = backend.store
    seed(store)
    before = dump(store)
    if path == "staged":
        monkeypatch.setattr(store, "staging_threshold", 0)
        if hasattr(store, "bulk_threshold"):
            monkeypatch.setattr(store, "bulk_threshold", 0)
    backend.break_writes(monkeypatch)
    with pytest.raises(StoreError, match="injected"):
        if write == "add_quads":
            store.add_quads(quads_in(G1, 20, "new") + quads_in(G3, 20))
        else:
            store.replace_graphs(
                {G1: [q.triple for q in quads_in(G1, 20, "new")], G2: [], G3: [Triple(S1, P, S2)]}
            )
    monkeypatch.undo()
    assert dump(store) == before
    assert staging_left(store) == []
    assert store.graphs() == [G1, G2]


# -- replace_graphs(..., add=...): extra quads in the same atomic write -----------------------


def staged(backend: Backend, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Makes every write of the backend go through staging graphs or the bulk loader."""
    if path == "staged":
        monkeypatch.setattr(backend.store, "staging_threshold", 0)
        if hasattr(backend.store, "bulk_threshold"):
            monkeypatch.setattr(backend.store, "bulk_threshold", 0)


@pytest.mark.parametrize("path", ["direct", "staged"])
def test_replace_graphs_adds_extra_quads_in_the_same_write(
    backend: Backend, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = backend.store
    seed(store)  # G1: s0..s2, G2: t0..t1
    staged(backend, path, monkeypatch)
    new_g1 = [Triple(S1, LABEL, TRICKY_LITERALS[8])]
    extra = [
        Quad(S2, P, TRICKY_LITERALS[4], G1),  # into the replaced graph: kept after the drop
        Quad(S2, P, TRICKY_LITERALS[11], G2),  # into a graph that is not replaced: added to it
        Quad(S1, P, Literal("meta"), G3),  # into a new graph
    ]
    store.replace_graphs({G1: new_g1}, add=extra)
    assert sorted(store.triples(G1), key=str) == sorted([*new_g1, extra[0].triple], key=str)
    assert sorted(store.triples(G2), key=str) == sorted(
        [*(q.triple for q in quads_in(G2, 2, "t")), extra[1].triple], key=str
    )
    assert store.triples(G3) == [extra[2].triple]
    assert store.count() == 6
    assert staging_left(store) == []


@pytest.mark.parametrize("path", ["direct", "staged"])
def test_replace_graphs_with_only_extra_quads_adds_them(
    backend: Backend, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = backend.store
    seed(store)
    staged(backend, path, monkeypatch)
    store.replace_graphs({}, add=quads_in(G2, 3, "more"))
    assert store.count(G1) == 3
    assert store.count(G2) == 5
    assert staging_left(store) == []


def test_an_extra_quad_outside_a_named_graph_is_refused_and_nothing_is_written(
    store: TripleStore,
) -> None:
    seed(store)
    before = dump(store)
    with pytest.raises(StoreError, match="named graph"):
        store.replace_graphs(
            {G1: [Triple(S1, P, S2)]},
            add=[Quad(S1, P, Literal("x"), G2), Quad(S1, P, Literal("x"), DefaultGraph())],
        )
    assert dump(store) == before


@pytest.mark.parametrize("path", ["direct", "staged"])
def test_a_replacement_with_extra_quads_that_fails_midway_changes_nothing(
    backend: Backend, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = backend.store
    seed(store)
    before = dump(store)
    staged(backend, path, monkeypatch)
    backend.break_writes(monkeypatch)
    with pytest.raises(StoreError, match="injected"):
        store.replace_graphs(
            {G1: [q.triple for q in quads_in(G1, 20, "new")], G2: []},
            add=quads_in(G3, 20, "meta") + quads_in(G2, 5, "meta"),
        )
    monkeypatch.undo()
    assert dump(store) == before
    assert staging_left(store) == []
    assert store.graphs() == [G1, G2]


def test_opening_an_on_disk_store_removes_leftover_staging_graphs(tmp_path: Path) -> None:
    """A writer killed between its bulk load and its cleanup leaves staging graphs behind."""
    location = tmp_path / "store"
    store = OxigraphStore(location)
    store.add_quads(quads_in(G1, 3))
    leftover = NamedNode(f"{STAGING_PREFIX}00000000-0000-0000-0000-000000000000:0")
    store.raw.bulk_extend(quads_in(leftover, 5, "half"))
    store.close()
    again = OxigraphStore(location)
    try:
        assert leftover not in list(again.raw.named_graphs())
        assert again.count() == 3
        assert again.graphs() == [G1]
    finally:
        again.close()


# -- lifecycle -------------------------------------------------------------------------------


def test_close(backend: Backend) -> None:
    seed(backend.store)
    backend.store.close()
    backend.store.close()  # twice is harmless
    if backend.reopen is not None:  # the data outlives the handle
        again = backend.reopen()
        try:
            assert again.graphs() == [G1, G2]
            assert again.count() == 5
        finally:
            again.close()
