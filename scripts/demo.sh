#!/usr/bin/env bash
# Installs the project in .venv, loads the bundled sample data into an embedded on-disk store
# (var/demo-store), prints the statistics, runs a named query, validates the sample template, matches the
# standards of the four countries and compares two of them, then serves the HTTP API, the SPARQL endpoint
# and the pages on http://127.0.0.1:${PORT:-8000} until Ctrl-C (DEMO_SERVE=0 stops before serving).
# Needs nothing outside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e .
export EQUIVALENCE_STORE="${EQUIVALENCE_STORE:-var/demo-store}"
equivalence load --quiet sample
equivalence stats
equivalence query stats-standards-per-level --param country=MX
equivalence validate sample/template
equivalence match --out var/demo-mappings.csv        # equivalent standards of the four countries, stored in the graph
equivalence compare MX:EC0217.01 PE:DEMO-PE-04      # unit by unit, and the gap both ways
equivalence report --out var/demo-report             # the comparative report (HTML and CSV)
if [ "${DEMO_SERVE:-1}" != "0" ]; then
  echo "serving on http://127.0.0.1:${PORT:-8000}  (API docs at /docs, SPARQL at /sparql; Ctrl-C to stop)"
  exec equivalence serve --port "${PORT:-8000}"
fi
