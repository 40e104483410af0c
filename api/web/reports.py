"""The validation report as the page shows it: grouped by standard, counted per severity and
per rule, every message in the page's language; and why an upload could not be read, without the
server's temporary folders."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Final

from api.web.i18n import Translator
from equivalence.errors import InputError, InvalidSourceError
from equivalence.validation.model import Severity, ValidationReport, ValidationResult

__all__ = [
    "MAX_INPUT_PROBLEMS",
    "MAX_REPORT_ROWS",
    "ReportView",
    "ResultGroup",
    "ResultRow",
    "RuleRow",
    "file_name",
    "input_problems",
    "report_view",
    "scrub",
    "severity_count",
]

MAX_REPORT_ROWS: Final = 2000
"""The most results a report page lists; the downloads always hold all of them."""


@dataclass(frozen=True, slots=True)
class ResultRow:
    severity: str  # Violation, Warning, Info (for a CSS class)
    severity_text: str
    where: str
    field: str
    value: str
    message: str
    location: str
    status: str


@dataclass(frozen=True, slots=True)
class ResultGroup:
    anchor: str
    label: str
    counts: str
    rows: tuple[ResultRow, ...]


@dataclass(frozen=True, slots=True)
class RuleRow:
    rule: str
    severity: str
    severity_text: str
    count: int
    example: str


@dataclass(frozen=True, slots=True)
class ReportView:
    conforms: bool
    counts: tuple[tuple[str, str], ...]  # (severity, "2 violaciones")
    inputs: tuple[str, ...]
    countries: tuple[str, ...]
    standards: int
    comparison: str
    has_status: bool
    rules: tuple[RuleRow, ...]
    groups: tuple[ResultGroup, ...]
    shown: int
    total: int


_UPLOAD_FOLDER: Final = re.compile(
    r"[^\s'\"]*equivalence-upload-[^/\\\s'\"]+(?:[/\\]files)?(?:[/\\]template)?[/\\]?"
)
MAX_INPUT_PROBLEMS: Final = 20


def scrub(text: str) -> str:
    """`text` without the server's temporary upload folder (file names are kept)."""
    return _UPLOAD_FOLDER.sub("", text)


def input_problems(error: InputError, t: Translator) -> tuple[str, ...]:
    """Why an upload could not be read, one line per problem: file name, line, column, what."""
    problems = error.problems if isinstance(error, InvalidSourceError) else [error]
    lines = []
    for problem in problems[:MAX_INPUT_PROBLEMS]:
        where = [file_name(problem.file)] if problem.file else []
        if problem.line is not None:
            where.append(t("val.line", n=problem.line))
        if problem.column is not None:
            where.append(t("val.column", name=problem.column))
        text = scrub(problem.message).strip()
        lines.append(f"{', '.join(where)}: {text}" if where else text)
    if len(problems) > MAX_INPUT_PROBLEMS:
        lines.append(t("val.more", n=len(problems) - MAX_INPUT_PROBLEMS))
    return tuple(lines)


def file_name(path: str | None) -> str:
    """The last part of a path: a report never shows the server's temporary folders."""
    return PurePath(path.replace("\\", "/")).name if path else ""


def _order(result: ValidationResult) -> tuple[int, str, str, str, int, str]:
    return (
        result.severity.rank,
        result.unit or "",
        result.criterion or "",
        result.field or "",
        result.line or 0,
        result.rule,
    )


def _where(result: ValidationResult, t: Translator) -> str:
    parts = []
    if result.unit:
        parts.append(t("val.unit", code=result.unit))
    if result.criterion:
        parts.append(t("val.criterion", code=result.criterion))
    return ", ".join(parts) or t("val.standard_itself")


def _location(result: ValidationResult, t: Translator) -> str:
    parts = [file_name(result.file)] if result.file else []
    if result.line is not None:
        parts.append(t("val.line", n=result.line))
    if result.column:
        parts.append(t("val.column", name=result.column))
    return ", ".join(parts)


def _row(result: ValidationResult, status: str, lang: str, t: Translator) -> ResultRow:
    return ResultRow(
        severity=result.severity.value,
        severity_text=t("severity." + result.severity.value),
        where=_where(result, t),
        field=result.field or "",
        value=result.value if result.value is not None else "",
        message=result.message(lang),
        location=_location(result, t),
        status=t("val.status." + status) if status else "",
    )


def severity_count(severity: Severity, n: int, t: Translator) -> str:
    """``1 violación``, ``3 violaciones`` …"""
    return t(("severity_one." if n == 1 else "severity_count.") + severity.value, n=n)


def _counts(results: Sequence[ValidationResult], t: Translator) -> str:
    found = [
        severity_count(s, n, t)
        for s in Severity
        if (n := sum(1 for r in results if r.severity is s))
    ]
    return ", ".join(found)


def _statuses(report: ValidationReport) -> list[str]:
    """Each result's status against the accepted data ('new', 'persisting'), or ''."""
    if report.comparison is None:
        return [""] * len(report.results)
    persisting: dict[tuple[str, ...], int] = defaultdict(int)
    for result in report.comparison.persisting:
        persisting[result.key] += 1
    statuses: list[str] = []
    for result in report.results:
        if persisting[result.key] > 0:
            persisting[result.key] -= 1
            statuses.append("persisting")
        else:
            statuses.append("new")
    return statuses


def _groups(report: ValidationReport, lang: str, t: Translator) -> tuple[ResultGroup, ...]:
    by_standard: dict[tuple[str, str], list[tuple[ValidationResult, str]]] = defaultdict(list)
    for result, status in zip(report.results, _statuses(report), strict=True):
        by_standard[(result.country or "", result.standard or "")].append((result, status))
    ordered = sorted(by_standard, key=lambda key: (key == ("", ""), key))
    budget = MAX_REPORT_ROWS
    groups: list[ResultGroup] = []
    for number, key in enumerate(ordered, start=1):
        found = sorted(by_standard[key], key=lambda pair: _order(pair[0]))
        label = " ".join(part for part in key if part) or t("val.other")
        rows = tuple(_row(r, s, lang, t) for r, s in found[: max(budget, 0)])
        budget -= len(rows)
        groups.append(
            ResultGroup(f"standard-{number}", label, _counts([r for r, _ in found], t), rows)
        )
    return tuple(groups)


def _rules(report: ValidationReport, lang: str, t: Translator) -> tuple[RuleRow, ...]:
    first: dict[str, ValidationResult] = {}
    for result in sorted(report.results, key=lambda r: r.severity.rank):
        first.setdefault(result.rule, result)
    counts = report.by_rule()
    rules = sorted(counts, key=lambda rule: (first[rule].severity.rank, -counts[rule], rule))
    return tuple(
        RuleRow(
            rule,
            first[rule].severity.value,
            t("severity." + first[rule].severity.value),
            counts[rule],
            first[rule].message(lang),
        )
        for rule in rules
    )


def _comparison_text(report: ValidationReport, t: Translator) -> str:
    comparison = report.comparison
    if comparison is None:
        return ""
    return t(
        "val.comparison",
        baseline=comparison.baseline,
        new=len(comparison.new),
        fixed=len(comparison.fixed),
        persisting=len(comparison.persisting),
    )


def report_view(report: ValidationReport, lang: str, t: Translator) -> ReportView:
    """The report grouped by standard, with counts per severity and per rule."""
    groups = _groups(report, lang, t)
    return ReportView(
        conforms=report.conforms,
        counts=tuple((s.value, severity_count(s, report.count(s), t)) for s in Severity),
        inputs=tuple(file_name(p) for p in report.inputs),
        countries=report.countries,
        standards=report.standards,
        comparison=_comparison_text(report, t),
        has_status=report.comparison is not None,
        rules=_rules(report, lang, t),
        groups=groups,
        shown=sum(len(g.rows) for g in groups),
        total=len(report.results),
    )
