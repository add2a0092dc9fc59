"""Rows of the CSV folder layout, with the row numbers a spreadsheet shows; the row error.

UTF-8 CSV (a BOM is allowed), read row by row within the size limits of
:mod:`loaders.office.limits`, every cell cleaned by :func:`loaders.office.readers.clean_value`.
:class:`RowError` is raised by every office-table row handler for a row that cannot be
used. Other formats are read by :mod:`loaders.office.readers`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from graph.errors import LoadError
from graph.files import os_reason
from loaders.office.encodings import bad_offset
from loaders.office.limits import Limits
from loaders.office.readers import Budget, CellIssue, csv_rows
from loaders.office.values import Value
from loaders.report import Issue, LoadReport, Severity
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
    path: Path,
    required: Sequence[str],
    optional: Sequence[str],
    report: LoadReport,
    limits: Limits | None = None,
) -> Iterator[tuple[int, Row]]:
    """Check a CSV table's header now, then yield ``(row number, cells)`` per data row.

    Parameters
    ----------
    path : Path
        The file; issues name it by ``path.name``.
    required, optional : sequence of str
        Column names. Unknown columns (other than ``note``) draw one warning each and
        are left out of the cells.
    report : LoadReport
        Receives the warnings and issues, and counts ``rows_read``.
    limits : Limits, optional
        Size limits (default :meth:`Limits.load`).

    Returns
    -------
    iterator of (int, dict of str to str)
        The row number as a spreadsheet shows it (header = 1, first data row = 2,
        blank lines counted but not yielded) and the stripped cells by column, cleaned
        as :func:`loaders.office.readers.clean_value` does (missing marks read as "");
        missing trailing cells read as "". Rows with non-empty cells beyond the last
        column are reported (code ``extra_cells``) and not yielded. The file is read
        row by row as the iterator is consumed.

    Raises
    ------
    LoadError
        When the file is not UTF-8, has no header, repeats a column or lacks a
        required one. Raised by this call, before any row is read.
    LimitError
        While rows are read, past the row or cell limit.
    """
    limits = limits or Limits.load()
    try:
        bad = bad_offset(path, "utf-8-sig")
    except OSError as exc:
        raise LoadError(f"{path}：无法读取（{os_reason(exc)}）") from exc
    if bad is not None:
        raise LoadError(f"{path}：不是 UTF-8 文本（第 {bad[0]} 字节无效）")
    stream = path.open(encoding="utf-8-sig", newline="")
    budget = Budget(path.name, limits)
    issues: list[CellIssue] = []
    rows = budget.guard(csv_rows(stream, ",", issues, limits), issues)
    first = next(rows, None)
    header = [clean_text(str(h or "")) for h in (first[1] if first else [])]
    if not any(header):
        stream.close()
        raise LoadError(f"{path}：没有表头行")
    missing = [c for c in required if c not in header]
    repeated = sorted({c for c in header if header.count(c) > 1})
    if missing or repeated:
        stream.close()
        what = f"缺少列 {missing}" if missing else f"列重复 {repeated}"
        raise LoadError(f"{path}：{what}；应有的列：{[*required, *optional]}")
    wanted = {*required, *optional}
    for col in header:
        if col not in wanted and col not in FREE_COLUMNS:
            report.add(Issue(path.name, 1, col, "unknown_column", "未识别的列，已忽略", "warning"))
    return _rows(path, header, wanted, rows, issues, report, stream)


def _rows(
    path: Path,
    header: list[str],
    wanted: set[str],
    rows: Iterator[tuple[int, list[Value]]],
    issues: list[CellIssue],
    report: LoadReport,
    stream: IO[str],
) -> Iterator[tuple[int, Row]]:
    with stream:
        for number, values in rows:
            for i in issues:
                column = header[i.column] if i.column is not None and i.column < len(header) else ""
                level: Severity = "warning" if i.code == "cell_too_long" else "error"
                report.add(Issue(path.name, i.row, column, i.code, i.message, level))
            issues.clear()
            cells = ["" if v is None else str(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            report.rows_read += 1
            if any(c.strip() for c in cells[len(header) :]):
                extra = ", ".join(repr(c) for c in cells[len(header) :])
                message = f"单元格比列多（多 {extra} 个）：可能有未加引号的逗号？已跳过该行"
                report.add(Issue(path.name, number, "", "extra_cells", message))
                continue
            yield number, {h: c.strip() for h, c in zip(header, cells, strict=False) if h in wanted}
