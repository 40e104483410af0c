"""The named-query catalogue: headers, typed parameters bound as RDF terms, syntax checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from equivalence.errors import QueryError, UnknownQueryError
from equivalence.sparql import Catalogue, default_catalogue, parse_query_file, to_term
from equivalence.store.oxigraph import OxigraphStore
from equivalence.vocab import DCTERMS, EQ, RDF, XSD, country_graph, country_iri, standard_iri


def test_every_named_query_has_a_header_and_parses() -> None:
    catalogue = default_catalogue()
    assert len(catalogue.names()) >= 8
    for query in catalogue:
        assert query.description, f"{query.name} has no description"
        assert query.path is not None and query.path.stem == query.name
    assert catalogue.check() == {}


def test_check_reports_a_broken_query(tmp_path: Path) -> None:
    (tmp_path / "broken.rq").write_text(
        "# name: broken\n# description: x\nSELECT ?x WHERE { ?x }\n"
    )
    assert "broken" in Catalogue(tmp_path).check()


def test_unknown_query_names_the_known_ones() -> None:
    with pytest.raises(UnknownQueryError, match="stats-graphs"):
        default_catalogue().get("no-such-query")


def test_values_are_bound_as_escaped_terms_not_formatted() -> None:
    query = default_catalogue().get("standard-by-code")
    hostile = 'EC0001" } ; DROP ALL ; #'
    text = query.render({"country": "MX", "code": hostile})
    assert f"VALUES (?country ?code) {{ ({country_iri('MX')} {Literal(hostile)}) }}" in text
    assert "#@values" not in text


def test_a_hostile_value_matches_nothing_and_changes_nothing() -> None:
    store = OxigraphStore()
    graph = country_graph("MX")
    standard = standard_iri("MX", "EC0217.01")
    store.add_quads(
        [
            Quad(standard, RDF.type, EQ.CompetencyStandard, graph),
            Quad(standard, EQ.country, country_iri("MX"), graph),
            Quad(standard, DCTERMS.identifier, Literal("EC0217.01"), graph),
        ]
    )
    found = default_catalogue().select(store, "standard-by-code", country="MX", code="EC0217.01")
    assert [row["standard"] for row in found.rows] == [standard]
    hostile = default_catalogue().select(
        store, "standard-by-code", country="MX", code='x" } } ; DROP ALL ; SELECT * { #'
    )
    assert len(hostile) == 0
    assert store.count() == 3


def test_missing_and_unknown_parameters_are_errors() -> None:
    query = default_catalogue().get("standard-by-code")
    with pytest.raises(QueryError, match="needs parameter 'code'"):
        query.render({"country": "MX"})
    with pytest.raises(QueryError, match="no parameter colour"):
        query.render({"country": "MX", "code": "x", "colour": "red"})
    with pytest.raises(QueryError, match="unknown country 'XX'"):
        query.render({"country": "XX", "code": "x"})


@pytest.mark.parametrize(
    ("value", "type_", "expected"),
    [
        ("42", "integer", Literal("42", datatype=XSD.integer)),
        ("0.5", "decimal", Literal("0.5", datatype=XSD.decimal)),
        ("TRUE", "boolean", Literal("true", datatype=XSD.boolean)),
        ("2024-02-29", "date", Literal("2024-02-29", datatype=XSD.date)),
        ("<http://example.org/a>", "iri", NamedNode("http://example.org/a")),
        ("pe", "country", country_iri("PE")),
        ("año", "string", Literal("año")),
    ],
)
def test_parameter_types(value: str, type_: str, expected: object) -> None:
    assert to_term(value, type_) == expected


@pytest.mark.parametrize(
    ("value", "type_"), [("4.2", "integer"), ("2024-02-30", "date"), ("yes", "boolean")]
)
def test_ill_typed_parameters_are_rejected(value: str, type_: str) -> None:
    with pytest.raises(QueryError, match="is not a valid"):
        to_term(value, type_)


def test_bad_parameter_header_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("# name: q\n# param: x colour -- what\nSELECT * WHERE { #@values\n}\n")
    with pytest.raises(QueryError, match="bad parameter line"):
        parse_query_file(path)
