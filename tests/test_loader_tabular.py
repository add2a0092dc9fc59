"""The folder loader, against the demo dataset's CSVs (expected values worked by hand)."""

from __future__ import annotations

import datetime as dt
import doctest
import shutil
from pathlib import Path

import pytest

import loaders.office.csv_folder
import loaders.office.relations
from graph.errors import LoadError
from graph.schema import (
    Company,
    Industry,
    Intermediary,
    NodeKind,
    Person,
    Region,
    RelKind,
    Source,
)
from graph.sqlite_store import SqliteStore
from loaders.office.csv_folder import load_folder
from loaders.office.relations import ENDPOINTS
from loaders.report import LoadReport
from resolve.index import CompanyIndex

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo"
BAD = DEMO / "bad" / "relations.csv"

# Node counts = data rows of each file: regions.csv 15, industries.csv 22,
# products.csv 16, companies.csv 25, people.csv 10, intermediaries.csv 4, funds.csv 2.
DEMO_NODES = {
    NodeKind.COMPANY: 25,
    NodeKind.PERSON: 10,
    NodeKind.FUND: 2,
    NodeKind.INTERMEDIARY: 4,
    NodeKind.INDUSTRY: 22,
    NodeKind.PRODUCT: 16,
    NodeKind.REGION: 15,
}
# relations.csv rows by kind (rows 2-16, 17-19, 20, 21-22, 23-30, 31-34, 35-38, 39,
# 40-54, 55-57, 58-62, 63-64, 65-75, 76), plus what the node files imply:
# SUBCLASS_OF 17 (22 industries minus 5 roots) + 1 (row 76, 磷酸铁锂→正极材料);
# IN_INDUSTRY 24 (25 firms; 岚港城投 and 澜拓控股 have none, 岚港滨海化工 has two);
# MAKES 26 (锂能 2, 储能 1, 新材 1, 隔膜 1, 滨海化工 2, 重工 1, 液压 1, 光伏 1, 通信 1,
#   澜拓新能源 2, 沐辰 1, 越澜 1, 霁川 1, 岭澄 2, 嵘岳 1, 砺锋 1, 泓钧 1, 星弧 1,
#   楚瑞 1, 沛能 1, 岷川 1, 光曜 1; 城投, 澜拓控股, 晟泊 none);
# LOCATED_IN 31 (25 firms + 4 intermediaries + 2 funds, all with a region_code).
DEMO_RELATIONS = {
    RelKind.OFFICER_OF: 15,
    RelKind.OWNS: 3,
    RelKind.PARENT_OF: 1,
    RelKind.CONTROLS: 2,
    RelKind.SUPPLIES: 8,
    RelKind.PARTNERS_WITH: 4,
    RelKind.INVESTED_IN: 4,
    RelKind.LP_IN: 1,
    RelKind.MEMBER_OF: 15,
    RelKind.SERVES: 3,
    RelKind.ENGAGED_BY: 5,
    RelKind.KNOWS: 2,
    RelKind.UPSTREAM_OF: 11,
    RelKind.SUBCLASS_OF: 18,
    RelKind.IN_INDUSTRY: 24,
    RelKind.MAKES: 26,
    RelKind.LOCATED_IN: 31,
}
ZHONGGONG = "Company:609102"  # 岚港重工: stock code 609102 → 609102.SH
CAILIAO = "Company:uscc:91379900MA3DG0001Q"  # 岚港新材: valid USCC
GUANGFU = "Company:name:岚港光伏科技"  # 岚港光伏: invalid USCC → keyed by name
RONGYUE = "Company:name:徐州嵘岳工程机械(股份)"


def load(
    folder: Path, store: SqliteStore | None = None, dataset: str | None = "demo"
) -> tuple[SqliteStore, LoadReport]:
    """Load ``folder`` into ``store`` (a new one by default) with an index built from it."""
    store = store if store is not None else SqliteStore()
    report = load_folder(folder, store, CompanyIndex.from_store(store), dataset)
    return store, report


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def demo() -> tuple[SqliteStore, LoadReport]:
    return load(DEMO, dataset=None)


def test_counts(demo: tuple[SqliteStore, LoadReport]) -> None:
    store, report = demo
    assert store.count_nodes() == DEMO_NODES
    assert store.count_relations() == DEMO_RELATIONS
    assert report.dataset == "demo"
    assert report.rows_read == 15 + 22 + 16 + 25 + 10 + 4 + 2 + 75
    assert report.nodes_written == 94
    assert report.relations_written == 173


def test_only_issue_is_the_invalid_uscc(demo: tuple[SqliteStore, LoadReport]) -> None:
    store, report = demo
    [issue] = report.issues
    assert (issue.file, issue.row, issue.field, issue.code, issue.severity) == (
        "companies.csv",
        10,  # 岚港光伏 is the 9th data row
        "uscc",
        "invalid_uscc",
        "warning",
    )
    assert "91379900MA3DG0004X" in issue.message  # kept as raw text in the issue
    firm = store.get_node(GUANGFU)
    assert isinstance(firm, Company) and firm.uscc is None
    assert not any("0004X" in n.id for n in store.nodes())


def test_officer_relation_roles_since_and_row(
    demo: tuple[SqliteStore, LoadReport],
) -> None:
    store, _ = demo
    rel = store.get_relation(f"OFFICER_OF:Person:demo:p_zhao>{ZHONGGONG}")
    assert rel is not None
    assert rel.roles == ["独立董事"]
    assert rel.since == dt.date(2023, 5, 20)  # written 2023/5/20
    assert rel.until is None and rel.confidence == 1.0 and not rel.private
    assert rel.sources == [Source(dataset="demo", file="relations.csv", row=5)]
    other = store.get_relation(f"OFFICER_OF:Person:demo:p_zhao>{RONGYUE}")
    assert other is not None and other.since == dt.date(2023, 5, 20)  # 2023年5月20日
    assert other.sources[0].row == 6
    wang = store.get_relation(f"OFFICER_OF:Person:demo:p_wang>{CAILIAO}")
    assert wang is not None and wang.roles == ["董事", "总经理"] and wang.sources[0].row == 7
    sun = store.get_relation(f"OFFICER_OF:Person:demo:p_sun>{RONGYUE}")
    assert sun is not None
    assert (sun.since, sun.until) == (dt.date(2015, 3, 1), dt.date(2019, 12, 31))


def test_company_ids_and_fields(demo: tuple[SqliteStore, LoadReport]) -> None:
    store, _ = demo
    lineng = store.get_node("Company:609101")
    assert isinstance(lineng, Company)
    assert lineng.name == "岚港锂能" and lineng.full_name == "岚港锂能科技股份有限公司"
    assert lineng.stock_codes == ["609101.SH"] and lineng.region_code == "379971"
    assert lineng.tags == ["专精特新", "链主"]
    assert lineng.sources == [Source(dataset="demo", file="companies.csv", row=2)]
    cailiao = store.get_node(CAILIAO)
    assert isinstance(cailiao, Company) and cailiao.uscc == "91379900MA3DG0001Q"
    lantuo = store.get_node("Company:609103")  # written 609103.SH
    assert isinstance(lantuo, Company) and lantuo.region_code == "4403"
    makes = store.get_relation("MAKES:Company:609101>Product:锂电池")
    assert makes is not None and makes.weight == 0.75
    located = store.get_relation("LOCATED_IN:Company:609101>Region:379971")
    assert located is not None


def test_other_nodes(demo: tuple[SqliteStore, LoadReport]) -> None:
    store, _ = demo
    city = store.get_node("Region:3799")
    assert isinstance(city, Region) and city.name == "岚港市" and city.code == "3799"
    battery = store.get_node("Industry:SW-2021:630701")
    assert isinstance(battery, Industry)
    assert (battery.name, battery.system, battery.level) == ("锂电池", "SW-2021", 3)
    root = store.get_node("Industry:SW-2021:630000")
    assert isinstance(root, Industry) and root.level == 1
    up = store.get_relation("SUBCLASS_OF:Industry:SW-2021:630701>Industry:SW-2021:630700")
    assert up is not None and up.sources[0] == Source(dataset="demo", file="industries.csv", row=15)
    chamber = store.get_node("Intermediary:demo:i_szsh")
    assert isinstance(chamber, Intermediary) and chamber.intermediary_type == "chamber"
    person = store.get_node("Person:demo:p_zhang")
    assert isinstance(person, Person) and person.private


def test_symmetric_private_and_confidence(
    demo: tuple[SqliteStore, LoadReport],
) -> None:
    store, _ = demo
    knows = store.get_relation("KNOWS:Person:demo:p_liu>Person:demo:p_wu#校友")  # keyed by label
    assert knows is not None
    assert knows.private and knows.confidence == 0.8 and knows.label == "校友"
    # written 岚港滨海化工 → 霁川化工; stored in id order ("Company:name:" < "Company:uscc:")
    partner = store.get_relation(
        "PARTNERS_WITH:Company:name:上海霁川化工新材料>Company:uscc:91379900MA3DG0002U"
    )
    assert partner is not None and partner.label == "合作"
    engaged = store.get_relation("ENGAGED_BY:Person:demo:p_zhang>Region:3799")
    assert engaged is not None and not engaged.private
    supplies = store.get_relation(f"SUPPLIES:{CAILIAO}>Company:609103")
    assert supplies is not None and supplies.product == "正极材料"


def test_loading_twice_changes_nothing(tmp_path: Path) -> None:
    store, first = load(DEMO)
    before = sorted(map(repr, store.raw_nodes())), sorted(map(repr, store.raw_relations()))
    _, second = load(DEMO, store)
    after = sorted(map(repr, store.raw_nodes())), sorted(map(repr, store.raw_relations()))
    assert store.count_nodes() == DEMO_NODES
    assert store.count_relations() == DEMO_RELATIONS
    assert after == before
    assert second.issues == first.issues
    # and through a saved file, with a fresh index built from it
    path = tmp_path / "g.db"
    saved = SqliteStore(path)
    load(DEMO, saved)
    saved.save()
    reopened = SqliteStore(path)
    load(DEMO, reopened)
    assert sorted(map(repr, reopened.raw_nodes())) == before[0]
    assert sorted(map(repr, reopened.raw_relations())) == before[1]


@pytest.fixture
def bad_folder(tmp_path: Path) -> Path:
    """The demo folder with relations.csv replaced by the deliberately bad one."""
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns("bad", "*.toml", "*.md"))
    shutil.copy(BAD, folder / "relations.csv")
    return folder


def test_bad_rows_are_reported_and_nothing_else_is_lost(bad_folder: Path) -> None:
    store, report = load(bad_folder)
    errors = [(i.file, i.row, i.field, i.code) for i in report.issues if i.severity == "error"]
    assert sorted(errors) == [
        ("relations.csv", 3, "src", "unknown_key"),
        ("relations.csv", 4, "kind", "bad_kind"),
        ("relations.csv", 5, "share_pct", "bad_share_pct"),
        ("relations.csv", 6, "since", "bad_date"),
        ("relations.csv", 7, "confidence", "bad_confidence"),
        ("relations.csv", 8, "src", "bad_endpoint"),
        ("relations.csv", 9, "private", "bad_private"),
        ("relations.csv", 10, "dst", "unknown_industry"),
        ("relations.csv", 12, "until", "bad_date"),
        ("relations.csv", 14, "since", "bad_date"),
        ("relations.csv", 15, "dst", "bad_region_code"),
        ("relations.csv", 17, "", "extra_cells"),  # row 16 is blank and still counts
    ]
    assert report.rows_skipped == 12
    # the three good rows (2, 11, 13) load; the node files load in full
    assert store.count_nodes() == {**DEMO_NODES, NodeKind.PRODUCT: 17}  # + 钠离子电池
    assert store.count_relations() == {
        RelKind.OFFICER_OF: 1,
        RelKind.ENGAGED_BY: 1,
        RelKind.UPSTREAM_OF: 1,
        RelKind.SUBCLASS_OF: 17,
        RelKind.IN_INDUSTRY: 24,
        RelKind.MAKES: 26,
        RelKind.LOCATED_IN: 31,
    }
    # a rejected row writes nothing, not even the product or region it names
    assert store.get_node("Product:钠离子电池") is not None
    assert store.get_node("Product:固态电池") is None
    assert store.get_node("Region:37XX") is None
    rel = store.get_relation("OFFICER_OF:Person:demo:p_liu>Company:609101")
    assert rel is not None and rel.sources == [Source(dataset="demo", file="relations.csv", row=2)]


def test_created_on_use_and_fallback_region_name(tmp_path: Path) -> None:
    folder = tmp_path / "mini"
    write(
        folder, "companies.csv", "key,name,region_code,products\na,甲科技有限公司,4401,新品:75%\n"
    )
    store, report = load(folder)
    region = store.get_node("Region:4401")
    assert isinstance(region, Region) and region.name == "4401"  # no regions.csv: the code
    makes = store.get_relation("MAKES:Company:name:甲科技>Product:新品")
    assert makes is not None and makes.weight == 0.75
    assert report.issues == []


def test_existing_region_keeps_its_name(tmp_path: Path) -> None:
    store = SqliteStore()
    src = Source(dataset="other", file="x", row=1)
    store.upsert_nodes([Region(id="Region:4403", name="深圳市", code="4403", sources=[src])])
    write(tmp_path / "m", "funds.csv", "key,name,fund_type,region_code\nf,某基金,VC,4403\n")
    load(tmp_path / "m", store)
    region = store.get_node("Region:4403")
    assert isinstance(region, Region) and region.name == "深圳市" and region.sources == [src]
    assert store.get_relation("LOCATED_IN:Fund:demo:f>Region:4403") is not None


def test_company_cell_warnings(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    write(folder, "industries.csv", "code,name,parent_code\n630700,电池,630000\n")
    write(
        folder,
        "companies.csv",
        "key,name,full_name,uscc,stock_code,region_code,industries,products\n"
        "a,甲,,,2658,37XX,630700;999999,锂电池:1.5;:0.2\n"
        "a,乙,,,,,,\n"
        "b,,,,,,,\n"
        "c,丙,,,ABC,,,\n",
    )
    store, report = load(folder)
    found = [(i.file[:3], i.row, i.field, i.code, i.severity) for i in report.issues]
    assert found == [
        ("ind", 2, "parent_code", "unknown_industry", "warning"),
        ("com", 2, "region_code", "bad_region_code", "warning"),
        ("com", 2, "industries", "unknown_industry", "warning"),
        ("com", 2, "products", "bad_share", "warning"),
        ("com", 2, "products", "missing_name", "warning"),
        ("com", 3, "key", "duplicate_key", "error"),
        ("com", 4, "name", "missing_name", "error"),
        ("com", 5, "stock_code", "bad_stock_code", "warning"),
    ]
    first = store.get_node("Company:002658")  # 2658 → 002658.SZ
    assert isinstance(first, Company) and first.region_code is None
    assert first.stock_codes == ["002658.SZ"]
    assert store.get_relation("IN_INDUSTRY:Company:002658>Industry:SW-2021:630700") is not None
    makes = store.get_relation("MAKES:Company:002658>Product:锂电池")
    assert makes is not None and makes.weight is None  # kept, share dropped
    industry = store.get_node("Industry:SW-2021:630700")
    assert isinstance(industry, Industry) and industry.level is None  # parent unknown
    assert store.count_nodes()[NodeKind.COMPANY] == 2  # 甲 and 丙; 乙 and row 4 rejected


def test_name_only_firm_resolves_through_the_index(tmp_path: Path) -> None:
    store = SqliteStore()
    known = Company(
        id="Company:600000",
        name="某某股份",
        full_name="某某科技股份有限公司",
        stock_codes=["600000.SH"],
        sources=[Source(dataset="other", file="x", row=1)],
    )
    store.upsert_nodes([known])
    write(tmp_path / "m", "companies.csv", "key,name,full_name\na,某某,某某科技股份有限公司\n")
    load(tmp_path / "m", store)
    assert store.count_nodes() == {NodeKind.COMPANY: 1}
    merged = store.get_node("Company:600000")
    assert isinstance(merged, Company) and len(merged.sources) == 2


def test_intermediary_types_and_dataset_namespace(tmp_path: Path) -> None:
    write(tmp_path / "m", "intermediaries.csv", "key,name,type\na,某商会,商会\nb,某会,俱乐部\n")
    store, report = load(tmp_path / "m", dataset="mine")
    a = store.get_node("Intermediary:mine:a")
    b = store.get_node("Intermediary:mine:b")
    assert isinstance(a, Intermediary) and a.intermediary_type == "chamber"
    assert isinstance(b, Intermediary) and b.intermediary_type is None
    assert [(i.row, i.field, i.code) for i in report.issues] == [(3, "type", "bad_type")]


def test_relation_defaults(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    write(folder, "people.csv", "key,name\na,甲\nb,乙\n")
    write(folder, "intermediaries.csv", "key,name,type\nc,商会,chamber\n")
    write(folder, "relations.csv", "src,dst,kind\nb,a,knows\na,c,MEMBER_OF\n")
    store, report = load(folder)
    assert report.issues == []
    knows = store.get_relation("KNOWS:Person:demo:a>Person:demo:b")  # written b → a
    assert knows is not None and knows.private and knows.confidence == 1.0
    member = store.get_relation("MEMBER_OF:Person:demo:a>Intermediary:demo:c")
    assert member is not None and not member.private


def test_spreadsheet_row_numbers(tmp_path: Path) -> None:
    """BOM, blank lines, a quoted multi-line cell, short rows and trailing empty cells."""
    folder = tmp_path / "m"
    text = '\ufeffkey,name,note\n\na,"甲\n乙"\n\nb,丙,,,\n'
    write(folder, "people.csv", text)
    store, report = load(folder)
    assert report.issues == [] and report.rows_read == 2
    rows = {n.id: n.sources[0].row for n in store.nodes()}
    assert rows == {"Person:demo:a": 3, "Person:demo:b": 5}


def test_unknown_column_is_a_warning(tmp_path: Path) -> None:
    write(tmp_path / "m", "products.csv", "name,colour\n碳酸锂,白\n")
    store, report = load(tmp_path / "m")
    assert [(i.row, i.field, i.code, i.severity) for i in report.issues] == [
        (1, "colour", "unknown_column", "warning")
    ]
    assert store.count_nodes() == {NodeKind.PRODUCT: 1}


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("relations.csv", "src,kind\na,OWNS\n", "缺少列"),
        ("people.csv", "key,name,name\na,b,c\n", "列重复"),
        ("people.csv", "", "没有表头行"),
    ],
)
def test_unreadable_file_leaves_store_and_index_untouched(
    tmp_path: Path, name: str, content: str, match: str
) -> None:
    folder = tmp_path / "m"
    write(folder, "companies.csv", "key,name\na,甲科技有限公司\n")
    write(folder, name, content)
    store, index = SqliteStore(), CompanyIndex()
    with pytest.raises(LoadError, match=match):
        load_folder(folder, store, index)
    assert store.count_nodes() == {} and index.resolve_name("甲科技有限公司") is None


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_bytes("key,name\na,张三\n".encode("gbk"))
    with pytest.raises(LoadError, match="不是 UTF-8 文本"):
        load_folder(tmp_path, SqliteStore(), CompanyIndex())


def test_missing_or_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="不存在或不是文件夹"):
        load_folder(tmp_path / "nope", SqliteStore(), CompanyIndex())
    with pytest.raises(LoadError, match="中没有 regions"):
        load_folder(tmp_path, SqliteStore(), CompanyIndex())


def test_endpoint_table_covers_every_kind() -> None:
    assert set(ENDPOINTS) == set(RelKind)


def test_doctests() -> None:
    for module in (loaders.office.csv_folder, loaders.office.relations):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__
