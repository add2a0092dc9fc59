"""Schema, ids and the embedded file: validation, merge rules, save → load round trips."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.errors import BackendError, SchemaError
from graph.ids import node_id, relation_id
from graph.schema import (
    Company,
    NodeKind,
    RelKind,
    Source,
    merge_records,
    parse_node,
    record_json,
    to_record,
)
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


def _dumped(model: Any) -> dict[str, Any]:
    """The stored form as it was first defined: ``model_dump`` in JSON mode, None and
    empty lists or maps left out."""
    data = model.model_dump(mode="json", exclude_none=True)
    return {k: v for k, v in data.items() if v or not isinstance(v, (list, dict))}


def _models() -> list[Any]:
    from decimal import Decimal

    from graph.ledger import Project, StageEvent, Unit
    from graph.schema import Person, Relation

    s2 = Source(dataset="表", file="b.xlsx", row=3, revision="2026-01-02T00:00:00Z", digest="ab")
    return [
        company("甲", region="370500", aliases=["甲"], tags=["上市"], stock_codes=["600000.SH"]),
        company("乙", listed_on=dt.date(2001, 2, 3), rankings={"fortune": 12}),
        Person(id="Person:p", name="张三", sources=[*SRC, s2], private=True),
        Project(
            id="Project:GR-01",
            name="项目一",
            sources=[s2],
            amount_yuan=Decimal("120000000.50"),
            stages=[StageEvent(stage="签约", on=dt.date(2026, 3, 1))],
        ),
        Unit(id="Unit:u", name="广饶县", sources=SRC, city_targets_yuan={"2026": Decimal("7.2e9")}),
        Relation(
            id=relation_id(RelKind.OWNS, "Company:甲", "Company:乙"),
            kind=RelKind.OWNS,
            src="Company:甲",
            dst="Company:乙",
            sources=SRC,
            share_pct=33.33,
            amount_yuan=1.2e10,
            since=dt.date(2020, 1, 1),
            confidence=0.6,
        ),
        rel(RelKind.OFFICER_OF, "Person:p", "Company:甲", roles=["董事长", "总经理"]),
    ]


def test_the_stored_json_is_the_dumped_record() -> None:
    """record_json (pydantic's serializer straight to JSON) gives the fields, order and
    values of model_dump in JSON mode; to_record is that JSON parsed back."""
    for model in _models():
        assert to_record(model) == _dumped(model)
        assert list(to_record(model)) == list(_dumped(model))
        assert orjson.loads(record_json(model)) == _dumped(model)
