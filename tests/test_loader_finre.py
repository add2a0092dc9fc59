"""FinRE loader: a hand-made fixture with answers worked out by hand, then the real data.

Fixture ``tests/fixtures/finre`` (records on odd lines, blank lines between). Known
firms: 工商银行 (601398, alias 工行) and 中国石化 (600028).

train.txt
    1 美国运通 工行 持股 + 3 工行 美国运通 被持股 → one OWNS 美国运通 → 601398
    5 中铝 力拓 合作 + 7 力拓 中铝 合作 + 9 中铝 力拓 签约 → one PARTNERS_WITH, label 签约
    11 unknown, 13 合并, 15 买资 → not ties
    17 three fields → malformed
    19 中国石化 中石化集团 被拥有 + 21 中石化集团 中国石化 拥有 → one OWNS 中石化集团 → 600028
    23 海正药业 / 海正药业有限公司 → one name key: self loop
    25 神秘关系 → unknown relation;  27 blank head → empty name
valid.txt
    1 拟收购, 3 被拟收购, 5 收购, 7 被收购 (双汇国际 → 史密斯菲尔德) → one ACQUIRED, label 收购
test.txt
    1 牛奶集团 光明乳业 订单 + 3 the reverse → one PARTNERS_WITH, label 订单
    5 美国运通 工行 增持 → third source of the OWNS tie (label stays 持股)
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from graph.schema import Company, NodeKind, Source
from graph.sqlite_store import SqliteStore
from loaders.public import finre
from loaders.report import LoadReport
from resolve.index import CompanyIndex, company_id_for_name
from tests.conftest import FIXTURES
from tests.public_firms import listed_firms, oriented

FIX = FIXTURES / "finre"
HAND = Source(dataset="test", file="firms.csv", row=1)


def _known() -> tuple[SqliteStore, CompanyIndex]:
    firms = [
        Company(
            id="Company:601398",
            name="工商银行",
            aliases=["工行"],
            full_name="中国工商银行股份有限公司",
            stock_codes=["601398.SH"],
            sources=[HAND],
        ),
        Company(id="Company:600028", name="中国石化", stock_codes=["600028.SH"], sources=[HAND]),
    ]
    store = SqliteStore(None)
    store.upsert_nodes(firms)
    index = CompanyIndex()
    for firm in firms:
        index.add(firm)
    return store, index


def _src(file: str, *rows: int) -> list[Source]:
    return [Source(dataset="finre", file=file, row=r) for r in rows]


@pytest.fixture()
def loaded() -> tuple[SqliteStore, CompanyIndex, LoadReport]:
    store, index = _known()
    return store, index, finre.load(FIX, store, index)


def test_relations_worked_out_by_hand(loaded) -> None:  # type: ignore[no-untyped-def]
    store, _, _ = loaded
    expected = {
        "OWNS:Company:name:美国运通>Company:601398": (
            _src("train.txt", 1, 3) + _src("test.txt", 5), "持股"
        ),
        "PARTNERS_WITH:Company:name:中铝>Company:name:力拓": (_src("train.txt", 5, 7, 9), "签约"),
        "OWNS:Company:name:中石化集团>Company:600028": (_src("train.txt", 19, 21), "拥有"),
        "ACQUIRED:Company:name:双汇国际>Company:name:史密斯菲尔德": (
            _src("valid.txt", 1, 3, 5, 7), "收购"
        ),
        "PARTNERS_WITH:Company:name:光明乳业>Company:name:牛奶集团": (
            _src("test.txt", 1, 3), "订单"
        ),
    }  # fmt: skip
    got = {r.id: r for r in store.relations()}
    assert set(got) == set(expected)
    for rid, (sources, label) in expected.items():
        rel = got[rid]
        assert (rel.sources, rel.label, rel.confidence) == (sources, label, 0.5), rid
        assert rel.since is None and rel.until is None
    owns = got["OWNS:Company:name:美国运通>Company:601398"]
    assert (owns.src, owns.dst) == ("Company:name:美国运通", "Company:601398")


def test_new_firms_and_untouched_known_firms(loaded) -> None:  # type: ignore[no-untyped-def]
    store, index, report = loaded
    first_seen = {
        "美国运通": ("train.txt", 1),
        "中铝": ("train.txt", 5),
        "力拓": ("train.txt", 5),
        "中石化集团": ("train.txt", 19),
        "双汇国际": ("valid.txt", 1),
        "史密斯菲尔德": ("valid.txt", 1),
        "牛奶集团": ("test.txt", 1),
        "光明乳业": ("test.txt", 1),
    }
    for name, (file, row) in first_seen.items():
        node = store.get_node(f"Company:name:{name}")
        assert isinstance(node, Company), name
        assert node.name == name and node.sources == _src(file, row)
        # a name-only firm is found by its id, not through the name index
        assert company_id_for_name(name) == node.id and index.resolve_name(name) is None
    assert store.count_nodes() == {NodeKind.COMPANY: 2 + 8}
    assert report.nodes_written == 8
    for cid in ("Company:601398", "Company:600028"):
        node = store.get_node(cid)
        assert node is not None and node.sources == [HAND]


def test_report(loaded) -> None:  # type: ignore[no-untyped-def]
    _, _, report = loaded
    assert report.rows_read == 14 + 4 + 3
    assert report.relations_written == 5
    errors = {(i.row, i.field, i.code) for i in report.issues if i.severity == "error"}
    assert errors == {
        (17, "", "malformed_row"),
        (23, "", "self_loop"),
        (25, "relation", "unknown_relation"),
        (27, "head", "empty_name"),
    }
    skipped = {(i.file, i.message.split("'")[1]) for i in report.issues if i.code == "not_a_tie"}
    assert skipped == {("train.txt", "unknown"), ("train.txt", "合并"), ("train.txt", "买资")}
    assert all(i.severity == "warning" for i in report.issues if i.code == "not_a_tie")


def test_loading_twice_changes_nothing(loaded) -> None:  # type: ignore[no-untyped-def]
    store, index, _ = loaded

    def dump() -> str:
        nodes = sorted(store.raw_nodes(), key=lambda d: str(d["id"]))
        rels = sorted(store.raw_relations(), key=lambda d: str(d["id"]))
        return json.dumps([nodes, rels], ensure_ascii=False, sort_keys=True)

    before = dump()
    finre.load(FIX, store, index)
    assert dump() == before


def test_every_relation_is_classified() -> None:
    # relation2id.txt copied from FinRE (MIT): 44 relations, 被 forms included
    lines = (FIX / "relation2id.txt").read_text(encoding="utf-8").splitlines()
    listed = {line.split()[0].removeprefix("被") for line in lines}
    assert len(lines) == 44
    assert listed == set(finre.TIES) | set(finre.NOT_TIES)
    assert not set(finre.TIES) & set(finre.NOT_TIES)


# -- real data -----------------------------------------------------------------------

_OWN = {"持股", "拥有", "入股", "增持", "注资", "成立"}
_ACQ = {"收购", "拟收购", "借壳"}
_PARTNER = {"合资", "合作", "签约", "订单"}


def _key(name: str) -> str:
    """Node of a name-only firm (the documented id rule: 天貓 = 天猫, forms kept apart)."""
    return company_id_for_name(name)


def _expected(folder: Path) -> tuple[set[tuple[str, str, str]], int]:
    """Distinct (kind, head key, tail key) ties and the record count, without the loader."""
    ties = set()
    records = 0
    for split in ("train.txt", "valid.txt", "test.txt"):
        for line in (folder / split).read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            records += 1
            head, tail, rel, _ = line.split("\t")
            passive = rel.startswith("被")
            word = rel[1:] if passive else rel
            a, b = (_key(tail), _key(head)) if passive else (_key(head), _key(tail))
            if a == b:
                continue
            if word in _OWN:
                ties.add(("OWNS", a, b))
            elif word in _ACQ:
                ties.add(("ACQUIRED", a, b))
            elif word in _PARTNER:
                ties.add(("PARTNERS_WITH", *sorted((a, b))))  # type: ignore[arg-type]
    return ties, records


@pytest.mark.public_data
def test_real_data_counts_with_an_empty_index(public_data: Path) -> None:
    folder = public_data / "finre"
    ties, records = _expected(folder)
    store = SqliteStore(None)
    report = finre.load(folder, store, CompanyIndex())
    assert records == report.rows_read == 18_702
    assert sum(store.count_nodes().values()) == len({k for _, a, b in ties for k in (a, b)})
    ties = oriented(ties, report, _key)  # reversed / dropped news relations
    assert {k.value: v for k, v in store.count_relations().items()} == dict(
        Counter(kind for kind, _, _ in ties)
    )
    # both directions of one sentence collapse into one relation
    rel = store.get_relation("OWNS:Company:name:美国运通>Company:name:工行")
    assert rel is not None and len(rel.sources) >= 2


@pytest.mark.public_data
def test_real_data_links_listed_firms(public_data: Path) -> None:
    store, index = listed_firms(public_data)
    finre.load(public_data / "finre", store, index)
    # train.txt 11541 中国平安 平安银行 拥有, 11543 平安银行 中国平安 被拥有
    rel = store.get_relation("OWNS:Company:601318>Company:000001")
    assert rel is not None
    assert {("train.txt", 11541), ("train.txt", 11543)} <= {(s.file, s.row) for s in rel.sources}
