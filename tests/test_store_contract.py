"""The store contract, run against every backend: the embedded store and Neo4j.

Every expected value below is worked out by hand from the merge rules in
:func:`graph.schema.merge_records` and the ordering rules of :mod:`graph.store`.

The Neo4j parameter connects to ``NEO4J_URI`` (default ``bolt://127.0.0.1:7687``, the
server of ``make neo4j-start``) and deletes everything in that database before each
test. It skips when no server answers, or fails with ``ZHAOSHANG_REQUIRE_NEO4J=1``
(set by ``.ci/run``). It refuses a server that is not on this machine unless
``ZHAOSHANG_NEO4J_ALLOW_CLEAR=1``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import neo4j_store

from graph import cypher
from graph.errors import BackendError, SchemaError
from graph.ids import new_relation, relation_id
from graph.neo4j_store import Neo4jStore
from graph.schema import (
    Company,
    Node,
    NodeKind,
    Person,
    Region,
    Relation,
    RelKind,
    Source,
)
from graph.sqlite_store import SqliteStore
from graph.store import Store, UpsertCounts

ROOT = Path(__file__).resolve().parent.parent
S1 = Source(dataset="test", file="a.csv", row=1)
S2 = Source(dataset="test", file="b.csv", row=2)
S3 = Source(dataset="test", file="c.csv", row=3)


# -- fixtures ---------------------------------------------------------------------
@pytest.fixture()
def store(empty_store: Store) -> Store:
    """An empty store of each backend (see ``empty_store`` in conftest)."""
    return empty_store


def company(key: str, name: str | None = None, **kw: Any) -> Company:
    return Company(id=f"Company:{key}", name=name or f"{key}公司", sources=[S1], **kw)


def person(key: str, **kw: Any) -> Person:
    return Person(id=f"Person:{key}", name=key, sources=[S1], **kw)


def dumped(records: Iterator[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(d, sort_keys=True, ensure_ascii=False) for d in records)


# -- upserts ----------------------------------------------------------------------
def test_upsert_counts_created_updated_unchanged(store: Store) -> None:
    a, b, c = company("a"), company("b"), company("c")
    assert store.upsert_nodes([a, b, c]) == UpsertCounts(created=3, updated=0)
    a2 = company("a", aliases=["甲"])  # changes a
    d = company("d")
    assert store.upsert_nodes([a2, b, d]) == UpsertCounts(created=1, updated=1)
    assert store.upsert_nodes([a2, b, c, d]) == UpsertCounts(created=0, updated=0)

    ab = new_relation(RelKind.SUPPLIES, a.id, b.id, [S1])
    bc = new_relation(RelKind.OWNS, b.id, c.id, [S1], share_pct=30.0)
    assert store.upsert_relations([ab, bc]) == UpsertCounts(created=2, updated=0)
    ab2 = new_relation(RelKind.SUPPLIES, a.id, b.id, [S2])  # a second source
    cd = new_relation(RelKind.SUPPLIES, c.id, d.id, [S1])
    assert store.upsert_relations([ab2, bc, cd]) == UpsertCounts(created=1, updated=1)
    assert store.upsert_relations([ab2, cd]) == UpsertCounts(created=0, updated=0)


def test_one_id_twice_in_one_batch(store: Store) -> None:
    # Like the embedded store: the batch is merged in order, one record at a time.
    first, second = company("a"), company("a", tags=["新"])
    assert store.upsert_nodes([first, second]) == UpsertCounts(created=1, updated=1)
    assert store.upsert_nodes([first, first]) == UpsertCounts(created=0, updated=0)
    assert store.get_node("Company:a") == company("a", tags=["新"])
    store.upsert_nodes([company("b")])
    r1 = new_relation(RelKind.SUPPLIES, "Company:a", "Company:b", [S1])
    r2 = new_relation(RelKind.SUPPLIES, "Company:a", "Company:b", [S2])
    assert store.upsert_relations([r1, r2, r1]) == UpsertCounts(created=1, updated=1)
    got = store.get_relation(r1.id)
    assert got is not None and got.sources == [S1, S2]


def test_node_merge_semantics(store: Store) -> None:
    store.upsert_nodes(
        [
            Company(
                id="Company:600028",
                name="中国石化",
                aliases=["Sinopec"],
                stock_codes=["600028.SH"],
                province="北京",
                sources=[S1],
            )
        ]
    )
    counts = store.upsert_nodes(
        [
            Company(
                id="Company:600028",
                name="中国石油化工股份有限公司",
                aliases=["石化"],
                stock_codes=["00386.HK", "600028.SH"],
                province="上海",  # a scalar: the first value stored stays
                rankings={"Fortune Global 500 2025": 5},
                sources=[S2],
            )
        ]
    )
    assert counts == UpsertCounts(created=0, updated=1)
    # a short name later does not replace the full legal name; it becomes an alias
    counts = store.upsert_nodes([Company(id="Company:600028", name="中石化", sources=[S1])])
    assert counts == UpsertCounts(created=0, updated=1)
    expected = Company(
        id="Company:600028",
        name="中国石油化工股份有限公司",
        aliases=["Sinopec", "石化", "中国石化", "中石化"],
        stock_codes=["600028.SH", "00386.HK"],
        province="北京",
        rankings={"Fortune Global 500 2025": 5},
        sources=[S1, S2],
    )
    assert store.get_node("Company:600028") == expected
    again = store.upsert_nodes([Company(id="Company:600028", name="中石化", sources=[S1])])
    assert again == UpsertCounts(created=0, updated=0)


def test_relation_merge_semantics(store: Store) -> None:
    store.upsert_nodes([person("张三"), company("c")])
    first = new_relation(
        RelKind.OFFICER_OF,
        "Person:张三",
        "Company:c",
        [S1],
        roles=["董事"],
        confidence=0.6,
        since=dt.date(2019, 3, 1),
        until=dt.date(2021, 1, 1),
        label="任职",
    )
    second = new_relation(
        RelKind.OFFICER_OF,
        "Person:张三",
        "Company:c",
        [S2],
        roles=["董事长", "董事"],
        confidence=0.9,
        since=dt.date(2018, 7, 1),
        until=dt.date(2020, 1, 1),
        label="兼任",
    )
    assert store.upsert_relations([first]) == UpsertCounts(created=1)
    assert store.upsert_relations([second]) == UpsertCounts(updated=1)
    expected = Relation(
        id=first.id,
        kind=RelKind.OFFICER_OF,
        src="Person:张三",
        dst="Company:c",
        sources=[S1, S2],
        roles=["董事", "董事长"],
        confidence=0.9,  # the highest
        since=dt.date(2018, 7, 1),  # the earliest
        until=dt.date(2021, 1, 1),  # the latest
        label="任职",  # the first stored
    )
    assert store.get_relation(first.id) == expected
    weaker = new_relation(
        RelKind.OFFICER_OF,
        "Person:张三",
        "Company:c",
        [S1],
        roles=["董事"],
        confidence=0.5,
        since=dt.date(2022, 1, 1),
    )
    assert store.upsert_relations([weaker]) == UpsertCounts()
    assert store.get_relation(first.id) == expected


def test_default_confidence_is_kept_as_the_highest(store: Store) -> None:
    store.upsert_nodes([company("a"), company("b")])
    store.upsert_relations([new_relation(RelKind.SUPPLIES, "Company:a", "Company:b", [S1])])
    store.upsert_relations(
        [new_relation(RelKind.SUPPLIES, "Company:a", "Company:b", [S2], confidence=0.6)]
    )
    got = store.get_relation(relation_id(RelKind.SUPPLIES, "Company:a", "Company:b"))
    assert got is not None and got.confidence == 1.0


def test_same_batch_twice_changes_nothing(store: Store) -> None:
    nodes: list[Node] = [company("a", aliases=["甲"]), company("b"), person("李四")]
    rels = [
        new_relation(RelKind.SUPPLIES, "Company:a", "Company:b", [S1], weight=0.25),
        new_relation(RelKind.OFFICER_OF, "Person:李四", "Company:a", [S1], roles=["监事"]),
    ]
    assert store.upsert_nodes(nodes) == UpsertCounts(created=3)
    assert store.upsert_relations(rels) == UpsertCounts(created=2)
    before = (dumped(store.raw_nodes()), dumped(store.raw_relations()))
    assert store.upsert_nodes(nodes) == UpsertCounts()
    assert store.upsert_relations(rels) == UpsertCounts()
    assert (dumped(store.raw_nodes()), dumped(store.raw_relations())) == before


# -- reads ------------------------------------------------------------------------
def test_round_trip_equals_the_input_models(store: Store) -> None:
    c = Company(
        id="Company:600028",
        name="中国石油化工股份有限公司",
        aliases=["中国石化", "Sinopec"],
        tags=["央企"],
        full_name="中国石油化工股份有限公司",
        uscc="91110000710926094P",
        stock_codes=["600028.SH", "00386.HK"],
        region_code="11",
        province="北京市",
        country="中国",
        listed_on=dt.date(2001, 8, 8),
        controller_type="中央国有企业",
        rankings={"Forbes Global 2000 2025": 38, "财富中国500强 2025": 3},
        revenue_usd=4.3e11,
        sources=[S1, S2],
    )
    p = Person(
        id="Person:exec2018:马永生",
        name="马永生",
        gender="男",
        age=63,
        age_as_of=2025,
        sources=[Source(dataset="executives-2018", file="高管.csv", row=12)],
    )
    r = Region(id="Region:370100", name="济南市", code="370100", sources=[S1])
    rel = new_relation(
        RelKind.OFFICER_OF,
        p.id,
        c.id,
        [S3],
        roles=["董事长", "党组书记"],
        since=dt.date(2019, 2, 28),
        confidence=0.9,
        label="董事长（法定代表人）",
        private=True,
    )
    store.upsert_nodes([c, p, r])
    store.upsert_relations([rel])
    assert store.get_node(c.id) == c
    assert store.get_node(p.id) == p
    assert store.get_node(r.id) == r
    assert store.get_relation(rel.id) == rel
    assert store.get_node("Company:nope") is None
    assert store.get_relation("SUPPLIES:Company:nope>Company:nope") is None


def test_raw_records_equal_the_embedded_store(store: Store) -> None:
    nodes: list[Node] = [
        company("a", rankings={"榜单": 1}, listed_on=dt.date(2020, 1, 2)),
        company("b"),
        person("王五", age=50),
    ]
    rels = [
        new_relation(RelKind.SUPPLIES, "Company:a", "Company:b", [S1], amount_yuan=1.5e8),
        new_relation(RelKind.KNOWS, "Person:王五", "Company:a", [S2]),
    ]
    reference = SqliteStore(None)
    for target in (store, reference):
        target.upsert_nodes(nodes)
        target.upsert_relations(rels)
    assert dumped(store.raw_nodes()) == dumped(reference.raw_nodes())
    assert dumped(store.raw_relations()) == dumped(reference.raw_relations())
    raw = {d["id"]: d for d in store.raw_nodes()}
    assert raw["Company:a"] == {
        "id": "Company:a",
        "kind": "Company",
        "name": "a公司",
        "listed_on": "2020-01-02",
        "rankings": {"榜单": 1},
        "private": False,
        "sources": [{"dataset": "test", "file": "a.csv", "row": 1}],
    }


# Python orders str by code point; so must the store (U+FF5E before U+20000, which
# UTF-16 order would reverse), and Chinese after ASCII.
ORDER_KEYS = ["乙", "B", "a", "甲", "𠀀", "～", "A1", "A"]


def test_nodes_in_id_order_with_kind_filter(store: Store) -> None:
    nodes: list[Node] = [company(k) for k in ORDER_KEYS] + [person("赵六"), person("Bob")]
    random.Random(7).shuffle(nodes)
    store.upsert_nodes(nodes)
    company_ids = [f"Company:{k}" for k in ["A", "A1", "B", "a", "乙", "甲", "～", "𠀀"]]
    assert [n.id for n in store.nodes(NodeKind.COMPANY)] == company_ids
    assert [n.id for n in store.nodes(NodeKind.PERSON)] == ["Person:Bob", "Person:赵六"]
    assert [n.id for n in store.nodes()] == [*company_ids, "Person:Bob", "Person:赵六"]
    assert list(store.nodes(NodeKind.REGION)) == []


def test_relations_in_id_order_with_kind_filter(store: Store) -> None:
    store.upsert_nodes([company(k) for k in ORDER_KEYS])
    rels = [
        new_relation(RelKind.SUPPLIES, "Company:甲", "Company:乙", [S1]),
        new_relation(RelKind.KNOWS, "Company:𠀀", "Company:～", [S1]),
        new_relation(RelKind.OWNS, "Company:A", "Company:B", [S1]),
        new_relation(RelKind.SUPPLIES, "Company:a", "Company:A1", [S1]),
        new_relation(RelKind.SUPPLIES, "Company:～", "Company:𠀀", [S1]),
        new_relation(RelKind.KNOWS, "Company:B", "Company:A", [S1]),
    ]
    store.upsert_relations(rels)
    expected = [
        "KNOWS:Company:A>Company:B",
        "KNOWS:Company:～>Company:𠀀",
        "OWNS:Company:A>Company:B",
        "SUPPLIES:Company:a>Company:A1",
        "SUPPLIES:Company:甲>Company:乙",
        "SUPPLIES:Company:～>Company:𠀀",
    ]
    assert [r.id for r in store.relations()] == expected
    assert [r.id for r in store.relations(RelKind.SUPPLIES)] == expected[3:]
    assert [r.id for r in store.relations(RelKind.KNOWS)] == expected[:2]
    assert list(store.relations(RelKind.LP_IN)) == []


def test_neighbours_kinds_and_directions(store: Store) -> None:
    a, b, c, d = "Company:a", "Company:b", "Company:c", "Company:d"
    store.upsert_nodes([company("a"), company("b"), company("c"), company("d")])
    owns_ab = new_relation(RelKind.OWNS, a, b, [S1])
    supplies_ca = new_relation(RelKind.SUPPLIES, c, a, [S1])
    knows_da = new_relation(RelKind.KNOWS, d, a, [S1])  # stored a -> d
    self_loop = new_relation(RelKind.PARENT_OF, a, a, [S1])
    unrelated = new_relation(RelKind.OWNS, b, c, [S1])
    store.upsert_relations([owns_ab, supplies_ca, knows_da, self_loop, unrelated])

    def around(*args: Any, **kw: Any) -> list[tuple[str, str]]:
        return [(r.id, other) for r, other in store.neighbours(*args, **kw)]

    assert around(a) == [
        ("KNOWS:Company:a>Company:d", d),
        ("OWNS:Company:a>Company:b", b),
        ("PARENT_OF:Company:a>Company:a", a),  # once, though it is both out and in
        ("SUPPLIES:Company:c>Company:a", c),
    ]
    assert around(a, direction="out") == [
        ("KNOWS:Company:a>Company:d", d),
        ("OWNS:Company:a>Company:b", b),
        ("PARENT_OF:Company:a>Company:a", a),
    ]
    assert around(a, direction="in") == [
        ("PARENT_OF:Company:a>Company:a", a),
        ("SUPPLIES:Company:c>Company:a", c),
    ]
    assert around(d, direction="in") == [("KNOWS:Company:a>Company:d", a)]
    assert around(d, direction="out") == []
    assert around(a, [RelKind.OWNS, RelKind.SUPPLIES]) == [
        ("OWNS:Company:a>Company:b", b),
        ("SUPPLIES:Company:c>Company:a", c),
    ]
    assert around(a, [RelKind.SUPPLIES], "out") == []
    assert around(a, []) == []
    assert around("Company:nope") == []
    (rel, _), *_ = store.neighbours(b, [RelKind.OWNS], "in")
    assert rel == owns_ab


def test_counts(store: Store) -> None:
    assert store.count_nodes() == {}
    assert store.count_relations() == {}
    store.upsert_nodes([company("a"), company("b"), person("p")])
    store.upsert_nodes([company("a")])
    store.upsert_relations(
        [
            new_relation(RelKind.SUPPLIES, "Company:a", "Company:b", [S1]),
            new_relation(RelKind.SUPPLIES, "Company:b", "Company:a", [S1]),
            new_relation(RelKind.OFFICER_OF, "Person:p", "Company:a", [S1]),
        ]
    )
    nodes = store.count_nodes()
    assert nodes == {NodeKind.COMPANY: 2, NodeKind.PERSON: 1}
    assert list(nodes) == [NodeKind.COMPANY, NodeKind.PERSON]
    rels = store.count_relations()
    assert rels == {RelKind.OFFICER_OF: 1, RelKind.SUPPLIES: 2}
    assert list(rels) == [RelKind.OFFICER_OF, RelKind.SUPPLIES]


def test_revision_rises_with_each_committed_change(store: Store) -> None:
    before = store.revision or 0
    store.upsert_nodes([company("a")])
    store.save()
    first = store.revision
    assert first is not None and first > before
    assert store.get_node("Company:a") is not None
    assert store.count_nodes() == {NodeKind.COMPANY: 1}
    assert store.revision == first  # reads leave it
    store.upsert_nodes([company("b")])
    store.save()
    assert (store.revision or 0) > first


@pytest.mark.neo4j
def test_clear_empties_the_database_and_renews_its_store_id() -> None:
    db = neo4j_store()
    db.clear()
    db.upsert_nodes([company("a"), company("b")])
    db.upsert_relations([new_relation(RelKind.SUPPLIES, "Company:a", "Company:b", [S1])])
    old = db.store_id
    assert old is not None
    db.clear()
    assert db.count_nodes() == {} and db.count_relations() == {}
    assert db.store_id not in {None, old}


# -- errors -----------------------------------------------------------------------
def test_unknown_endpoint_writes_nothing(store: Store) -> None:
    store.upsert_nodes([company("a"), company("b")])
    good = new_relation(RelKind.SUPPLIES, "Company:a", "Company:b", [S1])
    bad = new_relation(RelKind.SUPPLIES, "Company:b", "Company:missing", [S1])
    with pytest.raises(SchemaError, match="关系指向图谱中不存在的节点：Company:missing"):
        store.upsert_relations([good, bad])
    assert store.count_relations() == {}
    assert store.get_relation(good.id) is None
    assert store.count_nodes() == {NodeKind.COMPANY: 2}


def test_id_stored_as_another_kind_is_refused(store: Store) -> None:
    store.upsert_nodes([company("x")])
    clash = Person(id="Company:x", name="x", sources=[S1])
    with pytest.raises(SchemaError, match="已存为 Company，不是 Person"):
        store.upsert_nodes([clash])
    assert store.count_nodes() == {NodeKind.COMPANY: 1}
    assert isinstance(store.get_node("Company:x"), Company)


def test_symmetric_relation_has_one_id(store: Store) -> None:
    store.upsert_nodes([company("b"), company("a")])
    ba = new_relation(RelKind.PARTNERS_WITH, "Company:b", "Company:a", [S1], label="合资")
    ab = new_relation(RelKind.PARTNERS_WITH, "Company:a", "Company:b", [S2])
    assert ba.id == ab.id == "PARTNERS_WITH:Company:a>Company:b"
    assert store.upsert_relations([ba, ab]) == UpsertCounts(created=1, updated=1)
    got = store.get_relation(ab.id)
    assert got is not None
    assert (got.src, got.dst, got.sources, got.label) == (
        "Company:a",
        "Company:b",
        [S1, S2],
        "合资",
    )
    assert store.count_relations() == {RelKind.PARTNERS_WITH: 1}
    assert [o for _, o in store.neighbours("Company:b")] == ["Company:a"]


def test_chinese_text_and_dates_survive(store: Store) -> None:
    name = "山东重工集团有限公司（潍柴）"
    c = company(
        "潍柴", name=name, aliases=["潍柴动力", "Weichai 𠀀"], listed_on=dt.date(2004, 3, 11)
    )
    store.upsert_nodes([c, company("山推")])
    r = new_relation(
        RelKind.PARENT_OF,
        c.id,
        "Company:山推",
        [Source(dataset="公开数据", file="集团/子公司.xlsx", row=7)],
        since=dt.date(2008, 12, 31),
        until=dt.date(2030, 1, 1),
        label="控股子公司",
    )
    store.upsert_relations([r])
    got = store.get_node(c.id)
    assert got == c and isinstance(got, Company) and got.listed_on == dt.date(2004, 3, 11)
    assert store.get_relation(r.id) == r
    assert [n.name for n in store.nodes(NodeKind.COMPANY)] == ["山推公司", name]


# -- Neo4j only -------------------------------------------------------------------
@pytest.mark.neo4j
def test_concurrent_writers_make_one_record_per_id() -> None:
    """8 threads upsert the same 200 companies and 300 relations, each with its own
    source: one node and one relation per id, and no source lost."""
    db = neo4j_store()
    db.clear()
    n_threads, n_nodes = 8, 200
    pairs = [(i % n_nodes, (i % n_nodes + 1 + i // n_nodes) % n_nodes) for i in range(300)]
    barrier = threading.Barrier(n_threads)
    results: list[tuple[UpsertCounts, UpsertCounts]] = []
    errors: list[BaseException] = []

    def writer(t: int) -> None:
        try:
            src = Source(dataset="thread", file=f"t{t}.csv", row=t + 1)
            nodes = [
                Company(id=f"Company:{i:03d}", name=f"企业{i}", sources=[src])
                for i in range(n_nodes)
            ]
            rels = [
                new_relation(
                    RelKind.KNOWS if i % 5 == 0 else RelKind.SUPPLIES,
                    f"Company:{a:03d}",
                    f"Company:{b:03d}",
                    [src],
                )
                for i, (a, b) in enumerate(pairs)
            ]
            rng = random.Random(t)
            rng.shuffle(nodes)
            rng.shuffle(rels)
            store = neo4j_store(batch_size=40)
            barrier.wait(timeout=60)
            got_nodes = store.upsert_nodes(nodes)
            got_rels = store.upsert_relations(rels)
            results.append((got_nodes, got_rels))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=600)
    assert not errors, errors
    assert len({r.id for r in db.relations()}) == 300
    assert db.count_nodes() == {NodeKind.COMPANY: n_nodes}
    assert sum(db.count_relations().values()) == 300
    # the writes serialised on each id: every record has all 8 sources
    assert {len(n.sources) for n in db.nodes()} == {n_threads}
    assert {len(r.sources) for r in db.relations()} == {n_threads}
    node_total = sum((n for n, _ in results), UpsertCounts())
    rel_total = sum((r for _, r in results), UpsertCounts())
    assert node_total == UpsertCounts(created=n_nodes, updated=n_nodes * (n_threads - 1))
    assert rel_total == UpsertCounts(created=300, updated=300 * (n_threads - 1))
    db.clear()


def test_unreachable_server_is_a_backend_error() -> None:
    with pytest.raises(BackendError, match=re.escape("无法连接 Neo4j 服务器 bolt://127.0.0.1:1")):
        Neo4jStore(uri="bolt://127.0.0.1:1")


def test_cypher_names_come_from_the_enums_only() -> None:
    assert cypher.label(NodeKind.COMPANY) == "Company"
    assert cypher.rel_type(RelKind.OWNS) == "OWNS"
    with pytest.raises(TypeError):
        cypher.label("Company) DETACH DELETE (n")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cypher.rel_type("OWNS")  # type: ignore[arg-type]
