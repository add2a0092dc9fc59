"""Target lists scored on the snapshot's arrays equal the firm-by-firm factors.

:func:`queries.targets.target_list` ranks every candidate with numpy
(:mod:`queries.score_arrays`) and builds rows only for the firms shown. Here a seeded
random graph with every kind of evidence (list ranks, revenue, tags, 已退市, local and
non-local affinity partners, private ties, dated and undated signals in and out of the
window, joint ventures, revenue shares in chain products and gaps) is scored both ways:
the reference scores every candidate with the per-firm functions of
:mod:`queries.factors` (:func:`queries.targets._score`) on the full universe, sorts by
``(-score, id)``, and must equal the ranking, the rows and the counts of
``target_list``, whatever the number of rows shown.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from graph.schema import DELISTED, RelKind
from queries.clusters import ClusterDef
from queries.paths import SearchContext
from queries.profile import FACTORS, ScoringProfile
from queries.reach import best_from_our_side
from queries.score_arrays import score_candidates
from queries.targets import _score, build_universe, target_list
from tests.builders import company, industry, person, product, rel, store_of

# every test once per store (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("backend")
AS_OF = dt.date(2026, 1, 1)
CLUSTER = ClusterDef(
    name="随机集群",
    core_industries=["110000"],
    related_industries=["120000"],
    products=["锂电池"],
)
AFFINITY = [RelKind.SUPPLIES, RelKind.PARTNERS_WITH, RelKind.INVESTED_IN, RelKind.OWNS]
SIGNAL = [RelKind.INVESTED_IN, RelKind.PARTNERS_WITH, RelKind.PARENT_OF, RelKind.ACQUIRED]


def random_graph(seed: int, firms: int = 160):  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    nodes = [
        industry("110000", "电力设备"),
        industry("120000", "化工"),
        industry("130000", "无关"),
        *(product(p) for p in ("碳酸锂", "正极材料", "锂电池", "储能系统")),
        *(person(f"P{i}") for i in range(10)),
    ]
    lists = ["Forbes Global 2000 2025", "中国企业500强", "不在配置里的榜单"]
    for i in range(firms):
        kw: dict[str, object] = {}
        if rng.random() < 0.2:
            kw["rankings"] = {rng.choice(lists): rng.randint(1, 600)}
        if rng.random() < 0.2:
            kw["revenue_usd"] = rng.choice([0.0, 5e7, 3.3e9, 2e12, rng.uniform(1e8, 1e11)])
        if rng.random() < 0.3:
            kw["tags"] = rng.sample(
                ["专精特新", "单项冠军", "无关标签", DELISTED], rng.randint(1, 2)
            )
        nodes.append(company(f"C{i:03d}", rng.choice(["3701", "3705", "44", "31", "11"]), **kw))
    ind, p, c = "Industry:SW-2021:", "Product:", "Company:"
    rels = [
        rel(RelKind.UPSTREAM_OF, p + "碳酸锂", p + "正极材料"),
        rel(RelKind.UPSTREAM_OF, p + "正极材料", p + "锂电池"),
        rel(RelKind.UPSTREAM_OF, p + "锂电池", p + "储能系统"),
    ]
    for i in range(firms):
        me = f"{c}C{i:03d}"
        if rng.random() < 0.7:
            rels.append(
                rel(RelKind.IN_INDUSTRY, me, ind + rng.choice(["110000", "120000", "130000"]))
            )
        for made in rng.sample(["碳酸锂", "正极材料", "锂电池", "储能系统"], rng.randint(0, 2)):
            weight = rng.choice([0.1, 0.2, 0.3, 0.35, 0.6, 0.7, 0.9])
            rels.append(rel(RelKind.MAKES, me, p + made, weight=weight))
    seen = set()
    for _ in range(firms * 4):
        kind = rng.choice(AFFINITY + SIGNAL)
        a, b = rng.sample(range(firms), 2)
        src, dst = f"{c}C{a:03d}", f"{c}C{b:03d}"
        if (kind, src, dst) in seen:
            continue
        seen.add((kind, src, dst))
        kw = {}
        if rng.random() < 0.5:
            kw["since"] = AS_OF - dt.timedelta(days=rng.randint(-30, 1200))
        if kind is RelKind.PARTNERS_WITH and rng.random() < 0.5:
            kw["label"] = "合资"
        if rng.random() < 0.1:
            kw["private"] = True
        rels.append(rel(kind, src, dst, **kw))
    for _ in range(20):
        who = f"Person:P{rng.randrange(10)}"
        rels.append(rel(RelKind.OFFICER_OF, who, f"{c}C{rng.randrange(firms):03d}"))
    return store_of(nodes, rels)


def reference(store, ctx, profile):  # type: ignore[no-untyped-def]
    """Every candidate scored by the per-firm factor functions, in total order."""
    u = build_universe(store, CLUSTER, "37", profile)
    reach = best_from_our_side(ctx, 4)
    expand = tuple(f for f in FACTORS if f != "reachability")
    away, local, delisted = [], [], []
    for cid, cand in u.candidates.items():
        if DELISTED in u.nodes[cid].get("tags", []):
            delisted.append(cid)
            continue
        near = u.is_local(cid, "37")
        weights = profile.normalised(expand) if near else profile.normalised()
        factors = _score(cid, cand, u, ctx, None if near else reach, weights, profile, AS_OF)
        score = round(sum(f.contribution for f in factors), 4)
        (local if near else away).append((score, cid, factors))
    away.sort(key=lambda t: (-t[0], t[1]))
    local.sort(key=lambda t: (-t[0], t[1]))
    return away, local, sorted(delisted), u


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_ranking_equals_firm_by_firm_scores(seed: int) -> None:
    store = random_graph(seed)
    profile = ScoringProfile.load()
    ctx = SearchContext.build(store, "37", as_of=AS_OF)
    away, local, delisted, u = reference(store, ctx, profile)
    assert len(away) > 50 and len(local) > 5 and delisted
    assert len({s for s, _, _ in away}) < len(away)  # equal scores: ranked by id
    full = target_list(store, CLUSTER, "37", n=0, context=ctx, as_of=AS_OF)
    assert [(r.score, r.company) for r in full.rows] == [(s, c) for s, c, _ in away]
    assert [(r.score, r.company) for r in full.expand_here] == [(s, c) for s, c, _ in local]
    assert [r.factors for r in full.rows] == [f for _, _, f in away]
    assert full.delisted == [u.names[c] for c in delisted]
    assert (full.candidates, full.local_candidates) == (len(away), len(local))
    for n in (1, 7, 40):
        top = target_list(store, CLUSTER, "37", n=n, context=ctx, as_of=AS_OF)
        assert top.rows == full.rows[:n]
        assert top.expand_here == full.expand_here[:n]
        assert top.model_copy(update={"rows": [], "expand_here": []}) == full.model_copy(
            update={"rows": [], "expand_here": []}
        )
    # the shared universe (export, chain gaps) ranks the same
    assert target_list(store, CLUSTER, "37", n=0, context=ctx, universe=u) == full


def test_factor_values_equal_the_per_firm_functions() -> None:
    store = random_graph(7)
    profile = ScoringProfile.load()
    ctx = SearchContext.build(store, "37", as_of=AS_OF)
    away, _, _, u = reference(store, ctx, profile)
    ids = sorted(c for _, c, _ in away)
    pos = ctx.snapshot.ids.positions_of(ids)
    reach = best_from_our_side(ctx, 4)
    from queries.factors import chain_fit_value

    got = score_candidates(
        ctx.snapshot,
        pos,
        np.asarray([chain_fit_value(u.candidates[c], u.gaps, profile) for c in ids]),
        reach.arrays(pos),
        np.asarray(ctx.arrays.ours, dtype=bool),
        lambda i: u.nodes[ctx.snapshot.ids[i]],
        profile.normalised(),
        profile,
        AS_OF,
    )
    by_id = {c: {f.name: f for f in factors} for _, c, factors in away}
    nonzero = dict.fromkeys(FACTORS, 0)
    for j, cid in enumerate(ids):
        for name in FACTORS:
            assert round(float(got.values[name][j]), 4) == by_id[cid][name].value, (cid, name)
            nonzero[name] += by_id[cid][name].value > 0
        assert float(got.score[j]) == round(sum(f.contribution for f in by_id[cid].values()), 4)
    assert all(nonzero.values()), nonzero  # every factor is exercised
