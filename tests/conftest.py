"""Shared fixtures. Real data comes from EQUIVALENCE_DATA_DIR (default ../shared/data).

Tests that need it use the `data_dir` fixture: they skip on a machine without the folder, but
fail in CI (CI=true), where the data must be present: a test there never silently skips.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from equivalence.settings import get_settings
from equivalence.store import TripleStore

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _data_dir() -> Path:
    configured = os.environ.get("EQUIVALENCE_DATA_DIR")
    return Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    path = _data_dir()
    if not (path / "README.md").is_file():
        message = f"real data folder not found at {path} (set EQUIVALENCE_DATA_DIR)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture()
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No default store, token file or version archive of the machine is used, no EQUIVALENCE_
    variable of the caller leaks in, and settings are read again for the test."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    for name in (
        "EQUIVALENCE_STORE",
        "EQUIVALENCE_TOKEN",
        "EQUIVALENCE_TOKENS",
        "EQUIVALENCE_VERSIONS",
        "EQUIVALENCE_MAX_INPUT_BYTES",
    ):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _benchmarks_dir() -> Path:
    configured = os.environ.get("EQUIVALENCE_BENCHMARKS_DIR")
    return Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "benchmarks"


@pytest.fixture(scope="session")
def benchmarks_dir() -> Path:
    """The development benchmark sets (../shared/benchmarks): required in CI, like the data."""
    path = _benchmarks_dir()
    if not (path / "equivalence-dev" / "gold.csv").is_file():
        message = f"benchmark folder not found at {path} (set EQUIVALENCE_BENCHMARKS_DIR)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def reference_store(data_dir: Path, benchmarks_dir: Path) -> TripleStore:
    """One in-memory store with all the real data and the equivalence-dev standards (read-only)."""
    from equivalence.service import load_paths
    from equivalence.store import open_store

    store = open_store("oxigraph:memory")
    report = load_paths(store, [data_dir, benchmarks_dir / "equivalence-dev"])
    assert not report.failed, report.failed
    return store
