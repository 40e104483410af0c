"""Mappings in the graph: quads that conform to the shapes, and the `mappings-list` query."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from equivalence.matching.engine import Engine
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
from equivalence.matching.model import (
    JUSTIFICATIONS,
    Mapping,
    Predicate,
    StandardText,
    UnitMatch,
    UnitStatus,
)
from equivalence.sparql import default_catalogue, term_text
from equivalence.store import TripleStore
from equivalence.store.oxigraph import OxigraphStore
from equivalence.validation.validator import validate_quads
from equivalence.vocab import (
    DCTERMS,
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
    country_graph,
    mapping_graph,
    review_status_iri,
    standard_iri,
)
from mapping_samples import (
    BROAD,
    CHAINED,
    CL,
    CLOSE,
    CO,
    DAY,
    MX,
    PE,
    UNMAPPED,
    mapping,
    standard,
    standard_quads,
)
from tests.api_support import sample_store


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
    # both sides name the covered pair (E01, U1): one alignment, the better score; both name the
    # partly covered pair (E02, U2) too, one side with a score above 1, clamped to the shapes'
    # range; the missing unit U3 has no counterpart and is in no pair
    assert pairs == {
        (MX.units[0].iri, CO.units[0].iri): 0.95,
        (MX.units[1].iri, CO.units[1].iri): 1.0,
    }
    assert all(_objects(quads, a, RDF.type) == [EQ.UnitAlignment] for a in alignments)


# A mapping as the engine makes it, from the similarities E01–U1 0.9, E02–U1 0.5, E01–U2 0.48
# (the others below the floor): A's E01 covered by U1, E02 partly covered by U1; B's U1 covered
# by E01, U2 partly covered by E01, U3 missing. Each partly covered pair is named by one side
# only, and E01 and U1 are in a covered and a partly covered pair.
_A = standard("MX", "EC0900.01", "Operación de montacargas", ("E01", "E02"))
_B = standard("PE", "PE-8344-0001", "Operador de montacargas", ("U1", "U2", "U3"))
_PARTLY = mapping(
    _A,
    _B,
    Predicate.CLOSE,
    0.7,
    0.5,
    0.3333,
    subject_matches=(
        UnitMatch(_A.units[0], UnitStatus.COVERED, 0.9, _B.units[0]),
        UnitMatch(_A.units[1], UnitStatus.PARTIAL, 0.5, _B.units[0]),
    ),
    object_matches=(
        UnitMatch(_B.units[0], UnitStatus.COVERED, 0.9, _A.units[0]),
        UnitMatch(_B.units[1], UnitStatus.PARTIAL, 0.48, _A.units[0]),
        UnitMatch(_B.units[2], UnitStatus.MISSING, 0.0),
    ),
)


def test_evidence_holds_the_partly_covered_pairs_of_both_sides() -> None:
    quads = mapping_quads(_PARTLY)
    node = mapping_iri(_A.iri, _B.iri)
    pairs = {
        (
            _objects(quads, a, EQ.alignedSubjectUnit)[0].value,
            _objects(quads, a, EQ.alignedObjectUnit)[0].value,
        ): float(_objects(quads, a, EQ.alignmentScore)[0].value)
        for a in _objects(quads, node, EQ.evidence)
    }
    assert pairs == {
        (_A.units[0].iri, _B.units[0].iri): 0.9,  # named by both sides
        (_A.units[1].iri, _B.units[0].iri): 0.5,  # A's partly covered unit
        (_A.units[0].iri, _B.units[1].iri): 0.48,  # B's partly covered unit
    }
    # the coverages are the engine's: a partly covered unit adds nothing to them
    assert _objects(quads, node, EQ.subjectCoverage) == [Literal("0.5", datatype=XSD.double)]
    assert _objects(quads, node, EQ.objectCoverage) == [Literal("0.3333", datatype=XSD.double)]
    assert validate_quads(quads) == []


def _units_quads(*standards: StandardText) -> list[Quad]:
    """Each standard's `eq:hasUnit` and its units' codes, in its country's graph."""
    quads: list[Quad] = []
    for item in standards:
        graph = country_graph(item.country)
        for unit in item.units:
            quads += [
                Quad(NamedNode(item.iri), EQ.hasUnit, NamedNode(unit.iri), graph),
                Quad(NamedNode(unit.iri), DCTERMS.identifier, Literal(unit.code), graph),
            ]
    return quads


def _stored_statuses(
    store: TripleStore, standard_: StandardText, other: StandardText
) -> dict[str, tuple[str, float | None]]:
    """unit IRI → (status, score) as `standard-gap` reads them from the stored evidence."""
    rows = (
        default_catalogue()
        .select(
            store,
            "standard-gap",
            country=standard_.country,
            code=standard_.code,
            other=other.country,
            other_code=other.code,
        )
        .rows
    )
    return {
        term_text(row["unit"]): (
            term_text(row["status"]),
            float(term_text(row["score"])) if "score" in row else None,
        )
        for row in rows
    }


def stored_gap_disagreements(
    store: TripleStore, mappings: Iterable[Mapping], live: Callable[[Mapping], Mapping]
) -> list[str]:
    """Where the stored gap and the live comparison disagree, one line per unit.

    For each stored mapping, every unit of both standards as `standard-gap` reads it (status,
    best pair's score) against the live alignment `live(mapping)` of the same two standards
    (status, and the score of its best counterpart when it has one).
    """
    found: list[str] = []
    for stored_mapping in mappings:
        fresh = live(stored_mapping)
        sides = (
            (fresh.subject, fresh.object, fresh.subject_matches),
            (fresh.object, fresh.subject, fresh.object_matches),
        )
        for standard_, other, matches in sides:
            stored = _stored_statuses(store, standard_, other)
            where = f"{standard_.key} in {other.key}"
            if set(stored) != {m.unit.iri for m in matches}:
                found.append(f"{where}: units {sorted(stored)}")
            for match in matches:
                status, score = stored.get(match.unit.iri, ("absent", None))
                expected = None if match.counterpart is None else match.score
                same_score = (score is None) == (expected is None) and (
                    score is None or expected is None or abs(score - expected) < 1e-9
                )
                if status != match.status.value or not same_score:
                    found.append(
                        f"{where}: {match.unit.code} stored {status} {score}, "
                        f"live {match.status.value} {expected}"
                    )
    return found


def test_the_stored_gap_reads_each_unit_as_the_alignment_does() -> None:
    store = OxigraphStore()
    store.add_quads(mapping_quads(_PARTLY) + standard_quads(_A, _B) + _units_quads(_A, _B))
    assert _stored_statuses(store, _A, _B) == {
        _A.units[0].iri: ("covered", 0.9),
        _A.units[1].iri: ("partial", 0.5),
    }
    assert _stored_statuses(store, _B, _A) == {
        _B.units[0].iri: ("covered", 0.9),
        _B.units[1].iri: ("partial", 0.48),
        _B.units[2].iri: ("missing", None),
    }
    assert stored_gap_disagreements(store, [_PARTLY], lambda m: m) == []
    # without the partly covered pairs (what the evidence held before), they read missing
    covered_only = [
        q
        for q in mapping_quads(_PARTLY)
        if not any(
            q.subject == a or q.object == a
            for a in (
                alignment_iri(mapping_iri(_A.iri, _B.iri), _A.units[1].iri, _B.units[0].iri),
                alignment_iri(mapping_iri(_A.iri, _B.iri), _A.units[0].iri, _B.units[1].iri),
            )
        )
    ]
    before = OxigraphStore()
    before.add_quads(covered_only + standard_quads(_A, _B) + _units_quads(_A, _B))
    assert len(stored_gap_disagreements(before, [_PARTLY], lambda m: m)) == 2


def test_the_stored_gap_of_the_sample_agrees_with_compare() -> None:
    store = sample_store()
    engine = Engine.from_store(store)
    matched = engine.match()
    stored = {(r.subject, r.object) for r in read_mappings(store) if not r.inferred}
    assert stored == {(m.subject.iri, m.object.iri) for m in matched}
    assert (
        stored_gap_disagreements(store, matched, lambda m: engine.compare(m.subject, m.object))
        == []
    )


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
