"""The equivalence engine on the development benchmark's standards and on handmade units."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from pyoxigraph import Quad

from equivalence.errors import NotFoundError
from equivalence.matching.align import Thresholds, UnitIndex
from equivalence.matching.engine import Engine
from equivalence.matching.graph import read_mappings
from equivalence.matching.model import (
    Criterion,
    Predicate,
    StandardText,
    UnitMatch,
    UnitStatus,
    UnitText,
)
from equivalence.matching.service import match_and_store
from equivalence.matching.skills import SkillLabels
from equivalence.matching.verdict import confidence, coverage, predicate_for
from equivalence.store import TripleStore, open_store
from equivalence.vocab import COUNTRIES, GRAPH, country_graph
from test_mapping_graph import stored_gap_disagreements

pytestmark = pytest.mark.shared_data

DESIGNER_CL = ("CL", "P-9004-2359-001-V01")
DESIGNER_CO = ("CO", "290002000")
DESIGNER_MX = ("MX", "EC9001.01")


@pytest.fixture(scope="module")
def engine(reference_store: TripleStore) -> Engine:
    return Engine.from_store(reference_store)


def _gold(benchmarks_dir: Path) -> dict[tuple[str, str], dict[str, str]]:
    with (benchmarks_dir / "equivalence-dev" / "gold.csv").open(encoding="utf-8") as f:
        return {
            (f"{r['a_country']}:{r['a_code']}", f"{r['b_country']}:{r['b_code']}"): r
            for r in csv.DictReader(f)
        }


def test_the_engine_reads_every_standard_with_units_and_criteria(engine: Engine) -> None:
    dev = [s for s in engine.standards if s.key == "CL:P-9004-2359-001-V01"]
    assert len(dev) == 1
    designer = dev[0]
    assert designer.level == 4
    assert len(designer.units) == 8
    assert all(u.criteria for u in designer.units)
    assert designer.occupations == ("https://w3id.org/equivalence/id/classification/ciuo08cl/2359",)


def test_a_narrower_standard_is_a_broad_match_with_its_gap(engine: Engine) -> None:
    mapping = engine.compare(engine.standard(*DESIGNER_CL), engine.standard(*DESIGNER_CO))
    assert mapping.predicate is Predicate.BROAD
    assert mapping.subject_coverage == 1.0
    assert mapping.object_coverage == pytest.approx(8 / 12, abs=1e-3)
    assert {m.unit.code for m in mapping.gap} == {
        "290002006",
        "290002007",
        "290002008",
        "290002012",
    }
    assert mapping.reverse_gap == ()
    # the gap hands the evaluator the criteria still to show
    listening = next(m for m in mapping.gap if m.unit.code == "290002006")
    assert [c.code for c in listening.missing_criteria] == ["290002006-C01"]
    assert mapping.confidence > 0.8
    assert mapping.level_comparison == "lower"  # CO level 3 against CL level 4


def test_an_exact_match_across_wordings_relies_on_the_esco_pivot(engine: Engine) -> None:
    mapping = engine.compare(engine.standard(*DESIGNER_CL), engine.standard(*DESIGNER_MX))
    assert mapping.predicate is Predicate.EXACT
    assert (mapping.subject_coverage, mapping.object_coverage) == (1.0, 1.0)
    assert mapping.level_comparison == "comparable"  # CL 4 and MX 4 are linked in levels.ttl
    vias = {m.via for m in mapping.subject_matches}
    assert any(v.startswith("http://data.europa.eu/esco/skill/") for v in vias)


def test_the_comparison_is_symmetric(engine: Engine) -> None:
    a, b = engine.standard(*DESIGNER_CL), engine.standard(*DESIGNER_CO)
    forward, backward = engine.compare(a, b), engine.compare(b, a)
    assert backward.predicate is Predicate.NARROW
    assert (backward.subject_coverage, backward.object_coverage) == (
        forward.object_coverage,
        forward.subject_coverage,
    )
    assert backward.confidence == forward.confidence


def test_blocking_loses_no_mapping(engine: Engine) -> None:
    blocked = engine.match("CL", "PE")
    everything = engine.match("CL", "PE", blocking=False)
    assert blocked
    assert {(m.subject.key, m.object.key, m.predicate) for m in blocked} == {
        (m.subject.key, m.object.key, m.predicate) for m in everything
    }


def test_match_finds_the_gold_pairs_of_the_development_set(
    engine: Engine, benchmarks_dir: Path
) -> None:
    gold = _gold(benchmarks_dir)
    found = {(m.subject.key, m.object.key) for m in engine.match()}
    found |= {(b, a) for a, b in found}
    dev_keys = {k for pair in gold for k in pair}
    found = {p for p in found if p[0] in dev_keys and p[1] in dev_keys}
    recall = sum(1 for pair in gold if pair in found) / len(gold)
    assert recall >= 0.97


@pytest.mark.slow
def test_the_stored_gap_agrees_with_compare_on_the_real_data(
    engine: Engine, reference_store: TripleStore
) -> None:
    """Every mapping of the real data and the development set, stored by `match`: each unit of
    both standards reads in `standard-gap` as `compare` gives it (covered, partial, missing),
    and the stored coverages are those of `compare`."""
    store = open_store("oxigraph:memory")
    for graph in [GRAPH.ontology, *(country_graph(c) for c in COUNTRIES)]:
        store.add_quads(
            [Quad(t.subject, t.predicate, t.object, graph) for t in reference_store.triples(graph)]
        )
    outcome = match_and_store(store, engine=engine)
    live = {
        (m.subject.iri, m.object.iri): engine.compare(m.subject, m.object) for m in outcome.mappings
    }
    statuses = Counter(
        u.status for m in live.values() for u in m.subject_matches + m.object_matches
    )
    assert statuses[UnitStatus.PARTIAL] > 0  # the data has partly covered units to store
    assert (
        stored_gap_disagreements(
            store, outcome.mappings, lambda m: live[(m.subject.iri, m.object.iri)]
        )
        == []
    )
    records = [r for r in read_mappings(store) if not r.inferred]
    assert len(records) == len(live)
    for record in records:
        fresh = live[(record.subject, record.object)]
        assert (record.subject_coverage, record.object_coverage) == (
            fresh.subject_coverage,
            fresh.object_coverage,
        )


def test_min_confidence_filters(engine: Engine) -> None:
    everything = engine.match("CL", "MX")
    confident = engine.match("CL", "MX", min_confidence=0.9)
    assert 0 < len(confident) < len(everything)
    assert all(m.confidence >= 0.9 for m in confident)


def test_unknown_standard_suggests_near_codes(engine: Engine) -> None:
    with pytest.raises(NotFoundError, match=r"did you mean EC9001\.01"):
        engine.standard("MX", "EC9001.1")


# -- handmade units --------------------------------------------------------------------------


def _standard(country: str, code: str, titles: list[str]) -> StandardText:
    units = tuple(
        UnitText(
            f"https://example.org/{country}/{code}/{i}",
            f"U{i}",
            title,
            criteria=(Criterion(f"U{i}-C1", f"Evidencia de {title.lower()}"),),
        )
        for i, title in enumerate(titles, 1)
    )
    return StandardText(f"https://example.org/{country}/{code}", country, code, code, units)


def test_units_worded_differently_match_through_a_shared_esco_skill() -> None:
    a = _standard("MX", "A", ["Redacción de guiones para la producción artística"])
    b = _standard("PE", "B", ["construir script artístico"])
    labels = SkillLabels(
        ("http://data.europa.eu/esco/skill/s1", "http://data.europa.eu/esco/skill/s1"),
        ("redactar guiones para la producción artística", "construir script artístico"),
    )
    without = UnitIndex([a, b], SkillLabels((), ()))
    with_pivot = UnitIndex([a, b], labels)
    assert without.align(a, b)[0][0].status is not UnitStatus.COVERED
    match = with_pivot.align(a, b)[0][0]
    assert match.status is UnitStatus.COVERED
    assert match.via == "http://data.europa.eu/esco/skill/s1"


def test_declared_esco_skills_anchor_units() -> None:
    skill = "http://data.europa.eu/esco/skill/s2"
    a = _standard("MX", "A", ["Operación de grúas"])
    b = _standard("CO", "B", ["manejar equipos de izaje"])
    a = StandardText(a.iri, a.country, a.code, a.title, (_with_skill(a.units[0], skill),))
    b = StandardText(b.iri, b.country, b.code, b.title, (_with_skill(b.units[0], skill),))
    match = UnitIndex([a, b], SkillLabels((), ())).align(a, b)[0][0]
    assert (match.status, match.via) == (UnitStatus.COVERED, skill)


def _with_skill(unit: UnitText, skill: str) -> UnitText:
    return UnitText(unit.iri, unit.code, unit.title, unit.essential, unit.criteria, (skill,))


def _match(score: float, essential: bool = True) -> UnitMatch:
    unit = UnitText("u", "u", "t", essential)
    status = UnitStatus.COVERED if score >= 0.6 else UnitStatus.MISSING
    return UnitMatch(unit, status, score)


def test_essential_units_weigh_twice_in_coverage() -> None:
    matches = [_match(0.9, essential=True), _match(0.1, essential=False)]
    assert coverage(matches) == pytest.approx(2 / 3, abs=1e-4)


@pytest.mark.parametrize(
    ("subject", "object_", "expected"),
    [
        (1.0, 0.8, Predicate.EXACT),
        (0.8, 0.5, Predicate.BROAD),
        (0.5, 0.9, Predicate.NARROW),
        (0.6, 0.5, Predicate.CLOSE),
        (0.3, 0.2, None),
    ],
)
def test_predicate_from_coverages(subject: float, object_: float, expected: Predicate) -> None:
    assert predicate_for(subject, object_, Thresholds()) is expected


def test_related_match_only_when_asked() -> None:
    assert predicate_for(0.3, 0.1, Thresholds(related=0.25)) is Predicate.RELATED


def test_confidence_falls_as_units_near_the_threshold() -> None:
    thresholds = Thresholds()
    clear = [_match(1.0) for _ in range(5)]
    borderline = [_match(0.95) for _ in range(3)] + [_match(0.62), _match(0.61)]
    high = confidence(clear, clear, Predicate.EXACT, thresholds)
    low = confidence(borderline, borderline, Predicate.EXACT, thresholds)
    assert high > 0.95
    assert 0.2 < low < high
    # the probabilities of all verdicts add up to one
    total = sum(
        confidence(borderline, borderline, p, thresholds)
        for p in (*Predicate, None)
        if p is not Predicate.RELATED
    )
    assert total == pytest.approx(1.0, abs=1e-3)


def test_every_standard_gets_ranked_occupations(reference_store: TripleStore) -> None:
    from equivalence.matching.service import declared_code, link_occupations

    linked = {s.key: (s, found) for s, found in link_occupations(reference_store, "CO", top=3)}
    standard, found = linked["CO:290002000"]  # declares CUOC 23591
    assert declared_code(standard) == ("CUOC", "23591")
    assert found[0].isco08_unit_group == "2359"
    assert [s.rank for s in found] == [1, 2, 3]
    chile = {s.key: f for s, f in link_occupations(reference_store, "CL", top=1)}
    assert chile["CL:P-9004-2359-001-V01"][0].isco08_unit_group == "2359"
    # a standard that declares nothing is linked from its title
    mexican = {s.key: f for s, f in link_occupations(reference_store, "MX", top=5)}
    assert mexican["MX:EC9001.01"]
