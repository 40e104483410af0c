"""Building the comparative report from a store into a folder: the document and its CSV files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from equivalence.errors import InputError
from equivalence.report.csvfiles import write_tables
from equivalence.report.document import Report
from equivalence.report.facts import gather
from equivalence.report.html import render_html
from equivalence.report.labels import FORMATS, LANGS, REPORT_NAME
from equivalence.report.model import ReportData
from equivalence.report.sections import build_document
from equivalence.store.base import TripleStore

__all__ = [
    "FORMATS",
    "REPORT_NAME",
    "BuiltReport",
    "build_report",
    "check_target",
    "has_standards",
    "write_report",
]


@dataclass(frozen=True, slots=True)
class BuiltReport:
    """What was written: the document (`report.html` or `report.pdf`) and the CSV files."""

    document: Path
    tables: tuple[Path, ...]
    data: ReportData
    report: Report


def check_target(folder: Path, fmt: str, lang: str) -> None:
    """Raises `InputError` for an unknown format or language, or a path that is not a folder."""
    if fmt not in FORMATS:
        raise InputError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    if lang not in LANGS:
        raise InputError(f"unknown report language {lang!r}; use one of {', '.join(LANGS)}")
    if folder.exists() and not folder.is_dir():
        raise InputError("not a folder: the report is written into a folder", file=folder)


def has_standards(data: ReportData) -> bool:
    """Whether the store held any competency standard (else the report has nothing to say)."""
    return any(totals.standards for totals in data.totals) or bool(data.standards)


def write_report(report: Report, folder: Path, fmt: str = "html") -> tuple[Path, list[Path]]:
    """Writes a built document and its CSV files into `folder` (created if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = write_tables(report, folder)
    document = folder / f"{REPORT_NAME}.{fmt}"
    if fmt == "pdf":
        from equivalence.report.pdf import write_pdf

        write_pdf(report, document)
    else:
        document.write_text(render_html(report), encoding="utf-8")
    return document, tables


def build_report(
    store: TripleStore,
    folder: Path,
    *,
    fmt: str = "html",
    lang: str = "es",
    now: datetime | None = None,
) -> BuiltReport:
    """Reads the store through the named queries and writes the report into `folder`.

    Raises `InputError` for an unknown format or language, or a path that is not a folder.
    """
    check_target(folder, fmt, lang)
    data = gather(store, now=now)
    report = build_document(data, lang)
    document, tables = write_report(report, folder, fmt)
    return BuiltReport(document, tuple(tables), data, report)
