"""a-share-2025 loader: a hand-made fixture, controllers, and the real data.

Real-data expectations are computed here with csv and re from the source file; region
names are checked against the NBS division tables in ``codes/admin-divisions-2023``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from graph.ids import new_relation
from graph.schema import Company, NodeKind, Person, Region, RelKind, Source
from graph.sqlite_store import SqliteStore
from loaders.public import a_share, executives
from loaders.report import LoadReport
from resolve.index import CompanyIndex, company_id_for_name
from tests.conftest import FIXTURES

FIXTURE = FIXTURES / "a-share-2025"
FILE = "股票列表.csv"
HAND = [Source(dataset="test", file="hand", row=1)]


def _load(folder: Path, store: SqliteStore | None = None) -> tuple[SqliteStore, LoadReport]:
    store = store if store is not None else SqliteStore(None)
    return store, a_share.load(folder, store, CompanyIndex.from_store(store))


def _controllers(store: SqliteStore, firm: str) -> dict[str, str | None]:
    return {other: rel.label for rel, other in store.neighbours(firm, [RelKind.CONTROLS], "in")}


def _snapshot(store: SqliteStore) -> dict[str, str]:
    """Every stored record as canonical JSON, by id."""
    records = (*store.raw_nodes(), *store.raw_relations())
    return {d["id"]: json.dumps(d, sort_keys=True, ensure_ascii=False) for d in records}


# -- fixture ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fixture_load() -> tuple[SqliteStore, LoadReport]:
    return _load(FIXTURE)


def test_fixture_counts_and_issues(fixture_load: tuple[SqliteStore, LoadReport]) -> None:
    store, report = fixture_load
    assert report.rows_read == 10
    # 9 listed firms + 3 organisations in control; 李明 twice, 张三, 李四, 王五
    assert store.count_nodes() == {
        NodeKind.COMPANY: 12,
        NodeKind.INDUSTRY: 4,
        NodeKind.PERSON: 5,
        NodeKind.REGION: 6,
    }
    assert store.count_relations() == {
        RelKind.CONTROLS: 8,
        RelKind.IN_INDUSTRY: 8,
        RelKind.LOCATED_IN: 8,
    }
    got = sorted((i.row, i.field, i.code, i.severity) for i in report.issues)
    assert got == [
        (6, "area", "missing_area", "warning"),
        (6, "industry", "missing_industry", "warning"),
        (7, "list_date", "bad_date", "warning"),
        (10, "ts_code", "bad_stock_code", "error"),
    ]


def test_fixture_firms_and_regions(fixture_load: tuple[SqliteStore, LoadReport]) -> None:
    store, _ = fixture_load
    pingan = store.get_node("Company:000001")
    assert isinstance(pingan, Company)
    assert (pingan.province, pingan.region_code) == ("广东", "4403")
    assert (pingan.listed_on, pingan.controller_type) == (dt.date(1991, 4, 3), "无")
    assert pingan.stock_codes == ["000001.SZ"] and pingan.sources[0].row == 2
    bing = store.get_node("Company:600003")
    assert isinstance(bing, Company) and (bing.province, bing.region_code) == ("内蒙", "15")
    ding = store.get_node("Company:600004")
    assert isinstance(ding, Company) and ding.region_code is None and ding.province is None
    wu = store.get_node("Company:600005")
    assert isinstance(wu, Company) and wu.listed_on is None
    regions = {n.code: n.name for n in store.nodes(NodeKind.REGION) if isinstance(n, Region)}
    assert regions == {
        "4403": "深圳市",
        "37": "山东省",
        "15": "内蒙古自治区",
        "11": "北京市",
        "31": "上海市",
        "44": "广东省",
    }
    shandong = [r.src for r, _ in store.neighbours("Region:37", [RelKind.LOCATED_IN], "in")]
    assert sorted(shandong) == ["Company:600001", "Company:600002"]
    banks = [r.src for r, _ in store.neighbours("Industry:a-share-2025:银行", None, "in")]
    assert sorted(banks) == ["Company:000001", "Company:600003", "Company:600008"]


def test_fixture_controllers(fixture_load: tuple[SqliteStore, LoadReport]) -> None:
    store, _ = fixture_load
    sasac = company_id_for_name("山东省人民政府国有资产监督管理委员会")
    assert _controllers(store, "Company:600001") == {sasac: "地方国企"}
    org = store.get_node(sasac)
    assert isinstance(org, Company) and org.tags == ["实际控制人", "政府机构"]
    assert org.full_name == "山东省人民政府国有资产监督管理委员会"
    # namesakes controlling two firms are two persons
    assert _controllers(store, "Company:600002") == {"Person:controller:600002:李明": "民营企业"}
    assert _controllers(store, "Company:600003") == {"Person:controller:600003:李明": "民营企业"}
    li = store.get_node("Person:controller:600002:李明")
    assert isinstance(li, Person) and li.private and li.tags == ["实际控制人"]
    assert set(_controllers(store, "Company:600005")) == {
        "Person:controller:600005:张三",
        "Person:controller:600005:李四",
    }
    tv = "长沙广播电视集团(长沙电视台、长沙人民广播电台)"
    assert _controllers(store, "Company:600006") == {company_id_for_name(tv): "地方国企"}
    assert _controllers(store, "Company:000001") == {}
    assert _controllers(store, "Company:600004") == {}
    bao_an = company_id_for_name("中国宝安集团股份有限公司")
    assert _controllers(store, "Company:835185") == {bao_an: "无"}
    assert {r.confidence for r in store.relations(RelKind.CONTROLS)} == {0.9}


def _seeded() -> SqliteStore:
    """A store with a listed 中国宝安集团 and executives of 600008 and 600002."""
    store = SqliteStore(None)
    baoan = Company(
        id="Company:000009",
        name="中国宝安集团股份有限公司",
        full_name="中国宝安集团股份有限公司",
        stock_codes=["000009.SZ"],
        sources=HAND,
    )
    firms = [
        Company(id=f"Company:{c}", name=c, stock_codes=[f"{c}.SH"], sources=HAND)
        for c in ("600008", "600002")
    ]
    officers = [
        Person(id=f"Person:exec2018:{k}", name=n, sources=HAND)
        for k, n in [("w5", "王五"), ("l1", "李明"), ("l2", "李明")]
    ]
    store.upsert_nodes([baoan, *firms, *officers])
    store.upsert_relations(
        [
            new_relation(RelKind.OFFICER_OF, "Person:exec2018:w5", "Company:600008", HAND),
            new_relation(RelKind.OFFICER_OF, "Person:exec2018:l1", "Company:600002", HAND),
            new_relation(RelKind.OFFICER_OF, "Person:exec2018:l2", "Company:600002", HAND),
        ]
    )
    return store


def test_fixture_controllers_link_to_known_nodes() -> None:
    store, _ = _load(FIXTURE, _seeded())
    # a listed firm in control keeps its names and gains the tag
    assert _controllers(store, "Company:835185") == {"Company:000009": "无"}
    baoan = store.get_node("Company:000009")
    assert isinstance(baoan, Company)
    assert (baoan.name, baoan.aliases, baoan.tags) == (
        "中国宝安集团股份有限公司",
        [],
        ["实际控制人"],
    )
    assert store.get_node(company_id_for_name("中国宝安集团")) is None
    # the one officer of the same firm with that name is the controller
    assert _controllers(store, "Company:600008") == {"Person:exec2018:w5": "民营企业"}
    assert store.get_node("Person:controller:600008:王五") is None
    # two officers named 李明: ambiguous, a controller node of its own
    assert _controllers(store, "Company:600002") == {"Person:controller:600002:李明": "民营企业"}


def test_controller_with_the_firms_name_key_stays_apart(tmp_path: Path) -> None:
    header = "ts_code,symbol,name,area,industry,cnspell,market,list_date,act_name,act_ent_type"
    row = "600006.SH,600006,东风股份,湖北,汽车整车,dfgf,主板,19990727,东风汽车有限公司,中央国企"
    (tmp_path / FILE).write_text(f"{header}\n{row}\n", encoding="utf-8")
    store = SqliteStore(None)
    full = "东风汽车股份有限公司"
    store.upsert_nodes(
        [
            Company(
                id="Company:600006",
                name=full,
                full_name=full,
                stock_codes=["600006.SH"],
                sources=HAND,
            )
        ]
    )
    _, report = _load(tmp_path, store)
    # 有限公司 vs 股份有限公司: two legal forms, two firms — resolved apart, no clash.
    assert report.issues == []
    own = company_id_for_name("东风汽车有限公司")
    assert _controllers(store, "Company:600006") == {own: "中央国企"}
    node = store.get_node(own)
    assert isinstance(node, Company) and node.name == "东风汽车有限公司"


def test_controller_named_as_the_firm_itself_is_reported(tmp_path: Path) -> None:
    """A row whose controller is the listed firm's own legal name: kept apart, reported."""
    header = "ts_code,symbol,name,area,industry,cnspell,market,list_date,act_name,act_ent_type"
    row = "600006.SH,600006,东风股份,湖北,汽车整车,dfgf,主板,19990727,东风汽车股份有限公司,中央国企"
    (tmp_path / FILE).write_text(f"{header}\n{row}\n", encoding="utf-8")
    store = SqliteStore(None)
    full = "东风汽车股份有限公司"
    firm = Company(
        id="Company:600006", name=full, full_name=full, stock_codes=["600006.SH"], sources=HAND
    )
    store.upsert_nodes([firm])
    _, report = _load(tmp_path, store)
    assert [(i.row, i.code) for i in report.issues] == [(2, "controller_name_clash")]
    own = company_id_for_name(full)
    assert _controllers(store, "Company:600006") == {own: "中央国企"}


def test_fixture_idempotent(fixture_load: tuple[SqliteStore, LoadReport]) -> None:
    store, _ = fixture_load
    before = (store.count_nodes(), store.count_relations(), _snapshot(store))
    a_share.load(FIXTURE, store, CompanyIndex.from_store(store))
    assert (store.count_nodes(), store.count_relations(), _snapshot(store)) == before


# -- real data -------------------------------------------------------------------------
def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _names(cell: str) -> list[str]:
    """Split at , 、 ， outside round brackets (an independent re-implementation)."""
    parts = re.split(r"[,、，](?![^()（）]*[)）])", cell)
    return [p.strip() for p in parts if p.strip() and p.strip() != "无实际控制人"]


@pytest.fixture(scope="module")
def rows(public_data: Path) -> list[dict[str, str]]:
    return _read(public_data / "a-share-2025" / FILE)


@pytest.fixture(scope="module")
def real(public_data: Path) -> tuple[SqliteStore, LoadReport, float]:
    start = time.perf_counter()
    store, report = _load(public_data / "a-share-2025")
    return store, report, time.perf_counter() - start


def test_real_counts(real: Any, rows: list[dict[str, str]]) -> None:
    store, report, seconds = real
    print(f"a-share-2025 load: {seconds:.1f} s, {report.summary()}")
    assert report.rows_read == len(rows) and report.rows_skipped == 0
    listed = [d for d in store.raw_nodes() if d["kind"] == "Company" and d.get("stock_codes")]
    assert len(listed) == len(rows)
    counts = store.count_relations()
    assert counts[RelKind.LOCATED_IN] == sum(1 for r in rows if r["area"])
    assert counts[RelKind.IN_INDUSTRY] == sum(1 for r in rows if r["industry"])
    assert store.count_nodes()[NodeKind.INDUSTRY] == len({r["industry"] for r in rows} - {""})
    assert store.count_nodes()[NodeKind.REGION] == len({r["area"] for r in rows} - {""})
    missing = [i.row for i in report.issues if i.code == "missing_area"]
    assert len(missing) == sum(1 for r in rows if not r["area"])


def test_real_shandong(real: Any, rows: list[dict[str, str]]) -> None:
    store, _, _ = real
    in_37 = [d for d in store.raw_nodes() if d.get("region_code") == "37"]
    assert len(in_37) == sum(1 for r in rows if r["area"] == "山东") == 308
    assert {d["province"] for d in in_37} == {"山东"}
    located = list(store.neighbours("Region:37", [RelKind.LOCATED_IN], "in"))
    assert len(located) == 308


def test_real_region_names_match_nbs_tables(real: Any, public_data: Path) -> None:
    store, _, _ = real
    divisions = public_data / "codes" / "admin-divisions-2023"
    provinces = {r["code"]: r["name"] for r in _read(divisions / "provinces.csv")}
    official = provinces | {r["code"]: r["name"] for r in _read(divisions / "cities.csv")}
    regions = {n.code: n.name for n in store.nodes(NodeKind.REGION) if isinstance(n, Region)}
    assert regions == {code: official[code] for code in regions}
    # every province appears in the data, and 深圳 as the one city
    assert set(regions) == set(provinces) | {"4403"}


def test_real_controllers(real: Any, rows: list[dict[str, str]]) -> None:
    store, _, _ = real
    expected = sum(len(_names(r["act_name"])) for r in rows)
    assert store.count_relations()[RelKind.CONTROLS] == expected
    dongfeng = company_id_for_name("东风汽车有限公司")
    assert _controllers(store, "Company:600006") == {dongfeng: "中央国企"}
    li_ming = Counter(r["ts_code"] for r in rows if "李明" in _names(r["act_name"]))
    persons = {
        rel.src
        for rel in store.relations(RelKind.CONTROLS)
        if (p := store.get_node(rel.src)) is not None and p.name == "李明"
    }
    assert len(persons) == len(li_ming) > 1


def test_real_idempotent(real: Any, public_data: Path) -> None:
    store, _, _ = real
    counts, before = (store.count_nodes(), store.count_relations()), _snapshot(store)
    a_share.load(public_data / "a-share-2025", store, CompanyIndex.from_store(store))
    assert (store.count_nodes(), store.count_relations()) == counts
    assert _snapshot(store) == before


def test_real_controllers_reuse_officers(public_data: Path, rows: list[dict[str, str]]) -> None:
    store = SqliteStore(None)
    executives.load(public_data / "executives-2018", store, CompanyIndex())
    a_share.load(public_data / "a-share-2025", store, CompanyIndex.from_store(store))
    folder = public_data / "executives-2018"
    names = {r["person_id:ID(Executive)"]: r["name"] for r in _read(folder / "executive.csv")}
    officers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rec in _read(folder / "executive_stock.csv"):
        pid = rec[":START_ID(Executive)"]
        officers[(rec[":END_ID(Stock)"].zfill(6), names[pid])].add(pid)
    expected = sum(
        1
        for r in rows
        for n in _names(r["act_name"])
        if len(officers.get((r["symbol"], n), ())) == 1
    )
    reused = [r for r in store.relations(RelKind.CONTROLS) if r.src.startswith("Person:exec2018:")]
    assert len(reused) == expected > 100
    for rel in reused:
        assert store.get_relation(f"OFFICER_OF:{rel.src}>{rel.dst}") is not None
