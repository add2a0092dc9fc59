"""Connectors: which our-side nodes reach the most valuable targets of a cluster.

Whom to enlist as 招商大使 or to ask first (DESIGN.md §4). For every target of the
cluster and every our-side node, the best referral cost within ``max_hops`` is
computed at once — never one search per pair — by ``max_hops`` rounds of a
vectorised, hop-bounded Bellman–Ford relaxation run backwards from a batch of targets
over the CSR copy of the tie graph (:mod:`queries.csr`): round h holds, for each target
and node, the cheapest cost of reaching the target from that node in at most h hops,
with the cost model of :mod:`queries.paths` (our-side nodes end a walk and are never
intermediate; the shortest hop-bounded walk is a simple path, costs being >= 0).

Value of a target: its score in the cluster's target list
(:func:`queries.targets.target_list`), or values the caller passes. A connector's
score is Σ value × best path strength over the targets it reaches.
"""

from __future__ import annotations

import math

import numpy as np

from graph.store import Store
from queries.clusters import ClusterDef
from queries.csr import CsrGraph, FloatArray
from queries.paths import SearchContext
from queries.types import ConnectorList, ConnectorRow, ConnectorTarget

VALUE_RULE = "目标企业在该集群目标清单中的综合得分（target_list score）"
_BATCH = 16


def reach_costs(g: CsrGraph, targets: list[int], max_hops: int) -> FloatArray:
    """Best referral cost from every node to each target within ``max_hops`` hops.

    Parameters
    ----------
    g : CsrGraph
    targets : list of int
        Node indices (not our side).
    max_hops : int >= 1

    Returns
    -------
    float array, shape (len(targets), n)
        ``out[i, v]`` = cheapest cost of a path v … ``targets[i]`` of at most
        ``max_hops`` hops whose intermediates are not our side; ``inf`` when none.
        Only meaningful at our-side ``v`` (the introducers).

    Notes
    -----
    Targets go in batches of 16; each batch runs ``max_hops`` relaxation rounds over
    the ties leaving nodes improved in the previous round. O(T · max_hops · E) in the
    worst case for T targets and E stored ties, in numpy; memory O(16 · (n + E)).
    """
    n = g.n
    rows = np.repeat(np.arange(n), np.diff(g.indptr))
    # Reverse step x -> y (forward hop y -> x): cost w + leave[y]; x never our side.
    keep = ~g.ours[rows]
    xs, ys = rows[keep], g.indices[keep]
    cs = (g.weight + g.leave[g.indices])[keep]
    order = np.argsort(ys, kind="stable")
    xs, ys, cs = xs[order], ys[order], cs[order]
    out = np.full((len(targets), n), np.inf)
    for lo in range(0, len(targets), _BATCH):
        batch = targets[lo : lo + _BATCH]
        dist = np.full((len(batch), n), np.inf)
        dist[np.arange(len(batch)), batch] = 0.0
        changed = np.zeros(n, dtype=bool)
        changed[batch] = True
        for _ in range(max_hops):
            active = changed[xs]
            if not active.any():
                break
            ax, ay, ac = xs[active], ys[active], cs[active]
            cand = dist[:, ax] + ac
            starts = np.flatnonzero(np.r_[True, ay[1:] != ay[:-1]])
            heads = ay[starts]
            best = np.minimum.reduceat(cand, starts, axis=1)
            better = best < dist[:, heads]
            new = dist.copy()
            new[:, heads] = np.where(better, best, dist[:, heads])
            changed = np.zeros(n, dtype=bool)
            changed[heads[better.any(axis=0)]] = True
            dist = new
        out[lo : lo + len(batch)] = dist
    return out


def connectors(
    store: Store,
    cluster: ClusterDef,
    home: str,
    n: int = 20,
    max_hops: int = 4,
    context: SearchContext | None = None,
    values: dict[str, float] | None = None,
    top: int = 5,
) -> ConnectorList:
    """Rank our-side nodes by the value-weighted set of cluster targets they reach.

    Parameters
    ----------
    store : Store
    cluster : ClusterDef
        From :func:`queries.clusters.read_clusters`.
    home : str
        GB/T 2260 code prefix of the home region.
    n : int >= 0
        Rows returned (0: every connector reaching at least one target).
    max_hops : int >= 1
        Longest referral path counted.
    context : SearchContext, optional
        A prebuilt tie graph for ``home``.
    values : dict of str to float >= 0, optional
        Target company id → value. Default: every target row of
        :func:`queries.targets.target_list` with its score.
    top : int >= 0
        Targets listed per connector (value × strength desc, then id).

    Returns
    -------
    ConnectorList
        ``rows`` by score desc, then node id asc; ``rank`` from 1. Scores and
        strengths rounded to 6 decimals.

    Raises
    ------
    ValueError
        When ``max_hops`` is below 1.

    Notes
    -----
    One call of :func:`reach_costs` for all targets (see its complexity), then
    O(T · |ours|) to score.
    """
    if max_hops < 1:
        raise ValueError("max_hops must be >= 1")
    ctx = context or SearchContext.build(store, home)
    g = ctx.arrays
    rule = "调用方给定的价值"
    if values is None:
        from queries.targets import target_list

        rule = VALUE_RULE
        listed = target_list(store, cluster, home, n=0, context=ctx, max_hops=max_hops)
        values = {r.company: r.score for r in listed.rows}
    chosen = sorted(t for t in values if t in g.index and not g.ours[g.index[t]])
    idx = [g.index[t] for t in chosen]
    ours = np.flatnonzero(g.ours)
    costs = reach_costs(g, idx, max_hops)[:, ours] if idx else np.zeros((0, len(ours)))
    names = ctx.names
    names.fetch([*chosen, *(g.ids[int(o)] for o in ours)])
    rows: list[ConnectorRow] = []
    for j, o in enumerate(ours.tolist()):
        reached = np.flatnonzero(np.isfinite(costs[:, j])).tolist()
        if not reached:
            continue
        hits = [
            ConnectorTarget(
                company=chosen[i],
                name=names[chosen[i]],
                value=round(values[chosen[i]], 6),
                strength=round(math.exp(-float(costs[i, j])), 6),
            )
            for i in reached
        ]
        hits.sort(key=lambda h: (-h.value * h.strength, h.company))
        node = g.ids[o]
        rows.append(
            ConnectorRow(
                rank=0,
                node=node,
                name=names[node],
                kind=ctx.kind(node),
                score=round(sum(h.value * h.strength for h in hits), 6),
                reached=len(hits),
                reached_value=round(sum(h.value for h in hits), 6),
                targets=hits[:top],
            )
        )
    rows.sort(key=lambda r: (-r.score, r.node))
    rows = rows[:n] if n > 0 else rows
    for rank, row in enumerate(rows, 1):
        row.rank = rank
    return ConnectorList(
        cluster=cluster.name,
        home_region=home,
        max_hops=max_hops,
        value_rule=rule,
        candidates=len(chosen),
        rows=rows,
    )
