"""Mappings in the knowledge graph: `Mapping` → quads in the mappings graph, and reading them back.

A mapping becomes one `eq:Mapping` node (ontology section "Mappings") described with the SSSOM
slots as RDF properties, its two coverages, its review status (unless it is the default
`proposed`: the agencies' decisions set it, see `equivalence.review`), and the aligned unit
pairs, covered or partly covered, with their scores as `eq:UnitAlignment` evidence. Its IRI is
derived from the subject and the object, so matching the same pair again names the same node.
An inferred mapping (inversion, chaining) links the mappings it comes from with
`prov:wasDerivedFrom`.

Reading goes through the named query `mappings-list` and gives `MappingRecord`s: light records
that also serve the SSSOM import (`equivalence.matching.sssom`) and the evaluator.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Final
from urllib.parse import unquote

from pyoxigraph import Literal, NamedNode, Quad

from equivalence.matching.model import JUSTIFICATIONS, Mapping, Predicate, UnitMatch, UnitStatus
from equivalence.sparql import default_catalogue
from equivalence.sparql.catalogue import term_text
from equivalence.store.base import Term, TripleStore
from equivalence.vocab import (
    COUNTRIES,
    EQ,
    GRAPH,
    ID,
    PREPROCESSING_NS,
    PROV,
    RDF,
    RDFS,
    SEMAPV,
    SSSOM,
    XSD,
    review_status_iri,
    slug,
)

__all__ = [
    "INFERENCE_JUSTIFICATIONS",
    "PREPROCESSING_NS",
    "MappingRecord",
    "alignment_iri",
    "mapping_iri",
    "mapping_quads",
    "mappings_quads",
    "preprocessing_iri",
    "read_mappings",
    "record_quads",
    "standard_key",
]

# Justifications that mark a mapping as inferred from other mappings rather than matched.
INFERENCE_JUSTIFICATIONS: Final = frozenset(
    {JUSTIFICATIONS["chaining"], JUSTIFICATIONS["inversion"]}
)
_MAPPING_NS: Final = f"{ID}mapping/"
_DIGEST_LENGTH: Final = 16  # hex characters: 64 bits, no collision among billions of pairs


# --------------------------------------------------------------------------------------------
# Identity
# --------------------------------------------------------------------------------------------


def _digest(*parts: str) -> str:
    return hashlib.sha1("\t".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()


def mapping_iri(subject: str, object_: str) -> NamedNode:
    """The mapping node of an ordered pair (subject IRI, object IRI): `…/id/mapping/{sha1 prefix}`."""
    return NamedNode(_MAPPING_NS + _digest(subject, object_)[:_DIGEST_LENGTH])


def alignment_iri(mapping: NamedNode, subject_unit: str, object_unit: str) -> NamedNode:
    """The evidence node of one aligned unit pair, scoped under its mapping."""
    return NamedNode(f"{mapping.value}/alignment/{_digest(subject_unit, object_unit)[:12]}")


def standard_key(iri: str) -> tuple[str, str] | None:
    """(country, code) of a standard IRI (`…/id/MX/standard/EC0217.01`), else None."""
    rest = iri.removeprefix(str(ID))
    if rest == iri:
        return None
    country, _, tail = rest.partition("/standard/")
    if country not in COUNTRIES or not tail or "/" in tail:
        return None
    return country, unquote(tail)


# --------------------------------------------------------------------------------------------
# The light record
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MappingRecord:
    """A mapping as stored or exchanged: identities and numbers, without the unit texts.

    IRIs are full IRIs (subject, object, justification, preprocessing steps, sources). Coverages
    and confidence are None when the source does not say. `iri` is the mapping node (SSSOM
    `record_id`) when known.
    """

    subject: str
    object: str
    predicate: Predicate
    confidence: float | None = None
    subject_country: str = ""
    subject_code: str = ""
    object_country: str = ""
    object_code: str = ""
    subject_label: str = ""
    object_label: str = ""
    subject_coverage: float | None = None
    object_coverage: float | None = None
    justification: str = JUSTIFICATIONS["lexical"]
    review_status: str = "proposed"
    inferred: bool = False
    derived_from: tuple[str, ...] = ()
    mapping_tool: str = ""
    mapping_tool_version: str = ""
    mapping_date: date | None = None
    subject_preprocessing: tuple[str, ...] = ()
    object_preprocessing: tuple[str, ...] = ()
    level_comparison: str = ""
    comment: str = ""
    iri: str = ""
    extra: dict[str, str] = field(default_factory=dict, hash=False)

    @property
    def subject_key(self) -> str:
        return f"{self.subject_country}:{self.subject_code}"

    @property
    def object_key(self) -> str:
        return f"{self.object_country}:{self.object_code}"

    @classmethod
    def from_mapping(cls, mapping: Mapping) -> MappingRecord:
        """The record of an engine mapping (which must have a predicate), IRIs expanded."""
        if mapping.predicate is None:
            raise ValueError(f"{mapping.subject.key} → {mapping.object.key} has no predicate")
        steps = tuple(map(preprocessing_iri, mapping.preprocessing))
        return cls(
            subject=mapping.subject.iri,
            object=mapping.object.iri,
            predicate=mapping.predicate,
            confidence=mapping.confidence,
            subject_country=mapping.subject.country,
            subject_code=mapping.subject.code,
            object_country=mapping.object.country,
            object_code=mapping.object.code,
            subject_label=mapping.subject.title,
            object_label=mapping.object.title,
            subject_coverage=mapping.subject_coverage,
            object_coverage=mapping.object_coverage,
            justification=_expand_justification(mapping.justification),
            review_status=mapping.review_status,
            inferred=mapping.inferred,
            derived_from=tuple(mapping.inferred_from),
            mapping_tool=mapping.tool,
            mapping_tool_version=mapping.tool_version,
            mapping_date=mapping.mapping_date,
            subject_preprocessing=steps,
            object_preprocessing=steps,
            level_comparison=mapping.level_comparison,
            comment=mapping.comment,
            iri=mapping_iri(mapping.subject.iri, mapping.object.iri).value,
        )

    def inverse(self) -> MappingRecord:
        """The same assertion read from the object's side: predicate inverted, sides swapped.

        Only the orientation changes (no new justification or provenance): use it to compare
        pairs; an inferred inverse mapping is the engine's to build.
        """
        return replace(
            self,
            subject=self.object,
            object=self.subject,
            predicate=self.predicate.inverse,
            subject_country=self.object_country,
            subject_code=self.object_code,
            object_country=self.subject_country,
            object_code=self.subject_code,
            subject_label=self.object_label,
            object_label=self.subject_label,
            subject_coverage=self.object_coverage,
            object_coverage=self.subject_coverage,
            subject_preprocessing=self.object_preprocessing,
            object_preprocessing=self.subject_preprocessing,
            level_comparison=_LEVEL_INVERSE.get(self.level_comparison, self.level_comparison),
        )


_LEVEL_INVERSE: Final = {"higher": "lower", "lower": "higher"}


# The engine's names of preprocessing steps → SEMAPV terms (compared folded: lower case, letters).
_SEMAPV_STEPS: Final = {
    "stemming": "Stemming",
    "stem": "Stemming",
    "snowball": "Stemming",
    "lemmatization": "Lemmatization",
    "lemmatisation": "Lemmatization",
    "lemmas": "Lemmatization",
    "stopwordremoval": "StopWordRemoval",
    "stopwords": "StopWordRemoval",
    "casenormalization": "CaseNormalization",
    "casefolding": "CaseNormalization",
    "casefold": "CaseNormalization",
    "lowercase": "CaseNormalization",
    "diacriticssuppression": "DiacriticsSuppression",
    "accentfolding": "DiacriticsSuppression",
    "accents": "DiacriticsSuppression",
    "diacritics": "DiacriticsSuppression",
    "blanknormalisation": "BlankNormalisation",
    "blanknormalization": "BlankNormalisation",
    "whitespace": "BlankNormalisation",
    "punctuationelemination": "PunctuationElemination",
    "punctuation": "PunctuationElemination",
    "tokenization": "Tokenization",
    "tokenisation": "Tokenization",
    "regexremoval": "RegexRemoval",
    "regexreplacement": "RegexReplacement",
    "digitsuppression": "DigitSuppression",
    "linkstripping": "LinkStripping",
    "termextraction": "TermExtraction",
}
# Steps SEMAPV has no term for (thesaurus, gendered forms, nominalisations …) get one of ours,
# in `vocab.PREPROCESSING_NS`.


@cache
def preprocessing_iri(step: str) -> str:
    """The IRI of a preprocessing step: kept if an IRI, expanded if a `semapv:` CURIE, a SEMAPV
    term for the usual names (`stemming`, `stop-words`, `accent-folding` …), else an IRI of ours
    (`…/preprocessing/{slug}`, e.g. `thesaurus`, `gender-folding`)."""
    text = step.strip()
    if text.startswith(("http://", "https://")):
        return text
    local = text.removeprefix("semapv:")
    folded = re.sub(r"[^a-z]", "", local.lower())
    if folded in _SEMAPV_STEPS:
        return str(SEMAPV) + _SEMAPV_STEPS[folded]
    if local != text:  # an unknown semapv: term is still SEMAPV's
        return str(SEMAPV) + local
    return PREPROCESSING_NS + slug(text)


def _expand_justification(value: str) -> str:
    """A SEMAPV justification as a full IRI, from an IRI, a `semapv:` CURIE or a local name."""
    text = value.strip()
    if text.startswith(("http://", "https://")):
        return text
    local = text.removeprefix("semapv:")
    if ":" in local:
        raise ValueError(f"not a SEMAPV justification: {value!r}")
    return JUSTIFICATIONS.get(local.lower(), str(SEMAPV) + local)


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


class _T:
    """The terms of a mapping's quads, looked up once (there are millions of quads to build)."""

    type = RDF.type
    Mapping = EQ.Mapping
    MappingSet = SSSOM.MappingSet
    UnitAlignment = EQ.UnitAlignment
    evidence = EQ.evidence
    alignedSubjectUnit = EQ.alignedSubjectUnit  # noqa: N815
    alignedObjectUnit = EQ.alignedObjectUnit  # noqa: N815
    alignmentScore = EQ.alignmentScore  # noqa: N815
    subjectCoverage = EQ.subjectCoverage  # noqa: N815
    objectCoverage = EQ.objectCoverage  # noqa: N815
    reviewStatus = EQ.reviewStatus  # noqa: N815
    subject_id = SSSOM.subject_id
    predicate_id = SSSOM.predicate_id
    object_id = SSSOM.object_id
    confidence = SSSOM.confidence
    mapping_justification = SSSOM.mapping_justification
    mapping_tool = SSSOM.mapping_tool
    mapping_tool_version = SSSOM.mapping_tool_version
    mapping_date = SSSOM.mapping_date
    subject_preprocessing = SSSOM.subject_preprocessing
    object_preprocessing = SSSOM.object_preprocessing
    comment = RDFS.comment
    wasDerivedFrom = PROV.wasDerivedFrom  # noqa: N815
    double = XSD.double
    date_type = XSD.date


@cache
def _review_status(status: str) -> NamedNode:
    return review_status_iri(status)


@cache
def _justification_node(value: str) -> NamedNode:
    return NamedNode(_expand_justification(value))


def _status_quads(node: NamedNode, graph: NamedNode, status: str) -> list[Quad]:
    """The review status a mapping comes with, unless it is the default `proposed`.

    A mapping's status is the agencies' to set (`equivalence.review` keeps it in
    `vocab.REVIEW_GRAPH`); `eq:reviewStatus` is functional, so a mapping graph that `match`
    rewrites must not state a `proposed` that would contradict a recognition there. Readers
    take a mapping without a status as proposed. A status given by a source (an imported SSSOM
    file's `ext_review_status`) is kept.
    """
    if status == "proposed":
        return []
    return [Quad(node, _T.reviewStatus, _review_status(status), graph)]


def _double(value: float) -> Literal:
    return Literal(repr(float(value)), datatype=_T.double)


def _unit(value: float) -> float:
    """A score clamped to [0, 1] (the shapes' range)."""
    return min(1.0, max(0.0, float(value)))


def _aligned_pairs(mapping: Mapping) -> dict[tuple[str, str], float]:
    """(subject unit IRI, object unit IRI) → best score, from both sides' unit matches.

    Every unit that is covered or partly covered names its best counterpart: the pair is kept
    whichever side names it (once, with the better score), so that the stored scores give each
    unit of either standard the status the live alignment gives it: its best pair's score
    classifies it (covered from `Thresholds.covered`, else partly covered) and a unit in no pair
    is missing. A missing unit names no counterpart and adds no pair.
    """
    pairs: dict[tuple[str, str], float] = {}

    def add(match: UnitMatch, *, from_subject: bool) -> None:
        if match.counterpart is None or match.status is UnitStatus.MISSING:
            return
        key = (
            (match.unit.iri, match.counterpart.iri)
            if from_subject
            else (match.counterpart.iri, match.unit.iri)
        )
        pairs[key] = max(pairs.get(key, 0.0), _unit(match.score))

    for match in mapping.subject_matches:
        add(match, from_subject=True)
    for match in mapping.object_matches:
        add(match, from_subject=False)
    return pairs


def _evidence_quads(mapping: Mapping, node: NamedNode, graph: NamedNode) -> list[Quad]:
    quads: list[Quad] = []
    for (subject_unit, object_unit), score in sorted(_aligned_pairs(mapping).items()):
        alignment = alignment_iri(node, subject_unit, object_unit)
        quads += [
            Quad(node, _T.evidence, alignment, graph),
            Quad(alignment, _T.type, _T.UnitAlignment, graph),
            Quad(alignment, _T.alignedSubjectUnit, NamedNode(subject_unit), graph),
            Quad(alignment, _T.alignedObjectUnit, NamedNode(object_unit), graph),
            Quad(alignment, _T.alignmentScore, _double(score), graph),
        ]
    return quads


def _tool_quads(
    node: NamedNode, graph: NamedNode, tool: str, version: str, day: date | None
) -> list[Quad]:
    """Tool, tool version and date, each when given (of a mapping or of a mapping set)."""
    quads: list[Quad] = []
    if tool:
        quads.append(Quad(node, _T.mapping_tool, Literal(tool), graph))
    if version:
        quads.append(Quad(node, _T.mapping_tool_version, Literal(version), graph))
    if day is not None:
        quads.append(
            Quad(node, _T.mapping_date, Literal(day.isoformat(), datatype=_T.date_type), graph)
        )
    return quads


def _note_quads(
    node: NamedNode, graph: NamedNode, comment: str, sources: Sequence[str]
) -> list[Quad]:
    """A mapping's comment and, for an inferred one, the mappings it comes from."""
    quads = [Quad(node, _T.comment, Literal(comment), graph)] if comment else []
    return quads + [Quad(node, _T.wasDerivedFrom, NamedNode(s), graph) for s in sources]


def _preprocessing_quads(node: NamedNode, graph: NamedNode, steps: Sequence[str]) -> list[Quad]:
    """Both sides' preprocessing steps (the same analyser reads subject and object), as IRIs."""
    quads: list[Quad] = []
    for step in map(preprocessing_iri, steps):  # cached
        quads.append(Quad(node, _T.subject_preprocessing, NamedNode(step), graph))
        quads.append(Quad(node, _T.object_preprocessing, NamedNode(step), graph))
    return quads


def mapping_quads(
    mapping: Mapping, *, graph: NamedNode = GRAPH.mappings, shared: bool = False
) -> list[Quad]:
    """The quads of one mapping in the mappings graph (none when its predicate is None).

    The preprocessing steps become `sssom:subject_preprocessing` and `sssom:object_preprocessing`
    (both standards went through the same analyser), as IRIs (see `preprocessing_iri`). With
    `shared`, tool, version, date and preprocessing are left to the mapping set (`mappings_quads`).
    """
    if mapping.predicate is None:
        return []
    node = mapping_iri(mapping.subject.iri, mapping.object.iri)
    justification = _justification_node(mapping.justification)
    quads = [
        Quad(node, _T.type, _T.Mapping, graph),
        Quad(node, _T.subject_id, NamedNode(mapping.subject.iri), graph),
        Quad(node, _T.predicate_id, NamedNode(mapping.predicate.iri), graph),
        Quad(node, _T.object_id, NamedNode(mapping.object.iri), graph),
        Quad(node, _T.confidence, _double(_unit(mapping.confidence)), graph),
        Quad(node, _T.subjectCoverage, _double(_unit(mapping.subject_coverage)), graph),
        Quad(node, _T.objectCoverage, _double(_unit(mapping.object_coverage)), graph),
        Quad(node, _T.mapping_justification, justification, graph),
        *_status_quads(node, graph, mapping.review_status),
    ]
    if not shared:
        quads += _preprocessing_quads(node, graph, mapping.preprocessing)
        quads += _tool_quads(node, graph, mapping.tool, mapping.tool_version, mapping.mapping_date)
    quads += _note_quads(node, graph, mapping.comment, mapping.inferred_from)
    return quads + _evidence_quads(mapping, node, graph)


def mappings_quads(
    mappings: Iterable[Mapping], *, graph: NamedNode = GRAPH.mappings, as_set: bool = False
) -> list[Quad]:
    """The quads of several mappings (see `mapping_quads`).

    With `as_set`, the graph is also an SSSOM mapping set (``<graph> a sssom:MappingSet``) that
    states once what all its mappings share: tool, tool version, date and preprocessing steps
    (SSSOM propagates them to every mapping of the set); each mapping then states only its own
    slots. `match` writes a country pair's mappings so: it is a third of the quads.
    """
    batch = list(mappings)
    if not as_set:
        return [q for m in batch for q in mapping_quads(m, graph=graph)]
    quads = _set_quads(batch, graph)
    for mapping in batch:
        quads += mapping_quads(mapping, graph=graph, shared=True)
    return quads


def _set_quads(mappings: Sequence[Mapping], graph: NamedNode) -> list[Quad]:
    """The set node (its graph's IRI) with what its mappings share; one engine run made them."""
    quads = [Quad(graph, _T.type, _T.MappingSet, graph)]
    if not mappings:
        return quads
    first = mappings[0]
    quads += _tool_quads(graph, graph, first.tool, first.tool_version, first.mapping_date)
    return quads + _preprocessing_quads(graph, graph, first.preprocessing)


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def _float(term: Term | None) -> float | None:
    text = term_text(term)
    return float(text) if text else None


def _country(term: Term | None) -> str:
    return term_text(term).rsplit("/", 1)[-1]


def _record(row: dict[str, Term]) -> MappingRecord:
    justification = term_text(row.get("justification")) or JUSTIFICATIONS["lexical"]
    when = term_text(row.get("date"))
    return MappingRecord(
        subject=term_text(row.get("subject")),
        object=term_text(row.get("object")),
        predicate=Predicate.parse(term_text(row.get("predicate"))),
        confidence=_float(row.get("confidence")),
        subject_country=_country(row.get("subject_country")),
        subject_code=term_text(row.get("subjectCode")),
        object_country=_country(row.get("object_country")),
        object_code=term_text(row.get("objectCode")),
        subject_coverage=_float(row.get("subjectCoverage")),
        object_coverage=_float(row.get("objectCoverage")),
        justification=justification,
        review_status=term_text(row.get("status")).rsplit("/", 1)[-1] or "proposed",
        inferred=term_text(row.get("derived")) == "true"
        or justification in INFERENCE_JUSTIFICATIONS,
        mapping_tool=term_text(row.get("tool")),
        mapping_tool_version=term_text(row.get("version")),
        mapping_date=date.fromisoformat(when) if when else None,
        comment=term_text(row.get("comment")),
        iri=term_text(row.get("mapping")),
    )


def read_mappings(
    store: TripleStore,
    *,
    subject_country: str | None = None,
    object_country: str | None = None,
    subject: str | None = None,
    object_: str | None = None,
    predicate: Predicate | None = None,
    min_confidence: float | None = None,
) -> list[MappingRecord]:
    """The mappings between standards in the store, through the named query `mappings-list`.

    Only mappings whose two standards are in the store (with their `eq:country`) are returned,
    ordered by subject then object. Records carry no labels, preprocessing or sources
    (`derived_from`); `inferred` is true when the mapping has sources or an inference
    justification.
    """
    params: dict[str, object] = {
        "subject_country": subject_country,
        "object_country": object_country,
        "subject": subject,
        "object": object_,
        "predicate": predicate.iri if predicate is not None else None,
        "min_confidence": Decimal(repr(min_confidence)) if min_confidence is not None else None,
    }
    given = {name: value for name, value in params.items() if value is not None}
    result = default_catalogue().select(store, "mappings-list", **given)
    return [_record(row) for row in result.rows]


def record_quads(record: MappingRecord, *, graph: NamedNode = GRAPH.mappings) -> list[Quad]:
    """The quads of a mapping record (an inferred mapping, one read from SSSOM …).

    Coverages, date, tool and comment are stated when the record has them; its sources
    (`derived_from`) become ``prov:wasDerivedFrom``.
    """
    node = NamedNode(record.iri) if record.iri else mapping_iri(record.subject, record.object)
    quads = [
        Quad(node, _T.type, _T.Mapping, graph),
        Quad(node, _T.subject_id, NamedNode(record.subject), graph),
        Quad(node, _T.predicate_id, NamedNode(record.predicate.iri), graph),
        Quad(node, _T.object_id, NamedNode(record.object), graph),
        Quad(node, _T.mapping_justification, _justification_node(record.justification), graph),
        *_status_quads(node, graph, record.review_status),
    ]
    numbers = (
        (_T.confidence, record.confidence),
        (_T.subjectCoverage, record.subject_coverage),
        (_T.objectCoverage, record.object_coverage),
    )
    quads += [Quad(node, p, _double(_unit(v)), graph) for p, v in numbers if v is not None]
    quads += _tool_quads(
        node, graph, record.mapping_tool, record.mapping_tool_version, record.mapping_date
    )
    return quads + _note_quads(node, graph, record.comment, record.derived_from)
