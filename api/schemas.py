"""The HTTP API's response schemas (pydantic), apart from the domain's dataclasses.

`from_*` functions turn domain objects into these; the routes never hand a domain object to
FastAPI directly, so the wire format changes only here.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from equivalence.equivalents import CountrySummary, Equivalent
from equivalence.lookup import StandardDetail

__all__ = [
    "CriterionOut",
    "EquivalentOut",
    "EquivalentsOut",
    "SearchHitOut",
    "SearchPageOut",
    "StandardOut",
    "StandardRef",
    "UnitOut",
    "equivalent_json",
    "standard_json",
]


class StandardRef(BaseModel):
    country: str = Field(examples=["MX"])
    code: str = Field(examples=["EC0217.01"])
    title: str = Field(examples=["Impartición de cursos de formación del capital humano"])
    iri: str = Field(examples=["https://w3id.org/equivalence/id/MX/standard/EC0217.01"])


class CriterionOut(BaseModel):
    code: str
    text: str
    kind: str = Field(description="desempeño, producto, conocimiento, actitud …")
    iri: str


class UnitOut(BaseModel):
    code: str
    title: str
    essential: bool | None
    iri: str
    criteria: list[CriterionOut]


class OccupationOut(BaseModel):
    code: str = Field(examples=["2424"])
    label: str
    scheme: str
    iri: str


class CoverageOut(BaseModel):
    here: float | None = Field(
        description="share (0–1) of the asked standard's content the equivalent also has"
    )
    there: float | None = Field(
        description="share (0–1) of the equivalent's content the asked standard has"
    )


class EquivalentOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": []})

    mapping_id: str = Field(description="the mapping's id, for /mappings/{id}/review")
    mapping: str = Field(description="the mapping's IRI")
    standard: StandardRef
    predicate: str = Field(
        description="SKOS mapping predicate read from the asked standard",
        examples=["skos:exactMatch"],
    )
    confidence: float | None
    coverage: CoverageOut
    review_status: str = Field(examples=["proposed", "accepted", "rejected", "recognised"])
    justification: str = Field(examples=["semapv:LexicalMatching"])
    inferred: bool = Field(description="true when chained through a third country")


class EquivalentsOut(BaseModel):
    standard: StandardRef
    target: str | None
    min_confidence: float | None
    count: int
    equivalents: list[EquivalentOut]


class CountryEquivalentsOut(BaseModel):
    country: str
    count: int
    recognised: int
    best: EquivalentOut


class StandardOut(BaseModel):
    iri: str
    country: str
    code: str
    title: str
    title_en: str
    level: int | None
    level_label: str
    sector: str
    valid_from: str
    valid_to: str
    status: str
    description: str
    committee: str
    certifying_body: str
    source_url: str
    version: str
    units: list[UnitOut]
    occupations: list[OccupationOut]
    equivalents: list[CountryEquivalentsOut] = Field(
        description="per other country: how many equivalents, how many recognised, the best one"
    )


class SnippetOut(BaseModel):
    kind: str = Field(description="where the words matched: standard, unit or criterion")
    text: str = Field(description="the matching text (the title, a unit's title, a criterion)")
    marked: str = Field(description="the text with the matched words in [brackets]")
    unit_code: str | None = Field(description="the unit's code, for a unit or a criterion")
    code: str | None = Field(description="the criterion's code")


class SearchHitOut(BaseModel):
    country: str = Field(examples=["MX"])
    code: str = Field(examples=["EC0217.01"])
    title: str = Field(examples=["Impartición de cursos de formación del capital humano"])
    iri: str = Field(examples=["https://w3id.org/equivalence/id/MX/standard/EC0217.01"])
    level: int | None = Field(examples=[3])
    sector: str = Field(examples=["SERVICIOS EDUCATIVOS"])
    score: float = Field(description="relevance within this search (0 when listed or by code)")
    match: str = Field(
        description="why it is here: code, text, code+text, or list (no `q`)",
        examples=["text"],
    )
    snippet: SnippetOut | None = Field(description="the best matching text; null when listed")


class SearchPageOut(BaseModel):
    # the bundled sample's answers to /standards?country=MX&size=1 and ?q=capacitacion&size=1
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "query": "",
                    "total": 4,
                    "page": 1,
                    "size": 1,
                    "pages": 4,
                    "hits": [
                        {
                            "country": "MX",
                            "code": "EC0154",
                            "title": "Prestación de los servicios de limpieza",
                            "iri": "https://w3id.org/equivalence/id/MX/standard/EC0154",
                            "level": 2,
                            "sector": "SERVICIOS DE APOYO A LOS NEGOCIOS Y MANEJO DE RESIDUOS, Y "
                            "SERVICIOS DE REMEDIACIÓN",
                            "score": 0.0,
                            "match": "list",
                            "snippet": None,
                        }
                    ],
                },
                {
                    "query": "capacitacion",
                    "total": 3,
                    "page": 1,
                    "size": 1,
                    "pages": 3,
                    "hits": [
                        {
                            "country": "PE",
                            "code": "DEMO-PE-04",
                            "title": "Facilitador de capacitación laboral",
                            "iri": "https://w3id.org/equivalence/id/PE/standard/DEMO-PE-04",
                            "level": 3,
                            "sector": "Educación",
                            "score": 2.9695,
                            "match": "text",
                            "snippet": {
                                "kind": "standard",
                                "text": "Facilitador de capacitación laboral",
                                "marked": "Facilitador de [capacitación] laboral",
                                "unit_code": "",
                                "code": "",
                            },
                        }
                    ],
                },
            ]
        }
    )

    query: str = Field(description="the words searched for, as read; empty for a listing")
    total: int = Field(description="how many standards match (or are listed) in all")
    page: int
    size: int
    pages: int
    hits: list[SearchHitOut]


def equivalent_json(equivalent: Equivalent) -> dict[str, Any]:
    """An `EquivalentOut` as a plain dict (the hot path serialises without pydantic)."""
    return {
        "mapping_id": equivalent.mapping_id,
        "mapping": equivalent.mapping,
        "standard": {
            "country": equivalent.country,
            "code": equivalent.code,
            "title": equivalent.title,
            "iri": equivalent.standard,
        },
        "predicate": equivalent.predicate.value,
        "confidence": equivalent.confidence,
        "coverage": {"here": equivalent.coverage_here, "there": equivalent.coverage_there},
        "review_status": equivalent.review_status,
        "justification": equivalent.justification,
        "inferred": equivalent.inferred,
    }


def _summary_json(summary: CountrySummary) -> dict[str, Any]:
    return {
        "country": summary.country,
        "count": summary.count,
        "recognised": summary.recognised,
        "best": equivalent_json(summary.best),
    }


def standard_json(detail: StandardDetail, summaries: list[CountrySummary]) -> dict[str, Any]:
    """A `StandardOut` as a plain dict."""
    return {
        "iri": detail.iri,
        "country": detail.country,
        "code": detail.code,
        "title": detail.title,
        "title_en": detail.title_en,
        "level": detail.level,
        "level_label": detail.level_label,
        "sector": detail.sector,
        "valid_from": detail.valid_from,
        "valid_to": detail.valid_to,
        "status": detail.status,
        "description": detail.description,
        "committee": detail.committee,
        "certifying_body": detail.body,
        "source_url": detail.source_url,
        "version": detail.version,
        "units": [
            {
                "code": unit.code,
                "title": unit.title,
                "essential": unit.essential,
                "iri": unit.iri,
                "criteria": [
                    {"code": c.code, "text": c.text, "kind": c.kind, "iri": c.iri}
                    for c in unit.criteria
                ],
            }
            for unit in detail.units
        ],
        "occupations": [
            {"code": o.code, "label": o.label, "scheme": o.scheme, "iri": o.iri}
            for o in detail.occupations
        ],
        "equivalents": [_summary_json(s) for s in summaries],
    }
