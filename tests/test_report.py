"""The comparative report (`equivalence report`): its numbers checked against direct reads.

The expected figures are computed apart from the report's own queries: with the SPARQL of
tests/fixtures/report/*.rq, with `read_mappings` (the `mappings-list` query) and from the
store's triples in Python. They are compared with the CSV files and with the HTML tables.
"""

from __future__ import annotations

import argparse
import base64
import csv
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from equivalence.archive import InMemoryArchive
from equivalence.auth import Agent
from equivalence.cli_report import add_report_command, run_report
from equivalence.matching.graph import MappingRecord, alignment_iri, read_mappings, record_quads
from equivalence.matching.model import Predicate
from equivalence.matching.service import match_and_store
from equivalence.report import build_document, build_report, gather, parse_summary, write_report
from equivalence.report.facts import submission_status
from equivalence.report.figures import coverage_bin, normalise_title
from equivalence.report.labels import Labels
from equivalence.sparql import parse_query_file, term_text
from equivalence.store import TripleStore, open_store
from equivalence.submissions import Version, accept, rollback, versions
from equivalence.vocab import (
    COUNTRIES,
    EQ,
    GRAPH,
    IMPORTED_MAPPINGS_GRAPH,
    RDF,
    REVIEW_GRAPH,
    SKOS,
    XSD,
    country_graph,
    mapping_graph,
    standard_iri,
    unit_iri,
)
from equivalence.vocab import review_status_iri as status_iri
from tests.api_support import reference_only_store, sample_store

FIXTURES = Path(__file__).parent / "fixtures" / "report"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
NBSP = "\u00a0"


# -- independent expectations ---------------------------------------------------------------------


def fixture_rows(store: TripleStore, name: str) -> list[dict[str, str]]:
    query = parse_query_file(FIXTURES / f"{name}.rq")
    result = store.select(query.render({}))
    return [{k: term_text(v) for k, v in row.items()} for row in result.rows]


def country_of_graph(graph: str) -> str | None:
    for code in COUNTRIES:
        if graph == country_graph(code).value:
            return code
    return None


@dataclass
class Expected:
    """The report's figures, computed without the report's code."""

    standards: dict[str, dict[str, set[str | None]]] = field(
        default_factory=dict
    )  # CC: iri → sectors
    codes: dict[str, str] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)
    levels: dict[str, Counter[str | None]] = field(default_factory=dict)
    mappings: list[MappingRecord] = field(default_factory=list)

    def equivalents(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for m in self.mappings:
            found[m.subject].add(m.object_country)
            found[m.object].add(m.subject_country)
        return found


def expected_from(store: TripleStore) -> Expected:
    expected = Expected(standards={c: defaultdict(set) for c in COUNTRIES})
    for row in fixture_rows(store, "standards"):
        country = country_of_graph(row["graph"])
        if country is None:
            continue
        iri = row["standard"]
        expected.standards[country][iri].add(row.get("sector_label") or None)
        expected.codes[iri] = row.get("identifier") or iri.rsplit("/", 1)[-1]
        expected.units[iri] = int(row["units"])
    expected.levels = {c: Counter() for c in COUNTRIES}
    for row in fixture_rows(store, "standards-per-level"):
        country = country_of_graph(row["graph"])
        if country is not None:
            level = row["level"].rsplit("/", 1)[-1] if row.get("level") else None
            expected.levels[country][level] += int(row["standards"])
    expected.mappings = [m for m in read_mappings(store) if m.review_status != "rejected"]
    return expected


def read_csv(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


class TableReader(HTMLParser):
    """The HTML tables of the report, by caption id: rows of cell texts (header row first)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.images: list[dict[str, str]] = []
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "img":
            self.images.append(values)
        elif tag == "caption" and self._table is not None:
            self.tables[values["id"].removesuffix("-caption")] = self._table
        elif tag == "table":
            self._table = []
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self._table[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(path: Path) -> TableReader:
    reader = TableReader()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader


def number(text: str) -> int:
    return int(text.replace(NBSP, "").replace(",", ""))


# -- the checks, section by section ---------------------------------------------------------------


def check_summary_and_levels(
    store: TripleStore, expected: Expected, folder: Path, html: TableReader
) -> None:
    equivalents = expected.equivalents()
    summary = {row["country"]: row for row in read_csv(folder, "00-summary")}
    shown = {row[0]: row for row in html.tables["00-summary"][1:]}
    for country in COUNTRIES:
        standards = expected.standards[country]
        assert int(summary[country]["standards"]) == len(standards)
        assert number(shown[Labels("es").country(country)][1]) == len(standards)
        with_equivalent = sum(1 for iri in standards if equivalents.get(iri))
        assert int(summary[country]["with_equivalent"]) == with_equivalent
    by_level = read_csv(folder, "01-standards-by-level")
    for country in COUNTRIES:
        found = {row["level"] or None: int(row[country]) for row in by_level if int(row[country])}
        assert found == {k: v for k, v in expected.levels[country].items() if v}
    for country in COUNTRIES:
        sectors: Counter[str | None] = Counter()
        for found_sectors in expected.standards[country].values():
            sectors.update(found_sectors)
        rows = read_csv(folder, f"01-standards-by-sector-{country}")
        assert {r["sector"] or None: int(r["standards"]) for r in rows} == dict(sectors)
        for row in rows:  # the split by level adds up (no standard of the data has two sectors)
            split = sum(int(v) for k, v in row.items() if k.startswith("level_"))
            assert split == int(row["standards"])


def check_level_schemes(store: TripleStore, folder: Path) -> None:
    ontology = store.triples(GRAPH.ontology)
    in_scheme = Counter(t.object.value for t in ontology if t.predicate == SKOS.inScheme)
    schemes = read_csv(folder, "02-level-schemes")
    assert {r["country"] for r in schemes} == set(COUNTRIES)
    for row in schemes:
        scheme = next(
            t.subject.value
            for t in ontology
            if t.predicate == EQ.country
            and t.object.value.endswith(f"/{row['country']}")
            and t.subject.value in in_scheme
        )
        assert int(row["levels"]) == in_scheme[scheme]
    level_country = {
        t.subject.value: t.object.value.rsplit("/", 1)[-1]
        for t in ontology
        if t.predicate == SKOS.inScheme
    }
    pairs = {
        frozenset({t.subject.value, t.object.value})
        for t in ontology
        if t.predicate in (SKOS.closeMatch, SKOS.exactMatch)
        and t.subject.value in level_country
        and t.object.value in level_country
        and level_country[t.subject.value] != level_country[t.object.value]
    }
    links = read_csv(folder, "02-level-links")
    assert len(links) == len(pairs)
    assert {r["country"] for r in links} | {r["other"] for r in links} <= {"CL", "CO", "MX"}


def oriented(m: MappingRecord) -> MappingRecord:
    return m if m.subject_country < m.object_country else m.inverse()


def check_matrix(store: TripleStore, expected: Expected, folder: Path, html: TableReader) -> None:
    pairs: dict[tuple[str, str, str], set[tuple[str, str]]] = defaultdict(set)
    inferred: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for m in map(oriented, expected.mappings):
        pairs[(m.subject_country, m.object_country, m.predicate.iri.rsplit("#", 1)[-1])].add(
            (m.subject, m.object)
        )
        if m.inferred:
            inferred[(m.subject_country, m.object_country)].add((m.subject, m.object))
    rows = read_csv(folder, "03-mappings-by-pair")
    assert len(rows) == 6
    shown = {(r[0], r[1]): r for r in html.tables["03-mappings-by-pair"][1:]}
    names = Labels("es").country
    for row in rows:
        a, b = row["country"], row["other"]
        for predicate in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"):
            assert int(row[predicate]) == len(pairs.get((a, b, predicate), ())), (a, b, predicate)
        assert int(row["inferred"]) == len(inferred.get((a, b), ()))
        total = sum(len(v) for k, v in pairs.items() if k[:2] == (a, b))
        assert int(row["total"]) == total
        assert number(shown[(names(a), names(b))][-2]) == total

    equivalents = expected.equivalents()
    by_country = {
        (r["country"], r["other"]): r for r in read_csv(folder, "03-equivalence-by-country")
    }
    for country in COUNTRIES:
        standards = expected.standards[country]
        for other in COUNTRIES:
            if other == country:
                continue
            found = sum(1 for iri in standards if other in equivalents.get(iri, ()))
            row = by_country[(country, other)]
            assert int(row["standards"]) == len(standards)
            assert int(row["with_equivalent"]) == found
            share = found / len(standards) if standards else 0.0
            assert float(row["share"]) == pytest.approx(share, abs=1e-4)
        heat = read_csv(folder, f"03-equivalence-by-sector-{country}")
        for row in heat:
            members = [iri for iri, s in standards.items() if (row["sector"] or None) in s]
            assert int(row["standards"]) == len(members)
            for other in COUNTRIES:
                if other != country:
                    found = sum(1 for iri in members if other in equivalents.get(iri, ()))
                    assert int(row[f"with_equivalent_{other}"]) == found


def bin_of(value: float) -> int:
    return min(int(Decimal(repr(value)) * 10), 9)


def check_coverage(store: TripleStore, expected: Expected, folder: Path) -> None:
    subject = Counter(
        bin_of(m.subject_coverage) for m in expected.mappings if m.subject_coverage is not None
    )
    object_ = Counter(
        bin_of(m.object_coverage) for m in expected.mappings if m.object_coverage is not None
    )
    rows = read_csv(folder, "04-coverage-histogram")
    assert [(float(r["from"]), float(r["to"])) for r in rows] == [
        (k / 10, (k + 1) / 10) for k in range(10)
    ]
    assert [int(r["subject"]) for r in rows] == [subject[k] for k in range(10)]
    assert [int(r["object"]) for r in rows] == [object_[k] for k in range(10)]
    summary = {r["side"]: r for r in read_csv(folder, "04-coverage-summary")}
    values = [m.subject_coverage for m in expected.mappings if m.subject_coverage is not None]
    assert int(summary["subject"]["mappings"]) == len(expected.mappings)
    assert int(summary["subject"]["with_value"]) == len(values)
    if values:
        assert float(summary["subject"]["mean"]) == pytest.approx(statistics.mean(values), abs=1e-4)
        assert float(summary["subject"]["median"]) == pytest.approx(
            statistics.median(values), abs=1e-4
        )


def check_without_equivalent(
    store: TripleStore, expected: Expected, folder: Path, html: TableReader
) -> None:
    equivalents = expected.equivalents()
    summary = {r["country"]: r for r in read_csv(folder, "05-without-equivalent-summary")}
    shown = {r[0]: r for r in html.tables["05-without-equivalent-summary"][1:]}
    for country in COUNTRIES:
        lonely = [iri for iri in expected.standards[country] if not equivalents.get(iri)]
        row = summary[country]
        assert int(row["without_equivalent"]) == len(lonely)
        assert int(row["with_equivalent"]) + len(lonely) == len(expected.standards[country])
        assert int(row["without_units"]) == sum(1 for iri in lonely if expected.units[iri] == 0)
        assert number(shown[Labels("es").country(country)][3]) == len(lonely)
        listed = read_csv(folder, f"05-without-equivalent-{country}")
        assert sorted(r["code"] for r in listed) == sorted(expected.codes[iri] for iri in lonely)


def check_gaps(store: TripleStore, expected: Expected, folder: Path) -> None:
    quads = [
        (t, g)
        for g in store.graphs()
        if g.value.startswith(GRAPH.mappings.value)
        for t in store.triples(g)
    ]
    evidence: dict[str, list[str]] = defaultdict(list)
    aligned: dict[tuple[str, str], set[str]] = defaultdict(set)  # (alignment, side) → units
    scores: dict[str, float] = {}  # alignment → score
    for t, _ in quads:
        if t.predicate == EQ.evidence:
            evidence[t.subject.value].append(t.object.value)
        elif t.predicate == EQ.alignedSubjectUnit:
            aligned[(t.subject.value, "subject")].add(t.object.value)
        elif t.predicate == EQ.alignedObjectUnit:
            aligned[(t.subject.value, "object")].add(t.object.value)
        elif t.predicate == EQ.alignmentScore:
            scores[t.subject.value] = float(t.object.value)
    units: dict[str, list[str]] = defaultdict(list)
    titles: dict[str, str] = {}
    skills: dict[str, set[str]] = defaultdict(set)
    for country in COUNTRIES:
        for t in store.triples(country_graph(country)):
            if t.predicate == EQ.hasUnit:
                units[t.subject.value].append(t.object.value)
            elif t.predicate == SKOS.prefLabel and isinstance(t.object, Literal):
                titles[t.subject.value] = t.object.value
            elif t.predicate == EQ.relatedSkill:
                skills[t.subject.value].add(t.object.value)
    gaps: Counter[str] = Counter()
    partial: Counter[str] = Counter()
    occurrences: Counter[str] = Counter()
    members: dict[str, set[str]] = defaultdict(set)
    for m in expected.mappings:
        if not evidence.get(m.iri):
            continue
        for side, standard in (("subject", m.subject), ("object", m.object)):
            # each unit's best score among the pairs naming it on its side (a pair without a
            # score counts as covered): from 0.6 covered, below partly covered, none missing
            best: dict[str, float] = {}
            for a in evidence[m.iri]:
                for u in aligned[(a, side)]:
                    best[u] = max(best.get(u, 0.0), scores.get(a, 1.0))
            for unit in units[standard]:
                keys = sorted(skills[unit]) or [normalise_title(titles[unit])]
                for key in keys:
                    occurrences[key] += 1
                    members[key].add(unit)
                    gaps[key] += best.get(unit, 0.0) < 0.6
                    partial[key] += unit in best and best[unit] < 0.6
    rows = read_csv(folder, "06-frequent-gaps")
    assert {r["key"]: int(r["gaps"]) for r in rows} == {k: v for k, v in gaps.items() if v}
    for row in rows:
        assert int(row["partial"]) == partial[row["key"]]
        assert int(row["occurrences"]) == occurrences[row["key"]]
        assert int(row["units"]) == len(members[row["key"]])
    assert [int(r["gaps"]) for r in rows] == sorted((int(r["gaps"]) for r in rows), reverse=True)
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))


def check_quality(store: TripleStore, folder: Path) -> None:
    rows = {r["country"]: r for r in read_csv(folder, "07-data-quality")}
    for country in COUNTRIES:
        found = versions(store, country)
        row = rows[country]
        if not found:
            assert row["version"] == ""
            assert row["remark"] in ("no-submission", "no-data")
            continue
        last = found[-1]
        assert int(row["version"]) == last.number
        assert int(row["versions"]) == len(found)
        assert row["agency"] == last.agency
        assert row["submitted_at"] == last.generated_at.strftime("%Y-%m-%d %H:%M")


def check_files(built_folder: Path, html_path: Path) -> TableReader:
    text = html_path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert '<html lang="es">' in text
    assert "<script" not in text and "<link" not in text and 'src="http' not in text
    reader = html_tables(html_path)
    assert reader.images, "no chart embedded"
    for image in reader.images:
        assert image["src"].startswith("data:image/png;base64,")
        assert base64.b64decode(image["src"].split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")
        assert len(image["alt"]) > 40, image["alt"]
    for table in reader.tables.values():
        assert table and table[0], "a table without a header row"
    assert text.count('<th scope="col"') >= len(reader.tables)
    for path in built_folder.glob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        assert rows and all(len(r) == len(rows[0]) for r in rows), path.name
    return reader


def check_all(store: TripleStore, folder: Path) -> None:
    reader = check_files(folder, folder / "report.html")
    expected = expected_from(store)
    check_summary_and_levels(store, expected, folder, reader)
    check_level_schemes(store, folder)
    check_matrix(store, expected, folder, reader)
    check_coverage(store, expected, folder)
    check_without_equivalent(store, expected, folder, reader)
    check_gaps(store, expected, folder)
    check_quality(store, folder)


# -- the sample ------------------------------------------------------------------------------------


def _agent(country: str, agency: str) -> Agent:
    return Agent(token_id=f"tok-{country.lower()}", country=country, agency=agency)


def _resubmit(
    store: TripleStore, archive: InMemoryArchive, country: str, summary: str, when: datetime
) -> Version:
    graph = country_graph(country)
    quads = [Quad(t.subject, t.predicate, t.object, graph) for t in store.triples(graph)]
    return accept(
        store,
        archive,
        country,
        quads,
        _agent(country, "Agencia " + country),
        now=when,
        report_summary=summary,
    )


@pytest.fixture(scope="module")
def sample() -> TripleStore:
    """The sample, matched; Mexico submitted once, Chile twice then rolled back to its first
    version; the cashier mapping (CL–PE) rejected by an agency."""
    store = sample_store()
    archive = InMemoryArchive()
    _resubmit(store, archive, "MX", "4 standards, 0 violations, 2 warnings, 1 infos", NOW)
    _resubmit(store, archive, "CL", "4 standards, 0 violations, 1 warnings, 0 infos", NOW)
    _resubmit(store, archive, "CL", "4 standards, 0 violations, 5 warnings, 3 infos", NOW)
    rollback(store, archive, "CL", 1, _agent("CL", "Agencia CL"), now=NOW)
    cashier = next(
        m
        for m in read_mappings(store)
        if m.subject_code == "P-4711-5230-001-V02" and m.object_country == "PE"
    )
    store.add_quads(
        [Quad(NamedNode(cashier.iri), EQ.reviewStatus, status_iri("rejected"), REVIEW_GRAPH)]
    )
    # an expert's mapping stored from the Peruvian side: read from Mexico's, a narrowMatch
    avocado = MappingRecord(
        subject=standard_iri("PE", "DEMO-PE-03").value,
        object=standard_iri("MX", "EC0249").value,
        predicate=Predicate.BROAD,
        subject_coverage=0.25,
        object_coverage=0.1,
        justification="semapv:ManualMappingCuration",
    )
    store.add_quads(record_quads(avocado, graph=IMPORTED_MAPPINGS_GRAPH))
    return store


@pytest.fixture(scope="module")
def sample_report(sample: TripleStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report") / "informe"
    built = build_report(sample, folder, now=NOW)
    assert built.document == folder / "report.html"
    return folder


def test_the_sample_report_agrees_with_direct_reads(
    sample: TripleStore, sample_report: Path
) -> None:
    check_all(sample, sample_report)


def test_the_sample_report_shows_the_known_figures(sample_report: Path) -> None:
    summary = {r["country"]: r for r in read_csv(sample_report, "00-summary")}
    assert {c: int(r["standards"]) for c, r in summary.items()} == {
        "CL": 4,
        "CO": 4,
        "MX": 4,
        "PE": 4,
    }
    pairs = {(r["country"], r["other"]): r for r in read_csv(sample_report, "03-mappings-by-pair")}
    assert pairs[("CL", "PE")]["exactMatch"] == "1"  # the trainers
    assert pairs[("CL", "PE")]["narrowMatch"] == "0"  # the cashiers' mapping is rejected
    assert pairs[("MX", "PE")]["closeMatch"] == "1"  # cleaning
    assert pairs[("MX", "PE")]["narrowMatch"] == "1"  # the expert's PE broadMatch MX, inverted
    lonely_cl = {r["code"] for r in read_csv(sample_report, "05-without-equivalent-CL")}
    assert "P-4711-5230-001-V02" in lonely_cl  # its only mapping was rejected
    gaps = {r["label"]: r for r in read_csv(sample_report, "06-frequent-gaps")}
    assert gaps["Limpiar las áreas asignadas"]["gaps"] == "1"
    # its best counterpart, «Limpiar y desinfectar ambientes», is scored 0.35: missing
    assert gaps["Limpiar las áreas asignadas"]["partial"] == "0"
    assert gaps["Limpiar las áreas asignadas"]["kind"] == "title"
    assert (
        "ATENDER CLIENTES, DE ACUERDO A PROTOCOLOS DE ATENCIÓN Y NORMATIVAS ESTABLECIDAS."
        not in gaps
    )


def test_a_partly_covered_unit_is_a_partial_gap(tmp_path: Path) -> None:
    """The cleaning mapping (MX:EC0154 → PE:DEMO-PE-02) with a partly covered pair in its
    evidence, as the engine stores one: both units stay in the gap, now as partly covered."""
    store = sample_store()
    cleaning = next(
        m
        for m in read_mappings(store)
        if (m.subject_code, m.object_code) == ("EC0154", "DEMO-PE-02")
    )
    node = NamedNode(cleaning.iri)
    cleaning_mx = unit_iri("MX", "EC0154", "E01")  # «Limpiar las áreas asignadas»
    cleaning_pe = unit_iri("PE", "DEMO-PE-02", "UC1")  # «Limpiar y desinfectar ambientes»
    pair = alignment_iri(node, cleaning_mx.value, cleaning_pe.value)
    graph = mapping_graph("MX", "PE")
    store.add_quads(
        [
            Quad(node, EQ.evidence, pair, graph),
            Quad(pair, RDF.type, EQ.UnitAlignment, graph),
            Quad(pair, EQ.alignedSubjectUnit, cleaning_mx, graph),
            Quad(pair, EQ.alignedObjectUnit, cleaning_pe, graph),
            Quad(pair, EQ.alignmentScore, Literal("0.5", datatype=XSD.double), graph),
        ]
    )
    build_report(store, tmp_path, now=NOW)
    check_gaps(store, expected_from(store), tmp_path)
    cleaning_units = ("Limpiar las áreas asignadas", "Limpiar y desinfectar ambientes")
    gaps = {r["label"]: r for r in read_csv(tmp_path, "06-frequent-gaps")}
    for label in cleaning_units:
        assert (gaps[label]["gaps"], gaps[label]["partial"]) == ("1", "1")
    # the sample as matched has no partly covered unit: its other gaps are missing units
    assert all(r["partial"] == "0" for label, r in gaps.items() if label not in cleaning_units)
    shown = html_tables(tmp_path / "report.html").tables["06-frequent-gaps"]
    assert shown[0][3:5] == ["En la brecha", "De ellas, en parte"]


def test_the_last_validation_of_each_country(sample_report: Path) -> None:
    rows = {r["country"]: r for r in read_csv(sample_report, "07-data-quality")}
    assert rows["MX"]["version"] == "1"
    assert (rows["MX"]["violations"], rows["MX"]["warnings"], rows["MX"]["infos"]) == (
        "0",
        "2",
        "1",
    )
    assert rows["MX"]["agency"] == "Agencia MX"
    assert rows["MX"]["submitted_at"] == "2026-11-30 12:00"
    # version 3 restores version 1: its counts are version 1's
    assert (rows["CL"]["version"], rows["CL"]["versions"], rows["CL"]["counts_from"]) == (
        "3",
        "3",
        "1",
    )
    assert (rows["CL"]["warnings"], rows["CL"]["infos"], rows["CL"]["remark"]) == (
        "1",
        "0",
        "restored",
    )
    assert rows["CO"]["version"] == "" and rows["CO"]["remark"] == "no-submission"
    text = (sample_report / "report.html").read_text(encoding="utf-8")
    assert "sin envíos todavía" in text


def test_every_chart_has_its_csv_and_alt_text(sample_report: Path, sample: TripleStore) -> None:
    report = build_document(gather(sample, now=NOW))
    names = {p.name for p in sample_report.glob("*.csv")}
    assert {t.filename for t in report.tables()} == names
    for chart in report.charts():
        assert chart.data in names, chart.name
        assert chart.alt and chart.caption
    assert {
        "00-summary.csv",
        "03-mappings-by-pair.csv",
        "06-frequent-gaps.csv",
        "07-data-quality.csv",
    } <= names


def test_an_english_report_and_a_pdf(sample: TripleStore, tmp_path: Path) -> None:
    data = gather(sample, now=NOW)
    english, _ = write_report(build_document(data, "en"), tmp_path / "en")
    text = english.read_text(encoding="utf-8")
    assert '<html lang="en">' in text and "Cross-country equivalence matrix" in text
    pdf, tables = write_report(build_document(data, "es"), tmp_path / "pdf", "pdf")
    assert pdf.name == "report.pdf" and pdf.read_bytes().startswith(b"%PDF")
    assert pdf.read_bytes().count(b"/Type /Page") > 8
    assert len(tables) == len(list((tmp_path / "pdf").glob("*.csv")))


# -- the command -----------------------------------------------------------------------------------


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="equivalence")
    add_report_command(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["report", *argv])


def test_the_command_writes_the_report(
    sample: TripleStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_report(_args("--out", str(tmp_path / "out")), sample) == 0
    assert (tmp_path / "out" / "report.html").is_file()
    assert len(list((tmp_path / "out").glob("*.csv"))) >= 20
    assert "report.html" in capsys.readouterr().out


def test_the_command_refuses_bad_targets_and_empty_stores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    store = reference_only_store()
    assert run_report(_args("--out", str(a_file)), store) == 2
    assert run_report(_args("--out", str(tmp_path / "empty")), store) == 1
    assert not (tmp_path / "empty").exists()
    assert "no competency standard" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _args("--out", str(tmp_path), "--format", "docx")


def test_the_command_is_wired_into_equivalence(tmp_path: Path) -> None:
    from equivalence import cli

    try:
        cli._parser().parse_args(["report", "--out", str(tmp_path)])
    except SystemExit:
        pytest.skip("equivalence.cli does not register the report command yet")
    store_dir = tmp_path / "store"
    assert (
        cli.main(["--store", str(store_dir), "load", str(Path(__file__).parents[1] / "sample")])
        == 0
    )
    assert cli.main(["--store", str(store_dir), "report", "--out", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "report.html").is_file()


# -- small parts -----------------------------------------------------------------------------------


def test_summaries_and_rollbacks_are_read() -> None:
    assert parse_summary("12 standards, 0 violations, 3 warnings, 1 infos") == {
        "standards": 12,
        "violations": 0,
        "warnings": 3,
        "infos": 1,
    }
    assert parse_summary("0 violations, 3 warnings") == {"violations": 0, "warnings": 3}
    first = Version(
        "PE",
        1,
        "d",
        10,
        4,
        "t",
        "SINEACE",
        NOW,
        summary="4 standards, 1 violations, 0 warnings, 0 infos",
    )
    second = Version("PE", 2, "d", 10, 4, "t", "SINEACE", NOW, previous=1, restores=1)
    status = submission_status("PE", [first, second])
    assert (status.version, status.violations, status.counts_from, status.agency) == (
        2,
        1,
        1,
        "SINEACE",
    )
    assert submission_status("PE", []).version is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0, 0), (0.0999, 0), (0.1, 1), (0.3, 3), (0.7, 7), (0.9999, 9), (1.0, 9)],
)
def test_coverage_bins(value: float, expected: int) -> None:
    assert coverage_bin(value) == expected == bin_of(value)


def test_words_and_numbers() -> None:
    spanish, english = Labels("es"), Labels("en")
    assert spanish.count(1477) == f"1{NBSP}477" and english.count(1477) == "1,477"
    assert spanish.share(0.454) == f"45{NBSP}%" and english.share(0.004) == "<1%"
    assert spanish.share(0.0) == f"0{NBSP}%"
    assert normalise_title("  EVALUAR   el Aprendizaje.") == "evaluar el aprendizaje"
    assert normalise_title("Gestión") == normalise_title("GESTION")
    with pytest.raises(ValueError):
        Labels("fr")


# -- the real data -----------------------------------------------------------------------------


@pytest.mark.shared_data
@pytest.mark.slow
def test_the_report_builds_from_the_real_data(reference_store: TripleStore, tmp_path: Path) -> None:
    """All of ../shared/data and the development standards, without mappings (read-only)."""
    built = build_report(reference_store, tmp_path, now=NOW)
    check_all(reference_store, tmp_path)
    summary = {r["country"]: int(r["standards"]) for r in read_csv(tmp_path, "00-summary")}
    assert summary["MX"] > 1477  # the register and the development set
    lonely = read_csv(tmp_path, "05-without-equivalent-summary")
    assert all(int(r["with_equivalent"]) == 0 for r in lonely)  # nothing matched in this store
    assert built.data.coverages == ()


@pytest.mark.shared_data
@pytest.mark.slow
def test_the_report_on_the_real_data_matched(reference_store: TripleStore, tmp_path: Path) -> None:
    """The four countries' real graphs copied into a store of ours, matched, then reported."""
    store = open_store("oxigraph:memory")
    for graph in [GRAPH.ontology, *(country_graph(c) for c in COUNTRIES)]:
        store.add_quads(
            [Quad(t.subject, t.predicate, t.object, graph) for t in reference_store.triples(graph)]
        )
    outcome = match_and_store(store)
    assert outcome.mappings
    build_report(store, tmp_path, now=NOW)
    check_all(store, tmp_path)
    pairs = read_csv(tmp_path, "03-mappings-by-pair")
    assert sum(int(r["total"]) for r in pairs) >= len(outcome.mappings) // 2
    assert read_csv(tmp_path, "06-frequent-gaps")
