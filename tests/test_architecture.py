"""Rules of the code base that a reviewer would otherwise have to remember."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PY_FILES = sorted([*(ROOT / "src").rglob("*.py"), *(ROOT / "api").rglob("*.py")])
SPARQL_QUERY = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\s+(\?|\*|\{|WHERE|DISTINCT)")


@pytest.mark.parametrize("path", PY_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_python_file_holds_a_sparql_query(path: Path) -> None:
    assert not SPARQL_QUERY.search(path.read_text(encoding="utf-8")), (
        f"{path}: SPARQL queries live in queries/*.rq"
    )


def test_the_library_never_imports_the_web_layer() -> None:
    for path in (ROOT / "src" / "equivalence").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+(fastapi|api)\b", text, re.MULTILINE), path


def test_iris_are_spelled_only_in_vocab() -> None:
    for path in (ROOT / "src" / "equivalence").rglob("*.py"):
        if path.name == "vocab.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "https://w3id.org/equivalence/" not in text, f"{path} spells a project IRI"
