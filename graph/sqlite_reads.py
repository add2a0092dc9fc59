"""The read side of the SQLite store (:class:`graph.sqlite_store.SqliteStore`).

Every read is an indexed query: by id (unique index), by kind, by endpoint
(``(src, kind)`` and ``(dst, kind)``) or by name key; full scans are keyset-paged in
id order so that they stay correct while the same connection writes.
"""

from __future__ import annotations

import heapq
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import orjson

from graph.kinds import NodeKind, RelKind
from graph.store import Direction

if TYPE_CHECKING:
    from graph.schema import Node, Relation

#: Records read per statement (below SQLite's 32,766 bound parameters).
BATCH = 900


_NAMED_KINDS = frozenset({NodeKind.COMPANY.value, NodeKind.FUND.value, NodeKind.INTERMEDIARY.value})


def name_keys(record: dict[str, Any]) -> set[str]:
    """The lookup keys of a node record: names (display, full, short, current, aliases),
    stock codes with and without the exchange, USCC, LEI.

    Only firms, funds and intermediaries are indexed (people are private; industries,
    products and regions are found by code through their ids).
    """
    if record.get("kind") not in _NAMED_KINDS:
        return set()
    codes = record.get("stock_codes", [])
    keys = {record["name"], *record.get("aliases", []), *codes, *(c.split(".")[0] for c in codes)}
    for field in ("full_name", "short_name", "current_name", "uscc", "lei"):
        if record.get(field):
            keys.add(record[field])
    return {k for k in keys if k}


def chunks(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    """Consecutive slices of ``items`` of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def marks(n: int) -> str:
    """``?,?,…`` with ``n`` parameter marks."""
    return ",".join("?" * n)


class SqliteReads:
    """Read methods over ``self.conn`` (a connection to a zhaoshang database)."""

    conn: sqlite3.Connection
    _tables: dict[str, bool]

    def _relation_indexes(self) -> None:
        """Make sure the relation indexes exist before a read that uses them.

        A store may defer them during a load
        (:meth:`graph.sqlite_store.SqliteStore.upsert_relations`); a no-op here.
        """

    def _stored(self, table: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        rows = self.conn.execute(
            f"SELECT id, data FROM {table} WHERE id IN ({marks(len(ids))})", list(ids)
        )
        return {rid: orjson.loads(data) for rid, data in rows}

    # The typed reads import the schema (its pydantic models) when first called, so
    # that commands which only count or scan raw dicts start without it.
    def get_node(self, node_id: str) -> Node | None:
        from graph.schema import parse_node

        data = self.raw_node(node_id)
        return None if data is None else parse_node(data)

    def raw_node(self, node_id: str) -> dict[str, Any] | None:
        """Return the stored dict of one node, or None (no validation)."""
        row = self.conn.execute("SELECT data FROM nodes WHERE id = ?", (node_id,)).fetchone()
        return None if row is None else dict(orjson.loads(row[0]))

    def raw_nodes_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Return the stored dicts of the nodes among ``ids`` that exist, by id."""
        wanted = sorted(set(ids))
        found: dict[str, dict[str, Any]] = {}
        for chunk in chunks(wanted):
            found.update(self._stored("nodes", chunk))
        return found

    def get_relation(self, relation_id: str) -> Relation | None:
        from graph.schema import parse_relation

        row = self.conn.execute(
            "SELECT data FROM relations WHERE id = ?", (relation_id,)
        ).fetchone()
        return None if row is None else parse_relation(orjson.loads(row[0]))

    def _scan(self, table: str, kinds: Sequence[str] | None) -> Iterator[dict[str, Any]]:
        """Scan in id order, keyset-paged (safe while the same connection writes).

        With ``kinds``, one range scan of the ``(kind, id)`` index per kind, merged by id.
        """
        if kinds is None:
            yield from (d for _, d in self._pages(table, None))
            return
        streams = [self._pages(table, k) for k in sorted(set(kinds))]
        for _, data in heapq.merge(*streams, key=lambda t: t[0]):
            yield data

    def _pages(self, table: str, kind: str | None) -> Iterator[tuple[str, dict[str, Any]]]:
        if table == "relations":
            self._relation_indexes()
        where = "" if kind is None else "kind = ? AND "
        args: list[Any] = [] if kind is None else [kind]
        last = ""
        while True:
            rows = self.conn.execute(
                f"SELECT id, data FROM {table} WHERE {where}id > ? ORDER BY id LIMIT 5000",
                [*args, last],
            ).fetchall()
            for rid, data in rows:
                yield rid, orjson.loads(data)
            if len(rows) < 5000:
                return
            last = rows[-1][0]

    def nodes(self, kind: NodeKind | None = None) -> Iterator[Node]:
        from graph.schema import parse_node

        for data in self._scan("nodes", None if kind is None else [kind.value]):
            yield parse_node(data)

    def relations(self, kind: RelKind | None = None) -> Iterator[Relation]:
        from graph.schema import parse_relation

        for data in self._scan("relations", None if kind is None else [kind.value]):
            yield parse_relation(data)

    def raw_nodes(self) -> Iterator[dict[str, Any]]:
        """Iterate stored node dicts in id order (fresh dicts)."""
        return self._scan("nodes", None)

    def raw_relations(self) -> Iterator[dict[str, Any]]:
        """Iterate stored relation dicts in id order (fresh dicts)."""
        return self._scan("relations", None)

    def raw_nodes_of(self, kinds: Iterable[NodeKind]) -> Iterator[dict[str, Any]]:
        """Iterate stored node dicts of some kinds, in id order (kind index)."""
        return self._scan("nodes", [k.value for k in kinds])

    def raw_relations_of(self, kinds: Iterable[RelKind]) -> Iterator[dict[str, Any]]:
        """Iterate stored relation dicts of some kinds, in id order (kind index)."""
        return self._scan("relations", [k.value for k in kinds])

    def raw_relations_touching(
        self, ids: Iterable[str], kinds: Iterable[RelKind]
    ) -> Iterator[dict[str, Any]]:
        """Relation dicts of some kinds with an endpoint among ``ids``, each once, by id.

        Uses the endpoint indexes through a temporary table of the ids.
        """
        wanted = [k.value for k in kinds]
        self._relation_indexes()
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS wanted_ids (id TEXT PRIMARY KEY)")
        self.conn.execute("DELETE FROM temp.wanted_ids")
        self.conn.executemany(
            "INSERT OR IGNORE INTO temp.wanted_ids (id) VALUES (?)", ((i,) for i in ids)
        )
        kinds_sql = marks(len(wanted))
        rows = self.conn.execute(
            f"SELECT id, data FROM relations WHERE kind IN ({kinds_sql}) AND src IN "
            f"(SELECT id FROM temp.wanted_ids) UNION SELECT id, data FROM relations "
            f"WHERE kind IN ({kinds_sql}) AND dst IN (SELECT id FROM temp.wanted_ids) ORDER BY 1",
            [*wanted, *wanted],
        ).fetchall()
        self.conn.execute("DELETE FROM temp.wanted_ids")
        return (orjson.loads(data) for _, data in rows)

    def neighbours(
        self,
        node_id: str,
        kinds: Iterable[RelKind] | None = None,
        direction: Direction = "both",
    ) -> Iterator[tuple[Relation, str]]:
        from graph.schema import parse_relation

        for data, other in self.raw_neighbours(node_id, kinds, direction):
            yield parse_relation(data), other

    def raw_neighbours(
        self,
        node_id: str,
        kinds: Iterable[RelKind] | None = None,
        direction: Direction = "both",
    ) -> list[tuple[dict[str, Any], str]]:
        """``(stored relation dict, other node id)`` around a node, by relation id.

        A self loop is listed once.
        """
        self._relation_indexes()
        wanted = None if kinds is None else [k.value for k in kinds]
        kind_sql = "" if wanted is None else f" AND kind IN ({marks(len(wanted))})"
        args = [] if wanted is None else wanted
        found: dict[str, tuple[dict[str, Any], str]] = {}
        if direction in ("out", "both"):
            for rid, dst, data in self.conn.execute(
                f"SELECT id, dst, data FROM relations WHERE src = ?{kind_sql}", [node_id, *args]
            ):
                found[rid] = (orjson.loads(data), dst)
        if direction in ("in", "both"):
            for rid, src, data in self.conn.execute(
                f"SELECT id, src, data FROM relations WHERE dst = ?{kind_sql}", [node_id, *args]
            ):
                found.setdefault(rid, (orjson.loads(data), src))
        return [found[rid] for rid in sorted(found)]

    def find_by_key(self, key: str) -> list[str]:
        """Node ids whose name, alias, stock code, USCC or LEI equals ``key`` exactly."""
        rows = self.conn.execute("SELECT node_id FROM names WHERE key = ? ORDER BY node_id", (key,))
        return [r[0] for r in rows]

    def has_table(self, name: str) -> bool:
        """True when the database has the table ``name`` (newer tables may be absent)."""
        if name not in self._tables:
            row = self.conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
            ).fetchone()
            self._tables[name] = row is not None
        return self._tables[name]

    def datasets(self) -> list[str] | None:
        """The datasets cited by any node's sources, sorted (None: not recorded in this
        database, which predates the ``datasets`` table)."""
        if not self.has_table("datasets"):
            return None
        return [r[0] for r in self.conn.execute("SELECT name FROM datasets ORDER BY name")]

    def count_nodes(self) -> dict[NodeKind, int]:
        rows = self.conn.execute("SELECT kind, count(*) FROM nodes GROUP BY kind ORDER BY kind")
        return {NodeKind(k): n for k, n in rows}

    def count_relations(self) -> dict[RelKind, int]:
        self._relation_indexes()
        rows = self.conn.execute("SELECT kind, count(*) FROM relations GROUP BY kind ORDER BY kind")
        return {RelKind(k): n for k, n in rows}

    def dangling_relations(self) -> int:
        """Number of relations whose endpoint is not a stored node (0 in a sound store).

        Checks the distinct endpoints first (two scans of the endpoint indexes, ~4×
        faster than probing both ends of every relation); counts relations only when
        some endpoint is missing.
        """
        self._relation_indexes()
        for end in ("src", "dst"):
            missing = self.conn.execute(
                f"SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT {end} AS e FROM relations) "
                "WHERE e NOT IN (SELECT id FROM nodes))"
            ).fetchone()[0]
            if missing:
                break
        else:
            return 0
        row = self.conn.execute(
            "SELECT count(*) FROM relations r WHERE NOT EXISTS "
            "(SELECT 1 FROM nodes n WHERE n.id = r.src) OR NOT EXISTS "
            "(SELECT 1 FROM nodes n WHERE n.id = r.dst)"
        ).fetchone()
        return int(row[0])
