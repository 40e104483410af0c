"""Mexico, CONOCER: the national register (RENEC) and two standards described in detail.

Files read from the data folder (``mx/``), one `LoadedSource` each:

* ``conocer_register.json`` — every standard of the register: code, level (1–5), title,
  committee (comité de gestión por competencias) and productive sector. All are current
  (``eq:status "active"``). Row = 1-based position in the JSON array.
* ``EC0217.01.json`` — one standard structured by a third party: 3 elements (units) and their
  criteria. The file is nested, so its rows are the physical line where each object's ``code``
  is written (positions in nested arrays would not be unique within the file).
* ``EC0249_ficha.txt`` — the verbatim text of an official standard sheet, parsed here: general
  data, level, committee, dates, related occupations (CNO), SCIAN classes, elements and their
  criteria under the headings DESEMPEÑOS / PRODUCTOS / CONOCIMIENTOS / ACTITUDES. Row = line.

A detail file describes the same standard IRI as its register entry. Its code is matched to the
register as the register writes it (``EC0217.01`` is in the register with its suffix, ``EC0249``
without); if only the other form is there (``EC0217`` vs ``EC0217.01``), the register's form
is the identifier and the suffix is the version. A detail file adds its title as
``skos:prefLabel`` only for a standard the register lacks (otherwise as ``skos:altLabel`` when it
differs), so that a standard keeps one preferred label.

``conocer_committees.json`` (committee → codes) is the inverse of the register's ``comite``
column and adds nothing, so it is not read; ``conocer_sectors.json`` neither (sectors come from
the register's ``secProductivo``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode

from equivalence import vocab
from equivalence.errors import InputError
from equivalence.io.base import LoadedSource, read_text
from equivalence.rdf import QuadBuilder, date_literal, integer, text
from equivalence.vocab import DCTERMS, EQ, RDF, SKOS, XSD, status_iri

__all__ = ["parse_ec_sheet", "read_conocer"]

COUNTRY = "MX"
DATASET = "conocer"
REGISTER = "mx/conocer_register.json"
EC0217_JSON = "mx/EC0217.01.json"
EC0249_SHEET = "mx/EC0249_ficha.txt"

# Statuses of the ontology (vocab.status_iri).
STATUS_ACTIVE = "active"
STATUS_INACTIVE = "inactive"

_CODE = re.compile(r"^EC\d{4}(?:\.(\d{2}))?$")
_WS = re.compile(r"\s+")

# The JSON's criterion "type" and "evidenceType" values, and the kind they mean. A PERFORMANCE
# criterion is judged by a product or by observed performance: its evidenceType says which.
_EVIDENCE_KIND = {
    "PRODUCT": "producto",
    "PRODUCTO": "producto",
    "PERFORMANCE": "desempeño",
    "DESEMPEÑO": "desempeño",
    "DESEMPENO": "desempeño",
    "KNOWLEDGE": "conocimiento",
    "CONOCIMIENTO": "conocimiento",
    "ATTITUDE": "actitud",
    "ACTITUD": "actitud",
}
_TYPE_KIND = {"KNOWLEDGE": "conocimiento", "ATTITUDE": "actitud", "PRODUCT": "producto"}

# Code prefixes of parsed criteria, by kind: D1, P1, C1, A1 … numbered as in the sheet.
_KIND_PREFIX = {"desempeño": "D", "producto": "P", "conocimiento": "C", "actitud": "A"}

_SPANISH_NUMBERS = {"uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5}
_MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ),
        start=1,
    )
}
_MONTHS["setiembre"] = 9


def _clean(value: object) -> str:
    """A cell as text, with any run of whitespace (NBSP included) folded to one space."""
    return _WS.sub(" ", str(value if value is not None else "")).strip()


def _committee_label(name: str) -> str:
    """The register writes the committee without its head noun ("del Sector de Consultoría")."""
    return name if name.lower().startswith("comité") else f"Comité {name}"


# ---------------------------------------------------------------------------------------------
# JSON helpers


def _load_json(path: Path) -> Any:
    raw = read_text(path)
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg}", file=path, line=exc.lineno) from None


def _json_records(path: Path) -> Iterator[tuple[int, int, Any]]:
    """Yields `(position, line, item)` for each item of a JSON array file (position 1-based)."""
    raw = read_text(path)
    decoder = json.JSONDecoder()
    pos = 0
    line = 1

    def skip(i: int) -> int:
        while i < len(raw) and raw[i] in " \t\r\n":
            i += 1
        return i

    def fail(msg: str, at: int) -> InputError:
        return InputError(msg, file=path, line=raw.count("\n", 0, at) + 1)

    pos = skip(pos)
    if pos >= len(raw) or raw[pos] != "[":
        raise fail("expected a JSON array of records", pos)
    pos = skip(pos + 1)
    if pos < len(raw) and raw[pos] == "]":
        pos += 1
    else:
        position = 0
        last = 0
        while True:
            line += raw.count("\n", last, pos)
            last = pos
            try:
                item, end = decoder.raw_decode(raw, pos)
            except json.JSONDecodeError as exc:
                raise InputError(f"malformed JSON: {exc.msg}", file=path, line=exc.lineno) from None
            position += 1
            yield position, line, item
            pos = skip(end)
            if pos < len(raw) and raw[pos] == ",":
                pos = skip(pos + 1)
                continue
            if pos < len(raw) and raw[pos] == "]":
                pos += 1
                break
            raise fail("malformed JSON: expected ',' or ']' after a record", pos)
    if skip(pos) != len(raw):
        raise fail("malformed JSON: extra data after the array", skip(pos))


def _field(record: Any, key: str, path: Path, line: int, *, required: bool = True) -> str:
    if not isinstance(record, dict):
        raise InputError("record is not a JSON object", file=path, line=line)
    value = _clean(record.get(key))
    if required and not value:
        raise InputError(f"missing {key!r}", file=path, line=line, column=key)
    return value


# ---------------------------------------------------------------------------------------------
# Standards


@dataclass(slots=True)
class _Describer:
    """Describes sectors and committees once per source."""

    builder: QuadBuilder
    sectors: set[str] = field(default_factory=set)
    committees: set[str] = field(default_factory=set)

    def sector(self, name: str, row: int) -> NamedNode:
        iri = vocab.sector_iri(COUNTRY, name)
        if iri.value not in self.sectors:
            self.sectors.add(iri.value)
            self.builder.add(iri, RDF.type, EQ.Sector)
            self.builder.add_text(iri, SKOS.prefLabel, name, "es")
            self.builder.derived(iri, row)
        return iri

    def committee(self, name: str, row: int) -> NamedNode:
        iri = vocab.committee_iri(COUNTRY, name)
        if iri.value not in self.committees:
            self.committees.add(iri.value)
            self.builder.add(iri, RDF.type, EQ.Committee)
            self.builder.add_text(iri, SKOS.prefLabel, _committee_label(name), "es")
            self.builder.derived(iri, row)
        return iri


def _standard_core(builder: QuadBuilder, code: str) -> NamedNode:
    """The statements every source makes about a standard it describes."""
    std = vocab.standard_iri(COUNTRY, code)
    builder.standard(std, COUNTRY, "CONOCER", code)
    return std


def _level(value: str, path: Path, line: int) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 5:
        raise InputError(f"level {value!r} is not 1–5", file=path, line=line, column="nivel")
    return int(value)


def _read_register(path: Path) -> tuple[LoadedSource, dict[str, str], dict[str, str]]:
    """The register, its codes (as written) by their unversioned form, and titles by code."""
    source = LoadedSource("CONOCER register (RENEC)", path)
    builder = QuadBuilder(vocab.country_graph(COUNTRY), DATASET, REGISTER)
    describe = _Describer(builder)
    codes: dict[str, str] = {}
    titles: dict[str, str] = {}
    for position, line, record in _json_records(path):
        code = _field(record, "codigo", path, line)
        if not _CODE.match(code):
            raise InputError(
                f"standard code {code!r} is not ECnnnn[.nn]", file=path, line=line, column="codigo"
            )
        if code in titles:
            raise InputError(f"standard {code} is listed twice", file=path, line=line)
        title = _field(record, "titulo", path, line)
        titles[code] = title
        codes[code.split(".")[0]] = code
        level = _level(_field(record, "nivel", path, line), path, line)
        std = _standard_core(builder, code)
        builder.derived(std, position)
        builder.add(std, SKOS.prefLabel, text(title, "es"))
        builder.add(std, EQ.level, vocab.level_iri(COUNTRY, level))
        builder.add(std, EQ.status, status_iri(STATUS_ACTIVE))
        sector = _field(record, "secProductivo", path, line, required=False)
        if sector:
            builder.add(std, EQ.sector, describe.sector(sector, position))
        committee = _field(record, "comite", path, line, required=False)
        if committee:
            builder.add(std, EQ.committee, describe.committee(committee, position))
        source.count("standards")
    source.quads = builder.quads
    source.count("sectors", len(describe.sectors))
    source.count("committees", len(describe.committees))
    return source, codes, titles


def _register_code(code: str, register: dict[str, str]) -> tuple[str, str | None]:
    """The code a detail file's standard has in the register, and the version it implies."""
    match = _CODE.match(code)
    base = code.split(".")[0]
    known = register.get(base)
    if known is None or known == code:
        return code, None
    # The register writes the other form: keep its identifier, the suffix is the version.
    suffix = match.group(1) if match else None
    return known, suffix


def _title(builder: QuadBuilder, std: NamedNode, title: str, in_register: bool, reg: str) -> None:
    if not title:
        return
    if not in_register:
        builder.add(std, SKOS.prefLabel, text(title, "es"))
    elif _clean(title).casefold() != reg.casefold():
        builder.add(std, SKOS.altLabel, text(title, "es"))


# ---------------------------------------------------------------------------------------------
# EC0217.01.json


def _code_lines(raw: str) -> dict[str, int]:
    """The line where each `"code": "…"` is first written."""
    lines: dict[str, int] = {}
    for number, line in enumerate(raw.splitlines(), start=1):
        for match in re.finditer(r'"code"\s*:\s*"([^"]*)"', line):
            lines.setdefault(match.group(1).strip(), number)
    return lines


def _order(record: dict[str, Any], position: int, path: Path, line: int) -> int:
    value = record.get("order")
    if value is None or value == "":
        return position
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InputError(
            f"order {value!r} is not an integer", file=path, line=line, column="order"
        ) from None


def _criterion_kind(criterion: dict[str, Any], path: Path, line: int) -> str:
    kind_type = _clean(criterion.get("type")).upper()
    evidence = _clean(criterion.get("evidenceType")).upper()
    if kind_type in _TYPE_KIND:
        return _TYPE_KIND[kind_type]
    if kind_type == "PERFORMANCE" and evidence in _EVIDENCE_KIND:
        return _EVIDENCE_KIND[evidence]
    if kind_type == "PERFORMANCE":
        return "desempeño"
    raise InputError(
        f"criterion type {kind_type!r} / evidenceType {evidence!r} is not a known kind",
        file=path,
        line=line,
        column="type",
    )


def _read_structured(path: Path, register: dict[str, str], titles: dict[str, str]) -> LoadedSource:
    source = LoadedSource("CONOCER standard EC0217.01 (structured)", path)
    builder = QuadBuilder(vocab.country_graph(COUNTRY), DATASET, EC0217_JSON)
    doc = _load_json(path)
    lines = _code_lines(read_text(path))
    if not isinstance(doc, dict):
        raise InputError("expected a JSON object (one standard)", file=path, line=1)
    raw_code = _field(doc, "code", path, 1)
    std_line = lines.get(raw_code, 1)
    code, version = _register_code(raw_code, register)
    std = _standard_core(builder, code)
    builder.derived(std, std_line)
    _title(builder, std, _clean(doc.get("title")), code in titles, titles.get(code, ""))
    builder.add_text(std, DCTERMS.description, _clean(doc.get("description")), "es")
    builder.add_text(std, EQ.version, _clean(doc.get("version")) or version)
    published = _clean(doc.get("publishedAt"))
    if published:
        try:
            builder.add(std, EQ.validFrom, date_literal(date.fromisoformat(published[:10])))
        except ValueError:
            raise InputError(
                f"publishedAt {published!r} is not a date", file=path, line=std_line
            ) from None
    if "isActive" in doc:
        status = STATUS_ACTIVE if doc["isActive"] is True else STATUS_INACTIVE
        builder.add(std, EQ.status, status_iri(status))
    source.count("standards")
    elements = doc.get("elements")
    if not isinstance(elements, list) or not elements:
        raise InputError("the standard has no 'elements' list", file=path, line=std_line)
    for e_pos, element in enumerate(elements, start=1):
        e_code = _field(element, "code", path, std_line)
        e_line = lines.get(e_code, std_line)
        unit = vocab.unit_iri(COUNTRY, code, e_code)
        builder.add(unit, RDF.type, EQ.CompetencyUnit)
        builder.add(unit, RDF.type, EQ.ConocerElement)
        builder.add(unit, DCTERMS.identifier, Literal(e_code))
        builder.add(unit, SKOS.prefLabel, text(_field(element, "title", path, e_line), "es"))
        builder.add_text(unit, DCTERMS.description, _clean(element.get("description")), "es")
        builder.add(unit, EQ.order, integer(_order(element, e_pos, path, e_line)))
        builder.derived(unit, e_line)
        builder.add(std, EQ.hasUnit, unit)
        source.count("units")
        criteria = element.get("criteria")
        if not isinstance(criteria, list):
            raise InputError(f"element {e_code} has no 'criteria' list", file=path, line=e_line)
        for c_pos, criterion in enumerate(criteria, start=1):
            c_code = _field(criterion, "code", path, e_line)
            c_line = lines.get(c_code, e_line)
            crit = vocab.criterion_iri(COUNTRY, code, e_code, c_code)
            kind = _criterion_kind(criterion, path, c_line)
            builder.add(crit, RDF.type, EQ.PerformanceCriterion)
            builder.add(crit, DCTERMS.identifier, Literal(c_code))
            label = _field(criterion, "description", path, c_line)
            builder.add(crit, SKOS.prefLabel, text(label, "es"))
            builder.add(crit, EQ.criterionKind, vocab.criterion_kind_iri(kind))
            builder.add(crit, EQ.order, integer(_order(criterion, c_pos, path, c_line)))
            builder.derived(crit, c_line)
            builder.add(unit, EQ.hasCriterion, crit)
            source.count("criteria")
    source.quads = builder.quads
    return source


# ---------------------------------------------------------------------------------------------
# EC0249_ficha.txt: the official sheet


@dataclass(slots=True)
class SheetCriterion:
    kind: str
    number: int
    text: str
    line: int
    knowledge_level: str | None = None


@dataclass(slots=True)
class SheetElement:
    code: str
    order: int
    title: str
    line: int
    criteria: list[SheetCriterion] = field(default_factory=list)


@dataclass(slots=True)
class EcSheet:
    """What `parse_ec_sheet` reads from a CONOCER standard sheet (`line` = where it is written)."""

    code: str
    title: str
    line: int
    purpose: str = ""
    description: str = ""
    level: int | None = None
    committee: str = ""
    committee_line: int = 0
    approved: date | None = None
    published: date | None = None
    review_years: int | None = None
    certificate_years: int | None = None
    occupations: list[tuple[str, str, int]] = field(default_factory=list)
    associated_occupations: list[str] = field(default_factory=list)
    scian_classes: list[str] = field(default_factory=list)
    elements: list[SheetElement] = field(default_factory=list)


@dataclass(slots=True)
class _Item:
    """A numbered criterion being read: its first line, bullets and continuation lines."""

    number: int
    line: int
    head: list[str]
    bullets: list[str]
    level: str | None


_PAGE_FURNITURE = (
    re.compile(r"^=== page \d+$"),
    re.compile(r"^ESTÁNDAR DE COMPETENCIA$"),
    re.compile(r"^Formato de Estándar de Competencia Versión: Página:$"),
    re.compile(r"^N-FO-\d+ [\d.]+ \d+ de \d+$"),
)
_HEADINGS = {
    "DESEMPEÑOS": "desempeño",
    "PRODUCTOS": "producto",
    "CONOCIMIENTOS": "conocimiento",
    "ACTITUDES / HÁBITOS / VALORES": "actitud",
}
_ELEMENT = re.compile(r"^(\d+) de (\d+) (E\d{3,5}) (.+)$")
_ITEM = re.compile(r"^(\d+)\.\s+(.*)$")
_BULLET = "•"
_KNOWLEDGE_LEVELS = ("Conocimiento", "Comprensión", "Aplicación", "Análisis", "Evaluación")
_KNOWLEDGE_ITEM = re.compile(rf"^(.*\S)\s+({'|'.join(_KNOWLEDGE_LEVELS)})$")
_DATE = re.compile(r"(\d{1,2}) de ([a-záéíóú]+) de (\d{4})", re.IGNORECASE)


def _spanish_date(match: re.Match[str], path: Path, line: int) -> date:
    day, month, year = match.groups()
    if month.lower() not in _MONTHS:
        raise InputError(f"unknown month {month!r}", file=path, line=line)
    return date(int(year), _MONTHS[month.lower()], int(day))


def _criterion_text(head: str, bullets: list[str]) -> str:
    """The item and its bullets, one per line as in the sheet."""
    return "\n".join([head, *(f"• {b}" for b in bullets)])


def parse_ec_sheet(path: Path) -> EcSheet:
    """Parses the text of an official CONOCER standard sheet (N-FO-02 format)."""
    raw = read_text(path)
    lines = [
        (n, _clean(t))
        for n, t in enumerate(raw.splitlines(), start=1)
        if _clean(t) and not any(p.match(_clean(t)) for p in _PAGE_FURNITURE)
    ]
    sheet: EcSheet | None = None
    section = ""
    buffer: list[str] = []
    element: SheetElement | None = None
    kind: str | None = None
    item: _Item | None = None
    pending_title: list[str] = []
    title_line = 0
    counters: dict[str, int] = {}

    def flush_item() -> None:
        nonlocal item
        if item is not None and element is not None and kind is not None:
            body = _criterion_text(" ".join(item.head), item.bullets)
            element.criteria.append(SheetCriterion(kind, item.number, body, item.line, item.level))
        item = None

    def flush_text() -> None:
        if sheet is None:
            return
        body = " ".join(buffer).strip()
        if section == "purpose":
            sheet.purpose = body
        elif section == "description":
            sheet.description = body
        buffer.clear()

    for n, line in lines:
        # General data (section I)
        if sheet is None:
            if line == "Código Título":
                section = "title"
                title_line = n + 1
                continue
            if section == "title":
                if _CODE.match(line):
                    sheet = EcSheet(code=line, title=" ".join(pending_title), line=n)
                    section = ""
                else:
                    pending_title.append(line)
            continue
        if line == "Propósito del Estándar de Competencia":
            flush_text()
            section = "purpose"
            continue
        if line == "Descripción del Estándar de Competencia":
            flush_text()
            section = "description"
            continue
        if line.startswith("Nivel en el Sistema Nacional de Competencias:"):
            flush_text()
            word = line.split(":", 1)[1].strip().lower()
            level = _SPANISH_NUMBERS.get(word) or (int(word) if word.isdigit() else None)
            if level is None:
                raise InputError(f"level {word!r} is not a number", file=path, line=n)
            sheet.level = level
            section = "level"
            continue
        if section in {"purpose", "description"}:
            buffer.append(line)
            continue
        if line.startswith("Comité de Gestión por Competencias que lo desarrolló"):
            section = "committee"
            continue
        if section == "committee":
            sheet.committee = line
            sheet.committee_line = n
            section = ""
            continue
        if line.startswith("Fecha de aprobación"):
            section = "dates"
            continue
        if section == "dates":
            dates = list(_DATE.finditer(line))
            if dates:
                sheet.approved = _spanish_date(dates[0], path, n)
                if len(dates) > 1:
                    sheet.published = _spanish_date(dates[1], path, n)
                section = ""
            continue
        if line.startswith("Periodo de revisión"):
            section = "periods"
            continue
        if section == "periods":
            years = re.findall(r"(\d+) años?", line)
            if years:
                sheet.review_years = int(years[0])
                if len(years) > 1:
                    sheet.certificate_years = int(years[1])
                section = ""
            continue
        if line == "Módulo/Grupo ocupacional":
            section = "occupations"
            continue
        if line == "Ocupaciones asociadas":
            section = "associated"
            continue
        if line.startswith("Clasificación según el sistema de Clasificación Industrial"):
            section = "scian"
            continue
        if section == "occupations":
            match = re.match(r"^(\d{4}-\d{2})\s+(.+)$", line)
            if match:
                sheet.occupations.append((match.group(1), match.group(2), n))
            continue
        if section == "associated":
            sheet.associated_occupations.append(line)
            continue
        if section == "scian":
            if line == "Clase:":
                section = "scian-class"
            continue
        if section == "scian-class":
            match = re.match(r"^(\d{6})\b", line)
            if match:
                sheet.scian_classes.append(match.group(1))
                continue
            if line.rstrip(".").upper() in {"MÉX", "MEX", "EE.UU", "US", "CAN"}:
                continue
            section = ""
            continue
        # Elements (section III)
        if line == "Referencia Código Título":
            flush_item()
            section = "element-title"
            element = None
            kind = None
            continue
        if section == "element-title":
            if element is None:
                match = _ELEMENT.match(line)
                if not match:
                    raise InputError("expected 'n de N Ecode title'", file=path, line=n)
                element = SheetElement(
                    code=match.group(3), order=int(match.group(1)), title=match.group(4), line=n
                )
                sheet.elements.append(element)
                counters = {}
                continue
            if line.startswith("CRITERIOS DE EVALUACI"):
                section = "criteria"
            else:
                element.title = f"{element.title} {line}"
            continue
        if section in {"criteria", "glossary"}:
            heading = line.removesuffix(" NIVEL").strip()
            if heading in _HEADINGS:
                new_kind = _HEADINGS[heading]
                if new_kind != kind:  # a heading repeated at the top of a page continues
                    flush_item()
                    kind = new_kind
                section = "criteria"
                continue
            if line == "GLOSARIO":
                flush_item()
                section = "glossary"
                continue
            if section == "glossary" or line.startswith("La persona es competente cuando"):
                continue
            match = _ITEM.match(line)
            if match and kind is not None:
                number = int(match.group(1))
                if number == counters.get(kind, 0) + 1:
                    flush_item()
                    counters[kind] = number
                    head = match.group(2)
                    level_name = None
                    if kind == "conocimiento":
                        km = _KNOWLEDGE_ITEM.match(head)
                        if km:
                            head, level_name = km.group(1), km.group(2)
                    item = _Item(number, n, [head], [], level_name)
                    continue
            if item is None:
                raise InputError(f"text outside a criterion: {line[:60]!r}", file=path, line=n)
            if line.startswith(_BULLET):
                item.bullets.append(line.lstrip(_BULLET).strip())
            elif item.bullets:
                item.bullets[-1] = f"{item.bullets[-1]} {line}"
            else:
                item.head.append(line)
            continue
    flush_item()
    if sheet is None:
        raise InputError(
            "no 'Código Título' block with an ECnnnn code", file=path, line=title_line or 1
        )
    if not sheet.elements:
        raise InputError("no elements (section III) found", file=path, line=sheet.line)
    for el in sheet.elements:
        if not el.criteria:
            raise InputError(f"element {el.code} has no criteria", file=path, line=el.line)
    return sheet


def _duration_years(years: int) -> Literal:
    return Literal(f"P{years}Y", datatype=XSD.duration)


def _read_sheet(path: Path, register: dict[str, str], titles: dict[str, str]) -> LoadedSource:
    sheet = parse_ec_sheet(path)
    source = LoadedSource("CONOCER standard sheet EC0249", path)
    builder = QuadBuilder(vocab.country_graph(COUNTRY), DATASET, EC0249_SHEET)
    code, version = _register_code(sheet.code, register)
    std = _standard_core(builder, code)
    builder.derived(std, sheet.line)
    _title(builder, std, sheet.title, code in titles, titles.get(code, ""))
    builder.add_text(std, EQ.purpose, sheet.purpose, "es")
    builder.add_text(std, DCTERMS.description, sheet.description, "es")
    builder.add_text(std, EQ.version, version)
    if sheet.level is not None:
        builder.add(std, EQ.level, vocab.level_iri(COUNTRY, sheet.level))
    if sheet.committee:
        name = re.sub(r"^Comité\s+", "", sheet.committee)
        committee = vocab.committee_iri(COUNTRY, name)
        builder.add(committee, RDF.type, EQ.Committee)
        builder.add(committee, SKOS.prefLabel, text(_committee_label(name), "es"))
        builder.derived(committee, sheet.committee_line)
        builder.add(std, EQ.committee, committee)
    if sheet.approved:
        builder.add(std, DCTERMS.dateAccepted, date_literal(sheet.approved))
    if sheet.published:
        builder.add(std, EQ.validFrom, date_literal(sheet.published))
    if sheet.review_years:
        builder.add(std, EQ.reviewPeriod, _duration_years(sheet.review_years))
    if sheet.certificate_years:
        builder.add(std, EQ.certificateValidity, _duration_years(sheet.certificate_years))
    for cno, _title_text, _line in sheet.occupations:
        builder.add(std, EQ.occupation, vocab.occupation_concept_iri("CNO-MX", cno))
    for scian in sheet.scian_classes:
        builder.add(std, EQ.scianCode, Literal(scian))
    source.count("standards")
    for element in sheet.elements:
        unit = vocab.unit_iri(COUNTRY, code, element.code)
        builder.add(unit, RDF.type, EQ.CompetencyUnit)
        builder.add(unit, RDF.type, EQ.ConocerElement)
        builder.add(unit, DCTERMS.identifier, Literal(element.code))
        builder.add(unit, SKOS.prefLabel, text(element.title, "es"))
        builder.add(unit, EQ.order, integer(element.order))
        builder.derived(unit, element.line)
        builder.add(std, EQ.hasUnit, unit)
        source.count("units")
        for order, criterion in enumerate(element.criteria, start=1):
            c_code = f"{_KIND_PREFIX[criterion.kind]}{criterion.number}"
            crit = vocab.criterion_iri(COUNTRY, code, element.code, c_code)
            builder.add(crit, RDF.type, EQ.PerformanceCriterion)
            builder.add(crit, DCTERMS.identifier, Literal(c_code))
            builder.add(crit, SKOS.prefLabel, text(criterion.text, "es"))
            builder.add(crit, EQ.criterionKind, vocab.criterion_kind_iri(criterion.kind))
            builder.add(crit, EQ.order, integer(order))
            builder.add_text(crit, EQ.knowledgeLevel, criterion.knowledge_level, "es")
            builder.derived(crit, criterion.line)
            builder.add(unit, EQ.hasCriterion, crit)
            source.count("criteria")
    source.quads = builder.quads
    return source


# ---------------------------------------------------------------------------------------------


def read_conocer(data_dir: Path) -> Iterator[LoadedSource]:
    """The CONOCER register and the two detailed standards, one `LoadedSource` per file."""
    register_path = data_dir / REGISTER
    register_source, register, titles = _read_register(register_path)
    yield register_source
    structured = data_dir / EC0217_JSON
    if structured.is_file():
        yield _read_structured(structured, register, titles)
    sheet = data_dir / EC0249_SHEET
    if sheet.is_file():
        yield _read_sheet(sheet, register, titles)
