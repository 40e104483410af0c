"""The engine's use cases, for the CLI and the HTTP layer: match and store, compare, check."""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

from pyoxigraph import NamedNode, Quad, Triple

from equivalence.matching.corpus import read_standards
from equivalence.matching.engine import Engine
from equivalence.matching.graph import MappingRecord, mappings_quads, read_mappings, record_quads
from equivalence.matching.inference import Finding, chain, check
from equivalence.matching.model import Mapping, StandardText
from equivalence.matching.occupations import OccupationIndex, OccupationSuggestion
from equivalence.review import refresh_review_statuses
from equivalence.store.base import TripleStore
from equivalence.vocab import (
    COUNTRIES,
    IMPORTED_MAPPINGS_GRAPH,
    INFERRED_MAPPINGS_GRAPH,
    OCCUPATION_SCHEMES,
    mapping_graph,
)

__all__ = [
    "MatchOutcome",
    "check_mappings",
    "compare_standards",
    "declared_code",
    "export_mappings",
    "import_mappings",
    "link_occupations",
    "match_and_store",
]


@dataclass(slots=True)
class MatchOutcome:
    """What a `match` found, and what it wrote to the store."""

    mappings: list[Mapping]
    country_pairs: list[tuple[str, str]]
    inferred: list[MappingRecord] = field(default_factory=list)
    written: bool = False
    seconds: float = 0.0


# Up to this many quads, the mapping graphs are replaced in one atomic write.
ATOMIC_WRITE_LIMIT = 200_000


def _write_graphs(store: TripleStore, graphs: dict[NamedNode, list[Quad]]) -> None:
    """Replaces the mapping graphs: atomically when small, graph by graph when large.

    An atomic replacement of millions of quads costs minutes on the on-disk store (staging
    graphs moved by a SPARQL ADD). Mappings are derived data, so a large write drops each
    graph and bulk-loads its new content instead: a match that crashes half way leaves some
    pairs without mappings until it is run again, never a mix of old and new in one graph.
    """
    if sum(len(quads) for quads in graphs.values()) < ATOMIC_WRITE_LIMIT:
        triples: dict[NamedNode, Sequence[Triple]] = {
            g: [Triple(q.subject, q.predicate, q.object) for q in quads]
            for g, quads in graphs.items()
        }
        store.replace_graphs(triples)
        return
    for graph, quads in graphs.items():
        store.drop_graph(graph)
        store.add_quads(quads)


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
        kept = _kept_mappings(store, pairs)
        outcome.inferred = chain(kept + [MappingRecord.from_mapping(m) for m in mappings])
        graphs = {g: mappings_quads(ms, graph=g, as_set=True) for g, ms in found.items()}
        graphs[INFERRED_MAPPINGS_GRAPH] = [
            q for r in outcome.inferred for q in record_quads(r, graph=INFERRED_MAPPINGS_GRAPH)
        ]
        _write_graphs(store, graphs)
        refresh_review_statuses(store)  # decisions on a predicate that changed no longer count
        outcome.written = True
    outcome.seconds = time.perf_counter() - started
    return outcome


def _kept_mappings(store: TripleStore, replaced: Sequence[tuple[str, str]]) -> list[MappingRecord]:
    """The stored direct mappings of the country pairs this match does not replace."""
    done = {frozenset(p) for p in replaced}
    kept: list[MappingRecord] = []
    for a, b in itertools.combinations(sorted(COUNTRIES), 2):
        if frozenset((a, b)) in done:
            continue
        for subject, obj in ((a, b), (b, a)):
            found = read_mappings(store, subject_country=subject, object_country=obj)
            kept += [r for r in found if not r.inferred]
    return kept


def compare_standards(
    store: TripleStore, subject: tuple[str, str], obj: tuple[str, str], *, engine: Engine | None
) -> Mapping:
    """The alignment, verdict and gaps of two standards given as (country, code)."""
    engine = engine or Engine.from_store(store)
    return engine.compare(engine.standard(*subject), engine.standard(*obj))


def check_mappings(store: TripleStore) -> list[Finding]:
    """Contradictions and suspicious cardinalities among the stored mappings."""
    return check(read_mappings(store))


def declared_code(standard: StandardText) -> tuple[str, str] | None:
    """(scheme name, code) of the first occupation the standard declares, if any."""
    for iri in standard.occupations:
        for scheme in OCCUPATION_SCHEMES.values():
            if iri.startswith(scheme.concept_prefix):
                return scheme.name, unquote(iri.removeprefix(scheme.concept_prefix))
    return None


def link_occupations(
    store: TripleStore, country: str | None = None, *, top: int = 3
) -> list[tuple[StandardText, list[OccupationSuggestion]]]:
    """Each standard with its ranked ISCO-08 unit groups (and ESCO occupations).

    From the occupation code it declares, through the crosswalks (SINCO → CIUO-08, CUOC, CIUO-08.CL,
    ISCO-08, ESCO), and from the code a ChileValora profile embeds; then from its title.
    """
    index = OccupationIndex.from_store(store)
    linked: list[tuple[StandardText, list[OccupationSuggestion]]] = []
    for standard in read_standards(store, [country] if country else None):
        declared = declared_code(standard)
        scheme, code = declared if declared else (None, None)
        chile = standard.code if standard.country == "CL" else None
        suggestions = index.for_standard(standard.title, scheme, code, chile, top=top)
        linked.append((standard, suggestions))
    return linked


def import_mappings(
    store: TripleStore, records: Sequence[MappingRecord], *, replace: bool = False
) -> int:
    """Stores mappings read from SSSOM (an expert's curated set …) in the imported graph.

    They are kept apart from the engine's (which `match` rewrites); with `replace`, the
    imported graph holds these records only. Returns the number of mappings stored.
    """
    quads = [q for r in records for q in record_quads(r, graph=IMPORTED_MAPPINGS_GRAPH)]
    if replace:
        triples = [Triple(q.subject, q.predicate, q.object) for q in quads]
        store.replace_graphs({IMPORTED_MAPPINGS_GRAPH: triples})
    else:
        store.add_quads(quads)
    return len(records)


def export_mappings(
    store: TripleStore, source: str | None = None, target: str | None = None
) -> list[MappingRecord]:
    """The stored mappings (direct, inferred and imported), optionally of some countries."""
    return read_mappings(
        store,
        subject_country=source.upper() if source else None,
        object_country=target.upper() if target else None,
    )
