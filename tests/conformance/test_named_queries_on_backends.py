"""The named queries an interoperability expert asks, with their exact rows, on every backend.

The graph is `named_query_fixture` (its docstring draws it): standards read from a template,
mappings written by the engine's writers in both directions, an inferred and an imported one,
and reviews recorded by the agencies.
"""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from equivalence.matching.model import JUSTIFICATIONS
from equivalence.sparql import default_catalogue
from equivalence.store.base import Term, TripleStore
from equivalence.vocab import (
    SKOS,
    XSD,
    country_graph,
    review_status_iri,
    standard_iri,
    unit_iri,
)
from named_query_fixture import load_fixture, mapping_id

Row = dict[str, object]

_NUMBERS = {XSD.integer.value: int, XSD.double.value: float, XSD.decimal.value: float}


def _value(term: Term) -> object:
    """A term as a plain value: an IRI or a string as text, a number as int or float, a boolean
    as bool."""
    if isinstance(term, Literal):
        datatype = term.datatype.value
        if datatype == XSD.boolean.value:
            return term.value == "true"
        if datatype in _NUMBERS:
            return _NUMBERS[datatype](term.value)
        return term.value
    assert isinstance(term, NamedNode), term
    return term.value


def _select(store: TripleStore, name: str, **params: object) -> tuple[tuple[str, ...], list[Row]]:
    result = default_catalogue().select(store, name, **params)
    rows = [{key: _value(term) for key, term in row.items()} for row in result.rows]
    return result.variables, rows


def _std(country: str, code: str) -> str:
    return standard_iri(country, code).value


def _unit(country: str, code: str, unit: str) -> str:
    return unit_iri(country, code, unit).value


def _skos(name: str) -> str:
    return SKOS.term(name).value


def _status(name: str) -> str:
    return review_status_iri(name).value


LEXICAL, MANUAL, CHAINING = (JUSTIFICATIONS[k] for k in ("lexical", "manual", "chaining"))


@pytest.fixture
def loaded(store: TripleStore) -> TripleStore:
    return load_fixture(store)


# -- equivalents-of-standard --------------------------------------------------------------------

EQUIVALENTS_COLUMNS = (
    "mapping",
    "other",
    "other_country",
    "other_code",
    "other_title",
    "predicate",
    "confidence",
    "standard_coverage",
    "other_coverage",
    "justification",
    "status",
    "inferred",
)


def _equivalent(
    mapping: str,
    other: tuple[str, str, str],
    predicate: str,
    confidence: float,
    coverages: tuple[float, float] | None,
    justification: str,
    status: str,
    inferred: bool = False,
) -> Row:
    country, code, title = other
    row: Row = {
        "mapping": mapping_id(mapping),
        "other": _std(country, code),
        "other_country": country,
        "other_code": code,
        "other_title": title,
        "predicate": _skos(predicate),
        "confidence": confidence,
        "justification": justification,
        "status": _status(status),
        "inferred": inferred,
    }
    if coverages is not None:
        row["standard_coverage"], row["other_coverage"] = coverages
    return row


CO_100 = ("CO", "100", "Atender clientes")
CO_200 = ("CO", "200", "Soldar tuberías de acero")
CO_300 = ("CO", "300", "Panadería")
MX_EC0001 = ("MX", "EC0001", "Atención a clientes en comercio")
MX_EC0002 = ("MX", "EC0002", "Soldadura de tuberías")
MX_EC0003 = ("MX", "EC0003", "Venta de alimentos preparados")
PE_P01 = ("PE", "P-01", "Atención al cliente")
PE_P02 = ("PE", "P-02", "Soldador")


def test_equivalents_of_a_standard(loaded: TripleStore) -> None:
    store = loaded
    # stored with EC0001 as object (M1: CO:100 broadMatch EC0001) and as subject (M3)
    m1_from_mx = _equivalent("M1", CO_100, "narrowMatch", 0.8, (0.6, 1.0), LEXICAL, "recognised")
    m3 = _equivalent("M3", PE_P01, "exactMatch", 0.7, (0.9, 0.85), LEXICAL, "accepted")
    # an expert's mapping within Mexico, without coverages
    m7 = _equivalent("M7", MX_EC0003, "closeMatch", 0.6, None, MANUAL, "proposed")
    variables, rows = _select(store, "equivalents-of-standard", country="MX", code="EC0001")
    assert variables == EQUIVALENTS_COLUMNS
    assert rows == [m1_from_mx, m3, m7]

    # the same mapping read from its subject, and an inferred one (no coverage stored)
    assert _select(store, "equivalents-of-standard", country="CO", code="100")[1] == [
        _equivalent("M1", MX_EC0001, "broadMatch", 0.8, (1.0, 0.6), LEXICAL, "recognised"),
        _equivalent("I", PE_P01, "broadMatch", 0.56, None, CHAINING, "proposed", inferred=True),
    ]

    # a pair mapped both ways (the engine's M2 and an expert's M2b, whose own graph states
    # its status), and a mapping the agency of Peru rejected
    assert _select(store, "equivalents-of-standard", country="MX", code="EC0002")[1] == [
        _equivalent("M2", CO_200, "exactMatch", 0.9, (1.0, 0.9), LEXICAL, "proposed"),
        _equivalent("M2b", CO_200, "closeMatch", 0.85, (1.0, 0.9), MANUAL, "accepted"),
        _equivalent("M5", PE_P02, "broadMatch", 0.55, (0.9, 0.4), LEXICAL, "rejected"),
    ]
    # read from the object's side, broadMatch and narrowMatch swap, and so do the coverages
    assert _select(store, "equivalents-of-standard", country="PE", code="P-02")[1] == [
        _equivalent("M5", MX_EC0002, "narrowMatch", 0.55, (0.4, 0.9), LEXICAL, "rejected"),
        _equivalent("M6", CO_300, "broadMatch", 0.5, (0.9, 0.5), LEXICAL, "proposed"),
    ]


def test_equivalents_are_one_row_per_mapping_when_the_other_has_two_spanish_titles(
    loaded: TripleStore,
) -> None:
    """A generated code that is also a real one gives one standard two Spanish titles: each
    mapping is still one row, with the least of the titles (a label in English never counts)."""
    store = loaded
    co_200, graph = standard_iri("CO", "200"), country_graph("CO")
    store.add_quads(
        [
            Quad(co_200, SKOS.prefLabel, Literal("Soldar tubería", language="es"), graph),
            Quad(co_200, SKOS.prefLabel, Literal("Aaa pipe welding", language="en"), graph),
        ]
    )
    two_titles = ("CO", "200", "Soldar tubería")  # "Soldar tubería" < "Soldar tuberías de acero"
    assert _select(store, "equivalents-of-standard", country="MX", code="EC0002")[1] == [
        _equivalent("M2", two_titles, "exactMatch", 0.9, (1.0, 0.9), LEXICAL, "proposed"),
        _equivalent("M2b", two_titles, "closeMatch", 0.85, (1.0, 0.9), MANUAL, "accepted"),
        _equivalent("M5", PE_P02, "broadMatch", 0.55, (0.9, 0.4), LEXICAL, "rejected"),
    ]
    # and with a filter on the country and the confidence
    rows = _select(store, "equivalents-of-standard", country="MX", code="EC0002", target="CO")[1]
    assert [(r["mapping"], r["other_title"]) for r in rows] == [
        (mapping_id("M2"), "Soldar tubería"),
        (mapping_id("M2b"), "Soldar tubería"),
    ]


def test_equivalents_in_one_country_and_from_a_confidence(loaded: TripleStore) -> None:
    store = loaded

    def others(**params: object) -> list[tuple[object, object]]:
        rows = _select(store, "equivalents-of-standard", **params)[1]
        return [(row["other_code"], row["confidence"]) for row in rows]

    assert others(country="MX", code="EC0001", target="PE") == [("P-01", 0.7)]
    assert others(country="MX", code="EC0001", target="CO") == [("100", 0.8)]
    assert others(country="MX", code="EC0001", target="MX") == [("EC0003", 0.6)]
    assert others(country="MX", code="EC0001", min_confidence="0.75") == [("100", 0.8)]
    assert others(country="MX", code="EC0002", target="CO", min_confidence="0.85") == [
        ("200", 0.9),
        ("200", 0.85),
    ]
    assert others(country="MX", code="EC0001", min_confidence="0.95") == []
    # a standard without mappings there, an unknown code, a code of another country
    assert others(country="MX", code="EC0003", target="CO") == []
    assert others(country="MX", code="EC9999") == []
    assert others(country="CO", code="EC0001") == []


# -- recognition-matrix -------------------------------------------------------------------------

MATRIX_COLUMNS = (
    "sector",
    "other_sector",
    "mappings",
    "exact",
    "close",
    "broad",
    "narrow",
    "related",
    "recognised",
)


def _cell(sector: str, other_sector: str, mappings: int, recognised: int = 0, **by: int) -> Row:
    counts = {p: by.get(p, 0) for p in ("exact", "close", "broad", "narrow", "related")}
    return {
        "sector": sector,
        "other_sector": other_sector,
        "mappings": mappings,
        **counts,
        "recognised": recognised,
    }


def test_recognition_matrix(loaded: TripleStore) -> None:
    store = loaded
    variables, rows = _select(store, "recognition-matrix", country="MX", other="CO")
    assert variables == MATRIX_COLUMNS
    # M1 is stored CO → MX (broadMatch): from Mexico's side a narrowMatch, recognised by both
    # agencies. EC0002–200 is mapped twice (M2 exactMatch MX → CO, M2b closeMatch CO → MX): one
    # pair, counted under both predicates.
    assert rows == [
        _cell("Comercio", "Comercio", 1, recognised=1, narrow=1),
        _cell("Construcción", "Construcción", 1, exact=1, close=1),
    ]
    assert _select(store, "recognition-matrix", country="CO", other="MX")[1] == [
        _cell("Comercio", "Comercio", 1, recognised=1, broad=1),
        _cell("Construcción", "Construcción", 1, exact=1, close=1),
    ]
    # M5 (MX:EC0002 → PE:P-02) was rejected by Peru: left out; M3 is accepted by Mexico only
    assert _select(store, "recognition-matrix", country="MX", other="PE")[1] == [
        _cell("Comercio", "Comercio", 1, exact=1)
    ]
    # the inferred CO:100 → PE:P-01 (broadMatch) counts; standards without a sector are "none"
    assert _select(store, "recognition-matrix", country="PE", other="CO")[1] == [
        _cell("Comercio", "Comercio", 1, narrow=1),
        _cell("none", "none", 1, broad=1),
    ]
    # one country with itself is no pair of countries (M7 maps two Mexican standards)
    assert _select(store, "recognition-matrix", country="MX", other="MX")[1] == []


# -- standards-without-equivalent ---------------------------------------------------------------


def _standard(country: str, code: str, title: str, sector: str, level: str) -> Row:
    return {
        "standard": _std(country, code),
        "code": code,
        "title": title,
        "sector": sector,
        "level": level,
    }


EC0002 = _standard("MX", "EC0002", "Soldadura de tuberías", "Construcción", "3")
EC0003 = _standard("MX", "EC0003", "Venta de alimentos preparados", "Comercio", "2")


def test_standards_without_equivalent(loaded: TripleStore) -> None:
    store = loaded
    variables, rows = _select(store, "standards-without-equivalent", country="MX")
    assert variables == ("standard", "code", "title", "sector", "level")
    assert rows == [EC0003]  # its only mapping (M7) is to another Mexican standard
    # EC0002's only mapping to Peru was rejected; EC0001 has M3
    assert _select(store, "standards-without-equivalent", country="MX", target="PE")[1] == [
        EC0002,
        EC0003,
    ]
    assert _select(store, "standards-without-equivalent", country="MX", target="CO")[1] == [EC0003]
    # every Colombian standard has an equivalent somewhere; in Peru, 100 has an inferred one
    assert _select(store, "standards-without-equivalent", country="CO")[1] == []
    assert _select(store, "standards-without-equivalent", country="CO", target="PE")[1] == [
        _standard("CO", "200", "Soldar tuberías de acero", "Construcción", "3")
    ]
    # no sector: "none"; the rejected M5 is P-02's only mapping to Mexico
    assert _select(store, "standards-without-equivalent", country="PE", target="MX")[1] == [
        _standard("PE", "P-02", "Soldador", "none", "4")
    ]


# -- standard-gap -------------------------------------------------------------------------------

GAP_COLUMNS = (
    "unit",
    "unit_code",
    "unit_title",
    "essential",
    "status",
    "counterpart",
    "counterpart_code",
    "counterpart_title",
    "score",
    "mapping",
    "mapped",
)


def _gap(
    unit: tuple[str, str, str, str, bool],
    status: str,
    counterpart: tuple[str, str, str, str, float, str] | None = None,
    *,
    mapped: bool = True,
) -> Row:
    country, code, unit_code, title, essential = unit
    row: Row = {
        "unit": _unit(country, code, unit_code),
        "unit_code": unit_code,
        "unit_title": title,
        "essential": essential,
        "status": status,
        "mapped": mapped,
    }
    if counterpart is not None:
        other, other_code, other_unit, other_title, score, mapping = counterpart
        row |= {
            "counterpart": _unit(other, other_code, other_unit),
            "counterpart_code": other_unit,
            "counterpart_title": other_title,
            "score": score,
            "mapping": mapping_id(mapping),
        }
    return row


def test_standard_gap(loaded: TripleStore) -> None:
    store = loaded
    e01 = ("MX", "EC0001", "E01", "Recibir al cliente", True)
    e02 = ("MX", "EC0001", "E02", "Resolver quejas del cliente", True)
    e03 = ("MX", "EC0001", "E03", "Registrar ventas", False)
    variables, rows = _select(
        store, "standard-gap", country="MX", code="EC0001", other="CO", other_code="100"
    )
    assert variables == GAP_COLUMNS
    # M1 is stored CO → MX: EC0001's units are the evidence's object units
    assert rows == [
        _gap(e01, "covered", ("CO", "100", "U1", "Recibir a los clientes", 0.9, "M1")),
        _gap(e02, "covered", ("CO", "100", "U2", "Atender quejas", 0.7, "M1")),
        _gap(e03, "missing"),
    ]
    # a pair scored under the covered threshold is partial
    u1 = ("PE", "P-01", "U1", "Atender al cliente")
    assert _select(
        store, "standard-gap", country="MX", code="EC0001", other="PE", other_code="P-01"
    )[1] == [
        _gap(e01, "covered", (*u1, 0.7, "M3")),
        _gap(e02, "partial", (*u1, 0.5, "M3")),
        _gap(e03, "missing"),
    ]
    # several pairs of one unit: its best; U3 is E02's too (from Colombia's side). M2b, the
    # expert's mapping of the same pair, has no evidence and adds nothing.
    soldar = ("MX", "EC0002", "E02", "Soldar la tubería")
    assert _select(
        store, "standard-gap", country="CO", code="200", other="MX", other_code="EC0002"
    )[1] == [
        _gap(
            ("CO", "200", "U1", "Preparar juntas", True),
            "covered",
            ("MX", "EC0002", "E01", "Preparar la junta", 0.95, "M2"),
        ),
        _gap(("CO", "200", "U2", "Soldar tubería", True), "covered", (*soldar, 0.8, "M2")),
        _gap(
            ("CO", "200", "U3", "Inspeccionar soldaduras", True),
            "covered",
            (*soldar, 0.65, "M2"),
        ),
    ]
    gap = _select(store, "standard-gap", country="MX", code="EC0002", other="CO", other_code="200")
    assert [(r["unit_code"], r["counterpart_code"], r["score"]) for r in gap[1]] == [
        ("E01", "U1", 0.95),
        ("E02", "U2", 0.8),  # E02 is paired with U2 (0.8) and with U3 (0.65)
    ]


def test_standard_gap_without_evidence(loaded: TripleStore) -> None:
    store = loaded
    # an inferred mapping carries no evidence: mapped, every unit missing
    assert _select(store, "standard-gap", country="CO", code="100", other="PE", other_code="P-01")[
        1
    ] == [
        _gap(("CO", "100", "U1", "Recibir a los clientes", True), "missing"),
        _gap(("CO", "100", "U2", "Atender quejas", True), "missing"),
    ]
    # no mapping at all
    assert _select(
        store, "standard-gap", country="MX", code="EC0003", other="CO", other_code="300"
    )[1] == [
        _gap(
            ("MX", "EC0003", "E01", "Preparar alimentos para la venta", True),
            "missing",
            mapped=False,
        )
    ]
    # an unknown standard on either side: no rows
    assert (
        _select(store, "standard-gap", country="MX", code="EC9999", other="CO", other_code="100")[1]
        == []
    )
    assert (
        _select(store, "standard-gap", country="MX", code="EC0001", other="CO", other_code="999")[1]
        == []
    )


# -- standards-per-sector-level -----------------------------------------------------------------


def _count(country: str, sector: str, level: str, standards: int) -> Row:
    return {"country_code": country, "sector": sector, "level": level, "standards": standards}


def test_standards_per_sector_and_level(loaded: TripleStore) -> None:
    store = loaded
    variables, rows = _select(store, "standards-per-sector-level")
    assert variables == ("country_code", "sector", "level", "standards")
    mexico = [_count("MX", "Comercio", "2", 2), _count("MX", "Construcción", "3", 1)]
    assert rows == [
        _count("CO", "Comercio", "2", 1),
        _count("CO", "Construcción", "3", 1),
        _count("CO", "none", "none", 1),
        *mexico,
        _count("PE", "Comercio", "2", 1),
        _count("PE", "none", "4", 1),
    ]
    assert _select(store, "standards-per-sector-level", country="MX")[1] == mexico
    assert _select(store, "standards-per-sector-level", country="CL")[1] == []
