"""The engine's use cases, for the CLI and the HTTP layer: match and store, compare, check."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from pyoxigraph import NamedNode, Quad, Triple

from equivalence.matching.engine import Engine
from equivalence.matching.graph import MappingRecord, mappings_quads, read_mappings, record_quads
from equivalence.matching.inference import Finding, chain, check
from equivalence.matching.model import Mapping
from equivalence.store.base import TripleStore
from equivalence.vocab import INFERRED_MAPPINGS_GRAPH, mapping_graph

__all__ = ["MatchOutcome", "check_mappings", "compare_standards", "match_and_store"]


@dataclass(slots=True)
class MatchOutcome:
    """What a `match` found, and what it wrote to the store."""

    mappings: list[Mapping]
    country_pairs: list[tuple[str, str]]
    inferred: list[MappingRecord] = field(default_factory=list)
    written: bool = False
    seconds: float = 0.0


def _triples(quads: Sequence[Quad]) -> list[Triple]:
    return [Triple(q.subject, q.predicate, q.object) for q in quads]


def match_and_store(
    store: TripleStore,
    source: str | None = None,
    target: str | None = None,
    *,
    min_confidence: float = 0.0,
    write: bool = True,
    engine: Engine | None = None,
) -> MatchOutcome:
    """Matches the country pairs asked for; with `write`, replaces their mappings in the store.

    Each pair of countries has its own mappings graph (`vocab.mapping_graph`), so re-matching
    after one country resubmits rewrites that country's pairs only. The mappings inferred by
    chaining (`inference.chain`) are recomputed from all the stored mappings and replaced in
    the same atomic write.
    """
    started = time.perf_counter()
    engine = engine or Engine.from_store(store)
    pairs = engine.country_pairs(source, target)
    found: dict[NamedNode, list[Mapping]] = {}
    for a, b in pairs:
        found[mapping_graph(a, b)] = engine.match(a, b, min_confidence=min_confidence)
    mappings = [m for batch in found.values() for m in batch]
    outcome = MatchOutcome(mappings, pairs)
    if write:
        graphs: dict[NamedNode, Sequence[Triple]] = {
            g: _triples(mappings_quads(ms, graph=g)) for g, ms in found.items()
        }
        replaced = {frozenset(p) for p in pairs}
        kept = [
            r
            for r in read_mappings(store)
            if not r.inferred and frozenset((r.subject_country, r.object_country)) not in replaced
        ]
        outcome.inferred = chain(kept + [MappingRecord.from_mapping(m) for m in mappings])
        inferred_quads = [
            q for r in outcome.inferred for q in record_quads(r, graph=INFERRED_MAPPINGS_GRAPH)
        ]
        graphs[INFERRED_MAPPINGS_GRAPH] = _triples(inferred_quads)
        store.replace_graphs(graphs)
        outcome.written = True
    outcome.seconds = time.perf_counter() - started
    return outcome


def compare_standards(
    store: TripleStore, subject: tuple[str, str], obj: tuple[str, str], *, engine: Engine | None
) -> Mapping:
    """The alignment, verdict and gaps of two standards given as (country, code)."""
    engine = engine or Engine.from_store(store)
    return engine.compare(engine.standard(*subject), engine.standard(*obj))


def check_mappings(store: TripleStore) -> list[Finding]:
    """Contradictions and suspicious cardinalities among the stored mappings."""
    return check(read_mappings(store))
