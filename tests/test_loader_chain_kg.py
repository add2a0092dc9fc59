"""chain-kg loader: a hand-made fixture with answers worked out by hand, and the real data.

Real-data expectations are computed here from the source files with json/unicodedata,
not through the loader's helpers.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.schema import Company, Industry, NodeKind, Relation, RelKind, Source
from graph.sqlite_store import SqliteStore
from loaders.public import chain_kg
from loaders.public.chain_kg import choose_full_name
from loaders.report import LoadReport
from resolve.index import CompanyIndex
from tests.conftest import FIXTURES

FIXTURE = FIXTURES / "chain-kg"
P, IND = "Product:", "Industry:SW-2021:"


def _load(folder: Path) -> tuple[SqliteStore, CompanyIndex, LoadReport]:
    store, index = SqliteStore(None), CompanyIndex()
    report = chain_kg.load(folder, store, index)
    return store, index, report


def _rel(store: SqliteStore, kind: RelKind, src: str, dst: str) -> Relation:
    found = [r for r, other in store.neighbours(src, [kind], "out") if other == dst]
    assert len(found) == 1, f"{kind} {src}->{dst}: {found}"
    return found[0]


def _rows(rel: Relation | Company | Industry, file: str) -> list[int]:
    return [s.row for s in rel.sources if s.file == file]


def _snapshot(store: SqliteStore) -> dict[str, dict[str, Any]]:
    """Every stored record by id (the store replaces a record when a merge changes it)."""
    return {d["id"]: d for d in (*store.raw_nodes(), *store.raw_relations())}


# -- fixture ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fixture_load() -> tuple[SqliteStore, CompanyIndex, LoadReport]:
    return _load(FIXTURE)


def test_fixture_counts(fixture_load: tuple[SqliteStore, CompanyIndex, LoadReport]) -> None:
    store, _, report = fixture_load
    assert report.dataset == "chain-kg"
    # non-blank lines: company 8, industry 9, tree 7, company_industry 5, product 7,
    # product_product 6, company_product 8 (industry_up.json is not read)
    assert report.rows_read == 50
    # 4 firms of company.json + 999999 无此, named only by company_industry.json line 3
    assert store.count_nodes() == {
        NodeKind.COMPANY: 5,
        NodeKind.INDUSTRY: 8,
        NodeKind.PRODUCT: 7,
    }
    assert store.count_relations() == {
        RelKind.IN_INDUSTRY: 3,  # lines 1 (= 5), 2 and 3; line 4's class is unknown
        RelKind.MAKES: 5,  # lines 1, 2, 5+6, 7 (999999 玉米), 8
        RelKind.SUBCLASS_OF: 6,  # 5 industry tree links + 变性淀粉 → 淀粉
        RelKind.UPSTREAM_OF: 2,
    }


def test_fixture_issues(fixture_load: tuple[SqliteStore, CompanyIndex, LoadReport]) -> None:
    _, _, report = fixture_load
    got = sorted((i.file, i.row, i.code, i.severity) for i in report.issues)
    assert got == sorted(
        [
            ("company.json", 2, "bad_exchange", "warning"),
            ("company.json", 3, "full_name_conflict", "warning"),
            ("company.json", 4, "bad_date", "warning"),
            ("company.json", 5, "bad_stock_code", "error"),
            ("company.json", 6, "invalid_json", "error"),
            ("industry.json", 8, "bad_industry", "error"),
            ("industry.json", 4, "level_mismatch", "warning"),
            ("industry.json", 9, "not_in_tree", "warning"),
            ("industry_industry.json", 5, "unknown_industry", "error"),
            ("industry_industry.json", 6, "self_loop", "error"),
            ("company_industry.json", 3, "company_from_link", "warning"),
            ("company_industry.json", 4, "unknown_industry", "error"),
            ("product.json", 6, "empty_name", "error"),
            ("product_product.json", 4, "self_loop", "error"),
            ("product_product.json", 5, "unlisted_product", "warning"),
            ("product_product.json", 6, "unknown_relation", "error"),
            ("company_product.json", 2, "weight_clipped", "warning"),
            ("company_product.json", 3, "negative_weight", "error"),
            ("company_product.json", 4, "bad_weight", "error"),
            ("company_product.json", 8, "unlisted_product", "warning"),
        ]
    )
    assert report.rows_skipped == 11


def test_fixture_companies(fixture_load: tuple[SqliteStore, CompanyIndex, LoadReport]) -> None:
    store, index, _ = fixture_load
    jia = store.get_node("Company:600001")
    assert isinstance(jia, Company)
    assert (jia.name, jia.full_name, jia.aliases) == (
        "山东甲股份有限公司",
        "山东甲股份有限公司",
        ["甲股份"],
    )
    assert jia.stock_codes == ["600001.SH"]
    assert jia.listed_on == dt.date(2001, 1, 2)  # the 大港 row's date is dropped with it
    assert _rows(jia, "company.json") == [1, 3]
    yi = store.get_node("Company:000002")
    assert isinstance(yi, Company) and yi.stock_codes == ["000002.SZ"]
    assert yi.listed_on == dt.date(2010, 2, 11)
    bing = store.get_node("Company:200003")
    assert isinstance(bing, Company) and bing.stock_codes == ["200003.SZ"]
    assert bing.listed_on is None and bing.aliases == ["丙B"]
    ding = store.get_node("Company:300004")
    assert isinstance(ding, Company)
    assert ding.name == "丁新材料股份有限公司"
    assert ding.aliases == ["丁新材", "丁材料", "江苏丁材料股份有限公司"]
    assert ding.listed_on == dt.date(2020, 1, 1)
    assert all(s.dataset == "chain-kg" for s in ding.sources)
    assert index.resolve_code("300004.SZ") == "Company:300004"
    assert index.resolve_name("江苏丁材料股份有限公司") == "Company:300004"
    assert index.resolve_name("大港股份有限公司") is None


def test_fixture_industries(fixture_load: tuple[SqliteStore, CompanyIndex, LoadReport]) -> None:
    store, _, _ = fixture_load
    levels = {}
    for node in store.nodes(NodeKind.INDUSTRY):
        assert isinstance(node, Industry) and node.system == "SW-2021"
        levels[node.code] = node.level
    assert levels == {
        "110000": 1,
        "110100": 2,
        "110101": 3,
        "110200": 3,  # under 110100 in the tree, although its code looks level 2
        "220000": 1,
        "220100": 2,
        "220103": 3,
        "230100": 2,  # outside the tree: by its code
    }
    link = _rel(store, RelKind.SUBCLASS_OF, IND + "110101", IND + "110100")
    assert (link.label, link.confidence, _rows(link, "industry_industry.json")) == (
        "上级行业",
        0.9,
        [2],
    )
    member = _rel(store, RelKind.IN_INDUSTRY, "Company:600001", IND + "110101")
    assert _rows(member, "company_industry.json") == [1, 5]
    assert member.confidence == 0.9


def test_fixture_products(fixture_load: tuple[SqliteStore, CompanyIndex, LoadReport]) -> None:
    store, _, _ = fixture_load
    names = {n.name for n in store.nodes(NodeKind.PRODUCT)}
    assert names == {"玉米", "玉米淀粉", "淀粉", "PVC材料", "变性淀粉", "北极虾", "螺丝钉"}
    pvc = store.get_node(P + "PVC材料")
    assert pvc is not None and pvc.aliases == ["ＰＶＣ材料"]
    # 上游材料 and 下游产品 state the same link: one relation, both rows
    corn = _rel(store, RelKind.UPSTREAM_OF, P + "玉米", P + "玉米淀粉")
    assert (corn.label, corn.confidence, _rows(corn, "product_product.json")) == (
        "上游材料",
        0.7,
        [1, 2],
    )
    sub = _rel(store, RelKind.SUBCLASS_OF, P + "变性淀粉", P + "淀粉")
    assert sub.label == "产品小类"
    shrimp = store.get_node(P + "北极虾")
    assert shrimp is not None and _rows(shrimp, "product_product.json") == [5]
    _rel(store, RelKind.UPSTREAM_OF, P + "北极虾", P + "玉米淀粉")


def test_fixture_makes(fixture_load: tuple[SqliteStore, CompanyIndex, LoadReport]) -> None:
    store, _, _ = fixture_load
    weights = {
        (r.src, r.dst): (r.weight, _rows(r, "company_product.json"))
        for r in store.relations(RelKind.MAKES)
    }
    assert weights == {
        ("Company:600001", P + "玉米"): (0.6, [1]),
        ("Company:600001", P + "玉米淀粉"): (1.0, [2]),
        ("Company:000002", P + "PVC材料"): (0.5, [5, 6]),
        ("Company:999999", P + "玉米"): (0.1, [7]),
        ("Company:300004", P + "螺丝钉"): (0.2, [8]),
    }
    assert {r.confidence for r in store.relations(RelKind.MAKES)} == {0.7}


def test_fixture_reuses_a_known_code() -> None:
    store, index = SqliteStore(None), CompanyIndex()
    known = Company(
        id="Company:known-jia",
        name="甲",
        stock_codes=["600001.SH"],
        sources=[Source(dataset="test", file="hand", row=1)],
    )
    store.upsert_nodes([known])
    index.add(known)
    chain_kg.load(FIXTURE, store, index)
    assert store.get_node("Company:600001") is None
    _rel(store, RelKind.MAKES, "Company:known-jia", P + "玉米")


def test_fixture_idempotent(fixture_load: tuple[SqliteStore, CompanyIndex, LoadReport]) -> None:
    store, index, _ = fixture_load
    before = (store.count_nodes(), store.count_relations(), copy.deepcopy(_snapshot(store)))
    chain_kg.load(FIXTURE, store, index)
    chain_kg.load(FIXTURE, store, CompanyIndex.from_store(store))
    assert (store.count_nodes(), store.count_relations(), _snapshot(store)) == before


def test_missing_folder_reports_instead_of_raising(tmp_path: Path) -> None:
    store, _, report = _load(tmp_path)
    assert store.count_nodes() == {}
    assert {i.code for i in report.issues} == {"missing_file"}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("甲", "甲公司")], ("甲公司", [])),
        ([("甲", "甲公司"), ("甲", "甲公司")], ("甲公司", [])),
        (
            [("贤丰控股", "贤丰控股股份有限公司"), ("贤丰控股", "广东蓉胜超微线材股份有限公司")],
            ("贤丰控股股份有限公司", [1]),
        ),
        (
            [
                ("建研集团", "垒知控股集团股份有限公司"),
                ("建研集团", "厦门市建筑科学研究院集团股份有限公司"),
            ],
            ("厦门市建筑科学研究院集团股份有限公司", [0]),
        ),
        (
            [("龙软科技", "中国建设银行股份有限公司"), ("龙软科技", "中国银行股份有限公司")],
            (None, [0, 1]),
        ),
        ([], (None, [])),
    ],
)
def test_choose_full_name(
    rows: list[tuple[str, str]], expected: tuple[str | None, list[int]]
) -> None:
    assert choose_full_name(rows) == expected


# -- real data -------------------------------------------------------------------------
def _lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).split())


@pytest.fixture(scope="module")
def real(public_data: Path) -> tuple[SqliteStore, CompanyIndex, LoadReport, float]:
    start = time.perf_counter()
    store, index, report = _load(public_data / "chain-kg")
    return store, index, report, time.perf_counter() - start


@pytest.fixture(scope="module")
def source(public_data: Path) -> dict[str, list[dict[str, Any]]]:
    folder = public_data / "chain-kg"
    names = ["company", "industry", "industry_industry", "company_industry", "product"]
    names += ["product_product", "company_product"]
    return {name: list(_lines(folder / f"{name}.json")) for name in names}


def test_real_rows_and_nodes(real: Any, source: dict[str, list[dict[str, Any]]]) -> None:
    store, _, report, seconds = real
    print(f"chain-kg load: {seconds:.1f} s, {report.summary()}")
    assert report.rows_read == sum(len(rows) for rows in source.values())
    counts = store.count_nodes()
    linked = {r["company_code"][:6] for r in source["company_industry"]}
    linked |= {str(r["company_code"])[:6] for r in source["company_product"]}
    firms = {str(r["code"])[:6] for r in source["company"]} | linked
    assert counts[NodeKind.COMPANY] == len(firms)
    assert counts[NodeKind.INDUSTRY] == len({r["code"] for r in source["industry"]})
    sources = [s for d in (*store.raw_nodes(), *store.raw_relations()) for s in d["sources"]]
    assert {s["dataset"] for s in sources} == {"chain-kg"}
    assert min(s["row"] for s in sources) >= 1


def test_real_industry_links(real: Any, source: dict[str, list[dict[str, Any]]]) -> None:
    store, _, _, _ = real
    classes = {r["code"] for r in source["industry"]}
    # every row with a known class, the 103 firms missing from company.json included
    expected = {
        (r["company_code"][:6], r["industry_code"])
        for r in source["company_industry"]
        if r["industry_code"] in classes
    }
    assert store.count_relations()[RelKind.IN_INDUSTRY] == len(expected)
    _rel(store, RelKind.IN_INDUSTRY, "Company:600373", IND + "720902")  # 中文传媒, 大众出版
    _rel(store, RelKind.IN_INDUSTRY, "Company:600031", IND + "640601")  # 三一重工, 工程机械整机
    levels = {n.code: n.level for n in store.nodes(NodeKind.INDUSTRY) if isinstance(n, Industry)}
    assert levels["110000"] == 1 and levels["110100"] == 2 and levels["110101"] == 3
    assert sum(1 for level in levels.values() if level == 1) == 31


def test_real_makes(real: Any, source: dict[str, list[dict[str, Any]]]) -> None:
    store, _, _, _ = real
    pairs = {
        (r["company_code"][:6], _key(r["product_name"]))
        for r in source["company_product"]
        if r["rel_weight"] >= 0
    }
    assert store.count_relations()[RelKind.MAKES] == len(pairs)
    weights = [d["weight"] for d in store.raw_relations() if d["kind"] == "MAKES"]
    assert min(weights) >= 0.0 and max(weights) <= 1.0


def test_real_product_links(real: Any, source: dict[str, list[dict[str, Any]]]) -> None:
    store, _, _, _ = real
    upstream, narrower = set(), set()
    for r in source["product_product"]:
        a, b = _key(r["from_entity"]), _key(r["to_entity"])
        if a == b:
            continue
        if r["rel"] == "上游材料":
            upstream.add((b, a))
        elif r["rel"] == "下游产品":
            upstream.add((a, b))
        elif r["rel"] == "产品小类":
            narrower.add((b, a))
    counts = store.count_relations()
    assert counts[RelKind.UPSTREAM_OF] == len(upstream)
    assert counts[RelKind.SUBCLASS_OF] == len(narrower) + len(source["industry_industry"])
    named = {_key(r["name"]) for r in source["product"]}
    named |= {_key(r[k]) for r in source["product_product"] for k in ("from_entity", "to_entity")}
    named |= {_key(r["product_name"]) for r in source["company_product"] if r["rel_weight"] >= 0}
    assert store.count_nodes()[NodeKind.PRODUCT] == len(named)
    _rel(store, RelKind.UPSTREAM_OF, P + "冰糖", P + "红豆薏米仁汤")
    _rel(store, RelKind.SUBCLASS_OF, P + "接管法兰", P + "法兰")


def test_real_known_firms(real: Any) -> None:
    store, index, _, _ = real
    renamed = store.get_node("Company:002502")
    assert isinstance(renamed, Company) and renamed.full_name == "鼎龙文化股份有限公司"
    assert "骅威文化股份有限公司" in renamed.aliases
    corrupt = store.get_node("Company:688078")  # rows carrying ten other firms' names
    assert isinstance(corrupt, Company) and corrupt.full_name is None
    assert corrupt.name == "龙软科技"
    assert index.resolve_name("中国建设银行股份有限公司") is None
    dinglong = store.get_node("Company:300054")  # the row with a date as its exchange
    assert isinstance(dinglong, Company) and dinglong.stock_codes == ["300054.SZ"]


def test_real_idempotent(real: Any, public_data: Path) -> None:
    store, index, _, _ = real
    counts, before = (store.count_nodes(), store.count_relations()), _snapshot(store)
    frozen = {k: json.dumps(v, sort_keys=True) for k, v in before.items() if k.startswith("Comp")}
    chain_kg.load(public_data / "chain-kg", store, index)
    after = _snapshot(store)
    assert (store.count_nodes(), store.count_relations()) == counts
    assert after.keys() == before.keys()
    assert all(after[k] is v or after[k] == v for k, v in before.items())
    assert {k: json.dumps(after[k], sort_keys=True) for k in frozen} == frozen
