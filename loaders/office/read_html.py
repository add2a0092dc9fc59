"""HTML tables (the "Excel" files web systems export), read row by row.

Each top-level ``<table>`` with at least one row is a sheet (``table1``, ``table2`` …);
a table nested in a cell is that cell's text. ``rowspan``/``colspan`` are clamped as
browsers do (1 … 65534 rows, 1 … 1000 columns), cover only rows that exist, and are
recorded as merged ranges; a span covering more cells than the ``span`` limit refuses
the file before its cells are made. Omitted ``</td>`` and ``</tr>`` tags are closed as
browsers close them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import IO, Any

from graph.errors import LoadError
from loaders.office.readers import Budget, Range, Rows, Sheet
from loaders.office.values import Value

_CHUNK = 1 << 16
_MAX_ROWSPAN, _MAX_COLSPAN = 65534, 1000


def _span(text: str | None, high: int) -> int:
    try:
        return max(1, min(int((text or "1").strip()), high))
    except ValueError:
        return 1


class _Tables(HTMLParser):
    """Turn tags into events: ("table",), ("row", cells, merged), ("end",)."""

    def __init__(self, budget: Budget) -> None:
        super().__init__(convert_charrefs=True)
        self.budget = budget
        self.events: deque[tuple[object, ...]] = deque()
        self.depth = 0  # <table> nesting
        self.row: list[tuple[str, int, int]] | None = None
        self.cell: list[str] | None = None
        self.span = (1, 1)
        self.carry: dict[int, tuple[int, str]] = {}  # column → (rows left, value)
        self.index = 0  # row index within the table

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.depth += 1
            if self.depth == 1:
                self.carry, self.index = {}, 0
                self.events.append(("table",))
            return
        if self.depth != 1:
            if tag == "br" and self.cell is not None:
                self.cell.append("\n")
            return
        if tag == "tr":
            self._end_row()
            self.row = []
        elif tag in ("td", "th"):
            self._end_cell()
            if self.row is None:
                self.row = []
            a = dict(attrs)
            rows, cols = (
                _span(a.get("rowspan"), _MAX_ROWSPAN),
                _span(a.get("colspan"), _MAX_COLSPAN),
            )
            if rows * cols > self.budget.limits.span:
                where = f"第 {self.index + 1} 行的单元格 rowspan={rows} colspan={cols}"
                raise self.budget.limits.exceeded(
                    self.budget.name, "span", f"{rows * cols:,} 格", where
                )
            self.cell, self.span = [], (rows, cols)
        elif tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            if self.depth == 1:
                self._end_row()
                self.events.append(("end",))
            self.depth = max(0, self.depth - 1)
        elif self.depth == 1 and tag in ("td", "th"):
            self._end_cell()
        elif self.depth == 1 and tag == "tr":
            self._end_row()

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)

    def _end_cell(self) -> None:
        if self.cell is not None and self.row is not None:
            self.row.append(("".join(self.cell).strip(), *self.span))
        self.cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self.row is None:
            return
        r, cells, merged = self.index, list[Value](), list[Range]()
        carry, below = self.carry, {}
        c = 0
        for value, rows, cols in self.row:
            while c in carry:
                cells.append("")
                c += 1
            cells.append(value)
            cells.extend([""] * (cols - 1))
            if rows > 1 or cols > 1:
                merged.append((r, c, r + rows - 1, c + cols - 1))
            if rows > 1:
                below.update({col: (rows - 1, value) for col in range(c, c + cols)})
            c += cols
        width = max([c, *(k + 1 for k in carry)])
        cells.extend([""] * (width - len(cells)))
        self.carry = {k: (n - 1, v) for k, (n, v) in carry.items() if n > 1} | below
        self.events.append(("row", cells, merged))
        self.index += 1
        self.row = None


def html_sheets(stream: IO[str], budget: Budget) -> Iterator[Sheet]:
    """The tables of an HTML text, one :class:`Sheet` each, read as the text streams.

    Raises
    ------
    LoadError
        When the file holds no table with a row.
    LimitError
        When a span is larger than the ``span`` limit (as soon as it is met), or the
        file's rows or cells exceed theirs.
    """
    parser = _Tables(budget)
    done = False

    def event() -> tuple[object, ...] | None:
        nonlocal done
        while not parser.events and not done:
            chunk = stream.read(_CHUNK)
            if chunk:
                parser.feed(chunk)
            else:
                parser.close()
                while parser.depth:
                    parser.handle_endtag("table")
                done = True
        return parser.events.popleft() if parser.events else None

    count = 0
    item = event()
    while item is not None:
        if item[0] != "table":
            item = event()
            continue
        item = event()
        if item is None or item[0] != "row":
            continue  # a table without rows
        count += 1
        sheet = Sheet(f"table{count}", iter(()))
        after: list[tuple[object, ...] | None] = [None]

        def rows(
            first: tuple[object, ...] = item, sheet: Sheet = sheet, after: list[Any] = after
        ) -> Rows:
            row: tuple[object, ...] | None = first
            number = 0
            while row is not None and row[0] == "row":
                number += 1
                sheet.merged.extend(row[2])  # type: ignore[arg-type]
                yield number, row[1]  # type: ignore[misc]
                row = event()
            after[0] = row

        sheet.rows = budget.guard(rows(), sheet.issues)
        yield sheet
        for _ in sheet.rows:  # what the reader of the sheet left
            pass
        item = after[0]
    if count == 0:
        raise LoadError(f"{budget.name}：HTML 文件中没有表格")
