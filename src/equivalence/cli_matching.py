"""The engine's commands of `equivalence`: match, compare, evaluate, suggest-occupation, check."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeAlias

from equivalence.errors import InputError
from equivalence.matching.evaluate import evaluate, format_evaluation
from equivalence.matching.inference import Finding
from equivalence.matching.occupations import (
    OccupationIndex,
    OccupationSuggestion,
    format_suggestions_text,
    read_batch_titles,
    suggestions_to_json,
    write_suggestions_csv,
)
from equivalence.matching.output import comparison_document, comparison_json, match_csv
from equivalence.matching.service import (
    check_mappings,
    compare_standards,
    export_mappings,
    import_mappings,
    link_occupations,
    match_and_store,
)
from equivalence.matching.sssom import read_sssom, sssom_json, sssom_tsv
from equivalence.store import TripleStore

__all__ = [
    "PLAIN_COMMANDS",
    "STORE_COMMANDS",
    "add_matching_commands",
    "run_plain_command",
    "run_store_command",
]

STORE_COMMANDS = frozenset(
    {
        "match",
        "compare",
        "suggest-occupation",
        "link-occupations",
        "check-mappings",
        "import-mappings",
        "export-mappings",
    }
)
PLAIN_COMMANDS = frozenset({"evaluate"})

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)


def add_matching_commands(commands: Commands) -> None:
    _add_match(commands)
    _add_compare(commands)
    _add_evaluate(commands)
    _add_suggest(commands)
    imported = commands.add_parser(
        "import-mappings",
        help="store mappings from an SSSOM TSV or JSON file (kept apart from the engine's)",
    )
    imported.add_argument("file", type=Path, metavar="FILE.sssom.tsv|FILE.json")
    imported.add_argument("--replace", action="store_true", help="replace the imported ones")
    exported = commands.add_parser(
        "export-mappings", help="the stored mappings as SSSOM TSV or JSON"
    )
    exported.add_argument("--from", dest="source", metavar="XX")
    exported.add_argument("--to", dest="target", metavar="YY")
    exported.add_argument("--format", choices=["sssom", "json"], default="sssom")
    exported.add_argument("--out", type=Path)
    link = commands.add_parser(
        "link-occupations",
        help="ranked ISCO-08 unit groups and ESCO occupations of every standard",
        description="For each standard: the unit groups of the occupation code it declares "
        "(through the SINCO, CUOC and CIUO-08.CL crosswalks) and of the code a ChileValora "
        "profile embeds, then suggestions from its title.",
    )
    link.add_argument("--country", metavar="XX")
    link.add_argument("--top", type=_positive, default=3)
    link.add_argument("--out", type=Path)
    check = commands.add_parser(
        "check-mappings",
        help="contradictions and suspicious cardinalities among the stored mappings",
    )
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--lang", choices=["es", "en"], default="es")


def _add_match(commands: Commands) -> None:
    match = commands.add_parser(
        "match",
        help="find the equivalent standards between two countries (or all four)",
        description="Compares the standards of two countries (all six country pairs when no "
        "country is given; with only --from, that country against the three others) and "
        "writes the mappings found: SKOS predicate, confidence, coverage both ways, the aligned "
        "units as evidence. The mappings of the pairs matched replace the ones stored before, "
        "and the mappings inferred through a third country are recomputed.",
    )
    match.add_argument("--from", dest="source", metavar="XX", help="subject country")
    match.add_argument("--to", dest="target", metavar="YY", help="object country")
    match.add_argument("--min-confidence", type=_probability, default=0.0, metavar="F")
    match.add_argument("--out", type=Path, help="file to write (default: standard output)")
    match.add_argument("--format", choices=["csv", "sssom", "json"], default="csv")
    match.add_argument(
        "--no-store", action="store_true", help="do not write the mappings to the store"
    )


def _add_compare(commands: Commands) -> None:
    compare = commands.add_parser(
        "compare",
        help="unit-by-unit alignment of two standards and the gap both ways",
        description="Aligns the units of two standards (XX:CODE, e.g. MX:EC0217.01) and says "
        "what a holder of each must still show to be recognised for the other.",
    )
    compare.add_argument("subject", metavar="XX:CODE")
    compare.add_argument("object", metavar="YY:CODE")
    compare.add_argument("--format", choices=["text", "json"], default="text")
    compare.add_argument("--lang", choices=["es", "en"], default="es")
    compare.add_argument("--out", type=Path)


def _add_evaluate(commands: Commands) -> None:
    evaluate_ = commands.add_parser(
        "evaluate",
        help="score predicted mappings against gold ones",
        description="Precision, recall and F1 per predicate and overall, exactMatch F1 and the "
        "coverage error. GOLD has a_country,a_code,b_country,b_code,coverage_a_in_b,"
        "coverage_b_in_a,relation; PRED is the CSV or SSSOM output of `match`.",
    )
    evaluate_.add_argument("--gold", type=Path, required=True)
    evaluate_.add_argument("--predicted", type=Path, required=True)
    evaluate_.add_argument("--min-confidence", type=_probability, default=None, metavar="F")
    evaluate_.add_argument("--format", choices=["text", "json"], default="text")


def _add_suggest(commands: Commands) -> None:
    suggest = commands.add_parser(
        "suggest-occupation",
        help="ISCO-08 unit groups and ESCO occupations for a Spanish job title",
        description="Ranks ISCO-08 unit groups (with the best ESCO occupation of each) for a "
        "Spanish occupation or job title, or for every `title` of a CSV file with --batch.",
    )
    suggest.add_argument("text", nargs="?", metavar="TEXT")
    suggest.add_argument("--batch", type=Path, metavar="IN.csv")
    suggest.add_argument("--top", type=_positive, default=5)
    suggest.add_argument("--format", choices=["csv", "json", "text"], default=None)
    suggest.add_argument("--out", type=Path)


# -- running -----------------------------------------------------------------------------------


def _split_key(text: str) -> tuple[str, str]:
    country, sep, code = text.partition(":")
    if not sep or not country.strip() or not code.strip():
        raise InputError(
            f"{text!r}: write a standard as COUNTRY:CODE, e.g. MX:EC0217.01", code="bad-standard"
        )
    return country.strip(), code.strip()


def _write(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    out.write_text(text, encoding="utf-8")


def _compare(args: argparse.Namespace, store: TripleStore) -> int:
    mapping = compare_standards(
        store, _split_key(args.subject), _split_key(args.object), engine=None
    )
    _write(comparison_document(mapping, args.format, args.lang), args.out)
    return 0


def _match(args: argparse.Namespace, store: TripleStore) -> int:
    outcome = match_and_store(
        store,
        args.source,
        args.target,
        min_confidence=args.min_confidence,
        write=not args.no_store,
    )
    if args.format == "csv":
        text = match_csv(outcome.mappings)
    elif args.format == "sssom":
        text = sssom_tsv(outcome.mappings)
    else:
        document = {
            "mappings": [comparison_json(m) for m in outcome.mappings],
            "sssom": sssom_json(outcome.mappings),
        }
        text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    _write(text, args.out)
    pairs = ", ".join(f"{a}-{b}" for a, b in outcome.country_pairs)
    stored = (
        f"; stored, with {len(outcome.inferred)} inferred through a third country"
        if outcome.written
        else "; not stored"
    )
    print(
        f"{len(outcome.mappings)} mappings ({pairs}) in {outcome.seconds:.1f} s{stored}",
        file=sys.stderr,
    )
    return 0


def _suggestions(args: argparse.Namespace, store: TripleStore) -> int:
    if (args.text is None) == (args.batch is None):
        raise InputError("give either TEXT or --batch IN.csv", code="usage")
    titles = read_batch_titles(args.batch) if args.batch is not None else [args.text]
    index = OccupationIndex.from_store(store)
    results: list[tuple[str, list[OccupationSuggestion]]] = list(
        index.suggest_batch(titles, top=args.top)
    )
    fmt = args.format or ("csv" if args.batch is not None else "text")
    if fmt == "csv":
        buffer = io.StringIO()
        write_suggestions_csv(results, buffer)
        text = buffer.getvalue()
    elif fmt == "json":
        text = suggestions_to_json(results)
    else:
        text = format_suggestions_text(results)
    _write(text if text.endswith("\n") else text + "\n", args.out)
    return 0


LINK_COLUMNS = (
    "country",
    "code",
    "title",
    "rank",
    "isco08_unit_group",
    "esco_uri",
    "score",
    "via",
)


def _link(args: argparse.Namespace, store: TripleStore) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(LINK_COLUMNS)
    for standard, suggestions in link_occupations(store, args.country, top=args.top):
        for s in suggestions:
            writer.writerow(
                [
                    standard.country,
                    standard.code,
                    standard.title,
                    s.rank,
                    s.isco08_unit_group,
                    s.esco_uri or "",
                    f"{s.score:.4f}",
                    s.via,
                ]
            )
    _write(buffer.getvalue(), args.out)
    return 0


def _import(args: argparse.Namespace, store: TripleStore) -> int:
    mapping_set = read_sssom(args.file)
    stored = import_mappings(store, mapping_set.records, replace=args.replace)
    skipped = f", {mapping_set.skipped} negated rows skipped" if mapping_set.skipped else ""
    print(f"{stored} mappings imported from {args.file}{skipped}", file=sys.stderr)
    return 0


def _export(args: argparse.Namespace, store: TripleStore) -> int:
    records = export_mappings(store, args.source, args.target)
    if args.format == "json":
        text = json.dumps(sssom_json(records), ensure_ascii=False, indent=1) + "\n"
    else:
        text = sssom_tsv(records)
    _write(text, args.out)
    return 0


def _findings_text(findings: list[Finding], language: str) -> str:
    if not findings:
        return (
            "Sin contradicciones ni cardinalidades sospechosas.\n"
            if language == "es"
            else "No contradictions or suspicious cardinalities.\n"
        )
    lines = [f"[{f.kind}] {f.message_es if language == 'es' else f.message_en}" for f in findings]
    return "\n".join(lines) + "\n"


def _check(args: argparse.Namespace, store: TripleStore) -> int:
    findings = check_mappings(store)
    if args.format == "json":
        data = [
            {
                "kind": f.kind,
                "standards": list(f.standards),
                "message_es": f.message_es,
                "message_en": f.message_en,
            }
            for f in findings
        ]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(_findings_text(findings, args.lang))
    return 1 if findings else 0


def run_store_command(args: argparse.Namespace, store: TripleStore) -> int:
    handlers: dict[str, Callable[[argparse.Namespace, TripleStore], int]] = {
        "match": _match,
        "compare": _compare,
        "suggest-occupation": _suggestions,
        "link-occupations": _link,
        "import-mappings": _import,
        "export-mappings": _export,
        "check-mappings": _check,
    }
    return handlers[args.command](args, store)


def run_plain_command(args: argparse.Namespace) -> int:
    """The commands that need no store (evaluate)."""
    evaluation = evaluate(args.gold, args.predicted, min_confidence=args.min_confidence)
    sys.stdout.write(format_evaluation(evaluation, args.format))
    return 0
