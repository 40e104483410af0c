"""The SPARQL 1.1 Service Description of the endpoint, as triples.

It says where the endpoint is, that it answers SPARQL 1.1 queries (no updates), in which result
formats, that its default graph is the union of the named graphs (listed, with their names), and
whether federated queries (`SERVICE`) are allowed; the time and result limits are stated in a
comment, as the vocabulary has no terms for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from pyoxigraph import BlankNode, Literal, NamedNode, QueryResultsFormat, RdfFormat, Triple

from equivalence.sparql.protocol import GRAPH_FORMATS, RESULT_FORMATS, Limits
from equivalence.vocab import PREFIXES, RDF, RDFS, Namespace

__all__ = ["SD", "description_prefixes", "service_description"]

SD: Final = Namespace("http://www.w3.org/ns/sparql-service-description#")


def _format_iri(value: QueryResultsFormat | RdfFormat) -> NamedNode:
    return NamedNode(value.iri)


def service_description(
    endpoint: str, *, graphs: Sequence[NamedNode], limits: Limits
) -> list[Triple]:
    """The description of the endpoint at `endpoint` (an absolute URL) over `graphs`."""
    service = NamedNode(endpoint)
    dataset = BlankNode()
    default_graph = BlankNode()
    triples = [
        Triple(service, RDF.type, SD.Service),
        Triple(service, SD.endpoint, service),
        Triple(service, SD.supportedLanguage, SD.SPARQL11Query),
        Triple(service, SD.feature, SD.UnionDefaultGraph),
        Triple(service, SD.defaultDataset, dataset),
        Triple(dataset, RDF.type, SD.Dataset),
        Triple(dataset, SD.defaultGraph, default_graph),
        Triple(default_graph, RDF.type, SD.Graph),
        Triple(
            service,
            RDFS.comment,
            Literal(
                "Read-only: SPARQL updates are refused. The default graph is the union of the "
                f"named graphs. Each query may run {limits.timeout:g} s at most and returns at "
                f"most {limits.max_results} rows or triples (a truncated result carries the "
                "header X-Result-Truncated: true). Federated queries (SERVICE) are "
                + ("allowed." if limits.federation else "refused."),
                language="en",
            ),
        ),
    ]
    if limits.federation:
        triples.append(Triple(service, SD.feature, SD.BasicFederatedQuery))
    formats: list[QueryResultsFormat | RdfFormat] = [*RESULT_FORMATS.values()]
    formats += GRAPH_FORMATS.values()
    triples += [Triple(service, SD.resultFormat, _format_iri(f)) for f in formats]
    for graph in graphs:
        named = BlankNode()
        triples += [
            Triple(dataset, SD.namedGraph, named),
            Triple(named, RDF.type, SD.NamedGraph),
            Triple(named, SD.name, graph),
        ]
    return triples


def description_prefixes(rdf_format: RdfFormat) -> dict[str, str] | None:
    """The prefixes to write the description with, for the syntaxes that have prefixes."""
    if rdf_format not in (RdfFormat.TURTLE, RdfFormat.RDF_XML):
        return None
    return {"sd": str(SD), "rdf": str(RDF), "rdfs": str(RDFS), "graph": PREFIXES["graph"]}
