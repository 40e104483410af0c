"""The national readers (CONOCER, SENA, ChileValora, Peru) on the real data folder."""

from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pyoxigraph import Store

from equivalence import vocab
from equivalence.errors import InputError
from equivalence.io.base import LoadedSource
from equivalence.io.chile import read_chile
from equivalence.io.conocer import parse_ec_sheet, read_conocer
from equivalence.io.peru import CODELESS_NOTE, read_peru
from equivalence.io.sena import read_sena

pytestmark = pytest.mark.shared_data

PREFIXES = """
PREFIX eq: <https://w3id.org/equivalence/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

READERS: dict[str, Callable[[Path], Iterator[LoadedSource]]] = {
    "MX": read_conocer,
    "CO": read_sena,
    "CL": read_chile,
    "PE": read_peru,
}


@pytest.fixture(scope="module")
def sources(data_dir: Path) -> dict[str, list[LoadedSource]]:
    return {country: list(read(data_dir)) for country, read in READERS.items()}


@pytest.fixture(scope="module")
def store(sources: dict[str, list[LoadedSource]]) -> Store:
    store = Store()
    store.extend([q for loaded in sources.values() for s in loaded for q in s.quads])
    return store


def rows(store: Store, query: str) -> list[dict[str, str]]:
    """Runs a SELECT over all graphs (union) and returns each solution as plain strings."""
    result = store.query(PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [
        {n: s[n].value for n in names if s[n] is not None}
        for s in result  # type: ignore[union-attr]
    ]


def one(store: Store, query: str) -> str:
    found = rows(store, query)
    assert len(found) == 1, found
    return next(iter(found[0].values()))


def count(store: Store, query: str) -> int:
    return int(one(store, query))


MX = "https://w3id.org/equivalence/id/MX/standard/"


# --------------------------------------------------------------------------------------------
# Every reader


def test_one_source_per_file_and_fast(data_dir: Path) -> None:
    expected = {"MX": 3, "CO": 2, "CL": 2, "PE": 1}
    for country, read in READERS.items():
        start = time.perf_counter()
        loaded = list(read(data_dir))
        assert time.perf_counter() - start < 2.0, country
        assert len(loaded) == expected[country]
        graph = vocab.country_graph(country)
        for source in loaded:
            assert source.quads, source.name
            assert all(q.graph_name == graph for q in source.quads), source.name


def test_every_standard_unit_and_criterion_has_its_row(store: Store) -> None:
    missing = rows(
        store,
        """SELECT ?s WHERE {
             { ?s a eq:CompetencyStandard } UNION { ?s a eq:CompetencyUnit }
             UNION { ?s a eq:PerformanceCriterion }
             FILTER NOT EXISTS { ?s prov:wasDerivedFrom/eq:sourceRow ?row }
           }""",
    )
    assert missing == []


def test_one_preferred_label_per_resource(store: Store) -> None:
    assert (
        rows(
            store,
            """SELECT ?s WHERE { ?s skos:prefLabel ?l } GROUP BY ?s
               HAVING (COUNT(DISTINCT ?l) > 1)""",
        )
        == []
    )


def test_standards_per_country(store: Store) -> None:
    found = {
        r["c"].rsplit("/", 1)[1]: int(r["n"])
        for r in rows(
            store,
            """SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a eq:CompetencyStandard ;
               eq:country ?c } GROUP BY ?c""",
        )
    }
    assert found == {"MX": 1477, "CO": 82, "CL": 45, "PE": 20}


# --------------------------------------------------------------------------------------------
# Mexico


def test_all_mexican_standards_with_their_levels(store: Store, data_dir: Path) -> None:
    register = json.loads((data_dir / "mx/conocer_register.json").read_text(encoding="utf-8"))
    by_level = Counter(int(r["nivel"]) for r in register)
    assert by_level == {1: 33, 2: 626, 3: 506, 4: 261, 5: 51}
    found = {
        int(r["l"].rsplit("/", 1)[1]): int(r["n"])
        for r in rows(
            store,
            """SELECT ?l (COUNT(DISTINCT ?s) AS ?n) WHERE {
                 ?s a eq:ConocerStandard ; eq:level ?l } GROUP BY ?l""",
        )
    }
    assert found == by_level
    assert count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a eq:ConocerStandard }") == (
        1477
    )
    assert count(
        store,
        "SELECT (COUNT(?s) AS ?n) WHERE { ?s a eq:ConocerStandard ; eq:status <https://w3id.org/equivalence/status/active> }",
    ) == (1477)


def test_a_known_mexican_standard(store: Store) -> None:
    found = rows(
        store,
        f"""SELECT ?title ?level ?committee ?sector WHERE {{
              <{MX}EC0001> dcterms:identifier "EC0001" ; skos:prefLabel ?title ; eq:level ?level ;
                eq:certifyingBody <https://w3id.org/equivalence/body/CONOCER> ;
                eq:committee/skos:prefLabel ?committee ; eq:sector/skos:prefLabel ?sector }}""",
    )
    assert found == [
        {
            "title": "Prestación de servicios de traducción de textos de lengua española a lengua "
            "indígena y viceversa en el ámbito de procuración y administración de justicia",
            "level": "https://w3id.org/equivalence/level/MX/2",
            "committee": "Comité de Atención de Asuntos Indígenas",
            "sector": "SERVICIOS PROFESIONALES, CIENTÍFICOS Y TÉCNICOS",
        }
    ]
    # Codes written with a trailing space or NBSP in the register are normalised.
    assert one(store, f"SELECT ?id WHERE {{ <{MX}EC1681> dcterms:identifier ?id }}") == "EC1681"
    assert (
        count(
            store,
            """SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a eq:ConocerStandard ; eq:sector ?c .
             ?c a eq:Sector }""",
        )
        == 20
    )
    assert (
        count(
            store,
            """SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a eq:ConocerStandard ; eq:committee ?c }""",
        )
        == 313
    )  # 314 names in the register, two spellings of one committee (a comma)


def test_ec0217_01_elements_and_criteria(store: Store) -> None:
    std = f"{MX}EC0217.01"
    units = rows(
        store,
        f"""SELECT ?code ?order WHERE {{ <{std}> eq:hasUnit ?u . ?u a eq:ConocerElement ;
              dcterms:identifier ?code ; eq:order ?order }} ORDER BY ?order""",
    )
    assert [u["code"] for u in units] == ["E01", "E02", "E03"]
    kinds = {
        (r["code"], r["kind"].rsplit("/", 1)[1]): int(r["n"])
        for r in rows(
            store,
            f"""SELECT ?code ?kind (COUNT(?c) AS ?n) WHERE {{ <{std}> eq:hasUnit ?u .
                  ?u dcterms:identifier ?code ; eq:hasCriterion ?c . ?c eq:criterionKind ?kind }}
                GROUP BY ?code ?kind""",
        )
    }
    # The JSON: E01 7 PERFORMANCE/PRODUCT + 5 KNOWLEDGE; E02 10 PERFORMANCE/DESEMPEÑO +
    # 4 KNOWLEDGE; E03 4 PERFORMANCE/DESEMPEÑO + 2 PERFORMANCE/PRODUCT + 3 KNOWLEDGE.
    assert kinds == {
        ("E01", "producto"): 7,
        ("E01", "conocimiento"): 5,
        ("E02", "desempeno"): 10,
        ("E02", "conocimiento"): 4,
        ("E03", "desempeno"): 4,
        ("E03", "producto"): 2,
        ("E03", "conocimiento"): 3,
    }
    assert sum(kinds.values()) == 35
    assert one(store, f"SELECT ?d WHERE {{ <{std}> eq:validFrom ?d }}") == "2012-08-01"
    assert one(store, f"SELECT ?v WHERE {{ <{std}> eq:version ?v }}") == "1.0"
    criterion = vocab.criterion_iri("MX", "EC0217.01", "E01", "KC01").value
    assert one(store, f"SELECT ?l WHERE {{ <{criterion}> skos:prefLabel ?l }}") == (
        "Dominios de aprendizaje: cognitivo, afectivo y psicomotriz."
    )


# Counted by hand in mx/EC0249_ficha.txt (section III):
# E0875: DESEMPEÑOS 1, PRODUCTOS 8, CONOCIMIENTOS 5, ACTITUDES 2 = 16
# E0876: PRODUCTOS 2, ACTITUDES 1 = 3
# E0877: DESEMPEÑOS 1, PRODUCTOS 5, ACTITUDES 2 = 8
EC0249_KINDS = {
    ("E0875", "desempeno"): 1,
    ("E0875", "producto"): 8,
    ("E0875", "conocimiento"): 5,
    ("E0875", "actitud"): 2,
    ("E0876", "producto"): 2,
    ("E0876", "actitud"): 1,
    ("E0877", "desempeno"): 1,
    ("E0877", "producto"): 5,
    ("E0877", "actitud"): 2,
}


def test_ec0249_sheet_parsed(store: Store, data_dir: Path) -> None:
    sheet = parse_ec_sheet(data_dir / "mx/EC0249_ficha.txt")
    assert (sheet.code, sheet.level, sheet.line) == ("EC0249", 5, 6)
    assert sheet.title == "Proporcionar servicios de consultoría general"
    assert sheet.purpose.startswith("Servir como referente para la evaluación")
    assert sheet.description.endswith("trabajo digno y responsabilidad social.")
    assert [(e.code, e.order, len(e.criteria)) for e in sheet.elements] == [
        ("E0875", 1, 16),
        ("E0876", 2, 3),
        ("E0877", 3, 8),
    ]
    assert (
        sheet.elements[1].title
        == "Desarrollar opciones de solución a la situación / problema planteado"
    )
    assert [o[0] for o in sheet.occupations] == ["0825-01"]
    assert sheet.scian_classes == ["541610", "541690"]

    std = f"{MX}EC0249"
    kinds = {
        (r["code"], r["kind"].rsplit("/", 1)[1]): int(r["n"])
        for r in rows(
            store,
            f"""SELECT ?code ?kind (COUNT(?c) AS ?n) WHERE {{ <{std}> eq:hasUnit ?u .
                  ?u dcterms:identifier ?code ; eq:hasCriterion ?c . ?c eq:criterionKind ?kind }}
                GROUP BY ?code ?kind""",
        )
    }
    assert kinds == EC0249_KINDS
    occupation = vocab.occupation_concept_iri("CNO-MX", "0825-01").value
    assert rows(store, f"SELECT ?o WHERE {{ <{std}> eq:occupation ?o }}") == [{"o": occupation}]
    facts = rows(
        store,
        f"""SELECT ?level ?from ?validity ?committee WHERE {{ <{std}> eq:level ?level ;
              eq:validFrom ?from ; eq:certificateValidity ?validity ;
              eq:committee/skos:prefLabel ?committee }}""",
    )
    assert facts == [
        {
            "level": "https://w3id.org/equivalence/level/MX/5",
            "from": "2012-10-16",
            "validity": "P4Y",
            "committee": "Comité del Sector de Consultoría",
        }
    ]
    # The last product of E0875 keeps its bullets, page break included.
    p8 = vocab.criterion_iri("MX", "EC0249", "E0875", "P8").value
    label = one(store, f"SELECT ?l WHERE {{ <{p8}> skos:prefLabel ?l }}")
    assert label.startswith("El reporte elaborado de la visita de campo:\n• Muestra el objetivo")
    c3 = vocab.criterion_iri("MX", "EC0249", "E0875", "C3").value
    assert one(store, f"SELECT ?l WHERE {{ <{c3}> skos:prefLabel ?l }}") == (
        "Indicadores.\n• Concepto\n• Usos"
    )


def test_provenance_of_a_standard(store: Store, data_dir: Path) -> None:
    register = json.loads((data_dir / "mx/conocer_register.json").read_text(encoding="utf-8"))
    position = next(i for i, r in enumerate(register, start=1) if r["codigo"] == "EC0249")
    found = rows(
        store,
        f"""SELECT ?file ?row WHERE {{ <{MX}EC0249> prov:wasDerivedFrom ?r .
              ?r a eq:SourceRecord ; eq:sourceFile ?file ; eq:sourceRow ?row }}
            ORDER BY ?file""",
    )
    assert found == [
        {"file": "mx/EC0249_ficha.txt", "row": "6"},
        {"file": "mx/conocer_register.json", "row": str(position)},
    ]
    capataz = vocab.standard_iri("CL", "P-4100-3123-002-V02").value
    assert rows(
        store,
        f"""SELECT ?file ?row WHERE {{ <{capataz}> prov:wasDerivedFrom [ eq:sourceFile ?file ;
              eq:sourceRow ?row ] }}""",
    ) == [{"file": "cl/chile_profiles.csv", "row": "3"}]


# --------------------------------------------------------------------------------------------
# Colombia


def test_sena_norms(store: Store, data_dir: Path) -> None:
    import csv

    with (data_dir / "co/sena_nscl_by_program.csv").open(encoding="utf-8") as f:
        programme_codes = {r["nscl_code"] for r in csv.DictReader(f)}
    with (data_dir / "co/sena_nscl_documents.csv").open(encoding="utf-8") as f:
        document_codes = {r["code"] for r in csv.DictReader(f)}
    assert (len(programme_codes), len(document_codes)) == (60, 26)
    assert len(programme_codes & document_codes) == 3
    # 83 distinct codes, one of them the Sofía Plus placeholder of the practical stage.
    assert len(programme_codes | document_codes) == 83
    norms = {
        r["id"]
        for r in rows(store, "SELECT ?id WHERE { ?n a eq:SenaNorm ; dcterms:identifier ?id }")
    }
    assert norms == (programme_codes | document_codes) - {"999999999"}
    assert len(norms) == 82

    norm = vocab.standard_iri("CO", "220501001").value
    assert one(store, f"SELECT ?l WHERE {{ <{norm}> skos:prefLabel ?l }}") == (
        "Mantener equipos de cómputo según procedimiento técnico"
    )
    programmes = rows(store, f"SELECT ?p WHERE {{ <{norm}> eq:trainingProgramme ?p }} ORDER BY ?p")
    assert [p["p"] for p in programmes] == ["228116 v1", "233108 v1"]

    inspected = vocab.standard_iri("CO", "280101182").value
    assert rows(
        store,
        f"""SELECT ?label ?notation WHERE {{ <{inspected}> eq:committee ?c .
              ?c skos:prefLabel ?label ; skos:notation ?notation }}""",
    ) == [{"label": "SECTOR ELÉCTRICO", "notation": "80101"}]
    old = vocab.standard_iri("CO", "280101128").value
    assert rows(
        store,
        f"SELECT ?n WHERE {{ <{old}> dcterms:isReplacedBy ?n ; eq:status <https://w3id.org/equivalence/status/withdrawn> }}",
    ) == [{"n": inspected}]
    # "not stated" mesas are not committees.
    unstated = vocab.standard_iri("CO", "290201193").value
    assert rows(store, f"SELECT ?c WHERE {{ <{unstated}> eq:committee ?c }}") == []


# --------------------------------------------------------------------------------------------
# Chile


def test_chile_profiles_and_units(store: Store) -> None:
    assert count(
        store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a eq:ChileValoraProfile }"
    ) == (45)
    assert (
        count(
            store,
            """SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a eq:ChileValoraProfile ;
             skos:editorialNote ?note FILTER NOT EXISTS { ?s dcterms:identifier ?id } }""",
        )
        == 34
    )
    # 23 rows in chile_ucl.csv, two UCLs listed twice (shared by REPONEDOR and CAJERO).
    assert count(store, "SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { ?u a eq:ChileValoraUnit }") == 21
    capataz = vocab.standard_iri("CL", "P-4100-3123-002-V02").value
    units = rows(
        store,
        f"""SELECT ?code WHERE {{ <{capataz}> eq:hasUnit/dcterms:identifier ?code }}
            ORDER BY ?code""",
    )
    assert [u["code"] for u in units] == [
        "U-4100-3123-002-V02",
        "U-4100-3123-003-V02",
        "U-4100-7119-008-V01",
        "U-4100-7119-015-V03",
    ]
    assert rows(
        store, f"SELECT ?o ?isic WHERE {{ <{capataz}> eq:occupation ?o ; eq:isicCode ?isic }}"
    ) == [{"o": vocab.occupation_concept_iri("CIUO-08.CL", "3123").value, "isic": "4100"}]
    shared = vocab.unit_iri("CL", "P-4711-5230-001-V02", "U-4711-5222-004-V02").value
    assert (
        count(store, f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p eq:hasUnit <{shared}> }}") == 2
    )
    port = vocab.unit_iri("CL", "", "U-5222-8343-001-V03").value
    assert one(store, f"SELECT ?t WHERE {{ <{port}> eq:transversal ?t }}") == "true"
    old_unit = vocab.unit_iri("CL", "POMOF012", "MMT001").value
    assert count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p eq:hasUnit <{old_unit}> }}") == 1
    assert one(store, f"SELECT ?v WHERE {{ <{capataz}> eq:version ?v }}") == "V02"
    assert one(store, f"SELECT ?v WHERE {{ <{port}> eq:version ?v }}") == "3"
    panadero = vocab.standard_iri("CL", "POCS007").value
    assert one(store, f"SELECT ?l WHERE {{ <{panadero}> eq:level ?l }}") == (
        vocab.level_iri("CL", 2).value
    )


def test_codeless_profiles_have_stable_iris(data_dir: Path) -> None:
    def subjects(read: Callable[[Path], Iterator[LoadedSource]]) -> set[str]:
        return {
            str(q.subject)
            for s in read(data_dir)
            for q in s.quads
            if q.object == vocab.EQ.CompetencyStandard
        }

    assert subjects(read_chile) == subjects(read_chile)
    assert str(vocab.standard_iri("CL", "titulo-cuidador-a-primario-a")) in subjects(read_chile)
    assert str(vocab.standard_iri("PE", "titulo-productor-de-paltos")) in subjects(read_peru)


# --------------------------------------------------------------------------------------------
# Peru


def test_peru_profiles(store: Store) -> None:
    bodies = {
        r["b"].rsplit("/", 1)[1]: int(r["n"])
        for r in rows(
            store,
            """SELECT ?b (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a eq:PeruProfile ;
                 eq:certifyingBody ?b } GROUP BY ?b""",
        )
    }
    assert bodies == {"MTPE": 5, "SINEACE": 15}
    paltos = vocab.standard_iri("PE", "titulo-productor-de-paltos").value
    assert rows(
        store,
        f"""SELECT ?l ?sector WHERE {{ <{paltos}> skos:prefLabel ?l ;
              eq:sector/skos:prefLabel ?sector }}""",
    ) == [{"l": "Productor de paltos", "sector": "Agroexportación"}]
    notes = rows(store, f"SELECT ?n WHERE {{ <{paltos}> skos:editorialNote ?n }} ORDER BY ?n")
    assert [n["n"] for n in notes] == [CODELESS_NOTE, "SINEACE norma de competencia"]
    assert (
        rows(store, f"SELECT ?id ?s WHERE {{ <{paltos}> dcterms:identifier|eq:status ?id }}") == []
    )
    # A subsector is a sector of its own, narrower than the sector; the profile has both.
    cafe = vocab.standard_iri("PE", "titulo-productor-de-plantones-de-cafe").value
    assert rows(
        store,
        f"""SELECT ?sub ?sector WHERE {{ <{cafe}> eq:sector ?s1 , ?s2 .
              ?s1 skos:prefLabel ?sub ; skos:broader ?s2 . ?s2 skos:prefLabel ?sector }}""",
    ) == [{"sub": "Café", "sector": "Agrario"}]


# --------------------------------------------------------------------------------------------
# Malformed input


def _copy(data_dir: Path, tmp_path: Path, *files: str) -> Path:
    for name in files:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(data_dir / name, target)
    return tmp_path


def test_bad_json_is_an_input_error_with_its_line(data_dir: Path, tmp_path: Path) -> None:
    root = _copy(data_dir, tmp_path, "mx/conocer_register.json")
    path = root / "mx/conocer_register.json"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[20] = lines[20].replace('":', '"')  # drop a colon on line 21
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(read_conocer(root))
    assert caught.value.file == str(path)
    assert caught.value.line == 21


def test_a_bad_register_record_points_at_its_line(data_dir: Path, tmp_path: Path) -> None:
    root = _copy(data_dir, tmp_path, "mx/conocer_register.json")
    path = root / "mx/conocer_register.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"nivel": "3"', '"nivel": "9"', 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(read_conocer(root))
    # EC0002 is record 2; its object starts on line 11 of the file.
    assert (caught.value.file, caught.value.line) == (str(path), 11)
    assert caught.value.column == "nivel"


def test_a_broken_csv_row_is_an_input_error(data_dir: Path, tmp_path: Path) -> None:
    root = _copy(data_dir, tmp_path, "cl/chile_profiles.csv", "cl/chile_ucl.csv")
    path = root / "cl/chile_profiles.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = lines[4].rstrip("\n") + ",extra cell\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(read_chile(root))
    assert (caught.value.file, caught.value.line) == (str(path), 5)


def test_a_bad_nscl_code_is_an_input_error(data_dir: Path, tmp_path: Path) -> None:
    root = _copy(data_dir, tmp_path, "co/sena_nscl_by_program.csv", "co/sena_nscl_documents.csv")
    path = root / "co/sena_nscl_documents.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("210601027,", "21060102X,"), encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        list(read_sena(root))
    assert (caught.value.file, caught.value.line, caught.value.column) == (str(path), 19, "code")


def test_non_utf8_is_an_input_error(data_dir: Path, tmp_path: Path) -> None:
    root = _copy(data_dir, tmp_path, "pe/peru_profiles.csv")
    path = root / "pe/peru_profiles.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    with pytest.raises(InputError) as caught:
        list(read_peru(root))
    assert caught.value.file == str(path)
    assert caught.value.line == 3  # "Evaluación" is the first non-ASCII text


def test_a_sheet_without_elements_is_an_input_error(data_dir: Path, tmp_path: Path) -> None:
    root = _copy(data_dir, tmp_path, "mx/conocer_register.json", "mx/EC0249_ficha.txt")
    path = root / "mx/EC0249_ficha.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("1 de 3 E0875 Identificar", "E0875 Identificar"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(read_conocer(root))
    assert caught.value.file == str(path)
    assert caught.value.line == 133


@pytest.mark.parametrize("prop", ["eq:level", "eq:status", "eq:validFrom", "eq:version"])
def test_functional_properties_have_one_value(store: Store, prop: str) -> None:
    assert (
        rows(
            store,
            f"SELECT ?s WHERE {{ ?s {prop} ?v }} GROUP BY ?s HAVING (COUNT(DISTINCT ?v) > 1)",
        )
        == []
    )
