"""The wheel carries the ontology, shapes, queries and sample data, and works when installed."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from equivalence import cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("equivalence-*.whl")
    return path


def test_wheel_holds_every_resource_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("ontology", "shapes", "queries", "sample"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file():
                packaged = f"equivalence/data/{folder}/{path.relative_to(ROOT / folder).as_posix()}"
                assert packaged in names, f"{packaged} missing from the wheel"
    assert "equivalence/py.typed" in names


def test_installed_wheel_finds_its_resources_and_runs(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = (
        "import equivalence.resources as r, sys; "
        "d = r.resource_dir('queries'); print(d); "
        "from equivalence.cli import main; sys.exit(main(['queries']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    first, *rest = result.stdout.splitlines()
    assert first.startswith(str(target)), first
    assert any(line.startswith("stats-country-counts:") for line in rest)


def test_console_script_points_at_a_callable() -> None:
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"equivalence": "equivalence.cli:main"}
    assert callable(cli.main)
