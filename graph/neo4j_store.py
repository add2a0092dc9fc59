"""The Neo4j 5 store: the same records and answers as :mod:`graph.sqlite_store`, on a server.

Each node is stored with the label ``Node`` plus its kind's label, each relation as a
relationship of its kind's type; the whole record (its JSON form, as the embedded store
holds it) is the property ``_json``, and its top-level scalar and string-list fields are
copied into properties for Cypher lookups (``id``, ``name``, ``kind``, ``code``,
``stock_codes``, ``confidence``, …). Uniqueness constraints on ``id`` (``Node``, each
kind label, each relationship type) are created on first write.

Writes go in batches of ``batch_size`` records, each batch one managed write
transaction (retried by the driver on transient errors and deadlocks):

1. ``MERGE`` every id of the batch and set a lock property, which write-locks the
   node or relationship until commit;
2. read the stored records, merge with :func:`graph.schema.merge_records` in Python,
   in batch order, exactly as the embedded store does;
3. write back the records that changed and drop the lock property.

Because the records are read only once they are locked, concurrent writers of the same
ids serialise on them: no duplicate nodes or relations (the constraints), and no lost
updates (a source added by one writer is seen by the next).

Queries on Neo4j read the subgraph they need through the store protocol
(:meth:`Neo4jStore.raw_nodes` / :meth:`~Neo4jStore.raw_relations` for the tie graph and
the candidates, :meth:`~Neo4jStore.get_relation` / :meth:`~Neo4jStore.neighbours` for
explanations and industry trees) and run the very algorithms of the embedded backend,
rather than Cypher path queries: referral paths are the k cheapest *weighted* simple
paths (Yen over costs −ln s with hub and pass-through penalties, ties broken by ids),
while Cypher ``SHORTEST k`` counts hops and weighted k-paths would need the GDS plugin
(not in community Neo4j, Aura Free or our test server). One algorithm also makes "same
question, same answer" hold by construction. The reads are bulk and cheap: keyset pages
of ``batch_size`` records, one query per page per kind, each page one Bolt message
(about 138,000 nodes in ~2.5 s and 217,000 relations in ~5 s on the public data).

The connection comes from the environment: ``NEO4J_URI`` (default
``bolt://127.0.0.1:7687``, the server of ``scripts/neo4j-server``), ``NEO4J_USER`` and
``NEO4J_PASSWORD`` (no authentication when both are unset), ``NEO4J_DATABASE``
(default ``neo4j``). One driver per process and connection is shared by all stores
(:mod:`graph.neo4j_driver`).
"""

from __future__ import annotations

import heapq
import json
import os
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, LiteralString, TypeVar

import orjson
from neo4j import ManagedTransaction, Session

from graph import cypher
from graph.errors import SchemaError
from graph.neo4j_batches import (
    backend_errors,
    chunks,
    existing_nodes,
    node_batch,
    read_page,
    relation_batch,
)
from graph.neo4j_driver import (
    DEFAULT_DATABASE,
    DEFAULT_URI,
    get_driver,
)
from graph.neo4j_reads import SnapshotReads
from graph.schema import (
    Node,
    NodeKind,
    Relation,
    RelKind,
    parse_node,
    parse_relation,
    to_record,
)
from graph.store import Direction, UpsertCounts

if TYPE_CHECKING:
    from graph.store import Store

_T = TypeVar("_T")


class Neo4jStore(SnapshotReads):
    """Store over a Neo4j 5 database (server, cluster or Aura).

    Parameters
    ----------
    uri : str, optional
        Bolt URI; default ``$NEO4J_URI`` or ``bolt://127.0.0.1:7687``.
    user, password : str, optional
        Default ``$NEO4J_USER`` / ``$NEO4J_PASSWORD``; no authentication when unset.
    database : str, optional
        Default ``$NEO4J_DATABASE`` or ``neo4j``.
    batch_size : int >= 1
        Records per write transaction (default 5,000).

    Raises
    ------
    BackendError
        When no Neo4j server answers at ``uri`` or the credentials are refused.

    Notes
    -----
    Iterators read pages of ``batch_size`` records, each in its own read transaction,
    so a long iteration holds no transaction open; a record written during the
    iteration is seen or not depending on whether its page was read yet.
    """

    def __init__(
        self,
        uri: str | None = None,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        batch_size: int = 5000,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, not {batch_size}")
        self.uri = uri or os.environ.get("NEO4J_URI") or DEFAULT_URI
        user = user if user is not None else os.environ.get("NEO4J_USER")
        password = password if password is not None else os.environ.get("NEO4J_PASSWORD")
        self.database = database or os.environ.get("NEO4J_DATABASE") or DEFAULT_DATABASE
        self.batch_size = batch_size
        self._driver = get_driver(self.uri, user, password)
        with backend_errors(f"无法连接 Neo4j 服务器 {self.uri}"):
            self._driver.verify_connectivity()

    def __repr__(self) -> str:
        return f"Neo4jStore({self.uri!r}, database={self.database!r})"

    # -- transactions ------------------------------------------------------------
    def write(self, work: Callable[[ManagedTransaction], _T]) -> _T:
        """Run ``work`` in one managed write transaction (retried on transient errors).

        The transaction also raises the store revision (:attr:`revision`), which keys
        the search snapshot (:mod:`queries.snapshot`).
        """

        def counted(tx: ManagedTransaction) -> _T:
            result = work(tx)
            tx.run(cypher.BUMP_REVISION).consume()
            return result

        with backend_errors(f"写入 Neo4j 失败（{self.uri}）"), self.session() as session:
            return session.execute_write(counted)

    def read(self, work: Callable[[ManagedTransaction], _T]) -> _T:
        """Run ``work`` in one managed read transaction."""
        with backend_errors(f"读取 Neo4j 失败（{self.uri}）"), self.session() as session:
            return session.execute_read(work)

    def session(self) -> Session:
        """A session on the store's database, causally after this process's writes."""
        return self._driver.session(
            database=self.database,
            bookmark_manager=self._driver.execute_query_bookmark_manager,
        )

    def ensure_schema(self) -> None:
        """Create the constraints and indexes once per process and database.

        Safe when several writers meet a database without them (see
        :mod:`graph.neo4j_schema`).
        """
        from graph.neo4j_schema import ensure_schema

        ensure_schema(self)

    # -- writes ------------------------------------------------------------------
    def upsert_nodes(self, nodes: Iterable[Node]) -> UpsertCounts:
        """Insert or merge nodes by id (see :func:`graph.schema.merge_records`).

        Parameters
        ----------
        nodes : iterable of Node
            Any length; written in transactions of ``batch_size`` nodes.

        Returns
        -------
        UpsertCounts
            Nodes created, and existing nodes whose record changed.

        Raises
        ------
        SchemaError
            When an id is stored as another kind; the batch holding it is not written
            (earlier batches are).
        BackendError
            When the database cannot be reached or refuses the write.
        """
        self.ensure_schema()
        total = UpsertCounts()
        for chunk in chunks(nodes, self.batch_size):
            records = [to_record(n) for n in chunk]
            total += self.write(partial(node_batch, records=records))
        return total

    def upsert_relations(self, relations: Iterable[Relation]) -> UpsertCounts:
        """Insert or merge relations by id.

        Parameters
        ----------
        relations : iterable of Relation
            Any length; written in transactions of ``batch_size`` relations.

        Returns
        -------
        UpsertCounts
            Relations created, and existing relations whose record changed.

        Raises
        ------
        SchemaError
            When an endpoint id is not a stored node (nothing of the call is written),
            or a relation id is stored under another kind or between other endpoints
            (that transaction is not written).
        BackendError
            When the database cannot be reached or refuses the write.
        """
        records = [to_record(r) for r in relations]
        self.ensure_schema()
        ends = sorted({e for r in records for e in (r["src"], r["dst"])})
        found: set[str] = set()
        for chunk in chunks(ends, self.batch_size):
            found |= self.read(partial(existing_nodes, ids=chunk))
        missing = [e for e in ends if e not in found]
        if missing:
            raise SchemaError(f"关系指向图谱中不存在的节点：{'、'.join(missing[:5])}")
        total = UpsertCounts()
        for chunk in chunks(records, self.batch_size):
            total += self.write(partial(relation_batch, records=chunk))
        return total

    def save(self) -> None:
        """Do nothing: every batch is committed when it is written."""

    def clear(self) -> None:
        """Delete every node and relationship of the database — destructive.

        Deletes everything in ``database``, not only what zhaoshang wrote; the
        constraints and indexes stay. Meant for tests and for rebuilding a graph.
        """

        def some(tx: ManagedTransaction, statement: LiteralString) -> int:
            n: int = tx.run(statement, limit=10_000).single(strict=True)["n"]
            return n

        for statement in (cypher.DELETE_SOME_RELATIONS, cypher.DELETE_SOME):
            while self.write(partial(some, statement=statement)):
                pass
        self.write(lambda tx: tx.run(cypher.RENEW_STORE_ID).consume())

    # -- reads -------------------------------------------------------------------
    def get_node(self, node_id: str) -> Node | None:
        """Return the node with this id, or None."""
        row = self.read(lambda tx: tx.run(cypher.GET_NODE, id=node_id).single())
        if row is None or row["json"] is None:
            return None
        return parse_node(json.loads(row["json"]))

    def get_relation(self, relation_id: str) -> Relation | None:
        """Return the relation with this id, or None."""
        query = cypher.get_relation()
        row = self.read(lambda tx: tx.run(query, id=relation_id).single())
        if row is None or row["json"] is None:
            return None
        return parse_relation(json.loads(row["json"]))

    def _pages(self, query: str) -> Iterator[tuple[str, str]]:
        """Yield ``(id, json)`` of a paged query (see :func:`graph.cypher.page_nodes`)."""
        after = ""
        while True:
            page = self.read(partial(read_page, query=query, after=after, limit=self.batch_size))
            yield from page
            if len(page) < self.batch_size:
                return
            after = page[-1][0]

    def _raw_node_pages(self, kind: NodeKind | None) -> Iterator[dict[str, Any]]:
        for _, data in self._pages(cypher.page_nodes(kind)):
            if data is not None:
                record: dict[str, Any] = orjson.loads(data)
                yield record

    def _raw_relation_pages(self, kind: RelKind | None) -> Iterator[dict[str, Any]]:
        kinds = [kind] if kind is not None else list(self.count_relations())
        streams = [self._pages(cypher.page_relations(k)) for k in kinds]
        for _, data in heapq.merge(*streams, key=lambda t: t[0]):
            if data is not None:
                record: dict[str, Any] = orjson.loads(data)
                yield record

    def nodes(self, kind: NodeKind | None = None) -> Iterator[Node]:
        """Iterate nodes (of one kind), in id order."""
        for data in self._raw_node_pages(kind):
            yield parse_node(data)

    def relations(self, kind: RelKind | None = None) -> Iterator[Relation]:
        """Iterate relations (of one kind), in id order."""
        for data in self._raw_relation_pages(kind):
            yield parse_relation(data)

    def neighbours(
        self,
        node_id: str,
        kinds: Iterable[RelKind] | None = None,
        direction: Direction = "both",
    ) -> Iterator[tuple[Relation, str]]:
        """Iterate ``(relation, other_node_id)`` around a node, ordered by relation id.

        A self-loop appears once with ``direction="both"``; an unknown node has none.
        """
        types = None if kinds is None else sorted(cypher.rel_type(k) for k in kinds)

        def work(tx: ManagedTransaction) -> list[tuple[str, str, str]]:
            found: list[tuple[str, str, str]] = []
            if direction in ("out", "both"):
                for r in tx.run(cypher.NEIGHBOURS_OUT, id=node_id, types=types):
                    found.append((r["id"], r["other"], r["json"]))
            if direction in ("in", "both"):
                for r in tx.run(cypher.NEIGHBOURS_IN, id=node_id, types=types):
                    if not (direction == "both" and r["other"] == node_id):
                        found.append((r["id"], r["other"], r["json"]))
            return found

        for _rid, other, data in sorted(self.read(work), key=lambda t: (t[0], t[1])):
            yield parse_relation(json.loads(data)), other

    def count_nodes(self) -> dict[NodeKind, int]:
        """Return the number of nodes per kind (kinds with none are absent)."""
        query = cypher.count_nodes()
        rows = self.read(lambda tx: [(r["kind"], r["n"]) for r in tx.run(query)])
        return {NodeKind(k): n for k, n in sorted(rows) if n}

    def count_relations(self) -> dict[RelKind, int]:
        """Return the number of relations per kind (kinds with none are absent)."""
        query = cypher.count_relations()
        rows = self.read(lambda tx: [(r["kind"], r["n"]) for r in tx.run(query)])
        return {RelKind(k): n for k, n in sorted(rows) if n}

    # -- fast paths for queries (plain dicts, no model validation) ----------------
    def raw_nodes(self) -> Iterator[dict[str, Any]]:
        """Iterate stored node dicts, in id order (fresh dicts; safe to modify)."""
        return self._raw_node_pages(None)

    def raw_relations(self) -> Iterator[dict[str, Any]]:
        """Iterate stored relation dicts, in id order (fresh dicts; safe to modify)."""
        return self._raw_relation_pages(None)


if TYPE_CHECKING:

    def _implements_the_contract(store: Neo4jStore) -> Store:
        return store  # mypy checks Neo4jStore against the Store protocol
