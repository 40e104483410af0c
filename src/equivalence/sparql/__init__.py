"""The catalogue of named SPARQL queries and the rendering of query results."""

from equivalence.sparql.catalogue import (
    Catalogue,
    NamedQuery,
    Parameter,
    default_catalogue,
    parse_query_file,
    term_text,
    to_term,
)

__all__ = [
    "Catalogue",
    "NamedQuery",
    "Parameter",
    "default_catalogue",
    "parse_query_file",
    "term_text",
    "to_term",
]
