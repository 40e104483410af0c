"""The SPARQL 1.1 Protocol endpoint (placeholder; being written)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["sparql"])
