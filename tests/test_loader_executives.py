"""executives-2018 loader: hand-made rosters, the share-class rule, and the real data.

Real-data expectations are computed here with csv and plain set logic (B roster a
subset of exactly one A roster), not through the loader's helpers.
"""

from __future__ import annotations

import csv
import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from graph.schema import Company, NodeKind, Person, Relation, RelKind, Source
from graph.sqlite_store import SqliteStore
from loaders.public import executives
from loaders.public.executives import match_share_classes
from loaders.report import LoadReport
from resolve.index import CompanyIndex
from tests.conftest import FIXTURES

FIXTURE = FIXTURES / "executives-2018"
HAND = [Source(dataset="test", file="hand", row=1)]


def _person(pid: str) -> str:
    return f"Person:exec2018:{pid}"


def _officer(store: SqliteStore, pid: str, firm: str) -> Relation:
    rel = store.get_relation(f"OFFICER_OF:{_person(pid)}>{firm}")
    assert rel is not None, f"{pid} is not an officer of {firm}"
    return rel


def _rows(rel: Relation | Company, file: str) -> list[int]:
    return [s.row for s in rel.sources if s.file == file]


def _snapshot(store: SqliteStore) -> dict[str, str]:
    """Every stored record as canonical JSON, by id."""
    records = (*store.raw_nodes(), *store.raw_relations())
    return {d["id"]: json.dumps(d, sort_keys=True, ensure_ascii=False) for d in records}


# -- the share-class rule --------------------------------------------------------------
BOARD = {"a", "b", "c", "d", "e"}


@pytest.mark.parametrize(
    ("rosters", "expected"),
    [
        ({"200726.SZ": BOARD, "000726.SZ": BOARD}, {"200726.SZ": "000726.SZ"}),
        ({"900901.SH": BOARD, "600602.SH": BOARD | {"f"}}, {"900901.SH": "600602.SH"}),
        ({"200726.SZ": BOARD | {"f"}, "000726.SZ": BOARD}, {}),  # B has someone A lacks
        ({"200011.SZ": {"a", "b"}, "000011.SZ": {"a", "b"}}, {}),  # too small
        ({"900929.SH": BOARD, "600650.SH": {"a", "b", "x"}}, {}),  # a few shared only
        ({"900901.SH": BOARD, "600602.SH": BOARD, "600603.SH": BOARD}, {}),  # two A codes
        ({"900901.SH": BOARD, "200726.SZ": BOARD}, {}),  # two B codes are not a pair
        ({"200726.SZ": BOARD, "000726.SZ": BOARD, "900901.SH": set()}, {"200726.SZ": "000726.SZ"}),
    ],
)
def test_match_share_classes(rosters: dict[str, set[str]], expected: dict[str, str]) -> None:
    assert match_share_classes(rosters) == expected


def test_match_share_classes_min_size() -> None:
    rosters = {"200011.SZ": {"a", "b"}, "000011.SZ": {"a", "b"}}
    assert match_share_classes(rosters, min_size=2) == {"200011.SZ": "000011.SZ"}


# -- fixture ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fixture_load() -> tuple[SqliteStore, CompanyIndex, LoadReport]:
    store, index = SqliteStore(None), CompanyIndex()
    return store, index, executives.load(FIXTURE, store, index)


def test_fixture_counts_and_issues(
    fixture_load: tuple[SqliteStore, CompanyIndex, LoadReport],
) -> None:
    store, _, report = fixture_load
    assert report.rows_read == 9 + 6 + 31
    assert store.count_nodes() == {NodeKind.COMPANY: 6, NodeKind.PERSON: 8}
    # 000726 (A and B rows merged) 5, 600602 5, 600603 5, 900901 5, 000011 2, 200011 2
    assert store.count_relations() == {RelKind.OFFICER_OF: 24}
    got = sorted((i.file, i.row, i.code, i.severity) for i in report.issues)
    assert got == [
        ("executive.csv", 4, "missing_value", "warning"),
        ("executive.csv", 5, "missing_value", "warning"),
        ("executive.csv", 10, "empty_value", "error"),
        ("executive_stock.csv", 17, "unknown_stock", "warning"),
        ("executive_stock.csv", 31, "unknown_person", "error"),
        ("executive_stock.csv", 32, "bad_stock_code", "error"),
    ]


def test_fixture_persons(fixture_load: tuple[SqliteStore, CompanyIndex, LoadReport]) -> None:
    store, _, _ = fixture_load
    p1, p3, p4 = (store.get_node(_person(p)) for p in ("p1", "p3", "p4"))
    assert isinstance(p1, Person) and isinstance(p3, Person) and isinstance(p4, Person)
    assert (p1.name, p1.gender, p1.age, p1.age_as_of, p1.private) == ("张一", "男", 50, 2018, True)
    assert [(s.file, s.row) for s in p1.sources] == [("executive.csv", 2)]
    assert p3.age is None and p4.gender is None and p4.age == 60


def test_fixture_share_classes(fixture_load: tuple[SqliteStore, CompanyIndex, LoadReport]) -> None:
    store, index, _ = fixture_load
    lutai = store.get_node("Company:000726")
    assert isinstance(lutai, Company)
    assert (lutai.name, lutai.aliases) == ("鲁泰Ａ", ["鲁泰Ｂ"])
    assert lutai.stock_codes == ["000726.SZ", "200726.SZ"]
    assert _rows(lutai, "stock.csv") == [2, 3]
    assert store.get_node("Company:200726") is None
    assert index.resolve_code("200726.SZ") == "Company:000726"
    chair = _officer(store, "p1", "Company:000726")
    assert chair.roles == ["董事长", "董事"] and chair.label == "董事长/董事"
    assert _rows(chair, "executive_stock.csv") == [2, 7]
    assert chair.confidence == 0.9
    supervisor = _officer(store, "p5", "Company:000726")
    assert supervisor.roles == ["监事", "监事会主席"] and supervisor.label == "监事"
    # two A codes with the 900901 roster, and a 2-person B roster: kept apart
    for code in ("900901", "200011"):
        assert isinstance(store.get_node(f"Company:{code}"), Company)
    _officer(store, "p4", "Company:900901")
    _officer(store, "p1", "Company:200011")
    unknown = store.get_node("Company:600603")
    assert isinstance(unknown, Company) and unknown.name == "600603"
    assert _officer(store, "p8", "Company:600602").roles == ["总经理", "董事"]


def test_fixture_b_code_with_own_node_is_not_merged() -> None:
    store, index = SqliteStore(None), CompanyIndex()
    own = Company(id="Company:200726", name="鲁泰B", stock_codes=["200726.SZ"], sources=HAND)
    store.upsert_nodes([own])
    index.add(own)
    report = executives.load(FIXTURE, store, index)
    conflicts = [
        (i.file, i.row, i.severity) for i in report.issues if i.code == "share_class_conflict"
    ]
    assert conflicts == [("stock.csv", 3, "warning")]
    lutai = store.get_node("Company:000726")
    assert isinstance(lutai, Company) and lutai.stock_codes == ["000726.SZ"]
    assert _rows(_officer(store, "p1", "Company:200726"), "executive_stock.csv") == [7]
    assert _rows(_officer(store, "p1", "Company:000726"), "executive_stock.csv") == [2]
    assert store.count_relations() == {RelKind.OFFICER_OF: 29}


def test_fixture_known_a_firm_keeps_its_name() -> None:
    store, index = SqliteStore(None), CompanyIndex()
    full = "鲁泰纺织股份有限公司"
    known = Company(
        id="Company:000726", name=full, full_name=full, stock_codes=["000726.SZ"], sources=HAND
    )
    store.upsert_nodes([known])
    index.add(known)
    executives.load(FIXTURE, store, index)
    lutai = store.get_node("Company:000726")
    assert isinstance(lutai, Company)
    # the 2018 A-share short name is new to the firm: kept as an alias (曾用名), then B
    assert (lutai.name, lutai.aliases) == (full, ["鲁泰Ａ", "鲁泰Ｂ"])
    assert lutai.stock_codes == ["000726.SZ", "200726.SZ"]
    assert index.resolve_code("200726.SZ") == "Company:000726"


def test_fixture_idempotent(fixture_load: tuple[SqliteStore, CompanyIndex, LoadReport]) -> None:
    store, index, _ = fixture_load
    before = (store.count_nodes(), store.count_relations(), _snapshot(store))
    executives.load(FIXTURE, store, index)
    executives.load(FIXTURE, store, CompanyIndex.from_store(store))
    assert (store.count_nodes(), store.count_relations(), _snapshot(store)) == before


# -- real data -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real(public_data: Path) -> tuple[SqliteStore, CompanyIndex, LoadReport, float]:
    store, index = SqliteStore(None), CompanyIndex()
    start = time.perf_counter()
    report = executives.load(public_data / "executives-2018", store, index)
    return store, index, report, time.perf_counter() - start


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def expected(public_data: Path) -> dict[str, Any]:
    folder = public_data / "executives-2018"
    persons = _read(folder / "executive.csv")
    positions = _read(folder / "executive_stock.csv")
    rosters: dict[str, set[str]] = defaultdict(set)
    for rec in positions:
        rosters[rec[":END_ID(Stock)"].zfill(6)].add(rec[":START_ID(Executive)"])
    b_codes = [c for c in rosters if c.startswith(("200", "900"))]
    a_codes = [c for c in rosters if c not in b_codes]
    merged = {}
    for b in b_codes:
        holders = [a for a in a_codes if rosters[b] <= rosters[a]]
        if len(rosters[b]) >= 5 and len(holders) == 1:
            merged[b] = holders[0]
    firm = {c: merged.get(c, c) for c in rosters}
    pairs = {
        (rec[":START_ID(Executive)"], firm[rec[":END_ID(Stock)"].zfill(6)]) for rec in positions
    }
    rows = len(persons) + len(positions) + len(_read(folder / "stock.csv"))
    return {
        "persons": len(persons),
        "firms": len(set(firm.values())),
        "pairs": len(pairs),
        "merged": merged,
        "rows": rows,
    }


def test_real_counts(real: Any, expected: dict[str, Any]) -> None:
    store, _, report, seconds = real
    print(f"executives-2018 load: {seconds:.1f} s, {report.summary()}")
    assert report.rows_read == expected["rows"]
    assert store.count_nodes() == {
        NodeKind.COMPANY: expected["firms"],
        NodeKind.PERSON: expected["persons"],
    }
    assert store.count_relations() == {RelKind.OFFICER_OF: expected["pairs"]}
    assert report.rows_skipped == 0


def test_real_share_classes(real: Any, expected: dict[str, Any]) -> None:
    store, index, _, _ = real
    merged = expected["merged"]
    assert merged["200726"] == "000726" and merged["900901"] == "600602"
    assert "900929" not in merged
    for b, a in merged.items():
        firm = store.get_node(f"Company:{a}")
        assert isinstance(firm, Company)
        assert {c[:6] for c in firm.stock_codes} == {a, b}
        assert store.get_node(f"Company:{b}") is None
    lutai = store.get_node("Company:000726")
    assert isinstance(lutai, Company) and lutai.stock_codes == ["000726.SZ", "200726.SZ"]
    assert index.resolve_code("200726.SZ") == "Company:000726"
    assert isinstance(store.get_node("Company:900929"), Company)


def test_real_known_officer(real: Any) -> None:
    store, _, _, _ = real
    found = [
        rel
        for rel, pid in store.neighbours("Company:601058", [RelKind.OFFICER_OF], "in")
        if (p := store.get_node(pid)) is not None and p.name == "杜玉岱"
    ]
    assert len(found) == 1
    assert set(found[0].roles) == {"董事长", "董事"}


def test_real_idempotent(real: Any, public_data: Path) -> None:
    store, _, _, _ = real
    counts, before = (store.count_nodes(), store.count_relations()), _snapshot(store)
    executives.load(public_data / "executives-2018", store, CompanyIndex.from_store(store))
    assert (store.count_nodes(), store.count_relations()) == counts
    assert _snapshot(store) == before
