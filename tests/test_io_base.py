"""The CSV reading every importer shares: line numbers, encodings, malformed rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from equivalence.errors import InputError
from equivalence.io.base import clean_spaces, read_csv_rows, source_url


def _write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "t.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def test_lines_are_where_each_row_starts_even_after_multiline_cells(tmp_path: Path) -> None:
    path = _write(tmp_path, 'code,title\r\nA,"uno\r\ndos"\r\nB,tres\r\n')
    rows = list(read_csv_rows(path, ("code", "title")))
    assert rows == [(2, {"code": "A", "title": "uno\r\ndos"}), (4, {"code": "B", "title": "tres"})]


def test_unicode_line_separators_inside_a_cell_do_not_split_the_row(tmp_path: Path) -> None:
    path = _write(tmp_path, "code,title\nA,uno\u2028dos\x85tres\x0ccuatro\nB,cinco\n")
    rows = list(read_csv_rows(path))
    assert [line for line, _ in rows] == [2, 3]
    assert rows[0][1]["title"] == "uno\u2028dos\x85tres\x0ccuatro"


def test_a_bom_is_allowed_and_other_encodings_are_refused_with_their_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "\ufeffcode\nA\n".encode())
    assert list(read_csv_rows(path, ("code",))) == [(2, {"code": "A"})]
    latin = _write(tmp_path, "code\nA\nEspa\xf1a\n".encode("latin-1"))
    with pytest.raises(InputError, match="not valid UTF-8") as info:
        list(read_csv_rows(latin))
    assert (info.value.line, info.value.code) == (3, "encoding")


def test_missing_columns_and_long_rows_are_located(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing column") as info:
        list(read_csv_rows(_write(tmp_path, "code\nA\n"), ("code", "title")))
    assert info.value.line == 1
    with pytest.raises(InputError, match="3 cells but the header has 2") as info:
        list(read_csv_rows(_write(tmp_path, "code,title\nA,x\nB,y,z\n")))
    assert str(info.value).endswith("line 3: row has 3 cells but the header has 2")


def test_cell_helpers() -> None:
    assert clean_spaces("  a\u00a0 b\n c ") == "a b c"
    assert source_url("", Path("f.csv"), 2) is None
    with pytest.raises(InputError, match="not a valid IRI") as info:
        source_url("http://exa mple.org", Path("f.csv"), 7)
    assert (info.value.line, info.value.column) == (7, "source_url")
