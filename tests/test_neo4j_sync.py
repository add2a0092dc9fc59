"""The full real data through Neo4j: push, pull back, same records; same query answers.

One module fixture pushes the public graph (about 138,000 nodes and 217,000 relations)
into the wiped test database once; the tests then read it. Needs the public data and a
Neo4j server (see tests/conftest.py). Measured on 2 shared cores: ~5 min for the module
(push ~1.5 min, pull and compare ~1.3 min, equal answers ~0.6 min, re-push ~0.5 min,
plus the shared public load).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import neo4j_store

from graph.neo4j_bulk import copy_graph
from graph.neo4j_store import Neo4jStore
from graph.sqlite_store import SqliteStore
from graph.store import UpsertCounts
from queries.clusters import read_clusters
from queries.gaps import chain_gaps
from queries.paths import SearchContext, referral_paths
from queries.targets import target_list

pytestmark = [pytest.mark.neo4j, pytest.mark.public_data]
ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 1, 1)
#: Non-Shandong listed firms with referral paths from Shandong in the public data.
TARGETS = ["三一重工", "中国石化"]


def _sorted(records: Iterator[dict[str, Any]]) -> list[bytes]:
    return sorted(orjson.dumps(r, option=orjson.OPT_SORT_KEYS) for r in records)


@pytest.fixture(scope="module")
def pushed(public_store: SqliteStore) -> Iterator[tuple[Neo4jStore, tuple[UpsertCounts, ...]]]:
    """The public graph pushed into the wiped test database, and the push counts."""
    db = neo4j_store()
    db.clear()
    nodes, rels = copy_graph(public_store, db)
    yield db, (nodes, rels)  # left in place: the next Neo4j test wipes the database first


def test_push_then_pull_gives_identical_records(
    public_store: SqliteStore, pushed: tuple[Neo4jStore, tuple[UpsertCounts, ...]]
) -> None:
    db, (nodes, rels) = pushed
    n_nodes = sum(public_store.count_nodes().values())
    n_rels = sum(public_store.count_relations().values())
    assert (nodes, rels) == (UpsertCounts(created=n_nodes), UpsertCounts(created=n_rels))
    assert db.count_nodes() == public_store.count_nodes()
    assert db.count_relations() == public_store.count_relations()
    back = SqliteStore(None)
    assert copy_graph(db, back) == (UpsertCounts(created=n_nodes), UpsertCounts(created=n_rels))
    assert _sorted(back.raw_nodes()) == _sorted(public_store.raw_nodes())
    assert _sorted(back.raw_relations()) == _sorted(public_store.raw_relations())


def test_second_push_changes_nothing(
    public_store: SqliteStore, pushed: tuple[Neo4jStore, tuple[UpsertCounts, ...]]
) -> None:
    db, _ = pushed
    assert copy_graph(public_store, db) == (UpsertCounts(), UpsertCounts())


def test_same_answers_on_both_backends(
    public_store: SqliteStore, pushed: tuple[Neo4jStore, tuple[UpsertCounts, ...]]
) -> None:
    from queries.view import find_company

    db, _ = pushed
    local = SearchContext.build(public_store, "37", as_of=AS_OF)
    remote = SearchContext.build(db, "37", as_of=AS_OF)
    for name in TARGETS:
        target = find_company(public_store, name)
        assert find_company(db, name) == target
        mine = referral_paths(public_store, target, "37", k=5, context=local)
        theirs = referral_paths(db, target, "37", k=5, context=remote)
        assert mine.paths, name
        assert theirs == mine
    cluster = read_clusters(ROOT / "queries" / "data" / "shandong.toml").get("高端装备")
    mine_tl = target_list(public_store, cluster, "37", n=30, context=local, as_of=AS_OF)
    theirs_tl = target_list(db, cluster, "37", n=30, context=remote, as_of=AS_OF)
    assert mine_tl.rows and theirs_tl == mine_tl
    # chain gaps: synonyms, product lines and ickg25 news members read alike
    mine_gaps = chain_gaps(public_store, cluster, "37", context=local, as_of=AS_OF)
    theirs_gaps = chain_gaps(db, cluster, "37", context=remote, as_of=AS_OF)
    assert theirs_gaps == mine_gaps
    (zhongka,) = [s for s in mine_gaps.segments if s.name == "重卡"]
    assert "Company:000951" in {m.company for m in zhongka.local_makers}


def test_cli_push_info_pull(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from cli.app import app
    from graph.schema import RelKind
    from tests.builders import company, person, rel

    db = neo4j_store()
    db.clear()
    monkeypatch.setenv("NEO4J_URI", db.uri)
    src = SqliteStore(tmp_path / "a.db")
    src.upsert_nodes([company("L", "3701", name="本地机械"), company("T", "44"), person("李四")])
    src.upsert_relations(
        [
            rel(RelKind.OFFICER_OF, "Person:李四", "Company:L", roles=["董事长"]),
            rel(RelKind.OFFICER_OF, "Person:李四", "Company:T", roles=["董事"]),
        ]
    )
    src.save()
    runner = CliRunner()
    pushed = runner.invoke(app, ["push", "--to", "neo4j", "--graph", str(src.path)])
    assert pushed.exit_code == 0, pushed.output
    again = runner.invoke(app, ["push", "--to", "neo4j", "--graph", str(src.path)])
    assert "节点：新建 0，更新 0；关系：新建 0，更新 0" in again.output
    infos = [
        runner.invoke(app, ["info", "--backend", backend, "--graph", str(src.path), "--json"])
        for backend in ("embedded", "neo4j")
    ]
    assert infos[0].exit_code == 0 and infos[0].stdout == infos[1].stdout
    pulled = runner.invoke(app, ["pull", "--from", "neo4j", "--graph", str(tmp_path / "b.db")])
    assert pulled.exit_code == 0, pulled.output
    back = SqliteStore(tmp_path / "b.db")
    assert _sorted(back.raw_nodes()) == _sorted(src.raw_nodes())
    assert _sorted(back.raw_relations()) == _sorted(src.raw_relations())
    db.clear()
