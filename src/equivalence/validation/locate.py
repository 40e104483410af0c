"""Where a focus node of a validation result is: its standard, unit and criterion codes, its
country, and the file and line it was read from.

Index look-ups on the validation store, a few per focus node and cached per standard and unit:
one SPARQL query over tens of thousands of focus nodes took minutes on a 10,000-standard
submission, these take about a second.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from pyoxigraph import BlankNode, Literal, NamedNode, Store

from equivalence.vocab import COUNTRIES, DCTERMS, EQ, PROV, RDF, country_iri

__all__ = ["Place", "locate"]

_KINDS = (
    ("standard", EQ.CompetencyStandard),
    ("unit", EQ.CompetencyUnit),
    ("criterion", EQ.PerformanceCriterion),
)
_COUNTRY_CODES: Mapping[NamedNode, str] = {country_iri(c): c for c in COUNTRIES}


@dataclass(frozen=True, slots=True)
class Place:
    kind: str = ""
    country: str | None = None
    standard: str | None = None
    unit: str | None = None
    criterion: str | None = None
    file: str | None = None
    line: int | None = None


class _Index:
    def __init__(self, store: Store, closure: Mapping[str, tuple[str, ...]]) -> None:
        self.store = store
        self.classes = {kind: frozenset(closure.get(str(cls), (str(cls),))) for kind, cls in _KINDS}

    def objects(self, subject: NamedNode, predicate: NamedNode) -> list[NamedNode | Literal]:
        found = (q.object for q in self.store.quads_for_pattern(subject, predicate, None, None))
        return sorted(
            (o for o in found if isinstance(o, NamedNode | Literal)), key=lambda t: t.value
        )

    def subjects(self, predicate: NamedNode, obj: NamedNode) -> list[NamedNode]:
        found = (q.subject for q in self.store.quads_for_pattern(None, predicate, obj, None))
        return sorted((s for s in found if isinstance(s, NamedNode)), key=lambda t: t.value)

    def code(self, node: NamedNode) -> str | None:
        codes = self.objects(node, DCTERMS.identifier)
        return codes[0].value if codes else None

    def kind(self, node: NamedNode) -> str:
        types = {str(t) for t in self.objects(node, RDF.type)}
        return next((kind for kind, classes in self.classes.items() if types & classes), "")

    @cache  # noqa: B019 -- one index per validation, dropped with it
    def standard(self, node: NamedNode) -> tuple[str | None, str | None]:
        """The code and country of a standard."""
        countries = [c for c in self.objects(node, EQ.country) if isinstance(c, NamedNode)]
        country = _COUNTRY_CODES.get(countries[0]) if countries else None
        return self.code(node), country

    @cache  # noqa: B019
    def unit(self, node: NamedNode) -> tuple[str | None, str | None, str | None]:
        """The code of a unit, and the code and country of its first standard."""
        owners = [self.standard(s) for s in self.subjects(EQ.hasUnit, node)]
        standard, country = min(owners, key=lambda o: o[0] or "~") if owners else (None, None)
        return self.code(node), standard, country

    def record(self, node: NamedNode) -> tuple[str | None, int | None]:
        for record in self.objects(node, PROV.wasDerivedFrom):
            if not isinstance(record, NamedNode):
                continue
            files = self.objects(record, EQ.sourceFile)
            rows = self.objects(record, EQ.sourceRow)
            if files:
                line = rows[0].value if rows else ""
                return files[0].value, int(line) if line.isdigit() else None
        return None, None

    def place(self, node: NamedNode, rows: Mapping[str, tuple[str, int]]) -> Place:
        kind = self.kind(node)
        standard = unit = criterion = country = None
        if kind == "standard":
            standard, country = self.standard(node)
        elif kind == "unit":
            unit, standard, country = self.unit(node)
        elif kind == "criterion":
            criterion = self.code(node)
            units = self.subjects(EQ.hasCriterion, node)
            if units:
                unit, standard, country = self.unit(units[0])
        if node.value in rows:
            file: str | None
            file, line = rows[node.value]
            return Place(kind, country, standard, unit, criterion, file, line)
        file, number = self.record(node)
        return Place(kind, country, standard, unit, criterion, file, number)


def locate(
    store: Store,
    foci: Iterable[NamedNode | BlankNode | Literal],
    closure: Mapping[str, tuple[str, ...]],
    rows: Mapping[str, tuple[str, int]],
) -> dict[str, Place]:
    """The place of every IRI focus node, by its IRI."""
    index = _Index(store, closure)
    return {f.value: index.place(f, rows) for f in foci if isinstance(f, NamedNode)}
