"""The synthetic submission generator of the validation benchmark (benchmarks/generate_submission.py)."""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from equivalence.io.template import read_template

ROOT = Path(__file__).resolve().parents[1]

VALID_CODE = {
    "MX": re.compile(r"^EC\d{4}(\.\d{2})?$"),
    "CO": re.compile(r"^\d{9}$"),
    "CL": re.compile(r"^P-\d{4}-\d{4}-\d{3}-V\d{2}$"),
    "PE": re.compile(r"^\S+$"),
}
MAX_LEVEL = {"MX": 5, "CL": 5, "CO": 5, "PE": 8}


def _load_generator() -> ModuleType:
    name = "generate_submission"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look the module up while the class is created
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


def _rows(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("country", ["MX", "CL", "CO", "PE"])
def test_valid_submission_reads_without_problems(tmp_path: Path, country: str) -> None:
    counts = gen.generate(
        tmp_path, standards=20, country=country, units=3, criteria=2, invalid_share=0, seed=7
    )
    assert counts["standards"] == 20
    assert counts["units"] == 20 * 3
    assert counts["criteria"] == 20 * 3 * 2
    assert counts["invalid_standards"] == 0
    source = read_template(tmp_path)  # raises InvalidSourceError on any problem
    assert source.counts["standards"] == counts["standards"]
    assert source.counts["units"] == counts["units"]
    assert source.counts["criteria"] == counts["criteria"]
    standards = _rows(tmp_path, "standards")
    assert {r["country"] for r in standards} == {country}
    for row in standards:
        assert VALID_CODE[country].match(row["code"]), row["code"]
        assert not row["level"] or 1 <= int(row["level"]) <= MAX_LEVEL[country]
        if row["valid_to"]:
            assert row["valid_from"] <= row["valid_to"]
        if row["occupation_code"]:
            assert re.fullmatch(r"\d{4}", row["occupation_code"])
    kinds = {r["kind"] for r in _rows(tmp_path, "criteria")}
    assert kinds <= {"desempeño", "producto", "conocimiento", "actitud"}


def test_chilean_units_are_country_wide_ucl_codes(tmp_path: Path) -> None:
    gen.generate(tmp_path, standards=30, country="CL", invalid_share=0, seed=3)
    codes = [r["unit_code"] for r in _rows(tmp_path, "units")]
    assert all(re.fullmatch(r"U-\d{4}-\d{4}-\d{3}-V\d{2}", c) for c in codes)
    assert len(set(codes)) == len(codes)  # no UCL shared by accident


def test_deterministic_for_a_seed(tmp_path: Path) -> None:
    first = gen.generate(tmp_path / "a", standards=20, invalid_share=0.2, seed=5)
    second = gen.generate(tmp_path / "b", standards=20, invalid_share=0.2, seed=5)
    other = gen.generate(tmp_path / "c", standards=20, invalid_share=0.2, seed=6)
    assert first == second
    for table in ("standards", "units", "criteria"):
        same = (tmp_path / "a" / f"{table}.csv").read_bytes()
        assert same == (tmp_path / "b" / f"{table}.csv").read_bytes()
        assert same != (tmp_path / "c" / f"{table}.csv").read_bytes()
    assert first["invalid_codes"] != other["invalid_codes"]


@pytest.mark.parametrize("country", ["MX", "CL", "CO", "PE"])
def test_invalid_share_breaks_that_many_standards(tmp_path: Path, country: str) -> None:
    counts = gen.generate(
        tmp_path, standards=20, country=country, units=4, criteria=3, invalid_share=0.3, seed=2
    )
    assert counts["invalid_standards"] == 6
    assert counts["invalid"] == {"code": 2, "level": 2, "unit-without-criteria": 2}
    # the template reader still accepts every deliberate violation
    source = read_template(tmp_path)
    assert source.counts["standards"] == 20
    assert source.counts["units"] == 20 * 4
    assert source.counts["criteria"] == 20 * 4 * 3 - 2 * 3 == counts["criteria"]

    standards = {r["code"]: r for r in _rows(tmp_path, "standards")}
    bad = counts["invalid_codes"]
    assert sorted(c for c in standards if not VALID_CODE[country].match(c)) == sorted(bad["code"])
    if country == "PE":
        assert all(" " in c for c in bad["code"])
    assert all(standards[c]["level"] == "9" for c in bad["level"])
    assert all(
        not r["level"] or int(r["level"]) <= MAX_LEVEL[country]
        for c, r in standards.items()
        if c not in bad["level"]
    )
    criteria_units = {(r["standard_code"], r["unit_code"]) for r in _rows(tmp_path, "criteria")}
    without = [
        r["standard_code"]
        for r in _rows(tmp_path, "units")
        if (r["standard_code"], r["unit_code"]) not in criteria_units
    ]
    assert sorted(without) == sorted(bad["unit-without-criteria"])  # one unit each, no other


def test_no_invalid_share_no_invalid_standards(tmp_path: Path) -> None:
    with_share = gen.generate(tmp_path / "a", standards=200, invalid_share=0.01, seed=1)
    without = gen.generate(tmp_path / "b", standards=200, invalid_share=0, seed=1)
    assert with_share["invalid_standards"] == 2
    assert without["invalid_standards"] == 0
    assert without["criteria"] == 200 * 8 * 6
    assert (
        with_share["criteria"] == 200 * 8 * 6 - 6 * with_share["invalid"]["unit-without-criteria"]
    )
