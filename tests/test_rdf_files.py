"""RDF files submitted by a country: formats, country graph, syntax errors and refused input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from equivalence.errors import InputError
from equivalence.io.rdf_files import read_rdf_file
from equivalence.vocab import EQ, SKOS, country_graph

EQ_NS = "https://w3id.org/equivalence/ontology#"
STANDARD = "https://w3id.org/equivalence/id/MX/standard/EC0217.01"
MX = "https://w3id.org/equivalence/country/MX"

TURTLE = f"""@prefix eq: <{EQ_NS}> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{STANDARD}> a eq:CompetencyStandard ;
    eq:country <{MX}> ;
    skos:prefLabel "Impartición de cursos de formación del capital humano"@es .
"""


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_turtle_goes_into_the_country_graph(tmp_path: Path) -> None:
    source = read_rdf_file(write(tmp_path, "mx.ttl", TURTLE))
    assert {q.graph_name for q in source.quads} == {country_graph("MX")}
    assert source.counts == {"triples": 3, "standards": 1}
    labels = [q.object for q in source.quads if q.predicate == SKOS.prefLabel]
    assert labels == [
        Literal("Impartición de cursos de formación del capital humano", language="es")
    ]


def test_n_triples(tmp_path: Path) -> None:
    content = (
        f"<{STANDARD}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{EQ_NS}CompetencyStandard> .\n"
        f"<{STANDARD}> <{EQ_NS}country> <{MX}> .\n"
    )
    source = read_rdf_file(write(tmp_path, "mx.nt", content))
    assert len(source.quads) == 2
    assert all(q.graph_name == country_graph("MX") for q in source.quads)


def test_json_ld_with_an_inline_context(tmp_path: Path) -> None:
    document = {
        "@context": {"eq": EQ_NS, "country": {"@id": "eq:country", "@type": "@id"}},
        "@id": STANDARD,
        "@type": "eq:CompetencyStandard",
        "country": MX,
    }
    source = read_rdf_file(write(tmp_path, "mx.jsonld", json.dumps(document)))
    assert any(q.predicate == EQ.country and q.object == NamedNode(MX) for q in source.quads)


@pytest.mark.parametrize(
    "context",
    [
        "https://schema.org/",
        ["https://example.org/context.jsonld", {"eq": EQ_NS}],
        {"@import": "https://example.org/context.jsonld"},
    ],
)
def test_json_ld_remote_context_is_refused(tmp_path: Path, context: object) -> None:
    document = {"@context": context, "@id": STANDARD, "name": "x"}
    text = json.dumps(document, indent=2)
    path = write(tmp_path, "mx.jsonld", text)
    with pytest.raises(InputError) as info:
        read_rdf_file(path, country="MX")
    assert info.value.code == "remote-context"
    url_line = next(i for i, line in enumerate(text.splitlines(), 1) if "https://" in line)
    assert info.value.line == url_line


def test_nested_remote_context_is_refused(tmp_path: Path) -> None:
    document = {
        "@context": {"eq": EQ_NS},
        "@graph": [{"@context": "https://x.org/c", "@id": STANDARD}],
    }
    with pytest.raises(InputError, match="remote"):
        read_rdf_file(write(tmp_path, "mx.json-ld", json.dumps(document)), country="MX")


def test_turtle_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    broken = TURTLE.replace('"@es .', '"@es ;\n    eq:level <not an iri> .')
    with pytest.raises(InputError) as info:
        read_rdf_file(write(tmp_path, "mx.ttl", broken))
    assert info.value.code == "syntax"
    assert info.value.line == 6
    assert isinstance(info.value.column, int)
    assert "mx.ttl, line 6, column" in str(info.value)


def test_n_triples_syntax_error_line(tmp_path: Path) -> None:
    content = f"<{STANDARD}> <{EQ_NS}country> <{MX}> .\n<{STANDARD}> <{EQ_NS}country> MX .\n"
    with pytest.raises(InputError) as info:
        read_rdf_file(write(tmp_path, "mx.nt", content), country="MX")
    assert (info.value.line, info.value.column) == (2, len(f"<{STANDARD}> <{EQ_NS}country> ") + 1)


def test_invalid_json_has_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_rdf_file(write(tmp_path, "mx.jsonld", '{\n  "@id": \n}'), country="MX")
    assert info.value.line == 3


def test_rdf_xml_entity_is_refused(tmp_path: Path) -> None:
    content = f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [<!ENTITY eq "{EQ_NS}">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="{STANDARD}"><rdf:type rdf:resource="&eq;CompetencyStandard"/></rdf:Description>
</rdf:RDF>
"""
    with pytest.raises(InputError) as info:
        read_rdf_file(write(tmp_path, "mx.rdf", content), country="MX")
    assert info.value.code == "xml-entity"
    assert info.value.line == 2


def test_rdf_xml_without_doctype(tmp_path: Path) -> None:
    content = f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:eq="{EQ_NS}">
  <eq:CompetencyStandard rdf:about="{STANDARD}"><eq:country rdf:resource="{MX}"/></eq:CompetencyStandard>
</rdf:RDF>
"""
    source = read_rdf_file(write(tmp_path, "mx.owl", content))
    assert source.counts["standards"] == 1


def test_country_argument_when_the_file_has_no_standard(tmp_path: Path) -> None:
    content = (
        f'<{STANDARD}/unit/E01> <{EQ_NS}order> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )
    path = write(tmp_path, "units.nt", content)
    with pytest.raises(InputError, match="no country"):
        read_rdf_file(path)
    source = read_rdf_file(path, country="pe")
    assert {q.graph_name for q in source.quads} == {country_graph("PE")}


def test_mixed_countries_are_refused(tmp_path: Path) -> None:
    other = TURTLE.replace("MX/standard/EC0217.01", "CL/standard/X").replace(
        "country/MX", "country/CL"
    )
    path = write(tmp_path, "mixed.ttl", TURTLE + other.split("\n", 2)[2])
    with pytest.raises(InputError, match="several countries"):
        read_rdf_file(path)
    with pytest.raises(InputError, match="country given is CL"):
        read_rdf_file(write(tmp_path, "mx.ttl", TURTLE), country="CL")


def test_named_graphs_of_trig_are_merged_into_the_country_graph(tmp_path: Path) -> None:
    content = TURTLE.replace(f"<{STANDARD}> a", f"<http://example.org/g> {{ <{STANDARD}> a") + "}\n"
    source = read_rdf_file(write(tmp_path, "mx.trig", content))
    assert {q.graph_name for q in source.quads} == {country_graph("MX")}


def test_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="extension"):
        read_rdf_file(write(tmp_path, "mx.txt", TURTLE))
