"""The write side of :class:`graph.sqlite_store.SqliteStore`: upserts in batches.

Each batch reads the stored records of its ids once; a record neither stored nor
repeated in the batch is written as it is, the rest are merged in order
(:func:`fold`, :func:`graph.schema.merge_records`). A load that starts on an empty
``relations`` table builds that table's secondary indexes after its rows, inside the
same transaction (:data:`RELATION_INDEXES`).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import orjson

from graph.errors import SchemaError
from graph.kinds import NodeKind, RelKind
from graph.load_ids import NODE_IDS_KEPT, IdFilter, LoadIds
from graph.sqlite_reads import BATCH, SqliteReads, chunks, marks, name_keys
from graph.store import UpsertCounts

if TYPE_CHECKING:
    from graph.prepared import Prepared
    from graph.schema import Node, Relation

# graph.schema (pydantic) is imported by the write paths when they run: a caller that
# writes has built its records with it already, and a command that only reads starts
# without it.

#: A node as stored: ``(id, kind, JSON bytes)``.
NodeRow = tuple[str, str, bytes]
#: A relation as stored: ``(id, kind, src, dst, private, JSON bytes)``.
RelationRow = tuple[str, str, str, str, int, bytes]


#: The text of each kind (``.value`` costs a Python call; rows hold plain ``str``).
_KIND_TEXT: dict[str, str] = {k: k.value for k in (*NodeKind, *RelKind)}


def node_rows(nodes: Iterable[Node]) -> list[NodeRow]:
    """The stored rows of validated nodes (JSON from :func:`graph.schema.record_json`)."""
    from graph.schema import record_json

    return [(n.id, _KIND_TEXT[n.kind], record_json(n)) for n in nodes]


def relation_rows(relations: Iterable[Relation]) -> list[RelationRow]:
    """The stored rows of validated relations (JSON from :func:`graph.schema.record_json`)."""
    from graph.schema import record_json

    return [
        (r.id, _KIND_TEXT[r.kind], r.src, r.dst, int(r.private), record_json(r)) for r in relations
    ]


#: The secondary indexes of ``relations``: built after the rows when a load starts on an
#: empty table (see :meth:`SqliteStore.upsert_relations`).
RELATION_INDEXES = {
    "relations_kind": "CREATE INDEX IF NOT EXISTS relations_kind ON relations (kind, id)",
    "relations_src": "CREATE INDEX IF NOT EXISTS relations_src ON relations (src, kind)",
    "relations_dst": "CREATE INDEX IF NOT EXISTS relations_dst ON relations (dst, kind)",
}

#: Helper threads SQLite's sorter may use while building the deferred indexes.
SORT_THREADS = 2


def fold(
    records: list[dict[str, Any]],
    stored: dict[str, dict[str, Any]],
    validate: Callable[[dict[str, Any]], object],
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], int]:
    """Merge a batch into the stored records, in order, one record at a time.

    Returns ``(new records by id, changed stored records by id, merges that changed
    something)``; each merged record is validated.

    Raises
    ------
    SchemaError
        When an id is stored as another kind, or a merge is not a valid record.
    """
    from graph.schema import merge_records

    fresh: dict[str, dict[str, Any]] = {}
    changed: dict[str, dict[str, Any]] = {}
    events = 0
    for new in records:
        rid = new["id"]
        old = fresh.get(rid) or changed.get(rid) or stored.get(rid)
        if old is None:
            fresh[rid] = new
            continue
        if old["kind"] != new["kind"]:
            raise SchemaError(f"{rid}：已存为 {old['kind']}，不是 {new['kind']}")
        merged = merge_records(old, new)
        if merged != old:
            validate(merged)
            events += 1
            (fresh if rid in fresh else changed)[rid] = merged
    return fresh, changed, events


class SqliteWrites(SqliteReads):
    """Upserts over ``self.conn``; the base of :class:`graph.sqlite_store.SqliteStore`,
    which opens the connection and owns the transaction (:meth:`begin`)."""

    _changed: bool
    _deferred: bool
    _ids: LoadIds

    def begin(self) -> None:  # pragma: no cover - SqliteStore.begin
        raise NotImplementedError

    # -- writes ---------------------------------------------------------------------
    def upsert_nodes(self, nodes: Iterable[Node]) -> UpsertCounts:
        """Insert or merge nodes by id (see :func:`graph.schema.merge_records`).

        Raises
        ------
        SchemaError
            When an id is stored as another kind; nothing of that batch is stored.
        """
        self.begin()
        created = updated = 0
        it = iter(nodes)
        while batch := list(itertools.islice(it, BATCH)):
            c, u = self._write_node_rows(node_rows(batch))
            created, updated = created + c, updated + u
        return UpsertCounts(created, updated)

    def upsert_prepared(self, prepared: Prepared) -> UpsertCounts:
        """Insert or merge a batch prepared by :func:`graph.prepared.prepare`.

        The same as :meth:`upsert_nodes` / :meth:`upsert_relations` with the batch's
        models (the same rows, merges and counts), without their models: the rows were
        made from validated models, possibly in another process
        (:func:`graph.prepared.load_in_background`). Relations have all their endpoints
        checked before anything is written.

        Raises
        ------
        SchemaError
            As :meth:`upsert_nodes` / :meth:`upsert_relations`.
        """
        self.begin()
        created = updated = 0
        if prepared.table == "relations":
            self._defer_relation_indexes()
            rows: list[RelationRow] = prepared.rows  # type: ignore[assignment]
            self._check_ends({r[2] for r in rows} | {r[3] for r in rows})
        for chunk in chunks(prepared.rows):
            if prepared.table == "nodes":
                c, u = self._write_node_rows(chunk)
            else:
                c, u = self._write_relation_rows(chunk)
            created, updated = created + c, updated + u
        return UpsertCounts(created, updated)

    def _write_node_rows(self, batch: Sequence[NodeRow]) -> tuple[int, int]:
        from graph.schema import parse_node

        stored, plain, rest = self._split(batch, "nodes")
        fresh, changed, events = fold([orjson.loads(n[2]) for n in rest], stored, parse_node)
        new = {n[0]: n[2] for n in plain}
        written = {i: orjson.loads(b) for i, b in new.items()}
        new.update((i, orjson.dumps(d)) for i, d in fresh.items())
        written.update(fresh)
        self.conn.executemany(
            "INSERT INTO nodes (id, kind, data) VALUES (?, ?, ?)",
            sorted((i, written[i]["kind"], b) for i, b in new.items()),
        )
        if len(self._ids.nodes) < NODE_IDS_KEPT:
            self._ids.nodes.update(new)
        self.conn.executemany(
            "UPDATE nodes SET data = ? WHERE id = ?",
            [(orjson.dumps(d), i) for i, d in changed.items()],
        )
        written.update(changed)
        keys = [(k, i) for i, d in written.items() for k in name_keys(d)]
        self.conn.executemany("INSERT OR IGNORE INTO names (key, node_id) VALUES (?, ?)", keys)
        if self.has_table("datasets"):  # absent in databases made before it (scan instead)
            sets = {s["dataset"] for d in written.values() for s in d.get("sources", ())}
            self.conn.executemany("INSERT OR IGNORE INTO datasets VALUES (?)", [(x,) for x in sets])
        self._changed |= bool(written)
        return len(new), events

    def _split(
        self, batch: Sequence[Any], table: str
    ) -> tuple[dict[str, Any], Sequence[Any], list[Any]]:
        """Read the stored records of a batch of rows; split it into the rows whose id
        is neither stored nor repeated in the batch (written as they are) and the rest
        (in order, merged by :func:`fold`).

        Returns
        -------
        tuple
            ``(stored records by id, plain rows, the other rows)``.
        """
        ids = [m[0] for m in batch]
        counts = Counter(ids)
        if table not in self._ids.seen:  # the first write of this transaction to it
            empty = self.conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None
            self._ids.seen[table] = IdFilter() if empty else None
        seen = self._ids.seen[table]
        if seen is None:
            stored = self._stored(table, list(counts))
        else:  # an empty table when the transaction began: only its own writes
            maybe = seen.seen_then_add(list(counts))
            stored = self._stored(table, maybe) if maybe else {}
        if not stored and len(counts) == len(ids):
            return stored, batch, []
        plain: list[Any] = []
        rest: list[Any] = []
        for m in batch:
            (rest if m[0] in stored or counts[m[0]] > 1 else plain).append(m)
        return stored, plain, rest

    def upsert_relations(self, relations: Iterable[Relation]) -> UpsertCounts:
        """Insert or merge relations by id.

        A list (any sequence) has all its endpoints checked before anything is written;
        any other iterable is written batch by batch under a savepoint, rolled back when
        an endpoint is missing. (A savepoint makes SQLite copy every page the call
        changes to a statement journal: on a large load into one transaction that
        copying cost more than the inserts.)

        A load that starts on an empty ``relations`` table drops its secondary indexes
        and builds them again before the commit (:meth:`save`), or before a read of this
        connection that needs them: building an index over the rows once costs less
        than updating three indexes row by row. Both happen in the load's transaction,
        so other connections see the indexed tables before and after it, never without.

        Raises
        ------
        SchemaError
            When an endpoint id is not a stored node; nothing of that call is stored.
        """
        self.begin()
        self._defer_relation_indexes()
        if isinstance(relations, Sequence):
            self._check_ends({r.src for r in relations} | {r.dst for r in relations})
            return self._write_relations(relations)
        self.conn.execute("SAVEPOINT upsert_relations")
        try:
            counts = self._write_relations(relations, check=True)
        except BaseException:
            self.conn.execute("ROLLBACK TO upsert_relations")
            self.conn.execute("RELEASE upsert_relations")
            raise
        self.conn.execute("RELEASE upsert_relations")
        return counts

    def _write_relations(self, relations: Iterable[Relation], check: bool = False) -> UpsertCounts:
        created = updated = 0
        it = iter(relations)
        while batch := list(itertools.islice(it, BATCH)):
            if check:
                self._check_ends({r.src for r in batch} | {r.dst for r in batch})
            c, u = self._write_relation_rows(relation_rows(batch))
            created, updated = created + c, updated + u
        return UpsertCounts(created, updated)

    def _check_ends(self, endpoints: set[str]) -> None:
        """Raise :class:`SchemaError` naming up to five of ``endpoints`` that are not
        stored (those this transaction wrote are known without a lookup)."""
        ends = sorted(endpoints - self._ids.nodes)
        found = sum(
            self.conn.execute(
                f"SELECT count(*) FROM nodes WHERE id IN ({marks(len(chunk))})", list(chunk)
            ).fetchone()[0]
            for chunk in chunks(ends)
        )
        if found < len(ends):  # name the missing ones (counting first spares the strings)
            known = {
                row[0]
                for chunk in chunks(ends)
                for row in self.conn.execute(
                    f"SELECT id FROM nodes WHERE id IN ({marks(len(chunk))})", list(chunk)
                )
            }
            missing = [e for e in ends if e not in known]
            raise SchemaError(f"关系指向图谱中不存在的节点：{'、'.join(missing[:5])}")

    def _defer_relation_indexes(self) -> None:
        if self._deferred:
            return
        if self.conn.execute("SELECT 1 FROM relations LIMIT 1").fetchone() is None:
            for name in RELATION_INDEXES:
                self.conn.execute(f"DROP INDEX IF EXISTS {name}")
            self._deferred = True

    def _relation_indexes(self) -> None:
        """Build the relation indexes dropped by this transaction's load, if any.

        SQLite's sorter may use a second thread for each index (``PRAGMA threads``):
        at 5.8·10^6 relations the three sorts are a good part of the load's wall time.
        """
        if self._deferred:
            self.conn.execute(f"PRAGMA threads = {SORT_THREADS}")
            try:
                for statement in RELATION_INDEXES.values():
                    self.conn.execute(statement)
            finally:
                self.conn.execute("PRAGMA threads = 0")
            self._deferred = False

    def _write_relation_rows(self, batch: Sequence[RelationRow]) -> tuple[int, int]:
        from graph.schema import parse_relation

        stored, plain, rest = self._split(batch, "relations")
        fresh, changed, events = fold([orjson.loads(r[5]) for r in rest], stored, parse_relation)
        rows = list(plain)
        rows += [
            (i, d["kind"], d["src"], d["dst"], int(bool(d.get("private"))), orjson.dumps(d))
            for i, d in fresh.items()
        ]
        rows.sort()  # ascending ids: fewer pages of the id index touched per batch
        self.conn.executemany(
            "INSERT INTO relations (id, kind, src, dst, private, data) VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        self.conn.executemany(
            "UPDATE relations SET private = ?, data = ? WHERE id = ?",
            [(int(bool(d.get("private"))), orjson.dumps(d), i) for i, d in changed.items()],
        )
        self._changed |= bool(rows or changed)
        return len(rows), events
