"""Every error as RFC 9457 problem details (`application/problem+json`), never a stack trace.

Domain errors (`equivalence.errors.EquivalenceError` and its subclasses) are translated here, once:
the error's `code` names the problem type, its class decides the HTTP status. FastAPI's request
validation errors, Starlette's HTTP errors and anything unexpected get the same shape.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from equivalence.errors import (
    AuthorizationError,
    ConfigurationError,
    EquivalenceError,
    InputError,
    InvalidSourceError,
    NotFoundError,
    QueryError,
    StoreError,
    SubmissionRejectedError,
    UnknownQueryError,
)
from equivalence.lookup import StandardNotFoundError
from equivalence.validation import ValidationReport
from equivalence.validation.report import to_json as report_json
from equivalence.workspace import ReadOnlyError

__all__ = ["PROBLEM_JSON", "ProblemError", "install_problem_handlers", "problem_response"]

PROBLEM_JSON: Final = "application/problem+json"
PROBLEM_TYPES: Final = "https://w3id.org/equivalence/problems/"
_LOG = logging.getLogger("equivalence.api")

# the first class in this list that the error is an instance of gives the status
_STATUS: Final[tuple[tuple[type[EquivalenceError], int], ...]] = (
    (SubmissionRejectedError, 422),
    (UnknownQueryError, 404),
    (NotFoundError, 404),
    (AuthorizationError, 403),
    (ReadOnlyError, 503),
    (InvalidSourceError, 400),
    (InputError, 400),
    (QueryError, 400),
    (StoreError, 503),
    (ConfigurationError, 500),
)
_TITLES: Final = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    408: "Query timeout",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    500: "Internal error",
    503: "Service unavailable",
}


class ProblemError(Exception):
    """An HTTP-level problem raised by the API layer itself (a bad header, a refused query …)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code or _TITLES.get(status, "error").lower().replace(" ", "-")
        self.headers = headers
        self.extensions = extensions


def status_of(error: EquivalenceError) -> int:
    for kind, status in _STATUS:
        if isinstance(error, kind):
            return status
    return 400


def problem_response(
    request: Request,
    status: int,
    detail: str,
    *,
    code: str,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPES + code,
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "code": code,
    }
    body.update({k: v for k, v in extensions.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _domain_extensions(error: EquivalenceError) -> dict[str, Any]:
    extensions: dict[str, Any] = {}
    if isinstance(error, StandardNotFoundError):
        extensions["suggestions"] = list(error.suggestions)
    if isinstance(error, InvalidSourceError):
        extensions["errors"] = [
            {"location": p.location, "message": p.message, "value": p.value} for p in error.problems
        ]
    elif isinstance(error, InputError):
        extensions["location"] = error.location
    if isinstance(error, SubmissionRejectedError) and isinstance(error.report, ValidationReport):
        extensions["report"] = json.loads(report_json(error.report))
    return extensions


async def _on_domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, EquivalenceError)
    status = status_of(exc)
    if status >= 500:  # 503 (busy, timed out, read-only) is expected under load: a warning
        level = logging.WARNING if status == 503 else logging.ERROR
        _LOG.log(level, "%s on %s: %s", exc.code, request.url.path, exc.message)
    return problem_response(request, status, exc.message, code=exc.code, **_domain_extensions(exc))


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        request, exc.status, exc.detail, code=exc.code, headers=exc.headers, **exc.extensions
    )


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    code = _TITLES.get(exc.status_code, "error").lower().replace(" ", "-")
    headers = dict(exc.headers) if exc.headers else None
    return problem_response(request, exc.status_code, detail, code=code, headers=headers)


async def _on_request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "location": ".".join(str(part) for part in error.get("loc", ())),
            "message": error.get("msg", ""),
        }
        for error in exc.errors()
    ]
    detail = "; ".join(f"{e['location']}: {e['message']}" for e in errors) or "invalid request"
    return problem_response(request, 422, detail, code="invalid-request", errors=errors)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    _LOG.exception("unexpected error on %s", request.url.path)
    return problem_response(
        request, 500, "an unexpected error occurred; it has been logged", code="internal-error"
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(EquivalenceError, _on_domain_error)
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(RequestValidationError, _on_request_validation)
    app.add_exception_handler(Exception, _on_unexpected)
