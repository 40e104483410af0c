"""The project's ontology files (`ontology/*.ttl`): where they are and their triples."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import RdfFormat, Triple, parse

from equivalence.resources import resource_dir

__all__ = ["load_ontology_triples", "ontology_files"]


def ontology_files() -> list[Path]:
    return sorted(resource_dir("ontology").glob("*.ttl"))


def load_ontology_triples() -> list[Triple]:
    """The triples of the project's `ontology/*.ttl` files."""
    triples: list[Triple] = []
    for path in ontology_files():
        triples.extend(parse(path=str(path), format=RdfFormat.TURTLE))
    return triples
