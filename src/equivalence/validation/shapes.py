"""The project's SHACL shapes (`shapes/*.ttl`), read into constraints the engine can run.

Each constraint is one SHACL constraint component of one shape: a property shape's `sh:minCount`,
`sh:pattern` …, or a node shape's `sh:sparql` constraint. Only the subset of SHACL the project
uses is supported (see `SUPPORTED`); a shape outside it is refused when the shapes are read, so
the compiled engine never silently ignores a rule that pySHACL would check.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from equivalence.errors import ConfigurationError
from equivalence.resources import resource_dir
from equivalence.validation.model import Severity

__all__ = [
    "SH",
    "SUPPORTED",
    "Constraint",
    "load_shapes_graph",
    "project_constraints",
    "read_constraints",
    "shapes_files",
]

SH: Final = Namespace("http://www.w3.org/ns/shacl#")

# Parameters of the supported constraint components (each is one component).
SUPPORTED: Final = (
    "minCount",
    "maxCount",
    "datatype",
    "class",
    "in",
    "pattern",
    "nodeKind",
    "languageIn",
    "minInclusive",
    "maxInclusive",
    "lessThanOrEquals",
    "hasValue",
)
# Shape predicates that are not constraint parameters (or are read with their component).
_NON_CONSTRAINT: Final = frozenset(
    {
        RDF.type,
        SH.path,
        SH.message,
        SH.severity,
        SH.name,
        SH.description,
        SH.flags,
        SH.targetClass,
        SH.property,
        SH.sparql,
        SH.order,
        SH.group,
    }
)
_SEVERITIES: Final = {
    SH.Violation: Severity.VIOLATION,
    SH.Warning: Severity.WARNING,
    SH.Info: Severity.INFO,
}


@dataclass(frozen=True, slots=True)
class Constraint:
    """One constraint component of one shape, with everything a result needs.

    `component` is the local name of the SHACL component parameter (``minCount`` …) or
    ``sparql``; `path` is the predicate and `inverse` whether the path is `sh:inversePath`;
    `parameter` the component's value (a term, or the terms of a list for `sh:in` and
    `sh:languageIn`); `select` the query of a SPARQL constraint with its prefixes.
    """

    rule: str
    shape: URIRef
    component: str
    targets: tuple[URIRef, ...]
    severity: Severity
    message_es: str
    message_en: str
    path: URIRef | None = None
    inverse: bool = False
    parameter: tuple[Node, ...] = ()
    flags: str = ""
    select: str = ""

    @property
    def component_iri(self) -> URIRef:
        name = (
            "SPARQL"
            if self.component == "sparql"
            else self.component[0].upper() + self.component[1:]
        )
        return SH[f"{name}ConstraintComponent"]

    @property
    def path_text(self) -> str | None:
        """The path as the report writes it: the predicate IRI, ``^IRI`` when inverse."""
        if self.path is None:
            return None
        return f"^{self.path}" if self.inverse else str(self.path)


def shapes_files(folder: Path | None = None) -> list[Path]:
    return sorted((folder or resource_dir("shapes")).glob("*.ttl"))


def load_shapes_graph(folder: Path | None = None) -> Graph:
    """Every shapes file in one rdflib graph (what pySHACL is given)."""
    graph = Graph()
    for path in shapes_files(folder):
        graph.parse(path, format="turtle")
    return graph


def _local_name(iri: URIRef) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _messages(graph: Graph, node: Node, fallback: Node) -> tuple[str, str]:
    found = {"es": "", "en": ""}
    for source in (node, fallback):
        for message in graph.objects(source, SH.message):
            if isinstance(message, Literal) and message.language in found:
                found[message.language] = found[message.language] or str(message)
    return found["es"], found["en"]


def _severity(graph: Graph, shape: Node) -> Severity:
    value = graph.value(shape, SH.severity)
    if value is None:
        return Severity.VIOLATION
    if value not in _SEVERITIES:
        raise ConfigurationError(f"shape {shape}: unknown severity {value}")
    return _SEVERITIES[value]  # type: ignore[index]


def _path(graph: Graph, shape: Node) -> tuple[URIRef, bool]:
    path = graph.value(shape, SH.path)
    if isinstance(path, URIRef):
        return path, False
    if isinstance(path, BNode):
        inverse = graph.value(path, SH.inversePath)
        if isinstance(inverse, URIRef) and len(list(graph.predicate_objects(path))) == 1:
            return inverse, True
    raise ConfigurationError(f"shape {shape}: only a predicate or sh:inversePath is supported")


def _prefixes(graph: Graph, constraint: Node) -> str:
    lines = []
    for ontology in graph.objects(constraint, SH.prefixes):
        for declaration in graph.objects(ontology, SH.declare):
            prefix = graph.value(declaration, SH.prefix)
            namespace = graph.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(lines))


def _targets(graph: Graph, shape: Node) -> tuple[URIRef, ...]:
    return tuple(sorted(t for t in graph.objects(shape, SH.targetClass) if isinstance(t, URIRef)))


def _property_constraints(
    graph: Graph, prop: URIRef, targets: tuple[URIRef, ...]
) -> Iterator[Constraint]:
    path, inverse = _path(graph, prop)
    severity = _severity(graph, prop)
    es, en = _messages(graph, prop, prop)
    flags = str(graph.value(prop, SH.flags) or "")
    for predicate, value in sorted(graph.predicate_objects(prop)):
        if predicate in _NON_CONSTRAINT:
            continue
        name = str(predicate).removeprefix(str(SH))
        if not str(predicate).startswith(str(SH)) or name not in SUPPORTED:
            raise ConfigurationError(f"shape {prop}: {predicate} is not supported by the engine")
        parameter: tuple[Node, ...] = (
            tuple(Collection(graph, value)) if name in ("in", "languageIn") else (value,)
        )
        yield Constraint(
            _local_name(prop),
            prop,
            name,
            targets,
            severity,
            es,
            en,
            path,
            inverse,
            parameter,
            flags,
        )


def _sparql_constraints(
    graph: Graph, shape: URIRef, targets: tuple[URIRef, ...]
) -> Iterator[Constraint]:
    severity = _severity(graph, shape)
    for constraint in graph.objects(shape, SH.sparql):
        if not isinstance(constraint, URIRef):
            raise ConfigurationError(f"shape {shape}: name its sh:sparql constraint with an IRI")
        select = graph.value(constraint, SH.select)
        if select is None:
            raise ConfigurationError(f"constraint {constraint}: sh:select is missing")
        es, en = _messages(graph, constraint, shape)
        text = f"{_prefixes(graph, constraint)}\n{select}"
        yield Constraint(
            _local_name(constraint), shape, "sparql", targets, severity, es, en, select=text
        )


def read_constraints(graph: Graph) -> list[Constraint]:
    """Every constraint of every node shape that has a `sh:targetClass`."""
    constraints: list[Constraint] = []
    for shape in sorted(set(graph.subjects(RDF.type, SH.NodeShape)), key=str):
        if not isinstance(shape, URIRef):
            raise ConfigurationError("node shapes must be named with an IRI")
        targets = _targets(graph, shape)
        if not targets:
            raise ConfigurationError(f"shape {shape}: no sh:targetClass")
        for prop in graph.objects(shape, SH.property):
            if not isinstance(prop, URIRef):
                raise ConfigurationError(f"shape {shape}: name its property shapes with IRIs")
            constraints.extend(_property_constraints(graph, prop, targets))
        constraints.extend(_sparql_constraints(graph, shape, targets))
    return constraints


@cache
def project_constraints() -> tuple[Constraint, ...]:
    """The constraints of the project's `shapes/` folder, read once per process."""
    return tuple(read_constraints(load_shapes_graph()))


def rules(constraints: Sequence[Constraint]) -> list[str]:
    return sorted({c.rule for c in constraints})
