"""How one table cell is written: raw in the CSV files, for readers in the HTML and the PDF."""

from __future__ import annotations

from equivalence.report.document import Cell, Column, Table
from equivalence.report.labels import Labels

__all__ = ["csv_value", "display_value", "is_number"]


def csv_value(value: Cell) -> str:
    """The raw value: "" for none, shares and coverages with at most 4 decimals."""
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".")
        return text or "0"
    return str(value)


def display_value(value: Cell, column: Column, table: Table, labels: Labels) -> str:
    """The value as a reader sees it, in the report's language."""
    if value is None:
        return table.empty
    if column.kind == "share" and isinstance(value, int | float):
        return labels.share(float(value))
    if column.kind == "count" and isinstance(value, int):
        return labels.count(value)
    text = str(value)
    if column.kind == "country":
        return labels.country(text)
    if column.kind == "level":
        return labels.level(text)
    if column.words is not None:
        return column.words.get(text, text)
    return text


def is_number(column: Column) -> bool:
    return column.kind in ("count", "share", "number")
