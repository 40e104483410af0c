"""What every importer returns: the quads of one source, ready to be written atomically."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode, Quad

from equivalence.errors import InputError
from equivalence.vocab import slug

__all__ = [
    "LoadedSource",
    "clean_spaces",
    "codeless_key",
    "read_csv_rows",
    "read_text",
    "source_url",
]


@dataclass(slots=True)
class LoadedSource:
    """The parsed content of one source (a file or a template folder).

    `quads` may span several named graphs (the template puts each country in its own);
    `counts` says what was read, for the CLI's report (e.g. ``{"standards": 1477}``).
    """

    name: str
    path: Path
    quads: list[Quad] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # when read without provenance quads: {resource IRI: (file, row)} of the row it was read from
    rows: dict[str, tuple[str, int]] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


_WHITESPACE = re.compile(r"\s+")


def clean_spaces(value: str) -> str:
    """A cell with any run of whitespace (NBSP and line breaks included) folded to one space."""
    return _WHITESPACE.sub(" ", value).strip()


def codeless_key(title: str) -> str:
    """The identity of a standard with no public code: what `vocab.standard_iri` gets instead."""
    return f"titulo-{slug(title)}"


def source_url(value: str, path: Path, line: int) -> NamedNode | None:
    """The `source_url` cell as an IRI (None when empty); an invalid one is an InputError."""
    value = value.strip()
    if not value:
        return None
    try:
        return NamedNode(value)
    except ValueError:
        raise InputError(
            f"source_url {value!r} is not a valid IRI", file=path, line=line, column="source_url"
        ) from None


def read_text(path: Path) -> str:
    """Reads a UTF-8 file (a BOM is allowed); any other encoding is a clear error."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8",
            file=path,
            line=line,
            code="encoding",
        ) from None


def read_csv_rows(
    path: Path, required: tuple[str, ...] = ()
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yields `(line, row)` for each data row of a UTF-8 CSV file with a header.

    `line` is the physical line where the row starts (the header is line 1), so an error can
    point at it even when quoted cells span several lines. Missing `required` columns raise.
    """
    text = read_text(path)
    # newline="" lets the csv module split records itself: str.splitlines would also break a
    # record at U+2028, U+0085 or a form feed inside an unquoted cell.
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(header) or 'no header'}",
            file=path,
            line=1,
            code="missing-column",
        )
    start = reader.line_num + 1
    try:
        for row in reader:
            if None in row:
                raise InputError(
                    f"row has {len(header) + len(row[None])} cells but the header has {len(header)}",
                    file=path,
                    line=start,
                    code="row-length",
                )
            yield start, {k: (v or "") for k, v in row.items()}
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", file=path, line=reader.line_num) from None
