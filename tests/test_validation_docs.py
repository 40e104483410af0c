"""docs/validation.md lists every rule the shapes define, so that an agency can look any rule up."""

from __future__ import annotations

from pathlib import Path

from equivalence.validation.shapes import project_constraints

DOC = Path(__file__).resolve().parents[1] / "docs" / "validation.md"


def test_every_rule_is_documented_with_its_severity() -> None:
    text = DOC.read_text(encoding="utf-8")
    for constraint in project_constraints():
        row = next(
            (line for line in text.splitlines() if line.startswith(f"| `{constraint.rule}` |")),
            None,
        )
        assert row is not None, f"{constraint.rule} is not in docs/validation.md"
        assert f"| {constraint.severity.value} |" in row, constraint.rule
