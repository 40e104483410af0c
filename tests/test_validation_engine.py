"""The engine's own paths give what pySHACL and the plain paths give.

- every SHACL component the Python evaluators (`evaluate.py`) handle, and those left to SPARQL,
  on shapes and data written for them, against pySHACL;
- the store of the SPARQL constraints (`scope.py`) holds all they read: the same findings as a
  store of every statement;
- the template read into the index (`read_submission(dataset=…)`) is the template read into
  quads, and `validate_paths` (index, child process) reports what the quads path reports;
- the dataset counts quads as a store does, and is freed without a garbage collection.
"""

from __future__ import annotations

import gc
import sys
import weakref
from collections import Counter
from pathlib import Path
from typing import Final

import pytest
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Triple, parse
from rdflib import Graph

from equivalence.errors import ConfigurationError
from equivalence.validation import validator
from equivalence.validation.dataset import Dataset, Index, Key
from equivalence.validation.engine import run_constraints
from equivalence.validation.queries import ChildProcess, InProcess
from equivalence.validation.reference import data_graph, pyshacl_keys, result_keys
from equivalence.validation.scope import Scope
from equivalence.validation.shapes import project_constraints, read_constraints
from equivalence.validation.validator import (
    read_submission,
    validate_paths,
    validate_quads,
    validate_submission,
)
from equivalence.vocab import country_graph
from test_validation_conformance import SAMPLE, prepared_sparql  # noqa: F401 -- a fixture
from test_validation_rules import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate_submission import generate  # type: ignore[import-not-found,unused-ignore]

EX: Final = "https://example.org/test#"

# One property shape per component and case; the targets include a subclass, inverse paths,
# and literals of every datatype the evaluators check without pyoxigraph, and some they leave
# to it. Left out: where the SPARQL templates already differed from pySHACL before the Python
# evaluators (one result per value for sh:lessThanOrEquals where pySHACL gives one per pair; a
# value range on an ill-typed literal) and where rdflib rewrites a lexical form ("yes" as a
# boolean), which changes the compared keys, not the findings.
SHAPES: Final = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix ex: <{EX}> .

ex:ThingShape a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:property ex:min-one , ex:min-two , ex:max-one , ex:max-two , ex:string , ex:lang ,
        ex:integer , ex:boolean , ex:date , ex:decimal , ex:date-time , ex:class , ex:in ,
        ex:pattern , ex:pattern-i , ex:iri , ex:literal , ex:blank-or-iri , ex:languages ,
        ex:has-value , ex:pointed-by-things , ex:period , ex:at-least , ex:at-most ;
    sh:sparql ex:other-with-label , ex:constant-subject .

ex:min-one sh:path ex:p ; sh:minCount 1 .
ex:min-two sh:path ex:p ; sh:minCount 2 .
ex:max-one sh:path ex:p ; sh:maxCount 1 .
ex:max-two sh:path ex:p ; sh:maxCount 2 .
ex:string sh:path ex:code ; sh:datatype xsd:string .
ex:lang sh:path ex:label ; sh:datatype rdf:langString .
ex:integer sh:path ex:count ; sh:datatype xsd:integer .
ex:boolean sh:path ex:flag ; sh:datatype xsd:boolean .
ex:date sh:path ex:day ; sh:datatype xsd:date .
ex:decimal sh:path ex:ratio ; sh:datatype xsd:decimal .
ex:date-time sh:path ex:moment ; sh:datatype xsd:dateTime .
ex:class sh:path ex:part ; sh:class ex:Part .
ex:in sh:path ex:colour ; sh:in ( ex:red ex:green "blue" "7"^^xsd:integer ) .
ex:pattern sh:path ex:code ; sh:pattern "^[A-Z]{{2}}[0-9]+$" .
ex:pattern-i sh:path ex:code ; sh:pattern "^ab" ; sh:flags "i" .
ex:iri sh:path ex:link ; sh:nodeKind sh:IRI .
ex:literal sh:path ex:label ; sh:nodeKind sh:Literal .
ex:blank-or-iri sh:path ex:part ; sh:nodeKind sh:BlankNodeOrIRI .
ex:languages sh:path ex:label ; sh:languageIn ( "es" "en-GB" ) .
ex:has-value sh:path ex:colour ; sh:hasValue ex:red .
ex:pointed-at sh:path [ sh:inversePath ex:part ] ; sh:maxCount 1 .
ex:pointed-by-things sh:path [ sh:inversePath ex:link ] ; sh:class ex:Thing .
ex:period sh:path ex:start ; sh:lessThanOrEquals ex:end .
ex:at-least sh:path ex:count ; sh:minInclusive 0 .
ex:at-most sh:path ex:share ; sh:maxInclusive 1 .

ex:other-with-label a sh:SPARQLConstraint ;
    sh:message "Another thing has the label {{?value}}"@en ;
    sh:select \"\"\"
        SELECT $this ?value WHERE {{
            $this <{EX}label> ?value .
            ?other <{EX}label> ?value ; a <{EX}Thing> .
            FILTER(?other != $this)
        }}\"\"\" .
ex:constant-subject a sh:SPARQLConstraint ;
    sh:message "The colour {{?value}} is not the registry's"@en ;
    sh:select \"\"\"
        SELECT $this ?value WHERE {{
            $this <{EX}colour> ?value .
            FILTER NOT EXISTS {{ <{EX}registry> <{EX}lists> ?value }}
        }}\"\"\" .

ex:PartShape a sh:NodeShape ;
    sh:targetClass ex:Part ;
    sh:property ex:part-of-one , ex:pointed-at .
ex:part-of-one sh:path [ sh:inversePath ex:part ] ; sh:minCount 1 .
"""

DATA: Final = f"""
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <{EX}> .

ex:Gadget rdfs:subClassOf ex:Thing .
ex:Wheel rdfs:subClassOf ex:Part .
ex:registry ex:lists ex:red , ex:green .

ex:good a ex:Thing ;
    ex:p 1 ; ex:code "AB12" ; ex:label "uno"@es , "one"@en-GB ; ex:count 3 ; ex:flag true ;
    ex:day "2024-02-29"^^xsd:date ; ex:share 0.5 ; ex:moment "2024-01-01T10:00:00"^^xsd:dateTime ;
    ex:part ex:wheel ; ex:colour ex:red ; ex:link ex:gadget ;
    ex:start "2024-01-01"^^xsd:date ; ex:end "2024-12-31"^^xsd:date .
ex:wheel a ex:Wheel .
ex:lonely a ex:Part .

ex:gadget a ex:Gadget ;
    ex:p 1 , 2 , 3 ; ex:code "ab-9" , "ZZ"@en ; ex:label "dos" , "deux"@fr , "dos"@es-MX ;
    ex:count "three"^^xsd:integer , "-4"^^xsd:integer , "+5"^^xsd:integer ;
    ex:flag "true" , "1"^^xsd:boolean ;
    ex:day "2024-02-30"^^xsd:date , "2024-2-3"^^xsd:date , "2024-03-01Z"^^xsd:date ;
    ex:share 1.5 ; ex:ratio 2.5 , "x"^^xsd:decimal , ".5"^^xsd:decimal ;
    ex:moment "yesterday"^^xsd:dateTime , "2024-01-01"^^xsd:date ;
    ex:part ex:wheel , ex:spoke , "a part" ; ex:colour ex:blue , "blue" , "7"^^xsd:integer ;
    ex:link "https://example.org/not-an-iri" ;
    ex:start "2025-01-01"^^xsd:date ; ex:end "2024-01-01"^^xsd:date .
ex:spoke ex:link ex:gadget .

ex:empty a ex:Thing ; ex:label "uno"@es , ex:red .
"""


def _quads(turtle: str, graph: NamedNode | None = None) -> list[Quad]:
    triples = parse(turtle.encode(), format=RdfFormat.TURTLE)
    return [Quad(t.subject, t.predicate, t.object, graph) for t in triples]


def test_every_component_agrees_with_pyshacl() -> None:
    shapes = Graph().parse(data=SHAPES, format="turtle")
    quads = _quads(DATA, NamedNode(f"{EX}graph"))
    engine = result_keys(validate_quads(quads, constraints=read_constraints(shapes)))
    reference = pyshacl_keys(data_graph(quads), shapes)
    assert engine == reference
    fired = {key[4].rsplit("#", 1)[-1] for key in engine}
    assert fired == EXPECTED_TO_FIRE


EXPECTED_TO_FIRE: Final = frozenset(
    {
        *("min-one", "min-two", "max-one", "max-two", "string", "lang", "integer", "boolean"),
        *("date", "decimal"),
        *("date-time", "class", "in", "pattern", "pattern-i", "iri", "literal", "blank-or-iri"),
        *("languages", "has-value", "pointed-at", "pointed-by-things", "period", "at-least"),
        *("at-most", "part-of-one", "ThingShape"),  # ThingShape: its two SPARQL constraints
    }
)


# --------------------------------------------------------------------------------------------
# The store of the SPARQL constraints
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A small submission of every country, with deliberate violations (Chile's shares UCLs)."""
    folders = []
    for n, country in enumerate(("CL", "CO", "MX", "PE")):
        folder = tmp_path_factory.mktemp("generated") / country
        generate(
            folder,
            standards=30,
            country=country,
            units=3,
            criteria=2,
            invalid_share=0.3,
            seed=21 + n,
        )
        folders.append(folder)
    return folders


def _index(folders: list[Path]) -> Index:
    data = Dataset()
    read_submission(folders, provenance=False, dataset=data)
    validator._add_context(data, None)
    return data.union()


def test_the_store_holds_all_the_sparql_constraints_read(
    generated: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    constraints = project_constraints()
    scoped = run_constraints(_index(generated), constraints)
    monkeypatch.setattr("equivalence.validation.engine.scope_of", lambda *_: Scope(everything=True))
    everything = run_constraints(_index(generated), constraints)
    assert Counter(scoped) == Counter(everything)
    assert {f.constraint.rule for f in scoped} >= {"standard-level-in-scheme", "cl-profile-code"}


# --------------------------------------------------------------------------------------------
# The template read into the index, validate_paths
# --------------------------------------------------------------------------------------------


def _statements(index: Index) -> set[tuple[str, str, Key]]:
    return set(index.triples())


def _graphs(data: Dataset) -> dict[str, set[tuple[str, str, Key]]]:
    return {name: _statements(index) for name, index in data._graphs.items()}


def test_the_template_read_into_the_index_is_the_one_read_into_quads(
    generated: list[Path],
) -> None:
    for paths in ([SAMPLE], generated):
        fast = Dataset()
        indexed = read_submission(paths, provenance=False, dataset=fast)
        read = read_submission(paths, provenance=False)
        slow = Dataset()
        slow.add_quads(read.quads)
        assert _graphs(fast) == _graphs(slow)
        assert len(fast) == len(slow) == len(set(read.quads))
        assert indexed.rows == read.rows
        assert [p.__dict__ for p in indexed.problems] == [p.__dict__ for p in read.problems]
        assert not indexed.quads


@pytest.mark.parametrize("query_process", [False, True], ids=["in-process", "child-process"])
def test_validate_paths_reports_what_the_quads_path_reports(
    generated: list[Path], query_process: bool
) -> None:
    for country, folder in zip(("CL", "CO", "MX", "PE"), generated, strict=True):
        fast = validate_paths([folder], country=country, query_process=query_process)
        submission = read_submission([folder], country=country, provenance=False)
        slow = validate_submission(submission, country=country)
        assert fast.results == slow.results
        assert (fast.standards, fast.triples, fast.countries) == (
            slow.standards,
            slow.triples,
            slow.countries,
        )
        assert not fast.conforms


def test_the_child_process_reports_a_failing_query() -> None:
    with ChildProcess() as child:
        child.submit("", ["SELECT ?this WHERE { ?this ?p }"])
        with pytest.raises(ConfigurationError, match="query failed"):
            child.answers()


def test_the_queries_run_here_when_the_child_process_is_gone() -> None:
    n_triples = f"<{EX}a> <{EX}p> <{EX}b> .\n"
    query = f"SELECT ?this WHERE {{ ?this <{EX}p> ?value }}"
    with ChildProcess() as child:
        child._process.kill()
        child._process.join()
        assert child.readings() == {}
        child.submit(n_triples, [query])
        answers = child.answers()
    in_process = InProcess()
    in_process.submit(n_triples, [query])
    assert answers == in_process.answers() == [(["this"], [(NamedNode(f"{EX}a"),)])]


def test_an_unused_child_process_is_ended() -> None:
    child = ChildProcess()
    child.close()
    assert not child._process.is_alive()
    in_process = InProcess()
    in_process.close()
    assert in_process.answers() == []


# --------------------------------------------------------------------------------------------
# The dataset
# --------------------------------------------------------------------------------------------


def test_the_dataset_counts_quads_as_a_store_does() -> None:
    s, p = NamedNode(f"{EX}s"), NamedNode(f"{EX}p")
    first, second = country_graph("MX"), country_graph("CO")
    data = Dataset()
    data.add_quads(
        [
            Quad(s, p, Literal("a"), first),
            Quad(s, p, Literal("a"), first),  # the same quad: once
            Quad(s, p, Literal("a"), second),  # the same triple in another graph: twice
            Quad(s, p, Literal("b"), DefaultGraph()),
            Quad(s, p, Triple(s, p, Literal("a")), first),  # a triple term: counted
        ]
    )
    assert len(data) == 4
    assert set(data.graph_names()) == {first, second, DefaultGraph()}
    index = data.union()
    assert index.objects(s.value, p.value) == [Literal("a"), Literal("b")]
    assert len(data) == 4


def _datasets(monkeypatch: pytest.MonkeyPatch) -> list[weakref.ref[Dataset]]:
    made: list[weakref.ref[Dataset]] = []

    class Recorded(Dataset):
        def __init__(self) -> None:
            super().__init__()
            made.append(weakref.ref(self))

    monkeypatch.setattr(validator, "Dataset", Recorded)
    return made


def test_the_data_is_freed_without_a_garbage_collection(
    generated: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cyclic garbage that holds a frame of the validation (pyparsing's, once) kept the whole
    index alive until the next collection, which took seconds on a large submission."""
    made = _datasets(monkeypatch)
    monkeypatch.setattr("equivalence.validation.scope._READINGS", {})  # parsed in this run
    enabled = gc.isenabled()
    gc.disable()
    try:
        validate_paths(generated[:1], country="CL")
        assert made
        assert all(ref() is None for ref in made)
    finally:
        if enabled:
            gc.enable()
