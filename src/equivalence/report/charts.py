"""The report's charts, drawn with matplotlib on the Agg backend (no display, no pyplot state).

Each function returns a new `Figure`; `png_bytes` renders one for the HTML. Colours are the
Okabe–Ito palette (distinguishable with the common colour-vision deficiencies), and bars also
differ by hatching, so no chart relies on colour alone.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping, Sequence
from typing import Final

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Colormap, to_hex
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

__all__ = [
    "COUNTRY_COLOURS",
    "bar_groups",
    "heat_map",
    "horizontal_bars",
    "level_ladder",
    "png_bytes",
    "stacked_bars",
]

COUNTRY_COLOURS: Final[Mapping[str, str]] = {
    "CL": "#0072B2",
    "CO": "#E69F00",
    "MX": "#009E73",
    "PE": "#CC79A7",
}
SERIES_COLOURS: Final = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
HATCHES: Final = ("", "//", "..", "xx", "\\\\", "++")
INK: Final = "#1a1a1a"
WIDTH: Final = 6.8
DPI: Final = 110
_LABEL_WIDTH: Final = 36


def _figure(height: float, width: float = WIDTH) -> Figure:
    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def png_bytes(figure: Figure, dpi: int = DPI) -> bytes:
    """The figure as a PNG image."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def _wrap(label: str, width: int = _LABEL_WIDTH, lines: int = 2, suffix: str = "") -> str:
    """A label on at most `lines` lines, shortened with "…" so that `suffix` always shows."""
    room = width * lines
    while True:
        short = label if room >= len(label) else textwrap.shorten(label, room, placeholder=" …")
        wrapped = textwrap.wrap(f"{short} {suffix}".strip(), width) or [""]
        if len(wrapped) <= lines or room <= width // 2:
            return "\n".join(wrapped[:lines])
        room -= 3


def _legend(figure: Figure, entries: int) -> None:
    """The legend below the plot, where it never hides a bar."""
    figure.legend(loc="outside lower center", frameon=False, fontsize=10, ncols=min(entries, 4))


def _text_colour(background: str) -> str:
    """White or near-black, whichever reads better on the background (WCAG luminance)."""
    red, green, blue = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return "white" if (1.05 / (luminance + 0.05)) >= (luminance + 0.05) / 0.05 else INK


def _title(title: str) -> str:
    return textwrap.fill(title, 64)


def _style(axes: Axes, title: str) -> None:
    axes.set_title(_title(title), loc="left", fontsize=12, color=INK)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(colors=INK, labelsize=10)


def bar_groups(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[int]],
    colours: Mapping[str, str],
    *,
    ylabel: str = "",
) -> Figure:
    """Grouped vertical bars: one group per category, one bar per series (e.g. country)."""
    figure = _figure(4.2)
    axes = figure.add_subplot()
    count = max(len(series), 1)
    width = 0.8 / count
    for i, (name, values) in enumerate(series.items()):
        offsets = [x - 0.4 + width * (i + 0.5) for x in range(len(categories))]
        axes.bar(
            offsets,
            values,
            width,
            label=name,
            color=colours.get(name, SERIES_COLOURS[i % len(SERIES_COLOURS)]),
            hatch=HATCHES[i % len(HATCHES)],
            edgecolor="white",
        )
    axes.set_xticks(range(len(categories)), list(categories))
    axes.set_ylabel(ylabel, color=INK)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    _legend(figure, count)
    _style(axes, title)
    return figure


def horizontal_bars(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    colour: str = SERIES_COLOURS[0],
    percent: bool = False,
    annotations: Sequence[str] | None = None,
) -> Figure:
    """Horizontal bars, first label at the top, each bar annotated with its value."""
    figure = _figure(max(1.6, 0.42 * len(labels) + 0.9))
    axes = figure.add_subplot()
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, values, color=colour, edgecolor="white")
    axes.set_yticks(positions, [_wrap(label) for label in labels])
    notes = annotations or [str(v) for v in values]
    for y, value, note in zip(positions, values, notes, strict=True):
        axes.annotate(
            note,
            (value, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            color=INK,
        )
    if percent:
        axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        axes.set_xlim(0, 1.08)
    else:
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlim(0, max([*values, 1]) * 1.15)
    _style(axes, title)
    return figure


def stacked_bars(
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[int]],
    *,
    horizontal: bool = False,
) -> Figure:
    """Bars stacked by series (e.g. predicates), one bar per label."""
    height = max(2.0, 0.5 * len(labels) + 1.4) if horizontal else 4.2
    figure = _figure(height)
    axes = figure.add_subplot()
    base = [0] * len(labels)
    positions = list(range(len(labels)))[::-1] if horizontal else list(range(len(labels)))
    for i, (name, values) in enumerate(series.items()):
        style = {
            "label": name,
            "color": SERIES_COLOURS[i % len(SERIES_COLOURS)],
            "hatch": HATCHES[i % len(HATCHES)],
            "edgecolor": "white",
        }
        if horizontal:
            axes.barh(positions, values, left=base, **style)  # type: ignore[arg-type]
        else:
            axes.bar(positions, values, bottom=base, **style)  # type: ignore[arg-type]
        base = [b + v for b, v in zip(base, values, strict=True)]
    if horizontal:
        axes.set_yticks(positions, list(labels))
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        axes.set_xticks(positions, list(labels))
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    _legend(figure, len(series))
    _style(axes, title)
    return figure


def heat_map(
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    notes: Sequence[Sequence[str]],
    *,
    suffixes: Sequence[str] | None = None,
    colours: str | Colormap = "Blues",
) -> Figure:
    """Shares (0–1) as a heat map; each cell shows its note (e.g. "35 %"); None is blank.

    A row's suffix (e.g. its count) is kept when its label is shortened.
    """
    height = max(2.2, 0.45 * len(rows) + 1.3)
    figure = _figure(height)
    axes = figure.add_subplot()
    grid = [[v if v is not None else float("nan") for v in row] for row in values]
    image = axes.imshow(grid, cmap=colours, vmin=0.0, vmax=1.0, aspect="auto")
    axes.set_xticks(range(len(columns)), list(columns))
    ends = suffixes or [""] * len(rows)
    axes.set_yticks(range(len(rows)), [_wrap(r, suffix=e) for r, e in zip(rows, ends, strict=True)])
    axes.xaxis.tick_top()
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if value == value:  # not NaN
                ink = _text_colour(to_hex(image.cmap(value)))
                axes.text(j, i, notes[i][j], ha="center", va="center", fontsize=9, color=ink)
    bar = figure.colorbar(image, ax=axes, shrink=0.8, format=PercentFormatter(1.0, decimals=0))
    bar.ax.tick_params(labelsize=8)
    figure.suptitle(_title(title), x=0.02, ha="left", fontsize=12, color=INK)
    axes.tick_params(colors=INK, labelsize=10, length=0)
    return figure


def level_ladder(
    title: str,
    countries: Sequence[str],
    levels: Mapping[str, Sequence[tuple[int, str]]],
    links: Sequence[tuple[str, int, str, int]],
) -> Figure:
    """One column per country, one dot per level (position, notation), a line per link."""
    top = max([p for ladder in levels.values() for p, _ in ladder] + [1])
    figure = _figure(max(3.0, 0.45 * top + 1.2))
    axes = figure.add_subplot()
    column = {c: i for i, c in enumerate(countries)}
    for a, position_a, b, position_b in links:
        if a in column and b in column:
            axes.plot(
                [column[a], column[b]],
                [position_a, position_b],
                color="#7a7a7a",
                linewidth=1,
                linestyle="--",
                zorder=1,
            )
    for country in countries:
        ladder = levels.get(country, ())
        x = column[country]
        axes.scatter(
            [x] * len(ladder),
            [p for p, _ in ladder],
            s=260,
            color=COUNTRY_COLOURS.get(country, SERIES_COLOURS[0]),
            zorder=2,
        )
        ink = _text_colour(COUNTRY_COLOURS.get(country, SERIES_COLOURS[0]))
        for position, notation in ladder:
            axes.text(x, position, notation, ha="center", va="center", color=ink, fontsize=9)
    axes.set_xticks(range(len(countries)), list(countries))
    axes.set_xlim(-0.5, len(countries) - 0.5)
    axes.set_ylim(0.3, top + 0.7)
    axes.set_yticks([])
    for side in ("left", "top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(_title(title), loc="left", fontsize=12, color=INK)
    axes.tick_params(colors=INK, labelsize=10)
    return figure
