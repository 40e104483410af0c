"""The named queries of issue 5 as the catalogue sees them: headers, typed parameters, errors.

Their rows on every store backend are in tests/conformance/test_named_queries_on_backends.py.
"""

from __future__ import annotations

import re

import pytest
from pyoxigraph import Literal, Quad

from equivalence.errors import QueryError
from equivalence.matching.graph import read_mappings
from equivalence.sparql import default_catalogue
from equivalence.store.oxigraph import OxigraphStore
from equivalence.vocab import SKOS, XSD, country_graph, country_iri, standard_iri
from named_query_fixture import STANDARDS, load_fixture, mapping_id

# name → [(parameter, type, optional)], as the HTTP layer and the CLI will read them
PARAMETERS = {
    "equivalents-of-standard": [
        ("country", "country", False),
        ("code", "string", False),
        ("target", "country", True),
        ("min_confidence", "decimal", True),
    ],
    "recognition-matrix": [("country", "country", False), ("other", "country", False)],
    "standards-without-equivalent": [("country", "country", False), ("target", "country", True)],
    "standard-gap": [
        ("country", "country", False),
        ("code", "string", False),
        ("other", "country", False),
        ("other_code", "string", False),
    ],
    "standards-per-sector-level": [("country", "country", True)],
}


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_the_header_describes_the_query(name: str) -> None:
    query = default_catalogue().get(name)
    assert query.kind == "SELECT"
    assert [(p.name, p.type, p.optional) for p in query.parameters] == PARAMETERS[name]
    assert len(query.description) > 80, "the question it answers, in a sentence or more"
    assert all(p.description for p in query.parameters)
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#"))
    for parameter in query.parameters:  # every parameter is used
        assert re.search(rf"\?{parameter.name}\b", body), parameter.name
    # the VALUES block goes in one place, inside a WHERE
    assert len(re.findall(r"^\s*#@values\s*$", query.text, re.MULTILINE)) == 1


def test_parameters_are_bound_as_rdf_terms() -> None:
    hostile = 'EC0001" } #'
    text = (
        default_catalogue()
        .get("equivalents-of-standard")
        .render({"country": "mx", "code": hostile, "min_confidence": "0.75"})
    )
    cells = [str(country_iri("MX")), str(Literal(hostile)), "UNDEF"]
    cells.append(str(Literal("0.75", datatype=XSD.decimal)))
    values = f"VALUES (?country ?code ?target ?min_confidence) {{ ({' '.join(cells)}) }}"
    assert values in text
    assert "#@values" not in text


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("equivalents-of-standard", {"country": "MX"}, "needs parameter 'code'"),
        ("equivalents-of-standard", {"code": "EC0001"}, "needs parameter 'country'"),
        ("recognition-matrix", {"country": "MX"}, "needs parameter 'other'"),
        ("standards-without-equivalent", {}, "needs parameter 'country'"),
        (
            "standard-gap",
            {"country": "MX", "code": "EC0001", "other": "CO"},
            "needs parameter 'other_code'",
        ),
        ("equivalents-of-standard", {"country": "XX", "code": "EC0001"}, "unknown country 'XX'"),
        (
            "equivalents-of-standard",
            {"country": "MX", "code": "EC0001", "target": "Chile"},
            "unknown country 'Chile'",
        ),
        ("recognition-matrix", {"country": "MX", "other": "AR"}, "unknown country 'AR'"),
        ("standards-per-sector-level", {"country": "ES"}, "unknown country 'ES'"),
        (
            "equivalents-of-standard",
            {"country": "MX", "code": "EC0001", "min_confidence": "high"},
            "min_confidence: 'high' is not a valid decimal",
        ),
        (
            "equivalents-of-standard",
            {"country": "MX", "code": "EC0001", "min_confidence": "0,5"},
            "'0,5' is not a valid decimal",
        ),
        (
            "standards-per-sector-level",
            {"country": "MX", "sector": "Comercio"},
            "has no parameter sector",
        ),
    ],
)
def test_parameter_errors(name: str, params: dict[str, str], message: str) -> None:
    store = OxigraphStore()
    with pytest.raises(QueryError, match=re.escape(message)):
        default_catalogue().select(store, name, **params)


def test_a_hostile_code_matches_nothing() -> None:
    store = load_fixture(OxigraphStore())
    before = store.count()
    for code in ('EC0001" } ; DROP ALL ; #', "EC0001> } #", "?code"):
        found = default_catalogue().select(
            store, "equivalents-of-standard", country="MX", code=code
        )
        assert len(found) == 0
    assert store.count() == before


def test_the_fixture_is_what_the_product_reads() -> None:
    """The mappings of the fixture as `read_mappings` (the library's reader) sees them."""
    store = load_fixture(OxigraphStore())
    records = {r.iri: r for r in read_mappings(store)}
    assert set(records) == {mapping_id(n) for n in ("M1", "M2", "M2b", "M3", "M5", "M6", "M7", "I")}
    statuses = {n: records[mapping_id(n)].review_status for n in ("M1", "M2", "M2b", "M3", "M5")}
    assert statuses == {
        "M1": "recognised",  # accepted by both agencies
        "M2": "proposed",
        "M2b": "accepted",  # as its SSSOM file said
        "M3": "accepted",  # by Mexico only
        "M5": "rejected",
    }
    inferred = [
        n
        for n in ("M1", "M2", "M2b", "M3", "M5", "M6", "M7", "I")
        if records[mapping_id(n)].inferred
    ]
    assert inferred == ["I"]


def test_equivalents_of_standard_is_one_row_per_mapping_whatever_the_titles() -> None:
    """Every standard of the fixture given a second Spanish title (what a generated code that is
    also a real one does): the rows are the mappings, once each, with the least title."""
    store = load_fixture(OxigraphStore())
    catalogue = default_catalogue()

    def rows(country: str, code: str) -> list[tuple[str, str]]:
        found = catalogue.select(store, "equivalents-of-standard", country=country, code=code)
        return [(row["mapping"].value, row["other_title"].value) for row in found.rows]

    before = {(country, code): rows(country, code) for country, code, *_ in STANDARDS}
    second_title = Literal("A", language="es-MX")  # LANGMATCHES: Spanish too
    store.add_quads(
        [
            Quad(standard_iri(country, code), SKOS.prefLabel, second_title, country_graph(country))
            for country, code, *_ in STANDARDS
        ]
    )
    for (country, code), was in before.items():
        now = rows(country, code)
        assert [mapping for mapping, _ in now] == [mapping for mapping, _ in was], (country, code)
        assert len({mapping for mapping, _ in now}) == len(now)
        assert all(title == "A" for _, title in now)  # "A" sorts before every real title
    assert sum(len(found) for found in before.values()) == 2 * 8  # each mapping from both sides
