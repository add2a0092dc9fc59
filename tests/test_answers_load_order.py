"""Issue 13, fault 4: loading ``rankings`` before the rest must not leave duplicate firms.

By hand, from the source rows: Forbes Global 2000 2025 row 957 (rank 956) is *Sany
Heavy Industry*, which ``loaders/data/rankings_zh.csv`` links to 600031.SH
(三一重工股份有限公司); 《财富》中国500强 2025 row 237 ranks 三一重工股份有限公司 236. What
links the English name to 600031 is that table's stock code: the registries key listed
firms by code (``Company:600031``).

- Asked for alone into an empty store, ``rankings`` is refused with one
  ``registries_first`` error per loader (Forbes/Fortune, then the Chinese lists) and
  nothing is written: loaded first, the Chinese lists' legal names could not be joined
  to the listed firms the registries add later by code (165 such pairs were measured).
- The Forbes loader alone, before chain-kg, keys Sany by its code, so chain-kg joins it:
  one node ``Company:600031`` with rank 956 and the chain-kg record.
- After the whole load, both ranks sit on ``Company:600031`` (shown as 三一重工) and no
  other firm has either rank or is named in English.
"""

from __future__ import annotations

from pathlib import Path

from graph.schema import Company, NodeKind
from graph.sqlite_store import SqliteStore
from loaders.public import chain_kg, rankings
from loaders.public.load import load_public
from resolve.index import CompanyIndex

SANY = "Company:600031"
FORBES, FORTUNE_CN = "Forbes Global 2000 2025", "财富中国500强 2025"


def test_rankings_alone_are_refused(public_data: Path) -> None:
    store = SqliteStore(None)
    reports = load_public(public_data, store, only=["rankings"])
    assert [(r.dataset, [i.code for i in r.issues]) for r in reports] == [
        ("rankings", ["registries_first"]),
        ("rankings", ["registries_first"]),
    ]
    assert sum(1 for _ in store.nodes()) == 0


def test_forbes_before_the_registry_is_joined_by_code(public_data: Path) -> None:
    store = SqliteStore(None)
    index = CompanyIndex.from_store(store)
    report = rankings.load(public_data / "rankings", store, index)
    sany = store.get_node(SANY)
    assert isinstance(sany, Company) and sany.stock_codes == ["600031.SH"]
    assert sany.rankings == {FORBES: 956}
    assert any(i.code == "unknown_stock_code" and i.row == 957 for i in report.issues)
    chain_kg.load(public_data / "chain-kg", store, index)
    sany = store.get_node(SANY)
    assert isinstance(sany, Company) and {s.dataset for s in sany.sources} >= {
        "rankings",
        "chain-kg",
    }
    ranked = [n.id for n in store.nodes(NodeKind.COMPANY) if FORBES in n.rankings]  # type: ignore[union-attr]
    assert ranked.count(SANY) == 1
    assert not [
        n.id
        for n in store.nodes(NodeKind.COMPANY)
        if n.name == "Sany Heavy Industry" and n.id != SANY
    ]


def test_sany_is_one_firm_after_the_whole_load(public_store: SqliteStore) -> None:
    sany = public_store.get_node(SANY)
    assert isinstance(sany, Company)
    assert sany.rankings[FORBES] == 956 and sany.rankings[FORTUNE_CN] == 236
    firms = [n for n in public_store.nodes(NodeKind.COMPANY) if isinstance(n, Company)]
    assert [f.id for f in firms if f.rankings.get(FORBES) == 956] == [SANY]
    assert [f.id for f in firms if f.rankings.get(FORTUNE_CN) == 236] == [SANY]
    assert [f.id for f in firms if f.name == "Sany Heavy Industry"] == []  # 600031 is 三一重工
