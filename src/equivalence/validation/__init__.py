"""SHACL validation of submitted country data, and the reports agencies read."""

from equivalence.validation.model import Comparison, Severity, ValidationReport, ValidationResult
from equivalence.validation.validator import (
    Submission,
    read_submission,
    validate_paths,
    validate_quads,
    validate_submission,
)

__all__ = [
    "Comparison",
    "Severity",
    "Submission",
    "ValidationReport",
    "ValidationResult",
    "read_submission",
    "validate_paths",
    "validate_quads",
    "validate_submission",
]
