"""Issue 13, new public data and locality (fault 7's data side).

Hand-worked from the SZSE list (szse-2025/A股列表.xlsx, columns A股代码, 城市, 注册地址):

=======  ========  ====================================  =========================
code     城市      注册地址 (start)                       region (GB/T 2260 prefix)
=======  ========  ====================================  =========================
000338   潍坊市    山东省潍坊市高新技术产业开发区…        3707 (zone has no code)
000880   潍坊市    山东省潍坊滨海经济技术开发区…          370772 (NBS-coded zone)
002083   潍坊市    山东省潍坊高密市孚日街1号              370785 高密市
002485   潍坊市    山东省诸城市舜王街道…                  370782 诸城市
000677   潍坊市    山东省潍坊市寒亭区海龙路555号          370703 寒亭区
002476   东营市    山东省东营市东营区西四路624号          370502 东营区
=======  ========  ====================================  =========================

namechange-2023 rows of 600817 (lines 9280–9291): 宇通重工 since 2021-09-01, 宏盛科技,
ST宏盛 …, 良华实业 since 1994-01-28. Fortune China 500 line 135: 潍柴动力股份有限公司,
rank 134, 29,977 百万美元 = 299.8 亿美元; ACFIC 民营500强 line 5: 华为投资控股有限公司,
广东省, 86,207,200 万元 = 8,620.7 亿元.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from graph.schema import Company
from graph.sqlite_store import SqliteStore
from loaders.office.table_loader import load_table
from loaders.public import namechange, rankings_cn
from queries.factors import scale
from queries.profile import ScoringProfile
from queries.ties import TieModel, build_tie_graph
from queries.view import find_company
from resolve.index import CompanyIndex, company_id_for_name
from resolve.places import locate

AS_OF = dt.date(2026, 1, 1)
HAND = {
    "000338": "3707",
    "000880": "370772",
    "002083": "370785",
    "002485": "370782",
    "000677": "370703",
    "002476": "370502",
}


def _firm(store: SqliteStore, cid: str) -> Company:
    node = store.get_node(cid)
    assert isinstance(node, Company), cid
    return node


def test_locate_by_hand() -> None:
    assert locate("山东", "东营市", "山东省东营市广饶县大王镇经济开发区").code == "370523"
    assert locate(address="山东省广饶县大王镇").code == "370523"  # no city written
    assert locate("山东", "潍坊市", "山东省潍坊高密市孚日街1号").code == "370785"
    assert locate(address="山东省东营市城区路8号").code == "3705"  # 城区路 is a street
    assert locate(address="北京市海淀区中关村大街1号").code == "110108"


def test_szse_regions_by_hand(public_store: SqliteStore) -> None:
    for code, region in HAND.items():
        assert _firm(public_store, f"Company:{code}").region_code == region, code


def test_every_szse_firm_is_in_its_city(public_store: SqliteStore, public_data: Path) -> None:
    """Each firm's region lies in the 城市 the exchange gives (NBS city codes read here)."""
    admin = public_data / "codes" / "admin-divisions-2023"
    with (admin / "cities.csv").open(encoding="utf-8") as fh:
        cities = {r["name"]: r["code"] for r in csv.DictReader(fh) if r["name"] != "市辖区"}
    ws = openpyxl.load_workbook(public_data / "szse-2025" / "A股列表.xlsx").active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    header = [str(h).replace(" ", "") for h in rows[0]]
    code_at, city_at = header.index("A股代码"), header.index("城市")
    checked = 0
    for row in rows[1:]:
        city = cities.get(str(row[city_at]))
        if city is None:  # 天津市, 上海市 … (province-level): no city code
            continue
        region = _firm(public_store, f"Company:{row[code_at]}").region_code or ""
        assert region.startswith(city), (row[code_at], row[city_at], region)
        checked += 1
    assert checked > 2400  # of 2,870: the rest are in 北京, 上海, 天津, 重庆 (no city level)


def test_our_side_at_city_and_county_level(public_store: SqliteStore, tmp_path: Path) -> None:
    graph = build_tie_graph(public_store, TieModel.load(), AS_OF)
    weifang = graph.our_side("3707")
    assert {"Company:000338", "Company:000880", "Company:002083"} <= weifang
    assert "Company:002476" not in weifang and "Company:002476" in graph.our_side("3705")
    gaomi = {f"Company:{c}" for c in HAND if HAND[c] == "370785"}
    assert gaomi <= graph.our_side("370785") and "Company:000338" not in graph.our_side("370785")
    # an office roster placed by its registered address only, at county level
    roster = tmp_path / "企业.csv"
    roster.write_text(
        "企业名称,注册地址\n东营某某化工有限公司,山东省东营市广饶县大王镇1号\n", "utf-8"
    )
    store = SqliteStore(None)
    report = load_table(roster, store, CompanyIndex(), kind="company")
    firm = _firm(store, company_id_for_name("东营某某化工有限公司"))
    assert firm.region_code == "370523" and report.issues == []
    local = build_tie_graph(store, TieModel.load(), AS_OF)
    assert [local.region.get(firm.id)] == ["370523"]


def test_former_short_names(public_store: SqliteStore) -> None:
    firm = _firm(public_store, "Company:600817")
    assert firm.name == "宇通重工"  # a-share-2025; the 2021 legal names are former names
    assert {"宏盛科技", "良华实业", "宏盛", "郑州德恒宏盛科技发展股份有限公司"} <= set(firm.aliases)
    for former in ("良华实业", "宏盛科技", "郑州德恒宏盛科技发展股份有限公司"):
        assert find_company(public_store, former) == "Company:600817"


def test_chinese_lists(public_store: SqliteStore) -> None:
    weichai = _firm(public_store, "Company:000338")
    assert weichai.rankings["财富中国500强 2025"] == 134 and "中国500强" in weichai.tags
    _, evidence = scale(weichai.model_dump(mode="json"), ScoringProfile.load())
    cite = "rankings/fortune-china-500-2025.csv:135"
    assert f"财富中国500强 2025 第 134 名（{cite}）" in evidence
    assert (
        f"营收 299.8 亿美元（财富中国500强 2025 营业收入(百万美元) 原值 29977 百万美元，{cite}）"
        in (evidence)
    )
    huawei = _firm(public_store, company_id_for_name("华为投资控股有限公司"))
    assert huawei.rankings["民营企业500强 2025"] == 4 and "民营500强" in huawei.tags
    assert huawei.region_code == "44"  # ACFIC 省份 广东省
    _, evidence = scale(huawei.model_dump(mode="json"), ScoringProfile.load())
    assert "营收 8,620.7 亿元（民营企业500强 2025 营收总额(万元) 原值 86207200 万元" in evidence


@pytest.mark.parametrize("loader", [namechange, rankings_cn])
def test_loading_twice_changes_nothing(loader, public_data: Path) -> None:  # type: ignore[no-untyped-def]
    folder = public_data / ("namechange-2023" if loader is namechange else "rankings")
    store, index = SqliteStore(None), CompanyIndex()
    loader.load(folder, store, index)
    first = sorted(map(repr, store.raw_nodes()))
    loader.load(folder, store, CompanyIndex.from_store(store))
    assert sorted(map(repr, store.raw_nodes())) == first
