"""The report as one self-contained HTML page: styles inline, charts as PNG data URIs.

Accessibility: `lang` on the page, a skip link, one `h1` and numbered `h2` sections listed in a
table of contents, tables with a caption and `th` headers (`scope` col and row), wide tables in
a focusable scrolling region, every chart with a text alternative (and its numbers in the next
table), text #1a1a1a on white and links #0b4f9c (contrast above 7:1), visible focus, a layout
that fits a phone's width.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from html import escape

from matplotlib.figure import Figure

from equivalence.report.cells import display_value, is_number
from equivalence.report.charts import png_bytes
from equivalence.report.document import Block, Chart, Paragraph, Report, Section, Table
from equivalence.report.labels import Labels

__all__ = ["render_html"]

_STYLE = """
:root { color: #1a1a1a; background: #ffffff; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
  "DejaVu Sans", sans-serif; }
.page { max-width: 62rem; margin: 0 auto; padding: 1rem; }
a { color: #0b4f9c; }
a:focus, summary:focus, .table-wrap:focus { outline: 3px solid #b35900; outline-offset: 2px; }
.skip { position: absolute; left: -999rem; }
.skip:focus { left: 1rem; top: 1rem; background: #ffffff; padding: .5rem; z-index: 1; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: .5rem 0; }
h2 { font-size: 1.3rem; margin-top: 2.5rem; padding-top: .5rem; border-top: 2px solid #d0d7e2; }
.subtitle { color: #3d3d3d; margin-top: 0; }
.note { color: #3d3d3d; font-size: .95rem; border-left: 4px solid #d0d7e2; padding-left: .75rem; }
figure { margin: 1.5rem 0; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: .95rem; color: #3d3d3d; margin-top: .25rem; }
.table-wrap { overflow-x: auto; margin: 1rem 0 .25rem; }
table { border-collapse: collapse; font-size: .92rem; min-width: 50%; }
caption { text-align: left; font-weight: 600; padding: .25rem 0 .5rem; }
th, td { border: 1px solid #c4ccd8; padding: .3rem .5rem; vertical-align: top; text-align: left; }
thead th { background: #e8edf4; }
tbody th { font-weight: 600; background: #f6f8fb; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.csv { font-size: .9rem; margin: .25rem 0 1rem; }
details { margin: 1rem 0; }
summary { cursor: pointer; font-weight: 600; }
footer { margin-top: 3rem; font-size: .9rem; color: #3d3d3d; border-top: 1px solid #d0d7e2; }
@media (max-width: 40rem) { body { font-size: 15px; } .page { padding: .6rem; }
  th, td { padding: .25rem .35rem; } }
@media print { .skip, nav { display: none; } h2 { break-before: page; } }
"""

ChartImage = Callable[[Chart], bytes]


def _default_image(chart: Chart) -> bytes:
    figure: Figure = chart.draw()
    return png_bytes(figure)


def render_html(report: Report, *, image: ChartImage = _default_image) -> str:
    """The report as one HTML document (`image` renders a chart as PNG bytes)."""
    labels = Labels(report.lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{report.lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(report.title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f'<a class="skip" href="#main">{escape(labels("skip"))}</a>',
        '<div class="page">',
        "<header>",
        f"<h1>{escape(report.title)}</h1>",
        f'<p class="subtitle">{escape(report.subtitle)}</p>',
        "</header>",
        *_contents(report, labels),
        '<main id="main">',
        *(
            line
            for number, section in enumerate(report.sections)
            for line in _section(section, number, labels, image)
        ),
        "</main>",
        "<footer>",
        *(f"<p>{escape(line)}</p>" for line in report.footer),
        "</footer>",
        "</div>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _heading(section: Section, number: int) -> str:
    return f"{number}. {section.title}" if number else section.title


def _contents(report: Report, labels: Labels) -> Iterator[str]:
    yield '<nav aria-labelledby="contents">'
    yield f'<h2 id="contents">{escape(labels("contents"))}</h2>'
    yield "<ul>"
    for number, section in enumerate(report.sections):
        yield f'<li><a href="#{section.key}">{escape(_heading(section, number))}</a></li>'
    yield "</ul>"
    yield "</nav>"


def _section(section: Section, number: int, labels: Labels, image: ChartImage) -> Iterator[str]:
    yield f'<section id="{section.key}" aria-labelledby="{section.key}-h">'
    yield f'<h2 id="{section.key}-h">{escape(_heading(section, number))}</h2>'
    for block in section.blocks:
        yield from _block(block, labels, image)
    yield "</section>"


def _block(block: Block, labels: Labels, image: ChartImage) -> Iterator[str]:
    if isinstance(block, Paragraph):
        css = ' class="note"' if block.note else ""
        yield f"<p{css}>{escape(block.text)}</p>"
    elif isinstance(block, Chart):
        yield from _chart(block, image)
    else:
        yield from _table(block, labels)


def _chart(chart: Chart, image: ChartImage) -> Iterator[str]:
    data = base64.b64encode(image(chart)).decode("ascii")
    yield f'<figure id="{escape(chart.name)}-chart">'
    yield f'<img src="data:image/png;base64,{data}" alt="{escape(chart.alt)}">'
    yield f"<figcaption>{escape(chart.caption)}</figcaption>"
    yield "</figure>"


def _table(table: Table, labels: Labels) -> Iterator[str]:
    link = escape(table.filename)
    csv_line = (
        f'<p class="csv"><a href="{link}">{escape(labels("csv_link", file=table.filename))}</a></p>'
    )
    if not table.rows:
        yield f'<p class="note"><strong>{escape(table.caption)}</strong>: {escape(labels("no_rows"))}</p>'
        yield csv_line
        return
    if table.folded:
        summary = labels("show_table", rows=labels.count(len(table.rows)))
        yield f"<details><summary>{escape(table.caption)}: {escape(summary)}</summary>"
    yield from _table_body(table, labels)
    if table.shown is not None and len(table.rows) > table.shown:
        more = labels(
            "more_rows",
            shown=labels.count(table.shown),
            total=labels.count(len(table.rows)),
            file=table.filename,
        )
        yield f'<p class="note">{escape(more)}</p>'
    if table.folded:
        yield "</details>"
    yield csv_line


def _table_body(table: Table, labels: Labels) -> Iterator[str]:
    columns = [c for c in table.columns if not c.csv_only]
    index = [table.columns.index(c) for c in columns]
    caption_id = f"{table.name}-caption"
    yield f'<div class="table-wrap" role="region" aria-labelledby="{caption_id}" tabindex="0">'
    yield "<table>"
    yield f'<caption id="{caption_id}">{escape(table.caption)}</caption>'
    yield "<thead><tr>"
    for column in columns:
        css = ' class="num"' if is_number(column) else ""
        yield f'<th scope="col"{css}>{escape(column.label)}</th>'
    yield "</tr></thead>"
    yield "<tbody>"
    rows = table.rows if table.shown is None else table.rows[: table.shown]
    for row in rows:
        cells = []
        for position, (i, column) in enumerate(zip(index, columns, strict=True)):
            text = escape(display_value(row[i], column, table, labels))
            css = ' class="num"' if is_number(column) else ""
            if position == 0:
                cells.append(f'<th scope="row"{css}>{text}</th>')
            else:
                cells.append(f"<td{css}>{text}</td>")
        yield "<tr>" + "".join(cells) + "</tr>"
    yield "</tbody>"
    yield "</table>"
    yield "</div>"
