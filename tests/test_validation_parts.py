"""A template validated in two parts (one in a forked child) gives the report one process gives.

`validate_paths(parts=True)` cuts the template by standard (`io.template.TemplatePart`); the
checks across standards (a code given twice, two spellings of one sector, a Chilean unit shared
by profiles that disagree) must still be found once, where one process finds them.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path
from typing import Final

import pytest

from equivalence.io.template import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    TemplatePart,
    _read_csv_table,
    write_template,
)
from equivalence.store import TripleStore
from equivalence.validation import parts, validate_paths
from equivalence.validation.model import ValidationReport
from test_validation_conformance import SAMPLE
from test_validation_rules import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate_submission import generate  # type: ignore[import-not-found,unused-ignore]

FIXTURES: Final = ROOT / "tests" / "fixtures" / "validation"
TEMPLATE_FIXTURES: Final = sorted(p.parent for p in FIXTURES.rglob("standards.csv"))


def _same(split: ValidationReport, whole: ValidationReport) -> None:
    assert split.results == whole.results
    assert (split.standards, split.triples, split.countries, split.inputs) == (
        whole.standards,
        whole.triples,
        whole.countries,
        whole.inputs,
    )


def _plan(folder: Path) -> dict[tuple[str, str], int]:
    tables = {name: _read_csv_table(folder, name, []) for name in ("standards", "units")}
    return TemplatePart(0, 2).plan({k: v for k, v in tables.items() if v is not None})


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A submission of every country with deliberate violations (Chile's profiles share UCLs)."""
    folders = {}
    for n, country in enumerate(("CL", "CO", "MX", "PE")):
        folder = folders[country] = tmp_path_factory.mktemp("parts") / country
        generate(
            folder,
            standards=80,
            country=country,
            units=3,
            criteria=2,
            invalid_share=0.3,
            seed=5 + n,
        )
    return folders


@pytest.mark.parametrize("country", ["CL", "CO", "MX", "PE"])
def test_generated_submissions_give_the_same_report_in_two_parts(
    generated: dict[str, Path], country: str
) -> None:
    folder = generated[country]
    whole = validate_paths([folder], country=country, parts=False)
    split = validate_paths([folder], country=country, parts=True)
    _same(split, whole)
    assert not whole.conforms
    plan = _plan(folder)
    assert set(plan.values()) == {0, 1}  # both parts have standards


@pytest.mark.parametrize("folder", TEMPLATE_FIXTURES, ids=lambda p: p.name)
def test_every_template_fixture_gives_the_same_report_in_two_parts(folder: Path) -> None:
    _same(validate_paths([folder], parts=True), validate_paths([folder], parts=False))


def test_the_sample_gives_the_same_report_in_two_parts() -> None:
    _same(validate_paths([SAMPLE], parts=True), validate_paths([SAMPLE], parts=False))


def _write(folder: Path, name: str, rows: list[dict[str, str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=[*COLUMNS[name], *OPTIONAL_COLUMNS[name]], restval=""
        )
        writer.writeheader()
        writer.writerows(rows)


def _crossing(folder: Path) -> None:
    """Problems between standards that a cut by standard puts in different parts."""
    standards, units, criteria = [], [], []
    for n in range(1, 9):
        code = f"EC{1000 + n}"
        # sector spelled two ways (same slug) by standards 1 and 2; committee by 3 and 4
        sector = "Turismo y hotelería" if n != 2 else "TURISMO Y HOTELERÍA"
        committee = "Comité de turismo" if n != 4 else "comité de Turismo"
        standards.append(
            {
                "country": "MX",
                "code": code,
                "title": f"Estándar {n}",
                "level": "2",
                "sector": sector,
                "committee": committee,
            }
        )
        units.append(
            {
                "country": "MX",
                "standard_code": code,
                "unit_code": "E01",
                "title": f"Unidad {n}",
                "essential": "true",
            }
        )
        criteria.append(
            {
                "country": "MX",
                "standard_code": code,
                "unit_code": "E01",
                "criterion_code": "C1",
                "kind": "desempeño",
                "text": f"Criterio {n}",
            }
        )
    standards.append(dict(standards[4], title="Repetido"))  # the code of standard 5 again
    _write(folder, "standards", standards)
    _write(folder, "units", units)
    _write(folder, "criteria", criteria)


def test_problems_across_standards_are_found_once_in_two_parts(tmp_path: Path) -> None:
    _crossing(tmp_path)
    plan = _plan(tmp_path)
    assert plan[("MX", "EC1001")] != plan[("MX", "EC1002")]
    assert plan[("MX", "EC1003")] != plan[("MX", "EC1004")]
    whole = validate_paths([tmp_path], country="MX", parts=False)
    split = validate_paths([tmp_path], country="MX", parts=True)
    _same(split, whole)
    rules = whole.by_rule()
    assert rules["template:inconsistent-label"] == 2
    assert rules["template:duplicate"] == 1


def test_a_chilean_unit_shared_with_different_titles_is_found_in_two_parts(
    tmp_path: Path,
) -> None:
    standards, units, criteria = [], [], []
    for n in range(1, 7):
        code = f"P-4711-5230-{n:03d}-V01"
        standards.append(
            {
                "country": "CL",
                "code": code,
                "title": f"Perfil {n}",
                "level": "2",
                "sector": "Comercio",
            }
        )
        unit = "U-4711-5230-101-V01" if n in (2, 5) else f"U-4711-5230-{200 + n}-V01"
        units.append(
            {
                "country": "CL",
                "standard_code": code,
                "unit_code": unit,
                "title": "Atender" if n != 5 else "Atender clientes",
                "essential": "true",
            }
        )
        criteria.append(
            {
                "country": "CL",
                "standard_code": code,
                "unit_code": unit,
                "criterion_code": "1.1",
                "kind": "desempeño",
                "text": "Saluda",
            }
        )
    _write(tmp_path, "standards", standards)
    _write(tmp_path, "units", units)
    _write(tmp_path, "criteria", criteria)
    plan = _plan(tmp_path)
    assert plan[("CL", "P-4711-5230-002-V01")] == plan[("CL", "P-4711-5230-005-V01")]
    whole = validate_paths([tmp_path], country="CL", parts=False)
    _same(validate_paths([tmp_path], country="CL", parts=True), whole)
    assert whole.by_rule()["template:inconsistent-shared"] == 1


@pytest.fixture(scope="module")
def real_template(reference_store: TripleStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real standards of the four countries written as a template."""
    folder = tmp_path_factory.mktemp("real") / "template"
    write_template(reference_store, folder)
    return folder


def test_the_real_data_gives_the_same_report_in_two_parts(
    reference_store: TripleStore, real_template: Path
) -> None:
    whole = validate_paths([real_template], store=reference_store, parts=False)
    split = validate_paths([real_template], store=reference_store, parts=True)
    _same(split, whole)
    assert whole.standards > 1_500
    assert set(_plan(real_template).values()) == {0, 1}


def test_real_chilean_profiles_sharing_a_unit_are_in_one_part(real_template: Path) -> None:
    plan = _plan(real_template)
    with (real_template / "units.csv").open(encoding="utf-8") as handle:
        holders: dict[str, set[str]] = {}
        for row in csv.DictReader(handle):
            if row["country"] == "CL":
                holders.setdefault(row["unit_code"], set()).add(row["standard_code"])
    shared = [codes for codes in holders.values() if len(codes) > 1]
    assert shared  # two of the real ChileValora UCLs are each in two profiles
    for codes in shared:
        assert len({plan[("CL", code)] for code in codes}) == 1


def test_when_the_child_dies_its_part_is_validated_here(
    generated: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def die(*args: object) -> None:
        os._exit(1)

    monkeypatch.setattr(parts, "_serve", die)
    folder = generated["MX"]
    _same(
        validate_paths([folder], country="MX", parts=True),
        validate_paths([folder], country="MX", parts=False),
    )


def test_big_templates_are_validated_in_parts(
    generated: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    real = parts.validate_in_parts

    def spy(*args: object, **kwargs: object) -> ValidationReport:
        calls.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parts, "validate_in_parts", spy)
    # other tests may leave a thread running (which rules a fork out): not what is tested here
    monkeypatch.setattr("equivalence.validation.validator.child_process_possible", lambda: True)
    monkeypatch.setattr("equivalence.validation.validator._CHILD_PROCESS_BYTES", 1)
    validate_paths([generated["PE"]], country="PE")
    assert len(calls) == 1
    monkeypatch.setattr("equivalence.validation.validator._CHILD_PROCESS_BYTES", 1 << 40)
    validate_paths([generated["PE"]], country="PE")
    assert len(calls) == 1


def test_a_workbook_gives_the_same_report_in_two_parts(
    generated: dict[str, Path], tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name in ("standards", "units", "criteria"):
        sheet = book.create_sheet(name)
        with (generated["CO"] / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                sheet.append(row)
    workbook = tmp_path / "co.xlsx"
    book.save(workbook)
    whole = validate_paths([workbook], country="CO", parts=False)
    _same(validate_paths([workbook], country="CO", parts=True), whole)
    assert whole.standards == 80
