"""The 调度 report as a workbook an office prints as is.

Sheet 调度: a title with the period and 时序进度, one row per unit (behind schedule
first, marked 落后 on a light red fill), the totals in bold; amounts as numbers in
亿元, rates as numbers shown with ``%``; A4 landscape, one page wide, the header
repeated on every page. Sheet 项目储备: projects by stage and cluster on the last day.
Every cell is data, never a formula (:func:`graph.cells.append_row`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph.cells import append_row
from graph.files import write_atomically
from queries.progress import YI, ProgressReport, UnitProgress

HEADERS = (
    "序号",
    "单位",
    "类型",
    "任务目标（亿元）",
    "自定目标（亿元）",
    "签约项目数",
    "签约金额（亿元）",
    "完成率（对任务目标）",
    "完成率（对自定目标）",
    "在谈项目数",
    "进度",
)
_WIDTHS = (6, 18, 8, 12, 12, 10, 12, 14, 14, 10, 8)


def _yi(value: Any) -> Any:
    return None if value is None else value / YI


def _cells(number: int | str, row: UnitProgress) -> list[object]:
    state = "" if row.behind is None else ("落后" if row.behind else "正常")
    return [
        number,
        row.name,
        row.unit_type or "",
        _yi(row.city_target_yuan),
        _yi(row.own_target_yuan),
        row.signed_count,
        _yi(row.signed_yuan),
        row.city_rate_pct,
        row.own_rate_pct,
        row.talks_count,
        state,
    ]


#: Heights (points) of the title row and the header row, whose labels wrap to two lines
#: (rendered with LibreOffice: at the default height they spilled over the title).
HEADER_HEIGHTS = (22.0, 32.0)


def write_progress_xlsx(report: ProgressReport, path: Path) -> Path:
    """Write ``report`` to ``path`` (an .xlsx; its folder is created); return the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "调度"
    title = (
        f"招商工作调度表（{report.date_from} 至 {report.date_to}，"
        f"时序进度 {report.time_pct}%，目标年度 {report.year}）"
    )
    append_row(ws, [title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws["A1"].font = Font(bold=True, size=14)
    append_row(ws, HEADERS)
    for number, row in enumerate(report.units, start=1):
        append_row(ws, _cells(number, row))
    append_row(ws, _cells("", report.total))
    thin = Side(style="thin", color="999999")
    behind_fill = PatternFill("solid", fgColor="F8CBAD")
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    for r, line in enumerate(ws.iter_rows(min_row=2, max_row=ws.max_row), start=2):
        unit = report.units[r - 3] if 3 <= r < ws.max_row else None
        for cell in line:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            cell.alignment = Alignment(vertical="center", wrap_text=r == 2)
            if r == 2 or r == ws.max_row:
                cell.font = Font(bold=True)
            if r == 2:
                cell.fill = head_fill
            elif unit is not None and unit.behind:
                cell.fill = behind_fill
            if cell.column in (4, 5, 7):
                cell.number_format = "0.00##"
            elif cell.column in (8, 9):
                cell.number_format = '0.0"%"'
    for i, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[ws.cell(2, i).column_letter].width = width
    ws.row_dimensions[1].height = HEADER_HEIGHTS[0]  # the title, 14 pt
    ws.row_dimensions[2].height = HEADER_HEIGHTS[1]  # headers wrap to two lines
    _page(ws)
    reserve = wb.create_sheet("项目储备")
    append_row(reserve, [f"项目储备（截至 {report.date_to}）"])
    reserve["A1"].font = Font(bold=True, size=14)
    append_row(reserve, ["阶段", "产业集群", "项目数", "金额（亿元）"])
    for item in report.reserve:
        append_row(reserve, [item.stage.value, item.cluster, item.count, item.amount_yuan / YI])
    for cell in reserve[2]:
        cell.font = Font(bold=True)
        cell.fill = head_fill
    if report.clusters:  # the gaps: the city's clusters, fewest reserve projects first
        append_row(reserve, [])
        append_row(
            reserve,
            [f"各集群储备（线索、在谈；少于 {report.reserve_min} 个为储备不足）"],
        )
        reserve.cell(reserve.max_row, 1).font = Font(bold=True)
        append_row(reserve, ["产业集群", "线索", "在谈", "金额（亿元）", "缺口"])
        for cell in reserve[reserve.max_row]:
            cell.font = Font(bold=True)
            cell.fill = head_fill
        for c in report.clusters:
            append_row(reserve, [c.cluster, c.leads, c.talks, c.amount_yuan / YI, c.gap or ""])
            if c.gap:
                for cell in reserve[reserve.max_row]:
                    cell.font = Font(bold=True, color="C00000")
    for letter, width in zip("ABCDE", (20, 20, 10, 14, 10), strict=True):
        reserve.column_dimensions[letter].width = width
    _page(reserve)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomically(path, wb.save)


def _page(ws: Any) -> None:
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
