"""HTTP look-ups under load: equivalents, SPARQL and search against uvicorn, measured with wrk.

One command: ``python benchmarks/api_load.py [--data ../shared/data] [--standards 2000]
[--duration 20] [--workers 1,2] [--rate 1000] [--connections 32] [--work var/bench/api-load]
[--no-rdflib] [--rdflib-slice 10] [--no-write]``. Needs ``wrk`` on the PATH (Debian: ``apt-get install wrk``).
Steps, each logged:

1. The store, built once and reused: ``generate_matching.py`` writes 4 × ``--standards``
   standards rendered from ESCO occupations; ``equivalence load`` puts them, with all of
   ``--data`` (ESCO, ISCO, the four countries' real standards), in an on-disk store;
   ``equivalence match`` stores the mappings of all six country pairs. ``complete.json`` in the
   work folder records the parameters; a later run with the same ones reuses the store.
2. From the store (opened read-only): the data sizes; the request lists wrk reads —
   every standard's equivalents path, the SPARQL query ``equivalents-of-standard`` rendered for
   a sample of standards, search queries made from the data; and an N-Quads dump of exactly the
   triples that query reads, for rdflib-endpoint.
3. For each ``--workers`` count: ``equivalence --store STORE serve --read-only
   --no-access-log --workers N`` on 127.0.0.1, waited for until every worker has started, has
   answered ``/health`` and one equivalents request. Then, with wrk (Lua scripts in
   ``benchmarks/wrk/``), each path picked at random per request:

   - closed loop: ``--connections`` connections sending back to back (saturation: req/s);
   - paced: the same connections at a fixed offered rate (``--rate`` req/s for equivalents;
     half the closed-loop throughput for SPARQL and search), which is where the latency
     targets are read;
   - one connection back to back (the latency of a request alone; SPARQL compared with
     rdflib-endpoint this way).

   SPARQL (POST ``application/sparql-query`` to ``/sparql``) and search (``GET /standards?q=``)
   run only when ``/openapi.json`` lists their routes; otherwise "not measured: route missing".
   Before each run the script waits (up to ``--max-wait`` s) until fewer than ``--max-busy``
   cores are busy, and records the load before and the CPU used by the server, by wrk and by
   everything else during the run (the machine is shared).
4. rdflib-endpoint (PyPI ``rdflib-endpoint``, not a project dependency: installed with
   ``pip install --no-deps --target WORK/rdflib-endpoint`` on first use — its dependencies,
   rdflib and FastAPI, are already in the venv — and put on that server's PYTHONPATH only)
   serves the dump from an rdflib ``Dataset`` (default graph = union), its process capped at
   ``--rdflib-memory-gib`` of address space. Each sampled query is sent once and must give the
   same rows as on ours; a query without an answer within ``--rdflib-timeout`` s ends the
   comparison there (reported as a lower bound); otherwise the one-connection SPARQL run.
5. A measured comparison on a slice rdflib-endpoint can answer: the first ``--rdflib-slice``
   standards of the SPARQL sample, every mapping that has one of them as subject or object, and
   the standards at the other end — the same predicates as the full dump, so the query gives
   these standards exactly the rows it gives them on the full store. Our server (one worker,
   ``--read-only``) over a store loaded with just that slice and rdflib-endpoint over the same
   N-Quads answer the same query for the same standards (rows compared), each measured with one
   connection; the p50s and their ratio are reported beside the full-data lower bound.

Every response must be 2xx (counted in wrk's ``response()`` hook), with no socket errors or
timeouts. The servers are stopped (their process group) at the end, on error and on Ctrl-C.
Figures go to docs/benchmarks.md between ``<!-- api-load:start -->`` and
``<!-- api-load:end -->``, raw results to benchmarks/results/api_load.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from doc_sections import write_section

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
RESULTS = ROOT / "benchmarks" / "results" / "api_load.json"
WRK = ROOT / "benchmarks" / "wrk"
BEGIN, END = "<!-- api-load:start -->", "<!-- api-load:end -->"
HEADING = "## HTTP look-ups under load"
RDFLIB_ENDPOINT = "rdflib-endpoint==0.6.3"
COUNTRIES = ("CL", "CO", "MX", "PE")
# the targets of issue 5, in milliseconds and requests per second
TARGET = {"equivalents_p50": 5.0, "equivalents_p99": 30.0, "equivalents_rps": 1000.0}
TARGET.update(sparql_p50=10.0, search_p50=20.0)
STORE_VERSION = 1  # bump when the way the store is built changes


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _exe() -> str:
    return shutil.which("equivalence", path=str(Path(sys.executable).parent)) or "equivalence"


def _run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return out


def _timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    out = _run(cmd)
    return time.perf_counter() - started, out


def _machine_load() -> dict[str, Any]:
    """The load average and the busiest other processes, to say how quiet the machine was."""
    load = os.getloadavg()
    top = subprocess.run(
        ["ps", "-eo", "pcpu,pid,comm", "--sort=-pcpu", "--no-headers"],
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    top = [" ".join(t.split()) for t in top if t.split()[2:3] != ["ps"]][:5]
    return {"loadavg": [round(x, 2) for x in load], "top": top}


# -- 1. the store -----------------------------------------------------------------------------


def build_store(work: Path, data: Path, standards: int, *, rebuild: bool) -> dict[str, Any]:
    """The on-disk store with 4 × `standards` standards, ESCO and the mappings (cached)."""
    marker = work / "complete.json"
    params = {"version": STORE_VERSION, "standards": standards, "data": str(data.resolve())}
    if marker.exists() and not rebuild:
        built = json.loads(marker.read_text(encoding="utf-8"))
        if built.get("params") == params:
            log(f"store: reusing {work / 'store'} (built {built['date']})")
            return dict(built)
        log(f"store: {marker} has other parameters ({built.get('params')}); rebuilding")
    for name in ("store", "generated", "requests", "rdflib.nq", "complete.json"):
        path = work / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    work.mkdir(parents=True, exist_ok=True)
    generated, store, exe = work / "generated", work / "store", _exe()
    log(f"store: generating 4 × {standards:,} standards from ESCO occupations")
    gen = [sys.executable, str(ROOT / "benchmarks" / "generate_matching.py"), "--data", str(data)]
    _, out = _timed([*gen, "--out", str(generated), "--standards", str(standards)])
    counts = json.loads(out.stdout)
    log(f"store: loading {data} and the generated standards into {store} (1–2 min)")
    load_s, out = _timed([exe, "--store", str(store), "load", "--quiet", str(data), str(generated)])
    log(f"store: {out.stdout.strip().splitlines()[-1]} in {load_s:.0f} s")
    log("store: matching all six country pairs and storing the mappings (about 2 min)")
    match_s, out = _timed([exe, "--store", str(store), "match", "--out", os.devnull])
    log(f"store: {out.stderr.strip().splitlines()[0]} in {match_s:.0f} s")
    built = {
        "params": params,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "generated": counts,
        "load_seconds": round(load_s, 1),
        "match_seconds": round(match_s, 1),
    }
    marker.write_text(json.dumps(built, indent=2), encoding="utf-8")
    return built


# -- 2. sizes, request lists and the rdflib dump -----------------------------------------------

# what the query equivalents-of-standard reads, and so what rdflib-endpoint is given
_STANDARD_PREDICATES = ("rdf:type", "dcterms:identifier", "eq:country", "skos:prefLabel")
_MAPPING_PREDICATES = (
    "rdf:type",
    "sssom:subject_id",
    "sssom:object_id",
    "sssom:predicate_id",
    "sssom:confidence",
    "sssom:mapping_justification",
    "eq:subjectCoverage",
    "eq:objectCoverage",
    "eq:reviewStatus",
    "prov:wasDerivedFrom",
)
_WORD = re.compile(r"[^\W\d_]{5,}")
_STOP = frozenset(
    {
        *("según", "sobre", "entre", "desde", "hasta", "donde", "cuando", "normativa"),
        *("vigente", "sector", "estándares", "acuerdo", "procedimiento", "procedimientos"),
        *("realizar", "realiza"),
    }
)


def _fold(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).casefold()


def _select(store: Any, name: str, **params: Any) -> list[dict[str, Any]]:
    from equivalence.sparql import default_catalogue

    result = store.select(default_catalogue().get(name).render(params))
    return [{k: getattr(v, "value", v) for k, v in row.items()} for row in result.rows]


def _sizes(store: Any) -> dict[str, Any]:
    per_country: dict[str, dict[str, int]] = {}
    for row in _select(store, "stats-country-counts"):
        per_country.setdefault(row["code"], {})[row["kind"]] = int(row["count"])
    mappings = sum(int(row["mappings"]) for row in _select(store, "stats-mappings"))
    totals = {k: sum(c.get(k, 0) for c in per_country.values()) for k in ("standards", "units")}
    totals["criteria"] = sum(c.get("criteria", 0) for c in per_country.values())
    return {
        "per_country": per_country,
        **totals,
        "mappings": mappings,
        "triples": store.count(),
        "graphs": len(store.graphs()),
    }


def _search_queries(texts: list[str], codes: list[tuple[str, str]], n: int, seed: int) -> list[str]:
    """Realistic search requests: words and pairs of words from the data (as written and without
    accents), codes and code prefixes; a third of them with a country filter."""
    rng = random.Random(seed)
    words = sorted({w.lower() for t in texts for w in _WORD.findall(t) if w.lower() not in _STOP})
    accented = [w for w in words if _fold(w) != w]
    queries: list[str] = []
    while len(queries) < n:
        kind = rng.randrange(6)
        if kind == 0:
            q = rng.choice(words)
        elif kind == 1 and accented:
            q = _fold(rng.choice(accented))  # typed without accents
        elif kind == 2:
            found = [w for w in _WORD.findall(rng.choice(texts)) if w.lower() not in _STOP]
            if len(found) < 2:
                continue
            i = rng.randrange(len(found) - 1)
            q = f"{found[i]} {found[i + 1]}".lower()
        elif kind == 3 and accented:
            q = rng.choice(accented)
        else:
            country, code = rng.choice(codes)  # a code, or its first two thirds
            q = code if kind == 4 else code[: max(3, len(code) * 2 // 3)]
        params = {"q": q}
        if rng.random() < 1 / 3:  # a code is looked for in its own country
            params["country"] = country if kind >= 4 else rng.choice(COUNTRIES)
        queries.append("/standards?" + urllib.parse.urlencode(params))
    return queries


def prepare(
    work: Path, *, sparql_sample: int, search_sample: int, seed: int, slice_size: int = 0
) -> dict[str, Any]:
    """Data sizes, the request files wrk reads, and the N-Quads rdflib-endpoint serves (all the
    triples the SPARQL query reads, and the slice of the first `slice_size` sampled standards)."""
    import pyoxigraph as ox

    from equivalence.lookup import read_standard_titles
    from equivalence.sparql import default_catalogue
    from equivalence.store import open_store
    from equivalence.vocab import PREFIXES, country_graph

    prefixes = {
        **PREFIXES,
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
    }

    def iri(curie: str) -> ox.NamedNode:
        prefix, local = curie.split(":", 1)
        return ox.NamedNode(prefixes[prefix] + local)

    folder = work / "requests"
    folder.mkdir(parents=True, exist_ok=True)
    store = open_store(str(work / "store"), read_only=True)
    try:
        sizes = _sizes(store)
        titles = read_standard_titles(store)
        raw = store.raw  # type: ignore[attr-defined]
        rng = random.Random(seed)
        codes = sorted({(t.country, t.code) for t in titles if t.country in COUNTRIES})
        paths = [f"/standards/{c}/{urllib.parse.quote(k, safe='')}/equivalents" for c, k in codes]
        (folder / "equivalents.txt").write_text("\n".join(paths) + "\n", encoding="utf-8")
        # the SPARQL sample: standards that have equivalents, and a few that have none
        query = default_catalogue().get("equivalents-of-standard")
        chosen = rng.sample(codes, min(sparql_sample, len(codes)))
        bodies = [query.render({"country": c, "code": k}) for c, k in chosen]
        (folder / "sparql.txt").write_text(
            "".join(body.rstrip("\n") + "\n\x1e\n" for body in bodies), encoding="utf-8"
        )
        (folder / "sparql.json").write_text(json.dumps(chosen), encoding="utf-8")
        # search: words from standards', units' and criteria's texts
        texts = [
            q.object.value
            for country in COUNTRIES
            for q in raw.quads_for_pattern(
                None, iri("skos:prefLabel"), None, country_graph(country)
            )
            if isinstance(q.object, ox.Literal)
        ]
        searches = _search_queries(texts, codes, search_sample, seed)
        (folder / "search.txt").write_text("\n".join(searches) + "\n", encoding="utf-8")
        sliced = (
            _write_slice(raw, iri, chosen[:slice_size], bodies[:slice_size], work)
            if slice_size > 0
            else None
        )
        dump = work / "rdflib.nq"
        if not dump.exists():
            quads = _rdflib_quads(raw, iri)
            partial = dump.with_suffix(".partial")
            with partial.open("wb") as out:
                ox.serialize(quads, out, ox.RdfFormat.N_QUADS)
            partial.rename(dump)
        served = sum(1 for _ in dump.open("rb"))
    finally:
        store.close()
    return {
        "sizes": sizes,
        "equivalents_paths": len(paths),
        "sparql_sample": len(bodies),
        "search_queries": len(searches),
        "rdflib_quads": served,
        "rdflib_slice": sliced,
    }


def _write_slice(
    raw: Any, iri: Any, chosen: list[tuple[str, str]], bodies: list[str], work: Path
) -> dict[str, Any]:
    """The slice of the full dump that answers the query for the `chosen` standards: their
    mappings (as subject or object) and the standards at the other end, with the predicates of
    `_rdflib_quads`. Writes rdflib-slice.nq and requests/sparql-slice.{txt,json}."""
    import pyoxigraph as ox

    from equivalence.vocab import standard_iri

    standard_predicates = {iri(p) for p in _STANDARD_PREDICATES}
    mapping_predicates = {iri(p) for p in _MAPPING_PREDICATES}
    ends = (iri("sssom:subject_id"), iri("sssom:object_id"))
    asked = [standard_iri(country, code) for country, code in chosen]
    mappings = {
        q.subject
        for standard in asked
        for p in ends
        for q in raw.quads_for_pattern(None, p, standard, None)
    }
    quads: list[Any] = []
    standards = set(asked)
    for mapping in sorted(mappings, key=str):
        for q in raw.quads_for_pattern(mapping, None, None, None):
            if q.predicate in mapping_predicates:
                quads.append(q)
            if q.predicate in ends:
                standards.add(q.object)
    for standard in sorted(standards, key=str):
        quads.extend(
            q
            for q in raw.quads_for_pattern(standard, None, None, None)
            if q.predicate in standard_predicates
        )
    with (work / "rdflib-slice.nq").open("wb") as out:
        ox.serialize(quads, out, ox.RdfFormat.N_QUADS)
    folder = work / "requests"
    (folder / "sparql-slice.txt").write_text(
        "".join(body.rstrip("\n") + "\n\x1e\n" for body in bodies), encoding="utf-8"
    )
    (folder / "sparql-slice.json").write_text(json.dumps(chosen), encoding="utf-8")
    return {
        "standards": len(chosen),
        "mappings": len(mappings),
        "all_standards": len(standards),
        "quads": len(quads),
    }


def _rdflib_quads(raw: Any, iri: Any) -> list[Any]:
    """The quads the equivalents query reads: some predicates of the standards and mappings."""
    out: list[Any] = []
    for cls, predicates in (
        ("eq:CompetencyStandard", _STANDARD_PREDICATES),
        ("eq:Mapping", _MAPPING_PREDICATES),
    ):
        wanted = {iri(p) for p in predicates}
        subjects = {q.subject for q in raw.quads_for_pattern(None, iri("rdf:type"), iri(cls), None)}
        for subject in subjects:
            out.extend(
                q for q in raw.quads_for_pattern(subject, None, None, None) if q.predicate in wanted
            )
    return out


# -- 3. servers and wrk -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _http(
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read()


def _cpu_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def _group_jiffies(pgid: int) -> int:
    """CPU jiffies used so far by the live processes of one process group."""
    used = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid:
            used += int(fields[11]) + int(fields[12])
    return used


def _busy_cores(seconds: float = 2.0) -> float:
    busy0, total0 = _cpu_jiffies()
    time.sleep(seconds)
    busy1, total1 = _cpu_jiffies()
    return (os.cpu_count() or 1) * (busy1 - busy0) / max(total1 - total0, 1)


# Put on a server's PYTHONPATH as sitecustomize.py: logs every full (generation 2) collection of
# the cyclic garbage collector with its duration, so that a run can say how long the server
# stood still collecting (every thread waits while it runs).
GC_PROBE = """\
import gc, os, sys, time

_started = [0.0]


def _probe(phase, info):
    if info["generation"] != 2:
        return
    if phase == "start":
        _started[0] = time.perf_counter()
    else:
        ms = (time.perf_counter() - _started[0]) * 1000
        sys.stderr.write(f"GC2-PROBE {os.getpid()} {ms:.1f}\\n")
        sys.stderr.flush()


gc.callbacks.append(_probe)
"""


def _gc_probe_dir(work: Path) -> Path:
    folder = work / "gc-probe"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(GC_PROBE, encoding="utf-8")
    return folder


def _gc_pauses(log_text: str) -> list[float]:
    return [
        float(line.split()[2]) for line in log_text.splitlines() if line.startswith("GC2-PROBE ")
    ]


class Server:
    """A server process in its own process group, stopped (the whole group) on exit."""

    def __init__(self, name: str, cmd: list[str], log_path: Path, env: dict[str, str]) -> None:
        self.name, self.log_path = name, log_path
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            cmd, stdout=self._log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def cpu_jiffies(self) -> int:
        return _group_jiffies(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        # workers left behind by a killed manager are in the same group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._log.close()


@contextlib.contextmanager
def running(name: str, cmd: list[str], log_path: Path, env: dict[str, str]) -> Iterator[Server]:
    log(f"{name}: starting: {' '.join(cmd)}")
    server = Server(name, cmd, log_path, env)
    try:
        yield server
    finally:
        server.stop()
        log(f"{name}: stopped")


def _wait_until(server: Server, check: Any, what: str, timeout: float) -> None:
    started = time.monotonic()
    while True:
        if not server.alive():
            raise SystemExit(f"{server.name} exited while waiting for {what}:\n{server.log_text()}")
        with contextlib.suppress(OSError):
            if check():
                return
        if time.monotonic() - started > timeout:
            raise SystemExit(f"{server.name}: no {what} after {timeout:.0f} s")
        time.sleep(0.5)


def wrk(
    base: str,
    requests_file: Path,
    *,
    connections: int,
    duration: int,
    rate: float = 0,
    threads: int = 1,
    method: str = "GET",
    path: str = "/sparql",
    timeout: int = 10,
    server: Server | None = None,
) -> dict[str, Any]:
    """One wrk run with benchmarks/wrk/load.lua; its counts, latencies and the CPU used."""
    env = {
        **os.environ,
        "WRK_REQUESTS": str(requests_file),
        "WRK_METHOD": method,
        "WRK_PATH": path,
        "WRK_RATE": str(rate),
        "WRK_THREADS": str(threads),
    }
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", f"--timeout={timeout}s"]
    cmd += ["--latency", "-s", str(WRK / "load.lua"), base]
    busy0, total0 = _cpu_jiffies()
    ours0 = server.cpu_jiffies() if server else 0
    gc0 = len(_gc_pauses(server.log_text())) if server else 0
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        stdout_bytes, stderr_bytes = process.communicate(timeout=duration + timeout + 60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    busy1, total1 = _cpu_jiffies()
    ours1 = server.cpu_jiffies() if server else 0
    gc_pauses = _gc_pauses(server.log_text())[gc0:] if server else []
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cpu = sum(getattr(children1, f) - getattr(children0, f) for f in ("ru_utime", "ru_stime"))
    stdout, stderr = stdout_bytes.decode(), stderr_bytes.decode()
    line = next((x for x in stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if process.returncode != 0 or line is None:
        raise SystemExit(f"{' '.join(cmd)} failed ({process.returncode}):\n{stdout}\n{stderr}")
    raw = json.loads(line.removeprefix("WRK_JSON "))
    seconds = raw["duration_us"] / 1e6
    percentiles = {k: v / 1000 for k, v in raw["latency_us"]["percentiles"].items()}
    cores = os.cpu_count() or 1
    elapsed = max(total1 - total0, 1) / cores  # jiffies of one CPU
    result = {
        "connections": connections,
        "threads": threads,
        "offered_rps": rate or None,
        "seconds": round(seconds, 2),
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds, 1),
        "p50_ms": percentiles["50"],
        "p75_ms": percentiles["75"],
        "p90_ms": percentiles["90"],
        "p99_ms": percentiles["99"],
        "p99_9_ms": percentiles["99.9"],
        "max_ms": raw["latency_us"]["max"] / 1000,
        "mean_ms": round(raw["latency_us"]["mean"] / 1000, 3),
        "non2xx": raw["non2xx"],
        "statuses": sorted(set(raw["statuses"].split())),
        "socket_errors": raw["errors"],
        "errors": raw["non2xx"] + sum(raw["errors"].values()) - raw["errors"]["status"],
        # CPU in cores: everything on the machine, the server's process group, and the rest
        "cpu_busy_cores": round(cores * (busy1 - busy0) / max(total1 - total0, 1), 2),
        "cpu_server_cores": round((ours1 - ours0) / elapsed, 2) if server else None,
        "cpu_wrk_cores": round(wrk_cpu * os.sysconf("SC_CLK_TCK") / elapsed, 2),
        "gc_full_ms": gc_pauses,
        "wrk_text": stdout.split("WRK_JSON", 1)[0].strip(),
    }
    others = result["cpu_busy_cores"] - (result["cpu_server_cores"] or 0) - result["cpu_wrk_cores"]
    result["cpu_other_cores"] = round(max(others, 0.0), 2)
    return result


def _brief(r: dict[str, Any]) -> str:
    offered = f"offered {r['offered_rps']:.0f}/s, " if r["offered_rps"] else "closed loop, "
    return (
        f"{offered}c{r['connections']}: {r['rps']:,.0f} req/s, p50 {r['p50_ms']:.2f} ms, "
        f"p90 {r['p90_ms']:.2f}, p99 {r['p99_ms']:.2f}, max {r['max_ms']:.1f}; "
        f"errors {r['errors']}; full GCs {len(r['gc_full_ms'])} "
        f"(longest {max(r['gc_full_ms'], default=0):.0f} ms); CPU cores: server {r['cpu_server_cores']}, wrk "
        f"{r['cpu_wrk_cores']}, others {r['cpu_other_cores']}"
    )


def _group_rss_mib(pgid: int) -> float:
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    return round(total / 2**20, 1)


def _routes(base: str) -> dict[str, bool]:
    """Which of the routes being written exist: /sparql (POST) and GET /standards?q=."""
    _, body = _http(base + "/openapi.json")
    paths = json.loads(body)["paths"]
    search = paths.get("/standards", {}).get("get") or {}
    return {
        "sparql": "post" in paths.get("/sparql", {}),
        "search": any(p.get("name") == "q" for p in search.get("parameters", [])),
    }


class NoAnswerError(Exception):
    """A SPARQL endpoint failed a query or did not answer it in time."""


def _sparql_rows(
    base: str, body: str, path: str = "/sparql", timeout: float = 600
) -> list[tuple[str, str, str]]:
    """The (mapping, other standard, predicate) of every row a SPARQL endpoint answers, sorted."""
    headers = {
        "Content-Type": "application/sparql-query",
        "Accept": "application/sparql-results+json",
    }
    try:
        status, answer = _http(base + path, body=body.encode(), headers=headers, timeout=timeout)
    except TimeoutError as error:
        raise NoAnswerError(f"no answer within {timeout:.0f} s") from error
    if status != 200:
        raise NoAnswerError(f"{base}{path} answered {status}: {answer[:300]!r}")
    rows = json.loads(answer)["results"]["bindings"]
    return sorted(
        (r["mapping"]["value"], r["other"]["value"], r["predicate"]["value"]) for r in rows
    )


def _sparql_bodies(folder: Path, name: str = "sparql.txt") -> list[str]:
    text = (folder / name).read_text(encoding="utf-8")
    return [b.rstrip("\n") for b in text.split("\n\x1e\n") if b.strip()]


class Bench:
    """The measured runs of one invocation, with the options they share."""

    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args, self.work, self.folder = args, work, work / "requests"

    def quiet(self) -> dict[str, Any]:
        """Waits until the other processes leave the CPUs (or gives up); the state then."""
        started = time.monotonic()
        busy = _busy_cores()
        while busy > self.args.max_busy and time.monotonic() - started < self.args.max_wait:
            busy = _busy_cores(5.0)
        state = _machine_load()
        state.update(busy_cores=round(busy, 2), waited_s=round(time.monotonic() - started, 1))
        if busy > self.args.max_busy:
            log(f"  the machine is busy ({busy:.2f} cores in use before the run): {state['top']}")
        return state

    def run(self, name: str, base: str, requests_file: Path, **options: Any) -> dict[str, Any]:
        before = self.quiet()
        options.setdefault("duration", self.args.duration)
        options.setdefault("threads", self.args.threads)
        result = wrk(base, requests_file, **options)
        result["before"] = before
        log(f"  {name}: {_brief(result)}")
        return result

    def ours(self, workers: int) -> dict[str, Any]:
        args, folder = self.args, self.folder
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        cmd = [_exe(), "--store", str(self.work / "store"), "serve", "--host", "127.0.0.1"]
        cmd += ["--port", str(port), "--workers", str(workers), "--read-only", "--no-access-log"]
        cmd += ["--log-level", "info"]
        name = f"equivalence serve --workers {workers}"
        out: dict[str, Any] = {"workers": workers}
        env = {**os.environ, "PYTHONPATH": str(_gc_probe_dir(self.work))}
        with running(name, cmd, self.work / f"server-{workers}.log", env) as server:
            started = time.monotonic()
            probe = (folder / "equivalents.txt").read_text(encoding="utf-8").split("\n", 1)[0]

            def up() -> bool:
                return server.log_text().count("Application startup complete") >= workers

            _wait_until(server, up, "start-up of every worker", 900)
            _wait_until(server, lambda: _http(base + "/health")[0] == 200, "/health", 120)
            _wait_until(server, lambda: _http(base + probe)[0] == 200, "an equivalents answer", 120)
            out["startup_seconds"] = round(time.monotonic() - started, 1)
            out["routes"] = routes = _routes(base)
            log(f"{name}: ready in {out['startup_seconds']} s; routes {routes}")
            eq = folder / "equivalents.txt"
            runs: dict[str, Any] = {}
            c = args.connections
            pid = server.process.pid
            runs["equivalents closed"] = self.run(
                "equivalents closed", base, eq, connections=c, server=server
            )
            runs["equivalents paced"] = self.run(
                "equivalents paced", base, eq, connections=c, rate=args.rate, server=server
            )
            runs["equivalents single"] = self.run(
                "equivalents single", base, eq, connections=1, threads=1, server=server
            )
            if routes["sparql"]:
                out["sparql_rows"] = self.sparql_rows(base)
                sp = folder / "sparql.txt"
                post = {"method": "POST", "path": "/sparql", "server": server}
                closed = self.run("sparql closed", base, sp, connections=c, **post)
                runs["sparql closed"] = closed
                runs["sparql paced"] = self.run(
                    "sparql paced", base, sp, connections=c, rate=_half(closed["rps"]), **post
                )
                runs["sparql single"] = self.run(
                    "sparql single", base, sp, connections=1, threads=1, **post
                )
            else:
                log("  sparql: not measured: route missing (POST /sparql is not in /openapi.json)")
            if routes["search"]:
                se = folder / "search.txt"
                first = (se.read_text(encoding="utf-8")).split("\n", 1)[0]
                t0 = time.monotonic()
                _wait_until(
                    server,
                    lambda: _http(base + first, timeout=900)[0] < 500,
                    "a search answer",
                    900,
                )
                out["search_first_seconds"] = round(time.monotonic() - t0, 2)
                closed = self.run("search closed", base, se, connections=c, server=server)
                runs["search closed"] = closed
                runs["search paced"] = self.run(
                    "search paced",
                    base,
                    se,
                    connections=c,
                    rate=_half(closed["rps"]),
                    server=server,
                )
                runs["search single"] = self.run(
                    "search single", base, se, connections=1, threads=1, server=server
                )
            else:
                log("  search: not measured: route missing (GET /standards has no q parameter)")
            out["rss_mib"] = _group_rss_mib(pid)
            out["runs"] = runs
        return out

    def sparql_rows(self, base: str) -> list[dict[str, Any]]:
        """Every sampled query once (warming the server), with its rows and the REST count."""
        chosen = json.loads((self.folder / "sparql.json").read_text(encoding="utf-8"))
        checked = []
        for (country, code), body in zip(chosen, _sparql_bodies(self.folder), strict=True):
            rows = _sparql_rows(base, body)
            path = f"/standards/{country}/{urllib.parse.quote(code, safe='')}/equivalents"
            status, answer = _http(base + path)
            rest = json.loads(answer)["count"] if status == 200 else None
            checked.append({"country": country, "code": code, "rows": rows, "rest_count": rest})
        same = sum(1 for c in checked if _mappings(c) == c["rest_count"])
        log(f"  sparql: {same} of {len(checked)} sampled standards: as many mappings as REST")
        return checked

    @contextlib.contextmanager
    def rdflib_endpoint(
        self, dump: Path, name: str
    ) -> Iterator[tuple[Server, str, dict[str, Any]]]:
        """rdflib-endpoint serving `dump` (installed beside the venv on first use), once it has
        parsed it: the server, its base URL, and the triples loaded and the seconds it took."""
        target = self.work / "rdflib-endpoint"
        if not (target / "rdflib_endpoint").is_dir():
            log(f"rdflib-endpoint: installing {RDFLIB_ENDPOINT} into {target} (not the venv)")
            _run(
                [
                    *(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"),
                    *("--target", str(target), RDFLIB_ENDPOINT),
                ]
            )
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child-rdflib"]
        cmd += [str(dump), str(port)]
        env = {
            **os.environ,
            "PYTHONPATH": str(target),
            "RDFLIB_MEMORY_GIB": str(self.args.rdflib_memory_gib),
        }
        with running(name, cmd, self.work / f"{name}.log", env) as server:
            log(f"{name}: parsing {dump.name} into an rdflib Dataset")
            _wait_until(server, lambda: "LOADED" in server.log_text(), "loaded data", 3600)
            loaded = server.log_text().split("LOADED", 1)[1].split()
            info = {"triples": int(loaded[0]), "load_seconds": float(loaded[1])}
            ping = {"Accept": "text/turtle"}
            _wait_until(
                server, lambda: _http(base + "/sparql", headers=ping)[0] == 200, "/sparql", 120
            )
            log(f"{name}: {info['triples']:,} triples loaded in {info['load_seconds']:.0f} s")
            yield server, base, info

    def rdflib(self, ours_rows: list[dict[str, Any]] | None) -> dict[str, Any]:
        """rdflib-endpoint over the dump: load time, same rows, one-connection latency."""
        out: dict[str, Any] = {"package": RDFLIB_ENDPOINT}
        with self.rdflib_endpoint(self.work / "rdflib.nq", "rdflib-endpoint") as (
            server,
            base,
            info,
        ):
            out.update(info)
            bodies = _sparql_bodies(self.folder)
            limit = self.args.rdflib_timeout
            checked: list[dict[str, Any]] = []
            for body, ours in zip(bodies, ours_rows or [], strict=False):
                started = time.perf_counter()
                try:
                    rows = _sparql_rows(base, body, timeout=limit)
                except NoAnswerError as failure:
                    out["no_answer"] = f"{ours['country']} {ours['code']}: {failure}"
                    out["no_answer_after_s"] = round(time.perf_counter() - started, 1)
                    log(f"rdflib-endpoint: {out['no_answer']}; not measured further")
                    break
                checked.append(
                    {
                        "country": ours["country"],
                        "code": ours["code"],
                        "seconds": round(time.perf_counter() - started, 3),
                        "rows": len(rows),
                        "same_rows": rows == [tuple(x) for x in ours["rows"]],
                    }
                )
            out["checked"] = checked
            out["timeout_s"] = limit
            out["rss_mib"] = _group_rss_mib(server.process.pid)
            if "no_answer" in out:
                return out
            same = sum(1 for c in checked if c["same_rows"])
            log(f"rdflib-endpoint: same rows as ours for {same} of {len(checked)} queries")
            out["run"] = self.run(
                "rdflib-endpoint sparql single",
                base,
                self.folder / "sparql.txt",
                connections=1,
                threads=1,
                method="POST",
                path="/sparql",
                duration=max(self.args.duration, 30),
                timeout=int(limit),
                server=server,
            )
            out["rss_mib"] = _group_rss_mib(server.process.pid)
        return out

    def rdflib_slice(self, ours_rows: list[dict[str, Any]] | None) -> dict[str, Any]:
        """The same query for the same standards on a slice both servers hold: ours over a store
        of the slice (one worker) and rdflib-endpoint over its N-Quads; rows compared (also with
        ours over the full store), one connection each; the p50s and their ratio."""
        dump, folder = self.work / "rdflib-slice.nq", self.folder
        chosen = json.loads((folder / "sparql-slice.json").read_text(encoding="utf-8"))
        bodies = _sparql_bodies(folder, "sparql-slice.txt")
        full = {(r["country"], r["code"]): r["rows"] for r in ours_rows or []}
        out: dict[str, Any] = {"package": RDFLIB_ENDPOINT, "standards": len(chosen)}
        store = self.work / "slice-store"
        for stale in (store, self.work / "slice-store.search.sqlite"):
            if stale.is_dir():
                shutil.rmtree(stale)
            elif stale.exists():
                stale.unlink()
        # pyoxigraph's own loader: `equivalence load` takes one country a file
        load = (
            "import sys, pyoxigraph as ox; s = ox.Store(sys.argv[1]); "
            "s.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS); s.flush()"
        )
        seconds, _ = _timed([sys.executable, "-c", load, str(store), str(dump)])
        log(f"slice: {dump.name} loaded into {store} in {seconds:.1f} s")
        ours: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
        with _serving(store, self.work / "server-slice.log", bodies[0]) as base:
            for (country, code), body in zip(chosen, bodies, strict=True):
                ours[(country, code)] = _sparql_rows(base, body)
            out["ours"] = self.run(
                "sparql single (slice)",
                base,
                folder / "sparql-slice.txt",
                connections=1,
                threads=1,
                method="POST",
                path="/sparql",
            )
        with self.rdflib_endpoint(dump, "rdflib-endpoint-slice") as (server, base, info):
            out.update(info)
            limit = self.args.rdflib_timeout
            checked: list[dict[str, Any]] = []
            for (country, code), body in zip(chosen, bodies, strict=True):
                started = time.perf_counter()
                try:
                    rows = _sparql_rows(base, body, timeout=limit)
                except NoAnswerError as failure:
                    out["no_answer"] = f"{country} {code}: {failure}"
                    out["no_answer_after_s"] = round(time.perf_counter() - started, 1)
                    log(f"rdflib-endpoint-slice: {out['no_answer']}; not measured further")
                    break
                mine = ours[(country, code)]
                in_full = full.get((country, code))
                checked.append(
                    {
                        "country": country,
                        "code": code,
                        "seconds": round(time.perf_counter() - started, 3),
                        "rows": len(rows),
                        "same_rows": rows == mine,
                        "same_as_full_store": None
                        if in_full is None
                        else mine == [tuple(x) for x in in_full],
                    }
                )
            out["checked"] = checked
            if "no_answer" not in out:
                same = sum(1 for c in checked if c["same_rows"])
                log(f"rdflib-endpoint-slice: same rows as ours for {same} of {len(checked)}")
                out["rdflib"] = self.run(
                    "rdflib-endpoint sparql single (slice)",
                    base,
                    folder / "sparql-slice.txt",
                    connections=1,
                    threads=1,
                    method="POST",
                    path="/sparql",
                    duration=max(self.args.duration, 30),
                    timeout=int(limit),
                    server=server,
                )
                out["ratio"] = round(out["rdflib"]["p50_ms"] / out["ours"]["p50_ms"], 1)
            out["rss_mib"] = _group_rss_mib(server.process.pid)
        return out


@contextlib.contextmanager
def _serving(store: Path, log_path: Path, probe_body: str) -> Iterator[str]:
    """Our server, one read-only worker over `store`, once it answers a SPARQL query."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [_exe(), "--store", str(store), "serve", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--workers", "1", "--read-only", "--no-access-log"]
    with running("equivalence serve (slice)", cmd, log_path, dict(os.environ)) as server:
        headers = {"Content-Type": "application/sparql-query"}

        def answers() -> bool:
            status, _ = _http(base + "/sparql", body=probe_body.encode(), headers=headers)
            return status == 200

        _wait_until(server, answers, "a SPARQL answer", 300)
        yield base


def _mappings(checked: dict[str, Any]) -> int:
    """How many distinct mappings the rows of one checked query name."""
    return len({row[0] for row in checked["rows"]})


def _half(rps: float) -> float:
    """Half the closed-loop throughput, rounded down to ten requests per second."""
    return max(10.0, (rps / 2) // 10 * 10)


def _child_rdflib(dump: str, port: int) -> None:
    import uvicorn
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint  # type: ignore[import-not-found]

    # a query that materialises too much fails with MemoryError instead of taking the machine
    cap = int(float(os.environ.get("RDFLIB_MEMORY_GIB", "8")) * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(dump, format="nquads")
    triples = sum(1 for _ in dataset.quads((None, None, None, None)))
    print(f"LOADED {triples} {time.perf_counter() - started:.1f}", flush=True)
    app = SparqlEndpoint(graph=dataset, path="/sparql", title="rdflib-endpoint benchmark")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


# -- 4. the report ----------------------------------------------------------------------------


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("pyoxigraph", "fastapi", "starlette", "uvicorn", "uvloop", "httptools", "rdflib"):
        with contextlib.suppress(PackageNotFoundError):
            found[name] = version(name)
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    found["wrk"] = (wrk_version.stdout or wrk_version.stderr).split()[1]
    return found


def _commit() -> str:
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return (out.stdout.strip() or "unknown") + (
        " (with uncommitted changes)" if dirty.stdout else ""
    )


def _ms(value: float) -> str:
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _row(label: str, workers: int, r: dict[str, Any]) -> str:
    offered = f"{r['offered_rps']:,.0f}/s" if r["offered_rps"] else "closed loop"
    return (
        f"| {label} | {workers} | {r['connections']} | {offered} | {r['rps']:,.0f} | "
        f"{_ms(r['p50_ms'])} | {_ms(r['p90_ms'])} | {_ms(r['p99_ms'])} | {_ms(r['max_ms'])} | "
        f"{r['errors']} | {_gc_cell(r['gc_full_ms'])} | "
        f"{r['cpu_server_cores'] * 1e6 / max(r['rps'], 1e-9):,.0f} | {r['cpu_other_cores']:.2f} |"
    )


def _gc_cell(pauses: list[float]) -> str:
    return f"{len(pauses)} ({max(pauses):,.0f} ms)" if pauses else "0"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _targets(doc: dict[str, Any]) -> list[str]:
    lines = ["| target | workers | figure (run) | |", "|---|---:|---|---|"]
    for server in doc["servers"]:
        w, runs = server["workers"], server["runs"]
        paced, closed = runs["equivalents paced"], runs["equivalents closed"]
        lines += [
            f"| equivalents p50 ≤ {TARGET['equivalents_p50']:.0f} ms | {w} | "
            f"{_ms(paced['p50_ms'])} ms (paced {paced['offered_rps']:,.0f}/s, 32 conn.) | "
            f"{_verdict(paced['p50_ms'] <= TARGET['equivalents_p50'])} |",
            f"| equivalents p99 ≤ {TARGET['equivalents_p99']:.0f} ms | {w} | "
            f"{_ms(paced['p99_ms'])} ms (paced) | "
            f"{_verdict(paced['p99_ms'] <= TARGET['equivalents_p99'])} |",
            f"| equivalents ≥ {TARGET['equivalents_rps']:,.0f} req/s | {w} | "
            f"{closed['rps']:,.0f} req/s at saturation; {paced['rps']:,.0f} of "
            f"{paced['offered_rps']:,.0f} offered | "
            f"{_verdict(closed['rps'] >= TARGET['equivalents_rps'] and paced['rps'] >= 0.98 * paced['offered_rps'])} |",
            f"| equivalents: no errors | {w} | "
            f"{sum(r['errors'] for k, r in runs.items() if k.startswith('equivalents'))} | "
            f"{_verdict(all(r['errors'] == 0 for k, r in runs.items() if k.startswith('equivalents')))} |",
        ]
        for route, key in (("sparql", "sparql_p50"), ("search", "search_p50")):
            if f"{route} paced" in runs:
                r = runs[f"{route} paced"]
                lines.append(
                    f"| {route} p50 ≤ {TARGET[key]:.0f} ms | {w} | {_ms(r['p50_ms'])} ms (paced "
                    f"{r['offered_rps']:,.0f}/s, half the saturation rate; one connection: "
                    f"{_ms(runs[f'{route} single']['p50_ms'])} ms) | "
                    f"{_verdict(r['p50_ms'] <= TARGET[key])} |"
                )
            else:
                lines.append(
                    f"| {route} p50 ≤ {TARGET[key]:.0f} ms | {w} | not measured: route missing | |"
                )
    return lines


def _section(doc: dict[str, Any]) -> str:
    s = doc["data"]["sizes"]
    v = doc["versions"]
    before = [r["before"]["busy_cores"] for srv in doc["servers"] for r in srv["runs"].values()]
    others = [r["cpu_other_cores"] for srv in doc["servers"] for r in srv["runs"].values()]
    per_country = ", ".join(
        f"{c} {n.get('standards', 0):,}" for c, n in sorted(s["per_country"].items())
    )
    lines = [
        f"Measured {doc['date']} on {doc['machine']}, Python {doc['python']}, commit "
        f"{doc['commit']} (`python benchmarks/api_load.py --duration {doc['duration']}`): "
        f"pyoxigraph {v.get('pyoxigraph')}, FastAPI {v.get('fastapi')}, uvicorn "
        f"{v.get('uvicorn')} (uvloop, httptools), wrk {v.get('wrk')} with "
        "`benchmarks/wrk/load.lua`, one thread, each request a random path from a list.",
        "",
        f"Machine load: the 2 cores are shared; before each run "
        f"{min(before):.2f}–{max(before):.2f} cores were busy (the script waits up to "
        f"{doc['max_wait']:.0f} s for less than {doc['max_busy']} cores), and during the runs "
        f"other processes used {statistics.median(others):.2f} cores in the median run "
        f"(at most {max(others):.2f}). Each figure is one run of {doc['duration']} s; on "
        "this VM two runs of the same server, back to back with nothing else running, can "
        "differ by tens of percent in req/s.",
        "",
        f"Data: an on-disk store of {s['triples']:,} triples in {s['graphs']} graphs — "
        f"{s['standards']:,} standards ({per_country}; "
        f"4 × {doc['standards']:,} generated from ESCO occupations by "
        "`benchmarks/generate_matching.py`, the rest the real ones), "
        f"{s['units']:,} units, {s['criteria']:,} criteria, all of ESCO, and "
        f"{s['mappings']:,} mappings from `equivalence match`. Requests: the equivalents of "
        f"every one of the {doc['data']['equivalents_paths']:,} standards, "
        f"`equivalents-of-standard` rendered for {doc['data']['sparql_sample']} of them, and "
        f"{doc['data']['search_queries']} search requests (words and word pairs from the "
        "titles of standards, units and criteria, some typed without their accents, codes "
        "and code prefixes; a third with `country=`).",
        "",
        "Servers: `equivalence --store DIR serve --read-only --no-access-log --workers N`, "
        "measured once every worker had started and answered. *Closed loop*: every "
        "connection sends its next request when the last is answered (the throughput at "
        "saturation). *Paced*: the connections send at a fixed offered rate (the latency at "
        "that load; the achieved rate falls short when the server cannot keep up). *One "
        "connection*: requests back to back, alone. *Full GCs*: the full (generation 2) "
        "collections of Python's garbage collector in the server during the run, and the "
        "longest (a probe loaded as `sitecustomize` logs them); a worker answers nothing "
        "while one runs.",
        "",
        "| route | workers | conn. | offered | req/s | p50 ms | p90 ms | p99 ms | max ms | "
        "errors | full GCs (longest) | server CPU µs/req | others' CPU (cores) |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for server in doc["servers"]:
        for name, r in server["runs"].items():
            lines.append(
                _row(
                    name.replace(" closed", "").replace(" paced", "").replace(" single", ""),
                    server["workers"],
                    r,
                )
            )
    lines.append("")
    for server in doc["servers"]:
        w = server["workers"]
        lines.append(
            f"- {w} worker{'s' if w > 1 else ''}: ready {server['startup_seconds']:.0f} s after "
            "start (each worker reads the titles and mappings, builds the equivalents index and "
            f"opens the search index), {server['rss_mib']:,.0f} MiB resident in all."
        )
        for name, r in server["runs"].items():
            if r["errors"]:
                bad = {k: v for k, v in r["socket_errors"].items() if v and k != "status"}
                lines.append(
                    f"- Errors in *{name}* ({w} worker{'s' if w > 1 else ''}): {r['non2xx']} "
                    f"responses not 2xx ({', '.join(r['statuses']) or '-'}), socket errors "
                    f"{bad or 'none'}."
                )
    for server in doc["servers"]:
        paced = server["runs"]["equivalents paced"]
        w = server["workers"]
        lines.append(
            f"- At {paced['offered_rps']:,.0f} equivalents a second, {w} worker"
            f"{'s were' if w > 1 else ' was'} busy {paced['cpu_server_cores']:.2f} of the "
            f"{min(w, os.cpu_count() or 1)} core{'s' if w > 1 else ''} {'they' if w > 1 else 'it'} "
            f"can use ({paced['cpu_server_cores'] * 1e6 / max(paced['rps'], 1e-9):,.0f} µs of "
            "CPU a request, HTTP included)."
        )
    lines += ["", "Targets of issue 5:", "", *_targets(doc), ""]
    lines += [
        "Little's law: with 32 connections in a closed loop, p50 ≤ 5 ms would take about "
        "6,400 req/s, more than two shared cores running Python server and load generator "
        "can serve; the closed-loop rows give the capacity (≥ 1,000 req/s) and the paced "
        "rows the latency at 1,000 req/s.",
    ]
    for server in doc["servers"]:
        if "sparql_rows" in server:
            rows = server["sparql_rows"]
            same = sum(1 for c in rows if _mappings(c) == c["rest_count"])
            extra = sum(len(c["rows"]) - _mappings(c) for c in rows)
            lines += [
                "",
                f"SPARQL and REST agree: for {same} of {len(rows)} sampled standards the query "
                "names as many mappings as `/equivalents` lists equivalents"
                + (
                    f" ({extra} rows repeat a mapping: its other standard has two Spanish "
                    "titles, where a generated code is also a real one)."
                    if extra
                    else "."
                ),
            ]
            break
    rd = doc.get("rdflib_endpoint")
    ours_single = next(
        (srv["runs"]["sparql single"] for srv in doc["servers"] if "sparql single" in srv["runs"]),
        None,
    )
    if isinstance(rd, dict) and ours_single:
        checked = rd["checked"]
        same = sum(1 for c in checked if c["same_rows"])
        lines += [
            "",
            f"rdflib-endpoint ({rd['package']}, rdflib {v.get('rdflib')}, on uvicorn) serves an "
            f"rdflib `Dataset` (default graph = union) of {rd['triples']:,} quads: exactly the "
            "triples `equivalents-of-standard` reads — of every standard "
            f"{', '.join(f'`{p}`' for p in _STANDARD_PREDICATES)}, of every mapping "
            f"{', '.join(f'`{p}`' for p in _MAPPING_PREDICATES)}, in their graphs (dumped "
            f"with pyoxigraph; parsing took {rd['load_seconds']:.0f} s) — not ESCO, units, "
            "criteria or the alignment evidence, which the query does not touch.",
            "",
        ]
        ours_line = (
            f"| ours (`/sparql`, pyoxigraph on disk, 1 worker) | {_ms(ours_single['p50_ms'])} | "
            f"{_ms(ours_single['p90_ms'])} | {_ms(ours_single['p99_ms'])} | "
            f"{ours_single['rps']:,.0f} |"
        )
        header = [
            "| SPARQL `equivalents-of-standard`, one connection | p50 ms | p90 ms | p99 ms | "
            "req/s |",
            "|---|---:|---:|---:|---:|",
        ]
        if "run" in rd:
            run = rd["run"]
            ratio = run["p50_ms"] / ours_single["p50_ms"]
            lines += [
                f"Each query was sent once before measuring (its cache of 128 parsed queries "
                f"then holds all {len(checked)}); identical rows for {same} of {len(checked)}.",
                "",
                *header,
                ours_line,
                f"| rdflib-endpoint (rdflib in memory) | {_ms(run['p50_ms'])} | "
                f"{_ms(run['p90_ms'])} | {_ms(run['p99_ms'])} | {run['rps']:,.1f} |",
                "",
                f"Ratio of the p50s: rdflib-endpoint / ours = {ratio:,.0f}×.",
            ]
        else:
            spent = rd["no_answer_after_s"]
            bound = spent * 1000 / ours_single["p50_ms"]
            answered = (
                f" ({len(checked)} answered first, identical rows for {same})" if checked else ""
            )
            lines += [
                f"rdflib-endpoint gave no answer: {rd['no_answer']}{answered}. rdflib joins "
                "lazily (passing bindings down) only when a join has no join below it; in this "
                "query the join with `?mapping a eq:Mapping . ?other eq:country ?c` is not, so "
                "rdflib evaluates that pattern alone — every mapping times every standard, "
                f"{s['mappings']:,} × {s['standards']:,} ≈ "
                f"{s['mappings'] * s['standards'] / 1e9:.1f} billion solutions — before "
                f"joining. Ratio of the p50s: rdflib-endpoint / ours > {bound:,.0f}× "
                f"({spent:.0f} s against {_ms(ours_single['p50_ms'])} ms).",
                "",
                *header,
                ours_line,
                f"| rdflib-endpoint (rdflib in memory) | > {spent * 1000:,.0f} | | | "
                f"< {1 / spent:.3f} |",
            ]
    elif isinstance(rd, str):
        lines += ["", f"rdflib-endpoint: {rd}."]
    lines += _slice_section(doc)
    return "\n".join(lines)


def _slice_section(doc: dict[str, Any]) -> list[str]:
    """The measured comparison with rdflib-endpoint on the slice both can answer."""
    sl = doc.get("rdflib_slice")
    if not isinstance(sl, dict):
        return []
    data = doc["data"].get("rdflib_slice") or {}
    checked = sl.get("checked", [])
    same = sum(1 for c in checked if c["same_rows"])
    as_full = [c for c in checked if c.get("same_as_full_store") is not None]
    lines = [
        "",
        f"Measured on a slice rdflib-endpoint can answer: the first {sl['standards']} standards "
        f"of the SPARQL sample, the {data.get('mappings', 0):,} mappings that have one of them "
        f"as subject or object and the {data.get('all_standards', 0):,} standards they join — "
        f"{sl['triples']:,} quads with the predicates above, so that the query gives these "
        "standards the rows it gives them on the full store"
        + (
            f" (checked: the same rows as over the full store for "
            f"{sum(1 for c in as_full if c['same_as_full_store'])} of {len(as_full)})"
            if as_full
            else ""
        )
        + ". Ours: a store loaded with just the slice, one read-only worker; rdflib-endpoint: "
        f"the same N-Quads in an rdflib `Dataset` (parsing took {sl['load_seconds']:.1f} s). "
        f"The same query for the same {sl['standards']} standards, one connection each; "
        f"identical rows for {same} of {len(checked)}.",
        "",
    ]
    if "no_answer" in sl:
        return [
            *lines,
            f"rdflib-endpoint gave no answer on the slice either: {sl['no_answer']} "
            f"(after {sl['no_answer_after_s']:.0f} s).",
        ]
    ours, theirs = sl["ours"], sl["rdflib"]
    return [
        *lines,
        "| SPARQL `equivalents-of-standard` on the slice, one connection | p50 ms | p90 ms | "
        "p99 ms | req/s |",
        "|---|---:|---:|---:|---:|",
        f"| ours (`/sparql`, pyoxigraph on disk, 1 worker) | {_ms(ours['p50_ms'])} | "
        f"{_ms(ours['p90_ms'])} | {_ms(ours['p99_ms'])} | {ours['rps']:,.0f} |",
        f"| rdflib-endpoint (rdflib in memory) | {_ms(theirs['p50_ms'])} | "
        f"{_ms(theirs['p90_ms'])} | {_ms(theirs['p99_ms'])} | {theirs['rps']:,.1f} |",
        "",
        f"Ratio of the p50s on the slice: rdflib-endpoint / ours = {sl['ratio']:,.1f}×.",
    ]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child-rdflib"]:
        _child_rdflib(argv[1], int(argv[2]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--standards", type=int, default=2000, help="generated, per country")
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    parser.add_argument("--workers", default="1,2", help="worker counts to try, e.g. 1,2")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--rate", type=float, default=1000.0, help="paced equivalents req/s")
    parser.add_argument("--sparql-sample", type=int, default=100, help="standards queried")
    parser.add_argument("--search-sample", type=int, default=300, help="search requests")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench" / "api-load")
    parser.add_argument("--rebuild", action="store_true", help="build the store again")
    parser.add_argument("--no-rdflib", action="store_true", help="skip rdflib-endpoint")
    parser.add_argument(
        "--rdflib-timeout", type=float, default=120.0, help="seconds rdflib-endpoint gets a query"
    )
    parser.add_argument(
        "--rdflib-memory-gib", type=float, default=8.0, help="address-space cap of its process"
    )
    parser.add_argument(
        "--rdflib-slice",
        type=int,
        default=10,
        help="sampled standards whose mappings make the slice both endpoints are measured on "
        "(0: no slice comparison)",
    )
    parser.add_argument(
        "--max-busy", type=float, default=0.4, help="wait for fewer busy cores before a run"
    )
    parser.add_argument("--max-wait", type=float, default=60.0, help="seconds to wait for that")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/benchmarks.md")
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite the doc section from the last results"
    )
    args = parser.parse_args(argv)
    if args.report_only:
        section = _section(json.loads(RESULTS.read_text(encoding="utf-8")))
        print(section)
        if not args.no_write:
            write_section(BEGIN, END, HEADING, section, DOC)
        return 0
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not on the PATH (Debian/Ubuntu: apt-get install wrk)")
    # Ctrl-C raises KeyboardInterrupt; make SIGTERM and SIGHUP unwind the same way
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda n, _: (_ for _ in ()).throw(KeyboardInterrupt(n)))
    work = args.work.resolve()
    doc: dict[str, Any] = {
        "standards": args.standards,
        "duration": args.duration,
        "connections": args.connections,
        "max_busy": args.max_busy,
        "max_wait": args.max_wait,
    }
    doc["store"] = build_store(work, args.data, args.standards, rebuild=args.rebuild)
    log("data: sizes, request lists and the rdflib dump")
    doc["data"] = prepare(
        work,
        sparql_sample=args.sparql_sample,
        search_sample=args.search_sample,
        seed=args.seed,
        slice_size=min(args.rdflib_slice, args.sparql_sample),
    )
    log(f"data: {json.dumps(doc['data']['sizes'])}")
    bench = Bench(args, work)
    doc["servers"] = [bench.ours(int(n)) for n in args.workers.split(",")]
    ours_rows = next((s["sparql_rows"] for s in doc["servers"] if "sparql_rows" in s), None)
    if args.no_rdflib:
        doc["rdflib_endpoint"] = "not measured (--no-rdflib)"
    elif ours_rows is None:
        doc["rdflib_endpoint"] = "not measured: our /sparql route is missing"
        log(f"rdflib-endpoint: {doc['rdflib_endpoint']}")
    else:
        doc["rdflib_endpoint"] = bench.rdflib(ours_rows)
        if args.rdflib_slice > 0:
            doc["rdflib_slice"] = bench.rdflib_slice(ours_rows)
    doc.update(
        date=datetime.now(UTC).date().isoformat(),
        machine=f"{platform.machine()}, {os.cpu_count()} cores",
        python=platform.python_version(),
        commit=_commit(),
        versions=_versions(),
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    section = _section(doc)
    print(section)
    if not args.no_write:
        write_section(BEGIN, END, HEADING, section, DOC)
    return 0


if __name__ == "__main__":
    sys.exit(main())
