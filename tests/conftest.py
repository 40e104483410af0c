"""Shared fixtures. Real data comes from EQUIVALENCE_DATA_DIR (default ../shared/data).

Tests that need it use the `data_dir` fixture: they skip on a machine without the folder, but
fail in CI (CI=true), where the data must be present: a test there never silently skips.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
