"""Read any table an office has, row by row, the format told by content.

Formats: CSV and TSV text (any delimiter of ``,``, tab, ``;``, ``|``), XLSX (openpyxl,
read-only), XLS (python-calamine), HTML tables (the "Excel" files web systems export:
HTML saved as ``.xls``), JSON (an array of objects, one object holding such an array,
or one object) and JSON Lines. The extension is never trusted: the bytes decide, and
an unreadable file's error names what it really is.

Rows are yielded one at a time (:class:`Sheet`), so memory does not grow with the
file; the limits of :class:`~loaders.office.limits.Limits` bound rows, cells, cell length,
merged ranges and the expansion of compressed files. Every cell passes
:func:`clean_value` once, here: control characters are removed and the usual marks of
a missing value (``NaN``, ``null``, ``None``, ``#N/A``, blank) become None.

Text encoding (CSV, TSV, HTML, JSON): a BOM decides; else the charset an HTML
``<meta>`` or an XML declaration names, when the bytes fit it; else strict UTF-8;
else strict GB18030 (a superset of GBK and GB2312). A file that is UTF-8 up to one bad
byte is refused with the byte's line instead of being read as GB18030 mojibake.
"""

from __future__ import annotations

import codecs
import csv
import math
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO

from graph.errors import LoadError
from graph.files import os_reason
from loaders.office.encodings import decode as decode
from loaders.office.encodings import detect_encoding
from loaders.office.limits import Limits
from loaders.office.values import Value

#: (first row, first column, last row, last column), 0-based and inclusive.
Range = tuple[int, int, int, int]
#: Rows as readers give them: (row number as the user sees it, cells).
Rows = Iterator[tuple[int, list[Value]]]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DELIMITERS = ",\t;|"
_HEAD = 1 << 18  # bytes read to tell the format and a declared charset
_CHUNK = 1 << 20
#: Control and invisible formatting characters removed from every text cell: C0 but
#: tab and newline, DEL, C1, zero-width and bidirectional marks, BOM, lone surrogates.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069"
    "\ufeff\ud800-\udfff]"
)
#: Cell texts that mean "no value" (compared stripped, case-folded).
MISSING = frozenset({"nan", "nat", "null", "none", "#n/a", "n/a"})


def clean_value(value: Value) -> Value:
    """A cell as loaders see it: control characters removed, missing marks as None.

    Examples
    --------
    >>> clean_value("软\\x00件"), clean_value(" NaN "), clean_value(float("nan")), clean_value(3)
    ('软件', None, None, 3)
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if not isinstance(value, str):
        return value
    if _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    text = value.strip()
    if not text or (len(text) <= 4 and text.lower() in MISSING):
        return None
    return value


@dataclass
class CellIssue:
    """A problem a reader met in one row: the loader reports it with the column's name.

    ``column`` is the 0-based cell index, or None for the whole row.
    """

    row: int
    column: int | None
    code: str
    message: str


@dataclass
class Sheet:
    """One table, read row by row.

    Attributes
    ----------
    name : str
        Sheet name ("" for a text or JSON file; ``table1`` … for HTML tables).
    rows : iterator of (int, list of Value)
        Row number as the user sees it (spreadsheet row, 1-based; text record; JSON
        item, 1-based, with 0 for the header made of the keys) and the cells, cleaned
        (:func:`clean_value`); blank rows included. Read once.
    merged : list of Range
        Merged cell ranges (workbooks, and HTML ``rowspan``/``colspan``). Every range
        starting at a row is in the list when that row is yielded.
    issues : list of CellIssue
        Problems met so far (an over-long cell, a line that is not JSON); the reader
        appends those of a row before yielding it.
    """

    name: str
    rows: Rows
    merged: list[Range] = field(default_factory=list)
    issues: list[CellIssue] = field(default_factory=list)


class Workbook:
    """A file opened for reading: its real format, text encoding, and sheets.

    Use as a context manager; ``sheets`` yields the sheets in order, and the rows of a
    sheet must be read (or abandoned) before the next sheet is taken.
    """

    def __init__(
        self,
        path: Path,
        format: str,
        encoding: str | None,
        sheets: Iterator[Sheet],
        close: Callable[[], None] | None = None,
    ) -> None:
        self.path, self.format, self.encoding, self.sheets = path, format, encoding, sheets
        self._close = close

    def close(self) -> None:
        """Release the open file (idempotent)."""
        if self._close is not None:
            self._close()
            self._close = None

    def __enter__(self) -> Workbook:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class Budget:
    """Rows and cells read so far from one file, against the file's limits."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.name, self.limits, self.rows, self.cells = name, limits, 0, 0

    def guard(self, rows: Rows, issues: list[CellIssue]) -> Rows:
        """Count, clean and check every row of ``rows`` (see :func:`clean_value`).

        Raises
        ------
        LimitError
            Past the file's row or cell limit (rows before are yielded).
        """
        limits = self.limits
        for number, cells in rows:
            self.rows += 1
            self.cells += len(cells)
            if self.rows > limits.rows:
                raise limits.exceeded(self.name, "rows", f"读到第 {number:,} 行", "其后的行未读")
            if self.cells > limits.cells:
                found = f"读到第 {number:,} 行时已有 {self.cells:,} 个单元格"
                raise limits.exceeded(self.name, "cells", found, "其后的行未读")
            out = [clean_value(v) for v in cells]
            for i, value in enumerate(out):
                if isinstance(value, str) and len(value) > limits.cell_chars:
                    message = (
                        f"单元格有 {len(value):,} 个字符，超过上限 {limits.cell_chars:,}，"
                        "按空值处理（可用 --limit cell_chars=… 放宽）"
                    )
                    issues.append(CellIssue(number, i, "cell_too_long", message))
                    out[i] = None
            yield number, out


def sniff(data: bytes, path: Path | None = None) -> str:
    """Tell a file's format from its first bytes (and, for a ZIP, its member names).

    Returns
    -------
    str
        One of ``xlsx``, ``xls``, ``html``, ``json``, ``jsonl``, ``text`` (CSV/TSV), or
        the name of a format no loader reads (``pdf``, ``zip``, ``ods``, ``docx``,
        ``xml-spreadsheet``).

    Examples
    --------
    >>> sniff(b"<html><table><tr><td>1</td></tr></table>"), sniff(b'{"a": 1}\\n{"a": 2}')
    ('html', 'jsonl')
    """
    if data.startswith(b"PK\x03\x04"):
        import io

        try:
            with zipfile.ZipFile(path if path is not None else io.BytesIO(data)) as z:
                names = z.namelist()
                mimetype = z.read("mimetype")[:100] if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError, KeyError):
            return "zip"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if b"opendocument.spreadsheet" in mimetype:
            return "ods"
        return "docx" if "word/document.xml" in names else "zip"
    if data.startswith(_OLE2):
        return "xls"
    if data.startswith(b"%PDF"):
        return "pdf"
    head = data[:4096].lstrip(codecs.BOM_UTF8).lstrip().lower()
    if b"urn:schemas-microsoft-com:office:spreadsheet" in data[:4096].lower():
        return "xml-spreadsheet"
    if head.startswith(b"<") and b"<table" in data.lower():
        return "html"
    if head.startswith(b"["):
        return "json"
    if head.startswith(b"{"):  # one object per line (JSON Lines), or one JSON value
        import json

        lines = [ln for ln in data.lstrip(codecs.BOM_UTF8).splitlines()[:4] if ln.strip()]
        try:
            json.loads(lines[0])
        except ValueError:
            return "json"
        return "jsonl" if len(lines) > 1 else "json"
    return "text"


def read_workbook(path: Path, limits: Limits | None = None) -> Workbook:
    """Open ``path`` for reading, whatever its extension says.

    Parameters
    ----------
    path : Path
    limits : Limits, optional
        Default :meth:`Limits.load` (environment variables, else the defaults).

    Returns
    -------
    Workbook
        To be closed (``with read_workbook(path) as book: …``).

    Raises
    ------
    LoadError
        When the file is missing, empty, of a format no loader reads (the message names
        the real format), damaged, or its text cannot be decoded (see :func:`decode`).
    LimitError
        When an XLSX expands past the limits (before anything is read). Reading rows
        may raise it too (rows, cells, merged ranges).
    """
    limits = limits or Limits.load()
    try:
        with path.open("rb") as fh:
            head = fh.read(_HEAD)
    except OSError as exc:
        raise LoadError(f"{path}：无法读取（{os_reason(exc)}）") from exc
    if not head.strip():
        raise LoadError(f"{path.name}：文件是空的")
    fmt = sniff(head, path)
    budget = Budget(path.name, limits)
    if fmt in ("xlsx", "xls"):
        from loaders.office.read_books import open_xls, open_xlsx

        return (open_xlsx if fmt == "xlsx" else open_xls)(path, budget)
    if fmt not in ("html", "json", "jsonl", "text"):
        raise LoadError(
            f"{path.name}：这是 {fmt.upper()} 文件，不是 zhaoshang 能读取的表格；"
            "请另存为 XLSX 或 CSV"
        )
    encoding, recorded = detect_encoding(path, head)
    opened: list[IO[str]] = []

    def text() -> IO[str]:
        stream = path.open(encoding=encoding, newline="")
        opened.append(stream)
        return stream

    def close() -> None:
        for stream in opened:
            stream.close()

    if fmt == "html":
        from loaders.office.read_html import html_sheets

        return Workbook(path, fmt, recorded, html_sheets(text(), budget), close)
    if fmt in ("json", "jsonl"):
        from loaders.office.read_json import json_sheet

        sheet = json_sheet(text, fmt, budget)
        return Workbook(path, fmt, recorded, iter([sheet]), close)
    first = next((ln for ln in text() if ln.strip()), "")
    delimiter = _delimiter(first)
    fmt = "tsv" if delimiter == "\t" else "csv"
    sheet = Sheet("", iter(()))
    sheet.rows = budget.guard(csv_rows(text(), delimiter, sheet.issues, limits), sheet.issues)
    return Workbook(path, fmt, recorded, iter([sheet]), close)


def csv_rows(stream: IO[str], delimiter: str, issues: list[CellIssue], limits: Limits) -> Rows:
    """Yield ``(record number, cells)`` of delimited text; a record the csv module cannot
    parse (a field past 16 Mi characters: an unclosed quote) is an issue, and reading
    goes on with the next line."""
    csv.field_size_limit(max(limits.cell_chars + 1, 1 << 24))
    reader = csv.reader(stream, delimiter=delimiter)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            message = (
                f"第 {reader.line_num} 行无法按 CSV 读取（{exc}；"
                "可能是缺少配对的引号或单元格过长），该行跳过"
            )
            issues.append(CellIssue(number, None, "bad_record", message))
            continue
        number += 1
        yield number, list(cells)


def _delimiter(first: str) -> str:
    """The delimiter of a text table: the candidate most frequent in its first line."""
    counts = {d: first.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","
