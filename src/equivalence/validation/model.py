"""What a validation finds: results and reports, as plain frozen dataclasses (no RDF types)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "Comparison",
    "Severity",
    "ValidationReport",
    "ValidationResult",
]


class Severity(StrEnum):
    """SHACL's severities; only a Violation blocks a submission."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @property
    def rank(self) -> int:
        return {"Violation": 0, "Warning": 1, "Info": 2}[self.value]


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """One problem, located so that an agency can find and fix it.

    `rule` is a stable identifier: the local name of the SHACL shape that found it (e.g.
    ``mx-standard-code``) or ``template:CODE`` for a problem the template reader found in a row.
    `field` is the template column when there is one (``code``, ``level`` …), else the compact
    name of the property. `standard`, `unit` and `criterion` are codes; `file`/`line`/`column`
    say where the value was read, when known. `focus`, `path`, `component` and `shape` are IRIs
    (as strings) of the SHACL result, and `term` its full `sh:value` (an IRI or a lexical form,
    where `value` shows what the agency wrote, e.g. ``9`` for a level); they are empty for
    template problems.
    """

    severity: Severity
    rule: str
    message_es: str
    message_en: str
    country: str | None = None
    standard: str | None = None
    unit: str | None = None
    criterion: str | None = None
    field: str | None = None
    value: str | None = None
    focus: str | None = None
    path: str | None = None
    component: str | None = None
    shape: str | None = None
    file: str | None = None
    line: int | None = None
    column: str | None = None
    term: str | None = None

    @property
    def key(self) -> tuple[str, str, str, str, str, str, str]:
        """What makes two results "the same problem" across two versions of a country's data."""
        return (
            self.rule,
            self.country or "",
            self.standard or "",
            self.unit or "",
            self.criterion or "",
            self.field or "",
            self.value or "",
        )

    def message(self, language: str = "es") -> str:
        return self.message_en if language == "en" else self.message_es


@dataclass(frozen=True, slots=True)
class Comparison:
    """Problems compared with the country's accepted data: new, fixed and persisting."""

    baseline: str
    new: tuple[ValidationResult, ...] = ()
    fixed: tuple[ValidationResult, ...] = ()
    persisting: tuple[ValidationResult, ...] = ()


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """Every result of validating one submission (one or more files of one or more countries).

    `standards` counts the standards validated; `inputs` names the files read; `comparison` is
    set when the country already had accepted data.
    """

    results: tuple[ValidationResult, ...]
    inputs: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    standards: int = 0
    triples: int = 0
    seconds: float = 0.0
    comparison: Comparison | None = None

    @property
    def conforms(self) -> bool:
        return not any(r.severity is Severity.VIOLATION for r in self.results)

    def count(self, severity: Severity) -> int:
        return sum(1 for r in self.results if r.severity is severity)

    def by_rule(self) -> dict[str, int]:
        """How many results each rule gave, most frequent first."""
        return dict(Counter(r.rule for r in self.results).most_common())
