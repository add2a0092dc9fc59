"""Benchmark: wall time and peak memory of loading a large company table with the CLI.

Usage: ``.venv/bin/python bench/table_memory.py [--rows N] [--stage cli|read]``.

Writes a CSV of ``N`` distinct companies (default 10^6; name, USCC, industry, region
code, address, registered capital in 万元, founding date) into a temporary folder and
runs ``zhaoshang load table FILE --kind company --graph G`` in a child process, as a
user would. Prints the child's wall time and peak resident set (``wait4`` rusage)
beside the figures measured on the main branch before the streaming readers.

``--stage read`` runs only the readers (file → rows, header found) in the child;
``--stage no-store`` the whole loader (rows → records, the company index, the report)
into a store that keeps nothing. Side by side they tell what part of the peak the
readers, the loader and the store take.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from resolve.codes import uscc_check_char

#: Measured on main (commit 1e97115) with this script, 2 shared cores: rows → (s, MiB).
MAIN: dict[int, tuple[float, float]] = {100_000: (76.8, 1891), 1_000_000: (1200.5, 17240)}

_INDUSTRIES = ("软件开发", "专用设备制造", "化学原料", "汽车零部件", "医药制造", "新材料")
_READ_ONLY = """
import sys
from pathlib import Path
from loaders.office.mapping import find_table
from loaders.office.readers import read_workbook
rows = 0
with read_workbook(Path(sys.argv[1])) as book:
    for sheet in book.sheets:
        table = find_table(sheet)
        rows += sum(1 for _ in table.rows) if table else 0
print(rows, "data rows read")
"""
_NO_STORE = """
import sys
from pathlib import Path
from graph.store import UpsertCounts
from resolve.index import CompanyIndex
from loaders.office.table_loader import load_table

class Discard:  # takes every batch, keeps nothing: the loader's own memory
    def upsert_nodes(self, nodes): return UpsertCounts(len(list(nodes)), 0)
    def upsert_relations(self, rels): return UpsertCounts(len(list(rels)), 0)
    def get_node(self, node_id): return None
    def nodes(self, kind=None): return iter(())

report = load_table(Path(sys.argv[1]), Discard(), CompanyIndex(), kind="company")
print(report.summary())
"""


def write_table(path: Path, rows: int) -> None:
    """Write ``rows`` distinct companies as a UTF-8 CSV (header + one line per firm)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(
            "企业名称,统一社会信用代码,所属行业,行政区划代码,注册地址,注册资本（万元）,成立日期\n"
        )
        for i in range(rows):
            body = f"91370200MA{i:07d}"
            uscc = body + uscc_check_char(body)
            industry = _INDUSTRIES[i % len(_INDUSTRIES)]
            region = f"3702{(i % 12) + 1:02d}"
            fh.write(
                f"青岛测试{i:07d}科技有限公司,{uscc},{industry},{region},"
                f"青岛市测试路{i % 997}号,{100 + i % 5000},20{i % 24:02d}-0{1 + i % 9}-1{i % 10}\n"
            )


def run_child(argv: list[str]) -> tuple[float, float, int, str]:
    """Run ``argv``; return wall seconds, peak RSS MiB, exit code and the last output lines."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    output = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    tail = "\n".join(output.strip().splitlines()[-4:])
    return wall, usage.ru_maxrss / 1024, proc.returncode, tail


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--stage", choices=("cli", "read", "no-store"), default="cli")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "企业名录.csv"
        started = time.perf_counter()
        write_table(table, args.rows)
        size = table.stat().st_size / 2**20
        print(f"wrote {args.rows:,} rows ({size:.0f} MiB) in {time.perf_counter() - started:.1f} s")
        if args.stage == "read":
            argv = [sys.executable, "-c", _READ_ONLY, str(table)]
        elif args.stage == "no-store":
            argv = [sys.executable, "-c", _NO_STORE, str(table)]
        else:
            zhaoshang = Path(sys.executable).with_name("zhaoshang")
            graph = Path(tmp) / "bench.zsg"
            argv = [str(zhaoshang), "load", "table", str(table), "--kind", "company"]
            argv += ["--graph", str(graph)]
        wall, peak, code, tail = run_child(argv)
        print(tail)
        print(f"\n{'':<22}{'wall s':>10}{'peak MiB':>10}")
        if args.stage == "cli" and args.rows in MAIN:
            main_s, main_mib = MAIN[args.rows]
            print(f"{'main (before)':<22}{main_s:>10.1f}{main_mib:>10.0f}")
        print(f"{'this branch, ' + args.stage:<22}{wall:>10.1f}{peak:>10.0f}   (exit {code})")


if __name__ == "__main__":
    main()
