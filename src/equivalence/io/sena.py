"""Colombia, SENA: Normas Sectoriales de Competencia Laboral (NSCL) read in two files.

* ``co/sena_nscl_by_program.csv`` — one row per (training programme, norm): the programme's
  code, version and name, and the norm's 9-digit code with the title the programme writes
  (``name``, often a short label) and its statement (``description``, the NSCL title form
  "Atender clientes de acuerdo con …"). A norm used by several programmes appears on several
  rows, with wording that varies: those rows describe the same norm IRI.
* ``co/sena_nscl_documents.csv`` — norms read in SENA documents: code, title, the mesa sectorial
  where stated, and the page of each row (``dcterms:source``).

One preferred label per norm: the documents' title when the norm is there (an official
document), otherwise the programme description written most often (ties: first seen). The other
wordings are ``skos:altLabel``. Annotations the data folder added to a title are not part of it:
``(v2; replaced by 280101182)`` gives ``eq:version "2"``, ``eq:status "withdrawn"`` and
``dcterms:isReplacedBy``; a ``[…]`` note becomes ``skos:editorialNote`` (English).

Training programmes have no IRI in the vocabulary yet: each programme row is recorded as the
statement ``norm eq:trainingProgramme "228118 v1"`` reified on its row (the row is a relation).

Code ``999999999`` ("RESULTADOS DE APRENDIZAJE ETAPA PRÁCTICA") is the placeholder SENA Sofía
Plus uses for the practical stage of every programme, not a norm: its rows are skipped (counted).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from equivalence import vocab
from equivalence.errors import InputError
from equivalence.io.base import LoadedSource, clean_spaces, read_csv_rows, source_url
from equivalence.rdf import QuadBuilder, text
from equivalence.vocab import DCTERMS, EQ, RDF, SKOS, status_iri

__all__ = ["PLACEHOLDER_CODES", "read_sena"]

COUNTRY = "CO"
DATASET = "sena"
BY_PROGRAM = "co/sena_nscl_by_program.csv"
DOCUMENTS = "co/sena_nscl_documents.csv"

# Status of the ontology (vocab.status_iri).
STATUS_WITHDRAWN = "withdrawn"
PLACEHOLDER_CODES = frozenset({"999999999"})

_NSCL = re.compile(r"^\d{9}$")
_NOTE = re.compile(r"\s*\[([^\]]*)\]\s*$")
_REPLACED = re.compile(r"\s*\(v(\d+);\s*replaced by (\d{9})\)\s*$")
_MESA_CODE_FIRST = re.compile(r"^(\d{5})\s*-\s*(.+)$")
_MESA_CODE_AFTER = re.compile(r"^(.+?)\s*\((?:código mesa\s+(\d{5})|per [^)]*)\)$")


def _key(value: str) -> str:
    """What makes two wordings the same: case, whitespace and a final full stop ignored."""
    return clean_spaces(value).rstrip(". ").casefold()


def _code(value: str, path: Path, line: int, column: str) -> str:
    code = clean_spaces(value)
    if not _NSCL.match(code):
        raise InputError(f"NSCL code {code!r} is not 9 digits", file=path, line=line, column=column)
    return code


def _mesa(value: str) -> tuple[str, str | None] | None:
    """The mesa sectorial's name and code, when the row states one."""
    value = clean_spaces(value)
    if not value or value.lower().startswith("not stated"):
        return None
    match = _MESA_CODE_FIRST.match(value)
    if match:
        return match.group(2).strip(), match.group(1)
    match = _MESA_CODE_AFTER.match(value)
    if match:
        return match.group(1).strip(), match.group(2)
    return value, None


@dataclass(slots=True)
class _DocumentRow:
    line: int
    code: str
    title: str
    note: str | None
    version: str | None
    replaced_by: str | None
    mesa: tuple[str, str | None] | None
    url: NamedNode | None


def _read_documents(path: Path) -> list[_DocumentRow]:
    rows: list[_DocumentRow] = []
    for line, row in read_csv_rows(path, required=("code", "title")):
        code = _code(row["code"], path, line, "code")
        title = clean_spaces(row["title"])
        note = None
        match = _NOTE.search(title)
        if match:
            note = match.group(1).strip()
            title = title[: match.start()].strip()
        version = replaced_by = None
        match = _REPLACED.search(title)
        if match:
            version, replaced_by = match.group(1), match.group(2)
            title = title[: match.start()].strip()
        if not title:
            raise InputError("empty title", file=path, line=line, column="title")
        rows.append(
            _DocumentRow(
                line,
                code,
                title,
                note,
                version,
                replaced_by,
                _mesa(row.get("mesa_sectorial", "")),
                source_url(row.get("source_url", ""), path, line),
            )
        )
    return rows


@dataclass(slots=True)
class _ProgramNorm:
    """What the programme rows say of one norm."""

    rows: list[tuple[int, str]] = field(default_factory=list)  # (line, programme label)
    descriptions: Counter[str] = field(default_factory=Counter)
    wordings: dict[str, str] = field(default_factory=dict)  # key → first wording seen


def _read_programmes(path: Path) -> tuple[dict[str, _ProgramNorm], int]:
    norms: dict[str, _ProgramNorm] = {}
    skipped = 0
    required = ("program_code", "program_version", "nscl_code", "name", "description")
    for line, row in read_csv_rows(path, required=required):
        code = _code(row["nscl_code"], path, line, "nscl_code")
        if code in PLACEHOLDER_CODES:
            skipped += 1
            continue
        programme = clean_spaces(row["program_code"])
        if not programme:
            raise InputError("empty program_code", file=path, line=line, column="program_code")
        version = clean_spaces(row["program_version"])
        norm = norms.setdefault(code, _ProgramNorm())
        norm.rows.append((line, f"{programme} v{version}" if version else programme))
        description = clean_spaces(row["description"])
        if description:
            norm.descriptions[_key(description)] += 1
        for wording in (description, clean_spaces(row["name"])):
            if wording:
                norm.wordings.setdefault(_key(wording), wording)
        if not norm.wordings:
            raise InputError("norm without name or description", file=path, line=line)
    return norms, skipped


def _norm_core(builder: QuadBuilder, code: str) -> NamedNode:
    norm = vocab.standard_iri(COUNTRY, code)
    builder.standard(norm, COUNTRY, "SENA", code)
    return norm


def _preferred(norm: _ProgramNorm) -> str:
    if norm.descriptions:
        best = max(norm.descriptions.values())
        for key in norm.wordings:  # first seen among the most frequent
            if norm.descriptions.get(key) == best:
                return key
    return next(iter(norm.wordings))


def read_sena(data_dir: Path) -> Iterator[LoadedSource]:
    """SENA norms from the programme file and the documents file, one `LoadedSource` each."""
    programmes_path = data_dir / BY_PROGRAM
    documents_path = data_dir / DOCUMENTS
    programmes, skipped = _read_programmes(programmes_path)
    documents = _read_documents(documents_path) if documents_path.is_file() else []
    documented = {row.code: row for row in documents}

    source = LoadedSource("SENA norms by training programme", programmes_path)
    builder = QuadBuilder(vocab.country_graph(COUNTRY), DATASET, BY_PROGRAM)
    for code, norm_rows in programmes.items():
        norm = _norm_core(builder, code)
        # A documented norm takes its preferred label from the documents file.
        pref_key = None if code in documented else _preferred(norm_rows)
        doc_key = _key(documented[code].title) if code in documented else None
        for key, wording in norm_rows.wordings.items():
            if key != doc_key:
                predicate = SKOS.prefLabel if key == pref_key else SKOS.altLabel
                builder.add(norm, predicate, text(wording, "es"))
        for line, programme in norm_rows.rows:
            builder.derived(norm, line)
            builder.reified(norm, EQ.trainingProgramme, Literal(programme), line)
        source.count("norms")
        source.count("programme rows", len(norm_rows.rows))
    source.count("placeholder rows skipped", skipped)
    source.count("programmes", len({p for n in programmes.values() for _, p in n.rows}))
    source.quads = builder.quads
    yield source

    if not documents_path.is_file():
        return
    source = LoadedSource("SENA norms read in documents", documents_path)
    builder = QuadBuilder(vocab.country_graph(COUNTRY), DATASET, DOCUMENTS)
    titled: set[str] = set()
    committees: set[str] = set()
    for row in documents:
        norm = _norm_core(builder, row.code)
        builder.derived(norm, row.line)
        if row.code not in titled:
            titled.add(row.code)
            builder.add(norm, SKOS.prefLabel, text(row.title, "es"))
            source.count("norms")
        else:
            builder.add(norm, SKOS.altLabel, text(row.title, "es"))
        if row.url is not None:
            builder.add(norm, DCTERMS.source, row.url)
        if row.note:
            builder.add(norm, SKOS.editorialNote, text(row.note, "en"))
        if row.version:
            builder.add(norm, EQ.version, Literal(row.version))
        if row.replaced_by:
            builder.add(norm, EQ.status, status_iri(STATUS_WITHDRAWN))
            builder.add(norm, DCTERMS.isReplacedBy, vocab.standard_iri(COUNTRY, row.replaced_by))
        if row.mesa:
            name, mesa_code = row.mesa
            committee = vocab.committee_iri(COUNTRY, name)
            if committee.value not in committees:
                committees.add(committee.value)
                builder.add(committee, RDF.type, EQ.Committee)
                builder.add(committee, SKOS.prefLabel, text(name, "es"))
                builder.derived(committee, row.line)
            if mesa_code:
                builder.add(committee, SKOS.notation, Literal(mesa_code))
            builder.add(norm, EQ.committee, committee)
    source.count("committees", len(committees))
    source.quads = builder.quads
    yield source
