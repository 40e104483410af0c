"""Versioned, atomic, authorised submissions: versions, diff, rollback, refusals, the archive."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple

from equivalence import submissions
from equivalence.archive import DirectoryArchive, InMemoryArchive, VersionArchive
from equivalence.auth import Agent, TokenRegistry
from equivalence.errors import (
    AuthorizationError,
    ConfigurationError,
    InputError,
    NotFoundError,
    StoreError,
)
from equivalence.io.template import read_template
from equivalence.service import load_paths
from equivalence.settings import Settings
from equivalence.snapshot import snapshot
from equivalence.store import TripleStore, open_store
from equivalence.store.oxigraph import OxigraphStore
from equivalence.vocab import (
    DCTERMS,
    EQ,
    GRAPH,
    PROV,
    RDF,
    RDFS,
    SKOS,
    STANDARD_CLASS,
    XSD,
    agent_iri,
    body_iri,
    country_graph,
    country_iri,
    criterion_iri,
    sector_iri,
    source_record_iri,
    standard_iri,
    submission_iri,
    unit_iri,
    version_iri,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample"
T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
MX, CL = "MX", "CL"
CONOCER = Agent("a1b2c3d4e5f60718", MX, "CONOCER", "CONOCER")
CHILEVALORA = Agent("0f1e2d3c4b5a6978", CL, "ChileValora", "ChileValora")

Units = dict[str, list[str]]


def standard_quads(
    country: str,
    code: str,
    title: str,
    units: Units,
    *,
    row: int = 2,
    file: str = "standards.csv",
) -> list[Quad]:
    """A standard with units and criteria, derived from one row of a source file."""
    graph = country_graph(country)
    standard = standard_iri(country, code)
    record = source_record_iri("test", f"test/{file}", row)
    sector = sector_iri(country, "Comercio")
    triples = [
        Triple(standard, RDF.type, EQ.CompetencyStandard),
        Triple(standard, RDF.type, STANDARD_CLASS[country]),
        Triple(standard, DCTERMS.identifier, Literal(code)),
        Triple(standard, SKOS.prefLabel, Literal(title, language="es")),
        Triple(standard, EQ.country, country_iri(country)),
        Triple(standard, EQ.sector, sector),
        Triple(sector, RDF.type, EQ.Sector),
        Triple(sector, SKOS.prefLabel, Literal("Comercio", language="es")),
        Triple(standard, PROV.wasDerivedFrom, record),
        Triple(record, RDF.type, EQ.SourceRecord),
        Triple(record, EQ.sourceFile, Literal(f"test/{file}")),
        Triple(record, EQ.sourceRow, Literal(str(row), datatype=XSD.integer)),
    ]
    for position, (unit_code, criteria) in enumerate(units.items(), start=1):
        unit = unit_iri(country, code, unit_code)
        triples += [
            Triple(standard, EQ.hasUnit, unit),
            Triple(unit, RDF.type, EQ.CompetencyUnit),
            Triple(unit, DCTERMS.identifier, Literal(unit_code)),
            Triple(unit, EQ.order, Literal(str(position), datatype=XSD.integer)),
        ]
        for n, text in enumerate(criteria, start=1):
            criterion = criterion_iri(country, code, unit_code, f"C{n}")
            triples += [
                Triple(unit, EQ.hasCriterion, criterion),
                Triple(criterion, RDF.type, EQ.PerformanceCriterion),
                Triple(criterion, SKOS.prefLabel, Literal(text, language="es")),
            ]
    return [Quad(t.subject, t.predicate, t.object, graph) for t in triples]


def version_one() -> list[Quad]:
    return [
        *standard_quads(MX, "EC0001", "Atender clientes", {"E01": ["Saluda", "Escucha"]}, row=2),
        *standard_quads(MX, "EC0002", "Cobrar en caja", {"E01": ["Cuenta"]}, row=3),
        *standard_quads(MX, "EC0003", "Limpiar oficinas", {"E01": ["Barre"]}, row=4),
    ]


def version_two() -> list[Quad]:
    """EC0001 changed (one criterion's text), EC0002 removed, EC0003 the same, EC0004 new."""
    return [
        *standard_quads(MX, "EC0001", "Atender clientes", {"E01": ["Saluda", "Atiende"]}, row=2),
        *standard_quads(MX, "EC0003", "Limpiar oficinas", {"E01": ["Barre"]}, row=4),
        *standard_quads(MX, "EC0004", "Vender por teléfono", {"E01": ["Llama"]}, row=5),
    ]


def dump(store: TripleStore) -> dict[str, list[str]]:
    """Everything in the store, graph by graph."""
    return {g.value: sorted(map(str, store.triples(g))) for g in store.graphs()}


def without(content: dict[str, list[str]], *graphs: NamedNode) -> dict[str, list[str]]:
    return {g: triples for g, triples in content.items() if g not in {x.value for x in graphs}}


def live(store: TripleStore, country: str = MX) -> set[Triple]:
    return set(store.triples(country_graph(country)))


def as_stored(quads: list[Quad]) -> set[Triple]:
    return set(snapshot(q.triple for q in quads).triples)


@pytest.fixture
def store() -> Iterator[TripleStore]:
    """The sample loaded (ontology, reference data, the four countries), in memory."""
    opened = open_store("oxigraph:memory")
    assert load_paths(opened, [SAMPLE]).ok
    yield opened
    opened.close()


@pytest.fixture
def archive() -> InMemoryArchive:
    return InMemoryArchive()


# -- accepting versions ------------------------------------------------------------------------


def test_an_accepted_submission_replaces_the_graph_and_is_recorded(
    store: TripleStore, archive: VersionArchive
) -> None:
    quads = version_one()
    accepted = submissions.accept(
        store, archive, MX, quads, CONOCER, now=T0, report_summary="0 violations, 2 warnings"
    )
    assert accepted.number == 1
    assert accepted.previous is None
    assert live(store) == as_stored(quads)  # the sample's MX standards are gone
    assert accepted.triples == len(as_stored(quads))
    assert accepted.standards == 3

    [listed] = submissions.versions(store, MX)
    assert listed == accepted
    assert listed.agent == CONOCER.token_id
    assert listed.agency == "CONOCER"
    assert listed.generated_at == T0
    assert listed.summary == "0 violations, 2 warnings"
    assert submissions.current_version(store, MX) == accepted
    assert submissions.current_version(store, CL) is None

    # the archive holds the content under its digest: the SHA-256 of canonical N-Triples
    canonical = archive.get(accepted.digest)
    assert hashlib.sha256(canonical).hexdigest() == accepted.digest
    assert canonical.decode().splitlines() == sorted(set(canonical.decode().splitlines()))


def test_the_prov_o_record_of_a_version(store: TripleStore, archive: VersionArchive) -> None:
    submissions.accept(store, archive, MX, version_one(), CONOCER, now=T0)
    second = submissions.accept(
        store, archive, MX, version_two(), CONOCER, now=T0 + timedelta(days=1)
    )
    meta = set(store.triples(GRAPH.submissions))
    activity, entity, agent = (
        submission_iri(MX, 2),
        version_iri(MX, 2),
        agent_iri("a1b2c3d4e5f60718"),
    )
    stamp = Literal("2026-03-02T12:00:00Z", datatype=XSD.dateTime)
    expected = {
        Triple(activity, RDF.type, EQ.Submission),
        Triple(activity, RDF.type, PROV.Activity),
        Triple(activity, PROV.wasAssociatedWith, agent),
        Triple(activity, PROV.endedAtTime, stamp),
        Triple(activity, EQ.submittedGraph, country_graph(MX)),
        Triple(entity, RDF.type, PROV.Entity),
        Triple(entity, RDF.type, EQ.DataVersion),
        Triple(entity, PROV.wasGeneratedBy, activity),
        Triple(entity, PROV.wasAttributedTo, agent),
        Triple(entity, PROV.generatedAtTime, stamp),
        Triple(entity, PROV.wasRevisionOf, version_iri(MX, 1)),
        Triple(entity, EQ.country, country_iri(MX)),
        Triple(entity, EQ.versionNumber, Literal("2", datatype=XSD.integer)),
        Triple(entity, EQ.contentDigest, Literal(second.digest)),
        Triple(entity, EQ.standardCount, Literal("3", datatype=XSD.integer)),
        Triple(agent, RDF.type, PROV.Agent),
        Triple(agent, RDFS.label, Literal("CONOCER")),
        Triple(agent, PROV.actedOnBehalfOf, body_iri("CONOCER")),
    }
    assert expected <= meta
    entries = [t.object for t in meta if t.subject == entity and t.predicate == EQ.standardDigest]
    assert len(entries) == 3
    codes = {t.object.value for t in meta if t.predicate == DCTERMS.identifier}
    assert codes == {"EC0001", "EC0002", "EC0003", "EC0004"}  # versions 1 and 2


def test_versions_are_listed_oldest_first_with_who_and_when(
    store: TripleStore, archive: VersionArchive
) -> None:
    submissions.accept(store, archive, MX, version_one(), CONOCER, now=T0)
    other_agent = Agent("1111222233334444", MX, "Oficina de prueba")
    submissions.accept(store, archive, MX, version_two(), other_agent, now=T0 + timedelta(hours=5))
    listed = submissions.versions(store, MX)
    assert [(v.number, v.previous, v.agent, v.agency, v.generated_at) for v in listed] == [
        (1, None, CONOCER.token_id, "CONOCER", T0),
        (2, 1, "1111222233334444", "Oficina de prueba", T0 + timedelta(hours=5)),
    ]
    assert (agent_iri("1111222233334444"), PROV.actedOnBehalfOf, body_iri("CONOCER")) not in {
        (t.subject, t.predicate, t.object) for t in store.triples(GRAPH.submissions)
    }


def test_a_submission_leaves_other_countries_and_the_reference_data_untouched(
    store: TripleStore, archive: VersionArchive
) -> None:
    before = without(dump(store), country_graph(MX))
    submissions.accept(store, archive, MX, version_one(), CONOCER)
    submissions.accept(store, archive, MX, version_two(), CONOCER)
    submissions.rollback(store, archive, MX, 1, CONOCER)
    assert without(dump(store), country_graph(MX), GRAPH.submissions) == before
    assert submissions.versions(store, CL) == []


def test_the_sample_of_each_country_is_accepted_country_by_country(
    store: TripleStore, archive: VersionArchive
) -> None:
    source = read_template(SAMPLE / "template")
    agents = {
        "MX": CONOCER,
        "CL": CHILEVALORA,
        "CO": Agent("2222333344445555", "CO", "SENA", "SENA"),
        "PE": Agent("3333444455556666", "PE", "MTPE", "MTPE"),
    }
    before = dump(store)
    for country, agent in agents.items():
        quads = [q for q in source.quads if q.graph_name == country_graph(country)]
        accepted = submissions.accept(store, archive, country, quads, agent)
        assert accepted.standards == source.counts[f"standards:{country}"]
    # the same data as `load` put there: only the metadata graph is new
    assert without(dump(store), GRAPH.submissions) == before


# -- diff ------------------------------------------------------------------------------------


def test_diff_between_versions_names_added_removed_and_changed_standards(
    store: TripleStore, archive: VersionArchive
) -> None:
    submissions.accept(store, archive, MX, version_one(), CONOCER)
    submissions.accept(store, archive, MX, version_two(), CONOCER)
    difference = submissions.diff(store, MX, 1, 2)
    assert difference.added == ("EC0004",)
    assert difference.removed == ("EC0002",)
    assert difference.changed == ("EC0001",)  # EC0003 is the same
    assert not difference.same_content
    backwards = submissions.diff(store, MX, 2, 1)
    assert (backwards.added, backwards.removed, backwards.changed) == (
        ("EC0002",),
        ("EC0004",),
        ("EC0001",),
    )
    same = submissions.diff(store, MX, 2, 2)
    assert same.empty and same.same_content


def test_a_moved_row_or_renamed_file_changes_no_standard(
    store: TripleStore, archive: VersionArchive
) -> None:
    submissions.accept(store, archive, MX, version_one(), CONOCER)
    moved = [
        *standard_quads(MX, "EC0003", "Limpiar oficinas", {"E01": ["Barre"]}, row=2, file="b.csv"),
        *standard_quads(MX, "EC0001", "Atender clientes", {"E01": ["Saluda", "Escucha"]}, row=9),
        *standard_quads(MX, "EC0002", "Cobrar en caja", {"E01": ["Cuenta"]}, row=30),
    ]
    submissions.accept(store, archive, MX, moved, CONOCER)
    difference = submissions.diff(store, MX, 1, 2)
    assert difference.empty
    assert not difference.same_content  # the records' rows did change


def test_a_unit_or_criterion_change_is_a_change_of_its_standard(
    store: TripleStore, archive: VersionArchive
) -> None:
    submissions.accept(store, archive, MX, version_one(), CONOCER)
    changed = version_one()
    extra_unit = standard_quads(MX, "EC0002", "Cobrar en caja", {"E01": ["Cuenta"], "E02": []})
    changed = [q for q in changed if "EC0002" not in str(q.subject)] + extra_unit
    submissions.accept(store, archive, MX, changed, CONOCER)
    assert submissions.diff(store, MX, 1, 2).changed == ("EC0002",)


def test_the_live_data_compares_like_its_latest_version(
    store: TripleStore, archive: VersionArchive
) -> None:
    submissions.accept(store, archive, MX, version_one(), CONOCER)
    submissions.accept(store, archive, MX, version_two(), CONOCER)
    assert submissions.diff(store, MX, 2).empty
    assert submissions.diff(store, MX, 2).same_content
    assert submissions.diff(store, MX, 1) == submissions.VersionDiff(
        MX, 1, None, ("EC0004",), ("EC0002",), ("EC0001",), same_content=False
    )
    # a change made to the live graph behind the submissions' back shows up
    store.add_quads(
        [Quad(standard_iri(MX, "EC0003"), DCTERMS.description, Literal("x"), country_graph(MX))]
    )
    drift = submissions.diff(store, MX, 2)
    assert drift.changed == ("EC0003",)
    assert not drift.same_content


def test_blank_nodes_and_non_canonical_literals_keep_the_digest_of_the_live_data(
    store: TripleStore, archive: VersionArchive
) -> None:
    standard = standard_iri(MX, "EC0001")
    node, inner = BlankNode("first"), BlankNode("second")
    odd = [
        Triple(standard, DCTERMS.source, node),
        Triple(node, RDFS.label, Literal("página", language="ES-MX")),
        Triple(node, RDFS.seeAlso, inner),
        Triple(inner, EQ.order, Literal("007", datatype=XSD.integer)),
    ]
    quads = version_one() + [Quad(t.subject, t.predicate, t.object, country_graph(MX)) for t in odd]
    accepted = submissions.accept(store, archive, MX, quads, CONOCER)
    assert snapshot(live(store)).digest == accepted.digest
    assert submissions.diff(store, MX, 1).same_content
    relabelled = [
        Quad(BlankNode("other") if q.subject == node else q.subject, q.predicate,
             BlankNode("other") if q.object == node else q.object, q.graph_name)
        for q in quads
    ]  # fmt: skip
    again = submissions.accept(store, archive, MX, relabelled, CONOCER)
    assert again.digest == accepted.digest
    assert len(archive.digests()) == 1  # the same content is archived once


# -- rollback --------------------------------------------------------------------------------


def test_rollback_restores_exactly_the_old_triples_as_a_new_version(
    store: TripleStore, archive: VersionArchive
) -> None:
    submissions.accept(store, archive, MX, version_one(), CONOCER, now=T0)
    first = live(store)
    submissions.accept(store, archive, MX, version_two(), CONOCER, now=T0 + timedelta(days=1))
    assert live(store) != first
    restored = submissions.rollback(store, archive, MX, 1, CONOCER, now=T0 + timedelta(days=2))
    assert live(store) == first
    assert (restored.number, restored.previous, restored.restores) == (3, 2, 1)
    assert restored.digest == submissions.version(store, MX, 1).digest
    assert restored.note and "version 1" in restored.note
    assert submissions.versions(store, MX)[-1] == restored
    assert submissions.diff(store, MX, 1, 3).same_content
    assert submissions.diff(store, MX, 2, 3).added == ("EC0002",)
    meta = set(store.triples(GRAPH.submissions))
    assert Triple(version_iri(MX, 3), EQ.restores, version_iri(MX, 1)) in meta
    assert Triple(version_iri(MX, 3), PROV.wasRevisionOf, version_iri(MX, 2)) in meta
    # and forward again
    submissions.rollback(store, archive, MX, 2, CONOCER)
    assert live(store) == as_stored(version_two())


def test_rollback_refuses_a_damaged_or_missing_archive_and_changes_nothing(
    store: TripleStore, tmp_path: Path
) -> None:
    archive = DirectoryArchive(tmp_path / "versions")
    first = submissions.accept(store, archive, MX, version_one(), CONOCER)
    submissions.accept(store, archive, MX, version_two(), CONOCER)
    before = dump(store)
    path = tmp_path / "versions" / f"{first.digest}.nt.gz"
    path.write_bytes(gzip.compress(b"<http://example.org/s> <http://example.org/p> 1 .\n"))
    with pytest.raises(StoreError, match="damaged"):
        submissions.rollback(store, archive, MX, 1, CONOCER)
    path.unlink()
    with pytest.raises(NotFoundError, match=first.digest):
        submissions.rollback(store, archive, MX, 1, CONOCER)
    assert dump(store) == before


# -- refusals ----------------------------------------------------------------------------------


def _in(graph: NamedNode, *triples: Triple) -> list[Quad]:
    return [Quad(t.subject, t.predicate, t.object, graph) for t in triples]


_S = standard_iri(MX, "EC0001")
ATTEMPTS: dict[str, list[Quad]] = {
    "another country's graph": _in(
        country_graph(CL), Triple(standard_iri(CL, "X"), RDFS.label, Literal("x"))
    ),
    "the submissions graph (forged metadata)": _in(
        GRAPH.submissions, Triple(version_iri(MX, 7), EQ.contentDigest, Literal("0" * 64))
    ),
    "the ontology graph": _in(
        GRAPH.ontology, Triple(EQ.CompetencyStandard, RDFS.label, Literal("x"))
    ),
    "the ESCO graph": _in(
        GRAPH.esco,
        Triple(NamedNode("http://data.europa.eu/esco/skill/x"), RDFS.label, Literal("x")),
    ),
    "the mappings graph": _in(GRAPH.mappings, Triple(_S, SKOS.exactMatch, standard_iri(CL, "X"))),
    "the default graph": [Quad(_S, RDFS.label, Literal("x"), DefaultGraph())],
    "another country's standard as subject": _in(
        country_graph(MX), Triple(standard_iri(CL, "P-1"), RDFS.label, Literal("x"))
    ),
    "another country's unit as subject": _in(
        country_graph(MX),
        Triple(unit_iri(CL, "P-1", "U-4100-3123-002-V02"), RDFS.label, Literal("x")),
    ),
    "an ESCO skill as subject": _in(
        country_graph(MX),
        Triple(NamedNode("http://data.europa.eu/esco/skill/x"), RDFS.label, Literal("x")),
    ),
    "an ISCO group as subject": _in(
        country_graph(MX),
        Triple(NamedNode("http://data.europa.eu/esco/isco/C2424"), RDFS.label, Literal("x")),
    ),
    "an ontology term as subject": _in(
        country_graph(MX), Triple(EQ.CompetencyStandard, RDFS.subClassOf, EQ.Mapping)
    ),
    "a certifying body as subject": _in(
        country_graph(MX), Triple(body_iri("CONOCER"), RDFS.label, Literal("x"))
    ),
    "a version as subject": _in(
        country_graph(MX), Triple(version_iri(MX, 1), EQ.contentDigest, Literal("0" * 64))
    ),
    "an agent as subject": _in(
        country_graph(MX), Triple(agent_iri("x"), PROV.actedOnBehalfOf, body_iri("SENA"))
    ),
}


@pytest.mark.parametrize("extra", ATTEMPTS.values(), ids=list(ATTEMPTS))
def test_a_submission_outside_the_country_is_refused_and_writes_nothing(
    store: TripleStore, archive: InMemoryArchive, extra: list[Quad]
) -> None:
    submissions.accept(store, archive, MX, version_one(), CONOCER)
    before, archived = dump(store), archive.digests()
    with pytest.raises(AuthorizationError, match="Nothing was written") as refused:
        submissions.accept(store, archive, MX, version_two() + extra, CONOCER)
    assert CONOCER.token_id in refused.value.message
    assert dump(store) == before
    assert archive.digests() == archived


def test_an_agent_of_another_country_is_refused(
    store: TripleStore, archive: InMemoryArchive
) -> None:
    submissions.accept(store, archive, MX, version_one(), CONOCER)
    before = dump(store)
    with pytest.raises(AuthorizationError, match="only submit the data of CL, not of MX"):
        submissions.accept(store, archive, MX, version_two(), CHILEVALORA)
    with pytest.raises(AuthorizationError, match="not of MX"):
        submissions.rollback(store, archive, MX, 1, CHILEVALORA)
    own_namespace = [
        Quad(q.subject, q.predicate, q.object, country_graph(CL)) for q in version_two()
    ]  # MX subjects in the CL graph
    with pytest.raises(AuthorizationError, match="subject"):
        submissions.accept(store, archive, CL, own_namespace, CHILEVALORA)
    assert dump(store) == before
    assert archive.digests() == [submissions.version(store, MX, 1).digest]


def test_a_token_from_the_registry_writes_only_its_country(
    store: TripleStore, archive: InMemoryArchive, tmp_path: Path
) -> None:
    registry = TokenRegistry(tmp_path / "tokens.json")
    issued = registry.create(MX, "CONOCER")
    agent = registry.authorize(issued.token, MX)
    accepted = submissions.accept(store, archive, MX, version_one(), agent)
    assert (accepted.agent, accepted.agency) == (issued.token_id, "CONOCER")
    before = dump(store)
    with pytest.raises(AuthorizationError):
        registry.authorize(issued.token, CL)
    registry.revoke(issued.token_id)
    with pytest.raises(AuthorizationError, match="revoked"):
        registry.authorize(issued.token, MX)
    assert dump(store) == before


def test_an_empty_submission_or_unknown_country_is_refused(
    store: TripleStore, archive: InMemoryArchive
) -> None:
    before = dump(store)
    with pytest.raises(InputError, match="no data"):
        submissions.accept(store, archive, MX, [], CONOCER)
    with pytest.raises(InputError, match="unknown country"):
        submissions.accept(store, archive, "AR", version_one(), CONOCER)
    assert dump(store) == before


def test_unknown_versions_are_not_found(store: TripleStore, archive: InMemoryArchive) -> None:
    with pytest.raises(NotFoundError, match="MX has no version 1"):
        submissions.version(store, MX, 1)
    submissions.accept(store, archive, MX, version_one(), CONOCER)
    with pytest.raises(NotFoundError, match="no version 5"):
        submissions.diff(store, MX, 1, 5)
    with pytest.raises(NotFoundError, match="no version 0"):
        submissions.diff(store, MX, 0)
    with pytest.raises(NotFoundError, match="no version 9"):
        submissions.rollback(store, archive, MX, 9, CONOCER)
    assert len(submissions.versions(store, MX)) == 1


def test_a_store_write_that_fails_leaves_data_and_versions_as_they_were(
    store: TripleStore, archive: InMemoryArchive, monkeypatch: pytest.MonkeyPatch
) -> None:
    submissions.accept(store, archive, MX, version_one(), CONOCER)
    before = dump(store)

    def broken(*args: object, **kwargs: object) -> None:
        raise StoreError("injected: the write failed")

    monkeypatch.setattr(store, "replace_graphs", broken)
    with pytest.raises(StoreError, match="injected"):
        submissions.accept(store, archive, MX, version_two(), CONOCER)
    monkeypatch.undo()
    assert dump(store) == before
    assert [v.number for v in submissions.versions(store, MX)] == [1]
    # the archived content of the failed attempt is an orphan file: harmless, and reused
    retried = submissions.accept(store, archive, MX, version_two(), CONOCER)
    assert retried.number == 2


# -- the archive -----------------------------------------------------------------------------


def test_a_directory_archive_writes_atomically_and_cleans_up_after_killed_writers(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "versions"
    archive = DirectoryArchive(folder)
    content = snapshot(q.triple for q in version_one())
    archive.put(content.digest, content.canonical)
    archive.put(content.digest, content.canonical)  # idempotent
    assert archive.get(content.digest) == content.canonical
    assert content.digest in archive
    assert archive.digests() == [content.digest]
    assert [p.name for p in folder.iterdir()] == [f"{content.digest}.nt.gz"]
    # what a killed writer leaves: a temporary file of a process that no longer runs
    dead = folder / f".{content.digest}.999999999.abcd.tmp"
    dead.write_bytes(b"partial")
    alive = folder / f".{content.digest}.1.abcd.tmp"  # pid 1 runs
    alive.write_bytes(b"partial")
    DirectoryArchive(folder)
    assert not dead.exists()
    assert alive.exists()
    with pytest.raises(StoreError, match="digest"):
        archive.put("0" * 64, content.canonical)
    with pytest.raises(StoreError, match="not a SHA-256"):
        archive.get("../../etc/passwd")


def test_the_archive_that_goes_with_each_store(tmp_path: Path) -> None:
    empty = Settings(versions="")
    memory = open_store("oxigraph:memory")
    assert isinstance(submissions.archive_for(memory, empty), InMemoryArchive)
    assert submissions.archive_for(memory, empty) is submissions.archive_for(memory, empty)
    assert submissions.archive_for(open_store("oxigraph:memory"), empty) is not (
        submissions.archive_for(memory, empty)
    )
    disk = OxigraphStore(tmp_path / "store")
    on_disk = submissions.archive_for(disk, empty)
    assert isinstance(on_disk, DirectoryArchive)
    assert on_disk.path == (tmp_path / "store.versions").resolve()
    disk.close()
    configured = submissions.archive_for(memory, Settings(versions=str(tmp_path / "v")))
    assert isinstance(configured, DirectoryArchive)
    assert configured.path == tmp_path / "v"
    remote = open_store("sparql+http://127.0.0.1:9")
    with pytest.raises(ConfigurationError, match="EQUIVALENCE_VERSIONS"):
        submissions.archive_for(remote, empty)
    assert isinstance(
        submissions.archive_for(remote, Settings(versions=str(tmp_path))), DirectoryArchive
    )


def test_versions_on_disk_survive_reopening(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "store")
    archive = submissions.archive_for(store, Settings(versions=""))
    submissions.accept(store, archive, MX, version_one(), CONOCER, now=T0)
    submissions.accept(store, archive, MX, version_two(), CONOCER, now=T0)
    store.close()
    again = OxigraphStore(tmp_path / "store")
    archive = submissions.archive_for(again, Settings(versions=""))
    assert [v.number for v in submissions.versions(again, MX)] == [1, 2]
    submissions.rollback(again, archive, MX, 1, CONOCER)
    assert live(again) == as_stored(version_one())
    again.close()
