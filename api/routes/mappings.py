"""The mapping set: equivalence assertions between standards, as JSON pages or SSSOM/TSV."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import WorkspaceDep
from api.negotiation import choose
from api.responses import json_response
from equivalence.errors import QueryError
from equivalence.lookup import normalise_country
from equivalence.matching.graph import MappingRecord
from equivalence.matching.model import Predicate
from equivalence.matching.sssom import sssom_tsv

router = APIRouter(prefix="/mappings", tags=["mappings"])

_OFFERS = ("application/json", "text/tab-separated-values")
_STATUSES = ("proposed", "accepted", "rejected", "recognised")


def mapping_json(record: MappingRecord) -> dict[str, Any]:
    return {
        "mapping_id": record.iri.rsplit("/", 1)[-1],
        "mapping": record.iri,
        "subject": {
            "country": record.subject_country,
            "code": record.subject_code,
            "iri": record.subject,
        },
        "object": {
            "country": record.object_country,
            "code": record.object_code,
            "iri": record.object,
        },
        "predicate": record.predicate.value,
        "confidence": record.confidence,
        "subject_coverage": record.subject_coverage,
        "object_coverage": record.object_coverage,
        "justification": record.justification,
        "review_status": record.review_status.rsplit("/", 1)[-1] or "proposed",
        "inferred": record.inferred,
        "mapping_date": record.mapping_date.isoformat() if record.mapping_date else None,
    }


def _between(record: MappingRecord, first: str | None, second: str | None) -> bool:
    countries = (record.subject_country, record.object_country)
    if first and second:
        return countries in ((first, second), (second, first))
    wanted = first or second
    return wanted is None or wanted in countries


def _predicate(text: str | None) -> Predicate | None:
    if not text:
        return None
    try:
        return Predicate.parse(text)
    except ValueError as exc:
        raise QueryError(str(exc)) from exc


@router.get(
    "",
    summary="The mappings, filtered; JSON pages or the whole set as SSSOM/TSV",
    description=(
        "`from` and `to` select the mappings between standards of those countries (each pair is "
        "stored once, in either direction; `subject` and `object` say which). `format=sssom` (or "
        "`Accept: text/tab-separated-values`) returns every mapping that passes the filters as "
        "one SSSOM/TSV document with its metadata block; JSON is paged."
    ),
    responses={200: {"content": {"text/tab-separated-values": {}}}},
)
def list_mappings(
    request: Request,
    workspace: WorkspaceDep,
    from_: Annotated[str | None, Query(alias="from", examples=["MX"])] = None,
    to: Annotated[str | None, Query(examples=["CO"])] = None,
    predicate: Annotated[str | None, Query(examples=["exactMatch", "skos:broadMatch"])] = None,
    status: Annotated[
        str | None, Query(pattern="^(proposed|accepted|rejected|recognised)$")
    ] = None,
    min_confidence: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
    format: Annotated[str | None, Query(description="json or sssom")] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    first = normalise_country(from_) if from_ else None
    second = normalise_country(to) if to else None
    wanted = _predicate(predicate)
    media_type = choose(request, _OFFERS, format_name=format)
    selected = [
        r
        for r in workspace.mappings()
        if _between(r, first, second)
        and (wanted is None or r.predicate is wanted)
        and (status is None or (r.review_status.rsplit("/", 1)[-1] or "proposed") == status)
        and (
            min_confidence is None or (r.confidence is not None and r.confidence >= min_confidence)
        )
    ]
    if media_type == "text/tab-separated-values":
        return Response(sssom_tsv(selected), media_type="text/tab-separated-values; charset=utf-8")
    start = (page - 1) * size
    return json_response(
        {
            "total": len(selected),
            "page": page,
            "size": size,
            "mappings": [mapping_json(r) for r in selected[start : start + size]],
        }
    )
