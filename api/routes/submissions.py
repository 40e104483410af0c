"""Versioned submissions of a country's data by its agency (bearer token)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import BearerToken, SettingsDep, WorkspaceDep
from api.responses import json_response
from api.routes.validation import UPLOAD_DOC
from api.uploads import saved_upload
from equivalence.lookup import normalise_country
from equivalence.service import roll_back, submit
from equivalence.submissions import diff, versions
from equivalence.validation.report import to_json
from equivalence.workspace import Workspace

router = APIRouter(prefix="/submissions", tags=["submissions"])


class RollbackIn(BaseModel):
    version: int = Field(ge=1, description="the earlier version to make current again")


def _submit(workspace: Workspace, token: str, country: str, paths: list[Path]) -> dict[str, object]:
    with workspace.write() as store:
        outcome = submit(store, workspace.registry, token, country, paths)
    return {"version": outcome.version.as_dict(), "report": json.loads(to_json(outcome.report))}


@router.post(
    "/{country}",
    status_code=201,
    summary="Submit a country's data: validated, then accepted as a new version, or rejected",
    description=(
        UPLOAD_DOC
        + " Needs the bearer token of that country's agency. When the data conforms it replaces "
        "the country's graph atomically and becomes a new version (201, with the report); with "
        "violations nothing is written (422 problem with the report)."
    ),
    responses={401: {}, 403: {}, 413: {}, 415: {}, 422: {"description": "rejected: violations"}},
)
async def post_submission(
    request: Request,
    workspace: WorkspaceDep,
    settings: SettingsDep,
    token: BearerToken,
    country: str,
) -> Response:
    code = normalise_country(country)
    workspace.registry.authorize(token, code)  # refuse before reading any upload
    async with saved_upload(request, settings.max_upload_bytes) as paths:
        body = await run_in_threadpool(_submit, workspace, token, code, paths)
    return json_response(body, status=201)


@router.get("/{country}", summary="The accepted versions of a country's data, oldest first")
def list_versions(workspace: WorkspaceDep, country: str) -> Response:
    code = normalise_country(country)
    return json_response(
        {"country": code, "versions": [v.as_dict() for v in versions(workspace.store, code)]}
    )


@router.get(
    "/{country}/diff",
    summary="Standards added, removed and changed between two versions (or a version and the live data)",
)
def diff_versions(
    workspace: WorkspaceDep,
    country: str,
    from_: Annotated[int, Query(alias="from", ge=1)],
    to: Annotated[int | None, Query(ge=1, description="omit for the live data")] = None,
) -> Response:
    code = normalise_country(country)
    return json_response(diff(workspace.store, code, from_, to).as_dict())


@router.post(
    "/{country}/rollback",
    status_code=201,
    summary="Make an earlier version current again (recorded as a new version)",
    responses={401: {}, 403: {}, 404: {"description": "no such version"}},
)
def rollback(
    workspace: WorkspaceDep, token: BearerToken, country: str, body: RollbackIn
) -> Response:
    code = normalise_country(country)
    with workspace.write() as store:
        version = roll_back(store, workspace.registry, token, code, body.version)
    return json_response(version.as_dict(), status=201)
