"""The ESCO importer on the real ESCO v1.1.1 / v1.0-es CSV files, and on malformed ones."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from equivalence.errors import InputError
from equivalence.io.base import LoadedSource
from equivalence.io.esco import read_esco
from equivalence.vocab import GRAPH

pytestmark = pytest.mark.shared_data

EN = "esco/v1.1.1-en"
TECH_DIRECTOR = "http://data.europa.eu/esco/occupation/00030d09-2b3a-4efd-87cc-c4ea39d27c34"
METAL_DRAWING = "http://data.europa.eu/esco/occupation/000e93a3-d956-4e45-aacb-f12c83fedf84"
THEATRE_TECHNIQUES = "http://data.europa.eu/esco/skill/fed5b267-73fa-461d-9f69-827c78beb39d"

PREFIXES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX esco: <http://data.europa.eu/esco/model#>
PREFIX eq: <https://w3id.org/equivalence/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


@pytest.fixture(scope="module")
def sources(data_dir: Path) -> dict[str, LoadedSource]:
    return {src.path.name: src for src in read_esco(data_dir)}


@pytest.fixture(scope="module")
def store(sources: dict[str, LoadedSource]) -> Store:
    st = Store()
    for src in sources.values():
        st.bulk_extend(src.quads)
    return st


def select(store: Store, query: str) -> list[tuple[object, ...]]:
    solutions = store.query(PREFIXES + query, use_default_graph_as_union=True)
    return [tuple(s) for s in solutions]  # type: ignore[union-attr]


def count(store: Store, query: str) -> int:
    ((n,),) = select(store, query)
    assert isinstance(n, Literal)
    return int(n.value)


def csv_row(path: Path, uri: str, column: str = "conceptUri") -> dict[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return next(r for r in csv.DictReader(f) if r[column] == uri)


def physical_line(path: Path, needle: str) -> int:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return next(n for n, line in enumerate(f, start=1) if needle in line)


# ------------------------------------------------------------------------ counts


def test_one_source_per_file_in_order(sources: dict[str, LoadedSource]) -> None:
    assert list(sources) == [
        "ISCOGroups_en.csv",
        "occupations_en.csv",
        "skills_en.csv",
        "skillGroups_en.csv",
        "skillsHierarchy_en.csv",
        "broaderRelationsOccPillar.csv",
        "broaderRelationsSkillPillar.csv",
        "occupationSkillRelations.csv",
        "skillSkillRelations.csv",
        "ISCOGroups_es.csv",
        "occupations_es.csv",
        "skills_es.csv",
        "skillGroups_es.csv",
    ]


def test_entity_counts(sources: dict[str, LoadedSource]) -> None:
    assert sources["occupations_en.csv"].counts == {"occupations": 3007}
    assert sources["skills_en.csv"].counts == {"skills": 13896}
    assert sources["ISCOGroups_en.csv"].counts == {"ISCO-08 groups": 619}
    assert sources["skillGroups_en.csv"].counts == {"skill groups": 640}


def test_relation_counts_split_as_the_file_says(
    sources: dict[str, LoadedSource], data_dir: Path
) -> None:
    path = data_dir / EN / "occupationSkillRelations.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        kinds = [r["relationType"] for r in csv.DictReader(f)]
    counts = sources["occupationSkillRelations.csv"].counts
    assert counts["occupation-skill relations"] == 123855 == len(kinds)
    assert counts["essential occupation-skill relations"] == kinds.count("essential") == 64946
    assert counts["optional occupation-skill relations"] == kinds.count("optional") == 58909
    assert sources["skillSkillRelations.csv"].counts["skill-skill relations"] == 5899


def test_store_counts(store: Store) -> None:
    assert count(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) { ?o a esco:Occupation }") == 3007
    assert count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s a esco:Skill }") == 13896
    isco = """SELECT (COUNT(DISTINCT ?g) AS ?n) {
        GRAPH <https://w3id.org/equivalence/graph/isco> {
            ?g a skos:Concept ; skos:inScheme <http://data.europa.eu/esco/concept-scheme/isco> }
    }"""
    assert count(store, isco) == 619
    for predicate, expected in (("relatedEssentialSkill", 64946), ("relatedOptionalSkill", 58909)):
        query = f"""SELECT (COUNT(*) AS ?n) {{
            ?r eq:sourceFile "{EN}/occupationSkillRelations.csv" ; rdf:predicate esco:{predicate} .
            ?r rdf:subject ?o ; rdf:object ?s . ?o esco:{predicate} ?s
        }}"""
        assert count(store, query) == expected


def test_spanish_labels_joined_by_concept_uri(
    sources: dict[str, LoadedSource], store: Store
) -> None:
    assert sources["occupations_es.csv"].counts["Spanish labels"] == 2939
    assert sources["skills_es.csv"].counts["Spanish labels"] == 13379
    assert sources["ISCOGroups_es.csv"].counts["Spanish labels"] == 619
    for cls, expected in (("Occupation", 2939), ("Skill", 13379)):
        query = f"""SELECT (COUNT(DISTINCT ?c) AS ?n) {{
            ?c a esco:{cls} ; skos:prefLabel ?l FILTER(lang(?l) = "es") }}"""
        assert count(store, query) == expected
    # v1.0 concepts that v1.1.1 dropped get no label (and no node of their own).
    assert sources["occupations_es.csv"].counts["rows without a v1.1.1 concept"] == 3


def test_graphs(sources: dict[str, LoadedSource]) -> None:
    isco_only = {"ISCOGroups_en.csv", "ISCOGroups_es.csv"}
    for name, src in sources.items():
        graphs = {q.graph_name for q in src.quads}
        if name in isco_only:
            assert graphs == {GRAPH.isco}, name
        elif name == "broaderRelationsOccPillar.csv":
            assert graphs == {GRAPH.esco, GRAPH.isco}
        elif src.quads:
            assert graphs == {GRAPH.esco}, name


# ------------------------------------------------------------------------ a known occupation


def test_known_occupation_against_the_csv(data_dir: Path, store: Store) -> None:
    row = csv_row(data_dir / EN / "occupations_en.csv", TECH_DIRECTOR)
    occ = NamedNode(TECH_DIRECTOR)
    en = "technical director"
    assert row["preferredLabel"] == en

    def objects(predicate: str) -> set[object]:
        rows = select(store, f"SELECT ?x {{ <{TECH_DIRECTOR}> {predicate} ?x }}")
        return {r[0] for r in rows}

    labels = objects("skos:prefLabel")
    assert Literal(en, language="en") in labels
    assert Literal("director técnico/directora técnica", language="es") in labels
    alt_en = {lit.value for lit in objects("skos:altLabel") if lit.language == "en"}  # type: ignore[attr-defined]
    expected = {a.strip() for a in row["altLabels"].split("\n") if a.strip()} - {en}
    assert alt_en == expected
    assert "head of technical department" in alt_en
    assert objects("skos:notation") == {Literal("2654.1.7")}
    isco = NamedNode("http://data.europa.eu/esco/isco/C2654")
    assert isco in objects("skos:broader")
    assert objects("esco:memberOfISCOGroup") == {isco}
    (description,) = objects("dcterms:description")
    assert description == Literal(row["description"], language="en")
    assert NamedNode(THEATRE_TECHNIQUES) in objects("esco:relatedEssentialSkill")
    assert len(objects("esco:relatedEssentialSkill")) == 8
    assert objects("esco:relatedOptionalSkill") == set()
    assert (
        Quad(
            occ,
            NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            NamedNode("http://data.europa.eu/esco/model#Occupation"),
            GRAPH.esco,
        )
        in store
    )
    skill_types = select(store, f"SELECT ?t {{ <{THEATRE_TECHNIQUES}> esco:skillType ?t }}")
    assert skill_types == [(NamedNode("http://data.europa.eu/esco/skill-type/knowledge"),)]


def test_isco_group(store: Store) -> None:
    rows = select(
        store,
        """SELECT ?code ?en ?es ?parent {
            <http://data.europa.eu/esco/isco/C2654> skos:notation ?code ; skos:broader ?parent ;
                skos:prefLabel ?en, ?es FILTER(lang(?en) = "en" && lang(?es) = "es") }""",
    )
    assert rows == [
        (
            Literal("2654"),
            Literal("Film, stage and related directors and producers", language="en"),
            Literal("Directores de cine, de teatro y afines", language="es"),
            NamedNode("http://data.europa.eu/esco/isco/C265"),
        )
    ]


# ------------------------------------------------------------------------ provenance


def test_provenance_of_a_relation_is_queryable(store: Store) -> None:
    rows = select(
        store,
        f"""SELECT ?file ?row {{
            GRAPH <https://w3id.org/equivalence/graph/esco> {{
                ?r a rdf:Statement, eq:SourceRecord ; rdf:subject <{TECH_DIRECTOR}> ;
                   rdf:predicate esco:relatedEssentialSkill ; rdf:object <{THEATRE_TECHNIQUES}> ;
                   eq:sourceFile ?file ; eq:sourceRow ?row }}
        }}""",
    )
    assert [(f.value, int(r.value)) for f, r in rows] == [  # type: ignore[attr-defined]
        (f"{EN}/occupationSkillRelations.csv", 2)
    ]


def test_provenance_lines_are_physical_lines(data_dir: Path, store: Store) -> None:
    """The rows before have multi-line cells: the row number is the line where a row starts."""
    path = data_dir / EN / "occupations_en.csv"
    line = physical_line(path, METAL_DRAWING)
    assert line > 3
    rows = select(
        store,
        f"""SELECT ?file ?row {{ <{METAL_DRAWING}> prov:wasDerivedFrom ?r .
            ?r eq:sourceFile ?file ; eq:sourceRow ?row }} ORDER BY ?file""",
    )
    assert [(f.value, int(r.value)) for f, r in rows] == [  # type: ignore[attr-defined]
        ("esco/v1.0-es/occupations_es.csv", 4),  # the row before spans lines 2–3
        (f"{EN}/occupations_en.csv", line),
    ]
    first = select(
        store,
        f"""SELECT ?file ?row {{ <{TECH_DIRECTOR}> prov:wasDerivedFrom ?r .
            ?r eq:sourceFile ?file ; eq:sourceRow ?row }} ORDER BY ?file""",
    )
    assert [(f.value, int(r.value)) for f, r in first] == [  # type: ignore[attr-defined]
        ("esco/v1.0-es/occupations_es.csv", 2),
        (f"{EN}/occupations_en.csv", 2),
    ]


# ------------------------------------------------------------------------ malformed input

HEADERS = {
    "ISCOGroups_en.csv": "conceptType,conceptUri,code,preferredLabel,status,altLabels,inScheme,description",
    "occupations_en.csv": "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,"
    "status,modifiedDate,regulatedProfessionNote,scopeNote,definition,inScheme,description,code",
    "skills_en.csv": "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,"
    "hiddenLabels,status,modifiedDate,scopeNote,definition,inScheme,description",
    "skillGroups_en.csv": "conceptType,conceptUri,preferredLabel,altLabels,hiddenLabels,status,"
    "modifiedDate,scopeNote,inScheme,description,code",
    "skillsHierarchy_en.csv": "Level 0 URI,Level 0 preferred term,Level 1 URI,Level 1 preferred term,"
    "Level 2 URI,Level 2 preferred term,Level 3 URI,Level 3 preferred term,Description,Scope note,"
    "Level 0 code,Level 1 code,Level 2 code,Level 3 code",
    "broaderRelationsOccPillar.csv": "conceptType,conceptUri,broaderType,broaderUri",
    "broaderRelationsSkillPillar.csv": "conceptType,conceptUri,broaderType,broaderUri",
    "occupationSkillRelations.csv": "occupationUri,relationType,skillType,skillUri",
}
ISCO_ROW = (
    "ISCOGroup,http://data.europa.eu/esco/isco/C0,0,Armed forces occupations,released,,"
    "http://data.europa.eu/esco/concept-scheme/isco,d"
)


def esco_tree(root: Path, **contents: str) -> Path:
    """A data folder with header-only ESCO files, `contents` replacing some of them."""
    folder = root / EN
    folder.mkdir(parents=True)
    for name, header in HEADERS.items():
        (folder / name).write_text(contents.get(name, header + "\r\n"), encoding="utf-8")
    return root


def drain(sources: Iterator[LoadedSource]) -> None:
    for _ in sources:
        pass


def test_missing_column_names_file_and_line(tmp_path: Path) -> None:
    header = HEADERS["ISCOGroups_en.csv"].replace("code,", "")
    root = esco_tree(tmp_path, **{"ISCOGroups_en.csv": header + "\r\n"})
    with pytest.raises(InputError) as info:
        drain(read_esco(root))
    assert info.value.file == str(root / EN / "ISCOGroups_en.csv")
    assert info.value.line == 1
    assert "code" in str(info.value)


def test_non_utf8_bytes_name_file_and_line(tmp_path: Path) -> None:
    root = esco_tree(tmp_path)
    path = root / EN / "occupations_en.csv"
    good = 'Occupation,http://data.europa.eu/esco/occupation/x,2654,a,"b\nc",,r,,,,,,d,1'
    path.write_bytes(
        (HEADERS["occupations_en.csv"] + "\r\n" + good + "\r\n").encode()
        + b"Occupation,\xe9t\xe9\r\n"
    )
    (root / EN / "ISCOGroups_en.csv").write_text(HEADERS["ISCOGroups_en.csv"] + "\r\n" + ISCO_ROW)
    sources = read_esco(root)
    assert next(sources).counts == {"ISCO-08 groups": 1}
    with pytest.raises(InputError) as info:
        next(sources)
    assert info.value.file == str(path)
    assert info.value.line == 4  # header, then a row spanning lines 2–3
    assert "UTF-8" in str(info.value)


def test_unknown_relation_type(tmp_path: Path) -> None:
    header = HEADERS["occupationSkillRelations.csv"]
    occ, skill = "http://data.europa.eu/esco/occupation/x", "http://data.europa.eu/esco/skill/y"
    body = f"{header}\r\n{occ},essential,knowledge,{skill}\r\n{occ},mandatory,knowledge,{skill}\r\n"
    root = esco_tree(tmp_path, **{"occupationSkillRelations.csv": body})
    with pytest.raises(InputError) as info:
        drain(read_esco(root))
    assert info.value.line == 3
    assert info.value.column == "relationType"
    assert "occupationSkillRelations.csv, line 3" in str(info.value)


def test_not_an_esco_iri(tmp_path: Path) -> None:
    row = ISCO_ROW.replace("http://data.europa.eu/esco/isco/C0", "C0")
    root = esco_tree(tmp_path, **{"ISCOGroups_en.csv": HEADERS["ISCOGroups_en.csv"] + "\r\n" + row})
    with pytest.raises(InputError) as info:
        drain(read_esco(root))
    assert (info.value.line, info.value.column) == (2, "conceptUri")


def test_files_are_parsed_lazily(tmp_path: Path) -> None:
    folder = tmp_path / EN
    folder.mkdir(parents=True)
    (folder / "ISCOGroups_en.csv").write_text(HEADERS["ISCOGroups_en.csv"] + "\r\n" + ISCO_ROW)
    sources = read_esco(tmp_path)
    first = next(sources)  # the other files are not needed yet
    assert first.counts == {"ISCO-08 groups": 1}
    with pytest.raises(InputError) as info:
        next(sources)
    assert info.value.code == "missing-file"
    assert info.value.file == str(folder / "occupations_en.csv")
