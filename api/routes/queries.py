"""Named queries at /queries/{name} (placeholder; being written)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["sparql"])
