"""Validation reports rendered as text, JSON, Turtle (SHACL) and CSV; comparison with a baseline;
Spanish messages for the template reader's problems."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Graph, Namespace, URIRef
from rdflib import Literal as RdfLiteral

from equivalence.errors import InputError, InvalidSourceError
from equivalence.io.template import read_template
from equivalence.validation.model import (
    Comparison,
    Severity,
    ValidationReport,
    ValidationResult,
)
from equivalence.validation.report import (
    CSV_COLUMNS,
    FORMATS,
    compare,
    render,
    to_csv,
    to_json,
    to_text,
    to_turtle,
)
from equivalence.validation.template_messages import TEMPLATE_CODES, template_message
from equivalence.vocab import DCTERMS, EQ, SKOS, source_record_iri, standard_iri, unit_iri

ROOT = Path(__file__).resolve().parents[1]
SH = Namespace("http://www.w3.org/ns/shacl#")
SHACL_COMPONENT = "http://www.w3.org/ns/shacl#PatternConstraintComponent"

V, W, INFO = Severity.VIOLATION, Severity.WARNING, Severity.INFO


def template_result(
    severity: Severity,
    code: str,
    *,
    column: str,
    value: str | None,
    english: str,
    file: str,
    line: int | None,
    **where: str,
) -> ValidationResult:
    es, en = template_message(code, column, value, english)
    return ValidationResult(
        severity,
        f"template:{code}",
        es,
        en,
        field=column,
        value=value,
        file=file,
        line=line,
        column=column,
        **where,
    )


KIND = template_result(
    V,
    "invalid-kind",
    column="kind",
    value="habilidad",
    english="'habilidad' is not one of desempeño, producto, conocimiento, actitud",
    file="criteria.csv",
    line=7,
    country="MX",
    standard="EC0217.01",
    unit="E01",
    criterion="C3",
)
LEVEL = template_result(
    V,
    "invalid-level",
    column="level",
    value="tres",
    english="'tres' is not a positive integer",
    file="standards.csv",
    line=2,
    country="MX",
    standard="EC0217.01",
)
MISSING_TABLE = template_result(
    V,
    "missing-table",
    column="",
    value=None,
    english="missing table: units.csv is not in the folder entrega",
    file="entrega/units.csv",
    line=None,
)
CODE = ValidationResult(
    V,
    "mx-standard-code",
    "El código 'EC12' no tiene la forma ECdddd.dd.",
    "The code 'EC12' does not match ECdddd.dd.",
    country="MX",
    standard="EC12",
    field="code",
    value="EC12",
    focus=standard_iri("MX", "EC12").value,
    path=DCTERMS.identifier.value,
    component=SHACL_COMPONENT,
    shape="http://example.org/shapes#mx-standard-code",
)
ORPHAN = ValidationResult(
    W,
    "unit-in-standard",
    "La unidad U-1 no pertenece a ningún perfil.",
    "Unit U-1 belongs to no profile.",
    country="CL",
    standard="P-4711-5230-001-V02",
    unit="U-1",
    focus=unit_iri("CL", "P-4711-5230-001-V02", "U-1").value,
    path="^" + EQ.hasUnit.value,
    component="http://www.w3.org/ns/shacl#MinCountConstraintComponent",
    shape="http://example.org/shapes#unit-in-standard",
)
SKILL = ValidationResult(
    INFO,
    "esco-skill-known",
    "La habilidad ESCO no está en ESCO v1.1.1.",
    "The ESCO skill is not in ESCO v1.1.1.",
    country="CL",
    standard="P-4711-5230-001-V02",
    unit="U-1",
    field="esco_skills",
    value="http://data.europa.eu/esco/skill/0000",
    focus=unit_iri("CL", "P-4711-5230-001-V02", "U-1").value,
    path=EQ.relatedSkill.value,
    component="http://www.w3.org/ns/shacl#ClassConstraintComponent",
    shape="http://example.org/shapes#esco-skill-known",
)
NOT_AN_IRI = ValidationResult(
    W,
    "co-title-length",
    'El título "corto, breve" es demasiado corto.',
    'The title "corto, breve" is too short.',
    country="CO",
    standard="280201001",
    field="title",
    value="http://not an iri",
    focus=standard_iri("CO", "280201001").value,
    path=SKOS.prefLabel.value,
)

RESULTS = (KIND, LEVEL, MISSING_TABLE, CODE, ORPHAN, SKILL, NOT_AN_IRI)
REPORT = ValidationReport(
    RESULTS,
    inputs=("entrega/",),
    countries=("MX", "CL", "CO"),
    standards=12,
    triples=3456,
    seconds=1.25,
)
OLD_RULE = ValidationResult(
    W, "old-rule", "Regla antigua.", "Old rule.", country="PE", standard="DEMO-PE-01"
)
BASELINE = ValidationReport((CODE, ORPHAN, OLD_RULE))


# -- compare -------------------------------------------------------------------------------------


def test_compare_splits_new_fixed_and_persisting() -> None:
    compared = compare(REPORT, BASELINE, "MX v3")
    assert compared.results == REPORT.results
    assert REPORT.comparison is None  # a copy
    comparison = compared.comparison
    assert comparison is not None
    assert comparison.baseline == "MX v3"
    assert comparison.persisting == (CODE, ORPHAN)
    assert comparison.fixed == (OLD_RULE,)
    assert comparison.new == (KIND, LEVEL, MISSING_TABLE, SKILL, NOT_AN_IRI)


def test_compare_matches_by_key_not_by_message() -> None:
    reworded = ValidationResult(
        CODE.severity,
        CODE.rule,
        "otro mensaje",
        "another message",
        country=CODE.country,
        standard=CODE.standard,
        field=CODE.field,
        value=CODE.value,
    )
    comparison = compare(ValidationReport((reworded,)), BASELINE, "b").comparison
    assert comparison is not None
    assert comparison.persisting == (reworded,)
    assert comparison.fixed == (ORPHAN, OLD_RULE)


def test_compare_counts_duplicates_as_a_multiset() -> None:
    twice_now = ValidationReport((KIND, KIND, KIND, LEVEL))
    once_before = ValidationReport((KIND, LEVEL, LEVEL))
    comparison = compare(twice_now, once_before, "b").comparison
    assert comparison is not None
    assert comparison.persisting == (KIND, LEVEL)
    assert comparison.new == (KIND, KIND)
    assert comparison.fixed == (LEVEL,)


def test_compare_with_an_empty_baseline() -> None:
    comparison = compare(REPORT, ValidationReport(()), "none").comparison
    assert comparison == Comparison("none", new=RESULTS)


# -- JSON ----------------------------------------------------------------------------------------


def test_json_has_summary_counts_and_every_field() -> None:
    doc = json.loads(to_json(REPORT))
    assert list(doc) == ["conforms", "summary", "by_rule", "results"]
    assert doc["conforms"] is False
    assert doc["summary"] == {
        "violations": 4,
        "warnings": 2,
        "infos": 1,
        "standards": 12,
        "triples": 3456,
        "seconds": 1.25,
        "inputs": ["entrega/"],
        "countries": ["MX", "CL", "CO"],
    }
    assert doc["by_rule"] == REPORT.by_rule()
    assert len(doc["results"]) == len(RESULTS)
    first = doc["results"][0]
    assert first["severity"] == "Violation"
    assert first["line"] == 7
    assert first["message_es"].startswith("'habilidad' no es un tipo de criterio válido")
    assert "status" not in first
    rebuilt = [
        ValidationResult(**{**r, "severity": Severity(r["severity"])}) for r in doc["results"]
    ]
    assert tuple(rebuilt) == RESULTS


def test_json_keeps_non_ascii_text() -> None:
    assert "desempeño" in to_json(REPORT)


def test_json_with_a_comparison_gives_status_and_fixed() -> None:
    doc = json.loads(to_json(compare(REPORT, BASELINE, "MX v3")))
    statuses = Counter(r["status"] for r in doc["results"])
    assert statuses == {"new": 5, "persisting": 2}
    assert doc["comparison"]["baseline"] == "MX v3"
    assert doc["comparison"]["new"] == 5
    assert doc["comparison"]["persisting"] == 2
    assert [r["rule"] for r in doc["comparison"]["fixed"]] == ["old-rule"]
    assert doc["comparison"]["fixed"][0]["status"] == "fixed"


def test_json_of_a_conforming_report() -> None:
    doc = json.loads(to_json(ValidationReport((ORPHAN,))))
    assert doc["conforms"] is True
    assert doc["summary"]["warnings"] == 1


# -- Turtle --------------------------------------------------------------------------------------


def parse_turtle(report: ValidationReport) -> Graph:
    graph = Graph()
    graph.parse(data=to_turtle(report), format="turtle")
    return graph


def the_report(graph: Graph) -> BNode:
    reports = list(graph.subjects(RDF.type, SH.ValidationReport))
    assert len(reports) == 1
    node = reports[0]
    assert isinstance(node, BNode)
    return node


def test_turtle_is_a_shacl_validation_report() -> None:
    graph = parse_turtle(REPORT)
    report = the_report(graph)
    assert graph.value(report, SH.conforms) == RdfLiteral(False)
    results = list(graph.objects(report, SH.result))
    assert len(results) == len(RESULTS)
    severities = Counter(graph.value(r, SH.resultSeverity) for r in results)
    assert severities == {SH.Violation: 4, SH.Warning: 2, SH.Info: 1}
    for result in results:
        assert (result, RDF.type, SH.ValidationResult) in graph
        assert graph.value(result, SH.focusNode) is not None
        languages = sorted(m.language for m in graph.objects(result, SH.resultMessage))  # type: ignore[attr-defined]
        assert languages == ["en", "es"]
    rules = {str(graph.value(r, URIRef(DCTERMS.identifier.value))) for r in results}
    assert rules == {r.rule for r in RESULTS}


def result_node(graph: Graph, rule: str) -> BNode:
    nodes = list(graph.subjects(URIRef(DCTERMS.identifier.value), RdfLiteral(rule)))
    assert len(nodes) == 1
    node = nodes[0]
    assert isinstance(node, BNode)
    return node


def test_turtle_conforms_iff_no_violation() -> None:
    graph = parse_turtle(ValidationReport((ORPHAN, SKILL)))
    assert graph.value(the_report(graph), SH.conforms) == RdfLiteral(True)
    empty = parse_turtle(ValidationReport(()))
    assert empty.value(the_report(empty), SH.conforms) == RdfLiteral(True)
    assert list(empty.objects(the_report(empty), SH.result)) == []


def test_turtle_shacl_result_fields() -> None:
    graph = parse_turtle(REPORT)
    code = result_node(graph, "mx-standard-code")
    assert graph.value(code, SH.focusNode) == URIRef(standard_iri("MX", "EC12").value)
    assert graph.value(code, SH.resultPath) == URIRef(DCTERMS.identifier.value)
    assert graph.value(code, SH.value) == RdfLiteral("EC12")
    assert graph.value(code, SH.sourceConstraintComponent) == URIRef(SHACL_COMPONENT)
    assert graph.value(code, SH.sourceShape) == URIRef("http://example.org/shapes#mx-standard-code")
    assert (code, SH.resultMessage, RdfLiteral(CODE.message_es, lang="es")) in graph
    assert (code, SH.resultMessage, RdfLiteral(CODE.message_en, lang="en")) in graph


def test_turtle_inverse_path_and_iri_values() -> None:
    graph = parse_turtle(REPORT)
    orphan = result_node(graph, "unit-in-standard")
    path = graph.value(orphan, SH.resultPath)
    assert isinstance(path, BNode)
    assert graph.value(path, SH.inversePath) == URIRef(EQ.hasUnit.value)
    skill = result_node(graph, "esco-skill-known")
    assert graph.value(skill, SH.value) == URIRef("http://data.europa.eu/esco/skill/0000")
    # not an IRI (a space): kept as a literal
    title = result_node(graph, "co-title-length")
    assert graph.value(title, SH.value) == RdfLiteral("http://not an iri")


def test_turtle_template_problem_is_located_on_its_source_record() -> None:
    graph = parse_turtle(REPORT)
    kind = result_node(graph, "template:invalid-kind")
    record = source_record_iri("template", "criteria.csv", 7).value
    assert graph.value(kind, SH.focusNode) == URIRef(record)
    assert graph.value(kind, SH.sourceConstraintComponent) is None
    assert graph.value(kind, SH.sourceShape) is None
    assert graph.value(kind, SH.value) == RdfLiteral("habilidad")
    messages = {m.language: str(m) for m in graph.objects(kind, SH.resultMessage)}  # type: ignore[attr-defined]
    assert "criteria.csv, línea 7, columna kind" in messages["es"]
    assert "MX EC0217.01, unidad E01, criterio C3" in messages["es"]
    assert "criteria.csv, line 7, column kind" in messages["en"]
    assert "'habilidad' no es un tipo de criterio válido" in messages["es"]
    missing = result_node(graph, "template:missing-table")
    assert graph.value(missing, SH.focusNode) == URIRef(
        source_record_iri("template", "entrega/units.csv", 0).value
    )


def test_turtle_is_not_string_formatted() -> None:
    source = (ROOT / "src/equivalence/validation/report.py").read_text(encoding="utf-8")
    assert "@prefix" not in source


# -- CSV -----------------------------------------------------------------------------------------


def test_csv_round_trips_the_fields() -> None:
    text = to_csv(REPORT)
    assert "\r" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(RESULTS)
    for row, result in zip(rows, RESULTS, strict=True):
        assert row["severity"] == result.severity.value
        assert row["status"] == ""
        for name in CSV_COLUMNS[1:-1]:
            expected = getattr(result, name)
            assert row[name] == ("" if expected is None else str(expected)), name


def test_csv_lists_fixed_results_after_the_current_ones() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(compare(REPORT, BASELINE, "MX v3")))))
    assert [r["status"] for r in rows] == [
        "new",
        "new",
        "new",
        "persisting",
        "persisting",
        "new",
        "new",
        "fixed",
    ]
    assert rows[-1]["rule"] == "old-rule"


# -- text ----------------------------------------------------------------------------------------


def test_text_is_spanish_by_default_with_the_verdict_first() -> None:
    text = to_text(REPORT)
    lines = text.splitlines()
    assert lines[0] == ("La entrega NO es conforme: 4 violaciones, 2 advertencias, 1 informativo")
    assert "Archivos: entrega/" in text
    assert "Estándares validados: 12; tripletas: 3456; tiempo: 1.2 s" in text


def test_text_conforming_verdicts() -> None:
    assert to_text(ValidationReport(())).startswith("La entrega es conforme\n")
    assert to_text(ValidationReport((ORPHAN, SKILL))).startswith(
        "La entrega es conforme: 1 advertencia, 1 informativo\n"
    )
    assert to_text(ValidationReport((ORPHAN,)), "en").startswith(
        "The submission conforms: 1 warning\n"
    )


def test_text_counts_per_rule() -> None:
    report = ValidationReport((KIND, KIND, LEVEL, ORPHAN))
    text = to_text(report)
    section = text.split("Resultados por regla:\n")[1].split("\n\n")[0].splitlines()
    assert len(section) == 3
    assert re.match(r"\s+template:invalid-kind\s+Violación\s+2\s+'habilidad' no es", section[0])
    assert re.match(r"\s+template:invalid-level\s+Violación\s+1\s+", section[1])
    assert re.match(r"\s+unit-in-standard\s+Advertencia\s+1\s+La unidad U-1", section[2])


def standard_blocks(text: str) -> dict[str, list[str]]:
    """The lines of each standard's block, by its title line (without the counts)."""
    body = text.split("Resultados por estándar:\n")[1].split("\n\nComparación")[0]
    blocks: dict[str, list[str]] = {}
    for block in body.strip("\n").split("\n\n"):
        title, *lines = block.splitlines()
        blocks[title.strip().split(" (")[0]] = lines
    return blocks


def test_text_groups_results_by_standard_sorted_by_severity_and_location() -> None:
    blocks = standard_blocks(to_text(REPORT))
    assert list(blocks) == [
        "CL P-4711-5230-001-V02",
        "CO 280201001",
        "MX EC0217.01",
        "MX EC12",
        "Otros",
    ]
    cl = blocks["CL P-4711-5230-001-V02"]
    assert cl[0].strip().startswith("[Advertencia] unidad U-1")
    assert cl[1].strip().startswith("[Informativo] unidad U-1 · esco_skills = ")
    mx = blocks["MX EC0217.01"]
    assert mx[0].strip() == (
        "[Violación] unidad E01 · criterio C3 · kind = 'habilidad': 'habilidad' no es un tipo "
        "de criterio válido; use desempeño, producto, conocimiento o actitud. "
        "(criteria.csv, línea 7, columna kind)"
    )
    assert "(standards.csv, línea 2, columna level)" in mx[1]
    assert blocks["Otros"][0].strip().startswith("[Violación] Falta la tabla units")
    assert "MX EC0217.01 (2 violaciones)" in to_text(REPORT)


def test_text_truncates_long_groups() -> None:
    many = tuple(
        ValidationResult(
            V,
            "r",
            f"mensaje {i}",
            f"message {i}",
            country="MX",
            standard="EC1",
            file="standards.csv",
            line=i,
        )
        for i in range(2, 12)
    )
    lines = standard_blocks(to_text(ValidationReport(many), limit=3))["MX EC1"]
    assert len(lines) == 4
    assert lines[0].strip().startswith("[Violación] mensaje 2")
    assert lines[-1].strip() == "… y 7 más"
    english = to_text(ValidationReport(many), "en", limit=3)
    assert "… and 7 more" in english


def test_text_comparison_section() -> None:
    text = to_text(compare(REPORT, BASELINE, "MX v3"))
    section = text.split("Comparación con MX v3:\n")[1].splitlines()
    assert section[0].strip() == "Nuevos: 5, corregidos: 1, persistentes: 2"
    assert section[1].strip() == "Corregidos:"
    assert section[2].strip() == "[Advertencia] PE DEMO-PE-01: Regla antigua."


def test_text_in_english() -> None:
    text = to_text(compare(REPORT, BASELINE, "MX v3"), language="en")
    assert text.startswith(
        "The submission does NOT conform: 4 violations, 2 warnings, 1 info message\n"
    )
    assert "Results by rule:" in text
    assert "'habilidad' is not one of desempeño" in text
    assert "(criteria.csv, line 7, column kind)" in text
    assert "New: 5, fixed: 1, persisting: 2" in text
    assert "\n  Other (1 violation)\n" in text


def test_render_dispatches_every_format() -> None:
    assert FORMATS == ("text", "json", "turtle", "csv")
    assert render(REPORT, "text") == to_text(REPORT)
    assert render(REPORT, "text", "en") == to_text(REPORT, "en")
    assert render(REPORT, "json") == to_json(REPORT)
    assert render(REPORT, "csv") == to_csv(REPORT)
    assert "sh:ValidationReport" in render(REPORT, "turtle")
    with pytest.raises(ValueError, match="unknown report format"):
        render(REPORT, "xml")


# -- template messages ---------------------------------------------------------------------------


def documented_codes() -> list[str]:
    """Every problem code in the tables of the Validation section of docs/template.md."""
    doc = (ROOT / "docs" / "template.md").read_text(encoding="utf-8")
    section = doc.split("## Validation", 1)[1].split("\n## ", 1)[0]
    codes: list[str] = []
    for line in section.splitlines():
        cells = line.split("|")
        if len(cells) > 2 and "`" in cells[1]:
            codes.extend(re.findall(r"`([a-z0-9-]+)`", cells[1]))
    return codes


def test_the_doc_table_is_parsed() -> None:
    codes = documented_codes()
    assert {"missing-table", "xlsx", "empty-cell", "invalid-skill", "inconsistent-shared"} <= set(
        codes
    )
    assert len(codes) >= 24


@pytest.mark.parametrize("code", documented_codes())
def test_every_documented_code_has_a_spanish_message(code: str) -> None:
    assert code in TEMPLATE_CODES
    english = f"the reader's message for {code}"
    es, en = template_message(code, "title", "valor", english)
    assert en == english
    assert not es.startswith("Problema en la plantilla")
    assert english not in es
    es_alone, en_alone = template_message(code, None, None, None)
    assert es_alone and en_alone


def test_no_message_without_a_documented_code() -> None:
    assert set(TEMPLATE_CODES) == set(documented_codes())


def test_spanish_messages_say_how_to_fix() -> None:
    es, _ = template_message("invalid-kind", "kind", "habilidad", None)
    assert es == (
        "'habilidad' no es un tipo de criterio válido; use desempeño, producto, conocimiento o "
        "actitud."
    )
    es, _ = template_message("invalid-date", "valid_from", "01/08/2012", None)
    assert "AAAA-MM-DD" in es
    es, _ = template_message("unknown-country", "country", "AR", None)
    assert es.startswith("'AR' no es un país") and "CL, CO, MX o PE" in es
    es, _ = template_message(
        "duplicate", "code", "EC0217.01", "standard 'EC0217.01' of MX is already given at line 2"
    )
    assert es.startswith("El estándar 'EC0217.01' ya aparece en otra fila (línea 2)")
    es, _ = template_message(
        "empty-cell", "occupation_code", None, "occupation_scheme is 'CUOC' but occupation_code"
    )
    assert "occupation_code está vacío" in es


def test_unknown_code_gives_a_generic_message_with_the_english_text() -> None:
    es, en = template_message("something-new", "kind", "x", "something went wrong")
    assert en == "something went wrong"
    assert "something went wrong" in es
    assert "something-new" in es


def copy_sample(tmp_path: Path) -> Path:
    folder = tmp_path / "entrega"
    shutil.copytree(ROOT / "sample" / "template", folder)
    return folder


def set_cells(path: Path, edits: dict[tuple[int, str], str]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    for (line, column), value in edits.items():
        rows[line - 1][header.index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def reader_problems(folder: Path) -> list[InputError]:
    with pytest.raises(InvalidSourceError) as info:
        read_template(folder)
    return info.value.problems


def test_every_problem_of_the_reader_gets_a_specific_spanish_message(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    set_cells(folder / "standards.csv", {(2, "level"): "tres", (3, "country"): "AR"})
    set_cells(folder / "units.csv", {(2, "essential"): "quizás"})
    set_cells(folder / "criteria.csv", {(7, "kind"): "habilidad", (4, "text"): ""})
    problems = reader_problems(folder)
    assert {p.code for p in problems} >= {
        "invalid-level",
        "unknown-country",
        "invalid-boolean",
        "invalid-kind",
        "empty-cell",
    }
    for problem in problems:
        assert problem.code in TEMPLATE_CODES
        es, en = template_message(problem.code, problem.column, None, problem.message)
        assert en == problem.message
        assert not es.startswith("Problema en la plantilla")


def test_structural_problems_of_the_reader_get_spanish_messages(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    (folder / "units.csv").unlink()
    (folder / "criteria.csv").write_bytes(b"country,kind\n\xff\n")
    problems = reader_problems(folder)
    codes = {p.code for p in problems}
    assert codes == {"missing-table", "encoding"}
    messages = {p.code: template_message(p.code, p.column, None, p.message)[0] for p in problems}
    assert messages["missing-table"].startswith("Falta la tabla units")
    assert "UTF-8" in messages["encoding"]
