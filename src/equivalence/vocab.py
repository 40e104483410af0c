"""The only place where IRIs and namespaces are spelled out.

Every other module builds IRIs through the functions and constants here, so that the ontology
(`ontology/*.ttl`), the importers, the queries and the API agree on one naming scheme.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Final
from urllib.parse import quote

from pyoxigraph import BlankNode, NamedNode

__all__ = [
    "BASE",
    "COUNTRIES",
    "CRITERION_KINDS",
    "DCTERMS",
    "EQ",
    "ESCO",
    "GRAPH",
    "IMPORTED_MAPPINGS_GRAPH",
    "INFERRED_MAPPINGS_GRAPH",
    "OCCUPATION_SCHEMES",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "REVIEW_GRAPH",
    "REVIEW_STATUSES",
    "SEMAPV",
    "SKOS",
    "SSSOM",
    "STANDARD_CLASS",
    "STATUSES",
    "UNIT_CLASS",
    "XSD",
    "Namespace",
    "OccupationScheme",
    "agent_iri",
    "body_iri",
    "certification_iri",
    "committee_iri",
    "country_graph",
    "country_iri",
    "country_of_graph",
    "criterion_iri",
    "criterion_kind_iri",
    "in_country_data",
    "level_iri",
    "level_scheme_iri",
    "mapping_graph",
    "occupation_concept_iri",
    "occupation_scheme",
    "review_status_iri",
    "sector_iri",
    "slug",
    "source_record_iri",
    "standard_iri",
    "status_iri",
    "submission_iri",
    "unit_iri",
    "version_iri",
]


# terms already built: reading millions of rows asks for the same few again and again
_TERMS: dict[str, NamedNode] = {}


class Namespace(str):
    """A namespace whose attributes and items are `NamedNode`s."""

    def term(self, name: str) -> NamedNode:
        iri = str(self) + name
        node = _TERMS.get(iri)
        if node is None:
            node = _TERMS[iri] = NamedNode(iri)
        return node

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        return self.term(name)

    def __getitem__(self, name: str) -> NamedNode:  # type: ignore[override]
        return self.term(name)


BASE: Final = "https://w3id.org/equivalence/"

EQ: Final = Namespace(BASE + "ontology#")
ID: Final = Namespace(BASE + "id/")
GRAPH_NS: Final = Namespace(BASE + "graph/")
LEVEL_NS: Final = Namespace(BASE + "level/")
KIND_NS: Final = Namespace(BASE + "criterion-kind/")
SOURCE_NS: Final = Namespace(BASE + "source/")
PREPROCESSING_NS: Final = Namespace(BASE + "preprocessing/")

RDF: Final = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS: Final = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL: Final = Namespace("http://www.w3.org/2002/07/owl#")
XSD: Final = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS: Final = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS: Final = Namespace("http://purl.org/dc/terms/")
PROV: Final = Namespace("http://www.w3.org/ns/prov#")
SSSOM: Final = Namespace("https://w3id.org/sssom/")
SEMAPV: Final = Namespace("https://w3id.org/semapv/vocab/")
ESCO: Final = Namespace("http://data.europa.eu/esco/model#")
ESCO_ISCO: Final = Namespace("http://data.europa.eu/esco/isco/")
ESCO_SCHEME: Final = Namespace("http://data.europa.eu/esco/concept-scheme/")


# Prefixes for compact display, most specific first.
PREFIXES: Final[Mapping[str, str]] = {
    "eq": str(EQ),
    "level": str(LEVEL_NS),
    "kind": str(KIND_NS),
    "source": str(SOURCE_NS),
    "graph": str(GRAPH_NS),
    "id": str(ID),
    "equiv": BASE,
    "isco": str(ESCO_ISCO),
    "esco": "http://data.europa.eu/esco/",
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "sssom": str(SSSOM),
    "xsd": str(XSD),
}


@dataclass(frozen=True, slots=True)
class _Graphs:
    ontology: NamedNode
    esco: NamedNode
    isco: NamedNode
    classifications: NamedNode
    crosswalks: NamedNode
    mappings: NamedNode
    submissions: NamedNode


GRAPH: Final = _Graphs(
    ontology=GRAPH_NS.ontology,
    esco=GRAPH_NS.esco,
    isco=GRAPH_NS.isco,
    classifications=GRAPH_NS.classifications,
    crosswalks=GRAPH_NS.crosswalks,
    mappings=GRAPH_NS.mappings,
    submissions=GRAPH_NS.submissions,
)

COUNTRIES: Final[Mapping[str, str]] = {
    "CL": "Chile",
    "CO": "Colombia",
    "MX": "México",
    "PE": "Perú",
}

# The class each country's standards and units take besides eq:CompetencyStandard / eq:CompetencyUnit.
STANDARD_CLASS: Final[Mapping[str, NamedNode]] = {
    "MX": EQ.ConocerStandard,
    "CL": EQ.ChileValoraProfile,
    "CO": EQ.SenaNorm,
    "PE": EQ.PeruProfile,
}
UNIT_CLASS: Final[Mapping[str, NamedNode]] = {
    "MX": EQ.ConocerElement,
    "CL": EQ.ChileValoraUnit,
    "CO": EQ.SenaUnit,
    "PE": EQ.PeruUnit,
}

# The Spanish names agencies write in the template, folded to the IRI local names of the ontology.
CRITERION_KINDS: Final[Mapping[str, str]] = {
    "desempeño": "desempeno",
    "producto": "producto",
    "conocimiento": "conocimiento",
    "actitud": "actitud",
}

_CHILE_GLOBAL_UNIT = re.compile(r"^U-\d{4}-\d{4}-\d{3}-V\d{2}$")


@lru_cache(maxsize=1 << 16)
def _segment(code: str) -> str:
    """Percent-encode one code so it can be a single IRI path segment (cached: a submission
    names the same standard and unit codes on thousands of rows)."""
    return quote(code.strip(), safe="-._~")


def slug(text: str) -> str:
    """A lower-case ASCII slug of a free-text name (sectors, committees)."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "unnamed"


def country_iri(country: str) -> NamedNode:
    return NamedNode(f"{BASE}country/{country}")


def country_graph(country: str) -> NamedNode:
    """The named graph that holds one country's standards."""
    return NamedNode(f"{GRAPH_NS}country/{country}")


def country_of_graph(graph: object) -> str | None:
    """The country whose named graph this is (`country_graph(CC)` gives CC), else None."""
    if not isinstance(graph, NamedNode):
        return None
    code = graph.value.removeprefix(f"{GRAPH_NS}country/")
    return code if code in COUNTRIES else None


def in_country_data(subject: object, country: str) -> bool:
    """Whether a subject may be described in a country's graph: an IRI of its own namespace
    (`…/id/CC/…`), a source record, or a blank node."""
    if isinstance(subject, BlankNode):
        return True
    if isinstance(subject, NamedNode):
        return subject.value.startswith((f"{ID}{country}/", str(SOURCE_NS)))
    return False  # a triple term


def body_iri(acronym: str) -> NamedNode:
    """A certifying body: CONOCER, ChileValora, SENA, MTPE, SINEACE."""
    return NamedNode(f"{BASE}body/{acronym}")


@lru_cache(maxsize=1 << 16)
def standard_iri(country: str, code: str) -> NamedNode:
    return NamedNode(f"{ID}{country}/standard/{_segment(code)}")


def certification_iri(country: str, code: str) -> NamedNode:
    return NamedNode(f"{ID}{country}/certification/{_segment(code)}")


@lru_cache(maxsize=1 << 16)
def unit_iri(country: str, standard_code: str, unit_code: str) -> NamedNode:
    """A unit of competency (CONOCER element, ChileValora UCL, SENA norm unit, Peruvian unit).

    ChileValora UCL codes (U-CIIU-CIUO-seq-Vnn) are unique across the country and one UCL is
    shared by several profiles, so they get one country-wide IRI; every other unit code is only
    unique inside its standard (CONOCER E01, E02 …) and is scoped under it.
    """
    if country == "CL" and _CHILE_GLOBAL_UNIT.match(unit_code.strip()):
        return NamedNode(f"{ID}CL/unit/{_segment(unit_code)}")
    return NamedNode(f"{standard_iri(country, standard_code).value}/unit/{_segment(unit_code)}")


def criterion_iri(
    country: str, standard_code: str, unit_code: str, criterion_code: str
) -> NamedNode:
    """A performance criterion, scoped under its unit (a shared Chilean UCL keeps its criteria)."""
    unit = unit_iri(country, standard_code, unit_code).value
    return NamedNode(f"{unit}/criterion/{_segment(criterion_code)}")


@lru_cache(maxsize=64)
def criterion_kind_iri(kind: str) -> NamedNode:
    """IRI of a criterion kind given its Spanish name (desempeño, producto, conocimiento, actitud)."""
    return KIND_NS.term(CRITERION_KINDS[kind])


STATUSES: Final = ("active", "inactive", "withdrawn", "draft")
REVIEW_STATUSES: Final = ("proposed", "accepted", "rejected", "recognised")


def status_iri(status: str) -> NamedNode:
    """The life-cycle status of a standard: active, inactive, withdrawn or draft."""
    if status not in STATUSES:
        raise KeyError(f"unknown status {status!r}; known: {', '.join(STATUSES)}")
    return NamedNode(f"{BASE}status/{status}")


def review_status_iri(status: str) -> NamedNode:
    """The review status of a mapping: proposed, accepted, rejected or recognised."""
    if status not in REVIEW_STATUSES:
        raise KeyError(f"unknown review status {status!r}; known: {', '.join(REVIEW_STATUSES)}")
    return NamedNode(f"{BASE}review-status/{status}")


def level_scheme_iri(country: str) -> NamedNode:
    """The SKOS concept scheme of one country's qualification levels."""
    return NamedNode(f"{LEVEL_NS}{country}")


def level_iri(country: str, level: int) -> NamedNode:
    return NamedNode(f"{LEVEL_NS}{country}/{level}")


def sector_iri(country: str, name: str) -> NamedNode:
    return NamedNode(f"{ID}{country}/sector/{slug(name)}")


def committee_iri(country: str, name: str) -> NamedNode:
    return NamedNode(f"{ID}{country}/committee/{slug(name)}")


def mapping_graph(country: str, other: str) -> NamedNode:
    """The named graph of the mappings between two countries' standards (either order)."""
    first, second = sorted((country.upper(), other.upper()))
    return GRAPH_NS[f"mappings/{first}-{second}"]


INFERRED_MAPPINGS_GRAPH: Final = GRAPH_NS["mappings/inferred"]
IMPORTED_MAPPINGS_GRAPH: Final = GRAPH_NS["mappings/imported"]


def submission_iri(country: str, version: int) -> NamedNode:
    """The submission (a `prov:Activity`) that produced version `version` of a country's data."""
    return NamedNode(f"{BASE}submission/{country}/{version}")


def version_iri(country: str, version: int) -> NamedNode:
    """Version `version` of a country's accepted data (a `prov:Entity`)."""
    return NamedNode(f"{BASE}submission/{country}/{version}/data")


def agent_iri(token_id: str) -> NamedNode:
    """The agent (an agency's token holder) that submits data."""
    return NamedNode(f"{BASE}agent/{_segment(token_id)}")


def source_record_iri(dataset: str, path: str, row: int) -> NamedNode:
    """The record (one row of one source file) a statement was read from."""
    return NamedNode(f"{SOURCE_NS}{_segment(dataset)}/{quote(path, safe='/-._~')}#row={row}")


@dataclass(frozen=True, slots=True)
class OccupationScheme:
    """An occupation classification: its canonical name, concept scheme IRI and concept IRIs."""

    name: str
    scheme: NamedNode
    concept_prefix: str

    def concept(self, code: str) -> NamedNode:
        return NamedNode(self.concept_prefix + _segment(code))


_ISCO = OccupationScheme("ISCO-08", ESCO_SCHEME.isco, f"{ESCO_ISCO}C")

OCCUPATION_SCHEMES: Final[Mapping[str, OccupationScheme]] = {
    "ISCO-08": _ISCO,
    "SINCO": OccupationScheme(
        "SINCO", ID.term("classification/sinco2011"), f"{ID}classification/sinco2011/"
    ),
    "CNO-MX": OccupationScheme(
        "CNO-MX", ID.term("classification/cno-mx"), f"{ID}classification/cno-mx/"
    ),
    "CUOC": OccupationScheme(
        "CUOC", ID.term("classification/cuoc2022"), f"{ID}classification/cuoc2022/"
    ),
    "CIUO-08.CL": OccupationScheme(
        "CIUO-08.CL", ID.term("classification/ciuo08cl"), f"{ID}classification/ciuo08cl/"
    ),
    "CNO-PE": OccupationScheme(
        "CNO-PE", ID.term("classification/cno-pe"), f"{ID}classification/cno-pe/"
    ),
    "ESCO": OccupationScheme(
        "ESCO", ESCO_SCHEME.occupations, "http://data.europa.eu/esco/occupation/"
    ),
}

_SCHEME_ALIASES: Final[Mapping[str, str]] = {
    "ISCO": "ISCO-08",
    "ISCO08": "ISCO-08",
    "CIUO-08": "ISCO-08",
    "CIUO08": "ISCO-08",
    "SINCO-2011": "SINCO",
    "SINCO2011": "SINCO",
    "CNO": "CNO-MX",
    "CUOC-2022": "CUOC",
    "CUOC2022": "CUOC",
    "CIUO-08-CL": "CIUO-08.CL",
    "CIUO08CL": "CIUO-08.CL",
}


def occupation_scheme(name: str) -> OccupationScheme:
    """Look up an occupation classification by the name agencies write (case-insensitive)."""
    key = name.strip().upper()
    key = _SCHEME_ALIASES.get(key, key)
    try:
        return OCCUPATION_SCHEMES[key]
    except KeyError:
        known = ", ".join(OCCUPATION_SCHEMES)
        raise KeyError(f"unknown occupation scheme {name!r}; known: {known}") from None


def occupation_concept_iri(scheme_name: str, code: str) -> NamedNode:
    return occupation_scheme(scheme_name).concept(code)


# The agencies' review decisions on mappings (PROV-O) and the review status they give each
# mapping. Kept apart from the mapping graphs, which re-matching rewrites (`equivalence.review`).
REVIEW_GRAPH: Final = GRAPH_NS["reviews"]
