"""Use cases shared by the CLI and the HTTP layer."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, Triple

from equivalence.auth import TokenRegistry
from equivalence.errors import EquivalenceError, InputError, QueryError, SubmissionRejectedError
from equivalence.io.base import LoadedSource
from equivalence.ontology import load_ontology_triples, ontology_files
from equivalence.resources import resource_dir
from equivalence.sources import SourceReader, discover
from equivalence.sparql import default_catalogue, parse_query_file, term_text
from equivalence.store.base import SelectResult, TripleStore
from equivalence.submissions import Version, accept, archive_for, rollback
from equivalence.validation import (
    Severity,
    ValidationReport,
    read_submission,
    validate_paths,
    validate_submission,
)
from equivalence.vocab import EQ, GRAPH

__all__ = [
    "LoadReport",
    "LoadedSummary",
    "QueryOutcome",
    "SubmissionOutcome",
    "load_ontology",
    "load_ontology_triples",
    "load_paths",
    "roll_back",
    "run_query",
    "statistics",
    "submit",
    "validate_inputs",
]


@dataclass(frozen=True, slots=True)
class LoadedSummary:
    """What one source put in the store."""

    name: str
    path: str
    counts: Mapping[str, int]
    quads: int
    seconds: float


@dataclass(slots=True)
class LoadReport:
    loaded: list[LoadedSummary] = field(default_factory=list)
    failed: list[tuple[str, EquivalenceError]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def load_ontology(store: TripleStore) -> LoadedSummary:
    """Replaces the ontology graph with the project's `ontology/*.ttl` files, unless it holds them.

    The graph records the SHA-256 digest of the files it came from, so loading again the same
    ontology changes nothing (its blank nodes would otherwise be new ones each time).
    """
    started = time.perf_counter()
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in ontology_files())).hexdigest()
    folder = str(resource_dir("ontology"))
    if default_catalogue().ask(store, "graph-digest", graph=GRAPH.ontology, digest=digest):
        return LoadedSummary("ontology (unchanged)", folder, {}, 0, time.perf_counter() - started)
    triples = load_ontology_triples()
    triples.append(Triple(GRAPH.ontology, EQ.contentDigest, Literal(digest)))
    store.replace_graphs({GRAPH.ontology: triples})
    return LoadedSummary(
        "ontology", folder, {"triples": len(triples)}, len(triples), time.perf_counter() - started
    )


def _write(store: TripleStore, source: LoadedSource, started: float) -> LoadedSummary:
    store.add_quads(source.quads)
    return LoadedSummary(
        source.name,
        str(source.path),
        dict(source.counts),
        len(source.quads),
        time.perf_counter() - started,
    )


def load_paths(
    store: TripleStore,
    paths: Iterable[Path],
    *,
    on_source: Callable[[SourceReader], None] | None = None,
    on_loaded: Callable[[LoadedSummary], None] | None = None,
) -> LoadReport:
    """Loads the ontology, then every source found at `paths`, each one atomically.

    A source that cannot be read is reported in `failed` and leaves the store as it was; the
    other sources are still loaded.
    """
    report = LoadReport()
    report.loaded.append(load_ontology(store))
    readers: list[SourceReader] = []
    for path in paths:
        try:
            readers.extend(discover(path))
        except InputError as exc:
            report.failed.append((str(path), exc))
    for reader in readers:
        if on_source:
            on_source(reader)
        try:
            started = time.perf_counter()
            for source in reader.read():
                summary = _write(store, source, started)
                report.loaded.append(summary)
                if on_loaded:
                    on_loaded(summary)
                started = time.perf_counter()
        except EquivalenceError as exc:
            report.failed.append((reader.label, exc))
    return report


def _rows(result: SelectResult, *keys: str) -> list[dict[str, str]]:
    return [{k: term_text(row.get(k)) for k in keys} for row in result.rows]


def statistics(store: TripleStore) -> dict[str, object]:
    """Counts per country (standards, units, criteria), per level and sector, ESCO and mappings."""
    catalogue = default_catalogue()
    countries: dict[str, dict[str, object]] = {}

    def country(code: str) -> dict[str, object]:
        return countries.setdefault(
            code,
            {"standards": 0, "units": 0, "criteria": 0, "by_level": {}, "by_sector": {}},
        )

    for row in _rows(catalogue.select(store, "stats-country-counts"), "code", "kind", "count"):
        country(row["code"])[row["kind"]] = int(row["count"])
    for row in _rows(
        catalogue.select(store, "stats-standards-per-level"), "code", "level", "standards"
    ):
        by_level = country(row["code"])["by_level"]
        assert isinstance(by_level, dict)
        by_level[row["level"]] = int(row["standards"])
    for row in _rows(
        catalogue.select(store, "stats-standards-per-sector"), "code", "sector", "standards"
    ):
        by_sector = country(row["code"])["by_sector"]
        assert isinstance(by_sector, dict)
        by_sector[row["sector"]] = int(row["standards"])
    reference = {
        row["what"]: int(row["count"])
        for row in _rows(catalogue.select(store, "stats-reference"), "what", "count")
    }
    mappings = _rows(catalogue.select(store, "stats-mappings"), "predicate", "status", "mappings")
    graphs = {
        row["graph"]: int(row["triples"])
        for row in _rows(catalogue.select(store, "stats-graphs"), "graph", "triples")
    }
    return {
        "countries": dict(sorted(countries.items())),
        "reference": reference,
        "mappings": {
            "total": sum(int(m["mappings"]) for m in mappings),
            "by_predicate": mappings,
        },
        "graphs": graphs,
        "triples": sum(graphs.values()),
    }


@dataclass(frozen=True, slots=True)
class QueryOutcome:
    """The result of a named or ad-hoc query: rows for SELECT, a boolean for ASK, or triples."""

    kind: str
    select: SelectResult | None = None
    boolean: bool | None = None
    triples: tuple[Triple, ...] = ()


def run_query(
    store: TripleStore, name_or_file: str, params: Mapping[str, str] | None = None
) -> QueryOutcome:
    """Runs a named query (`queries/NAME.rq`) or a query file, with typed parameters."""
    path = Path(name_or_file)
    if path.suffix == ".rq" and path.is_file():
        query = parse_query_file(path)
    else:
        query = default_catalogue().get(name_or_file)
    if query.is_update:
        raise QueryError(
            f"{query.name!r} is an update that the service runs itself; `query` runs queries only"
        )
    text = query.render(params or {})
    kind = query.kind
    if kind == "ASK":
        return QueryOutcome(kind, boolean=store.ask(text))
    if kind in ("CONSTRUCT", "DESCRIBE"):
        return QueryOutcome(kind, triples=tuple(store.construct(text)))
    return QueryOutcome("SELECT", select=store.select(text))


def validate_inputs(
    store: TripleStore | None, paths: Sequence[Path], *, country: str | None = None
) -> ValidationReport:
    """A dry run of a submission: the validation report, nothing written.

    With a store, occupation codes and ESCO skills are checked against its reference data, and
    the report says which problems are new, fixed or persisting compared with the country's
    accepted data. Raises `InputError` when the input cannot be read.
    """
    return validate_paths(paths, store=store, country=country)


@dataclass(frozen=True, slots=True)
class SubmissionOutcome:
    """An accepted submission: the version it became and its validation report."""

    version: Version
    report: ValidationReport


def _summary(report: ValidationReport) -> str:
    return (
        f"{report.standards} standards, {report.count(Severity.VIOLATION)} violations, "
        f"{report.count(Severity.WARNING)} warnings, {report.count(Severity.INFO)} infos"
    )


def submit(
    store: TripleStore,
    registry: TokenRegistry,
    token: str,
    country: str,
    paths: Sequence[Path],
) -> SubmissionOutcome:
    """A country's new data: authorise, read, validate, and if it conforms, accept it atomically.

    Raises `AuthorizationError` for a token that may not write this country, `InputError` for
    input that cannot be read, and `SubmissionRejectedError` (with the report) when the data has
    violations; in every one of these cases the store is left exactly as it was.
    """
    country = country.upper()
    agent = registry.authorize(token, country)
    submission = read_submission(paths, country=country)
    report = validate_submission(submission, store=store, country=country)
    if not report.conforms:
        raise SubmissionRejectedError(
            f"the submission of {country} has {report.count(Severity.VIOLATION)} violations; "
            "nothing was written",
            report,
        )
    version = accept(
        store, archive_for(store), country, submission.quads, agent, report_summary=_summary(report)
    )
    return SubmissionOutcome(version, report)


def roll_back(
    store: TripleStore, registry: TokenRegistry, token: str, country: str, to_version: int
) -> Version:
    """Makes an earlier version of a country's data current again, as a new version."""
    country = country.upper()
    agent = registry.authorize(token, country)
    return rollback(store, archive_for(store), country, to_version, agent)
