"""Occupation linking: text suggestion, national codes through the crosswalks, batch files.

Most tests run on the real ESCO and classification data (../shared/data): they skip on a machine
without it and fail in CI. A few run on the bundled sample (sample/reference.ttl).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from equivalence.errors import InputError
from equivalence.matching.occupations import (
    BATCH_COLUMNS,
    OccupationIndex,
    OccupationReference,
    OccupationSuggestion,
    SuggestParams,
    TitleAnalyzer,
    ciuo_of_chile_code,
    concept_code,
    coordinated_parts,
    english_words,
    format_suggestions_text,
    gendered_forms,
    read_batch_titles,
    residual_words,
    suggestions_to_json,
    write_suggestions_csv,
)
from equivalence.matching.text import Analyzer, words
from equivalence.sources import discover
from equivalence.store import TripleStore, open_store

ROOT = Path(__file__).resolve().parents[1]
shared_data = pytest.mark.shared_data

PIPE_WELDER = "http://data.europa.eu/esco/occupation/2ff73126-7aff-4233-9d9c-d8725e1c6822"
CASHIER = "http://data.europa.eu/esco/occupation/2b871272-bd61-4206-bd1a-0b96d7023098"
CORPORATE_TRAINER = "http://data.europa.eu/esco/occupation/0ba06640-e0ac-4911-9e43-289a8e41651e"

# What occupation linking reads: ESCO's groups, occupations and skills (not the relations),
# and the classifications with their crosswalks.
REFERENCE_FILES = frozenset(
    {
        "ISCOGroups_en.csv",
        "ISCOGroups_es.csv",
        "occupations_en.csv",
        "occupations_es.csv",
        "skills_en.csv",
        "skills_es.csv",
        "sinco2011_structure.csv",
        "cuoc2022_structure.csv",
        "sinco2011_to_ciuo08.csv",
        "sinco2011_to_cno_mx.csv",
    }
)


def _load(path: Path, keep: frozenset[str] | None = None) -> TripleStore:
    store = open_store("oxigraph:memory")
    for reader in discover(path):
        if keep is not None and reader.path.name not in ("esco", "crosswalks"):
            continue
        for source in reader.read():
            if keep is None or source.path.name in keep:
                store.add_quads(source.quads)
    return store


@pytest.fixture(scope="module")
def index(data_dir: Path) -> OccupationIndex:
    return OccupationIndex.from_store(_load(data_dir, REFERENCE_FILES))


@pytest.fixture(scope="module")
def sample_index() -> OccupationIndex:
    return OccupationIndex.from_store(_load(ROOT / "sample" / "reference.ttl"))


def groups(suggestions: list[OccupationSuggestion]) -> list[str]:
    return [s.isco08_unit_group for s in suggestions]


# ------------------------------------------------------------------------------ the index


@shared_data
def test_the_index_reads_isco_esco_and_the_crosswalks(index: OccupationIndex) -> None:
    size = index.size
    assert size["unit groups"] == 436  # every 4-digit ISCO-08 group ESCO publishes
    assert size["ESCO occupations"] == 3007
    assert size["labels"] > 8_000
    assert size["crosswalk links"] > 2_000
    assert index.reference.title("7212") == "Soldadores y oxicortadores"
    assert index.reference.groups["7212"]["en"] == "Welders and flamecutters"


# ------------------------------------------------------------------------------ text


@shared_data
def test_a_gendered_title_finds_its_unit_group_and_occupation(index: OccupationIndex) -> None:
    best = index.suggest("soldadora de tuberías")[0]
    assert best.rank == 1
    assert best.isco08_unit_group == "7212"
    assert best.esco_uri == PIPE_WELDER
    assert best.esco_label == "soldador de tuberías/soldadora de tuberías"
    assert best.label == "Soldadores y oxicortadores"
    assert best.via == "text"


@shared_data
@pytest.mark.parametrize("title", ["mesero", "mesera", "Meseros", "garzón", "mozo de restaurante"])
def test_regional_names_of_a_waiter_reach_5131(index: OccupationIndex, title: str) -> None:
    assert groups(index.suggest(title))[0] == "5131"


@shared_data
@pytest.mark.parametrize(
    ("title", "group"),
    [
        ("Cajera de supermercado", "5230"),
        ("Electricista de obras", "7411"),
        ("Profesores de enseñanza secundaria", "2330"),
        ("Choferes de camión de carga", "8332"),  # plural of a thesaurus word (chofer)
        ("Peluqueros, barberos, estilistas y peinadores", "5141"),
        ("Nutriólogos", "2265"),
    ],
)
def test_titles_reach_their_unit_group_first(
    index: OccupationIndex, title: str, group: str
) -> None:
    assert groups(index.suggest(title))[0] == group


@shared_data
def test_suggestions_are_ranked_scored_and_bounded(index: OccupationIndex) -> None:
    suggestions = index.suggest("Operadores de maquinaria agrícola", top=5)
    assert [s.rank for s in suggestions] == [1, 2, 3, 4, 5]
    scores = [s.score for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 < s <= 1.0 for s in scores)
    assert len(set(groups(suggestions))) == 5
    assert groups(suggestions)[0] == "8341"
    assert len(index.suggest("Operadores de maquinaria agrícola", top=2)) == 2
    assert index.suggest("Operadores de maquinaria agrícola", top=0) == []


@shared_data
@pytest.mark.parametrize("title", ["", "   ", "de la y en", "xqzw"])
def test_no_suggestion_for_a_title_without_content(index: OccupationIndex, title: str) -> None:
    assert index.suggest(title) == []


@shared_data
def test_the_regional_title_vocabulary_expands_latin_american_words(
    index: OccupationIndex,
) -> None:
    # "capturista" is Mexican for the data entry clerk that ESCO's Spanish calls "grabador de datos"
    assert groups(index.suggest("Capturista de datos"))[0] == "4132"
    plain = OccupationIndex(index.reference, vocabulary=())
    assert "4132" not in groups(plain.suggest("Capturista", top=3))
    assert groups(plain.suggest("Grabador de datos"))[0] == "4132"


def _variant(index: OccupationIndex, **changes: float) -> OccupationIndex:
    """The same reference indexed with some parameters changed."""
    return OccupationIndex(index.reference, params=replace(SuggestParams(), **changes))


@shared_data
def test_cuoc_titles_name_the_unit_groups_they_extend(index: OccupationIndex) -> None:
    titles = index.reference.national_titles
    assert "Soldadores y oxicortadores" in titles["7212"]  # CUOC 7212 and its occupation 72120
    assert "Administradores de propiedad horizontal" not in titles["7212"]
    assert all(len(group) == 4 for group in titles)
    # CUOC's own groups (7331 Tejedores con telares, no ISCO-08 7331) are not unit groups
    assert "7331" not in titles
    assert not any("Tejedores con telares" in t for ts in titles.values() for t in ts)
    # "propiedad horizontal" is Colombian: no ESCO or CIUO-08 label says it
    title = "Administrador de propiedad horizontal"
    assert groups(index.suggest(title))[0] == "1439"
    assert groups(_variant(index, national_title_weight=0.0).suggest(title))[0] != "1439"


@shared_data
def test_english_cognates_reach_a_group_its_spanish_labels_miss(index: OccupationIndex) -> None:
    # ESCO's Spanish labels of 5169 say "acompañante remunerado"; its English ones "prostitute"
    assert groups(index.suggest("prostituta")) == ["5169"]
    assert _variant(index, cognate_weight=0.0).suggest("prostituta") == []


@shared_data
def test_residual_titles_meet_residual_groups(index: OccupationIndex) -> None:
    assert groups(index.suggest("Otros profesionales de la enseñanza"))[0] == "2359"
    found = index.suggest("Otros operadores de máquinas, no clasificados anteriormente")
    assert groups(found)[0] == "8189"  # Operadores de máquinas … no clasificados bajo otros …


@shared_data
def test_skill_labels_shift_weight_from_task_words_to_role_nouns(index: OccupationIndex) -> None:
    assert len(index.reference.skill_labels) > 13_000
    plain = _variant(index, specificity_weight=0.0)

    def idf(of: OccupationIndex, word: str) -> float:
        text = of._text
        return float(text.idf[text.vocabulary[of.analyzer.terms(word)[0]]])

    for task_word in ("manejar", "utilizar", "problema"):
        assert idf(index, task_word) < idf(plain, task_word)
    for role_noun in ("jefe", "técnico", "operario"):
        assert idf(index, role_noun) > idf(plain, role_noun)


@shared_data
def test_text_suggestion_does_not_use_the_crosswalks(index: OccupationIndex) -> None:
    """The SINCO title of a crosswalk row is not looked up: without ESCO / CIUO-08 labels that
    say it, the answer is not found (the benchmark's gold comes from that table)."""
    without_links = OccupationIndex(replace(index.reference, links=[]))
    for title in ("Trabajadores en la preparación de fibras e hilados", "Soldadores", "Mesero"):
        assert without_links.suggest(title) == index.suggest(title)


# ------------------------------------------------------------------------------ codes


@shared_data
def test_a_cuoc_occupation_extends_its_isco_unit_group(index: OccupationIndex) -> None:
    (found,) = index.for_code("CUOC", "72120")
    assert (found.isco08_unit_group, found.score, found.rank) == ("7212", 1.0, 1)
    assert "CUOC" in found.via
    assert found.label == "Soldadores y oxicortadores"
    assert groups(index.for_code("cuoc2022", "7212")) == ["7212"]


@shared_data
def test_a_cuoc_only_group_reaches_the_unit_groups_of_its_isco_parent(
    index: OccupationIndex,
) -> None:
    found = index.for_code("CUOC", "7331")  # Tejedores con telares: no ISCO-08 7331
    assert found
    assert all(g.startswith("73") for g in groups(found))
    assert all(s.score == 0.5 for s in found)


@shared_data
def test_a_sinco_code_goes_through_the_explicit_crosswalk_row(index: OccupationIndex) -> None:
    (found,) = index.for_code("SINCO", "7212")
    assert (found.isco08_unit_group, found.score) == ("7212", 1.0)
    assert found.via == "SINCO → ISCO-08 (explicit)"
    # SINCO 1111 → CIUO-08 1112 (a different code: no prefix rule could find it)
    assert groups(index.for_code("SINCO", "1111")) == ["1112"]


@shared_data
def test_an_inferred_crosswalk_row_scores_lower(index: OccupationIndex) -> None:
    (found,) = index.for_code("SINCO", "1132")  # merged_cell_inferred → 1114
    assert (found.isco08_unit_group, found.score) == ("1114", 0.7)
    assert "merged_cell_inferred" in found.via


@shared_data
def test_a_cno_code_is_chained_through_sinco(index: OccupationIndex) -> None:
    found = index.for_code("CNO-MX", "0825-01")  # the CNO code EC0249 (consultoría) cites
    assert "2421" in groups(found)  # analistas de gestión y organización
    assert all(s.score == 0.8 for s in found)
    assert all("SINCO" in s.via for s in found)


@shared_data
def test_isco_and_ciuo_cl_codes_are_direct(index: OccupationIndex) -> None:
    assert [(s.isco08_unit_group, s.score) for s in index.for_code("ISCO-08", "7212")] == [
        ("7212", 1.0)
    ]
    assert groups(index.for_code("CIUO-08.CL", "3123")) == ["3123"]
    minor = index.for_code("CIUO-08", "721")
    assert groups(minor) == ["7211", "7212", "7213", "7214", "7215"]
    assert {s.score for s in minor} == {0.5}


@shared_data
def test_an_esco_occupation_gives_its_group(index: OccupationIndex) -> None:
    assert groups(index.for_code("ESCO", PIPE_WELDER)) == ["7212"]
    assert groups(index.for_code("ESCO", PIPE_WELDER.rsplit("/", 1)[1])) == ["7212"]


@shared_data
def test_unknown_codes_give_nothing_and_unknown_schemes_are_errors(
    index: OccupationIndex,
) -> None:
    assert index.for_code("SINCO", "0000") == []
    assert index.for_code("CUOC", "") == []
    with pytest.raises(InputError) as caught:
        index.for_code("NOC-2021", "7237")
    assert caught.value.code == "unknown-scheme"


# ------------------------------------------------------------------------------ standards


@shared_data
def test_a_standard_gets_its_code_groups_first_then_text(index: OccupationIndex) -> None:
    found = index.for_standard(
        "Capataz de obras de construcción", chile_code="P-4100-3123-002-V02", top=4
    )
    assert len(found) == 4
    assert found[0].isco08_unit_group == "3123"
    assert found[0].via.startswith("ChileValora code P-4100-3123-002-V02")
    assert found[0].esco_uri is not None  # the best ESCO occupation of 3123 for the title
    assert [s.rank for s in found] == [1, 2, 3, 4]
    assert all(s.via == "text" for s in found[1:])
    assert "3123" not in groups(found[1:])


@shared_data
def test_a_declared_code_comes_before_the_chilean_one(index: OccupationIndex) -> None:
    found = index.for_standard(
        "Soldador de tuberías", "SINCO", "7212", chile_code="P-4100-3123-002-V02", top=3
    )
    assert groups(found)[:2] == ["7212", "3123"]
    assert found[0].esco_uri == PIPE_WELDER


@shared_data
def test_a_standard_without_code_is_suggested_from_its_title(index: OccupationIndex) -> None:
    assert index.for_standard("Mesero", top=3) == index.suggest("Mesero", top=3)


# ------------------------------------------------------------------------------ text analysis


def test_residual_wording_becomes_one_marker_after_the_head() -> None:
    def marked(text: str) -> list[str]:
        return residual_words(words(text))

    assert marked("Otros trabajadores artesanales, no clasificados anteriormente") == [
        "trabajadores",
        "artesanales",
        "nec",
    ]
    ciuo = marked(
        "Técnicos en ciencias físicas y en ingeniería no clasificados bajo otros epígrafes"
    )
    assert ciuo[0] == "tecnicos"
    assert ciuo[-1] == "nec"
    assert "epigrafes" not in ciuo
    cuoc = marked("Otros vendedores no clasificados en otros grupos primarios")
    assert cuoc == ["vendedores", "nec"]
    assert marked("Otras ocupaciones elementales") == ["ocupaciones", "elementales", "nec"]
    # "otros" inside a title is no residual group
    inside = words("Jefes de servicios funerarios y otros servicios")
    assert marked("Jefes de servicios funerarios y otros servicios") == inside


def test_coordinated_heads_become_single_occupations() -> None:
    assert coordinated_parts("Pintores y barnizadores de madera") == (
        "pintores de madera",
        "barnizadores de madera",
    )
    assert coordinated_parts("Albañiles, mamposteros y afines") == ("albañiles", "mamposteros")
    assert coordinated_parts("Directores y gerentes de ventas, comercialización y alquiler") == (
        "directores de ventas comercializacion y alquiler",
        "gerentes de ventas comercializacion y alquiler",
    )
    assert coordinated_parts("Soldador de tuberías") == ()
    assert coordinated_parts("Choferes vendedores") == ()


def test_cut_stems_join_derived_words() -> None:
    cut = TitleAnalyzer(Analyzer(), (), prefix=7)
    whole = TitleAnalyzer(Analyzer(), ())
    for a, b in (
        ("panadero", "panadería"),
        ("metalúrgico", "metalurgia"),
        ("hotelero", "hotelería"),
    ):
        assert cut.terms(a) == cut.terms(b)
        assert whole.terms(a) != whole.terms(b)
    assert cut.terms("soldadora") == cut.terms("soldadores")  # still joins gender and number
    assert cut.cognate_words("Trabajadores dedicados a la prostitución") == (
        "trabaja",
        "dedicad",
        "prostit",
    )


def test_a_hand_built_reference_indexes_cuoc_titles_and_their_coordinated_parts() -> None:
    reference = OccupationReference(
        groups={
            "9333": {"es": "Peones de carga", "en": "Freight handlers"},
            "9329": {
                "es": "Peones de la industria manufacturera no clasificados bajo otros epígrafes",
                "en": "Manufacturing labourers not elsewhere classified",
            },
            "7512": {"es": "Panaderos, pasteleros y confiteros", "en": "Bakers"},
        },
        national_titles={"9333": ["Obreros y estibadores portuarios"]},
    )
    index = OccupationIndex(reference)
    assert index.size["labels"] == 3 + 1 + 2 + 3  # titles, CUOC title, their coordinated parts
    assert groups(index.suggest("estibador"))[0] == "9333"  # only the CUOC title says it
    assert groups(index.suggest("Otros peones, no clasificados anteriormente"))[0] == "9329"
    best = index.suggest("Pastelera")[0]
    assert (best.isco08_unit_group, best.esco_uri) == ("7512", None)
    without = OccupationIndex(reference, params=SuggestParams(national_title_weight=0.0))
    assert "9333" not in groups(without.suggest("estibador"))


def test_a_bare_gendered_head_takes_the_complement_of_the_other_form() -> None:
    assert gendered_forms("coordinador/coordinadora de café verde") == [
        "coordinador de café verde",
        "coordinadora de café verde",
    ]
    assert gendered_forms("soldador de tuberías/soldadora de tuberías") == [
        "soldador de tuberías",
        "soldadora de tuberías",
    ]
    assert gendered_forms("soldador/soldadora") == ["soldador", "soldadora"]
    assert gendered_forms("barman") == ["barman"]
    # a slash between two different words is no gendered pair
    assert gendered_forms("director de ventas/marketing") == ["director de ventas", "marketing"]


def test_english_words_keep_content_words() -> None:
    assert english_words("Manufacturing labourers not elsewhere classified") == (
        "manufacturing",
        "labourers",
        "not",
        "elsewhere",
        "classified",
    )
    assert english_words("Head of the IT department", 7) == ("head", "departm")
    assert english_words("café owner") == ("cafe", "owner")  # folded like Spanish


def test_chile_codes_embed_a_ciuo_code() -> None:
    assert ciuo_of_chile_code("P-4100-3123-002-V02") == "3123"
    assert ciuo_of_chile_code("U-4711-5222-004-V02") == "5222"
    assert ciuo_of_chile_code("POMOF012") is None


def test_concept_iris_give_their_classification_and_code() -> None:
    assert concept_code("http://data.europa.eu/esco/isco/C7212") == ("ISCO-08", "7212")
    assert concept_code("https://w3id.org/equivalence/id/classification/cno-mx/0825-01") == (
        "CNO-MX",
        "0825-01",
    )
    assert concept_code("http://example.org/x") is None


# ------------------------------------------------------------------------------ sample data


def test_the_sample_reference_data_is_enough_to_suggest(sample_index: OccupationIndex) -> None:
    assert sample_index.size["unit groups"] == 5
    (best, *_) = sample_index.suggest("cajera")
    assert (best.isco08_unit_group, best.esco_uri) == ("5230", CASHIER)
    (best, *_) = sample_index.suggest("Formadora para empresas")
    assert (best.isco08_unit_group, best.esco_uri) == ("2424", CORPORATE_TRAINER)
    (best, *_) = sample_index.suggest("Limpiador de oficinas")
    assert (best.isco08_unit_group, best.esco_uri) == ("9112", None)  # the CIUO-08 title only


def test_without_crosswalks_a_cuoc_code_still_extends_its_group(
    sample_index: OccupationIndex,
) -> None:
    (found,) = sample_index.for_code("CUOC", "52300")
    assert (found.isco08_unit_group, found.score) == ("5230", 1.0)


# ------------------------------------------------------------------------------ batch files


def _results() -> list[tuple[str, list[OccupationSuggestion]]]:
    weld = OccupationSuggestion(1, "7212", PIPE_WELDER, "Soldadores y oxicortadores", 0.9123)
    other = OccupationSuggestion(2, "3115", None, "Técnicos en ingeniería mecánica", 0.41)
    return [("Soldador, de tuberías", [weld, other]), ("", [])]


def test_the_csv_has_exactly_the_batch_columns() -> None:
    out = io.StringIO()
    assert write_suggestions_csv(_results(), out) == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["title", "rank", "isco08_unit_group", "esco_uri", "score"]
    assert tuple(rows[0]) == BATCH_COLUMNS
    assert rows[1] == ["Soldador, de tuberías", "1", "7212", PIPE_WELDER, "0.9123"]
    assert rows[2] == ["Soldador, de tuberías", "2", "3115", "", "0.4100"]
    assert len(rows) == 3


def test_json_and_text_output() -> None:
    data = json.loads(suggestions_to_json(_results()))
    assert data[0]["title"] == "Soldador, de tuberías"
    assert data[0]["suggestions"][0]["isco08_unit_group"] == "7212"
    assert data[0]["suggestions"][1]["esco_uri"] is None
    assert data[1] == {"title": "", "suggestions": []}
    text = format_suggestions_text(_results())
    assert "1. 7212 Soldadores y oxicortadores (0.91)" in text
    assert "(no suggestion)" in text


def test_a_batch_file_is_read_by_its_title_column(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text('id,title\n1,Mesero\n2,"Soldador, de tuberías"\n3,\n', encoding="utf-8")
    assert read_batch_titles(path) == ["Mesero", "Soldador, de tuberías", ""]


def test_a_batch_file_without_a_title_column_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("name\nMesero\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_batch_titles(path)
    assert caught.value.code == "missing-column"
    assert caught.value.file == str(path)
    assert caught.value.line == 1
    assert "title" in str(caught.value)


def test_a_missing_or_malformed_batch_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_batch_titles(tmp_path / "absent.csv")
    path = tmp_path / "latin1.csv"
    path.write_bytes("title\nCamarero de barra\nPe\xf1a\n".encode("latin-1"))
    with pytest.raises(InputError) as caught:
        read_batch_titles(path)
    assert caught.value.code == "encoding"
    assert caught.value.line == 3


@shared_data
def test_a_batch_runs_every_title_in_order(index: OccupationIndex, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("title\nMesero\n\nSoldador de tuberías\n", encoding="utf-8")
    results = list(index.suggest_batch(read_batch_titles(path), top=2))
    assert [title for title, _ in results] == ["Mesero", "Soldador de tuberías"]
    assert [groups(s)[0] for _, s in results] == ["5131", "7212"]
    out = io.StringIO()
    assert write_suggestions_csv(results, out) == 4
