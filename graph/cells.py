"""Cell values every spreadsheet and CSV writer of the product goes through.

Rules (README, SECURITY):

- **xlsx**: a text cell is always stored as text (an inline string), never as a formula
  or an error value, whatever it starts with (``=``, ``+``, ``-``, ``@``, ``#REF!`` …):
  openpyxl turns any ``str`` longer than one character that starts with ``=`` into a
  formula (``data_type 'f'``) and the seven error codes into errors, so
  :func:`append_row` and :func:`set_cell` set ``data_type`` back to ``'s'``. The cell
  reads back as the exact text. Only a formula the product writes on purpose would be
  one; the product writes none (the 索引 links are hyperlink objects, not formulas).
- Characters XML 1.0 cannot hold (C0 controls but tab, line feed and carriage return;
  U+FFFE, U+FFFF; lone surrogates) are replaced by a visible stand-in: the Control
  Pictures sign of a C0 control (``\\x01`` → ``␁``), ``�`` otherwise. Nothing crashes.
  Line ends are written as line feeds (a carriage return would be read back as one
  anyway: XML normalises line ends).
- **Sheet titles** (:func:`sheet_title`): ``\\ / ? * : [ ]`` become ``_``, control
  characters their visible signs, no apostrophe at either end, at most 31 UTF-16
  units, unique without regard to case (as Excel compares them).
- **CSV** (:func:`csv_cell`, OWASP "CSV injection"): a text cell that starts with
  ``=``, ``+``, ``-``, ``@``, tab or carriage return (or their full-width forms
  ``＝ ＋ － ＠``) gets a leading ``'`` so a spreadsheet shows it as text. Numbers
  written from numeric values (``int``/``float``: scores, counts, negative amounts) are
  not text and stay numbers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from graph.files import write_atomically

#: Characters XML 1.0 cannot hold, as openpyxl checks (``ILLEGAL_CHARACTERS_RE``) plus
#: the non-characters U+FFFE/U+FFFF and lone surrogates.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
#: First characters a spreadsheet reads as the start of a formula (OWASP, + full-width).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_TITLE_ILLEGAL = re.compile(r"[\\/?*:\[\]\x7f]")
TITLE_UNITS = 31
#: NUL and lone surrogates cannot be written to a UTF-8 CSV file.
_CSV_ILLEGAL = re.compile("[\x00\ud800-\udfff]")


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group())
    return chr(0x2400 + code) if code < 0x20 else "\ufffd"


def xml_text(text: str) -> str:
    """Return ``text`` with every character XML cannot hold replaced by a visible sign.

    Examples
    --------
    >>> xml_text("新能源\\x01汽车"), xml_text("甲\\r\\n乙\\r丙")
    ('新能源␁汽车', '甲\\n乙\\n丙')
    """
    return _XML_ILLEGAL.sub(_stand_in, text).replace("\r\n", "\n").replace("\r", "\n")


def cell_value(value: object) -> object:
    """A value as a spreadsheet cell holds it: text cleaned by :func:`xml_text`.

    Numbers, dates, booleans and ``None`` pass unchanged; any other object is written
    as its ``str``.
    """
    if value is None or isinstance(value, int | float | Decimal):
        return value
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value
    return xml_text(value if isinstance(value, str) else str(value))


def _as_text(cell: Any) -> None:
    if isinstance(cell.value, str) and cell.data_type != "s":
        cell.data_type = "s"  # a formula or an error code the data happens to spell


def append_row(ws: Any, values: Iterable[object]) -> None:
    """Append one row to an openpyxl worksheet; text cells stay text (never formulas).

    Parameters
    ----------
    ws : openpyxl Worksheet
    values : iterable
        Cell values, left to right; see :func:`cell_value`.
    """
    ws.append([cell_value(v) for v in values])
    for cell in ws[ws.max_row]:
        _as_text(cell)


def set_cell(ws: Any, row: int, column: int, value: object) -> Any:
    """Set one cell (1-based ``row``, ``column``) as :func:`append_row` does; return it."""
    cell = ws.cell(row, column)
    cell.value = cell_value(value)
    _as_text(cell)
    return cell


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, units: int) -> str:
    while _units(text) > units:
        text = text[:-1]
    return text


def sheet_title(name: str, taken: set[str]) -> str:
    """Return a legal worksheet title for ``name``, unique in ``taken`` (which it joins).

    ``taken`` holds the titles already used, compared without regard to case.

    Examples
    --------
    >>> taken = {"说明"}
    >>> sheet_title("新能源/新材料", taken), sheet_title("ABC", taken), sheet_title("abc", taken)
    ('新能源_新材料', 'ABC', 'abc(2)')
    """
    base = _TITLE_ILLEGAL.sub("_", xml_text(name)).strip().strip("'").strip() or "Sheet"
    base = _cut(base, TITLE_UNITS)
    folded = {t.casefold() for t in taken}
    candidate, i = base, 2
    while candidate.casefold() in folded or candidate.casefold() == "history":
        suffix = f"({i})"
        candidate, i = _cut(base, TITLE_UNITS - len(suffix)) + suffix, i + 1
    taken.add(candidate)
    return candidate


def csv_cell(value: object) -> object:
    """A value as a CSV cell: numbers as they are, text safe from formula injection.

    Examples
    --------
    >>> csv_cell("=1+2"), csv_cell("-3"), csv_cell(-3.5), csv_cell("三一重工")
    ("'=1+2", "'-3", -3.5, '三一重工')
    """
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    text = value if isinstance(value, str) else str(value)
    text = _CSV_ILLEGAL.sub(_stand_in, text)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv_rows(path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    """Write a CSV file (UTF-8 with BOM, so Excel opens it correctly), atomically.

    Every cell goes through :func:`csv_cell`.

    Raises
    ------
    BackendError
        When the file cannot be written.
    """

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([csv_cell(h) for h in headers])
            for row in rows:
                writer.writerow([csv_cell(v) for v in row])

    return write_atomically(path, write)
