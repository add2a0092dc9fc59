"""What the browser tests share: Debian's chromium, a uvicorn server, the screenshot folder.

Playwright drives the system chromium (``make browser`` installs it; CI does); without
it a browser test skips, or fails when ``ZHAOSHANG_REQUIRE_BROWSER=1`` (set by
``.ci/run``).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI


def chromium_path() -> str | None:
    """Debian's chromium binary (the real one behind the /usr/bin wrapper), if installed."""
    for candidate in ("/usr/lib/chromium/chromium", shutil.which("chromium") or ""):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def chromium_or_skip() -> str:
    """The chromium binary; skips the test (fails in CI) when there is none."""
    executable = chromium_path()
    if executable is None:
        reason = "no chromium found: install Debian's package (make browser)"
        if os.environ.get("ZHAOSHANG_REQUIRE_BROWSER") == "1":  # set by .ci/run
            pytest.fail(reason)
        pytest.skip(reason)
    return executable


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` on a free local port in a thread; yields its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # start-up warms the search snapshot
    while not running.started:
        assert thread.is_alive(), "the server stopped while starting"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(10)


def screenshot_folder(default: Path, name: str = "") -> Path:
    """Where screenshots go: ``ZHAOSHANG_SCREENSHOTS`` or ``default``, then ``name``;
    created."""
    folder = Path(os.environ.get("ZHAOSHANG_SCREENSHOTS") or default) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
