"""Importer of the national occupation classifications and of the crosswalks between them.

`read_classifications(data_dir)` yields, one file at a time:

* ``crosswalks/sinco2011_structure.csv`` — SINCO 2011 (INEGI, Mexico), 4 levels;
* ``co/cuoc2022_structure.csv`` — CUOC 2022 (DANE, Colombia), 5 levels, with its links to ISCO-08;
* ``crosswalks/sinco2011_to_ciuo08.csv`` — INEGI's SINCO 2011 → CIUO-08 (ISCO-08) table;
* ``crosswalks/sinco2011_to_cno_mx.csv`` — SINCO 2011 → the older Mexican CNO (``0825-01``), which
  also defines the CNO-MX concepts (code and title) that CONOCER standards cite.

Concepts (``skos:Concept``, ``skos:inScheme``, ``skos:notation``, ``skos:prefLabel @es``,
``skos:broader`` the concept whose code is one digit shorter) and their schemes go in the
classifications graph; mappings between classifications in the crosswalks graph.

A crosswalk line is one ``skos:closeMatch``, reified on its source record together with
``eq:crosswalkRelation``, the table's own relation value. INEGI's table is many-to-many (a SINCO
group is split over several ISCO groups and the other way round) and the two classifications
draw their borders differently, so ``skos:exactMatch`` (transitive, an assertion that the concepts
are interchangeable) is not justified for any line; ``closeMatch`` is. Rows that say
``no_correspondence`` or ``blank_in_source`` (or give no target code) keep their record — with
``eq:crosswalkRelation`` and ``dcterms:subject`` the SINCO concept — but assert no mapping.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from equivalence.errors import InputError
from equivalence.io.base import LoadedSource, read_csv_rows
from equivalence.rdf import QuadBuilder
from equivalence.vocab import (
    DCTERMS,
    EQ,
    GRAPH,
    OCCUPATION_SCHEMES,
    RDF,
    RDFS,
    SKOS,
    OccupationScheme,
)

__all__ = [
    "CROSSWALK_RELATIONS",
    "MAPPED_RELATIONS",
    "read_classifications",
]

SINCO_STRUCTURE = "crosswalks/sinco2011_structure.csv"
CUOC_STRUCTURE = "co/cuoc2022_structure.csv"
SINCO_TO_CIUO = "crosswalks/sinco2011_to_ciuo08.csv"
SINCO_TO_CNO = "crosswalks/sinco2011_to_cno_mx.csv"
ISCO_GROUPS = "esco/v1.1.1-en/ISCOGroups_en.csv"

# The values of the crosswalks' `relation` column, and those that carry a correspondence.
CROSSWALK_RELATIONS = frozenset(
    {"explicit", "merged_cell_inferred", "no_correspondence", "blank_in_source"}
)
MAPPED_RELATIONS = frozenset({"explicit", "merged_cell_inferred"})

_SINCO = OCCUPATION_SCHEMES["SINCO"]
_CUOC = OCCUPATION_SCHEMES["CUOC"]
_CNO = OCCUPATION_SCHEMES["CNO-MX"]
_ISCO = OCCUPATION_SCHEMES["ISCO-08"]

_CNO_CODE = re.compile(r"\d{4}-\d{2}")

_A = RDF.type
_CONCEPT = SKOS.Concept
_PREF = SKOS.prefLabel
_ALT = SKOS.altLabel
_NOTATION = SKOS.notation
_BROADER = SKOS.broader
_IN_SCHEME = SKOS.inScheme
_TOP_OF = SKOS.topConceptOf
_HAS_TOP = SKOS.hasTopConcept
_CLOSE = SKOS.closeMatch
_BROAD = SKOS.broadMatch
_COMMENT = RDFS.comment
_SUBJECT = DCTERMS.subject
_RELATION = EQ.crosswalkRelation


@dataclass(frozen=True, slots=True)
class _Classification:
    scheme: OccupationScheme
    dataset: str
    path: str
    labels: dict[str, str]
    what: str


_SINCO_INFO = _Classification(
    _SINCO,
    "sinco2011",
    SINCO_STRUCTURE,
    {
        "es": "Sistema Nacional de Clasificación de Ocupaciones (SINCO) 2011",
        "en": "Mexican National System for the Classification of Occupations (SINCO) 2011",
    },
    "SINCO 2011 concepts",
)
_CUOC_INFO = _Classification(
    _CUOC,
    "cuoc2022",
    CUOC_STRUCTURE,
    {
        "es": "Clasificación Única de Ocupaciones para Colombia (CUOC) 2022",
        "en": "Single Classification of Occupations for Colombia (CUOC) 2022",
    },
    "CUOC 2022 concepts",
)
_CNO_LABELS = {
    "es": "Catálogo Nacional de Ocupaciones (CNO) de México",
    "en": "Mexican National Catalogue of Occupations (CNO)",
}


def _file(data_dir: Path, rel: str) -> Path:
    path = data_dir / rel
    if not path.is_file():
        raise InputError("classification file not found", file=path, code="missing-file")
    return path


def _scheme(b: QuadBuilder, scheme: OccupationScheme, labels: dict[str, str]) -> None:
    b.add(scheme.scheme, _A, SKOS.ConceptScheme)
    for lang, label in labels.items():
        b.add(scheme.scheme, _PREF, Literal(label, language=lang))
    b.add(scheme.scheme, _NOTATION, Literal(scheme.name))


def _digits(value: str, path: Path, line: int, column: str) -> str:
    code = value.strip()
    if not code.isdigit():
        raise InputError(
            f"not a numeric code: {value!r}",
            file=path,
            line=line,
            column=column,
            code="invalid-code",
        )
    return code


def _isco_codes(data_dir: Path) -> frozenset[str]:
    """The ISCO-08 group codes (1 to 4 digits), as ESCO publishes them."""
    path = _file(data_dir, ISCO_GROUPS)
    return frozenset(
        _digits(row["code"], path, line, "code") for line, row in read_csv_rows(path, ("code",))
    )


# ---------------------------------------------------------------- structures


@dataclass(slots=True)
class _Entry:
    line: int
    code: str
    title: str


def _read_structure(path: Path) -> list[_Entry]:
    """Rows `code, level, title`; the level must be the number of digits of the code, and the
    code one digit shorter (its parent) must be in the file."""
    entries: list[_Entry] = []
    for line, row in read_csv_rows(path, ("code", "level", "title")):
        code = _digits(row["code"], path, line, "code")
        level = row["level"].strip()
        if level != str(len(code)):
            raise InputError(
                f"level {level!r} does not match code {code!r} ({len(code)} digits)",
                file=path,
                line=line,
                column="level",
                code="invalid-level",
            )
        title = row["title"].strip()
        if not title:
            raise InputError("empty title", file=path, line=line, column="title", code="empty")
        entries.append(_Entry(line, code, title))
    codes = {e.code for e in entries}
    if len(codes) != len(entries):
        seen: set[str] = set()
        for e in entries:
            if e.code in seen:
                raise InputError(
                    f"code {e.code} given twice", file=path, line=e.line, code="duplicate"
                )
            seen.add(e.code)
    for e in entries:
        if len(e.code) > 1 and e.code[:-1] not in codes:
            raise InputError(
                f"code {e.code} has no parent {e.code[:-1]} in the file",
                file=path,
                line=e.line,
                column="code",
                code="missing-parent",
            )
    return entries


def _structure(
    data_dir: Path, info: _Classification, isco_codes: frozenset[str] | None = None
) -> LoadedSource:
    path = _file(data_dir, info.path)
    b = QuadBuilder(GRAPH.classifications, info.dataset, info.path)
    links = QuadBuilder(GRAPH.crosswalks, info.dataset, info.path)
    src = LoadedSource(info.what.removesuffix(" concepts"), path)
    scheme = info.scheme
    _scheme(b, scheme, info.labels)
    for e in _read_structure(path):
        s = scheme.concept(e.code)
        b.add(s, _A, _CONCEPT)
        b.add(s, _IN_SCHEME, scheme.scheme)
        b.add(s, _NOTATION, Literal(e.code))
        b.add(s, _PREF, Literal(e.title, language="es"))
        if len(e.code) == 1:
            b.add(s, _TOP_OF, scheme.scheme)
            b.add(scheme.scheme, _HAS_TOP, s)
        else:
            b.add(s, _BROADER, scheme.concept(e.code[:-1]))
        b.derived(s, e.line)
        src.count(info.what)
        if isco_codes is not None:
            _link_to_isco(links, src, s, e, isco_codes)
    src.quads = b.quads + links.quads
    return src


def _link_to_isco(
    b: QuadBuilder, src: LoadedSource, s: NamedNode, e: _Entry, isco_codes: frozenset[str]
) -> None:
    """CUOC 2022 is DANE's adaptation of ISCO-08: its levels 1–4 keep ISCO-08's codes (every
    ISCO-08 group is there, with the same or a reworded title) and level 5 (5-digit occupations)
    extends the 4-digit unit group its code starts with. CUOC also adds groups of its own
    (artisans 733–739, drivers 8323/8324, 9625/9626 …) whose codes ISCO-08 lacks.

    So: a CUOC group whose code is an ISCO-08 code is `skos:closeMatch` that group (close, not
    exact: CUOC rewords titles and moves some content into its own groups); any other CUOC concept
    (the 5-digit occupations, the CUOC-only groups) is `skos:broadMatch` the ISCO-08 group of the
    longest prefix of its code that ISCO-08 has. Each link is reified on the CUOC row.
    """
    if e.code in isco_codes:
        b.reified(s, _CLOSE, _ISCO.concept(e.code), e.line)
        src.count("CUOC → ISCO-08 closeMatch")
        return
    for n in range(len(e.code) - 1, 0, -1):
        if e.code[:n] in isco_codes:
            b.reified(s, _BROAD, _ISCO.concept(e.code[:n]), e.line)
            src.count("CUOC → ISCO-08 broadMatch")
            return
    src.count("CUOC concepts without an ISCO-08 group")


# ---------------------------------------------------------------- crosswalks


_CROSSWALK_COLUMNS = ("sinco2011_code", "relation", "row_note")


def _relation(row: dict[str, str], path: Path, line: int) -> str:
    relation = row["relation"].strip()
    if relation not in CROSSWALK_RELATIONS:
        raise InputError(
            f"unknown relation {row['relation']!r}; expected one of "
            + ", ".join(sorted(CROSSWALK_RELATIONS)),
            file=path,
            line=line,
            column="relation",
            code="invalid-value",
        )
    return relation


def _crosswalk_record(
    b: QuadBuilder,
    src: LoadedSource,
    sinco: NamedNode,
    row: dict[str, str],
    relation: str,
    line: int,
) -> NamedNode:
    """The record every crosswalk row keeps, mapped or not."""
    record = b.record(line)
    b.add(record, _RELATION, Literal(relation))
    b.add(record, _SUBJECT, sinco)
    b.add_text(record, _COMMENT, row["row_note"], "en")
    src.count("crosswalk rows")
    src.count(f"{relation} rows")
    return record


def _sinco_to_ciuo(data_dir: Path, isco_codes: frozenset[str]) -> LoadedSource:
    """SINCO 2011 → CIUO-08. A 3-digit target such as ``310`` is an ISCO-08 code of major group 0
    whose leading zero the source spreadsheet dropped: it is read as ``0310`` when that is an
    ISCO-08 code and the written one is not (the record says so in an rdfs:comment)."""
    path = _file(data_dir, SINCO_TO_CIUO)
    b = QuadBuilder(GRAPH.crosswalks, "sinco2011-ciuo08", SINCO_TO_CIUO)
    src = LoadedSource("SINCO 2011 → CIUO-08 crosswalk", path, b.quads)
    for line, row in read_csv_rows(path, (*_CROSSWALK_COLUMNS, "ciuo08_code", "ciuo08_title")):
        sinco = _SINCO.concept(_digits(row["sinco2011_code"], path, line, "sinco2011_code"))
        relation = _relation(row, path, line)
        record = _crosswalk_record(b, src, sinco, row, relation, line)
        target = row["ciuo08_code"].strip()
        if not target:
            # The table sometimes writes a note where the target code goes.
            b.add_text(record, _COMMENT, row["ciuo08_title"], "es")
            if relation in MAPPED_RELATIONS:
                src.count("rows without a target code")
            continue
        code = _digits(target, path, line, "ciuo08_code")
        if code not in isco_codes and code.zfill(4) in isco_codes:
            b.add(record, _COMMENT, Literal(f"ISCO-08 code {code!r} read as {code.zfill(4)!r}"))
            code = code.zfill(4)
            src.count("codes with a restored leading zero")
        if code not in isco_codes:
            b.add(record, _COMMENT, Literal(f"{code!r} is not an ISCO-08 code"))
            src.count("targets not in ISCO-08")
            continue
        if relation in MAPPED_RELATIONS:
            b.reified(sinco, _CLOSE, _ISCO.concept(code), line)
            src.count("SINCO → CIUO-08 closeMatch")
    return src


def _sinco_to_cno(data_dir: Path) -> LoadedSource:
    """SINCO 2011 → CNO-MX, and the CNO-MX concepts it names (code and title).

    A CNO code is ``dddd-dd``. A malformed one (``122-02``) is resolved when exactly one
    well-formed code of the table has the same title and ends with the written digits (a leading
    digit lost: ``1122-02``); otherwise the row keeps its record but maps nothing. A code written
    with several titles (spelling variants) gets the first as ``skos:prefLabel`` and the others
    as ``skos:altLabel``.
    """
    path = _file(data_dir, SINCO_TO_CNO)
    b = QuadBuilder(GRAPH.crosswalks, "sinco2011-cno-mx", SINCO_TO_CNO)
    concepts = QuadBuilder(GRAPH.classifications, "sinco2011-cno-mx", SINCO_TO_CNO)
    src = LoadedSource("SINCO 2011 → CNO-MX crosswalk", path)
    _scheme(concepts, _CNO, _CNO_LABELS)
    rows = list(read_csv_rows(path, (*_CROSSWALK_COLUMNS, "cno_code", "cno_title")))
    by_title: dict[str, set[str]] = {}
    for _, row in rows:
        code = row["cno_code"].strip()
        if _CNO_CODE.fullmatch(code):
            by_title.setdefault(row["cno_title"].strip().casefold(), set()).add(code)
    labels: dict[str, set[str]] = {}
    for line, row in rows:
        sinco = _SINCO.concept(_digits(row["sinco2011_code"], path, line, "sinco2011_code"))
        relation = _relation(row, path, line)
        record = _crosswalk_record(b, src, sinco, row, relation, line)
        code = row["cno_code"].strip()
        title = row["cno_title"].strip()
        if not code:
            if relation in MAPPED_RELATIONS:
                src.count("rows without a target code")
            continue
        if not _CNO_CODE.fullmatch(code):
            candidates = [c for c in by_title.get(title.casefold(), ()) if c.endswith(code)]
            if len(candidates) != 1:
                b.add(record, _COMMENT, Literal(f"malformed CNO code {code!r} left unresolved"))
                src.count("unresolved CNO codes")
                continue
            b.add(record, _COMMENT, Literal(f"CNO code {code!r} read as {candidates[0]!r}"))
            code = candidates[0]
            src.count("repaired CNO codes")
        cno = _CNO.concept(code)
        seen = labels.get(code)
        if seen is None:
            labels[code] = seen = set()
            concepts.add(cno, _A, _CONCEPT)
            concepts.add(cno, _IN_SCHEME, _CNO.scheme)
            concepts.add(cno, _NOTATION, Literal(code))
            src.count("CNO-MX concepts")
        if title and title not in seen:
            concepts.add(cno, _ALT if seen else _PREF, Literal(title, language="es"))
            seen.add(title)
        concepts.derived(cno, line)
        if relation in MAPPED_RELATIONS:
            b.reified(sinco, _CLOSE, cno, line)
            src.count("SINCO → CNO-MX closeMatch")
    src.quads = concepts.quads + b.quads
    return src


def read_classifications(data_dir: Path) -> Iterator[LoadedSource]:
    """Yields SINCO 2011, CUOC 2022 and the two SINCO crosswalks, each parsed when asked for.

    CUOC and the SINCO → CIUO-08 table are checked against the ISCO-08 codes of ESCO's
    ``ISCOGroups_en.csv`` (in the same data folder).
    """
    yield _structure(data_dir, _SINCO_INFO)
    isco_codes = _isco_codes(data_dir)
    yield _structure(data_dir, _CUOC_INFO, isco_codes)
    yield _sinco_to_ciuo(data_dir, isco_codes)
    yield _sinco_to_cno(data_dir)
