"""Loading office tables: rosters, relation sheets, templates, reloads, the CLI.

Every fixture is written by the test itself; expected values are worked out by hand in
the comments.
"""

from __future__ import annotations

import datetime as dt
import doctest
import os
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import loaders.office.table_loader
from cli.app import app
from graph.errors import LoadError, UsageError
from graph.schema import Company, NodeKind, Person, RelKind, Source, merge_records
from graph.sqlite_store import SqliteStore
from loaders.office.mapping import Mapping
from loaders.office.table_loader import load_dir, load_table
from loaders.office.templates import TEMPLATE_FILES, write_templates
from loaders.report import LoadReport
from resolve.index import CompanyIndex

LINENG = "Company:uscc:91379900MA3DG0001Q"  # valid USCC (check character Q)
XINCAI = "Company:name:岚港新材料科技"
GUANGFU = "Company:name:岚港光伏科技"  # its USCC ends in X, the right check is 2
CHUNENG = "Company:002658"  # stock code 2658 stored as a number → 002658.SZ


def roster(path: Path) -> Path:
    """An Excel roster as offices make them: a title row, a two-row merged header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "规上企业"
    ws.append(["2024年岚港市规上企业名录"])
    ws.merge_cells("A1:I1")
    ws.append(
        [
            "序号",
            "企业名称",
            "统一社会信用代码",
            "证券代码",
            "LEI",
            "工商信息",
            None,
            None,
            "所属行业",
        ]
    )
    ws.append([None, None, None, None, None, "法定代表人", "注册资本（万元）", "成立日期", None])
    for col in "ABCDEI":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("F2:H2")
    ws.append([1, "岚港锂能科技股份有限公司", "91379900MA3DG0001Q", "609101",
               "5493001KJTIIGC8Y1R12", "刘志强", 5000, "2015-03-01", "电池"])  # fmt: skip
    ws.append([2, "岚港新材料科技有限公司", 913799001234567890, None, "5493001KJTIIGC8Y1R21",
               "王芳", "1.2亿元", 42000, None])  # fmt: skip
    ws.append([3, "岚港光伏科技有限公司", "91379900MA3DG0004X", None, None,
               "赵磊", "壹仟万元整", "2019年5月20日", "光伏设备"])  # fmt: skip
    # n/a reads as no value (no bad_amount warning)
    ws.append([4, "岚港储能系统有限公司", None, 2658, None, "孙伟", "n/a", "2020/13/1", None])
    ws.merge_cells("I6:I7")  # 光伏设备 written once for rows 6 and 7
    ws.append([None, None, None, None, None, None, None, None, None])  # blank row
    ws.append([6, None, None, None, None, "无名", 1, None, None])  # no name: skipped
    wb.save(path)
    return path


RELATIONS = (
    "主体,对象,关系类型,持股比例,开始日期,结束日期\n"
    "岚港锂能科技股份有限公司,岚港储能系统有限公司,持股,51%,2021年3月1日,\n"
    "岚港新材料科技有限公司,深圳澜拓新能源有限公司,供应,,,\n"
    "张三,岚港锂能科技股份有限公司,任职,,,\n"
    "岚港锂能科技股份有限公司,岚港光伏科技有限公司,朋友,,,\n"
    "岚港锂能科技股份有限公司,岚港光伏科技有限公司,合资,,2023/5/20,2020-01-01\n"
    "岚港锂能科技股份有限公司,岚港光伏科技有限公司,结拜,,,\n"
    "91379900MA3DG0001Q,岚港光伏科技有限公司,合作,,45066,\n"
)


@pytest.fixture()
def office(tmp_path: Path) -> Path:
    folder = tmp_path / "岚港"
    folder.mkdir()
    roster(folder / "本地企业名录.xlsx")
    (folder / "关系表.csv").write_bytes(RELATIONS.encode("gbk"))
    return folder


def load(folder: Path, store: SqliteStore | None = None) -> tuple[SqliteStore, LoadReport]:
    store = store or SqliteStore()
    return store, load_dir(folder, store, CompanyIndex.from_store(store))


def test_roster_values(office: Path) -> None:
    store, _ = load(office)
    lineng = store.get_node(LINENG)
    assert isinstance(lineng, Company)
    assert lineng.stock_codes == ["609101.SH"] and lineng.lei == "5493001KJTIIGC8Y1R12"
    assert lineng.registered_capital_yuan == Decimal("50000000")  # 5000 万元
    assert lineng.founded_on == dt.date(2015, 3, 1)
    assert lineng.sources[0].file == "本地企业名录.xlsx#规上企业" and lineng.sources[0].row == 4
    xincai = store.get_node(XINCAI)  # USCC lost to Excel → keyed by name, no LEI (bad check)
    assert isinstance(xincai, Company) and xincai.uscc is None and xincai.lei is None
    assert xincai.registered_capital_yuan == Decimal("120000000")  # 1.2亿元 wins over 万元
    assert xincai.founded_on == dt.date(2014, 12, 27)  # serial 42000
    guangfu = store.get_node(GUANGFU)
    assert isinstance(guangfu, Company) and guangfu.registered_capital_yuan == Decimal(10**7)
    assert guangfu.founded_on == dt.date(2019, 5, 20)
    chuneng = store.get_node(CHUNENG)
    assert isinstance(chuneng, Company) and chuneng.stock_codes == ["002658.SZ"]
    assert chuneng.registered_capital_yuan is None and chuneng.founded_on is None
    industry = {r.src: r.dst for r in store.relations(RelKind.IN_INDUSTRY)}
    assert industry == {
        LINENG: "Industry:custom:电池",
        GUANGFU: "Industry:custom:光伏设备",
        CHUNENG: "Industry:custom:光伏设备",  # filled down from the merged cell
    }
    reps = {
        (store.get_node(r.src).name, r.dst, tuple(r.roles))  # type: ignore[union-attr]
        for r in store.relations(RelKind.OFFICER_OF)
    }
    assert ("刘志强", LINENG, ("法定代表人",)) in reps and len(reps) == 4
    assert all(isinstance(p, Person) and p.private for p in store.nodes(NodeKind.PERSON))


def test_report_names_every_problem(office: Path) -> None:
    _, report = load(office)
    found = {(i.file, i.sheet, i.row, i.field, i.code, i.severity) for i in report.issues}
    x, s = "本地企业名录.xlsx", "规上企业"
    assert found == {
        (x, s, 5, "统一社会信用代码", "precision_lost", "warning"),
        (x, s, 5, "LEI", "invalid_lei", "warning"),
        (x, s, 6, "统一社会信用代码", "invalid_uscc", "warning"),
        (x, s, 7, "工商信息_成立日期", "bad_date", "warning"),
        (x, s, 9, "企业名称", "missing_name", "error"),
        # no 行政区划代码, address, city or province column, and 岚港 (fictional) is
        # no GB/T 2260 place: the firms cannot be placed (issue 13, fault 7)
        (x, s, 0, "", "no_region_column", "warning"),
        ("关系表.csv", "", 3, "对象", "new_company", "warning"),
        ("关系表.csv", "", 4, "主体", "unknown_reference", "error"),
        ("关系表.csv", "", 5, "主体", "bad_endpoint", "error"),  # 朋友 = KNOWS: from a person only
        ("关系表.csv", "", 6, "结束日期", "bad_date", "error"),  # ends before it starts
        ("关系表.csv", "", 7, "关系类型", "bad_kind", "error"),
    }
    assert report.rows_read == 5 + 7  # the blank row 8 is not counted
    assert report.rows_skipped == 5
    assert report.read_as == {
        "关系表.csv": "csv, gb18030, 表格→relation",
        "本地企业名录.xlsx": "xlsx, 规上企业→company（表头 2 行）",
    }
    assert report.written_by_kind["OWNS"] == 1 and report.written_by_kind["SUPPLIES"] == 1


def test_relations_from_a_gbk_csv(office: Path) -> None:
    store, _ = load(office)
    owns = store.get_relation(f"OWNS:{LINENG}>{CHUNENG}")
    assert owns is not None and owns.share_pct == 51.0 and owns.since == dt.date(2021, 3, 1)
    partner = next(iter(store.relations(RelKind.PARTNERS_WITH)))  # USCC as a reference
    assert {partner.src, partner.dst} == {LINENG, GUANGFU}
    assert partner.since == dt.date(2023, 5, 20)  # serial 45066 in a text cell
    assert store.get_node("Company:name:深圳澜拓新能源") is not None


def test_utf8_and_gbk_copies_load_identically(tmp_path: Path) -> None:
    text = "企业名称,证券代码,注册资本\n岚港锂能科技股份有限公司,609101,500万\n"
    records = []
    for encoding in ("utf-8", "utf-8-sig", "gbk", "gb18030"):
        folder = tmp_path / encoding
        folder.mkdir()
        (folder / "企业.csv").write_bytes(text.encode(encoding))
        store, _ = load(folder)
        records.append([{**n, "sources": []} for n in store.raw_nodes()])
    assert records[0] == records[1] == records[2] == records[3]


def test_reload_changes_nothing_and_a_changed_row_updates(office: Path) -> None:
    store, _ = load(office)
    before = sorted(store.raw_nodes(), key=lambda n: n["id"])
    load(office, store)
    assert sorted(store.raw_nodes(), key=lambda n: n["id"]) == before
    path = office / "本地企业名录.xlsx"
    wb = openpyxl.load_workbook(path)
    wb.active["G4"] = 8000  # 岚港锂能's capital: 5000 → 8000 万元
    wb.save(path)
    later = path.stat().st_mtime + 60
    os.utime(path, (later, later))
    load(office, store)
    lineng = store.get_node(LINENG)
    assert isinstance(lineng, Company)
    assert lineng.registered_capital_yuan == Decimal("80000000")
    assert len(lineng.sources) == 2 and lineng.sources[0].revision < lineng.sources[1].revision  # type: ignore[operator]


def test_merge_by_revision_is_order_independent() -> None:
    def rec(value: str, revision: str | None) -> dict[str, object]:
        src = Source(dataset="d", file="f", row=2, revision=revision).model_dump(mode="json")
        return {"id": "Company:1", "name": "甲公司", "address": value, "sources": [src]}

    old, new = rec("旧地址", "2025-01-01T00:00:00"), rec("新地址", "2026-01-01T00:00:00")
    assert merge_records(old, new)["address"] == merge_records(new, old)["address"] == "新地址"
    assert len(merge_records(old, new)["sources"]) == 2
    plain_a, plain_b = rec("A", None), rec("B", None)  # no revisions: first value stays
    assert merge_records(plain_a, plain_b)["address"] == "A"


@given(
    st.text(min_size=1, max_size=3), st.text(min_size=1, max_size=3),
    st.sampled_from([None, "2025-01-01", "2026-01-01"]),
    st.sampled_from([None, "2025-01-01", "2026-01-01"]),
)  # fmt: skip
def test_merge_by_revision_property(a: str, b: str, rev_a: str | None, rev_b: str | None) -> None:
    def rec(value: str, revision: str | None) -> dict[str, object]:
        src = Source(dataset="d", file="f", row=2, revision=revision).model_dump(mode="json")
        return {"id": "Company:1", "name": "甲公司", "address": value, "sources": [src]}

    ab, ba = (
        merge_records(rec(a, rev_a), rec(b, rev_b)),
        merge_records(rec(b, rev_b), rec(a, rev_a)),
    )
    if rev_a != rev_b:  # the newer revision wins whatever the order
        assert ab["address"] == ba["address"] == (a if (rev_a or "") > (rev_b or "") else b)
    assert merge_records(ab, rec(a, rev_a)) == ab  # re-sending changes nothing


def test_uscc_is_checked_after_nfkc_and_upper_case(tmp_path: Path) -> None:
    path = tmp_path / "企业.csv"
    path.write_text(
        "企业名称,统一社会信用代码\n岚港锂能科技股份有限公司,９１３７９９００ma３dg０００１q\n",
        "utf-8",
    )
    store = SqliteStore()
    issues = load_table(path, store, CompanyIndex()).issues
    assert [(i.row, i.code) for i in issues] == [(0, "no_region_column")]  # no place column
    firm = store.get_node(LINENG)
    assert isinstance(firm, Company) and firm.uscc == "91379900MA3DG0001Q"


def test_one_table_with_kind_and_mapping(tmp_path: Path) -> None:
    path = tmp_path / "targets.json"
    path.write_text(
        '[{"纳税人名称": "远方电池股份有限公司", "代码": "300999"},'
        ' {"纳税人名称": "", "代码": "1"}]',
        "utf-8",
    )
    mapping_file = tmp_path / "m.toml"
    mapping_file.write_text('[company]\n"纳税人名称" = "name"\n"代码" = "stock_code"\n', "utf-8")
    store = SqliteStore()
    report = load_table(path, store, CompanyIndex(), "company", Mapping.load(mapping_file))
    firm = store.get_node("Company:300999")
    assert isinstance(firm, Company) and firm.stock_codes == ["300999.SZ"]
    assert [(i.row, i.code) for i in report.issues] == [
        (0, "no_region_column"),
        (2, "missing_name"),
    ]
    with pytest.raises(UsageError, match="--kind firm：没有这种表格类型"):
        load_table(path, store, CompanyIndex(), "firm")


def test_values_the_schema_refuses_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "企业.csv"
    path.write_text("企业名称,注册资本,统一社会信用代码\n甲公司,-200元,\n", "utf-8")
    store = SqliteStore()
    report = load_table(path, store, CompanyIndex())
    assert [(i.row, i.field, i.code) for i in report.issues] == [
        (0, "", "no_region_column"),
        (2, "注册资本", "bad_amount"),
    ]
    firm = store.get_node("Company:name:甲公司")
    assert isinstance(firm, Company) and firm.registered_capital_yuan is None


def test_an_unreadable_file_does_not_stop_the_folder(tmp_path: Path) -> None:
    (tmp_path / "企业.csv").write_text("企业名称\n岚港锂能科技股份有限公司\n", "utf-8")
    (tmp_path / "500强.xls").write_bytes(b"%PDF-1.4 not a table")
    store, report = load(tmp_path)
    assert store.count_nodes() == {NodeKind.COMPANY: 1}
    [issue] = [i for i in report.issues if i.code != "no_region_column"]
    assert (issue.file, issue.code) == ("500强.xls", "unreadable_file")
    assert "PDF" in issue.message
    with pytest.raises(LoadError, match="这是 PDF 文件"):
        load_table(tmp_path / "500强.xls", store, CompanyIndex())


def test_templates_filled_in_load_back(tmp_path: Path) -> None:
    written = write_templates(tmp_path)
    assert [p.name for p in written] == list(TEMPLATE_FILES.values())
    rows = {
        "company": ["E1", "岚港锂能科技股份有限公司", "岚港锂能", "91379900MA3DG0001Q", None,
                    "609101", "电池", "锂电池:0.75；储能系统", "岚港市滨海大道1号", "379902",
                    "山东", "刘志强", 5000, "2015-03-01", "专精特新；链主"],
        "person": ["P1", "张海涛", "男", None, None, None, "招商大使"],
        "intermediary": ["I1", "深圳岚港商会", "商会", "4403", None],
        "fund": ["F1", "岚港市新兴产业引导基金", "政府引导基金", "3799", None],
        "relation": ["P1", "I1", "会员", None, None, None, "2023年5月20日", None, None, None,
                     None, None],
        "cluster": ["新能源", "电池", None, "锂电池；储能系统", "锂电全链"],
    }  # fmt: skip
    for kind, values in rows.items():
        path = tmp_path / TEMPLATE_FILES[kind]
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames == ["数据", "填写说明"]
        wb["数据"].append(values)
        wb.save(path)
    store, report = load(tmp_path)
    assert [i for i in report.issues if i.severity == "error"] == []
    d = tmp_path.name
    firm = store.get_node(LINENG)
    assert isinstance(firm, Company)
    assert (firm.name, firm.aliases, firm.region_code, firm.address) == (
        "岚港锂能科技股份有限公司", ["岚港锂能"], "379902", "岚港市滨海大道1号"
    )  # fmt: skip
    assert firm.tags == ["专精特新", "链主"]
    assert firm.registered_capital_yuan == Decimal("50000000")
    makes = {r.dst: r.weight for r in store.relations(RelKind.MAKES)}
    assert makes == {"Product:锂电池": 0.75, "Product:储能系统": None}
    member = store.get_relation(f"MEMBER_OF:Person:{d}:P1>Intermediary:{d}:I1")
    assert member is not None and member.since == dt.date(2023, 5, 20)
    assert store.get_node(f"Fund:{d}:F1") is not None
    includes = {r.dst for r in store.relations(RelKind.CLUSTER_INCLUDES)}
    assert includes == {"Industry:custom:电池", "Product:锂电池", "Product:储能系统"}
    assert store.count_nodes()[NodeKind.CLUSTER] == 1


runner = CliRunner()


def test_cli_new_user(office: Path, tmp_path: Path) -> None:
    graph, report = tmp_path / "g.db", tmp_path / "report.xlsx"
    result = runner.invoke(
        app, ["load", "dir", str(office), "--graph", str(graph), "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    assert "读取 12 行" in result.stderr and "unknown_reference 1" in result.stderr
    sheet = openpyxl.load_workbook(report)["问题"]
    assert sheet.max_row == 1 + 11  # header + the 11 issues (one: no region column)
    again = runner.invoke(app, ["load", "table", str(office / "关系表.csv"), "-g", str(graph)])
    assert again.exit_code == 0, again.output
    templates = runner.invoke(app, ["template", str(tmp_path / "t")])
    assert templates.exit_code == 0 and "企业名录.xlsx" in templates.stdout
    missing = runner.invoke(app, ["load", "dir", str(tmp_path / "none"), "-g", str(graph)])
    assert missing.exit_code == 1 and "不存在或不是文件夹" in missing.stderr


def test_doctests() -> None:
    assert doctest.testmod(loaders.office.table_loader).failed == 0


def test_template_notes_say_what_each_column_holds(tmp_path: Path) -> None:
    from loaders.office.node_rows import split_items
    from loaders.office.templates import LIST_NOTE
    from loaders.office.values import split_list

    write_templates(tmp_path)
    notes = {}
    for kind, name in TEMPLATE_FILES.items():
        rows = list(openpyxl.load_workbook(tmp_path / name)["填写说明"].iter_rows(values_only=True))
        assert rows[-1] == (LIST_NOTE, None, None, None)
        notes[kind] = {r[0]: (r[2], r[3]) for r in rows[1:-2]}
    assert notes["person"]["姓名*"] == ("姓名（个人信息，输出时默认遮盖为 刘**）", "刘志强")
    assert notes["cluster"]["集群名称*"] == (
        "集群名称，与集群文件（TOML）中的 name 一致",
        "新能源电池",
    )
    assert notes["company"]["企业名称*"][0] == "企业全称（与营业执照一致）"
    assert notes["relation"]["职务"] == ("职务（任职关系），多个用；分隔", "董事长；总经理")
    # one list separator: every "多个" column says ；, and both splitters split its example
    lists = [v for kind in notes.values() for v in kind.values() if "多个" in v[0]]
    assert len(lists) == 16 and all("多个用；分隔" in text for text, _ in lists)
    for _, example in lists:
        assert split_list(example) == split_items(example)
