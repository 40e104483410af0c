"""What `load` recognises at a path, and where reference RDF goes."""

from __future__ import annotations

from pathlib import Path

import pytest

from equivalence.cli import main
from equivalence.errors import InputError
from equivalence.io.reference import describes_standards, read_reference_rdf
from equivalence.settings import get_settings
from equivalence.sources import discover
from equivalence.store.oxigraph import OxigraphStore
from equivalence.vocab import GRAPH, country_graph

SAMPLE = Path(__file__).resolve().parents[1] / "sample"

STANDARD_TTL = """\
@prefix eq: <https://w3id.org/equivalence/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/equivalence/id/PE/standard/X1> a eq:CompetencyStandard , eq:PeruProfile ;
    eq:country <https://w3id.org/equivalence/country/PE> ;
    skos:prefLabel "Cocina"@es .
"""


def test_a_folder_of_sources_yields_each_in_order() -> None:
    readers = discover(SAMPLE)
    assert [r.label for r in readers] == ["RDF reference.ttl", "template template"]


def test_unknown_paths_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        discover(tmp_path / "missing")
    notes = tmp_path / "notes.txt"
    notes.write_text("hola")
    with pytest.raises(InputError, match="unknown kind of file"):
        discover(notes)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="nothing to load"):
        discover(tmp_path / "empty")


def test_reference_rdf_goes_to_the_graph_of_its_subjects() -> None:
    path = SAMPLE / "reference.ttl"
    assert not describes_standards(path)
    source = read_reference_rdf(path)
    graphs = {q.graph_name for q in source.quads}
    assert graphs <= {GRAPH.isco, GRAPH.esco, GRAPH.classifications}
    for quad in source.quads:
        subject = quad.subject.value  # type: ignore[union-attr]
        if subject.startswith("http://data.europa.eu/esco/isco/"):
            assert quad.graph_name == GRAPH.isco
        elif subject.startswith("http://data.europa.eu/esco/"):
            assert quad.graph_name == GRAPH.esco
    assert GRAPH.isco in graphs and GRAPH.esco in graphs


def test_rdf_describing_standards_goes_to_its_country(tmp_path: Path) -> None:
    path = tmp_path / "pe.ttl"
    path.write_text(STANDARD_TTL, encoding="utf-8")
    assert describes_standards(path)
    (reader,) = discover(path)
    (source,) = list(reader.read())
    assert {q.graph_name for q in source.quads} == {country_graph("PE")}


def test_the_store_can_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    location = tmp_path / "from-env"
    monkeypatch.setenv("EQUIVALENCE_STORE", str(location))
    get_settings.cache_clear()
    try:
        assert main(["load", "--quiet", str(SAMPLE / "template")]) == 0
    finally:
        get_settings.cache_clear()
    assert f"store oxigraph:{location}" in capsys.readouterr().out
    store = OxigraphStore(location)
    try:
        assert store.count(country_graph("MX")) > 0
    finally:
        store.close()
