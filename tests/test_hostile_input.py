"""Careless and hostile tables (issue 16): each test's input is the reproduction.

Every file is written by the test at ``tmp_path``; expected values are worked out by
hand in the comments.
"""

from __future__ import annotations

import json
import os
import re
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from cli.app import app
from graph.errors import LoadError
from graph.schema import Company, Industry, NodeKind
from graph.store import Store, open_store
from loaders.office.csv_folder import load_folder
from loaders.office.limits import LimitError, Limits
from loaders.office.table_loader import load_dir, load_table
from loaders.report import LoadReport
from resolve.index import CompanyIndex

runner = CliRunner()


def load(path: Path, store: Store | None = None, **kw: Any) -> tuple[Store, LoadReport]:
    store = store if store is not None else open_store(path.parent / "g.db")
    return store, load_table(path, store, CompanyIndex.from_store(store), **kw)


def names(store: Store, kind: NodeKind) -> list[str]:
    return sorted(n.name for n in store.nodes(kind))


# -- 2. size limits ----------------------------------------------------------------


def test_span_bomb_is_refused_at_once(tmp_path: Path) -> None:
    # A 514-byte HTML "xls" whose cells span 1000 x 1000 took 1.7 GB.
    cell = "<td rowspan=1000 colspan=1000>x</td>"
    path = tmp_path / "名录.xls"
    path.write_text("<html><table>" + f"<tr>{cell}{cell}</tr>" * 6 + "</table></html>", "utf-8")
    started = time.perf_counter()
    with pytest.raises(
        LimitError, match=r"名录\.xls.*上限 100,000.*--limit span=.*ZHAOSHANG_MAX_SPAN"
    ):
        load(path)
    assert time.perf_counter() - started < 5


def test_spans_cover_only_rows_that_exist_and_obey_a_raised_limit(tmp_path: Path) -> None:
    path = tmp_path / "企业.html"
    path.write_text(
        "<table><tr><th>企业名称</th><th>所属行业</th></tr>"
        "<tr><td>甲科技有限公司</td><td rowspan=30 colspan=2>软件</td></tr>"
        "<tr><td>乙科技有限公司</td></table>",
        "utf-8",
    )
    with pytest.raises(LimitError, match="span"):
        load(path, limits=Limits(span=59))  # 30 x 2 = 60 cells
    store, report = load(path, limits=Limits(span=60))
    assert report.rows_read == 2  # the rowspan of 30 made no rows
    assert names(store, NodeKind.INDUSTRY) == ["软件"]  # filled down into 乙's row


def _bomb(path: Path, rows: int) -> None:
    """A real workbook whose sheet part repeats one long row: tiny zipped, huge inflated."""
    wb = openpyxl.Workbook()
    wb.active.append(["企业名称", "所属行业"])
    plain = path.with_suffix(".plain.xlsx")
    wb.save(plain)
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b"A" * 1000 + b"</t></is></c></row>"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", row * rows + b"</sheetData>")
            out.writestr(info.filename, data, zipfile.ZIP_DEFLATED, 9)


def test_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    # A 750 KB xlsx took 2 GB and ended in a traceback. Here 50 KB zipped, 51 MB inflated.
    path = tmp_path / "目标企业.xlsx"
    _bomb(path, 50_000)
    assert path.stat().st_size < 200_000
    started = time.perf_counter()
    with pytest.raises(LimitError, match=r"目标企业\.xlsx.*sheet1\.xml.*--limit zip_ratio="):
        load(path)
    assert time.perf_counter() - started < 5
    result = runner.invoke(app, ["load", "table", str(path), "--graph", str(tmp_path / "c.db")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "ZHAOSHANG_MAX_ZIP_RATIO" in result.stderr


def test_a_huge_merged_range_in_xlsx_is_refused(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()  # (openpyxl itself would make every merged cell: written by hand)
    ws = wb.active
    ws.append(["企业名称", "所属行业"])
    ws.append(["甲科技有限公司", "软件"])
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    path = tmp_path / "名录.xlsx"
    merge = b'<mergeCells count="1"><mergeCell ref="B2:XFD1048576"/></mergeCells>'
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":  # 1,048,575 x 16,383 cells
                data = data.replace(b"</sheetData>", b"</sheetData>" + merge)
            out.writestr(info.filename, data)
    started = time.perf_counter()
    with pytest.raises(LimitError, match=r"B2:XFD1048576"):
        load(path)
    assert time.perf_counter() - started < 5


def test_row_and_cell_limits_stop_reading_and_the_cli_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "企业名录.csv"
    rows = "".join(f"企业{i}有限公司,软件\n" for i in range(10))
    path.write_text("企业名称,所属行业\n" + rows, "utf-8")
    store, report = load(path, limits=Limits(rows=5))  # header + 4 rows read
    assert names(store, NodeKind.COMPANY) == [f"企业{i}有限公司" for i in range(4)]
    problems = [i for i in report.issues if i.code != "no_region_column"]  # no place column
    assert [(i.code, i.row) for i in problems] == [("limit_exceeded", 0)]
    assert "行数超过上限 5" in problems[0].message
    assert report.failed_files == ["企业名录.csv"]
    graph = tmp_path / "cli.db"
    args = ["load", "table", str(path), "--graph", str(graph)]
    result = runner.invoke(app, args, env={"ZHAOSHANG_MAX_ROWS": "3"})
    flat = re.sub(r"[\s│]", "", result.stderr)  # the report table folds long messages
    assert result.exit_code == 1 and "ZHAOSHANG_MAX_ROWS" in flat
    result = runner.invoke(app, [*args, "--limit", "rows=100"], env={"ZHAOSHANG_MAX_ROWS": "3"})
    assert result.exit_code == 0, result.output  # the option wins over the environment
    assert "读取 10 行" in result.stderr
    result = runner.invoke(app, [*args, "--limit", "rows=many"])
    assert result.exit_code == 1 and "不是大于 0 的整数" in result.stderr


def test_limits_from_environment_and_options() -> None:
    env = {"ZHAOSHANG_MAX_CELLS": "1,000", "ZHAOSHANG_MAX_SPAN": "7"}
    limits = Limits.load(["span=9", "cell-chars=10"], environ=env)
    assert (limits.cells, limits.span, limits.cell_chars, limits.rows) == (1000, 9, 10, 2_000_000)
    with pytest.raises(LoadError, match="无法识别的限制"):
        Limits.load(["width=3"], environ={})


# -- 3. tracebacks and wrong values ----------------------------------------------------


def test_a_1mb_cell_is_an_issue_naming_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "企业.csv"  # was: _csv.Error "field larger than field limit"
    big = "x" * 1_000_000
    path.write_text(
        f"企业名称,备注\n甲科技有限公司,{big}\n{big},说明\n乙科技有限公司,好\n", "utf-8"
    )
    store, report = load(path)
    assert names(store, NodeKind.COMPANY) == ["乙科技有限公司", "甲科技有限公司"]
    found = {(i.row, i.field, i.code, i.severity) for i in report.issues}
    assert found - {(0, "", "no_region_column", "warning")} == {
        (2, "备注", "cell_too_long", "warning"),  # the note left empty, the row loads
        (3, "企业名称", "cell_too_long", "warning"),
        (3, "企业名称", "missing_name", "error"),  # so row 3 has no name
    }
    assert "1,000,000 个字符" in report.issues[0].message


def test_a_1mb_cell_in_a_folder_table(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "products.csv").write_text(f"name,note\n锂电池,{'x' * 1_000_000}\n正极材料,\n")
    store = open_store(tmp_path / "g.db")
    report = load_folder(folder, store, CompanyIndex())
    assert names(store, NodeKind.PRODUCT) == ["正极材料", "锂电池"]
    assert [(i.row, i.field, i.code) for i in report.issues] == [(2, "note", "cell_too_long")]


def test_missing_marks_are_missing_values(tmp_path: Path) -> None:
    # "所属行业": NaN became an industry named "nan".
    path = tmp_path / "企业.json"
    path.write_text(
        '[{"企业名称": "甲科技有限公司", "所属行业": NaN},'
        ' {"企业名称": "乙科技有限公司", "所属行业": "null", "注册资本": Infinity},'
        ' {"企业名称": "丙科技有限公司", "所属行业": " NaN ", "成立日期": "None"},'
        ' {"企业名称": "丁科技有限公司", "所属行业": null, "证券代码": "#N/A"}]',
        "utf-8",
    )
    store, report = load(path)
    assert names(store, NodeKind.INDUSTRY) == []
    assert len(names(store, NodeKind.COMPANY)) == 4 and _placeless(report)
    csv = tmp_path / "企业.csv"
    csv.write_text("企业名称,所属行业\n甲科技有限公司,NaN\n乙科技有限公司,None\n", "utf-8")
    store, report = load(csv, open_store(tmp_path / "h.db"))
    assert names(store, NodeKind.INDUSTRY) == [] and _placeless(report)


def test_control_characters_are_removed_at_the_reader(tmp_path: Path) -> None:
    # NUL kept in names made a separate industry "软\0件".
    path = tmp_path / "企业.csv"
    path.write_text(
        "企业名称,所属行业\n"
        "甲科技有限公司,软\x00件\n"
        "乙科技\u202e有限公司,软件\x07\n"  # a bidi override and a bell
        "丙科技有限公司\x1b[31m,软件\n",  # an escape sequence: ESC goes, "[31m" stays text
        "utf-8",
    )
    store, _ = load(path)
    assert names(store, NodeKind.INDUSTRY) == ["软件"]
    assert names(store, NodeKind.COMPANY) == [
        "丙科技有限公司[31m",
        "乙科技有限公司",
        "甲科技有限公司",
    ]


def test_a_declared_charset_is_honoured(tmp_path: Path) -> None:
    # An HTML "xls" declaring big5 was decoded as GB18030: mojibake, exit 0.
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5">'
        "</head><body><table><tr><td>企業名稱</td><td>所屬行業</td></tr>"
        "<tr><td>台灣積體電路製造股份有限公司</td><td>半導體</td></tr></table></body></html>"
    )
    path = tmp_path / "名錄.xls"
    path.write_bytes(html.encode("big5"))
    store, report = load(path)
    assert names(store, NodeKind.COMPANY) == ["台灣積體電路製造股份有限公司"]
    assert names(store, NodeKind.INDUSTRY) == ["半導體"]
    assert report.read_as["名錄.xls"].startswith("html（扩展名为 .xls）, big5hkscs（文件声明）")
    xml = tmp_path / "xml.html"  # an XML declaration names the charset too
    xml.write_bytes(('<?xml version="1.0" encoding="big5"?>' + html).encode("big5"))
    store, _ = load(xml, open_store(tmp_path / "x.db"))
    assert names(store, NodeKind.INDUSTRY) == ["半導體"]
    liar = tmp_path / "liar.html"  # declares UTF-8, holds GBK: the bytes win
    liar.write_bytes(html.replace("big5", "utf-8").replace("企業名稱", "企业名称").encode("gbk"))
    _, report = load(liar, open_store(tmp_path / "l.db"))
    assert ", gb18030, " in report.read_as["liar.html"]


def test_one_line_json_lines_and_single_objects(tmp_path: Path) -> None:
    # A one-line JSONL was refused as "JSON must be an array".
    path = tmp_path / "企业.jsonl"
    path.write_text('{"企业名称": "甲科技有限公司", "所属行业": "软件"}\n', "utf-8")
    store, report = load(path)
    assert names(store, NodeKind.COMPANY) == ["甲科技有限公司"] and _placeless(report)
    lines = tmp_path / "多行.jsonl"
    lines.write_text('{"企业名称": "乙科技有限公司"}\nnot json\n[1]\n{"企业名称": "丙有限公司"}\n')
    store, report = load(lines, open_store(tmp_path / "m.db"))
    assert names(store, NodeKind.COMPANY) == ["丙有限公司", "乙科技有限公司"]
    problems = [(i.row, i.code) for i in report.issues if i.code != "no_region_column"]
    assert problems == [(2, "bad_json"), (3, "bad_json")]


def _placeless(report: LoadReport) -> bool:
    """No issue but the warning that the table has no place column (these have none)."""
    return [i.code for i in report.issues] in ([], ["no_region_column"])


def test_date_times_keep_the_date(tmp_path: Path) -> None:
    path = tmp_path / "企业.csv"
    path.write_text(
        "企业名称,成立日期\n甲科技有限公司,2015年04月08日10:05\n乙科技有限公司,2015-04-08T10:05:00+08:00\n",
        "utf-8",
    )
    store, report = load(path)
    assert _placeless(report)
    dates = {n.name: n.founded_on for n in store.nodes(NodeKind.COMPANY)}  # type: ignore[union-attr]
    assert {str(d) for d in dates.values()} == {"2015-04-08"}


def test_touching_a_file_and_reloading_changes_nothing(tmp_path: Path) -> None:
    # Touching a file and reloading added a provenance source to every record.
    path = tmp_path / "本地企业名录.csv"
    path.write_text("企业名称,所属行业,注册资本（万元）\n甲科技有限公司,软件,500\n", "utf-8")
    graph = tmp_path / "g.db"
    args = ["load", "table", str(path), "--graph", str(graph)]
    assert runner.invoke(app, args).exit_code == 0
    first = graph.read_bytes()
    later = path.stat().st_mtime + 3600
    os.utime(path, (later, later))
    assert runner.invoke(app, args).exit_code == 0
    assert graph.read_bytes() == first  # byte for byte
    path.write_text("企业名称,所属行业,注册资本（万元）\n甲科技有限公司,软件,800\n", "utf-8")
    os.utime(path, (later + 60, later + 60))
    assert runner.invoke(app, args).exit_code == 0
    store = open_store(graph)
    [firm] = store.nodes(NodeKind.COMPANY)
    assert isinstance(firm, Company)
    assert str(firm.registered_capital_yuan) == "8000000"  # the changed row wins
    assert len(firm.sources) == 2  # the old row's source stays, traceable
    [industry] = store.nodes(NodeKind.INDUSTRY)
    assert isinstance(industry, Industry) and len(industry.sources) == 1  # first sighting


# -- 4. a header that fits no kind ---------------------------------------------------------


def test_a_header_that_fits_no_kind_fails_loudly(tmp_path: Path) -> None:
    folder = tmp_path / "表格"
    folder.mkdir()
    bad = folder / "data.csv"
    bad.write_text("名字,地点\n甲,乙\n", "utf-8")
    (folder / "企业名录.csv").write_text("企业名称\n甲科技有限公司\n", "utf-8")
    graph = tmp_path / "g.db"
    result = runner.invoke(app, ["load", "table", str(bad), "--graph", str(graph)])
    assert result.exit_code == 1
    flat = re.sub(r"[\s│]", "", result.stderr)  # the report table folds long messages
    assert "没有识别出任何列" in flat and "看到的表头：名字、地点" in flat
    assert "company：编号、企业名称" in flat  # the headers it expects
    result = runner.invoke(app, ["load", "dir", str(folder), "--graph", str(graph)])
    assert result.exit_code == 1 and "data.csv" in result.stderr
    assert names(open_store(graph), NodeKind.COMPANY) == ["甲科技有限公司"]  # the others load
    store = open_store(tmp_path / "k.db")
    report = load_dir(folder, store, CompanyIndex())
    assert report.failed_files == ["data.csv"]
    _, report = load(bad, open_store(tmp_path / "p.db"), kind="person")
    assert [i.code for i in report.issues] == ["unknown_column", "unknown_column", "missing_column"]
    assert "person 表缺少必需的列：姓名" in report.issues[-1].message


def test_reader_messages_are_single_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"企业名称": "甲"}])[:-1], "utf-8")  # cut short
    with pytest.raises(LoadError) as info:
        load(path)
    assert "\n" not in str(info.value) and "a.json" in str(info.value)
