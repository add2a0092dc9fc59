"""Prepared rows and loads prepared in a child process (:mod:`graph.prepared`).

The same records go through the per-model upserts and through the prepared paths; the
tables must hold the same bytes. Expected merges are worked out by hand from the
records below (first value kept, sources appended in order).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.errors import BackendError, SchemaError
from graph.ids import new_relation
from graph.load_ids import IdFilter
from graph.prepared import load_in_background, prepare
from graph.schema import Company, Person, Relation, RelKind, Source
from graph.sqlite_store import SqliteStore

ROOT = Path(__file__).resolve().parent.parent
S1 = Source(dataset="test", file="a.csv", row=1)
S2 = Source(dataset="other", file="b.csv", row=7)
TABLES = {
    "nodes": "SELECT id, kind, data FROM nodes ORDER BY id",
    "relations": "SELECT id, kind, src, dst, private, data FROM relations ORDER BY id",
    "names": "SELECT key, node_id FROM names ORDER BY key, node_id",
    "datasets": "SELECT name FROM datasets ORDER BY name",
}


def company(i: int, source: Source = S1, **kw: object) -> Company:
    return Company(id=f"Company:c{i}", name=f"测试{i}公司", sources=[source], **kw)  # type: ignore[arg-type]


def tie(a: int, b: int, source: Source = S1, **kw: object) -> Relation:
    return new_relation(RelKind.OWNS, f"Company:c{a}", f"Company:c{b}", [source], **kw)


def batches() -> list[tuple[str, list[Company] | list[Relation]]]:
    """2,000 firms (one repeated with an alias), 1,999 ties, then a second batch that
    repeats tie 0→1 (another source and stake) and 1,500→1,501 beyond the first chunk
    of 900, and repeats 5→6 inside itself."""
    firms = [company(i) for i in range(2000)]
    firms.append(company(3, S2, aliases=["三号"]))
    ties = [tie(i, i + 1, share_pct=10.0) for i in range(1999)]
    again = [
        tie(0, 1, S2, share_pct=20.0),
        tie(1500, 1501, S2),
        tie(5, 7),
        tie(5, 7, S2, share_pct=30.0),
    ]
    return [("nodes", firms), ("relations", ties), ("relations", again)]


def dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    try:
        return {name: conn.execute(sql).fetchall() for name, sql in TABLES.items()}
    finally:
        conn.close()


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_models_prepared_rows_and_a_background_load_store_the_same_bytes(
    tmp_path: Path, workers: int
) -> None:
    by_model, by_rows, by_child = (tmp_path / f"{n}.db" for n in ("m", "p", "c"))
    store = SqliteStore(by_model)
    counts_m = [
        store.upsert_nodes(b) if t == "nodes" else store.upsert_relations(b)  # type: ignore[arg-type]
        for t, b in batches()
    ]
    store.save()
    store.close()
    store = SqliteStore(by_rows)
    counts_p = [store.upsert_prepared(prepare(t, b)) for t, b in batches()]  # type: ignore[arg-type]
    store.save()
    store.close()
    store = SqliteStore(by_child)
    totals = load_in_background(store, batches, workers=workers)  # type: ignore[arg-type]
    store.save()
    store.close()
    assert counts_p == counts_m
    assert [(c.created, c.updated) for c in counts_m] == [(2000, 1), (1999, 0), (1, 3)]
    assert totals["nodes"] == counts_m[0]
    assert totals["relations"] == counts_m[1] + counts_m[2]
    want = dump(by_model)
    assert dump(by_rows) == want
    assert dump(by_child) == want
    assert len(want["relations"]) == 2000 and want["datasets"] == [("other",), ("test",)]
    got = {r.id: r for r in SqliteStore(by_child).relations()}
    first = got[tie(0, 1).id]
    assert first.sources == [S1, S2] and first.share_pct == 10.0  # first value kept
    assert got[tie(1500, 1501).id].sources == [S1, S2]
    assert got[tie(5, 7).id].sources == [S1, S2] and got[tie(5, 7).id].share_pct == 30.0
    assert SqliteStore(by_child).get_node("Company:c3").aliases == ["三号"]  # type: ignore[union-attr]


def test_a_second_load_of_the_same_records_changes_nothing(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "g.db")
    load_in_background(store, batches)  # type: ignore[arg-type]
    store.save()
    revision, before = store.revision, dump(tmp_path / "g.db")
    totals = load_in_background(store, batches)  # type: ignore[arg-type]
    store.save()
    assert (totals["nodes"].created, totals["relations"].created) == (0, 0)
    assert totals["relations"].updated == 0
    assert store.revision == revision and dump(tmp_path / "g.db") == before


def test_an_id_the_filter_may_hold_but_is_not_stored_is_written_as_new(tmp_path: Path) -> None:
    """A false "perhaps" of the transaction's id filter only costs a lookup."""
    store = SqliteStore(tmp_path / "g.db")
    store.upsert_nodes([company(i) for i in range(3)])
    store.upsert_relations([tie(0, 1)])
    seen = store._ids.seen["relations"]
    assert seen is not None and seen.seen_then_add([tie(0, 1).id]) == [tie(0, 1).id]
    assert seen.seen_then_add([tie(1, 2).id]) == []  # now "perhaps", as after a collision
    counts = store.upsert_relations([tie(1, 2), tie(0, 1, S2)])
    assert (counts.created, counts.updated) == (1, 1)
    store.save()
    assert store.get_relation(tie(1, 2).id) == tie(1, 2)
    assert store.get_relation(tie(0, 1).id).sources == [S1, S2]  # type: ignore[union-attr]


def test_the_id_filter_never_says_no_to_an_id_it_holds() -> None:
    small, large = IdFilter(bits=1 << 12), IdFilter()
    added = [f"OWNS:Company:S{i:07d}>Company:S{i * 7 % 9973:07d}" for i in range(20_000)]
    for part in (added[:900], added[900:]):  # in batches, as the store adds them
        small.seen_then_add(part)
        large.seen_then_add(part)
    assert small.seen_then_add(added) == added and large.seen_then_add(added) == added
    others = [f"SUPPLIES:Company:S{i:07d}>x" for i in range(20_000)]
    assert len(large.seen_then_add(others)) < 20  # (1 - e^(-2·2·10^4/2^27))^2 ≈ 10^-7
    with pytest.raises(ValueError):
        IdFilter(bits=1000)


def test_a_node_batch_refused_does_not_count_as_stored_for_endpoints(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "g.db")
    store.upsert_nodes([company(0)])
    clash = Person(id="Company:c1", name="某人", sources=[S1])
    with pytest.raises(SchemaError, match="Company:c1"):
        store.upsert_nodes([company(1), clash])  # one id, two kinds: nothing written
    with pytest.raises(SchemaError, match="Company:c1"):
        store.upsert_relations([tie(0, 1)])
    with pytest.raises(SchemaError, match="Company:c1"):
        store.upsert_prepared(prepare("relations", [tie(0, 1)]))
    assert store.count_relations() == {}


def test_an_unknown_endpoint_in_a_prepared_batch_writes_nothing_of_it(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "g.db")
    store.upsert_nodes([company(i) for i in range(1001)])
    ties = [tie(i, i + 1) for i in range(1000)]
    ties.append(new_relation(RelKind.OWNS, "Company:c0", "Company:missing", [S1]))
    with pytest.raises(SchemaError, match="Company:missing"):
        store.upsert_prepared(prepare("relations", ties))
    assert store.count_relations() == {}


def failing(kind: str) -> Iterator[tuple[str, list[Company] | list[Relation]]]:
    yield "nodes", [company(i) for i in range(3)]
    if kind == "missing":
        yield "relations", [tie(0, 9)]
    elif kind == "bug":
        raise ValueError("坏数据")
    else:
        os.kill(os.getpid(), signal.SIGKILL)  # the child dies


@pytest.mark.parametrize(
    ("kind", "error", "message"),
    [
        ("missing", SchemaError, "Company:c9"),
        ("bug", BackendError, "坏数据"),
        ("killed", BackendError, "意外退出"),
    ],
)
def test_an_error_on_either_side_stops_the_load_and_leaves_the_saved_state(
    tmp_path: Path, kind: str, error: type[Exception], message: str
) -> None:
    store = SqliteStore(tmp_path / "g.db")
    store.upsert_nodes([company(100)])
    store.save()
    with pytest.raises(error, match=message):
        load_in_background(store, lambda: failing(kind))  # type: ignore[arg-type,return-value]
    store.rollback()
    assert [n.id for n in store.nodes()] == ["Company:c100"]
    assert not _has_children()  # the child was reaped


def _has_children() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return False
    return True


LOADER = """
import sys, time
from graph.prepared import load_in_background
from graph.schema import Company, Source
from graph.sqlite_store import SqliteStore
S = Source(dataset="t", file="f", row=1)
def produce():
    for b in range(400):
        if b == 1:
            print("started", flush=True)
        yield "nodes", [Company(id=f"Company:k{b}-{i}", name=f"企业{b}-{i}", sources=[S])
                        for i in range(500)]
store = SqliteStore(sys.argv[1])
load_in_background(store, produce)
store.save()
print("saved", flush=True)
"""


def test_sigkill_during_a_background_load_leaves_the_previous_state(tmp_path: Path) -> None:
    """Kill the writing process mid-load: the database holds the state before the load,
    and the child preparing the records goes away instead of working on."""
    db = tmp_path / "g.db"
    before = SqliteStore(db)
    before.upsert_nodes([company(1)])
    before.save()
    before.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", LOADER, str(db)], env=env, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "started"
    time.sleep(0.5)
    children = _children(proc.pid)
    assert children, "the load runs a child process"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert [n.id for n in SqliteStore(db).nodes()] == ["Company:c1"]
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in children)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status
