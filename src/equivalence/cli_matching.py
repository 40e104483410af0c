"""The engine's commands of `equivalence`: match, compare, evaluate, suggest-occupation."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from equivalence.errors import InputError
from equivalence.matching.engine import Engine
from equivalence.matching.output import comparison_document, match_csv
from equivalence.store import TripleStore

__all__ = ["STORE_COMMANDS", "add_matching_commands", "run_store_command"]

STORE_COMMANDS = frozenset({"match", "compare"})


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def add_matching_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    match = commands.add_parser(
        "match",
        help="find the equivalent standards between two countries (or all four)",
        description="Compares every pair of standards of the two countries (all six country "
        "pairs when none is given) that share at least one similar unit, and writes the "
        "mappings found: SKOS predicate, confidence and coverage both ways.",
    )
    match.add_argument("--from", dest="source", metavar="XX", help="subject country")
    match.add_argument("--to", dest="target", metavar="YY", help="object country")
    match.add_argument("--min-confidence", type=_probability, default=0.0, metavar="F")
    match.add_argument("--out", type=Path, help="file to write (default: standard output)")
    match.add_argument("--format", choices=["csv", "sssom", "json"], default="csv")

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


def _split_key(text: str) -> tuple[str, str]:
    country, sep, code = text.partition(":")
    if not sep or not country or not code:
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
    engine = Engine.from_store(store)
    subject = engine.standard(*_split_key(args.subject))
    obj = engine.standard(*_split_key(args.object))
    _write(comparison_document(engine.compare(subject, obj), args.format, args.lang), args.out)
    return 0


def _match(args: argparse.Namespace, store: TripleStore) -> int:
    engine = Engine.from_store(store)
    mappings = engine.match(args.source, args.target, min_confidence=args.min_confidence)
    if args.format == "csv":
        text = match_csv(mappings)
    elif args.format == "json":
        from equivalence.matching.output import comparison_json

        text = json.dumps([comparison_json(m) for m in mappings], ensure_ascii=False, indent=1)
    else:
        raise InputError("the sssom format is not available yet", code="format")
    _write(text, args.out)
    print(f"{len(mappings)} mappings", file=sys.stderr)
    return 0


def run_store_command(args: argparse.Namespace, store: TripleStore) -> int:
    handlers = {"match": _match, "compare": _compare}
    return handlers[args.command](args, store)
