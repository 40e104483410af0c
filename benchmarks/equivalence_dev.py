"""Quality of the equivalence engine on the development set (../shared/benchmarks/equivalence-dev).

One command: ``python benchmarks/equivalence_dev.py [--data ../shared/data]
[--bench ../shared/benchmarks]``. It loads the real data (for ESCO) and the development standards
into an in-memory store, matches all pairs of the four countries, writes the predictions to
``benchmarks/results/equivalence-dev.csv`` and scores them with ``equivalence evaluate``'s
evaluator. Also measured: how well the confidence is calibrated (expected calibration error
over five bins: is a mapping given confidence 0.7 right 70 % of the time?), and ablations (the
same run without the ESCO pivot, without the thesaurus and nominalisations). The figures go to
docs/benchmarks.md between ``<!-- equivalence-dev:start -->`` and ``<!-- equivalence-dev:end -->``.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from equivalence.matching.corpus import read_standards
from equivalence.matching.engine import Engine, read_level_schemes
from equivalence.matching.evaluate import Evaluation, evaluate, judgement, read_gold
from equivalence.matching.model import Mapping
from equivalence.matching.output import match_csv
from equivalence.matching.skills import SkillLabels, read_skill_labels
from equivalence.matching.text import Analyzer, Thesaurus
from equivalence.service import load_paths
from equivalence.store import TripleStore, open_store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from doc_sections import write_section

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
RESULTS = ROOT / "benchmarks" / "results"
BEGIN, END = "<!-- equivalence-dev:start -->", "<!-- equivalence-dev:end -->"
HEADING = "## Equivalence engine: development set"
TARGETS = {"pair_f1": 0.97, "exact_f1": 0.93, "coverage_mae": 0.03}


@dataclass(frozen=True)
class Run:
    name: str
    evaluation: Evaluation
    calibration: list[dict[str, float]]
    ece: float
    seconds: float


def _calibration(mappings: list[Mapping], gold: Path) -> tuple[list[dict[str, float]], float]:
    """Reliability per confidence bin: a prediction is right when its predicate is the gold one."""
    truth = read_gold(gold).by_pair
    bins: list[list[tuple[float, bool]]] = [[] for _ in range(5)]
    for m in mappings:
        if m.predicate is None:
            continue
        mine = judgement(m.subject.key, m.object.key, m.predicate)
        found = truth.get(mine.pair)
        right = found is not None and found.predicate is mine.predicate
        bins[min(int(m.confidence * 5), 4)].append((m.confidence, right))
    table: list[dict[str, float]] = []
    error = 0.0
    total = sum(len(b) for b in bins) or 1
    for i, entries in enumerate(bins):
        if not entries:
            continue
        mean = sum(c for c, _ in entries) / len(entries)
        accuracy = sum(1 for _, r in entries if r) / len(entries)
        error += len(entries) / total * abs(mean - accuracy)
        table.append(
            {
                "from": i / 5,
                "to": (i + 1) / 5,
                "n": len(entries),
                "mean": mean,
                "accuracy": accuracy,
            }
        )
    return table, error


def _run(name: str, engine: Engine, gold: Path) -> Run:
    started = time.perf_counter()
    mappings = engine.match()
    seconds = time.perf_counter() - started
    RESULTS.mkdir(parents=True, exist_ok=True)
    predicted = RESULTS / f"equivalence-dev-{name}.csv"
    predicted.write_text(match_csv(mappings), encoding="utf-8")
    calibration, ece = _calibration(mappings, gold)
    return Run(name, evaluate(gold, predicted), calibration, ece, seconds)


def _engines(store: TripleStore) -> dict[str, Engine]:
    """The engine, and the engine without one of its parts (ablations)."""
    standards = read_standards(store)
    skills = read_skill_labels(store)
    levels = read_level_schemes(store)
    return {
        "engine": Engine(standards, skills, levels),
        "without the ESCO pivot": Engine(standards, SkillLabels((), ()), levels),
        "without thesaurus and nominalisations": Engine(
            standards, skills, levels, analyzer=Analyzer(Thesaurus([]), nominalise=False)
        ),
    }


def _line(run: Run) -> str:
    e = run.evaluation
    return (
        f"| {run.name} | {e.pairs.f1:.3f} | {e.pairs.precision:.3f} | {e.pairs.recall:.3f} | "
        f"{e.exact_f1:.3f} | {e.coverage_mae or 0:.4f} | {run.ece:.3f} | {run.seconds:.2f} |"
    )


def _section(runs: list[Run], meta: dict[str, Any]) -> str:
    main = runs[0].evaluation
    met = {
        "pair_f1": main.pairs.f1 >= TARGETS["pair_f1"],
        "exact_f1": main.exact_f1 >= TARGETS["exact_f1"],
        "coverage_mae": (main.coverage_mae or 1.0) <= TARGETS["coverage_mae"],
    }
    lines = [
        f"Measured {meta['date']} on {meta['machine']}, Python {meta['python']}, commit "
        f"{meta['commit']} (`python benchmarks/equivalence_dev.py`): all pairs of the 355 "
        "standards of the four countries, with ESCO v1.1.1 / v1.0-es loaded.",
        "",
        "| run | pair F1 | precision | recall | exactMatch F1 | coverage MAE | calibration error "
        "| match (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *(_line(r) for r in runs),
        "",
        f"Targets: pair F1 ≥ {TARGETS['pair_f1']} ({'met' if met['pair_f1'] else 'NOT met'}), "
        f"exactMatch F1 ≥ {TARGETS['exact_f1']} ({'met' if met['exact_f1'] else 'NOT met'}), "
        f"coverage MAE ≤ {TARGETS['coverage_mae']} "
        f"({'met' if met['coverage_mae'] else 'NOT met'}). The coverage error is over the pairs "
        "found, both directions.",
        "",
        "Per predicate (engine):",
        "",
        "| predicate | precision | recall | F1 | gold | predicted |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for predicate, scores in main.per_predicate.items():
        lines.append(
            f"| {predicate.value} | {scores.precision:.3f} | {scores.recall:.3f} | "
            f"{scores.f1:.3f} | {scores.support} | "
            f"{scores.true_positives + scores.false_positives} |"
        )
    lines += [
        "",
        "Calibration (engine): a mapping is right when its predicate is the gold one.",
        "",
        "| confidence | mappings | mean confidence | share right |",
        "|---|---:|---:|---:|",
    ]
    for b in runs[0].calibration:
        lines.append(
            f"| {b['from']:.1f}–{b['to']:.1f} | {int(b['n'])} | {b['mean']:.2f} | "
            f"{b['accuracy']:.2f} |"
        )
    return "\n".join(lines)


def _write_doc(section: str) -> None:
    write_section(BEGIN, END, HEADING, section, DOC)


def _commit() -> str:
    import subprocess

    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return out.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "benchmarks")
    parser.add_argument("--no-write", action="store_true", help="print, do not edit the docs")
    args = parser.parse_args(argv)
    dev = args.bench / "equivalence-dev"
    store = open_store("oxigraph:memory")
    report = load_paths(store, [args.data, dev])
    if report.failed:
        raise SystemExit(f"could not load: {report.failed}")
    runs = [_run(name, engine, dev / "gold.csv") for name, engine in _engines(store).items()]
    meta = {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores",
        "python": platform.python_version(),
        "commit": _commit(),
    }
    section = _section(runs, meta)
    print(section)
    (RESULTS / "equivalence-dev.json").write_text(
        json.dumps(
            {
                r.name: {"calibration": r.calibration, "ece": r.ece, "seconds": r.seconds}
                for r in runs
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    if not args.no_write:
        _write_doc(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
