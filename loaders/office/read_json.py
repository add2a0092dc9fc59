"""JSON and JSON Lines tables, read item by item (never the whole document at once).

A JSON file is an array of objects, an object holding such an array (its first member
whose value is an array of objects), or one object (one row: a one-line JSON Lines
file reads the same). The columns are the keys of all items in first-seen order, so
the file is read twice: once for the keys, once for the rows. ``NaN`` and
``Infinity`` (which Python writes) read as missing values. An item that is not an
object, and a JSON Lines line that is not JSON, are issues of their row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import IO, Any

from graph.errors import LoadError
from loaders.office.readers import Budget, CellIssue, Rows, Sheet
from loaders.office.values import Value

_CHUNK = 1 << 20


def _skip(text: str, pos: int) -> int:
    """The position of the first non-blank character at or after ``pos``."""
    while pos < len(text) and text[pos] in " \t\n\r":
        pos += 1
    return pos


def _constant(_: str) -> None:
    return None  # NaN, Infinity, -Infinity: no value


_DECODER = json.JSONDecoder(parse_constant=_constant)


class _Scanner:
    """A JSON text read in chunks; values decoded one at a time."""

    def __init__(self, stream: IO[str], name: str, max_chars: int) -> None:
        self.stream, self.name, self.max = stream, name, max_chars
        self.buf, self.pos, self.eof = "", 0, False

    def more(self, grow: bool = False) -> bool:
        if self.eof:
            return False
        size = max(_CHUNK, len(self.buf) - self.pos) if grow else _CHUNK
        chunk = self.stream.read(size)
        if not chunk:
            self.eof = True
            return False
        self.buf, self.pos = self.buf[self.pos :] + chunk, 0
        return True

    def peek(self, ahead: int = 0) -> str:
        """The next non-blank character at or after ``pos + ahead`` ("" at the end)."""
        while True:
            end = _skip(self.buf, self.pos + ahead)
            if end < len(self.buf):
                return self.buf[end]
            if not self.more():
                return ""

    def take(self, chars: str) -> str:
        char = self.peek()
        if char == "" or char not in chars:
            found = repr(char) if char else "文件结尾"
            raise LoadError(f"{self.name}：不是 JSON（应为 {chars!r}，实为 {found}）")
        self.pos = _skip(self.buf, self.pos) + 1
        return char

    def value(self) -> Any:
        self.peek()
        self.pos = _skip(self.buf, self.pos)
        while True:
            if len(self.buf) - self.pos > self.max:
                raise LoadError(
                    f"{self.name}：一个 JSON 值超过 {self.max // 2**20} MB；"
                    "大文件请存为 JSON Lines（每行一个对象），或用 --limit json_mb=… 放宽"
                )
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self.more(grow=True):
                    continue
                raise LoadError(f"{self.name}：不是 JSON（{exc}）") from None
            if end == len(self.buf) and self.more(grow=True):
                continue  # a number may go on in the next chunk
            self.pos = end
            return value


def _items(stream: IO[str], name: str, max_chars: int) -> Iterator[tuple[int, Any]]:
    """``(item number, value)`` of a JSON table (see the module notes)."""
    scan = _Scanner(stream, name, max_chars)
    first = scan.peek()
    if first == "[":
        yield from _array(scan)
        _end(scan)
        return
    if first != "{":
        raise LoadError(f"{name}：JSON 应为对象数组（或包含一个对象数组）")
    scan.take("{")
    record: dict[str, Any] = {}
    found = False
    while scan.peek() != "}":
        if record or found:
            scan.take(",")
        key = scan.value()
        scan.take(":")
        if not found and scan.peek() == "[" and scan.peek(1 + _offset(scan)) == "{":
            found = True
            yield from _array(scan)
        else:
            record[str(key)] = scan.value()
    scan.take("}")
    _end(scan)
    if not found:
        yield 1, record


def _end(scan: _Scanner) -> None:
    """Refuse text after the JSON value (a JSON Lines file is told apart by sniffing)."""
    if scan.peek():
        raise LoadError(f"{scan.name}：不是 JSON（JSON 值之后还有内容）")


def _offset(scan: _Scanner) -> int:
    """Characters from ``pos`` to the next non-blank one (the ``[`` peeked at)."""
    return _skip(scan.buf, scan.pos) - scan.pos


def _array(scan: _Scanner) -> Iterator[tuple[int, Any]]:
    scan.take("[")
    number = 0
    while scan.peek() != "]":
        if number:
            scan.take(",")
        number += 1
        yield number, scan.value()
    scan.take("]")


def _lines(stream: IO[str], name: str, max_chars: int) -> Iterator[tuple[int, Any]]:
    """``(line number, value or LoadError)`` of a JSON Lines file; blank lines skipped."""
    number = 0
    while line := stream.readline(max_chars + 1):
        number += 1
        if len(line) > max_chars and not line.endswith("\n"):
            while (rest := stream.readline(_CHUNK)) and not rest.endswith("\n"):
                pass
            yield (
                number,
                LoadError(f"该行超过 {max_chars // 2**20} MB（可用 --limit json_mb=… 放宽）"),
            )
            continue
        if not line.strip():
            continue
        try:
            yield number, _DECODER.decode(line.strip())
        except json.JSONDecodeError as exc:
            yield number, LoadError(f"该行不是 JSON（{exc}）")


def _cell(value: Any) -> Value:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list):
        return ";".join("" if v is None else str(v) for v in value)
    return json.dumps(value, ensure_ascii=False)


def json_sheet(open_text: Callable[[], IO[str]], fmt: str, budget: Budget) -> Sheet:
    """The one sheet of a JSON or JSON Lines file, read item by item.

    Parameters
    ----------
    open_text : callable
        Opens the file as text (decoded); called once per pass.
    fmt : {"json", "jsonl"}
    budget : Budget
        The file's limits and counters.
    """
    max_chars = budget.limits.json_mb * 2**20
    name = budget.name
    sheet = Sheet("", iter(()))

    def items() -> Iterator[tuple[int, Any]]:
        if fmt == "jsonl":
            return _lines(open_text(), name, max_chars)
        return _items(open_text(), name, max_chars)

    def rows() -> Rows:
        columns: dict[str, None] = {}
        for _, item in items():
            if isinstance(item, dict):
                columns.update(dict.fromkeys(str(k) for k in item))
        yield 0, list(columns)
        for number, item in items():
            if isinstance(item, LoadError):
                sheet.issues.append(CellIssue(number, None, "bad_json", str(item)))
            elif not isinstance(item, dict):
                message = f"第 {number} 项不是对象（{type(item).__name__}），跳过"
                sheet.issues.append(CellIssue(number, None, "bad_json", message))
            else:
                values = {str(k): v for k, v in item.items()}
                yield number, [_cell(values.get(c)) for c in columns]

    sheet.rows = budget.guard(rows(), sheet.issues)
    return sheet
