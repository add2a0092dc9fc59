"""Excel and CSV export of target lists and chain gaps, ready for a government office.

Workbook layout: 说明 (what the workbook is, profile weights, the segment noise rule,
data sources with their dates), 索引 (one row per cluster with its sheets and
counts), then one target sheet per cluster, one 增资扩产 sheet (the expand-here lists
of all clusters) and one 产业链缺口 sheet (every cluster's chain segments, gaps first).
Chinese headers, a frozen header row, filters, fitted column widths, wrapped long
text, stock and credit codes stored as text. Every cell goes through
:mod:`graph.cells`: text is never stored as a formula, characters a workbook cannot
hold are replaced by visible signs. Personal data (names of people on a referral path)
is masked unless asked for (:mod:`graph.privacy`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from graph.cells import append_row, sheet_title, write_csv_rows
from graph.files import write_atomically
from graph.privacy import mask_name as mask_name  # re-exported: the one masking rule
from graph.privacy import redact
from queries.profile import FACTORS
from queries.types import ChainGaps, TargetList, TargetRow

FACTOR_ZH = {
    "chain_fit": "产业链匹配度",
    "scale": "规模",
    "reachability": "可达性",
    "local_affinity": "本地关联",
    "signals": "近期动向",
    "strategic_tags": "战略标签",
}
_ROLE_ZH = {"cluster": "集群产品", "upstream": "上游", "downstream": "下游"}
HEADERS = [
    "排名",
    "企业名称",
    "证券代码",
    "统一社会信用代码",
    "省份",
    "总分",
    *(FACTOR_ZH[f] for f in FACTORS),
    "最佳引荐人",
    "路径强度",
    "引荐路径",
    *(f"{FACTOR_ZH[f]}依据" for f in FACTORS),
]
_WIDTHS = [6, 28, 11, 20, 6, 7, *[8] * 6, 28, 8, 44, *[34] * 6]
#: A target sheet prints 排名 … 引荐路径 (A:O, 206 character widths: one A4 landscape page
#: wide at about 68 %; 企业名称 and the header on every page); 依据 stays on screen.
_PATH_COL = HEADERS.index("引荐路径") + 1
#: The 说明 line that says how target sheets print.
PRINT_NOTE = (
    "目标企业表按 A4 横向一页宽打印到“引荐路径”列，每页重复表头和企业名称；依据列只在屏幕上看。"
)
EXPAND_FACTORS = tuple(f for f in FACTORS if f != "reachability")
EXPAND_HEADERS = [
    "产业集群",
    "排名",
    "企业名称",
    "证券代码",
    "统一社会信用代码",
    "总分",
    *(FACTOR_ZH[f] for f in EXPAND_FACTORS),
    *(f"{FACTOR_ZH[f]}依据" for f in EXPAND_FACTORS),
]
GAP_HEADERS = [
    "产业集群",
    "环节（产品）",
    "类型",
    "关联集群产品",
    "标签",
    "本地企业数",
    "本地企业",
    "外地企业数",
    "地区不明",
    "推荐目标企业（总分）",
]
#: Dataset folder → (public repository, what date the data describes).
DATASET_NOTES = {
    "chain-kg": ("github.com/liuhuanyong/ChainKnowledgeGraph", "2021"),
    "executives-2018": ("github.com/lemonhu/stock-knowledge-graph", "2018"),
    "a-share-2025": ("github.com/15259291016/qmt_python", "2025"),
    "ickg25": ("github.com/WayneYin9/ICKG", "2025 新闻与专利"),
    "finre": ("github.com/thunlp/Chinese_NRE", "2008–2017 财经新闻"),
    "rankings": ("Forbes Global 2000 2025；Fortune Global 500 2017", "2025 / 2017"),
}
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_MAX_LINES = 8  # a row grows to at most this many wrapped lines (the cell keeps all text)


def sheet_name(name: str, taken: set[str]) -> str:
    """Return a legal, unique worksheet name (see :func:`graph.cells.sheet_title`).

    Examples
    --------
    >>> sheet_name("新能源/新材料", set())
    '新能源_新材料'
    """
    return sheet_title(name, taken)


def source_note(dataset: str) -> str:
    """One 说明 line for a dataset: name, repository and the date of its data."""
    repo, date = DATASET_NOTES.get(dataset, ("", ""))
    return "，".join(x for x in (dataset, repo, f"数据时间 {date}" if date else "") if x)


def row_values(row: TargetRow, include_private: bool = False) -> list[object]:
    """Return one target row as cell values, in the order of :data:`HEADERS`.

    People are masked unless ``include_private`` (:func:`graph.privacy.redact`).
    """
    row = redact(row, include_private)
    factors = {f.name: f for f in row.factors}
    path, introducer = row.path or "", row.introducer_name or ""
    return [
        row.rank,
        row.name,
        "、".join(row.stock_codes),
        row.uscc or "",
        row.province or "",
        row.score,
        *(factors[f].value if f in factors else None for f in FACTORS),
        introducer,
        row.path_strength,
        path,
        *(factors[f].evidence if f in factors else "" for f in FACTORS),
    ]


def _expand_values(cluster: str, row: TargetRow) -> list[object]:  # rows already redacted
    factors = {f.name: f for f in row.factors}
    return [
        cluster,
        row.rank,
        row.name,
        "、".join(row.stock_codes),
        row.uscc or "",
        row.score,
        *(factors[f].value if f in factors else None for f in EXPAND_FACTORS),
        *(factors[f].evidence if f in factors else "" for f in EXPAND_FACTORS),
    ]


def _gap_rows(gaps: ChainGaps) -> list[list[object]]:
    rows: list[list[object]] = []
    for s in gaps.segments:
        local = "、".join(f"{m.name}（{m.note}）" for m in s.local_makers)
        cands = "、".join(f"{c.name}（{c.score:.4f}）" for c in s.candidates)
        rows.append(
            [
                gaps.cluster,
                s.name,
                _ROLE_ZH.get(s.role, s.role),
                "、".join(s.via),
                s.label or "",
                len(s.local_makers),
                local,
                s.elsewhere,
                s.unknown_region,
                cands,
            ]
        )
    return rows


def _display_width(text: str) -> int:
    """Width of text in column units: CJK and full-width characters count 2."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def write_workbook(
    lists: Sequence[TargetList],
    path: Path,
    sources: Sequence[str] = (),
    include_private: bool = False,
    gaps: Sequence[ChainGaps] = (),
) -> Path:
    """Write target lists (and chain gaps) to one ``.xlsx`` workbook, atomically.

    Parameters
    ----------
    lists : sequence of TargetList
        One target sheet each, in this order; their expand-here rows go to 增资扩产.
    path : Path
        Output file; its folder is created.
    sources : sequence of str
        Data sources (with dates) to name on the 说明 sheet.
    include_private : bool
        Keep people's names on referral paths (default: masked, e.g. 张**).
    gaps : sequence of ChainGaps
        Chain gaps per cluster for the 产业链缺口 sheet (none: no such sheet).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    BackendError
        When the file cannot be written.
    """
    lists = [redact(tl, include_private) for tl in lists]
    gaps = [redact(g, include_private) for g in gaps]
    wb = Workbook()
    info = wb.active
    assert isinstance(info, Worksheet)
    info.title = "说明"
    taken = {"说明", "索引", "增资扩产", "产业链缺口"}
    index = wb.create_sheet("索引")
    _info(info, lists, gaps, sources, include_private)
    append_row(
        index, ["产业集群", "目标企业工作表", "外地候选数", "列出数", "本地企业数", "缺口数"]
    )
    gap_count = {g.cluster: len(g.gaps) for g in gaps}
    for tl in lists:
        ws = wb.create_sheet(sheet_name(tl.cluster, taken))
        append_row(
            index,
            [
                tl.cluster,
                ws.title,
                tl.candidates,
                len(tl.rows),
                tl.local_candidates,
                gap_count.get(tl.cluster, ""),
            ],
        )
        link = index.cell(index.max_row, 2)
        # click through to the cluster's sheet (an in-workbook location, not a URL)
        quoted = ws.title.replace("'", "''")
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!A1")
        link.style = "Hyperlink"
        rows = [row_values(r, include_private) for r in tl.rows]
        _table(ws, HEADERS, rows, _WIDTHS, wrap_from=15, full=_PATH_COL)
        ws.print_area = f"A1:O{ws.max_row}"
        ws.print_title_cols = "B:B"
        _print_setup(ws)
    _table(index, None, [], [16, 24, 12, 10, 12, 10], wrap_from=99)
    expand = wb.create_sheet("增资扩产")
    rows = [_expand_values(tl.cluster, r) for tl in lists for r in tl.expand_here]
    widths = [14, 6, 30, 12, 20, 8, *[9] * 5, *[40] * 5]
    _table(expand, EXPAND_HEADERS, rows, widths, wrap_from=12)
    if gaps:
        sheet = wb.create_sheet("产业链缺口")
        rows = [r for g in gaps for r in _gap_rows(g)]
        _table(sheet, GAP_HEADERS, rows, [14, 18, 9, 18, 8, 10, 40, 10, 8, 60], wrap_from=7)
    return _save(wb, path)


def _info(
    ws: Worksheet,
    lists: Sequence[TargetList],
    gaps: Sequence[ChainGaps],
    sources: Sequence[str],
    include_private: bool,
) -> None:
    append_row(ws, ["招商目标企业清单与产业链缺口（zhaoshang 生成）"])
    ws["A1"].font = Font(bold=True, size=14)
    append_row(ws, ["生成日期", dt.date.today().isoformat()])
    append_row(ws, ["本地（GB/T 2260 代码）", _region_label(lists[0].home_region) if lists else ""])
    as_of = next((tl.as_of for tl in lists if tl.as_of), None)
    append_row(ws, ["近期动向参照日期", as_of.isoformat() if as_of else ""])
    if lists:
        weights = lists[0].weights
        append_row(
            ws,
            [
                "评分权重（外地目标）",
                "，".join(f"{FACTOR_ZH[k]} {v:.0%}" for k, v in weights.items()),
            ],
        )
        expand = lists[0].expand_weights
        append_row(
            ws,
            [
                "评分权重（增资扩产）",
                "，".join(f"{FACTOR_ZH[k]} {v:.0%}" for k, v in expand.items()),
            ],
        )
    append_row(
        ws,
        ["评分规则", "各因子取值 0–1；无依据的因子记 0 并标注 无数据，绝不估计；总分为加权和。"],
    )
    append_row(ws, ["排序", "总分从高到低，同分按企业编号升序。"])
    append_row(ws, ["打印", PRINT_NOTE])
    append_row(
        ws, ["增资扩产", "已在本地的集群企业单列于“增资扩产”表，不与外地目标混排，不计可达性。"]
    )
    if gaps:
        append_row(ws, ["产业链缺口", "集群产业链各环节的本地与外地企业；标签见下行。"])
        append_row(ws, ["标签", gaps[0].labels])
        append_row(ws, ["环节筛选规则", gaps[0].rule])
    append_row(ws, ["个人信息", "已隐去人名" if not include_private else "含人名，注意保密"])
    for s in sources:
        append_row(ws, ["数据来源", s])
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 100
    _print_setup(ws)
    for row in ws.iter_rows(min_row=2):
        row[0].font = Font(bold=True)
        for cell in row[1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _region_label(code: str) -> str:
    """``山东省（37）`` for a GB/T 2260 code; the code itself when no division has it."""
    from graph.errors import ZhaoshangError
    from resolve.divisions import resolve_region

    try:
        return resolve_region(code, []).label
    except ZhaoshangError:
        return code


def _table(
    ws: Worksheet,
    headers: list[str] | None,
    rows: list[list[object]],
    widths: list[int],
    wrap_from: int,
    full: int = 0,
) -> None:
    """Fill a sheet: bold shaded header, rows, text codes, widths, wrap, freeze, filter.

    Rows grow to at most :data:`_MAX_LINES` wrapped lines, or to all lines of column
    ``full`` (1-based; the referral path), which is never cut off on paper.
    """
    if headers is not None:
        append_row(ws, headers)
    for row in rows:
        append_row(ws, row)
    ncols = ws.max_column
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    headers = headers or [str(c.value) for c in ws[1]]
    for col, head in enumerate(headers, start=1):
        if head in ("证券代码", "统一社会信用代码"):
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = "@"
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.row_dimensions[1].height = 32
    top = {wrap: Alignment(wrap_text=wrap, vertical="top") for wrap in (False, True)}
    for row_cells in ws.iter_rows(min_row=2, min_col=1, max_col=ncols):
        lines = whole = 1
        for cell in row_cells:
            long = isinstance(cell.value, str) and len(cell.value) > 30
            wrap = cell.column >= wrap_from or long
            cell.alignment = top[wrap]  # shared style objects: one per cell costs seconds
            if isinstance(cell.value, float):
                cell.number_format = "0.000"
            elif wrap and isinstance(cell.value, str):
                width = ws.column_dimensions[get_column_letter(cell.column)].width or 10
                need = math.ceil(_display_width(cell.value) / (0.85 * width))  # fonts vary
                lines = max(lines, need)
                whole = need if cell.column == full else whole
        # Spreadsheet programs do not grow rows to wrapped text on their own: set it.
        ws.row_dimensions[row_cells[0].row].height = 15 * max(min(lines, _MAX_LINES), whole)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(ncols)}{max(1, ws.max_row)}"
    _print_setup(ws, pages_wide=max(1, round(sum(widths) / 160)))
    ws.print_title_rows = "1:1"


def _print_setup(ws: Worksheet, pages_wide: int = 1) -> None:
    """Landscape A4, the columns on ``pages_wide`` page widths, as many pages long as needed."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _save(wb: Workbook, path: Path) -> Path:
    return write_atomically(path, wb.save)


def write_csv(tl: TargetList, path: Path, include_private: bool = False) -> Path:
    """Write one target list as CSV with a UTF-8 BOM (opens correctly in Excel), atomically.

    Text cells that would start a formula get a leading ``'`` (:func:`graph.cells.csv_cell`).
    """
    rows = (row_values(r, include_private) for r in tl.rows)
    return write_csv_rows(path, HEADERS, rows)
