"""Validating a big template on two cores: two parts, read and validated at once.

Reading a template is Python work, one row at a time: 10,000 standards (570,000 rows) take
seconds of one core, as long as everything after it. So the template is cut in two parts by
standard (`io.template.TemplatePart`: a standard's units and criteria go with it, and standards
sharing a Chilean unit stay together) and a forked child process reads and validates one part
while this process does the other; the child sends its report back.

The report is the one a single process gives, because no check needs two parts: every row check
is made in the part of its row's standard; the checks across standards (a code given twice,
two spellings of one sector or committee) are made by both parts over every standard row and
reported by the row's part; every shape reads a focus node and what hangs from it, all in one
part, plus the ontology and the reference facts each part adds. The one thing two parts share
is a sector or committee named by standards of both: each describes it, so it is counted once
and a result on it reported once (where the first row names it). Tests compare both ways.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Final

from equivalence.io.template import TemplatePart
from equivalence.validation.dataset import Dataset
from equivalence.validation.model import ValidationReport, ValidationResult
from equivalence.validation.queries import InProcess
from equivalence.validation.validator import (
    Reference,
    read_submission,
    report_of,
    sorted_results,
)
from equivalence.vocab import EQ

__all__ = ["PartReport", "validate_in_parts", "validate_part"]

PARTS: Final = 2
_FORK: Final = "fork"
# the nodes two parts can both describe (see `io.template._Converter.named`)
_SHARED_CLASSES: Final = (EQ.Sector.value, EQ.Committee.value)


@dataclass(frozen=True, slots=True)
class PartReport:
    """A part's report, and the quads it states about the nodes another part may state too."""

    report: ValidationReport
    shared: dict[str, int]


def validate_part(
    paths: Sequence[Path], part: TemplatePart, *, country: str | None, reference: Reference | None
) -> PartReport:
    """Reads and validates one part of the templates at `paths` (SPARQL queries in-process)."""
    data = Dataset()
    submission = read_submission(paths, country=country, provenance=False, dataset=data, part=part)
    shared = {
        node: data.statements_about(node) for cls in _SHARED_CLASSES for node, _ in data.typed(cls)
    }
    with InProcess(1) as queries:
        report = report_of(submission, data, reference, country=country, workers=1, queries=queries)
    return PartReport(report, shared)


def _serve(
    connection: Connection,
    paths: Sequence[Path],
    part: TemplatePart,
    country: str | None,
    reference: Reference | None,
) -> None:
    """The child: validates its part and sends it back (None if it failed: the parent then
    validates that part itself, and meets the same problem)."""
    try:
        answer: PartReport | None = validate_part(paths, part, country=country, reference=reference)
    except Exception:  # the parent meets the same problem in its own attempt
        answer = None
    with suppress(OSError):
        connection.send(answer)
    connection.close()


def validate_in_parts(
    paths: Sequence[Path], *, country: str | None, reference: Reference | None
) -> ValidationReport:
    """The report of the templates at `paths`, part 1 validated in a forked child while this
    process validates part 0 (must be called with no other thread running)."""
    context = multiprocessing.get_context(_FORK)
    receiver, sender = context.Pipe(duplex=False)
    second = TemplatePart(1, PARTS)
    child = context.Process(
        target=_serve, args=(sender, list(paths), second, country, reference), daemon=True
    )
    child.start()
    sender.close()
    try:
        first = validate_part(paths, TemplatePart(0, PARTS), country=country, reference=reference)
        try:
            theirs: PartReport | None = receiver.recv()
        except (EOFError, OSError):
            theirs = None  # the child died
    finally:
        receiver.close()
        child.join(timeout=5)
        if child.is_alive():
            child.terminate()
            child.join()
    if theirs is None:
        theirs = validate_part(paths, second, country=country, reference=reference)
    return merged(first, theirs)


def _unplaced(result: ValidationResult) -> ValidationResult:
    return replace(result, file=None, line=None, column=None)


def merged(first: PartReport, second: PartReport) -> ValidationReport:
    """One report of two parts: a node both describe is counted once, and a result on it
    reported once, at the earlier of the two places."""
    twice = first.shared.keys() & second.shared.keys()
    results: list[ValidationResult] = list(first.report.results)
    on_shared = {_unplaced(r): i for i, r in enumerate(results) if r.focus in twice}
    for result in second.report.results:
        where = on_shared.get(_unplaced(result)) if result.focus in twice else None
        if where is None:
            results.append(result)
        elif (result.file or "", result.line or 0) < (
            results[where].file or "",
            results[where].line or 0,
        ):
            results[where] = result
    a, b = first.report, second.report
    return ValidationReport(
        sorted_results(results),
        inputs=a.inputs,
        countries=tuple(sorted({*a.countries, *b.countries})),
        standards=a.standards + b.standards,
        triples=a.triples + b.triples - sum(first.shared[node] for node in twice),
    )
