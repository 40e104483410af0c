"""The mapping set: equivalence assertions between standards, as JSON pages or SSSOM/TSV."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import BearerToken, WorkspaceDep
from api.negotiation import choose
from api.responses import json_response
from equivalence.errors import QueryError
from equivalence.lookup import normalise_country
from equivalence.matching.graph import MappingRecord
from equivalence.matching.model import Predicate
from equivalence.matching.sssom import sssom_tsv
from equivalence.review import (
    authorize_reviewer,
    review_history,
    review_mapping,
    review_state,
    state_json,
)

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
        "review_status": record.review_status,
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
        and (status is None or r.review_status == status)
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


MappingId = Annotated[
    str,
    Path(description="the mapping's id (last segment of its IRI)", examples=["43c3c3ca35c9d3eb"]),
]


class ReviewIn(BaseModel):
    decision: Literal["accept", "reject"] = Field(description="the agency's decision")
    comment: str | None = Field(default=None, max_length=4000, description="why, optionally")


@router.get(
    "/{mapping_id}/review",
    summary="Where a mapping's review stands: each agency's latest decision and the history",
    responses={404: {"description": "no such mapping"}},
)
def get_review(workspace: WorkspaceDep, mapping_id: MappingId) -> Response:
    store = workspace.store
    return json_response(
        state_json(review_state(store, mapping_id), review_history(store, mapping_id))
    )


@router.post(
    "/{mapping_id}/review",
    summary="An agency accepts or rejects a mapping (recognised once both countries accept)",
    description=(
        "Needs the bearer token of the agency of one of the mapping's two countries. Every "
        "decision is kept with who and when (PROV-O); each country's latest decision counts: "
        "a rejection by either makes the mapping *rejected*, acceptance by both makes it "
        "*recognised*, by one *accepted*."
    ),
    responses={401: {}, 403: {"description": "a token of another country"}, 404: {}},
)
def post_review(
    workspace: WorkspaceDep, token: BearerToken, mapping_id: MappingId, body: ReviewIn
) -> Response:
    with workspace.write() as store:
        agent = authorize_reviewer(workspace.registry, token, store, mapping_id)
        state = review_mapping(store, mapping_id, agent, body.decision, body.comment)
        history = review_history(store, mapping_id)
    return json_response(state_json(state, history))
