"""The fast validator: the project's shapes compiled to SPARQL and run on an in-memory pyoxigraph store.

Each constraint of `shapes.py` becomes one SELECT query: a template of `components/*.rq` filled
with the shape's path and parameters as serialised RDF terms, or the shape's own `sh:select`.
The queries run on two threads (pyoxigraph releases the GIL while it evaluates). pySHACL on an
rdflib graph is the reference for what they must find (`reference.py`, and the conformance tests).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QuerySolutions,
    Store,
    Triple,
)
from rdflib import Literal as RdfLibLiteral
from rdflib import URIRef
from rdflib.term import Node

from equivalence.errors import ConfigurationError
from equivalence.validation.shapes import SH, Constraint

__all__ = ["Finding", "ValidationStore", "compile_constraint", "run_constraints"]

Term = NamedNode | BlankNode | Literal

_TEMPLATES: Final = Path(__file__).with_name("components")
_TARGET_MARK: Final = re.compile(r"^[ \t]*#@target[ \t]*$", re.MULTILINE)
_WHERE: Final = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_THIS: Final = re.compile(r"\$this\b")
_PLACEHOLDER: Final = re.compile(r"\$(PATH|[a-zA-Z]+)\b")
_MESSAGE_VARIABLE: Final = re.compile(r"\{[?$](\w+)\}")
_XSD: Final = "http://www.w3.org/2001/XMLSchema#"
_SUBCLASS: Final = NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
# XSD datatypes whose IRI is also a SPARQL cast function: well-formedness is checked by casting.
_CASTABLE: Final = frozenset(
    f"{_XSD}{name}"
    for name in ("string", "boolean", "integer", "decimal", "double", "float", "date", "dateTime")
)
_NODE_KINDS: Final = {
    SH.IRI: "isIRI(?value)",
    SH.BlankNode: "isBlank(?value)",
    SH.Literal: "isLiteral(?value)",
    SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))",
    SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
    SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One SHACL result before it is located: the constraint, the focus node, the value."""

    constraint: Constraint
    focus: Term
    value: Term | None
    message_es: str
    message_en: str
    path: str | None = None  # a SPARQL constraint's ?path, when it binds one


class ValidationStore:
    """The data under validation, in one in-memory pyoxigraph store.

    Quads keep their named graphs (copying millions of quads into the default graph costs more
    than it saves); queries see the union of the graphs, as pySHACL sees one graph.
    """

    def __init__(self) -> None:
        self.store = Store()

    def add_quads(self, quads: Iterable[Quad]) -> None:
        self.store.bulk_extend(quads)

    def add_triples(self, graph: NamedNode, triples: Iterable[Triple]) -> None:
        self.store.bulk_extend(Quad(t.subject, t.predicate, t.object, graph) for t in triples)

    def __len__(self) -> int:
        return len(self.store)

    def select(self, query: str) -> QuerySolutions:
        result = self.store.query(query, use_default_graph_as_union=True)
        if not isinstance(result, QuerySolutions):
            raise ConfigurationError("a validation query must be a SELECT query")
        return result

    def subclass_closure(self) -> dict[str, tuple[str, ...]]:
        """For each class, the N-Triples form of itself and of all its subclasses."""
        children: dict[str, set[str]] = {}
        for quad in self.store.quads_for_pattern(None, _SUBCLASS, None, None):
            if isinstance(quad.subject, NamedNode) and isinstance(quad.object, NamedNode):
                children.setdefault(str(quad.object), set()).add(str(quad.subject))

        def below(cls: str, seen: set[str]) -> set[str]:
            for child in children.get(cls, ()):
                if child not in seen:
                    seen.add(child)
                    below(child, seen)
            return seen

        return {cls: tuple(sorted(below(cls, {cls}))) for cls in children}


def _nt(node: Node) -> str:
    """The N-Triples form of an rdflib term from the shapes graph."""
    if isinstance(node, URIRef):
        return str(NamedNode(str(node)))
    if isinstance(node, RdfLibLiteral):
        if node.language:
            return str(Literal(str(node), language=node.language))
        if node.datatype is not None:
            return str(Literal(str(node), datatype=NamedNode(str(node.datatype))))
        return str(Literal(str(node)))
    raise ConfigurationError(f"a blank node cannot be a constraint parameter: {node}")


def _classes(iri: Node, closure: dict[str, tuple[str, ...]]) -> str:
    key = _nt(iri)
    return " ".join(closure.get(key, (key,)))


@cache
def _template(name: str) -> str:
    path = _TEMPLATES / f"{name}.rq"
    if not path.is_file():
        raise ConfigurationError(f"no SPARQL template for sh:{name}")
    return path.read_text(encoding="utf-8")


def _target_pattern(constraint: Constraint, closure: dict[str, tuple[str, ...]]) -> str:
    classes = sorted({c for t in constraint.targets for c in _classes(t, closure).split()})
    if len(classes) == 1:
        return f"?this a {classes[0]} ."
    return _template("target-classes").strip().replace("$classes", " ".join(classes))


def _parameters(constraint: Constraint, closure: dict[str, tuple[str, ...]]) -> dict[str, str]:
    name, values = constraint.component, constraint.parameter
    first = values[0] if values else None
    if name in ("minCount", "maxCount") and first is not None and int(str(first)) == 1:
        return {}
    params: dict[str, str] = {}
    if name == "class" and first is not None:
        params["classes"] = _classes(first, closure)
    elif name == "in":
        params["in"] = " ".join(_nt(v) for v in values)
    elif name == "languageIn":
        params["languages"] = (
            " || ".join(f"langMatches(lang(?value), {_nt(RdfLibLiteral(str(v)))})" for v in values)
            or "false"
        )
    elif name == "nodeKind" and first is not None:
        params["nodeKind"] = _NODE_KINDS[first]  # type: ignore[index]
    elif name == "pattern" and first is not None:
        params["pattern"] = _nt(RdfLibLiteral(str(first)))
        params["flags"] = _nt(RdfLibLiteral(constraint.flags))
    elif first is not None:
        params[name] = _nt(first)
        if name == "datatype":
            castable = str(first) in _CASTABLE
            params["cast"] = f"{_nt(first)}(STR(?value))" if castable else "true"
    return params


def _path(constraint: Constraint) -> str:
    assert constraint.path is not None
    iri = _nt(constraint.path)
    return f"^{iri}" if constraint.inverse else iri


def compile_constraint(constraint: Constraint, closure: dict[str, tuple[str, ...]]) -> str:
    """The SELECT query that finds the focus nodes (and values) violating one constraint."""
    target = _target_pattern(constraint, closure)
    if constraint.component == "sparql":
        text = _THIS.sub("?this", constraint.select)
        match = _WHERE.search(text)
        if match is None:
            raise ConfigurationError(f"{constraint.rule}: the SPARQL constraint has no WHERE")
        return f"{text[: match.end()]}\n  {target}\n{text[match.end() :]}"
    template = constraint.component
    if template in ("minCount", "maxCount") and int(str(constraint.parameter[0])) == 1:
        template = f"{template}-1"
    params = _parameters(constraint, closure)
    params["PATH"] = _path(constraint)

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in params:
            raise ConfigurationError(f"{constraint.rule}: template {template} needs ${key}")
        return params[key]

    text = _PLACEHOLDER.sub(fill, _template(template))
    return _TARGET_MARK.sub(lambda _: target, text)


def _message(text: str, solution: dict[str, Term]) -> str:
    def fill(match: re.Match[str]) -> str:
        term = solution.get(match.group(1))
        return term.value if term is not None else match.group(0)

    return _MESSAGE_VARIABLE.sub(fill, text)


def run_constraints(
    store: ValidationStore, constraints: Sequence[Constraint], *, workers: int = 2
) -> list[Finding]:
    """Runs every constraint on the store; the findings in the order of the constraints."""
    closure = store.subclass_closure()
    queries = [(c, compile_constraint(c, closure)) for c in constraints]

    def run(item: tuple[Constraint, str]) -> list[Finding]:
        constraint, query = item
        return _bind_all(store, constraint, query)

    if workers <= 1:
        batches: Iterator[list[Finding]] = map(run, queries)
        return [f for batch in batches for f in batch]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [f for batch in pool.map(run, queries) for f in batch]


def _bind_all(store: ValidationStore, constraint: Constraint, query: str) -> list[Finding]:
    """Runs one query; every variable of a SPARQL constraint is available to its message."""
    findings: list[Finding] = []
    solutions = store.select(query)
    variables = [v.value for v in solutions.variables]
    for solution in solutions:
        focus = solution["this"]
        if not isinstance(focus, NamedNode | BlankNode | Literal):
            continue
        bound: dict[str, Term] = {}
        for name in variables:
            term = solution[name]
            if isinstance(term, NamedNode | BlankNode | Literal):
                bound[name] = term
        path = bound.get("path")
        value = bound.get("value")
        if value is None and constraint.component == "sparql":
            value = focus  # SHACL: a node shape's SPARQL result without ?value has the focus node
        findings.append(
            Finding(
                constraint,
                focus,
                value,
                _message(constraint.message_es, bound),
                _message(constraint.message_en, bound),
                path.value if isinstance(path, NamedNode) else None,
            )
        )
    return findings
