"""Minimal server-rendered HTML for the look-ups (the full officer pages build on this)."""

from __future__ import annotations

from html import escape

from equivalence.equivalents import CountrySummary
from equivalence.lookup import StandardDetail

__all__ = ["layout", "standard_page"]


def layout(title: str, body: str, *, lang: str = "es") -> str:
    return (
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · equivalence</title></head><body><main>{body}</main></body></html>"
    )


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)} %"


def standard_page(detail: StandardDetail, summaries: list[CountrySummary]) -> str:
    units = "".join(
        f"<li><strong>{escape(u.code)}</strong> {escape(u.title)}"
        + (
            "<ul>"
            + "".join(f"<li>{escape(c.text)} <em>({escape(c.kind)})</em></li>" for c in u.criteria)
            + "</ul>"
            if u.criteria
            else ""
        )
        + "</li>"
        for u in detail.units
    )
    equivalents = "".join(
        f"<tr><td>{escape(s.country)}</td><td>{escape(s.best.code)} {escape(s.best.title)}</td>"
        f"<td>{escape(s.best.predicate.value)}</td><td>{_percent(s.best.confidence)}</td>"
        f"<td>{s.count}</td><td>{s.recognised}</td></tr>"
        for s in summaries
    )
    occupations = "".join(
        f"<li>{escape(o.code)} {escape(o.label)}</li>" for o in detail.occupations
    )
    body = (
        f"<h1>{escape(detail.country)} {escape(detail.code)}: {escape(detail.title)}</h1>"
        f"<p>Nivel: {escape(detail.level_label or str(detail.level or '—'))} · "
        f"Sector: {escape(detail.sector or '—')}</p>"
        f"<h2>Unidades</h2><ol>{units}</ol>"
        f"<h2>Ocupaciones</h2><ul>{occupations or '<li>—</li>'}</ul>"
        "<h2>Equivalencias</h2><table><thead><tr><th>País</th><th>Mejor equivalente</th>"
        "<th>Predicado</th><th>Confianza</th><th>Equivalentes</th><th>Reconocidos</th></tr></thead>"
        f"<tbody>{equivalents}</tbody></table>"
    )
    return layout(f"{detail.code} {detail.title}", body)
