"""The ontology files: they parse, are OWL 2 DL consistent (HermiT), document every eq: term in
Spanish and English, and hold the individuals whose IRIs `equivalence.vocab` builds."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import owlready2
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from equivalence import vocab

ONTOLOGY_DIR = Path(__file__).resolve().parents[1] / "ontology"
REQUIRED_FILES = ("equivalence.ttl", "levels.ttl", "reference.ttl")
ONTOLOGY_FILES = tuple(sorted(p.name for p in ONTOLOGY_DIR.glob("*.ttl")))
ONTOLOGY_IRI = URIRef("https://w3id.org/equivalence/ontology")
EQ = str(vocab.EQ)

CLASS_TYPES = (OWL.Class,)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
# Level schemes as chosen in levels.ttl (Colombia: the documented 1–5 working scale).
LEVELS = {"MX": 5, "CL": 5, "CO": 5, "PE": 8}
BODIES = {"CONOCER": "MX", "ChileValora": "CL", "SENA": "CO", "MTPE": "PE", "SINEACE": "PE"}
EU_COUNTRIES = {"CL": "CHL", "CO": "COL", "MX": "MEX", "PE": "PER"}


def iri(node: object) -> URIRef:
    """An rdflib IRI from a pyoxigraph NamedNode (as `vocab` returns) or a string."""
    value = getattr(node, "value", node)
    assert isinstance(value, str)
    return URIRef(value)


@pytest.fixture(scope="module")
def graph() -> Graph:
    merged = Graph()
    for name in ONTOLOGY_FILES:
        merged.parse(ONTOLOGY_DIR / name, format="turtle")
    return merged


def eq_terms(graph: Graph, types: tuple[URIRef, ...]) -> set[URIRef]:
    return {
        subject
        for kind in types
        for subject in graph.subjects(RDF.type, kind)
        if isinstance(subject, URIRef) and str(subject).startswith(EQ)
    }


def languages(graph: Graph, subject: Node, *predicates: URIRef) -> set[str]:
    return {
        obj.language
        for predicate in predicates
        for obj in graph.objects(subject, predicate)
        if isinstance(obj, Literal) and obj.language
    }


# (1) every file parses on its own ------------------------------------------------------------


@pytest.mark.parametrize("name", ONTOLOGY_FILES)
def test_file_parses(name: str) -> None:
    graph = Graph()
    graph.parse(ONTOLOGY_DIR / name, format="turtle")
    assert len(graph) > 50


def test_required_files_present() -> None:
    assert set(REQUIRED_FILES) <= set(ONTOLOGY_FILES)


def test_ontology_header(graph: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph
    assert graph.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert len(set(graph.subjects(RDF.type, OWL.Ontology))) == 1
    assert not list(graph.objects(None, OWL.imports))


# (2) OWL 2 DL consistency with HermiT ---------------------------------------------------------


def _require_java() -> None:
    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("java is needed to run HermiT")
        pytest.skip("java not installed")


def _reason(graph: Graph, tmp_path: Path) -> owlready2.World:
    """Loads `graph` into a fresh owlready2 world (from N-Triples) and runs HermiT on it."""
    path = tmp_path / "ontology.nt"
    graph.serialize(destination=path, format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load()
    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    return world


@pytest.fixture
def reasoned_world(graph: Graph, tmp_path: Path) -> Iterator[owlready2.World]:
    _require_java()
    world = _reason(graph, tmp_path)
    yield world
    world.close()


def test_hermit_consistent(reasoned_world: owlready2.World) -> None:
    assert list(reasoned_world.inconsistent_classes()) == []
    loaded = {str(c.iri) for c in reasoned_world.classes()}
    assert EQ + "CompetencyStandard" in loaded
    assert EQ + "Mapping" in loaded


INCONSISTENT_DATA = {
    "standard and unit at once": "ex:x a eq:CompetencyStandard , eq:CompetencyUnit .",
    "confidence above 1": 'ex:m a eq:Mapping ; sssom:confidence "1.5"^^xsd:double .',
    "CONOCER standard of Chile": "ex:s a eq:ConocerStandard ; eq:country country:CL .",
    "UCL inside a CONOCER standard": (
        "ex:s a eq:ConocerStandard ; eq:hasUnit ex:u . ex:u a eq:ChileValoraUnit ."
    ),
    "two criterion kinds": "ex:c eq:criterionKind kind:producto , kind:actitud .",
}


@pytest.mark.parametrize("data", INCONSISTENT_DATA.values(), ids=list(INCONSISTENT_DATA))
def test_hermit_detects_inconsistent_data(graph: Graph, tmp_path: Path, data: str) -> None:
    """The axioms have teeth: data breaking them makes the ontology inconsistent."""
    _require_java()
    prefixes = (
        "@prefix eq: <https://w3id.org/equivalence/ontology#> .\n"
        "@prefix sssom: <https://w3id.org/sssom/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix country: <https://w3id.org/equivalence/country/> .\n"
        "@prefix kind: <https://w3id.org/equivalence/criterion-kind/> .\n"
        "@prefix ex: <http://example.org/> .\n"
    )
    broken = Graph()
    for triple in graph:
        broken.add(triple)
    broken.parse(data=prefixes + data, format="turtle")
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _reason(broken, tmp_path)


def test_valid_data_stays_consistent(graph: Graph, tmp_path: Path) -> None:
    _require_java()
    data = """
    @prefix eq: <https://w3id.org/equivalence/ontology#> .
    @prefix sssom: <https://w3id.org/sssom/> .
    @prefix semapv: <https://w3id.org/semapv/vocab/> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    @prefix id: <https://w3id.org/equivalence/id/> .
    id:MX\\/standard\\/EC0249 a eq:ConocerStandard ;
        eq:country <https://w3id.org/equivalence/country/MX> ;
        eq:certifyingBody <https://w3id.org/equivalence/body/CONOCER> ;
        eq:level <https://w3id.org/equivalence/level/MX/5> ;
        eq:status <https://w3id.org/equivalence/status/active> ;
        eq:hasUnit id:MX\\/standard\\/EC0249\\/unit\\/E01 .
    id:MX\\/standard\\/EC0249\\/unit\\/E01 a eq:ConocerElement ; eq:essential true ; eq:order 1 ;
        eq:hasCriterion id:c1 .
    id:c1 a eq:PerformanceCriterion ;
        eq:criterionKind <https://w3id.org/equivalence/criterion-kind/desempeno> .
    id:CL\\/standard\\/P1 a eq:ChileValoraProfile ;
        eq:country <https://w3id.org/equivalence/country/CL> ;
        eq:hasUnit id:CL\\/unit\\/U1 .
    id:CL\\/unit\\/U1 a eq:ChileValoraUnit .
    id:m1 a eq:Mapping ;
        sssom:subject_id id:MX\\/standard\\/EC0249 ;
        sssom:predicate_id skos:exactMatch ;
        sssom:object_id id:CL\\/standard\\/P1 ;
        sssom:confidence "0.9"^^xsd:double ;
        eq:subjectCoverage "1.0"^^xsd:double ;
        eq:objectCoverage "0.8"^^xsd:double ;
        sssom:mapping_justification semapv:LexicalSimilarityThresholdMatching ;
        eq:reviewStatus <https://w3id.org/equivalence/review-status/proposed> ;
        eq:evidence id:a1 .
    id:a1 a eq:UnitAlignment ;
        eq:alignedSubjectUnit id:MX\\/standard\\/EC0249\\/unit\\/E01 ;
        eq:alignedObjectUnit id:CL\\/unit\\/U1 ;
        eq:alignmentScore "0.7"^^xsd:double .
    """
    valid = Graph()
    for triple in graph:
        valid.add(triple)
    valid.parse(data=data, format="turtle")
    world = _reason(valid, tmp_path)
    assert list(world.inconsistent_classes()) == []
    world.close()


# (3) every eq: class and property is documented in Spanish and English -----------------------


def test_there_are_eq_terms(graph: Graph) -> None:
    assert len(eq_terms(graph, CLASS_TYPES)) >= 25
    assert len(eq_terms(graph, PROPERTY_TYPES)) >= 30


@pytest.mark.parametrize("kind", ["classes", "properties"])
def test_eq_terms_have_bilingual_label_and_definition(graph: Graph, kind: str) -> None:
    terms = eq_terms(graph, CLASS_TYPES if kind == "classes" else PROPERTY_TYPES)
    missing = []
    for term in sorted(terms):
        if not {"es", "en"} <= languages(graph, term, RDFS.label):
            missing.append(f"{term}: rdfs:label es+en")
        if not {"es", "en"} <= languages(graph, term, SKOS.definition, RDFS.comment):
            missing.append(f"{term}: skos:definition/rdfs:comment es+en")
    assert missing == []


def test_every_eq_term_used_is_declared(graph: Graph) -> None:
    declared = eq_terms(graph, CLASS_TYPES + PROPERTY_TYPES)
    used = {
        node
        for triple in graph
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(EQ)
    }
    assert used - declared == set()


def test_no_punning_between_kinds_of_property(graph: Graph) -> None:
    kinds: dict[Node, set[Node]] = {}
    for kind in (*PROPERTY_TYPES, OWL.Class):
        for subject in graph.subjects(RDF.type, kind):
            kinds.setdefault(subject, set()).add(kind)
    assert {s: k for s, k in kinds.items() if len(k) > 1} == {}


def test_required_model(graph: Graph) -> None:
    eq = vocab.EQ
    subclass = {
        "CertifyingBody": str(vocab.PROV) + "Organization",
        "Committee": str(vocab.PROV) + "Organization",
        "Sector": str(vocab.SKOS) + "Concept",
        "QualificationLevel": str(vocab.SKOS) + "Concept",
        "CriterionKind": str(vocab.SKOS) + "Concept",
        "Status": str(vocab.SKOS) + "Concept",
        "ReviewStatus": str(vocab.SKOS) + "Concept",
        "ConocerStandard": EQ + "CompetencyStandard",
        "ChileValoraProfile": EQ + "CompetencyStandard",
        "SenaNorm": EQ + "CompetencyStandard",
        "PeruProfile": EQ + "CompetencyStandard",
        "ConocerElement": EQ + "CompetencyUnit",
        "ChileValoraUnit": EQ + "CompetencyUnit",
        "SenaUnit": EQ + "CompetencyUnit",
        "PeruUnit": EQ + "CompetencyUnit",
        "SourceRecord": str(vocab.PROV) + "Entity",
        "Submission": str(vocab.PROV) + "Activity",
        "Mapping": str(vocab.SSSOM) + "Mapping",
    }
    for child, parent in subclass.items():
        assert (iri(eq.term(child)), RDFS.subClassOf, URIRef(parent)) in graph, child
    for name in ("Country", "Certification", "PerformanceCriterion", "UnitAlignment", "Crosswalk"):
        assert (iri(eq.term(name)), RDF.type, OWL.Class) in graph, name

    xsd = str(vocab.XSD)
    datatypes = {
        "essential": "boolean",
        "order": "integer",
        "version": "string",
        "isicCode": "string",
        "sourceFile": "string",
        "sourceRow": "integer",
    }
    for prop, datatype in datatypes.items():
        term = iri(eq.term(prop))
        assert (term, RDF.type, OWL.DatatypeProperty) in graph, prop
        assert (term, RDFS.range, URIRef(xsd + datatype)) in graph, prop
    for prop in ("validFrom", "validTo", "subjectCoverage", "objectCoverage", "alignmentScore"):
        assert (iri(eq.term(prop)), RDF.type, OWL.DatatypeProperty) in graph, prop
    ranges = {
        "country": "Country",
        "certifyingBody": "CertifyingBody",
        "level": "QualificationLevel",
        "sector": "Sector",
        "committee": "Committee",
        "status": "Status",
        "hasUnit": "CompetencyUnit",
        "hasCriterion": "PerformanceCriterion",
        "criterionKind": "CriterionKind",
        "awardedFor": "CompetencyStandard",
        "issuedBy": "CertifyingBody",
        "reviewStatus": "ReviewStatus",
        "evidence": "UnitAlignment",
        "alignedSubjectUnit": "CompetencyUnit",
        "alignedObjectUnit": "CompetencyUnit",
    }
    for prop, target in ranges.items():
        term = iri(eq.term(prop))
        assert (term, RDF.type, OWL.ObjectProperty) in graph, prop
        assert (term, RDFS.range, iri(eq.term(target))) in graph, prop
    assert (iri(eq.relatedSkill), RDFS.range, iri(vocab.ESCO.Skill)) in graph
    for slot in ("subject_id", "object_id", "predicate_id", "mapping_justification", "author_id"):
        assert (iri(vocab.SSSOM.term(slot)), RDF.type, OWL.ObjectProperty) in graph, slot
    for slot in ("confidence", "mapping_date", "mapping_tool", "mapping_tool_version"):
        assert (iri(vocab.SSSOM.term(slot)), RDF.type, OWL.DatatypeProperty) in graph, slot
    for justification in ("LexicalMatching", "ManualMappingCuration", "MappingChaining"):
        term = iri(vocab.SEMAPV.term(justification))
        assert (term, RDF.type, iri(eq.MappingJustification)) in graph, justification


# (4) qualification levels at the IRIs vocab builds --------------------------------------------


@pytest.mark.parametrize(("country", "top"), sorted(LEVELS.items()))
def test_level_scheme(graph: Graph, country: str, top: int) -> None:
    scheme = iri(vocab.level_scheme_iri(country))
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    assert (scheme, iri(vocab.EQ.country), iri(vocab.country_iri(country))) in graph
    assert {"es", "en"} <= languages(graph, scheme, SKOS.scopeNote)
    for n in range(1, top + 1):
        level = iri(vocab.level_iri(country, n))
        assert (level, RDF.type, SKOS.Concept) in graph, level
        assert (level, RDF.type, iri(vocab.EQ.QualificationLevel)) in graph, level
        assert (level, SKOS.inScheme, scheme) in graph, level
        assert graph.value(level, SKOS.notation) == Literal(str(n))
        assert {"es", "en"} <= languages(graph, level, SKOS.prefLabel)
    in_scheme = set(graph.subjects(SKOS.inScheme, scheme))
    assert len(in_scheme) == top
    assert iri(vocab.level_iri(country, top + 1)) not in in_scheme


def test_level_comparability_links(graph: Graph) -> None:
    levels = set(graph.subjects(RDF.type, iri(vocab.EQ.QualificationLevel)))
    scheme_of = {level: graph.value(level, SKOS.inScheme) for level in levels}
    links = [
        (s, o) for s, o in graph.subject_objects(SKOS.closeMatch) if s in levels and o in levels
    ]
    assert len(links) >= 10
    annotated = {
        (graph.value(axiom, OWL.annotatedSource), graph.value(axiom, OWL.annotatedTarget)): axiom
        for axiom in graph.subjects(OWL.annotatedProperty, SKOS.closeMatch)
    }
    for source, target in links:
        assert scheme_of[source] != scheme_of[target]
        assert (target, SKOS.closeMatch, source) in graph
        assert {"es", "en"} <= languages(graph, annotated[(source, target)], SKOS.scopeNote)
    # Approximations only: no exactMatch between levels that could chain into contradictions.
    for predicate in (SKOS.exactMatch, SKOS.broadMatch, SKOS.narrowMatch):
        assert not [s for s, o in graph.subject_objects(predicate) if s in levels and o in levels]
    assert vocab.level_iri("MX", 5).value == "https://w3id.org/equivalence/level/MX/5"
    assert {"es", "en"} <= languages(graph, iri(vocab.level_iri("MX", 5)), SKOS.definition)


# (5) criterion kinds, statuses and reference individuals --------------------------------------


def test_criterion_kinds(graph: Graph) -> None:
    scheme = URIRef(vocab.BASE + "criterion-kind")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    kinds = {iri(vocab.criterion_kind_iri(name)) for name in vocab.CRITERION_KINDS}
    assert len(kinds) == 4
    for kind in kinds:
        assert (kind, RDF.type, iri(vocab.EQ.CriterionKind)) in graph, kind
        assert (kind, SKOS.inScheme, scheme) in graph, kind
        assert {"es", "en"} <= languages(graph, kind, SKOS.prefLabel)
    assert set(graph.subjects(RDF.type, iri(vocab.EQ.CriterionKind))) == kinds


@pytest.mark.parametrize(
    ("cls", "names"),
    [
        ("Status", ("active", "inactive", "withdrawn", "draft")),
        ("ReviewStatus", ("proposed", "accepted", "rejected", "recognised")),
    ],
)
def test_status_vocabularies(graph: Graph, cls: str, names: tuple[str, ...]) -> None:
    members = set(graph.subjects(RDF.type, iri(vocab.EQ.term(cls))))
    assert {str(m).rsplit("/", 1)[-1] for m in members} == set(names)
    for member in members:
        assert {"es", "en"} <= languages(graph, member, SKOS.prefLabel)


@pytest.mark.parametrize("country", sorted(vocab.COUNTRIES))
def test_country(graph: Graph, country: str) -> None:
    node = iri(vocab.country_iri(country))
    assert (node, RDF.type, iri(vocab.EQ.Country)) in graph
    assert {"es", "en"} <= languages(graph, node, RDFS.label)
    eu = URIRef(f"http://publications.europa.eu/resource/authority/country/{EU_COUNTRIES[country]}")
    assert (node, SKOS.exactMatch, eu) in graph


@pytest.mark.parametrize(("acronym", "country"), sorted(BODIES.items()))
def test_body(graph: Graph, acronym: str, country: str) -> None:
    node = iri(vocab.body_iri(acronym))
    assert (node, RDF.type, iri(vocab.EQ.CertifyingBody)) in graph
    assert (node, iri(vocab.EQ.country), iri(vocab.country_iri(country))) in graph
    assert {"es", "en"} <= languages(graph, node, RDFS.label)
    sources = list(graph.objects(node, iri(vocab.DCTERMS.source)))
    assert sources
    assert all(isinstance(s, URIRef) and str(s).startswith("http") for s in sources)


@pytest.mark.parametrize("name", sorted(vocab.OCCUPATION_SCHEMES))
def test_occupation_scheme(graph: Graph, name: str) -> None:
    scheme = iri(vocab.OCCUPATION_SCHEMES[name].scheme)
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    assert (scheme, RDF.type, iri(vocab.EQ.OccupationClassification)) in graph
    assert graph.value(scheme, SKOS.notation) == Literal(name)
    assert {"es", "en"} <= languages(graph, scheme, SKOS.prefLabel)
