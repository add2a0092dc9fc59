"""Benchmark: full load of the public data, then save and reopen; time and peak memory.

Usage: ``.venv/bin/python bench/load.py [DATA_DIR]`` (default ``../shared/data``).
Prints one line per dataset (seconds, records written) and, side by side, the
embedded store's save and reopen times and the process's peak resident memory.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from graph.sqlite_store import SqliteStore
from loaders.public.load import DATASETS
from resolve.index import CompanyIndex


def peak_mib() -> float:
    """Peak resident set size of this process so far, MiB (Linux ru_maxrss is KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(root: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        store = SqliteStore(path)
        index = CompanyIndex()
        total = time.perf_counter()
        print(f"{'dataset':<18}{'seconds':>9}{'nodes':>10}{'relations':>11}{'issues':>8}")
        for name, loader in DATASETS:
            started = time.perf_counter()
            report = loader(root / name, store, index)
            print(
                f"{name:<18}{time.perf_counter() - started:>9.2f}{report.nodes_written:>10}"
                f"{report.relations_written:>11}{len(report.issues):>8}"
            )
        load_s = time.perf_counter() - total
        started = time.perf_counter()
        store.save()
        save_s = time.perf_counter() - started
        started = time.perf_counter()
        reopened = SqliteStore(path)
        open_s = time.perf_counter() - started
        nodes = sum(reopened.count_nodes().values())
        rels = sum(reopened.count_relations().values())
        size = path.stat().st_size / 2**20
        print(f"\nload {load_s:.1f} s | save {save_s:.1f} s | reopen {open_s:.1f} s")
        print(f"{nodes:,} nodes, {rels:,} relations, file {size:.1f} MiB")
        print(f"peak memory {peak_mib():.0f} MiB")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data"))
