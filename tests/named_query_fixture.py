"""A small graph for the named-query tests, written by the project's own writers.

Eight standards of Mexico, Colombia and Peru come from a submission template read by
`read_template` (units, sectors, levels as an agency sends them); eight mappings between them are
written as `match`, `import-mappings` and the inference write them (`mappings_quads` as a mapping
set per country pair, `record_quads` for the inferred and the imported ones), and the agencies'
reviews are recorded by `review_mapping`. What the queries read is therefore what the product
stores.

    MX:EC0001  Comercio L2       E01 E02 E03 (E03 optional)
    MX:EC0002  Construcción L3   E01 E02
    MX:EC0003  Comercio L2       E01                     no mapping to another country
    CO:100     Comercio L2       U1 U2
    CO:200     Construcción L3   U1 U2 U3
    CO:300     no sector/level   U1
    PE:P-01    Comercio L2       U1
    PE:P-02    no sector, L4     U1

    M1  CO:100 → MX:EC0001   broadMatch 0.8, cov 1.0 / 0.6, evidence U1-E01 0.9, U2-E02 0.7;
                             accepted by both agencies: recognised
    M2  MX:EC0002 → CO:200   exactMatch 0.9, cov 1.0 / 0.9, evidence E01-U1 0.95, E02-U2 0.8,
                             E02-U3 0.65 (U3's best match, from CO's side); no review: proposed
    M2b CO:200 → MX:EC0002   closeMatch 0.85, cov 0.9 / 1.0, imported (manual curation, an
                             SSSOM file's status "accepted" in its own graph), no evidence
    M3  MX:EC0001 → PE:P-01  exactMatch 0.7, cov 0.9 / 0.85, evidence E01-U1 0.7 (and a curated
                             pair E02-U1 0.5, below the covered threshold); accepted by MX only
    M5  MX:EC0002 → PE:P-02  broadMatch 0.55, cov 0.9 / 0.4, evidence E01-U1 0.62; rejected by PE
    M6  CO:300 → PE:P-02     narrowMatch 0.5, cov 0.5 / 0.9, evidence U1-U1 0.6
    M7  MX:EC0003 → MX:EC0001  closeMatch 0.6, imported (manual curation), within one country
    I   CO:100 → PE:P-01     broadMatch 0.56, inferred by chaining M1 and M3, no coverage, no
                             evidence
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Final

from pyoxigraph import Literal, NamedNode, Quad

from equivalence.auth import Agent
from equivalence.io.template import COLUMNS, read_template
from equivalence.matching.graph import (
    MappingRecord,
    alignment_iri,
    mapping_iri,
    mappings_quads,
    record_quads,
)
from equivalence.matching.model import (
    JUSTIFICATIONS,
    Mapping,
    Predicate,
    StandardText,
    UnitMatch,
    UnitStatus,
    UnitText,
)
from equivalence.review import review_mapping
from equivalence.store.base import TripleStore
from equivalence.vocab import (
    EQ,
    IMPORTED_MAPPINGS_GRAPH,
    INFERRED_MAPPINGS_GRAPH,
    RDF,
    XSD,
    mapping_graph,
    standard_iri,
    unit_iri,
)

__all__ = ["AGENTS", "STANDARDS", "load_fixture", "mapping_id"]

# (country, code, title, level, sector, ((unit code, unit title, essential), …))
_Standard = tuple[str, str, str, str, str, tuple[tuple[str, str, bool], ...]]
STANDARDS: Final[tuple[_Standard, ...]] = (
    (
        "MX",
        "EC0001",
        "Atención a clientes en comercio",
        "2",
        "Comercio",
        (
            ("E01", "Recibir al cliente", True),
            ("E02", "Resolver quejas del cliente", True),
            ("E03", "Registrar ventas", False),
        ),
    ),
    (
        "MX",
        "EC0002",
        "Soldadura de tuberías",
        "3",
        "Construcción",
        (("E01", "Preparar la junta", True), ("E02", "Soldar la tubería", True)),
    ),
    (
        "MX",
        "EC0003",
        "Venta de alimentos preparados",
        "2",
        "Comercio",
        (("E01", "Preparar alimentos para la venta", True),),
    ),
    (
        "CO",
        "100",
        "Atender clientes",
        "2",
        "Comercio",
        (("U1", "Recibir a los clientes", True), ("U2", "Atender quejas", True)),
    ),
    (
        "CO",
        "200",
        "Soldar tuberías de acero",
        "3",
        "Construcción",
        (
            ("U1", "Preparar juntas", True),
            ("U2", "Soldar tubería", True),
            ("U3", "Inspeccionar soldaduras", True),
        ),
    ),
    ("CO", "300", "Panadería", "", "", (("U1", "Hornear pan", True),)),
    ("PE", "P-01", "Atención al cliente", "2", "Comercio", (("U1", "Atender al cliente", True),)),
    ("PE", "P-02", "Soldador", "4", "", (("U1", "Soldar estructuras", True),)),
)


def _write_template(folder: Path) -> None:
    """The standards above as the three CSV tables of the submission template."""
    tables: dict[str, list[dict[str, str]]] = {"standards": [], "units": [], "criteria": []}
    for country, code, title, level, sector, units in STANDARDS:
        tables["standards"].append(
            {"country": country, "code": code, "title": title, "level": level, "sector": sector}
        )
        for unit_code, unit_title, essential in units:
            tables["units"].append(
                {
                    "country": country,
                    "standard_code": code,
                    "unit_code": unit_code,
                    "title": unit_title,
                    "essential": "true" if essential else "false",
                }
            )
            tables["criteria"].append(
                {
                    "country": country,
                    "standard_code": code,
                    "unit_code": unit_code,
                    "criterion_code": "C1",
                    "kind": "desempeño",
                    "text": f"{unit_title} según el procedimiento.",
                }
            )
    for name, rows in tables.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=list(COLUMNS[name]), restval="")
            writer.writeheader()
            writer.writerows(rows)


@cache
def _standard_quads() -> tuple[Quad, ...]:
    with tempfile.TemporaryDirectory() as folder:
        _write_template(Path(folder))
        return tuple(read_template(Path(folder)).quads)


@cache
def _texts() -> dict[str, StandardText]:
    """The standards as the engine reads them, by "CC:code"."""
    texts: dict[str, StandardText] = {}
    for country, code, title, level, sector, units in STANDARDS:
        texts[f"{country}:{code}"] = StandardText(
            iri=standard_iri(country, code).value,
            country=country,
            code=code,
            title=title,
            units=tuple(
                UnitText(unit_iri(country, code, u).value, u, t, essential)
                for u, t, essential in units
            ),
            level=int(level) if level else None,
            sector=sector,
        )
    return texts


def _unit(key: str, code: str) -> UnitText:
    return next(u for u in _texts()[key].units if u.code == code)


def _covered(subject: str, unit: str, object_: str, counterpart: str, score: float) -> UnitMatch:
    return UnitMatch(_unit(subject, unit), UnitStatus.COVERED, score, _unit(object_, counterpart))


def _missing(key: str, unit: str, score: float = 0.2) -> UnitMatch:
    return UnitMatch(_unit(key, unit), UnitStatus.MISSING, score)


def _mapping(
    subject: str,
    object_: str,
    predicate: Predicate,
    confidence: float,
    coverages: tuple[float, float],
    subject_matches: Sequence[UnitMatch],
    object_matches: Sequence[UnitMatch],
) -> Mapping:
    return Mapping(
        _texts()[subject],
        _texts()[object_],
        predicate,
        confidence,
        coverages[0],
        coverages[1],
        subject_matches=tuple(subject_matches),
        object_matches=tuple(object_matches),
        preprocessing=("casefold", "stemming"),
        tool_version="0.3.0",
    )


# The mappings of the module docstring: (subject, object) by name.
_MAPPINGS: Final = {
    "M1": ("CO:100", "MX:EC0001"),
    "M2": ("MX:EC0002", "CO:200"),
    "M2b": ("CO:200", "MX:EC0002"),
    "M3": ("MX:EC0001", "PE:P-01"),
    "M5": ("MX:EC0002", "PE:P-02"),
    "M6": ("CO:300", "PE:P-02"),
    "M7": ("MX:EC0003", "MX:EC0001"),
    "I": ("CO:100", "PE:P-01"),
}


def mapping_id(name: str) -> str:
    """The IRI of a mapping of the fixture by its name (M1 … M7, I)."""
    subject, object_ = _MAPPINGS[name]
    return mapping_iri(_texts()[subject].iri, _texts()[object_].iri).value


def _mapping_quads() -> list[Quad]:
    m1 = _mapping(
        "CO:100",
        "MX:EC0001",
        Predicate.BROAD,
        0.8,
        (1.0, 0.6),
        [
            _covered("CO:100", "U1", "MX:EC0001", "E01", 0.9),
            _covered("CO:100", "U2", "MX:EC0001", "E02", 0.7),
        ],
        [
            _covered("MX:EC0001", "E01", "CO:100", "U1", 0.9),
            _covered("MX:EC0001", "E02", "CO:100", "U2", 0.7),
            _missing("MX:EC0001", "E03"),
        ],
    )
    m2 = _mapping(
        "MX:EC0002",
        "CO:200",
        Predicate.EXACT,
        0.9,
        (1.0, 0.9),
        [
            _covered("MX:EC0002", "E01", "CO:200", "U1", 0.95),
            _covered("MX:EC0002", "E02", "CO:200", "U2", 0.8),
        ],
        [
            _covered("CO:200", "U1", "MX:EC0002", "E01", 0.95),
            _covered("CO:200", "U2", "MX:EC0002", "E02", 0.8),
            _covered("CO:200", "U3", "MX:EC0002", "E02", 0.65),
        ],
    )
    m3 = _mapping(
        "MX:EC0001",
        "PE:P-01",
        Predicate.EXACT,
        0.7,
        (0.9, 0.85),
        [
            _covered("MX:EC0001", "E01", "PE:P-01", "U1", 0.7),
            UnitMatch(_unit("MX:EC0001", "E02"), UnitStatus.PARTIAL, 0.5, _unit("PE:P-01", "U1")),
            _missing("MX:EC0001", "E03"),
        ],
        [_covered("PE:P-01", "U1", "MX:EC0001", "E01", 0.7)],
    )
    m5 = _mapping(
        "MX:EC0002",
        "PE:P-02",
        Predicate.BROAD,
        0.55,
        (0.9, 0.4),
        [_covered("MX:EC0002", "E01", "PE:P-02", "U1", 0.62), _missing("MX:EC0002", "E02")],
        [_covered("PE:P-02", "U1", "MX:EC0002", "E01", 0.62)],
    )
    m6 = _mapping(
        "CO:300",
        "PE:P-02",
        Predicate.NARROW,
        0.5,
        (0.5, 0.9),
        [_covered("CO:300", "U1", "PE:P-02", "U1", 0.6)],
        [_covered("PE:P-02", "U1", "CO:300", "U1", 0.6)],
    )
    quads: list[Quad] = []
    quads += mappings_quads([m1, m2], graph=mapping_graph("CO", "MX"), as_set=True)
    quads += mappings_quads([m3, m5], graph=mapping_graph("MX", "PE"), as_set=True)
    quads += mappings_quads([m6], graph=mapping_graph("CO", "PE"), as_set=True)
    # a pair the engine leaves out of the evidence (partly covered), as a curated evidence may
    # state it: the queries read it as partial
    m3_node = NamedNode(mapping_id("M3"))
    e02, u1 = _unit("MX:EC0001", "E02").iri, _unit("PE:P-01", "U1").iri
    partial = alignment_iri(m3_node, e02, u1)
    graph = mapping_graph("MX", "PE")
    quads += [
        Quad(m3_node, EQ.evidence, partial, graph),
        Quad(partial, RDF.type, EQ.UnitAlignment, graph),
        Quad(partial, EQ.alignedSubjectUnit, NamedNode(e02), graph),
        Quad(partial, EQ.alignedObjectUnit, NamedNode(u1), graph),
        Quad(partial, EQ.alignmentScore, Literal("0.5", datatype=XSD.double), graph),
    ]
    inferred = MappingRecord(
        subject=_texts()["CO:100"].iri,
        object=_texts()["PE:P-01"].iri,
        predicate=Predicate.BROAD,
        confidence=0.56,
        subject_country="CO",
        subject_code="100",
        object_country="PE",
        object_code="P-01",
        justification=JUSTIFICATIONS["chaining"],
        inferred=True,
        derived_from=(mapping_id("M1"), mapping_id("M3")),
    )
    imported = MappingRecord(
        subject=_texts()["CO:200"].iri,
        object=_texts()["MX:EC0002"].iri,
        predicate=Predicate.CLOSE,
        confidence=0.85,
        subject_country="CO",
        subject_code="200",
        object_country="MX",
        object_code="EC0002",
        subject_coverage=0.9,
        object_coverage=1.0,
        justification=JUSTIFICATIONS["manual"],
        review_status="accepted",
    )
    within = MappingRecord(
        subject=_texts()["MX:EC0003"].iri,
        object=_texts()["MX:EC0001"].iri,
        predicate=Predicate.CLOSE,
        confidence=0.6,
        justification=JUSTIFICATIONS["manual"],
    )
    quads += record_quads(inferred, graph=INFERRED_MAPPINGS_GRAPH)
    quads += record_quads(imported, graph=IMPORTED_MAPPINGS_GRAPH)
    quads += record_quads(within, graph=IMPORTED_MAPPINGS_GRAPH)
    return quads


AGENTS: Final = {
    "MX": Agent("00aa11bb22cc33dd", "MX", "CONOCER", "CONOCER"),
    "CO": Agent("11bb22cc33dd44ee", "CO", "SENA", "SENA"),
    "PE": Agent("33dd44ee55ff6600", "PE", "MTPE", "MTPE"),
}
_T0: Final = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def load_fixture(store: TripleStore) -> TripleStore:
    """Loads the standards and mappings into `store`, then records the agencies' reviews."""
    store.add_quads(list(_standard_quads()) + _mapping_quads())
    review_mapping(store, mapping_id("M1"), AGENTS["CO"], "accept", now=_T0)
    review_mapping(store, mapping_id("M1"), AGENTS["MX"], "accept", now=_T0)
    review_mapping(store, mapping_id("M3"), AGENTS["MX"], "accept", now=_T0)
    review_mapping(store, mapping_id("M5"), AGENTS["PE"], "reject", now=_T0)
    return store
