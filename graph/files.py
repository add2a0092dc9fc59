"""File helpers: atomic writes, and reading the text files a user names.

An atomic write goes to a temporary file in the target folder, fsync, then replace: a
crash or a full disk leaves the previous file intact, never a half-written one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

from graph.errors import BackendError, LoadError


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
        tmp = _new_temp_file(path)
    except OSError as exc:
        raise BackendError(f"无法写入 {path}（{os_reason(exc)}）") from exc
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BackendError(f"无法写入 {path}（{os_reason(exc)}）") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _new_temp_file(path: Path) -> str:
    """Create an empty temporary file beside ``path`` with the mode ``path`` will have.

    That is the mode of the file it replaces, or for a new file ``0666`` less the
    user's umask (what ``open`` gives): :func:`tempfile.mkstemp`'s ``0600`` would make
    every export and log unreadable to the other officers of a shared folder.
    """
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}{path.suffix}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        try:
            with contextlib.suppress(FileNotFoundError):
                os.fchmod(fd, stat.S_IMODE(os.stat(path).st_mode))
        finally:
            os.close(fd)
        return str(tmp)
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path.parent))


def write_bytes_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`write_atomically`)."""
    return write_atomically(path, lambda tmp: Path(tmp).write_bytes(data))


_OS_REASONS = {
    errno.ENOENT: "不存在",
    errno.EACCES: "没有访问权限",
    errno.EPERM: "没有访问权限",
    errno.EISDIR: "是文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "位于只读文件系统",
    errno.ENAMETOOLONG: "路径太长",
    errno.EEXIST: "已存在",
    errno.EBUSY: "正被占用",
}


def describe_os_error(exc: OSError) -> str:
    """Say in Chinese what went wrong with a file, naming it: ``"x.toml：不存在"``.

    Parameters
    ----------
    exc : OSError
        As raised by ``open``, ``Path.read_text``, ``os.replace`` …

    Returns
    -------
    str
        ``"<file>：<reason>"``; the reason is the system's own text for errno values
        without a Chinese wording.
    """
    reason = os_reason(exc)
    return f"{exc.filename}：{reason}" if exc.filename else f"文件读写失败：{reason}"


def os_reason(exc: OSError) -> str:
    """The reason of ``exc`` in Chinese (the system's text for an errno not worded here)."""
    return _OS_REASONS.get(exc.errno or -1) or exc.strerror or str(exc)


def read_user_text(path: Path, what: str, encoding: str = "utf-8") -> str:
    """Read a text file the user named (a cluster, profile, tie or mapping file).

    Parameters
    ----------
    path : Path
    what : str
        What the file is, in Chinese, for the message (``"集群文件"``).
    encoding : str
        ``utf-8`` by default; ``utf-8-sig`` also drops a byte-order mark.

    Returns
    -------
    str

    Raises
    ------
    LoadError
        When the file is missing, a folder, unreadable or not text in ``encoding``;
        the message names ``what`` and the path.
    """
    try:
        return path.read_text(encoding)
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(path)
        raise LoadError(f"{what} {describe_os_error(exc)}") from exc
    except UnicodeDecodeError as exc:
        raise LoadError(f"{what} {path}：不是 UTF-8 文本（第 {exc.start + 1} 个字节）") from exc


def remove_store_files(path: Path) -> None:
    """Delete a database file with its WAL, shared-memory file and search snapshots."""
    for side in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if side.is_dir():
            shutil.rmtree(side, ignore_errors=True)
        else:
            side.unlink(missing_ok=True)
    shutil.rmtree(Path(f"{path}.snapshot"), ignore_errors=True)
