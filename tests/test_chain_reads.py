"""Reads that target lists and workbooks rely on, on the SQLite store.

- The lazy :class:`queries.chain.ChainIndex` (read by endpoint, product by product)
  answers exactly as the index read whole, on a small product tree whose families,
  makers and neighbours are written out here by hand.
- The ``datasets`` table lists what a scan of every node's sources finds, follows new
  loads and rollbacks, and a database without the table is scanned instead.
- The dangling-relation count still finds relations whose node was removed by hand.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from cli.targets_cli import data_sources
from graph.ids import new_relation
from graph.schema import Company, Product, RelKind, Source
from graph.sqlite_store import SqliteStore
from queries.chain import ChainIndex

S1 = Source(dataset="甲数据", file="a.csv", row=1)
S2 = Source(dataset="乙数据", file="b.csv", row=1)


def _product_store() -> SqliteStore:
    """Products P1 ⊃ {P2, P3}, P2 ⊃ P4; P5 upstream of P1, P1 upstream of P6.

    Makers: A makes P1 (0.5) and P4 (0.7); B makes P3 (0.2); C makes P5 (0.9),
    and C makes P4 twice under two keys (0.1 and 0.3: the larger share wins).
    """
    store = SqliteStore(None)
    store.upsert_nodes(
        Product(id=f"Product:P{i}", name=f"产品{i}", sources=[S1]) for i in range(1, 7)
    )
    store.upsert_nodes(Company(id=f"Company:{c}", name=f"{c}公司", sources=[S1]) for c in "ABC")
    rels = [
        new_relation(RelKind.SUBCLASS_OF, "Product:P2", "Product:P1", [S1]),
        new_relation(RelKind.SUBCLASS_OF, "Product:P3", "Product:P1", [S1]),
        new_relation(RelKind.SUBCLASS_OF, "Product:P4", "Product:P2", [S1]),
        new_relation(RelKind.UPSTREAM_OF, "Product:P5", "Product:P1", [S1]),
        new_relation(RelKind.UPSTREAM_OF, "Product:P1", "Product:P6", [S1]),
        new_relation(RelKind.MAKES, "Company:A", "Product:P1", [S1], weight=0.5),
        new_relation(RelKind.MAKES, "Company:A", "Product:P4", [S1], weight=0.7),
        new_relation(RelKind.MAKES, "Company:B", "Product:P3", [S1], weight=0.2),
        new_relation(RelKind.MAKES, "Company:C", "Product:P5", [S1], weight=0.9),
        new_relation(RelKind.MAKES, "Company:C", "Product:P4", [S1], key="x", weight=0.1),
        new_relation(RelKind.MAKES, "Company:C", "Product:P4", [S1], key="y", weight=0.3),
    ]
    store.upsert_relations(rels)
    store.save()
    return store


class _ScanOnly:
    """A store seen through kind scans only (no endpoint reads): the eager path."""

    def __init__(self, store: SqliteStore) -> None:
        self._store = store

    def raw_relations_of(self, kinds: Iterable[RelKind]) -> Iterator[dict[str, Any]]:
        return self._store.raw_relations_of(kinds)


def test_lazy_chain_index_answers_as_the_whole_one() -> None:
    store = _product_store()
    lazy = ChainIndex.build(store)
    eager = ChainIndex.build(_ScanOnly(store))  # type: ignore[arg-type]
    assert lazy.store is store and eager.store is None
    assert lazy.family("Product:P1") == ["Product:P1", "Product:P2", "Product:P3", "Product:P4"]
    assert lazy.families(["Product:P2", "Product:P6"]) == {
        "Product:P2": ["Product:P2", "Product:P4"],
        "Product:P6": ["Product:P6"],
    }
    # A keeps its larger share (P4, 0.7); of C's two MAKES of P4 the larger share (key y)
    makers = lazy.makers("Product:P1")
    assert {c: (m.share, m.product) for c, m in makers.items()} == {
        "Company:A": (0.7, "Product:P4"),
        "Company:B": (0.2, "Product:P3"),
        "Company:C": (0.3, "Product:P4"),
    }
    assert makers["Company:C"].relation_id.endswith("#y")
    assert lazy.upstream_of("Product:P1") == {"Product:P5"}
    assert lazy.downstream_of("Product:P1") == {"Product:P6"}
    assert lazy.downstream_of("Product:P5") == {"Product:P1"}
    assert lazy.upstream_of("Product:P6") == {"Product:P1"}
    fresh = ChainIndex.build(store)  # loads in another order: same answers
    for i in (6, 5, 4, 3, 2, 1):
        p = f"Product:P{i}"
        for index in (fresh, eager):
            assert index.family(p) == lazy.family(p)
            assert index.makers(p) == lazy.makers(p)
            assert index.upstream_of(p) == lazy.upstream_of(p)
            assert index.downstream_of(p) == lazy.downstream_of(p)


def test_datasets_table_follows_loads_and_rollbacks(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    store = SqliteStore(db)
    store.upsert_nodes([Company(id="Company:A", name="A公司", sources=[S1])])
    store.save()
    assert store.datasets() == ["甲数据"]
    store.upsert_nodes([Company(id="Company:A", name="A公司", sources=[S2])])  # a merge
    store.rollback()
    assert store.datasets() == ["甲数据"]
    store.upsert_nodes([Company(id="Company:A", name="A公司", sources=[S2])])
    store.save()
    assert store.datasets() == ["乙数据", "甲数据"]
    lines = data_sources(store, db)
    assert lines[1:] == ["乙数据", "甲数据"]
    scanned = sorted({s["dataset"] for d in store.raw_nodes() for s in d["sources"]})
    assert scanned == store.datasets()
    store.close()
    # a database made before the table: no list kept, the 说明 lines scan the nodes
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE datasets")
    old = SqliteStore(db)
    assert old.datasets() is None
    assert data_sources(old, db)[1:] == ["乙数据", "甲数据"]
    old.upsert_nodes([Company(id="Company:B", name="B公司", sources=[S1])])  # no table: fine
    old.save()
    old.close()


def test_dangling_relations_found_after_a_node_is_removed_by_hand(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    store = SqliteStore(db)
    store.upsert_nodes(Company(id=f"Company:{c}", name=f"{c}公司", sources=[S1]) for c in "ABC")
    store.upsert_relations(
        [
            new_relation(RelKind.SUPPLIES, "Company:A", "Company:B", [S1]),
            new_relation(RelKind.SUPPLIES, "Company:B", "Company:C", [S1]),
            new_relation(RelKind.SUPPLIES, "Company:C", "Company:A", [S1]),
        ]
    )
    store.save()
    assert store.dangling_relations() == 0
    store.close()
    for gone, expected in (("Company:C", 2), ("Company:A", 3)):
        with sqlite3.connect(db) as conn:
            conn.execute("DELETE FROM nodes WHERE id = ?", (gone,))
        again = SqliteStore(db)
        assert again.dangling_relations() == expected
        again.close()
