"""Shared fixtures: the real public data folder and a store loaded from it once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph.memory import MemoryStore

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
def public_store(public_data: Path, tmp_path_factory: pytest.TempPathFactory) -> MemoryStore:
    """The whole public data loaded once per test session, saved to a temporary file.

    Shared by every real-data test: treat it as read-only (reopen ``.path`` into a new
    :class:`MemoryStore` to get a copy to modify).
    """
    from loaders.public import load_public

    store = MemoryStore(tmp_path_factory.mktemp("public") / "public.zsg")
    load_public(public_data, store)
    store.save()
    return store
