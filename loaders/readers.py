"""Read any table an office has, row by row, the format told by content.

Formats: CSV and TSV text (any delimiter of ``,``, tab, ``;``, ``|``), XLSX (openpyxl,
read-only), XLS (python-calamine), HTML tables (the "Excel" files web systems export:
HTML saved as ``.xls``), JSON (an array of objects, one object holding such an array,
or one object) and JSON Lines. The extension is never trusted: the bytes decide, and
an unreadable file's error names what it really is.

Rows are yielded one at a time (:class:`Sheet`), so memory does not grow with the
file; the limits of :class:`~loaders.limits.Limits` bound rows, cells, cell length,
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
from loaders.limits import Limits
from loaders.values import Value

#: (first row, first column, last row, last column), 0-based and inclusive.
Range = tuple[int, int, int, int]
#: Rows as readers give them: (row number as the user sees it, cells).
Rows = Iterator[tuple[int, list[Value]]]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DELIMITERS = ",\t;|"
_HEAD = 1 << 18  # bytes read to tell the format and a declared charset
_CHUNK = 1 << 20
#: Control and invisible formatting characters removed from every text cell: C0 but
#: tab and newline, DEL, C1, zero-width and bidirectional marks, BOM, lone surrogates.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069"
    "\ufeff\ud800-\udfff]"
)
_CJK = re.compile("[\u2e80-\U0010ffff]")
#: Cell texts that mean "no value" (compared stripped, case-folded).
MISSING = frozenset({"nan", "nat", "null", "none", "#n/a", "n/a"})
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
#: Declared charset labels → Python codec (WHATWG: labels name supersets in practice).
_LABELS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "cn-big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}


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
    if head.startswith(b"{"):
        lines = [ln for ln in data.lstrip(codecs.BOM_UTF8).splitlines()[:4] if ln.strip()]
        if len(lines) > 1 and all(ln.strip().startswith(b"{") for ln in lines[:3]):
            import json

            try:
                json.loads(lines[0])
                return "jsonl"
            except ValueError:
                return "json"
        return "json"
    return "text"


def declared_charset(head: bytes) -> str | None:
    """The Python codec of the charset an HTML ``<meta>`` or XML declaration names.

    Examples
    --------
    >>> declared_charset(b'<html><meta charset="big5"><table>')
    'big5hkscs'
    >>> declared_charset(b'<?xml version="1.0" encoding="GBK"?>'), declared_charset(b"a,b")
    ('gb18030', None)
    """
    match = _DECLARED.search(head)
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").lower()
    codec = _LABELS.get(label, label)
    try:
        "".encode(codec)  # refuses the codecs that are no text encoding (rot13, hex …)
        return codec if codec in _LABELS.values() else codecs.lookup(codec).name
    except LookupError:
        return None


def _bad_offset(path: Path, encoding: str) -> tuple[int, bool] | None:
    """Offset of the first byte ``path`` cannot be decoded at (and whether CJK text came
    before it), or None when the whole file decodes."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset, cjk = 0, False
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            pending = decoder.getstate()[0]
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                before = (pending + chunk)[: exc.start].decode(encoding, "ignore")
                cjk = cjk or _CJK.search(before) is not None
                return offset - len(pending) + exc.start, cjk
            cjk = cjk or _CJK.search(text) is not None
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset, cjk
    return None


def detect_encoding(path: Path, head: bytes) -> tuple[str, str]:
    """Choose the codec of a text file, reading it in chunks (see the module notes).

    Returns
    -------
    (str, str)
        The codec and how it is recorded (``utf-8``, ``gb18030``, ``big5hkscs
        (declared)`` …).

    Raises
    ------
    LoadError
        As :func:`decode`.
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            bad = _bad_offset(path, encoding)
            if bad is not None:
                raise _bad_bytes(path, encoding, bad[0])
            return encoding, encoding
    declared = declared_charset(head[:_HEAD])
    if declared is not None and _bad_offset(path, declared) is None:
        return declared, declared if declared in ("utf-8", "gb18030") else f"{declared} (declared)"
    bad = _bad_offset(path, "utf-8")
    if bad is None:
        return "utf-8", "utf-8"
    if bad[1]:  # CJK read fine as UTF-8 before the bad byte: never GB18030 mojibake
        raise _bad_bytes(path, "utf-8", bad[0])
    bad = _bad_offset(path, "gb18030")
    if bad is not None:
        raise _bad_bytes(path, "utf-8 or gb18030", bad[0])
    return "gb18030", "gb18030"


def decode(data: bytes, name: str = "") -> tuple[str, str]:
    """Decode text bytes: BOM, strict UTF-8, then strict GB18030 (in memory).

    Returns
    -------
    (str, str)
        The text and the encoding used (``utf-8-sig``, ``utf-16``, ``utf-8``,
        ``gb18030``).

    Raises
    ------
    LoadError
        When the bytes are UTF-8 up to a bad byte (never read as GB18030 mojibake), or
        neither UTF-8 nor GB18030; the message names the byte, its line and
        charset-normalizer's guess.

    Examples
    --------
    >>> decode("企业名称".encode("gbk"))
    ('企业名称', 'gb18030')
    """
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / (Path(name).name or "data")
        path.write_bytes(data)
        encoding, recorded = detect_encoding(path, data[:_HEAD])
    return data.decode(encoding), recorded


def _bad_bytes(path: Path, encoding: str, offset: int) -> LoadError:
    from charset_normalizer import from_bytes

    with path.open("rb") as fh:
        before = fh.read(offset)
        byte = fh.read(1)
        fh.seek(0)
        best = from_bytes(fh.read(65536)).best()
    guess = f"; it looks like {best.encoding}" if best is not None else ""
    line = before.count(b"\n") + 1
    code = f"0x{byte[0]:02x}" if byte else "end of file"
    return LoadError(
        f"{path.name}: not {encoding} text (byte {code} at offset {offset}, "
        f"line {line}){guess}; save it as UTF-8 or GBK"
    )


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
        raise LoadError(f"{path}: cannot read ({exc.strerror})") from exc
    if not head.strip():
        raise LoadError(f"{path.name}: the file is empty")
    fmt = sniff(head, path)
    budget = Budget(path.name, limits)
    if fmt in ("xlsx", "xls"):
        from loaders.read_books import open_xls, open_xlsx

        return (open_xlsx if fmt == "xlsx" else open_xls)(path, budget)
    if fmt not in ("html", "json", "jsonl", "text"):
        raise LoadError(
            f"{path.name}: the file is a {fmt.upper()} file, not a table zhaoshang reads; "
            "save it as XLSX or CSV"
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
        from loaders.read_html import html_sheets

        return Workbook(path, fmt, recorded, html_sheets(text(), budget), close)
    if fmt in ("json", "jsonl"):
        from loaders.read_json import json_sheet

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
