"""A submission killed with SIGKILL at any moment leaves the old version or the new one, whole.

Each case copies an on-disk store that holds version 1 of Mexico's data (about 17,000 triples),
starts a child process (tests/submission_crash_child.py) that accepts version 2 through the
staging path (the child lowers the staging threshold: the default 200,000 triples would take
half a minute per write here), kills it with SIGKILL at one moment, then reopens the store and
checks: the live graph is exactly version 1 or exactly version 2, never a mix; the versions
recorded agree with it; every recorded version is in the archive, intact; no staging graph and
no temporary archive file is left.
"""

from __future__ import annotations

import os
import random
import select
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from equivalence import submissions
from equivalence.archive import DirectoryArchive
from equivalence.snapshot import snapshot
from equivalence.store.base import STAGING_PREFIX
from equivalence.store.oxigraph import OxigraphStore
from equivalence.vocab import country_graph

sys.path.insert(0, str(Path(__file__).resolve().parent))
import submission_crash_child as child

CHILD = Path(child.__file__).resolve()
MX = country_graph("MX")
_TIMEOUT_S = 60.0

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals"),
]


class Base:
    """The store with version 1, and the digests of both versions."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.old = snapshot(q.triple for q in child.version_quads(1)).digest
        self.new = snapshot(q.triple for q in child.version_quads(2)).digest


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    root = tmp_path_factory.mktemp("crash-base")
    store = child.open_store(root / "store")
    first = child.accept(store, 1)
    store.close()
    made = Base(root)
    assert first.digest == made.old
    assert made.old != made.new
    return made


@pytest.fixture
def location(base: Base, tmp_path: Path) -> Iterator[Path]:
    shutil.copytree(base.root / "store", tmp_path / "store")
    shutil.copytree(base.root / "store.versions", tmp_path / "store.versions")
    yield tmp_path / "store"


def _read_line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], _TIMEOUT_S)
    assert ready, "the child said nothing in time"
    line = process.stdout.readline().strip()
    if not line:
        assert process.stderr is not None
        pytest.fail(f"the child ended early: {process.stderr.read()[-3000:]}")
    return line


def _run_and_kill(location: Path, moment: str, delay: float) -> None:
    process = subprocess.Popen(
        [sys.executable, str(CHILD), str(location), moment],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _read_line(process) == moment
        if delay:
            # the kill may land after the child finished: the new version must then be whole
            select.select([], [], [], delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=_TIMEOUT_S)  # reaped: its pid no longer runs
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _staging_quads(store: OxigraphStore) -> list[str]:
    return sorted(
        {
            quad.graph_name.value
            for quad in store.raw.quads_for_pattern(None, None, None, None)
            if isinstance(quad.graph_name, NamedNode)
            and quad.graph_name.value.startswith(STAGING_PREFIX)
        }
    )


def _check(location: Path, base: Base) -> str:
    """Reopens the store; asserts it holds one whole version; returns `old` or `new`."""
    store = child.open_store(location)
    try:
        assert _staging_quads(store) == []
        assert not [
            g
            for g in store.raw.named_graphs()
            if isinstance(g, NamedNode) and g.value.startswith(STAGING_PREFIX)
        ]
        live = snapshot(store.triples(MX))
        listed = submissions.versions(store, "MX")
        if live.digest == base.old:
            outcome = "old"
            assert [(v.number, v.digest) for v in listed] == [(1, base.old)]
        elif live.digest == base.new:
            outcome = "new"
            assert [(v.number, v.digest, v.previous) for v in listed] == [
                (1, base.old, None),
                (2, base.new, 1),
            ]
        else:
            pytest.fail(f"the live graph is neither version: {len(live.triples)} triples")
        assert listed[-1].triples == len(live.triples)
        assert listed[-1].standards == len(live.standards)
        archive = DirectoryArchive(location.with_name("store.versions"))
        for recorded in listed:
            archive.get(recorded.digest)  # there, and intact: its content has that digest
        assert not [p for p in archive.path.iterdir() if p.name.endswith(".tmp")]
    finally:
        store.close()
    return outcome


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("pause-archive", "old"),
        ("pause-bulk", "old"),
        ("pause-after-update", "new"),
    ],
)
def test_killed_at_a_known_moment(base: Base, location: Path, moment: str, expected: str) -> None:
    _run_and_kill(location, moment, delay=0)
    assert _check(location, base) == expected


def test_killed_during_the_final_update(base: Base, location: Path) -> None:
    # the update takes over a second here: a kill within it must leave the old version
    _run_and_kill(location, "update", delay=random.uniform(0.05, 0.8))
    assert _check(location, base) in ("old", "new")


def test_killed_at_a_random_moment_then_the_store_works_on(base: Base, location: Path) -> None:
    _run_and_kill(location, "start", delay=random.uniform(0.2, 3.0))
    _check(location, base)
    store = child.open_store(location)
    try:
        archive = submissions.archive_for(store, child.Settings(versions=""))
        small = child.version_quads(1)[:210]  # ten standards
        accepted = submissions.accept(store, archive, "MX", small, child.AGENT)
        assert submissions.current_version(store, "MX") == accepted
        assert snapshot(store.triples(MX)).digest == accepted.digest
    finally:
        store.close()
