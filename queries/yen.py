"""Yen's k shortest simple paths with A*-guided, hop-bounded spur searches.

The search runs *backwards*, from the target towards the our-side set: a reverse step
``x → y`` stands for the forward hop ``y → x`` and costs ``w(x, y) + leave[y]``. The
guide is :attr:`CsrGraph.dist_ours` — the exact cheapest cost from our side to every
node, computed once per context — so the first spur search walks straight down the
best path, and :attr:`CsrGraph.hops_ours` prunes states that cannot reach our side
within the remaining hops. Any our-side node ends a path (a virtual super-sink).

Why this direction: one Dijkstra from the target costs ≈ 0.9 s on 10^6 nodes (DESIGN.md
§3), over the 100 ms budget of one query; the our-side distances are computed once
and serve every target (they are exact in the full graph and remain admissible and
consistent lower bounds in every spur graph, which only loses nodes and edges).

Order and ties: answers are ordered by ``(round(cost, 12), node ids from introducer
to target)``. Yen enumerates simple paths in non-decreasing cost, so the search goes on
until the next candidate costs more than the k-th path (+1e-9) and then sorts: every
path tied with the k-th is seen before the cut, whatever order the heaps met them in.
Candidates are de-duplicated by their node sequence, so zero-cost ties never repeat a
path.
"""

from __future__ import annotations

import heapq
import itertools
import time

import numpy as np

from queries.csr import CsrGraph

TIE_DECIMALS = 12
_TOL = 1e-9
_CHECK_EVERY = 256


class Deadline:
    """A wall-clock budget (``time.monotonic``)."""

    def __init__(self, budget_s: float) -> None:
        self.at = time.monotonic() + budget_s
        self.hit = False

    def passed(self) -> bool:
        """True (and remembered) once the budget is spent."""
        if not self.hit and time.monotonic() > self.at:
            self.hit = True
        return self.hit


def spur_search(
    g: CsrGraph,
    start: int,
    cost0: float,
    hops0: int,
    max_hops: int,
    banned_nodes: set[int],
    banned_next: set[int],
    limit: float,
    deadline: Deadline,
) -> tuple[float, list[int]] | None:
    """A* from ``start`` (reached at ``cost0`` in ``hops0`` hops) to the nearest our-side node.

    Parameters
    ----------
    banned_nodes : set of int
        Nodes removed from the graph (the root path before ``start``).
    banned_next : set of int
        Neighbours of ``start`` not to step to (Yen's removed edges).
    limit : float
        Give up once the best remaining estimate exceeds it.

    Returns
    -------
    (float, list of int) or None
        Total cost from the target and the nodes from ``start`` to the introducer.

    Notes
    -----
    States are (node, hops); a state is skipped when its node was settled with no more
    hops (it is dominated: same heuristic, later pop, so no cheaper). With the
    consistent heuristic ``dist_ours`` the first our-side node popped is optimal.
    O((V' + E') log V') for the V' states and E' ties within the bound.
    """
    leave, ours, dist, hops_ours = g.leave, g.ours, g.dist_ours, g.hops_ours
    heap: list[tuple[float, float, int, int, int]] = [
        (cost0 + float(dist[start]), cost0, hops0, start, -1)
    ]
    parents: list[tuple[int, int]] = []
    settled: dict[int, int] = {}
    pops = 0
    while heap:
        f, cost, hops, x, parent = heapq.heappop(heap)
        if f > limit:
            return None
        pops += 1
        if pops % _CHECK_EVERY == 0 and deadline.passed():
            return None
        seen = settled.get(x)
        if seen is not None and seen <= hops:
            continue
        settled[x] = hops
        parents.append((x, parent))
        sid = len(parents) - 1
        if ours[x]:
            path: list[int] = []
            while sid >= 0:
                node, sid = parents[sid]
                path.append(node)
            path.reverse()
            return cost, path
        if hops >= max_hops:
            continue
        nb, w = g.neighbours(x)
        step = w + leave[nb]
        est = cost + step + dist[nb]
        ok = (hops_ours[nb] + (hops + 1) <= max_hops) & (est <= limit)
        if not ok.any():
            continue
        nb_ok, est_ok, step_ok = nb[ok].tolist(), est[ok].tolist(), step[ok].tolist()
        first = x == start
        for y, fy, sy in zip(nb_ok, est_ok, step_ok, strict=True):
            if y in banned_nodes or (first and y in banned_next):
                continue
            done = settled.get(y)
            if done is not None and done <= hops + 1:
                continue
            heapq.heappush(heap, (fy, cost + sy, hops + 1, y, sid))
    return None


def _reverse_prefix(g: CsrGraph, path: list[int]) -> list[float]:
    """Cumulative reverse cost at each position of a path listed target-first."""
    out = [0.0]
    for x, y in itertools.pairwise(path):
        out.append(out[-1] + g.edge(x, y)[0] + float(g.leave[y]))
    return out


def k_shortest(
    g: CsrGraph, target: int, k: int, max_hops: int, deadline: Deadline
) -> list[tuple[float, list[int]]]:
    """The k cheapest simple paths from our side to ``target`` within ``max_hops``.

    Parameters
    ----------
    g : CsrGraph
    target : int
        Node index; must not be our side.
    k : int >= 1
    max_hops : int >= 1
    deadline : Deadline
        When it passes, the paths found so far are returned (``deadline.hit`` is set).

    Returns
    -------
    list of (float, list of int)
        ``(cost, nodes introducer … target)``, at most k, ordered by
        ``(round(cost, 12), nodes)``; costs summed in walking order
        (:meth:`CsrGraph.path_cost`).

    Notes
    -----
    Yen's algorithm: for each accepted path and each spur node, one A* spur search
    (:func:`spur_search`) bounded by the k-th best candidate cost so far. At most
    about ``k · max_hops`` spur searches plus those for paths tied at the k-th cost.
    """
    if g.ours[target] or not np.isfinite(g.dist_ours[target]):
        return []
    if g.hops_ours[target] > max_hops:
        return []
    first = spur_search(g, target, 0.0, 0, max_hops, set(), set(), np.inf, deadline)
    if first is None:
        return []
    accepted: list[tuple[float, list[int], list[float]]] = []
    pending: list[tuple[float, tuple[int, ...]]] = [(first[0], tuple(first[1]))]
    seen: set[tuple[int, ...]] = {tuple(first[1])}
    while pending and not deadline.passed():
        cost, best = heapq.heappop(pending)
        if len(accepted) >= k and cost > accepted[k - 1][0] + _TOL:
            break
        path = list(best)
        prefix = _reverse_prefix(g, path)
        accepted.append((cost, path, prefix))
        for i in range(len(path) - 1):
            if deadline.passed():
                break
            root = path[: i + 1]
            banned_next = {
                p[i + 1] for _, p, _ in accepted if len(p) > i + 1 and p[: i + 1] == root
            }
            costs = sorted([c for c, _, _ in accepted] + [c for c, _ in pending])
            limit = costs[k - 1] + _TOL if len(costs) >= k else np.inf
            found = spur_search(
                g, path[i], prefix[i], i, max_hops, set(root[:-1]), banned_next, limit, deadline
            )
            if found is None:
                continue
            full = (*root[:-1], *found[1])
            if full not in seen:
                seen.add(full)
                heapq.heappush(pending, (found[0], full))
    answers = [(g.path_cost(p[::-1]), p[::-1]) for _, p, _ in accepted]
    answers.sort(key=lambda t: (round(t[0], TIE_DECIMALS), t[1]))
    return answers[:k]
