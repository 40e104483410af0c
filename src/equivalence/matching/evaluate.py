"""Scoring predicted mappings against a gold standard: pair detection, predicates, coverage.

The gold file (`a_country,a_code,b_country,b_code,coverage_a_in_b,coverage_b_in_a,relation`)
lists pairs of standards whose content overlaps, with the true coverage each way and the
relation: `exact`, `close`, `a_narrower_than_b` (A skos:broadMatch B), `a_broader_than_b`
(A skos:narrowMatch B), `related`, or a SKOS predicate. The predictions are our match CSV
(`subject_country,subject_code,object_country,object_code,predicate,confidence,
subject_coverage,object_coverage`), an SSSOM/TSV or SSSOM/JSON export of ours, or a file in the
gold format; the kind is told from the header.

Pairs are unordered: each pair is turned to one orientation (the smaller `COUNTRY:CODE` first),
inverting the predicate (broad ↔ narrow) and swapping the coverages of pairs listed the other way
round. docs/mappings.md defines every metric.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from equivalence.errors import InputError
from equivalence.matching.model import Predicate
from equivalence.matching.sssom import read_sssom_json, read_sssom_tsv

__all__ = [
    "GOLD_RELATIONS",
    "Evaluation",
    "Judgement",
    "Judgements",
    "Scores",
    "evaluate",
    "evaluate_pairs",
    "evaluation_dict",
    "format_evaluation",
    "judgement",
    "read_gold",
    "read_predicted",
]

# The gold file's relation names, read from A's side.
GOLD_RELATIONS: Final[Mapping[str, Predicate]] = {
    "exact": Predicate.EXACT,
    "close": Predicate.CLOSE,
    "a_narrower_than_b": Predicate.BROAD,
    "a_broader_than_b": Predicate.NARROW,
    "related": Predicate.RELATED,
}
_NO_MAPPING: Final = frozenset({"", "none", "no_mapping", "nomatch", "no"})
NONE_LABEL: Final = "none"

Pair = tuple[str, str]  # ("CL:P-1", "MX:EC1"), the smaller key first


@dataclass(frozen=True, slots=True)
class Judgement:
    """One pair and what a file says of it, in the pair's orientation (`pair[0]` is the subject)."""

    pair: Pair
    predicate: Predicate
    first_coverage: float | None = None  # share of pair[0]'s content covered by pair[1]
    second_coverage: float | None = None
    confidence: float | None = None


def judgement(
    subject: str,
    object_: str,
    predicate: Predicate,
    subject_coverage: float | None = None,
    object_coverage: float | None = None,
    confidence: float | None = None,
) -> Judgement:
    """A judgement turned to its pair's orientation (inverted when the object comes first)."""
    if subject <= object_:
        return Judgement(
            (subject, object_), predicate, subject_coverage, object_coverage, confidence
        )
    return Judgement(
        (object_, subject), predicate.inverse, object_coverage, subject_coverage, confidence
    )


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def _key(country: str, code: str) -> str:
    return f"{country.strip().upper()}:{code.strip()}"


def _number(text: str | None, where: str, path: Path, line: int) -> float | None:
    value = (text or "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise InputError(
            "not a number", file=path, line=line, column=where, value=value, code="evaluate"
        ) from None


def _predicate(text: str, path: Path, line: int, column: str) -> Predicate | None:
    value = text.strip()
    if value.lower() in _NO_MAPPING:
        return None
    if value.lower() in GOLD_RELATIONS:
        return GOLD_RELATIONS[value.lower()]
    try:
        return Predicate.parse(value)
    except ValueError:
        raise InputError(
            "not a relation (exact, close, a_narrower_than_b, a_broader_than_b, related or a "
            "SKOS mapping predicate)",
            file=path,
            line=line,
            column=column,
            value=value,
            code="evaluate",
        ) from None


def _rows(path: Path, text: str, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    lines = text.splitlines()
    delimiter = "\t" if lines and "\t" in lines[0] else ","
    reader = csv.DictReader(lines, delimiter=delimiter)
    missing = [c for c in required if c not in (reader.fieldnames or ())]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}", file=path, line=1, code="evaluate"
        )
    for number, row in enumerate(reader, 2):
        yield number, {k: (v or "") for k, v in row.items() if k}


@dataclass(frozen=True, slots=True)
class _Layout:
    """The columns of a pair table: who is subject and object, the relation, the coverages."""

    subject: tuple[str, str]  # country, code
    object: tuple[str, str]
    relation: str
    subject_coverage: str
    object_coverage: str

    @property
    def required(self) -> tuple[str, ...]:
        return (*self.subject, *self.object, self.relation)


_GOLD: Final = _Layout(
    ("a_country", "a_code"),
    ("b_country", "b_code"),
    "relation",
    "coverage_a_in_b",
    "coverage_b_in_a",
)
_CSV: Final = _Layout(
    ("subject_country", "subject_code"),
    ("object_country", "object_code"),
    "predicate",
    "subject_coverage",
    "object_coverage",
)


def _table_rows(path: Path, text: str, layout: _Layout) -> Iterator[Judgement]:
    """The judgements of a gold table or of `match`'s CSV (a row without relation is skipped)."""
    for line, row in _rows(path, text, layout.required):
        predicate = _predicate(row[layout.relation], path, line, layout.relation)
        if predicate is None:
            continue
        yield judgement(
            _key(*(row[c] for c in layout.subject)),
            _key(*(row[c] for c in layout.object)),
            predicate,
            _number(row.get(layout.subject_coverage), layout.subject_coverage, path, line),
            _number(row.get(layout.object_coverage), layout.object_coverage, path, line),
            _number(row.get("confidence"), "confidence", path, line),
        )


def _sssom_rows(path: Path, text: str) -> Iterator[Judgement]:
    read = read_sssom_json if text.lstrip().startswith("{") else read_sssom_tsv
    for record in read(text).records:
        if not (record.subject_code and record.object_code):
            raise InputError(
                f"{record.subject} or {record.object} is not a standard of ours "
                "(no country and code)",
                file=path,
                code="evaluate",
            )
        yield judgement(
            record.subject_key,
            record.object_key,
            record.predicate,
            record.subject_coverage,
            record.object_coverage,
            record.confidence,
        )


def _kind(text: str) -> Literal["sssom", "csv", "gold"]:
    """What a predictions file is, from its first line."""
    stripped = text.lstrip()
    if stripped.startswith(("#", "{")):
        return "sssom"
    header = stripped.split("\n", 1)[0]
    if "subject_id" in header:
        return "sssom"
    if "a_country" in header:
        return "gold"
    return "csv"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=path, code="evaluate") from None


@dataclass(frozen=True, slots=True)
class Judgements:
    """A file's judgements, one per pair, and how many rows named a pair already seen."""

    by_pair: dict[Pair, Judgement]
    duplicates: int = 0


def _collect(judgements: Iterable[Judgement], *, keep_best: bool) -> Judgements:
    """One judgement per pair: the first one, or (`keep_best`) the most confident one."""
    by_pair: dict[Pair, Judgement] = {}
    duplicates = 0
    for item in judgements:
        seen = by_pair.get(item.pair)
        if seen is None:
            by_pair[item.pair] = item
            continue
        duplicates += 1
        if keep_best and (item.confidence or 0.0) > (seen.confidence or 0.0):
            by_pair[item.pair] = item
    return Judgements(by_pair, duplicates)


def read_gold(path: Path) -> Judgements:
    """The gold pairs (a relation of none, or empty, names no pair); the first listing wins."""
    return _collect(_table_rows(path, _read(path), _GOLD), keep_best=False)


def read_predicted(path: Path, *, min_confidence: float | None = None) -> Judgements:
    """The predicted pairs, from our CSV, an SSSOM export of ours or a gold-format file.

    Rows without a predicate are no mapping. With `min_confidence`, pairs whose confidence is
    below it are dropped (pairs without one are kept). A pair listed twice (either way round)
    keeps its most confident listing.
    """
    text = _read(path)
    kind = _kind(text)
    rows: Iterable[Judgement] = (
        _sssom_rows(path, text)
        if kind == "sssom"
        else _table_rows(path, text, _GOLD)
        if kind == "gold"
        else _table_rows(path, text, _CSV)
    )
    if min_confidence is not None:
        rows = (j for j in rows if j.confidence is None or j.confidence >= min_confidence)
    return _collect(rows, keep_best=True)


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


@dataclass(frozen=True, slots=True)
class Scores:
    """Counts of one detection task and its precision, recall and F1 (0 when undefined)."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_negatives)

    @property
    def f1(self) -> float:
        return _ratio(2 * self.precision * self.recall, self.precision + self.recall)

    @property
    def support(self) -> int:
        """How many gold pairs the task has."""
        return self.true_positives + self.false_negatives

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
            "support": self.support,
        }


def _scores(gold: set[Pair], predicted: set[Pair]) -> Scores:
    return Scores(len(gold & predicted), len(predicted - gold), len(gold - predicted))


def _label(predicate: Predicate | None) -> str:
    return NONE_LABEL if predicate is None else predicate.value.split(":", 1)[1]


_LABELS: Final = (*(_label(p) for p in Predicate), NONE_LABEL)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The scores of predictions against gold; see docs/mappings.md for the definitions."""

    pairs: Scores
    per_predicate: dict[Predicate, Scores]
    coverage_mae: float | None
    coverage_pairs: int
    confusion: dict[str, dict[str, int]]  # gold label → predicted label → pairs
    gold_count: int
    predicted_count: int
    gold_duplicates: int = 0
    predicted_duplicates: int = 0
    min_confidence: float | None = None
    false_positives: tuple[Pair, ...] = ()
    false_negatives: tuple[Pair, ...] = ()
    # (pair, gold label, predicted label) of detected pairs whose predicate is wrong
    wrong_predicates: tuple[tuple[Pair, str, str], ...] = field(default=())

    @property
    def exact_f1(self) -> float:
        """F1 of skos:exactMatch (0 when neither side has one)."""
        scores = self.per_predicate.get(Predicate.EXACT)
        return scores.f1 if scores is not None else 0.0

    @property
    def predicate_accuracy(self) -> float | None:
        """Share of the detected pairs whose predicate is right (None if none is detected)."""
        detected = self.pairs.true_positives
        return (detected - len(self.wrong_predicates)) / detected if detected else None

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the predicates the gold has."""
        present = [s.f1 for s in self.per_predicate.values() if s.support]
        return sum(present) / len(present) if present else 0.0


def _coverage_error(gold: Judgement, predicted: Judgement) -> float | None:
    """Mean absolute coverage error of one pair over the directions both sides give."""
    errors = [
        abs(p - g)
        for g, p in (
            (gold.first_coverage, predicted.first_coverage),
            (gold.second_coverage, predicted.second_coverage),
        )
        if g is not None and p is not None
    ]
    return sum(errors) / len(errors) if errors else None


def _confusion(gold: Judgements, predicted: Judgements) -> dict[str, dict[str, int]]:
    counts: Counter[tuple[str, str]] = Counter()
    for pair in gold.by_pair.keys() | predicted.by_pair.keys():
        g, p = gold.by_pair.get(pair), predicted.by_pair.get(pair)
        counts[_label(g.predicate if g else None), _label(p.predicate if p else None)] += 1
    return {row: {col: counts[row, col] for col in _LABELS} for row in _LABELS}


def _per_predicate(gold: Judgements, predicted: Judgements) -> dict[Predicate, Scores]:
    scores: dict[Predicate, Scores] = {}
    for predicate in Predicate:
        g = {pair for pair, j in gold.by_pair.items() if j.predicate is predicate}
        p = {pair for pair, j in predicted.by_pair.items() if j.predicate is predicate}
        if g or p:
            scores[predicate] = _scores(g, p)
    return scores


def evaluate_pairs(
    gold: Judgements, predicted: Judgements, *, min_confidence: float | None = None
) -> Evaluation:
    """Scores judgements already read (see `evaluate`)."""
    gold_pairs, predicted_pairs = set(gold.by_pair), set(predicted.by_pair)
    found = sorted(gold_pairs & predicted_pairs)
    errors = [
        e
        for pair in found
        if (e := _coverage_error(gold.by_pair[pair], predicted.by_pair[pair])) is not None
    ]
    wrong = tuple(
        (pair, _label(gold.by_pair[pair].predicate), _label(predicted.by_pair[pair].predicate))
        for pair in found
        if gold.by_pair[pair].predicate is not predicted.by_pair[pair].predicate
    )
    return Evaluation(
        pairs=_scores(gold_pairs, predicted_pairs),
        per_predicate=_per_predicate(gold, predicted),
        coverage_mae=sum(errors) / len(errors) if errors else None,
        coverage_pairs=len(errors),
        confusion=_confusion(gold, predicted),
        gold_count=len(gold_pairs),
        predicted_count=len(predicted_pairs),
        gold_duplicates=gold.duplicates,
        predicted_duplicates=predicted.duplicates,
        min_confidence=min_confidence,
        false_positives=tuple(sorted(predicted_pairs - gold_pairs)),
        false_negatives=tuple(sorted(gold_pairs - predicted_pairs)),
        wrong_predicates=wrong,
    )


def evaluate(
    gold_path: Path, predicted_path: Path, *, min_confidence: float | None = None
) -> Evaluation:
    """Scores the predictions in `predicted_path` against the gold pairs in `gold_path`.

    Raises `InputError` for an unreadable file, a missing column, a bad number or relation.
    """
    gold = read_gold(gold_path)
    predicted = read_predicted(predicted_path, min_confidence=min_confidence)
    return evaluate_pairs(gold, predicted, min_confidence=min_confidence)


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def evaluation_dict(evaluation: Evaluation, *, examples: int = 20) -> dict[str, object]:
    """The evaluation as plain data (numbers rounded to 4 places, `examples` errors of each kind)."""
    return {
        "gold_pairs": evaluation.gold_count,
        "predicted_pairs": evaluation.predicted_count,
        "gold_duplicates": evaluation.gold_duplicates,
        "predicted_duplicates": evaluation.predicted_duplicates,
        "min_confidence": evaluation.min_confidence,
        "pairs": evaluation.pairs.as_dict(),
        "exact_match_f1": _round(evaluation.exact_f1),
        "macro_f1": _round(evaluation.macro_f1),
        "predicate_accuracy": _round(evaluation.predicate_accuracy),
        "coverage_mae": _round(evaluation.coverage_mae),
        "coverage_pairs": evaluation.coverage_pairs,
        "per_predicate": {p.value: s.as_dict() for p, s in evaluation.per_predicate.items()},
        "confusion": evaluation.confusion,
        "false_positives": [" ~ ".join(p) for p in evaluation.false_positives[:examples]],
        "false_negatives": [" ~ ".join(p) for p in evaluation.false_negatives[:examples]],
        "wrong_predicates": [
            {"pair": " ~ ".join(pair), "gold": g, "predicted": p}
            for pair, g, p in evaluation.wrong_predicates[:examples]
        ],
    }


def _number_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.4f}"


def _scores_line(name: str, scores: Scores) -> str:
    return (
        f"{name:<14}{scores.precision:>9.4f}{scores.recall:>9.4f}{scores.f1:>9.4f}"
        f"{scores.support:>9}{scores.true_positives + scores.false_positives:>11}"
    )


def _confusion_lines(confusion: Mapping[str, Mapping[str, int]]) -> list[str]:
    used = [label for label in _LABELS if any(confusion[label].values())] or [NONE_LABEL]
    columns = [label for label in _LABELS if any(confusion[row][label] for row in _LABELS)] or [
        NONE_LABEL
    ]
    lines = [
        "confusion (rows: gold, columns: predicted)",
        " " * 14 + "".join(f"{c:>14}" for c in columns),
    ]
    lines += [f"{row:<14}" + "".join(f"{confusion[row][c]:>14}" for c in columns) for row in used]
    return lines


def _error_lines(evaluation: Evaluation, examples: int) -> list[str]:
    lines: list[str] = []
    for title, pairs in (
        ("missed (gold, not predicted)", evaluation.false_negatives),
        ("spurious (predicted, not gold)", evaluation.false_positives),
    ):
        if pairs:
            lines.append(f"{title}: {len(pairs)}")
            lines += [f"  {a} ~ {b}" for a, b in pairs[:examples]]
    if evaluation.wrong_predicates:
        lines.append(f"wrong predicate: {len(evaluation.wrong_predicates)}")
        lines += [
            f"  {a} ~ {b}: gold {g}, predicted {p}"
            for (a, b), g, p in evaluation.wrong_predicates[:examples]
        ]
    return lines


def _text(evaluation: Evaluation, examples: int) -> str:
    cut = evaluation.min_confidence
    lines = [
        f"gold pairs: {evaluation.gold_count}   predicted pairs: {evaluation.predicted_count}"
        + (f"   (min confidence {cut})" if cut is not None else ""),
        f"{'':<14}{'P':>9}{'R':>9}{'F1':>9}{'gold':>9}{'predicted':>11}",
        _scores_line("pairs", evaluation.pairs),
    ]
    lines += [_scores_line(_label(p), s) for p, s in evaluation.per_predicate.items()]
    lines += [
        f"exactMatch F1: {evaluation.exact_f1:.4f}   macro F1: {evaluation.macro_f1:.4f}   "
        f"predicate accuracy on detected pairs: {_number_text(evaluation.predicate_accuracy)}",
        f"coverage MAE: {_number_text(evaluation.coverage_mae)} "
        f"over {evaluation.coverage_pairs} detected pairs",
        *_confusion_lines(evaluation.confusion),
        *_error_lines(evaluation, examples),
    ]
    return "\n".join(lines) + "\n"


def format_evaluation(
    evaluation: Evaluation, fmt: Literal["text", "json"] = "text", *, examples: int = 20
) -> str:
    """The evaluation as a text report or as JSON, with up to `examples` errors of each kind."""
    if fmt == "json":
        return json.dumps(evaluation_dict(evaluation, examples=examples), indent=2) + "\n"
    if fmt == "text":
        return _text(evaluation, examples)
    raise ValueError(f"unknown format {fmt!r}; use text or json")
