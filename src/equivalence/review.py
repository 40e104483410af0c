"""The review of mappings by the national agencies.

The agency of either country of a mapping accepts or rejects it, with its token (scoped to its
own country, `auth.TokenRegistry.authorize` → `auth.Agent`). A mapping is *recognised* when the
agencies of both its countries have accepted it. Each country's latest decision counts:

- any country's latest decision is a rejection → ``rejected``;
- every country of the mapping (both) accepted → ``recognised``;
- one country accepted, the other has not decided → ``accepted``;
- no decision → ``proposed``.

A country may change its decision later; every decision is kept, with who and when.

Storage. The mapping graphs are derived data that `match` rewrites, so the decisions live in
their own named graph, `vocab.REVIEW_GRAPH`, as PROV-O: one `eq:ReviewDecision` (a
`prov:Activity`) per decision, with the mapping (`eq:reviewedMapping`), the decision
(`eq:reviewDecision` review:accepted or review:rejected), the country (`eq:country`), the agent
(`prov:wasAssociatedWith`, `vocab.agent_iri` of the token, labelled with its agency), the time
(`prov:atTime`, xsd:dateTime in UTC), the predicate the mapping had (`eq:reviewedPredicate`)
and the comment (`rdfs:comment`). The mapping's resulting status is kept there too
(``<mapping> eq:reviewStatus review:recognised``), for the readers (`mappings-list` prefers it).

A decision is one SPARQL update (the named update `review-record`), so one transaction: it adds
the decision, recomputes the status from the decisions in the store (not from what this process
read before), and removes a status the mapping's own graphs state (`eq:reviewStatus` is
functional). Writers of one store and mapping are serialised in this process as submissions are.
See docs/mappings.md, "Review by the agencies".
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final, Literal, TypeAlias, cast
from urllib.parse import unquote

from pyoxigraph import Literal as RdfLiteral
from pyoxigraph import NamedNode, Triple

from equivalence.auth import Agent, TokenRegistry
from equivalence.errors import AuthorizationError, InputError, NotFoundError, StoreError
from equivalence.sparql import default_catalogue
from equivalence.store.base import Term, TripleStore
from equivalence.vocab import (
    COUNTRIES,
    EQ,
    ID,
    REVIEW_GRAPH,
    agent_iri,
    body_iri,
    review_status_iri,
)

__all__ = [
    "COMMENT_LIMIT",
    "DECISIONS",
    "AwaitingReview",
    "Decision",
    "ReviewDecision",
    "ReviewState",
    "ReviewStatus",
    "authorize_reviewer",
    "decision_json",
    "decision_time",
    "mapping_id_of",
    "mapping_node",
    "mappings_awaiting_review",
    "refresh_review_statuses",
    "resulting_status",
    "review_history",
    "review_mapping",
    "review_state",
    "state_json",
]

Decision: TypeAlias = Literal["accept", "reject"]
ReviewStatus: TypeAlias = Literal["proposed", "accepted", "rejected", "recognised"]

DECISIONS: Final[tuple[Decision, ...]] = ("accept", "reject")
COMMENT_LIMIT: Final = 4000  # characters

_VERDICT_STATUS: Final[Mapping[Decision, ReviewStatus]] = {
    "accept": "accepted",
    "reject": "rejected",
}
_STATUS_DECISION: Final[Mapping[str, Decision]] = {
    status: decision for decision, status in _VERDICT_STATUS.items()
}
_MAPPING_NS: Final = f"{ID}mapping/"
_MAPPING_ID: Final = re.compile(r"^[A-Za-z0-9._~-]+$")
_AGENT_NS: Final = agent_iri("").value
_REVIEW_STATUS: Final = EQ.reviewStatus


# --------------------------------------------------------------------------------------------
# What the functions return
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    """One decision of an agency on a mapping.

    `agent` is the id of the token that decided and `agency` its agency; `time` is in UTC;
    `predicate` is the SKOS predicate the mapping had when it was decided (None if unknown).
    """

    iri: str
    mapping: str
    country: str
    decision: Decision
    agent: str
    agency: str
    time: datetime
    comment: str | None = None
    predicate: str | None = None

    @property
    def order(self) -> tuple[datetime, str]:
        """The key that sorts decisions in time (ties: by IRI, as the stored status does)."""
        return (self.time, self.iri)


@dataclass(frozen=True, slots=True)
class ReviewState:
    """Where the review of a mapping stands.

    `countries` are the mapping's countries, the subject's first (one if both standards are of
    the same country); `latest` gives each of them its latest decision, or None before it
    decides; `status` follows from them (see the module). Without any decision, `status` is the
    one the mapping comes with (proposed, or a status an imported file gave it).
    """

    mapping: str
    subject: str
    object: str
    predicate: str | None
    countries: tuple[str, ...]
    latest: Mapping[str, ReviewDecision | None] = field(hash=False)
    status: ReviewStatus

    @property
    def mapping_id(self) -> str:
        return mapping_id_of(self.mapping)

    @property
    def accepted_by(self) -> tuple[str, ...]:
        """The countries whose latest decision is an acceptance."""
        return tuple(c for c in self.countries if _decided(self.latest.get(c), "accept"))

    @property
    def rejected_by(self) -> tuple[str, ...]:
        """The countries whose latest decision is a rejection."""
        return tuple(c for c in self.countries if _decided(self.latest.get(c), "reject"))

    @property
    def awaiting(self) -> tuple[str, ...]:
        """The countries whose agency has not decided yet."""
        return tuple(c for c in self.countries if self.latest.get(c) is None)


@dataclass(frozen=True, slots=True)
class AwaitingReview:
    """A mapping that is neither recognised nor rejected (`mappings_awaiting_review`).

    `accepted_by` is the country whose agency already accepted it, if one did.
    """

    mapping: str
    subject: str
    subject_country: str
    subject_code: str
    object: str
    object_country: str
    object_code: str
    predicate: str
    confidence: float | None
    status: ReviewStatus
    accepted_by: str | None

    @property
    def mapping_id(self) -> str:
        return mapping_id_of(self.mapping)


def _decided(decision: ReviewDecision | None, verdict: Decision) -> bool:
    return decision is not None and decision.decision == verdict


# --------------------------------------------------------------------------------------------
# Mapping ids
# --------------------------------------------------------------------------------------------


def mapping_node(mapping_id: str) -> NamedNode:
    """The mapping IRI of an id (the last path segment of `…/id/mapping/{id}`) or of a full IRI.

    Raises `InputError` for something that is neither.
    """
    text = mapping_id.strip() if isinstance(mapping_id, str) else ""
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if text.startswith(("http://", "https://")):
        try:
            return NamedNode(text)
        except ValueError as exc:
            raise InputError(f"not a mapping IRI: {mapping_id!r}", code="bad-mapping-id") from exc
    if not _MAPPING_ID.match(text):
        raise InputError(
            f"not a mapping id: {mapping_id!r}; a mapping id is the last segment of its IRI "
            f"({_MAPPING_NS}…), e.g. 4950e62b3ff1890c",
            code="bad-mapping-id",
        )
    return NamedNode(_MAPPING_NS + text)


def mapping_id_of(iri: str) -> str:
    """The id of a mapping IRI: its last path segment."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Facts:
    mapping: NamedNode
    subject: str
    object: str
    predicate: str | None
    countries: tuple[str, ...]
    status: ReviewStatus


def _text(row: Mapping[str, Term], name: str) -> str:
    term = row.get(name)
    return term.value if isinstance(term, NamedNode | RdfLiteral) else ""


def _country(row: Mapping[str, Term], name: str, iri: str) -> str | None:
    """The country code of a country IRI in the row, else the one in the standard's IRI."""
    code = _text(row, name).rsplit("/", 1)[-1]
    if code in COUNTRIES:
        return code
    head = iri.removeprefix(str(ID)).split("/", 1)[0] if iri.startswith(str(ID)) else ""
    return head if head in COUNTRIES else None


def _status(text: str) -> ReviewStatus:
    name = text.rsplit("/", 1)[-1]
    if name not in ("proposed", "accepted", "rejected", "recognised"):
        return "proposed"
    return cast(ReviewStatus, name)


def _facts(store: TripleStore, mapping: NamedNode) -> _Facts | None:
    rows = default_catalogue().select(store, "review-state", mapping=mapping).rows
    if not rows:
        return None
    row = rows[0]
    subject, object_ = _text(row, "subject"), _text(row, "object")
    first = _country(row, "subject_country", subject)
    second = _country(row, "object_country", object_)
    if first is None or second is None:
        raise InputError(
            f"cannot tell the countries of mapping {mapping.value}: its standards "
            f"{subject} and {object_} are not in the store and their IRIs name no country",
            code="mapping-countries-unknown",
        )
    return _Facts(
        mapping,
        subject,
        object_,
        _text(row, "predicate") or None,
        tuple(dict.fromkeys((first, second))),  # one country if both standards are of one
        _status(_text(row, "status")),
    )


def _decision_of(row: Mapping[str, Term]) -> ReviewDecision:
    verdict = _STATUS_DECISION.get(_status(_text(row, "verdict")))
    if verdict is None:
        raise StoreError(f"review decision {_text(row, 'decision')} is neither accept nor reject")
    comment = _text(row, "comment")
    agent = _text(row, "agent")
    return ReviewDecision(
        iri=_text(row, "decision"),
        mapping=_text(row, "mapping"),
        country=_text(row, "country").rsplit("/", 1)[-1],
        decision=verdict,
        agent=unquote(agent.removeprefix(_AGENT_NS)),
        agency=_text(row, "agency"),
        time=_parse_time(_text(row, "time")),
        comment=comment or None,
        predicate=_text(row, "predicate") or None,
    )


def _history(store: TripleStore, mapping: NamedNode | None) -> list[ReviewDecision]:
    params: dict[str, object] = {"mapping": mapping} if mapping is not None else {}
    rows = default_catalogue().select(store, "review-history", **params).rows
    unique = {d.iri: d for d in map(_decision_of, rows)}  # one row per decision, whatever
    return sorted(unique.values(), key=lambda d: (d.mapping, d.order))


def resulting_status(
    countries: Sequence[str], decisions: Iterable[ReviewDecision]
) -> tuple[ReviewStatus, dict[str, ReviewDecision | None]]:
    """The status that decisions give a mapping of these countries, and each one's latest.

    Decisions of other countries are ignored. See the module for the rule.
    """
    latest: dict[str, ReviewDecision | None] = dict.fromkeys(countries)
    for decision in decisions:
        if decision.country not in latest:
            continue
        current = latest[decision.country]
        if current is None or decision.order > current.order:
            latest[decision.country] = decision
    made = [d for d in latest.values() if d is not None]
    if any(d.decision == "reject" for d in made):
        return "rejected", latest
    accepted = sum(1 for d in made if d.decision == "accept")
    if countries and accepted == len(countries):
        return "recognised", latest
    return ("accepted" if accepted else "proposed"), latest


def _on_current_predicate(
    facts: _Facts, decisions: Iterable[ReviewDecision]
) -> list[ReviewDecision]:
    """The decisions made on the predicate the mapping has now (a re-match may change it: an
    agency that accepted an exactMatch has not accepted the broadMatch that replaced it)."""
    return [
        d
        for d in decisions
        if d.predicate is None or facts.predicate is None or d.predicate == facts.predicate
    ]


def _state(facts: _Facts, decisions: Sequence[ReviewDecision]) -> ReviewState:
    status, latest = resulting_status(facts.countries, _on_current_predicate(facts, decisions))
    if not any(latest.values()):
        status = facts.status  # no decision yet: what the mapping comes with
    return ReviewState(
        mapping=facts.mapping.value,
        subject=facts.subject,
        object=facts.object,
        predicate=facts.predicate,
        countries=facts.countries,
        latest=latest,
        status=status,
    )


def _known(store: TripleStore, mapping_id: str) -> _Facts:
    mapping = mapping_node(mapping_id)
    facts = _facts(store, mapping)
    if facts is None:
        raise NotFoundError(f"no mapping {mapping_id_of(mapping.value)} ({mapping.value})")
    return facts


def review_state(store: TripleStore, mapping_id: str) -> ReviewState:
    """Where the review of a mapping stands (`mapping_id`: its id or IRI).

    Raises `NotFoundError` for a mapping the store does not hold, `InputError` for a malformed id.
    """
    facts = _known(store, mapping_id)
    return _state(facts, _history(store, facts.mapping))


def review_history(store: TripleStore, mapping_id: str) -> list[ReviewDecision]:
    """Every decision taken on a mapping, oldest first (changes of mind included).

    The decisions of a mapping that a later matching no longer finds are still returned;
    `NotFoundError` only when the store holds neither the mapping nor any decision on it.
    """
    mapping = mapping_node(mapping_id)
    decisions = _history(store, mapping)
    if not decisions and _facts(store, mapping) is None:
        raise NotFoundError(f"no mapping {mapping_id_of(mapping.value)} ({mapping.value})")
    return decisions


def mappings_awaiting_review(
    store: TripleStore, country: str | None = None
) -> list[AwaitingReview]:
    """The mappings neither recognised nor rejected (named query `mappings-awaiting-review`).

    With `country`, only the mappings of that country on which its agency has not decided yet.
    """
    params: dict[str, object] = {}
    if country is not None:
        params["country"] = _known_country(country)
    result = default_catalogue().select(store, "mappings-awaiting-review", **params)
    found: list[AwaitingReview] = []
    for row in result.rows:
        confidence = _text(row, "confidence")
        accepted_by = _text(row, "accepted_by").rsplit("/", 1)[-1]
        found.append(
            AwaitingReview(
                mapping=_text(row, "mapping"),
                subject=_text(row, "subject"),
                subject_country=_text(row, "subject_country").rsplit("/", 1)[-1],
                subject_code=_text(row, "subjectCode"),
                object=_text(row, "object"),
                object_country=_text(row, "object_country").rsplit("/", 1)[-1],
                object_code=_text(row, "objectCode"),
                predicate=_text(row, "predicate"),
                confidence=float(confidence) if confidence else None,
                status=_status(_text(row, "status")),
                accepted_by=accepted_by or None,
            )
        )
    return found


# --------------------------------------------------------------------------------------------
# Deciding
# --------------------------------------------------------------------------------------------


def _known_country(country: str) -> str:
    code = country.strip().upper() if isinstance(country, str) else ""
    if code not in COUNTRIES:
        raise InputError(f"unknown country {country!r}; use one of {', '.join(COUNTRIES)}")
    return code


def _decision(decision: str) -> Decision:
    text = decision.strip().lower() if isinstance(decision, str) else ""
    if text == "accept":
        return "accept"
    if text == "reject":
        return "reject"
    raise InputError(
        f"unknown review decision {decision!r}; use one of {', '.join(DECISIONS)}",
        code="bad-decision",
    )


def _comment(comment: str | None) -> str | None:
    if comment is None:
        return None
    if not isinstance(comment, str):
        raise InputError("the comment must be text", code="bad-comment")
    text = comment.strip()
    if len(text) > COMMENT_LIMIT:
        raise InputError(
            f"the comment has {len(text)} characters; at most {COMMENT_LIMIT}",
            code="bad-comment",
        )
    return text or None


def _utc(moment: datetime | None) -> datetime:
    """A time in UTC (a naive time is taken as UTC), to the microsecond."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _time_text(moment: datetime) -> str:
    """The xsd:dateTime lexical form of a UTC time (fraction only when there is one)."""
    fraction = f".{moment.microsecond:06d}".rstrip("0") if moment.microsecond else ""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def _parse_time(text: str) -> datetime:
    try:
        return _utc(datetime.fromisoformat(text))
    except ValueError as exc:
        raise StoreError(f"a review decision has a malformed time {text!r}") from exc


def _decision_iri(mapping: NamedNode, moment: datetime) -> NamedNode:
    """A new decision node under its mapping, named by its time (so IRIs sort as times) and
    a random part (so two decisions never share a node)."""
    stamp = moment.strftime("%Y%m%dT%H%M%S") + f"{moment.microsecond:06d}Z"
    return NamedNode(f"{mapping.value}/review/{stamp}-{secrets.token_hex(4)}")


_LOCKS: dict[tuple[str, str], threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


@contextmanager
def _mapping_lock(store: TripleStore, mapping: NamedNode) -> Iterator[None]:
    """One reviewer at a time per store and mapping in this process."""
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault((store.descriptor, mapping.value), threading.Lock())
    with lock:
        yield


def _check_agent(agent: Agent, facts: _Facts) -> None:
    if agent.country not in facts.countries:
        between = " and ".join(facts.countries)
        raise AuthorizationError(
            f"token {agent.token_id} ({agent.agency}) is the agency of {agent.country}: it may "
            f"only review mappings of {agent.country}, and mapping "
            f"{mapping_id_of(facts.mapping.value)} is between {between}. Nothing was written."
        )


def review_mapping(
    store: TripleStore,
    mapping_id: str,
    agent: Agent,
    decision: Decision | str,
    comment: str | None = None,
    *,
    now: datetime | None = None,
) -> ReviewState:
    """Records that `agent`'s agency accepts or rejects a mapping; returns the new state.

    `mapping_id` is the mapping's id or IRI; `decision` is ``accept`` or ``reject``; `now` the
    time of the decision (default: now; a naive time is UTC). Raises `InputError` (a bad
    decision, comment or id), `NotFoundError` (no such mapping) and `AuthorizationError` (the
    agent's country is neither of the mapping's); nothing is written then.
    """
    verdict = _decision(decision)
    note = _comment(comment)
    moment = _utc(now)
    mapping = mapping_node(mapping_id)
    with _mapping_lock(store, mapping):
        facts = _known(store, mapping_id)
        _check_agent(agent, facts)
        node = _decision_iri(mapping, moment)
        default_catalogue().update(
            store,
            "review-record",
            mapping=mapping,
            decision=node,
            country=agent.country,
            verdict=review_status_iri(_VERDICT_STATUS[verdict]),
            agent=agent_iri(agent.token_id),
            agency=agent.agency,
            body=body_iri(agent.body) if agent.body else None,
            time=_time_text(moment),
            predicate=NamedNode(facts.predicate) if facts.predicate else None,
            comment=note,
            required=len(facts.countries),
        )
        decisions = _history(store, mapping)
        if node.value not in {d.iri for d in decisions}:
            raise StoreError(f"the review decision {node.value} was not recorded")
        return _state(facts, decisions)


def refresh_review_statuses(store: TripleStore) -> int:
    """Recomputes the stored review status of every reviewed mapping; returns how many changed.

    `match` calls it after rewriting mappings: when a mapping's predicate changed, the decisions
    made on the old one no longer count, so its status falls back (to proposed when no agency
    has decided on the new predicate). Mappings that are gone keep their decisions (history)
    and lose their status. One atomic replacement of the review graph.
    """
    triples = store.triples(REVIEW_GRAPH)
    if not triples:
        return 0
    stored = {
        t.subject.value: t.object.value
        for t in triples
        if t.predicate == _REVIEW_STATUS
        and isinstance(t.subject, NamedNode)
        and isinstance(t.object, NamedNode)
    }
    decisions: dict[str, list[ReviewDecision]] = {}
    for decision in _history(store, None):
        decisions.setdefault(decision.mapping, []).append(decision)
    wanted: dict[str, str] = {}
    for mapping, made in decisions.items():
        facts = _facts(store, NamedNode(mapping))
        if facts is None:
            continue
        applicable = _on_current_predicate(facts, made)
        if applicable:
            status, _ = resulting_status(facts.countries, applicable)
            wanted[mapping] = review_status_iri(status).value
    if wanted == stored:
        return 0
    kept = [t for t in triples if t.predicate != _REVIEW_STATUS]
    statuses = [
        Triple(NamedNode(mapping), _REVIEW_STATUS, NamedNode(status))
        for mapping, status in sorted(wanted.items())
    ]
    store.replace_graphs({REVIEW_GRAPH: kept + statuses})
    changed = {m for m in set(stored) | set(wanted) if stored.get(m) != wanted.get(m)}
    return len(changed)


def authorize_reviewer(
    registry: TokenRegistry, token: str, store: TripleStore, mapping_id: str
) -> Agent:
    """The agent of a token, if its agency may review this mapping (of one of its countries).

    Raises `NotFoundError` for an unknown mapping and `AuthorizationError` for a malformed,
    unknown or revoked token, or the token of another country's agency.
    """
    facts = _known(store, mapping_id)
    refused: list[AuthorizationError] = []
    for country in facts.countries:
        try:
            return registry.authorize(token, country)
        except AuthorizationError as exc:
            refused.append(exc)
    for other in COUNTRIES:
        if other in facts.countries:
            continue
        try:
            agent = registry.authorize(token, other)
        except AuthorizationError:
            continue
        _check_agent(agent, facts)  # raises: the agent is of another country
    raise refused[0]


# -- plain values for the CLI and the HTTP layer --------------------------------------------


def decision_time(decision: ReviewDecision) -> str:
    """The decision's time in ISO 8601 UTC (`…Z`)."""
    return decision.time.isoformat().replace("+00:00", "Z")


def decision_json(decision: ReviewDecision) -> dict[str, object]:
    """A decision as plain JSON-ready values."""
    return {
        "iri": decision.iri,
        "country": decision.country,
        "decision": decision.decision,
        "agent": decision.agent,
        "agency": decision.agency,
        "time": decision_time(decision),
        "predicate": decision.predicate,
        "comment": decision.comment,
    }


def state_json(state: ReviewState, history: list[ReviewDecision]) -> dict[str, object]:
    """Where a mapping's review stands, with its history, as plain JSON-ready values."""
    latest = {
        country: decision_json(decision) if decision else None
        for country, decision in state.latest.items()
    }
    return {
        "mapping": state.mapping,
        "id": state.mapping_id,
        "subject": state.subject,
        "object": state.object,
        "predicate": state.predicate,
        "countries": list(state.countries),
        "status": state.status,
        "accepted_by": list(state.accepted_by),
        "rejected_by": list(state.rejected_by),
        "awaiting": list(state.awaiting),
        "latest": latest,
        "history": [decision_json(d) for d in history],
    }
