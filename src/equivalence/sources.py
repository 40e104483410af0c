"""Recognises what a path given to `load` is, and how to read it.

A path can be: the shared data folder (ESCO, the national registers, crosswalks), a folder of the
submission template (standards.csv, units.csv, criteria.csv), an XLSX workbook of the template,
an RDF file, or any folder holding such things (e.g. the bundled `sample/`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from equivalence.errors import InputError
from equivalence.io.base import LoadedSource

__all__ = ["RDF_SUFFIXES", "SourceReader", "discover"]

RDF_SUFFIXES = frozenset({".ttl", ".nt", ".nq", ".trig", ".jsonld", ".json-ld", ".rdf", ".owl"})
_TEMPLATE_FILES = ("standards.csv", "units.csv", "criteria.csv")


@dataclass(frozen=True, slots=True)
class SourceReader:
    """One thing to load: a label and a function that parses it into one or more sources."""

    label: str
    path: Path
    read: Callable[[], Iterator[LoadedSource]]


def _shared_data_readers(folder: Path) -> list[SourceReader]:
    from equivalence.io import chile, classifications, conocer, esco, peru, sena

    parts: list[tuple[str, str, Callable[[Path], Iterator[LoadedSource]]]] = [
        ("esco", "ESCO occupations, skills and ISCO-08 groups", esco.read_esco),
        (
            "crosswalks",
            "occupation classifications and crosswalks",
            classifications.read_classifications,
        ),
        ("mx", "Mexico: CONOCER register and standards", conocer.read_conocer),
        ("co", "Colombia: SENA norms", sena.read_sena),
        ("cl", "Chile: ChileValora profiles and units", chile.read_chile),
        ("pe", "Peru: MTPE and SINEACE profiles", peru.read_peru),
    ]
    return [
        SourceReader(label, folder / sub, partial(read, folder))
        for sub, label, read in parts
        if (folder / sub).is_dir()
    ]


def _is_shared_data(folder: Path) -> bool:
    return (folder / "esco").is_dir() or (folder / "mx" / "conocer_register.json").is_file()


def _template_reader(path: Path) -> SourceReader:
    def read() -> Iterator[LoadedSource]:
        from equivalence.io.template import read_template

        yield read_template(path)

    return SourceReader(f"template {path.name}", path, read)


def _rdf_reader(path: Path) -> SourceReader:
    def read() -> Iterator[LoadedSource]:
        from equivalence.io.rdf_files import read_rdf_file
        from equivalence.io.reference import describes_standards, read_reference_rdf

        yield read_rdf_file(path) if describes_standards(path) else read_reference_rdf(path)

    return SourceReader(f"RDF {path.name}", path, read)


def discover(path: Path) -> list[SourceReader]:
    """The readers for everything loadable at `path`, in a stable order."""
    if not path.exists():
        raise InputError("no such file or folder", file=path)
    if path.is_file():
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            return [_template_reader(path)]
        if suffix in RDF_SUFFIXES:
            return [_rdf_reader(path)]
        raise InputError(
            "unknown kind of file; expected a template folder, an .xlsx workbook or an RDF file "
            f"({', '.join(sorted(RDF_SUFFIXES))})",
            file=path,
        )
    if _is_shared_data(path):
        return _shared_data_readers(path)
    if any((path / name).is_file() for name in _TEMPLATE_FILES):
        return [_template_reader(path)]
    readers: list[SourceReader] = []
    for child in sorted(path.iterdir()):
        if child.name.startswith(".") or child.name.lower().startswith("readme"):
            continue
        if child.is_dir() or child.suffix.lower() in RDF_SUFFIXES | {".xlsx"}:
            readers.extend(discover(child))
    if not readers:
        raise InputError("nothing to load in this folder", file=path)
    return readers
