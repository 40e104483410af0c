"""Building quads with the provenance of each statement (which file, which row)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from equivalence.vocab import EQ, PROV, RDF, XSD, source_record_iri

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

    def __init__(self, graph: NamedNode, dataset: str, path: str) -> None:
        self.graph = graph
        self.dataset = dataset
        self.path = path
        self.quads: list[Quad] = []
        self._records: set[int] = set()

    def add(self, subject: NamedNode | BlankNode, predicate: NamedNode, obj: Object) -> None:
        self.quads.append(Quad(subject, predicate, obj, self.graph))

    def add_text(
        self, subject: NamedNode, predicate: NamedNode, value: str | None, lang: str | None = None
    ) -> None:
        """Adds a string literal unless the value is empty ("not given")."""
        if value is not None and value.strip():
            self.add(subject, predicate, text(value.strip(), lang))

    def add_all(self, subject: NamedNode, predicate: NamedNode, objects: Iterable[Object]) -> None:
        for obj in objects:
            self.add(subject, predicate, obj)

    def record(self, row: int) -> NamedNode:
        """The IRI of the source record for `row`, described once (file and row number)."""
        iri = source_record_iri(self.dataset, self.path, row)
        if row not in self._records:
            self._records.add(row)
            self.add(iri, RDF.type, EQ.SourceRecord)
            self.add(iri, EQ.sourceFile, Literal(self.path))
            self.add(iri, EQ.sourceRow, integer(row))
        return iri

    def derived(self, subject: NamedNode, row: int) -> None:
        """Records that `subject` was read from `row` of this source."""
        self.add(subject, PROV.wasDerivedFrom, self.record(row))

    def reified(self, subject: NamedNode, predicate: NamedNode, obj: Object, row: int) -> None:
        """Adds a statement and, on its source record, the statement itself (rdf:Statement).

        For statements that are a row of their own (a relation, a crosswalk line), the record
        is the reification, so a query can find file and row of that very statement.
        """
        self.add(subject, predicate, obj)
        record = self.record(row)
        self.add(record, RDF.type, RDF.Statement)
        self.add(record, RDF.subject, subject)
        self.add(record, RDF.predicate, predicate)
        self.add(record, RDF.object, obj)
