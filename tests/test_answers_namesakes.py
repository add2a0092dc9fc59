"""Issue 13, fault 4: namesakes and wrong joins from office tables.

By hand, on the tables below (files dated 2025-06-30, so every undated row holds as of
that day and nothing has aged when the search is as of that day):

- The roster has one 张伟, 董事 of 潍坊甲机械 (370702). The relation sheet names
  张伟（深圳乙电子有限公司） (row 2) and, by the 对象单位 column, 张伟 at 乙 (row 3): both
  are a second 张伟, at 乙 (440300), added by row 2 with OFFICER_OF to 乙 and a
  ``namesake`` report line, found again by row 3;
  the roster's 张伟 keeps his one tie, to 甲. So 甲 (our side for home 3707) has no
  path to 丙 (310000), where 李娜 is 董事长: before the fix the sheet's KNOWS rows hung on
  the roster's 张伟 and gave 甲 → 张伟 → 李娜 → 丙.
- 李娜 and 张伟 (at 乙) are 校友 (可信度 0.5) and 同事 (可信度 0.9), both dated by 开始日期
  (a KNOWS tie ages from ``until`` or ``as_of`` only, so neither decays): two parallel
  relations, ``…#校友`` and ``…#同事``. From 乙 (our side for home 44) the one path to 丙
  walks the 同事 tie: 乙 ← 张伟 (OFFICER_OF, no role: 0.4) — 张伟 是 李娜 的同事 (KNOWS
  0.6 × 0.9 = 0.54) — 李娜 → 丙 (董事长 0.9): strength 0.4 × 0.54 × 0.9 = 0.1944, and
  the sentence names 同事, the tie whose strength it is.
- 比亚迪股份有限公司西安分公司 is no firm of the graph: it is added as a branch with
  BRANCH_OF to 比亚迪股份有限公司 of the roster (a firm without a code, found by its
  name); the roster's people find their 工作单位 the same way.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from graph.schema import Company, NodeKind, Person, RelKind
from graph.sqlite_store import SqliteStore
from loaders.office.table_loader import load_table
from loaders.report import LoadReport
from queries.paths import SearchContext, referral_paths
from resolve.index import CompanyIndex

DAY = dt.date(2025, 6, 30)
JIA, YI, BING = (
    "Company:name:潍坊甲机械",
    "Company:name:深圳乙电子",
    "Company:name:上海丙材料",
)
BYD = "Company:name:比亚迪(股份)"  # the id company_id_for_name gives a 股份有限公司
ROSTER = (
    "企业名称,行政区划代码\n"
    "潍坊甲机械有限公司,370702\n"
    "深圳乙电子有限公司,440300\n"
    "上海丙材料有限公司,310000\n"
    "比亚迪股份有限公司,440300\n"
)
PEOPLE = "姓名,工作单位,职务\n张伟,潍坊甲机械有限公司,董事\n李娜,上海丙材料有限公司,董事长\n"
RELATIONS = (
    "主体,关系,对象,对象单位,开始日期,可信度\n"
    "李娜,校友,张伟（深圳乙电子有限公司）,,2004-07-01,0.5\n"
    "李娜,同事,张伟,深圳乙电子有限公司,2023-03-01,0.9\n"
    "深圳乙电子有限公司,供应,比亚迪股份有限公司西安分公司,2024-05-01,\n"
)


def _load(tmp_path: Path) -> tuple[SqliteStore, LoadReport]:
    store = SqliteStore(None)
    stamp = dt.datetime(DAY.year, DAY.month, DAY.day, 12).timestamp()
    reports = []
    for name, text, kind in (
        ("企业.csv", ROSTER, "company"),
        ("人员.csv", PEOPLE, "person"),
        ("关系.csv", RELATIONS, "relation"),
    ):
        path = tmp_path / name
        path.write_text(text, "utf-8")
        os.utime(path, (stamp, stamp))
        reports.append(load_table(path, store, CompanyIndex.from_store(store), kind=kind))
    return store, reports[-1]


def _people(store: SqliteStore) -> dict[str, set[str]]:
    """Person id → the firms they are an officer of."""
    out: dict[str, set[str]] = {p.id: set() for p in store.nodes(NodeKind.PERSON)}
    for rel in store.relations(RelKind.OFFICER_OF):
        out[rel.src].add(rel.dst)
    return out


def test_a_namesake_at_another_firm_is_another_person(tmp_path: Path) -> None:
    store, report = _load(tmp_path)
    people = _people(store)
    names = {p.id: p.name for p in store.nodes(NodeKind.PERSON)}
    zhang = {pid: firms for pid, firms in people.items() if names[pid] == "张伟"}
    assert sorted(sorted(f) for f in zhang.values()) == sorted([[JIA], [YI]])
    (at_yi,) = (pid for pid, firms in zhang.items() if firms == {YI})
    knows = sorted((r.id, r.label, r.confidence) for r in store.relations(RelKind.KNOWS))
    li = next(pid for pid, firms in people.items() if firms == {BING})
    pair = f"KNOWS:{min(li, at_yi)}>{max(li, at_yi)}"
    assert knows == [(f"{pair}#同事", "同事", 0.9), (f"{pair}#校友", "校友", 0.5)]
    lines = [(i.row, i.field, i.code) for i in report.issues]
    # row 3 finds the 张伟 at 乙 that row 2 added: no second line, no third 张伟
    assert lines == [(2, "对象", "namesake"), (4, "对象", "new_company")]
    assert all(isinstance(store.get_node(p), Person) for p in people)
    ctx = SearchContext.build(store, "3707", as_of=DAY, include_private=True)
    assert referral_paths(store, BING, "3707", context=ctx).paths == []


def test_parallel_ties_keep_their_own_words(tmp_path: Path) -> None:
    store, _ = _load(tmp_path)
    ctx = SearchContext.build(store, "44", as_of=DAY, include_private=True)
    result = referral_paths(store, BING, "44", context=ctx)
    (path,) = result.paths
    assert path.introducer == YI and path.strength == pytest.approx(0.1944)
    assert [h.strength for h in path.hops] == pytest.approx([0.4, 0.54, 0.9])
    knows = path.hops[1]
    assert knows.relation_id.endswith("#同事") and knows.label == "同事"
    assert "同事" in knows.sentence and "校友" not in knows.sentence


def test_a_branch_gets_its_parent(tmp_path: Path) -> None:
    store, _ = _load(tmp_path)
    branch = "Company:name:比亚迪股份有限公司西安分公司(股份)"
    node = store.get_node(branch)
    assert isinstance(node, Company) and node.name == "比亚迪股份有限公司西安分公司"
    assert [(r.src, r.dst) for r in store.relations(RelKind.BRANCH_OF)] == [(branch, BYD)]
    assert [(r.src, r.dst) for r in store.relations(RelKind.SUPPLIES)] == [(YI, branch)]
