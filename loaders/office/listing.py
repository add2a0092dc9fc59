"""Columns of exchange listings and registers in a company table, and the firm's region.

An office downloads the exchange's own list (the SZSE "A股列表": 公司全称, 注册地址,
A股代码/简称, B股代码/简称, 上市日期, 省份, 城市) or a register export and loads it as a
company table. Besides the roster columns of :mod:`loaders.office.node_rows`, a row gives:

- a B-share code and short name (the firm's second listing: same node, one more code);
- a listing date (``listed_on``);
- its region: the 行政区划代码 column when filled, else the division its registered
  address, city and province name (:func:`resolve.places.locate`: county when the
  address names one, else city, else province), else the region its legal name starts
  with (:func:`resolve.places.region_of_name`). A row placed by none of them counts as
  outside any home region: warned about (``no_region``), or once per file
  (``no_region_column``, row 0) when the table has no column that could place it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph.ids import node_id
from graph.schema import NodeKind, Region
from loaders.office.values import parse_date
from resolve.normalise import stock_code
from resolve.places import locate, region_name, region_of_name

if TYPE_CHECKING:
    from loaders.office.node_rows import Cells, RowBuilder


def _text(cells: Cells, name: str) -> str:
    from loaders.office.node_rows import text_of

    return text_of(cells.get(name, (None, ""))[0])


def listing_props(run: RowBuilder, cells: Cells, row: int) -> dict[str, Any]:
    """Extra Company properties of one row: more codes and aliases, listing date.

    Returns
    -------
    dict
        ``stock_codes`` (the B-share code, if any), ``aliases`` (B-share short name)
        and ``listed_on``, each only when the row fills it. English names are not
        aliases: the SZSE list's English name of 001872 is the name Forbes gives its
        Hong Kong-listed subsidiary (China Merchants Port Holdings). An unreadable
        B code or date is warned about and left out.
    """
    props: dict[str, Any] = {"stock_codes": [], "aliases": []}
    raw = run.code(cells, "stock_code_b", row) if "stock_code_b" in cells else ""
    if raw:
        code = stock_code(raw)
        if code is None:
            run.warn(row, cells["stock_code_b"][1], "bad_stock_code", f"不是股票代码：{raw!r}")
        else:
            props["stock_codes"].append(code)
    if _text(cells, "short_name_b"):
        props["aliases"].append(_text(cells, "short_name_b"))
    if _text(cells, "listed_on"):
        try:
            props["listed_on"] = parse_date(cells["listed_on"][0])
        except ValueError as exc:
            run.warn(row, cells["listed_on"][1], "bad_date", f"{exc}；留空")
    return props


def placed_region(run: RowBuilder, cells: Cells, name: str, row: int) -> str | None:
    """The Region id of a row without a 行政区划代码: from address, city, province, name.

    The Region node is created on first use, named officially (潍坊市, 广饶县).
    """
    place = locate(_text(cells, "province"), _text(cells, "city"), _text(cells, "address"))
    place = place or region_of_name(name)
    columns = [c for c in ("region_code", "address", "city", "province") if c in cells]
    if place is None and not columns:
        if not any(i.code == "no_region_column" and i.file == run.file for i in run.report.issues):
            message = (
                "没有 行政区划代码、地址、城市 或 省份 列：名称中不含地名的企业"
                "不计为任何地区的本地企业"
            )
            run.warn(0, "", "no_region_column", message)
    elif place is None:
        column = cells[columns[0]][1]
        message = "行政区划代码、地址、城市和省份都无法定位：不计为任何地区的本地企业"
        run.warn(row, column, "no_region", message)
    if place is None:
        return None
    rid = node_id(NodeKind.REGION, place.code)
    if not run.known(rid):
        official = region_name(place.code) or place.code
        run.add(Region(id=rid, name=official, code=place.code, sources=[run.source(row)]))
    return rid
