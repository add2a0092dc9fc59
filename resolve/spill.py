"""The decisions of a load, kept in memory up to a bound and spilled to disk beyond it.

A load resolves every firm mention it meets and keeps one :class:`~resolve.match.Decision`
per ``(dataset, mention)`` for the resolution log. A table of 10^6 distinct firms would
hold 10^6 decisions with their first sources (≈ 1.2 KB each in Python objects), so
:class:`Decisions` keeps at most ``limit`` of them as objects and moves the rest, as
JSON blobs, into a private temporary SQLite database (``sqlite3.connect("")``: on disk,
deleted when closed). The mapping reads the same whichever side an entry is on.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any, TypeVar, overload

import orjson

from graph.schema import Source
from resolve.match import SOURCES_KEPT, Decision, Match, Verdict
from resolve.names import LegalForm, NameParts, Region

Key = tuple[str, str]
V = TypeVar("V")
T = TypeVar("T")

#: Decisions kept as Python objects before the oldest are written to disk.
HOT_LIMIT = 20_000


def decision_record(dataset: str, mention: str, decision: Decision) -> dict[str, Any]:
    """The resolution log's record of one decision (also the spilled form).

    Returns
    -------
    dict
        ``dataset``, ``mention``, ``verdict``, ``id``, ``rule``, ``evidence``,
        ``candidates``, ``parent`` and up to :data:`~resolve.match.SOURCES_KEPT`
        ``sources`` (each :class:`~graph.schema.Source` without its empty fields).
    """
    m = decision.match
    return {
        "dataset": dataset,
        "mention": mention,
        "verdict": m.verdict.value,
        "id": m.id,
        "rule": m.rule,
        "evidence": m.evidence,
        "candidates": list(m.candidates),
        "parent": m.parent,
        "sources": [s.model_dump(exclude_none=True) for s in decision.sources[:SOURCES_KEPT]],
    }


def _decision(rec: dict[str, Any]) -> Decision:
    match = Match(
        rec["mention"],
        Verdict(rec["verdict"]),
        rec["id"],
        rec["rule"],
        rec["evidence"],
        tuple(rec["candidates"]),
        rec["parent"],
    )
    sources = [Source.model_validate(s) for s in rec["sources"]]
    return Decision(match, rec["dataset"], sources)


class Decisions(Mapping[Key, Decision]):
    """``(dataset, mention) → Decision`` in first-seen order, bounded in memory.

    Parameters
    ----------
    limit : int, optional
        At most this many decisions are held as objects (default :data:`HOT_LIMIT`);
        beyond it the whole in-memory part is written to the spill database (one
        transaction) and dropped.

    Notes
    -----
    :meth:`note` keeps the first match of a mention and appends later sources up to
    :data:`~resolve.match.SOURCES_KEPT`; a mention already spilled is read back, updated
    and held again until the next spill. Iteration order is the order in which keys were
    first seen (SQLite keeps the rowid of an upserted row).
    """

    def __init__(self, limit: int | None = None) -> None:
        self.limit = HOT_LIMIT if limit is None else limit
        self._hot: dict[Key, Decision] = {}
        self._db = SpillDb()
        self._table: str | None = None
        self._count = 0

    # -- writing ---------------------------------------------------------------------
    def note(self, dataset: str, match: Match, source: Source | None = None) -> Decision:
        """Record ``match`` for ``(dataset, match.mention)``; return the kept decision."""
        key = (dataset, match.mention)
        decision = self._hot.get(key)
        if decision is None:
            decision = self._read(key)
            if decision is None:
                decision = Decision(match, dataset)
                self._count += 1
            self._hot[key] = decision
        kept = decision.sources
        if source is not None and len(kept) < SOURCES_KEPT and source not in kept:
            kept.append(source)
        if len(self._hot) > self.limit:
            self._spill()  # after the source is added: the written blob has it
        return decision

    def _spill(self) -> None:
        """Write every in-memory decision to the spill database and forget the objects."""
        if not self._hot:
            return
        if self._table is None:
            columns = "dataset TEXT NOT NULL, mention TEXT NOT NULL, blob BLOB NOT NULL"
            self._table = self._db.table(columns + ", PRIMARY KEY (dataset, mention)")
        rows = [
            (ds, mention, orjson.dumps(decision_record(ds, mention, d)))
            for (ds, mention), d in self._hot.items()
        ]
        self._db.write(
            f"INSERT INTO {self._table} (dataset, mention, blob) VALUES (?, ?, ?) "
            "ON CONFLICT (dataset, mention) DO UPDATE SET blob = excluded.blob",
            rows,
        )
        self._hot = {}

    def _read(self, key: Key) -> Decision | None:
        if self._table is None:
            return None
        row = self._db.one(f"SELECT blob FROM {self._table} WHERE dataset = ? AND mention = ?", key)
        return _decision(orjson.loads(row[0])) if row else None

    # -- reading ---------------------------------------------------------------------
    def __getitem__(self, key: Key) -> Decision:
        decision = self._hot.get(key) or self._read(key)
        if decision is None:
            raise KeyError(key)
        return decision

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Key]:
        for key, _ in self.records():
            yield key

    def records(self) -> Iterator[tuple[Key, dict[str, Any]]]:
        """Every decision as its log record (:func:`decision_record`), first-seen order.

        Spills what is held first, then streams the spill database (memory stays
        bounded whatever the number of decisions).
        """
        if self._table is None:
            for (ds, mention), d in list(self._hot.items()):
                yield (ds, mention), decision_record(ds, mention, d)
            return
        self._spill()
        for ds, mention, blob in self._db.rows(
            f"SELECT dataset, mention, blob FROM {self._table} ORDER BY rowid"
        ):
            yield (ds, mention), orjson.loads(blob)

    def close(self) -> None:
        """Drop the spill database (its file is deleted by SQLite)."""
        self._db.close()
        self._table = None
        self._hot = {}
        self._count = 0


class SpillDb:
    """A private temporary SQLite database holding the spilled part of some maps.

    Created on first use (a small load never makes one); usable from any thread, one
    statement at a time (a lock: the web workspace builds an index in one thread and
    reads it in others). Its file is deleted by SQLite when closed or collected.
    """

    def __init__(self) -> None:
        self._conn: sqlite3.Connection | None = None
        self._tables = 0
        self._lock = threading.Lock()

    def table(self, columns: str = "k TEXT PRIMARY KEY, v BLOB NOT NULL") -> str:
        """Create a new table with ``columns``; return its name."""
        with self._lock:
            if self._conn is None:
                self._conn = sqlite3.connect("", check_same_thread=False)
                self._conn.execute("PRAGMA cache_size = -16384")  # 16 MiB
            self._tables += 1
            name = f"m{self._tables}"
            self._conn.execute(f"CREATE TABLE {name} ({columns})")
            return name

    def write(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """Run ``sql`` for every row, in one transaction."""
        with self._lock, self._open():
            self._open().executemany(sql, rows)

    def one(self, sql: str, args: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """The first row ``sql`` returns, or None."""
        with self._lock:
            row: tuple[Any, ...] | None = self._open().execute(sql, args).fetchone()
            return row

    def rows(self, sql: str, chunk: int = 2000) -> Iterator[tuple[Any, ...]]:
        """Stream the rows of ``sql``, ``chunk`` at a time under the lock."""
        with self._lock:
            cursor = self._open().execute(sql)
        while True:
            with self._lock:
                batch = cursor.fetchmany(chunk)
            if not batch:
                return
            yield from batch

    def _open(self) -> sqlite3.Connection:
        assert self._conn is not None, "table() first"
        return self._conn

    def close(self) -> None:
        """Drop the database."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


class SpillMap(MutableMapping[str, V]):
    """A ``str → V`` mapping holding at most ``limit`` entries as objects, the rest on disk.

    Parameters
    ----------
    db : SpillDb
        Where spilled entries go (one table per map).
    encode, decode : callable
        ``V → bytes`` and back (JSON through orjson for the index's values).
    default : callable, optional
        As :class:`collections.defaultdict`: ``m[k]`` of a missing key stores and
        returns ``default()``.
    limit : int, optional
        Entries held as objects (default :data:`HOT_LIMIT`); when a new one would
        exceed it, all held entries are written to disk and dropped, except the one
        being accessed.

    Notes
    -----
    A value read from disk is held again, so changing it in place (``m[k].add(x)``)
    is kept — as long as no *other* key of the same map is accessed in between (that
    access may spill it). :class:`~resolve.index.CompanyIndex` mutates a value only
    right after getting it.
    """

    def __init__(
        self,
        db: SpillDb,
        encode: Callable[[V], bytes],
        decode: Callable[[bytes], V],
        default: Callable[[], V] | None = None,
        limit: int | None = None,
    ) -> None:
        self._db = db
        self._table: str | None = None
        self._encode, self._decode, self._default = encode, decode, default
        self.limit = HOT_LIMIT if limit is None else limit
        self._hot: dict[str, V] = {}
        self._count = 0

    def _fetch(self, key: str) -> V | None:
        if self._table is None:
            return None
        row = self._db.one(f"SELECT v FROM {self._table} WHERE k = ?", (key,))
        return self._decode(row[0]) if row else None

    def _hold(self, key: str, value: V) -> None:
        if len(self._hot) >= self.limit:
            self.spill()
        self._hot[key] = value

    def spill(self) -> None:
        """Write every held entry to disk and drop the objects."""
        if not self._hot:
            return
        if self._table is None:
            self._table = self._db.table()
        rows = [(k, self._encode(v)) for k, v in self._hot.items()]
        self._db.write(
            f"INSERT INTO {self._table} (k, v) VALUES (?, ?) "
            "ON CONFLICT (k) DO UPDATE SET v = excluded.v",
            rows,
        )
        self._hot = {}

    def __getitem__(self, key: str) -> V:
        value = self._hot.get(key)
        if value is not None:
            return value
        value = self._fetch(key)
        if value is None:
            if self._default is None:
                raise KeyError(key)
            value = self._default()
            self._count += 1
        self._hold(key, value)
        return value

    def __setitem__(self, key: str, value: V) -> None:
        if key not in self._hot and self._fetch(key) is None:
            self._count += 1
        self._hold(key, value)

    def __delitem__(self, key: str) -> None:
        raise TypeError("SpillMap entries are never deleted")

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in self._hot or self._fetch(key) is not None)

    @overload
    def get(self, key: str, /) -> V | None: ...
    @overload
    def get(self, key: str, /, default: V | T) -> V | T: ...
    def get(self, key: str, /, default: Any = None) -> Any:
        """``m[key]`` when present (held from now on), else ``default``; never stores."""
        value = self._hot.get(key)
        if value is not None:
            return value
        value = self._fetch(key)
        if value is None:
            return default
        self._hold(key, value)
        return value

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        if self._table is None:
            yield from list(self._hot)
            return
        self.spill()
        for (key,) in self._db.rows(f"SELECT k FROM {self._table} ORDER BY rowid"):
            yield key


def parts_blob(held: dict[str, NameParts]) -> bytes:
    """``{firm id: NameParts}`` as JSON: how ``CompanyIndex.by_full`` spills a key."""
    return orjson.dumps(
        {
            firm: [
                p.core,
                p.region.code if p.region else None,
                p.region.name if p.region else None,
                p.form.value if p.form else None,
                p.group,
                p.branch,
                p.parent,
                p.latin,
            ]
            for firm, p in held.items()
        }
    )


def parts_of(blob: bytes) -> dict[str, NameParts]:
    """The inverse of :func:`parts_blob`."""
    out: dict[str, NameParts] = {}
    for firm, fields in orjson.loads(blob).items():
        core, code, region, form, group, branch, parent, latin = fields
        where = Region(code, region) if code is not None else None
        legal = LegalForm(form) if form else None
        out[firm] = NameParts(core, where, legal, group, branch, parent, latin)
    return out
