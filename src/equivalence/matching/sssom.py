"""SSSOM export and import of mappings: SSSOM/TSV (with its YAML metadata block) and SSSOM/JSON.

Export takes engine `Mapping`s (or `MappingRecord`s read from the store) and writes one row per
mapping that has a predicate. Identifiers are CURIEs whose prefixes the `curie_map` declares:
`eqmx:EC0217.01` is `standard_iri("MX", "EC0217.01")`. The project's own columns (countries,
codes, coverages, review status, inferred flag, sources, level comparison) are SSSOM 1.1
extension slots (`ext_…`), declared in `extension_definitions`. Propagatable slots that every row
shares (tool, version, date, preprocessing) are condensed into the metadata block, as SSSOM
allows. sssom-py 0.4 parses and validates the TSV without a warning about them, but drops the
extension columns (it keeps no extension values from TSV).

Import reads SSSOM/TSV or SSSOM/JSON back into `MappingRecord`s (`equivalence.matching.graph`):
the unit texts and alignments a `Mapping` holds are not in an SSSOM file, so a full `Mapping`
cannot be rebuilt. Set-level propagatable slots are propagated to the records. The metadata block
is read by a small parser of the block-style YAML subset SSSOM files use (mappings, lists,
plain, single- and double-quoted scalars); PyYAML is not needed.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Final, TextIO

from equivalence.errors import InputError
from equivalence.matching.graph import (
    INFERENCE_JUSTIFICATIONS,
    PREPROCESSING_NS,
    MappingRecord,
    standard_key,
)
from equivalence.matching.model import Mapping, Predicate
from equivalence.vocab import (
    BASE,
    COUNTRIES,
    EQ,
    ID,
    PROV,
    RDF,
    RDFS,
    SEMAPV,
    SKOS,
    SSSOM,
    XSD,
    review_status_iri,
    standard_iri,
)

__all__ = [
    "COLUMNS",
    "CORE_COLUMNS",
    "EXTENSION_PREFIX",
    "EXTENSION_SLOTS",
    "PROPAGATABLE",
    "SSSOM_VERSION",
    "ExtensionSlot",
    "MappingSetInfo",
    "SSSOMSet",
    "curie_map",
    "parse_metadata",
    "read_sssom",
    "read_sssom_json",
    "read_sssom_tsv",
    "sssom_json",
    "sssom_tsv",
    "write_sssom_json",
    "write_sssom_tsv",
]

SSSOM_VERSION: Final = "1.1"  # extension_definitions and record_id are SSSOM 1.1
DEFAULT_LICENSE: Final = "https://creativecommons.org/licenses/by/4.0/"
DEFAULT_TITLE: Final = (
    "Equivalences between the labour-competency standards of Chile, Colombia, Mexico and Peru"
)
LINKML: Final = "https://w3id.org/linkml/"

# Standard SSSOM slots, in the order of the columns.
CORE_COLUMNS: Final = (
    "record_id",
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "mapping_tool",
    "mapping_tool_version",
    "mapping_date",
    "subject_preprocessing",
    "object_preprocessing",
    "comment",
)
# Slots SSSOM lets a set declare once for every record (condensation / propagation).
PROPAGATABLE: Final = (
    "mapping_tool",
    "mapping_tool_version",
    "mapping_date",
    "subject_preprocessing",
    "object_preprocessing",
)
_MULTIVALUED: Final = frozenset({"subject_preprocessing", "object_preprocessing"})
_REQUIRED: Final = ("subject_id", "predicate_id", "object_id")
# sssom-py refuses a file that redefines these prefixes.
_BUILTIN_PREFIXES: Final = {
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "semapv": str(SEMAPV),
    "skos": str(SKOS),
    "sssom": str(SSSOM),
}


@dataclass(frozen=True, slots=True)
class ExtensionSlot:
    """A non-standard slot, declared in the metadata's `extension_definitions`.

    Its column is `ext_{name}`: SSSOM promises never to define a standard slot starting with
    `ext_`, so a later version of the standard cannot clash with ours.
    """

    name: str
    meaning: str  # its `property`: a CURIE of the curie_map
    type_hint: str  # xsd:string, xsd:double, xsd:boolean or linkml:Uriorcurie

    @property
    def slot_name(self) -> str:
        return EXTENSION_PREFIX + self.name

    def definition(self) -> dict[str, str]:
        return {
            "slot_name": self.slot_name,
            "property": self.meaning,
            "type_hint": self.type_hint,
        }


EXTENSION_PREFIX: Final = "ext_"
EXTENSION_SLOTS: Final = (
    ExtensionSlot("subject_country", "eq:subjectCountry", "xsd:string"),
    ExtensionSlot("subject_code", "eq:subjectCode", "xsd:string"),
    ExtensionSlot("object_country", "eq:objectCountry", "xsd:string"),
    ExtensionSlot("object_code", "eq:objectCode", "xsd:string"),
    ExtensionSlot("subject_coverage", "eq:subjectCoverage", "xsd:double"),
    ExtensionSlot("object_coverage", "eq:objectCoverage", "xsd:double"),
    ExtensionSlot("review_status", "eq:reviewStatus", "linkml:Uriorcurie"),
    ExtensionSlot("inferred", "eq:inferred", "xsd:boolean"),
    # several sources are one opaque string, CURIEs joined by '|' (extension values are scalars)
    ExtensionSlot("derived_from", "prov:wasDerivedFrom", "xsd:string"),
    ExtensionSlot("level_comparison", "eq:levelComparison", "xsd:string"),
)
_EXTENSION_NAMES: Final = tuple(slot.name for slot in EXTENSION_SLOTS)
COLUMNS: Final = CORE_COLUMNS + tuple(slot.slot_name for slot in EXTENSION_SLOTS)


def _review_ns() -> str:
    return review_status_iri("proposed").value.removesuffix("proposed")


def curie_map() -> dict[str, str]:
    """The prefixes an export declares: one per country's standards, mappings, ours, SSSOM's."""
    prefixes = {f"eq{country.lower()}": standard_iri(country, "").value for country in COUNTRIES}
    prefixes |= {
        "eqmap": f"{ID}mapping/",
        "eqid": str(ID),
        "eqrev": _review_ns(),
        "eqpre": PREPROCESSING_NS,
        "eq": str(EQ),
        "prov": str(PROV),
        "semapv": str(SEMAPV),
        "skos": str(SKOS),
        "xsd": str(XSD),
        "linkml": LINKML,
    }
    return prefixes


def _compress(iri: str, prefixes: MappingABC[str, str]) -> str:
    """The CURIE of an IRI under the longest matching namespace (the IRI itself if none)."""
    best = ""
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(namespace) > len(prefixes.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(prefixes[best]) :]}" if best else iri


def _expand(text: str, prefixes: MappingABC[str, str]) -> str:
    """The IRI of a CURIE (or an IRI, returned as is); KeyError for an undeclared prefix."""
    value = text.strip()
    if value.startswith(("http://", "https://", "urn:")):
        return value
    prefix, sep, local = value.partition(":")
    if not sep or prefix not in prefixes:
        raise KeyError(prefix if sep else value)
    return prefixes[prefix] + local


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MappingSetInfo:
    """Set-level metadata of an export."""

    mapping_set_id: str = f"{BASE}mappings"
    license: str = DEFAULT_LICENSE
    title: str = DEFAULT_TITLE
    description: str = ""
    version: str = ""
    publication_date: date | None = None
    comment: str = ""

    def metadata(self) -> dict[str, object]:
        """The set's slots as SSSOM names them (empty ones left out)."""
        slots: dict[str, object] = {
            "mapping_set_id": self.mapping_set_id,
            "mapping_set_version": self.version,
            "mapping_set_title": self.title,
            "mapping_set_description": self.description,
            "license": self.license,
            "sssom_version": SSSOM_VERSION,
            "publication_date": self.publication_date.isoformat() if self.publication_date else "",
            "comment": self.comment,
        }
        return {name: value for name, value in slots.items() if value}


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"


def _one_line(text: str) -> str:
    """A cell on one line: tabs and line breaks would split the row."""
    return re.sub(r"[\t\r\n]+", " ", text).strip()


def _as_record(item: Mapping | MappingRecord) -> MappingRecord | None:
    if isinstance(item, MappingRecord):
        return item
    return MappingRecord.from_mapping(item) if item.predicate is not None else None


def _records(items: Iterable[Mapping | MappingRecord]) -> Iterator[MappingRecord]:
    for item in items:
        record = _as_record(item)
        if record is not None:
            yield record


def _values(record: MappingRecord, prefixes: MappingABC[str, str]) -> dict[str, object]:
    """One record's slots, typed as SSSOM/JSON writes them (multivalued slots as lists)."""

    def curies(iris: Sequence[str]) -> list[str]:
        return [_compress(iri, prefixes) for iri in iris]

    status = review_status_iri(record.review_status).value
    values: dict[str, object] = {
        "record_id": _compress(record.iri, prefixes) if record.iri else "",
        "subject_id": _compress(record.subject, prefixes),
        "subject_label": _one_line(record.subject_label),
        "predicate_id": record.predicate.value,
        "object_id": _compress(record.object, prefixes),
        "object_label": _one_line(record.object_label),
        "mapping_justification": _compress(record.justification, prefixes),
        "confidence": record.confidence,
        "mapping_tool": record.mapping_tool,
        "mapping_tool_version": record.mapping_tool_version,
        "mapping_date": record.mapping_date.isoformat() if record.mapping_date else "",
        "subject_preprocessing": curies(record.subject_preprocessing),
        "object_preprocessing": curies(record.object_preprocessing),
        "comment": _one_line(record.comment),
        "subject_country": record.subject_country,
        "subject_code": record.subject_code,
        "object_country": record.object_country,
        "object_code": record.object_code,
        "subject_coverage": record.subject_coverage,
        "object_coverage": record.object_coverage,
        "review_status": _compress(status, prefixes),
        "inferred": record.inferred,
        "derived_from": "|".join(curies(record.derived_from)),
        "level_comparison": record.level_comparison,
    }
    return {_EXTENDED.get(name, name): value for name, value in values.items()}


# bare extension name → its column (`subject_country` → `ext_subject_country`) and back
_EXTENDED: Final = {slot.name: slot.slot_name for slot in EXTENSION_SLOTS}
_BARE: Final = {slot.slot_name: slot.name for slot in EXTENSION_SLOTS}


def _cell(value: object) -> str:
    """A typed value as a TSV cell (lists joined with `|`, as SSSOM/TSV does)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, list):
        return "|".join(map(str, value))
    return str(value)


def _condense(rows: list[dict[str, str]], metadata: dict[str, object]) -> list[str]:
    """Moves each propagatable slot every row shares into the metadata; returns the columns
    left (an empty propagatable column is dropped)."""
    columns = list(COLUMNS)
    for slot in PROPAGATABLE:
        values = {row[slot] for row in rows}
        if len(values) > 1:
            continue
        value = values.pop() if values else ""
        if value:
            metadata[slot] = value.split("|") if slot in _MULTIVALUED else value
        columns.remove(slot)
    return columns


def _header(info: MappingSetInfo, prefixes: dict[str, str]) -> dict[str, object]:
    return {"curie_map": prefixes, **info.metadata()}


def sssom_tsv(
    mappings: Iterable[Mapping | MappingRecord],
    info: MappingSetInfo | None = None,
    *,
    condense: bool = True,
) -> str:
    """The SSSOM/TSV text of these mappings (those without a predicate are left out)."""
    prefixes = curie_map()
    rows = [
        {name: _cell(value) for name, value in _values(record, prefixes).items()}
        for record in _records(mappings)
    ]
    metadata = _header(info or MappingSetInfo(), prefixes)
    columns = _condense(rows, metadata) if condense and rows else list(COLUMNS)
    metadata["extension_definitions"] = [slot.definition() for slot in EXTENSION_SLOTS]
    out = io.StringIO()
    out.writelines(f"#{line}\n" for line in _yaml_lines(metadata))
    writer = csv.DictWriter(
        out, columns, delimiter="\t", lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_sssom_tsv(
    mappings: Iterable[Mapping | MappingRecord],
    out: Path | TextIO,
    info: MappingSetInfo | None = None,
    *,
    condense: bool = True,
) -> None:
    """Writes the SSSOM/TSV of these mappings to a file or a text stream."""
    _write(out, sssom_tsv(mappings, info, condense=condense))


def sssom_json(
    mappings: Iterable[Mapping | MappingRecord],
    info: MappingSetInfo | None = None,
    *,
    extensions: bool = True,
) -> dict[str, object]:
    """The SSSOM/JSON document of these mappings, shaped as sssom-py writes it.

    The prefixes are the `@context` (as in sssom-py's output), the set's slots follow, then a
    `mappings` list whose records carry all their slots (nothing condensed; empty ones left
    out). SSSOM/JSON is not specified yet; sssom-py 0.4 loads it, but refuses extension slots
    inside records: `extensions=False` leaves them (and their definitions) out.
    """
    prefixes = curie_map()
    document: dict[str, object] = {"@context": prefixes, "@type": "MappingSet"}
    document |= (info or MappingSetInfo()).metadata()
    if extensions:
        document["extension_definitions"] = [slot.definition() for slot in EXTENSION_SLOTS]
    keep = frozenset(COLUMNS if extensions else CORE_COLUMNS)
    document["mappings"] = [
        {
            name: value
            for name, value in _values(record, prefixes).items()
            if name in keep and value not in _EMPTY
        }
        for record in _records(mappings)
    ]
    return document


_EMPTY: Final[tuple[object, ...]] = ("", None, [])


def write_sssom_json(
    mappings: Iterable[Mapping | MappingRecord],
    out: Path | TextIO,
    info: MappingSetInfo | None = None,
    *,
    extensions: bool = True,
) -> None:
    """Writes the SSSOM/JSON of these mappings to a file or a text stream."""
    document = sssom_json(mappings, info, extensions=extensions)
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    _write(out, text)


def _write(out: Path | TextIO, text: str) -> None:
    if isinstance(out, Path):
        out.write_text(text, encoding="utf-8")
    else:
        out.write(text)


# --------------------------------------------------------------------------------------------
# The metadata block: a writer and a reader of the YAML subset SSSOM uses
# --------------------------------------------------------------------------------------------

_PLAIN: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_.:/#%+~=&-]*$")
_RESERVED: Final = frozenset({"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"})


def _scalar(value: object) -> str:
    """A YAML scalar: plain when unambiguous (CURIEs, IRIs, words), JSON-quoted otherwise."""
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _RESERVED and ": " not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _yaml_lines(metadata: MappingABC[str, object]) -> list[str]:
    lines: list[str] = []
    for key, value in metadata.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines += [f"  {k}: {_scalar(v)}" for k, v in value.items()]
        elif isinstance(value, list):
            lines.append(f"{key}:")
            for item in value:
                if isinstance(item, dict):
                    entries = [f"{k}: {_scalar(v)}" for k, v in item.items()]
                    lines += [("  - " if i == 0 else "    ") + e for i, e in enumerate(entries)]
                else:
                    lines.append(f"  - {_scalar(item)}")
        else:
            lines.append(f"{key}: {_scalar(value)}")
    return lines


@dataclass(slots=True)
class _Line:
    indent: int
    text: str
    number: int


_ENTRY: Final = re.compile(r"^([^\s:#'\"-][^:]*?|-[^\s:][^:]*?)\s*:(?:\s+(.*))?$")


def _plain_or_quoted(text: str) -> object:
    value = text.strip()
    if value.startswith('"'):
        return json.loads(value)
    if value.startswith("'") and value.endswith("'") and len(value) > 1:
        return value[1:-1].replace("''", "'")
    if value.startswith("[") and value.endswith("]"):
        inner = value[1:-1].strip()
        return [_plain_or_quoted(part) for part in inner.split(",")] if inner else []
    if value == "{}":
        return {}
    return re.sub(r"\s+#.*$", "", value)


def _yaml_block(lines: list[_Line], i: int, indent: int) -> tuple[object, int]:
    if lines[i].text.startswith("- ") or lines[i].text == "-":
        return _yaml_list(lines, i, indent)
    return _yaml_mapping(lines, i, indent)


def _yaml_mapping(lines: list[_Line], i: int, indent: int) -> tuple[dict[str, object], int]:
    result: dict[str, object] = {}
    while i < len(lines) and lines[i].indent == indent and not lines[i].text.startswith("- "):
        line = lines[i]
        match = _ENTRY.match(line.text)
        if match is None:
            raise ValueError(f"line {line.number}: expected 'key: value', got {line.text!r}")
        key, rest = match.group(1), match.group(2)
        i += 1
        if rest:
            result[key] = _plain_or_quoted(rest)
        elif i < len(lines) and (
            lines[i].indent > indent
            or (lines[i].indent == indent and lines[i].text.startswith("- "))
        ):
            result[key], i = _yaml_block(lines, i, lines[i].indent)
        else:
            result[key] = None
    return result, i


def _yaml_list(lines: list[_Line], i: int, indent: int) -> tuple[list[object], int]:
    items: list[object] = []
    while i < len(lines) and lines[i].indent == indent and lines[i].text.startswith("-"):
        line = lines[i]
        body = line.text[1:].lstrip()
        if _ENTRY.match(body):  # "- key: value" opens a mapping at the body's column
            column = indent + len(line.text) - len(body)
            lines[i] = _Line(column, body, line.number)
            item, i = _yaml_mapping(lines, i, column)
            items.append(item)
        else:
            items.append(_plain_or_quoted(body))
            i += 1
    return items, i


def parse_metadata(text: str) -> dict[str, object]:
    """The metadata block (its `#` already removed) as a dict; ValueError when malformed."""
    lines = [
        _Line(len(raw) - len(raw.lstrip(" ")), raw.strip(), number)
        for number, raw in enumerate(text.splitlines(), 1)
        if raw.strip() and not raw.strip().startswith("#")
    ]
    if not lines:
        return {}
    if lines[0].indent != min(line.indent for line in lines):
        raise ValueError(f"line {lines[0].number}: unexpected indentation")
    result, end = _yaml_mapping(lines, 0, lines[0].indent)
    if end != len(lines):
        raise ValueError(f"line {lines[end].number}: unexpected indentation")
    return result


# --------------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SSSOMSet:
    """A mapping set read from SSSOM: its metadata (curie_map included) and records."""

    metadata: dict[str, object]
    records: tuple[MappingRecord, ...]
    skipped: int = 0  # negated rows (predicate_modifier Not), which assert no mapping
    prefixes: dict[str, str] = field(default_factory=dict)


def _float_cell(value: str, name: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{name} is not a number: {value!r}") from None


def _date_cell(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(f"mapping_date is not a date: {value!r}") from None


def _local(value: str) -> str:
    return re.split(r"[:/#]", value.strip())[-1]


def _key(iri: str, country: str, code: str) -> tuple[str, str]:
    if country and code:
        return country.upper(), code
    return standard_key(iri) or (country.upper(), code)


_Expand = Callable[[str], str]


def _predicate(curie: str, expand: _Expand) -> Predicate:
    iri = expand(curie)
    if not iri.startswith(str(SKOS)):
        raise ValueError(f"{curie!r} is not a SKOS mapping predicate")
    return Predicate.parse(iri)


def _sides(cells: MappingABC[str, str], expand: _Expand) -> dict[str, str]:
    """Subject and object: IRI, country, code (from the extension columns, else the IRI)."""
    subject, object_ = expand(cells["subject_id"]), expand(cells["object_id"])
    s_country, s_code = _key(
        subject, cells.get("subject_country", ""), cells.get("subject_code", "")
    )
    o_country, o_code = _key(object_, cells.get("object_country", ""), cells.get("object_code", ""))
    return {
        "subject": subject,
        "object": object_,
        "subject_country": s_country,
        "subject_code": s_code,
        "object_country": o_country,
        "object_code": o_code,
        "subject_label": cells.get("subject_label", ""),
        "object_label": cells.get("object_label", ""),
    }


def _inferred(flag: str, derived: tuple[str, ...], justification: str) -> bool:
    """The `inferred` column if given, else: the mapping has sources or an inference justification."""
    if flag.strip():
        return flag.strip().lower() in ("true", "1", "yes")
    return bool(derived) or justification in INFERENCE_JUSTIFICATIONS


def _record(cells: MappingABC[str, str], expand: _Expand) -> MappingRecord:
    """One SSSOM row (cells as text, propagated) as a record; ValueError/KeyError if invalid."""
    missing = [name for name in _REQUIRED if not cells.get(name)]
    if missing:
        raise ValueError(f"no {', '.join(missing)}")

    def iris(name: str) -> tuple[str, ...]:
        return tuple(expand(part) for part in cells.get(name, "").split("|") if part.strip())

    justification = expand(cells.get("mapping_justification") or "semapv:UnspecifiedMatching")
    derived = iris("derived_from")
    return MappingRecord(
        **_sides(cells, expand),
        predicate=_predicate(cells["predicate_id"], expand),
        confidence=_float_cell(cells.get("confidence", ""), "confidence"),
        subject_coverage=_float_cell(cells.get("subject_coverage", ""), "subject_coverage"),
        object_coverage=_float_cell(cells.get("object_coverage", ""), "object_coverage"),
        justification=justification,
        review_status=_local(cells.get("review_status", "")) or "proposed",
        inferred=_inferred(cells.get("inferred", ""), derived, justification),
        derived_from=derived,
        mapping_tool=cells.get("mapping_tool", ""),
        mapping_tool_version=cells.get("mapping_tool_version", ""),
        mapping_date=_date_cell(cells.get("mapping_date", "")),
        subject_preprocessing=iris("subject_preprocessing"),
        object_preprocessing=iris("object_preprocessing"),
        level_comparison=cells.get("level_comparison", ""),
        comment=cells.get("comment", ""),
        iri=expand(cells["record_id"]) if cells.get("record_id") else "",
        extra={k: v for k, v in cells.items() if k not in _KNOWN and v},
    )


_KNOWN: Final = frozenset(CORE_COLUMNS) | set(_EXTENSION_NAMES) | {"predicate_modifier"}


def _prefixes(metadata: MappingABC[str, object]) -> dict[str, str]:
    """The set's prefixes: its `curie_map` (TSV) or its `@context` (JSON), and SSSOM's."""
    declared = metadata.get("curie_map") or metadata.get("@context") or {}
    if not isinstance(declared, dict):
        raise ValueError("curie_map is not a mapping of prefixes to namespaces")
    found = {str(k): v for k, v in declared.items() if isinstance(v, str) and k[:1] != "@"}
    return {**found, **_BUILTIN_PREFIXES}


def _propagated(metadata: MappingABC[str, object], columns: Iterable[str]) -> dict[str, str]:
    """Set-level values of the propagatable slots no column gives, as cells."""
    present = set(columns)
    return {
        slot: _cell(metadata[slot])
        for slot in PROPAGATABLE
        if slot in metadata and slot not in present and metadata[slot] not in _EMPTY
    }


def _build(
    metadata: dict[str, object],
    rows: Iterable[tuple[int, dict[str, str]]],
    columns: Sequence[str],
    source: str,
) -> SSSOMSet:
    prefixes = _prefixes(metadata)
    defaults = _propagated(metadata, columns)
    records: list[MappingRecord] = []
    skipped = 0

    def expand(text: str) -> str:
        return _expand(text, prefixes)

    for line, cells in rows:
        if cells.get("predicate_modifier", "").strip().lower() == "not":
            skipped += 1
            continue
        cells = {_BARE.get(name, name): value for name, value in cells.items()}
        try:
            records.append(_record({**defaults, **cells}, expand))
        except KeyError as exc:
            raise InputError(
                f"undeclared prefix {exc.args[0]!r} (not in the curie_map)",
                file=source,
                line=line,
                code="sssom",
            ) from None
        except ValueError as exc:
            raise InputError(str(exc), file=source, line=line, code="sssom") from None
    return SSSOMSet(metadata, tuple(records), skipped, prefixes)


def _split_header(text: str) -> tuple[str, list[str]]:
    """The metadata block (each line without its leading `#`s) and the table's lines."""
    lines = text.splitlines()
    head = 0
    while head < len(lines) and lines[head].startswith("#"):
        head += 1
    return "\n".join(line.lstrip("#") for line in lines[:head]), lines[head:]


def _metadata(block: str, source: str) -> dict[str, object]:
    try:
        return parse_metadata(block)
    except (ValueError, json.JSONDecodeError) as exc:
        raise InputError(f"bad metadata block: {exc}", file=source, code="sssom") from None


# Columns every SSSOM/TSV table has (the slots a mapping requires; mapping_justification may
# also be a set-level value, in the metadata).
_REQUIRED_COLUMNS: Final = ("subject_id", "predicate_id", "object_id")


def read_sssom_tsv(source: Path | str | TextIO) -> SSSOMSet:
    """Reads an SSSOM/TSV file (or its text, or a stream) into records.

    Raises `InputError` (located by line) for a missing required slot, an undeclared prefix,
    a predicate that is not a SKOS mapping predicate, or a malformed number or date.
    """
    text, name = _text_of(source)
    block, table = _split_header(text)
    metadata = _metadata(block, name)
    reader = csv.DictReader(table, delimiter="\t")
    columns = [c.strip() for c in reader.fieldnames or ()]
    missing = [c for c in _REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InputError(
            f"not an SSSOM/TSV mapping table: no {', '.join(missing)} column",
            file=name,
            line=block.count("\n") + 1,
            code="sssom",
        )
    offset = block.count("\n") + (2 if block else 1)  # header lines, then the column names
    rows = (
        (offset + number, {k.strip(): (v or "").strip() for k, v in row.items() if k})
        for number, row in enumerate(reader, 1)
    )
    return _build(metadata, rows, columns, name)


def read_sssom_json(source: Path | str | TextIO) -> SSSOMSet:
    """Reads an SSSOM/JSON document (as `sssom_json` writes it) into records."""
    text, name = _text_of(source)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc}", file=name, code="sssom") from None
    if not isinstance(document, dict) or not isinstance(document.get("mappings", []), list):
        raise InputError("not an SSSOM/JSON mapping set", file=name, code="sssom")
    mappings = document.pop("mappings", [])
    rows = (
        (number, {str(k): _cell(v) for k, v in item.items()})
        for number, item in enumerate(mappings, 1)
    )
    return _build(document, rows, (), name)


def read_sssom(source: Path) -> SSSOMSet:
    """Reads SSSOM/JSON (`.json`) or SSSOM/TSV (anything else)."""
    if source.suffix.lower() == ".json":
        return read_sssom_json(source)
    return read_sssom_tsv(source)


def _text_of(source: Path | str | TextIO) -> tuple[str, str]:
    if isinstance(source, Path):
        try:
            return source.read_text(encoding="utf-8-sig"), str(source)
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", file=source) from None
    if isinstance(source, str):
        return source, "<sssom>"
    return source.read(), getattr(source, "name", "<sssom>")
