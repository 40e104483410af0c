"""Loads the same sources into a plain rdflib Dataset (the comparison baseline of `run.py`).

Runs in its own process so that its wall time and peak RSS are measured apart.
Usage: python benchmarks/rdflib_load.py DATA_DIR  → prints JSON {"triples": n, "parse_seconds": s}
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode
from rdflib import BNode, Dataset, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.term import Node

from equivalence.service import load_ontology_triples
from equivalence.sources import discover


def _term(term: object) -> Node:
    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    assert isinstance(term, Literal)
    if term.language:
        return RdfLiteral(term.value, lang=term.language)
    return RdfLiteral(term.value, datatype=URIRef(term.datatype.value))


def main(data_dir: Path) -> None:
    started = time.perf_counter()
    dataset = Dataset()
    graphs: dict[str, object] = {}
    for t in load_ontology_triples():
        dataset.graph(URIRef("https://w3id.org/equivalence/graph/ontology")).add(
            (_term(t.subject), _term(t.predicate), _term(t.object))
        )
    for reader in discover(data_dir):
        for source in reader.read():
            for quad in source.quads:
                name = quad.graph_name.value  # type: ignore[union-attr]
                graph = graphs.get(name)
                if graph is None:
                    graph = graphs[name] = dataset.graph(URIRef(name))
                graph.add((_term(quad.subject), _term(quad.predicate), _term(quad.object)))  # type: ignore[attr-defined]
    total = sum(len(g) for g in dataset.graphs())  # type: ignore[arg-type]
    print(json.dumps({"triples": total, "seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
