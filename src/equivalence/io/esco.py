"""Importer of the ESCO CSV distribution (v1.1.1 in English, v1.0 Spanish labels).

`read_esco(data_dir)` yields one `LoadedSource` per CSV file, parsed only when the caller asks for
it, in an order where every file that names a concept comes after the file that defines it:

=====================================  ============================================  =============
file                                   statements                                    graph
=====================================  ============================================  =============
``v1.1.1-en/ISCOGroups_en.csv``        ISCO-08 groups: ``skos:Concept``, notation,   isco
                                       labels, description, top concepts
``v1.1.1-en/occupations_en.csv``       ``esco:Occupation``; ``skos:broader`` and     esco
                                       ``esco:memberOfISCOGroup`` its ISCO group
``v1.1.1-en/skills_en.csv``            ``esco:Skill``; ``esco:skillType``,           esco
                                       ``esco:skillReuseLevel``
``v1.1.1-en/skillGroups_en.csv``       skill groups (``skos:Concept``)               esco
``v1.1.1-en/skillsHierarchy_en.csv``   notation of each skill group; ``skos:broader``  esco
                                       its parent level (a row of its own: reified)
``broaderRelations{Occ,Skill}Pillar``  ``skos:broader`` (reified on its row)         esco (isco for
                                                                                     ISCO → ISCO)
``occupationSkillRelations.csv``       ``esco:relatedEssentialSkill`` /              esco
                                       ``esco:relatedOptionalSkill`` (reified)
``skillSkillRelations.csv``            the same two properties between skills        esco
``v1.0-es/*_es.csv``                   ``@es`` labels of the v1.1.1 concepts with    esco / isco
                                       the same conceptUri (the others are skipped)
=====================================  ============================================  =============

Labels: ``skos:prefLabel``, ``skos:altLabel`` and ``skos:hiddenLabel`` (a cell holds one label a
line). ESCO repeats the preferred label among the alternative ones; SKOS makes the three label
properties pairwise disjoint, so a label already given with a stronger role is not repeated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from equivalence.errors import InputError
from equivalence.io.base import LoadedSource, read_csv_rows
from equivalence.rdf import QuadBuilder
from equivalence.vocab import (
    DCTERMS,
    ESCO,
    ESCO_SCHEME,
    GRAPH,
    OCCUPATION_SCHEMES,
    RDF,
    SKOS,
    Namespace,
)

__all__ = ["DATASET_EN", "DATASET_ES", "ESCO_EN_DIR", "ESCO_ES_DIR", "read_esco"]

ESCO_EN_DIR = "esco/v1.1.1-en"
ESCO_ES_DIR = "esco/v1.0-es"
DATASET_EN = "esco-v1.1.1-en"
DATASET_ES = "esco-v1.0-es"

_ESCO_IRI_PREFIX = "http://data.europa.eu/esco/"
# ESCO's tagging concepts for skill types and reuse levels (ask: move to vocab.py).
_SKILL_TYPE = Namespace(_ESCO_IRI_PREFIX + "skill-type/")
_REUSE_LEVEL = Namespace(_ESCO_IRI_PREFIX + "skill-reuse-level/")

SKILL_TYPES: dict[str, NamedNode] = {
    "skill/competence": _SKILL_TYPE.skill,
    "knowledge": _SKILL_TYPE.knowledge,
}
REUSE_LEVELS: dict[str, NamedNode] = {
    level: _REUSE_LEVEL.term(level)
    for level in ("transversal", "cross-sector", "sector-specific", "occupation-specific")
}
RELATION_PREDICATES: dict[str, NamedNode] = {
    "essential": ESCO.relatedEssentialSkill,
    "optional": ESCO.relatedOptionalSkill,
}

_ISCO = OCCUPATION_SCHEMES["ISCO-08"]

# Terms looked up once: `Namespace.__getattr__` builds a new node on every access.
_A = RDF.type
_CONCEPT = SKOS.Concept
_SCHEME = SKOS.ConceptScheme
_PREF = SKOS.prefLabel
_ALT = SKOS.altLabel
_HIDDEN = SKOS.hiddenLabel
_NOTATION = SKOS.notation
_BROADER = SKOS.broader
_IN_SCHEME = SKOS.inScheme
_TOP_OF = SKOS.topConceptOf
_HAS_TOP = SKOS.hasTopConcept
_DEFINITION = SKOS.definition
_SCOPE_NOTE = SKOS.scopeNote
_DESCRIPTION = DCTERMS.description
_OCCUPATION = ESCO.Occupation
_SKILL = ESCO.Skill
_MEMBER_OF_ISCO = ESCO.memberOfISCOGroup
_SKILL_TYPE_P = ESCO.skillType
_REUSE_LEVEL_P = ESCO.skillReuseLevel
_REGULATED = ESCO.regulatedProfessionNote
_OCCUPATIONS_SCHEME = ESCO_SCHEME.occupations
_SKILLS_SCHEME = ESCO_SCHEME.skills

Row = dict[str, str]


def _lines(cell: str) -> list[str]:
    """The non-empty, stripped lines of a multi-value cell (altLabels, hiddenLabels)."""
    if not cell:
        return []
    return [v for v in (part.strip() for part in cell.split("\n")) if v]


class _Context:
    """State shared by the files of one ESCO load: IRI nodes, and which concepts exist."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._nodes: dict[str, NamedNode] = {}
        self.isco: set[NamedNode] = set()
        self.occupations: set[NamedNode] = set()
        self.skills: set[NamedNode] = set()
        self.skill_groups: set[NamedNode] = set()

    def file(self, folder: str, name: str) -> tuple[Path, str]:
        rel = f"{folder}/{name}"
        path = self.data_dir / rel
        if not path.is_file():
            raise InputError("ESCO file not found", file=path, code="missing-file")
        return path, rel

    def iri(self, value: str, path: Path, line: int, column: str) -> NamedNode:
        """The node of an ESCO IRI read from a cell (cached: relations repeat them a lot)."""
        node = self._nodes.get(value)
        if node is None:
            iri = value.strip()
            if not iri.startswith(_ESCO_IRI_PREFIX):
                raise InputError(
                    f"not an ESCO IRI: {value!r}",
                    file=path,
                    line=line,
                    column=column,
                    code="invalid-iri",
                )
            try:
                node = NamedNode(iri)
            except ValueError as exc:
                raise InputError(
                    f"invalid IRI {value!r}: {exc}",
                    file=path,
                    line=line,
                    column=column,
                    code="invalid-iri",
                ) from None
            self._nodes[value] = node
        return node

    def iris(self, cell: str, path: Path, line: int, column: str) -> list[NamedNode]:
        """The IRIs of a cell holding several (ESCO separates them by commas and/or newlines)."""
        if not cell:
            return []
        parts = cell.replace(",", "\n").split("\n")
        return [self.iri(p.strip(), path, line, column) for p in parts if p.strip()]


def _labels(b: QuadBuilder, s: NamedNode, row: Row, lang: str) -> bool:
    """Adds the preferred, alternative and hidden labels of a row; True if it had a prefLabel."""
    pref = row["preferredLabel"].strip()
    seen = {pref}
    if pref:
        b.add(s, _PREF, Literal(pref, language=lang))
    for predicate, column in ((_ALT, "altLabels"), (_HIDDEN, "hiddenLabels")):
        for label in _lines(row.get(column, "")):
            if label not in seen:
                seen.add(label)
                b.add(s, predicate, Literal(label, language=lang))
    return bool(pref)


def _notes(b: QuadBuilder, s: NamedNode, row: Row, lang: str) -> None:
    for predicate, column in (
        (_DESCRIPTION, "description"),
        (_DEFINITION, "definition"),
        (_SCOPE_NOTE, "scopeNote"),
    ):
        value = row.get(column, "").strip()
        if value:
            b.add(s, predicate, Literal(value, language=lang))


def _code(value: str, path: Path, line: int, column: str) -> str:
    code = value.strip()
    if not (code.isdigit() and 1 <= len(code) <= 4):
        raise InputError(
            f"not an ISCO-08 code: {value!r}",
            file=path,
            line=line,
            column=column,
            code="invalid-code",
        )
    return code


def _scheme(b: QuadBuilder, scheme: NamedNode, labels: dict[str, str]) -> None:
    b.add(scheme, _A, _SCHEME)
    for lang, label in labels.items():
        b.add(scheme, _PREF, Literal(label, language=lang))


# ---------------------------------------------------------------- English concepts (v1.1.1)


def _isco_groups(ctx: _Context) -> LoadedSource:
    path, rel = ctx.file(ESCO_EN_DIR, "ISCOGroups_en.csv")
    b = QuadBuilder(GRAPH.isco, DATASET_EN, rel)
    src = LoadedSource("ESCO v1.1.1 ISCO-08 groups", path, b.quads)
    scheme = _ISCO.scheme
    _scheme(
        b,
        scheme,
        {
            "en": "International Standard Classification of Occupations (ISCO-08)",
            "es": "Clasificación Internacional Uniforme de Ocupaciones (CIUO-08)",
        },
    )
    b.add(scheme, _NOTATION, Literal("ISCO-08"))
    for line, row in read_csv_rows(path, ("conceptUri", "code", "preferredLabel")):
        s = ctx.iri(row["conceptUri"], path, line, "conceptUri")
        code = _code(row["code"], path, line, "code")
        b.add(s, _A, _CONCEPT)
        b.add(s, _IN_SCHEME, scheme)
        b.add_all(s, _IN_SCHEME, ctx.iris(row.get("inScheme", ""), path, line, "inScheme"))
        b.add(s, _NOTATION, Literal(code))
        if len(code) == 1:
            b.add(s, _TOP_OF, scheme)
            b.add(scheme, _HAS_TOP, s)
        _labels(b, s, row, "en")
        _notes(b, s, row, "en")
        b.derived(s, line)
        ctx.isco.add(s)
        src.count("ISCO-08 groups")
    return src


def _occupations(ctx: _Context) -> LoadedSource:
    path, rel = ctx.file(ESCO_EN_DIR, "occupations_en.csv")
    b = QuadBuilder(GRAPH.esco, DATASET_EN, rel)
    src = LoadedSource("ESCO v1.1.1 occupations", path, b.quads)
    _scheme(b, _OCCUPATIONS_SCHEME, {"en": "ESCO occupations"})
    required = ("conceptUri", "iscoGroup", "preferredLabel", "altLabels", "description", "code")
    for line, row in read_csv_rows(path, required):
        s = ctx.iri(row["conceptUri"], path, line, "conceptUri")
        b.add(s, _A, _OCCUPATION)
        b.add(s, _A, _CONCEPT)
        b.add_all(s, _IN_SCHEME, ctx.iris(row.get("inScheme", ""), path, line, "inScheme"))
        if row["iscoGroup"].strip():
            group = _ISCO.concept(_code(row["iscoGroup"], path, line, "iscoGroup"))
            b.add(s, _BROADER, group)
            b.add(s, _MEMBER_OF_ISCO, group)
        _labels(b, s, row, "en")
        _notes(b, s, row, "en")
        code = row["code"].strip()
        if code:
            b.add(s, _NOTATION, Literal(code))
        regulated = row.get("regulatedProfessionNote", "").strip()
        if regulated:
            b.add(s, _REGULATED, ctx.iri(regulated, path, line, "regulatedProfessionNote"))
        b.derived(s, line)
        ctx.occupations.add(s)
        src.count("occupations")
    return src


def _lookup(
    table: dict[str, NamedNode], value: str, path: Path, line: int, column: str
) -> NamedNode:
    try:
        return table[value]
    except KeyError:
        known = ", ".join(table)
        raise InputError(
            f"unknown {column} {value!r}; expected one of {known}",
            file=path,
            line=line,
            column=column,
            code="invalid-value",
        ) from None


def _skills(ctx: _Context) -> LoadedSource:
    path, rel = ctx.file(ESCO_EN_DIR, "skills_en.csv")
    b = QuadBuilder(GRAPH.esco, DATASET_EN, rel)
    src = LoadedSource("ESCO v1.1.1 skills", path, b.quads)
    _scheme(b, _SKILLS_SCHEME, {"en": "ESCO skills"})
    required = ("conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels")
    for line, row in read_csv_rows(path, required):
        s = ctx.iri(row["conceptUri"], path, line, "conceptUri")
        b.add(s, _A, _SKILL)
        b.add(s, _A, _CONCEPT)
        b.add_all(s, _IN_SCHEME, ctx.iris(row.get("inScheme", ""), path, line, "inScheme"))
        if row["skillType"]:
            b.add(s, _SKILL_TYPE_P, _lookup(SKILL_TYPES, row["skillType"], path, line, "skillType"))
        if row["reuseLevel"]:
            level = _lookup(REUSE_LEVELS, row["reuseLevel"], path, line, "reuseLevel")
            b.add(s, _REUSE_LEVEL_P, level)
        _labels(b, s, row, "en")
        _notes(b, s, row, "en")
        b.derived(s, line)
        ctx.skills.add(s)
        src.count("skills")
    return src


def _skill_groups(ctx: _Context) -> LoadedSource:
    path, rel = ctx.file(ESCO_EN_DIR, "skillGroups_en.csv")
    b = QuadBuilder(GRAPH.esco, DATASET_EN, rel)
    src = LoadedSource("ESCO v1.1.1 skill groups", path, b.quads)
    for line, row in read_csv_rows(path, ("conceptUri", "preferredLabel")):
        s = ctx.iri(row["conceptUri"], path, line, "conceptUri")
        b.add(s, _A, _CONCEPT)
        b.add_all(s, _IN_SCHEME, ctx.iris(row.get("inScheme", ""), path, line, "inScheme"))
        _labels(b, s, row, "en")
        _notes(b, s, row, "en")
        code = row.get("code", "").strip()
        if code:
            b.add(s, _NOTATION, Literal(code))
        b.derived(s, line)
        ctx.skill_groups.add(s)
        src.count("skill groups")
    return src


def _skills_hierarchy(ctx: _Context) -> LoadedSource:
    """One row per group of the skills hierarchy (levels 0–3): the deepest URI of the row.

    It gives the group's code (``S6.8``) and its parent; the few groups that skillGroups_en.csv
    lacks also get their label, description and scope note from here.
    """
    path, rel = ctx.file(ESCO_EN_DIR, "skillsHierarchy_en.csv")
    b = QuadBuilder(GRAPH.esco, DATASET_EN, rel)
    src = LoadedSource("ESCO v1.1.1 skills hierarchy", path, b.quads)
    levels = [(f"Level {n} URI", f"Level {n} preferred term", f"Level {n} code") for n in range(4)]
    hierarchy = ESCO_SCHEME.term("skills-hierarchy")
    for line, row in read_csv_rows(path, tuple(c for level in levels for c in level)):
        filled = [level for level in levels if row[level[0]].strip()]
        if not filled:
            raise InputError("row names no concept", file=path, line=line, code="empty-row")
        uri_col, label_col, code_col = filled[-1]
        s = ctx.iri(row[uri_col], path, line, uri_col)
        if s not in ctx.skill_groups and s not in ctx.skills:
            b.add(s, _A, _CONCEPT)
            b.add(s, _IN_SCHEME, hierarchy)
            b.add_text(s, _PREF, row[label_col], "en")
            b.add_text(s, _DESCRIPTION, row.get("Description"), "en")
            b.add_text(s, _SCOPE_NOTE, row.get("Scope note"), "en")
            ctx.skill_groups.add(s)
            src.count("skill groups not in skillGroups_en.csv")
        if len(filled) == 1:
            b.add(s, _TOP_OF, hierarchy)
        code = row[code_col].strip()
        if code:
            b.add(s, _NOTATION, Literal(code))
        b.derived(s, line)
        if len(filled) > 1:
            parent_col = filled[-2][0]
            b.reified(s, _BROADER, ctx.iri(row[parent_col], path, line, parent_col), line)
        src.count("skill hierarchy entries")
    return src


# ---------------------------------------------------------------- relations (v1.1.1)


def _broader(ctx: _Context, name: str, what: str) -> LoadedSource:
    """broaderRelations*Pillar.csv: each row is one skos:broader, reified on its row.

    ISCO group → ISCO group rows belong to the ISCO graph, every other row to the ESCO one.
    """
    path, rel = ctx.file(ESCO_EN_DIR, name)
    esco = QuadBuilder(GRAPH.esco, DATASET_EN, rel)
    isco = QuadBuilder(GRAPH.isco, DATASET_EN, rel)
    src = LoadedSource(f"ESCO v1.1.1 broader relations ({what})", path)
    for line, row in read_csv_rows(
        path, ("conceptType", "conceptUri", "broaderType", "broaderUri")
    ):
        s = ctx.iri(row["conceptUri"], path, line, "conceptUri")
        o = ctx.iri(row["broaderUri"], path, line, "broaderUri")
        b = isco if s in ctx.isco and o in ctx.isco else esco
        b.reified(s, _BROADER, o, line)
        src.count("broader relations")
    src.quads = esco.quads + isco.quads
    return src


def _relations(
    ctx: _Context,
    name: str,
    columns: tuple[str, str, str],
    what: str,
    known: Callable[[NamedNode], bool],
) -> LoadedSource:
    """occupationSkillRelations.csv / skillSkillRelations.csv: one reified relation a row."""
    subject_col, type_col, object_col = columns
    path, rel = ctx.file(ESCO_EN_DIR, name)
    b = QuadBuilder(GRAPH.esco, DATASET_EN, rel)
    src = LoadedSource(f"ESCO v1.1.1 {what} relations", path, b.quads)
    total = f"{what} relations"
    by_type = {kind: f"{kind} {what} relations" for kind in RELATION_PREDICATES}
    unknown = 0
    for line, row in read_csv_rows(path, columns):
        s = ctx.iri(row[subject_col], path, line, subject_col)
        o = ctx.iri(row[object_col], path, line, object_col)
        kind = row[type_col]
        predicate = RELATION_PREDICATES.get(kind)
        if predicate is None:
            predicate = _lookup(RELATION_PREDICATES, kind.strip(), path, line, type_col)
            kind = kind.strip()
        b.reified(s, predicate, o, line)
        src.count(total)
        src.count(by_type[kind])
        if not (known(s) and o in ctx.skills):
            unknown += 1
    if unknown:
        src.count(f"{what} relations naming a concept not in the v1.1.1 files", unknown)
    return src


# ---------------------------------------------------------------- Spanish labels (v1.0)


def _spanish(
    ctx: _Context, name: str, what: str, known: set[NamedNode], graph: NamedNode
) -> LoadedSource:
    """@es labels (and descriptions, when given) of the v1.1.1 concepts with the same conceptUri.

    Rows whose concept is not in v1.1.1 (v1.0 concepts retired since) are skipped and counted.
    """
    path, rel = ctx.file(ESCO_ES_DIR, name)
    b = QuadBuilder(graph, DATASET_ES, rel)
    src = LoadedSource(f"ESCO v1.0 Spanish labels ({what})", path, b.quads)
    for line, row in read_csv_rows(path, ("conceptUri", "preferredLabel")):
        s = ctx.iri(row["conceptUri"], path, line, "conceptUri")
        if s not in known:
            src.count("rows without a v1.1.1 concept")
            continue
        if _labels(b, s, row, "es"):
            src.count("Spanish labels")
        _notes(b, s, row, "es")
        b.derived(s, line)
    return src


def read_esco(data_dir: Path) -> Iterator[LoadedSource]:
    """Yields the ESCO files of `data_dir`/esco one at a time, each parsed when it is asked for.

    The files must be consumed in order (the relations and the Spanish labels are checked against
    the concepts read before them).
    """
    ctx = _Context(data_dir)
    yield _isco_groups(ctx)
    yield _occupations(ctx)
    yield _skills(ctx)
    yield _skill_groups(ctx)
    yield _skills_hierarchy(ctx)
    yield _broader(ctx, "broaderRelationsOccPillar.csv", "occupations pillar")
    yield _broader(ctx, "broaderRelationsSkillPillar.csv", "skills pillar")
    yield _relations(
        ctx,
        "occupationSkillRelations.csv",
        ("occupationUri", "relationType", "skillUri"),
        "occupation-skill",
        ctx.occupations.__contains__,
    )
    yield _relations(
        ctx,
        "skillSkillRelations.csv",
        ("originalSkillUri", "relationType", "relatedSkillUri"),
        "skill-skill",
        ctx.skills.__contains__,
    )
    yield _spanish(ctx, "ISCOGroups_es.csv", "ISCO-08 groups", ctx.isco, GRAPH.isco)
    yield _spanish(ctx, "occupations_es.csv", "occupations", ctx.occupations, GRAPH.esco)
    yield _spanish(ctx, "skills_es.csv", "skills", ctx.skills, GRAPH.esco)
    yield _spanish(ctx, "skillGroups_es.csv", "skill groups", ctx.skill_groups, GRAPH.esco)
