"""Writes a benchmark's figures into docs/benchmarks.md, between its two markers."""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def write_section(begin: str, end: str, heading: str, section: str, doc: Path = DOC) -> None:
    """Replaces the text between `begin` and `end`, or appends it under `heading`."""
    text = doc.read_text(encoding="utf-8")
    block = f"{begin}\n{section}\n{end}"
    if begin in text and end in text:
        head, _, rest = text.partition(begin)
        _, _, tail = rest.partition(end)
        text = head + block + tail
    else:
        text = text.rstrip() + f"\n\n{heading}\n\n{block}\n"
    doc.write_text(text, encoding="utf-8")
