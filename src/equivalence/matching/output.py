"""Mappings and comparisons as CSV rows, JSON documents and text an evaluator can read."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any, Final

from equivalence.matching.model import Mapping, UnitMatch, UnitStatus

__all__ = [
    "MATCH_COLUMNS",
    "comparison_document",
    "comparison_json",
    "comparison_text",
    "match_csv",
    "match_row",
]

MATCH_COLUMNS: Final = (
    "subject_country",
    "subject_code",
    "object_country",
    "object_code",
    "predicate",
    "confidence",
    "subject_coverage",
    "object_coverage",
    "subject_title",
    "object_title",
    "level_comparison",
    "mapping_justification",
    "evidence",
)

_NO_MAPPING: Final = "noMatch"


def _predicate(mapping: Mapping) -> str:
    return mapping.predicate.value if mapping.predicate is not None else _NO_MAPPING


def _evidence(matches: Sequence[UnitMatch]) -> str:
    """The aligned unit pairs, ``A-code=B-code@score``, separated by ``|``."""
    return "|".join(
        f"{m.unit.code}={m.counterpart.code}@{m.score:.2f}"
        for m in matches
        if m.counterpart is not None and m.status is UnitStatus.COVERED
    )


def match_row(mapping: Mapping) -> dict[str, str]:
    """One row of the `match` CSV."""
    return {
        "subject_country": mapping.subject.country,
        "subject_code": mapping.subject.code,
        "object_country": mapping.object.country,
        "object_code": mapping.object.code,
        "predicate": _predicate(mapping),
        "confidence": f"{mapping.confidence:.4f}",
        "subject_coverage": f"{mapping.subject_coverage:.4f}",
        "object_coverage": f"{mapping.object_coverage:.4f}",
        "subject_title": mapping.subject.title,
        "object_title": mapping.object.title,
        "level_comparison": mapping.level_comparison,
        "mapping_justification": mapping.justification,
        "evidence": _evidence(mapping.subject_matches),
    }


def match_csv(mappings: Iterable[Mapping]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=MATCH_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for mapping in mappings:
        writer.writerow(match_row(mapping))
    return buffer.getvalue()


# -- comparison --------------------------------------------------------------------------------


def _unit_json(match: UnitMatch) -> dict[str, Any]:
    counterpart = match.counterpart
    return {
        "unit": match.unit.code,
        "title": match.unit.title,
        "essential": match.unit.essential,
        "status": match.status.value,
        "score": round(match.score, 4),
        "counterpart": counterpart.code if counterpart is not None else None,
        "counterpart_title": counterpart.title if counterpart is not None else None,
        "via": match.via,
        "missing_criteria": [
            {"code": c.code, "kind": c.kind, "text": c.text} for c in match.missing_criteria
        ],
    }


def _standard_json(mapping: Mapping, which: str) -> dict[str, Any]:
    standard = mapping.subject if which == "subject" else mapping.object
    return {
        "country": standard.country,
        "code": standard.code,
        "title": standard.title,
        "level": standard.level,
        "iri": standard.iri,
        "units": len(standard.units),
    }


def comparison_json(mapping: Mapping) -> dict[str, Any]:
    """The full comparison: both standards, the verdict, the alignment and the gap both ways."""
    return {
        "subject": _standard_json(mapping, "subject"),
        "object": _standard_json(mapping, "object"),
        "predicate": mapping.predicate.value if mapping.predicate is not None else None,
        "confidence": mapping.confidence,
        "subject_coverage": mapping.subject_coverage,
        "object_coverage": mapping.object_coverage,
        "level_comparison": mapping.level_comparison,
        "mapping_justification": mapping.justification,
        "preprocessing": list(mapping.preprocessing),
        "subject_units": [_unit_json(m) for m in mapping.subject_matches],
        "object_units": [_unit_json(m) for m in mapping.object_matches],
        # what a holder of the subject must still show to be recognised for the object, and back
        "gap": [_unit_json(m) for m in mapping.gap],
        "reverse_gap": [_unit_json(m) for m in mapping.reverse_gap],
    }


_TEXT: Final[dict[str, dict[str, Any]]] = {
    "es": {
        "verdict": "Veredicto",
        "none": "sin equivalencia",
        "confidence": "confianza",
        "coverage": "Cobertura de {a} por {b}",
        "level": "Nivel",
        "alignment": "Unidades de {a} y su equivalente en {b}",
        "gap": "Brecha: lo que un titular de {a} aún debe demostrar para {b}",
        "no_gap": "(ninguna: todas las unidades están cubiertas)",
        "criteria": "criterios no demostrados",
        "covered": "cubierta",
        "partial": "parcial",
        "missing": "falta",
        "levels": {
            "comparable": "comparables",
            "higher": "el de {b} es más alto",
            "lower": "el de {b} es más bajo",
            "unknown": "no se pueden comparar",
        },
    },
    "en": {
        "verdict": "Verdict",
        "none": "no mapping",
        "confidence": "confidence",
        "coverage": "Coverage of {a} by {b}",
        "level": "Level",
        "alignment": "Units of {a} and their counterpart in {b}",
        "gap": "Gap: what a holder of {a} must still show for {b}",
        "no_gap": "(none: every unit is covered)",
        "criteria": "criteria not shown",
        "covered": "covered",
        "partial": "partial",
        "missing": "missing",
        "levels": {
            "comparable": "comparable",
            "higher": "{b}'s is higher",
            "lower": "{b}'s is lower",
            "unknown": "cannot be compared",
        },
    },
}


def _unit_lines(matches: Sequence[UnitMatch], words: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for m in matches:
        target = f"→ {m.counterpart.code} {m.counterpart.title}" if m.counterpart else "→ —"
        lines.append(f"  [{words[m.status.value]:>8}] {m.score:.2f}  {m.unit.code} {m.unit.title}")
        if m.counterpart is not None:
            lines.append(f"             {target}")
    return lines


def _gap_lines(matches: Sequence[UnitMatch], words: dict[str, Any]) -> list[str]:
    if not matches:
        return [f"  {words['no_gap']}"]
    lines: list[str] = []
    for m in matches:
        lines.append(f"  - {m.unit.code} {m.unit.title} ({words[m.status.value]})")
        for criterion in m.missing_criteria:
            kind = f"[{criterion.kind}] " if criterion.kind else ""
            lines.append(f"      · {kind}{criterion.code}: {criterion.text}")
    return lines


def comparison_text(mapping: Mapping, language: str = "es") -> str:
    """The comparison for a person: verdict, coverages, the alignment and both gaps."""
    words = _TEXT["en" if language == "en" else "es"]
    a = f"{mapping.subject.country} {mapping.subject.code}"
    b = f"{mapping.object.country} {mapping.object.code}"
    predicate = mapping.predicate.value if mapping.predicate is not None else words["none"]
    level = words["levels"].get(mapping.level_comparison, mapping.level_comparison)
    lines = [
        f"{a} «{mapping.subject.title}»  ↔  {b} «{mapping.object.title}»",
        f"{words['verdict']}: {predicate} ({words['confidence']} {mapping.confidence:.2f})",
        f"{words['coverage'].format(a=a, b=b)}: {mapping.subject_coverage:.0%}",
        f"{words['coverage'].format(a=b, b=a)}: {mapping.object_coverage:.0%}",
        f"{words['level']}: {mapping.subject.level or '?'} / {mapping.object.level or '?'} "
        f"({level.format(b=b)})",
        "",
        words["alignment"].format(a=a, b=b) + ":",
        *_unit_lines(mapping.subject_matches, words),
        "",
        words["gap"].format(a=a, b=b) + ":",
        *_gap_lines(mapping.gap, words),
        "",
        words["gap"].format(a=b, b=a) + ":",
        *_gap_lines(mapping.reverse_gap, words),
    ]
    return "\n".join(lines) + "\n"


def comparison_document(mapping: Mapping, fmt: str, language: str = "es") -> str:
    if fmt == "json":
        return json.dumps(comparison_json(mapping), ensure_ascii=False, indent=2) + "\n"
    return comparison_text(mapping, language)
