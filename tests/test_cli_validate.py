"""`equivalence validate`: exit codes, formats, languages, references, and the comparison with
the country's accepted data."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Namespace
from rdflib import Literal as RdfLiteral

from equivalence.cli import main
from equivalence.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample"
SH = Namespace("http://www.w3.org/ns/shacl#")


pytestmark = pytest.mark.usefixtures("isolated_settings")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _edit(folder: Path, table: str, match: dict[str, str], changes: dict[str, str]) -> None:
    """Changes the cells of the rows of `table` whose cells equal `match`."""
    path = folder / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    hits = 0
    for row in rows:
        if all(row[k] == v for k, v in match.items()):
            row.update(changes)
            hits += 1
    assert hits, f"no row of {table} matches {match}"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture()
def broken(tmp_path: Path) -> Path:
    """The sample with a malformed CONOCER code and a level outside Mexico's scheme."""
    folder = tmp_path / "broken"
    shutil.copytree(SAMPLE / "template", folder)
    _edit(folder, "standards", {"code": "EC0154"}, {"code": "EC154"})
    for table in ("units", "criteria"):
        _edit(folder, table, {"standard_code": "EC0154"}, {"standard_code": "EC154"})
    _edit(folder, "standards", {"code": "EC0305"}, {"level": "7"})
    return folder


def test_the_sample_conforms_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "validate", str(SAMPLE / "template"))
    assert code == 0
    assert out.startswith("La entrega es conforme")


def test_violations_exit_1_and_the_text_report_names_standard_field_and_value(
    broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "validate", str(broken))
    assert code == 1
    assert out.startswith("La entrega NO es conforme: 2 violaciones")
    assert "MX EC154" in out and "mx-standard-code" in out and "'EC154'" in out
    assert "MX EC0305" in out and "standard-level-in-scheme" in out
    assert "standards.csv, línea" in out


def test_json_report_locates_each_result(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "validate", str(broken), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["conforms"] is False
    assert report["summary"]["violations"] == 2
    violations = {r["rule"]: r for r in report["results"] if r["severity"] == "Violation"}
    code_result = violations["mx-standard-code"]
    assert (code_result["country"], code_result["standard"]) == ("MX", "EC154")
    assert (code_result["field"], code_result["value"]) == ("code", "EC154")
    assert code_result["file"].endswith("standards.csv") and code_result["line"] > 1
    assert (
        "EC" in code_result["message_es"] and code_result["message_es"] != code_result["message_en"]
    )
    level = violations["standard-level-in-scheme"]
    assert (level["standard"], level["field"], level["value"]) == ("EC0305", "level", "7")


def test_english_text_report(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "validate", str(broken), "--lang", "en")
    assert code == 1
    assert "does NOT conform" in out.splitlines()[0]


def test_csv_and_turtle_reports(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "validate", str(broken), "--format", "csv")
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["rule"] for r in rows if r["severity"] == "Violation"} == {
        "mx-standard-code",
        "standard-level-in-scheme",
    }
    code, out, _ = _run(capsys, "validate", str(broken), "--format", "turtle")
    assert code == 1
    graph = Graph().parse(data=out, format="turtle")
    report = next(graph.subjects(None, SH.ValidationReport))
    assert graph.value(report, SH.conforms) == RdfLiteral(False)
    violations = [
        r
        for r in graph.objects(report, SH.result)
        if graph.value(r, SH.resultSeverity) == SH.Violation
    ]
    assert len(violations) == 2


def test_report_written_to_a_file(
    broken: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "report.json"
    code, out, err = _run(
        capsys, "validate", str(broken), "--format", "json", "--out", str(out_file)
    )
    assert code == 1 and out == ""
    assert "does NOT conform: 2 violations" in err
    assert json.loads(out_file.read_text(encoding="utf-8"))["summary"]["violations"] == 2


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        ("<http://a> <http://b> .", "broken.ttl", "line 1"),
        ('{"@context": "https://schema.org/", "@id": "http://a"}', "remote.jsonld", "remote"),
        (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><rdf:RDF '
            'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
            "entities.rdf",
            "DOCTYPE",
        ),
        ("hello", "notes.txt", "not a submission"),
    ],
)
def test_unreadable_input_exits_2_with_its_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, name: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    code, out, err = _run(capsys, "validate", str(path))
    assert code == 2 and out == ""
    assert str(path) in err and expected in err


def test_a_template_without_a_required_column_is_unreadable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "t"
    shutil.copytree(SAMPLE / "template", folder)
    text = (folder / "criteria.csv").read_text(encoding="utf-8")
    (folder / "criteria.csv").write_text(text.replace(",kind,", ",tipo,", 1), encoding="utf-8")
    code, _, err = _run(capsys, "validate", str(folder))
    assert code == 2
    assert "criteria.csv" in err and "kind" in err


def test_missing_input_and_size_limit_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = _run(capsys, "validate", "/no/such/folder")
    assert code == 2 and "no such file" in err
    monkeypatch.setenv("EQUIVALENCE_MAX_INPUT_BYTES", "1000")
    get_settings.cache_clear()
    code, _, err = _run(capsys, "validate", str(SAMPLE / "template"))
    assert code == 2 and "limit of 1,000" in err


def test_row_problems_of_the_template_are_violations_in_spanish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "t"
    shutil.copytree(SAMPLE / "template", folder)
    _edit(
        folder,
        "criteria",
        {"standard_code": "EC0154", "unit_code": "E01", "criterion_code": "C1"},
        {"kind": "habilidad"},
    )
    code, out, _ = _run(capsys, "validate", str(folder), "--format", "json")
    assert code == 1
    [result] = [r for r in json.loads(out)["results"] if r["severity"] == "Violation"]
    assert result["rule"] == "template:invalid-kind"
    assert (result["standard"], result["field"], result["value"]) == ("EC0154", "kind", "habilidad")
    assert "desempeño" in result["message_es"]


def test_another_countrys_standards_are_refused_for_a_country(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(
        capsys, "validate", str(SAMPLE / "template"), "--country", "MX", "--format", "json"
    )
    assert code == 1
    foreign = {
        r["country"] for r in json.loads(out)["results"] if r["rule"] == "submission-country"
    }
    assert foreign == {"CL", "CO", "PE"}
    standards = {
        (r["country"], r["standard"])
        for r in json.loads(out)["results"]
        if r["rule"] == "submission-country"
    }
    assert ("CL", "P-4711-5230-001-V02") in standards and ("PE", "DEMO-PE-01") in standards
    assert len(standards) == 12


@pytest.fixture()
def reference_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    store = str(tmp_path / "store")
    code, _, err = _run(capsys, "--store", store, "load", "--quiet", str(SAMPLE / "reference.ttl"))
    assert code == 0, err
    return store


def test_references_are_checked_against_the_stores_reference_data(
    reference_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(
        capsys, "--store", reference_store, "validate", str(SAMPLE / "template"), "--format", "json"
    )
    assert code == 0
    unchecked = [
        r for r in json.loads(out)["results"] if r["rule"] == "standard-occupation-unchecked"
    ]
    # ISCO-08 and ESCO are in sample/reference.ttl; CUOC and CIUO-08.CL are not
    assert unchecked and all("/isco/" not in r["term"] for r in unchecked)
    folder = tmp_path / "t"
    shutil.copytree(SAMPLE / "template", folder)
    _edit(folder, "standards", {"code": "EC0154"}, {"occupation_code": "9999"})
    code, out, _ = _run(
        capsys, "--store", reference_store, "validate", str(folder), "--format", "json"
    )
    assert code == 1
    [result] = [r for r in json.loads(out)["results"] if r["severity"] == "Violation"]
    assert (result["rule"], result["standard"], result["value"]) == (
        "standard-occupation-known",
        "EC0154",
        "9999",
    )


def test_the_report_compares_with_the_countrys_accepted_data(
    broken: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "accepted")
    accepted = tmp_path / "accepted-template"
    shutil.copytree(SAMPLE / "template", accepted)
    # the accepted data already had one bad code (EC0305 as EC305), which the new version fixes
    _edit(accepted, "standards", {"code": "EC0305"}, {"code": "EC305"})
    for table in ("units", "criteria"):
        _edit(accepted, table, {"standard_code": "EC0305"}, {"standard_code": "EC305"})
    code, _, err = _run(capsys, "--store", store, "load", "--quiet", str(accepted))
    assert code == 0, err
    code, out, _ = _run(
        capsys, "--store", store, "validate", str(broken), "--country", "MX", "--format", "json"
    )
    report = json.loads(out)
    assert code == 1
    # broken has foreign standards too (CL, CO, PE): compare only the Mexican rules
    new = {r["rule"] for r in report["results"] if r.get("status") == "new"}
    assert {"mx-standard-code", "standard-level-in-scheme"} <= new
    fixed = report["comparison"]["fixed"]
    assert [(r["rule"], r["value"]) for r in fixed if r["rule"] == "mx-standard-code"] == [
        ("mx-standard-code", "EC305")
    ]


def test_an_xlsx_workbook_is_validated_like_the_csv_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from equivalence.io.template import read_template, write_template
    from equivalence.store.oxigraph import OxigraphStore

    store = OxigraphStore()
    store.add_quads(read_template(SAMPLE / "template").quads)
    book = tmp_path / "sample.xlsx"
    write_template(store, book, fmt="xlsx")
    csv_code, csv_out, _ = _run(capsys, "validate", str(SAMPLE / "template"), "--format", "json")
    xlsx_code, xlsx_out, _ = _run(capsys, "validate", str(book), "--format", "json")
    assert csv_code == xlsx_code == 0
    rules = [(r["rule"], r["standard"], r["value"]) for r in json.loads(csv_out)["results"]]
    assert [
        (r["rule"], r["standard"], r["value"]) for r in json.loads(xlsx_out)["results"]
    ] == rules
