"""Best referral path from our side to every node within a hop bound, on the arrays.

Target lists need, for each of hundreds or thousands of candidates, the strongest path
from any our-side node within ``max_hops``. One hop-layered Bellman-Ford over the CSR
walk graph answers all of them at once (never one search per pair or per local firm):
layer ``h`` holds the cheapest cost of reaching each node in at most ``h`` hops, and
the predecessor through which layer ``h`` improved it. Costs are ``−ln`` strengths (all
>= 0), so the cheapest walk within ``h`` hops is a simple path; intermediates are never
our side (a path through a second local firm is that firm's path).

Ties: a node keeps the value of the earliest layer reaching its cost (fewer hops win);
among predecessors offering the same cost at one layer the smallest node index (id
order) wins.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from queries.csr import CsrGraph, FloatArray, IntArray
from queries.snapshot import publish

if TYPE_CHECKING:
    from queries.paths import SearchContext


class BestPaths(Mapping[str, tuple[float, list[str]]]):
    """Node id → ``(cost, path from introducer to node)``; our-side nodes are absent.

    Built by :func:`best_from_our_side`; paths are rebuilt from the layers on access.
    """

    def __init__(self, g: CsrGraph, cost: FloatArray, pred: IntArray) -> None:
        self._g = g
        # plain views of memory-mapped layers: element reads skip the memmap wrapper
        self._cost = np.asarray(cost)  # shape (H + 1, n)
        self._pred = np.asarray(pred)  # shape (H + 1, n); -1 where layer h did not improve
        final = cost[-1]
        self._reached = np.isfinite(final) & ~np.asarray(g.ours, dtype=bool)

    def _at(self, key: str) -> int | None:
        i = self._g.index.get(key)
        if i is None or not self._reached[i]:
            return None
        return i

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._at(key) is not None

    def __getitem__(self, key: str) -> tuple[float, list[str]]:
        i = self._at(key)
        if i is None:
            raise KeyError(key)
        h = len(self._cost) - 1
        walk = [i]
        x = i
        while not self._g.ours[x]:
            while h > 0 and self._pred[h, x] < 0:
                h -= 1
            x = int(self._pred[h, x])
            h -= 1
            walk.append(x)
        ids = self._g.ids
        return float(self._cost[-1, i]), [ids[j] for j in reversed(walk)]

    def __iter__(self) -> Iterator[str]:
        ids = self._g.ids
        return (ids[int(i)] for i in np.flatnonzero(self._reached))

    def __len__(self) -> int:
        return int(self._reached.sum())

    def arrays(self, nodes: IntArray) -> tuple[npt.NDArray[np.bool_], FloatArray]:
        """Reached flags and best path costs of node indices (``inf`` where unreached)."""
        return self._reached[nodes], np.asarray(self._cost[-1])[nodes]

    def strength(self, key: str) -> float:
        """``exp(−cost)`` of the best path to ``key`` (0.0 when unreachable)."""
        i = self._at(key)
        return 0.0 if i is None else math.exp(-float(self._cost[-1, i]))


def best_from_our_side(ctx_or_graph: SearchContext | CsrGraph, max_hops: int) -> BestPaths:
    """Cheapest path within ``max_hops`` from our side to every reachable node.

    Parameters
    ----------
    ctx_or_graph : SearchContext or CsrGraph
        The search context (its ``arrays``) or the arrays themselves.
    max_hops : int >= 1

    Returns
    -------
    BestPaths
        A read-only mapping node id → ``(cost, [introducer, …, node])``.

    Notes
    -----
    ``max_hops`` vectorised relaxations over the CSR entries whose row improved in the
    previous layer: O(max_hops · m) time, O(max_hops · n) memory. For a context whose
    snapshot lives on disk the layers are kept there too, per home region and
    ``max_hops`` (``reach-<home>-h<max_hops>/``, 16 bytes per node and layer: 80 MB at
    10^6 nodes and 4 hops), and memory-mapped by later questions (2 s of CPU at 10^6).
    """
    g = ctx_or_graph if isinstance(ctx_or_graph, CsrGraph) else ctx_or_graph.arrays
    if not isinstance(g, CsrGraph):
        raise TypeError("best_from_our_side needs a SearchContext or a CsrGraph")
    folder = None
    if not isinstance(ctx_or_graph, CsrGraph) and ctx_or_graph.snapshot.folder is not None:
        home = hashlib.sha1(ctx_or_graph.home.encode()).hexdigest()[:12]
        folder = ctx_or_graph.snapshot.folder / f"reach-{home}-h{max_hops}"
        if (folder / "done").exists():
            layers = [np.load(folder / f"{a}.npy", mmap_mode="r") for a in ("cost", "pred")]
            return BestPaths(g, *layers)
    found = _layers(g, max_hops)
    if folder is not None:

        def write(tmp: Path) -> None:
            np.save(tmp / "cost.npy", found._cost)
            np.save(tmp / "pred.npy", found._pred)

        publish(folder.parent, folder.name, write)
    return found


def _layers(g: CsrGraph, max_hops: int) -> BestPaths:
    """The hop layers of :func:`best_from_our_side`, computed."""
    n = g.n
    ours = np.asarray(g.ours, dtype=bool)
    indptr = np.asarray(g.indptr)
    indices = np.asarray(g.indices)
    weight = np.asarray(g.weight)
    leave = np.asarray(g.leave)
    cost = np.full((max_hops + 1, n), np.inf)
    pred = np.full((max_hops + 1, n), -1, dtype=np.int64)
    cost[0, ours] = 0.0
    frontier = np.flatnonzero(ours)
    for h in range(1, max_hops + 1):
        cost[h] = cost[h - 1]
        if not len(frontier):
            continue
        starts, ends = indptr[frontier], indptr[frontier + 1]
        counts = ends - starts
        rows = np.repeat(frontier, counts)
        pos = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        cols = indices[pos]
        keep = ~ours[cols]
        rows, cols = rows[keep], cols[keep]
        cand = cost[h - 1, rows] + leave[rows] + weight[pos[keep]]
        best = np.full(n, np.inf)
        np.minimum.at(best, cols, cand)
        better = best < cost[h - 1]
        win = better[cols] & (cand == best[cols])
        choice = np.full(n, n, dtype=np.int64)
        np.minimum.at(choice, cols[win], rows[win])
        improved = np.flatnonzero(better)
        cost[h, improved] = best[improved]
        pred[h, improved] = choice[improved]
        frontier = improved
    return BestPaths(g, cost, pred)
