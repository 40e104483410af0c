"""Versioned, atomic, authorised submissions of a country's data.

A national agency submits a new version of all of its country's data (already validated). It
replaces the country's named graph, `vocab.country_graph(CC)`, and becomes version n+1:

1. the agent (from `auth.TokenRegistry.authorize`) must be of that country, and every quad must
   be in that country's graph, about a subject of its namespace (`…/id/CC/…`), a source record
   (`vocab.SOURCE_NS`) or a blank node; otherwise `AuthorizationError` and nothing is written;
2. the content is put in canonical form (`equivalence.snapshot`) and kept in the version archive
   (`equivalence.archive`) under its SHA-256 digest, durably, before the store changes;
3. ONE store write (`TripleStore.replace_graphs(..., add=metadata)`) replaces the live graph
   and adds the version's PROV-O metadata to `vocab.GRAPH.submissions`: a process killed at any
   moment leaves the live graph and its metadata both old or both new.

A rollback is a new version whose content is an earlier one's, read back from the archive.
Versions are compared by their per-standard digests (metadata only). See docs/submissions.md.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple

from equivalence.archive import DirectoryArchive, InMemoryArchive, VersionArchive
from equivalence.auth import Agent
from equivalence.errors import (
    AuthorizationError,
    ConfigurationError,
    InputError,
    NotFoundError,
    StoreError,
)
from equivalence.settings import Settings, get_settings
from equivalence.snapshot import (
    Snapshot,
    StandardDigest,
    changed_standards,
    snapshot,
    snapshot_from_canonical,
)
from equivalence.sparql import default_catalogue
from equivalence.store.base import Term, TripleStore
from equivalence.store.oxigraph import OxigraphStore
from equivalence.vocab import (
    COUNTRIES,
    DCTERMS,
    EQ,
    GRAPH,
    ID,
    PROV,
    RDF,
    RDFS,
    XSD,
    agent_iri,
    body_iri,
    country_graph,
    country_iri,
    in_country_data,
    submission_iri,
    version_iri,
)

__all__ = [
    "Version",
    "VersionDiff",
    "accept",
    "archive_for",
    "current_version",
    "diff",
    "rollback",
    "version",
    "versions",
]

_SHOWN_PROBLEMS = 5


@dataclass(frozen=True, slots=True)
class Version:
    """One accepted version of a country's data.

    `agent` is the id of the token that submitted it and `agency` its agency; `previous` the
    version it replaced, `restores` the earlier version a rollback copied; `summary` the
    validation summary recorded with it.
    """

    country: str
    number: int
    digest: str
    triples: int
    standards: int
    agent: str
    agency: str
    generated_at: datetime
    previous: int | None = None
    restores: int | None = None
    note: str | None = None
    summary: str | None = None

    @property
    def iri(self) -> NamedNode:
        return version_iri(self.country, self.number)

    def as_dict(self) -> dict[str, object]:
        """The version as plain JSON-ready values (what `versions --format json` prints)."""
        return {
            "version": self.number,
            "generated_at": self.generated_at.isoformat(),
            "agency": self.agency,
            "agent": self.agent,
            "standards": self.standards,
            "triples": self.triples,
            "previous": self.previous,
            "restores": self.restores,
            "digest": self.digest,
            "summary": self.summary,
        }


@dataclass(frozen=True, slots=True)
class VersionDiff:
    """The standards (by code) added, removed and changed from one version to another.

    `to_version` is None when the comparison is with the live data. `same_content` says whether
    the two contents are identical (same digest); standards can be unchanged while other
    triples (a sector's label, a row number) differ.
    """

    country: str
    from_version: int
    to_version: int | None
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    same_content: bool

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def as_dict(self) -> dict[str, object]:
        """The difference as plain JSON-ready values (`to` is "live" for the live data)."""
        return {
            "country": self.country,
            "from": self.from_version,
            "to": self.to_version if self.to_version is not None else "live",
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": list(self.changed),
            "same_content": self.same_content,
        }


# -- the archive of a store ------------------------------------------------------------------

_MEMORY_ARCHIVES: weakref.WeakKeyDictionary[OxigraphStore, InMemoryArchive] = (
    weakref.WeakKeyDictionary()
)


def archive_for(store: TripleStore, settings: Settings | None = None) -> VersionArchive:
    """The version archive that goes with a store.

    The `EQUIVALENCE_VERSIONS` directory when set; else, for an on-disk store `oxigraph:DIR`,
    the sibling directory `DIR.versions`; for an in-memory store, an archive in memory (one
    per store, kept as long as the store lives). A remote store needs the setting.
    """
    configured = (settings or get_settings()).versions_dir
    if configured is not None:
        return DirectoryArchive(configured)
    if isinstance(store, OxigraphStore):
        if store.path is None:
            return _MEMORY_ARCHIVES.setdefault(store, InMemoryArchive())
        directory = store.path.resolve()
        return DirectoryArchive(directory.with_name(directory.name + ".versions"))
    raise ConfigurationError(
        f"the store {store.descriptor} keeps no version archive of its own: set "
        "EQUIVALENCE_VERSIONS to a directory for the archived versions"
    )


# -- reading versions ------------------------------------------------------------------------


def versions(store: TripleStore, country: str) -> list[Version]:
    """Every accepted version of a country's data, oldest first."""
    country = _known_country(country)
    result = default_catalogue().select(store, "submission-versions", country=country)
    found: dict[int, Version] = {}
    for row in result.rows:
        entry = _version_of(country, row)
        found.setdefault(entry.number, entry)
    return [found[number] for number in sorted(found)]


def current_version(store: TripleStore, country: str) -> Version | None:
    """The latest version of a country's data, or None before its first submission."""
    listed = versions(store, country)
    return listed[-1] if listed else None


def version(store: TripleStore, country: str, number: int) -> Version:
    """One version of a country's data; `NotFoundError` if there is no such version."""
    for entry in versions(store, country):
        if entry.number == number:
            return entry
    raise NotFoundError(f"{country} has no version {number}")


def diff(
    store: TripleStore, country: str, from_version: int, to_version: int | None = None
) -> VersionDiff:
    """The standards added, removed and changed between two versions (None: the live data).

    Two versions are compared by their recorded per-standard digests; the live data is read
    from the country's graph and digested the same way.
    """
    country = _known_country(country)
    old = version(store, country, from_version)
    old_standards = _standard_digests(store, country, from_version)
    if to_version is None:
        live = snapshot(store.triples(country_graph(country)))
        new_digest, new_standards = live.digest, live.by_standard
    else:
        new_digest = version(store, country, to_version).digest
        new_standards = _standard_digests(store, country, to_version)
    added, removed, changed = changed_standards(old_standards, new_standards)
    return VersionDiff(
        country,
        from_version,
        to_version,
        tuple(added),
        tuple(removed),
        tuple(changed),
        same_content=old.digest == new_digest,
    )


def _standard_digests(store: TripleStore, country: str, number: int) -> dict[str, StandardDigest]:
    result = default_catalogue().select(
        store, "submission-standards", country=country, number=number
    )
    digests: dict[str, StandardDigest] = {}
    for row in result.rows:
        standard = row["standard"]
        assert isinstance(standard, NamedNode)
        digests[standard.value] = StandardDigest(standard, _text(row, "code"), _text(row, "digest"))
    return digests


def _version_of(country: str, row: dict[str, Term]) -> Version:
    agent = row["agent"]
    assert isinstance(agent, NamedNode)
    return Version(
        country=country,
        number=_integer(row, "number"),
        digest=_text(row, "digest"),
        triples=_integer(row, "triples"),
        standards=_integer(row, "standards"),
        agent=unquote(agent.value.removeprefix(agent_iri("").value)),
        agency=_text(row, "agency"),
        generated_at=datetime.fromisoformat(_text(row, "time")),
        previous=_optional_integer(row, "previous"),
        restores=_optional_integer(row, "restores"),
        note=_text(row, "note") or None,
        summary=_text(row, "summary") or None,
    )


def _text(row: dict[str, Term], name: str) -> str:
    term = row.get(name)
    return term.value if isinstance(term, Literal) else ""


def _integer(row: dict[str, Term], name: str) -> int:
    return int(_text(row, name))


def _optional_integer(row: dict[str, Term], name: str) -> int | None:
    return int(_text(row, name)) if name in row else None


# -- accepting and rolling back ----------------------------------------------------------------


def accept(
    store: TripleStore,
    archive: VersionArchive,
    country: str,
    quads: Iterable[Quad],
    agent: Agent,
    *,
    now: datetime | None = None,
    report_summary: str | None = None,
) -> Version:
    """Makes already validated quads the new version of a country's data (see the module).

    Raises `AuthorizationError` (nothing written) if the agent is of another country or a quad
    is outside the country's graph or namespace, `InputError` for an empty submission.
    """
    started = _utc(now)
    country = _known_country(country)
    _authorise(agent, country)
    given = list(quads)
    _check_scope(agent, country, given)
    if not given:
        raise InputError(f"the submission holds no data for {country}; nothing was written")
    content = snapshot(quad.triple for quad in given)
    return _commit(
        store, archive, country, content, agent, started=started, now=now, summary=report_summary
    )


def rollback(
    store: TripleStore,
    archive: VersionArchive,
    country: str,
    to_version: int,
    agent: Agent,
    *,
    now: datetime | None = None,
) -> Version:
    """Makes an earlier version's content live again, as a new version that restores it.

    Raises `NotFoundError` for an unknown version (or content missing from the archive) and
    `StoreError` for an archive file that does not match its recorded digest.
    """
    started = _utc(now)
    country = _known_country(country)
    _authorise(agent, country)
    target = version(store, country, to_version)
    content = snapshot_from_canonical(archive.get(target.digest))
    if content.digest != target.digest:
        raise StoreError(f"the archived content of {country} version {to_version} is damaged")
    return _commit(
        store,
        archive,
        country,
        content,
        agent,
        started=started,
        now=now,
        restores=target.number,
        note=f"Rollback: restores the content of version {target.number}",
    )


def _known_country(country: str) -> str:
    if country not in COUNTRIES:
        raise InputError(f"unknown country {country!r}; use one of {', '.join(COUNTRIES)}")
    return country


def _authorise(agent: Agent, country: str) -> None:
    if agent.country != country:
        raise AuthorizationError(
            f"token {agent.token_id} ({agent.agency}) may only submit the data of "
            f"{agent.country}, not of {country}"
        )


def _check_scope(agent: Agent, country: str, quads: Sequence[Quad]) -> None:
    """Every quad in the country's graph, about a subject of its own (defence in depth)."""
    graph = country_graph(country)
    namespace = f"{ID}{country}/"
    problems: list[str] = []
    for quad in quads:
        if quad.graph_name != graph:
            problems.append(f"{quad.subject} {quad.predicate} … in graph {quad.graph_name}")
        elif not in_country_data(quad.subject, country):
            problems.append(f"subject {quad.subject}")
    if problems:
        shown = "; ".join(problems[:_SHOWN_PROBLEMS])
        more = (
            f" and {len(problems) - _SHOWN_PROBLEMS} more"
            if len(problems) > _SHOWN_PROBLEMS
            else ""
        )
        raise AuthorizationError(
            f"token {agent.token_id} ({agent.agency}) may only write the graph {graph}, about "
            f"subjects under {namespace} (or source records, blank nodes); {len(problems)} "
            f"quad(s) are outside it: {shown}{more}. Nothing was written."
        )


_LOCKS: dict[tuple[str, str], threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


@contextmanager
def _country_lock(store: TripleStore, country: str) -> Iterator[None]:
    """One writer per store and country in this process (the version number is read first)."""
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault((store.descriptor, country), threading.Lock())
    with lock:
        yield


def _commit(
    store: TripleStore,
    archive: VersionArchive,
    country: str,
    content: Snapshot,
    agent: Agent,
    *,
    started: datetime,
    now: datetime | None,
    summary: str | None = None,
    restores: int | None = None,
    note: str | None = None,
) -> Version:
    """Archives the content, then replaces the live graph and adds the metadata in one write."""
    with _country_lock(store, country):
        latest = current_version(store, country)
        entry = Version(
            country=country,
            number=latest.number + 1 if latest else 1,
            digest=content.digest,
            triples=len(content.triples),
            standards=len(content.standards),
            agent=agent.token_id,
            agency=agent.agency,
            generated_at=_utc(now),
            previous=latest.number if latest else None,
            restores=restores,
            note=note,
            summary=summary,
        )
        archive.put(content.digest, content.canonical)
        store.replace_graphs(
            {country_graph(country): list(content.triples)},
            add=_metadata(entry, content, agent, started),
        )
    return entry


# -- the PROV-O metadata -----------------------------------------------------------------------


def _metadata(entry: Version, content: Snapshot, agent: Agent, started: datetime) -> list[Quad]:
    """The quads that record a version in `GRAPH.submissions` (see docs/submissions.md)."""
    triples = [
        *_activity(entry, agent, started),
        *_entity(entry, agent),
        *_agent(agent),
    ]
    for standard in content.standards:
        triples.extend(_standard_entry(entry.iri, standard))
    return [Quad(t.subject, t.predicate, t.object, GRAPH.submissions) for t in triples]


def _activity(entry: Version, agent: Agent, started: datetime) -> list[Triple]:
    activity = submission_iri(entry.country, entry.number)
    triples = [
        Triple(activity, RDF.type, EQ.Submission),
        Triple(activity, RDF.type, PROV.Activity),
        Triple(activity, PROV.wasAssociatedWith, agent_iri(agent.token_id)),
        Triple(activity, PROV.startedAtTime, _date_time(started)),
        Triple(activity, PROV.endedAtTime, _date_time(entry.generated_at)),
        Triple(activity, EQ.submittedGraph, country_graph(entry.country)),
    ]
    if entry.restores is not None:
        triples.append(Triple(activity, PROV.used, version_iri(entry.country, entry.restores)))
    if entry.note:
        triples.append(Triple(activity, RDFS.comment, Literal(entry.note, language="en")))
    if entry.summary:
        triples.append(Triple(activity, EQ.validationSummary, Literal(entry.summary)))
    return triples


def _entity(entry: Version, agent: Agent) -> list[Triple]:
    node = entry.iri
    triples = [
        Triple(node, RDF.type, PROV.Entity),
        Triple(node, RDF.type, EQ.DataVersion),
        Triple(node, PROV.wasGeneratedBy, submission_iri(entry.country, entry.number)),
        Triple(node, PROV.wasAttributedTo, agent_iri(agent.token_id)),
        Triple(node, PROV.generatedAtTime, _date_time(entry.generated_at)),
        Triple(node, EQ.country, country_iri(entry.country)),
        Triple(node, EQ.versionNumber, _integer_literal(entry.number)),
        Triple(node, EQ.contentDigest, Literal(entry.digest)),
        Triple(node, EQ.tripleCount, _integer_literal(entry.triples)),
        Triple(node, EQ.standardCount, _integer_literal(entry.standards)),
    ]
    if entry.previous is not None:
        previous = version_iri(entry.country, entry.previous)
        triples.append(Triple(node, PROV.wasRevisionOf, previous))
    if entry.restores is not None:
        triples.append(Triple(node, EQ.restores, version_iri(entry.country, entry.restores)))
    return triples


def _agent(agent: Agent) -> list[Triple]:
    node = agent_iri(agent.token_id)
    triples = [Triple(node, RDF.type, PROV.Agent), Triple(node, RDFS.label, Literal(agent.agency))]
    if agent.body:
        triples.append(Triple(node, PROV.actedOnBehalfOf, body_iri(agent.body)))
    return triples


def _standard_entry(version_node: NamedNode, standard: StandardDigest) -> list[Triple]:
    node = BlankNode()
    return [
        Triple(version_node, EQ.standardDigest, node),
        Triple(node, RDF.type, EQ.StandardDigest),
        Triple(node, EQ.digestOf, standard.standard),
        Triple(node, DCTERMS.identifier, Literal(standard.code)),
        Triple(node, EQ.contentDigest, Literal(standard.digest)),
    ]


def _utc(moment: datetime | None) -> datetime:
    """A time in UTC to the second (a naive time is taken as UTC)."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def _date_time(moment: datetime) -> Literal:
    return Literal(moment.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime)


def _integer_literal(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)
