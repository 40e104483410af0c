"""Validating a submission: read it, check it against the shapes, locate every result.

`validate_paths` is what `equivalence validate` runs. The data is the submission's quads plus the
ontology (level schemes, countries, bodies …) and, from the store when one is given, the
reference concepts the submission names (so that occupation codes and ESCO skills can be checked).
Template rows the reader could not turn into RDF are reported too, located by file, line and column.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, wraps
from pathlib import Path
from typing import Final, TypeVar
from urllib.parse import unquote

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple

from equivalence.errors import InputError
from equivalence.io.base import LoadedSource
from equivalence.io.rdf_files import RDF_FORMATS, read_rdf_file
from equivalence.io.template import TemplatePart, read_template_rows
from equivalence.ontology import load_ontology_triples
from equivalence.settings import get_settings
from equivalence.sparql import default_catalogue
from equivalence.store.base import TripleStore
from equivalence.validation.dataset import Dataset, term_of
from equivalence.validation.engine import Finding, run_constraints, subclass_closure
from equivalence.validation.locate import Place, locate
from equivalence.validation.model import Severity, ValidationReport, ValidationResult
from equivalence.validation.queries import (
    ChildProcess,
    InProcess,
    QueryRunner,
    child_process_possible,
)
from equivalence.validation.report import compare
from equivalence.validation.shapes import Constraint, project_constraints
from equivalence.validation.template_messages import template_message
from equivalence.vocab import (
    BASE,
    COUNTRIES,
    DCTERMS,
    EQ,
    GRAPH,
    ID,
    OCCUPATION_SCHEMES,
    RDF,
    SKOS,
    country_graph,
    country_of_graph,
    in_country_data,
)

__all__ = [
    "Submission",
    "read_submission",
    "validate_paths",
    "validate_quads",
    "validate_submission",
]

_REFERENCE_PREDICATES: Final = (EQ.occupation, EQ.relatedSkill)
_CHILD_PROCESS_BYTES: Final = 8 * 2**20
_STANDARD: Final = EQ.CompetencyStandard.value
_IDENTIFIER: Final = DCTERMS.identifier.value
_TEMPLATE_MARKERS: Final = ("standards.csv",)

# (kind of focus node, property path) -> the template column an agency knows it by
_FIELDS: Final[Mapping[tuple[str, str], str]] = {
    ("standard", DCTERMS.identifier.value): "code",
    ("standard", SKOS.prefLabel.value): "title",
    ("standard", EQ.country.value): "country",
    ("standard", RDF.type.value): "country",
    ("standard", EQ.level.value): "level",
    ("standard", EQ.hasUnit.value): "units",
    ("standard", EQ.validFrom.value): "valid_from",
    ("standard", EQ.validTo.value): "valid_to",
    ("standard", EQ.status.value): "status",
    ("standard", EQ.certifyingBody.value): "body",
    ("standard", EQ.sector.value): "sector",
    ("standard", EQ.committee.value): "committee",
    ("standard", EQ.occupation.value): "occupation_code",
    ("standard", DCTERMS.description.value): "description",
    ("unit", DCTERMS.identifier.value): "unit_code",
    ("unit", SKOS.prefLabel.value): "title",
    ("unit", EQ.essential.value): "essential",
    ("unit", EQ.relatedSkill.value): "esco_skills",
    ("unit", EQ.hasCriterion.value): "criteria",
    ("unit", "^" + EQ.hasUnit.value): "standard_code",
    ("unit", DCTERMS.description.value): "description",
    ("criterion", DCTERMS.identifier.value): "criterion_code",
    ("criterion", SKOS.prefLabel.value): "text",
    ("criterion", EQ.criterionKind.value): "kind",
    ("criterion", "^" + EQ.hasCriterion.value): "unit_code",
}
# Fields whose value is a concept of ours: the report shows its last segment (the cell the agency wrote).
_CELL_FIELDS: Final = frozenset({"level", "kind", "status", "country", "body", "occupation_code"})


@dataclass(slots=True)
class Submission:
    """What was read: the quads (each country's in its graph), template row problems, inputs."""

    quads: list[Quad] = field(default_factory=list)
    problems: list[InputError] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    foreign: list[ValidationResult] = field(default_factory=list)
    # where template rows were read, when read without provenance quads: {IRI: (file, line)}
    rows: dict[str, tuple[str, int]] = field(default_factory=dict)

    @property
    def countries(self) -> tuple[str, ...]:
        """The countries whose graphs the quads are in (empty when they went to a sink)."""
        return _country_codes(q.graph_name for q in self.quads)


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def _files_of(path: Path) -> list[Path]:
    """The files one path stands for: a template (folder or .xlsx), an RDF file, or a folder of RDF files."""
    if not path.exists():
        raise InputError("no such file or folder", file=path, code="not-found")
    if path.is_dir():
        if any((path / marker).is_file() for marker in _TEMPLATE_MARKERS):
            return [path]
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in RDF_FORMATS)
        if not files:
            raise InputError(
                "the folder holds neither a template (standards.csv, units.csv, criteria.csv) "
                "nor RDF files (.ttl, .nt, .jsonld, .rdf, .nq, .trig)",
                file=path,
                code="nothing-to-read",
            )
        return files
    if path.suffix.lower() == ".xlsx" or path.suffix.lower() in RDF_FORMATS:
        return [path]
    raise InputError(
        "not a submission: give a template folder or .xlsx workbook, or an RDF file "
        f"({', '.join(sorted(RDF_FORMATS))})",
        file=path,
        code="unknown-format",
    )


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir() if p.is_file())
    return path.stat().st_size


def _check_size(files: Sequence[Path], limit: int) -> None:
    total = sum(_size(p) for p in files)
    if total > limit:
        raise InputError(
            f"the submission has {total:,} bytes, more than the limit of {limit:,} "
            "(EQUIVALENCE_MAX_INPUT_BYTES)",
            file=files[0] if len(files) == 1 else None,
            code="too-large",
        )


def _foreign_subjects(source: LoadedSource, country: str) -> list[ValidationResult]:
    """Statements of an RDF file about resources outside the country's own namespace."""
    seen: set[str] = set()
    results: list[ValidationResult] = []
    for quad in source.quads:
        subject = quad.subject
        if in_country_data(subject, country) or not isinstance(subject, NamedNode):
            continue
        if subject.value in seen:
            continue
        seen.add(subject.value)
        results.append(
            ValidationResult(
                Severity.VIOLATION,
                "submission-namespace",
                f"El archivo describe {subject.value}, que no pertenece a los datos de {country} "
                f"({ID}{country}/…); una entrega solo puede describir los estándares, unidades y "
                "criterios de su país.",
                f"The file describes {subject.value}, which is not part of {country}'s data "
                f"({ID}{country}/…); a submission may only describe its country's standards, "
                "units and criteria.",
                country=country,
                field="subject",
                value=subject.value,
                focus=subject.value,
                file=str(source.path),
                term=subject.value,
            )
        )
    return results


def _read_one(
    path: Path,
    country: str | None,
    submission: Submission,
    *,
    provenance: bool,
    dataset: Dataset | None,
    part: TemplatePart | None = None,
) -> None:
    if path.is_dir() or path.suffix.lower() == ".xlsx":
        if dataset is not None:
            source, problems = read_template_rows(
                path, provenance=False, builders=dataset.builder, part=part
            )
        else:
            source, problems = read_template_rows(path, provenance=provenance)
        submission.problems.extend(problems)
        if submission.rows:
            submission.rows.update(source.rows)
        else:
            submission.rows = source.rows  # the only template, most often: no copy
    else:
        source = read_rdf_file(path, country)
        for code in _country_codes(q.graph_name for q in source.quads):
            submission.foreign.extend(_foreign_subjects(source, code))
    if dataset is not None:
        dataset.add_quads(source.quads)
    else:
        submission.quads.extend(source.quads)
    submission.inputs.append(str(path))


def read_submission(
    paths: Sequence[Path],
    *,
    country: str | None = None,
    max_bytes: int | None = None,
    provenance: bool = True,
    dataset: Dataset | None = None,
    part: TemplatePart | None = None,
) -> Submission:
    """Reads every file of a submission; unreadable input raises `InputError` (nothing is validated).

    `provenance=False` leaves out the source records of template rows (what a dry run needs:
    the shapes check the content; `rows` still says where each resource was read). With a
    `dataset`, what is read goes into it (a template's rows indexed as they are converted,
    without provenance and without building quads) and `quads` stays empty. With a `part`
    (and a `dataset`), only that part of each template is read (`TemplatePart`).
    """
    files = [f for path in paths for f in _files_of(path)]
    if not files:
        raise InputError("nothing to validate: give at least one file or folder", code="no-input")
    _check_size(files, max_bytes if max_bytes is not None else get_settings().max_input_bytes)
    submission = Submission()
    for path in files:
        _read_one(path, country, submission, provenance=provenance, dataset=dataset, part=part)
    return submission


# --------------------------------------------------------------------------------------------
# The data under validation
# --------------------------------------------------------------------------------------------


@cache
def ontology_triples() -> tuple[Triple, ...]:
    """The ontology's triples, read once per process (every validation adds them to its data)."""
    return tuple(load_ontology_triples())


def _referenced(quads: Iterable[Quad]) -> set[NamedNode]:
    return {
        q.object
        for q in quads
        if q.predicate in _REFERENCE_PREDICATES and isinstance(q.object, NamedNode)
    }


@dataclass(frozen=True, slots=True)
class Reference:
    """The concepts of every classification (and of ESCO's skills) loaded in a store, with
    their scheme: read once, before a validation (and before a fork, see `parts.py`)."""

    concepts: tuple[tuple[NamedNode, NamedNode], ...]

    @classmethod
    def of(cls, store: TripleStore | None) -> Reference | None:
        if store is None:
            return None
        rows = default_catalogue().select(store, "validation-reference-concepts").rows
        return cls(
            tuple(
                (concept, scheme)
                for row in rows
                if isinstance(concept := row.get("concept"), NamedNode)
                and isinstance(scheme := row.get("scheme"), NamedNode)
            )
        )

    def facts(self, wanted: set[NamedNode]) -> list[Triple]:
        """For each scheme, one of its concepts (which says it is loaded), and `skos:inScheme`
        for every concept in `wanted` that exists."""
        facts: list[Triple] = []
        witnessed: set[str] = set()
        for concept, scheme in self.concepts:
            if scheme.value not in witnessed or concept in wanted:
                witnessed.add(scheme.value)
                facts.append(Triple(concept, SKOS.inScheme, scheme))
        return facts


def reference_context(store: TripleStore | None, quads: Iterable[Quad]) -> list[Triple]:
    """The reference facts a submission's checks need, from the store.

    For each classification (and ESCO's skills) loaded in the store: one of its concepts, which
    says it is loaded, and `skos:inScheme` for every concept the submission names that exists.
    """
    reference = Reference.of(store)
    return reference.facts(_referenced(quads)) if reference is not None else []


def _add_context(data: Dataset, reference: Reference | None) -> None:
    """The ontology, and the reference facts the data names, next to the data."""
    if reference is not None:
        wanted = {
            NamedNode(o)
            for p in _REFERENCE_PREDICATES
            for o in data.objects_of(p.value)
            if isinstance(o, str) and not o.startswith("_:")
        }
        data.add_triples(GRAPH.ontology, reference.facts(wanted))
    data.add_triples(GRAPH.ontology, ontology_triples())


# --------------------------------------------------------------------------------------------
# Locating results
# --------------------------------------------------------------------------------------------


def _text(term: object) -> str | None:
    if isinstance(term, NamedNode | Literal | BlankNode):
        return term.value
    return None


def _cell(field_name: str | None, value: NamedNode | BlankNode | Literal | None) -> str | None:
    """The value as the agency wrote it: the code of an occupation, the number of a level …"""
    if value is None:
        return None
    if field_name == "occupation_code" and isinstance(value, NamedNode):
        for scheme in OCCUPATION_SCHEMES.values():
            if value.value.startswith(scheme.concept_prefix):
                return unquote(value.value.removeprefix(scheme.concept_prefix))
    if field_name in _CELL_FIELDS and isinstance(value, NamedNode) and value.value.startswith(BASE):
        return value.value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return value.value


def _path_of(finding: Finding) -> str | None:
    return finding.path or finding.constraint.path_text


def _result(finding: Finding, place: Place) -> ValidationResult:
    constraint: Constraint = finding.constraint
    path = _path_of(finding)
    field_name = _FIELDS.get((place.kind, path or ""))
    if field_name is None and path is not None:
        field_name = path.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return ValidationResult(
        constraint.severity,
        constraint.rule,
        finding.message_es,
        finding.message_en,
        country=place.country,
        standard=place.standard,
        unit=place.unit,
        criterion=place.criterion,
        field=field_name,
        value=_cell(field_name, finding.value),
        focus=finding.focus.value if isinstance(finding.focus, NamedNode) else None,
        path=path,
        component=str(constraint.component_iri),
        shape=str(constraint.shape),
        file=place.file,
        line=place.line,
        column=field_name if place.file else None,
        term=finding.value.value if finding.value is not None else None,
    )


def _template_result(problem: InputError) -> ValidationResult:
    column = str(problem.column) if problem.column is not None else None
    es, en = template_message(problem.code, problem.column, problem.value, problem.message)
    row = problem.row or {}
    country = (row.get("country") or "").upper() or None
    standard = row.get("standard_code") or row.get("code") or None
    return ValidationResult(
        Severity.VIOLATION,
        f"template:{problem.code}",
        es,
        en,
        country=country if country in COUNTRIES else None,
        standard=standard,
        unit=row.get("unit_code") or None,
        criterion=row.get("criterion_code") or None,
        field=column,
        value=problem.value,
        file=problem.file,
        line=problem.line,
        column=column,
    )


def _first_code(data: Dataset, node: str) -> str | None:
    """The code of a standard (the first in order, should it have several)."""
    return min(
        (c.value for c in data.objects(node, _IDENTIFIER) if isinstance(c, Literal)), default=None
    )


def _country_results(data: Dataset, country: str) -> list[ValidationResult]:
    """Standards of another country in a submission made for `country`."""
    results: list[ValidationResult] = []
    own = country_graph(country).value
    for node, graph in data.typed(_STANDARD):
        if graph != own:
            other = country_of_graph(term_of(graph) if graph else None) or "?"
            results.append(
                ValidationResult(
                    Severity.VIOLATION,
                    "submission-country",
                    f"El estándar es de {other}, pero la entrega es de {country}: una agencia "
                    "solo puede entregar los estándares de su país.",
                    f"The standard belongs to {other}, but the submission is {country}'s: an "
                    "agency may only submit its own country's standards.",
                    country=other,
                    standard=_first_code(data, node),
                    field="country",
                    value=other,
                    focus=term_of(node).value,
                )
            )
    return results


# --------------------------------------------------------------------------------------------
# Validating
# --------------------------------------------------------------------------------------------


_Validation = TypeVar("_Validation", bound=Callable[..., object])


def _collector_paused(function: _Validation) -> _Validation:
    """Runs `function` with the garbage collector off: it builds millions of acyclic objects,
    which a collection would only walk again. They are freed (by reference counting) when the
    function returns, before the collector is back on; else its next collection would walk
    every one of them, still in the youngest generation (seconds on 10,000 standards)."""

    @wraps(function)
    def paused(*args: object, **kwargs: object) -> object:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused  # type: ignore[return-value]


def _shape_results(
    data: Dataset,
    reference: Reference | None,
    rows: Mapping[str, tuple[str, int]],
    constraints: Sequence[Constraint] | None,
    workers: int,
    queries: QueryRunner | None = None,
) -> list[ValidationResult]:
    _add_context(data, reference)
    index = data.union()
    findings = run_constraints(
        index, constraints or project_constraints(), workers=workers, queries=queries
    )
    places = locate(index, {f.focus for f in findings}, subclass_closure(index), rows)
    return [
        _result(
            f, places.get(f.focus.value, Place()) if isinstance(f.focus, NamedNode) else Place()
        )
        for f in findings
    ]


@_collector_paused
def validate_quads(
    quads: Iterable[Quad],
    *,
    store: TripleStore | None = None,
    constraints: Sequence[Constraint] | None = None,
    workers: int = 2,
    rows: Mapping[str, tuple[str, int]] | None = None,
    reference: Reference | None = None,
) -> list[ValidationResult]:
    """The shape results on these quads (with the ontology and the store's reference facts).

    `rows` locates resources read without provenance quads: {IRI: (file, line)}. `reference`
    is the store's reference concepts when the caller has read them already.
    """
    data = Dataset()
    data.add_quads(quads)
    if reference is None:
        reference = Reference.of(store)
    return _shape_results(data, reference, rows or {}, constraints, workers)


def _standards(data: Dataset) -> int:
    return len(data.typed(_STANDARD))


def _country_codes(graphs: Iterable[object]) -> tuple[str, ...]:
    """The countries of the country graphs among these graph names."""
    return tuple(sorted({c for g in graphs if (c := country_of_graph(g)) is not None}))


def _countries(data: Dataset) -> tuple[str, ...]:
    return _country_codes(data.graph_names())


def sorted_results(results: Iterable[ValidationResult]) -> tuple[ValidationResult, ...]:
    """By severity, where, rule and value; then by focus, path, term, place and message, so that
    the order depends neither on the order the constraints were evaluated in nor on the part
    of the submission that found them (`parts.py`)."""
    return tuple(
        sorted(
            results,
            key=lambda r: (
                r.severity.rank,
                r.country or "",
                r.standard or "",
                r.unit or "",
                r.criterion or "",
                r.rule,
                r.value or "",
                r.focus or "",
                r.path or "",
                r.term or "",
                r.file or "",
                r.line or 0,
                r.column or "",
                r.message_es,
            ),
        )
    )


def _accepted(store: TripleStore, country: str) -> list[Quad]:
    graph = country_graph(country)
    return [Quad(t.subject, t.predicate, t.object, graph) for t in store.triples(graph)]


@_collector_paused
def validate_submission(
    submission: Submission,
    *,
    store: TripleStore | None = None,
    country: str | None = None,
    baseline: bool = True,
    workers: int = 2,
    data: Dataset | None = None,
    queries: QueryRunner | None = None,
) -> ValidationReport:
    """Validates what was read; compares with the country's accepted data when the store has some.

    `data` is the dataset the submission was read into (`read_submission(dataset=…)`); without
    it, the submission's quads are put into a new one. `queries` runs the SPARQL constraints'
    queries (by default in this process).
    """
    started = time.perf_counter()
    if data is None:
        data = Dataset()
        data.add_quads(submission.quads)
    reference = Reference.of(store)
    report = report_of(
        submission, data, reference, country=country, workers=workers, queries=queries
    )
    del data  # the index is freed here, not after the comparison below
    report = replace(report, seconds=time.perf_counter() - started)
    if baseline:
        report = compared_with_accepted(report, store, country, workers, reference)
    return report


def report_of(
    submission: Submission,
    data: Dataset,
    reference: Reference | None,
    *,
    country: str | None,
    workers: int,
    queries: QueryRunner | None = None,
) -> ValidationReport:
    """The report of a submission read into `data` (not compared with accepted data)."""
    countries = _countries(data) or ((country,) if country else ())
    standards, triples = _standards(data), len(data)
    results = [_template_result(p) for p in submission.problems]
    results.extend(submission.foreign)
    if country is not None:
        results.extend(_country_results(data, country))
    results.extend(_shape_results(data, reference, submission.rows, None, workers, queries))
    return ValidationReport(
        sorted_results(results),
        inputs=tuple(submission.inputs),
        countries=countries,
        standards=standards,
        triples=triples,
    )


def compared_with_accepted(
    report: ValidationReport,
    store: TripleStore | None,
    country: str | None,
    workers: int,
    reference: Reference | None = None,
) -> ValidationReport:
    """The report with its results marked new or persisting, and the fixed ones, when the store
    holds accepted data of the submission's one country."""
    only = country or (report.countries[0] if len(report.countries) == 1 else None)
    if store is None or only is None:
        return report
    accepted = _accepted(store, only)
    if not accepted:
        return report
    previous = ValidationReport(
        sorted_results(validate_quads(accepted, store=store, workers=workers, reference=reference))
    )
    return compare(report, previous, f"datos aceptados de {only}")


@_collector_paused
def validate_paths(
    paths: Sequence[Path],
    *,
    store: TripleStore | None = None,
    country: str | None = None,
    baseline: bool = True,
    workers: int = 2,
    query_process: bool | None = None,
    parts: bool | None = None,
) -> ValidationReport:
    """Reads and validates a submission (template folders or workbooks, RDF files).

    Raises `InputError` when the input cannot be read at all; everything else is in the report.
    `query_process` runs the SPARQL constraints' queries in a child process, meanwhile (None:
    when the input has at least 8 MiB and a child can be forked safely, see `queries.py`).
    `parts` reads and validates the templates in two parts at once, one in a child process
    (None: when every input is a template, they have at least 8 MiB and a child can be
    forked safely, see `parts.py`); the report is the same.
    """
    if country is not None:
        country = country.upper()
        if country not in COUNTRIES:
            raise InputError(
                f"unknown country {country!r}; use one of {', '.join(COUNTRIES)}",
                code="unknown-country",
            )
    started = time.perf_counter()
    reference = Reference.of(store)
    if parts is None:
        parts = _in_parts(paths)
    if parts:
        from equivalence.validation.parts import validate_in_parts

        report = validate_in_parts(paths, country=country, reference=reference)
    else:
        with _query_runner(paths, query_process, workers) as queries:
            data = Dataset()
            submission = read_submission(paths, country=country, provenance=False, dataset=data)
            report = report_of(
                submission, data, reference, country=country, workers=workers, queries=queries
            )
            del data
    if baseline:
        report = compared_with_accepted(report, store, country, workers, reference)
    return replace(report, seconds=time.perf_counter() - started)


def _is_template(file: Path) -> bool:
    """Whether one of `_files_of`'s files is a template (a folder is one only if a template)."""
    return file.is_dir() or file.suffix.lower() == ".xlsx"


def _in_parts(paths: Sequence[Path]) -> bool:
    """Whether to validate in two parts: only templates, big enough, a fork possible."""
    files = [f for path in paths for f in _files_of(path)]
    return (
        all(_is_template(f) for f in files)
        and child_process_possible()
        and _input_bytes(paths) >= _CHILD_PROCESS_BYTES
    )


def _input_bytes(paths: Sequence[Path]) -> int:
    return sum(_size(f) for path in paths for f in _files_of(path))


def _query_runner(
    paths: Sequence[Path], query_process: bool | None, workers: int
) -> ChildProcess | InProcess:
    """A child process for the queries of a big input (forked now, while this one is small)."""
    if query_process is None:
        query_process = child_process_possible() and _input_bytes(paths) >= _CHILD_PROCESS_BYTES
    if not query_process:
        return InProcess(workers)
    selects = [c.select for c in project_constraints() if c.component == "sparql"]
    return ChildProcess(workers, selects)
