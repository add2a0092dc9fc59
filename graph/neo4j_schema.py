"""The Neo4j store's constraints and indexes, created once and safely under concurrency.

Several writers may meet a database without the schema at the same moment (eight
``zhaoshang push`` started together). ``CREATE … IF NOT EXISTS`` alone does not make
that safe: two transactions creating the same rule deadlock on the label lock
(``DeadlockDetected``, transient) or the later one fails with
``EquivalentSchemaRuleAlreadyExists``. So each statement runs in its own managed write
transaction, which the driver retries with backoff on transient errors (deadlocks
included, for up to ``max_transaction_retry_time``); an "already exists" answer counts
as done; and the schema is read back until every rule is there, a bounded number of
rounds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, LiteralString

from neo4j import ManagedTransaction, Session
from neo4j.exceptions import ClientError, DriverError, Neo4jError

from graph import cypher
from graph.errors import BackendError
from graph.neo4j_driver import SCHEMA_DONE, SCHEMA_LOCK

if TYPE_CHECKING:
    from graph.neo4j_store import Neo4jStore

#: Server answers meaning the rule exists, perhaps under another name (made by hand).
SAME_RULE_EXISTS = frozenset(
    {
        "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
        "Neo.ClientError.Schema.ConstraintAlreadyExists",
        "Neo.ClientError.Schema.IndexAlreadyExists",
    }
)
#: Server answers meaning a rule of that name exists (the read-back finds it by name).
SAME_NAME_EXISTS = frozenset(
    {
        "Neo.ClientError.Schema.ConstraintWithNameAlreadyExists",
        "Neo.ClientError.Schema.IndexWithNameAlreadyExists",
    }
)
#: Rounds of "create what is missing, read the schema back" before giving up.
ROUNDS = 5


def _names(tx: ManagedTransaction) -> set[str]:
    names = {r["name"] for r in tx.run(cypher.SHOW_CONSTRAINTS)}
    return names | {r["name"] for r in tx.run(cypher.SHOW_INDEXES)}


def _await_indexes(tx: ManagedTransaction) -> None:
    tx.run(cypher.AWAIT_INDEXES).consume()


def _create(session: Session, statement: LiteralString) -> bool:
    """Run one schema statement (retried on deadlocks by the driver).

    Returns True when the server says the same rule already exists under another name,
    False when the statement ran or a rule of that name exists (both show by name).
    """

    def work(tx: ManagedTransaction) -> None:
        tx.run(statement).consume()

    try:
        session.execute_write(work)
    except ClientError as exc:
        if exc.code in SAME_RULE_EXISTS:
            return True
        if exc.code not in SAME_NAME_EXISTS:
            raise
    return False


def ensure_schema(store: Neo4jStore) -> None:
    """Create the store's constraints and indexes once per process and database.

    Parameters
    ----------
    store : Neo4jStore

    Raises
    ------
    BackendError
        When the server refuses a statement, or the rules are still missing after
        :data:`ROUNDS` rounds.

    Notes
    -----
    Threads of one process take a lock; processes rely on the server (see the module
    notes). An equivalent rule under another name (created by hand) counts as present.
    """
    key = (store.uri, store.database)
    if key in SCHEMA_DONE:
        return
    with SCHEMA_LOCK:
        if key in SCHEMA_DONE:
            return
        wanted = cypher.schema_statements()
        try:
            with store.session() as session:
                equivalent: set[str] = set()
                for _ in range(ROUNDS):
                    missing = set(wanted) - session.execute_read(_names) - equivalent
                    if not missing:
                        break
                    for name in sorted(missing):
                        if _create(session, wanted[name]):
                            equivalent.add(name)
                else:
                    left = ", ".join(sorted(missing))
                    raise BackendError(f"Neo4j {store.uri}：{ROUNDS} 轮后仍缺少约束或索引 {left}")
                session.execute_read(_await_indexes)
        except (Neo4jError, DriverError) as exc:
            raise BackendError(f"无法在 Neo4j {store.uri} 建立约束和索引：{exc}") from exc
        SCHEMA_DONE.add(key)
