"""The store contract: a handful of primitives that every backend implements.

Loaders write through :meth:`Store.upsert_nodes` / :meth:`Store.upsert_relations`;
queries read through the rest. Derived operations (counts by kind, lookups by name)
live above the primitives in :mod:`graph.view`, once for every backend.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from graph.errors import BackendError
from graph.kinds import NodeKind, RelKind

if TYPE_CHECKING:
    from graph.schema import Node, Relation
    from graph.sqlite_store import SqliteStore

Direction = Literal["out", "in", "both"]


@dataclass(frozen=True)
class UpsertCounts:
    """What an upsert did: ``created`` new records, ``updated`` existing ones.

    ``updated`` counts records whose stored content changed; re-sending an identical
    record counts as neither.
    """

    created: int = 0
    updated: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(self.created + other.created, self.updated + other.updated)


class Store(Protocol):
    """The primitives every backend provides (embedded SQLite, Neo4j)."""

    def upsert_nodes(self, nodes: Iterable[Node]) -> UpsertCounts:
        """Insert or merge nodes by id (see :func:`graph.schema.merge_records`)."""
        ...

    def upsert_relations(self, relations: Iterable[Relation]) -> UpsertCounts:
        """Insert or merge relations by id.

        Raises
        ------
        SchemaError
            When an endpoint id is not a stored node; nothing of that batch is stored.
        """
        ...

    def get_node(self, node_id: str) -> Node | None:
        """Return the node with this id, or None."""
        ...

    def get_relation(self, relation_id: str) -> Relation | None:
        """Return the relation with this id, or None."""
        ...

    def nodes(self, kind: NodeKind | None = None) -> Iterator[Node]:
        """Iterate nodes (of one kind), in id order."""
        ...

    def relations(self, kind: RelKind | None = None) -> Iterator[Relation]:
        """Iterate relations (of one kind), in id order."""
        ...

    def neighbours(
        self,
        node_id: str,
        kinds: Iterable[RelKind] | None = None,
        direction: Direction = "both",
    ) -> Iterator[tuple[Relation, str]]:
        """Iterate ``(relation, other_node_id)`` around a node, ordered by relation id."""
        ...

    def count_nodes(self) -> dict[NodeKind, int]:
        """Return the number of nodes per kind (kinds with none are absent)."""
        ...

    def count_relations(self) -> dict[RelKind, int]:
        """Return the number of relations per kind (kinds with none are absent)."""
        ...

    def raw_nodes(self) -> Iterator[dict[str, Any]]:
        """Iterate every node as its stored JSON-form dict (no validation; read-only).

        Bulk queries use this to avoid building one pydantic model per node.
        """
        ...

    def raw_relations(self) -> Iterator[dict[str, Any]]:
        """Iterate every relation as its stored JSON-form dict (no validation; read-only)."""
        ...

    def save(self) -> None:
        """Make everything written so far durable (atomic for file stores)."""
        ...


def open_store(path: str | Path | None) -> SqliteStore:
    """Open the embedded store: the SQLite database at ``path`` (created if missing).

    A file of the first embedded format (gzip JSON lines, ``*.zsg`` before 0.2) is
    converted in place once (:func:`graph.legacy.convert_in_place`, with a message on
    stderr; the old file is kept as ``<name>.v1.bak``).

    Parameters
    ----------
    path : str, Path or None
        The database file, conventionally ``zhaoshang.db``; None: in memory.

    Raises
    ------
    BackendError
        When the file exists but is not a zhaoshang database or graph file.
    """
    from graph.legacy import convert_in_place, is_legacy_file
    from graph.sqlite_store import SqliteStore

    if path is None:
        return SqliteStore(None)
    path = Path(path)
    if is_legacy_file(path):
        convert_in_place(path)
    return SqliteStore(path)


#: The backends :func:`open_backend` knows.
BACKENDS = ("embedded", "neo4j")


def open_backend(backend: str, path: str | Path | None = None) -> Store:
    """Open the store of a backend: the embedded file, or the Neo4j server.

    Parameters
    ----------
    backend : {"embedded", "neo4j"}
        ``embedded``: the graph file ``path``; ``neo4j``: the database named by the
        environment (``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``,
        ``NEO4J_DATABASE``; see :mod:`graph.neo4j_store`) — credentials never come from
        the command line.
    path : str or Path, optional
        The graph file; required for ``embedded``, ignored for ``neo4j``.

    Returns
    -------
    Store

    Raises
    ------
    BackendError
        When ``backend`` is unknown, ``path`` is missing for ``embedded``, the file is
        not a zhaoshang graph, or no Neo4j server answers.
    """
    if backend == "embedded":
        if path is None:
            raise BackendError("内置存储需要一个图谱数据库文件（--graph）")
        return open_store(path)
    if backend == "neo4j":
        from graph.neo4j_store import Neo4jStore

        return Neo4jStore()
    raise BackendError(f"未知的存储 {backend!r}：请用 {'、'.join(BACKENDS)} 之一")


# -- bulk reads with the embedded store's fast paths (any Store works) -----------------------
def scan_nodes(store: Store, kinds: Iterable[NodeKind]) -> Iterator[dict[str, Any]]:
    """Stored node dicts of the given kinds (the SQLite store filters by its kind index)."""
    return _scan_kinds(store, "nodes", list(kinds))


def scan_relations(store: Store, kinds: Iterable[RelKind]) -> Iterator[dict[str, Any]]:
    """Stored relation dicts of the given kinds (filtered by the store when it can)."""
    return _scan_kinds(store, "relations", list(kinds))


def _scan_kinds(
    store: Store, what: str, kinds: list[NodeKind] | list[RelKind]
) -> Iterator[dict[str, Any]]:
    fast = getattr(store, f"raw_{what}_of", None)
    if fast is not None:
        yield from fast(kinds)
        return
    values = {k.value for k in kinds}
    everything = store.raw_nodes() if what == "nodes" else store.raw_relations()
    yield from (d for d in everything if d["kind"] in values)


def relations_touching(
    store: Store, ids: Iterable[str], kinds: Iterable[RelKind]
) -> Iterator[dict[str, Any]]:
    """Stored relation dicts of the given kinds with an endpoint among ``ids``, each once."""
    wanted, members = list(kinds), set(ids)
    fast = getattr(store, "raw_relations_touching", None)
    if fast is not None:
        yield from fast(members, wanted)
        return
    for d in scan_relations(store, wanted):
        if d["src"] in members or d["dst"] in members:
            yield d


def nodes_by_id(store: Store, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Stored node dicts of the ids that exist, by id."""
    fast = getattr(store, "raw_nodes_by_id", None)
    if fast is not None:
        found: dict[str, dict[str, Any]] = fast(ids)
        return found
    members = set(ids)
    return {d["id"]: d for d in store.raw_nodes() if d["id"] in members}
