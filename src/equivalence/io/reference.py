"""RDF files of reference data (ISCO-08, ESCO, occupation classifications) rather than standards.

A file that describes no competency standard is reference data: each statement goes to the
reference graph its subject belongs to (ISCO-08 groups, ESCO, national classifications).
"""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from equivalence.errors import InputError
from equivalence.io.base import LoadedSource
from equivalence.vocab import EQ, ESCO_ISCO, GRAPH, RDF

__all__ = ["describes_standards", "read_reference_rdf"]

_FORMATS = {
    ".ttl": RdfFormat.TURTLE,
    ".nt": RdfFormat.N_TRIPLES,
}


def _graph_for(subject: object) -> NamedNode:
    value = subject.value if isinstance(subject, NamedNode) else ""
    if value.startswith(str(ESCO_ISCO)):
        return GRAPH.isco
    if value.startswith("http://data.europa.eu/esco/"):
        return GRAPH.esco
    return GRAPH.classifications


def describes_standards(path: Path) -> bool:
    """True when the file types some subject as a competency standard (or is not plain RDF)."""
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        return True
    try:
        return any(
            t.predicate == RDF.type and t.object == EQ.CompetencyStandard
            for t in parse(path=str(path), format=fmt)
        )
    except SyntaxError:
        return True  # let the standards reader report the syntax error with its position


def read_reference_rdf(path: Path) -> LoadedSource:
    """Reads a Turtle or N-Triples file of reference data into the reference graphs."""
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError("reference data must be Turtle (.ttl) or N-Triples (.nt)", file=path)
    source = LoadedSource(f"reference data {path.name}", path)
    try:
        for triple in parse(path=str(path), format=fmt):
            source.quads.append(
                Quad(triple.subject, triple.predicate, triple.object, _graph_for(triple.subject))
            )
    except SyntaxError as exc:
        raise InputError(f"RDF syntax error: {exc}", file=path) from None
    source.count("reference triples", len(source.quads))
    return source
