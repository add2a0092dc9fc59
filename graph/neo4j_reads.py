"""Reads of the Neo4j store that feed the search snapshot (:mod:`queries.snapshot`).

The revision counter (raised by every write transaction of
:meth:`graph.neo4j_store.Neo4jStore.write`) keys a local snapshot cache, so a query
reads the tie graph out of the server once per revision, never per question; the
per-kind paged reads make that one streaming read of the tie relations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any, TypeVar

import orjson
from neo4j import ManagedTransaction

from graph import cypher
from graph.neo4j_batches import chunks
from graph.schema import NodeKind, RelKind

_T = TypeVar("_T")


class SnapshotReads:
    """Mixin of :class:`graph.neo4j_store.Neo4jStore` (uses its transactions and pages)."""

    uri: str
    database: str
    batch_size: int
    read: Callable[[Callable[[ManagedTransaction], Any]], Any]
    _raw_node_pages: Callable[[NodeKind | None], Iterator[dict[str, Any]]]
    _raw_relation_pages: Callable[[RelKind | None], Iterator[dict[str, Any]]]

    def _revision_row(self) -> tuple[str, int] | None:
        def work(tx: ManagedTransaction) -> tuple[str, int] | None:
            row = tx.run(cypher.READ_REVISION).single()
            return None if row is None else (str(row["id"]), int(row["value"]))

        found: tuple[str, int] | None = self.read(work)
        return found

    @property
    def store_id(self) -> str | None:
        """Random id of this database's contents (new after :meth:`clear`)."""
        row = self._revision_row()
        return None if row is None else row[0]

    @property
    def revision(self) -> int | None:
        """Write transactions committed so far (None before the first)."""
        row = self._revision_row()
        return None if row is None else row[1]

    @property
    def cache_key(self) -> str:
        """Names the database for the local snapshot cache (URI and database)."""
        return f"{self.uri}|{self.database}"

    def raw_nodes_of(self, kinds: Iterable[NodeKind]) -> Iterator[dict[str, Any]]:
        """Stored node dicts of some kinds (one paged read per kind)."""
        for kind in kinds:
            yield from self._raw_node_pages(kind)

    def raw_relations_of(self, kinds: Iterable[RelKind]) -> Iterator[dict[str, Any]]:
        """Stored relation dicts of some kinds (one paged read per kind)."""
        for kind in kinds:
            yield from self._raw_relation_pages(kind)

    def raw_nodes_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Stored node dicts of the ids that exist, by id."""
        wanted = sorted(set(ids))
        found: dict[str, dict[str, Any]] = {}

        def work(tx: ManagedTransaction, chunk: list[str]) -> list[tuple[str, str]]:
            return [(r["id"], r["json"]) for r in tx.run(cypher.READ_NODES, ids=chunk)]

        for chunk in chunks(wanted, self.batch_size):
            for nid, data in self.read(partial(work, chunk=list(chunk))):
                if data is not None:
                    found[nid] = orjson.loads(data)
        return found
