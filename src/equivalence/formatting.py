"""Renders query results as a text table, SPARQL CSV or SPARQL JSON results."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from equivalence.sparql import term_text
from equivalence.store.base import SelectResult, Term
from equivalence.vocab import PREFIXES

__all__ = ["render_select", "render_triples", "term_json"]


def term_json(term: Term) -> dict[str, Any]:
    """A term in the SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def _short(term: Term | None) -> str:
    text = term_text(term)
    if isinstance(term, NamedNode):
        for prefix, base in PREFIXES.items():
            if text.startswith(base):
                return f"{prefix}:{text[len(base) :]}"
    return text


def render_select(result: SelectResult, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(
            {
                "head": {"vars": list(result.variables)},
                "results": {
                    "bindings": [{k: term_json(v) for k, v in row.items()} for row in result.rows]
                },
            },
            ensure_ascii=False,
            indent=2,
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow([term_text(row.get(v)) for v in result.variables])
        return buffer.getvalue()
    if fmt == "table":
        cells = [[_short(row.get(v)) for v in result.variables] for row in result.rows]
        widths = [
            min(60, max([len(v), *(len(c[i]) for c in cells)]))
            for i, v in enumerate(result.variables)
        ]
        lines = [
            "  ".join(v.ljust(w) for v, w in zip(result.variables, widths, strict=True)),
            "  ".join("-" * w for w in widths),
        ]
        for row_cells in cells:
            lines.append(
                "  ".join(
                    (c if len(c) <= w else c[: w - 1] + "…").ljust(w)
                    for c, w in zip(row_cells, widths, strict=True)
                ).rstrip()
            )
        lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {fmt!r}")


def render_triples(triples: tuple[Triple, ...] | list[Triple]) -> str:
    """N-Triples, one statement a line."""
    return "".join(f"{t} .\n" for t in triples)
