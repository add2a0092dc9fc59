"""Column mappings: the user's headers → schema fields, for each entity kind.

Built-in mappings know the headers of typical Chinese rosters (企业名称, 统一社会信用代码,
证券代码, 所属行业, 注册地址, 法定代表人, 注册资本, 成立日期 …), so such a file loads without
a mapping. A mapping file (TOML) adds or overrides headers per kind::

    [company]
    "纳税人名称" = "name"
    "税号" = "uscc"

    [relation]
    "股东名称" = "src"

Headers are matched after :func:`header_key`: NFKC, traditional characters made
simplified, whitespace, quotes and a BOM removed, a required-mark ``*`` dropped, and a
unit in brackets split off (``注册资本（万元）`` → key ``注册资本``, unit ``万元``, which
becomes the amount unit of the column).
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graph.errors import LoadError
from graph.files import read_user_text
from loaders.office.ledger_mapping import LEDGER_BUILTIN, LEDGER_REQUIRED
from loaders.office.readers import CellIssue, Sheet
from loaders.office.values import AMOUNT_UNITS, Value
from resolve.names import to_simplified

#: Entity kinds a table can hold (the last seven: the 招商 ledger's).
KINDS = (
    "company",
    "person",
    "intermediary",
    "fund",
    "relation",
    "cluster",
    "unit",
    "project",
    "outing",
    "introduction",
    "channel",
    "mandate",
    "fair",
)

#: kind → field → (header synonyms, first one is the template's header). Fields marked
#: required in :data:`REQUIRED`.
BUILTIN: dict[str, dict[str, tuple[str, ...]]] = {
    "company": {
        "key": ("编号", "企业编号", "key"),
        "name": ("企业名称", "公司名称", "单位名称", "企业全称", "公司全称", "名称", "name"),
        "short_name": (
            "简称",
            "企业简称",
            "公司简称",
            "证券简称",
            "股票简称",
            "A股简称",
            "short_name",
        ),
        "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "uscc"),
        "lei": ("LEI", "LEI代码", "lei"),
        "stock_code": ("证券代码", "股票代码", "上市代码", "A股代码", "stock_code"),
        "industry": ("所属行业", "行业", "行业分类", "行业代码", "industries", "industry"),
        "products": ("主要产品", "主营产品", "产品", "products"),
        "address": ("注册地址", "企业地址", "地址", "住所", "经营地址", "address"),
        "region_code": ("行政区划代码", "区划代码", "地区代码", "region_code"),
        "province": ("省份", "所属省份", "省", "province"),
        "legal_rep": ("法定代表人", "法人代表", "法人", "legal_rep"),
        "registered_capital": ("注册资本", "注册资金", "registered_capital"),
        "founded_on": ("成立日期", "成立时间", "注册日期", "founded_on"),
        "tags": ("标签", "企业标签", "资质", "荣誉", "tags"),
        "city": ("城市", "所在城市", "地市", "所属地市", "city"),
        # columns of exchange listings (the SZSE A股列表), see loaders.office.listing
        "stock_code_b": ("B股代码", "stock_code_b"),
        "short_name_b": ("B股简称", "short_name_b"),
        "listed_on": ("上市日期", "A股上市日期", "listed_on"),
    },
    "person": {
        "key": ("编号", "人员编号", "key"),
        "name": ("姓名", "人员姓名", "名称", "name"),
        "gender": ("性别", "gender"),
        "employer": ("工作单位", "任职单位", "所在单位", "employer"),
        "title": ("职务", "职位", "title"),
        "region_code": ("行政区划代码", "区划代码", "region_code"),
        "tags": ("标签", "身份", "tags"),
    },
    "intermediary": {
        "key": ("编号", "机构编号", "key"),
        "name": ("机构名称", "单位名称", "名称", "name"),
        "type": ("机构类型", "类型", "type"),
        "region_code": ("行政区划代码", "区划代码", "region_code"),
        "tags": ("标签", "tags"),
    },
    "fund": {
        "key": ("编号", "基金编号", "key"),
        "name": ("基金名称", "机构名称", "名称", "name"),
        "fund_type": ("基金类型", "类型", "fund_type"),
        "region_code": ("行政区划代码", "区划代码", "region_code"),
        "tags": ("标签", "tags"),
    },
    "relation": {
        "src": ("主体", "起点", "甲方", "来源", "src"),
        "dst": ("对象", "终点", "乙方", "关联方", "dst"),
        "kind": ("关系类型", "关系", "类型", "kind"),
        "roles": ("职务", "角色", "roles"),
        "share_pct": ("持股比例", "股比", "比例", "share_pct"),
        "amount": ("金额", "投资金额", "出资额", "amount"),
        "since": ("开始日期", "起始日期", "日期", "since"),
        "until": ("结束日期", "截止日期", "until"),
        "product": ("产品", "product"),
        "label": ("说明", "label"),
        "confidence": ("可信度", "confidence"),
        "private": ("私密", "private"),
        "src_org": ("主体单位", "主体所在单位", "主体工作单位", "src_org"),
        "dst_org": ("对象单位", "对象所在单位", "对象工作单位", "dst_org"),
    },
    "cluster": {
        "name": ("集群名称", "产业集群", "集群", "name"),
        "industries": ("核心行业", "行业代码", "core_industries", "industries"),
        "related_industries": ("相关行业", "related_industries"),
        "products": ("产品", "产品环节", "products"),
        "description": ("说明", "描述", "description"),
    },
    **LEDGER_BUILTIN,
}

#: Fields a row of each kind must fill.
REQUIRED: dict[str, tuple[str, ...]] = {
    "company": ("name",),
    "person": ("name",),
    "intermediary": ("name",),
    "fund": ("name",),
    "relation": ("src", "dst", "kind"),
    "cluster": ("name",),
    **LEDGER_REQUIRED,
}

#: Headers of columns kept for the human reader only.
FREE = frozenset({"序号", "备注", "note", "说明备注"})

_SPACE_QUOTES = re.compile(r"[\s\"'“”‘’「」『』*＊]+")
_UNIT = re.compile(r"^(.*?)[(\[]([^()\[\]]*)[)\]]$")


def header_key(text: str) -> tuple[str, str | None]:
    """Return a header's matching key and the unit written in its brackets.

    Examples
    --------
    >>> header_key("\\ufeff“注册资本（万元）”*")
    ('注册资本', '万元')
    >>> header_key("企业　名称"), header_key("企業名稱")
    (('企业名称', None), ('企业名称', None))
    """
    key = _SPACE_QUOTES.sub("", unicodedata.normalize("NFKC", text).replace("\ufeff", ""))
    key = to_simplified(key)  # 企業名稱 (Big5 files of Taiwan and Hong Kong) is 企业名称
    match = _UNIT.match(key)
    if match and match.group(1):
        return match.group(1), match.group(2) or None
    return key, None


@dataclass(frozen=True)
class Mapping:
    """Header → field tables for every kind (the built-in ones plus a file's)."""

    by_kind: dict[str, dict[str, str]]

    @classmethod
    def load(cls, path: Path | None = None) -> Mapping:
        """The built-in mapping, extended by the mapping file ``path`` when given.

        Raises
        ------
        LoadError
            When the file is not TOML, names an unknown kind or an unknown field.
        """
        tables = {
            kind: {header_key(h)[0]: f for f, headers in fields.items() for h in headers[::-1]}
            for kind, fields in BUILTIN.items()
        }
        if path is None:
            return cls(tables)
        try:
            data = tomllib.loads(read_user_text(path, "列映射文件", "utf-8-sig"))
        except tomllib.TOMLDecodeError as exc:
            raise LoadError(f"列映射文件 {path} 不是有效的 TOML：{exc}") from exc
        for kind, table in data.items():
            if kind not in BUILTIN or not isinstance(table, dict):
                raise LoadError(f"{path}：[{kind}] 不是 {'、'.join(KINDS)} 之一")
            for header, field in table.items():
                if field not in BUILTIN[kind] and field != "ignore":
                    known = ", ".join(BUILTIN[kind])
                    raise LoadError(f"{path}：[{kind}] {header!r} = {field!r}：不是 {known} 之一")
                tables[kind][header_key(header)[0]] = field
        return cls(tables)

    def field(self, kind: str, header: str) -> str | None:
        """The field of ``kind`` that ``header`` maps to, or None.

        A ``parent_child`` header (from a merged group header) that is not mapped as a
        whole maps by its child part: ``基本信息_法定代表人`` → ``legal_rep``.
        """
        key = header_key(header)[0]
        table = self.by_kind[kind]
        return table.get(key) or table.get(key.rsplit("_", 1)[-1])

    def score(self, kind: str, headers: list[str]) -> int:
        """How many distinct fields of ``kind`` the headers map to (0 if a required one
        is missing): used to guess a table's kind."""
        fields = {self.field(kind, h) for h in headers} - {None, "ignore"}
        return len(fields) if all(f in fields for f in REQUIRED[kind]) else 0


#: Rows read, from the first filled one, to find a header of two or more cells.
HEADER_SCAN = 1000


@dataclass
class Table:
    """A sheet with its header found: column names, then the data rows as they stream.

    Attributes
    ----------
    sheet : str
    columns : list of str
    rows : iterator of (int, list of Value)
        Data rows (row number, cells), merged ranges filled down; read once.
    header_rows : int
        Rows the header takes (2 under a group header).
    header_row : int
        Row number of the header's last row.
    issues : list of CellIssue
        The sheet's reader issues (see :class:`loaders.office.readers.Sheet`).
    """

    sheet: str
    columns: list[str]
    rows: Iterator[tuple[int, list[Value]]]
    header_rows: int
    header_row: int = 1
    issues: list[CellIssue] = dataclasses.field(default_factory=list)


def find_table(sheet: Sheet) -> Table | None:
    """Find the header of a sheet and return its columns and data rows.

    The header is the first row with two or more filled cells among the first
    :data:`HEADER_SCAN` rows from the first filled one (a title row above it, usually
    one merged cell, is skipped), else the first filled row (a one-column table). When
    cells of the header row are merged across columns (a group header such as 联系人
    over 姓名 | 电话), the row below is part of the header and the columns are named
    ``parent_child`` (``联系人_姓名``); a header cell merged down over both rows keeps
    its one name. Cells merged down in the body are filled from the range's first cell.
    Only the rows up to the header are read here; the body streams.

    Returns
    -------
    Table or None
        None when the sheet has no filled row.
    """
    source = iter(sheet.rows)
    buffered: list[tuple[int, int, list[Value]]] = []  # (index, number, cells)
    index, start, single = -1, None, None
    for number, cells in source:
        index += 1
        filled = sum(1 for c in cells if not _blank(c))
        if not buffered and not filled:
            continue  # blank rows above everything
        buffered.append((index, number, list(cells)))
        if filled >= 2:
            start = len(buffered) - 1
            break
        if filled == 1 and single is None:
            single = len(buffered) - 1
        if len(buffered) >= HEADER_SCAN:
            break
    start = start if start is not None else single
    if start is None:
        return None
    end = start
    while any(r0 == r1 == buffered[end][0] and c1 > c0 for r0, c0, r1, c1 in sheet.merged):
        if end + 1 == len(buffered):
            nxt = next(source, None)
            if nxt is None:
                break
            index += 1
            buffered.append((index, nxt[0], list(nxt[1])))
        end += 1
    head = {i: cells for i, _, cells in buffered[: end + 1]}
    first, last = buffered[start][0], buffered[end][0]
    width = max(len(head[i]) for i in range(first, last + 1))
    for i in range(first, last + 1):
        head[i].extend([None] * (width - len(head[i])))
    for r0, c0, r1, c1 in sheet.merged:  # header: spread across and down
        value = head[r0][c0] if r0 in head and c0 < len(head[r0]) else None
        for r in range(max(r0, first), min(r1, last) + 1):
            for c in range(c0, min(c1 + 1, width)):
                if (r, c) != (r0, c0):
                    head[r][c] = value
    columns = []
    for c in range(width):
        parts = [_clean_header(head[r][c]) for r in range(first, last + 1)]
        parts = [p for i, p in enumerate(parts) if p and (i == 0 or p != parts[i - 1])]
        columns.append("_".join(parts))
    body = buffered[end + 1 :]
    rows = _body(sheet, head, body, source, last, index, width)
    return Table(sheet.name, columns, rows, end - start + 1, buffered[end][1], sheet.issues)


def _body(
    sheet: Sheet,
    head: dict[int, list[Value]],
    body: list[tuple[int, int, list[Value]]],
    source: Iterator[tuple[int, list[Value]]],
    last: int,
    index: int,
    width: int,
) -> Iterator[tuple[int, list[Value]]]:
    """Data rows after the header, each range merged down filled from its first cell."""
    merged = sheet.merged
    done = 0  # ranges of ``merged`` taken into ``down``
    down: dict[int, tuple[Value, int, int]] = {}  # column → (value, first row, last row)

    def rows() -> Iterator[tuple[int, int, list[Value]]]:
        yield from body
        i = index
        for number, cells in source:
            i += 1
            yield i, number, cells

    for i, number, cells in rows():
        cells = list(cells)
        if len(cells) < width:
            cells.extend([None] * (width - len(cells)))
        while done < len(merged) and merged[done][0] <= i:
            r0, c0, r1, _ = merged[done]
            done += 1
            if r1 <= last or r1 < i:
                continue
            if r0 in head:
                value = head[r0][c0] if c0 < len(head[r0]) else None
            else:
                value = cells[c0] if r0 == i and c0 < len(cells) else None
            down[c0] = (value, r0, r1)
        for c, (value, r0, r1) in list(down.items()):
            if i > r1:
                del down[c]
            elif i > r0:
                if c >= len(cells):
                    cells.extend([None] * (c + 1 - len(cells)))
                cells[c] = value
        yield number, cells


def _blank(value: Value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_header(value: Value) -> str:
    if _blank(value):
        return ""
    text = unicodedata.normalize("NFKC", str(value).replace("\ufeff", ""))
    return re.sub(r"\s+", "", text).strip("\"'“”‘’")


def amount_unit(header: str) -> str:
    """The amount unit a header names in brackets, default 元.

    Examples
    --------
    >>> amount_unit("注册资本（万元）"), amount_unit("注册资本")
    ('万元', '元')
    """
    unit = header_key(header)[1]
    return unit if unit in AMOUNT_UNITS else "元"
