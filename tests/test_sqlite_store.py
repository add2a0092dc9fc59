"""The embedded SQLite store as an office shares it: several processes, crashes, old files.

Expected values are worked out from the inputs the tests write themselves: the rows of
each table, the ids of the companies they name.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from graph.errors import BackendError, SchemaError
from graph.ids import new_relation
from graph.schema import Company, NodeKind, Person, RelKind, Source
from graph.sqlite_store import SqliteStore
from graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
ZHAOSHANG = [sys.executable, "-c", "from cli.app import main; main()"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
S1 = Source(dataset="test", file="a.csv", row=1)


def company(key: str, **kw: object) -> Company:
    return Company(id=f"Company:{key}", name=f"{key}公司", sources=[S1], **kw)  # type: ignore[arg-type]


def write_roster(path: Path, prefix: str, rows: int) -> list[str]:
    """A company roster CSV of ``rows`` firms; returns their names."""
    names = [f"{prefix}测试企业{i:04d}有限公司" for i in range(rows)]
    lines = ["企业名称,行政区划代码"] + [f"{n},370502" for n in names]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return names


def stored_names(db: Path) -> set[str]:
    store = SqliteStore(db)
    try:
        return {d["name"] for d in store.raw_nodes_of([NodeKind.COMPANY])}
    finally:
        store.close()


def test_save_then_reopen(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    store = SqliteStore(path)
    store.upsert_nodes([company("a", listed_on=dt.date(2020, 1, 2)), company("乙")])
    store.upsert_nodes([Person(id="Person:p", name="张三", sources=[S1])])
    store.upsert_relations(
        [new_relation(RelKind.OFFICER_OF, "Person:p", "Company:a", [S1], roles=["董事"])]
    )
    store.save()
    again = SqliteStore(path)
    assert list(again.nodes()) == list(store.nodes())
    assert list(again.relations()) == list(store.relations())
    assert again.count_nodes() == {NodeKind.COMPANY: 2, NodeKind.PERSON: 1}
    assert again.revision == 1
    assert again.find_by_key("乙公司") == ["Company:乙"]
    assert again.find_by_key("张三") == []  # people are not in the name index


def test_unsaved_writes_are_invisible_to_others_and_dropped_on_close(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    writer = SqliteStore(path)
    writer.upsert_nodes([company("a")])
    reader = SqliteStore(path)
    assert reader.count_nodes() == {}
    writer.close()  # never saved
    assert SqliteStore(path).count_nodes() == {}
    assert SqliteStore(path).revision == 0


def test_saving_nothing_new_keeps_the_revision(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    store = SqliteStore(path)
    store.upsert_nodes([company("a")])
    store.save()
    store.upsert_nodes([company("a")])  # identical: changes nothing
    store.save()
    assert store.revision == 1
    store.upsert_nodes([company("a", tags=["新"])])
    store.save()
    assert store.revision == 2


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库", encoding="utf-8")
    with pytest.raises(BackendError, match="不是 zhaoshang 图谱数据库"):
        SqliteStore(path)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE meta (key TEXT, value TEXT)").connection.close()
    sqlite3.connect(other).execute("INSERT INTO meta VALUES ('format', 'x')").connection.commit()
    with pytest.raises(BackendError, match="不是 zhaoshang 图谱数据库"):
        SqliteStore(other)


def test_file_mode_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        store = SqliteStore(tmp_path / "g.db")
        store.upsert_nodes([company("a")])
        store.save()
    finally:
        os.umask(old)
    assert (tmp_path / "g.db").stat().st_mode & 0o777 == 0o644


# -- several officers at once -------------------------------------------------------------
def test_four_processes_loading_different_tables_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    expected: set[str] = set()
    procs = []
    for k in range(4):
        table = tmp_path / f"名单{k}.csv"
        expected |= set(write_roster(table, f"第{k}批", 150))
        cmd = [*ZHAOSHANG, "load", "table", str(table), "--kind", "company", "--graph", str(db)]
        procs.append(subprocess.Popen(cmd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    results = [(p.wait(timeout=300), p.stderr.read().decode()) for p in procs]  # type: ignore[union-attr]
    assert [code for code, _ in results] == [0, 0, 0, 0], results
    assert stored_names(db) == expected
    assert SqliteStore(db).revision == 4


def test_a_waiting_writer_says_so_and_a_timeout_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "g.db"
    holder = SqliteStore(db)
    holder.upsert_nodes([company("a")])  # holds the write lock until save
    waiter = SqliteStore(db, lock_timeout=0.3)
    with pytest.raises(BackendError, match="另一个进程正在写入"):
        waiter.upsert_nodes([company("b")])
    assert "另一位同事正在写入图谱，等待其完成后再写入" in capsys.readouterr().err
    holder.save()
    waiter.upsert_nodes([company("b")])
    waiter.save()
    assert SqliteStore(db).count_nodes() == {NodeKind.COMPANY: 2}


def test_a_reader_sees_the_state_before_or_after_a_load_never_a_part(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    first = SqliteStore(db)
    first.upsert_nodes([company(f"old{i}") for i in range(10)])
    first.save()
    seen: list[int] = []
    done = threading.Event()

    def read() -> None:
        reader = SqliteStore(db)
        while not done.is_set():
            seen.append(sum(reader.count_nodes().values()))
        reader.close()

    thread = threading.Thread(target=read)
    thread.start()
    writer = SqliteStore(db)
    for i in range(20):  # one load: 20 batches, one commit
        writer.upsert_nodes([company(f"new{i}-{j}") for j in range(50)])
        time.sleep(0.01)
    writer.save()
    time.sleep(0.05)
    done.set()
    thread.join()
    assert set(seen) <= {10, 1010}, sorted(set(seen))
    assert seen[0] == 10
    assert sum(SqliteStore(db).count_nodes().values()) == 1010


# -- crashes ------------------------------------------------------------------------------
def test_sigkill_during_loads_leaves_the_previous_or_the_new_state(tmp_path: Path) -> None:
    """SIGKILL a real CLI load at 10 random moments: the database always opens and holds
    the state before the load or after it, and a re-run gives a clean run's counts."""
    table = tmp_path / "名单.csv"
    names = set(write_roster(table, "崩溃", 1500))
    clean = tmp_path / "clean.db"
    cmd = [*ZHAOSHANG, "load", "table", str(table), "--kind", "company", "--graph"]
    started = time.monotonic()
    subprocess.run([*cmd, str(clean)], env=ENV, check=True, capture_output=True)
    load_s = time.monotonic() - started
    clean_counts = SqliteStore(clean).count_nodes()
    assert stored_names(clean) == names
    rng = random.Random(20261203)
    outcomes = []
    for trial in range(10):
        db = tmp_path / f"kill{trial}.db"
        before = SqliteStore(db)
        before.upsert_nodes([company("已有")])
        before.save()
        before.close()
        proc = subprocess.Popen(
            [*cmd, str(db)], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.05, 1.1) * load_s)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        got = stored_names(db)
        assert got in ({"已有公司"}, names | {"已有公司"}), (trial, len(got))
        outcomes.append("old" if got == {"已有公司"} else "new")
        subprocess.run([*cmd, str(db)], env=ENV, check=True, capture_output=True)
        again = SqliteStore(db).count_nodes()
        assert again == {**clean_counts, NodeKind.COMPANY: clean_counts[NodeKind.COMPANY] + 1}
    assert "old" in outcomes, outcomes  # some kills did land inside the load


# -- the first embedded format --------------------------------------------------------------
def _legacy_file(path: Path) -> None:
    records = [
        {
            "n": {
                "id": "Company:a",
                "kind": "Company",
                "name": "甲公司",
                "sources": [S1.model_dump()],
            }
        },
        {
            "n": {
                "id": "Company:b",
                "kind": "Company",
                "name": "乙公司",
                "sources": [S1.model_dump()],
            }
        },
        {
            "r": {
                "id": "SUPPLIES:a:b",
                "kind": "SUPPLIES",
                "src": "Company:a",
                "dst": "Company:b",
                "sources": [S1.model_dump()],
                "confidence": 1.0,
                "private": False,
            }
        },
        {
            "r": {
                "id": "SUPPLIES:a:x",
                "kind": "SUPPLIES",
                "src": "Company:a",
                "dst": "Company:x",
                "sources": [S1.model_dump()],
                "confidence": 1.0,
                "private": False,
            }
        },
    ]
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"format": "zhaoshang-graph", "version": 1}) + "\n")
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def test_an_old_zsg_file_is_converted_once_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "office.zsg"
    _legacy_file(path)
    store = open_store(path)
    err = capsys.readouterr().err
    assert "旧格式图谱文件" in err and "转换完成" in err
    assert "1 条关系指向不存在的节点" in err
    assert store.count_nodes() == {NodeKind.COMPANY: 2}
    assert [r.id for r in store.relations()] == ["SUPPLIES:a:b"]
    assert (tmp_path / "office.zsg.v1.bak").exists()
    store.close()
    again = open_store(path)  # now a database: no second conversion
    assert capsys.readouterr().err == ""
    assert again.count_nodes() == {NodeKind.COMPANY: 2}


def test_info_on_a_missing_database_says_it_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    run = subprocess.run(
        [*ZHAOSHANG, "info", "--graph", str(missing)], env=ENV, capture_output=True, text=True
    )
    assert run.returncode == 1
    assert "不存在" in run.stderr
    assert not missing.exists()


# -- a load into an empty relations table (indexes built after the rows) -----------------
def relation_indexes(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", ("relations",)
    )
    return {r[0] for r in rows if not r[0].startswith("sqlite_autoindex")}


INDEXES = {"relations_kind", "relations_src", "relations_dst"}


def test_a_first_load_builds_the_relation_indexes_before_it_commits(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    writer = SqliteStore(db)
    writer.upsert_nodes([company(f"c{i}") for i in range(30)])
    ties = [
        new_relation(RelKind.SUPPLIES, f"Company:c{i}", f"Company:c{i + 1}", [S1])
        for i in range(29)
    ]
    writer.upsert_relations(ties)
    reader = sqlite3.connect(db)
    assert relation_indexes(reader) == INDEXES  # another connection: the committed schema
    writer.save()
    assert relation_indexes(reader) == INDEXES
    plan = " ".join(
        str(r)
        for r in reader.execute("EXPLAIN QUERY PLAN SELECT id FROM relations WHERE src = 'x'")
    )
    assert "relations_src" in plan
    again = SqliteStore(db)
    assert [o for _, o in again.neighbours("Company:c5")] == ["Company:c4", "Company:c6"]
    assert again.count_relations() == {RelKind.SUPPLIES: 29}


def test_a_read_during_a_first_load_sees_its_writes_and_the_load_goes_on(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "g.db")
    store.upsert_nodes([company(f"c{i}") for i in range(4)])
    store.upsert_relations([new_relation(RelKind.SUPPLIES, "Company:c0", "Company:c1", [S1])])
    assert [o for _, o in store.neighbours("Company:c1")] == ["Company:c0"]
    assert relation_indexes(store.conn) == INDEXES  # built again for the read
    store.upsert_relations([new_relation(RelKind.SUPPLIES, "Company:c1", "Company:c2", [S1])])
    store.save()
    assert store.count_relations() == {RelKind.SUPPLIES: 2}
    assert relation_indexes(store.conn) == INDEXES


def test_a_first_load_rolled_back_keeps_the_indexes(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    store = SqliteStore(db)
    store.upsert_nodes([company("a"), company("b")])
    store.save()
    store.upsert_relations([new_relation(RelKind.SUPPLIES, "Company:a", "Company:b", [S1])])
    store.close()  # never saved
    assert relation_indexes(sqlite3.connect(db)) == INDEXES
    again = SqliteStore(db)
    assert again.count_relations() == {}
    again.upsert_relations([new_relation(RelKind.SUPPLIES, "Company:a", "Company:b", [S1])])
    again.save()
    assert again.count_relations() == {RelKind.SUPPLIES: 1}


def test_a_batch_of_new_stored_and_repeated_ids_merges_as_one_at_a_time(tmp_path: Path) -> None:
    """Ids neither stored nor repeated skip the merge; the others merge in order."""
    store = SqliteStore(tmp_path / "g.db")
    store.upsert_nodes([company(f"c{i}") for i in range(4)])
    s2 = Source(dataset="test", file="b.csv", row=7)
    stored = new_relation(RelKind.SUPPLIES, "Company:c0", "Company:c1", [S1])
    store.upsert_relations([stored])
    store.save()
    again = new_relation(RelKind.SUPPLIES, "Company:c0", "Company:c1", [s2], confidence=0.5)
    twice = new_relation(RelKind.OWNS, "Company:c2", "Company:c3", [S1], share_pct=10.0)
    twice_b = new_relation(RelKind.OWNS, "Company:c2", "Company:c3", [s2], share_pct=20.0)
    fresh = new_relation(RelKind.SUPPLIES, "Company:c1", "Company:c2", [S1])
    counts = store.upsert_relations([again, twice, fresh, twice_b])
    assert (counts.created, counts.updated) == (2, 2)
    got = {r.id: r for r in store.relations()}
    assert got[stored.id].sources == [S1, s2] and got[stored.id].confidence == 1.0
    assert got[twice.id].sources == [S1, s2] and got[twice.id].share_pct == 10.0
    assert got[fresh.id] == fresh
    store.save()
    revision = store.revision
    store.upsert_relations([again, twice, fresh, twice_b])  # loading twice changes nothing
    store.save()
    assert store.revision == revision


@pytest.mark.parametrize("shape", [list, iter])
def test_an_unknown_endpoint_after_the_first_batch_writes_nothing(
    tmp_path: Path, shape: Any
) -> None:
    """Lists are checked before any write, other iterables rolled back to a savepoint;
    both over more than one batch of 900."""
    store = SqliteStore(tmp_path / "g.db")
    store.upsert_nodes([company(f"c{i}") for i in range(1001)])
    ties = [
        new_relation(RelKind.SUPPLIES, f"Company:c{i}", f"Company:c{i + 1}", [S1])
        for i in range(1000)
    ]
    ties.append(new_relation(RelKind.SUPPLIES, "Company:c0", "Company:missing", [S1]))
    with pytest.raises(SchemaError, match="Company:missing"):
        store.upsert_relations(shape(ties))
    assert store.count_relations() == {}
    assert store.upsert_relations(shape(ties[:-1])).created == 1000
    store.save()
    assert store.count_relations() == {RelKind.SUPPLIES: 1000}


def test_every_file_a_command_writes_follows_the_umask(tmp_path: Path) -> None:
    """The log, the search snapshot and an export are readable by the office as the
    database is: ``0644`` files and ``0755`` folders under umask 022 (not the ``0600`` /
    ``0700`` of temporary files renamed into place); a replaced file keeps its mode."""
    from typer.testing import CliRunner

    from cli.app import app

    demo = Path(__file__).resolve().parent.parent / "examples" / "demo"
    graph, book = tmp_path / "g.db", tmp_path / "out" / "targets.xlsx"
    runner = CliRunner()
    old = os.umask(0o022)
    try:
        assert runner.invoke(app, ["load", "dir", str(demo), "-g", str(graph)]).exit_code == 0
        clusters = str(demo / "clusters.toml")
        args = ["targets", "--cluster", "新能源电池", "--clusters", clusters, "-g", str(graph)]
        assert runner.invoke(app, [*args, "--xlsx", str(book)]).exit_code == 0
        log = tmp_path / "g.resolution.jsonl"
        os.chmod(log, 0o640)  # an admin narrowed it: a later load keeps that
        assert runner.invoke(app, ["load", "dir", str(demo), "-g", str(graph)]).exit_code == 0
    finally:
        os.umask(old)
    assert log.stat().st_mode & 0o777 == 0o640
    assert book.stat().st_mode & 0o777 == 0o644
    snapshots = [p for p in tmp_path.rglob("*") if "snapshot" in str(p.relative_to(tmp_path))]
    assert snapshots
    for p in snapshots:
        assert p.stat().st_mode & 0o777 == (0o755 if p.is_dir() else 0o644), p
