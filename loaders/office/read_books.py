"""Workbooks: XLSX (openpyxl, read-only, row by row) and XLS (python-calamine).

An XLSX is a ZIP archive: before openpyxl opens it, every part's declared size is
checked against the ``unzipped_mb`` and ``zip_ratio`` limits (a 750 KB "zip bomb"
that expands to gigabytes is refused at once; Python's ``zipfile`` never inflates a
part past its declared size). The stated dimensions of a sheet are not trusted
(rows are read as they are stored), merged ranges are found by scanning the sheet's
XML for ``<mergeCell>`` (openpyxl's read-only mode does not read them) and each is
checked against the ``span`` limit. An XLS (BIFF, at most 65,536 × 256 cells) is
read by calamine; its size and merged ranges are checked before its rows are read.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from graph.errors import LoadError
from loaders.office.readers import Budget, Range, Rows, Sheet, Workbook
from loaders.office.values import Value

_MERGE = re.compile(
    rb"<(?:\w+:)?mergeCell\b[^>]*?\bref\s*=\s*\"([A-Za-z]{1,3}\d{1,7}(?::[A-Za-z]{1,3}\d{1,7})?)\""
)
_CELL = re.compile(r"([A-Za-z]{1,3})(\d{1,7})")
_RATIO_FLOOR = 1 << 20  # parts smaller than this are never refused for their ratio


def check_zip(path: Path, budget: Budget) -> None:
    """Refuse a ZIP whose parts expand past the ``unzipped_mb`` or ``zip_ratio`` limits.

    Raises
    ------
    LimitError
        Naming the part, its sizes and the limit.
    LoadError
        When the archive is damaged.
    """
    limits = budget.limits
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise LoadError(f"{path.name}：XLSX 文件已损坏（{exc}）") from exc
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > limits.zip_ratio:
            found = (
                f"{info.filename} 压缩 {info.compress_size:,} 字节，解压 {info.file_size:,} 字节，"
                f"{ratio:,.0f} 倍"
            )
            raise limits.exceeded(budget.name, "zip_ratio", found, "疑似压缩炸弹")
    if total > limits.unzipped_mb * 2**20:
        found = f"全部解压 {total / 2**20:,.0f} MB"
        raise limits.exceeded(budget.name, "unzipped_mb", found)


def _column(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _merges(archive: zipfile.ZipFile, part: str, budget: Budget) -> list[Range]:
    """Merged ranges of a sheet part, 0-based, each checked against the span limit."""
    found: list[Range] = []
    tail = b""
    with archive.open(part) as fh:
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            end = 0
            for match in _MERGE.finditer(data):
                end = match.end()
                refs = match.group(1).decode("ascii").split(":")
                (c0, r0), (c1, r1) = [_ref(r) for r in (refs[0], refs[-1])]
                area = (r1 - r0 + 1) * (c1 - c0 + 1)
                if area > budget.limits.span:
                    where = f"合并区域 {match.group(1).decode('ascii')}"
                    raise budget.limits.exceeded(budget.name, "span", f"{area:,} 格", where)
                found.append((min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)))
            tail = data[max(end, len(data) - 512) :]
    return sorted(found)


def _ref(ref: str) -> tuple[int, int]:
    match = _CELL.fullmatch(ref)
    if match is None:
        return 0, 0
    return _column(match.group(1)), int(match.group(2)) - 1


def _xlsx_value(cell: Any) -> Value:
    """A cell's value; a number shown as a percentage becomes its text (0.51 → "51%")."""
    value = cell.value
    if value is None:
        return None
    percent = str(getattr(cell, "number_format", "") or "").endswith("%")
    if percent and isinstance(value, int | float) and not isinstance(value, bool):
        text = f"{Decimal(repr(value)) * 100:f}"
        return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    return value  # type: ignore[no-any-return]


def open_xlsx(path: Path, budget: Budget) -> Workbook:
    """Open an XLSX for reading row by row (see the module notes).

    Raises
    ------
    LimitError
        When the archive expands past the limits.
    LoadError
        When the file is damaged.
    """
    import openpyxl

    check_zip(path, budget)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        archive = zipfile.ZipFile(path)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise LoadError(f"{path.name}：XLSX 文件已损坏（{exc}）") from exc

    def sheets() -> Iterator[Sheet]:
        for ws in book.worksheets:
            if not hasattr(ws, "iter_rows"):
                continue  # a chart sheet
            part = str(getattr(ws, "_worksheet_path", "")).lstrip("/")
            merged = _merges(archive, part, budget) if part in archive.namelist() else []
            ws.reset_dimensions()  # a stated A1:XFD1048576 is not trusted
            sheet = Sheet(ws.title, iter(()), merged)
            sheet.rows = budget.guard(_xlsx_rows(ws, path), sheet.issues)
            yield sheet

    def close() -> None:
        archive.close()
        book.close()

    return Workbook(path, "xlsx", None, sheets(), close)


def _xlsx_rows(ws: Any, path: Path) -> Rows:
    try:
        for number, row in enumerate(ws.iter_rows(), start=1):
            yield number, [_xlsx_value(c) for c in row]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        raise LoadError(f"{path.name}：XLSX 文件已损坏（{exc}）") from exc


def _calamine_value(value: object) -> Value:
    if value is None or isinstance(value, str | int | float | bool | dt.date):
        return value
    return str(value)  # a time of day or a duration


def open_xls(path: Path, budget: Budget) -> Workbook:
    """Open an XLS (BIFF) workbook with python-calamine.

    Raises
    ------
    LimitError
        When a sheet has more cells than the ``cells`` limit or a merged range is
        larger than the ``span`` limit.
    LoadError
        When the file is damaged.
    """
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
    except python_calamine.CalamineError as exc:
        raise LoadError(f"{path.name}：XLS 文件已损坏（{exc}）") from exc

    def sheets() -> Iterator[Sheet]:
        limits = budget.limits
        for name in names:
            try:
                ws = book.get_sheet_by_name(name)
            except python_calamine.CalamineError as exc:
                raise LoadError(f"{path.name}：XLS 文件已损坏（{exc}）") from exc
            area = ws.total_height * ws.total_width
            if budget.cells + area > limits.cells:
                found = f"工作表 {name} 有 {ws.total_height:,} 行 × {ws.total_width:,} 列"
                raise limits.exceeded(budget.name, "cells", found)
            merged: list[Range] = []
            for (r0, c0), (r1, c1) in ws.merged_cell_ranges or []:
                if (r1 - r0 + 1) * (c1 - c0 + 1) > limits.span:
                    where = f"工作表 {name} 的合并区域"
                    found = f"{(r1 - r0 + 1) * (c1 - c0 + 1):,} 格"
                    raise limits.exceeded(budget.name, "span", found, where)
                merged.append((r0, c0, r1, c1))
            sheet = Sheet(name, iter(()), sorted(merged))
            sheet.rows = budget.guard(_calamine_rows(ws), sheet.issues)
            yield sheet

    return Workbook(path, "xls", None, sheets(), book.close)


def _calamine_rows(ws: Any) -> Rows:
    """Rows of a calamine sheet numbered as the spreadsheet shows them."""
    top, left = ws.start or (0, 0)
    for number in range(1, top + 1):
        yield number, []
    for i, row in enumerate(ws.iter_rows(), start=top + 1):
        yield i, [None] * left + [_calamine_value(c) for c in row]
