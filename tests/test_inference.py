"""Mappings inferred by inversion and chaining, and the consistency check."""

from __future__ import annotations

from datetime import date

import pytest

from equivalence.matching.graph import MappingRecord, mapping_iri, record_quads
from equivalence.matching.inference import chain, check, compose, inverse
from equivalence.matching.model import JUSTIFICATIONS, Predicate
from equivalence.validation.validator import validate_quads
from equivalence.vocab import standard_iri

EXACT, CLOSE, BROAD, NARROW, RELATED = (
    Predicate.EXACT,
    Predicate.CLOSE,
    Predicate.BROAD,
    Predicate.NARROW,
    Predicate.RELATED,
)


def record(a: str, b: str, predicate: Predicate, confidence: float = 0.9) -> MappingRecord:
    (ca, code_a), (cb, code_b) = a.split(":", 1), b.split(":", 1)
    subject, obj = standard_iri(ca, code_a).value, standard_iri(cb, code_b).value
    return MappingRecord(
        subject=subject,
        object=obj,
        predicate=predicate,
        confidence=confidence,
        subject_country=ca,
        subject_code=code_a,
        object_country=cb,
        object_code=code_b,
        subject_coverage=1.0,
        object_coverage=1.0,
        iri=mapping_iri(subject, obj).value,
    )


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (EXACT, EXACT, EXACT),
        (EXACT, BROAD, BROAD),
        (NARROW, EXACT, NARROW),
        (BROAD, BROAD, BROAD),
        (NARROW, NARROW, NARROW),
        (BROAD, NARROW, RELATED),
        (CLOSE, CLOSE, RELATED),
        (CLOSE, EXACT, CLOSE),
    ],
)
def test_composition(first: Predicate, second: Predicate, expected: Predicate) -> None:
    assert compose(first, second) is expected


def test_a_chain_through_a_third_country() -> None:
    ab = record("MX:EC1", "CO:100000001", EXACT, 0.9)
    bc = record("CO:100000001", "PE:P1", BROAD, 0.8)
    (inferred,) = chain([ab, bc], today=date(2026, 11, 29))
    assert (inferred.subject_key, inferred.object_key) == ("MX:EC1", "PE:P1")
    assert inferred.predicate is BROAD
    assert inferred.confidence == pytest.approx(0.72)
    assert inferred.inferred
    assert inferred.justification == JUSTIFICATIONS["chaining"]
    assert set(inferred.derived_from) == {ab.iri, bc.iri}


def test_a_chain_reads_mappings_in_either_direction() -> None:
    # B → A stated the other way round: A ⊂ B read back is B ⊃ A
    ba = record("CO:100000001", "MX:EC1", NARROW, 0.9)  # CO is broader than MX
    bc = record("CO:100000001", "PE:P1", EXACT, 0.9)
    (inferred,) = chain([ba, bc])
    assert (inferred.subject_key, inferred.object_key, inferred.predicate) == (
        "MX:EC1",
        "PE:P1",
        BROAD,
    )


def test_no_chain_when_a_direct_mapping_exists_or_confidence_is_low() -> None:
    ab = record("MX:EC1", "CO:100000001", EXACT)
    bc = record("CO:100000001", "PE:P1", EXACT)
    ac = record("MX:EC1", "PE:P1", CLOSE)
    assert chain([ab, bc, ac]) == []
    weak = record("CO:100000001", "PE:P1", EXACT, 0.3)
    assert chain([ab, weak]) == []
    assert chain([ab, weak], min_confidence=0.2) != []


def test_no_chain_back_into_the_same_country() -> None:
    ab = record("MX:EC1", "CO:100000001", EXACT)
    cb = record("MX:EC2", "CO:100000001", EXACT)
    assert chain([ab, cb]) == []


def test_the_most_confident_path_wins() -> None:
    weak = [record("MX:EC1", "CO:1", EXACT, 0.6), record("CO:1", "PE:P1", EXACT, 0.9)]
    strong = [record("MX:EC1", "CL:P-1", EXACT, 0.95), record("CL:P-1", "PE:P1", EXACT, 0.95)]
    found = {(r.subject_key, r.object_key): r for r in chain(weak + strong)}
    inferred = found[("MX:EC1", "PE:P1")]
    assert inferred.confidence == pytest.approx(0.9025)
    # the two middles are also linked to each other, through MX:EC1 or PE:P1
    assert ("CL:P-1", "CO:1") in found
    assert inferred.comment.endswith("P-1")


def test_an_inverse_is_marked_as_inferred() -> None:
    ab = record("MX:EC1", "CO:100000001", BROAD)
    flipped = inverse(ab)
    assert (flipped.subject_key, flipped.object_key, flipped.predicate) == (
        "CO:100000001",
        "MX:EC1",
        NARROW,
    )
    assert flipped.inferred and flipped.derived_from == (ab.iri,)
    assert flipped.justification == JUSTIFICATIONS["inversion"]


def test_inferred_mappings_conform_to_the_shapes() -> None:
    ab = record("MX:EC1", "CO:100000001", EXACT)
    bc = record("CO:100000001", "PE:P1", EXACT)
    quads = [q for r in chain([ab, bc]) for q in record_quads(r)]
    assert quads
    assert validate_quads(quads) == []


def test_check_reports_a_contradiction() -> None:
    records = [
        record("MX:EC1", "CO:1", EXACT),
        record("CO:1", "PE:P1", EXACT),
        record("MX:EC1", "PE:P1", BROAD),
    ]
    (finding,) = check(records)
    assert finding.kind == "contradiction"
    assert finding.standards == ("MX:EC1", "CO:1", "PE:P1")
    assert "skos:broadMatch" in finding.message_es


def test_check_reports_a_missing_mapping_only_when_the_countries_were_matched() -> None:
    pair = [record("MX:EC1", "CO:1", EXACT), record("CO:1", "PE:P1", EXACT)]
    assert check(pair) == []  # MX and PE were never matched
    other = record("MX:EC9", "PE:P9", CLOSE)
    (finding,) = check([*pair, other])
    assert finding.kind == "contradiction"
    assert "no mapping" in finding.message_en


def test_check_reports_one_to_many_exact_matches() -> None:
    records = [record("MX:EC1", "CO:1", EXACT), record("MX:EC1", "CO:2", EXACT)]
    (finding,) = check(records)
    assert finding.kind == "cardinality"
    assert finding.standards == ("MX:EC1", "CO:1", "CO:2")


def test_a_consistent_set_has_no_findings() -> None:
    records = [
        record("MX:EC1", "CO:1", EXACT),
        record("CO:1", "PE:P1", EXACT),
        record("MX:EC1", "PE:P1", EXACT),
    ]
    assert check(records) == []
