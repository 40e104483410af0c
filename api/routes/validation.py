"""A dry run: validate a submission without writing anything."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep, WorkspaceDep
from api.reports import report_response
from api.uploads import saved_upload
from equivalence.lookup import normalise_country
from equivalence.service import validate_inputs

router = APIRouter(tags=["validation"])

UPLOAD_DOC = (
    "Send the files as `multipart/form-data` (one or more `files` parts: the template's "
    "`standards.csv`, `units.csv`, `criteria.csv`, an `.xlsx` workbook, RDF files, or a `.zip` of "
    "them), or one file as the raw body with its `Content-Type` (`text/turtle`, "
    "`application/n-triples`, `application/ld+json`, `application/rdf+xml`, `application/n-quads`, "
    "`application/trig`, the XLSX type or `application/zip`)."
)


@router.post(
    "/validate",
    summary="Validate a submission (dry run; nothing is written)",
    description=(
        UPLOAD_DOC
        + " The report lists every problem with the standard, unit or criterion, the field, the "
        "offending value and a message in Spanish and English; with the store's accepted data "
        "it also says which problems are new, fixed or persisting. JSON by default; Turtle (a "
        "`sh:ValidationReport`), CSV or a text summary (`?lang=es|en`) by `Accept` or `?format=`. "
        "Input that cannot be read gets a 400 problem with file, line and column."
    ),
    responses={
        200: {"content": {"text/turtle": {}, "text/csv": {}, "text/plain": {}}},
        400: {"description": "unreadable input"},
        413: {"description": "too large"},
        415: {"description": "unknown body type"},
    },
)
async def validate(
    request: Request,
    workspace: WorkspaceDep,
    settings: SettingsDep,
    country: Annotated[
        str | None, Query(description="the submitting country", examples=["MX"])
    ] = None,
    lang: Annotated[str, Query(pattern="^(es|en)$")] = "es",
    format: Annotated[str | None, Query(description="json, turtle, csv or text")] = None,
) -> Response:
    code = normalise_country(country) if country else None
    async with saved_upload(request, settings.max_upload_bytes) as paths:
        report = await run_in_threadpool(validate_inputs, workspace.store, paths, country=code)
    return report_response(request, report, language=lang, format_name=format)
