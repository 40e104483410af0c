"""The content of one version of a country's data: canonical N-Triples, digests per standard.

`snapshot(triples)` puts triples in the form the store keeps them in (pyoxigraph normalises
literals: ``"01"^^xsd:integer`` is stored as ``"1"``), relabels blank nodes with RDFC-1.0 when
there are any, and serialises the result as *canonical N-Triples*: one line per distinct triple,
sorted bytewise. Its SHA-256 is the version's content digest, so the submitted data, the archived
file and the live graph read back from the store give the same digest.

Each competency standard also gets a digest of its *group* of triples, so that two versions are
compared by their metadata alone: the standard's own triples, its units' (`eq:hasUnit`), their
criteria's (`eq:hasCriterion`), blank nodes reachable from them, and the source records they
were derived from (`prov:wasDerivedFrom`) or that reify a statement about them (`rdf:subject`).
A digest covers what the standard says, not where it was read from: records enter without
their IRI (which holds the file and row), `eq:sourceFile` or `eq:sourceRow`, so moving a row
or renaming the submitted file changes no standard (it does change the version's digest).
A unit shared by several standards (ChileValora UCLs) is in each of their groups.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from pyoxigraph import (
    BlankNode,
    CanonicalizationAlgorithm,
    Dataset,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    RdfFormat,
    Store,
    Triple,
    parse,
    serialize,
)

from equivalence.archive import content_digest
from equivalence.vocab import DCTERMS, EQ, PROV, RDF, SOURCE_NS

__all__ = [
    "Snapshot",
    "StandardDigest",
    "changed_standards",
    "snapshot",
    "snapshot_from_canonical",
]

_TYPE = RDF.type
_SUBJECT = RDF.subject
_STANDARD = EQ.CompetencyStandard
_HAS_UNIT = EQ.hasUnit
_HAS_CRITERION = EQ.hasCriterion
_DERIVED_FROM = PROV.wasDerivedFrom
_IDENTIFIER = DCTERMS.identifier
_LOCATION = frozenset({EQ.sourceFile, EQ.sourceRow})
_RECORD = "_:record"

Node = NamedNode | BlankNode | Triple


@dataclass(frozen=True, slots=True)
class StandardDigest:
    """One standard of a version: its IRI, its code and the digest of its group of triples."""

    standard: NamedNode
    code: str
    digest: str


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The content of one version: its triples, canonical N-Triples, digest and standards."""

    triples: tuple[Triple, ...]
    canonical: bytes
    digest: str
    standards: tuple[StandardDigest, ...]

    @property
    def by_standard(self) -> dict[str, StandardDigest]:
        """The standards by IRI (as a string)."""
        return {s.standard.value: s for s in self.standards}


def snapshot(triples: Iterable[Triple]) -> Snapshot:
    """The canonical content and digests of a set of triples (duplicates count once)."""
    normalised = _canonical_blank_nodes(_as_stored(triples))
    return _build(normalised, _canonical_ntriples(normalised))


def snapshot_from_canonical(canonical: bytes) -> Snapshot:
    """The snapshot of archived canonical N-Triples (already in stored, canonical form)."""
    triples = [quad.triple for quad in parse(canonical, format=RdfFormat.N_TRIPLES)]
    return _build(triples, canonical)


def _build(triples: Sequence[Triple], canonical: bytes) -> Snapshot:
    return Snapshot(
        triples=tuple(triples),
        canonical=canonical,
        digest=content_digest(canonical),
        standards=_standard_digests(triples),
    )


def _as_stored(triples: Iterable[Triple]) -> list[Triple]:
    """The distinct triples as the store keeps them (literals normalised), via a memory store."""
    store = Store()
    store.extend(Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples)
    return [quad.triple for quad in store.quads_for_pattern(None, None, None, DefaultGraph())]


def _canonical_blank_nodes(triples: list[Triple]) -> list[Triple]:
    """Blank nodes relabelled by RDFC-1.0 (so their labels do not change the digest)."""
    if not any(
        isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode) for t in triples
    ):
        return triples
    dataset = Dataset(Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples)
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return [quad.triple for quad in dataset]


def _canonical_ntriples(triples: Sequence[Triple]) -> bytes:
    data = serialize(triples, format=RdfFormat.N_TRIPLES)
    assert data is not None
    lines = sorted(set(data.splitlines()))
    return b"".join(line + b"\n" for line in lines if line)


# -- per-standard digests --------------------------------------------------------------------


class _Index:
    """The triples by subject, and the records that reify a statement about each subject."""

    def __init__(self, triples: Sequence[Triple]) -> None:
        self.by_subject: dict[Node, list[Triple]] = {}
        self.reifying: dict[Node | Literal, list[Node]] = {}
        for triple in triples:
            self.by_subject.setdefault(triple.subject, []).append(triple)
            if triple.predicate == _SUBJECT:
                self.reifying.setdefault(triple.object, []).append(triple.subject)
        self._blank_forms: dict[BlankNode, str] = {}

    def objects(self, subject: Node, predicate: NamedNode) -> list[NamedNode | BlankNode]:
        return [
            t.object
            for t in self.by_subject.get(subject, ())
            if t.predicate == predicate and isinstance(t.object, NamedNode | BlankNode)
        ]

    def blank_form(self, node: BlankNode, seen: frozenset[BlankNode] = frozenset()) -> str:
        """A label for a blank node made of its content (its own label is arbitrary)."""
        if node in self._blank_forms:
            return self._blank_forms[node]
        if node in seen:
            return "_:cycle"
        lines = sorted(
            f"{t.predicate} {self.form(t.object, seen | {node})}"
            for t in self.by_subject.get(node, ())
            if t.predicate not in _LOCATION
        )
        form = "_:" + hashlib.sha256("\n".join(lines).encode()).hexdigest()
        self._blank_forms[node] = form
        return form

    def form(self, term: object, seen: frozenset[BlankNode] = frozenset()) -> str:
        if isinstance(term, BlankNode):
            return self.blank_form(term, seen)
        if isinstance(term, NamedNode) and term.value.startswith(SOURCE_NS):
            return _RECORD
        return str(term)


def _standard_digests(triples: Sequence[Triple]) -> tuple[StandardDigest, ...]:
    index = _Index(triples)
    standards = sorted(
        {t.subject for t in triples if t.predicate == _TYPE and t.object == _STANDARD},
        key=str,
    )
    digests = [
        StandardDigest(standard, _code(index, standard), _group_digest(index, standard))
        for standard in standards
        if isinstance(standard, NamedNode)
    ]
    return tuple(sorted(digests, key=lambda d: (d.code, d.standard.value)))


def _code(index: _Index, standard: NamedNode) -> str:
    """The standard's `dcterms:identifier`, else the last segment of its IRI (`titulo-…`)."""
    codes = sorted(
        t.object.value
        for t in index.by_subject.get(standard, ())
        if t.predicate == _IDENTIFIER and isinstance(t.object, Literal)
    )
    return codes[0] if codes else unquote(standard.value.rstrip("/").rsplit("/", 1)[-1])


def _members(index: _Index, standard: NamedNode) -> list[Node]:
    members: list[Node] = [standard]
    for unit in index.objects(standard, _HAS_UNIT):
        members.append(unit)
        members.extend(index.objects(unit, _HAS_CRITERION))
    return members


def _records(index: _Index, members: Iterable[Node]) -> set[Node]:
    records: set[Node] = set()
    for member in members:
        records.update(index.objects(member, _DERIVED_FROM))
        records.update(index.reifying.get(member, ()))
    return records


def _group_digest(index: _Index, standard: NamedNode) -> str:
    members = _members(index, standard)
    lines: set[str] = set()
    for subject in [*dict.fromkeys(members), *sorted(_records(index, members), key=str)]:
        for triple in index.by_subject.get(subject, ()):
            if triple.predicate in _LOCATION:
                continue
            lines.add(
                f"{index.form(triple.subject)} {triple.predicate} {index.form(triple.object)}"
            )
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def changed_standards(
    old: Mapping[str, StandardDigest], new: Mapping[str, StandardDigest]
) -> tuple[list[str], list[str], list[str]]:
    """The codes of the standards added, removed and changed from `old` to `new` (by IRI)."""
    added = sorted(new[iri].code for iri in new.keys() - old.keys())
    removed = sorted(old[iri].code for iri in old.keys() - new.keys())
    changed = sorted(
        new[iri].code for iri in new.keys() & old.keys() if new[iri].digest != old[iri].digest
    )
    return added, removed, changed
