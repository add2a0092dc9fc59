"""Write transactions of the Neo4j store: one batch locked, read, merged, written back.

Used by :class:`graph.neo4j_store.Neo4jStore` (see its module docstring for the
protocol); the record ↔ property mapping is shared with :mod:`graph.neo4j_bulk`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any, TypeVar

from neo4j import ManagedTransaction
from neo4j.exceptions import ConstraintError, DriverError, Neo4jError

from graph import cypher
from graph.errors import BackendError, SchemaError
from graph.schema import NodeKind, RelKind, merge_records, parse_node, parse_relation
from graph.store import UpsertCounts

_T = TypeVar("_T")


# -- record <-> properties ----------------------------------------------------------
def to_properties(record: dict[str, Any]) -> dict[str, Any]:
    """Return the Neo4j properties of a record: ``_json`` plus lookup copies."""
    props: dict[str, Any] = {"_json": json.dumps(record, ensure_ascii=False, sort_keys=True)}
    for key, value in record.items():
        scalar = isinstance(value, str | bool | int | float)
        if scalar or (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
            props[key] = value
    return props


def chunks(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    """Yield ``items`` in order as lists of ``size`` (the last one shorter)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


@contextmanager
def backend_errors(what: str) -> Iterator[None]:
    """Turn driver and server errors into :class:`BackendError`.

    A constraint violation becomes a :class:`SchemaError` caused by the
    ``ConstraintError``, also when the driver reports it as the cause of a later
    ``ResultFailedError`` of the same transaction (seen under concurrent writers).
    """
    try:
        yield
    except (Neo4jError, DriverError) as exc:
        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, ConstraintError):
            cause = cause.__cause__
        if isinstance(cause, ConstraintError):
            raise SchemaError(f"{what}: {cause.message or cause}") from cause
        raise BackendError(f"{what}: {exc}") from exc


def merge_batch(
    records: Sequence[dict[str, Any]],
    stored: dict[str, dict[str, Any] | None],
    validate: Callable[[dict[str, Any]], object],
    check: Callable[[dict[str, Any], dict[str, Any]], None] | None = None,
) -> tuple[dict[str, dict[str, Any]], UpsertCounts]:
    """Merge ``records`` into ``stored`` in order, as the embedded store does.

    Returns the records to write (id → record) and the counts.
    """
    state = dict(stored)
    changed: dict[str, dict[str, Any]] = {}
    created = updated = 0
    for new in records:
        rid = new["id"]
        old = state.get(rid)
        if old is None:
            state[rid] = changed[rid] = new
            created += 1
            continue
        if check is not None:
            check(old, new)
        merged = merge_records(old, new)
        if merged != old:
            validate(merged)
            state[rid] = changed[rid] = merged
            updated += 1
    return changed, UpsertCounts(created, updated)


def existing_nodes(tx: ManagedTransaction, ids: list[str]) -> set[str]:
    """Return the ids of ``ids`` that are stored nodes."""
    return {r["id"] for r in tx.run(cypher.EXISTING_NODES, ids=ids)}


def read_page(tx: ManagedTransaction, query: str, after: str, limit: int) -> list[tuple[str, str]]:
    """Run a keyset-page ``query``: up to ``limit`` ``(id, JSON record)`` after id ``after``."""
    page: list[list[str]] = tx.run(query, after=after, limit=limit).single(strict=True)["page"]
    return [(rid, data) for rid, data in page]


def check_node_kind(old: dict[str, Any], new: dict[str, Any]) -> None:
    """Raise :class:`SchemaError` when a node id is given with another kind than stored."""
    if old["kind"] != new["kind"]:
        raise SchemaError(f"{new['id']}：已存为 {old['kind']}，不是 {new['kind']}")


def node_batch(tx: ManagedTransaction, records: list[dict[str, Any]]) -> UpsertCounts:
    """Upsert one batch of node records in the transaction ``tx``: lock, read, merge, write.

    Raises
    ------
    SchemaError
        When an id is stored as another kind (the transaction is not committed).
    """
    ids = sorted({r["id"] for r in records})
    tx.run(cypher.LOCK_NODES, ids=ids).consume()
    stored = {
        r["id"]: (json.loads(r["json"]) if r["json"] is not None else None)
        for r in tx.run(cypher.READ_NODES, ids=ids)
    }
    changed, counts = merge_batch(records, stored, parse_node, check_node_kind)
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rid in sorted(changed):
        rec = changed[rid]
        by_kind[rec["kind"]].append({"id": rid, "props": to_properties(rec)})
    for kind, rows in sorted(by_kind.items()):
        tx.run(cypher.write_nodes(NodeKind(kind)), rows=rows).consume()
    tx.run(cypher.UNLOCK_NODES, ids=ids).consume()
    return counts


def relation_batch(tx: ManagedTransaction, records: list[dict[str, Any]]) -> UpsertCounts:
    """Upsert one batch of relation records in ``tx``: lock, read, merge, write.

    Raises
    ------
    SchemaError
        When an id is given or stored as another kind or between other endpoints, or an
        endpoint was deleted meanwhile (the transaction is not committed).
    """
    first: dict[str, dict[str, Any]] = {}
    for rec in records:
        seen = first.setdefault(rec["id"], rec)
        if seen["kind"] != rec["kind"]:
            raise SchemaError(f"{rec['id']}：既给作 {seen['kind']} 又给作 {rec['kind']}")
    heads = [
        {"id": r["id"], "src": r["src"], "dst": r["dst"], "kind": r["kind"]}
        for r in sorted(first.values(), key=lambda r: str(r["id"]))
    ]
    conflict = tx.run(cypher.REL_KIND_CONFLICTS, rows=heads).single()
    if conflict is not None:
        raise SchemaError(f"{conflict['id']}：已存为 {conflict['kind']}，与本次给出的类型不同")
    by_kind: dict[RelKind, list[dict[str, Any]]] = defaultdict(list)
    for head in heads:
        by_kind[RelKind(head["kind"])].append(head)
    stored: dict[str, dict[str, Any] | None] = {}
    for kind, rows in sorted(by_kind.items()):
        merged_n = tx.run(cypher.lock_relations(kind), rows=rows).single(strict=True)["n"]
        if merged_n != len(rows):
            raise SchemaError(f"{kind} 关系指向的节点已在此期间被删除")
        ids = [row["id"] for row in rows]
        for r in tx.run(cypher.read_relations(kind), ids=ids):
            stored[r["id"]] = json.loads(r["json"]) if r["json"] is not None else None
    changed, counts = merge_batch(records, stored, parse_relation)
    writes: dict[RelKind, list[dict[str, Any]]] = defaultdict(list)
    for rid in sorted(changed):
        rec = changed[rid]
        writes[RelKind(rec["kind"])].append({"id": rid, "props": to_properties(rec)})
    for kind, rows in sorted(by_kind.items()):
        if writes[kind]:
            tx.run(cypher.write_relations(kind), rows=writes[kind]).consume()
        tx.run(cypher.unlock_relations(kind), ids=[row["id"] for row in rows]).consume()
    return counts
