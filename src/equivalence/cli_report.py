"""The `report` command of `equivalence`: the comparative report of the four systems.

    equivalence report --out DIR [--format html|pdf] [--lang es|en]

Hooked into `equivalence.cli` by `add_report_command` (parser) and `run_report` (on the store).
Exit status: 0 written, 1 the store holds no standard (nothing written), 2 bad arguments (a
path that is not a folder).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TypeAlias

from equivalence.errors import InputError
from equivalence.report import FORMATS, LANGS
from equivalence.store import TripleStore

__all__ = ["REPORT_COMMANDS", "add_report_command", "run_report"]

REPORT_COMMANDS = frozenset({"report"})
EXIT_OK = 0
EXIT_EMPTY = 1
EXIT_USAGE = 2

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_report_command(commands: Commands) -> None:
    report = commands.add_parser(
        "report",
        help="the comparative report of the four systems (HTML or PDF, with CSV files)",
        description="Builds, from the graph alone, the comparative report for the Pacific "
        "Alliance experts: standards by sector and level, the level schemes, the equivalence "
        "matrix with a heat map by sector, the distribution of coverage, the standards with no "
        "equivalent, the most frequent gaps and each country's last validation. Writes "
        "report.html (or report.pdf) and one CSV file per table into DIR. Exit status: 0 "
        "written, 1 the store holds no standard, 2 bad arguments.",
    )
    report.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    report.add_argument("--format", choices=FORMATS, default="html", help="document format")
    report.add_argument("--lang", choices=LANGS, default="es", help="language of the report")


def run_report(args: argparse.Namespace, store: TripleStore) -> int:
    """Builds the report asked for by `args` from `store`; prints what it wrote."""
    from equivalence.report.build import check_target, has_standards, write_report
    from equivalence.report.facts import gather
    from equivalence.report.sections import build_document

    folder: Path = args.out
    try:
        check_target(folder, args.format, args.lang)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    data = gather(store)
    if not has_standards(data):
        print(
            "error: the store holds no competency standard; load data first (nothing was written)",
            file=sys.stderr,
        )
        return EXIT_EMPTY
    document, tables = write_report(build_document(data, args.lang), folder, args.format)
    print(f"{document}")
    print(f"{len(tables)} CSV files in {folder}")
    return EXIT_OK
