"""Fill-in Excel templates, one per table kind, and the load report as a workbook.

Each template has a 数据 sheet (the built-in Chinese headers of :mod:`loaders.office.mapping`,
required ones marked ``*``, code columns formatted as text so Excel keeps leading zeros
and all 18 characters of a credit code) and a 填写说明 sheet explaining every column
with an example. A filled-in template loads with ``zhaoshang load table`` or
``zhaoshang load dir`` without a mapping file.
"""

from __future__ import annotations

from pathlib import Path

from graph.cells import append_row
from graph.files import write_atomically
from loaders.office.ledger_mapping import LEDGER_HEADERS, LEDGER_HELP, LEDGER_TEMPLATE_FILES
from loaders.office.mapping import BUILTIN, KINDS, REQUIRED
from loaders.report import LoadReport

#: kind → template file name.
TEMPLATE_FILES: dict[str, str] = {
    "company": "企业名录.xlsx",
    "person": "人员名录.xlsx",
    "intermediary": "中介机构名录.xlsx",
    "fund": "基金名录.xlsx",
    "relation": "关系表.xlsx",
    "cluster": "产业集群.xlsx",
    **LEDGER_TEMPLATE_FILES,
}
#: Headers that differ from the first built-in synonym (they name the unit).
HEADERS: dict[str, str] = {"registered_capital": "注册资本（万元）", "amount": "金额（万元）"}
#: Columns of exchange listings an office downloads, not of a roster it fills in.
LISTING_ONLY = frozenset({"stock_code_b", "short_name_b", "listed_on"})
#: Columns Excel must keep as text.
TEXT_FIELDS = frozenset(
    {"key", "uscc", "lei", "stock_code", "stock_code_b", "region_code", "industry", "year"}
)
#: Kinds whose amount columns name their own units (see :data:`LEDGER_HEADERS`).
_LEDGER_KINDS = frozenset(LEDGER_TEMPLATE_FILES)
#: field → (explanation, example).
HELP: dict[str, tuple[str, str]] = {
    "key": ("本表内的编号，关系表用它指代本行（可不填）", "E001"),
    "name": ("全称（企业、机构、基金）或姓名", "岚港锂能科技股份有限公司"),
    "short_name": ("简称", "岚港锂能"),
    "uscc": ("18位统一社会信用代码（文本格式，勿存为数字）", "91379900MA3DG0001Q"),
    "lei": ("20位 LEI 代码", "5493001KJTIIGC8Y1R12"),
    "stock_code": ("6位证券代码，可带 .SH/.SZ/.BJ", "609101"),
    "industry": ("所属行业：申万代码或行业名称，多个用；分隔", "电池"),
    "products": ("主要产品，多个用；分隔，可写 产品:收入占比", "锂电池:0.75；储能系统"),
    "address": ("注册地址（无行政区划代码时据此定到省、市、县）", "岚港市港城区滨海大道1号"),
    "region_code": ("GB/T 2260 行政区划代码（2/4/6位）", "379902"),
    "province": ("省份", "山东"),
    "city": ("城市（地级市）；无行政区划代码时，与注册地址一起定到市、县", "潍坊市"),
    "legal_rep": ("法定代表人姓名", "刘志强"),
    "registered_capital": ("注册资本，单位万元；也可写 1.2亿元、壹仟万元整", "5000"),
    "founded_on": ("成立日期：2023-05-20、2023/5/20 或 2023年5月20日", "2015-03-01"),
    "tags": (
        "标签，多个用；分隔。人员、中介、基金标 招商大使 或 招商顾问 并填行政区划代码的，"
        "即算作该地一方（无需关系表）",
        "专精特新；链主",
    ),
    "gender": ("性别", "男"),
    "employer": ("工作单位（企业全称），与职务一起生成任职关系", "岚港锂能科技股份有限公司"),
    "title": ("职务，多个用；分隔", "董事长"),
    "type": ("机构类型：商会、协会、招商代理、咨询、银行、办事处、研究院", "商会"),
    "fund_type": ("基金类型", "政府引导基金"),
    "src": (
        "关系起点：编号、企业全称、信用代码、证券代码、人名（同名者写 张伟（单位））",
        "刘志强",
    ),
    "dst": ("关系终点（同上）", "岚港锂能科技股份有限公司"),
    "kind": (
        "关系类型：任职、持股、控股、投资、供应、合作、会员、老乡、认识（人认识某企业的人）、服务、受聘…",
        "任职",
    ),
    "roles": ("职务（任职关系），多个用；分隔", "董事长；总经理"),
    "share_pct": ("持股比例（%）", "51%"),
    "amount": ("金额，单位万元", "2000"),
    "since": ("开始日期", "2021-03-01"),
    "until": ("结束日期", ""),
    "product": ("供应的产品", "正极材料"),
    "label": ("说明", "战略合作协议"),
    "confidence": ("可信度 (0,1]，默认 1", "0.8"),
    "private": ("是否私密：是/否（老乡、校友等默认私密）", "否"),
    "src_org": ("起点人员的工作单位：区分同名的人，名录中无此人时新建", "岚港锂能科技股份有限公司"),
    "dst_org": ("终点人员的工作单位（同上）", ""),
    "industries": ("核心行业：申万代码或行业名称，多个用；分隔", "630701"),
    "related_industries": ("相关行业：申万代码或行业名称，多个用；分隔", "630702"),
    "description": ("集群简介", "锂电池全产业链"),
}
#: (kind, field) → (explanation, example) where a column means something else per table.
KIND_HELP: dict[tuple[str, str], tuple[str, str]] = {
    ("company", "name"): ("企业全称（与营业执照一致）", "岚港锂能科技股份有限公司"),
    ("person", "name"): ("姓名（个人信息，输出时默认遮盖为 刘**）", "刘志强"),
    ("person", "tags"): ("标签，多个用；分隔", "校友；招商大使"),
    ("intermediary", "name"): ("机构全称", "岚港市浙江商会"),
    ("intermediary", "tags"): ("标签，多个用；分隔", "异地商会"),
    ("fund", "name"): ("基金全称", "岚港市新能源产业引导基金"),
    ("fund", "tags"): ("标签，多个用；分隔", "政府出资"),
    ("cluster", "name"): ("集群名称，与集群文件（TOML）中的 name 一致", "新能源电池"),
    ("cluster", "products"): ("集群产品，多个用；分隔", "锂电池；储能系统"),
}
#: The last line of every 填写说明, naming the one list separator: ``；`` or ``;`` (what
#: :func:`loaders.office.values.split_list` and the table loader both split on).
LIST_NOTE = (
    "一行一条记录；不要合并单元格；代码类列请保持文本格式；一格填多个值时用分号（；或 ;）分隔。"
)


def header_of(field: str, kind: str) -> str:
    """The template header of ``field``: its first Chinese synonym, ``*`` if required."""
    ledger = LEDGER_HEADERS.get(field) if kind in _LEDGER_KINDS else None
    header = ledger or HEADERS.get(field, BUILTIN[kind][field][0])
    return header + ("*" if field in REQUIRED[kind] else "")


def write_templates(folder: Path) -> list[Path]:
    """Write one fill-in workbook per kind into ``folder`` (created if missing).

    Returns
    -------
    list of Path
        The files written, in the order of :data:`loaders.office.mapping.KINDS`.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        wb = Workbook()
        ws = wb.active
        ws.title = "数据"
        fields = [f for f in BUILTIN[kind] if f not in LISTING_ONLY]
        append_row(ws, [header_of(f, kind) for f in fields])
        for col, field in enumerate(fields, start=1):
            ws.cell(1, col).font = Font(bold=True)
            letter = ws.cell(1, col).column_letter
            ws.column_dimensions[letter].width = max(12, len(header_of(field, kind)) * 2 + 4)
            if field in TEXT_FIELDS:
                for row in range(2, 1001):
                    ws.cell(row, col).number_format = "@"
        ws.freeze_panes = "A2"
        notes = wb.create_sheet("填写说明")
        append_row(notes, ["列名", "是否必填", "说明", "示例"])
        for field in fields:
            text, example = (
                KIND_HELP.get((kind, field))
                or LEDGER_HELP.get((kind, field))
                or HELP.get(field, ("", ""))
            )
            required = "必填" if field in REQUIRED[kind] else "选填"
            append_row(notes, [header_of(field, kind), required, text, example])
        append_row(notes, [])
        append_row(notes, [LIST_NOTE])
        for letter, chars in zip("ABCD", (18, 10, 60, 30), strict=True):
            notes.column_dimensions[letter].width = chars
        path = folder / TEMPLATE_FILES[kind]
        written.append(write_atomically(path, wb.save))
    return written


def write_report_xlsx(reports: list[LoadReport], path: Path) -> None:
    """Write load reports as a workbook: 问题 (one row per issue) and 汇总 (counts).

    Parameters
    ----------
    reports : list of LoadReport
    path : Path
        The workbook to write (its folder is created).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "问题"
    append_row(ws, ["文件", "工作表", "行", "列", "代码", "级别", "说明"])
    for report in reports:
        for i in report.issues:
            append_row(ws, [i.file, i.sheet, i.row, i.field, i.code, i.severity, i.message])
    summary = wb.create_sheet("汇总")
    append_row(summary, ["数据集", "项目", "数量"])
    for report in reports:
        append_row(summary, [report.dataset, "读取行数", report.rows_read])
        append_row(summary, [report.dataset, "跳过行数", report.rows_skipped])
        for kind, n in report.written_by_kind.items():
            append_row(summary, [report.dataset, f"written {kind}", n])
        for file, how in report.read_as.items():
            append_row(summary, [report.dataset, f"read {file}", how])
    for sheet in (ws, summary):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    write_atomically(path, wb.save)
