"""Search index benchmark: build time, size and query latency on 4 × 2,000 standards.

One command: ``python benchmarks/search_index.py [--data ../shared/data] [--standards 2000]
[--criteria 6] [--queries 200] [--work DIR] [--no-write]``. Steps:

1. ``generate_matching.py`` writes 4 × ``--standards`` standards rendered from ESCO occupations
   (8 units each); every unit is then given ``--criteria`` criteria (the generator writes one or
   two) in the ways agencies write them, and every standard a sector, so that the store holds
   hundreds of thousands of texts; ``equivalence load`` puts them, with all of ``--data`` (ESCO),
   in an on-disk store.
2. In a fresh process: the cost of the per-country state keys on that store, a full build of the
   index (``SearchIndex.refresh``), its size, a second refresh (nothing to do), then
   ``--queries`` realistic queries (words and pairs of words taken from the data, with and
   without accents, prefixes, phrases, codes and partial codes, with and without filters), each
   run ``--repeat`` times: p50/p99 latency of ``SearchIndex.search``.
3. Concurrency: the same queries from 4 threads (one SQLite connection per thread), and readers
   timed while Chile's graph is replaced and its index rebuilt in another thread.

Figures go to docs/benchmarks.md between ``<!-- search-index:start -->`` and
``<!-- search-index:end -->``, raw figures to benchmarks/results/search_index.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from doc_sections import write_section

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
RESULTS = ROOT / "benchmarks" / "results" / "search_index.json"
BEGIN, END = "<!-- search-index:start -->", "<!-- search-index:end -->"
HEADING = "## Searching standards, units and criteria"
TARGET_P50_MS = 20.0

SECTORS = (
    "Construcción",
    "Comercio",
    "Servicios educativos",
    "Agricultura, ganadería y pesca",
    "Tecnologías de la información",
    "Salud y asistencia social",
    "Turismo y gastronomía",
    "Industria manufacturera",
    "Electricidad, gas y agua",
    "Transporte y logística",
    "Minería",
    "Administración pública",
    "Seguridad",
    "Artes, cultura y recreación",
    "Servicios financieros",
)
CRITERIA = (
    ("desempeño", "Ejecuta {unit} cumpliendo las medidas de seguridad e higiene del lugar."),
    ("desempeño", "Verifica que {unit} se realice según las especificaciones acordadas."),
    ("producto", "El registro de {unit} contiene fecha, responsable y observaciones."),
    ("conocimiento", "Normas y procedimientos aplicables a {title}."),
    ("actitud", "Responsabilidad: actúa con orden y limpieza durante {unit}."),
    ("desempeño", "Informa al responsable las anomalías detectadas en {unit}."),
    ("producto", "El informe de {title} incluye los resultados y las recomendaciones."),
    ("conocimiento", "Conceptos básicos de calidad y mejora continua en {unit}."),
)


# -- data -------------------------------------------------------------------------------------


def _rewrite(path: Path, change: Callable[[list[dict[str, str]]], list[dict[str, str]]]) -> int:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = list(reader.fieldnames or [])
        rows = change(list(reader))
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def enrich(folder: Path, criteria_per_unit: int, seed: int = 7) -> dict[str, int]:
    """Gives every standard a sector and every unit `criteria_per_unit` criteria."""
    rng = random.Random(seed)
    titles: dict[tuple[str, str], str] = {}

    def sectors(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        for row in rows:
            row["sector"] = rng.choice(SECTORS)
            titles[(row["country"], row["code"])] = row["title"]
        return rows

    unit_titles: dict[tuple[str, str, str], str] = {}

    def units(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        for row in rows:
            key = (row["country"], row["standard_code"], row["unit_code"])
            unit_titles[key] = row["title"]
        return rows

    def criteria(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        by_unit: dict[tuple[str, str, str], list[dict[str, str]]] = {}
        for row in rows:
            by_unit.setdefault((row["country"], row["standard_code"], row["unit_code"]), []).append(
                row
            )
        out: list[dict[str, str]] = []
        for key, unit_title in unit_titles.items():
            existing = by_unit.get(key, [])
            out.extend(existing)
            country, standard, unit = key
            title = titles.get((country, standard), "")
            unit_text = unit_title.rstrip(".").lower()
            templates = rng.sample(CRITERIA, min(len(CRITERIA), criteria_per_unit))
            for n, (kind, template) in enumerate(templates[: criteria_per_unit - len(existing)]):
                out.append(
                    {
                        "country": country,
                        "standard_code": standard,
                        "unit_code": unit,
                        "criterion_code": f"{unit}-X{n + 1}",
                        "kind": kind,
                        "text": template.format(unit=unit_text, title=title.lower()),
                    }
                )
        return out

    counts = {"standards": _rewrite(folder / "standards.csv", sectors)}
    counts["units"] = _rewrite(folder / "units.csv", units)
    counts["criteria"] = _rewrite(folder / "criteria.csv", criteria)
    return counts


# -- queries ----------------------------------------------------------------------------------

SYNONYMS = ("mesero", "garzón", "camarera", "gásfiter", "fontanero", "palta", "aguacate", "chofer")


def _plain(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _content_words(text: str) -> list[str]:
    import re

    from equivalence.matching.text import STOP_WORDS

    return [w for w in re.findall(r"[^\W\d_]{4,}", text) if _plain(w).lower() not in STOP_WORDS]


def make_queries(folder: Path, count: int, seed: int = 11) -> list[dict[str, Any]]:
    """Realistic queries from the generated data: words, pairs, phrases, prefixes, codes,
    synonyms, each with or without accents, some with filters."""
    rng = random.Random(seed)

    def read(name: str) -> list[dict[str, str]]:
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    standards, units, criteria = read("standards"), read("units"), read("criteria")
    queries: list[dict[str, Any]] = []

    def add(kind: str, q: str, **filters: Any) -> None:
        queries.append({"kind": kind, "q": q, **filters})

    def accents(text: str) -> str:
        return _plain(text) if rng.random() < 0.5 else text

    share = {
        "word": 0.22,
        "two words": 0.18,
        "phrase": 0.08,
        "prefix": 0.08,
        "code": 0.08,
        "partial code": 0.06,
        "synonym": 0.04,
        "word + country": 0.1,
        "words + level": 0.06,
        "word + sector": 0.05,
        "empty + country + level": 0.05,
    }
    for kind, part in share.items():
        for _ in range(max(1, round(count * part))):
            standard = rng.choice(standards)
            unit = rng.choice(units)
            if kind == "word":
                words = _content_words(standard["title"]) or ["gestión"]
                add(kind, accents(rng.choice(words)))
            elif kind == "two words":
                words = _content_words(unit["title"])
                pair = rng.sample(words, 2) if len(words) >= 2 else [*words, "normativa"]
                add(kind, accents(" ".join(pair)))
            elif kind == "phrase":
                words = rng.choice(criteria)["text"].rstrip(".").split()
                start = rng.randrange(max(1, len(words) - 2))
                add(kind, accents('"' + " ".join(words[start : start + 3]) + '"'))
            elif kind == "prefix":
                words = _content_words(unit["title"]) or ["soldadura"]
                add(kind, _plain(rng.choice(words))[:5].lower() + "*")
            elif kind == "code":
                add(kind, standard["code"])
            elif kind == "partial code":
                code = standard["code"]
                add(kind, code[: max(4, len(code) - 3)] if rng.random() < 0.6 else code[2:7])
            elif kind == "synonym":
                add(kind, accents(rng.choice(SYNONYMS)))
            elif kind == "word + country":
                words = _content_words(unit["title"]) or ["gestión"]
                countries = rng.sample(["CL", "CO", "MX", "PE"], rng.choice([1, 2]))
                add(kind, accents(rng.choice(words)), countries=countries)
            elif kind == "words + level":
                words = _content_words(standard["title"]) or ["gestión"]
                add(kind, accents(" ".join(words[:2])), level=int(standard["level"]))
            elif kind == "word + sector":
                words = _content_words(unit["title"]) or ["gestión"]
                add(kind, accents(rng.choice(words)), sector=_plain(rng.choice(SECTORS)).lower())
            else:
                add(kind, "", countries=[standard["country"]], level=int(standard["level"]))
    rng.shuffle(queries)
    return queries[:count]


# -- the measuring child ----------------------------------------------------------------------


def _percentiles(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p * (len(ordered) - 1))))]

    return {
        "p50": at(0.5),
        "p90": at(0.9),
        "p99": at(0.99),
        "max": ordered[-1],
        "mean": statistics.fmean(ordered),
        "n": len(ordered),
    }


def _run(index: Any, query: dict[str, Any]) -> tuple[float, int]:
    started = time.perf_counter()
    page = index.search(
        query["q"],
        countries=query.get("countries", ()),
        level=query.get("level"),
        sector=query.get("sector"),
    )
    return (time.perf_counter() - started) * 1000, page.total


def _threads(
    index: Any, queries: list[dict[str, Any]], threads: int, lock: threading.Lock | None
) -> dict[str, Any]:
    """Every thread runs all the queries (in its own order); throughput and latencies."""
    latencies: list[float] = []
    errors: list[str] = []
    guard = threading.Lock()

    def work(seed: int) -> None:
        mine = list(queries)
        random.Random(seed).shuffle(mine)
        found: list[float] = []
        for query in mine:
            try:
                if lock is None:
                    ms, _ = _run(index, query)
                else:
                    started = time.perf_counter()
                    with lock:
                        _run(index, query)
                    ms = (time.perf_counter() - started) * 1000
            except Exception as exc:
                errors.append(repr(exc))
                return
            found.append(ms)
        with guard:
            latencies.extend(found)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - started
    return {
        "threads": threads,
        "serialised": lock is not None,
        "queries": len(latencies),
        "per_second": len(latencies) / wall,
        "latency_ms": _percentiles(latencies),
        "errors": errors,
    }


def _during_refresh(index: Any, store: Any, queries: list[dict[str, Any]]) -> dict[str, Any]:
    """Readers keep searching while Chile is rebuilt in another thread."""
    latencies: list[float] = []
    totals: dict[str, set[int]] = {}
    errors: list[str] = []
    done = threading.Event()
    summary: dict[str, Any] = {}

    def rebuild() -> None:
        started = time.perf_counter()
        result = index.refresh(store, countries=["CL"], force=True)
        summary.update(seconds=time.perf_counter() - started, texts=result.texts)
        done.set()

    listing = {"q": "", "countries": ["CL"]}
    writer = threading.Thread(target=rebuild)
    writer.start()
    n = 0
    while not done.is_set():
        query = queries[n % len(queries)]
        n += 1
        try:
            ms, _ = _run(index, query)
            latencies.append(ms)
            _, total = _run(index, listing)
            totals.setdefault("CL standards", set()).add(total)
        except Exception as exc:
            errors.append(repr(exc))
            break
    writer.join()
    return {
        "refresh": summary,
        "queries": len(latencies),
        "latency_ms": _percentiles(latencies) if latencies else {},
        "cl_totals_seen": sorted(totals.get("CL standards", set())),
        "errors": errors,
    }


def _peak_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(store_path: Path, index_path: Path, queries_path: Path, repeat: int) -> dict[str, Any]:
    from equivalence.search import SearchIndex
    from equivalence.search.reader import state_key
    from equivalence.store import open_store

    store = open_store(str(store_path))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{index_path}{suffix}").unlink(missing_ok=True)
    out: dict[str, Any] = {}
    keys: dict[str, list[float]] = {}
    for _ in range(3):
        for country in ("CL", "CO", "MX", "PE"):
            started = time.perf_counter()
            state_key(store, country)
            keys.setdefault(country, []).append(time.perf_counter() - started)
    out["state_key_seconds"] = {c: statistics.median(v) for c, v in keys.items()}
    index = SearchIndex.open(index_path)
    started = time.perf_counter()
    summary = index.refresh(store)
    out["build"] = {
        "seconds": time.perf_counter() - started,
        "check_seconds": summary.check_seconds,
        "standards": summary.standards,
        "texts": summary.texts,
        "countries": [
            {
                "country": b.country,
                "standards": b.standards,
                "texts": b.texts,
                "read_seconds": b.read_seconds,
                "seconds": b.seconds,
            }
            for b in summary.rebuilt
        ],
    }
    out["peak_rss_mib"] = {"build": _peak_mib()}
    out["index_bytes"] = sum(
        Path(f"{index_path}{s}").stat().st_size
        for s in ("", "-wal")
        if Path(f"{index_path}{s}").exists()
    )
    again = index.refresh(store)
    out["refresh_unchanged_seconds"] = again.seconds
    queries = json.loads(queries_path.read_text(encoding="utf-8"))
    cold: list[float] = []
    runs: dict[str, list[float]] = {}
    totals: dict[str, int] = {}
    for query in queries:
        ms, total = _run(index, query)
        cold.append(ms)
        totals[json.dumps(query, sort_keys=True)] = total
    for _ in range(repeat):
        for query in queries:
            ms, _ = _run(index, query)
            runs.setdefault(query["kind"], []).append(ms)
    every = [ms for values in runs.values() for ms in values]
    out["latency_ms"] = _percentiles(every)
    out["first_run_ms"] = _percentiles(cold)
    out["by_kind"] = {kind: _percentiles(values) for kind, values in sorted(runs.items())}
    out["hits"] = {
        "zero": sum(1 for t in totals.values() if t == 0),
        "median_total": statistics.median(totals.values()),
        "max_total": max(totals.values()),
    }
    out["examples"] = [{**q, "total": totals[json.dumps(q, sort_keys=True)]} for q in queries[:12]]
    out["peak_rss_mib"]["queries"] = _peak_mib()
    out["concurrency"] = [
        _threads(index, queries, 1, None),
        _threads(index, queries, 4, None),
        _threads(index, queries, 4, threading.Lock()),
    ]
    out["peak_rss_mib"]["concurrency"] = _peak_mib()
    out["during_refresh"] = _during_refresh(index, store, queries)
    out["peak_rss_mib"]["during_refresh"] = _peak_mib()
    index.close()
    store.close()
    return out


# -- the run ----------------------------------------------------------------------------------


def _exe() -> str:
    return shutil.which("equivalence", path=str(Path(sys.executable).parent)) or "equivalence"


def _measure(cmd: list[str]) -> dict[str, Any]:
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({code}):\n{stdout}\n{stderr}")
    return {"seconds": wall, "rss_mib": usage.ru_maxrss / 1024, "stdout": stdout}


def _commit() -> str:
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return out.stdout.strip() or "unknown"


def _ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def _section(doc: dict[str, Any]) -> str:
    m = doc["measure"]
    build = m["build"]
    lat = m["latency_ms"]
    met = "met" if lat["p50"] <= TARGET_P50_MS else "NOT met"
    lines = [
        f"Measured {doc['date']} on {doc['machine']}, Python {doc['python']}, commit "
        f"{doc['commit']} (`python benchmarks/search_index.py`); load average "
        f"{doc['load_average'][0]:.1f} / {doc['load_average'][1]:.1f} at the start and the end "
        "(other work shared the machine).",
        "",
        f"Data: {doc['generated']['standards']:,} generated standards "
        f"({doc['standards']:,} per country, `benchmarks/generate_matching.py`) with "
        f"{doc['generated']['units']:,} units and {doc['generated']['criteria']:,} criteria "
        f"({doc['criteria_per_unit']} per unit), plus all of `../shared/data`, in an on-disk store "
        f"of {doc['store_triples']:,} triples. The index holds {build['standards']:,} standards "
        f"and {build['texts']:,} texts (titles, unit titles, criteria).",
        "",
        "| step | figure |",
        "|---|---:|",
        f"| full build, 4 countries (`SearchIndex.refresh`) | {build['seconds']:.0f} s |",
        f"| … of which reading the texts from the store (`search-texts`) | "
        f"{sum(c['read_seconds'] for c in build['countries']):.0f} s |",
        f"| index file | {m['index_bytes'] / 2**20:.0f} MiB |",
        f"| state keys of the 4 countries (`search-state`, median) | "
        f"{sum(m['state_key_seconds'].values()) * 1000:.0f} ms |",
        f"| `refresh` when nothing changed | {m['refresh_unchanged_seconds'] * 1000:.0f} ms |",
        f"| peak RSS after the build | {m['peak_rss_mib']['build']:.0f} MiB |",
        f"| peak RSS of the whole run (up to 5 threads, the build and a rebuild) | "
        f"{doc['child']['rss_mib']:.0f} MiB |",
        "",
        f"{lat['n'] // doc['repeat']} queries ({doc['repeat']} runs each after a first pass; words "
        "and pairs of words from the data with and without accents, phrases, prefixes, codes and "
        "partial codes, regional synonyms, with and without country, level and sector filters), "
        "one thread:",
        "",
        "| queries | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) |",
        "|---|---:|---:|---:|---:|",
        f"| all | {_ms(lat['p50'])} | {_ms(lat['p90'])} | {_ms(lat['p99'])} | {_ms(lat['max'])} |",
        f"| first run of each | {_ms(m['first_run_ms']['p50'])} | {_ms(m['first_run_ms']['p90'])} "
        f"| {_ms(m['first_run_ms']['p99'])} | {_ms(m['first_run_ms']['max'])} |",
    ]
    for kind, p in m["by_kind"].items():
        lines.append(
            f"| {kind} | {_ms(p['p50'])} | {_ms(p['p90'])} | {_ms(p['p99'])} | {_ms(p['max'])} |"
        )
    lines += [
        "",
        f"Target p50 ≤ {TARGET_P50_MS:.0f} ms: {met}. Queries with no hit: {m['hits']['zero']}; "
        f"median hits per query {m['hits']['median_total']:,.0f}, at most "
        f"{m['hits']['max_total']:,} (a word said by every standard's criteria).",
        "",
        "| concurrency (every thread runs all the queries) | queries/s | p50 (ms) | p99 (ms) |",
        "|---|---:|---:|---:|",
    ]
    for run in m["concurrency"]:
        label = (
            f"{run['threads']} thread(s), one connection each"
            if not run["serialised"]
            else f"{run['threads']} threads through one lock (as one shared connection would)"
        )
        lines.append(
            f"| {label} | {run['per_second']:.0f} | {_ms(run['latency_ms']['p50'])} | "
            f"{_ms(run['latency_ms']['p99'])} |"
        )
    during = m["during_refresh"]
    lines += [
        "",
        f"While Chile was rebuilt in another thread ({during['refresh']['seconds']:.0f} s), one "
        f"reader ran {during['queries']:,} queries: p50 {_ms(during['latency_ms']['p50'])} ms, "
        f"p99 {_ms(during['latency_ms']['p99'])} ms, "
        f"{len(during['errors'])} errors; the number of Chilean standards it saw was always "
        f"{', '.join(str(t) for t in during['cl_totals_seen'])} (never a half-built country).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--child":
        paths, repeat = [Path(a) for a in argv[1:4]], int(argv[4])
        print(json.dumps(child(paths[0], paths[1], paths[2], repeat)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--standards", type=int, default=2000, help="per country")
    parser.add_argument("--criteria", type=int, default=6, help="per unit")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="folder to keep the store in")
    parser.add_argument("--reuse", action="store_true", help="reuse the store in --work")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="search-bench-"))
    generated, store = work / "generated", work / "store"
    doc: dict[str, Any] = {
        "standards": args.standards,
        "criteria_per_unit": args.criteria,
        "repeat": args.repeat,
        "load_average": list(os.getloadavg()),
    }
    if not (args.reuse and store.is_dir() and (generated / "counts.json").is_file()):
        gen = [sys.executable, str(ROOT / "benchmarks" / "generate_matching.py")]
        size = ["--standards", str(args.standards)]
        _measure([*gen, "--data", str(args.data), "--out", str(generated), *size])
        counts = enrich(generated, args.criteria)
        if store.exists():
            shutil.rmtree(store)
        load = _measure(
            [_exe(), "--store", str(store), "load", "--quiet", str(args.data), str(generated)]
        )
        counts["store_triples"] = int(load["stdout"].rsplit(":", 1)[-1].split()[0].replace(",", ""))
        counts["load_seconds"] = load["seconds"]
        (generated / "counts.json").write_text(json.dumps(counts), encoding="utf-8")
    counts = json.loads((generated / "counts.json").read_text(encoding="utf-8"))
    doc["generated"] = {k: counts[k] for k in ("standards", "units", "criteria")}
    doc["store_triples"] = counts["store_triples"]
    doc["load_seconds"] = counts["load_seconds"]
    queries = make_queries(generated, args.queries)
    queries_path = work / "queries.json"
    queries_path.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    measured = _measure(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            str(store),
            str(work / "search.sqlite"),
            str(queries_path),
            str(args.repeat),
        ]
    )
    doc["measure"] = json.loads(measured["stdout"])
    doc["child"] = {"seconds": measured["seconds"], "rss_mib": measured["rss_mib"]}
    doc["load_average"] += list(os.getloadavg())
    doc["load_average"] = [doc["load_average"][0], doc["load_average"][3]]
    doc.update(
        date=datetime.now(UTC).date().isoformat(),
        machine=f"{platform.machine()}, {os.cpu_count()} cores",
        python=platform.python_version(),
        commit=_commit(),
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    section = _section(doc)
    print(section)
    if not args.no_write:
        write_section(BEGIN, END, HEADING, section, DOC)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
