"""Every Cypher statement of the Neo4j store, in one module.

Values always travel as parameters (``$ids``, ``$rows``, ``$id``). Labels and
relationship types cannot be parameters in Cypher, so the statements that need one are
built here from the schema enums only: :func:`label` and :func:`rel_type` accept a
:class:`~graph.schema.NodeKind` / :class:`~graph.schema.RelKind` member and nothing else,
and check the identifier before it is formatted into the text.

Storage layout (see :mod:`graph.neo4j_store`):

- every node has the label :data:`NODE_LABEL` plus its kind's label (``:Node:Company``);
  ``Node.id`` is unique across kinds, as ids are in the embedded store;
- every relation is a relationship of its kind's type (``:OWNS``) with a unique ``id``;
- ``_json`` holds the whole record (its JSON form), the other properties are copies of
  its top-level scalar and string-list fields for lookups; ``_lock`` exists only inside
  a write transaction.

Examples
--------
>>> from graph.schema import NodeKind
>>> page_nodes(NodeKind.REGION)  # doctest: +NORMALIZE_WHITESPACE
'MATCH (n:Region) WHERE n.id > $after WITH n ORDER BY n.id LIMIT $limit
 RETURN collect([n.id, n._json]) AS page'
"""

from __future__ import annotations

import re
from typing import LiteralString

from graph.schema import NodeKind, RelKind

#: The label every stored node carries besides its kind's label.
NODE_LABEL: LiteralString = "Node"

_IDENTIFIER = re.compile(r"[A-Z][A-Za-z0-9_]*")


def label(kind: NodeKind | None) -> LiteralString:
    """Return the label for ``kind`` (:data:`NODE_LABEL` for None).

    Raises
    ------
    TypeError
        When ``kind`` is not a :class:`NodeKind` member (e.g. user text).
    """
    if kind is None:
        return NODE_LABEL
    if not isinstance(kind, NodeKind):
        raise TypeError(f"not a NodeKind: {kind!r}")
    return _checked(kind.value)


def rel_type(kind: RelKind) -> LiteralString:
    """Return the relationship type for ``kind``.

    Raises
    ------
    TypeError
        When ``kind`` is not a :class:`RelKind` member (e.g. user text).
    """
    if not isinstance(kind, RelKind):
        raise TypeError(f"not a RelKind: {kind!r}")
    return _checked(kind.value)


def _checked(name: str) -> LiteralString:
    if not _IDENTIFIER.fullmatch(name):  # pragma: no cover - the enums are fixed
        raise TypeError(f"not a Cypher identifier: {name!r}")
    # Safe: an enum value that matched the identifier pattern above.
    return name


# -- schema -----------------------------------------------------------------------
SHOW_CONSTRAINTS: LiteralString = "SHOW CONSTRAINTS YIELD name RETURN name"
SHOW_INDEXES: LiteralString = "SHOW INDEXES YIELD name RETURN name"
AWAIT_INDEXES: LiteralString = "CALL db.awaitIndexes(300)"


def schema_statements() -> dict[str, LiteralString]:
    """Return the constraints and indexes of the store, by name.

    Returns
    -------
    dict of str to str
        ``{name: statement}``: a uniqueness constraint on ``id`` for :data:`NODE_LABEL`,
        for each node kind's label and for each relationship type, plus an index on
        ``Node.name``. Every statement is idempotent (``IF NOT EXISTS``).
    """
    out: dict[str, LiteralString] = {
        "zs_node_id": (
            "CREATE CONSTRAINT zs_node_id IF NOT EXISTS "
            "FOR (n:" + NODE_LABEL + ") REQUIRE n.id IS UNIQUE"
        ),
        "zs_node_name": (
            "CREATE INDEX zs_node_name IF NOT EXISTS FOR (n:" + NODE_LABEL + ") ON (n.name)"
        ),
    }
    for nk in NodeKind:
        lab = label(nk)
        name = "zs_" + lab.lower() + "_id"
        out[name] = (
            "CREATE CONSTRAINT " + name + " IF NOT EXISTS FOR (n:" + lab + ") "
            "REQUIRE n.id IS UNIQUE"
        )
    for rk in RelKind:
        typ = rel_type(rk)
        name = "zs_rel_" + typ.lower() + "_id"
        out[name] = (
            "CREATE CONSTRAINT "
            + name
            + " IF NOT EXISTS FOR ()-[r:"
            + typ
            + "]-() REQUIRE r.id IS UNIQUE"
        )
    return out


# -- node writes ------------------------------------------------------------------
#: Create missing nodes (bare, label Node only) and write-lock all of ``$ids``.
LOCK_NODES: LiteralString = (
    "UNWIND $ids AS id MERGE (n:" + NODE_LABEL + " {id: id}) SET n._lock = true"
)
#: The stored records of ``$ids`` (``json`` is null for nodes created by LOCK_NODES).
READ_NODES: LiteralString = (
    "UNWIND $ids AS id MATCH (n:" + NODE_LABEL + " {id: id}) RETURN n.id AS id, n._json AS json"
)
#: Release the write locks of LOCK_NODES (the lock itself lasts until commit).
UNLOCK_NODES: LiteralString = (
    "UNWIND $ids AS id MATCH (n:" + NODE_LABEL + " {id: id}) REMOVE n._lock"
)
#: Which of ``$ids`` are stored nodes.
EXISTING_NODES: LiteralString = (
    "UNWIND $ids AS id MATCH (n:" + NODE_LABEL + " {id: id}) RETURN n.id AS id"
)


def write_nodes(kind: NodeKind) -> LiteralString:
    """Return the statement setting the kind label and properties of ``$rows``.

    ``$rows`` is a list of ``{id, props}``; ``props`` holds ``_json`` and the lookup
    properties.
    """
    return (
        "UNWIND $rows AS row MATCH (n:" + NODE_LABEL + " {id: row.id}) "
        "SET n:" + label(kind) + ", n += row.props"
    )


# -- relation writes --------------------------------------------------------------
#: Relations of ``$rows`` ({id, src, dst, kind}) stored between the same endpoints
#: under another relationship type.
REL_KIND_CONFLICTS: LiteralString = (
    "UNWIND $rows AS row "
    "MATCH (a:" + NODE_LABEL + " {id: row.src})-[r]->(b:" + NODE_LABEL + " {id: row.dst}) "
    "WHERE r.id = row.id AND type(r) <> row.kind "
    "RETURN r.id AS id, type(r) AS kind"
)


def lock_relations(kind: RelKind) -> LiteralString:
    """Return the statement creating missing relations of ``$rows`` and locking all.

    ``$rows`` is a list of ``{id, src, dst}``; returns ``n``, the number of relations
    merged (less than ``size($rows)`` when an endpoint is missing).
    """
    return (
        "UNWIND $rows AS row "
        "MATCH (a:" + NODE_LABEL + " {id: row.src}) MATCH (b:" + NODE_LABEL + " {id: row.dst}) "
        "MERGE (a)-[r:" + rel_type(kind) + " {id: row.id}]->(b) SET r._lock = true "
        "RETURN count(r) AS n"
    )


def read_relations(kind: RelKind) -> LiteralString:
    """Return the statement reading the stored records of ``$ids`` of one type."""
    return (
        "UNWIND $ids AS id MATCH ()-[r:" + rel_type(kind) + " {id: id}]->() "
        "RETURN r.id AS id, r._json AS json"
    )


def write_relations(kind: RelKind) -> LiteralString:
    """Return the statement setting the properties of ``$rows`` ({id, props})."""
    return (
        "UNWIND $rows AS row MATCH ()-[r:" + rel_type(kind) + " {id: row.id}]->() "
        "SET r += row.props"
    )


def unlock_relations(kind: RelKind) -> LiteralString:
    """Return the statement removing the lock property of ``$ids`` of one type."""
    return "UNWIND $ids AS id MATCH ()-[r:" + rel_type(kind) + " {id: id}]->() REMOVE r._lock"


# -- reads ------------------------------------------------------------------------
GET_NODE: LiteralString = "MATCH (n:" + NODE_LABEL + " {id: $id}) RETURN n._json AS json"


def get_relation() -> LiteralString:
    """Return the statement reading relation ``$id`` whatever its type.

    One index seek per relationship type (a relationship index is per type).
    """
    branches = [
        "MATCH ()-[r:" + rel_type(rk) + " {id: $id}]->() RETURN r._json AS json" for rk in RelKind
    ]
    return "CALL () { " + " UNION ALL ".join(branches) + " } RETURN json"


def page_nodes(kind: NodeKind | None) -> LiteralString:
    """Return the statement reading one page of nodes (of a kind) after ``$after``.

    Keyset pagination on the ``id`` index: ``$after`` is the last id of the previous
    page (``""`` first), ``$limit`` the page size. Neo4j orders strings by code point,
    as Python does. The page comes back as one row holding a list of ``[id, json]``
    pairs (``page``): one Bolt message per page instead of one per node, about five
    times faster to read in Python than a row per node.
    """
    return (
        "MATCH (n:" + label(kind) + ") WHERE n.id > $after WITH n ORDER BY n.id LIMIT $limit "
        "RETURN collect([n.id, n._json]) AS page"
    )


def page_relations(kind: RelKind) -> LiteralString:
    """Return the statement reading one page of relations of a type after ``$after``.

    Same shape as :func:`page_nodes`.
    """
    return (
        "MATCH ()-[r:" + rel_type(kind) + "]->() WHERE r.id > $after "
        "WITH r ORDER BY r.id LIMIT $limit "
        "RETURN collect([r.id, r._json]) AS page"
    )


# -- bulk copy (graph.neo4j_bulk) -------------------------------------------------
def create_nodes(kind: NodeKind) -> LiteralString:
    """Return the statement creating the new nodes ``$rows`` ({id, props}) of one kind.

    Only for ids known to be absent: a concurrent creator of one of them makes the
    uniqueness constraint fail the transaction (the caller then merges instead).
    """
    return (
        "UNWIND $rows AS row CREATE (n:" + NODE_LABEL + ":" + label(kind) + ") "
        "SET n = row.props RETURN count(n) AS n"
    )


def create_relations(kind: RelKind) -> LiteralString:
    """Return the statement creating the new relations ``$rows`` ({id, src, dst, props}).

    Rows whose endpoint is missing, or whose id already joins the same endpoints under
    another type, are skipped; ``n`` counts the created ones (the caller compares it with
    the number of rows and merges instead when they differ).
    """
    return (
        "UNWIND $rows AS row "
        "MATCH (a:" + NODE_LABEL + " {id: row.src}) MATCH (b:" + NODE_LABEL + " {id: row.dst}) "
        "WHERE NOT EXISTS { MATCH (a)-[x]->(b) WHERE x.id = row.id } "
        "CREATE (a)-[r:" + rel_type(kind) + "]->(b) SET r = row.props RETURN count(r) AS n"
    )


#: Relations leaving ``$id`` (of types ``$types``, or all when null).
NEIGHBOURS_OUT: LiteralString = (
    "MATCH (a:" + NODE_LABEL + " {id: $id})-[r]->(b) "
    "WHERE $types IS NULL OR type(r) IN $types "
    "RETURN r.id AS id, r._json AS json, b.id AS other"
)
#: Relations entering ``$id`` (of types ``$types``, or all when null).
NEIGHBOURS_IN: LiteralString = (
    "MATCH (a:" + NODE_LABEL + " {id: $id})<-[r]-(b) "
    "WHERE $types IS NULL OR type(r) IN $types "
    "RETURN r.id AS id, r._json AS json, b.id AS other"
)


def count_nodes() -> LiteralString:
    """Return the statement counting nodes per kind label (from the count store)."""
    return " UNION ALL ".join(
        "MATCH (n:" + label(nk) + ") RETURN '" + label(nk) + "' AS kind, count(n) AS n"
        for nk in NodeKind
    )


def count_relations() -> LiteralString:
    """Return the statement counting relations per type (from the count store)."""
    return " UNION ALL ".join(
        "MATCH ()-[r:" + rel_type(rk) + "]->() RETURN '" + rel_type(rk) + "' AS kind, count(r) AS n"
        for rk in RelKind
    )


#: Delete up to ``$limit`` relationships; returns ``n`` deleted. Relationships go first
#: so that a transaction never holds a hub's whole neighbourhood (a DETACH DELETE of
#: 10,000 nodes can touch 10^5 relationships and exceed the transaction memory limit).
DELETE_SOME_RELATIONS: LiteralString = (
    "MATCH ()-[r]->() WITH r LIMIT $limit DELETE r RETURN count(*) AS n"
)
#: The label of the one bookkeeping node (never a :data:`NODE_LABEL` node).
META_LABEL: LiteralString = "ZhaoshangMeta"
#: Delete up to ``$limit`` nodes (with any relationship left) other than the
#: bookkeeping node; returns ``n`` deleted. The bookkeeping node must survive: every
#: write transaction re-creates it, so deleting it too would never reach zero.
DELETE_SOME: LiteralString = (
    "MATCH (n) WHERE NOT n:"
    + META_LABEL
    + " WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"
)
#: Give a cleared database a new store id, so no snapshot of its old content is reused.
RENEW_STORE_ID: LiteralString = (
    "MERGE (m:" + META_LABEL + " {key: 'revision'}) SET m.store_id = randomUUID()"
)
#: Raise the store revision (run at the end of every write transaction); a fresh
#: database gets a random store id, so a cleared and refilled one is told apart.
BUMP_REVISION: LiteralString = (
    "MERGE (m:" + META_LABEL + " {key: 'revision'}) "
    "ON CREATE SET m.value = 1, m.store_id = randomUUID() "
    "ON MATCH SET m.value = m.value + 1"
)
#: The store id and revision (no row before the first write of this version).
READ_REVISION: LiteralString = (
    "MATCH (m:" + META_LABEL + " {key: 'revision'}) RETURN m.store_id AS id, m.value AS value"
)
