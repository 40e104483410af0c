#!/usr/bin/env bash
# Installs the project with its development tools in .venv, then lints, type-checks and tests.
# Real data is read from $EQUIVALENCE_DATA_DIR (default ../shared/data).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e ".[dev]"
ruff check .
ruff format --check .
mypy
pytest "$@"
