"""The unit-by-unit comparison of two standards and the gap in both directions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import PlainTextResponse, Response

from api.deps import WorkspaceDep
from api.negotiation import choose
from api.responses import json_response
from equivalence.lookup import StandardNotFoundError, near_codes, normalise_country
from equivalence.matching.output import comparison_json, comparison_text
from equivalence.workspace import Workspace

router = APIRouter(tags=["compare"])

_OFFERS = ("application/json", "text/plain")


def _require(workspace: Workspace, country: str, code: str) -> None:
    if workspace.title(country, code) is None:
        raise StandardNotFoundError(country, code, near_codes(code, workspace.codes(country)))


@router.get(
    "/compare/{country}/{code}/{country2}/{code2}",
    summary="Align two standards unit by unit; the gap both ways",
    description=(
        "Each unit of either standard with its best counterpart in the other (covered, partly "
        "covered or missing) and the criteria not shown; the verdict (SKOS predicate), confidence "
        "and coverage both ways. `gap` is what a holder of the first standard must still show to "
        "be recognised for the second; `reverse_gap` the other way. When the pair is stored as a "
        "mapping, `mapping` gives its id and review status. JSON, or a text summary (`Accept: "
        "text/plain`, `?lang=es|en`)."
    ),
    responses={200: {"content": {"text/plain": {}}}, 404: {"description": "unknown standard"}},
)
def compare_standards(
    request: Request,
    workspace: WorkspaceDep,
    country: Annotated[str, Path(examples=["MX"])],
    code: Annotated[str, Path(examples=["EC0217.01"])],
    country2: Annotated[str, Path(examples=["PE"])],
    code2: Annotated[str, Path(examples=["DEMO-PE-04"])],
    lang: Annotated[str, Query(pattern="^(es|en)$")] = "es",
    format: Annotated[str | None, Query(description="json or text")] = None,
) -> Response:
    first, second = normalise_country(country), normalise_country(country2)
    media_type = choose(request, _OFFERS, format_name=format)
    _require(workspace, first, code)
    _require(workspace, second, code2)
    engine = workspace.engine()
    mapping = engine.compare(engine.standard(first, code), engine.standard(second, code2))
    if media_type == "text/plain":
        return PlainTextResponse(comparison_text(mapping, language=lang))
    body: dict[str, Any] = comparison_json(mapping)
    stored = [e for e in workspace.equivalents().of(first, code, target=second) if e.code == code2]
    body["mapping"] = (
        {"mapping_id": stored[0].mapping_id, "review_status": stored[0].review_status}
        if stored
        else None
    )
    return json_response(body)
