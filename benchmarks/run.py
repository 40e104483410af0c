"""Load benchmark: all of the real data into the on-disk embedded store, and into rdflib.

One command: `python benchmarks/run.py [--data ../shared/data] [--repeat 3]`. Each run is a fresh
process, measured for wall time and peak RSS (os.wait4); medians are written to
docs/benchmarks.md (between the markers) and the raw runs to benchmarks/results/load.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- load-benchmark:begin -->", "<!-- load-benchmark:end -->"
TARGET_SECONDS, TARGET_RSS_GIB = 60.0, 2.0


def _measure(cmd: list[str]) -> tuple[float, float, str]:
    """Runs `cmd`; returns wall seconds, peak RSS in MiB and its stdout."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        stdout = out.read().decode()
    if process.returncode != 0:
        err = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(cmd)} failed ({process.returncode}):\n{stdout}\n{err}")
    return wall, usage.ru_maxrss / 1024, stdout


def _graph_counts(store: Path) -> dict[str, int]:
    exe = shutil.which("equivalence", path=str(Path(sys.executable).parent)) or "equivalence"
    out = subprocess.run(
        [exe, "--store", str(store), "query", "stats-graphs", "--format", "csv"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()[1:]
    return {line.rsplit(",", 1)[0]: int(line.rsplit(",", 1)[1]) for line in out if line}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    exe = shutil.which("equivalence", path=str(Path(sys.executable).parent)) or "equivalence"
    runs: list[dict[str, float]] = []
    counts: dict[str, int] = {}
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory(dir=ROOT / "benchmarks") as tmp:
            store = Path(tmp) / "store"
            ox_wall, ox_rss, _ = _measure(
                [exe, "--store", str(store), "load", "--quiet", str(args.data)]
            )
            if i == 0:
                counts = _graph_counts(store)
        rd_wall, rd_rss, rd_out = _measure(
            [sys.executable, str(ROOT / "benchmarks" / "rdflib_load.py"), str(args.data)]
        )
        rd_triples = json.loads(rd_out)["triples"]
        runs.append(
            {
                "oxigraph_s": ox_wall,
                "oxigraph_rss_mib": ox_rss,
                "rdflib_s": rd_wall,
                "rdflib_rss_mib": rd_rss,
                "rdflib_triples": rd_triples,
            }
        )
        print(json.dumps(runs[-1]), flush=True)
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    total = sum(counts.values())
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "load.json").write_text(
        json.dumps({"runs": runs, "medians": med, "graphs": counts}, indent=2)
    )
    ok_time = med["oxigraph_s"] <= TARGET_SECONDS
    ok_rss = med["oxigraph_rss_mib"] <= TARGET_RSS_GIB * 1024
    table = "\n".join(f"| `{g}` | {n:,} |" for g, n in counts.items())
    section = f"""{BEGIN}
Measured {datetime.now(UTC):%Y-%m-%d} on {platform.machine()}, {os.cpu_count()} cores, Python
{platform.python_version()}; median of {len(runs)} fresh-process runs (`python benchmarks/run.py`).

| load of all of `../shared/data` | wall (s) | peak RSS (MiB) |
|---|---:|---:|
| `equivalence load` into the on-disk embedded store (pyoxigraph) | {med["oxigraph_s"]:.1f} | {med["oxigraph_rss_mib"]:.0f} |
| the same sources into a plain rdflib `Dataset` | {med["rdflib_s"]:.1f} | {med["rdflib_rss_mib"]:.0f} |
| ratio rdflib / embedded store | {med["rdflib_s"] / med["oxigraph_s"]:.2f}× | {med["rdflib_rss_mib"] / med["oxigraph_rss_mib"]:.2f}× |

Targets: ≤ {TARGET_SECONDS:.0f} s wall ({"met" if ok_time else "NOT met"}), ≤ {TARGET_RSS_GIB:.0f} GiB peak RSS
({"met" if ok_rss else "NOT met"}). Both timings include parsing the source files; the embedded-store run
also includes the ontology and opening the on-disk store. Triples in the store: {total:,}
(rdflib: {int(med["rdflib_triples"]):,}).

| named graph | triples |
|---|---:|
{table}
{END}"""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n## Loading all the real data\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")
    print(section)


if __name__ == "__main__":
    main()
