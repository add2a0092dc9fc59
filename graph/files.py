"""Atomic file writes: a temporary file in the target folder, fsync, then replace.

A crash or a full disk leaves the previous file intact, never a half-written one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from graph.errors import BackendError


def write_atomically(path: Path, write: Callable[[str], object]) -> Path:
    """Have ``write(temp_path)`` fill a temporary file, then move it onto ``path``.

    Parameters
    ----------
    path : Path
        Target file; its folder is created if missing.
    write : callable
        Writes the whole content to the path it is given (e.g. ``Workbook.save``).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    BackendError
        When the folder cannot be created or the file cannot be written (names it).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise BackendError(f"{path}: cannot write ({exc})") from exc
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BackendError(f"{path}: cannot write ({exc})") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_bytes_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`write_atomically`)."""
    return write_atomically(path, lambda tmp: Path(tmp).write_bytes(data))
