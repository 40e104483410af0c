"""The product on every backend: load the sample, count it, write the template back."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from equivalence.io.template import write_template
from equivalence.service import load_paths, statistics
from equivalence.store.base import TripleStore

SAMPLE = Path(__file__).resolve().parents[2] / "sample"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [{k: v for k, v in row.items() if v} for row in csv.DictReader(f)]


def test_load_stats_and_round_trip(store: TripleStore, tmp_path: Path) -> None:
    report = load_paths(store, [SAMPLE])
    assert report.ok, report.failed
    stats = statistics(store)
    assert set(stats["countries"]) == {"CL", "CO", "MX", "PE"}  # type: ignore[arg-type]
    assert sum(c["standards"] for c in stats["countries"].values()) == len(  # type: ignore[attr-defined]
        _rows(SAMPLE / "template" / "standards.csv")
    )
    assert stats["reference"]["isco-08 groups"] > 0  # type: ignore[index]

    write_template(store, tmp_path / "out")
    for table in ("standards", "units", "criteria"):
        assert _rows(tmp_path / "out" / f"{table}.csv") == _rows(
            SAMPLE / "template" / f"{table}.csv"
        )


def test_a_rejected_source_changes_nothing(store: TripleStore, tmp_path: Path) -> None:
    assert load_paths(store, [SAMPLE]).ok
    before = {g: sorted(map(str, store.triples(g))) for g in store.graphs()}
    broken = tmp_path / "broken"
    shutil.copytree(SAMPLE / "template", broken)
    with (broken / "criteria.csv").open("a", encoding="utf-8") as f:
        f.write("MX,EC0217.01,E01,X-1,habilidad,Criterio con un tipo que no existe\n")
    report = load_paths(store, [broken])
    assert [label for label, _ in report.failed] == ["template broken"]
    assert "habilidad" in str(report.failed[0][1])
    assert {g: sorted(map(str, store.triples(g))) for g in store.graphs()} == before
