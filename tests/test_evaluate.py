"""The evaluator on small handmade files whose scores are worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from equivalence.errors import InputError
from equivalence.matching.evaluate import (
    Scores,
    evaluate,
    format_evaluation,
    judgement,
    read_gold,
    read_predicted,
)
from equivalence.matching.model import Predicate, StandardText
from equivalence.matching.sssom import write_sssom_json, write_sssom_tsv
from mapping_samples import mapping, standard

# Five gold pairs. PE:P2 ~ CL:C3 is listed "backwards": the same pair as CL:C3 ~ PE:P2.
GOLD = """\
a_country,a_code,b_country,b_code,coverage_a_in_b,coverage_b_in_a,relation
CL,C1,MX,M1,1.0,1.0,exact
CL,C2,MX,M2,1.0,0.5,a_narrower_than_b
CO,K1,PE,P1,0.6,1.0,a_broader_than_b
CO,K2,MX,M3,0.8,0.7,close
PE,P2,CL,C3,1.0,1.0,exact
CO,K9,PE,P9,0.1,0.1,none
"""

# What each predicted row does:
#  CL:C1 ~ MX:M1  exact, right; coverage errors 0.1 and 0 → 0.05
#  MX:M2 ~ CL:C2  listed the other way round: narrowMatch inverted is CL:C2 broadMatch MX:M2,
#                 right; coverages swapped to (1.0, 0.6) → errors 0 and 0.1 → 0.05
#  CO:K1 ~ PE:P1  pair found, predicate wrong (close for narrow); errors 0 and 0.2 → 0.1
#  CL:C9 ~ PE:P9  not in the gold: a false exactMatch
#  CO:K3 ~ MX:M9  not in the gold: a false relatedMatch, confidence 0.2
#  MX:M1 ~ CL:C1  the first pair again, less confident: a duplicate, ignored
#  CO:K2 ~ MX:M3  no predicate: no mapping, so the gold closeMatch is missed (as is CL:C3 ~ PE:P2)
PREDICTED = """\
subject_country,subject_code,object_country,object_code,predicate,confidence,subject_coverage,object_coverage
CL,C1,MX,M1,skos:exactMatch,0.9,0.9,1.0
MX,M2,CL,C2,skos:narrowMatch,0.8,0.6,1.0
CO,K1,PE,P1,closeMatch,0.7,0.6,0.8
CL,C9,PE,P9,http://www.w3.org/2004/02/skos/core#exactMatch,0.95,1,1
CO,K3,MX,M9,skos:relatedMatch,0.2,0.3,0.3
MX,M1,CL,C1,skos:exactMatch,0.5,0.2,0.2
CO,K2,MX,M3,,0.1,,
"""


@pytest.fixture()
def files(tmp_path: Path) -> tuple[Path, Path]:
    gold, predicted = tmp_path / "gold.csv", tmp_path / "predicted.csv"
    gold.write_text(GOLD, encoding="utf-8")
    predicted.write_text(PREDICTED, encoding="utf-8")
    return gold, predicted


def _prf(scores: Scores) -> tuple[float, float, float]:
    return (
        round(scores.precision, 6),
        round(scores.recall, 6),
        round(scores.f1, 6),
    )


def test_scores_of_the_handmade_pair(files: tuple[Path, Path]) -> None:
    result = evaluate(*files)
    assert (result.gold_count, result.predicted_count) == (5, 5)
    assert result.predicted_duplicates == 1
    assert (result.pairs.true_positives, result.pairs.false_positives) == (3, 2)
    assert result.pairs.false_negatives == 2
    assert _prf(result.pairs) == (0.6, 0.6, 0.6)
    per = result.per_predicate
    assert set(per) == {
        Predicate.EXACT,
        Predicate.BROAD,
        Predicate.NARROW,
        Predicate.CLOSE,
        Predicate.RELATED,
    }
    assert _prf(per[Predicate.EXACT]) == (0.5, 0.5, 0.5)
    assert _prf(per[Predicate.BROAD]) == (1.0, 1.0, 1.0)
    assert _prf(per[Predicate.NARROW]) == (0.0, 0.0, 0.0)
    assert _prf(per[Predicate.CLOSE]) == (0.0, 0.0, 0.0)
    assert (per[Predicate.RELATED].false_positives, per[Predicate.RELATED].support) == (1, 0)
    assert result.exact_f1 == pytest.approx(0.5)
    assert result.macro_f1 == pytest.approx((0.5 + 1.0 + 0.0 + 0.0) / 4)
    assert result.predicate_accuracy == pytest.approx(2 / 3)
    assert result.coverage_pairs == 3
    assert result.coverage_mae == pytest.approx((0.05 + 0.05 + 0.1) / 3)
    assert result.false_positives == (("CL:C9", "PE:P9"), ("CO:K3", "MX:M9"))
    assert result.false_negatives == (("CL:C3", "PE:P2"), ("CO:K2", "MX:M3"))
    assert result.wrong_predicates == ((("CO:K1", "PE:P1"), "narrowMatch", "closeMatch"),)


def test_confusion_matrix(files: tuple[Path, Path]) -> None:
    confusion = evaluate(*files).confusion
    nonzero = {
        (gold, predicted): n for gold, row in confusion.items() for predicted, n in row.items() if n
    }
    assert nonzero == {
        ("exactMatch", "exactMatch"): 1,
        ("broadMatch", "broadMatch"): 1,
        ("narrowMatch", "closeMatch"): 1,
        ("closeMatch", "none"): 1,
        ("exactMatch", "none"): 1,
        ("none", "exactMatch"): 1,
        ("none", "relatedMatch"): 1,
    }
    assert confusion["none"]["none"] == 0


def test_min_confidence_drops_weak_predictions(files: tuple[Path, Path]) -> None:
    result = evaluate(*files, min_confidence=0.5)
    assert (result.pairs.true_positives, result.pairs.false_positives) == (3, 1)
    assert _prf(result.pairs) == (0.75, 0.6, round(2 * 0.75 * 0.6 / 1.35, 6))
    assert Predicate.RELATED not in result.per_predicate
    assert result.min_confidence == 0.5


def test_a_reversed_prediction_is_the_same_pair_inverted(tmp_path: Path) -> None:
    gold = tmp_path / "gold.csv"
    gold.write_text(
        "a_country,a_code,b_country,b_code,coverage_a_in_b,coverage_b_in_a,relation\n"
        "MX,M1,CL,C1,1.0,0.4,a_narrower_than_b\n"
    )
    predicted = tmp_path / "predicted.csv"
    predicted.write_text(
        "subject_country,subject_code,object_country,object_code,predicate,confidence,"
        "subject_coverage,object_coverage\n"
        "CL,C1,MX,M1,skos:narrowMatch,0.9,0.4,1.0\n"
    )
    result = evaluate(gold, predicted)
    assert _prf(result.pairs) == (1.0, 1.0, 1.0)
    assert _prf(result.per_predicate[Predicate.NARROW]) == (1.0, 1.0, 1.0)
    assert result.coverage_mae == 0.0
    # in the pair's orientation (CL:C1 first) the gold relation reads CL:C1 narrowMatch MX:M1
    (judged,) = read_gold(gold).by_pair.values()
    assert judged == judgement("CL:C1", "MX:M1", Predicate.NARROW, 0.4, 1.0)


def test_judgement_orientation() -> None:
    forward = judgement("A:1", "B:2", Predicate.BROAD, 0.9, 0.3, 0.8)
    backward = judgement("B:2", "A:1", Predicate.NARROW, 0.3, 0.9, 0.8)
    assert forward == backward
    assert forward.pair == ("A:1", "B:2") and forward.first_coverage == 0.9


@pytest.mark.parametrize("kind", ["tsv", "json"])
def test_our_sssom_exports_score_like_the_csv(
    kind: str, files: tuple[Path, Path], tmp_path: Path
) -> None:
    def std(key: str) -> StandardText:
        country, code = key.split(":")
        return standard(country, code)

    rows = [line.split(",") for line in PREDICTED.splitlines()[1:]]
    mappings = [
        mapping(
            std(f"{r[0]}:{r[1]}"),
            std(f"{r[2]}:{r[3]}"),
            Predicate.parse(r[4]) if r[4] else None,
            float(r[5]),
            float(r[6] or 0),
            float(r[7] or 0),
        )
        for r in rows
    ]
    path = tmp_path / f"predicted.sssom.{kind}"
    (write_sssom_tsv if kind == "tsv" else write_sssom_json)(mappings, path)
    from_sssom, from_csv = evaluate(files[0], path), evaluate(*files)
    assert from_sssom == from_csv


def test_the_gold_scores_perfectly_against_itself(files: tuple[Path, Path]) -> None:
    result = evaluate(files[0], files[0])
    assert _prf(result.pairs) == (1.0, 1.0, 1.0)
    assert result.exact_f1 == 1.0 and result.coverage_mae == 0.0


def test_text_and_json_reports(files: tuple[Path, Path]) -> None:
    result = evaluate(*files)
    text = format_evaluation(result)
    assert "gold pairs: 5   predicted pairs: 5" in text
    assert "pairs            0.6000   0.6000   0.6000        5          5" in text
    assert "exactMatch F1: 0.5000" in text
    assert "coverage MAE: 0.0667 over 3 detected pairs" in text
    assert "CO:K1 ~ PE:P1: gold narrowMatch, predicted closeMatch" in text
    document = json.loads(format_evaluation(result, "json"))
    assert document["pairs"]["f1"] == 0.6
    assert document["exact_match_f1"] == 0.5
    assert document["coverage_mae"] == 0.0667
    assert document["per_predicate"]["skos:broadMatch"]["f1"] == 1.0
    assert document["confusion"]["narrowMatch"]["closeMatch"] == 1
    assert document["false_negatives"] == ["CL:C3 ~ PE:P2", "CO:K2 ~ MX:M3"]
    with pytest.raises(ValueError, match="unknown format"):
        format_evaluation(result, "xml")  # type: ignore[arg-type]


def test_tab_separated_predictions_are_read(files: tuple[Path, Path], tmp_path: Path) -> None:
    tsv = tmp_path / "predicted.tsv"
    tsv.write_text(PREDICTED.replace(",", "\t"), encoding="utf-8")
    assert evaluate(files[0], tsv) == evaluate(*files)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("subject_country,subject_code,object_country,predicate\n", "missing column"),
        (
            "subject_country,subject_code,object_country,object_code,predicate\n"
            "CL,C1,MX,M1,sameAs\n",
            "not a relation",
        ),
        (
            "subject_country,subject_code,object_country,object_code,predicate,confidence\n"
            "CL,C1,MX,M1,exactMatch,high\n",
            "not a number",
        ),
    ],
)
def test_bad_predictions_are_input_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "predicted.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_predicted(path)


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_gold(tmp_path / "absent.csv")
