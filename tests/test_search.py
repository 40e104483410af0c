"""The full-text search index: Spanish-aware matching, codes, filters, paging, snippets, keeping
in step with the store, concurrent readers, bad input; on the sample and on the real data."""

from __future__ import annotations

import csv
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import Literal, Quad, Triple

from equivalence.archive import InMemoryArchive
from equivalence.auth import Agent
from equivalence.errors import EquivalenceError, QueryError
from equivalence.io.template import COLUMNS
from equivalence.matching.text import fold, words
from equivalence.search import (
    SearchError,
    SearchIndex,
    SearchIndexError,
    SearchPage,
)
from equivalence.search.folding import fast_fold, fast_words
from equivalence.search.reader import state_key
from equivalence.service import load_paths
from equivalence.sparql import default_catalogue, term_text
from equivalence.store import TripleStore, open_store
from equivalence.submissions import accept
from equivalence.vocab import (
    DCTERMS,
    EQ,
    RDF,
    SKOS,
    STANDARD_CLASS,
    country_graph,
    country_iri,
    criterion_iri,
    standard_iri,
    unit_iri,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample"


@pytest.fixture(scope="module")
def sample_store() -> Iterator[TripleStore]:
    """The bundled sample (16 standards, 4 per country), read-only."""
    store = open_store("oxigraph:memory")
    assert load_paths(store, [SAMPLE]).ok
    yield store
    store.close()


@pytest.fixture(scope="module")
def sample_index(sample_store: TripleStore) -> Iterator[SearchIndex]:
    index = SearchIndex.open(":memory:")
    index.refresh(sample_store)
    yield index
    index.close()


@pytest.fixture()
def fresh_store() -> Iterator[TripleStore]:
    """The sample in a store of its own, for tests that change it."""
    store = open_store("oxigraph:memory")
    assert load_paths(store, [SAMPLE]).ok
    yield store
    store.close()


def codes(page: SearchPage) -> list[str]:
    return [f"{hit.country}:{hit.code}" for hit in page.hits]


def write_template(
    folder: Path, standard: dict[str, str], units: dict[str, tuple[str, list[str]]]
) -> Path:
    """A submission template folder with one standard; `units` maps a unit code to its title
    and criteria."""
    folder.mkdir(parents=True, exist_ok=True)
    base = {"country": standard["country"], "standard_code": standard["code"]}
    tables: dict[str, list[dict[str, str]]] = {"standards": [standard], "units": [], "criteria": []}
    for unit_code, (title, criteria) in units.items():
        tables["units"].append({**base, "unit_code": unit_code, "title": title})
        for n, text in enumerate(criteria, 1):
            tables["criteria"].append(
                {**base, "unit_code": unit_code, "criterion_code": f"C{n}"}
                | {"kind": "desempeño", "text": text}
            )
    for name, rows in tables.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(COLUMNS[name]), restval="")
            writer.writeheader()
            writer.writerows(rows)
    return folder


def standard_quads(
    country: str,
    code: str,
    title: str,
    units: dict[str, list[str]],
    unit_titles: dict[str, str] | None = None,
) -> list[Quad]:
    """A minimal standard of a country's graph, as a submission carries it (a unit's title is
    "Unidad CODE" unless `unit_titles` gives it)."""
    standard = standard_iri(country, code)
    triples = [
        Triple(standard, RDF.type, EQ.CompetencyStandard),
        Triple(standard, RDF.type, STANDARD_CLASS[country]),
        Triple(standard, DCTERMS.identifier, Literal(code)),
        Triple(standard, SKOS.prefLabel, Literal(title, language="es")),
        Triple(standard, EQ.country, country_iri(country)),
    ]
    for unit_code, criteria in units.items():
        unit = unit_iri(country, code, unit_code)
        triples += [
            Triple(standard, EQ.hasUnit, unit),
            Triple(unit, RDF.type, EQ.CompetencyUnit),
            Triple(unit, DCTERMS.identifier, Literal(unit_code)),
            Triple(
                unit,
                SKOS.prefLabel,
                Literal((unit_titles or {}).get(unit_code, f"Unidad {unit_code}"), language="es"),
            ),
        ]
        for n, text in enumerate(criteria, 1):
            criterion = criterion_iri(country, code, unit_code, f"C{n}")
            triples += [
                Triple(unit, EQ.hasCriterion, criterion),
                Triple(criterion, RDF.type, EQ.PerformanceCriterion),
                Triple(criterion, DCTERMS.identifier, Literal(f"C{n}")),
                Triple(criterion, SKOS.prefLabel, Literal(text, language="es")),
            ]
    graph = country_graph(country)
    return [Quad(t.subject, t.predicate, t.object, graph) for t in triples]


# -- the named query -----------------------------------------------------------------------------


def test_search_texts_reads_one_row_per_standard_unit_and_criterion(
    sample_store: TripleStore,
) -> None:
    query = default_catalogue().get("search-texts")
    assert [(p.name, p.type, p.optional) for p in query.parameters] == [("graph", "iri", False)]
    rows = default_catalogue().select(sample_store, "search-texts", graph=country_graph("MX")).rows
    kinds = Counter(term_text(r.get("kind")) for r in rows)
    # the sample's MX part: 4 standards, 10 units, 21 criteria (sample/template/*.csv)
    assert kinds == {"standard": 4, "unit": 10, "criterion": 21}
    ec0217 = [
        r
        for r in rows
        if term_text(r.get("kind")) == "standard" and term_text(r.get("code")) == "EC0217.01"
    ]
    assert len(ec0217) == 1
    assert term_text(ec0217[0]["levelNumber"]) == "3"
    assert term_text(ec0217[0]["sectorLabel"]) == "SERVICIOS EDUCATIVOS"


def test_state_key_counts_standards_labels_and_versions(fresh_store: TripleStore) -> None:
    before = state_key(fresh_store, "PE")
    assert before.startswith("standards=4;") and before.endswith(";versions=0")
    accept(
        fresh_store,
        InMemoryArchive(),
        "PE",
        standard_quads("PE", "PE-100", "Cosecha de paltas", {"E1": ["Selecciona la fruta."]}),
        Agent("3333444455556666", "PE", "MTPE", "MTPE"),
    )
    assert state_key(fresh_store, "PE") == "standards=1;labels=3;versions=1"
    assert state_key(fresh_store, "MX").startswith("standards=4;")


def test_fast_fold_is_fold() -> None:
    texts = [
        "Gestión de Ñandúes",
        "ELECTRICIDÁD",
        "año, Año, AÑO",
        "n\u0303",
        "N\u0303o",
        "n\u0301\u0303",
        "ñ\u0303",
        "Ångström çedilla Œuvre ß ﬁ",
        "x\u20dd y\u0489 z",
        "İstanbul",
        "",
        *(row["text"] for row in csv.DictReader((SAMPLE / "template" / "criteria.csv").open())),
    ]
    for text in texts:
        assert fast_fold(text) == fold(text), text
        assert fast_words(text) == words(text), text


# -- Spanish-aware matching ----------------------------------------------------------------------


def test_accents_and_case_do_not_matter(sample_index: SearchIndex) -> None:
    plain = sample_index.search("capacitacion")
    assert plain.total >= 3
    assert {"CL:P-8549-2424-901-V01", "PE:DEMO-PE-04", "MX:EC0217.01"} <= set(codes(plain))
    for variant in ("CAPACITACIÓN", "Capacitación", "capacitacíon"):
        assert codes(sample_index.search(variant)) == codes(plain)


def test_a_standard_whose_title_matches_comes_before_one_where_only_a_unit_does(
    sample_index: SearchIndex,
) -> None:
    page = sample_index.search("capacitación")
    kinds = [hit.snippet.kind for hit in page.hits if hit.snippet]
    assert len(kinds) == page.total
    assert kinds == sorted(kinds, key=["standard", "unit", "criterion"].index)
    assert kinds[0] == "standard" and "unit" in kinds
    assert [h.score for h in page.hits] == sorted((h.score for h in page.hits), reverse=True)


def test_title_beats_unit_beats_criteria_even_when_the_criteria_say_it_often() -> None:
    store = open_store("oxigraph:memory")
    filler = [f"Registra la tarea {n} en la bitácora." for n in range(12)]
    criteria = [f"Aplica la soldadura de tipo {n} a la pieza." for n in range(8)]
    for code, title, units, unit_titles in [
        ("PE-3", "Pintura de piezas", {"U1": [*criteria, *filler]}, None),
        ("PE-2", "Armado de estructuras", {"U1": filler}, {"U1": "Soldadura de uniones"}),
        ("PE-1", "Soldadura de tuberías", {"U1": filler}, None),
    ]:
        store.add_quads(standard_quads("PE", code, title, units, unit_titles))
    with SearchIndex.open(":memory:") as index:
        index.refresh(store)
        page = index.search("soldadura")
        assert codes(page) == ["PE:PE-1", "PE:PE-2", "PE:PE-3"]
        assert [h.snippet.kind for h in page.hits if h.snippet] == ["standard", "unit", "criterion"]
        assert page.hits[0].score > page.hits[1].score > page.hits[2].score > 0
    store.close()


def test_plurals_and_gendered_forms_match(sample_index: SearchIndex) -> None:
    assert "CL:P-4711-5230-001-V02" in codes(sample_index.search("cajeros"))  # CAJERO
    assert "CL:P-4711-5230-001-V02" in codes(sample_index.search("cajera"))


def test_a_phrase_of_the_thesaurus_is_found_by_its_canonical_word_and_by_its_own_words() -> None:
    store = open_store("oxigraph:memory")
    store.add_quads(
        standard_quads(
            "PE",
            "PE-7",
            "Reparación de teléfonos móviles",
            {
                "E1": [
                    "Cambia la pantalla del equipo.",
                    "Registra el trabajo en el equipo de cómputo.",
                ]
            },
        )
    )
    with SearchIndex.open(":memory:") as index:
        index.refresh(store)
        for query, marked in [
            ("celular", "Reparación de [teléfonos móviles]"),  # teléfono móvil → celular
            ("teléfonos", "Reparación de [teléfonos] móviles"),
            ("reparar movil", "[Reparación] de teléfonos [móviles]"),
            ("computadora", "Registra el trabajo en el [equipo de cómputo]."),
            ('"telefonos moviles"', "Reparación de [teléfonos móviles]"),
        ]:
            page = index.search(query)
            assert codes(page) == ["PE:PE-7"], query
            assert page.hits[0].snippet is not None
            assert page.hits[0].snippet.marked() == marked, query
    store.close()


def test_prefix_and_phrase(sample_index: SearchIndex) -> None:
    prefix = sample_index.search("clien*")
    assert {"MX:EC0305", "CO:210601020", "CL:P-4711-5230-001-V02"} <= set(codes(prefix))
    phrase = sample_index.search('"atención a clientes"')
    assert codes(phrase)[0] == "MX:EC0305"
    assert phrase.hits[0].snippet is not None
    assert phrase.hits[0].snippet.marked() == "Prestación de servicios de [atención a clientes]"
    # the phrase as analysed terms: "al cliente" is "a clientes" without stop words
    assert "CL:P-4711-5230-001-V02" in codes(phrase)
    # words of a phrase that are not next to each other do not match it
    assert sample_index.search('"clientes atención"').total == 0


def test_snippet_says_which_criterion_matched_and_marks_the_words(
    sample_index: SearchIndex,
) -> None:
    page = sample_index.search("adultos")  # three trainer standards say it in a criterion
    assert set(codes(page)) == {"MX:EC0217.01", "CO:900000001", "PE:DEMO-PE-04"}
    page = sample_index.search("aprendizaje adultos", countries=["MX"])
    assert codes(page) == ["MX:EC0217.01"]
    snippet = page.hits[0].snippet
    assert snippet is not None
    assert (snippet.kind, snippet.unit_code, snippet.code) == ("criterion", "E01", "C2")
    assert snippet.marked() == "Principios del [aprendizaje] de personas [adultas]."
    assert snippet.html() == (
        "Principios del <mark>aprendizaje</mark> de personas <mark>adultas</mark>."
    )
    assert snippet.marked("«", "»").endswith("«adultas».")


# -- codes ---------------------------------------------------------------------------------------


def test_a_code_ranks_its_standard_first(sample_index: SearchIndex) -> None:
    for query in ("EC0217.01", "ec0217.01", "EC0217", "ec0217"):
        page = sample_index.search(query)
        assert codes(page)[0] == "MX:EC0217.01", query
        assert page.hits[0].match in ("code", "code+text")
    assert codes(sample_index.search("0217")) == ["MX:EC0217.01"]  # inside a code
    assert set(codes(sample_index.search("P-4711"))) == {
        "CL:P-4711-5230-001-V02",
        "CL:P-4711-9334-001-V02",
    }
    assert codes(sample_index.search("210601020"))[0] == "CO:210601020"


def test_a_unit_code_finds_its_standards_and_shows_the_unit(sample_index: SearchIndex) -> None:
    # a ChileValora UCL shared by two profiles
    page = sample_index.search("U-4711-5223-007-V01")
    assert set(codes(page)) == {"CL:P-4711-5230-001-V02", "CL:P-4711-9334-001-V02"}
    snippet = page.hits[0].snippet
    assert snippet is not None and snippet.kind == "unit"
    assert snippet.unit_code == "U-4711-5223-007-V01"


def test_a_code_and_words_together_put_the_code_first_then_the_words(
    sample_index: SearchIndex,
) -> None:
    page = sample_index.search("EC0154 capacitación")
    assert codes(page)[0] == "MX:EC0154"
    assert page.hits[0].match == "code"
    words_only = sample_index.search("capacitación")
    assert codes(page)[1:] == codes(words_only)
    assert page.total == words_only.total + 1


def test_a_code_that_matches_no_code_is_searched_as_words(sample_index: SearchIndex) -> None:
    assert sample_index.search("ZZ9999").total == 0
    page = sample_index.search("NOM-035 capacitación")  # no such code: all words must match
    assert page.total == 0


# -- filters and paging --------------------------------------------------------------------------


def test_country_level_and_sector_filters(sample_index: SearchIndex) -> None:
    everywhere = sample_index.search("capacitación")
    chile = sample_index.search("capacitación", countries=["cl"])
    assert codes(chile) == [c for c in codes(everywhere) if c.startswith("CL:")]
    assert chile.total == len(chile.hits) >= 1
    two = sample_index.search("capacitación", countries="CL,PE")
    assert {h.country for h in two.hits} == {"CL", "PE"}
    assert sample_index.search("capacitación", countries=("MX",), level=3).total == 1
    assert sample_index.search("capacitación", countries=("MX",), level=4).total == 0
    by_label = sample_index.search("", sector="servicios educativos")
    by_iri = sample_index.search(
        "", sector="https://w3id.org/equivalence/id/MX/sector/servicios-educativos"
    )
    assert codes(by_label) == codes(by_iri) == ["MX:EC0217.01"]
    # a sector name is compared without case or accents, in every country that has it
    construction = sample_index.search("", sector="  construccion ")
    assert codes(construction) == ["CL:P-4100-3123-002-V02"]
    assert construction.hits[0].sector == "CONSTRUCCIÓN"


def test_an_empty_query_with_a_filter_lists_the_standards_by_country_and_code(
    sample_index: SearchIndex,
) -> None:
    page = sample_index.search("", countries=["MX", "CO"], size=100)
    assert page.total == 8
    assert codes(page) == sorted(codes(page))
    assert {h.match for h in page.hits} == {"list"}
    assert all(h.snippet is None for h in page.hits)
    hit = next(h for h in page.hits if h.code == "EC0217.01")
    assert (hit.level, hit.sector, hit.title) == (
        3,
        "SERVICIOS EDUCATIVOS",
        "Impartición de cursos de formación del capital humano de manera presencial grupal",
    )
    assert hit.iri == standard_iri("MX", "EC0217.01").value


def test_an_empty_query_without_filters_lists_every_standard(sample_index: SearchIndex) -> None:
    everything = sample_index.search("", size=100)
    assert everything.total == 16 and everything.query == ""
    assert codes(everything) == sorted(codes(everything))
    assert {h.match for h in everything.hits} == {"list"}
    assert codes(everything) == codes(sample_index.search(None, size=100))
    assert codes(everything) == codes(sample_index.search("   ", size=100))
    assert codes(everything) == codes(
        sample_index.search("", countries=["CL", "CO", "MX", "PE"], size=100)
    )
    second = sample_index.search(None, page=2, size=10)
    assert codes(second) == codes(everything)[10:] and second.pages == 2


def test_pages_cover_every_hit_once(sample_index: SearchIndex) -> None:
    full = sample_index.search("", countries=["CL", "CO", "MX", "PE"], size=100)
    assert full.total == 16
    seen: list[str] = []
    for number in range(1, 5):
        page = sample_index.search("", countries=["CL", "CO", "MX", "PE"], page=number, size=5)
        assert page.total == 16 and page.pages == 4
        seen += codes(page)
    assert seen == codes(full)
    beyond = sample_index.search("capacitación", page=50, size=10)
    assert beyond.hits == () and beyond.total == sample_index.search("capacitación").total
    words = sample_index.search("capacitación", size=100)
    split = [
        *codes(sample_index.search("capacitación", page=1, size=2)),
        *codes(sample_index.search("capacitación", page=2, size=2)),
    ]
    assert split == codes(words)[:4]


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "options", "message"),
    [
        ("de la y", {}, "only stop words"),
        ("!!! ...", {}, "only stop words"),
        ("soldadura", {"page": 0}, "page"),
        ("soldadura", {"size": 0}, "size"),
        ("soldadura", {"size": 101}, "size"),
        ("soldadura", {"level": -1}, "level"),
        ("soldadura", {"level": True}, "level"),
        ("soldadura", {"countries": ["AR"]}, "unknown country"),
        ("s*", {}, "too short"),
        ("x" * 400, {}, "too long"),
        (" ".join(f"p{n}a" for n in range(30)), {}, "too many"),
    ],
)
def test_bad_input_is_a_search_error(
    sample_index: SearchIndex, query: str, options: dict[str, object], message: str
) -> None:
    with pytest.raises(SearchError, match=message) as caught:
        sample_index.search(query, **options)  # type: ignore[arg-type]
    assert isinstance(caught.value, QueryError) and isinstance(caught.value, EquivalenceError)
    assert caught.value.code == "invalid-search"


@pytest.mark.parametrize(
    "query",
    [
        "capacitación AND OR NOT",
        "NEAR(capacitación)",
        '"capacitación',
        "capacitación:",
        "^capacitación",
        "capacitación -curso",
        "{title}: capacitación",
        "col*umn",
    ],
)
def test_fts_syntax_in_a_query_is_only_text(sample_index: SearchIndex, query: str) -> None:
    page = sample_index.search(query)  # never an FTS5 syntax error
    assert isinstance(page.total, int)


# -- keeping in step with the store --------------------------------------------------------------


def test_refresh_rebuilds_only_the_countries_that_changed(
    fresh_store: TripleStore, tmp_path: Path
) -> None:
    with SearchIndex.open(tmp_path / "search.sqlite") as index:
        assert index.stale_countries(fresh_store) == ("CL", "CO", "MX", "PE")
        first = index.refresh(fresh_store)
        assert first.countries == ("CL", "CO", "MX", "PE") and first.unchanged == ()
        assert first.standards == 16
        assert index.stale_countries(fresh_store) == ()
        again = index.refresh(fresh_store)
        assert again.rebuilt == () and again.unchanged == ("CL", "CO", "MX", "PE")
        assert index.search("electricidad", countries=["PE"]).total == 0
        built = {s.country: s.built_at for s in index.status()}

        folder = write_template(
            tmp_path / "pe-new",
            {
                "country": "PE",
                "code": "DEMO-PE-09",
                "title": "Mantenimiento de instalaciones de electricidád",
                "level": "3",
            },
            {"U1": ("Revisar tableros", ["Verifica el aislamiento de los cables."])},
        )
        assert load_paths(fresh_store, [folder]).ok
        assert index.stale_countries(fresh_store) == ("PE",)
        summary = index.refresh(fresh_store)
        assert summary.countries == ("PE",)
        assert summary.unchanged == ("CL", "CO", "MX")
        assert summary.rebuilt[0].standards == 5
        page = index.search("Electricidad", countries=["PE"])
        assert codes(page) == ["PE:DEMO-PE-09"]
        assert page.hits[0].snippet is not None
        assert page.hits[0].snippet.marked() == "Mantenimiento de instalaciones de [electricidád]"
        assert codes(index.search("aislamiento cables")) == ["PE:DEMO-PE-09"]
        after = {s.country: s.built_at for s in index.status()}
        assert all(after[c] == built[c] for c in ("CL", "CO", "MX"))
    # reopened: still in step, nothing to rebuild, same answers
    with SearchIndex.open(tmp_path / "search.sqlite") as index:
        assert index.stale_countries(fresh_store) == ()
        assert codes(index.search("electricidad", countries="pe")) == ["PE:DEMO-PE-09"]


def test_an_accepted_submission_replaces_the_country_in_the_index(
    fresh_store: TripleStore,
) -> None:
    agent = Agent("3333444455556666", "PE", "MTPE", "MTPE")
    archive = InMemoryArchive()
    with SearchIndex.open(":memory:") as index:
        index.refresh(fresh_store)
        assert "PE:DEMO-PE-02" in codes(index.search("limpieza"))
        accept(
            fresh_store,
            archive,
            "PE",
            standard_quads("PE", "PE-100", "Cosecha de paltas", {"E1": ["Selecciona la fruta."]}),
            agent,
        )
        assert index.stale_countries(fresh_store) == ("PE",)
        assert index.refresh(fresh_store).countries == ("PE",)
        assert codes(index.search("limpieza")) == ["MX:EC0154"]  # the Peruvian one is gone
        assert codes(index.search("cosecha palta")) == ["PE:PE-100"]
        assert index.search("", countries=["PE"]).total == 1
        # same counts, other text: only the version number tells them apart
        accept(
            fresh_store,
            archive,
            "PE",
            standard_quads("PE", "PE-100", "Poda de paltos", {"E1": ["Selecciona la rama."]}),
            agent,
        )
        assert index.stale_countries(fresh_store) == ("PE",)
        index.refresh(fresh_store)
        assert index.search("cosecha").total == 0
        assert codes(index.search("poda")) == ["PE:PE-100"]


def test_readers_in_other_threads_never_see_a_half_built_index(
    fresh_store: TripleStore,
) -> None:
    errors: list[BaseException] = []
    totals: Counter[int] = Counter()
    stop = threading.Event()
    with SearchIndex.open(":memory:") as index:
        index.refresh(fresh_store)

        def read() -> None:
            while not stop.is_set():
                try:
                    totals[index.search("", countries=["CL", "CO", "MX", "PE"]).total] += 1
                    index.search("capacitación")
                except BaseException as exc:
                    errors.append(exc)
                    return

        readers = [threading.Thread(target=read) for _ in range(3)]
        for reader in readers:
            reader.start()
        for _ in range(5):
            index.refresh(fresh_store, force=True)
        stop.set()
        for reader in readers:
            reader.join()
    assert errors == []
    assert set(totals) == {16} and sum(totals.values()) > 0


def test_a_changed_analyser_or_schema_starts_the_index_afresh(
    sample_store: TripleStore, tmp_path: Path
) -> None:
    path = tmp_path / "search.sqlite"
    with SearchIndex.open(path) as index:
        index.refresh(sample_store)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = 'other' WHERE key = 'fingerprint'")
    with SearchIndex.open(path) as index:
        assert index.status() == ()
        assert index.stale_countries(sample_store) == ("CL", "CO", "MX", "PE")
        index.refresh(sample_store)
        assert index.search("capacitación").total >= 3


def test_open_and_close(tmp_path: Path) -> None:
    index = SearchIndex.open(":memory:")
    folder = index.path.parent
    assert folder.is_dir()
    index.close()
    index.close()
    assert not folder.exists()
    with pytest.raises(SearchIndexError, match="closed"):
        index.search("capacitación")
    with pytest.raises(SearchIndexError, match="directory"):
        SearchIndex.open(tmp_path)
    nested = SearchIndex.open(tmp_path / "var" / "deeper" / "search.sqlite")
    assert nested.path.parent.is_dir()
    nested.close()
    not_an_index = tmp_path / "notes.txt"
    not_an_index.write_text("not a database, and not to be overwritten\n" * 100)
    with pytest.raises(SearchIndexError, match=r"notes\.txt"):
        SearchIndex.open(not_an_index)
    assert not_an_index.read_text().startswith("not a database")


def test_sectors_lists_each_countrys_sectors(sample_index: SearchIndex) -> None:
    sectors = sample_index.sectors("CL")
    assert [(s.label, s.standards) for s in sectors] == [
        ("COMERCIO", 2),
        ("CONSTRUCCIÓN", 1),
        ("EDUCACIÓN Y CAPACITACIÓN", 1),
    ]
    assert all(s.country == "CL" for s in sectors)


# -- the real data -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_index(reference_store: TripleStore) -> Iterator[SearchIndex]:
    index = SearchIndex.open(":memory:")
    summary = index.refresh(reference_store)
    assert summary.countries == ("CL", "CO", "MX", "PE")
    yield index
    index.close()


def test_real_conocer_title_found_by_its_words_without_accents(real_index: SearchIndex) -> None:
    page = real_index.search("imparticion cursos formacion capital humano presencial grupal")
    hit = page.hits[0]
    assert (hit.country, hit.code, hit.level, hit.sector) == (
        "MX",
        "EC0217.01",
        3,
        "SERVICIOS EDUCATIVOS",
    )
    assert hit.title.startswith("Impartición de cursos de formación del capital humano")
    assert codes(real_index.search("gestion mantenimiento industrial"))[0] == "MX:EC0377"


def test_real_nominalisation_and_verb_find_the_same_standards(real_index: SearchIndex) -> None:
    gestion = real_index.search("gestión", size=100)
    assert gestion.total > 50
    assert codes(real_index.search("gestionar", size=100)) == codes(gestion)
    assert {"MX:EC0377", "CO:210101005"} <= {
        c
        for n in range(1, gestion.pages + 1)
        for c in codes(real_index.search("gestión", page=n, size=100))
    }


def test_real_regional_synonyms(real_index: SearchIndex) -> None:
    # Chile says garzón where Mexico says mesero (the thesaurus)
    for query in ("mesero", "meseros", "garzon", "Garzón"):
        page = real_index.search(query)
        assert "CL:POSTSG2" in codes(page), query
    hit = next(h for h in real_index.search("mesero").hits if h.code == "POSTSG2")
    assert hit.snippet is not None and hit.snippet.marked() == "[GARZÓN]"


def test_real_codes_and_criteria(real_index: SearchIndex, reference_store: TripleStore) -> None:
    assert codes(real_index.search("EC0217"))[0] == "MX:EC0217.01"
    assert codes(real_index.search("210101005"))[0] == "CO:210101005"
    page = real_index.search('"lluvia de ideas"', countries=["MX"])
    assert "MX:EC0217.01" in codes(page)
    hit = next(h for h in page.hits if h.code == "EC0217.01")
    assert hit.snippet is not None
    assert (hit.snippet.kind, hit.snippet.unit_code) == ("criterion", "E01")
    assert "[lluvia de ideas]" in hit.snippet.marked()
    counts = default_catalogue().select(reference_store, "stats-country-counts", country="MX")
    standards = next(
        int(term_text(r["count"])) for r in counts.rows if term_text(r["kind"]) == "standards"
    )
    assert real_index.search("", countries=["MX"]).total == standards > 1000
