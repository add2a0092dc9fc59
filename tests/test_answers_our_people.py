"""Issue 13, fault 8: the office's own people are our side.

By hand, on the tables below (files dated 2025-06-30; the search is as of that day,
so nothing has aged):

- 王海 (人员表: 行政区划代码 3707, 标签 招商大使) and 潍坊驻深招商联络处 (中介表: 3707,
  招商顾问) are ours for home 3707 and for 37 without any relation to ``region:3707``;
  李强 (3707, no tag) is not, nor is anyone for home 3705.
- 王海 认识 深圳目标科技有限公司 (a KNOWS from a person to a firm, "knows someone
  at") loads. It is private: without ``--include-private`` there is no path and the
  answer says one exists through private ties; with it, the one path is 王海 → 深圳目标,
  strength KNOWS 0.6 × 可信度 1.0 = 0.6, "截至 2025 年，王海 认识 深圳目标科技有限公司
  的人".
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from rich.console import Console

from cli.render import show_referrals
from graph.privacy import redact
from graph.schema import NodeKind, RelKind
from graph.sqlite_store import SqliteStore
from loaders.office.table_loader import load_table
from queries.paths import SearchContext, referral_paths
from resolve.index import CompanyIndex

DAY = dt.date(2025, 6, 30)
TARGET = "Company:name:深圳目标科技"
TABLES = (
    ("企业.csv", "企业名称,行政区划代码\n深圳目标科技有限公司,440300\n", "company"),
    ("人员.csv", "姓名,行政区划代码,标签\n王海,3707,招商大使\n李强,3707,\n", "person"),
    ("中介.csv", "机构名称,行政区划代码,标签\n潍坊驻深招商联络处,3707,招商顾问\n", "intermediary"),
    (
        "关系.csv",
        "主体,关系,对象\n王海,认识,深圳目标科技有限公司\n李强,认识,深圳目标科技有限公司\n",
        "relation",
    ),
)


def _load(tmp_path: Path) -> SqliteStore:
    store = SqliteStore(None)
    stamp = dt.datetime(DAY.year, DAY.month, DAY.day, 12).timestamp()
    for name, text, kind in TABLES:
        path = tmp_path / name
        path.write_text(text, "utf-8")
        os.utime(path, (stamp, stamp))
        report = load_table(path, store, CompanyIndex.from_store(store), kind=kind)
        assert [i.code for i in report.issues] == [], name
    return store


def _ids(store: SqliteStore) -> dict[str, str]:
    kinds = (NodeKind.PERSON, NodeKind.INTERMEDIARY)
    return {n.name: n.id for k in kinds for n in store.nodes(k)}


def test_tagged_people_of_a_region_are_ours(tmp_path: Path) -> None:
    store = _load(tmp_path)
    ids = _ids(store)
    assert not list(store.relations(RelKind.ENGAGED_BY))
    ours = {ids["王海"], ids["潍坊驻深招商联络处"]}
    for home in ("3707", "37"):
        assert ours <= SearchContext.build(store, home, as_of=DAY).ours, home
        assert ids["李强"] not in SearchContext.build(store, home, as_of=DAY).ours
    assert not ours & SearchContext.build(store, "3705", as_of=DAY).ours


def test_knows_someone_at_a_firm_and_the_private_hint(tmp_path: Path) -> None:
    store = _load(tmp_path)
    ids = _ids(store)
    knows = sorted((r.src, r.dst, r.private) for r in store.relations(RelKind.KNOWS))
    assert knows == sorted([(TARGET, ids["王海"], True), (TARGET, ids["李强"], True)])
    ctx = SearchContext.build(store, "3707", as_of=DAY)
    public = referral_paths(store, TARGET, "3707", context=ctx)
    assert public.paths == [] and public.private_hint
    console = Console(record=True, width=200)
    show_referrals(console, redact(public, False))
    text = console.export_text()
    assert "没有找到引荐路径；加 --include-private 可能找到经私人关系的路径" in text
    assert "王海" not in text and "李强" not in text
    ctx = SearchContext.build(store, "3707", as_of=DAY, include_private=True)
    private = referral_paths(store, TARGET, "3707", context=ctx)
    (path,) = private.paths
    assert path.introducer == ids["王海"] and path.strength == 0.6 and not private.private_hint
    (hop,) = path.hops  # dated by the file's day, as every undated office row is
    assert hop.sentence.startswith("截至 2025 年，王海 认识 深圳目标科技有限公司 的人（来源：")
