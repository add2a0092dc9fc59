"""Benchmark: what an officer feels — whole CLI commands, this version beside the old one.

Each command runs as its own process (``python -c 'from cli.app import main; main()'``),
timed on the wall clock, with its peak resident memory read from ``wait4``. The
baseline is the release before the SQLite store (``--baseline``, default ``1e97115``:
networkx graph in one gzip ``.zsg`` file, tie graph rebuilt per command), exported with
``git archive`` into a temporary folder and run with the same Python, so both sides
answer the same questions on the same data in one run.

Usage::

    .venv/bin/python bench/cli.py public [--data ../shared/data] [--repeat 3]
    .venv/bin/python bench/cli.py synthetic [--nodes 1000000] [--cap 600]

``public`` loads the real public data into both formats, then times ``--version``,
``info``, ``introduce 三一重工 --home 37``, ``targets --cluster 高端装备 -n 50`` and
``export --cluster all``; the first question after a load also builds the search
snapshot and is reported on its own line. ``synthetic`` writes the seeded 10^6-node graph of
``bench/synthetic_store.py`` through the store (load time and peak memory), then
times ``info``, ``introduce`` (first, building the snapshot, and again cold) and
``targets -n 50``. A baseline run that reaches ``--cap`` seconds is killed and
reported as "> cap", never turned into a ratio.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The console entry point of a code tree (``cli/entry.py`` since the SQLite store).
ENTRY = "import importlib.util as u; m = 'cli.entry' if u.find_spec('cli.entry') else 'cli.app'; "
CLI = ENTRY + "__import__(m, fromlist=['main']).main()"


Result = tuple[float, float, int, float]


def run(code_dir: Path, args: list[str], cap: float) -> Result | None:
    """Run the CLI of ``code_dir``; return (seconds, peak MiB, exit code, CPU seconds:
    user + system) or None at cap."""
    env = {**os.environ, "PYTHONPATH": str(code_dir), "COLUMNS": "120"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, *args],
        cwd=code_dir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = started + cap
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            return None
        time.sleep(0.005)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0 and proc.stderr is not None:
        print(f"  ! {' '.join(args[:2])}: {proc.stderr.read().decode()[-300:]}", file=sys.stderr)
    return seconds, usage.ru_maxrss / 1024, code, usage.ru_utime + usage.ru_stime


def baseline_tree(rev: str, into: Path) -> Path:
    """Export the baseline revision's files into ``into`` (``git archive``)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev], check=True, capture_output=True
    ).stdout
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def fmt(result: Result | None, cap: float) -> str:
    if result is None:
        return f"> {cap:.0f} s".rjust(26)
    return f"{result[0]:8.2f} s {result[3]:6.1f} s {result[1]:6.0f} MiB"


def row(
    name: str,
    new: Result | None,
    old: Result | None,
    cap: float,
) -> None:
    ratio = "—"
    if new is not None and old is not None:
        ratio = f"{old[0] / new[0]:.1f}×"
    elif old is None:
        ratio = "— (baseline capped)"
    print(f"{name:<34}{fmt(new, cap):>28}{fmt(old, cap):>28}   {ratio}", flush=True)


def median(code_dir: Path, args: list[str], repeat: int, cap: float) -> Result | None:
    runs = [run(code_dir, args, cap) for _ in range(repeat)]
    if any(r is None for r in runs):
        return None
    done = [r for r in runs if r is not None]
    return (
        statistics.median(r[0] for r in done),
        max(r[1] for r in done),
        done[0][2],
        statistics.median(r[3] for r in done),
    )


def header() -> None:
    print(
        f"{'command (wall, CPU, peak RSS)':<34}{'this version':>28}{'baseline .zsg':>28}   speed-up"
    )


def public(args: argparse.Namespace) -> None:
    data = args.data.resolve()
    clusters = str(ROOT / "queries" / "data" / "shandong.toml")  # both trees read this one
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        old_dir = baseline_tree(args.baseline, (tmp / "baseline").resolve())
        new_db, old_db = tmp / "new.db", tmp / "old.zsg"
        header()
        row(
            "load public",
            run(ROOT, ["load", "public", str(data), "--graph", str(new_db)], args.cap),
            run(old_dir, ["load", "public", str(data), "--graph", str(old_db)], args.cap),
            args.cap,
        )
        intro = ["introduce", "三一重工", "--home", "37", "-k", "5"]
        first = run(ROOT, [*intro, "--graph", str(new_db)], args.cap)
        print(f"{'first question (builds snapshot)':<34}{fmt(first, args.cap):>28}", flush=True)
        commands = {
            "--version": ["--version"],
            "info": ["info"],
            "introduce 三一重工 --home 37": intro,
            "targets 高端装备 -n 50": [
                "targets",
                "--cluster",
                "高端装备",
                "--clusters",
                clusters,
                "--home",
                "37",
                "-n",
                "50",
            ],
            "export --cluster all": [
                "export",
                "--cluster",
                "all",
                "--clusters",
                clusters,
                "--home",
                "37",
                "--out",
                str(tmp / "x.xlsx"),
            ],
        }
        for name, cmd in commands.items():
            graph_new = [] if name == "--version" else ["--graph", str(new_db)]
            graph_old = [] if name == "--version" else ["--graph", str(old_db)]
            new = median(ROOT, [*cmd, *graph_new], args.repeat, args.cap)
            old = median(old_dir, [*cmd, *graph_old], 1, args.cap)
            row(name, new, old, args.cap)


def synthetic(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.synthetic_store import cluster_toml

    n = args.nodes
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        old_dir = baseline_tree(args.baseline, (tmp / "baseline").resolve())
        db, zsg = tmp / "big.db", tmp / "big.zsg"
        clusters = tmp / "clusters.toml"
        clusters.write_text(cluster_toml(), "utf-8")
        started = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        gen = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "synthetic_store.py"), str(n), str(db)],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=True,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        seconds, peak = (float(x) for x in gen.stdout.split())
        print(
            f"{n:,} nodes, ~{5 * n:,} ties: load through the store {seconds:.1f} s, "
            f"peak {peak:.0f} MiB (wall with start-up {time.perf_counter() - started:.1f} s, "
            f"CPU {cpu:.1f} s)"
        )
        if args.cap > 0:
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "bench" / "synthetic_store.py"),
                    str(n),
                    str(db),
                    "--zsg",
                    str(zsg),
                ],
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                check=True,
            )
        header()
        target = "Company:S0000010"
        intro = ["introduce", target, "--home", "37", "-k", "5"]
        first = run(ROOT, [*intro, "--graph", str(db)], 3600)
        print(f"{'introduce (first: builds snapshot)':<34}{fmt(first, 3600):>28}", flush=True)
        commands = {
            "info": ["info"],
            "introduce (cold CLI)": intro,
            "targets 合成集群 -n 50": [
                "targets",
                "--cluster",
                "合成集群",
                "--clusters",
                str(clusters),
                "--home",
                "37",
                "-n",
                "50",
            ],
        }
        for name, cmd in commands.items():
            new = run(ROOT, [*cmd, "--graph", str(db)], 3600)
            old = run(old_dir, [*cmd, "--graph", str(zsg)], args.cap) if args.cap > 0 else None
            row(name, new, old, args.cap)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["public", "synthetic"])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--baseline", default="1e97115")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--cap", type=float, default=600.0, help="seconds per baseline command")
    args = parser.parse_args()
    public(args) if args.mode == "public" else synthetic(args)


if __name__ == "__main__":
    main()
