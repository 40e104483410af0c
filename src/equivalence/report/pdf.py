"""The report as a PDF made with matplotlib alone (`PdfPages`): no browser, no system library.

A4 pages in the order of the HTML: headings and paragraphs as text, charts as images at 150 dpi,
tables with their header repeated on each page. Long lists are cut (the CSV files have every
row, and a line says so).
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.image import imread
from matplotlib.patches import Rectangle

from equivalence.report.cells import display_value, is_number
from equivalence.report.charts import INK, png_bytes
from equivalence.report.document import Chart, Column, Paragraph, Report, Table
from equivalence.report.labels import Labels

__all__ = ["write_pdf"]

PAGE: Final = (8.27, 11.69)  # A4, inches
MARGIN: Final = 0.7
WIDTH: Final = PAGE[0] - 2 * MARGIN
CHART_DPI: Final = 150
LIST_ROWS: Final = 150  # rows of a folded list printed before the "see the CSV" line
_POINT: Final = 1 / 72
_CHAR: Final = 0.5  # average character width of body text, in units of the font size
_CELL_CHAR: Final = 0.62  # the same in table cells (bold headers, digits)
_TABLE_SIZE: Final = 7.5
_HEADER: Final = "#e8edf4"


@dataclass
class _Pages:
    """A cursor on the current page; a new A4 page when the next item does not fit."""

    pdf: PdfPages
    labels: Labels
    footer: str
    figure: Figure | None = None
    y: float = 0.0
    number: int = 0

    def page(self) -> Figure:
        if self.figure is None:
            self.new_page()
        assert self.figure is not None
        return self.figure

    def new_page(self) -> None:
        self.flush()
        self.figure = Figure(figsize=PAGE)
        FigureCanvasAgg(self.figure)
        self.number += 1
        self.y = PAGE[1] - MARGIN
        self.figure.text(
            0.5,
            0.4 / PAGE[1],
            f"{self.footer} · {self.number}",
            ha="center",
            fontsize=7,
            color="#555555",
        )

    def flush(self) -> None:
        if self.figure is not None:
            self.pdf.savefig(self.figure)  # type: ignore[no-untyped-call]
            self.figure = None

    def room(self, height: float) -> None:
        if self.figure is None or self.y - height < MARGIN:
            self.new_page()

    def text(self, text: str, size: float, *, bold: bool = False, colour: str = INK) -> None:
        chars = max(20, int(WIDTH / (size * _POINT * _CHAR)))
        line = size * _POINT * 1.45
        for chunk in textwrap.wrap(text, chars) or [""]:
            self.room(line)
            self.page().text(
                MARGIN / PAGE[0],
                (self.y - size * _POINT) / PAGE[1],
                chunk,
                fontsize=size,
                fontweight="bold" if bold else "normal",
                color=colour,
            )
            self.y -= line
        self.y -= size * _POINT * 0.6

    def image(self, png: bytes) -> None:
        picture = imread(io.BytesIO(png), format="png")
        height_px, width_px = picture.shape[0], picture.shape[1]
        width = min(WIDTH * 0.9, width_px / CHART_DPI)
        height = width * height_px / width_px
        self.room(height + 0.1)
        axes = self.page().add_axes(
            (MARGIN / PAGE[0], (self.y - height) / PAGE[1], width / PAGE[0], height / PAGE[1])
        )
        axes.imshow(picture)
        axes.set_axis_off()
        self.y -= height + 0.15


def write_pdf(report: Report, path: Path) -> None:
    """Writes the report as an A4 PDF."""
    labels = Labels(report.lang)
    with PdfPages(path, metadata={"Title": report.title, "Subject": report.subtitle}) as pdf:
        pages = _Pages(pdf, labels, report.title)
        pages.text(report.title, 16, bold=True)
        pages.text(report.subtitle, 10, colour="#3d3d3d")
        for number, section in enumerate(report.sections):
            pages.y -= 0.15
            pages.room(1.2)
            heading = f"{number}. {section.title}" if number else section.title
            pages.text(heading, 13, bold=True)
            for block in section.blocks:
                if isinstance(block, Paragraph):
                    pages.text(block.text, 8.5 if block.note else 9.5)
                elif isinstance(block, Chart):
                    pages.image(png_bytes(block.draw(), dpi=CHART_DPI))
                else:
                    _table(pages, block)
        pages.y -= 0.2
        for line in report.footer:
            pages.text(line, 8, colour="#3d3d3d")
        pages.flush()


# -- tables ----------------------------------------------------------------------------------


def _limit(table: Table) -> int | None:
    if table.shown is not None:
        return table.shown
    return LIST_ROWS if table.folded else None


def _widths(columns: list[Column], rows: list[list[str]]) -> list[float]:
    """Column widths in characters, shrunk (widest first) to fit the page."""
    wanted = [max([len(c.label), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    widths = [float(min(max(w, 4), 48)) + 2 for w in wanted]
    room = WIDTH / (_TABLE_SIZE * _POINT * _CELL_CHAR)
    while sum(widths) > room and max(widths) > 8:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    return [w * room / sum(widths) for w in widths] if sum(widths) > room else widths


def _table(pages: _Pages, table: Table) -> None:
    labels = pages.labels
    columns = [c for c in table.columns if not c.csv_only]
    index = [table.columns.index(c) for c in columns]
    pages.room(0.6)
    pages.text(table.caption, 9.5, bold=True)
    if not table.rows:
        pages.text(labels("no_rows"), 8.5)
        return
    limit = _limit(table)
    kept = table.rows if limit is None else table.rows[:limit]
    cells = [
        [display_value(row[i], c, table, labels) for i, c in zip(index, columns, strict=True)]
        for row in kept
    ]
    widths = _widths(columns, cells)
    header = _Row([c.label for c in columns], widths, header=True)
    header.draw(pages, columns)
    for values in cells:
        row = _Row(values, widths)
        if pages.y - row.height < MARGIN:
            pages.new_page()
            header.draw(pages, columns)
        row.draw(pages, columns)
    pages.y -= 0.08
    if limit is not None and len(table.rows) > limit:
        more = labels(
            "more_rows",
            shown=labels.count(limit),
            total=labels.count(len(table.rows)),
            file=table.filename,
        )
        pages.text(more, 8)
    pages.text(labels("csv_link", file=table.filename), 7.5, colour="#3d3d3d")


class _Row:
    """One table row, its cells wrapped to their column widths (in characters)."""

    line: Final = _TABLE_SIZE * _POINT * 1.35

    def __init__(self, values: list[str], widths: list[float], *, header: bool = False) -> None:
        self.widths = widths
        self.header = header
        self.lines = [
            textwrap.wrap(v, max(int(w) - 2, 3)) or [""]
            for v, w in zip(values, widths, strict=True)
        ]
        self.height = max(len(lines) for lines in self.lines) * self.line + 0.04

    def draw(self, pages: _Pages, columns: list[Column]) -> None:
        pages.room(self.height)
        figure = pages.page()
        top = pages.y
        pages.y -= self.height
        if self.header:
            _band(figure, pages.y, self.height, _HEADER)
        unit = _TABLE_SIZE * _POINT * _CELL_CHAR
        x = MARGIN
        for lines, width, column in zip(self.lines, self.widths, columns, strict=True):
            right = is_number(column)
            for n, text in enumerate(lines):
                figure.text(
                    (x + (width - 1.5) * unit if right else x) / PAGE[0],
                    (top - (n + 1) * self.line) / PAGE[1],
                    text,
                    fontsize=_TABLE_SIZE,
                    fontweight="bold" if self.header else "normal",
                    ha="right" if right else "left",
                    color=INK,
                )
            x += width * unit
        _band(figure, pages.y, 0.004, "#c4ccd8")


def _band(figure: Figure, bottom: float, height: float, colour: str) -> None:
    """A full-width rectangle (inches from the page's bottom)."""
    figure.add_artist(
        Rectangle(
            (MARGIN / PAGE[0], bottom / PAGE[1]),
            WIDTH / PAGE[0],
            height / PAGE[1],
            transform=figure.transFigure,
            facecolor=colour,
            edgecolor="none",
        )
    )
