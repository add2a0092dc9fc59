"""Open a data folder as a graph, loaded once and cached for later sessions (notebooks).

The cache file's name carries a fingerprint of the data files and of the code that
reads them (schema, resolver, loaders), so a change to either loads afresh.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from graph.files import remove_store_files
from graph.sqlite_store import SqliteStore


def _fingerprint(data_dir: Path) -> str:
    import graph
    import loaders
    import resolve

    h = hashlib.sha256(str(data_dir.resolve()).encode())
    for f in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        st = f.stat()
        h.update(f"{f.relative_to(data_dir)}|{st.st_size}|{st.st_mtime_ns}".encode())
    graph_dir = Path(graph.__file__ or ".").parent
    code = [graph_dir / f for f in ("schema.py", "merge.py", "ids.py", "sqlite_store.py")]
    for package in (resolve, loaders):
        code += sorted(Path(package.__file__ or ".").parent.rglob("*"))
    for f in code:
        if f.suffix in (".py", ".csv", ".toml"):
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def open_graph(data_dir: Path, cache_dir: Path) -> SqliteStore:
    """Load a data folder once and keep the graph in a cache file for later sessions.

    Parameters
    ----------
    data_dir : Path
        The public data (a folder with ``chain-kg/``, loaded with
        :func:`loaders.public.load.load_public`) or a folder of zhaoshang CSV tables such
        as ``examples/demo`` (:func:`loaders.office.csv_folder.load_folder`).
    cache_dir : Path
        Holds ``<folder name>-<fingerprint>.db``. The fingerprint covers the data
        files (names, sizes, modification times) and the loader, resolver and schema
        code, so a changed file or loader is loaded afresh (and older cache files of the
        folder removed).

    Returns
    -------
    SqliteStore
        The loaded graph (saved to its cache file).

    Raises
    ------
    LoadError
        When ``data_dir`` does not exist.
    """
    from graph.errors import LoadError
    from loaders.office.csv_folder import load_folder
    from loaders.public.load import load_public
    from resolve.index import CompanyIndex

    if not data_dir.is_dir():
        raise LoadError(f"{data_dir}：没有这个数据文件夹")
    path = cache_dir / f"{data_dir.name}-{_fingerprint(data_dir)}.db"
    store = SqliteStore(path)
    if store.revision > 0:  # a committed load (an interrupted one left revision 0)
        return store
    if (data_dir / "chain-kg").is_dir():
        load_public(data_dir, store)
    else:
        load_folder(data_dir, store, CompanyIndex.from_store(store))
    store.save()
    for stale in cache_dir.glob(f"{data_dir.name}-*"):
        if not stale.name.startswith(path.name):
            remove_store_files(stale)
    return store
