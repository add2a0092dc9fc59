"""The whole chain on the real public data: load everything, ask real questions.

Expected values are worked out from the source files by another route (csv/json read
here), never copied from the loaders' output.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest

from graph.schema import RelKind
from graph.sqlite_store import SqliteStore
from loaders.public.load import load_public
from queries.clusters import industry_closure, read_clusters
from queries.paths import SearchContext, referral_paths
from queries.targets import target_list
from tests.public_firms import shandong_codes

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def loaded(public_store: SqliteStore) -> SqliteStore:
    return public_store


@pytest.fixture(scope="module")
def ctx(loaded: SqliteStore) -> SearchContext:
    return SearchContext.build(loaded, "37")


def _shandong_codes(public_data: Path) -> set[str]:
    with (public_data / "a-share-2025" / "股票列表.csv").open(encoding="utf-8") as fh:
        return {r["symbol"] for r in csv.DictReader(fh) if r["area"] == "山东"}


def test_loading_twice_changes_nothing(public_data: Path, loaded: SqliteStore) -> None:
    nodes, rels = loaded.count_nodes(), loaded.count_relations()
    reopened = SqliteStore(loaded.path)
    assert reopened.count_nodes() == nodes and reopened.count_relations() == rels
    load_public(public_data, reopened)
    assert reopened.count_nodes() == nodes
    assert reopened.count_relations() == rels
    some = sorted(r["id"] for r in reopened.raw_relations())[::5000]
    for rid in some:
        assert reopened.get_relation(rid) == loaded.get_relation(rid)


def test_shandong_firms_are_our_side(public_data: Path, ctx: SearchContext) -> None:
    assert len(_shandong_codes(public_data)) == 308  # a-share-2025 area 山东
    # + the SZSE list's 山东 firms a-share leaves without area (2025 listings), B shares,
    # and delisted firms whose legal name starts with a Shandong place (issue 13)
    codes = shandong_codes(public_data)
    assert _shandong_codes(public_data) <= codes
    ours_listed = {
        n.split(":")[1] for n in ctx.ours if n.startswith("Company:") and n[8:].isdigit()
    }
    assert ours_listed == codes


def test_director_interlock_is_an_explained_two_hop_path(
    public_data: Path, loaded: SqliteStore, ctx: SearchContext
) -> None:
    # From executive_prep.csv: people (name, gender, age) holding office both in a
    # Shandong firm and in a firm outside Shandong.
    shandong = _shandong_codes(public_data)
    with (public_data / "a-share-2025" / "股票列表.csv").open(encoding="utf-8") as fh:
        elsewhere = {r["symbol"] for r in csv.DictReader(fh) if r["area"] not in ("山东", "")}
    jobs: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
    with (public_data / "executives-2018" / "executive_prep.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            jobs[(r["name"], r["gender"], r["age"])][r["code"]] = r["jobs"]
    interlocks = sorted(
        (person, sd, other)
        for person, firms in jobs.items()
        for sd in firms
        if sd in shandong
        for other in firms
        if other in elsewhere
    )
    assert len(interlocks) > 20
    (name, _, _), sd, other = interlocks[0]
    result = referral_paths(loaded, f"Company:{other}", "37", k=30, max_hops=2, context=ctx)
    two_hop = [
        p
        for p in result.paths
        if p.introducer == f"Company:{sd}" and len(p.hops) == 2 and p.hops[0].dst_name == name
    ]
    assert two_hop, f"no path {sd} –{name}– {other}"
    first, second = two_hop[0].hops
    assert first.relation == second.relation == RelKind.OFFICER_OF.value
    assert first.sentence.startswith(f"{name} 2018 年时任 ")  # as of executives-2018
    assert second.sentence.startswith(f"{name} 2018 年时同时任 ")
    assert "executives-2018/" in first.sentence and "executives-2018/" in second.sentence
    assert set(first.roles) == set(jobs[interlocks[0][0]][sd].split("/"))


def test_a_and_b_shares_of_one_firm_are_one_company(public_data: Path, loaded: SqliteStore) -> None:
    # 鲁泰A (000726) and 鲁泰B (200726): the same board in executive_prep.csv.
    board: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    with (public_data / "executives-2018" / "executive_prep.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            board[r["code"]].add((r["name"], r["gender"], r["age"]))
    assert board["000726"] == board["200726"] and len(board["200726"]) >= 5
    firm = loaded.get_node("Company:000726")
    assert firm is not None and "200726.SZ" in firm.stock_codes  # type: ignore[union-attr]
    assert loaded.get_node("Company:200726") is None


def test_target_list_firms_really_are_in_the_cluster(
    public_data: Path, loaded: SqliteStore, ctx: SearchContext
) -> None:
    cluster = read_clusters(ROOT / "queries" / "data" / "shandong.toml").get("高端装备")
    tl = target_list(loaded, cluster, "37", n=30, context=ctx)
    assert len(tl.rows) == 30
    assert [r.score for r in tl.rows] == sorted((r.score for r in tl.rows), reverse=True)
    core, related = industry_closure(loaded, cluster)
    codes = {i.rsplit(":", 1)[1] for i in core | related}
    firm_industries: dict[str, set[str]] = defaultdict(set)
    with (public_data / "chain-kg" / "company_industry.json").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            firm_industries[rec["company_code"].split(".")[0]].add(rec["industry_code"])
    # the cluster's products, one 上游材料/下游产品 step up or down, and their 产品小类
    near: dict[str, set[str]] = defaultdict(set)
    narrower: dict[str, set[str]] = defaultdict(set)
    with (public_data / "chain-kg" / "product_product.json").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            a, b = str(rec["from_entity"]), str(rec["to_entity"])
            if rec["rel"] in ("上游材料", "下游产品"):
                near[a].add(b)
                near[b].add(a)
            elif rec["rel"] == "产品小类":
                narrower[a].add(b)
    products = set(cluster.products).union(*(near[p] for p in cluster.products))
    stack = list(products)
    while stack:
        for child in narrower[stack.pop()] - products:
            products.add(child)
            stack.append(child)
    makes: dict[str, set[str]] = defaultdict(set)
    with (public_data / "chain-kg" / "company_product.json").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            makes[rec["company_code"].split(".")[0]].add(rec["product_name"])
    shandong = shandong_codes(public_data)
    for row in tl.rows:
        code = row.company.split(":")[1]
        assert code not in shandong
        assert firm_industries[code] & codes or makes[code] & products, row.name
