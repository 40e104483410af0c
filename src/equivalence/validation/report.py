"""Renders a `ValidationReport` for the agency that submitted the data, and compares two reports.

Formats: ``text`` (a summary an officer can read, Spanish by default), ``json``, ``turtle`` (a
standard SHACL ``sh:ValidationReport``) and ``csv`` (one row per result). `compare` matches the
results of a submission against those of the country's accepted data: new, fixed, persisting.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, Final

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from equivalence.rdf import boolean
from equivalence.validation.model import (
    Comparison,
    Severity,
    ValidationReport,
    ValidationResult,
)
from equivalence.vocab import DCTERMS, PREFIXES, RDF, XSD, Namespace, source_record_iri

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_LIMIT",
    "FORMATS",
    "compare",
    "render",
    "to_csv",
    "to_json",
    "to_text",
    "to_turtle",
]

FORMATS: Final = ("text", "json", "turtle", "csv")
DEFAULT_LIMIT: Final = 20
"""How many results `to_text` lists per standard (and among the fixed ones) before '… y N más'."""

CSV_COLUMNS: Final = (
    "severity",
    "rule",
    "country",
    "standard",
    "unit",
    "criterion",
    "field",
    "value",
    "message_es",
    "message_en",
    "file",
    "line",
    "column",
    "focus",
    "path",
    "component",
    "shape",
    "status",
)

NEW: Final = "new"
PERSISTING: Final = "persisting"
FIXED: Final = "fixed"

_RESULT_FIELDS: Final = tuple(f.name for f in fields(ValidationResult))


# --------------------------------------------------------------------------------------------
# Comparison with a baseline
# --------------------------------------------------------------------------------------------


def _split(
    results: Iterable[ValidationResult], others: Iterable[ValidationResult]
) -> tuple[list[ValidationResult], list[ValidationResult]]:
    """`results` split into those matched by a result of `others` (by key, each match used
    once) and those that are not."""
    available = Counter(r.key for r in others)
    matched: list[ValidationResult] = []
    unmatched: list[ValidationResult] = []
    for result in results:
        if available[result.key] > 0:
            available[result.key] -= 1
            matched.append(result)
        else:
            unmatched.append(result)
    return matched, unmatched


def compare(
    current: ValidationReport, baseline: ValidationReport, baseline_name: str
) -> ValidationReport:
    """A copy of `current` whose `comparison` says which results are new, fixed or persisting.

    Results are matched by `ValidationResult.key`, as a multiset: a key found twice now and once
    in the baseline is one persisting result and one new one.
    """
    persisting, new = _split(current.results, baseline.results)
    _, fixed = _split(baseline.results, current.results)
    comparison = Comparison(
        baseline=baseline_name, new=tuple(new), fixed=tuple(fixed), persisting=tuple(persisting)
    )
    return replace(current, comparison=comparison)


def _statuses(report: ValidationReport) -> list[str]:
    """The status of each current result ('new' / 'persisting'), or '' without a comparison."""
    if report.comparison is None:
        return [""] * len(report.results)
    persisting = Counter(r.key for r in report.comparison.persisting)
    statuses: list[str] = []
    for result in report.results:
        if persisting[result.key] > 0:
            persisting[result.key] -= 1
            statuses.append(PERSISTING)
        else:
            statuses.append(NEW)
    return statuses


# --------------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------------


def _result_json(result: ValidationResult, status: str) -> dict[str, Any]:
    out: dict[str, Any] = {name: getattr(result, name) for name in _RESULT_FIELDS}
    out["severity"] = result.severity.value
    if status:
        out["status"] = status
    return out


def _summary_json(report: ValidationReport) -> dict[str, Any]:
    return {
        "violations": report.count(Severity.VIOLATION),
        "warnings": report.count(Severity.WARNING),
        "infos": report.count(Severity.INFO),
        "standards": report.standards,
        "triples": report.triples,
        "seconds": round(report.seconds, 3),
        "inputs": list(report.inputs),
        "countries": list(report.countries),
    }


def _comparison_json(comparison: Comparison) -> dict[str, Any]:
    return {
        "baseline": comparison.baseline,
        "new": len(comparison.new),
        "fixed": [_result_json(r, FIXED) for r in comparison.fixed],
        "persisting": len(comparison.persisting),
    }


def to_json(report: ValidationReport) -> str:
    """The report as JSON: verdict, summary, counts per rule, every result, the comparison."""
    statuses = _statuses(report)
    out: dict[str, Any] = {
        "conforms": report.conforms,
        "summary": _summary_json(report),
        "by_rule": report.by_rule(),
        "results": [_result_json(r, s) for r, s in zip(report.results, statuses, strict=True)],
    }
    if report.comparison is not None:
        out["comparison"] = _comparison_json(report.comparison)
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


def _csv_row(result: ValidationResult, status: str) -> list[str]:
    cells = {name: getattr(result, name) for name in _RESULT_FIELDS}
    cells["severity"] = result.severity.value
    cells["status"] = status
    return ["" if cells[c] is None else str(cells[c]) for c in CSV_COLUMNS]


def to_csv(report: ValidationReport) -> str:
    """One row per result (columns `CSV_COLUMNS`), then the fixed ones with status 'fixed'."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for result, status in zip(report.results, _statuses(report), strict=True):
        writer.writerow(_csv_row(result, status))
    if report.comparison is not None:
        for result in report.comparison.fixed:
            writer.writerow(_csv_row(result, FIXED))
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Words:
    """The words of the text report in one language."""

    conforms: str
    not_conforms: str
    severity: Mapping[Severity, str]
    counted: Mapping[Severity, tuple[str, str]]  # singular, plural
    inputs: str
    countries: str
    stats: str
    by_rule: str
    by_standard: str
    others: str
    no_results: str
    more: str
    comparison: str
    comparison_counts: str
    fixed: str
    unit: str
    criterion: str
    line: str
    column: str


_SPANISH: Final = _Words(
    conforms="La entrega es conforme",
    not_conforms="La entrega NO es conforme",
    severity={
        Severity.VIOLATION: "Violación",
        Severity.WARNING: "Advertencia",
        Severity.INFO: "Informativo",
    },
    counted={
        Severity.VIOLATION: ("violación", "violaciones"),
        Severity.WARNING: ("advertencia", "advertencias"),
        Severity.INFO: ("informativo", "informativos"),
    },
    inputs="Archivos",
    countries="Países",
    stats="Estándares validados: {standards}; tripletas: {triples}; tiempo: {seconds} s",
    by_rule="Resultados por regla",
    by_standard="Resultados por estándar",
    others="Otros",
    no_results="Sin resultados.",
    more="… y {n} más",
    comparison="Comparación con {baseline}",
    comparison_counts="Nuevos: {new}, corregidos: {fixed}, persistentes: {persisting}",
    fixed="Corregidos",
    unit="unidad",
    criterion="criterio",
    line="línea",
    column="columna",
)

_ENGLISH: Final = _Words(
    conforms="The submission conforms",
    not_conforms="The submission does NOT conform",
    severity={
        Severity.VIOLATION: "Violation",
        Severity.WARNING: "Warning",
        Severity.INFO: "Info",
    },
    counted={
        Severity.VIOLATION: ("violation", "violations"),
        Severity.WARNING: ("warning", "warnings"),
        Severity.INFO: ("info message", "info messages"),
    },
    inputs="Files",
    countries="Countries",
    stats="Standards validated: {standards}; triples: {triples}; time: {seconds} s",
    by_rule="Results by rule",
    by_standard="Results by standard",
    others="Other",
    no_results="No results.",
    more="… and {n} more",
    comparison="Comparison with {baseline}",
    comparison_counts="New: {new}, fixed: {fixed}, persisting: {persisting}",
    fixed="Fixed",
    unit="unit",
    criterion="criterion",
    line="line",
    column="column",
)

_EXAMPLE_WIDTH: Final = 80
_INDENT: Final = "  "


def _words(language: str) -> _Words:
    return _ENGLISH if language == "en" else _SPANISH


def _counted(words: _Words, severity: Severity, n: int) -> str:
    singular, plural = words.counted[severity]
    return f"{n} {singular if n == 1 else plural}"


def _verdict(report: ValidationReport, words: _Words) -> str:
    if not report.conforms:
        counts = ", ".join(_counted(words, s, report.count(s)) for s in Severity)
        return f"{words.not_conforms}: {counts}"
    others = [_counted(words, s, report.count(s)) for s in Severity if report.count(s)]
    return f"{words.conforms}: {', '.join(others)}" if others else words.conforms


def _seconds(value: float) -> str:
    return f"{value:.1f}"


def _header(report: ValidationReport, words: _Words) -> list[str]:
    lines = [_verdict(report, words)]
    if report.inputs:
        lines.append(f"{words.inputs}: {', '.join(report.inputs)}")
    if report.countries:
        lines.append(f"{words.countries}: {', '.join(report.countries)}")
    lines.append(
        words.stats.format(
            standards=report.standards, triples=report.triples, seconds=_seconds(report.seconds)
        )
    )
    return lines


def _shorten(text: str, width: int = _EXAMPLE_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _order(result: ValidationResult) -> tuple[int, str, int, str, str, str, str, str, str]:
    """Severity first, then where the result was found."""
    return (
        result.severity.rank,
        result.file or "",
        result.line or 0,
        result.column or "",
        result.unit or "",
        result.criterion or "",
        result.field or "",
        result.rule,
        result.value or "",
    )


def _rules_section(report: ValidationReport, words: _Words, language: str) -> list[str]:
    """One line per rule: id, severity (its most severe result), count, an example message."""
    first: dict[str, ValidationResult] = {}
    for result in sorted(report.results, key=_order):
        first.setdefault(result.rule, result)
    counts = report.by_rule()
    rules = sorted(counts, key=lambda rule: (first[rule].severity.rank, -counts[rule], rule))
    rule_width = max(len(rule) for rule in rules)
    severity_width = max(len(name) for name in words.severity.values())
    lines = [f"{words.by_rule}:"]
    for rule in rules:
        example = first[rule]
        lines.append(
            f"{_INDENT}{rule.ljust(rule_width)}  "
            f"{words.severity[example.severity].ljust(severity_width)}  "
            f"{counts[rule]:>5}  {_shorten(example.message(language))}"
        )
    return lines


def _context(result: ValidationResult, words: _Words, *, standard: bool) -> list[str]:
    """What the result is about: (country and standard,) unit, criterion."""
    parts: list[str] = []
    if standard and (result.country or result.standard):
        parts.append(" ".join(p for p in (result.country, result.standard) if p))
    if result.unit:
        parts.append(f"{words.unit} {result.unit}")
    if result.criterion:
        parts.append(f"{words.criterion} {result.criterion}")
    return parts


def _location(result: ValidationResult, words: _Words) -> str:
    """Where the value was read: file, line, column."""
    parts: list[str] = []
    if result.file:
        parts.append(result.file)
    if result.line is not None:
        parts.append(f"{words.line} {result.line}")
    if result.column:
        parts.append(f"{words.column} {result.column}")
    return ", ".join(parts)


def _result_line(result: ValidationResult, words: _Words, language: str, *, standard: bool) -> str:
    parts = _context(result, words, standard=standard)
    if result.field and result.value is not None:
        parts.append(f"{result.field} = '{result.value}'")
    elif result.field:
        parts.append(result.field)
    elif result.value is not None:
        parts.append(f"'{result.value}'")
    head = " · ".join(parts)
    text = f"{head}: {result.message(language)}" if head else result.message(language)
    where = _location(result, words)
    severity = words.severity[result.severity]
    return f"[{severity}] {text}" + (f" ({where})" if where else "")


def _listed(
    results: Sequence[ValidationResult],
    words: _Words,
    language: str,
    limit: int,
    *,
    standard: bool,
) -> list[str]:
    """The results sorted by severity and location, at most `limit` of them, then '… y N más'.

    `standard`: say which standard each result is about (when they are not grouped by it).
    """
    shown = max(limit, 0)
    ordered = sorted(results, key=_order)
    indent = _INDENT * 2
    lines = [indent + _result_line(r, words, language, standard=standard) for r in ordered[:shown]]
    if len(ordered) > shown:
        lines.append(indent + words.more.format(n=len(ordered) - shown))
    return lines


_Group = tuple[str, str] | None


def _groups(results: Iterable[ValidationResult]) -> dict[_Group, list[ValidationResult]]:
    """Results by (country, standard); those without a standard under None, last."""
    groups: dict[_Group, list[ValidationResult]] = {}
    for result in results:
        key: _Group = (result.country or "", result.standard) if result.standard else None
        groups.setdefault(key, []).append(result)
    return dict(sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or ("", ""))))


def _group_title(key: _Group, results: Sequence[ValidationResult], words: _Words) -> str:
    name = words.others if key is None else " ".join(p for p in key if p)
    counts = Counter(r.severity for r in results)
    summary = ", ".join(_counted(words, s, counts[s]) for s in Severity if counts[s])
    return f"{name} ({summary})"


def _standards_section(
    report: ValidationReport, words: _Words, language: str, limit: int
) -> list[str]:
    lines = [f"{words.by_standard}:"]
    for key, results in _groups(report.results).items():
        lines.append("")
        lines.append(_INDENT + _group_title(key, results, words))
        lines.extend(_listed(results, words, language, limit, standard=key is None))
    return lines


def _comparison_section(
    comparison: Comparison, words: _Words, language: str, limit: int
) -> list[str]:
    lines = [
        f"{words.comparison.format(baseline=comparison.baseline)}:",
        _INDENT
        + words.comparison_counts.format(
            new=len(comparison.new),
            fixed=len(comparison.fixed),
            persisting=len(comparison.persisting),
        ),
    ]
    if comparison.fixed:
        lines.append(f"{_INDENT}{words.fixed}:")
        lines.extend(_listed(comparison.fixed, words, language, limit, standard=True))
    return lines


def to_text(report: ValidationReport, language: str = "es", limit: int = DEFAULT_LIMIT) -> str:
    """A summary an agency officer can read, in Spanish (``language="en"``: English).

    The verdict and counts, the inputs, the count of each rule with an example, then the results
    grouped by standard (at most `limit` per standard), then the comparison with the baseline.
    """
    words = _words(language)
    sections = [_header(report, words)]
    if report.results:
        sections.append(_rules_section(report, words, language))
        sections.append(_standards_section(report, words, language, limit))
    else:
        sections.append([words.no_results])
    if report.comparison is not None:
        sections.append(_comparison_section(report.comparison, words, language, limit))
    return "\n\n".join("\n".join(section) for section in sections) + "\n"


# --------------------------------------------------------------------------------------------
# Turtle (SHACL validation report)
# --------------------------------------------------------------------------------------------

SH: Final = Namespace("http://www.w3.org/ns/shacl#")

# Built once: a Namespace attribute creates a new term on every access.
_TYPE: Final = RDF.type
_REPORT: Final = SH.ValidationReport
_RESULT_CLASS: Final = SH.ValidationResult
_CONFORMS: Final = SH.conforms
_RESULT: Final = SH.result
_FOCUS: Final = SH.focusNode
_PATH: Final = SH.resultPath
_INVERSE: Final = SH.inversePath
_VALUE: Final = SH.value
_SEVERITY: Final = SH.resultSeverity
_COMPONENT: Final = SH.sourceConstraintComponent
_SHAPE: Final = SH.sourceShape
_MESSAGE: Final = SH.resultMessage
_IDENTIFIER: Final = DCTERMS.identifier
_SEVERITIES: Final[Mapping[Severity, NamedNode]] = {s: SH.term(s.value) for s in Severity}
_TEMPLATE_DATASET: Final = "template"
# Few prefixes: focus nodes and shapes stay readable as full IRIs (no escaped local names).
_TURTLE_PREFIXES: Final[Mapping[str, str]] = {
    "sh": str(SH),
    "xsd": str(XSD),
    "dcterms": str(DCTERMS),
    "eq": PREFIXES["eq"],
}
# Conservative: an absolute http(s) IRI without characters an IRI may not contain.
_HTTP_IRI: Final = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


def _iri(text: str | None) -> NamedNode | None:
    if not text:
        return None
    try:
        return NamedNode(text)
    except ValueError:
        return None


def _value_term(value: str) -> NamedNode | Literal:
    """An IRI if the value is plainly an absolute http(s) IRI, else a literal of its text."""
    iri = _iri(value) if _HTTP_IRI.match(value) else None
    return iri if iri is not None else Literal(value)


def _focus_term(result: ValidationResult) -> NamedNode | BlankNode:
    """The SHACL focus, or for a template problem the record (file, row) it was found in."""
    focus = _iri(result.focus)
    if focus is not None:
        return focus
    if result.file:
        return source_record_iri(_TEMPLATE_DATASET, result.file, result.line or 0)
    return BlankNode()


def _path_triples(node: BlankNode, path: str) -> Iterator[Triple]:
    """sh:resultPath: `<p>`, or `[ sh:inversePath <p> ]` for a path written ``^<p>``."""
    inverse = path.startswith("^")
    iri = _iri(path[1:].strip("<>") if inverse else path)
    if iri is None:
        return
    if inverse:
        inverse_node = BlankNode()
        yield Triple(node, _PATH, inverse_node)
        yield Triple(inverse_node, _INVERSE, iri)
    else:
        yield Triple(node, _PATH, iri)


def _turtle_message(result: ValidationResult, language: str) -> str:
    """The message; when there is no focus node, preceded by what it is about and where."""
    message = result.message(language)
    if _iri(result.focus) is not None:
        return message
    words = _words(language)
    about = ", ".join(_context(result, words, standard=True))
    where = _location(result, words)
    if about and where:
        return f"{about} ({where}): {message}"
    return f"{about or where}: {message}" if about or where else message


def _result_triples(node: BlankNode, result: ValidationResult) -> Iterator[Triple]:
    yield Triple(node, _TYPE, _RESULT_CLASS)
    yield Triple(node, _FOCUS, _focus_term(result))
    yield Triple(node, _SEVERITY, _SEVERITIES[result.severity])
    yield Triple(node, _IDENTIFIER, Literal(result.rule))
    if result.path:
        yield from _path_triples(node, result.path)
    if result.value is not None:
        yield Triple(node, _VALUE, _value_term(result.value))
    component, shape = _iri(result.component), _iri(result.shape)
    if component is not None:
        yield Triple(node, _COMPONENT, component)
    if shape is not None:
        yield Triple(node, _SHAPE, shape)
    for language in ("es", "en"):
        yield Triple(node, _MESSAGE, Literal(_turtle_message(result, language), language=language))


def to_turtle(report: ValidationReport) -> str:
    """A SHACL `sh:ValidationReport` in Turtle, messages in Spanish and English.

    Each result carries its rule as `dcterms:identifier`. A template problem has no focus node:
    its focus is the source record of its file and line (line 0: the file as a whole) and its
    messages start with what it is about and where it is.
    """
    root = BlankNode()
    triples = [Triple(root, _TYPE, _REPORT), Triple(root, _CONFORMS, boolean(report.conforms))]
    for result in report.results:
        node = BlankNode()
        triples.append(Triple(root, _RESULT, node))
        triples.extend(_result_triples(node, result))
    data = serialize(triples, format=RdfFormat.TURTLE, prefixes=dict(_TURTLE_PREFIXES))
    assert data is not None
    return data.decode("utf-8")


# --------------------------------------------------------------------------------------------
# Dispatch
# --------------------------------------------------------------------------------------------


def render(
    report: ValidationReport, fmt: str, language: str = "es", *, limit: int = DEFAULT_LIMIT
) -> str:
    """The report in one of `FORMATS`; `language` and `limit` apply to the text format."""
    if fmt == "text":
        return to_text(report, language, limit)
    renderers: Mapping[str, Callable[[ValidationReport], str]] = {
        "json": to_json,
        "turtle": to_turtle,
        "csv": to_csv,
    }
    if fmt not in renderers:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    return renderers[fmt](report)
