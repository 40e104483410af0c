"""pySHACL on rdflib graphs: the reference the compiled engine must agree with.

`pyshacl_inputs` builds the very data the engine validates (the submission, the ontology and the
store's reference facts) as one rdflib graph, with the project's shapes graph. `result_keys`
reduces both validators' results to comparable keys, for the conformance tests and benchmarks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, serialize
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLibLiteral
from rdflib.term import Node

from equivalence.store.base import TripleStore
from equivalence.validation.model import ValidationResult
from equivalence.validation.shapes import SH, load_shapes_graph
from equivalence.validation.validator import (
    ontology_triples,
    read_submission,
    reference_context,
)

__all__ = [
    "ResultKey",
    "data_graph",
    "engine_keys",
    "pyshacl_inputs",
    "pyshacl_keys",
    "result_keys",
]

# (focus, path, value, component, shape, severity), every term in a plain text form
ResultKey = tuple[str, str, str, str, str, str]

_SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


def data_graph(quads: Sequence[Quad], store: TripleStore | None = None) -> Graph:
    """The submission, the ontology and the reference facts, as one rdflib graph."""
    triples = [q.triple for q in quads]
    triples.extend(ontology_triples())
    triples.extend(reference_context(store, quads))
    data = serialize(triples, format=RdfFormat.N_TRIPLES)
    graph = Graph()
    if data:
        graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def pyshacl_inputs(
    paths: Sequence[Path], *, country: str | None = None, store: TripleStore | None = None
) -> tuple[Graph, Graph]:
    """The data graph and the shapes graph of a submission, for a plain `pyshacl.validate`."""
    # the very graph a dry run validates: the template's rows without their provenance records
    submission = read_submission(paths, country=country, provenance=False)
    return data_graph(submission.quads, store), load_shapes_graph()


def _canonical(text: str) -> str:
    """A number in one form ("2" and "2.0" are one value: rdflib rewrites some lexical forms)."""
    try:
        return repr(float(text))
    except ValueError:
        return text


def _text(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, RdfLibLiteral):
        return _canonical(str(node))
    return str(node)


def _path_text(graph: Graph, path: Node | None) -> str:
    if isinstance(path, BNode):
        inverse = graph.value(path, SH.inversePath)
        return f"^{inverse}"
    return _text(path)


def pyshacl_keys(data: Graph, shapes: Graph) -> Counter[ResultKey]:
    """Runs `pyshacl.validate` (no inference) and returns its results as keys."""
    import pyshacl  # imported here: only the reference path needs it

    _, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    assert isinstance(results, Graph)
    keys: Counter[ResultKey] = Counter()
    for result in results.objects(None, SH.result):
        severity = results.value(result, SH.resultSeverity)
        keys[
            (
                _text(results.value(result, SH.focusNode)),
                _path_text(results, results.value(result, SH.resultPath)),
                _text(results.value(result, SH.value)),
                _text(results.value(result, SH.sourceConstraintComponent)),
                _text(results.value(result, SH.sourceShape)),
                _SEVERITY_NAMES.get(severity, str(severity))
                if isinstance(severity, URIRef)
                else "",
            )
        ] += 1
    return keys


def result_keys(results: Sequence[ValidationResult]) -> Counter[ResultKey]:
    """The engine's SHACL results (template problems have no shape and are left out) as keys."""
    keys: Counter[ResultKey] = Counter()
    for r in results:
        if r.shape is None:
            continue
        keys[
            (
                r.focus or "",
                r.path or "",
                _canonical(r.term or ""),
                r.component or "",
                r.shape,
                r.severity.value,
            )
        ] += 1
    return keys


def engine_keys(quads: Sequence[Quad], store: TripleStore | None = None) -> Counter[ResultKey]:
    from equivalence.validation.validator import validate_quads

    return result_keys(validate_quads(quads, store=store))
