"""Connectors on the hand-made graph of tests/test_paths.py; strengths worked by hand."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from graph.schema import RelKind
from graph.sqlite_store import SqliteStore
from queries.clusters import ClusterDef
from queries.connectors import connectors
from queries.paths import SearchContext
from tests.builders import company, industry, person, rel, store_of

AS_OF = dt.date(2026, 1, 1)


def _graph():  # type: ignore[no-untyped-def]
    # L1 –董事长 P– T (0.9 × 0.5 = 0.45) and L1 –合资– X –PARENT_OF– T (0.5525);
    # L2 –SUPPLIES 0.6 × 0.5– T (0.30); L2 –SUPPLIES– U (0.5); FAR unreachable.
    nodes = [company("L1", "3701"), company("L2", "3702"), company("X", "31")]
    nodes += [company("T", "44"), company("U", "44"), company("FAR", "11"), person("P")]
    rels = [
        rel(RelKind.OFFICER_OF, "Person:P", "Company:L1", roles=["董事长"]),
        rel(RelKind.OFFICER_OF, "Person:P", "Company:T", roles=["独立董事"]),
        rel(RelKind.SUPPLIES, "Company:L2", "Company:T", product="液压件", confidence=0.5),
        rel(RelKind.PARTNERS_WITH, "Company:X", "Company:L1", label="合资"),
        rel(RelKind.PARENT_OF, "Company:X", "Company:T"),
        rel(RelKind.SUPPLIES, "Company:L2", "Company:U"),
    ]
    return nodes, rels


def test_connectors_rank_by_value_times_best_strength() -> None:
    store = store_of(*_graph())
    ctx = SearchContext.build(store, "37", as_of=AS_OF)
    values = {"Company:T": 1.0, "Company:U": 2.0, "Company:FAR": 5.0}
    result = connectors(store, ClusterDef(name="测试"), "37", context=ctx, values=values)
    got = [(r.node, r.score, r.reached, r.reached_value) for r in result.rows]
    assert got == [
        ("Company:L2", pytest.approx(2.0 * 0.5 + 1.0 * 0.30), 2, pytest.approx(3.0)),
        ("Company:L1", pytest.approx(0.5525), 1, pytest.approx(1.0)),
    ]
    assert [t.company for t in result.rows[0].targets] == ["Company:U", "Company:T"]
    assert result.candidates == 3 and result.value_rule == "调用方给定的价值"
    short = connectors(store, ClusterDef(name="测试"), "37", context=ctx, values=values, max_hops=1)
    assert [(r.node, r.reached) for r in short.rows] == [("Company:L2", 2)]


def test_connectors_json_equals_library_result(tmp_path: Path) -> None:
    nodes, rels = _graph()
    graph = tmp_path / "g.db"
    store = SqliteStore(graph)
    store.upsert_nodes([*nodes, industry("110000", "电力设备")])
    in_industry = rel(RelKind.IN_INDUSTRY, "Company:T", "Industry:SW-2021:110000")
    store.upsert_relations([*rels, in_industry])
    store.save()
    clusters = tmp_path / "c.toml"
    clusters.write_text('[[cluster]]\nname = "电池"\ncore_industries = ["110000"]\n', "utf-8")
    args = ["connectors", "--cluster", "电池", "--clusters", str(clusters), "--graph", str(graph)]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    library = connectors(
        SqliteStore(graph), ClusterDef(name="电池", core_industries=["110000"]), "37"
    )
    assert json.loads(result.stdout) == library.model_dump(mode="json")
    assert [r.node for r in library.rows] == ["Company:L1", "Company:L2"]
    text = CliRunner().invoke(app, args)
    assert text.exit_code == 0 and "本地联络人" in text.stdout
