"""One Neo4j driver per process and connection, shared by every :class:`Neo4jStore`."""

from __future__ import annotations

import atexit
import os
import threading

from neo4j import Driver, GraphDatabase

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_DATABASE = "neo4j"

# -- one driver per process ---------------------------------------------------------
_DRIVERS: dict[tuple[str, str | None, str | None], Driver] = {}
_DRIVERS_PID = os.getpid()
_DRIVERS_LOCK = threading.Lock()
#: (uri, database) pairs whose constraints and indexes exist (see Neo4jStore.ensure_schema).
SCHEMA_DONE: set[tuple[str, str]] = set()
#: Held while a thread of this process creates the schema (see graph.neo4j_schema).
SCHEMA_LOCK = threading.Lock()


def get_driver(uri: str, user: str | None = None, password: str | None = None) -> Driver:
    """Return the process's driver for ``uri`` and credentials, creating it once.

    Parameters
    ----------
    uri : str
        ``bolt://`` or ``neo4j://`` (routing) URI.
    user, password : str, optional
        Basic-auth credentials; no authentication when both are None.

    Returns
    -------
    neo4j.Driver
        Shared by every caller in this process (thread-safe); a forked child gets its
        own. Closed at interpreter exit or by :func:`close_drivers`.
    """
    global _DRIVERS_PID
    with _DRIVERS_LOCK:
        if os.getpid() != _DRIVERS_PID:  # forked: the parent's sockets are not ours
            _DRIVERS.clear()
            SCHEMA_DONE.clear()
            _DRIVERS_PID = os.getpid()
        key = (uri, user, password)
        driver = _DRIVERS.get(key)
        if driver is None:
            auth = (user or "", password or "") if user or password else None
            driver = GraphDatabase.driver(
                uri,
                auth=auth,
                notifications_min_severity="OFF",
                # concurrent MERGEs of one new id deadlock by design (both take the
                # shared index lock, both want it exclusive); the driver retries them
                # with backoff 1, 2, 4 … s: allow a few more rounds than the default 30 s
                max_transaction_retry_time=120.0,
            )
            _DRIVERS[key] = driver
        return driver


def close_drivers() -> None:
    """Close every driver of this process (the next store opens a new one)."""
    with _DRIVERS_LOCK:
        for driver in _DRIVERS.values():
            driver.close()
        _DRIVERS.clear()
        SCHEMA_DONE.clear()


atexit.register(close_drivers)
