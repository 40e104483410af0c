"""SSSOM export and import: round trips, the metadata block, extension slots, and sssom-py."""

from __future__ import annotations

import io
import json
import logging
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from equivalence.errors import InputError
from equivalence.matching.graph import MappingRecord, mapping_iri, mapping_quads, record_quads
from equivalence.matching.model import JUSTIFICATIONS, Predicate
from equivalence.matching.sssom import (
    CORE_COLUMNS,
    EXTENSION_SLOTS,
    MappingSetInfo,
    curie_map,
    parse_metadata,
    read_sssom,
    read_sssom_json,
    read_sssom_tsv,
    sssom_json,
    sssom_tsv,
    write_sssom_json,
    write_sssom_tsv,
)
from equivalence.vocab import EQ, SEMAPV, SKOS, standard_iri
from mapping_samples import BROAD, CHAINED, CLOSE, CO, DAY, MX, PE, UNMAPPED, mapping

MAPPINGS = [BROAD, CHAINED, CLOSE, UNMAPPED]
EXPECTED = [MappingRecord.from_mapping(m) for m in (BROAD, CHAINED, CLOSE)]


def _table(text: str) -> tuple[list[str], list[list[str]]]:
    """The column names and rows of an SSSOM/TSV text (metadata lines left out)."""
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return lines[0].split("\t"), [line.split("\t") for line in lines[1:]]


# --------------------------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("condense", [True, False])
def test_tsv_round_trip_gives_the_records_of_the_mappings(condense: bool, tmp_path: Path) -> None:
    path = tmp_path / "mappings.sssom.tsv"
    write_sssom_tsv(MAPPINGS, path, condense=condense)
    read = read_sssom_tsv(path)
    assert list(read.records) == EXPECTED  # the mapping without a predicate is left out
    chained = read.records[1]
    assert chained.inferred and chained.review_status == "accepted"
    assert chained.justification == JUSTIFICATIONS["chaining"]
    assert chained.derived_from == (mapping_iri(MX.iri, CO.iri).value,)
    assert chained.iri == mapping_iri(CO.iri, PE.iri).value
    assert read.records[0].subject_coverage == 1.0 and read.records[0].object_coverage == 0.667


def test_the_unit_evidence_is_not_exported() -> None:
    """SSSOM has no slot for the aligned units (covered or partly covered): the rows are the
    same with or without them, and a mapping read back and stored again has no evidence."""
    bare = replace(BROAD, subject_matches=(), object_matches=())
    assert any(q.predicate == EQ.evidence for q in mapping_quads(BROAD))
    assert sssom_tsv([BROAD]) == sssom_tsv([bare])
    assert sssom_json([BROAD]) == sssom_json([bare])
    (record,) = read_sssom_tsv(sssom_tsv([BROAD])).records
    assert record == MappingRecord.from_mapping(BROAD)
    assert not [q for q in record_quads(record) if q.predicate == EQ.evidence]


def test_json_round_trip_and_shape(tmp_path: Path) -> None:
    path = tmp_path / "mappings.sssom.json"
    write_sssom_json(MAPPINGS, path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["@context"]["eqmx"] == standard_iri("MX", "").value
    assert document["mapping_set_id"] and document["license"]
    first = document["mappings"][0]
    assert first["subject_id"] == "eqmx:EC0217.01"
    assert first["confidence"] == 0.875 and first["ext_object_coverage"] == 0.667
    assert first["ext_inferred"] is False
    assert first["subject_preprocessing"][2] == "semapv:Stemming"
    assert "ext_derived_from" not in first  # empty slots are left out
    assert list(read_sssom(path).records) == EXPECTED
    assert list(read_sssom_json(io.StringIO(path.read_text())).records) == EXPECTED


def test_json_without_extensions_keeps_only_standard_slots() -> None:
    document = sssom_json([BROAD], extensions=False)
    assert "extension_definitions" not in document
    records = document["mappings"]
    assert isinstance(records, list) and len(records) == 1
    assert set(records[0]) <= set(CORE_COLUMNS)


def test_records_read_from_anywhere_can_be_exported_again() -> None:
    again = read_sssom_tsv(sssom_tsv(read_sssom_tsv(sssom_tsv(MAPPINGS)).records))
    assert list(again.records) == EXPECTED


# --------------------------------------------------------------------------------------------
# What the TSV holds
# --------------------------------------------------------------------------------------------


def test_metadata_block_declares_prefixes_set_slots_and_extensions() -> None:
    info = MappingSetInfo(version="2026-11", publication_date=date(2026, 11, 3))
    text = sssom_tsv(MAPPINGS, info)
    metadata = read_sssom_tsv(text).metadata
    assert metadata["curie_map"] == curie_map()
    assert metadata["mapping_set_version"] == "2026-11"
    assert metadata["publication_date"] == "2026-11-03"
    assert metadata["sssom_version"] == "1.1"
    assert metadata["license"] == "https://creativecommons.org/licenses/by/4.0/"
    definitions = metadata["extension_definitions"]
    assert isinstance(definitions, list)
    assert [d["slot_name"] for d in definitions] == [s.slot_name for s in EXTENSION_SLOTS]
    assert all(d["slot_name"].startswith("ext_") for d in definitions)
    assert {"slot_name": "ext_subject_coverage", "property": "eq:subjectCoverage"}.items() <= (
        definitions[4].items()
    )
    # the prefixes SSSOM builds in keep their namespaces
    assert curie_map()["skos"] == str(SKOS) and curie_map()["semapv"] == str(SEMAPV)


def test_shared_propagatable_slots_are_condensed_into_the_header() -> None:
    text = sssom_tsv(MAPPINGS)
    metadata = read_sssom_tsv(text).metadata
    assert metadata["mapping_tool"] == "equivalence"
    assert metadata["mapping_tool_version"] == "0.3.0"
    assert metadata["mapping_date"] == DAY.isoformat()
    assert metadata["subject_preprocessing"] == [
        "semapv:CaseNormalization",
        "semapv:DiacriticsSuppression",
        "semapv:Stemming",
        "eqpre:thesaurus",
    ]
    columns, rows = _table(text)
    assert "mapping_tool" not in columns and "subject_preprocessing" not in columns
    assert len(rows) == 3
    full_columns, _ = _table(sssom_tsv(MAPPINGS, condense=False))
    assert {"mapping_tool", "mapping_date", "object_preprocessing"} <= set(full_columns)


def test_a_slot_that_varies_stays_a_column() -> None:
    newer = replace(CLOSE, tool_version="0.4.0")
    text = sssom_tsv([BROAD, newer])
    columns, rows = _table(text)
    assert "mapping_tool_version" in columns and "mapping_tool" not in columns
    versions = [row[columns.index("mapping_tool_version")] for row in rows]
    assert versions == ["0.3.0", "0.4.0"]
    assert [r.mapping_tool_version for r in read_sssom_tsv(text).records] == ["0.3.0", "0.4.0"]


def test_row_cells() -> None:
    columns, rows = _table(sssom_tsv([BROAD]))
    row = dict(zip(columns, rows[0], strict=True))
    assert row["subject_id"] == "eqmx:EC0217.01"
    assert row["object_id"] == "eqco:290002000"
    assert row["predicate_id"] == "skos:broadMatch"
    assert row["mapping_justification"] == "semapv:LexicalMatching"
    assert row["record_id"] == "eqmap:" + mapping_iri(MX.iri, CO.iri).value.rsplit("/", 1)[1]
    assert row["confidence"] == "0.875"
    assert (row["ext_subject_country"], row["ext_subject_code"]) == ("MX", "EC0217.01")
    assert (row["ext_subject_coverage"], row["ext_object_coverage"]) == ("1", "0.667")
    assert row["ext_review_status"] == "eqrev:proposed"
    assert row["ext_inferred"] == "false"


def test_labels_with_tabs_and_line_breaks_stay_on_one_row() -> None:
    messy = replace(MX, title='Impartición\tde "cursos"\nen línea')
    text = sssom_tsv([mapping(messy, CO)])
    _, rows = _table(text)
    assert len(rows) == 1
    (record,) = read_sssom_tsv(text).records
    assert record.subject_label == 'Impartición de "cursos" en línea'


# --------------------------------------------------------------------------------------------
# Import of files written elsewhere
# --------------------------------------------------------------------------------------------

FOREIGN = """\
#curie_map:
#  CONOCER: https://w3id.org/equivalence/id/MX/standard/
#  SENA: 'https://w3id.org/equivalence/id/CO/standard/'
#mapping_set_id: "https://example.org/set"
#license: https://creativecommons.org/licenses/by/4.0/
#mapping_tool: other tool   # a comment
#subject_preprocessing:
#- semapv:Stemming
#extension_definitions:
#- slot_name: ext_subject_coverage
#  property: eq:subjectCoverage
subject_id\tpredicate_id\tobject_id\tmapping_justification\tconfidence\tsubject_coverage\tpredicate_modifier\tnote
CONOCER:EC0001\tskos:narrowMatch\tSENA:1%2F2\tsemapv:ManualMappingCuration\t0.5\t0.25\t\tkept
CONOCER:EC0002\tskos:exactMatch\tSENA:3\tsemapv:ManualMappingCuration\t\t\tNot\t
"""


def test_import_of_a_foreign_file() -> None:
    read = read_sssom_tsv(FOREIGN)
    assert read.skipped == 1  # the negated row asserts no mapping
    (record,) = read.records
    assert record.subject == standard_iri("MX", "EC0001").value
    assert (record.subject_country, record.subject_code) == ("MX", "EC0001")
    assert (record.object_country, record.object_code) == ("CO", "1/2")  # from the IRI
    assert record.predicate is Predicate.NARROW
    assert record.justification == JUSTIFICATIONS["manual"]
    assert record.subject_coverage == 0.25 and record.object_coverage is None
    assert record.mapping_tool == "other tool"  # propagated from the header
    assert record.subject_preprocessing == (str(SEMAPV) + "Stemming",)
    assert record.object_preprocessing == ()
    assert record.review_status == "proposed" and not record.inferred
    assert record.extra == {"note": "kept"}


@pytest.mark.parametrize(
    ("row", "message", "line"),
    [
        ("xx:1\tskos:exactMatch\teqmx:2\tsemapv:LexicalMatching", "undeclared prefix 'xx'", 4),
        ("eqmx:1\towl:sameAs\teqmx:2\tsemapv:LexicalMatching", "SKOS mapping predicate", 4),
        ("eqmx:1\tskos:exactMatch\t\tsemapv:LexicalMatching", "no object_id", 4),
    ],
)
def test_import_errors_are_located(row: str, message: str, line: int) -> None:
    text = (
        "#curie_map:\n#  eqmx: https://w3id.org/equivalence/id/MX/standard/\n"
        "subject_id\tpredicate_id\tobject_id\tmapping_justification\n" + row + "\n"
    )
    with pytest.raises(InputError, match=message) as caught:
        read_sssom_tsv(text)
    assert caught.value.line == line


def test_bad_number_is_an_input_error() -> None:
    text = sssom_tsv([BROAD]).replace("\t0.875\t", "\tmuch\t")
    with pytest.raises(InputError, match="confidence is not a number"):
        read_sssom_tsv(text)


def test_metadata_parser_reads_block_yaml() -> None:
    text = """\
curie_map:
  a: http://example.org/a#
  b: "http://example.org/b/"
mapping_set_id: http://example.org/set
title: 'It''s a set'
empty:
tags: [x, "y"]
extension_definitions:
- slot_name: ext_a
  property: a:p
-   slot_name: ext_b
    type_hint: xsd:double
"""
    assert parse_metadata(text) == {
        "curie_map": {"a": "http://example.org/a#", "b": "http://example.org/b/"},
        "mapping_set_id": "http://example.org/set",
        "title": "It's a set",
        "empty": None,
        "tags": ["x", "y"],
        "extension_definitions": [
            {"slot_name": "ext_a", "property": "a:p"},
            {"slot_name": "ext_b", "type_hint": "xsd:double"},
        ],
    }
    with pytest.raises(ValueError, match="line 2"):
        parse_metadata("a: 1\n    b: 2\n")


# --------------------------------------------------------------------------------------------
# sssom-py, the reference implementation
# --------------------------------------------------------------------------------------------


@pytest.fixture()
def sssom_py() -> object:
    return pytest.importorskip("sssom", reason="sssom-py (dev extra) is not installed")


@pytest.mark.parametrize("condense", [True, False])
def test_sssom_py_parses_and_validates_the_tsv(
    sssom_py: object, condense: bool, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    path = tmp_path / "mappings.sssom.tsv"
    write_sssom_tsv(MAPPINGS, path, condense=condense)
    with caplog.at_level(logging.WARNING):
        msdf = parse_sssom_table(path)
    # sssom-py warns about undeclared metadata keys and redefined built-in prefixes: none here.
    # (Its strict=True mode is not used: in sssom 0.4.21 it rejects every file whose metadata
    # is regular, because _is_irregular_metadata's result is read as "is valid".)
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "not a standard SSSOM mapping set metadata field" not in messages
    assert "built-in prefix" not in messages and "built-in URI" not in messages
    reports = validate(msdf, fail_on_error=False)
    assert {kind.name: report.results for kind, report in reports.items()} == {
        "JsonSchema": [],
        "PrefixMapCompleteness": [],
        "StrictCurieFormat": [],
    }
    frame = msdf.df  # sssom-py sorts the rows
    assert set(
        zip(frame["subject_id"], frame["predicate_id"], frame["confidence"], strict=True)
    ) == {
        ("eqmx:EC0217.01", "skos:broadMatch", 0.875),
        ("eqco:290002000", "skos:exactMatch", 0.7),
        ("eqcl:P-9004-2359-001-V01", "skos:closeMatch", 0.6),
    }
    assert set(frame["mapping_tool_version"]) == {"0.3.0"}  # propagated when condensed
    assert msdf.converter.expand("eqmx:EC0217.01") == MX.iri
    assert [d["slot_name"] for d in msdf.metadata["extension_definitions"]][:2] == [
        "ext_subject_country",
        "ext_subject_code",
    ]


def test_sssom_py_loads_the_json_without_extensions(sssom_py: object, tmp_path: Path) -> None:
    from sssom.parsers import parse_sssom_json
    from sssom.validators import validate

    path = tmp_path / "mappings.sssom.json"
    write_sssom_json(MAPPINGS, path, extensions=False)
    msdf = parse_sssom_json(str(path))
    assert set(msdf.df["object_id"]) == {"eqco:290002000", "eqpe:PE-2359-0003", "eqmx:EC0217.01"}
    assert all(not report.results for report in validate(msdf, fail_on_error=False).values())
