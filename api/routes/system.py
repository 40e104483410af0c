"""Health and statistics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from api.deps import WorkspaceDep
from api.responses import json_response
from equivalence import __version__
from equivalence.service import statistics
from equivalence.sparql import default_catalogue

router = APIRouter(tags=["system"])


@router.get("/health", summary="Is the service up, and can it read its store?")
def health(workspace: WorkspaceDep) -> Response:
    store_ok = default_catalogue().ask(workspace.store, "store-health")
    return json_response(
        {
            "status": "ok" if store_ok else "degraded",
            "version": __version__,
            "store": repr(workspace.store),
            "read_only": workspace.read_only,
            "generation": workspace.generation,
        },
        status=200 if store_ok else 503,
    )


@router.get("/stats", summary="Counts per country, level and sector; reference data; mappings")
def stats(workspace: WorkspaceDep) -> dict[str, Any]:
    return statistics(workspace.store)
