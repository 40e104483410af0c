"""The engine's commands: match, compare, evaluate, suggest-occupation, check-mappings."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from equivalence.cli import main
from equivalence.matching.graph import read_mappings
from equivalence.matching.sssom import read_sssom_tsv
from equivalence.store import open_store
from equivalence.vocab import mapping_graph

pytestmark = [pytest.mark.shared_data, pytest.mark.usefixtures("isolated_settings")]

ROOT = Path(__file__).resolve().parents[1]
MATCH_COLUMNS = [
    "subject_country",
    "subject_code",
    "object_country",
    "object_code",
    "predicate",
    "confidence",
    "subject_coverage",
    "object_coverage",
]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def dev_store(benchmarks_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store with the development standards and the sample reference data."""
    folder = tmp_path_factory.mktemp("store")
    code = main(
        [
            "--store",
            str(folder),
            "load",
            "--quiet",
            str(benchmarks_dir / "equivalence-dev"),
            str(ROOT / "sample" / "reference.ttl"),
        ]
    )
    assert code == 0
    return folder


def test_match_writes_the_csv_and_stores_the_mappings(
    dev_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cl-mx.csv"
    code, _, err = _run(
        capsys, "--store", str(dev_store), "match", "--from", "CL", "--to", "MX", "--out", str(out)
    )
    assert code == 0
    with out.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        assert list(reader.fieldnames or [])[: len(MATCH_COLUMNS)] == MATCH_COLUMNS
    assert rows
    assert {(r["subject_country"], r["object_country"]) for r in rows} == {("CL", "MX")}
    assert all(0 <= float(r["subject_coverage"]) <= 1 for r in rows)
    assert f"{len(rows)} mappings (CL-MX)" in err
    store = open_store(str(dev_store))
    try:
        stored = read_mappings(store, subject_country="CL", object_country="MX")
    finally:
        store.close()
    assert len(stored) == len(rows)


def test_rematching_one_country_touches_only_its_pairs(
    dev_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "--store", str(dev_store), "match", "--out", "/dev/null")[0] == 0
    sentinel = Triple(
        NamedNode("https://example.org/s"), NamedNode("https://example.org/p"), Literal("x")
    )
    store = open_store(str(dev_store))
    try:
        store.replace_graphs({mapping_graph("CO", "MX"): [sentinel]})
    finally:
        store.close()
    code, _, err = _run(
        capsys, "--store", str(dev_store), "match", "--from", "CL", "--out", "/dev/null"
    )
    assert code == 0
    assert "(CL-CO, CL-MX, CL-PE)" in err
    store = open_store(str(dev_store))
    try:
        assert list(store.triples(mapping_graph("CO", "MX"))) == [sentinel]
        assert read_mappings(store, subject_country="CL", object_country="PE")
    finally:
        store.replace_graphs({mapping_graph("CO", "MX"): []})
        store.close()


def test_match_as_sssom(
    dev_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "co-pe.sssom.tsv"
    args = ("--store", str(dev_store), "match", "--from", "CO", "--to", "PE", "--no-store")
    assert _run(capsys, *args, "--format", "sssom", "--out", str(out))[0] == 0
    code, text, err = _run(capsys, *args)
    assert code == 0
    assert "not stored" in err
    rows = list(csv.DictReader(io.StringIO(text)))
    records = read_sssom_tsv(out).records
    assert len(records) == len(rows) > 0
    assert {r.predicate.value for r in records} <= {
        "skos:exactMatch",
        "skos:closeMatch",
        "skos:broadMatch",
        "skos:narrowMatch",
    }


def test_compare_shows_the_gap(dev_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "--store", str(dev_store), "compare", "CL:P-9004-2359-001-V01", "CO:290002000"
    )
    assert code == 0
    assert "skos:broadMatch" in out
    assert "Brecha" in out and "290002006" in out
    code, out, _ = _run(
        capsys,
        "--store",
        str(dev_store),
        "compare",
        "CL:P-9004-2359-001-V01",
        "CO:290002000",
        "--format",
        "json",
    )
    document = json.loads(out)
    assert document["predicate"] == "skos:broadMatch"
    assert document["subject_coverage"] == 1.0
    assert {u["unit"] for u in document["gap"]} == {
        "290002006",
        "290002007",
        "290002008",
        "290002012",
    }
    assert document["gap"][0]["missing_criteria"]


def test_compare_an_unknown_standard(dev_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "--store", str(dev_store), "compare", "MX:EC9001.1", "CO:290002000")
    assert code == 1
    assert "EC9001.01" in err  # the near code is suggested
    code, _, err = _run(capsys, "--store", str(dev_store), "compare", "EC9001.01", "CO:290002000")
    assert code == 2
    assert "COUNTRY:CODE" in err


def test_evaluate_scores_predictions(
    tmp_path: Path, benchmarks_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = tmp_path / "gold.csv"
    gold.write_text(
        "a_country,a_code,b_country,b_code,coverage_a_in_b,coverage_b_in_a,relation\n"
        "MX,EC1,CO,1,1.0,1.0,exact\n"
        "MX,EC2,PE,P2,1.0,0.5,a_narrower_than_b\n",
        encoding="utf-8",
    )
    predicted = tmp_path / "pred.csv"
    predicted.write_text(
        ",".join(MATCH_COLUMNS) + "\n"
        "CO,1,MX,EC1,skos:exactMatch,0.9,0.9,1.0\n"
        "MX,EC3,PE,P3,skos:closeMatch,0.6,0.5,0.5\n",
        encoding="utf-8",
    )
    code, out, _ = _run(
        capsys, "evaluate", "--gold", str(gold), "--predicted", str(predicted), "--format", "json"
    )
    assert code == 0
    result = json.loads(out)
    assert result["pairs"]["precision"] == 0.5
    assert result["pairs"]["recall"] == 0.5
    assert result["exact_match_f1"] == 1.0
    assert result["coverage_mae"] == pytest.approx(0.05)


def test_suggest_occupation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    assert main(["--store", str(store), "load", "--quiet", str(ROOT / "sample")]) == 0
    capsys.readouterr()
    code, out, _ = _run(
        capsys, "--store", str(store), "suggest-occupation", "limpiadora de oficinas"
    )
    assert code == 0
    assert "9112" in out.splitlines()[1]
    batch = tmp_path / "titles.csv"
    batch.write_text("title\nLimpiador de oficinas\nEmpleada de archivo\n", encoding="utf-8")
    code, out, _ = _run(
        capsys, "--store", str(store), "suggest-occupation", "--batch", str(batch), "--top", "2"
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["title", "rank", "isco08_unit_group", "esco_uri", "score"]
    ranks = [r["rank"] for r in rows if r["title"] == "Limpiador de oficinas"]
    assert ranks[0] == "1" and len(ranks) <= 2
    assert next(r for r in rows if r["title"] == "Limpiador de oficinas")["isco08_unit_group"] == (
        "9112"
    )
    code, _, err = _run(capsys, "--store", str(store), "suggest-occupation")
    assert code == 2
    assert "TEXT or --batch" in err


def test_check_mappings(
    dev_store: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    code, out, _ = _run(capsys, "--store", str(empty), "check-mappings")
    assert (code, out) == (0, "Sin contradicciones ni cardinalidades sospechosas.\n")
    assert _run(capsys, "--store", str(dev_store), "match", "--out", "/dev/null")[0] == 0
    code, out, _ = _run(capsys, "--store", str(dev_store), "check-mappings", "--format", "json")
    findings = json.loads(out)
    assert code == (1 if findings else 0)
    assert all(f["kind"] in {"contradiction", "cardinality"} for f in findings)


def test_export_and_import_mappings_as_sssom(
    dev_store: Path, benchmarks_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "--store", str(dev_store), "match", "--from", "CO", "--to", "PE")[0] == 0
    exported = tmp_path / "co-pe.sssom.tsv"
    args = ("--store", str(dev_store), "export-mappings", "--from", "CO", "--to", "PE")
    assert _run(capsys, *args, "--out", str(exported))[0] == 0
    records = read_sssom_tsv(exported).records
    assert records
    other = tmp_path / "other"
    assert (
        main(["--store", str(other), "load", "--quiet", str(benchmarks_dir / "equivalence-dev")])
        == 0
    )
    code, _, err = _run(capsys, "--store", str(other), "import-mappings", str(exported))
    assert code == 0
    assert f"{len(records)} mappings imported" in err
    again = tmp_path / "again.sssom.tsv"
    args = ("--store", str(other), "export-mappings", "--from", "CO", "--to", "PE")
    assert _run(capsys, *args, "--out", str(again))[0] == 0
    reread = read_sssom_tsv(again).records
    assert {(r.subject, r.predicate, r.object) for r in reread} == {
        (r.subject, r.predicate, r.object) for r in records
    }
    # an unreadable file is an input error
    bad = tmp_path / "bad.tsv"
    bad.write_text("subject_id\tpredicate_id\n", encoding="utf-8")
    assert _run(capsys, "--store", str(other), "import-mappings", str(bad))[0] == 2


def test_match_refuses_an_unknown_or_repeated_country(
    dev_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(str(dev_store))
    try:
        before = sorted(str(t) for t in store.triples(mapping_graph("CL", "MX")))
    finally:
        store.close()
    code, _, err = _run(capsys, "--store", str(dev_store), "match", "--from", "XX")
    assert code == 2
    assert "unknown country 'XX'" in err
    code, _, err = _run(capsys, "--store", str(dev_store), "match", "--from", "CL", "--to", "cl")
    assert code == 2
    assert "same country" in err
    store = open_store(str(dev_store))
    try:
        assert sorted(str(t) for t in store.triples(mapping_graph("CL", "MX"))) == before
    finally:
        store.close()
