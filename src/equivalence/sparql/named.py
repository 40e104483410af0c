"""Named queries called by name with textual parameters (from a URL's query string, a form):
checked one by one against the query's header, so that an error names the parameter at fault."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from equivalence.errors import QueryError
from equivalence.sparql.catalogue import NamedQuery, to_term
from equivalence.store.base import Term

__all__ = ["ParameterError", "bind_parameters", "near_names"]


class ParameterError(QueryError):
    """A parameter of a named query that is unknown, missing or not of its type."""

    code = "invalid-parameter"

    def __init__(self, message: str, parameter: str) -> None:
        super().__init__(message)
        self.parameter = parameter


def bind_parameters(query: NamedQuery, given: Mapping[str, str]) -> dict[str, Term]:
    """The given values as RDF terms of their declared types (empty values count as absent).

    Raises `ParameterError` for an unknown parameter, a missing required one or an ill-typed
    value.
    """
    declared = {p.name: p for p in query.parameters}
    for name in given:
        if name not in declared:
            takes = ", ".join(declared) or "no parameters"
            raise ParameterError(
                f"query {query.name!r} has no parameter {name!r}; it takes: {takes}", name
            )
    terms: dict[str, Term] = {}
    for parameter in query.parameters:
        value = given.get(parameter.name, "").strip()
        if not value:
            if not parameter.optional:
                about = f" ({parameter.description})" if parameter.description else ""
                raise ParameterError(
                    f"query {query.name!r} needs parameter {parameter.name!r}, "
                    f"a {parameter.type}{about}",
                    parameter.name,
                )
            continue
        try:
            terms[parameter.name] = to_term(value, parameter.type, parameter.name)
        except QueryError as exc:
            raise ParameterError(exc.message, parameter.name) from exc
    return terms


def near_names(name: str, names: Iterable[str], *, limit: int = 5) -> list[str]:
    """Known names close to `name` (by spelling, or containing it), closest first."""
    known = list(names)
    close = difflib.get_close_matches(name, known, n=limit, cutoff=0.5)
    lowered = name.lower()
    containing = [n for n in known if lowered and lowered in n and n not in close]
    return (close + containing)[:limit]
