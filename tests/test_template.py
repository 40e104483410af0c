"""The submission template: reading, validation with locations, and the CSV/XLSX round trip."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from pyoxigraph import Literal, NamedNode

from equivalence.errors import InputError, InvalidSourceError
from equivalence.io.template import TABLES, read_template, write_template
from equivalence.store.oxigraph import OxigraphStore
from equivalence.vocab import EQ, country_graph, standard_iri, unit_iri

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT_ROOT / "sample" / "template"

Rows = list[list[str]]


# -- helpers -------------------------------------------------------------------------------------


def read_rows(path: Path) -> Rows:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: Rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def tables_of(folder: Path) -> dict[str, Rows]:
    return {name: read_rows(folder / f"{name}.csv") for name in TABLES}


def copy_sample(tmp_path: Path) -> Path:
    folder = tmp_path / "submission"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("*.md"))
    return folder


def set_cell(folder: Path, table: str, line: int, column: str, value: str) -> None:
    """Sets one cell; `line` is the CSV line (the header is line 1, no multi-line cells)."""
    path = folder / f"{table}.csv"
    rows = read_rows(path)
    rows[line - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def xlsx_from_csv(folder: Path, out: Path) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name in TABLES:
        sheet = book.create_sheet(name)
        for row in read_rows(folder / f"{name}.csv"):
            sheet.append([cell if cell else None for cell in row])
    book.save(out)
    return out


def round_trip(source: Path, out: Path, **kwargs: object) -> dict[str, Rows]:
    loaded = read_template(source)
    store = OxigraphStore()
    store.add_quads(loaded.quads)
    write_template(store, out, **kwargs)  # type: ignore[arg-type]
    return tables_of(out)


def problems_of(path: Path) -> list[InputError]:
    with pytest.raises(InvalidSourceError) as info:
        read_template(path)
    return info.value.problems


def find(
    problems: list[InputError], table: str, line: int | None, column: str | int | None
) -> InputError:
    for problem in problems:
        if (
            problem.file is not None
            and (problem.file.endswith(f"{table}.csv") or problem.file.endswith(f"#{table}"))
            and problem.line == line
            and problem.column == column
        ):
            return problem
    listing = "\n".join(str(p) for p in problems)
    raise AssertionError(f"no problem at {table} line {line} column {column}; got:\n{listing}")


@pytest.fixture(scope="session")
def benchmark_dir() -> Path:
    """The real template data of the benchmark (../shared/benchmarks/equivalence-dev)."""
    configured = os.environ.get("EQUIVALENCE_BENCHMARK_DIR")
    path = (
        Path(configured)
        if configured
        else PROJECT_ROOT.parent / "shared" / "benchmarks" / "equivalence-dev"
    )
    if not (path / "standards.csv").is_file():
        message = f"benchmark template not found at {path} (set EQUIVALENCE_BENCHMARK_DIR)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


# -- reading -------------------------------------------------------------------------------------


def test_sample_reads_with_the_expected_counts() -> None:
    source = read_template(SAMPLE)
    assert source.counts["standards"] == 16
    assert source.counts["units"] == 41
    assert source.counts["criteria"] == 79
    for country in ("CL", "CO", "MX", "PE"):
        assert source.counts[f"standards:{country}"] == 4
    assert {c: source.counts[f"units:{c}"] for c in ("CL", "CO", "MX", "PE")} == {
        "CL": 13,
        "CO": 9,
        "MX": 10,
        "PE": 9,
    }
    assert {c: source.counts[f"criteria:{c}"] for c in ("CL", "CO", "MX", "PE")} == {
        "CL": 22,
        "CO": 18,
        "MX": 21,
        "PE": 18,
    }
    graphs = {q.graph_name for q in source.quads}
    assert graphs == {country_graph(c) for c in ("CL", "CO", "MX", "PE")}


def test_each_country_goes_to_its_graph_with_provenance() -> None:
    store = OxigraphStore()
    store.add_quads(read_template(SAMPLE).quads)
    mx = store.triples(country_graph("MX"))
    ec0217 = standard_iri("MX", "EC0217.01")
    assert any(t.subject == ec0217 and t.predicate == EQ.level for t in mx)
    assert not any(t.subject == ec0217 for t in store.triples(country_graph("CL")))
    result = store.select(
        f"""PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX eq: <https://w3id.org/equivalence/ontology#>
        SELECT ?file ?row WHERE {{ {ec0217} prov:wasDerivedFrom ?r .
        ?r eq:sourceFile ?file ; eq:sourceRow ?row }}"""
    )
    assert [(r["file"].value, r["row"].value) for r in result.rows] == [  # type: ignore[union-attr]
        ("template/standards.csv", "2")
    ]


def test_a_shared_chilean_unit_is_one_resource_in_two_profiles() -> None:
    store = OxigraphStore()
    store.add_quads(read_template(SAMPLE).quads)
    ucl = unit_iri("CL", "P-4711-5230-001-V02", "U-4711-5222-004-V02")
    assert ucl == unit_iri("CL", "P-4711-9334-001-V02", "U-4711-5222-004-V02")
    profiles = store.select(
        f"PREFIX eq: <https://w3id.org/equivalence/ontology#> "
        f"SELECT ?s WHERE {{ ?s eq:hasUnit {ucl} }}"
    )
    assert len(profiles) == 2
    orders = store.select(
        f"PREFIX eq: <https://w3id.org/equivalence/ontology#> "
        f"SELECT ?o WHERE {{ {ucl} eq:order ?o }}"
    )
    assert len(orders) == 1


# -- round trip ----------------------------------------------------------------------------------


def test_csv_round_trip_of_the_sample(tmp_path: Path) -> None:
    assert round_trip(SAMPLE, tmp_path / "out") == tables_of(SAMPLE)


def test_round_trip_restricted_to_countries_keeps_their_rows_in_order(tmp_path: Path) -> None:
    written = round_trip(SAMPLE, tmp_path / "out", countries=["PE", "MX"])
    for name, rows in tables_of(SAMPLE).items():
        expected = [rows[0]] + [r for r in rows[1:] if r[0] in ("MX", "PE")]
        header = written[name][0]
        # extra columns only empty for these countries are left out
        assert header == [c for c in rows[0] if c in header]
        keep = [rows[0].index(c) for c in header]
        assert written[name] == [[r[i] for i in keep] for r in expected]


def test_xlsx_round_trip(tmp_path: Path) -> None:
    workbook = xlsx_from_csv(SAMPLE, tmp_path / "submission.xlsx")
    source = read_template(workbook)
    assert source.counts == read_template(SAMPLE).counts
    assert round_trip(workbook, tmp_path / "csv") == tables_of(SAMPLE)
    # and the writer's own workbook reads back to the same tables
    store = OxigraphStore()
    store.add_quads(source.quads)
    write_template(store, tmp_path / "export.xlsx", fmt="xlsx")
    assert round_trip(tmp_path / "export.xlsx", tmp_path / "again") == tables_of(SAMPLE)
    book = load_workbook(tmp_path / "export.xlsx", read_only=True)
    assert book.sheetnames == list(TABLES)


def test_xlsx_provenance_names_the_sheet(tmp_path: Path) -> None:
    workbook = xlsx_from_csv(SAMPLE, tmp_path / "submission.xlsx")
    files = {
        q.object.value
        for q in read_template(workbook).quads
        if q.predicate == EQ.sourceFile and isinstance(q.object, Literal)
    }
    assert files == {f"submission.xlsx#{name}" for name in TABLES}


def test_round_trip_of_the_real_benchmark_template(benchmark_dir: Path, tmp_path: Path) -> None:
    source = read_template(benchmark_dir)
    assert source.counts["standards"] == len(read_rows(benchmark_dir / "standards.csv")) - 1
    written = round_trip(benchmark_dir, tmp_path / "out")
    for name in TABLES:
        assert written[name] == read_rows(benchmark_dir / f"{name}.csv"), name


def test_normalised_values_are_written_canonically(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    set_cell(folder, "criteria", 2, "kind", "PRODUCTO")
    set_cell(folder, "criteria", 4, "kind", "Desempeno")
    set_cell(folder, "criteria", 5, "kind", "DESEMPEÑO")
    set_cell(folder, "units", 2, "essential", "Sí")
    set_cell(folder, "units", 3, "essential", "1")
    set_cell(folder, "units", 22, "essential", "NO")
    set_cell(folder, "standards", 3, "status", "Vigente")
    set_cell(folder, "standards", 2, "occupation_scheme", "isco")
    written = round_trip(folder, tmp_path / "out")
    assert written == tables_of(SAMPLE)


def test_default_body_is_written_empty_and_another_body_is_kept(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    set_cell(folder, "standards", 2, "body", "conocer")
    written = round_trip(folder, tmp_path / "out")
    assert written == tables_of(SAMPLE)
    store = OxigraphStore()
    store.add_quads(read_template(SAMPLE).quads)
    assert store.ask(
        "PREFIX eq: <https://w3id.org/equivalence/ontology#> ASK { "
        f"{standard_iri('PE', 'DEMO-PE-03')} eq:certifyingBody "
        "<https://w3id.org/equivalence/body/SINEACE> }"
    )


# -- validation ----------------------------------------------------------------------------------

Edit = Callable[[Path], None]


def cell(table: str, line: int, column: str, value: str) -> Edit:
    return lambda folder: set_cell(folder, table, line, column, value)


CASES: list[tuple[str, Edit, str, int, str, str]] = [
    # (id, edit, table, line, column, message fragment)
    ("unknown country", cell("standards", 2, "country", "AR"), "standards", 2, "country", "'AR'"),
    ("lower-case bad country", cell("units", 3, "country", "xx"), "units", 3, "country", "'xx'"),
    (
        "duplicate standard",
        cell("standards", 6, "code", "EC0217.01"),
        "standards",
        6,
        "code",
        "already given at line 2",
    ),
    ("duplicate unit", cell("units", 3, "unit_code", "E01"), "units", 3, "unit_code", "line 2"),
    (
        "duplicate criterion",
        cell("criteria", 3, "criterion_code", "C1"),
        "criteria",
        3,
        "criterion_code",
        "line 2",
    ),
    (
        "unit of a missing standard",
        cell("units", 2, "standard_code", "EC9999"),
        "units",
        2,
        "standard_code",
        "not in the standards table",
    ),
    (
        "criterion of a missing unit",
        cell("criteria", 2, "unit_code", "E09"),
        "criteria",
        2,
        "unit_code",
        "not in the units table",
    ),
    ("bad kind", cell("criteria", 7, "kind", "habilidad"), "criteria", 7, "kind", "habilidad"),
    ("level word", cell("standards", 2, "level", "tres"), "standards", 2, "level", "positive"),
    ("level zero", cell("standards", 2, "level", "0"), "standards", 2, "level", "positive"),
    ("level decimal", cell("standards", 2, "level", "2.5"), "standards", 2, "level", "positive"),
    (
        "date not ISO",
        cell("standards", 2, "valid_from", "01/08/2012"),
        "standards",
        2,
        "valid_from",
        "YYYY-MM-DD",
    ),
    (
        "impossible date",
        cell("standards", 2, "valid_from", "2012-13-01"),
        "standards",
        2,
        "valid_from",
        "YYYY-MM-DD",
    ),
    (
        "short date",
        cell("standards", 15, "valid_to", "2025-1-1"),
        "standards",
        15,
        "valid_to",
        "YYYY-MM-DD",
    ),
    (
        "valid_from after valid_to",
        cell("standards", 15, "valid_to", "2019-12-31"),
        "standards",
        15,
        "valid_to",
        "before valid_from",
    ),
    (
        "essential not boolean",
        cell("units", 2, "essential", "quizás"),
        "units",
        2,
        "essential",
        "not true or false",
    ),
    (
        "unknown scheme",
        cell("standards", 2, "occupation_scheme", "XYZ-99"),
        "standards",
        2,
        "occupation_scheme",
        "not a known occupation classification",
    ),
    (
        "code without scheme",
        cell("standards", 2, "occupation_scheme", ""),
        "standards",
        2,
        "occupation_scheme",
        "needs occupation_scheme",
    ),
    (
        "scheme without code",
        cell("standards", 2, "occupation_code", ""),
        "standards",
        2,
        "occupation_code",
        "occupation_code is empty",
    ),
    ("empty country", cell("standards", 3, "country", ""), "standards", 3, "country", "required"),
    ("empty code", cell("standards", 3, "code", ""), "standards", 3, "code", "required"),
    ("empty title", cell("standards", 3, "title", ""), "standards", 3, "title", "required"),
    ("empty unit code", cell("units", 4, "unit_code", ""), "units", 4, "unit_code", "required"),
    ("empty unit title", cell("units", 4, "title", ""), "units", 4, "title", "required"),
    (
        "empty criterion code",
        cell("criteria", 4, "criterion_code", ""),
        "criteria",
        4,
        "criterion_code",
        "required",
    ),
    ("empty text", cell("criteria", 4, "text", ""), "criteria", 4, "text", "required"),
    ("empty kind", cell("criteria", 4, "kind", ""), "criteria", 4, "kind", "required"),
    ("bad status", cell("standards", 3, "status", "caducado"), "standards", 3, "status", "status"),
    ("bad body", cell("standards", 2, "body", "INA"), "standards", 2, "body", "certifying body"),
    (
        "bad source url",
        cell("standards", 3, "source_url", "scribd document"),
        "standards",
        3,
        "source_url",
        "http",
    ),
    (
        "bad esco skill",
        cell("units", 2, "esco_skills", "preparar clases"),
        "units",
        2,
        "esco_skills",
        "ESCO skill URI",
    ),
    (
        "two spellings of one sector",
        cell("standards", 7, "sector", "Comercio"),
        "standards",
        11,
        "sector",
        "same sector",
    ),
    (
        "shared unit with another title",
        cell("units", 25, "title", "ATENDER CLIENTES"),
        "units",
        25,
        "title",
        "shared with standard 'P-4711-5230-001-V02'",
    ),
]


@pytest.mark.parametrize(
    ("edit", "table", "line", "column", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_validation_error_points_at_line_and_column(
    tmp_path: Path, edit: Edit, table: str, line: int, column: str, fragment: str
) -> None:
    folder = copy_sample(tmp_path)
    edit(folder)
    problem = find(problems_of(folder), table, line, column)
    assert fragment in problem.message


def test_kind_message_is_clear(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    set_cell(folder, "criteria", 7, "kind", "habilidad")
    problem = find(problems_of(folder), "criteria", 7, "kind")
    assert str(problem).endswith(
        "line 7, column kind: 'habilidad' is not one of desempeño, producto, conocimiento, actitud"
    )


def test_every_problem_is_collected(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    set_cell(folder, "standards", 2, "level", "x")
    set_cell(folder, "units", 5, "essential", "maybe")
    set_cell(folder, "criteria", 9, "kind", "skill")
    set_cell(folder, "criteria", 10, "text", "")
    problems = problems_of(folder)
    assert len(problems) == 4
    assert {(p.line, p.column) for p in problems} == {
        (2, "level"),
        (5, "essential"),
        (9, "kind"),
        (10, "text"),
    }


def test_missing_table(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    (folder / "units.csv").unlink()
    problems = problems_of(folder)
    assert len(problems) == 1
    assert problems[0].code == "missing-table"
    assert problems[0].file is not None and problems[0].file.endswith("units.csv")


def test_missing_column(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    rows = read_rows(folder / "criteria.csv")
    index = rows[0].index("kind")
    write_rows(folder / "criteria.csv", [r[:index] + r[index + 1 :] for r in rows])
    problem = find(problems_of(folder), "criteria", 1, "kind")
    assert "missing column 'kind'" in problem.message


def test_row_with_too_many_cells(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    path = folder / "units.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5].rstrip("\n") + ",surplus\n"
    path.write_text("".join(lines), encoding="utf-8")
    problem = find(problems_of(folder), "units", 6, 8)
    assert "8 cells" in problem.message


def test_not_utf8(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    path = folder / "criteria.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("latin-1"))
    problems = problems_of(folder)
    assert problems[0].code == "encoding"
    assert problems[0].line == 2  # 'producto' … 'técnicas' on the first data line


def test_xlsx_missing_sheet_and_cell_location(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    set_cell(folder, "criteria", 7, "kind", "habilidad")
    workbook = xlsx_from_csv(folder, tmp_path / "t.xlsx")
    problem = find(problems_of(workbook), "criteria", 7, "kind")
    assert problem.file == f"{workbook}#criteria"
    book = load_workbook(workbook)
    del book["units"]
    book.save(workbook)
    problems = problems_of(workbook)
    assert [p.code for p in problems] == ["missing-table"]
    assert "'units'" in problems[0].message


def test_xlsx_numbers_and_dates_are_read_as_text(tmp_path: Path) -> None:
    from datetime import datetime

    workbook = xlsx_from_csv(SAMPLE, tmp_path / "t.xlsx")
    book = load_workbook(workbook)
    sheet = book["standards"]
    sheet["D2"] = 3  # level as a number
    sheet["H2"] = datetime(2012, 8, 1)  # valid_from as a date cell
    sheet["B4"] = 210601020  # a Colombian code typed as a number
    book.save(workbook)
    assert round_trip(workbook, tmp_path / "out") == tables_of(SAMPLE)


def test_not_a_template(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError):
        read_template(path)
    with pytest.raises(InputError):
        read_template(tmp_path / "missing")


def test_write_rejects_unknown_country(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        write_template(OxigraphStore(), tmp_path, countries=["AR"])


def test_unit_iri_of_a_plain_unit_is_scoped_under_its_standard() -> None:
    source = read_template(SAMPLE)
    subjects = {q.subject for q in source.quads if isinstance(q.subject, NamedNode)}
    assert unit_iri("MX", "EC0217.01", "E01") in subjects
    assert standard_iri("MX", "EC0217.01").value in unit_iri("MX", "EC0217.01", "E01").value


def test_criteria_of_a_shared_unit_may_be_repeated_and_are_written_once(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    rows = read_rows(folder / "criteria.csv")
    shared = [r for r in rows if r[2] == "U-4711-5222-004-V02"]
    assert len(shared) == 2
    repeated = [["CL", "P-4711-9334-001-V02", *r[2:]] for r in shared]
    write_rows(folder / "criteria.csv", rows + repeated)
    assert round_trip(folder, tmp_path / "out") == tables_of(SAMPLE)
    different = [[*repeated[0][:5], "Otro texto."]]
    write_rows(folder / "criteria.csv", rows + different)
    problem = find(problems_of(folder), "criteria", len(rows) + 1, "text")
    assert problem.code == "inconsistent-shared"
