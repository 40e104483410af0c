"""SHACL validation of submitted country data, and the reports agencies read."""

from equivalence.validation.model import Comparison, Severity, ValidationReport, ValidationResult

__all__ = ["Comparison", "Severity", "ValidationReport", "ValidationResult"]
