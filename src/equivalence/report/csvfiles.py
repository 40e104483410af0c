"""One CSV file per table of the report, next to the HTML.

UTF-8 with a byte-order mark (so that spreadsheet programs read the accents right), comma
separated, a header of stable English keys whatever the report's language, raw values: "" for
none, shares and coverages as decimals between 0 and 1 with at most four digits.
"""

from __future__ import annotations

import csv
from pathlib import Path

from equivalence.report.cells import csv_value
from equivalence.report.document import Report, Table

__all__ = ["write_csv", "write_tables"]


def write_csv(table: Table, folder: Path) -> Path:
    path = folder / table.filename
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([column.key for column in table.columns])
        writer.writerows([csv_value(value) for value in row] for row in table.rows)
    return path


def write_tables(report: Report, folder: Path) -> list[Path]:
    """Writes every table of the report (each file once, in the order of the report)."""
    written: dict[str, Path] = {}
    for table in report.tables():
        if table.filename not in written:
            written[table.filename] = write_csv(table, folder)
    return list(written.values())
