"""Chile, ChileValora: perfiles ocupacionales and Unidades de Competencia Laboral (UCL).

* ``cl/chile_profiles.csv`` — one profile a row: code, title, sector, subsector, level, units
  (``code:title|code:title``) and the page it was read from (``dcterms:source``).
* ``cl/chile_ucl.csv`` — one UCL a row: code, title, type (Transversal / Específica), version,
  CIIU, CIUO and the profile it appears in. A UCL shared by several profiles has several rows:
  they describe the same unit IRI.

Codes. Current codes are ``P-``/``U-`` + CIIU (4 digits) + CIUO-08.CL (4 digits) + sequence +
``-Vnn``: the CIUO gives ``eq:occupation`` (a CIUO-08.CL concept), the CIIU ``eq:isicCode``, the
``Vnn`` the profile's ``eq:version`` as written (``V02``; a UCL's version is the file's
``version`` column, as its official page writes it: ``3``). ``U-`` codes are unique in the country (one IRI shared by profiles);
older codes (``POMOF012``, UCL ``MMT001``) are kept as written, units scoped under the profile.

Profiles without a code (34 of 45, read in press pages) get a stable code-less identity: the
IRI of the standard "code" ``titulo-{slug of the title}`` (e.g. ``…/CL/standard/titulo-cuidador-a-
primario-a``), no ``dcterms:identifier`` (there is no official code to state) and the
``skos:editorialNote`` `CODELESS_NOTE`. No ``eq:status`` is claimed for them: the ontology's
statuses say whether a standard is in force, which these pages do not state. The same title
always gives the same IRI; if the code becomes known, the coded profile is a new resource that
can be linked with ``owl:sameAs``.

Annotations the data folder added to a value (``(per elandino.cl)``, ``, per SalmonChile``) are
not part of the name. A subsector is an ``eq:Sector`` too, ``skos:broader`` its sector; the
profile's ``eq:sector`` is both. A level ``N2 …`` is MCTP level 2.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from equivalence import vocab
from equivalence.errors import InputError
from equivalence.io.base import LoadedSource, clean_spaces, codeless_key, read_csv_rows, source_url
from equivalence.rdf import QuadBuilder, boolean, text
from equivalence.vocab import DCTERMS, EQ, RDF, SKOS

__all__ = ["CODELESS_NOTE", "codeless_key", "read_chile"]

COUNTRY = "CL"
DATASET = "chilevalora"
PROFILES = "cl/chile_profiles.csv"
UCL = "cl/chile_ucl.csv"

CODELESS_NOTE = "No public code: the identity of this profile is derived from its title."

_NEW_CODE = re.compile(r"^([PU])-(\d{4})-(\d{4})-(\d{3})-V(\d{2})$")
_OLD_CODE = re.compile(r"^[A-Z]{2,}\d+$")
_LEVEL = re.compile(r"^N(\d)\b")
_PER_ALONE = re.compile(r"\s*\(per [^)]*\)")
_PER_INSIDE = re.compile(r",\s*per [^)]*\)")


def _name(value: str) -> str:
    """A sector or subsector without the data folder's "(per …)" annotations."""
    return clean_spaces(_PER_INSIDE.sub(")", _PER_ALONE.sub("", value)))


def _check_code(code: str, path: Path, line: int, column: str) -> re.Match[str] | None:
    match = _NEW_CODE.match(code)
    if match is None and not _OLD_CODE.match(code):
        raise InputError(
            f"code {code!r} is neither P-/U-CIIU-CIUO-seq-Vnn nor an older code like POMOF012",
            file=path,
            line=line,
            column=column,
        )
    return match


def _classification(builder: QuadBuilder, subject: NamedNode, match: re.Match[str]) -> None:
    """The CIIU and CIUO written inside a P-/U- code."""
    _, ciiu, ciuo, _, _ = match.groups()
    builder.add(subject, EQ.isicCode, Literal(ciiu))
    builder.add(subject, EQ.occupation, vocab.occupation_concept_iri("CIUO-08.CL", ciuo))


def _unit(
    builder: QuadBuilder,
    profile_code: str,
    code: str,
    title: str,
    path: Path,
    line: int,
    ucl_titles: dict[str, str],
) -> NamedNode:
    match = _check_code(code, path, line, "units")
    if match is not None and match.group(1) != "U":
        raise InputError(f"unit code {code!r} starts with P-", file=path, line=line)
    unit = vocab.unit_iri(COUNTRY, profile_code, code)
    builder.add(unit, RDF.type, EQ.CompetencyUnit)
    builder.add(unit, RDF.type, EQ.ChileValoraUnit)
    builder.add(unit, DCTERMS.identifier, Literal(code))
    # The UCL file names its units; a profile's wording of a known unit is an alternative.
    known = ucl_titles.get(unit.value)
    if title and known is not None and known.casefold() != title.casefold():
        builder.add(unit, SKOS.altLabel, text(title, "es"))
    elif title:
        builder.add(unit, SKOS.prefLabel, text(known or title, "es"))
    if match is not None:
        _classification(builder, unit, match)
    builder.derived(unit, line)
    return unit


class _Sectors:
    def __init__(self, builder: QuadBuilder) -> None:
        self.builder = builder
        self.seen: set[str] = set()

    def _describe(self, iri: NamedNode, label: str, line: int) -> None:
        if iri.value not in self.seen:
            self.seen.add(iri.value)
            self.builder.add(iri, RDF.type, EQ.Sector)
            self.builder.add(iri, SKOS.prefLabel, text(label, "es"))
            self.builder.derived(iri, line)

    def link(self, std: NamedNode, sector: str, subsector: str, line: int) -> None:
        if not sector:
            return
        sector_iri = vocab.sector_iri(COUNTRY, sector)
        self._describe(sector_iri, sector, line)
        self.builder.add(std, EQ.sector, sector_iri)
        if subsector:
            sub_iri = vocab.sector_iri(COUNTRY, f"{sector} {subsector}")
            self._describe(sub_iri, subsector, line)
            self.builder.add(sub_iri, SKOS.broader, sector_iri)
            self.builder.add(std, EQ.sector, sub_iri)


def _profile_core(builder: QuadBuilder, std: NamedNode) -> None:
    builder.standard(std, COUNTRY, "ChileValora")


def _read_profiles(path: Path, ucl_titles: dict[str, str]) -> LoadedSource:
    source = LoadedSource("ChileValora profiles", path)
    builder = QuadBuilder(vocab.country_graph(COUNTRY), DATASET, PROFILES)
    sectors = _Sectors(builder)
    seen: dict[str, str] = {}  # IRI → title
    units: set[str] = set()
    for line, row in read_csv_rows(path, required=("code", "title", "units")):
        code = clean_spaces(row["code"])
        title = clean_spaces(row["title"])
        if not title:
            raise InputError("empty title", file=path, line=line, column="title")
        std = vocab.standard_iri(COUNTRY, code or codeless_key(title))
        _profile_core(builder, std)
        builder.derived(std, line)
        if std.value not in seen:
            seen[std.value] = title
            builder.add(std, SKOS.prefLabel, text(title, "es"))
            source.count("profiles")
        elif seen[std.value].casefold() != title.casefold():
            builder.add(std, SKOS.altLabel, text(title, "es"))
        if code:
            builder.add(std, DCTERMS.identifier, Literal(code))
            match = _check_code(code, path, line, "code")
            if match is not None:
                if match.group(1) != "P":
                    raise InputError(f"profile code {code!r} starts with U-", file=path, line=line)
                _classification(builder, std, match)
                builder.add(std, EQ.version, Literal(f"V{match.group(5)}"))
        else:
            builder.add(std, SKOS.editorialNote, text(CODELESS_NOTE, "en"))
            source.count("profiles without code")
        url = source_url(row.get("source_url", ""), path, line)
        if url is not None:
            builder.add(std, DCTERMS.source, url)
        sectors.link(std, _name(row.get("sector", "")), _name(row.get("subsector", "")), line)
        level = _LEVEL.match(clean_spaces(row.get("level", "")))
        if level:
            builder.add(std, EQ.level, vocab.level_iri(COUNTRY, int(level.group(1))))
        elif clean_spaces(row.get("level", "")):
            raise InputError(
                f"level {row['level']!r} is not Nn", file=path, line=line, column="level"
            )
        for cell in filter(None, map(clean_spaces, row["units"].split("|"))):
            unit_code, sep, unit_title = cell.partition(":")
            if not sep or not unit_code.strip():
                raise InputError(
                    f"unit {cell!r} is not code:title", file=path, line=line, column="units"
                )
            if not code:
                raise InputError("a profile without code lists units", file=path, line=line)
            unit = _unit(
                builder, code, unit_code.strip(), clean_spaces(unit_title), path, line, ucl_titles
            )
            builder.add(std, EQ.hasUnit, unit)
            units.add(unit.value)
    source.count("units", len(units))
    source.count("sectors", len(sectors.seen))
    source.quads = builder.quads
    return source


def _digits(value: str) -> str:
    """A CIIU/CIUO cell, which may say "(code segment) 8411"."""
    match = re.search(r"\b(\d{4})\b", value)
    return match.group(1) if match else ""


def _read_ucl(path: Path) -> tuple[LoadedSource, dict[str, str]]:
    """The UCL file, and the title of each unit IRI."""
    source = LoadedSource("ChileValora units (UCL)", path)
    builder = QuadBuilder(vocab.country_graph(COUNTRY), DATASET, UCL)
    labels: dict[str, str] = {}
    for line, row in read_csv_rows(path, required=("code", "title")):
        code = clean_spaces(row["code"])
        title = clean_spaces(row["title"])
        if not code or not title:
            raise InputError("a UCL needs code and title", file=path, line=line)
        appears = clean_spaces(row.get("appears_in_profile", ""))
        profile_code = appears.split(" ", 1)[0] if appears else ""
        match = _check_code(code, path, line, "code")
        if match is None and not profile_code:
            raise InputError(
                f"older unit code {code!r} needs its profile (appears_in_profile)",
                file=path,
                line=line,
            )
        unit = vocab.unit_iri(COUNTRY, profile_code, code)
        builder.add(unit, RDF.type, EQ.CompetencyUnit)
        builder.add(unit, RDF.type, EQ.ChileValoraUnit)
        builder.add(unit, DCTERMS.identifier, Literal(code))
        builder.derived(unit, line)
        if unit.value not in labels:
            labels[unit.value] = title
            builder.add(unit, SKOS.prefLabel, text(title, "es"))
            source.count("units")
        elif labels[unit.value].casefold() != title.casefold():
            builder.add(unit, SKOS.altLabel, text(title, "es"))
        kind = clean_spaces(row.get("type", "")).casefold()
        if kind:
            if kind not in {"transversal", "específica", "especifica"}:
                raise InputError(
                    f"type {row['type']!r} is not Transversal/Específica",
                    file=path,
                    line=line,
                    column="type",
                )
            builder.add(unit, EQ.transversal, boolean(kind == "transversal"))
        version = clean_spaces(row.get("version", ""))
        if version:
            builder.add(unit, EQ.version, Literal(version))
        ciiu = _digits(row.get("ciiu", ""))
        if ciiu:
            builder.add(unit, EQ.isicCode, Literal(ciiu))
        ciuo = _digits(row.get("ciuo", ""))
        if ciuo:
            builder.add(unit, EQ.occupation, vocab.occupation_concept_iri("CIUO-08.CL", ciuo))
        url = source_url(row.get("source_url", ""), path, line)
        if url is not None:
            builder.add(unit, DCTERMS.source, url)
        if profile_code:
            builder.add(vocab.standard_iri(COUNTRY, profile_code), EQ.hasUnit, unit)
    source.quads = builder.quads
    return source, labels


def read_chile(data_dir: Path) -> Iterator[LoadedSource]:
    """ChileValora profiles and UCL, one `LoadedSource` per file."""
    ucl = data_dir / UCL
    ucl_source, ucl_titles = _read_ucl(ucl) if ucl.is_file() else (None, {})
    yield _read_profiles(data_dir / PROFILES, ucl_titles)
    if ucl_source is not None:
        yield ucl_source
