"""The review of mappings on every backend: the one-update decision (with the status it
recomputes in the store), the readers, and the named query "mappings awaiting review"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pyoxigraph import Literal, Quad

from equivalence.auth import Agent
from equivalence.errors import AuthorizationError
from equivalence.matching.graph import mapping_iri, mappings_quads, read_mappings
from equivalence.review import (
    mapping_id_of,
    review_history,
    review_mapping,
    review_state,
)
from equivalence.sparql import default_catalogue
from equivalence.store.base import TripleStore
from equivalence.vocab import (
    EQ,
    REVIEW_GRAPH,
    SKOS,
    XSD,
    country_iri,
    mapping_graph,
    review_status_iri,
)
from mapping_samples import BROAD, CL, CLOSE, CO, MX, PE, standard_quads

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
BROAD_ID = mapping_id_of(mapping_iri(MX.iri, CO.iri).value)
CLOSE_ID = mapping_id_of(mapping_iri(CL.iri, MX.iri).value)
AGENTS = {
    "MX": Agent("00aa11bb22cc33dd", "MX", "CONOCER", "CONOCER"),
    "CO": Agent("11bb22cc33dd44ee", "CO", "SENA", "SENA"),
    "CL": Agent("22cc33dd44ee55ff", "CL", "ChileValora", "ChileValora"),
    "PE": Agent("33dd44ee55ff6600", "PE", "MTPE", "MTPE"),
}


def _pairs() -> dict[tuple[str, str], list[Quad]]:
    return {
        ("MX", "CO"): mappings_quads([BROAD], graph=mapping_graph("MX", "CO"), as_set=True),
        ("CL", "MX"): mappings_quads([CLOSE], graph=mapping_graph("CL", "MX"), as_set=True),
    }


@pytest.fixture
def loaded(store: TripleStore) -> TripleStore:
    quads = [q for batch in _pairs().values() for q in batch]
    store.add_quads(quads + standard_quads(MX, CO, PE, CL))
    return store


def _awaiting(store: TripleStore, **params: object) -> list[tuple[str, ...]]:
    result = default_catalogue().select(store, "mappings-awaiting-review", **params)
    names = ("subjectCode", "objectCode", "predicate", "confidence", "status", "accepted_by")
    return [tuple(str(row.get(n, "")) for n in names) for row in result.rows]


def _row(
    subject: str, object_: str, predicate: str, confidence: str, status: str, by: str = ""
) -> tuple[str, ...]:
    return (
        str(Literal(subject)),
        str(Literal(object_)),
        str(SKOS.term(predicate)),
        str(Literal(confidence, datatype=XSD.double)),
        str(review_status_iri(status)),
        str(country_iri(by)) if by else "",
    )


def test_review_on_every_backend(loaded: TripleStore) -> None:
    store = loaded
    close = _row(CL.code, MX.code, "closeMatch", "0.6", "proposed")
    assert _awaiting(store) == [close, _row(MX.code, CO.code, "broadMatch", "0.875", "proposed")]

    state = review_mapping(store, BROAD_ID, AGENTS["MX"], "accept", "conforme", now=T0)
    assert state.status == "accepted"
    accepted = _row(MX.code, CO.code, "broadMatch", "0.875", "accepted", "MX")
    assert _awaiting(store) == [close, accepted]
    assert _awaiting(store, country="MX") == [close]
    assert _awaiting(store, country="CO") == [accepted]
    assert _awaiting(store, country="PE") == []

    before = {g.value: sorted(map(str, store.triples(g))) for g in store.graphs()}
    with pytest.raises(AuthorizationError):
        review_mapping(store, BROAD_ID, AGENTS["PE"], "reject", now=T0)
    assert {g.value: sorted(map(str, store.triples(g))) for g in store.graphs()} == before

    state = review_mapping(store, BROAD_ID, AGENTS["CO"], "reject", now=T0 + timedelta(hours=1))
    assert state.status == "rejected"
    state = review_mapping(store, BROAD_ID, AGENTS["CO"], "accept", now=T0 + timedelta(hours=2))
    assert state.status == "recognised"
    assert _awaiting(store) == [close]

    # re-matching rewrites the pair's graph: the decisions and the recognition stay
    graph = mapping_graph("MX", "CO")
    store.replace_graphs({graph: [q.triple for q in _pairs()[("MX", "CO")]]})
    assert review_state(store, BROAD_ID).status == "recognised"
    history = review_history(store, BROAD_ID)
    assert [(d.country, d.decision, d.agency) for d in history] == [
        ("MX", "accept", "CONOCER"),
        ("CO", "reject", "SENA"),
        ("CO", "accept", "SENA"),
    ]
    assert history[0].comment == "conforme"
    assert [d.time for d in history] == [T0 + timedelta(hours=h) for h in (0, 1, 2)]
    statuses = {r.iri: r.review_status for r in read_mappings(store)}
    assert statuses == {
        mapping_iri(MX.iri, CO.iri).value: "recognised",
        mapping_iri(CL.iri, MX.iri).value: "proposed",
    }
    broad = mapping_iri(MX.iri, CO.iri)
    stated = [
        t.object
        for g in store.graphs()
        for t in store.triples(g)
        if t.subject == broad and t.predicate == EQ.reviewStatus
    ]
    assert stated == [review_status_iri("recognised")]
    assert REVIEW_GRAPH in store.graphs()
