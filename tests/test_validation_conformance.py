"""The compiled engine finds exactly what pySHACL finds: pySHACL is the reference.

Both validators get the same data (the submission's quads, the ontology and the store's reference
facts); their results are compared as keys (focus, path, value, component, shape, severity) with
multiplicity. pySHACL takes seconds per run (the ontology is part of the data graph), so the
fixtures of `tests/fixtures/validation/` are merged into four data graphs (valid and invalid,
with and without reference data); their IRIs do not overlap, so each keeps its own results.
Then the sample template, and a generated slice of every country.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import pytest
from pyoxigraph import BlankNode, Quad
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query

from equivalence.store.base import TripleStore
from equivalence.validation.reference import ResultKey, data_graph, engine_keys, pyshacl_keys
from equivalence.validation.shapes import load_shapes_graph
from equivalence.validation.validator import read_submission
from test_validation_rules import (
    FIXTURE_LIST,
    ROOT,
    Fixture,
    fixture_quads,
    reference_store,
)

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate_submission import (  # type: ignore[import-not-found,unused-ignore]
    COUNTRIES,
    generate,
)

SAMPLE: Final = ROOT / "sample" / "template"


@pytest.fixture(scope="module", autouse=True)
def prepared_sparql() -> Iterator[None]:
    """rdflib parses a query's text on every call, and pySHACL runs each SPARQL constraint once
    per focus node: four fifths of its time went to pyparsing. Each text is parsed once here and
    the prepared query reused (what `rdflib.plugins.sparql.prepareQuery` is for); evaluation,
    and so what pySHACL finds, is unchanged."""
    prepared: dict[tuple[str, str | None, tuple[tuple[str, str], ...]], Query] = {}
    original = SPARQLProcessor.query

    def query(
        self: SPARQLProcessor,
        query: str | Query,
        bindings: Mapping[str, Any] | None = None,
        namespaces: Mapping[str, Any] | None = None,
        base: str | None = None,
        *rest: Any,
        **options: Any,
    ) -> Any:
        if isinstance(query, str):
            names = tuple(sorted((k, str(v)) for k, v in (namespaces or {}).items()))
            key = (query, base, names)
            if key not in prepared:
                prepared[key] = translateQuery(parseQuery(query), base, namespaces)
            query = prepared[key]
        return original(self, query, bindings, namespaces, base, *rest, **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SPARQLProcessor, "query", query)
        yield


def _show(keys: Counter[ResultKey]) -> str:
    return "\n".join(f"  {n} × {key}" for key, n in sorted(keys.items())) or "  (none)"


def assert_conformant(quads: Sequence[Quad], store: TripleStore | None) -> Counter[ResultKey]:
    """Engine and pySHACL give the same results on these quads; returns them."""
    engine = engine_keys(quads, store)
    reference = pyshacl_keys(data_graph(quads, store), load_shapes_graph())
    assert engine == reference, (
        f"only the engine:\n{_show(engine - reference)}\nonly pySHACL:\n{_show(reference - engine)}"
    )
    return engine


# --------------------------------------------------------------------------------------------
# Fixtures, merged
# --------------------------------------------------------------------------------------------


_UNBOUND_VALUE: Final = (
    "SPARQL constraint without ?value: its SELECT binds no ?value, so pySHACL gives the focus "
    "node as sh:value (SHACL 5.3.2, for a node shape); the engine gives no value "
    "(engine.py _bind_all uses only the ?value binding)"
)
_NORMALISED_LITERAL: Final = (
    'value "2"^^xsd:double: the engine reports the submitted term "2", pySHACL reports "2.0", '
    "the form rdflib normalises the literal to when reference.data_graph parses the data "
    "(rdflib.NORMALIZE_LITERALS): a difference of the comparison's keys, not of the finding"
)
# Fixtures on which the engine and pySHACL once disagreed (the reason in each value); each is
# compared on its own too, as a regression test.
DISAGREEMENTS: Final = {
    "standards/standard-title-required.invalid.ttl": _UNBOUND_VALUE,
    "standards/standard-title-language.invalid-1.ttl": _UNBOUND_VALUE,
    "standards/standard-title-spanish.invalid.ttl": _UNBOUND_VALUE,
    "units-criteria/unit-title-required.invalid.ttl": _UNBOUND_VALUE,
    "units-criteria/unit-title-language.invalid.ttl": _UNBOUND_VALUE,
    "units-criteria/unit-title-spanish.invalid.ttl": _UNBOUND_VALUE,
    "mappings/mapping-object-coverage-max.invalid.ttl": _NORMALISED_LITERAL,
}


def _group(valid: bool, store: bool) -> list[Fixture]:
    return [
        f
        for f in FIXTURE_LIST
        if (not f.fires) is valid and f.store is store and f.name not in DISAGREEMENTS
    ]


GROUPS: Final = {
    f"{'valid' if valid else 'invalid'}-{'reference' if store else 'no-store'}": (valid, store)
    for valid in (True, False)
    for store in (False, True)
}


def test_the_fixtures_do_not_use_blank_nodes() -> None:
    # blank node labels differ between pyoxigraph and rdflib, so keys would not compare
    for fixture in FIXTURE_LIST:
        for quad in fixture_quads(fixture):
            assert not isinstance(quad.subject, BlankNode), fixture.name
            assert not isinstance(quad.object, BlankNode), fixture.name


def test_the_groups_cover_every_fixture() -> None:
    grouped = [f.name for valid, store in GROUPS.values() for f in _group(valid, store)]
    assert set(DISAGREEMENTS) <= {f.name for f in FIXTURE_LIST}
    assert sorted([*grouped, *DISAGREEMENTS]) == sorted(f.name for f in FIXTURE_LIST)


def test_the_merged_fixtures_do_not_share_resources() -> None:
    """No two fixtures describe the same resource, so merging them changes nothing."""
    owner: dict[str, str] = {}
    for fixture in FIXTURE_LIST:
        for subject in {str(q.subject) for q in fixture_quads(fixture)}:
            if "/source/" in subject:
                continue
            other = owner.setdefault(subject, fixture.name)
            assert other == fixture.name, f"{subject} is in {other} and {fixture.name}"


@pytest.mark.parametrize("group", list(GROUPS))
def test_engine_agrees_with_pyshacl_on_the_fixtures(group: str) -> None:
    valid, store = GROUPS[group]
    fixtures = _group(valid, store)
    assert fixtures
    quads = [q for f in fixtures for q in fixture_quads(f)]
    keys = assert_conformant(quads, reference_store() if store else None)
    reported = {k for k in keys if k[5] in ("Violation", "Warning")}
    if valid:
        assert not reported, _show(Counter(reported))
    else:
        assert reported


@pytest.mark.parametrize(
    "fixture",
    [
        pytest.param(
            f,
            id=f.name,
        )
        for f in FIXTURE_LIST
        if f.name in DISAGREEMENTS
    ],
)
def test_engine_agrees_with_pyshacl_on_a_fixture_alone(fixture: Fixture) -> None:
    assert_conformant(fixture_quads(fixture), reference_store() if fixture.store else None)


# --------------------------------------------------------------------------------------------
# The sample, and a generated slice of every country
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("with_store", [False, True], ids=["no-store", "reference"])
def test_engine_agrees_with_pyshacl_on_the_sample(with_store: bool) -> None:
    quads = read_submission([SAMPLE]).quads
    keys = assert_conformant(quads, reference_store() if with_store else None)
    if not with_store:  # the sample's occupations and skills cannot be checked: Info
        assert "Info" in {k[5] for k in keys}


@pytest.mark.slow
def test_engine_agrees_with_pyshacl_on_a_generated_slice(tmp_path: Path) -> None:
    folders = []
    for n, country in enumerate(COUNTRIES):
        folder = tmp_path / country
        generate(
            folder,
            standards=40,
            country=country,
            units=3,
            criteria=2,
            invalid_share=0.3,
            seed=11 + n,
        )
        folders.append(folder)
    submission = read_submission(folders)
    assert not submission.problems
    assert set(submission.countries) == set(COUNTRIES)
    keys = assert_conformant(submission.quads, reference_store())
    shapes = {k[4].rsplit("#", 1)[-1] for k in keys if k[5] == "Violation"}
    # the generator's deliberate violations (code, level, unit without criteria) are found
    assert {
        "mx-standard-code",
        "co-standard-code",
        "cl-profile-code",
        "pe-standard-code",
        "StandardLevelInScheme",
        "unit-criteria-required",
    } <= shapes
