"""Referral paths on a hand-made graph; every expected strength worked out by hand.

Graph (home region 37; L1, L2 local):

    L1 ──合资 0.65── X ──PARENT_OF 0.85── T          0.65 × 0.85        = 0.5525
    L1 ──董事长 0.9── P1 ──独立董事 0.5── T           0.9 × 0.5          = 0.45
    L2 ──SUPPLIES 液压件 0.6, confidence 0.5── T      0.6 × 0.5          = 0.30
    L1 ──OWNS── L2  (local to local: never part of a path)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pytest

from graph.errors import NoPath, NotFound
from graph.schema import RelKind
from queries.paths import SearchContext, referral_paths
from queries.reach import best_from_our_side
from queries.ties import TieModel
from tests.builders import company, person, rel, store_of

# every test once per store (tests/conftest.py): same graph, same expected answers
pytestmark = pytest.mark.usefixtures("backend")
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
    assert hops[1].sentence.startswith("P1 亦任 目标公司 的独立董事")  # undated: no "同时"
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


def _model(**kinds: float) -> TieModel:
    base = TieModel.load()
    return dataclasses.replace(
        base, kind={**base.kind, **{RelKind(k): v for k, v in kinds.items()}}
    )


def test_equal_strengths_are_ordered_by_node_ids() -> None:
    # L –A– T and L –B– T, each 0.5 × 0.5 = 0.25: a tie, broken by ids (A before B).
    nodes = [company("L", "37"), company("T", "44"), company("B", "44"), company("A", "44")]
    rels = [
        rel(RelKind.SUPPLIES, "Company:L", "Company:B"),
        rel(RelKind.SUPPLIES, "Company:B", "Company:T"),
        rel(RelKind.SUPPLIES, "Company:L", "Company:A"),
        rel(RelKind.SUPPLIES, "Company:A", "Company:T"),
    ]
    store = store_of(nodes, rels)
    result = referral_paths(store, "Company:T", "37", k=5, context=ctx_of(store))
    assert [p.nodes[1] for p in result.paths] == ["Company:A", "Company:B"]
    assert [p.strength for p in result.paths] == pytest.approx([0.25, 0.25])
    one = referral_paths(store, "Company:T", "37", k=1, context=ctx_of(store))
    assert [p.nodes[1] for p in one.paths] == ["Company:A"]


def test_parallel_relations_keep_the_strongest_and_name_it() -> None:
    nodes = [company("L", "37"), company("T", "44")]
    supply = rel(RelKind.SUPPLIES, "Company:L", "Company:T")  # 0.5
    jv = rel(RelKind.PARTNERS_WITH, "Company:T", "Company:L", label="合资")  # 0.65
    store = store_of(nodes, [supply, jv])
    result = referral_paths(store, "Company:T", "37", k=5, context=ctx_of(store))
    assert len(result.paths) == 1  # one pair, one path: never one per relation
    hop = result.paths[0].hops[0]
    assert (hop.relation, hop.relation_id, hop.strength) == ("PARTNERS_WITH", jv.id, 0.65)
    assert hop.sentence.startswith("L 与 T 合资")


def test_a_zero_cost_alias_edge_yields_no_duplicate_paths() -> None:
    # T2 is T's branch, strength 1 (cost 0): L–T (0.5) and L–T2–T (0.5 × 1) tie; each
    # path once, ordered by ids ("Company:T" < "Company:T2").
    nodes = [company("L", "37"), company("T", "44"), company("T2", "44")]
    rels = [
        rel(RelKind.SUPPLIES, "Company:L", "Company:T"),
        rel(RelKind.SUPPLIES, "Company:L", "Company:T2"),
        rel(RelKind.BRANCH_OF, "Company:T2", "Company:T"),
    ]
    store = store_of(nodes, rels)
    ctx = SearchContext.build(store, "37", model=_model(BRANCH_OF=1.0), as_of=AS_OF)
    result = referral_paths(store, "Company:T", "37", k=5, context=ctx)
    assert [p.nodes for p in result.paths] == [
        ["Company:L", "Company:T"],
        ["Company:L", "Company:T2", "Company:T"],
    ]
    assert [p.cost for p in result.paths] == pytest.approx([math.log(2), math.log(2)])
    assert result.paths[1].hops[1].strength == 1.0


def test_a_two_cycle_next_to_the_source_gives_simple_paths_only() -> None:
    # L – X, X ⇄ Y (two relations, one each way), X – T, Y – T; L2 – X (a second
    # introducer). Simple paths only; X–Y–X never appears; ours never intermediate.
    nodes = [company(k, r) for k, r in [("L", "37"), ("L2", "37"), ("X", "44"), ("Y", "44")]]
    nodes.append(company("T", "44"))
    rels = [
        rel(RelKind.SUPPLIES, "Company:L", "Company:X"),  # 0.5
        rel(RelKind.OWNS, "Company:X", "Company:Y", share_pct=60.0),  # 0.85
        rel(RelKind.OWNS, "Company:Y", "Company:X", share_pct=1.0),  # 0.45 (weaker)
        rel(RelKind.PARTNERS_WITH, "Company:X", "Company:T", label="合资"),  # 0.65
        rel(RelKind.SUPPLIES, "Company:Y", "Company:T"),  # 0.5
        rel(RelKind.INVESTED_IN, "Company:L2", "Company:X"),  # 0.6
        rel(RelKind.OWNS, "Company:L", "Company:L2"),  # ours–ours: never walked
    ]
    store = store_of(nodes, rels)
    result = referral_paths(store, "Company:T", "37", k=10, context=ctx_of(store))
    got = [("-".join(n.split(":")[1] for n in p.nodes), p.strength) for p in result.paths]
    assert got == [
        ("L2-X-T", pytest.approx(0.6 * 0.65)),
        ("L-X-T", pytest.approx(0.5 * 0.65)),
        ("L2-X-Y-T", pytest.approx(0.6 * 0.85 * 0.5)),
        ("L-X-Y-T", pytest.approx(0.5 * 0.85 * 0.5)),
    ]


def test_fewer_paths_than_k_are_returned_without_error(store) -> None:  # type: ignore[no-untyped-def]
    result = referral_paths(store, "Company:T", "37", k=50, max_hops=6, context=ctx_of(store))
    assert len(result.paths) == 3  # every simple path there is


def test_the_corporate_group_last_hop_is_explained() -> None:
    # T's parent G (reached through a director) and T's local subsidiary S (our side):
    # S –PARENT_OF– T is a 1-hop path; L –P– G –PARENT_OF– T a 3-hop one.
    nodes = [company("L", "37"), company("S", "3705"), company("G", "11"), company("T", "44")]
    nodes += [company("BR", "52"), company("L3", "37"), person("P")]
    rels = [
        rel(RelKind.PARENT_OF, "Company:T", "Company:S"),
        rel(RelKind.PARENT_OF, "Company:G", "Company:T"),
        rel(RelKind.OFFICER_OF, "Person:P", "Company:L", roles=["董事"]),
        rel(RelKind.OFFICER_OF, "Person:P", "Company:G", roles=["董事"]),
        rel(RelKind.BRANCH_OF, "Company:BR", "Company:T"),
        rel(RelKind.SERVES, "Company:L3", "Company:BR"),
    ]
    store = store_of(nodes, rels)
    result = referral_paths(store, "Company:T", "37", k=5, context=ctx_of(store))
    by_intro = {p.introducer: p for p in result.paths}
    assert [p.introducer for p in result.paths] == ["Company:S", "Company:L3", "Company:L"]
    assert by_intro["Company:S"].hops[0].sentence.startswith("T 是 S 的母公司")
    assert by_intro["Company:L3"].hops[-1].sentence.startswith("BR 是 T 的分支机构")
    assert by_intro["Company:L"].hops[-1].sentence.startswith("G 是 T 的母公司")
    assert by_intro["Company:L"].strength == pytest.approx(0.7 * 0.7 * 0.85)
    assert by_intro["Company:L3"].strength == pytest.approx(0.6 * 0.9)


def test_an_exhausted_budget_returns_what_was_found(store) -> None:  # type: ignore[no-untyped-def]
    result = referral_paths(store, "Company:T", "37", k=5, context=ctx_of(store), budget_s=0.0)
    assert len(result.paths) <= 3
