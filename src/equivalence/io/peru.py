"""Peru: MTPE perfiles ocupacionales and SINEACE normas de competencia (``pe/peru_profiles.csv``).

No Peruvian profile code is public, so every profile gets a stable code-less identity, the same
rule as Chile's code-less profiles: the IRI of the standard "code" ``titulo-{slug of the title}``
(e.g. ``…/PE/standard/titulo-productor-de-paltos``), no ``dcterms:identifier``, the
``skos:editorialNote`` `CODELESS_NOTE`, and no ``eq:status`` (the pages do not say whether a
profile is in force).

The title column carries the data folder's annotation in a final parenthesis, e.g. ``Productor
de paltos (SINEACE norma de competencia)``: it is not part of the title (it becomes
``skos:editorialNote``, English) but says the body. A row naming SINEACE (or IPEBA, its former
evaluation institute) is a SINEACE norma, certified by SINEACE; every other row is an MTPE
perfil (the rows without a body are the Impulsa Perú certifications of the MTPE). Subsectors are
``eq:Sector`` too, ``skos:broader`` their sector; the profile's ``eq:sector`` is both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from equivalence import vocab
from equivalence.errors import InputError
from equivalence.io.base import LoadedSource, clean_spaces, codeless_key, read_csv_rows, source_url
from equivalence.rdf import QuadBuilder, text
from equivalence.vocab import DCTERMS, EQ, RDF, SKOS

__all__ = ["CODELESS_NOTE", "body_of", "codeless_key", "read_peru", "split_title"]

COUNTRY = "PE"
DATASET = "peru"
PROFILES = "pe/peru_profiles.csv"

CODELESS_NOTE = "No public code: the identity of this profile is derived from its title."

_LAST_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")
_ANNOTATION = re.compile(r"SINEACE|IPEBA|MTPE|Impulsa|title not seen|norma", re.IGNORECASE)
_LEVEL = re.compile(r"^N(\d)\b")


def split_title(value: str) -> tuple[str, str | None]:
    """The title without the data folder's final "(… SINEACE …)" note, and the note."""
    value = clean_spaces(value)
    match = _LAST_PAREN.search(value)
    if match and _ANNOTATION.search(match.group(1)):
        return value[: match.start()].strip(), match.group(1).strip()
    return value, None


def body_of(title: str, note: str | None) -> str:
    """SINEACE for its normas de competencia (also under its former name IPEBA), else MTPE."""
    return "SINEACE" if re.search(r"SINEACE|IPEBA", f"{title} {note or ''}") else "MTPE"


def read_peru(data_dir: Path) -> Iterator[LoadedSource]:
    """Peruvian profiles, one `LoadedSource` for the file."""
    path = data_dir / PROFILES
    source = LoadedSource("Peru profiles (MTPE, SINEACE)", path)
    builder = QuadBuilder(vocab.country_graph(COUNTRY), DATASET, PROFILES)
    seen: dict[str, str] = {}
    sectors: set[str] = set()

    def sector(iri: NamedNode, label: str, line: int) -> None:
        if iri.value not in sectors:
            sectors.add(iri.value)
            builder.add(iri, RDF.type, EQ.Sector)
            builder.add(iri, SKOS.prefLabel, text(label, "es"))
            builder.derived(iri, line)

    for line, row in read_csv_rows(path, required=("title",)):
        title, note = split_title(row["title"])
        if not title:
            raise InputError("empty title", file=path, line=line, column="title")
        code = clean_spaces(row.get("code", ""))
        std = vocab.standard_iri(COUNTRY, code or codeless_key(title))
        body = body_of(title, note)
        builder.standard(std, COUNTRY, body)
        builder.derived(std, line)
        if std.value not in seen:
            seen[std.value] = title
            builder.add(std, SKOS.prefLabel, text(title, "es"))
            source.count("profiles")
            source.count(f"profiles {body}")
        elif seen[std.value].casefold() != title.casefold():
            builder.add(std, SKOS.altLabel, text(title, "es"))
        if code:
            builder.add(std, DCTERMS.identifier, Literal(code))
        else:
            builder.add(std, SKOS.editorialNote, text(CODELESS_NOTE, "en"))
        if note:
            builder.add(std, SKOS.editorialNote, text(note, "en"))
        url = source_url(row.get("source_url", ""), path, line)
        if url is not None:
            builder.add(std, DCTERMS.source, url)
        sector_name = clean_spaces(row.get("sector", ""))
        subsector_name = clean_spaces(row.get("subsector", ""))
        if sector_name:
            sector_iri = vocab.sector_iri(COUNTRY, sector_name)
            sector(sector_iri, sector_name, line)
            builder.add(std, EQ.sector, sector_iri)
            if subsector_name:
                sub_iri = vocab.sector_iri(COUNTRY, f"{sector_name} {subsector_name}")
                sector(sub_iri, subsector_name, line)
                builder.add(sub_iri, SKOS.broader, sector_iri)
                builder.add(std, EQ.sector, sub_iri)
        level = clean_spaces(row.get("level", ""))
        if level:
            match = _LEVEL.match(level)
            if not match:
                raise InputError(f"level {level!r} is not Nn", file=path, line=line, column="level")
            builder.add(std, EQ.level, vocab.level_iri(COUNTRY, int(match.group(1))))
        if clean_spaces(row.get("units", "")):
            raise InputError(
                "units of Peruvian profiles are not read yet", file=path, line=line, column="units"
            )
    source.count("sectors", len(sectors))
    source.quads = builder.quads
    yield source
