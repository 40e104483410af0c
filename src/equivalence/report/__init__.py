"""The comparative report of the four national systems, built from the graph alone.

    from equivalence.report import build_report
    built = build_report(store, Path("informe"), fmt="html", lang="es")

`gather` reads the facts through named queries (`queries/report-*.rq` and a few shared ones),
`build_document` turns them into sections of paragraphs, tables and charts, and the writers
render them: one self-contained HTML page (or a PDF) and one CSV file per table. See
docs/report.md.

The names below are imported when first used, so that importing the package (as the command
line does for its parser) does not load matplotlib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from equivalence.report.build import (
        BuiltReport,
        build_report,
        check_target,
        has_standards,
        write_report,
    )
    from equivalence.report.document import Chart, Column, Paragraph, Report, Section, Table
    from equivalence.report.facts import gather, parse_summary
    from equivalence.report.model import ReportData
    from equivalence.report.sections import build_document

from equivalence.report.labels import FORMATS, LANGS, REPORT_NAME

__all__ = [
    "FORMATS",
    "LANGS",
    "REPORT_NAME",
    "BuiltReport",
    "Chart",
    "Column",
    "Paragraph",
    "Report",
    "ReportData",
    "Section",
    "Table",
    "build_document",
    "build_report",
    "check_target",
    "gather",
    "has_standards",
    "parse_summary",
    "write_report",
]

_HOME = {
    "BuiltReport": "build",
    "build_report": "build",
    "check_target": "build",
    "has_standards": "build",
    "write_report": "build",
    "Chart": "document",
    "Column": "document",
    "Paragraph": "document",
    "Report": "document",
    "Section": "document",
    "Table": "document",
    "gather": "facts",
    "parse_summary": "facts",
    "ReportData": "model",
    "build_document": "sections",
}


def __getattr__(name: str) -> object:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
