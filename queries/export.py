"""Excel and CSV export of target lists, ready for a government office.

Workbook layout: a 说明 sheet (cluster index, weights, data sources, date), then one
sheet per cluster with Chinese headers, a frozen header row, filters, fitted column
widths and stock codes stored as text. Personal data (names of people on a referral
path) is masked unless asked for.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from graph.errors import BackendError
from queries.types import TargetList, TargetRow

HEADERS = [
    "排名",
    "企业名称",
    "证券代码",
    "省份",
    "总分",
    "产业链匹配度",
    "规模",
    "可达性",
    "最佳引荐人",
    "路径强度",
    "引荐路径",
    "评分依据",
]
_FACTOR_ZH = {"chain_fit": "产业链匹配度", "scale": "规模", "reachability": "可达性"}
_ILLEGAL_SHEET = re.compile(r"[\\/?*:\[\]]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def mask_name(name: str) -> str:
    """Mask a person's name for export: keep the first character.

    Examples
    --------
    >>> mask_name("张三丰")
    '张**'
    """
    return name[:1] + "*" * max(1, len(name) - 1)


def sheet_name(name: str, taken: set[str]) -> str:
    """Return a legal, unique worksheet name (no ``\\ / ? * : [ ]``, at most 31 chars).

    Examples
    --------
    >>> sheet_name("新能源/新材料", set())
    '新能源_新材料'
    """
    base = _ILLEGAL_SHEET.sub("_", name).strip("'") or "Sheet"
    base = base[:31]
    candidate, i = base, 2
    while candidate in taken:
        suffix = f"({i})"
        candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
    taken.add(candidate)
    return candidate


def row_values(row: TargetRow, include_private: bool = False) -> list[object]:
    """Return one target row as cell values, in the order of :data:`HEADERS`."""
    factors = {f.name: f for f in row.factors}
    path, introducer = row.path or "", row.introducer_name or ""
    if not include_private:
        for person in row.path_people:
            path = path.replace(person, mask_name(person))
            introducer = introducer.replace(person, mask_name(person))
    evidence = "；".join(f"{_FACTOR_ZH.get(f.name, f.name)}：{f.evidence}" for f in row.factors)
    return [
        row.rank,
        row.name,
        "、".join(row.stock_codes),
        row.province or "",
        row.score,
        factors["chain_fit"].value if "chain_fit" in factors else None,
        factors["scale"].value if "scale" in factors else None,
        factors["reachability"].value if "reachability" in factors else None,
        introducer,
        row.path_strength,
        path,
        evidence,
    ]


def _clean(value: object) -> object:
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def write_workbook(
    lists: Sequence[TargetList],
    path: Path,
    sources: Sequence[str] = (),
    include_private: bool = False,
) -> Path:
    """Write target lists to one ``.xlsx`` workbook, atomically.

    Parameters
    ----------
    lists : sequence of TargetList
        One sheet each, in this order.
    path : Path
        Output file; its folder is created.
    sources : sequence of str
        Data sources to name on the 说明 sheet.
    include_private : bool
        Keep people's names on referral paths (default: masked, e.g. 张**).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    BackendError
        When the file cannot be written.
    """
    wb = Workbook()
    info = wb.active
    info.title = "说明"
    taken = {"说明"}
    info.append(["招商目标企业清单（zhaoshang 生成）"])
    info.append(["生成日期", dt.date.today().isoformat()])
    info.append(["本地区域代码（GB/T 2260）", lists[0].home_region if lists else ""])
    info.append([])
    info.append(["产业集群", "工作表", "候选企业数", "列出数", "权重"])
    for tl in lists:
        ws = wb.create_sheet(sheet_name(tl.cluster, taken))
        weights = "，".join(f"{_FACTOR_ZH.get(k, k)} {v:.0%}" for k, v in tl.weights.items())
        info.append([tl.cluster, ws.title, tl.candidates, len(tl.rows), weights])
        _fill(ws, tl, include_private)
    info.append([])
    info.append(["评分说明", "各因子取值 0–1；无依据的因子记 0 并标注 no data；总分为加权平均。"])
    info.append(["个人信息", "已隐去人名" if not include_private else "含人名，注意保密"])
    for s in sources:
        info.append(["数据来源", s])
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 60
    for c in "CDE":
        info.column_dimensions[c].width = 18
    return _save(wb, path)


def _fill(ws: object, tl: TargetList, include_private: bool) -> None:
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(ws, Worksheet)
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in tl.rows:
        ws.append([_clean(v) for v in row_values(row, include_private)])
    for cell in ws["C"][1:]:
        cell.number_format = "@"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{max(1, len(tl.rows) + 1)}"
    widths = [6, 36, 16, 8, 8, 12, 8, 8, 24, 10, 80, 80]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for row_cells in ws.iter_rows(min_row=2, min_col=11, max_col=12):
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _save(wb: Workbook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BackendError(f"{path}: cannot write workbook ({exc})") from exc
    return path


def write_csv(tl: TargetList, path: Path, include_private: bool = False) -> Path:
    """Write one target list as CSV with a UTF-8 BOM (opens correctly in Excel)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        for row in tl.rows:
            writer.writerow([_clean(v) for v in row_values(row, include_private)])
    return path
