"""A validation report carried in the page, so that its download buttons need no server state.

The uploaded files are gone once the report page is rendered, and several server workers do not
share memory; so the page holds the report itself, compressed, in a hidden form field, and the
download buttons post it back to be rendered as JSON, CSV, Turtle or text. What comes back is the
visitor's own report: a tampered one only changes what they download. Server paths never travel:
files are reduced to their names first.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import asdict, fields, replace
from typing import Any, Final

from api.web.reports import file_name
from equivalence.validation.model import (
    Comparison,
    Severity,
    ValidationReport,
    ValidationResult,
)

__all__ = ["decode_report", "encode_report", "public_report"]

_RESULT_FIELDS: Final = frozenset(f.name for f in fields(ValidationResult))


def _public_result(result: ValidationResult) -> ValidationResult:
    return replace(result, file=file_name(result.file) or None) if result.file else result


def public_report(report: ValidationReport) -> ValidationReport:
    """The report with every file reduced to its name (no temporary folder of the server)."""
    comparison = report.comparison
    if comparison is not None:
        comparison = replace(
            comparison,
            new=tuple(map(_public_result, comparison.new)),
            fixed=tuple(map(_public_result, comparison.fixed)),
            persisting=tuple(map(_public_result, comparison.persisting)),
        )
    return replace(
        report,
        results=tuple(map(_public_result, report.results)),
        inputs=tuple(file_name(p) for p in report.inputs),
        comparison=comparison,
    )


def encode_report(report: ValidationReport) -> str:
    """The report as compact JSON, compressed, in URL-safe base64."""
    data = json.dumps(asdict(report), ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(zlib.compress(data.encode("utf-8"), 6)).decode("ascii")


def _result(data: Any) -> ValidationResult:
    if not isinstance(data, dict) or not set(data) <= _RESULT_FIELDS:
        raise ValueError("not a validation result")
    return ValidationResult(**{**data, "severity": Severity(data["severity"])})


def _results(data: Any) -> tuple[ValidationResult, ...]:
    if not isinstance(data, list):
        raise ValueError("not a list of results")
    return tuple(_result(item) for item in data)


def _comparison(data: Any) -> Comparison | None:
    if data is None:
        return None
    return Comparison(
        baseline=str(data["baseline"]),
        new=_results(data["new"]),
        fixed=_results(data["fixed"]),
        persisting=_results(data["persisting"]),
    )


def _inflate(text: str, limit: int) -> bytes:
    inflater = zlib.decompressobj()
    raw = inflater.decompress(base64.urlsafe_b64decode(text.encode("ascii")), limit + 1)
    if len(raw) > limit or inflater.unconsumed_tail:
        raise ValueError("the report is larger than the limit")
    return raw


def decode_report(text: str, *, limit: int) -> ValidationReport | None:
    """The report `encode_report` wrote, or None when `text` is not one (or inflates beyond
    `limit` bytes)."""
    try:
        data = json.loads(_inflate(text, limit))
        return ValidationReport(
            results=_results(data["results"]),
            inputs=tuple(str(p) for p in data["inputs"]),
            countries=tuple(str(c) for c in data["countries"]),
            standards=int(data["standards"]),
            triples=int(data["triples"]),
            seconds=float(data["seconds"]),
            comparison=_comparison(data["comparison"]),
        )
    except (ValueError, TypeError, KeyError, UnicodeError, zlib.error, binascii.Error):
        return None
