"""Small response helpers shared by the routers."""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import Response

__all__ = ["json_bytes", "json_response"]


def json_bytes(content: Any) -> bytes:
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(
    content: Any, *, status: int = 200, media_type: str = "application/json"
) -> Response:
    """JSON without a second validation pass (the schemas document it; the builders shape it)."""
    return Response(json_bytes(content), status_code=status, media_type=media_type)
