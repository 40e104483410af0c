"""The review of mappings by the national agencies (`equivalence.review`): decisions, the status
they give, their history, who may decide, what re-matching keeps, the awaiting-review query."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import owlready2
import pytest
from pyoxigraph import Literal, NamedNode, Quad
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from equivalence import cli_review
from equivalence.auth import Agent, TokenRegistry
from equivalence.errors import AuthorizationError, InputError, NotFoundError
from equivalence.matching.graph import (
    MappingRecord,
    mapping_iri,
    mapping_quads,
    mappings_quads,
    read_mappings,
    record_quads,
)
from equivalence.matching.model import Predicate
from equivalence.matching.service import export_mappings
from equivalence.matching.sssom import read_sssom_tsv, sssom_tsv
from equivalence.review import (
    Decision,
    ReviewDecision,
    authorize_reviewer,
    mapping_id_of,
    mapping_node,
    mappings_awaiting_review,
    refresh_review_statuses,
    resulting_status,
    review_history,
    review_mapping,
    review_state,
)
from equivalence.sparql import default_catalogue
from equivalence.store.oxigraph import OxigraphStore
from equivalence.validation.validator import validate_quads
from equivalence.vocab import (
    EQ,
    GRAPH,
    ID,
    PROV,
    REVIEW_GRAPH,
    SKOS,
    XSD,
    agent_iri,
    country_iri,
    mapping_graph,
    review_status_iri,
)
from mapping_samples import BROAD, CL, CLOSE, CO, MX, PE, standard_quads

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
BROAD_IRI = mapping_iri(MX.iri, CO.iri)  # MX → CO
CLOSE_IRI = mapping_iri(CL.iri, MX.iri)  # CL → MX
BROAD_ID = mapping_id_of(BROAD_IRI.value)
CLOSE_ID = mapping_id_of(CLOSE_IRI.value)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def _matched_quads() -> list[Quad]:
    """The two pairs' mapping graphs as `match` writes them (mapping sets)."""
    return [
        *mappings_quads([BROAD], graph=mapping_graph("MX", "CO"), as_set=True),
        *mappings_quads([CLOSE], graph=mapping_graph("CL", "MX"), as_set=True),
    ]


@pytest.fixture
def store() -> OxigraphStore:
    store = OxigraphStore()
    store.add_quads(_matched_quads() + standard_quads(MX, CO, PE, CL))
    return store


@pytest.fixture
def registry(tmp_path: Path) -> TokenRegistry:
    return TokenRegistry(tmp_path / "tokens.json")


@pytest.fixture
def tokens(registry: TokenRegistry) -> dict[str, str]:
    """A token of each country's agency, issued by the registry."""
    return {
        "MX": registry.create("MX", "CONOCER").token,
        "CO": registry.create("CO", "SENA").token,
        "PE": registry.create("PE", "MTPE").token,
        "CL": registry.create("CL", "ChileValora").token,
    }


@pytest.fixture
def agents(registry: TokenRegistry, tokens: dict[str, str]) -> dict[str, Agent]:
    return {country: registry.authorize(token, country) for country, token in tokens.items()}


def _content(store: OxigraphStore) -> set[str]:
    """Every quad of the store, as text (to compare a store before and after)."""
    return {f"{t} {g}" for g in store.graphs() for t in store.triples(g)}


def _statuses(store: OxigraphStore, mapping: NamedNode) -> list[object]:
    """Every eq:reviewStatus of a mapping in any graph (the union must hold at most one)."""
    return [
        t.object
        for g in store.graphs()
        for t in store.triples(g)
        if t.subject == mapping and t.predicate == EQ.reviewStatus
    ]


# --------------------------------------------------------------------------------------------
# The rule
# --------------------------------------------------------------------------------------------


def test_a_mapping_nobody_decided_on_is_proposed(store: OxigraphStore) -> None:
    state = review_state(store, BROAD_ID)
    assert (state.mapping, state.subject, state.object) == (BROAD_IRI.value, MX.iri, CO.iri)
    assert state.countries == ("MX", "CO")
    assert state.status == "proposed"
    assert state.latest == {"MX": None, "CO": None}
    assert state.awaiting == ("MX", "CO")
    assert state.predicate == "http://www.w3.org/2004/02/skos/core#broadMatch"
    assert _statuses(store, BROAD_IRI) == []  # the matcher writes no default status


def test_one_country_accepts_it_is_accepted(store: OxigraphStore, agents: dict[str, Agent]) -> None:
    state = review_mapping(store, BROAD_ID, agents["MX"], "accept", now=at(0))
    assert state.status == "accepted"
    assert (state.accepted_by, state.awaiting) == (("MX",), ("CO",))
    assert _statuses(store, BROAD_IRI) == [review_status_iri("accepted")]
    assert {r.iri: r.review_status for r in read_mappings(store)} == {
        BROAD_IRI.value: "accepted",
        CLOSE_IRI.value: "proposed",
    }


def test_both_countries_accept_it_is_recognised(
    store: OxigraphStore, agents: dict[str, Agent]
) -> None:
    review_mapping(store, BROAD_ID, agents["CO"], "accept", now=at(0))
    state = review_mapping(store, BROAD_ID, agents["MX"], "accept", now=at(1))
    assert state.status == "recognised"
    assert state.accepted_by == ("MX", "CO")
    assert _statuses(store, BROAD_IRI) == [review_status_iri("recognised")]
    assert review_state(store, BROAD_ID).status == "recognised"


@pytest.mark.parametrize(
    ("first", "second"), [("accept", "reject"), ("reject", "accept"), ("reject", "reject")]
)
def test_a_rejection_by_either_country_rejects_it(
    store: OxigraphStore, agents: dict[str, Agent], first: str, second: str
) -> None:
    review_mapping(store, BROAD_ID, agents["MX"], first, now=at(0))
    state = review_mapping(store, BROAD_ID, agents["CO"], second, now=at(1))
    assert state.status == "rejected"
    assert _statuses(store, BROAD_IRI) == [review_status_iri("rejected")]


def test_one_rejection_alone_rejects_it(store: OxigraphStore, agents: dict[str, Agent]) -> None:
    state = review_mapping(store, CLOSE_ID, agents["CL"], "reject", now=at(0))
    assert (state.status, state.rejected_by, state.awaiting) == ("rejected", ("CL",), ("MX",))


def test_a_country_changes_its_mind_and_the_latest_decision_counts(
    store: OxigraphStore, agents: dict[str, Agent]
) -> None:
    steps = [
        ("MX", "accept", "accepted"),
        ("CO", "reject", "rejected"),
        ("CO", "accept", "recognised"),
        ("MX", "reject", "rejected"),
        ("MX", "accept", "recognised"),
    ]
    for hour, (country, decision, expected) in enumerate(steps):
        state = review_mapping(store, BROAD_ID, agents[country], decision, now=at(hour))
        assert state.status == expected, (country, decision)
        assert _statuses(store, BROAD_IRI) == [review_status_iri(expected)]
    mx = state.latest["MX"]
    assert mx is not None and (mx.decision, mx.time) == ("accept", at(4))
    assert len(review_history(store, BROAD_ID)) == len(steps)


def test_the_history_keeps_every_decision_with_who_when_and_why(
    store: OxigraphStore, agents: dict[str, Agent]
) -> None:
    review_mapping(store, BROAD_ID, agents["MX"], "accept", "  revisado en comité ", now=at(0))
    review_mapping(store, BROAD_ID, agents["CO"], "reject", now=at(1))
    review_mapping(store, BROAD_ID, agents["CO"], "accept", "tras la mesa sectorial", now=at(2))
    review_mapping(store, CLOSE_ID, agents["CL"], "accept", now=at(3))  # another mapping
    history = review_history(store, BROAD_ID)
    assert [(d.country, d.decision, d.agency, d.time, d.comment) for d in history] == [
        ("MX", "accept", "CONOCER", at(0), "revisado en comité"),
        ("CO", "reject", "SENA", at(1), None),
        ("CO", "accept", "SENA", at(2), "tras la mesa sectorial"),
    ]
    assert [d.agent for d in history] == [
        agents["MX"].token_id,
        agents["CO"].token_id,
        agents["CO"].token_id,
    ]
    assert {d.mapping for d in history} == {BROAD_IRI.value}
    assert {d.predicate for d in history} == {"http://www.w3.org/2004/02/skos/core#broadMatch"}
    assert all(d.iri.startswith(BROAD_IRI.value + "/review/") for d in history)
    assert len({d.iri for d in history}) == 3
    # stored as PROV-O: the agent, labelled with its agency and acting for its body
    node = NamedNode(history[0].iri)
    review = store.triples(REVIEW_GRAPH)
    assert [t.object for t in review if t.subject == node and t.predicate == PROV.atTime] == [
        Literal("2026-11-02T10:00:00Z", datatype=XSD.dateTime)
    ]
    agent = agent_iri(agents["MX"].token_id)
    assert [
        t.object for t in review if t.subject == node and t.predicate == PROV.wasAssociatedWith
    ] == [agent]
    assert [t.object for t in review if t.subject == agent and t.predicate == PROV.actedOnBehalfOf]


def test_times_keep_their_fraction_and_a_naive_time_is_utc(
    store: OxigraphStore, agents: dict[str, Agent]
) -> None:
    review_mapping(
        store, BROAD_ID, agents["MX"], "accept", now=datetime(2026, 11, 2, 10, 0, 0, 250000)
    )
    review_mapping(store, BROAD_ID, agents["MX"], "reject", now=datetime(2026, 11, 2, 10, 0, 0))
    first, second = review_history(store, BROAD_ID)
    assert first.time == datetime(2026, 11, 2, 10, 0, 0, tzinfo=UTC)
    assert second.time == datetime(2026, 11, 2, 10, 0, 0, 250000, tzinfo=UTC)
    # the later decision (by time, not by when it was recorded) counts
    assert review_state(store, BROAD_ID).status == "accepted"
    assert _statuses(store, BROAD_IRI) == [review_status_iri("accepted")]


def test_the_stored_status_always_agrees_with_the_decisions(
    store: OxigraphStore, agents: dict[str, Agent]
) -> None:
    """Random decisions at random (even equal or earlier) times: the status the update computes
    in the store is the one the library computes from the history."""
    rng = random.Random(5)
    for _ in range(30):
        country = rng.choice(["MX", "CO"])
        decision = rng.choice(["accept", "reject"])
        moment = at(rng.choice([0, 1, 1, 2, 3]))
        state = review_mapping(store, BROAD_ID, agents[country], decision, now=moment)
        expected, _ = resulting_status(("MX", "CO"), review_history(store, BROAD_ID))
        assert state.status == expected
        assert _statuses(store, BROAD_IRI) == [review_status_iri(expected)]


def _decision(country: str, decision: Decision, hour: float, iri: str = "") -> ReviewDecision:
    return ReviewDecision(iri or f"urn:d:{hour}", "urn:m", country, decision, "t", "a", at(hour))


@pytest.mark.parametrize(
    ("decisions", "expected"),
    [
        ([], "proposed"),
        ([("MX", "accept", 0)], "accepted"),
        ([("MX", "accept", 0), ("CO", "accept", 1)], "recognised"),
        ([("MX", "accept", 0), ("CO", "reject", 1)], "rejected"),
        ([("MX", "reject", 0), ("MX", "accept", 1)], "accepted"),
        ([("MX", "accept", 1), ("MX", "reject", 0), ("CO", "accept", 0)], "recognised"),
        ([("PE", "accept", 0), ("MX", "accept", 0)], "accepted"),  # PE is not a party
        ([("PE", "reject", 0)], "proposed"),
    ],
)
def test_resulting_status(decisions: list[tuple[str, Decision, float]], expected: str) -> None:
    made = [_decision(*d) for d in decisions]
    status, latest = resulting_status(("MX", "CO"), made)
    assert status == expected
    assert set(latest) == {"MX", "CO"}


def test_a_tie_in_time_goes_to_the_greater_iri() -> None:
    early = _decision("MX", "reject", 0, "urn:d:a")
    late = _decision("MX", "accept", 0, "urn:d:b")
    assert resulting_status(("MX",), [late, early]) == ("recognised", {"MX": late})


def test_a_mapping_within_one_country_needs_one_acceptance() -> None:
    assert resulting_status(("MX",), [_decision("MX", "accept", 0)])[0] == "recognised"


# --------------------------------------------------------------------------------------------
# Who may decide, and what is refused
# --------------------------------------------------------------------------------------------


def test_a_third_countrys_agency_is_refused_and_nothing_is_written(
    store: OxigraphStore, agents: dict[str, Agent]
) -> None:
    review_mapping(store, BROAD_ID, agents["MX"], "accept", now=at(0))
    before = _content(store)
    with pytest.raises(AuthorizationError, match=r"agency of PE.*between MX and CO"):
        review_mapping(store, BROAD_ID, agents["PE"], "reject", now=at(1))
    assert _content(store) == before
    assert review_state(store, BROAD_ID).status == "accepted"


def test_the_token_decides_who_may_review(
    store: OxigraphStore, registry: TokenRegistry, tokens: dict[str, str]
) -> None:
    assert authorize_reviewer(registry, tokens["MX"], store, BROAD_ID).country == "MX"
    assert authorize_reviewer(registry, tokens["CO"], store, BROAD_ID).agency == "SENA"
    with pytest.raises(AuthorizationError, match="agency of PE"):
        authorize_reviewer(registry, tokens["PE"], store, BROAD_ID)
    with pytest.raises(AuthorizationError, match="malformed token"):
        authorize_reviewer(registry, "not-a-token", store, BROAD_ID)
    registry.revoke(registry.authorize(tokens["CO"], "CO").token_id)
    with pytest.raises(AuthorizationError, match="revoked"):
        authorize_reviewer(registry, tokens["CO"], store, BROAD_ID)
    with pytest.raises(NotFoundError):
        authorize_reviewer(registry, tokens["MX"], store, "0000000000000000")


def test_an_unknown_mapping_is_not_found(store: OxigraphStore, agents: dict[str, Agent]) -> None:
    before = _content(store)
    with pytest.raises(NotFoundError, match="0123456789abcdef"):
        review_mapping(store, "0123456789abcdef", agents["MX"], "accept")
    with pytest.raises(NotFoundError):
        review_state(store, "0123456789abcdef")
    with pytest.raises(NotFoundError):
        review_history(store, f"{ID}mapping/0123456789abcdef")
    assert _content(store) == before


@pytest.mark.parametrize("decision", ["approve", "", "accepted", "rejected"])
def test_a_bad_decision_is_refused_and_nothing_is_written(
    store: OxigraphStore, agents: dict[str, Agent], decision: str
) -> None:
    before = _content(store)
    with pytest.raises(InputError, match="unknown review decision"):
        review_mapping(store, BROAD_ID, agents["MX"], decision)
    assert _content(store) == before


def test_decisions_are_read_loosely_and_comments_are_bounded(
    store: OxigraphStore, agents: dict[str, Agent]
) -> None:
    assert review_mapping(store, BROAD_ID, agents["MX"], " Accept ").status == "accepted"
    with pytest.raises(InputError, match="at most"):
        review_mapping(store, BROAD_ID, agents["MX"], "reject", "x" * 5000)
    assert len(review_history(store, BROAD_ID)) == 1


@pytest.mark.parametrize(
    "given",
    [BROAD_ID, BROAD_IRI.value, f"<{BROAD_IRI.value}>", f" {BROAD_ID} "],
    ids=["id", "iri", "bracketed", "spaces"],
)
def test_a_mapping_is_named_by_its_id_or_its_iri(store: OxigraphStore, given: str) -> None:
    assert mapping_node(given) == BROAD_IRI
    assert review_state(store, given).mapping == BROAD_IRI.value


@pytest.mark.parametrize("given", ["a/b", "x y", "", "https://exa mple.org/m"])
def test_a_malformed_mapping_id_is_an_input_error(given: str) -> None:
    with pytest.raises(InputError, match="not a mapping"):
        mapping_node(given)


def test_concurrent_reviewers_of_one_mapping(
    store: OxigraphStore, agents: dict[str, Agent]
) -> None:
    errors: list[BaseException] = []

    def decide(country: str) -> Callable[[], None]:
        def run() -> None:
            try:
                for _ in range(5):
                    review_mapping(store, BROAD_ID, agents[country], "accept")
            except BaseException as exc:  # reported below
                errors.append(exc)

        return run

    threads = [threading.Thread(target=decide(c)) for c in ("MX", "CO", "MX", "CO")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(review_history(store, BROAD_ID)) == 20
    assert review_state(store, BROAD_ID).status == "recognised"
    assert _statuses(store, BROAD_IRI) == [review_status_iri("recognised")]


# --------------------------------------------------------------------------------------------
# Storage: decisions survive re-matching, one status in the union, readers, export, shapes
# --------------------------------------------------------------------------------------------


def test_re_matching_the_pair_keeps_the_decisions(
    store: OxigraphStore, agents: dict[str, Agent]
) -> None:
    review_mapping(store, BROAD_ID, agents["MX"], "accept", now=at(0))
    review_mapping(store, BROAD_ID, agents["CO"], "accept", now=at(1))
    graph = mapping_graph("MX", "CO")
    again = mappings_quads([BROAD], graph=graph, as_set=True)
    store.replace_graphs({graph: [q.triple for q in again]})  # what `match` does
    assert review_state(store, BROAD_ID).status == "recognised"
    assert len(review_history(store, BROAD_ID)) == 2
    assert _statuses(store, BROAD_IRI) == [review_status_iri("recognised")]
    by_iri = {r.iri: r.review_status for r in read_mappings(store)}
    assert by_iri[BROAD_IRI.value] == "recognised"


def test_a_predicate_changed_by_re_matching_needs_a_new_review(
    store: OxigraphStore, agents: dict[str, Agent]
) -> None:
    review_mapping(store, BROAD_ID, agents["MX"], "accept", now=at(0))
    review_mapping(store, BROAD_ID, agents["CO"], "accept", now=at(1))
    graph = mapping_graph("MX", "CO")
    changed = replace(BROAD, predicate=Predicate.EXACT)
    store.replace_graphs(
        {graph: [q.triple for q in mappings_quads([changed], graph=graph, as_set=True)]}
    )
    assert refresh_review_statuses(store) == 1  # what `match` runs after writing
    state = review_state(store, BROAD_ID)
    assert state.status == "proposed"
    assert all(decision is None for decision in state.latest.values())
    assert len(review_history(store, BROAD_ID)) == 2  # the history stays
    assert _statuses(store, BROAD_IRI) == []
    assert {r.iri: r.review_status for r in read_mappings(store)}[BROAD_IRI.value] == "proposed"
    # a decision on the new predicate counts alone
    assert review_mapping(store, BROAD_ID, agents["CO"], "accept", now=at(2)).status == "accepted"
    assert _statuses(store, BROAD_IRI) == [review_status_iri("accepted")]
    # back to the old predicate: the decisions made on it count again
    store.replace_graphs(
        {graph: [q.triple for q in mappings_quads([BROAD], graph=graph, as_set=True)]}
    )
    assert refresh_review_statuses(store) == 1
    assert review_state(store, BROAD_ID).status == "recognised"
    assert refresh_review_statuses(store) == 0


def test_a_mapping_matching_no_longer_finds_keeps_its_history(
    store: OxigraphStore, agents: dict[str, Agent]
) -> None:
    review_mapping(store, BROAD_ID, agents["MX"], "accept", now=at(0))
    store.drop_graph(mapping_graph("MX", "CO"))
    assert [r.iri for r in read_mappings(store)] == [CLOSE_IRI.value]
    assert [d.country for d in review_history(store, BROAD_ID)] == ["MX"]
    with pytest.raises(NotFoundError):
        review_state(store, BROAD_ID)
    assert [a.mapping for a in mappings_awaiting_review(store)] == [CLOSE_IRI.value]


def test_a_status_stated_by_a_mapping_graph_gives_way_to_the_review(
    agents: dict[str, Agent],
) -> None:
    """A store written before reviews existed states review:proposed in the pair graph; the
    first decision removes it, so that the union never gives two statuses."""
    store = OxigraphStore()
    graph = mapping_graph("MX", "CO")
    legacy = [*mappings_quads([BROAD], graph=graph, as_set=True)]
    legacy.append(Quad(BROAD_IRI, EQ.reviewStatus, review_status_iri("proposed"), graph))
    store.add_quads(legacy + standard_quads(MX, CO))
    assert review_state(store, BROAD_ID).status == "proposed"
    review_mapping(store, BROAD_ID, agents["CO"], "accept", now=at(0))
    assert _statuses(store, BROAD_IRI) == [review_status_iri("accepted")]
    assert [t for t in store.triples(graph) if t.predicate == EQ.reviewStatus] == []


def test_an_imported_status_holds_until_an_agency_decides(agents: dict[str, Agent]) -> None:
    store = OxigraphStore()
    record = MappingRecord.from_mapping(BROAD)
    curated = replace(record, review_status="accepted")
    store.add_quads(record_quads(curated, graph=GRAPH.mappings) + standard_quads(MX, CO))
    state = review_state(store, BROAD_ID)
    assert (state.status, state.awaiting) == ("accepted", ("MX", "CO"))
    review_mapping(store, BROAD_ID, agents["MX"], "reject", now=at(0))
    assert [r.review_status for r in read_mappings(store)] == ["rejected"]
    assert _statuses(store, BROAD_IRI) == [review_status_iri("rejected")]


def test_readers_prefer_the_agencies_status_to_one_a_mapping_graph_states_again(
    store: OxigraphStore, agents: dict[str, Agent]
) -> None:
    """An SSSOM file imported after the review states an older status: the readers keep the
    agencies' (one record, recognised), and the mapping does not await review again."""
    review_mapping(store, BROAD_ID, agents["MX"], "accept", now=at(0))
    review_mapping(store, BROAD_ID, agents["CO"], "accept", now=at(1))
    stale = Quad(BROAD_IRI, EQ.reviewStatus, review_status_iri("proposed"), GRAPH.mappings)
    store.add_quads([stale])
    assert [(r.iri, r.review_status) for r in read_mappings(store, subject_country="MX")] == [
        (BROAD_IRI.value, "recognised")
    ]
    assert review_state(store, BROAD_ID).status == "recognised"
    assert [a.mapping for a in mappings_awaiting_review(store)] == [CLOSE_IRI.value]


def test_the_matcher_writes_no_default_status_but_keeps_a_given_one() -> None:
    assert not [q for q in mapping_quads(BROAD) if q.predicate == EQ.reviewStatus]
    record = MappingRecord.from_mapping(BROAD)
    assert not [q for q in record_quads(record) if q.predicate == EQ.reviewStatus]
    curated = replace(record, review_status="recognised")
    assert [q.object for q in record_quads(curated) if q.predicate == EQ.reviewStatus] == [
        review_status_iri("recognised")
    ]


def test_the_sssom_export_carries_the_recognition(
    store: OxigraphStore, agents: dict[str, Agent]
) -> None:
    review_mapping(store, BROAD_ID, agents["MX"], "accept", now=at(0))
    review_mapping(store, BROAD_ID, agents["CO"], "accept", now=at(1))
    text = sssom_tsv(export_mappings(store))
    table = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    rows = {row["record_id"]: row for row in csv.DictReader(io.StringIO(table), delimiter="\t")}
    assert rows[f"eqmap:{BROAD_ID}"]["ext_review_status"] == "eqrev:recognised"
    assert rows[f"eqmap:{CLOSE_ID}"]["ext_review_status"] == "eqrev:proposed"
    (imported,) = [r for r in read_sssom_tsv(text).records if r.iri == BROAD_IRI.value]
    assert imported.review_status == "recognised"


def test_the_review_graph_conforms_to_the_shapes(
    store: OxigraphStore, agents: dict[str, Agent]
) -> None:
    review_mapping(store, BROAD_ID, agents["MX"], "accept", "sí", now=at(0))
    review_mapping(store, BROAD_ID, agents["CO"], "reject", now=at(1.5))
    quads = [
        Quad(t.subject, t.predicate, t.object, REVIEW_GRAPH) for t in store.triples(REVIEW_GRAPH)
    ]
    assert validate_quads(quads) == []
    broken = [q for q in quads if q.predicate != PROV.atTime]
    rules = {r.rule for r in validate_quads(broken)}
    assert rules == {"review-decision-time"}


def test_the_ontology_declares_every_term_the_review_writes(
    store: OxigraphStore, agents: dict[str, Agent]
) -> None:
    review_mapping(store, BROAD_ID, agents["MX"], "accept", "ok", now=at(0))
    ontology = Graph()
    ontology.parse(ROOT / "ontology" / "equivalence.ttl", format="turtle")
    declared = set(ontology.subjects(RDF.type, None))
    used: set[str] = set()
    for triple in store.triples(REVIEW_GRAPH):
        used.add(triple.predicate.value)
        if triple.predicate.value == str(RDF.type):
            used.add(triple.object.value)  # type: ignore[union-attr]
    missing = {u for u in used if URIRef(u) not in declared and not u.startswith(str(RDF))}
    missing -= {
        "http://www.w3.org/2000/01/rdf-schema#label",
        "http://www.w3.org/2000/01/rdf-schema#comment",
    }
    assert missing == set()
    assert (URIRef(EQ.ReviewDecision.value), RDF.type, OWL.Class) in ontology


def _reasoned(graph: Graph, tmp_path: Path) -> None:
    """Runs HermiT on the ontology files plus `graph` (raises if inconsistent)."""
    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("java is needed to run HermiT")
        pytest.skip("java not installed")
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    target = tmp_path / "reviewed.nt"
    graph.serialize(destination=target, format="nt", encoding="utf-8")
    world = owlready2.World()
    try:
        world.get_ontology(target.as_uri()).load()
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    finally:
        world.close()


def _as_rdflib(store: OxigraphStore) -> Graph:
    """The store's triples, without the xsd:date literals (mapping dates) that are outside the
    OWL 2 datatype map (the shapes check those)."""
    graph = Graph()
    for name in store.graphs():
        kept = [
            t
            for t in store.triples(name)
            if not (isinstance(t.object, Literal) and t.object.datatype == XSD.date)
        ]
        graph.parse(data="\n".join(f"{t} ." for t in kept), format="nt")
    return graph


def test_reviewed_mappings_are_consistent_with_the_ontology(
    store: OxigraphStore, agents: dict[str, Agent], tmp_path: Path
) -> None:
    review_mapping(store, BROAD_ID, agents["MX"], "accept", "ok", now=at(0))
    review_mapping(store, BROAD_ID, agents["CO"], "accept", now=at(1))
    _reasoned(_as_rdflib(store), tmp_path)  # no error: consistent


def test_a_decision_both_accepting_and_rejecting_is_inconsistent(
    store: OxigraphStore, agents: dict[str, Agent], tmp_path: Path
) -> None:
    review_mapping(store, BROAD_ID, agents["MX"], "accept", now=at(0))
    graph = _as_rdflib(store)
    (decision,) = graph.subjects(RDF.type, URIRef(EQ.ReviewDecision.value))
    graph.add(
        (decision, URIRef(EQ.reviewDecision.value), URIRef(review_status_iri("rejected").value))
    )
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _reasoned(graph, tmp_path)


def test_the_queries_name_the_review_graph_of_vocab() -> None:
    for name in ("mappings-list", "mappings-awaiting-review", "review-state", "review-history"):
        assert f"<{REVIEW_GRAPH.value}>" in default_catalogue().get(name).text, name
    assert default_catalogue().get("review-record").is_update


# --------------------------------------------------------------------------------------------
# The named query "mappings awaiting review"
# --------------------------------------------------------------------------------------------

SKOS_CLOSE = SKOS.closeMatch
SKOS_BROAD = SKOS.broadMatch


def _rows(store: OxigraphStore, **params: object) -> list[tuple[object, ...]]:
    result = default_catalogue().select(store, "mappings-awaiting-review", **params)
    return [
        tuple(
            row.get(name)
            for name in (
                "mapping",
                "subjectCode",
                "objectCode",
                "predicate",
                "confidence",
                "status",
                "accepted_by",
            )
        )
        for row in result.rows
    ]


def _double(value: str) -> Literal:
    return Literal(value, datatype=XSD.double)


def test_awaiting_review_rows(store: OxigraphStore, agents: dict[str, Agent]) -> None:
    proposed, accepted = review_status_iri("proposed"), review_status_iri("accepted")
    close_row = (
        CLOSE_IRI,
        Literal(CL.code),
        Literal(MX.code),
        SKOS_CLOSE,
        _double("0.6"),
        proposed,
        None,
    )
    broad_row = (BROAD_IRI, Literal(MX.code), Literal(CO.code), SKOS_BROAD, _double("0.875"))
    assert _rows(store) == [close_row, (*broad_row, proposed, None)]
    review_mapping(store, BROAD_ID, agents["MX"], "accept", now=at(0))
    accepted_row = (*broad_row, accepted, country_iri("MX"))
    assert _rows(store) == [close_row, accepted_row]
    assert _rows(store, country="MX") == [close_row]  # MX decided on BROAD already
    assert _rows(store, country="CO") == [accepted_row]
    assert _rows(store, country="CL") == [close_row]
    assert _rows(store, country="PE") == []
    review_mapping(store, BROAD_ID, agents["CO"], "accept", now=at(1))  # recognised
    review_mapping(store, CLOSE_ID, agents["MX"], "reject", now=at(2))  # rejected
    assert _rows(store) == []
    review_mapping(store, CLOSE_ID, agents["MX"], "accept", now=at(3))  # changes its mind
    assert _rows(store) == [(*close_row[:5], accepted, country_iri("MX"))]
    assert _rows(store, country="CL") == [(*close_row[:5], accepted, country_iri("MX"))]
    assert _rows(store, country="MX") == []


def test_awaiting_review_as_records(store: OxigraphStore, agents: dict[str, Agent]) -> None:
    review_mapping(store, BROAD_ID, agents["CO"], "accept", now=at(0))
    found = mappings_awaiting_review(store, "mx")
    assert [
        (a.mapping_id, a.subject_country, a.subject_code, a.object_code, a.status, a.accepted_by)
        for a in found
    ] == [
        (CLOSE_ID, "CL", CL.code, MX.code, "proposed", None),
        (BROAD_ID, "MX", MX.code, CO.code, "accepted", "CO"),
    ]
    assert found[1].confidence == 0.875
    with pytest.raises(InputError, match="unknown country"):
        mappings_awaiting_review(store, "AR")


# --------------------------------------------------------------------------------------------
# The command-line functions (`equivalence.cli_review`; not yet hooked into `equivalence.cli`)
# --------------------------------------------------------------------------------------------


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli_review.add_review_commands(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(list(argv))


@pytest.mark.usefixtures("isolated_settings")
def test_cli_review_and_review_status(
    store: OxigraphStore,
    registry: TokenRegistry,
    tokens: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(cli_review, "default_registry", lambda: registry)
    args = _parse("review", BROAD_ID, "--accept", "--token", tokens["MX"], "--comment", "ok")
    assert cli_review.run_review_command(args, store) == 0
    out, err = capsys.readouterr()
    assert "CONOCER (MX) accepts mapping" in err and "now accepted" in err
    assert out.splitlines()[:4] == [
        f"mapping {BROAD_ID}: MX:{MX.code} skos:broadMatch CO:{CO.code}",
        "status: accepted",
        out.splitlines()[2],
        "  CO  awaiting its agency",
    ]
    assert out.splitlines()[2].startswith("  MX  accept  ") and "«ok»" in out
    token_file = tmp_path / "co.token"
    token_file.write_text(tokens["CO"] + "\n", encoding="utf-8")
    args = _parse(
        "review", BROAD_ID, "--accept", "--token-file", str(token_file), "--format", "json"
    )
    assert cli_review.run_review_command(args, store) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["status"], data["accepted_by"], data["awaiting"]) == (
        "recognised",
        ["MX", "CO"],
        [],
    )
    assert [d["agency"] for d in data["history"]] == ["CONOCER", "SENA"]
    args = _parse("review-status", BROAD_IRI.value, "--format", "json")
    assert cli_review.run_review_command(args, store) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "recognised"


@pytest.mark.usefixtures("isolated_settings")
def test_cli_review_refuses_without_a_valid_token(
    store: OxigraphStore,
    registry: TokenRegistry,
    tokens: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cli_review, "default_registry", lambda: registry)
    before = _content(store)
    with pytest.raises(AuthorizationError, match="no token"):
        cli_review.run_review_command(_parse("review", BROAD_ID, "--reject"), store)
    with pytest.raises(AuthorizationError, match="agency of PE"):
        cli_review.run_review_command(
            _parse("review", BROAD_ID, "--reject", "--token", tokens["PE"]), store
        )
    with pytest.raises(InputError, match="token file"):
        cli_review.run_review_command(
            _parse("review", BROAD_ID, "--reject", "--token-file", str(tmp_path / "none")), store
        )
    assert _content(store) == before
    monkeypatch.setenv("EQUIVALENCE_TOKEN", tokens["CO"])
    from equivalence.settings import get_settings

    get_settings.cache_clear()
    assert cli_review.run_review_command(_parse("review", BROAD_ID, "--reject"), store) == 0
    assert review_state(store, BROAD_ID).rejected_by == ("CO",)


def test_cli_parser_needs_one_decision() -> None:
    with pytest.raises(SystemExit):
        _parse("review", BROAD_ID)
    with pytest.raises(SystemExit):
        _parse("review", BROAD_ID, "--accept", "--reject")
