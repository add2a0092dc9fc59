"""Rows of the CSV folder layout, with the row numbers a spreadsheet shows; the row error.

:func:`read_table` reads one UTF-8 CSV file of :mod:`loaders.office.csv_folder` (a BOM
is allowed) as a ``(row number, cells)`` stream with header checks; other formats are
read by :mod:`loaders.office.readers`. :class:`RowError` is raised by every office-table
row handler for a row that cannot be used.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

from graph.errors import LoadError
from loaders.report import Issue, LoadReport
from resolve.normalise import clean_text

Row = dict[str, str]

#: Columns any table may carry for its human readers; never loaded.
FREE_COLUMNS = ("note",)


class RowError(Exception):
    """A row cannot be used; carries the column, a reason code and a message.

    Loaders raise it while handling one row and turn it into an error
    :class:`~loaders.report.Issue`, then go on with the next row.
    """

    def __init__(self, column: str, code: str, message: str) -> None:
        super().__init__(message)
        self.column, self.code, self.message = column, code, message


def read_table(
    path: Path, required: Sequence[str], optional: Sequence[str], report: LoadReport
) -> Iterator[tuple[int, Row]]:
    """Check a CSV table's header, then yield ``(row number, cells)`` per data row.

    Parameters
    ----------
    path : Path
        The file; issues name it by ``path.name``.
    required, optional : sequence of str
        Column names. Unknown columns (other than ``note``) draw one warning each and
        are left out of the cells.
    report : LoadReport
        Receives the warnings and issues, and counts ``rows_read``.

    Yields
    ------
    (int, dict of str to str)
        The row number as a spreadsheet shows it (header = 1, first data row = 2,
        blank lines counted but not yielded) and the stripped cells by column;
        missing trailing cells read as "". Rows with non-empty cells beyond the
        last column are reported (code ``extra_cells``) and not yielded.

    Raises
    ------
    LoadError
        When the file is not UTF-8, has no header, repeats a column or lacks a
        required one. Raised before the first row is yielded.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    rows = csv.reader(text.splitlines(keepends=True))
    header = [clean_text(h) for h in next(rows, [])]
    if not any(header):
        raise LoadError(f"{path}: no header row")
    missing = [c for c in required if c not in header]
    repeated = sorted({c for c in header if header.count(c) > 1})
    if missing or repeated:
        what = f"missing column(s) {missing}" if missing else f"repeated column(s) {repeated}"
        raise LoadError(f"{path}: {what}; expected {[*required, *optional]}")
    wanted = {*required, *optional}
    for col in header:
        if col not in wanted and col not in FREE_COLUMNS:
            report.add(Issue(path.name, 1, col, "unknown_column", "column ignored", "warning"))
    for number, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        report.rows_read += 1
        if any(c.strip() for c in cells[len(header) :]):
            extra = ", ".join(repr(c) for c in cells[len(header) :])
            message = f"more cells than columns ({extra}): an unquoted comma? row skipped"
            report.add(Issue(path.name, number, "", "extra_cells", message))
            continue
        yield number, {h: c.strip() for h, c in zip(header, cells, strict=False) if h in wanted}
