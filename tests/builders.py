"""Tiny builders for hand-made graphs in tests."""

from __future__ import annotations

from typing import Any

from graph.ids import new_relation, node_id
from graph.schema import Company, Industry, NodeKind, Person, Product, Region, RelKind, Source
from graph.sqlite_store import SqliteStore
from graph.store import Store

SRC = [Source(dataset="test", file="hand.csv", row=1)]


def company(key: str, region: str | None = None, **kw: Any) -> Company:
    return Company(
        id=f"Company:{key}", name=kw.pop("name", key), region_code=region, sources=SRC, **kw
    )


def person(key: str) -> Person:
    return Person(id=f"Person:{key}", name=key, sources=SRC)


def industry(code: str, name: str) -> Industry:
    return Industry(
        id=node_id(NodeKind.INDUSTRY, "SW-2021", code),
        name=name,
        code=code,
        system="SW-2021",
        sources=SRC,
    )


def product(name: str) -> Product:
    return Product(id=node_id(NodeKind.PRODUCT, name), name=name, sources=SRC)


def region(code: str, name: str) -> Region:
    return Region(id=node_id(NodeKind.REGION, code), name=name, code=code, sources=SRC)


def rel(kind: RelKind, src: str, dst: str, **props: Any):  # type: ignore[no-untyped-def]
    return new_relation(kind, src, dst, SRC, **props)


def empty_store() -> Store:
    """The store :func:`store_of` fills: in memory, or Neo4j under the ``backend`` fixture."""
    return SqliteStore(None)


def store_of(nodes: list[Any], rels: list[Any]) -> Store:
    store = empty_store()
    store.upsert_nodes(nodes)
    store.upsert_relations(rels)
    return store
