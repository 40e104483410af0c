"""The validator: the project's shapes run on the dataset's index and on a small pyoxigraph store.

Constraints that need no join (`minCount`, `datatype`, `class` …, see `evaluate.py`) are
evaluated in Python on the dataset's index. The others (`sh:sparql` constraints, value ranges,
`sh:lessThanOrEquals`) become one SELECT query each: a template of `components/*.rq` filled with
the shape's path and parameters as serialised RDF terms, or the shape's own `sh:select`. They run
on an in-memory pyoxigraph store that holds only the statements they can read (`scope.py`),
in this process or in a child process while this one evaluates the rest (`queries.py`).
pySHACL on an rdflib graph is the reference for what they must find (`reference.py`, and the
conformance tests).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from pyoxigraph import BlankNode, Literal, NamedNode

from equivalence.errors import ConfigurationError
from equivalence.validation.dataset import Index, n_triples, term_of
from equivalence.validation.evaluate import PYTHON_COMPONENTS, Violation, evaluate, rdf_term
from equivalence.validation.queries import Answer, InProcess, QueryRunner
from equivalence.validation.scope import remember, scope_of, scoped_statements
from equivalence.validation.shapes import Constraint
from equivalence.validation.templates import template

__all__ = ["Finding", "compile_constraint", "run_constraints", "subclass_closure"]

Term = NamedNode | BlankNode | Literal
Closure = Mapping[str, frozenset[str]]

_TARGET_MARK: Final = re.compile(r"^[ \t]*#@target[ \t]*$", re.MULTILINE)
_WHERE: Final = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_THIS: Final = re.compile(r"\$this\b")
_PLACEHOLDER: Final = re.compile(r"\$(PATH|[a-zA-Z]+)\b")
_MESSAGE_VARIABLE: Final = re.compile(r"\{[?$](\w+)\}")
_SUBCLASS: Final = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
_TYPE: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True, slots=True)
class Finding:
    """One SHACL result before it is located: the constraint, the focus node, the value."""

    constraint: Constraint
    focus: Term
    value: Term | None
    message_es: str
    message_en: str
    path: str | None = None  # a SPARQL constraint's ?path, when it binds one


def subclass_closure(index: Index) -> dict[str, frozenset[str]]:
    """For each class (an IRI) that has subclasses: itself and all its subclasses."""
    children: dict[str, set[str]] = {}
    for child, parents in index.values(_SUBCLASS).items():
        for parent in parents:
            if isinstance(parent, str) and not parent.startswith("_:"):
                children.setdefault(parent, set()).add(child)

    def below(cls: str, seen: set[str]) -> set[str]:
        for child in children.get(cls, ()):
            if child not in seen:
                seen.add(child)
                below(child, seen)
        return seen

    return {cls: frozenset(below(cls, {cls})) for cls in children}


def _classes(iri: str, closure: Closure) -> list[str]:
    """The N-Triples forms of a class and its subclasses."""
    return sorted(n_triples(c) for c in closure.get(iri, frozenset({iri})))


def _target_pattern(constraint: Constraint, closure: Closure) -> str:
    classes = sorted({c for t in constraint.targets for c in _classes(str(t), closure)})
    if len(classes) == 1:
        return f"?this a {classes[0]} ."
    return template("target-classes").strip().replace("$classes", " ".join(classes))


def _path(constraint: Constraint) -> str:
    assert constraint.path is not None
    iri = str(NamedNode(str(constraint.path)))
    return f"^{iri}" if constraint.inverse else iri


def compile_constraint(constraint: Constraint, closure: Closure) -> str:
    """The SELECT query that finds the focus nodes (and values) violating one constraint."""
    target = _target_pattern(constraint, closure)
    if constraint.component == "sparql":
        text = _THIS.sub("?this", constraint.select)
        match = _WHERE.search(text)
        if match is None:
            raise ConfigurationError(f"{constraint.rule}: the SPARQL constraint has no WHERE")
        return f"{text[: match.end()]}\n  {target}\n{text[match.end() :]}"
    name = constraint.component
    params = {"PATH": _path(constraint)}
    if constraint.parameter:
        params[name] = str(rdf_term(constraint.parameter[0]))

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in params:
            raise ConfigurationError(f"{constraint.rule}: template {name} needs ${key}")
        return params[key]

    text = _PLACEHOLDER.sub(fill, template(name))
    return _TARGET_MARK.sub(lambda _: target, text)


def _message(text: str, solution: dict[str, Term]) -> str:
    if "{" not in text:
        return text

    def fill(match: re.Match[str]) -> str:
        term = solution.get(match.group(1))
        return term.value if term is not None else match.group(0)

    return _MESSAGE_VARIABLE.sub(fill, text)


def _store_text(index: Index, constraints: Sequence[Constraint], closure: Closure) -> str:
    """The statements the SPARQL-evaluated constraints can read, in N-Triples."""
    lines: list[str] = []
    for subject, predicate, objects in scoped_statements(index, scope_of(constraints, closure)):
        head = f"{n_triples(subject)} <{predicate}> "
        lines.extend(f"{head}{n_triples(obj)} .\n" for obj in objects)
    return "".join(lines)


def _findings(constraint: Constraint, violations: Sequence[Violation]) -> list[Finding]:
    findings: list[Finding] = []
    for focus_key, value_key in violations:
        focus = term_of(focus_key)
        value = term_of(value_key) if value_key is not None else None
        bound: dict[str, Term] = (
            {"this": focus} if value is None else {"this": focus, "value": value}
        )
        findings.append(
            Finding(
                constraint,
                focus,
                value,
                _message(constraint.message_es, bound),
                _message(constraint.message_en, bound),
            )
        )
    return findings


def run_constraints(
    index: Index,
    constraints: Sequence[Constraint],
    *,
    workers: int = 2,
    queries: QueryRunner | None = None,
) -> list[Finding]:
    """Runs every constraint on the data; the findings in the order of the constraints.

    The SPARQL-evaluated constraints go to `queries` (by default run here, after the others,
    on `workers` threads) before the others are evaluated, so that a child process can answer
    them meanwhile.
    """
    in_sparql = [c for c in constraints if c.component not in PYTHON_COMPONENTS]
    in_python = [c for c in constraints if c.component in PYTHON_COMPONENTS]
    inverse_paths = {str(c.path) for c in constraints if c.inverse and c.path is not None}
    # what the steps below look up by object, in one pass over the nodes
    index.prepare(values={_SUBCLASS}, inverse={_TYPE, *inverse_paths})
    closure = subclass_closure(index)
    runner = queries or InProcess(workers)
    remember(runner.readings())
    if in_sparql:
        runner.submit(
            _store_text(index, in_sparql, closure),
            [compile_constraint(c, closure) for c in in_sparql],
        )
    found: dict[int, list[Finding]] = {}
    for c, violations in zip(in_python, evaluate(index, closure, in_python), strict=True):
        found[id(c)] = _findings(c, violations)
    for c, answer in zip(in_sparql, runner.answers(), strict=True):
        found[id(c)] = _bound_findings(c, answer)
    return [f for c in constraints for f in found[id(c)]]


def _bound_findings(constraint: Constraint, answer: Answer) -> list[Finding]:
    """One finding per solution; every variable of a SPARQL constraint is available to its
    message."""
    findings: list[Finding] = []
    variables, rows = answer
    for row in rows:
        bound = {name: term for name, term in zip(variables, row, strict=True) if term is not None}
        focus = bound.get("this")
        if focus is None:
            continue
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
