"""SINCO 2011, CUOC 2022 and the SINCO crosswalks on the real data, and on malformed files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Store

from equivalence.errors import InputError
from equivalence.io.base import LoadedSource
from equivalence.io.classifications import read_classifications
from equivalence.vocab import GRAPH, OCCUPATION_SCHEMES

pytestmark = pytest.mark.shared_data

PREFIXES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX eq: <https://w3id.org/equivalence/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
SINCO = OCCUPATION_SCHEMES["SINCO"]
CUOC = OCCUPATION_SCHEMES["CUOC"]
CNO = OCCUPATION_SCHEMES["CNO-MX"]
ISCO = OCCUPATION_SCHEMES["ISCO-08"]
CIUO_FILE = "crosswalks/sinco2011_to_ciuo08.csv"
CNO_FILE = "crosswalks/sinco2011_to_cno_mx.csv"


@pytest.fixture(scope="module")
def sources(data_dir: Path) -> dict[str, LoadedSource]:
    return {src.path.name: src for src in read_classifications(data_dir)}


@pytest.fixture(scope="module")
def store(sources: dict[str, LoadedSource]) -> Store:
    st = Store()
    for src in sources.values():
        st.extend(src.quads)
    return st


def select(store: Store, query: str) -> list[tuple[object, ...]]:
    solutions = store.query(PREFIXES + query, use_default_graph_as_union=True)
    return [tuple(s) for s in solutions]  # type: ignore[union-attr]


def value(term: object) -> str:
    assert isinstance(term, Literal | NamedNode)
    return term.value


# ------------------------------------------------------------------------ structures


def test_counts(sources: dict[str, LoadedSource]) -> None:
    assert list(sources) == [
        "sinco2011_structure.csv",
        "cuoc2022_structure.csv",
        "sinco2011_to_ciuo08.csv",
        "sinco2011_to_cno_mx.csv",
    ]
    assert sources["sinco2011_structure.csv"].counts == {"SINCO 2011 concepts": 686}
    cuoc = sources["cuoc2022_structure.csv"].counts
    assert cuoc["CUOC 2022 concepts"] == 1322
    # Every CUOC concept is linked to ISCO-08, same-code groups by closeMatch (all 619 ISCO-08
    # groups), the others (678 occupations, 25 CUOC-only groups) by broadMatch.
    assert cuoc["CUOC → ISCO-08 closeMatch"] == 619
    assert cuoc["CUOC → ISCO-08 broadMatch"] == 678 + 25


def test_cuoc_levels_and_broader(store: Store) -> None:
    rows = select(
        store,
        f"""SELECT ?level (COUNT(?c) AS ?n) {{
            GRAPH <{GRAPH.classifications.value}> {{
                ?c skos:inScheme <{CUOC.scheme.value}> ; skos:notation ?code }}
            BIND(STRLEN(?code) AS ?level)
        }} GROUP BY ?level ORDER BY ?level""",
    )
    assert [(int(value(level)), int(value(n))) for level, n in rows] == [
        (1, 10),
        (2, 43),
        (3, 136),
        (4, 455),
        (5, 678),
    ]
    rows = select(
        store,
        f"""SELECT ?label ?parent {{ <{CUOC.concept("01100").value}> skos:prefLabel ?label ;
            skos:broader ?parent }}""",
    )
    assert rows == [
        (Literal("Oficiales de las fuerzas militares", language="es"), CUOC.concept("0110"))
    ]
    tops = select(store, f"SELECT ?t {{ <{CUOC.scheme.value}> skos:hasTopConcept ?t }}")
    assert len(tops) == 10


def test_cuoc_links_to_isco(store: Store) -> None:
    def links(code: str) -> set[tuple[str, str]]:
        rows = select(
            store,
            f"""SELECT ?p ?o {{ GRAPH <{GRAPH.crosswalks.value}> {{
                <{CUOC.concept(code).value}> ?p ?o }} }}""",
        )
        return {(value(p).rsplit("#", 1)[1], value(o)) for p, o in rows}

    assert links("0110") == {("closeMatch", ISCO.concept("0110").value)}
    assert links("01100") == {("broadMatch", ISCO.concept("0110").value)}
    # 7331 "Tejedores con telares" and its group 733 are CUOC's own: the nearest ISCO group is 73.
    assert links("7331") == {("broadMatch", ISCO.concept("73").value)}
    assert links("73310") == {("broadMatch", ISCO.concept("73").value)}


def test_sinco_structure(store: Store) -> None:
    rows = select(
        store,
        f"""SELECT ?label ?parent ?row {{
            <{SINCO.concept("1111").value}> skos:inScheme <{SINCO.scheme.value}> ;
                skos:prefLabel ?label ; skos:broader ?parent ; prov:wasDerivedFrom ?r .
            ?r eq:sourceFile "crosswalks/sinco2011_structure.csv" ; eq:sourceRow ?row }}""",
    )
    assert rows == [
        (
            Literal("Altas autoridades gubernamentales y jurisdiccionales", language="es"),
            SINCO.concept("111"),
            Literal("5", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        )
    ]


# ------------------------------------------------------------------------ crosswalks


def crosswalk_records(store: Store, file: str, row: int) -> list[tuple[object, ...]]:
    return select(
        store,
        f"""SELECT ?relation ?subject ?p ?o {{
            GRAPH <{GRAPH.crosswalks.value}> {{
                ?r eq:sourceFile "{file}" ; eq:sourceRow {row} ;
                   eq:crosswalkRelation ?relation ; dcterms:subject ?subject .
                OPTIONAL {{ ?r a rdf:Statement ; rdf:predicate ?p ; rdf:object ?o . ?subject ?p ?o }}
            }}
        }}""",
    )


def test_sinco_to_ciuo_explicit_row(store: Store) -> None:
    # line 5: 1121,Presidentes y directores generales en instituciones públicas,1112,…,explicit
    rows = crosswalk_records(store, CIUO_FILE, 5)
    close = NamedNode("http://www.w3.org/2004/02/skos/core#closeMatch")
    assert rows == [(Literal("explicit"), SINCO.concept("1121"), close, ISCO.concept("1112"))]


def test_sinco_to_ciuo_no_correspondence_keeps_a_record_but_maps_nothing(store: Store) -> None:
    # line 7: 1129,"Otros presidentes y directores generales, …",,,no_correspondence
    rows = crosswalk_records(store, CIUO_FILE, 7)
    assert rows == [(Literal("no_correspondence"), SINCO.concept("1129"), None, None)]
    mappings = select(
        store,
        f"""SELECT ?o {{ <{SINCO.concept("1129").value}> skos:closeMatch|skos:exactMatch ?o .
            FILTER(STRSTARTS(STR(?o), "{ISCO.concept("").value}")) }}""",
    )
    assert mappings == []


def test_sinco_to_ciuo_counts(sources: dict[str, LoadedSource]) -> None:
    counts = sources["sinco2011_to_ciuo08.csv"].counts
    assert counts["crosswalk rows"] == 666
    assert counts["explicit rows"] == 602
    assert counts["merged_cell_inferred rows"] == 35
    assert counts["no_correspondence rows"] == 26
    assert counts["blank_in_source rows"] == 3
    # 9 explicit rows carry a note instead of a target code.
    assert counts["SINCO → CIUO-08 closeMatch"] == 602 + 35 - 9


def test_sinco_to_ciuo_restores_a_lost_leading_zero(store: Store) -> None:
    # line 389: 5411,Trabajadores de la fuerza armada aérea,310,Otros miembros de las fuerzas armadas
    rows = crosswalk_records(store, CIUO_FILE, 389)
    close = NamedNode("http://www.w3.org/2004/02/skos/core#closeMatch")
    assert rows == [(Literal("explicit"), SINCO.concept("5411"), close, ISCO.concept("0310"))]


def test_sinco_to_cno(sources: dict[str, LoadedSource], store: Store) -> None:
    counts = sources["sinco2011_to_cno_mx.csv"].counts
    assert counts["crosswalk rows"] == 799
    assert counts["SINCO → CNO-MX closeMatch"] == 678 + 33
    # line 107: 2111,…,0825-01,Consultores en sistemas administrativos,explicit
    rows = crosswalk_records(store, CNO_FILE, 107)
    close = NamedNode("http://www.w3.org/2004/02/skos/core#closeMatch")
    assert rows == [(Literal("explicit"), SINCO.concept("2111"), close, CNO.concept("0825-01"))]
    concept = select(
        store,
        f"""SELECT ?label ?code {{ GRAPH <{GRAPH.classifications.value}> {{
            <{CNO.concept("0825-01").value}> skos:prefLabel ?label ; skos:notation ?code ;
                skos:inScheme <{CNO.scheme.value}> }} }}""",
    )
    assert concept == [
        (Literal("Consultores en sistemas administrativos", language="es"), Literal("0825-01"))
    ]
    # line 432: the code "122-02" lost its first digit; its title identifies 1122-02.
    rows = crosswalk_records(store, CNO_FILE, 432)
    assert rows == [(Literal("explicit"), SINCO.concept("5313"), close, CNO.concept("1122-02"))]


def test_graphs(sources: dict[str, LoadedSource]) -> None:
    for name in ("sinco2011_structure.csv",):
        assert {q.graph_name for q in sources[name].quads} == {GRAPH.classifications}
    close = NamedNode("http://www.w3.org/2004/02/skos/core#closeMatch")
    for name in ("sinco2011_to_ciuo08.csv", "sinco2011_to_cno_mx.csv", "cuoc2022_structure.csv"):
        graphs = {q.graph_name for q in sources[name].quads if q.predicate == close}
        assert graphs == {GRAPH.crosswalks}, name


# ------------------------------------------------------------------------ malformed input


def data_copy(data_dir: Path, root: Path) -> Path:
    for rel in (
        "crosswalks/sinco2011_structure.csv",
        "co/cuoc2022_structure.csv",
        "crosswalks/sinco2011_to_ciuo08.csv",
        "crosswalks/sinco2011_to_cno_mx.csv",
        "esco/v1.1.1-en/ISCOGroups_en.csv",
    ):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(data_dir / rel, root / rel)
    return root


def consume(root: Path) -> None:
    for _ in read_classifications(root):
        pass


def test_missing_column(tmp_path: Path, data_dir: Path) -> None:
    root = data_copy(data_dir, tmp_path)
    path = root / "co/cuoc2022_structure.csv"
    path.write_text("code,title\r\n0,FUERZAS MILITARES\r\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        consume(root)
    assert (info.value.file, info.value.line) == (str(path), 1)
    assert "level" in info.value.message


def test_non_utf8(tmp_path: Path, data_dir: Path) -> None:
    root = data_copy(data_dir, tmp_path)
    path = root / CIUO_FILE
    lines = path.read_bytes().split(b"\r\n")
    lines[9] = lines[9].replace("é".encode(), b"\xe9")  # a Latin-1 byte on line 10
    assert b"\xe9" in lines[9]
    path.write_bytes(b"\r\n".join(lines))
    with pytest.raises(InputError) as info:
        consume(root)
    assert (info.value.file, info.value.line) == (str(path), 10)
    assert str(info.value).startswith(f"{path}, line 10: not valid UTF-8")


def test_unknown_relation(tmp_path: Path, data_dir: Path) -> None:
    root = data_copy(data_dir, tmp_path)
    path = root / CNO_FILE
    text = path.read_text(encoding="utf-8").replace(",blank_in_source,", ",maybe,", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        consume(root)
    assert (info.value.line, info.value.column) == (3, "relation")


def test_level_that_does_not_match_the_code(tmp_path: Path, data_dir: Path) -> None:
    root = data_copy(data_dir, tmp_path)
    path = root / "crosswalks/sinco2011_structure.csv"
    path.write_text("code,level,title\r\n1,1,Funcionarios\r\n11,3,Altos\r\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        consume(root)
    assert (info.value.line, info.value.column) == (3, "level")
