"""Query results as table, SPARQL CSV and SPARQL JSON."""

from __future__ import annotations

import csv
import io
import json

from pyoxigraph import Literal, NamedNode

from equivalence.formatting import render_select
from equivalence.store.base import SelectResult
from equivalence.vocab import XSD, standard_iri

RESULT = SelectResult(
    ("standard", "title", "level"),
    (
        {
            "standard": standard_iri("MX", "EC0217.01"),
            "title": Literal('Impartición, "grupal"', language="es"),
            "level": Literal("3", datatype=XSD.integer),
        },
        {"standard": NamedNode("http://example.org/x")},
    ),
)


def test_json_follows_the_sparql_results_format() -> None:
    doc = json.loads(render_select(RESULT, "json"))
    assert doc["head"]["vars"] == ["standard", "title", "level"]
    first, second = doc["results"]["bindings"]
    assert first["title"] == {"type": "literal", "value": 'Impartición, "grupal"', "xml:lang": "es"}
    assert first["level"]["datatype"] == str(XSD.integer.value)
    assert second == {"standard": {"type": "uri", "value": "http://example.org/x"}}


def test_csv_quotes_and_leaves_unbound_cells_empty() -> None:
    rows = list(csv.reader(io.StringIO(render_select(RESULT, "csv"))))
    assert rows[0] == ["standard", "title", "level"]
    assert rows[1] == [standard_iri("MX", "EC0217.01").value, 'Impartición, "grupal"', "3"]
    assert rows[2] == ["http://example.org/x", "", ""]


def test_table_shortens_iris_with_prefixes_and_counts_rows() -> None:
    text = render_select(RESULT, "table")
    assert "id:MX/standard/EC0217.01" in text
    assert text.rstrip().endswith("(2 rows)")
