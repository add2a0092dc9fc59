"""Benchmark: k=5 referral paths, ours (CSR + backwards A*-guided Yen) vs networkx.

Usage::

    .venv/bin/python bench/paths.py [--sizes real,100000,1000000] [--targets 100]
        [--baseline-sample real=3,100000=3,1000000=2] [--baseline-cap 30]
        [--graph FILE.db]

Graphs: the real public data (read from ``--graph``, a saved embedded store, or loaded
from ``../shared/data``), and a seeded synthetic generator with ~5 ties per node and a
heavy-tailed degree (a quarter of the tie ends drawn from a Zipf law, the rest
uniform), strengths drawn from the tie model's defaults, 3% of the nodes on our side
and 0.5% tagged as state bodies (pass-through 0.25).

For each graph: build time and peak memory (``resource.getrusage``) of our array
copy, then median and p95 latency of k=5, max_hops=4 for ``--targets`` random targets
(seeded; non-local nodes within 4 hops of our side), then the same targets with
``networkx.shortest_simple_paths`` (Yen, bidirectional Dijkstra spurs) from a virtual
source joined to every our-side node, keeping paths of at most 4 hops. The answers are
checked equal (the cost sequences to 1e-9; node sequences compared and counted).
networkx takes seconds to minutes per target, so it runs on the first targets of the
same list only (``--baseline-sample``, per graph) with a per-target time cap
(``--baseline-cap`` s); a capped target counts at the cap, so the speed-up is then a
lower bound. The speed-up compares medians over the baseline's targets.
"""

from __future__ import annotations

import argparse
import itertools
import math
import resource
import signal
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import networkx as nx
import numpy as np

from queries.csr import CsrGraph, dedupe_edges
from queries.ties import TieModel
from queries.yen import Deadline, k_shortest

K, MAX_HOPS = 5, 4
STRENGTHS = np.array([0.9, 0.85, 0.8, 0.7, 0.6, 0.55, 0.5, 0.45, 0.4, 0.35])
WEIGHTS = np.array([0.05, 0.08, 0.05, 0.2, 0.15, 0.1, 0.15, 0.1, 0.07, 0.05])


def peak_mib() -> float:
    """Peak resident set size of this process so far, MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic(n: int, seed: int = 5) -> CsrGraph:
    """A seeded synthetic tie graph of ``n`` nodes and about ``5 n`` ties."""
    rng = np.random.default_rng(seed)
    model = TieModel.load()
    m = 5 * n
    src = rng.integers(0, n, m)
    zipf = rng.random(m) < 0.25
    ranks = np.minimum(rng.zipf(1.6, m) - 1, n - 1)
    dst = np.where(zipf, rng.permutation(n)[ranks], rng.integers(0, n, m))
    strength = rng.choice(STRENGTHS, m, p=WEIGHTS / WEIGHTS.sum())
    strength = strength * np.where(rng.random(m) < 0.2, 0.8, 1.0)
    rel = np.arange(m, dtype=np.int64)
    a, b, _, _ = dedupe_edges(src, dst, strength, rel)
    degree = np.bincount(a, minlength=n) + np.bincount(b, minlength=n)
    ours = rng.random(n) < 0.03
    state = rng.random(n) < 0.005
    limit = model.hub_limit(degree.tolist())
    factor = np.where(
        degree > limit,
        (limit / np.maximum(degree, 1)) ** model.hub_exponent,
        1.0,
    ) * np.where(state, model.pass_through["政府机构"], 1.0)
    leave = np.where(ours, 0.0, -np.log(factor))
    ids = [f"N{i:07d}" for i in range(n)]
    rel_ids = [f"R{j:08d}" for j in range(m)]
    return CsrGraph.from_edges(ids, src, dst, strength, rel, rel_ids, leave, ours)


def real(graph_file: Path | None) -> CsrGraph:
    """The array copy of the real public data (home region 37, Shandong)."""
    from graph.sqlite_store import SqliteStore
    from loaders.public.load import load_public
    from queries.paths import SearchContext

    if graph_file is not None and graph_file.exists():
        store = SqliteStore(graph_file)
    else:
        store = SqliteStore(None)
        load_public(Path("../shared/data"), store)
    return SearchContext.build(store, "37").arrays


def targets(g: CsrGraph, count: int, seed: int = 7) -> list[int]:
    """Seeded random non-local targets with a path of at most ``MAX_HOPS`` hops."""
    pool = np.flatnonzero(~g.ours & (g.hops_ours <= MAX_HOPS))
    rng = np.random.default_rng(seed)
    return sorted(rng.choice(pool, min(count, len(pool)), replace=False).tolist())


def to_networkx(g: CsrGraph) -> nx.DiGraph:
    """The same search graph for networkx: source −1 → our side, no step into our side."""
    dg = nx.DiGraph()
    dg.add_edges_from((-1, int(o), {"cost": 0.0}) for o in np.flatnonzero(g.ours))
    rows = np.repeat(np.arange(g.n), np.diff(g.indptr))
    keep = ~g.ours[g.indices]
    cost = g.weight + g.leave[rows]
    dg.add_edges_from(
        (u, v, {"cost": c})
        for u, v, c in zip(
            rows[keep].tolist(), g.indices[keep].tolist(), cost[keep].tolist(), strict=True
        )
    )
    return dg


class _Timeout(Exception):
    pass


@contextmanager
def cap(seconds: float) -> Iterator[None]:
    """Raise :class:`_Timeout` after ``seconds`` of wall clock (SIGALRM)."""

    def fire(signum: int, frame: FrameType | None) -> None:
        raise _Timeout

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def baseline(
    dg: nx.DiGraph, target: int, limit: float, max_hops: int
) -> list[tuple[float, list[int]]] | None:
    """k=5 paths of at most ``max_hops`` hops by networkx Yen; None when capped."""
    found: list[tuple[float, list[int]]] = []
    try:
        with cap(limit):
            for path in nx.shortest_simple_paths(dg, -1, target, weight="cost"):
                if len(path) - 2 <= max_hops:
                    cost = sum(dg.edges[a, b]["cost"] for a, b in itertools.pairwise(path))
                    found.append((cost, path[1:]))
                    if len(found) == K:
                        break
    except _Timeout:
        return None
    except nx.NetworkXNoPath:
        pass
    return found


def _same(got: list[tuple[float, list[int]]], mine: list[tuple[float, list[int]]]) -> bool:
    return [round(c, 9) for c, _ in got] == [round(c, 9) for c, _ in mine]


def pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def run(name: str, g: CsrGraph, build_s: float, n_targets: int, sample: int, limit: float) -> str:
    """Time ours and the baseline on one graph; return the table row."""
    mem = peak_mib()
    chosen = targets(g, n_targets)
    print(f"  {name}: {g.n:,} nodes, built in {build_s:.1f} s", file=sys.stderr, flush=True)
    ours_ms: list[float] = []
    answers: dict[int, list[tuple[float, list[int]]]] = {}
    for t in chosen:
        started = time.perf_counter()
        answers[t] = k_shortest(g, t, K, MAX_HOPS, Deadline(60.0))
        ours_ms.append((time.perf_counter() - started) * 1e3)
    started = time.perf_counter()
    dg = to_networkx(g)
    nx_build = time.perf_counter() - started
    base = chosen if sample <= 0 else chosen[:sample]
    nx_ms: list[float] = []
    free_ours: list[float] = []
    free_nx: list[float] = []
    same = same_free = capped = capped_free = 0
    for t in base:
        started = time.perf_counter()
        got = baseline(dg, t, limit, MAX_HOPS)
        nx_ms.append((time.perf_counter() - started) * 1e3)
        capped += got is None
        same += got is not None and _same(got, answers[t])
        started = time.perf_counter()
        mine = k_shortest(g, t, K, g.n, Deadline(60.0))
        free_ours.append((time.perf_counter() - started) * 1e3)
        started = time.perf_counter()
        got = baseline(dg, t, limit, g.n)
        free_nx.append((time.perf_counter() - started) * 1e3)
        capped_free += got is None
        same_free += got is not None and _same(got, mine)
        print(
            f"  {name} target {g.ids[t]}: networkx {nx_ms[-1]:,.0f} ms (<= {MAX_HOPS} hops), "
            f"unbounded: ours {free_ours[-1]:,.1f} ms, networkx {free_nx[-1]:,.0f} ms",
            file=sys.stderr,
            flush=True,
        )
    med, p95 = statistics.median(ours_ms), pct(ours_ms, 0.95)
    nmed = statistics.median(nx_ms)
    ours_on_base = statistics.median([ours_ms[chosen.index(t)] for t in base])
    fo, fn = statistics.median(free_ours), statistics.median(free_nx)
    # Like for like: a speed-up only from the unbounded runs (networkx has no hop bound),
    # and only when no networkx run hit the cap; a capped side is "> cap", not a ratio.
    free_nx_text = f"> {limit:.0f} s" if capped_free else f"{fn:,.0f}"
    speedup = "— (networkx capped)" if capped_free or not fo else f"{fn / fo:,.0f}×"
    bounded_nx = f"> {limit:.0f} s" if capped else f"{nmed:,.0f}"
    row = (
        f"| {name} | {g.n:,} | {len(g.indices) // 2:,} | {build_s:.1f} | {mem:,.0f} | "
        f"{med:.1f} | {p95:.1f} | {bounded_nx} ({len(base)} targets, {capped} capped, "
        f"{same} same; median of ours on them {ours_on_base:.1f}) | "
        f"{fo:.1f} / {free_nx_text} ({same_free}/{len(base)} same, {capped_free} capped) | "
        f"{speedup} | {nx_build:.0f} s, {peak_mib():,.0f} MiB |"
    )
    print(row, flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="real,100000,1000000")
    parser.add_argument("--targets", type=int, default=100)
    parser.add_argument("--baseline-sample", default="real=3,100000=3,1000000=2")
    parser.add_argument("--baseline-cap", type=float, default=30.0)
    parser.add_argument("--graph", type=Path, default=None)
    args = parser.parse_args()
    print(
        f"| graph | nodes | ties | build s | peak MiB (ours) | ours median ms "
        f"({args.targets} targets) | ours p95 ms | networkx median ms, paths filtered to "
        f"<= {MAX_HOPS} hops | unbounded hops on both sides, median ms: ours / networkx | "
        "speed-up (unbounded, like for like) | networkx build, peak MiB |"
    )
    print("|---" * 11 + "|")
    for size in args.sizes.split(","):
        started = time.perf_counter()
        g = real(args.graph) if size == "real" else synthetic(int(size))
        build_s = time.perf_counter() - started
        samples = dict(item.split("=") for item in args.baseline_sample.split(","))
        sample = int(samples.get(size, 0))
        run(size, g, build_s, args.targets, sample, args.baseline_cap)
        del g


if __name__ == "__main__":
    main()
