"""Where a focus node of a validation result is: its standard, unit and criterion codes, its
country, and the file and line it was read from.

Dict look-ups on the dataset's index, a few per focus node and cached per standard and unit:
one SPARQL query over tens of thousands of focus nodes took minutes on a 10,000-standard
submission.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode

from equivalence.validation.dataset import Index, Key
from equivalence.vocab import COUNTRIES, DCTERMS, EQ, PROV, country_iri

__all__ = ["Place", "locate"]

_KINDS = (
    ("standard", EQ.CompetencyStandard.value),
    ("unit", EQ.CompetencyUnit.value),
    ("criterion", EQ.PerformanceCriterion.value),
)
_COUNTRY_CODES: Mapping[Key, str] = {country_iri(c).value: c for c in COUNTRIES}
_IDENTIFIER = DCTERMS.identifier.value
_COUNTRY = EQ.country.value
_HAS_UNIT = EQ.hasUnit.value
_HAS_CRITERION = EQ.hasCriterion.value
_DERIVED_FROM = PROV.wasDerivedFrom.value
_SOURCE_FILE = EQ.sourceFile.value
_SOURCE_ROW = EQ.sourceRow.value


@dataclass(frozen=True, slots=True)
class Place:
    kind: str = ""
    country: str | None = None
    standard: str | None = None
    unit: str | None = None
    criterion: str | None = None
    file: str | None = None
    line: int | None = None


def _is_blank(key: Key) -> bool:
    return isinstance(key, str) and key.startswith("_:")


def _text(key: Key) -> str:
    return key.value if isinstance(key, Literal) else key


class _Index:
    def __init__(self, index: Index, closure: Mapping[str, frozenset[str]]) -> None:
        self.index = index
        self.classes = {kind: closure.get(cls, frozenset({cls})) for kind, cls in _KINDS}
        # per standard and unit; a functools.cache on the methods kept every index alive
        self._standards: dict[str, tuple[str | None, str | None]] = {}
        self._units: dict[str, tuple[str | None, str | None, str | None]] = {}

    def objects(self, subject: str, predicate: str) -> list[Key]:
        """The IRIs and literals of a subject and predicate, by their text."""
        found = self.index.objects(subject, predicate)
        return sorted((o for o in found if not _is_blank(o)), key=_text)

    def subjects(self, predicate: str, obj: str) -> list[str]:
        found = self.index.subjects(predicate, obj)
        return sorted(s for s in found if not _is_blank(s))

    def code(self, node: str) -> str | None:
        codes = self.objects(node, _IDENTIFIER)
        return _text(codes[0]) if codes else None

    def kind(self, node: str) -> str:
        types = self.index.types(node)
        return next(
            (kind for kind, classes in self.classes.items() if not classes.isdisjoint(types)), ""
        )

    def standard(self, node: str) -> tuple[str | None, str | None]:
        """The code and country of a standard."""
        found = self._standards.get(node)
        if found is None:
            countries = [c for c in self.objects(node, _COUNTRY) if isinstance(c, str)]
            country = _COUNTRY_CODES.get(countries[0]) if countries else None
            found = self._standards[node] = (self.code(node), country)
        return found

    def unit(self, node: str) -> tuple[str | None, str | None, str | None]:
        """The code of a unit, and the code and country of its first standard."""
        found = self._units.get(node)
        if found is None:
            owners = [self.standard(s) for s in self.subjects(_HAS_UNIT, node)]
            standard, country = min(owners, key=lambda o: o[0] or "~") if owners else (None, None)
            found = self._units[node] = (self.code(node), standard, country)
        return found

    def record(self, node: str) -> tuple[str | None, int | None]:
        for record in self.objects(node, _DERIVED_FROM):
            if not isinstance(record, str):
                continue
            files = self.objects(record, _SOURCE_FILE)
            rows = self.objects(record, _SOURCE_ROW)
            if files:
                line = _text(rows[0]) if rows else ""
                return _text(files[0]), int(line) if line.isdigit() else None
        return None, None

    def place(self, node: str, rows: Mapping[str, tuple[str, int]]) -> Place:
        kind = self.kind(node)
        standard = unit = criterion = country = None
        if kind == "standard":
            standard, country = self.standard(node)
        elif kind == "unit":
            unit, standard, country = self.unit(node)
        elif kind == "criterion":
            criterion = self.code(node)
            units = self.subjects(_HAS_CRITERION, node)
            if units:
                unit, standard, country = self.unit(units[0])
        if node in rows:
            file: str | None
            file, line = rows[node]
            return Place(kind, country, standard, unit, criterion, file, line)
        file, number = self.record(node)
        return Place(kind, country, standard, unit, criterion, file, number)


def locate(
    index: Index,
    foci: Iterable[NamedNode | BlankNode | Literal],
    closure: Mapping[str, frozenset[str]],
    rows: Mapping[str, tuple[str, int]],
) -> dict[str, Place]:
    """The place of every IRI focus node, by its IRI."""
    located = _Index(index, closure)
    return {f.value: located.place(f.value, rows) for f in foci if isinstance(f, NamedNode)}
