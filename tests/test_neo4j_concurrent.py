"""Concurrent pushes into a fresh Neo4j database: all succeed, nothing is duplicated.

Issue 16: 8 concurrent ``zhaoshang push`` into a database without the schema failed 14
times in 16 on ``DeadlockDetected`` and ``EquivalentSchemaRuleAlreadyExists``. Here 8
processes push one graph at once into a database whose zhaoshang constraints and
indexes were dropped; every push must exit 0, the database must hold exactly the
graph's records, and the pushes together must have created each record once.
Needs a Neo4j server (``NEO4J_URI``; see tests/conftest.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import neo4j_store
from neo4j.exceptions import ConstraintError, DriverError, ResultFailedError

from graph.errors import BackendError, SchemaError
from graph.neo4j_batches import backend_errors
from graph.neo4j_driver import SCHEMA_DONE
from graph.neo4j_store import Neo4jStore
from graph.schema import RelKind
from graph.store import open_store
from tests.builders import company, person, rel

PUSHES = 8
FIRMS = 300
PEOPLE = 600
_REPORT = re.compile(r"节点：新建 ([\d,]+)，更新 ([\d,]+)；关系：新建 ([\d,]+)，更新 ([\d,]+)")


def _drop_schema(db: Neo4jStore) -> None:
    """Make the database fresh: no data, none of zhaoshang's constraints or indexes."""
    db.clear()
    with db._driver.session(database=db.database) as session:
        for what, plural in (("CONSTRAINT", "CONSTRAINTS"), ("INDEX", "INDEXES")):
            rows = session.run(f"SHOW {plural} YIELD name RETURN name").data()  # type: ignore[arg-type]
            for name in (r["name"] for r in rows if r["name"].startswith("zs_")):
                session.run(f"DROP {what} {name} IF EXISTS").consume()  # type: ignore[arg-type]
    SCHEMA_DONE.clear()


def _graph(path: Path) -> tuple[int, int]:
    """A graph where every person sits on two boards: shared nodes in every batch."""
    store = open_store(path)
    store.upsert_nodes([company(f"F{i}", f"37{i % 17:02d}") for i in range(FIRMS)])
    store.upsert_nodes([person(f"P{i}") for i in range(PEOPLE)])
    rels = [
        rel(RelKind.OFFICER_OF, f"Person:P{i}", f"Company:F{(i + k * 7) % FIRMS}", roles=["董事"])
        for i in range(PEOPLE)
        for k in range(2)
    ]
    store.upsert_relations(rels)
    store.save()
    return FIRMS + PEOPLE, len(rels)


def _push(graph: Path, uri: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEO4J_URI": uri, "COLUMNS": "200"}
    main = "from cli.app import main; main()"
    command = [sys.executable, "-c", main, "push", "--to", "neo4j", "--graph", str(graph)]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.neo4j
def test_eight_concurrent_pushes_into_a_fresh_database(tmp_path: Path) -> None:
    db = neo4j_store()
    _drop_schema(db)
    graph = tmp_path / "g.db"
    n_nodes, n_rels = _graph(graph)
    with ThreadPoolExecutor(PUSHES) as pool:
        runs = list(pool.map(lambda _: _push(graph, db.uri), range(PUSHES)))
    failed = [r.stderr[-2000:] for r in runs if r.returncode != 0]
    assert not failed, failed
    counts = [_REPORT.search(r.stderr) for r in runs]
    assert all(counts), [r.stderr[-500:] for r in runs]
    totals = [sum(int(m.group(g).replace(",", "")) for m in counts if m) for g in (1, 2, 3, 4)]
    # each record created by exactly one push, none changed by another (same records)
    assert totals == [n_nodes, 0, n_rels, 0]
    source = open_store(graph)
    assert db.count_nodes() == source.count_nodes()
    assert db.count_relations() == source.count_relations()
    names = {r["name"] for r in db.read(lambda tx: tx.run("SHOW CONSTRAINTS YIELD name").data())}
    assert {"zs_node_id", "zs_company_id", "zs_rel_officer_of_id"} <= names


def test_a_constraint_failure_reported_through_a_later_result_is_a_schema_error() -> None:
    """Under concurrent writers the driver may report the uniqueness violation of a
    bulk create as the cause of a ``ResultFailedError``; the bulk path must still see
    a SchemaError caused by the ConstraintError (and fall back to merging), not a
    BackendError that fails the push.
    """
    violation = ConstraintError("Node(6988) already exists with label `Node`")
    with pytest.raises(SchemaError) as caught, backend_errors("write"):
        raise ResultFailedError(None, "the result has failed") from violation
    assert caught.value.__cause__ is violation
    with pytest.raises(BackendError), backend_errors("write"):
        try:
            raise violation  # handled earlier: only the context, not the cause
        except ConstraintError:
            raise DriverError("failed to obtain a connection") from None
