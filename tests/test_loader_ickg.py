"""ICKG-25 loader: a hand-made fixture with answers worked out by hand, then the real data.

Fixture ``tests/fixtures/ickg25`` (entity ids → names, line = id + 1)::

    0 比亚迪  1 宁德时代新能源科技股份有限公司  2 小鹏汽车  3 中国石化  4 光伏  5 同名科技
    6 华为  7 华为 (same name, second id)  8 礼来  9 Superluminal  10 蔚来（中国）  11 蔚来(中国)

Known firms: 比亚迪 (002594), 宁德时代 (300750, full name as in entity 1), 中国石化
(600028); two firms both called 同名科技 (ambiguous). Times 0–3 = 2025-01-01, 02-01,
03-01, 04-01.

train.txt
    1 宁德时代… 供给 比亚迪 t1 → SUPPLIES 300750 → 002594
    2 比亚迪 合作 小鹏汽车 t0, 3 小鹏汽车 合资 比亚迪 t2 → one PARTNERS_WITH (label 合资)
    4 比亚迪 涉足行业 光伏 → not a tie
    5 中国石化 投资 华为 t3 → experts disagree: loaded at 0.6, with a warning
    6 礼来 投资 Superluminal t1 → expert-checked: 0.75
    7 华为 并购 同名科技 → expert incorrect: skipped
    8 中国石化 母公司/控股 中国石化 → self loop
    9 malformed; 10 unknown tail id 99
    11 华为 母公司/控股 蔚来（中国） t2, 12 华为(7) 母公司/控股 蔚来(中国) t1 → one PARENT_OF
valid.txt  1 竞争 (not a tie); 2 小鹏汽车 合作 比亚迪 t3 → third source of the partnership
test.txt   1 同名科技 合作 比亚迪 t0 (ambiguous name: own node); 2 宁德时代… 供给 比亚迪 t3
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from graph.errors import LoadError
from graph.schema import Company, NodeKind, Source
from graph.sqlite_store import SqliteStore
from loaders.public import ickg
from loaders.report import LoadReport
from resolve.index import CompanyIndex, company_id_for_name
from tests.conftest import FIXTURES
from tests.public_firms import listed_firms, oriented

FIX = FIXTURES / "ickg25"
HAND = Source(dataset="test", file="firms.csv", row=1)


def _known() -> tuple[SqliteStore, CompanyIndex]:
    firms = [
        Company(id="Company:002594", name="比亚迪", stock_codes=["002594.SZ"], sources=[HAND]),
        Company(
            id="Company:300750",
            name="宁德时代",
            full_name="宁德时代新能源科技股份有限公司",
            stock_codes=["300750.SZ"],
            sources=[HAND],
        ),
        Company(id="Company:600028", name="中国石化", stock_codes=["600028.SH"], sources=[HAND]),
        Company(id="Company:T1", name="同名科技", sources=[HAND]),
        Company(id="Company:T2", name="同名科技", sources=[HAND]),
    ]
    store = SqliteStore(None)
    store.upsert_nodes(firms)
    index = CompanyIndex()
    for firm in firms:
        index.add(firm)
    return store, index


def _src(file: str, row: int) -> Source:
    return Source(dataset="ickg25", file=file, row=row)


def _dump(store: SqliteStore) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    nodes = sorted(store.raw_nodes(), key=lambda d: str(d["id"]))
    rels = sorted(store.raw_relations(), key=lambda d: str(d["id"]))
    return json.loads(json.dumps(nodes)), json.loads(json.dumps(rels))


@pytest.fixture()
def loaded() -> tuple[SqliteStore, CompanyIndex, LoadReport]:
    store, index = _known()
    report = ickg.load(FIX, store, index)
    return store, index, report


def test_relations_worked_out_by_hand(loaded) -> None:  # type: ignore[no-untyped-def]
    store, _, _ = loaded
    got = {r.id: r for r in store.relations()}
    d = dt.date
    expected = {
        "SUPPLIES:Company:300750>Company:002594": (
            [_src("train.txt", 1), _src("test.txt", 2)], d(2025, 2, 1), "供给", 0.6
        ),
        "PARTNERS_WITH:Company:002594>Company:name:小鹏汽车": (
            [_src("train.txt", 2), _src("train.txt", 3), _src("valid.txt", 2)],
            d(2025, 1, 1), "合资", 0.6,
        ),
        "INVESTED_IN:Company:600028>Company:name:华为": (
            [_src("train.txt", 5)], d(2025, 4, 1), "投资", 0.6
        ),
        "INVESTED_IN:Company:name:礼来>Company:name:superluminal": (
            [_src("train.txt", 6)], d(2025, 2, 1), "投资", 0.75
        ),
        "PARENT_OF:Company:name:华为>Company:name:蔚来(中国)": (
            [_src("train.txt", 11), _src("train.txt", 12)], d(2025, 2, 1), "母公司/控股", 0.6
        ),
        "PARTNERS_WITH:Company:002594>Company:name:同名科技": (
            [_src("test.txt", 1)], d(2025, 1, 1), "新闻提及合作", 0.6  # a bare news 合作 (issue 13)
        ),
    }  # fmt: skip
    assert set(got) == set(expected)
    for rid, (sources, since, label, confidence) in expected.items():
        rel = got[rid]
        assert (rel.sources, rel.since, rel.label, rel.confidence) == (
            sources,
            since,
            label,
            confidence,
        ), rid
    assert got["SUPPLIES:Company:300750>Company:002594"].src == "Company:300750"


def test_new_firms_named_as_written_and_known_firms_untouched(loaded) -> None:  # type: ignore[no-untyped-def]
    store, index, _ = loaded
    ent = Source(dataset="ickg25", file="entity2id.txt", row=0)
    expected = {
        "Company:name:小鹏汽车": ("小鹏汽车", [], [3]),
        "Company:name:华为": ("华为", [], [7]),
        "Company:name:礼来": ("礼来", [], [9]),
        "Company:name:superluminal": ("Superluminal", [], [10]),
        "Company:name:同名科技": ("同名科技", [], [6]),
        "Company:name:蔚来(中国)": ("蔚来（中国）", ["蔚来(中国)"], [11, 12]),
    }
    for cid, (name, aliases, rows) in expected.items():
        node = store.get_node(cid)
        assert isinstance(node, Company), cid
        assert (node.name, node.aliases) == (name, aliases)
        assert node.sources == [ent.model_copy(update={"row": r}) for r in rows]
        assert company_id_for_name(name) == cid  # found by id, not through the name index
    # name-only firms are not in the name index (the next load resolves the same way)
    assert index.resolve_name("华为") is None
    assert index.resolve_name("同名科技") is None  # the two listed 同名科技: ambiguous
    assert store.count_nodes() == {NodeKind.COMPANY: 5 + 6}
    for cid in ("Company:002594", "Company:300750", "Company:600028"):
        node = store.get_node(cid)
        assert node is not None and node.sources == [HAND]


def test_report_counts_and_issues(loaded) -> None:  # type: ignore[no-untyped-def]
    _, _, report = loaded
    assert report.rows_read == 12 + 2 + 2
    assert report.relations_written == 6
    assert report.nodes_written == 6
    errors = {(i.file, i.row, i.code) for i in report.issues if i.severity == "error"}
    assert errors == {
        ("train.txt", 7, "expert_incorrect"),
        ("train.txt", 8, "self_loop"),
        ("train.txt", 9, "malformed_row"),
        ("train.txt", 10, "unknown_id"),
    }
    warnings = Counter((i.file, i.row, i.code) for i in report.issues if i.severity == "warning")
    assert warnings == Counter(
        {
            ("train.txt", 0, "not_a_tie"): 1,
            ("valid.txt", 0, "not_a_tie"): 1,
            ("train.txt", 5, "expert_disagreement"): 1,
            ("annotated_samples.jsonl", 4, "malformed_row"): 1,
        }
    )
    assert report.rows_skipped == 4


def test_loading_twice_changes_nothing(loaded) -> None:  # type: ignore[no-untyped-def]
    store, index, _ = loaded
    before = _dump(store)
    counts = (store.count_nodes(), store.count_relations())
    ickg.load(FIX, store, index)
    assert (store.count_nodes(), store.count_relations()) == counts
    assert _dump(store) == before


def test_missing_dictionary_raises(tmp_path: Path) -> None:
    for name in ("relation2id.txt", "time2id.txt", "train.txt"):
        shutil.copy(FIX / name, tmp_path / name)
    store, index = _known()
    with pytest.raises(LoadError, match="entity2id"):
        ickg.load(tmp_path, store, index)


# -- real data -----------------------------------------------------------------------

_KINDS = {  # the test's own reading of the relation names
    "投资": "INVESTED_IN",
    "母公司/控股": "PARENT_OF",
    "供给": "SUPPLIES",
    "并购": "ACQUIRED",
    "合资": "PARTNERS_WITH",
    "合作": "PARTNERS_WITH",
}


def _key(name: str) -> str:
    """Node of a name-only firm (the documented id rule: 天貓 = 天猫, forms kept apart)."""
    return company_id_for_name(name)


def _expected_ties(folder: Path) -> set[tuple[str, str, str]]:
    """Distinct (kind, head key, tail key) tie triples, computed without the loader."""
    names = {}
    for line in (folder / "entity2id.txt").read_text(encoding="utf-8").splitlines():
        name, ident = line.rsplit("\t", 1)
        names[ident] = name.strip()
    rels = dict(
        reversed(line.split("\t"))
        for line in (folder / "relation2id.txt").read_text(encoding="utf-8").splitlines()
    )
    labels: dict[tuple[str, ...], set[str]] = {}
    with (folder / "annotated_samples.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            labels.setdefault(tuple(rec["triple"]), set()).add(rec["expert_label"])
    ties = set()
    for split in ("train.txt", "valid.txt", "test.txt"):
        for line in (folder / split).read_text(encoding="utf-8").splitlines():
            h, r, t, _ = line.split("\t")
            head, rel, tail = names[h], rels[r], names[t]
            if rel not in _KINDS or labels.get((head, rel, tail)) == {"incorrect"}:
                continue
            a, b = _key(head), _key(tail)
            if a == b:
                continue
            if _KINDS[rel] == "PARTNERS_WITH":
                a, b = sorted((a, b))
            ties.add((_KINDS[rel], a, b))
    return ties


@pytest.mark.public_data
def test_real_data_counts_with_an_empty_index(public_data: Path) -> None:
    folder = public_data / "ickg25"
    expected = _expected_ties(folder)
    store = SqliteStore(None)
    report = ickg.load(folder, store, CompanyIndex())
    assert report.rows_read == 68_237
    endpoints = {key for _, a, b in expected for key in (a, b)}
    expected = oriented(expected, report, _key)  # reversed / dropped news relations
    assert sum(store.count_relations().values()) == len(expected)
    by_kind = Counter(kind for kind, _, _ in expected)
    assert {k.value: v for k, v in store.count_relations().items()} == dict(by_kind)
    assert sum(store.count_nodes().values()) == len(endpoints)


@pytest.mark.public_data
def test_real_data_links_listed_firms(public_data: Path) -> None:
    store, index = listed_firms(public_data)
    catl = index.resolve_name("宁德时代")
    assert catl == "Company:300750"
    ickg.load(public_data / "ickg25", store, index)
    # train/valid/test hold (宁德时代, 投资, 北京银河通用机器人, 2025-06-23)
    rel = store.get_relation("INVESTED_IN:Company:300750>Company:name:北京银河通用机器人")
    assert rel is not None and rel.since is not None and rel.since <= dt.date(2025, 6, 23)
    node = store.get_node("Company:300750")
    assert node is not None and node.name == "宁德时代"
    assert all(s.dataset == "a-share-2025" for s in node.sources)
