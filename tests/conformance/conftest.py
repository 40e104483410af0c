"""One `store` fixture, parametrized over every backend; the conformance suite runs on each.

The remote backend talks to a real `oxigraph serve` started once per session on a free port
of 127.0.0.1 (its binary is found next to the interpreter, on PATH, or through OXIGRAPH_BIN).
Without the binary the remote cases skip on a workstation and fail in CI (CI=true).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from equivalence.errors import StoreError
from equivalence.store import TripleStore, open_store
from equivalence.store.oxigraph import OxigraphStore
from equivalence.store.remote import RemoteStore

_START_TIMEOUT_S = 30.0


def oxigraph_binary() -> str | None:
    configured = os.environ.get("OXIGRAPH_BIN")
    if configured:
        return configured if Path(configured).is_file() else None
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class OxigraphServer:
    base: str
    process: subprocess.Popen[bytes]
    log: Path


def _start_server(binary: str, location: Path, log: Path, *options: str) -> OxigraphServer:
    """Starts the server and waits until it answers; retries on another port if it dies."""
    failures: list[str] = []
    for _attempt in range(3):
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    binary,
                    "serve",
                    "--location",
                    str(location),
                    "--bind",
                    f"127.0.0.1:{port}",
                    *options,
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + _START_TIMEOUT_S
        while time.monotonic() < deadline and process.poll() is None:
            if _answers(base):
                return OxigraphServer(base, process, log)
            time.sleep(0.05)
        _stop(process)
        failures.append(f"port {port}: {log.read_text(errors='replace').strip()[-500:]}")
    raise RuntimeError("oxigraph serve did not start:\n" + "\n".join(failures))


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _binary() -> str:
    binary = oxigraph_binary()
    if binary is None:
        message = "the oxigraph server binary is missing (pip install oxigraph, or OXIGRAPH_BIN)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return binary


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """`oxigraph serve` as it comes: clients ask for the union default graph per query."""
    root = tmp_path_factory.mktemp("oxigraph-server")
    server = _start_server(_binary(), root / "data", root / "server.log")
    yield server
    _stop(server.process)


@pytest.fixture(scope="session")
def oxigraph_union_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """`oxigraph serve --union-default-graph`: for stores opened with `union=server`."""
    root = tmp_path_factory.mktemp("oxigraph-union-server")
    server = _start_server(_binary(), root / "data", root / "server.log", "--union-default-graph")
    yield server
    _stop(server.process)


@dataclass
class Backend:
    """A store under test, and what the suite needs to know about its backend."""

    name: str
    store: TripleStore
    reopen: Callable[[], TripleStore] | None
    """Opens the same data again after `close()`; None when the data does not outlive it."""
    break_writes: Callable[[pytest.MonkeyPatch], None]
    """Makes the next write fail midway, after part of the data went in."""


class _FailingStore:
    """Wraps a pyoxigraph Store: its writes fail midway through their transaction.

    `extend` and `bulk_extend` read half their input, then the input raises; `update` runs the
    update with one more operation at its end that fails when it runs (a LOAD that pyoxigraph
    refuses: port 1 is reserved), after the update's own operations ran.
    """

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __contains__(self, quad: Any) -> bool:
        return quad in self._inner

    @staticmethod
    def _half_then_fail(items: Any) -> Iterator[Any]:
        items = list(items)
        yield from items[: max(1, len(items) // 2)]
        raise OSError("injected failure in the middle of a write")

    def extend(self, quads: Any) -> None:
        self._inner.extend(self._half_then_fail(quads))

    def bulk_extend(self, quads: Any) -> None:
        self._inner.bulk_extend(self._half_then_fail(quads))

    def update(self, update: str) -> None:
        try:
            self._inner.update(f"{update} ;\nLOAD <http://127.0.0.1:1/injected-failure>")
        except OSError as exc:  # the transaction has been rolled back by now
            raise OSError(f"injected failure at the end of an update: {exc}") from exc
        raise AssertionError("the injected LOAD did not fail")


def _break_embedded(store: OxigraphStore) -> Callable[[pytest.MonkeyPatch], None]:
    def apply(monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(store, "_handle", _FailingStore(store._handle))

    return apply


def _break_remote(store: RemoteStore) -> Callable[[pytest.MonkeyPatch], None]:
    """Uploads go through; the one update that would commit them never reaches the server."""

    def apply(monkeypatch: pytest.MonkeyPatch) -> None:
        def lost(update: str) -> None:
            raise StoreError(f"injected: connection lost before the update reached {update[:20]}")

        monkeypatch.setattr(store, "_update_raw", lost)

    return apply


BACKENDS = [
    pytest.param("oxigraph-memory", id="oxigraph-memory"),
    pytest.param("oxigraph-disk", id="oxigraph-disk"),
    pytest.param("remote", id="remote", marks=pytest.mark.remote),
    pytest.param("remote-union-server", id="remote-union-server", marks=pytest.mark.remote),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    name: str = request.param
    if name == "oxigraph-memory":
        memory = open_store("oxigraph:memory")
        assert isinstance(memory, OxigraphStore)
        made = Backend(name, memory, None, _break_embedded(memory))
    elif name == "oxigraph-disk":
        descriptor = f"oxigraph:{tmp_path / 'store'}"
        disk = open_store(descriptor)
        assert isinstance(disk, OxigraphStore)
        made = Backend(name, disk, lambda: open_store(descriptor), _break_embedded(disk))
    else:
        if name == "remote":
            server: OxigraphServer = request.getfixturevalue("oxigraph_server")
            descriptor = f"sparql+{server.base}"
        else:
            server = request.getfixturevalue("oxigraph_union_server")
            descriptor = f"sparql+{server.base}/?union=server"
        remote = open_store(descriptor)
        assert isinstance(remote, RemoteStore)
        remote.update("DROP ALL")  # the server lives for the session; each test starts empty
        made = Backend(name, remote, lambda: open_store(descriptor), _break_remote(remote))
    yield made
    made.store.close()


@pytest.fixture
def store(backend: Backend) -> TripleStore:
    return backend.store
