"""Shared fixtures: the real public data folder and a store loaded from it once; the
Neo4j test server and the ``backend`` parameter that runs query tests on both stores.

The Neo4j store connects to ``NEO4J_URI`` (default ``bolt://127.0.0.1:7687``, the
server of ``make neo4j-start``) and deletes everything in that database before use. It
skips when no server answers, or fails with ``ZHAOSHANG_REQUIRE_NEO4J=1`` (set by
``.ci/run``). It refuses a server that is not on this machine unless
``ZHAOSHANG_NEO4J_ALLOW_CLEAR=1``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

import tests.builders as builders
from graph.errors import BackendError
from graph.neo4j_store import DEFAULT_URI, Neo4jStore
from graph.sqlite_store import SqliteStore
from graph.store import Store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def public_data_dir() -> Path | None:
    """Return the public data folder, or None when it is absent.

    ``ZHAOSHANG_PUBLIC_DATA`` names it; the default is ``../shared/data`` beside the
    repository. With ``ZHAOSHANG_REQUIRE_PUBLIC_DATA=1`` (set by ``.ci/run``) an absent
    folder fails the tests instead of skipping them.
    """
    path = Path(os.environ.get("ZHAOSHANG_PUBLIC_DATA", ROOT.parent / "shared" / "data"))
    return path if (path / "chain-kg").is_dir() else None


@pytest.fixture(scope="session")
def public_data() -> Path:
    """The real public data folder; skips (or fails in CI) when absent."""
    path = public_data_dir()
    if path is None:
        reason = (
            "public data not found: set ZHAOSHANG_PUBLIC_DATA to the folder holding "
            "chain-kg/, executives-2018/, a-share-2025/, ickg25/, finre/, rankings/"
        )
        if os.environ.get("ZHAOSHANG_REQUIRE_PUBLIC_DATA") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def public_store(public_data: Path, tmp_path_factory: pytest.TempPathFactory) -> SqliteStore:
    """The whole public data loaded once per test session, saved to a temporary file
    with its resolution log beside it, as ``zhaoshang load public`` leaves them.

    Shared by every real-data test: treat it as read-only (reopen ``.path`` into a new
    :class:`SqliteStore` to get a copy to modify).
    """
    from cli.common import save_resolution
    from loaders.public.load import load_public
    from resolve.decisions import ResolutionLog
    from resolve.index import CompanyIndex

    path = tmp_path_factory.mktemp("public") / "public.db"
    store = SqliteStore(path)
    index = CompanyIndex.from_store(store)
    load_public(public_data, store, index=index)
    save_resolution(path, index, ResolutionLog([], [], []), store)
    store.save()
    return store


def neo4j_store(batch_size: int = 5000) -> Neo4jStore:
    """Connect to the test server, or skip (fail in CI) with the reason."""
    uri = os.environ.get("NEO4J_URI") or DEFAULT_URI
    try:
        store = Neo4jStore(uri=uri, batch_size=batch_size)
    except BackendError as exc:
        reason = f"no Neo4j at {uri}; run `make neo4j-start`"
        if os.environ.get("ZHAOSHANG_REQUIRE_NEO4J") == "1":
            pytest.fail(f"{reason} ({exc})")
        pytest.skip(reason)
    host = urlparse(uri).hostname
    local = host in {"127.0.0.1", "localhost", "::1"}
    if not local and os.environ.get("ZHAOSHANG_NEO4J_ALLOW_CLEAR") != "1":
        pytest.skip(f"the tests wipe the database: set ZHAOSHANG_NEO4J_ALLOW_CLEAR=1 for {uri}")
    return store


@pytest.fixture(params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def empty_store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """An empty store of each backend (the store contract tests run on both)."""
    if request.param == "memory":
        yield SqliteStore(None)
        return
    db = neo4j_store()
    db.clear()
    yield db
    db.clear()


@pytest.fixture(params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run a test once per store: :func:`tests.builders.store_of` builds in that store.

    Use it in a module with ``pytestmark = pytest.mark.usefixtures("backend")``; with
    ``neo4j`` the graph of ``store_of`` lives in the (wiped) test database, so a test
    holds one such graph at a time.
    """
    if request.param == "neo4j":
        db = neo4j_store()

        def empty() -> Neo4jStore:
            db.clear()
            return db

        monkeypatch.setattr(builders, "empty_store", empty)
        yield request.param
        db.clear()
        return
    yield request.param
