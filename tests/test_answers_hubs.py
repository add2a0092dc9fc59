"""Issue 13, fault 9 (rest): hubs are judged by degree percentile, not a fixed 20 ties.

By hand. ``queries/ties.toml``: a hub has more ties than the degree at the 99.9th
percentile of the graph's tied nodes (numpy's linear interpolation), and more than
``hub_degree`` = 20; a graph with under 1,000 tied nodes has no top 0.1 % node and
keeps the limit 20.

The graph below has 1,001 tied nodes: X with 30 partners (L local in 37, T, 28 more),
Y with 40 (L2 local, T2, 38 more), 463 separate pairs and one chain Q0–Q1–Q2. Sorted
degrees: 998 ones, 2 (Q1), 30 (X), 40 (Y); the 99.9th percentile sits at position
0.999 × 1000 = 999: 30. So X (30 ties) is no hub — under the old fixed rule it was, and
L–X–T kept (20 / 30) ** 0.5 = 0.8165 — and Y (40) is: L–Y–T2 keeps (30 / 40) ** 0.5.
合作 is 0.45 a hop: L–X–T = 0.45 × 0.45 = 0.2025; L2–Y–T2 = 0.2025 × 0.866025 = 0.175370.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from graph.schema import RelKind
from queries.paths import SearchContext, referral_paths
from queries.ties import TieModel
from tests.builders import company, rel, store_of

AS_OF = dt.date(2026, 1, 1)


def _graph():  # type: ignore[no-untyped-def]
    nodes = [company(k, r) for k, r in (("X", "44"), ("Y", "44"), ("L", "37"), ("L2", "37"))]
    nodes += [company(k, "44") for k in ("T", "T2")]
    rels = []
    for hub, local, target, others in (("X", "L", "T", 28), ("Y", "L2", "T2", 38)):
        leaves = [local, target] + [f"{hub}{i}" for i in range(others)]
        nodes += [company(f"{hub}{i}", "44") for i in range(others)]
        rels += [
            rel(RelKind.PARTNERS_WITH, f"Company:{hub}", f"Company:{x}", label="合作")
            for x in leaves
        ]
    for i in range(463):
        nodes += [company(f"P{i}a", "11"), company(f"P{i}b", "11")]
        rels.append(rel(RelKind.PARTNERS_WITH, f"Company:P{i}a", f"Company:P{i}b"))
    nodes += [company(f"Q{i}", "11") for i in range(3)]
    rels += [
        rel(RelKind.PARTNERS_WITH, "Company:Q0", "Company:Q1"),
        rel(RelKind.PARTNERS_WITH, "Company:Q1", "Company:Q2"),
    ]
    return store_of(nodes, rels)


def test_the_hub_limit_is_a_percentile() -> None:
    model = TieModel.load()
    assert (model.hub_percentile, model.hub_degree) == (99.9, 20)
    assert model.hub_limit([1] * 998 + [2, 30, 40]) == 30.0
    assert model.hub_limit([1] * 9980 + list(range(31, 51))) == 40.001  # 40 + 0.001 × 1
    assert model.hub_limit([1] * 500 + [60]) == 20.0  # too few nodes for a top 0.1 %


def test_paths_through_a_mid_sized_node_are_not_damped() -> None:
    store = _graph()
    ctx = SearchContext.build(store, "37", as_of=AS_OF)
    x = referral_paths(store, "Company:T", "37", context=ctx).paths[0]
    assert x.nodes == ["Company:L", "Company:X", "Company:T"]
    assert x.strength == pytest.approx(0.2025, abs=1e-6)
    assert [h.hub_factor for h in x.hops] == [1.0, 1.0]
    y = referral_paths(store, "Company:T2", "37", context=ctx).paths[0]
    assert y.nodes == ["Company:L2", "Company:Y", "Company:T2"]
    assert y.strength == pytest.approx(0.2025 * math.sqrt(30 / 40), abs=1e-6)
    assert y.strength == pytest.approx(0.175370, abs=1e-6)
