"""The command line: load, stats, query and queries, on the sample and on the real data."""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from equivalence.cli import main
from equivalence.store.oxigraph import OxigraphStore
from equivalence.vocab import criterion_iri, standard_iri, unit_iri

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _rows_per_country(table: Path) -> Counter[str]:
    with table.open(encoding="utf-8") as f:
        return Counter(row["country"] for row in csv.DictReader(f))


def _distinct_per_country(table: Path) -> Counter[str]:
    """Distinct resources per country: a shared ChileValora UCL is one unit in every profile."""
    with table.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    iris: set[tuple[str, str]] = set()
    for r in rows:
        c = r["country"]
        if table.stem == "standards":
            iri = standard_iri(c, r["code"])
        elif table.stem == "units":
            iri = unit_iri(c, r["standard_code"], r["unit_code"])
        else:
            iri = criterion_iri(c, r["standard_code"], r["unit_code"], r["criterion_code"])
        iris.add((c, iri.value))
    return Counter(c for c, _ in iris)


@pytest.fixture()
def sample_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    store = str(tmp_path / "store")
    code, _, err = _run(capsys, "--store", store, "load", "--quiet", str(SAMPLE))
    assert code == 0, err
    return store


def test_load_sample_then_stats_counts_every_template_row(
    sample_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "--store", sample_store, "stats", "--format", "json")
    assert code == 0
    stats = json.loads(out)
    template = SAMPLE / "template"
    for table, key in (("standards", "standards"), ("units", "units"), ("criteria", "criteria")):
        expected = _distinct_per_country(template / f"{table}.csv")
        got = {c: stats["countries"][c][key] for c in expected}
        assert got == dict(expected), table
    assert set(stats["countries"]) == {"CL", "CO", "MX", "PE"}
    assert stats["graphs"]["https://w3id.org/equivalence/graph/ontology"] > 100


def test_query_by_name_with_parameters(
    sample_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with (SAMPLE / "template" / "standards.csv").open(encoding="utf-8") as f:
        first = next(r for r in csv.DictReader(f) if r["country"] == "MX")
    code, out, _ = _run(
        capsys,
        "--store",
        sample_store,
        "query",
        "standard-by-code",
        "--param",
        "country=MX",
        "--param",
        f"code={first['code']}",
        "--format",
        "json",
    )
    assert code == 0
    (binding,) = json.loads(out)["results"]["bindings"]
    assert binding["title"]["value"] == first["title"]
    assert int(binding["units"]["value"]) >= 1


def test_query_file_and_csv_output(
    sample_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = tmp_path / "count.rq"
    query.write_text(
        "PREFIX eq: <https://w3id.org/equivalence/ontology#>\n"
        "SELECT (COUNT(*) AS ?n) WHERE { ?s a eq:CompetencyStandard }\n"
    )
    code, out, _ = _run(capsys, "--store", sample_store, "query", str(query), "--format", "csv")
    assert code == 0
    total = sum(_rows_per_country(SAMPLE / "template" / "standards.csv").values())
    assert out.splitlines() == ["n", str(total)]


def test_a_broken_source_is_reported_and_changes_nothing(
    sample_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(SAMPLE / "template", broken)
    units = broken / "units.csv"
    lines = units.read_text(encoding="utf-8").splitlines()
    lines.append("XX,EC9999,E01,Unidad de un país que no existe,true")
    units.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = OxigraphStore(Path(sample_store))
    dump_before = sorted(str(q) for q in before.raw)
    before.close()
    del before

    code, _, err = _run(capsys, "--store", sample_store, "load", "--quiet", str(broken))
    assert code == 1
    assert "units.csv" in err and f"line {len(lines)}" in err and "XX" in err

    after = OxigraphStore(Path(sample_store))
    assert sorted(str(q) for q in after.raw) == dump_before


def test_unknown_query_and_missing_source_are_clear_errors(
    sample_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "--store", sample_store, "query", "no-such-query")
    assert code == 1 and "stats-country-counts" in err
    code, _, err = _run(capsys, "--store", sample_store, "load", "--quiet", str(tmp_path / "nope"))
    assert code == 1 and "no such file or folder" in err


def test_queries_lists_names_and_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "queries")
    assert code == 0
    assert "standard-by-code:" in out and "--param code=<string>" in out


@pytest.mark.slow
def test_load_all_real_data_then_stats(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "store")
    code, _, err = _run(capsys, "--store", store, "load", "--quiet", str(data_dir))
    assert code == 0, err
    code, out, _ = _run(capsys, "--store", store, "stats", "--format", "json")
    stats = json.loads(out)
    register = json.loads((data_dir / "mx" / "conocer_register.json").read_text(encoding="utf-8"))
    assert stats["countries"]["MX"]["standards"] == len(register) == 1477
    assert stats["reference"]["esco occupations"] == 3007
    assert stats["reference"]["esco skills"] == 13896
    assert stats["reference"]["isco-08 groups"] == 619
    esco = data_dir / "esco" / "v1.1.1-en"
    with (esco / "occupations_en.csv").open(encoding="utf-8") as f:
        occupations = {row["conceptUri"] for row in csv.DictReader(f)}
    with (esco / "occupationSkillRelations.csv").open(encoding="utf-8") as f:
        kinds = Counter(
            row["relationType"] for row in csv.DictReader(f) if row["occupationUri"] in occupations
        )
    assert stats["reference"]["esco essential relations"] == kinds["essential"]
    assert stats["reference"]["esco optional relations"] == kinds["optional"]
    assert sum(kinds.values()) > 123_000
    assert {"CL", "CO", "MX", "PE"} <= set(stats["countries"])
    by_level = stats["countries"]["MX"]["by_level"]
    assert by_level == dict(Counter(item["nivel"] for item in register))


def test_updates_in_the_catalogue_are_neither_listed_nor_runnable(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = _run(capsys, "queries")
    assert code == 0
    assert "review-record" not in out
    assert "equivalents-of-standard" in out
    code, _, err = _run(capsys, "--store", str(tmp_path / "store"), "query", "review-record")
    assert code != 0
    assert "update" in err
