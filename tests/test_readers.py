"""Readers and header mapping: encodings, formats by content, merged cells, headers."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import openpyxl
import pytest

import loaders.office.limits
import loaders.office.mapping
import loaders.office.read_books
import loaders.office.readers
from graph.errors import LoadError
from loaders.office.limits import Limits
from loaders.office.mapping import Mapping, find_table, header_key
from loaders.office.readers import decode, read_workbook

ROSTER = (
    "企业名称,统一社会信用代码,证券代码,注册资本（万元）,成立日期\n"
    "岚港锂能科技股份有限公司,91379900MA3DG0001Q,609101,5000,2015-03-01\n"
    "岚港新材料科技有限公司,91379900MA3DG0001Q,000001,壹仟万元整,2019年5月20日\n"
)


def rows_of(path: Path) -> list[list[object]]:
    with read_workbook(path) as book:
        table = find_table(next(book.sheets))
        assert table is not None
        return [table.columns, *(r for _, r in table.rows)]


def numbered(path: Path) -> list[tuple[int, list[object]]]:
    """The data rows of the first sheet with their row numbers."""
    with read_workbook(path) as book:
        table = find_table(next(book.sheets))
        assert table is not None
        return list(table.rows)


def fmt_of(path: Path) -> tuple[str, str | None]:
    with read_workbook(path) as book:
        return book.format, book.encoding


@pytest.mark.parametrize(
    ("encoding", "recorded"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_every_encoding_gives_identical_rows(tmp_path: Path, encoding: str, recorded: str) -> None:
    path = tmp_path / f"roster-{encoding}.csv"
    path.write_bytes(ROSTER.encode(encoding))
    reference = tmp_path / "reference.csv"
    reference.write_text(ROSTER, "utf-8")
    assert rows_of(path) == rows_of(reference)
    assert fmt_of(path)[1] == recorded
    assert rows_of(path)[0][0] == "企业名称"  # no BOM left on the first header
    assert rows_of(path)[2][2] == "000001"  # leading zeros kept


def test_gb18030_only_characters(tmp_path: Path) -> None:
    text = "名称,说明\n𠀀记商行,GB18030 四字节字符\n"  # U+20000 is not in GBK
    path = tmp_path / "a.csv"
    path.write_bytes(text.encode("gb18030"))
    assert rows_of(path)[1] == ["𠀀记商行", "GB18030 四字节字符"]


def test_utf8_with_one_bad_byte_is_refused_not_mojibake(tmp_path: Path) -> None:
    data = "企业名称,地址\n岚港锂能,岚港市\n".encode() + b"\xff\xfe\n"
    path = tmp_path / "broken.csv"
    path.write_bytes(data)
    with pytest.raises(
        LoadError, match=r"不是 utf-8 编码的文本（第 3 行，偏移 \d+ 处的字节 0xff）"
    ):
        read_workbook(path)


def test_decode_prefers_strict_utf8() -> None:
    assert decode("企业".encode()) == ("企业", "utf-8")
    assert decode(b"\xef\xbb\xbf" + "企业".encode()) == ("企业", "utf-8-sig")


def test_xls_that_is_html_loads_with_rowspan_and_colspan(tmp_path: Path) -> None:
    html = (
        "<html><head><meta charset='gbk'></head><body><table>"
        "<tr><td rowspan=2>企业名称</td><td colspan=2>基本信息</td></tr>"
        "<tr><td>法定代表人</td><td>注册资本(万元)</td></tr>"
        "<tr><td>岚港锂能</td><td>刘志强</td><td>5,000</td></tr>"
        "<tr><td>岚港新材</td><td>王芳</td><td>800</td></tr>"
        "</table></body></html>"
    )
    path = tmp_path / "名录.xls"
    path.write_bytes(html.encode("gbk"))
    assert fmt_of(path) == ("html", "gb18030")
    assert rows_of(path) == [
        ["企业名称", "基本信息_法定代表人", "基本信息_注册资本(万元)"],
        ["岚港锂能", "刘志强", "5,000"],
        ["岚港新材", "王芳", "800"],
    ]


def test_xls_that_is_tsv_loads(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_bytes("企业名称\t证券代码\n岚港锂能\t609101\n".encode("gbk"))
    assert fmt_of(path)[0] == "tsv"
    assert rows_of(path) == [["企业名称", "证券代码"], ["岚港锂能", "609101"]]


def test_the_error_names_the_real_format(tmp_path: Path) -> None:
    pdf = tmp_path / "500强.xls"
    pdf.write_bytes(b"%PDF-1.7\n...")
    with pytest.raises(LoadError, match="这是 PDF 文件"):
        read_workbook(pdf)
    docx = tmp_path / "名单.xlsx"
    import zipfile

    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    with pytest.raises(LoadError, match="这是 DOCX 文件"):
        read_workbook(docx)


def test_xlsx_with_title_row_merged_header_and_filled_down_body(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2024年规上企业名录"])
    ws.merge_cells("A1:D1")
    ws.append(["企业名称", "联系人", None, "所属行业"])
    ws.append([None, "姓名", "电话", None])
    ws.merge_cells("B2:C2")
    ws.merge_cells("A2:A3")
    ws.merge_cells("D2:D3")
    ws.append(["岚港锂能", "刘志强", "0546-1", "电池"])
    ws.append(["岚港储能", "李明", "0546-2", None])
    ws.merge_cells("D4:D5")  # one 所属行业 cell for both firms
    path = tmp_path / "roster.xlsx"
    wb.save(path)
    with read_workbook(path) as book:
        table = find_table(next(book.sheets))
        assert table is not None
        assert table.columns == ["企业名称", "联系人_姓名", "联系人_电话", "所属行业"]
        assert table.header_rows == 2
        rows = list(table.rows)
    assert rows == [
        (4, ["岚港锂能", "刘志强", "0546-1", "电池"]),
        (5, ["岚港储能", "李明", "0546-2", "电池"]),
    ]


def test_json_and_json_lines(tmp_path: Path) -> None:
    items = [
        {"企业名称": "岚港锂能", "证券代码": "609101"},
        {"企业名称": "岚港新材", "标签": ["a", "b"]},
    ]
    array = tmp_path / "a.json"
    array.write_text(json.dumps({"data": items}, ensure_ascii=False), "utf-8")
    lines = tmp_path / "a.jsonl"
    lines.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items), "utf-8")
    expected = [
        ["企业名称", "证券代码", "标签"],
        ["岚港锂能", "609101", None],
        ["岚港新材", None, "a;b"],
    ]
    assert rows_of(array) == expected
    assert rows_of(lines) == expected
    assert fmt_of(lines)[0] == "jsonl"
    assert [n for n, _ in numbered(lines)] == [1, 2]


def test_header_cleaning_and_units() -> None:
    assert header_key("\ufeff“企业　名称”") == ("企业名称", None)
    assert header_key("注册资本（万元）*") == ("注册资本", "万元")
    mapping = Mapping.load()
    assert mapping.field("company", "统一社会信用代码") == "uscc"
    assert mapping.field("company", "基本信息_法定代表人") == "legal_rep"
    assert mapping.field("company", "'证券代码'") == "stock_code"
    assert mapping.field("company", "电话") is None


def test_mapping_file_extends_the_builtin_one(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text('[company]\n"纳税人名称" = "name"\n"税号" = "uscc"\n', "utf-8")
    mapping = Mapping.load(path)
    assert mapping.field("company", "纳税人名称") == "name"
    assert mapping.field("company", "企业名称") == "name"
    path.write_text('[company]\n"税号" = "tax_id"\n', "utf-8")
    with pytest.raises(LoadError, match="'tax_id'：不是"):
        Mapping.load(path)
    path.write_text('[firms]\n"税号" = "uscc"\n', "utf-8")
    with pytest.raises(LoadError, match=r"\[firms\] 不是"):
        Mapping.load(path)


def test_doctests() -> None:
    for module in (loaders.office.readers, loaders.office.mapping, loaders.office.limits):
        assert doctest.testmod(module).failed == 0


def test_calamine_sheets_keep_merged_ranges_and_numbers(tmp_path: Path) -> None:
    # No library writes BIFF .xls; python-calamine reads XLSX through the same code path.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名录"
    ws.append(["企业名称", "工商信息", None])
    ws.append([None, "注册资本(万元)", "成立日期"])
    ws.merge_cells("B1:C1")
    ws.merge_cells("A1:A2")
    ws.append(["岚港锂能", 5000, 45066])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    budget = loaders.office.readers.Budget(path.name, Limits())
    with loaders.office.read_books.open_xls(path, budget) as book:
        [sheet] = list(book.sheets)
        assert sheet.name == "名录" and sorted(sheet.merged) == [(0, 0, 1, 0), (0, 1, 0, 2)]
        table = find_table(sheet)
        assert table is not None
        assert table.columns == ["企业名称", "工商信息_注册资本(万元)", "工商信息_成立日期"]
        assert list(table.rows) == [(3, ["岚港锂能", 5000.0, 45066.0])]


def test_a_damaged_xls_is_named(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(LoadError, match="XLS 文件已损坏"):
        read_workbook(path)


def test_the_example_mapping_file_loads() -> None:
    path = Path(__file__).resolve().parent.parent / "examples" / "tables" / "mapping.toml"
    mapping = Mapping.load(path)
    assert mapping.field("company", "纳税人识别号") == "uscc"
    assert mapping.field("relation", "认缴出资额（万元）") == "amount"
    assert mapping.field("company", "联系电话") == "ignore"


def test_percent_cells_read_as_percentages(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["主体", "持股比例"])
    ws.append(["甲", 0.51])
    ws.append(["乙", 0.125])
    ws.append(["丙", 1])
    for cell in ("B2", "B3", "B4"):
        ws[cell].number_format = "0.00%"
    path = tmp_path / "p.xlsx"
    wb.save(path)
    assert [r[1] for r in rows_of(path)[1:]] == ["51%", "12.5%", "100%"]
