"""Mappings in the graph: quads that conform to the shapes, and the `mappings-list` query."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from equivalence.matching.graph import (
    PREPROCESSING_NS,
    MappingRecord,
    alignment_iri,
    mapping_iri,
    mapping_quads,
    mappings_quads,
    preprocessing_iri,
    read_mappings,
    standard_key,
)
from equivalence.matching.model import JUSTIFICATIONS, Predicate
from equivalence.sparql import default_catalogue
from equivalence.store.oxigraph import OxigraphStore
from equivalence.validation.validator import validate_quads
from equivalence.vocab import (
    EQ,
    GRAPH,
    ID,
    PROV,
    RDF,
    RDFS,
    SEMAPV,
    SKOS,
    SSSOM,
    XSD,
    mapping_graph,
    review_status_iri,
    standard_iri,
)
from mapping_samples import BROAD, CHAINED, CL, CLOSE, CO, DAY, MX, PE, UNMAPPED, standard_quads


def _objects(quads: list[Quad], subject: Any, predicate: NamedNode) -> list[Any]:
    """The objects of (subject, predicate) among the quads (terms, typed loosely for tests)."""
    return [q.object for q in quads if q.subject == subject and q.predicate == predicate]


# --------------------------------------------------------------------------------------------
# Identity
# --------------------------------------------------------------------------------------------


def test_mapping_iri_is_deterministic_and_ordered() -> None:
    first = mapping_iri(MX.iri, CO.iri)
    assert first == mapping_iri(MX.iri, CO.iri)
    assert first != mapping_iri(CO.iri, MX.iri)
    assert first.value.startswith(f"{ID}mapping/")
    assert len(first.value.rsplit("/", 1)[1]) == 16
    assert alignment_iri(first, "a", "b").value.startswith(first.value + "/alignment/")


def test_standard_key_reads_country_and_code_back() -> None:
    assert standard_key(standard_iri("CO", "1/2 x").value) == ("CO", "1/2 x")
    assert standard_key(MX.units[0].iri) is None  # a unit, not a standard
    assert standard_key("http://example.org/x") is None


@pytest.mark.parametrize(
    ("step", "iri"),
    [
        ("stemming", f"{SEMAPV}Stemming"),
        ("Stop-Words", f"{SEMAPV}StopWordRemoval"),
        ("accent_folding", f"{SEMAPV}DiacriticsSuppression"),
        ("casefold", f"{SEMAPV}CaseNormalization"),
        ("semapv:Lemmatization", f"{SEMAPV}Lemmatization"),
        ("semapv:SomethingNew", f"{SEMAPV}SomethingNew"),
        ("Thesaurus (regional)", f"{PREPROCESSING_NS}thesaurus-regional"),
        ("http://example.org/step", "http://example.org/step"),
    ],
)
def test_preprocessing_steps_become_iris(step: str, iri: str) -> None:
    assert preprocessing_iri(step) == iri


# --------------------------------------------------------------------------------------------
# Quads
# --------------------------------------------------------------------------------------------


def test_quads_describe_the_mapping_in_the_mappings_graph() -> None:
    quads = mapping_quads(BROAD)
    node = mapping_iri(MX.iri, CO.iri)
    assert {q.graph_name for q in quads} == {GRAPH.mappings}
    assert _objects(quads, node, RDF.type) == [EQ.Mapping]
    assert _objects(quads, node, SSSOM.subject_id) == [NamedNode(MX.iri)]
    assert _objects(quads, node, SSSOM.object_id) == [NamedNode(CO.iri)]
    assert _objects(quads, node, SSSOM.predicate_id) == [SKOS.broadMatch]
    assert _objects(quads, node, SSSOM.confidence) == [Literal("0.875", datatype=XSD.double)]
    assert _objects(quads, node, EQ.objectCoverage) == [Literal("0.667", datatype=XSD.double)]
    assert _objects(quads, node, SSSOM.mapping_justification) == [SEMAPV.LexicalMatching]
    assert _objects(quads, node, EQ.reviewStatus) == []  # proposed: the agencies set a status
    assert _objects(quads, node, SSSOM.mapping_tool) == [Literal("equivalence")]
    assert _objects(quads, node, SSSOM.mapping_tool_version) == [Literal("0.3.0")]
    assert _objects(quads, node, SSSOM.mapping_date) == [
        Literal(DAY.isoformat(), datatype=XSD.date)
    ]
    assert _objects(quads, node, RDFS.comment) == [Literal("units aligned lexically")]
    assert set(_objects(quads, node, SSSOM.subject_preprocessing)) == {
        SEMAPV.CaseNormalization,
        SEMAPV.DiacriticsSuppression,
        SEMAPV.Stemming,
        NamedNode(PREPROCESSING_NS + "thesaurus"),
    }
    assert _objects(quads, node, PROV.wasDerivedFrom) == []


def test_evidence_is_the_aligned_unit_pairs_with_their_best_score() -> None:
    quads = mapping_quads(BROAD)
    node = mapping_iri(MX.iri, CO.iri)
    alignments = _objects(quads, node, EQ.evidence)
    pairs = {
        (
            _objects(quads, a, EQ.alignedSubjectUnit)[0].value,
            _objects(quads, a, EQ.alignedObjectUnit)[0].value,
        ): float(_objects(quads, a, EQ.alignmentScore)[0].value)
        for a in alignments
    }
    # both sides name the covered pair (E01, U1): one alignment, the better score; the partly
    # covered pair (E02, U2) is no evidence of equivalence (the gap lists it); the missing unit
    # U3 has no counterpart
    assert pairs == {(MX.units[0].iri, CO.units[0].iri): 0.95}
    assert all(_objects(quads, a, RDF.type) == [EQ.UnitAlignment] for a in alignments)


def test_a_mapping_set_states_the_shared_slots_once() -> None:
    graph = mapping_graph("CO", "MX")
    quads = mappings_quads([BROAD, CLOSE], graph=graph, as_set=True)
    assert _objects(quads, graph, RDF.type) == [SSSOM.MappingSet]
    assert _objects(quads, graph, SSSOM.mapping_tool)
    assert len(_objects(quads, graph, SSSOM.subject_preprocessing)) == len(BROAD.preprocessing)
    node = mapping_iri(MX.iri, CO.iri)
    assert _objects(quads, node, SSSOM.subject_preprocessing) == []
    assert _objects(quads, node, SSSOM.mapping_tool) == []
    assert _objects(quads, node, SSSOM.predicate_id) == [NamedNode(Predicate.BROAD.iri)]
    alone = mapping_quads(BROAD)
    assert len(quads) < len(alone) + len(mapping_quads(CLOSE))
    assert validate_quads(quads) == []


def test_an_inferred_mapping_names_its_sources() -> None:
    quads = mapping_quads(CHAINED)
    node = mapping_iri(CO.iri, PE.iri)
    assert _objects(quads, node, PROV.wasDerivedFrom) == [mapping_iri(MX.iri, CO.iri)]
    assert _objects(quads, node, SSSOM.mapping_justification) == [SEMAPV.MappingChaining]
    assert _objects(quads, node, EQ.reviewStatus) == [review_status_iri("accepted")]


def test_no_predicate_no_quads() -> None:
    assert mapping_quads(UNMAPPED) == []
    assert len(mappings_quads([BROAD, UNMAPPED])) == len(mapping_quads(BROAD))


def test_quads_conform_to_the_shapes() -> None:
    quads = mappings_quads([BROAD, CHAINED, CLOSE])
    assert validate_quads(quads) == []


def test_the_shapes_catch_a_broken_mapping() -> None:
    node = mapping_iri(MX.iri, CO.iri)
    broken = [q for q in mapping_quads(BROAD) if q.predicate != SSSOM.predicate_id]
    results = validate_quads(broken)
    assert [(r.rule, r.focus) for r in results] == [("mapping-predicate-required", node.value)]


@pytest.mark.parametrize("kind", sorted(JUSTIFICATIONS))
def test_every_justification_of_the_model_conforms(kind: str) -> None:
    inverted = replace(CLOSE, justification=JUSTIFICATIONS[kind])
    assert validate_quads(mapping_quads(inverted)) == []


# --------------------------------------------------------------------------------------------
# Reading back through the named query
# --------------------------------------------------------------------------------------------


@pytest.fixture()
def store() -> OxigraphStore:
    store = OxigraphStore()
    store.add_quads(mappings_quads([BROAD, CHAINED, CLOSE]) + standard_quads(MX, CO, PE, CL))
    return store


def test_the_query_is_in_the_catalogue() -> None:
    query = default_catalogue().get("mappings-list")
    assert [p.name for p in query.parameters] == [
        "subject_country",
        "object_country",
        "subject",
        "object",
        "predicate",
        "min_confidence",
    ]


def test_read_mappings_gives_light_records(store: OxigraphStore) -> None:
    records = read_mappings(store)
    assert [(r.subject_key, r.object_key) for r in records] == [
        (CL.key, MX.key),
        (CO.key, PE.key),
        (MX.key, CO.key),
    ]
    broad = records[2]
    expected = MappingRecord.from_mapping(BROAD)
    assert broad.iri == expected.iri
    assert (broad.subject, broad.object, broad.predicate) == (MX.iri, CO.iri, Predicate.BROAD)
    assert (broad.confidence, broad.subject_coverage, broad.object_coverage) == (
        0.875,
        1.0,
        0.667,
    )
    assert broad.justification == JUSTIFICATIONS["lexical"]
    assert (broad.review_status, broad.inferred) == ("proposed", False)
    assert (broad.mapping_tool, broad.mapping_tool_version, broad.mapping_date) == (
        "equivalence",
        "0.3.0",
        DAY,
    )
    assert broad.comment == "units aligned lexically"
    chained = records[1]
    assert chained.inferred and chained.review_status == "accepted"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"subject_country": "MX"}, [(MX.key, CO.key)]),
        ({"object_country": "MX"}, [(CL.key, MX.key)]),
        ({"subject_country": "CO", "object_country": "PE"}, [(CO.key, PE.key)]),
        ({"subject_country": "PE"}, []),
        ({"min_confidence": 0.7}, [(CO.key, PE.key), (MX.key, CO.key)]),
        ({"min_confidence": 0.8}, [(MX.key, CO.key)]),
        ({"predicate": Predicate.CLOSE}, [(CL.key, MX.key)]),
        ({"subject": CO.iri}, [(CO.key, PE.key)]),
        ({"object_": CO.iri}, [(MX.key, CO.key)]),
    ],
)
def test_read_mappings_filters(
    store: OxigraphStore, filters: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    records = read_mappings(store, **filters)  # type: ignore[arg-type]
    assert [(r.subject_key, r.object_key) for r in records] == expected


def test_mappings_of_standards_not_in_the_store_are_not_read() -> None:
    store = OxigraphStore()
    store.add_quads(mappings_quads([BROAD, CLOSE]) + standard_quads(MX, CO))
    assert [(r.subject_key, r.object_key) for r in read_mappings(store)] == [(MX.key, CO.key)]


def test_matching_again_replaces_the_same_node() -> None:
    store = OxigraphStore()
    store.add_quads(standard_quads(MX, CO))
    store.replace_graphs({GRAPH.mappings: [q.triple for q in mapping_quads(BROAD)]})
    again = replace(BROAD, confidence=0.5)
    store.replace_graphs({GRAPH.mappings: [q.triple for q in mapping_quads(again)]})
    (record,) = read_mappings(store)
    assert record.confidence == 0.5
