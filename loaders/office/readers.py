"""Read any table an office has into sheets of cells, the format told by content.

Formats: CSV and TSV text (any delimiter of ``,``, tab, ``;``, ``|``), XLSX (openpyxl,
with merged ranges), XLS (python-calamine, with merged ranges), HTML tables (the
"Excel" files that web systems export: HTML saved as ``.xls``), JSON (an array of
objects, or one object holding such an array) and JSON Lines. The extension is never
trusted: the bytes decide, and an unreadable file's error names what it really is.

Text encoding (CSV, TSV, HTML, JSON): a BOM decides; else strict UTF-8; else strict
GB18030 (a superset of GBK and GB2312). A file that is UTF-8 up to one bad byte is
refused with the byte's line instead of being read as GB18030 mojibake; a file that is
neither is refused, naming the best guess of charset-normalizer. The encoding used is
recorded on the :class:`Workbook`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from graph.errors import LoadError
from loaders.office.values import Value

#: (first row, first column, last row, last column), 0-based and inclusive.
Range = tuple[int, int, int, int]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DELIMITERS = ",\t;|"


@dataclass
class Sheet:
    """One table: its rows of cells and the spreadsheet row number of each row.

    Attributes
    ----------
    name : str
        Sheet name ("" for a text or JSON file).
    rows : list of list of Value
        Cells as stored (text, numbers, dates); blank rows included.
    numbers : list of int
        Row number of each row as the user sees it: spreadsheet row (1-based), text
        line, or JSON item (1-based; 0 for the header made from the keys).
    merged : list of Range
        Merged cell ranges (workbooks, and HTML ``rowspan``/``colspan``).
    """

    name: str
    rows: list[list[Value]]
    numbers: list[int]
    merged: list[Range] = field(default_factory=list)


@dataclass
class Workbook:
    """A file read: its real format, the text encoding used, its sheets."""

    path: Path
    format: str
    encoding: str | None
    sheets: list[Sheet]


def sniff(data: bytes) -> str:
    """Tell a file's format from its first bytes.

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
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return "zip"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "mimetype" in names and b"opendocument.spreadsheet" in data[:200]:
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
        lines = [ln for ln in data.lstrip(codecs.BOM_UTF8).splitlines() if ln.strip()]
        if len(lines) > 1 and all(ln.strip().startswith(b"{") for ln in lines[:3]):
            try:
                json.loads(lines[0])
                return "jsonl"
            except ValueError:
                return "json"
        return "json"
    return "text"


def decode(data: bytes, name: str = "") -> tuple[str, str]:
    """Decode text bytes: BOM, strict UTF-8, then strict GB18030.

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
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise _bad_bytes(data, name, encoding, exc) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    prefix = data[: utf8_error.start].decode("utf-8")
    if any(ord(ch) > 0x2E7F for ch in prefix):  # CJK read fine as UTF-8 before the bad byte
        raise _bad_bytes(data, name, "utf-8", utf8_error)
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise _bad_bytes(data, name, "utf-8 or gb18030", exc) from exc


def _bad_bytes(data: bytes, name: str, encoding: str, exc: UnicodeDecodeError) -> LoadError:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    guess = f"; it looks like {best.encoding}" if best is not None else ""
    line = data[: exc.start].count(b"\n") + 1
    return LoadError(
        f"{name}: not {encoding} text (byte 0x{data[exc.start]:02x} at offset {exc.start}, "
        f"line {line}){guess}; save it as UTF-8 or GBK"
    )


def read_workbook(path: Path) -> Workbook:
    """Read ``path`` into sheets, whatever its extension says.

    Raises
    ------
    LoadError
        When the file is missing, empty, of a format no loader reads (the message names
        the real format), damaged, or its text cannot be decoded (see :func:`decode`).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{path}: cannot read ({exc.strerror})") from exc
    if not data.strip():
        raise LoadError(f"{path.name}: the file is empty")
    fmt = sniff(data)
    if fmt == "xlsx":
        return Workbook(path, fmt, None, _read_xlsx(path, data))
    if fmt == "xls":
        return Workbook(path, fmt, None, _read_xls(path, data))
    if fmt not in ("html", "json", "jsonl", "text"):
        raise LoadError(
            f"{path.name}: the file is a {fmt.upper()} file, not a table zhaoshang reads; "
            "save it as XLSX or CSV"
        )
    text, encoding = decode(data, path.name)
    text = text.lstrip("\ufeff")
    if fmt == "html":
        return Workbook(path, fmt, encoding, _read_html(text, path.name))
    if fmt in ("json", "jsonl"):
        return Workbook(path, fmt, encoding, [_read_json(text, fmt, path.name)])
    delimiter = _delimiter(text)
    fmt = "tsv" if delimiter == "\t" else "csv"
    rows: list[list[Value]] = [
        list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    ]
    return Workbook(path, fmt, encoding, [Sheet("", rows, list(range(1, len(rows) + 1)))])


def _delimiter(text: str) -> str:
    """The delimiter of a text table: the candidate most frequent in its first line."""
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    counts = {d: first.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_xlsx(path: Path, data: bytes) -> list[Sheet]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise LoadError(f"{path.name}: damaged XLSX file ({exc})") from exc
    sheets = []
    for ws in wb.worksheets:
        rows: list[list[Value]] = [[_xlsx_value(c) for c in r] for r in ws.iter_rows()]
        merged = [
            (r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1)
            for r in ws.merged_cells.ranges
        ]
        sheets.append(Sheet(ws.title, rows, list(range(1, len(rows) + 1)), merged))
    return sheets


def _xlsx_value(cell: Any) -> Value:
    """A cell's value; a number shown as a percentage becomes its text (0.51 → "51%")."""
    value = cell.value
    percent = str(cell.number_format).endswith("%")
    if percent and isinstance(value, int | float) and not isinstance(value, bool):
        text = f"{Decimal(repr(value)) * 100:f}"
        return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"
    return value  # type: ignore[no-any-return]


def _read_xls(path: Path, data: bytes) -> list[Sheet]:
    import python_calamine

    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for name in wb.sheet_names:
            ws = wb.get_sheet_by_name(name)
            rows: list[list[Value]] = [
                [_calamine_value(c) for c in r] for r in ws.to_python(skip_empty_area=False)
            ]
            merged = [(a[0], a[1], b[0], b[1]) for a, b in (ws.merged_cell_ranges or [])]
            sheets.append(Sheet(name, rows, list(range(1, len(rows) + 1)), merged))
    except python_calamine.CalamineError as exc:
        raise LoadError(f"{path.name}: damaged XLS file ({exc})") from exc
    return sheets


def _calamine_value(value: object) -> Value:
    if value is None or isinstance(value, str | int | float | bool | dt.date):
        return value
    return str(value)  # a time of day or a duration


class _Tables(HTMLParser):
    """Collect ``<table>`` cells with their ``rowspan``/``colspan``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, int, int]]]] = []
        self.cell: list[str] | None = None
        self.span = (1, 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables and self.tables[-1]:
            a = dict(attrs)
            self.cell = []
            self.span = (_int(a.get("rowspan")), _int(a.get("colspan")))
        elif tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append(("".join(self.cell).strip(), *self.span))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def _int(text: str | None) -> int:
    try:
        return max(1, min(int(text or 1), 1000))
    except ValueError:
        return 1


def _read_html(text: str, name: str) -> list[Sheet]:
    parser = _Tables()
    parser.feed(text)
    sheets = []
    for t, table in enumerate(t for t in parser.tables if t):
        grid: dict[tuple[int, int], str] = {}
        merged: list[Range] = []
        for r, row in enumerate(table):
            c = 0
            for value, rowspan, colspan in row:
                while (r, c) in grid:
                    c += 1
                for dr in range(rowspan):
                    for dc in range(colspan):
                        grid[r + dr, c + dc] = value if (dr, dc) == (0, 0) else ""
                if rowspan > 1 or colspan > 1:
                    merged.append((r, c, r + rowspan - 1, c + colspan - 1))
                c += colspan
        height = max(r for r, _ in grid) + 1
        width = max(c for _, c in grid) + 1
        rows: list[list[Value]] = [
            [grid.get((r, c), "") for c in range(width)] for r in range(height)
        ]
        sheets.append(Sheet(f"table{t + 1}", rows, list(range(1, height + 1)), merged))
    if not sheets:
        raise LoadError(f"{name}: an HTML file without a table")
    return sheets


def _read_json(text: str, fmt: str, name: str) -> Sheet:
    items: list[tuple[int, Any]] = []
    if fmt == "jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    items.append((number, json.loads(line)))
                except ValueError as exc:
                    raise LoadError(f"{name}: line {number} is not JSON ({exc})") from exc
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise LoadError(f"{name}: not JSON ({exc})") from exc
        if isinstance(data, dict):
            lists = [v for v in data.values() if isinstance(v, list)]
            data = lists[0] if len(lists) == 1 else None
        if not isinstance(data, list):
            raise LoadError(f"{name}: JSON must be an array of objects (or hold one)")
        items = list(enumerate(data, start=1))
    header: dict[str, None] = {}
    for number, item in items:
        if not isinstance(item, dict):
            raise LoadError(f"{name}: item {number} is not an object")
        header.update(dict.fromkeys(item))
    columns = list(header)
    rows: list[list[Value]] = [list(columns)]
    for _, item in items:
        rows.append([_json_value(item.get(c)) for c in columns])
    return Sheet("", rows, [0, *(n for n, _ in items)])


def _json_value(value: Any) -> Value:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False)
