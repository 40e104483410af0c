"""The report as a document: sections of paragraphs, tables and charts, in one language.

`equivalence.report.sections` builds it from the figures; the HTML, PDF and CSV writers render
it. A table keeps raw values (numbers as numbers, None for "none") and its columns say how to
show them; every table is also one CSV file, named by `Table.name`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal, TypeAlias

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "Block",
    "Cell",
    "Chart",
    "Column",
    "ColumnKind",
    "Paragraph",
    "Report",
    "Section",
    "Table",
]

Cell: TypeAlias = str | int | float | None
ColumnKind = Literal["text", "code", "country", "level", "count", "share", "number"]


@dataclass(frozen=True, slots=True)
class Column:
    """`key` is the CSV header, `label` the heading shown; `kind` how a value is shown.

    `words` translates raw values for display (the CSV keeps the raw value); a `csv_only`
    column is not shown.
    """

    key: str
    label: str
    kind: ColumnKind = "text"
    words: Mapping[str, str] | None = field(default=None, hash=False)
    csv_only: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """Rows of raw values. `name` is the CSV file's stem; `shown` limits the rows shown in the
    HTML and PDF (the CSV has them all); `folded` puts the table behind a disclosure."""

    name: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    shown: int | None = None
    folded: bool = False
    empty: str = ""

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


@dataclass(frozen=True, slots=True)
class Chart:
    """A figure: `draw` makes it (a fresh matplotlib Figure each call), `data` names the CSV
    file holding its numbers, `alt` is the text alternative of its image."""

    name: str
    caption: str
    alt: str
    draw: Callable[[], Figure] = field(compare=False)
    data: str = ""


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    note: bool = False


Block: TypeAlias = Paragraph | Table | Chart


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Report:
    lang: str
    title: str
    subtitle: str
    generated_at: datetime
    sections: tuple[Section, ...]
    footer: tuple[str, ...] = ()

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]

    def charts(self) -> list[Chart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]
