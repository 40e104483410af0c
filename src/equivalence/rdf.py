"""Building quads with the provenance of each statement (which file, which row)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from equivalence.vocab import (
    DCTERMS,
    EQ,
    PROV,
    RDF,
    STANDARD_CLASS,
    XSD,
    body_iri,
    country_iri,
    source_record_iri,
)

# Built once: a Namespace attribute creates a new term on every access.
_TYPE = RDF.type
_SOURCE_RECORD = EQ.SourceRecord
_SOURCE_FILE = EQ.sourceFile
_SOURCE_ROW = EQ.sourceRow
_DERIVED_FROM = PROV.wasDerivedFrom
_STATEMENT = RDF.Statement
_SUBJECT = RDF.subject
_PREDICATE = RDF.predicate
_OBJECT = RDF.object
_INTEGER = XSD.integer
_BATCH = 100_000

__all__ = ["Object", "QuadBuilder", "boolean", "date_literal", "integer", "text"]

Object = NamedNode | Literal | BlankNode


def text(value: str, lang: str | None = None) -> Literal:
    """A string literal, language-tagged when `lang` is given."""
    return Literal(value, language=lang) if lang else Literal(value)


def integer(value: int) -> Literal:
    return Literal(str(int(value)), datatype=XSD.integer)


def boolean(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=XSD.boolean)


def date_literal(value: date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


class QuadBuilder:
    """Collects the quads of one source into one named graph, with row-level provenance.

    `dataset` names the source collection (e.g. ``esco-v1.1.1-en``) and `path` the file inside
    the data folder, as written in the records: ``esco/v1.1.1-en/skills_en.csv``.
    """

    def __init__(
        self,
        graph: NamedNode,
        dataset: str,
        path: str,
        *,
        provenance: bool = True,
        sink: Callable[[list[Quad]], None] | None = None,
    ) -> None:
        self.graph = graph
        self.dataset = dataset
        self.path = path
        self.provenance = provenance
        # with a sink, quads are handed over by batches instead of kept (`quads` holds the rest)
        self.sink = sink
        self.quads: list[Quad] = []
        # without provenance quads, where each subject was read: {subject IRI: row}
        self.rows: dict[str, int] = {}
        self._records: dict[int, NamedNode] = {}
        self._record_prefix = source_record_iri(dataset, path, 0).value[: -len("0")]
        self._file = Literal(path)

    def add(self, subject: NamedNode | BlankNode, predicate: NamedNode, obj: Object) -> None:
        self.quads.append(Quad(subject, predicate, obj, self.graph))
        if self.sink is not None and len(self.quads) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        """Hands the quads built so far to the sink (nothing happens without one)."""
        if self.sink is not None and self.quads:
            self.sink(self.quads)
            self.quads = []

    def describe(self, subject: NamedNode, statements: Iterable[tuple[NamedNode, Object]]) -> None:
        """Adds `(predicate, object)` statements about one subject (a builder may do it at once)."""
        for predicate, obj in statements:
            self.add(subject, predicate, obj)

    def add_text(
        self, subject: NamedNode, predicate: NamedNode, value: str | None, lang: str | None = None
    ) -> None:
        """Adds a string literal unless the value is empty ("not given")."""
        if value is not None and value.strip():
            self.add(subject, predicate, text(value.strip(), lang))

    def add_all(self, subject: NamedNode, predicate: NamedNode, objects: Iterable[Object]) -> None:
        for obj in objects:
            self.add(subject, predicate, obj)

    def standard(
        self, subject: NamedNode, country: str, body: str, code: str | None = None
    ) -> None:
        """The statements every source makes about a standard: its classes, code, country, body."""
        self.add(subject, _TYPE, EQ.CompetencyStandard)
        self.add(subject, _TYPE, STANDARD_CLASS[country])
        if code:
            self.add(subject, DCTERMS.identifier, Literal(code))
        self.add(subject, EQ.country, country_iri(country))
        self.add(subject, EQ.certifyingBody, body_iri(body))

    def record(self, row: int) -> NamedNode:
        """The IRI of the source record for `row`, described once (file and row number)."""
        iri = self._records.get(row)
        if iri is None:
            iri = self._records[row] = NamedNode(f"{self._record_prefix}{row}")
            if self.provenance:
                graph = self.graph
                self.quads += (
                    Quad(iri, _TYPE, _SOURCE_RECORD, graph),
                    Quad(iri, _SOURCE_FILE, self._file, graph),
                    Quad(iri, _SOURCE_ROW, Literal(str(row), datatype=_INTEGER), graph),
                )
        return iri

    def derived(self, subject: NamedNode, row: int) -> None:
        """Records that `subject` was read from `row` of this source.

        Without provenance quads, only `rows` remembers it (the first row a subject is read from).
        """
        if not self.provenance:
            self.rows.setdefault(subject.value, row)
            return
        self.quads.append(Quad(subject, _DERIVED_FROM, self.record(row), self.graph))

    def reified(self, subject: NamedNode, predicate: NamedNode, obj: Object, row: int) -> None:
        """Adds a statement and, on its source record, the statement itself (rdf:Statement).

        For statements that are a row of their own (a relation, a crosswalk line), the record
        is the reification, so a query can find file and row of that very statement.
        """
        graph = self.graph
        if not self.provenance:
            self.quads.append(Quad(subject, predicate, obj, graph))
            return
        record = self.record(row)
        self.quads += (
            Quad(subject, predicate, obj, graph),
            Quad(record, _TYPE, _STATEMENT, graph),
            Quad(record, _SUBJECT, subject, graph),
            Quad(record, _PREDICATE, predicate, graph),
            Quad(record, _OBJECT, obj, graph),
        )
