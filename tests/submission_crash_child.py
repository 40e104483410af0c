"""The child process of tests/test_submission_crash.py: accepts a large version, killed midway.

    python submission_crash_child.py STORE_DIR MOMENT

opens the on-disk store STORE_DIR (staging threshold lowered so that the data goes through
staging graphs), builds version 2 of the test data and accepts it. At MOMENT it tells the parent
on stdout (one line) and, for the `pause-…` moments, waits there to be killed:

- `pause-archive`: the archive's temporary file is written, not yet synced nor renamed;
- `pause-bulk`: half of the staging graphs are bulk-loaded;
- `update`: the final update (drop + add + metadata) starts (the parent kills a moment later);
- `pause-after-update`: the final update committed, the staging graphs are not yet removed;
- `start`: nothing is paused (the parent kills after a random delay).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, Quad

from equivalence import archive as archive_module
from equivalence import submissions
from equivalence.auth import Agent
from equivalence.settings import Settings
from equivalence.store.oxigraph import OxigraphStore
from equivalence.vocab import (
    DCTERMS,
    EQ,
    RDF,
    SKOS,
    country_graph,
    criterion_iri,
    standard_iri,
    unit_iri,
)

STAGING_THRESHOLD = 5_000
STANDARDS = 800  # 21 triples each: 16,800 triples per version
AGENT = Agent("c0ffee00c0ffee00", "MX", "CONOCER", "CONOCER")


def version_quads(version: int) -> list[Quad]:
    """Version 1 or 2 of Mexico's test data: version 2 retitles every third standard, drops the
    last 50 and adds 50 new ones."""
    graph = country_graph("MX")
    first, last = (0, STANDARDS) if version == 1 else (50, STANDARDS + 50)
    quads: list[Quad] = []
    for i in range(first, last):
        code = f"EC{i:05d}"
        standard = standard_iri("MX", code)
        title = f"Estándar {i}" + (" (revisado)" if version == 2 and i % 3 == 0 else "")
        triples = [
            (standard, RDF.type, EQ.CompetencyStandard),
            (standard, RDF.type, EQ.ConocerStandard),
            (standard, DCTERMS.identifier, Literal(code)),
            (standard, SKOS.prefLabel, Literal(title, language="es")),
        ]
        for u in ("E01", "E02"):
            unit = unit_iri("MX", code, u)
            triples += [
                (standard, EQ.hasUnit, unit),
                (unit, RDF.type, EQ.CompetencyUnit),
                (unit, DCTERMS.identifier, Literal(u)),
            ]
            for c in ("C1", "C2"):
                criterion = criterion_iri("MX", code, u, c)
                triples += [
                    (unit, EQ.hasCriterion, criterion),
                    (criterion, RDF.type, EQ.PerformanceCriterion),
                    (
                        criterion,
                        SKOS.prefLabel,
                        Literal(f"Criterio {c} de {u} de {i}", language="es"),
                    ),
                ]
        quads.extend(Quad(s, p, o, graph) for s, p, o in triples)
    return quads


def open_store(path: Path) -> OxigraphStore:
    return OxigraphStore(path, staging_threshold=STAGING_THRESHOLD)


def accept(store: OxigraphStore, version: int) -> submissions.Version:
    archive = submissions.archive_for(store, Settings(versions=""))
    return submissions.accept(store, archive, "MX", version_quads(version), AGENT)


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _wait_to_be_killed(moment: str) -> None:
    _say(moment)
    time.sleep(120)
    os._exit(3)  # never reached when the parent kills us


class _Handle:
    """Wraps the pyoxigraph store of an OxigraphStore to stop or signal at a given moment."""

    def __init__(self, inner: Any, moment: str) -> None:
        self._inner = inner
        self._moment = moment

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __contains__(self, quad: object) -> bool:
        return quad in self._inner

    def bulk_extend(self, quads: Iterable[Quad]) -> None:
        if self._moment != "pause-bulk":
            self._inner.bulk_extend(quads)
            return
        items = list(quads)
        self._inner.bulk_extend(items[: len(items) // 2])
        _wait_to_be_killed(self._moment)

    def update(self, update: str) -> None:
        if self._moment == "update" and "ADD" in update:
            _say("update")
        self._inner.update(update)
        if self._moment == "pause-after-update" and "ADD" in update:
            _wait_to_be_killed(self._moment)


def _pause_archive() -> None:
    real = os.fsync

    def fsync(descriptor: int) -> None:
        _wait_to_be_killed("pause-archive")
        real(descriptor)

    archive_module.os.fsync = fsync  # type: ignore[attr-defined]


def main(location: str, moment: str) -> None:
    store = open_store(Path(location))
    if moment == "pause-archive":
        _pause_archive()
    store._handle = _Handle(store._handle, moment)
    if moment == "start":
        _say("start")
    accept(store, 2)
    store.close()
    _say("done")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
