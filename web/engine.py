"""The graph kept warm in the server: one store, its snapshot contexts, name keys.

The embedded store holds one SQLite connection that may only be used by the thread
that opened it, so every read runs on one reader thread (:meth:`Engine.read`), and
every load on one writer thread (:meth:`Engine.write`, its own connection through
:func:`cli.common.loading`). Before each read the engine compares the store's revision
with the one its caches were made for; a load (from the browser or from an officer's
CLI) raises the revision and the next read rebuilds what it needs: the search contexts
per (home region, private, date) and the firm-name keys.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from graph.schema import NodeKind, Region
from graph.sqlite_store import SqliteStore
from graph.store import open_store
from queries.attribution import RewardRules
from queries.clusters import ClusterFile, read_clusters
from queries.paths import SearchContext
from resolve.divisions import Division, resolve_region
from web.suggest import FirmNames

T = TypeVar("T")
#: The home region when the cluster file names none (山东省), as in the CLI.
DEFAULT_HOME = "37"


class Engine:
    """The server's warm view of one graph database.

    Parameters
    ----------
    graph : Path
        The embedded store's database file (created empty when missing).
    clusters : Path, optional
        Cluster file (default: the packaged 山东省 十强产业).
    rules : Path, optional
        The reward scheme (奖励办法, TOML) of the attribution page (``attribution
        --rules``); without it no reward is computed.

    Raises
    ------
    LoadError
        When the rules file cannot be read or is not a valid scheme.
    """

    def __init__(
        self, graph: Path, clusters: Path | None = None, rules: Path | None = None
    ) -> None:
        self.graph = graph
        self.rules: RewardRules | None = RewardRules.load(rules) if rules else None
        self.cluster_file: ClusterFile = read_clusters(clusters)
        self.home = self.cluster_file.home_region or DEFAULT_HOME
        self._reader = ThreadPoolExecutor(1, thread_name_prefix="zhaoshang-read")
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="zhaoshang-write")
        self._store: SqliteStore | None = None
        self._revision = -1
        self._contexts: dict[tuple[str, bool, dt.date], SearchContext] = {}
        self._names: FirmNames | None = None
        self._memo: dict[object, Any] = {}

    # -- threads ----------------------------------------------------------------------
    async def read(self, func: Callable[..., T], *args: Any) -> T:
        """Run ``func(engine, store, *args)`` on the reader thread and await its result."""
        loop = asyncio.get_running_loop()
        call = functools.partial(self._read, func, *args)
        return await loop.run_in_executor(self._reader, call)

    async def write(self, func: Callable[..., T], *args: Any) -> T:
        """Run ``func(*args)`` on the writer thread (loads: one at a time)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, functools.partial(func, *args))

    def _read(self, func: Callable[..., T], *args: Any) -> T:
        return func(self, self.current(), *args)

    def close(self) -> None:
        """Stop the threads and close the store."""

        def shut() -> None:
            if self._store is not None:
                self._store.close()
                self._store = None

        self._reader.submit(shut).result()
        self._reader.shutdown()
        self._writer.shutdown()

    # -- caches (reader thread only) --------------------------------------------------
    def current(self) -> SqliteStore:
        """The open store, caches dropped when its revision moved (reader thread)."""
        if self._store is None:
            self._store = open_store(self.graph)
        revision = self._store.revision
        if revision != self._revision:
            self._contexts.clear()
            self._names = None
            self._memo.clear()
            self._revision = revision
        return self._store

    @property
    def revision(self) -> int:
        """The revision the caches were made for (-1 before the first read)."""
        return self._revision

    def context(self, home: str, include_private: bool) -> SearchContext:
        """The search context of ``home`` (today's decay date), built once per revision."""
        key = (home, include_private, dt.date.today())
        if key not in self._contexts:
            store = self.current()
            self._contexts[key] = SearchContext.build(
                store, home, as_of=key[2], include_private=include_private
            )
        return self._contexts[key]

    def names(self) -> FirmNames:
        """The firm-name keys of the current revision."""
        store = self.current()
        if self._names is None:
            self._names = FirmNames(store)
        return self._names

    def memo(self, key: object, build: Callable[[], T]) -> T:
        """``build()``, computed once per revision and ``key`` (reader thread)."""
        self.current()
        if key not in self._memo:
            self._memo[key] = build()
        value: T = self._memo[key]
        return value

    def region(self, text: str | None) -> Division:
        """Read a home region (GB/T 2260 code or name; None: the cluster file's).

        Raises
        ------
        UsageError
            When the region is unknown or ambiguous (``candidates``: close divisions).
        """
        store = self.current()
        extra = self.memo(
            "regions",
            lambda: [
                (n.code, n.name) for n in store.nodes(NodeKind.REGION) if isinstance(n, Region)
            ],
        )
        return resolve_region(text or self.home, extra)

    def warm(self) -> None:
        """Open the store and build what the first questions need (run at start-up)."""
        self.names()
        for private in (False, True):
            self.context(self.home, private)
