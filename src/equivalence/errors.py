"""Domain errors. Every error the library raises derives from `EquivalenceError` and carries a
stable `code`; the CLI and the HTTP layer translate them at the edge."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

__all__ = [
    "AuthorizationError",
    "ConfigurationError",
    "EquivalenceError",
    "InputError",
    "InvalidSourceError",
    "NotFoundError",
    "QueryError",
    "StoreError",
    "SubmissionRejectedError",
    "UnknownQueryError",
]


class EquivalenceError(Exception):
    """Root of every error the library raises on purpose."""

    code = "equivalence-error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigurationError(EquivalenceError):
    code = "configuration"


class InputError(EquivalenceError):
    """Input that cannot be accepted: unreadable, malformed or inconsistent.

    `location` says where: the file, and the line or row (and column or field) when known;
    `value` is the offending cell or value when there is one, `row` the cells of its row.
    """

    code = "invalid-input"

    def __init__(
        self,
        message: str,
        *,
        file: Path | str | None = None,
        line: int | None = None,
        column: str | int | None = None,
        code: str | None = None,
        value: str | None = None,
        row: Mapping[str, str] | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.row = dict(row) if row is not None else None
        self.line = line
        self.column = column
        self.value = value
        if code is not None:
            self.code = code
        super().__init__(message)

    @property
    def location(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class StoreError(EquivalenceError):
    code = "store"


class QueryError(EquivalenceError):
    """A SPARQL query that cannot run: bad syntax, a missing or ill-typed parameter."""

    code = "query"


class UnknownQueryError(QueryError):
    code = "unknown-query"


class InvalidSourceError(InputError):
    """Several problems found in one source; `problems` lists each with its own location."""

    code = "invalid-source"

    def __init__(self, problems: list[InputError], *, file: Path | str | None = None) -> None:
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s):\n{shown}{more}", file=file)


class AuthorizationError(EquivalenceError):
    """A token that is unknown, revoked, or not allowed to write what it tries to write."""

    code = "forbidden"


class NotFoundError(EquivalenceError):
    """Something asked for by name that does not exist (a submission version, a token id …)."""

    code = "not-found"


class SubmissionRejectedError(EquivalenceError):
    """A submission whose validation found violations; `report` says what (nothing was written)."""

    code = "rejected"

    def __init__(self, message: str, report: object) -> None:
        super().__init__(message)
        self.report = report
