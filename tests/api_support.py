"""Builders shared by the HTTP tests: stores with the sample data, apps over them, templates."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fastapi import FastAPI

from api.app import create_app
from equivalence.auth import TokenRegistry
from equivalence.matching.service import match_and_store
from equivalence.service import load_paths
from equivalence.settings import Settings
from equivalence.store import TripleStore, open_store
from equivalence.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample"
TEMPLATE_TABLES = ("standards", "units", "criteria")


def sample_store(*, matched: bool = True) -> TripleStore:
    """An in-memory store with the bundled sample (ontology, reference excerpt, 16 standards),
    and the mappings `match` finds between them."""
    store = open_store("oxigraph:memory")
    report = load_paths(store, [SAMPLE])
    assert not report.failed, report.failed
    if matched:
        match_and_store(store)
    return store


def reference_only_store() -> TripleStore:
    """An in-memory store with the ontology and the sample's reference excerpt, no country data."""
    store = open_store("oxigraph:memory")
    report = load_paths(store, [SAMPLE / "reference.ttl"])
    assert not report.failed, report.failed
    return store


def app_over(
    store: TripleStore, tmp_path: Path, *, read_only: bool = False, **settings: object
) -> tuple[FastAPI, TokenRegistry]:
    tokens = tmp_path / "tokens.json"
    registry = TokenRegistry(tokens)
    workspace = Workspace(store, registry, read_only=read_only)
    app = create_app(
        Settings(store="oxigraph:memory", tokens=str(tokens), **settings),  # type: ignore[arg-type]
        workspace=workspace,
    )
    return app, registry


def country_template(country: str, *, retitle: dict[str, str] | None = None) -> dict[str, bytes]:
    """The sample template's rows of one country, as CSV file bodies (optionally retitled)."""
    files: dict[str, bytes] = {}
    for table in TEMPLATE_TABLES:
        with (SAMPLE / "template" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            fields = list(reader.fieldnames or [])
            rows = [r for r in reader if r["country"] == country]
        if table == "standards" and retitle:
            for row in rows:
                row["title"] = retitle.get(row["code"], row["title"])
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        files[f"{table}.csv"] = out.getvalue().encode("utf-8")
    return files


def multipart(files: dict[str, bytes]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, body, "text/csv")) for name, body in files.items()]
