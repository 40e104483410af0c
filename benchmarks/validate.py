"""Validation benchmark: the project's validator against plain pySHACL on a generated submission.

One command: ``python benchmarks/validate.py [--standards 10000] [--repeat 3]
[--slices 250,500,1000] [--skip-pyshacl | --pyshacl-from benchmarks/results/validate.json]``.
A template folder of ``--standards`` standards (and one per slice) is generated with
``benchmarks/generate_submission.py`` (same seed), then every measurement runs in a fresh process
(this script with ``--child``), timed for wall time and peak RSS (``os.wait4``, and the sum over
the process and the children it forks, sampled from /proc):

- ours: ``equivalence.validation.validate_paths([folder], store=None, country=…)`` → a
  ``ValidationReport``, on the full folder and on every slice;
- pySHACL: ``pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)`` on the
  rdflib graphs of ``equivalence.validation.reference.pyshacl_inputs([folder], country=…)``, on
  the slices only (minutes on the full folder), extrapolated linearly to ``--standards``.

Medians go to docs/benchmarks.md (between ``<!-- validate:start -->`` and ``<!-- validate:end -->``)
and everything, raw runs included, to benchmarks/results/validate.json.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import itertools
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
RESULTS = ROOT / "benchmarks" / "results" / "validate.json"
BEGIN, END = "<!-- validate:start -->", "<!-- validate:end -->"
HEADING = "## Validating a submission of 10,000 standards"
TARGET_SECONDS, TARGET_RSS_GIB = 15.0, 4.0
VALIDATOR = "equivalence.validation:validate_paths"
REFERENCE = "equivalence.validation.reference:pyshacl_inputs"
SH = "http://www.w3.org/ns/shacl#"


# --------------------------------------------------------------------------------------------
# Child processes: one measurement each, a JSON line on stdout
# --------------------------------------------------------------------------------------------


def _import(target: str) -> Callable[..., Any]:
    """'package.module:attribute' → the attribute (imported here, in the child, lazily)."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def _child_ours(folder: Path, country: str, target: str) -> dict[str, Any]:
    validate_paths = _import(target)
    started = time.perf_counter()
    report = validate_paths([folder], store=None, country=country)
    seconds = time.perf_counter() - started
    results = list(report.results)
    severities = Counter(str(getattr(r.severity, "value", r.severity)) for r in results)
    violating = {
        (r.country, r.standard)
        for r in results
        if str(getattr(r.severity, "value", r.severity)) == "Violation"
    }
    by_rule = (
        report.by_rule() if hasattr(report, "by_rule") else dict(Counter(r.rule for r in results))
    )
    return {
        "seconds": seconds,
        "reported_seconds": float(getattr(report, "seconds", 0.0) or 0.0),
        "conforms": bool(report.conforms),
        "results": len(results),
        "violations": severities.get("Violation", 0),
        "warnings": severities.get("Warning", 0),
        "infos": severities.get("Info", 0),
        "violating_standards": len(violating),
        "triples": int(getattr(report, "triples", 0) or 0),
        "standards": int(getattr(report, "standards", 0) or 0),
        "by_rule": dict(list(by_rule.items())[:20]),
    }


def _child_pyshacl(folder: Path, country: str, target: str) -> dict[str, Any]:
    pyshacl_inputs = _import(target)
    import pyshacl
    from rdflib import RDF, URIRef

    started = time.perf_counter()
    data, shapes = pyshacl_inputs([folder], country=country)
    prepared = time.perf_counter()
    conforms, report_graph, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True
    )
    done = time.perf_counter()
    if not hasattr(report_graph, "subjects"):  # pySHACL gives a ValidationFailure, not a graph
        raise RuntimeError(f"pySHACL failed: {' '.join(str(report_graph).split())[:300]}")
    severities: Counter[str] = Counter()
    shapes_hit: Counter[str] = Counter()
    violating_focus: set[object] = set()
    for result in report_graph.subjects(RDF.type, URIRef(SH + "ValidationResult")):
        severity = str(report_graph.value(result, URIRef(SH + "resultSeverity"))).removeprefix(SH)
        severities[severity] += 1
        shape = report_graph.value(result, URIRef(SH + "sourceShape"))
        shapes_hit[str(shape).rsplit("/", 1)[-1].rsplit("#", 1)[-1]] += 1
        if severity == "Violation":
            violating_focus.add(report_graph.value(result, URIRef(SH + "focusNode")))
    return {
        "seconds": done - started,
        "prepare_seconds": prepared - started,
        "validate_seconds": done - prepared,
        "conforms": bool(conforms),
        "results": sum(severities.values()),
        "violations": severities.get("Violation", 0),
        "warnings": severities.get("Warning", 0),
        "infos": severities.get("Info", 0),
        "violating_focus_nodes": len(violating_focus),
        "triples": len(data),
        "shape_triples": len(shapes),
        "by_shape": dict(shapes_hit.most_common(20)),
    }


def _child(argv: Sequence[str]) -> None:
    kind, folder, country, target = argv
    run = _child_ours if kind == "ours" else _child_pyshacl
    print(json.dumps(run(Path(folder), country, target)), flush=True)


# --------------------------------------------------------------------------------------------
# The parent: generate, measure, fit, write
# --------------------------------------------------------------------------------------------


def _children(pid: int) -> set[int]:
    """A process's children, as the kernel lists them per thread (empty without /proc)."""
    found: set[int] = set()
    for listing in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found.update(int(child) for child in listing.read_text().split())
        except OSError:
            continue
    return found


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_rss_mib(root: int) -> float:
    """The resident memory of a process and all its descendants, summed (MiB)."""
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid not in tree:
            tree.add(pid)
            todo.extend(_children(pid))
    return sum(_rss_kib(pid) for pid in tree) / 1024


class _TreeMemory(threading.Thread):
    """Samples the summed RSS of a process tree (a validator may fork helpers) every 50 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_mib, self._stop_event = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(0.05):
            self.peak_mib = max(self.peak_mib, _tree_rss_mib(self.pid))

    def stop(self) -> float:
        self._stop_event.set()
        self.join()
        return self.peak_mib


def _load() -> float | None:
    """The 1-minute load average (other work on the machine shows here)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def _measure(cmd: list[str], timeout: float) -> dict[str, Any]:
    """Runs `cmd` in a fresh process: wall seconds, peak RSS (MiB; of the process, and of it and
    its child processes summed), the machine's load when it started, and its JSON or error."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        load = _load()
        started = time.perf_counter()
        process = subprocess.Popen(cmd, stdout=out, stderr=err)
        memory = _TreeMemory(process.pid)
        memory.start()
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
            tree_mib = memory.stop()
        wall = time.perf_counter() - started
        process.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    measured: dict[str, Any] = {
        "wall_s": wall,
        "rss_mib": usage.ru_maxrss / 1024,
        "tree_rss_mib": max(tree_mib, usage.ru_maxrss / 1024),
        "load_at_start": load,
    }
    lines = [line for line in stdout.splitlines() if line.strip()]
    if code == 0 and lines:
        try:
            measured["result"] = json.loads(lines[-1])
            return measured
        except json.JSONDecodeError:
            pass
    if code < 0 and wall >= timeout:
        measured["error"] = f"timed out after {timeout:.0f} s"
    else:
        tail = (stderr.strip().splitlines() or stdout.strip().splitlines() or ["?"])[-1]
        measured["error"] = f"exit {code}: {tail[:300]}"
    return measured


def _versions() -> dict[str, str]:
    versions = {}
    for package in ("pyoxigraph", "pyshacl", "rdflib", "equivalence"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def _machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "machine": platform.machine(),
        "system": f"{platform.system()} {platform.release()}",
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        **_versions(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024**2, 1)
                break
    except OSError:
        pass
    try:
        git = ["git", "-C", str(ROOT)]
        commit = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        info["commit"] = commit + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        pass
    return info


def _fit(points: Sequence[tuple[float, float]]) -> dict[str, Any] | None:
    """Least-squares line y = a + b·x, its R², and the log-log exponent (1 = linear growth)."""
    if len(points) < 2 or len({x for x, _ in points}) < 2:
        return None
    xs, ys = [x for x, _ in points], [y for _, y in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in points) / sxx
    intercept = my - slope * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - intercept - slope * x) ** 2 for x, y in points)
    fit: dict[str, Any] = {
        "slope": slope,
        "intercept": intercept,
        "r2": 1 - ss_res / ss_tot if ss_tot else 1.0,
    }
    if all(x > 0 and y > 0 for x, y in points):
        lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
        mlx, mly = statistics.fmean(lx), statistics.fmean(ly)
        fit["exponent"] = sum((a - mlx) * (b - mly) for a, b in zip(lx, ly, strict=True)) / sum(
            (a - mlx) ** 2 for a in lx
        )
    ordered = sorted(points)
    fit["marginal"] = [
        {"from": x0, "to": x1, "per_1000": 1000 * (y1 - y0) / (x1 - x0)}
        for (x0, y0), (x1, y1) in itertools.pairwise(ordered)
    ]
    return fit


def _growth(fit: dict[str, Any] | None) -> str:
    """Whether the marginal cost per standard stays flat as the slices grow."""
    if not fit or len(fit["marginal"]) < 1:
        return "unknown"
    marginal = [m["per_1000"] for m in fit["marginal"]]
    if len(marginal) == 1:
        return "linear (two points)" if fit["r2"] >= 0.99 else "unknown"
    first, last = marginal[0], marginal[-1]
    if first <= 0:
        return "unknown"
    change = last / first
    if change > 1.25:
        return f"super-linear (marginal cost ×{change:.2f} from the first to the last interval)"
    if change < 0.8:
        return f"sub-linear (marginal cost ×{change:.2f} from the first to the last interval)"
    return f"linear (marginal cost ×{change:.2f} from the first to the last interval)"


def _predict(fit: dict[str, Any] | None, x: float) -> float | None:
    return None if fit is None else fit["intercept"] + fit["slope"] * x


def _median(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if "error" not in r and r.get(key) is not None]
    return statistics.median(values) if values else None


def _median_result(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r["result"][key] for r in runs if "result" in r and key in r["result"]]
    return statistics.median(values) if values else None


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in runs if "error" not in r]
    summary: dict[str, Any] = {
        "runs": len(runs),
        "ok": len(ok),
        "wall_s": _median(runs, "wall_s"),
        "rss_mib": _median(runs, "rss_mib"),
        "tree_rss_mib": _median(runs, "tree_rss_mib"),
        "load_at_start": [r.get("load_at_start") for r in runs],
        "seconds": _median_result(runs, "seconds"),
    }
    for key in ("prepare_seconds", "validate_seconds", "reported_seconds"):
        value = _median_result(runs, key)
        if value is not None:
            summary[key] = value
    if ok:
        first = ok[0]["result"]
        summary.update(
            {k: v for k, v in first.items() if k not in summary and not k.endswith("seconds")}
        )
    else:
        summary["error"] = runs[0].get("error", "no run") if runs else "not run"
    return summary


def _gib(mib: float | None) -> str:
    return "–" if mib is None else f"{mib / 1024:.2f}"


def _num(value: float | None, fmt: str = ".1f") -> str:
    return "–" if value is None else format(value, fmt)


def _count(value: int | None) -> str:
    return "–" if not value else f"{value:,}"


def _ours_rss(summary: dict[str, Any]) -> float | None:
    """Our peak RSS: of the process and its children summed (older results: the process)."""
    found = summary.get("tree_rss_mib") or summary.get("rss_mib")
    return float(found) if found is not None else None


def _section(doc: dict[str, Any]) -> str:
    m, cfg = doc["machine"], doc["config"]
    n = cfg["standards"]
    full = doc["data"][str(n)]
    ours_n = doc["ours"].get(str(n), {})
    fits = doc["fits"]
    py_fit, py_rss_fit = fits.get("pyshacl_wall"), fits.get("pyshacl_rss")
    est_wall, est_rss = (
        doc["extrapolated"]["pyshacl_wall_s"],
        doc["extrapolated"]["pyshacl_rss_mib"],
    )
    triples = ours_n.get("triples") or None
    lines = [
        BEGIN,
        f"Measured {doc['date']} on {m['machine']}, {m['cores']} cores"
        + (f", {m['memory_gib']} GiB" if "memory_gib" in m else "")
        + f", Python {m['python']}, pyoxigraph {m['pyoxigraph']}, pySHACL {m['pyshacl']}, "
        f"rdflib {m['rdflib']}"
        + (f", commit {m['commit']}" if "commit" in m else "")
        + f"; median of {cfg['repeat']} fresh-process runs of ours"
        + (
            f", {cfg['pyshacl_repeat']} of pySHACL per slice"
            if cfg["reference"] and cfg["slices"]
            else ""
        )
        + " (`python benchmarks/validate.py`)."
        + (f" {doc['note']}" if doc.get("note") else ""),
        "",
        f"Data: `benchmarks/generate_submission.py --country {cfg['country']} --units {cfg['units']} "
        f"--criteria {cfg['criteria']} --invalid-share {cfg['invalid_share']} --seed {cfg['seed']}`: "
        f"{full['standards']:,} standards, {full['units']:,} units, {full['criteria']:,} criteria "
        f"({full['rows']:,} rows, {full['bytes'] / 1e6:.1f} MB of CSV, generated in "
        f"{full['generate_seconds']:.1f} s), {full['invalid_standards']:,} standard(s) with one "
        f"deliberate violation ({', '.join(f'{v} {k}' for k, v in full['invalid'].items())})"
        + (f"; {triples:,} triples in the validator's graph." if triples else "."),
        "",
        f"| {n:,} standards | wall (s) | peak RSS (GiB) | violations (standards) |",
        "|---|---:|---:|---:|",
    ]
    if "error" in ours_n or not ours_n:
        lines.append(
            f"| `validate_paths` (ours) | – | – | failed: {ours_n.get('error', 'not run')} |"
        )
    else:
        lines.append(
            f"| `validate_paths` (ours) | {ours_n['wall_s']:.1f} | {_gib(_ours_rss(ours_n))} | "
            f"{ours_n['violations']:,} ({ours_n['violating_standards']:,}) |"
        )
    if est_wall is not None:
        lines.append(
            f"| pySHACL, extrapolated from the slices | ≈ {est_wall:.0f} | ≈ {_gib(est_rss)} | – |"
        )
        if ours_n.get("wall_s"):
            lines.append(
                f"| ratio pySHACL / ours | {est_wall / ours_n['wall_s']:.1f}× | "
                + (f"{est_rss / rss:.1f}× |" if est_rss and (rss := _ours_rss(ours_n)) else "– |")
                + " |"
            )
    ok_time = ours_n.get("wall_s") is not None and ours_n["wall_s"] <= TARGET_SECONDS
    ours_rss = _ours_rss(ours_n)
    ok_rss = ours_rss is not None and ours_rss <= TARGET_RSS_GIB * 1024
    loads = [x for x in ours_n.get("load_at_start", []) if x is not None]
    lines += [
        "",
        f"Targets for {n:,} standards on {m['cores']} cores: ≤ {TARGET_SECONDS:.0f} s wall "
        f"({'met' if ok_time else 'NOT met'}), ≤ {TARGET_RSS_GIB:.0f} GiB peak RSS "
        f"({'met' if ok_rss else 'NOT met'}). Wall time is the whole fresh process: interpreter, "
        "imports, reading the CSV folder, building the graph, validating, the report"
        + (f" (in-process: {ours_n['seconds']:.1f} s)" if ours_n.get("seconds") is not None else "")
        + "; peak RSS is of the process and the process it forks (the template's other part, "
        "or for RDF input the query process), summed"
        + (
            f" (the process alone: {_gib(ours_n['rss_mib'])} GiB)."
            if ours_n.get("rss_mib") is not None
            else "."
        )
        + (
            f" The machine is shared: its 1-minute load average was "
            f"{', '.join(f'{x:.1f}' for x in loads)} when our runs started."
            if loads
            else ""
        ),
    ]
    if doc.get("pyshacl_source"):
        source = doc["pyshacl_source"]
        lines += [
            "",
            f"The pySHACL figures are those of the run of {source['date']}"
            + (f" (commit {source['commit']})" if source.get("commit") else "")
            + ", not measured again (same data, generator and seed; pySHACL unchanged).",
        ]
    slices = cfg["slices"]
    if slices:
        lines += [
            "",
            "Like for like on slices (separate folders, same generator and seed):",
            "",
            "| standards | triples (ours / rdflib) | ours wall (s) | ours RSS (GiB) | pySHACL wall (s) "
            "| pySHACL RSS (GiB) | time ratio | RSS ratio | results (violations) ours / pySHACL |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for size in slices:
            ours, py = doc["ours"].get(str(size), {}), doc["pyshacl"].get(str(size), {})
            ratio_t = (
                f"{py['wall_s'] / ours['wall_s']:.1f}×"
                if py.get("wall_s") and ours.get("wall_s")
                else "–"
            )
            ratio_m = (
                f"{py['rss_mib'] / _ours_rss(ours):.1f}×"
                if py.get("rss_mib") and _ours_rss(ours)
                else "–"
            )
            counts = (
                f"{_count(ours.get('results'))} ({ours.get('violations', '–')}) / "
                f"{_count(py.get('results'))} ({py.get('violations', '–')})"
            )
            lines.append(
                f"| {size:,} | {_count(ours.get('triples'))} / {_count(py.get('triples'))} "
                f"| {_num(ours.get('wall_s'))} | "
                f"{_gib(_ours_rss(ours))} | {_num(py.get('wall_s'))} | {_gib(py.get('rss_mib'))} "
                f"| {ratio_t} | {ratio_m} | {counts} |"
            )
    if py_fit:
        lines += [
            "",
            f"pySHACL wall ≈ {py_fit['intercept']:.1f} s + {py_fit['slope'] * 1000:.1f} s per "
            f"1,000 standards (R² {py_fit['r2']:.3f}"
            + (f", log-log exponent {py_fit['exponent']:.2f}" if "exponent" in py_fit else "")
            + f"); growth: {doc['growth']['pyshacl']}. Peak RSS ≈ "
            + (
                f"{py_rss_fit['intercept']:.0f} MiB + {py_rss_fit['slope'] * 1000:.0f} MiB per "
                "1,000 standards."
                if py_rss_fit
                else "–."
            ),
        ]
    ours_fit = fits.get("ours_wall")
    if ours_fit:
        if not py_fit:
            lines.append("")
        lines.append(
            f"Ours wall ≈ {ours_fit['intercept']:.1f} s + {ours_fit['slope'] * 1000:.1f} s per "
            f"1,000 standards over {', '.join(f'{s:,}' for s in doc['fit_sizes']['ours'])} "
            f"standards (R² {ours_fit['r2']:.3f}); growth: {doc['growth']['ours']}."
            + (
                f" Extrapolated from the slices alone: {from_slices:.0f} s at {n:,} standards."
                if (from_slices := doc["extrapolated"]["ours_wall_s_from_slices"]) is not None
                and n not in slices
                else ""
            )
        )
    failures = [
        f"{kind} at {size} standards: {s['error']}"
        for kind in ("ours", "pyshacl")
        for size, s in doc[kind].items()
        if "error" in s
    ]
    if failures:
        lines += ["", "Failed: " + "; ".join(failures) + "."]
    lines.append(END)
    return "\n".join(lines)


_SAME_DATA: Final = ("country", "units", "criteria", "invalid_share", "seed")


def _reused_pyshacl(path: Path, config: dict[str, Any]) -> dict[str, Any]:
    """pySHACL's slice runs of an earlier results file made with the same data."""
    earlier = json.loads(path.read_text(encoding="utf-8"))
    before = earlier["config"]
    different = [key for key in _SAME_DATA if before.get(key) != config[key]]
    runs = [
        r
        for r in earlier["runs"]
        if r["kind"] == "pyshacl" and r["standards"] in config["slices"] and "error" not in r
    ]
    missing = set(config["slices"]) - {r["standards"] for r in runs}
    if different or missing or not before.get("reference"):
        raise SystemExit(
            f"{path}: cannot reuse its pySHACL runs (different {', '.join(different)}; "
            f"slices without a run: {sorted(missing)})"
        )
    return {
        "runs": runs,
        "reference": before["reference"],
        "pyshacl_repeat": before.get("pyshacl_repeat", 1),
        "source": {"date": earlier.get("date"), "commit": earlier["machine"].get("commit")},
    }


def _write_doc(section: str, path: Path) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + f"\n\n{HEADING}\n\n{section}\n"
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        _child(argv[1:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--standards", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--slices",
        default="250,500,1000",
        type=lambda s: sorted({int(x) for x in s.split(",") if x.strip()}),
        help="sizes (standards) run with both validators; empty for none",
    )
    parser.add_argument("--skip-pyshacl", action="store_true")
    parser.add_argument(
        "--pyshacl-from",
        type=Path,
        default=None,
        help="take pySHACL's slice runs from this earlier results file (same data and seed) "
        "instead of running them again (about 25 minutes)",
    )
    parser.add_argument(
        "--pyshacl-repeat",
        type=int,
        default=1,
        help="runs of pySHACL per slice (default 1: minutes each; its spread is small)",
    )
    parser.add_argument("--country", default="MX", type=str.upper)
    parser.add_argument("--units", type=int, default=8)
    parser.add_argument("--criteria", type=int, default=6)
    parser.add_argument("--invalid-share", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    parser.add_argument("--validator", default=VALIDATOR, help="module:function (ours)")
    parser.add_argument("--reference", default=REFERENCE, help="module:function (pySHACL inputs)")
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        help=f"results file (default {RESULTS.relative_to(ROOT)}; with --no-write: only if given)",
    )
    parser.add_argument("--doc", type=Path, default=DOC)
    parser.add_argument(
        "--no-write",
        action="store_true",
        help="leave docs/benchmarks.md (and the default JSON) alone",
    )
    parser.add_argument("--note", default="", help="a sentence added to the section")
    parser.add_argument(
        "--from-json",
        action="store_true",
        help="measure nothing: write the section again from the --json file",
    )
    args = parser.parse_args(argv)
    json_out: Path | None = args.json or (None if args.no_write else RESULTS)
    if args.from_json:
        saved = json.loads((args.json or RESULTS).read_text(encoding="utf-8"))
        if args.note:
            saved["note"] = args.note
        section = _section(saved)
        if not args.no_write:
            (args.json or RESULTS).write_text(
                json.dumps(saved, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
            _write_doc(section, args.doc)
        print(section)
        return

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate_submission import generate

    n = args.standards
    sizes = sorted({n, *args.slices})
    doc: dict[str, Any] = {
        "date": f"{datetime.now(UTC):%Y-%m-%d}",
        "machine": _machine(),
        "config": {
            "standards": n,
            "slices": args.slices,
            "repeat": args.repeat,
            "pyshacl_repeat": args.pyshacl_repeat,
            "country": args.country,
            "units": args.units,
            "criteria": args.criteria,
            "invalid_share": args.invalid_share,
            "seed": args.seed,
            "validator": args.validator,
            "reference": None if args.skip_pyshacl else args.reference,
            "targets": {"wall_s": TARGET_SECONDS, "rss_gib": TARGET_RSS_GIB},
        },
        "data": {},
        "runs": [],
        "note": args.note,
    }
    reused = _reused_pyshacl(args.pyshacl_from, doc["config"]) if args.pyshacl_from else None
    if reused is not None:
        doc["runs"].extend(reused["runs"])
        doc["pyshacl_source"] = reused["source"]
        doc["config"]["reference"] = reused["reference"]
        doc["config"]["pyshacl_repeat"] = reused["pyshacl_repeat"]
    run_pyshacl = not args.skip_pyshacl and reused is None
    me = str(Path(__file__).resolve())
    with tempfile.TemporaryDirectory(prefix="validate-", dir=ROOT / "benchmarks") as tmp:
        folders: dict[int, Path] = {}
        for size in sizes:
            folder = folders[size] = Path(tmp) / f"{args.country}-{size}"
            started = time.perf_counter()
            counts = generate(
                folder,
                standards=size,
                country=args.country,
                units=args.units,
                criteria=args.criteria,
                invalid_share=args.invalid_share,
                seed=args.seed,
            )
            counts.pop("invalid_codes")
            counts["generate_seconds"] = time.perf_counter() - started
            doc["data"][str(size)] = counts
            print(f"generated {size:,} standards: {json.dumps(counts)}", flush=True)

        failed: set[tuple[str, int]] = set()
        for i in range(max(args.repeat, args.pyshacl_repeat if run_pyshacl else 0)):
            for size in sizes:
                kinds = ["ours"] if i < args.repeat else []
                if run_pyshacl and size in args.slices and i < args.pyshacl_repeat:
                    kinds.append("pyshacl")
                for kind in kinds:
                    if (kind, size) in failed:
                        continue
                    target = args.validator if kind == "ours" else args.reference
                    cmd = [sys.executable, me, "--child", kind, str(folders[size])]
                    measured = _measure([*cmd, args.country, target], args.timeout)
                    run = {"kind": kind, "standards": size, "repeat": i, **measured}
                    doc["runs"].append(run)
                    if "error" in measured:
                        failed.add((kind, size))
                    shown = {k: v for k, v in run.items() if k != "result"}
                    if "result" in run:
                        shown.update(
                            {
                                k: run["result"][k]
                                for k in ("seconds", "violations", "triples")
                                if k in run["result"]
                            }
                        )
                    print(json.dumps(shown), flush=True)
                    if json_out:  # progress survives an interrupted run
                        json_out.parent.mkdir(parents=True, exist_ok=True)
                        json_out.write_text(
                            json.dumps({**doc, "complete": False}, indent=2, ensure_ascii=False),
                            encoding="utf-8",
                        )

    for kind in ("ours", "pyshacl"):
        doc[kind] = {
            str(size): _summary(
                [r for r in doc["runs"] if r["kind"] == kind and r["standards"] == size]
            )
            for size in sizes
            if any(r["kind"] == kind and r["standards"] == size for r in doc["runs"])
        }

    def points(kind: str, key: str, only: Sequence[int]) -> list[tuple[float, float]]:
        return [
            (float(size), s[key])
            for size, s in ((int(k), v) for k, v in doc[kind].items())
            if size in only and s.get(key) is not None
        ]

    fits = {
        "pyshacl_wall": _fit(points("pyshacl", "wall_s", args.slices)),
        "pyshacl_rss": _fit(points("pyshacl", "rss_mib", args.slices)),
        "pyshacl_seconds": _fit(points("pyshacl", "seconds", args.slices)),
        "ours_wall": _fit(points("ours", "wall_s", sizes)),
        "ours_slices_wall": _fit(points("ours", "wall_s", args.slices)),
        "ours_rss": _fit(points("ours", "tree_rss_mib", sizes)),
    }
    doc["fits"] = fits
    doc["fit_sizes"] = {
        "pyshacl": [int(x) for x, _ in points("pyshacl", "wall_s", args.slices)],
        "ours": [int(x) for x, _ in points("ours", "wall_s", sizes)],
    }
    doc["growth"] = {
        "pyshacl": _growth(fits["pyshacl_wall"]),
        "ours": _growth(fits["ours_wall"]),
    }
    ours_n = doc["ours"].get(str(n), {})
    est_wall = _predict(fits["pyshacl_wall"], n)
    est_rss = _predict(fits["pyshacl_rss"], n)
    doc["extrapolated"] = {
        "standards": n,
        "pyshacl_wall_s": est_wall,
        "pyshacl_rss_mib": est_rss,
        "pyshacl_seconds": _predict(fits["pyshacl_seconds"], n),
        "ours_wall_s_from_slices": _predict(fits["ours_slices_wall"], n),
        "ratio_wall": est_wall / ours_n["wall_s"] if est_wall and ours_n.get("wall_s") else None,
        "ratio_rss": est_rss / rss if est_rss and (rss := _ours_rss(ours_n)) else None,
    }
    doc["agreement"] = {
        str(size): {
            "results": (doc["ours"][str(size)].get("results"), py.get("results")),
            "violations": (doc["ours"][str(size)].get("violations"), py.get("violations")),
            "same": doc["ours"][str(size)].get("results") == py.get("results")
            and doc["ours"][str(size)].get("violations") == py.get("violations"),
        }
        for size, py in ((int(k), v) for k, v in doc["pyshacl"].items())
        if str(size) in doc["ours"] and "error" not in py
    }
    doc["complete"] = True
    doc["targets"] = {
        "wall_s": TARGET_SECONDS,
        "rss_gib": TARGET_RSS_GIB,
        "wall_met": ours_n.get("wall_s") is not None and ours_n["wall_s"] <= TARGET_SECONDS,
        "rss_met": (rss := _ours_rss(ours_n)) is not None and rss <= TARGET_RSS_GIB * 1024,
    }
    section = _section(doc)
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if not args.no_write:
        _write_doc(section, args.doc)
    print(section)


if __name__ == "__main__":
    main()
