"""Referral paths on a hand-made graph; every expected strength worked out by hand.

Graph (home region 37; L1, L2 local):

    L1 ──合资 0.65── X ──PARENT_OF 0.85── T          0.65 × 0.85        = 0.5525
    L1 ──董事长 0.9── P1 ──独立董事 0.5── T           0.9 × 0.5          = 0.45
    L2 ──SUPPLIES 液压件 0.6, confidence 0.5── T      0.6 × 0.5          = 0.30
    L1 ──OWNS── L2  (local to local: never part of a path)
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from graph.errors import NoPath, NotFound
from graph.schema import RelKind
from queries.paths import SearchContext, best_from_our_side, referral_paths
from queries.ties import TieModel
from tests.builders import company, person, rel, store_of

AS_OF = dt.date(2026, 1, 1)


@pytest.fixture()
def store():  # type: ignore[no-untyped-def]
    nodes = [
        company("L1", "3701", name="山推测试股份有限公司"),
        company("L2", "3702"),
        company("X", "31"),
        company("T", "44", name="目标公司"),
        company("FAR", "11"),
        person("P1"),
    ]
    rels = [
        rel(RelKind.OFFICER_OF, "Person:P1", "Company:L1", roles=["董事长", "董事"]),
        rel(RelKind.OFFICER_OF, "Person:P1", "Company:T", roles=["独立董事"]),
        rel(RelKind.SUPPLIES, "Company:L2", "Company:T", product="液压件", confidence=0.5),
        rel(RelKind.PARTNERS_WITH, "Company:X", "Company:L1", label="合资"),
        rel(RelKind.PARENT_OF, "Company:X", "Company:T"),
        rel(RelKind.OWNS, "Company:L1", "Company:L2", share_pct=60.0),
    ]
    return store_of(nodes, rels)


def ctx_of(store, home="37"):  # type: ignore[no-untyped-def]
    return SearchContext.build(store, home, as_of=AS_OF)


def test_k_paths_in_strength_order(store) -> None:  # type: ignore[no-untyped-def]
    result = referral_paths(store, "Company:T", "37", k=5, context=ctx_of(store))
    got = [(p.nodes, p.strength) for p in result.paths]
    assert got == [
        (["Company:L1", "Company:X", "Company:T"], pytest.approx(0.5525)),
        (["Company:L1", "Person:P1", "Company:T"], pytest.approx(0.45)),
        (["Company:L2", "Company:T"], pytest.approx(0.30)),
    ]
    assert [(s.introducer, s.paths, s.best_strength) for s in result.introducers] == [
        ("Company:L1", 2, pytest.approx(0.5525)),
        ("Company:L2", 1, pytest.approx(0.30)),
    ]
    assert result.paths[0].cost == pytest.approx(-math.log(0.5525))


def test_fewer_than_k_and_max_hops(store) -> None:  # type: ignore[no-untyped-def]
    one_hop = referral_paths(store, "Company:T", "37", k=5, max_hops=1, context=ctx_of(store))
    assert [p.nodes for p in one_hop.paths] == [["Company:L2", "Company:T"]]
    top = referral_paths(store, "Company:T", "37", k=1, context=ctx_of(store))
    assert len(top.paths) == 1


def test_hop_sentences_explain_the_director_interlock(store) -> None:  # type: ignore[no-untyped-def]
    result = referral_paths(store, "Company:T", "37", k=2, context=ctx_of(store))
    hops = result.paths[1].hops
    assert hops[0].sentence.startswith(
        "P1 任 山推测试股份有限公司 的董事长、董事（来源：test/hand.csv:1"
    )
    assert hops[1].sentence.startswith("P1 同时任 目标公司 的独立董事")
    assert hops[0].relation == "OFFICER_OF" and hops[0].roles == ["董事长", "董事"]
    assert hops[0].sources == ["test/hand.csv:1"]


def test_unreachable_target_gives_no_paths(store) -> None:  # type: ignore[no-untyped-def]
    result = referral_paths(store, "Company:FAR", "37", context=ctx_of(store))
    assert result.paths == [] and result.introducers == []


def test_local_target_and_unknown_target_raise(store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NoPath):
        referral_paths(store, "Company:L1", "37", context=ctx_of(store))
    with pytest.raises(NotFound):
        referral_paths(store, "Company:nobody", "37", context=ctx_of(store))
    with pytest.raises(ValueError):
        referral_paths(store, "Company:T", "37", k=0, context=ctx_of(store))


def test_home_region_changes_our_side(store) -> None:  # type: ignore[no-untyped-def]
    # Home 3702: only L2 is ours; L1's paths become unavailable, and L1 itself is a
    # non-local node that may be walked: L2 -OWNS 60%- L1 -合资- X -PARENT_OF- T.
    result = referral_paths(store, "Company:T", "3702", k=5, context=ctx_of(store, "3702"))
    assert {p.introducer for p in result.paths} == {"Company:L2"}
    assert [p.nodes[1:-1] for p in result.paths] == [
        ["Company:L1", "Company:X"],  # 0.85 × 0.65 × 0.85 = 0.4696
        ["Company:L1", "Person:P1"],  # 0.85 × 0.9 × 0.5 = 0.3825
        [],  # direct supply: 0.30
    ]
    assert [p.strength for p in result.paths] == pytest.approx([0.469625, 0.3825, 0.30])


def test_best_from_our_side_matches_top_path(store) -> None:  # type: ignore[no-untyped-def]
    ctx = ctx_of(store)
    best = best_from_our_side(ctx, max_hops=4)
    assert best["Company:T"][1] == ["Company:L1", "Company:X", "Company:T"]
    assert math.exp(-best["Company:T"][0]) == pytest.approx(0.5525)
    assert "Company:L1" not in best and "Company:FAR" not in best
    assert best_from_our_side(ctx, max_hops=1)["Company:T"][1] == ["Company:L2", "Company:T"]


def test_hub_penalty_weakens_paths_through_a_chamber() -> None:
    # 25 firms are members of one chamber C (degree 25 > hub_degree 20): a hop out of
    # C keeps (20 / 25) ** 0.5 of its strength. L–C–T = 0.35 × 0.35 × 0.894427.
    firms = [company(f"M{i}", "44") for i in range(23)]
    nodes = [company("L", "37"), company("T", "44"), company("C", "44"), *firms]
    rels = [rel(RelKind.MEMBER_OF, f.id, "Company:C") for f in [nodes[0], nodes[1], *firms]]
    store = store_of(nodes, rels)
    result = referral_paths(store, "Company:T", "37", context=ctx_of(store))
    assert result.paths[0].strength == pytest.approx(0.35 * 0.35 * math.sqrt(20 / 25), abs=1e-6)
    assert result.paths[0].hops[1].hub_factor == pytest.approx(math.sqrt(0.8), abs=1e-6)


def test_age_decay_and_confidence() -> None:
    model = TieModel.load()
    undated = {"kind": "SUPPLIES", "confidence": 0.5}
    assert model.strength(undated, AS_OF) == pytest.approx(0.25)
    years = (AS_OF - dt.date(2016, 1, 1)).days / 365.25
    ended = {"kind": "CONTROLS", "since": "2010-01-01", "until": "2016-01-01"}
    assert model.strength(ended, AS_OF) == pytest.approx(0.9 * 0.5 ** (years / 5))
    current = {"kind": "CONTROLS", "since": "2016-01-01"}  # no until: still in control
    assert model.strength(current, AS_OF) == pytest.approx(0.9)
    deal = {"kind": "INVESTED_IN", "since": "2016-01-01"}  # an event dated 2016
    assert model.strength(deal, AS_OF) == pytest.approx(0.6 * 0.5 ** (years / 5))
    assert model.base({"kind": "OWNS", "share_pct": 5.0}) == 0.55
    assert model.base({"kind": "OWNS", "share_pct": 4.9}) == 0.45
    assert model.base({"kind": "OFFICER_OF", "roles": ["监事", "财务总监"]}) == 0.55


def test_private_ties_walked_only_when_asked() -> None:
    nodes = [company("L", "37"), company("T", "44")]
    rels = [rel(RelKind.KNOWS, "Company:L", "Company:T", label="校友", private=True)]
    store = store_of(nodes, rels)
    closed = referral_paths(store, "Company:T", "37", context=ctx_of(store))
    assert closed.paths == []
    ctx = SearchContext.build(store, "37", as_of=AS_OF, include_private=True)
    opened = referral_paths(store, "Company:T", "37", context=ctx)
    assert opened.paths[0].strength == pytest.approx(0.6)


def test_a_shared_state_controller_is_a_weak_channel() -> None:
    # Two firms controlled by one 国资委 (tag 政府机构): CONTROLS 0.9 each, and passing
    # through a state body keeps 0.25 → 0.9 × 0.9 × 0.25 = 0.2025; a shared 董事 (0.7
    # × 0.7 = 0.49) now ranks first.
    sasac = company("SASAC", name="某省国资委", tags=["实际控制人", "政府机构"])
    nodes = [company("L", "37"), company("T", "44"), sasac, person("P")]
    rels = [
        rel(RelKind.CONTROLS, "Company:SASAC", "Company:L"),
        rel(RelKind.CONTROLS, "Company:SASAC", "Company:T"),
        rel(RelKind.OFFICER_OF, "Person:P", "Company:L", roles=["董事"]),
        rel(RelKind.OFFICER_OF, "Person:P", "Company:T", roles=["董事"]),
    ]
    store = store_of(nodes, rels)
    result = referral_paths(store, "Company:T", "37", context=ctx_of(store))
    assert [p.nodes[1] for p in result.paths] == ["Person:P", "Company:SASAC"]
    assert [p.strength for p in result.paths] == pytest.approx([0.49, 0.2025])
    assert result.paths[1].hops[1].hub_factor == pytest.approx(0.25)
