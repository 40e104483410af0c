"""A validation report in the representation the client asks for."""

from __future__ import annotations

from typing import Final

from fastapi import Request
from fastapi.responses import Response

from api.negotiation import choose
from equivalence.validation import ValidationReport
from equivalence.validation.report import render

__all__ = ["REPORT_OFFERS", "report_response"]

REPORT_OFFERS: Final = ("application/json", "text/turtle", "text/csv", "text/plain")
_FORMATS: Final = {
    "application/json": "json",
    "text/turtle": "turtle",
    "text/csv": "csv",
    "text/plain": "text",
}


def report_response(
    request: Request,
    report: ValidationReport,
    *,
    language: str,
    format_name: str | None,
    status: int = 200,
) -> Response:
    media_type = choose(request, REPORT_OFFERS, format_name=format_name)
    body = render(report, _FORMATS[media_type], language=language)
    charset = "; charset=utf-8" if media_type.startswith("text/") else ""
    return Response(body, status_code=status, media_type=media_type + charset)
