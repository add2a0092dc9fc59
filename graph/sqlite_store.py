"""The embedded store: one SQLite database file shared by an office.

Design (DESIGN.md §5): the standard library's :mod:`sqlite3` in WAL mode, so several
officers' processes read while one writes; writers are serialised by SQLite's write
lock. Each load is one transaction: the first write of a process opens it
(``BEGIN IMMEDIATE``, waiting for another writer if there is one and saying so on
stderr), :meth:`SqliteStore.save` commits it. A process killed before ``save`` leaves
the database as it was; readers see the state before or after a load, never a part.

Records are stored as the orjson bytes of their JSON form (:func:`graph.schema.to_record`)
in two tables with the columns the queries filter on:

``nodes(id, kind, data)``, ``relations(id, kind, src, dst, private, data)`` (rowid
tables with a unique index on ``id``: appends stay sequential, which halves the cost of
a large load against a table clustered on the text id),
``names(key, node_id)`` (names, aliases, stock codes, USCC and LEI of every
non-classification node, for find-by-name), ``datasets(name)`` (every dataset a node
cites, for the 说明 sheet without reading every node; databases made before it have
none and are scanned instead), and ``meta(key, value)`` holding the
format version, a random store id and the **revision**: a counter raised by every
commit that changed something. The search snapshot (:mod:`graph.snapshot`) is keyed
by ``(store id, revision)`` and rebuilt only when it changed.

An upsert reads the stored records of its batch by primary key, merges in Python
(:func:`graph.schema.merge_records`) and writes only what changed. Records whose id is
neither stored nor repeated in the batch — nearly all of a first load — skip the merge:
their JSON comes straight from pydantic's serializer (:func:`graph.schema.record_json`).
A load that starts on an empty ``relations`` table builds that table's three secondary
indexes after the rows, inside the same transaction (see
:meth:`SqliteStore.upsert_relations`). A transaction remembers what it wrote
(:mod:`graph.load_ids`) to spare lookups; a large load may build its records in child
processes and send the rows here (:func:`graph.prepared.load_in_background`).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph.errors import BackendError
from graph.files import write_bytes_atomically
from graph.kinds import NodeKind, RelKind
from graph.load_ids import LoadIds
from graph.sqlite_writes import RELATION_INDEXES, SqliteWrites

FORMAT = "zhaoshang-sqlite"
VERSION = 1
#: SQLite's header: the first 16 bytes of every database file.
SQLITE_MAGIC = b"SQLite format 3\x00"
#: Seconds a writer waits for another writer's transaction (env ZHAOSHANG_LOCK_TIMEOUT).
#: Milliseconds a read waits on a busy database (WAL recovery, the switch to WAL).
READ_BUSY_MS = 10_000
DEFAULT_LOCK_TIMEOUT = 600.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (
    id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS nodes_kind ON nodes (kind, id);
CREATE TABLE IF NOT EXISTS relations (
    id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL,
    private INTEGER NOT NULL, data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS names (
    key TEXT NOT NULL, node_id TEXT NOT NULL, PRIMARY KEY (key, node_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS datasets (name TEXT PRIMARY KEY) WITHOUT ROWID;
"""


def is_sqlite_file(path: Path) -> bool:
    """True when ``path`` is a SQLite database file (by its 16-byte header)."""
    try:
        with path.open("rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False


class SqliteStore(SqliteWrites):
    """Embedded store over one SQLite database file (or ``:memory:``).

    Parameters
    ----------
    path : Path, str or None
        The database file (created with its parent folder on first use); None keeps
        the database in memory (tests).
    lock_timeout : float, seconds, optional
        How long a writer waits for another process's write transaction before
        :class:`~graph.errors.BackendError` (default ``ZHAOSHANG_LOCK_TIMEOUT`` or 600).

    Raises
    ------
    BackendError
        When the file exists but is not a zhaoshang database, or cannot be opened.

    Notes
    -----
    One connection per store object; use one store object per thread. Files are
    created with the permissions the user's umask gives.
    """

    def __init__(self, path: Path | str | None = None, lock_timeout: float | None = None) -> None:
        self.path = None if path is None else Path(path)
        env = os.environ.get("ZHAOSHANG_LOCK_TIMEOUT")
        self.lock_timeout = lock_timeout or (float(env) if env else DEFAULT_LOCK_TIMEOUT)
        self._changed = False
        self._deferred = False  # relation indexes dropped in this transaction
        self._ids = LoadIds()  # ids written by this transaction
        self._tables: dict[str, bool] = {}
        if self.path is not None:
            if self.path.exists() and self.path.stat().st_size and not is_sqlite_file(self.path):
                raise BackendError(f"{self.path}：不是 zhaoshang 图谱数据库文件")
            self.path.parent.mkdir(parents=True, exist_ok=True)
        target = ":memory:" if self.path is None else str(self.path)
        try:
            self.conn = sqlite3.connect(target, isolation_level=None, timeout=0.0)
            if self.path is not None:
                # Switching a fresh file to WAL takes a brief exclusive lock; several
                # officers' processes opening it at once wait for it (no message: it
                # lasts milliseconds). Write transactions then wait in begin().
                self.conn.execute(f"PRAGMA busy_timeout = {int(self.lock_timeout * 1000)}")
                self.conn.execute("PRAGMA journal_mode = WAL")
            # Reads wait out the rare moments a WAL database is busy (recovery after the
            # last connection closed); write transactions poll in begin() instead.
            self.conn.execute(f"PRAGMA busy_timeout = {READ_BUSY_MS}")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA cache_size = -262144")  # up to 256 MiB of pages
            self._init_schema()
        except sqlite3.DatabaseError as exc:
            raise BackendError(f"{self.path}：无法打开图谱数据库（{exc}）") from exc

    # -- schema and meta ------------------------------------------------------------
    def _init_schema(self) -> None:
        row = self._meta_row("format")
        if row is not None:
            if row != FORMAT:
                raise BackendError(f"{self.path}：不是 zhaoshang 图谱数据库文件")
            version = self._meta_row("version")
            if version != str(VERSION):
                raise BackendError(f"{self.path}：数据库格式版本 {version} 无法识别")
            return
        self.begin()
        for statement in [*_SCHEMA.split(";"), *RELATION_INDEXES.values()]:
            if statement.strip():
                self.conn.execute(statement)
        if self._meta_row("format") is None:
            self.conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [
                    ("format", FORMAT),
                    ("version", str(VERSION)),
                    ("store_id", uuid.uuid4().hex),
                    ("revision", "0"),
                ],
            )
        self.conn.execute("COMMIT")

    def _meta_row(self, key: str) -> str | None:
        try:
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
        return None if row is None else str(row[0])

    @property
    def revision(self) -> int:
        """The committed revision: raised by every commit that changed a record."""
        return int(self._meta_row("revision") or 0)

    @property
    def store_id(self) -> str:
        """A random id given to the database when it was created (snapshot key)."""
        return self._meta_row("store_id") or ""

    # -- transactions ---------------------------------------------------------------
    def begin(self) -> None:
        """Open the write transaction of this process, waiting for another writer.

        Idempotent while a transaction is open. When another process holds the write
        lock, says so once on stderr and waits up to ``lock_timeout`` seconds.

        Raises
        ------
        BackendError
            When the lock is not had within ``lock_timeout``.
        """
        if self.conn.in_transaction:
            return
        started = time.monotonic()
        told = False
        delay = 0.01
        while True:
            try:
                self.conn.execute("PRAGMA busy_timeout = 0")  # poll, to say that we wait
                self.conn.execute("BEGIN IMMEDIATE")
                if told:
                    print("已轮到本次写入，继续。", file=sys.stderr, flush=True)
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise BackendError(f"{self.path}：无法写入（{exc}）") from exc
            finally:
                self.conn.execute(f"PRAGMA busy_timeout = {READ_BUSY_MS}")
            waited = time.monotonic() - started
            if waited > self.lock_timeout:
                raise BackendError(
                    f"{self.path}：另一个进程正在写入，等待 {waited:.0f} 秒后放弃"
                    "（可用环境变量 ZHAOSHANG_LOCK_TIMEOUT 调整等待秒数）"
                )
            if not told:
                print(
                    f"{self.path}：另一位同事正在写入图谱，等待其完成后再写入…",
                    file=sys.stderr,
                    flush=True,
                )
                told = True
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    def save(self) -> None:
        """Commit this process's write transaction (one load = one commit).

        Raises the revision when anything changed. A no-op without a transaction.
        """
        if not self.conn.in_transaction:
            return
        self._relation_indexes()
        if self._changed:
            self.conn.execute(
                "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'"
            )
        self.conn.execute("COMMIT")
        self._changed = False
        self._ids = LoadIds()

    def rollback(self) -> None:
        """Drop everything written since the last :meth:`save`."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")  # also restores indexes dropped in it
        self._changed = False
        self._deferred = False
        self._ids = LoadIds()

    def close(self) -> None:
        """Roll back what was not saved and close the connection."""
        self.rollback()
        self.conn.close()

    # -- counts and the integrity check, cached per file state ------------------------
    def count_nodes(self) -> dict[NodeKind, int]:
        counts = self._summary(
            "nodes", lambda: {k.value: n for k, n in super(SqliteStore, self).count_nodes().items()}
        )
        return {NodeKind(k): n for k, n in counts.items()}

    def count_relations(self) -> dict[RelKind, int]:
        counts = self._summary(
            "relations",
            lambda: {k.value: n for k, n in super(SqliteStore, self).count_relations().items()},
        )
        return {RelKind(k): n for k, n in counts.items()}

    def dangling_relations(self) -> int:
        """Number of relations whose endpoint is not a stored node (0 in a sound store).

        Writes through this class never make one (endpoints are checked before a
        relation is written); a count above 0 means the file was damaged or edited by
        hand. The full check reads both endpoint indexes (0.2 s on the public data,
        seconds at 10^6 relations), so it is cached like the counts (see
        :meth:`_summary`).
        """
        return int(self._summary("dangling_relations", super().dangling_relations))

    def _summary(self, name: str, compute: Callable[[], Any]) -> Any:
        """``compute()``, or its value kept from an earlier call on the same file state.

        Counts and the integrity check read whole indexes (0.3 s on the public data,
        seconds at 10^6 relations) for ``info``, which officers run often. Their values
        are kept in ``<database>.snapshot/summary.json`` under the store id, the
        revision and the size and modification time (ns) of the database file and of
        its WAL when not empty, taken before computing. Any change to either file — a
        commit, a checkpoint, a hand edit with another SQLite tool — misses the cache.
        Not used inside a write transaction (its changes are not in the files yet) nor
        for an in-memory store.
        """
        if self.path is None or self.conn.in_transaction:
            return compute()
        key = self._file_state()
        cache = self.path.with_name(self.path.name + ".snapshot") / "summary.json"
        try:
            stored = json.loads(cache.read_bytes())
            values = stored["values"] if stored["key"] == key else {}
        except (OSError, ValueError, TypeError, KeyError):
            values = {}
        if name in values:
            return values[name]
        values[name] = compute()
        with contextlib.suppress(BackendError):  # a read-only folder: computed every time
            write_bytes_atomically(cache, json.dumps({"key": key, "values": values}).encode())
        return values[name]

    def _file_state(self) -> list[object]:
        assert self.path is not None
        state: list[object] = [self.store_id, self.revision]
        for path in (self.path, self.path.with_name(self.path.name + "-wal")):
            try:
                st = path.stat()
            except FileNotFoundError:
                state += [0, None]
                continue
            # An empty WAL holds nothing; SQLite makes it anew with each first
            # connection, so its time says nothing about the data.
            state += [st.st_size, st.st_mtime_ns if st.st_size else None]
        return state

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
