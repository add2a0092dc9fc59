"""Issue 13, fault 6: directions of news relations checked against registry facts.

By hand, from ickg25 (entity2id.txt, relation2id.txt, the splits): test.txt:3553 says
华为终端 母公司/控股 华为 (a unit named after its parent: reversed); train.txt:50816 says
宁德时代 投资 中石化 on 2025-05-12, the day ickg also reads 宁德时代 投资 高瓴资本,
瑞银资管, 高毅资产 and 科威特投资局 — the cornerstone investors of 宁德时代's Hong Kong
listing (train.txt 13878, 17046, 25559; valid.txt 4191): all five are read backwards.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph.ids import new_relation
from graph.schema import Company, RelKind, Source
from graph.sqlite_store import SqliteStore
from loaders.public.directions import is_investor, is_unit_of, orient
from loaders.report import LoadReport
from queries.clusters import read_clusters
from queries.paths import SearchContext
from queries.targets import target_list
from resolve.index import CompanyIndex, company_id_for_name
from tests.builders import company, rel, store_of

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2025, 5, 12)
SRC = [Source(dataset="ickg25", file="train.txt", row=1)]


def _news(kind: RelKind, src: str, dst: str, row: int, since: dt.date | None = DAY):  # type: ignore[no-untyped-def]
    return new_relation(kind, src, dst, [Source(dataset="n", file="t.txt", row=row)], since=since)


def test_rules_by_hand() -> None:
    assert is_unit_of("华为终端有限公司", "华为") and not is_unit_of("华为", "华为终端")
    assert not is_unit_of("阿里巴巴控股集团", "阿里巴巴")
    assert is_investor("高瓴资本") and is_investor("瑞银资管") and not is_investor("宁德时代")
    firms = ["CATL", "HL", "UBS", "GY", "KIA", "SINOPEC", "HW", "HWT", "GOV", "LISTED", "HKEX"]
    store = store_of(
        [company(f) for f in firms],
        [rel(RelKind.CONTROLS, "Company:GOV", "Company:LISTED")],
    )
    names = {
        "Company:CATL": "宁德时代", "Company:HL": "高瓴资本", "Company:UBS": "瑞银资管",
        "Company:GY": "高毅资产", "Company:KIA": "科威特投资局", "Company:SINOPEC": "中石化",
        "Company:HW": "华为", "Company:HWT": "华为终端有限公司", "Company:GOV": "国资委",
        "Company:LISTED": "某上市公司", "Company:HKEX": "港交所",
    }  # fmt: skip
    inv = RelKind.INVESTED_IN
    rels = [
        *(_news(inv, "Company:CATL", f"Company:{x}", i) for i, x in enumerate(firms[1:6], 1)),
        _news(inv, "Company:HL", "Company:CATL", 9, dt.date(2025, 5, 15)),  # stated right
        _news(RelKind.PARENT_OF, "Company:HWT", "Company:HW", 10),
        _news(RelKind.OWNS, "Company:LISTED", "Company:GOV", 11, None),
        _news(inv, "Company:CATL", "Company:HKEX", 12, dt.date(2025, 5, 20)),
        _news(RelKind.PARENT_OF, "Company:HW", "Company:HWT", 13),  # kept as is
    ]
    report, index = LoadReport(dataset="n"), CompanyIndex()
    out = {(r.kind, r.src, r.dst): r for r in orient(rels, store, names.__getitem__, index, report)}
    for x in firms[1:6]:  # four investors by name, 中石化 by the same day's event
        assert (inv, f"Company:{x}", "Company:CATL") in out
        assert (inv, "Company:CATL", f"Company:{x}") not in out
    merged = out[(inv, "Company:HL", "Company:CATL")]
    assert [s.row for s in merged.sources] == [1, 9] and merged.since == DAY
    assert (RelKind.PARENT_OF, "Company:HW", "Company:HWT") in out
    assert len(out[(RelKind.PARENT_OF, "Company:HW", "Company:HWT")].sources) == 2
    assert (RelKind.OWNS, "Company:GOV", "Company:LISTED") in out  # the controller owns
    assert not any(k[2] == "Company:HKEX" for k in out)  # a listing is not an investment
    flagged = sorted(i.row for i in report.issues if i.code == "direction_conflict")
    assert flagged == [1, 2, 3, 4, 5, 10, 11, 12]
    assert {c.kind for c in index.conflicts} == {"relation_direction"}


def test_public_directions(public_store: SqliteStore) -> None:
    catl = "Company:300750"
    inv = {(r.src, r.dst) for r in public_store.relations(RelKind.INVESTED_IN)}
    sinopec = [s for s, d in inv if d == catl and "中石化" in _names(public_store, s)]
    assert sinopec, "中石化 invested in 宁德时代 (cornerstone, 2025-05-12)"
    assert not any(s == catl and "中石化" in _names(public_store, d) for s, d in inv)
    for investor in ("高瓴资本", "瑞银资管", "高毅资产", "科威特投资局"):
        node = company_id_for_name(investor)
        assert (catl, node) not in inv and (node, catl) in inv, investor
    hw, hwt = company_id_for_name("华为"), company_id_for_name("华为终端有限公司")
    parents = {(r.src, r.dst) for r in public_store.relations(RelKind.PARENT_OF)}
    assert (hw, hwt) in parents and (hwt, hw) not in parents


def _names(store: SqliteStore, cid: str) -> set[str]:
    node = store.get_node(cid)
    return {node.name, *node.aliases} if isinstance(node, Company) else set()


@pytest.mark.parametrize("cluster", ["新能源新材料"])
def test_signals_read_direction(public_store: SqliteStore, cluster: str) -> None:
    """宁德时代's 对外投资 signals never name the investors who bought into it."""
    defn = read_clusters().get(cluster)
    ctx = SearchContext.build(public_store, "37", as_of=dt.date(2025, 9, 3))
    tl = target_list(public_store, defn, "37", n=0, context=ctx)
    (row,) = [r for r in tl.rows if r.company == "Company:300750"]
    evidence = next(f.evidence for f in row.factors if f.name == "signals")
    for investor in ("高瓴资本", "瑞银资管", "高毅资产", "科威特投资局", "中国石化", "港交所"):
        assert f"对外投资 {investor}" not in evidence, evidence
