"""Small standards and mappings, built with the engine's dataclasses, for the mapping tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad

from equivalence.matching.graph import mapping_iri
from equivalence.matching.model import (
    JUSTIFICATIONS,
    Mapping,
    Predicate,
    StandardText,
    UnitMatch,
    UnitStatus,
    UnitText,
)
from equivalence.vocab import DCTERMS, EQ, RDF, country_graph, country_iri, standard_iri, unit_iri

STEPS = ("casefold", "accent-folding", "stemming", "thesaurus")
DAY = date(2026, 11, 2)


def standard(
    country: str, code: str, title: str = "", units: tuple[str, ...] = ("U1",)
) -> StandardText:
    """A standard of `country` with one unit per code in `units`."""
    return StandardText(
        iri=standard_iri(country, code).value,
        country=country,
        code=code,
        title=title or f"Estándar {code}",
        units=tuple(
            UnitText(unit_iri(country, code, unit).value, unit, f"Unidad {unit} de {code}")
            for unit in units
        ),
    )


def mapping(
    subject: StandardText,
    object_: StandardText,
    predicate: Predicate | None = Predicate.EXACT,
    confidence: float = 0.9,
    subject_coverage: float = 1.0,
    object_coverage: float = 1.0,
    **options: Any,
) -> Mapping:
    """A lexical mapping made by tool version 0.3.0 on `DAY` with the usual steps."""
    base = Mapping(
        subject,
        object_,
        predicate,
        confidence,
        subject_coverage,
        object_coverage,
        preprocessing=STEPS,
        tool_version="0.3.0",
        mapping_date=DAY,
    )
    return replace(base, **options)


MX = standard("MX", "EC0217.01", "Impartición de cursos: presencial", ("E01", "E02"))
CO = standard("CO", "290002000", 'Atender "clientes" con calidad', ("U1", "U2", "U3"))
PE = standard("PE", "PE-2359-0003", "Docente de formación", ("U1",))
CL = standard("CL", "P-9004-2359-001-V01", "Relator", ("U-1",))

# MX is narrower than CO: all of MX's units are in CO, two of CO's three in MX
BROAD = mapping(
    MX,
    CO,
    Predicate.BROAD,
    0.875,
    1.0,
    0.667,
    subject_matches=(
        UnitMatch(MX.units[0], UnitStatus.COVERED, 0.9, CO.units[0]),
        UnitMatch(MX.units[1], UnitStatus.PARTIAL, 0.6, CO.units[1]),
    ),
    object_matches=(
        UnitMatch(CO.units[0], UnitStatus.COVERED, 0.95, MX.units[0]),
        UnitMatch(CO.units[1], UnitStatus.PARTIAL, 1.2, MX.units[1]),
        UnitMatch(CO.units[2], UnitStatus.MISSING, 0.1),
    ),
    comment="units aligned lexically",
)
# CO ≡ PE inferred by chaining through BROAD (a made-up chain, for the provenance)
CHAINED = mapping(
    CO,
    PE,
    Predicate.EXACT,
    0.7,
    justification=JUSTIFICATIONS["chaining"],
    inferred=True,
    inferred_from=(mapping_iri(MX.iri, CO.iri).value,),
    review_status="accepted",
)
CLOSE = mapping(CL, MX, Predicate.CLOSE, 0.6, 0.8, 0.75)
UNMAPPED = mapping(MX, PE, None, 0.1, 0.1, 0.2)


def standard_quads(*standards: StandardText) -> list[Quad]:
    """The few facts of each standard `read_mappings` joins with, in its country's graph."""
    quads: list[Quad] = []
    for item in standards:
        node, graph = NamedNode(item.iri), country_graph(item.country)
        quads += [
            Quad(node, RDF.type, EQ.CompetencyStandard, graph),
            Quad(node, EQ.country, country_iri(item.country), graph),
            Quad(node, DCTERMS.identifier, Literal(item.code), graph),
        ]
    return quads
