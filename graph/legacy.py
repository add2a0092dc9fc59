"""Import of the first embedded format: the gzip JSON-lines ``.zsg`` graph file.

Until version 0.1 the embedded store was a networkx graph saved as one gzip file: a
header line ``{"format": "zhaoshang-graph", "version": 1}``, then one ``{"n": …}`` or
``{"r": …}`` line per node or relation. :func:`open_store` (in :mod:`graph.store`)
converts such a file in place, once: the records go into a new SQLite database in
one transaction, the old file is kept as ``<name>.v1.bak`` and the database takes its
path, so every command and script naming the file goes on working.
"""

from __future__ import annotations

import gzip
import itertools
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from graph.errors import BackendError

if TYPE_CHECKING:
    from graph.prepared import Batch

FORMAT = "zhaoshang-graph"
VERSION = 1
GZIP_MAGIC = b"\x1f\x8b"
#: Records per batch sent to the store.
BATCH = 5000


def is_legacy_file(path: Path) -> bool:
    """True when ``path`` is a gzip file (the first embedded format)."""
    try:
        with path.open("rb") as fh:
            return fh.read(2) == GZIP_MAGIC
    except OSError:
        return False


def read_legacy(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``("n", node dict)`` then ``("r", relation dict)`` records of a ``.zsg`` file.

    Raises
    ------
    BackendError
        When the file is not a zhaoshang graph file of a known version, or is damaged.
    """
    try:
        with gzip.open(path, "rb") as fh:
            header = orjson.loads(fh.readline())
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise BackendError(f"{path}：不是 zhaoshang 图谱文件")
            if header.get("version") != VERSION:
                raise BackendError(f"{path}：图谱文件版本 {header.get('version')} 无法识别")
            for line in fh:
                if line.strip():
                    rec = orjson.loads(line)
                    yield ("n", rec["n"]) if "n" in rec else ("r", rec["r"])
    except (OSError, EOFError, orjson.JSONDecodeError, KeyError) as exc:
        raise BackendError(f"{path}：图谱文件无法读取（{exc}）") from exc


def _batches(path: Path) -> Iterator[Batch]:
    """The validated records of a ``.zsg`` file in batches of :data:`BATCH`, nodes first;
    a relation whose endpoint the file does not hold is left out and counted in a notice.

    Raises
    ------
    BackendError, SchemaError
        When the file cannot be read, or a record is not valid.
    """
    from graph.schema import parse_node, parse_relation

    known: set[str] = set()
    dropped = 0
    for kind, group in itertools.groupby(read_legacy(path), key=lambda t: t[0]):
        records = (d for _, d in group)
        while batch := list(itertools.islice(records, BATCH)):
            if kind == "n":
                nodes = [parse_node(d) for d in batch]
                known.update(n.id for n in nodes)
                yield "nodes", nodes
                continue
            keep = [d for d in batch if d["src"] in known and d["dst"] in known]
            dropped += len(batch) - len(keep)
            yield "relations", [parse_relation(d) for d in keep]
    if dropped:
        yield "notice", f"{path}：{dropped} 条关系指向不存在的节点，未导入"


def convert_in_place(path: Path) -> Path:
    """Convert a ``.zsg`` file into the SQLite store at the same path; return the backup.

    The records are validated and written in one transaction into a temporary
    database beside the file (read, validated and prepared in a child process while
    this one writes: :func:`graph.prepared.load_in_background`); only then is the old
    file renamed to ``<name>.v1.bak`` and the database moved to ``path``. A failure
    leaves the old file untouched. A message on stderr says what happened.

    Raises
    ------
    BackendError
        When the old file cannot be read or the folder is not writable.
    """
    from graph.prepared import load_in_background
    from graph.sqlite_store import SqliteStore

    tmp = path.with_name(f".{path.name}.importing")
    backup = path.with_name(f"{path.name}.v1.bak")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    print(f"{path}：旧格式图谱文件，正在一次性转换为新的数据库格式…", file=sys.stderr, flush=True)
    store = SqliteStore(tmp)
    try:
        load_in_background(store, lambda: _batches(path))
        store.save()
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        os.replace(path, backup)
        os.replace(tmp, path)
    except BaseException:
        store.close()
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    for side in (Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        side.unlink(missing_ok=True)
    print(f"{path}：转换完成，旧文件保存为 {backup.name}", file=sys.stderr, flush=True)
    return backup
