"""Referral paths equal a brute-force enumeration of every simple path (hypothesis).

Small random graphs of firms (some local), people and a state body, with parallel
relations and a hub threshold of 2 so that pass-through penalties are everywhere. The
brute force walks the :class:`~queries.ties.TieGraph` (not the CSR copy), charges the
same cost model (``−ln s`` per hop plus :meth:`SearchContext.leave_cost` of the node
left, summed in walking order) and sorts by the documented order: cost rounded to 12
decimals, then the node ids from introducer to target.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.schema import RelKind
from queries.connectors import reach_costs
from queries.paths import SearchContext, referral_paths
from queries.ties import TieModel, hop_cost
from tests.builders import company, person, rel, store_of

AS_OF = dt.date(2026, 1, 1)
KINDS = [
    (RelKind.SUPPLIES, {}),
    (RelKind.SUPPLIES, {"product": "泵"}),
    (RelKind.PARTNERS_WITH, {"label": "合资"}),
    (RelKind.OWNS, {"share_pct": 60.0}),
    (RelKind.INVESTED_IN, {}),
    (RelKind.CONTROLS, {}),
    (RelKind.MEMBER_OF, {}),
]


def brute_force(
    ctx: SearchContext, target: str, k: int, max_hops: int
) -> list[tuple[float, list[str]]]:
    adj = ctx.graph.adj
    found: list[tuple[float, list[str]]] = []

    def walk(path: list[str], cost: float) -> None:
        u = path[-1]
        if u == target:
            found.append((cost, list(path)))
            return
        if len(path) - 1 == max_hops:
            return
        for v, (s, _) in adj.get(u, {}).items():
            if v in path or v in ctx.ours:
                continue
            path.append(v)
            walk(path, cost + (hop_cost(s) + ctx.leave_cost(u)))
            path.pop()

    for o in sorted(ctx.ours):
        walk([o], 0.0)
    found.sort(key=lambda t: (round(t[0], 12), t[1]))
    return found[:k]


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[object], list[object]]:
    n = draw(st.integers(3, 8))
    local = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    nodes: list[object] = [company(f"C{i}", "3701" if local[i] else "44") for i in range(n)]
    nodes.append(company("S", "11", tags=["政府机构"]))
    nodes.append(person("P"))
    ids = [f"Company:C{i}" for i in range(n)] + ["Company:S"]
    edges = draw(
        st.lists(
            st.tuples(st.sampled_from(ids), st.sampled_from(ids), st.integers(0, len(KINDS) - 1)),
            max_size=3 * n,
        )
    )
    rels: list[object] = []
    for a, b, kind in edges:
        if a != b:
            k, props = KINDS[kind]
            rels.append(rel(k, a, b, **props))
    roles = draw(st.lists(st.sampled_from(["董事长", "董事", "监事"]), min_size=1, max_size=2))
    for c in draw(st.lists(st.sampled_from(ids[:-1]), max_size=3, unique=True)):
        rels.append(rel(RelKind.OFFICER_OF, "Person:P", c, roles=roles))
    return nodes, rels


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.integers(1, 6), st.integers(1, 4), st.integers(0, 7))
def test_paths_equal_brute_force(
    graph: tuple[list[object], list[object]], k: int, max_hops: int, pick: int
) -> None:
    nodes, rels = graph
    store = store_of(nodes, rels)
    model = dataclasses.replace(TieModel.load(), hub_degree=2)
    ctx = SearchContext.build(store, "37", model=model, as_of=AS_OF)
    candidates = sorted(n for n in ctx.graph.kinds if n not in ctx.ours)
    target = candidates[pick % len(candidates)]
    expected = brute_force(ctx, target, k, max_hops)
    result = referral_paths(store, target, "37", k=k, max_hops=max_hops, context=ctx)
    assert [p.nodes for p in result.paths] == [nodes for _, nodes in expected]
    assert [p.cost for p in result.paths] == [round(c, 9) for c, _ in expected]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.integers(1, 4))
def test_connector_reach_equals_best_brute_force_path(
    graph: tuple[list[object], list[object]], max_hops: int
) -> None:
    nodes, rels = graph
    store = store_of(nodes, rels)
    model = dataclasses.replace(TieModel.load(), hub_degree=2)
    ctx = SearchContext.build(store, "37", model=model, as_of=AS_OF)
    g = ctx.arrays
    targets = sorted(n for n in ctx.graph.kinds if n not in ctx.ours)
    costs = reach_costs(g, [g.index[t] for t in targets], max_hops)
    for i, t in enumerate(targets):
        best: dict[str, float] = {}
        for cost, path in brute_force(ctx, t, 10**6, max_hops):
            best.setdefault(path[0], cost)
        for o in sorted(ctx.ours):
            got = costs[i, g.index[o]]
            assert (o in best) == math.isfinite(got)
            if o in best:
                assert got == pytest.approx(best[o], abs=1e-9)
