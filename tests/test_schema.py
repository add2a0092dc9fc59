"""Schema, ids and the embedded file: validation, merge rules, save → load round trips."""

from __future__ import annotations

import gzip
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.errors import BackendError, SchemaError
from graph.ids import node_id, relation_id
from graph.schema import Company, NodeKind, RelKind, Source, merge_records, parse_node
from graph.sqlite_store import SqliteStore
from graph.store import open_store
from tests.builders import SRC, company, rel

names = st.text(alphabet="山东推工程机械股份有限公司集团AB（）() ", min_size=1, max_size=12).filter(
    lambda s: s.strip()
)


def test_unknown_field_is_rejected() -> None:
    with pytest.raises(SchemaError, match="colour"):
        parse_node(
            {"kind": "Company", "id": "Company:1", "name": "甲", "colour": "red", "sources": []}
        )


def test_ids_fold_width_and_space() -> None:
    assert (
        node_id(NodeKind.COMPANY, "ＡＢＣ　１")
        == node_id(NodeKind.COMPANY, "ABC 1")
        == "Company:ABC 1"
    )
    assert relation_id(RelKind.KNOWS, "b", "a") == relation_id(RelKind.KNOWS, "a", "b")
    assert relation_id(RelKind.OWNS, "b", "a") != relation_id(RelKind.OWNS, "a", "b")


def test_full_legal_name_kept_over_short_name() -> None:
    old = {"kind": "Company", "id": "c", "name": "山推工程机械股份有限公司", "aliases": []}
    new = {"kind": "Company", "id": "c", "name": "山推股份"}
    assert merge_records(old, new)["name"] == "山推工程机械股份有限公司"
    assert merge_records(old, new)["aliases"] == ["山推股份"]
    assert merge_records(new, old)["name"] == "山推工程机械股份有限公司"
    assert merge_records(new, old)["aliases"] == ["山推股份"]


def test_relation_merge_keeps_earliest_since_and_highest_confidence() -> None:
    a = {"kind": "SUPPLIES", "since": "2025-03-01", "confidence": 0.6, "sources": [{"row": 1}]}
    b = {"kind": "SUPPLIES", "since": "2025-01-05", "confidence": 0.75, "sources": [{"row": 2}]}
    merged = merge_records(a, b)
    assert merged["since"] == "2025-01-05" and merged["confidence"] == 0.75
    assert merged["sources"] == [{"row": 1}, {"row": 2}]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(names, names), min_size=1, max_size=8))
def test_merging_twice_changes_nothing(pairs: list[tuple[str, str]]) -> None:
    store = SqliteStore(None)
    nodes = [company(f"k{i % 3}", name=a, aliases=[b]) for i, (a, b) in enumerate(pairs)]
    store.upsert_nodes(nodes)
    before = sorted(json.dumps(d, sort_keys=True) for d in store.raw_nodes())
    again = store.upsert_nodes(nodes)
    after = sorted(json.dumps(d, sort_keys=True) for d in store.raw_nodes())
    assert (again.created, again.updated) == (0, 0) and before == after


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(names, st.sampled_from(["37", "44", None])), min_size=1, max_size=10))
def test_save_then_load_gives_the_same_graph(tmp_path_factory, rows) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("g") / "g.db"
    store = SqliteStore(path)
    store.upsert_nodes([company(f"c{i}", region, name=n) for i, (n, region) in enumerate(rows)])
    store.upsert_relations(
        [rel(RelKind.PARTNERS_WITH, "Company:c0", f"Company:c{i}") for i in range(1, len(rows))]
    )
    store.save()
    first = path.read_bytes()
    reopened = SqliteStore(path)
    assert list(reopened.raw_nodes()) == list(store.raw_nodes()) or sorted(
        json.dumps(d, sort_keys=True) for d in reopened.raw_nodes()
    ) == sorted(json.dumps(d, sort_keys=True) for d in store.raw_nodes())
    assert reopened.count_relations() == store.count_relations()
    reopened.save()
    assert path.read_bytes() == first  # deterministic bytes


def test_not_a_graph_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.zsg"
    with gzip.open(path, "wt") as fh:
        fh.write('{"format": "other"}\n')
    with pytest.raises(BackendError, match="不是 zhaoshang 图谱文件"):
        open_store(path)
    path.write_text("plain text")
    with pytest.raises(BackendError, match="不是 zhaoshang 图谱数据库文件"):
        open_store(path)


def test_relation_to_unknown_node_writes_nothing() -> None:
    store = SqliteStore(None)
    store.upsert_nodes([Company(id="Company:a", name="a", sources=SRC)])
    good = rel(RelKind.OWNS, "Company:a", "Company:a")
    bad = rel(RelKind.OWNS, "Company:a", "Company:missing")
    with pytest.raises(SchemaError, match="Company:missing"):
        store.upsert_relations([good, bad])
    assert store.count_relations() == {}
    assert Source(dataset="d", file="f.csv", row=3).cite() == "d/f.csv:3"
