"""ISCO-08 / ESCO occupation suggestions for a job title."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import WorkspaceDep
from api.responses import json_response

router = APIRouter(tags=["occupations"])


@router.get(
    "/occupations/suggest",
    summary="Suggest ISCO-08 unit groups (and their best ESCO occupation) for a title",
    description=(
        "Spanish job or occupation titles, with regional variants (mesero, garzón, mozo …). "
        "Each suggestion has the ISCO-08 unit group, its Spanish title, the ESCO occupation of "
        "that group that fits best, a score and where it comes from."
    ),
)
def suggest(
    workspace: WorkspaceDep,
    q: Annotated[str, Query(min_length=1, max_length=300, examples=["mesero de restaurante"])],
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> Response:
    suggestions = workspace.occupations().suggest(q, top=limit)
    return json_response(
        {
            "query": q,
            "suggestions": [
                {
                    "rank": s.rank,
                    "isco08_unit_group": s.isco08_unit_group,
                    "label": s.label,
                    "esco_uri": s.esco_uri,
                    "esco_label": s.esco_label,
                    "score": round(s.score, 4),
                    "via": s.via,
                }
                for s in suggestions
            ],
        }
    )
