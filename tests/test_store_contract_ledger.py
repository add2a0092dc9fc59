"""The store contract for the 招商 ledger's nodes (graph.ledger), on every backend.

Expected values are worked out by hand from the merge rules: a project's stage history
is the union of every record's dated stages, ordered by date then stage; a unit's
yearly targets merge year by year; amounts come back as the exact decimals stored.
See :mod:`test_store_contract` for the Neo4j parameter's conditions.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from graph.ids import new_relation
from graph.schema import (
    Channel,
    Company,
    FairLead,
    Introduction,
    Mandate,
    NodeKind,
    Outing,
    Project,
    RelKind,
    Source,
    Stage,
    Unit,
)
from graph.store import Store, UpsertCounts

S1 = Source(dataset="test", file="项目.xlsx", row=2)
S2 = Source(dataset="test", file="项目.xlsx", row=3)
S3 = Source(dataset="cli", file="stage", row=0)


@pytest.fixture()
def store(empty_store: Store) -> Store:
    """An empty store of each backend (see ``empty_store`` in conftest)."""
    return empty_store


def project(stages: list[tuple[str, str]], source: Source = S1, **kw: Any) -> Project:
    return Project(
        id="Project:P001",
        name="年产10万吨锂电材料项目",
        stages=[{"stage": s, "on": d} for s, d in stages],
        sources=[source],
        **kw,
    )


def test_stage_history_is_a_union_never_overwritten(store: Store) -> None:
    first = project([("在谈", "2026-02-10")], amount_yuan=Decimal("1200000000"))
    assert store.upsert_nodes([first]) == UpsertCounts(created=1, updated=0)
    signed = project([("签约", "2026-04-01")], S2, amount_yuan=Decimal("1500000000"))
    assert store.upsert_nodes([signed]) == UpsertCounts(created=0, updated=1)
    # a third record repeats a stage and adds an earlier one
    late = project([("在谈", "2026-02-10"), ("线索", "2026-01-05")], S3)
    assert store.upsert_nodes([late]) == UpsertCounts(created=0, updated=1)
    assert store.upsert_nodes([late, signed]) == UpsertCounts(created=0, updated=0)
    got = store.get_node("Project:P001")
    assert isinstance(got, Project)
    assert [(e.stage, e.on) for e in got.stages] == [
        (Stage.LEAD, dt.date(2026, 1, 5)),
        (Stage.TALKS, dt.date(2026, 2, 10)),
        (Stage.SIGNED, dt.date(2026, 4, 1)),
    ]
    # a scalar keeps the first value stored (sources without revisions)
    assert got.amount_yuan == Decimal("1200000000")
    assert got.stage_on(dt.date(2026, 3, 31)) is Stage.TALKS
    assert got.signed_on() == dt.date(2026, 4, 1)
    assert got.sources == [S1, S2, S3]


def test_same_day_stages_keep_their_order(store: Store) -> None:
    # 开工 arrives first, 签约 of the same day second: 签约 still comes first
    store.upsert_nodes([project([("开工", "2026-05-20")])])
    store.upsert_nodes([project([("签约", "2026-05-20")], S2)])
    got = store.get_node("Project:P001")
    assert isinstance(got, Project)
    assert [e.stage.value for e in got.stages] == ["签约", "开工"]
    assert got.signed_on() == dt.date(2026, 5, 20)


def test_unit_targets_merge_year_by_year(store: Store) -> None:
    unit = Unit(
        id="Unit:广饶县",
        name="广饶县",
        unit_type="县区",
        region_code="370523",
        city_targets_yuan={"2026": Decimal("7200000000")},
        own_targets_yuan={"2026": Decimal("8000000000")},
        sources=[S1],
    )
    store.upsert_nodes([unit])
    earlier = Unit(
        id="Unit:广饶县",
        name="广饶县",
        city_targets_yuan={"2025": Decimal("6500000000")},
        sources=[S2],
    )
    assert store.upsert_nodes([earlier]) == UpsertCounts(created=0, updated=1)
    got = store.get_node("Unit:广饶县")
    assert isinstance(got, Unit)
    assert got.city_targets_yuan == {"2026": Decimal(7_200_000_000), "2025": Decimal(6_500_000_000)}
    assert got.own_targets_yuan == {"2026": Decimal(8_000_000_000)}
    assert got.unit_type == "县区" and got.region_code == "370523"


def test_ledger_records_round_trip(store: Store) -> None:
    firm = Company(id="Company:name:岚港锂能", name="岚港锂能科技股份有限公司", sources=[S1])
    unit = Unit(id="Unit:东营区", name="东营区", unit_type="县区", sources=[S1])
    proj = project(
        [("签约", "2026-03-02")],
        investor="岚港锂能科技股份有限公司",
        amount_yuan=Decimal("1.2E+9"),
    )
    outing = Outing(
        id="Outing:东营区:2026-03-15:深圳",
        name="东营区赴深圳招商",
        on=dt.date(2026, 3, 15),
        unit_id=unit.id,
        destination="深圳",
        people=4,
        firms_met=["岚港锂能科技股份有限公司", "某未知公司"],
        sources=[S1],
    )
    filed = Introduction(
        id="Introduction:abc",
        name="备案：岚港锂能科技股份有限公司",
        filed_at=dt.datetime(2026, 1, 8, 9, 30),
        introducer="王小明",
        investor="岚港锂能科技股份有限公司",
        investor_id=firm.id,
        project_id=proj.id,
        private=True,
        sources=[S1],
    )
    nodes = [firm, unit, proj, outing, filed]
    store.upsert_nodes(nodes)
    rels = [
        new_relation(RelKind.RESPONSIBLE_FOR, unit.id, proj.id, [S1]),
        new_relation(RelKind.INVESTOR_OF, firm.id, proj.id, [S1]),
        new_relation(RelKind.INTRODUCES, filed.id, proj.id, [S1]),
        new_relation(
            RelKind.CONTACTED, unit.id, firm.id, [S1], key=outing.id, since=outing.on, label="意向"
        ),
    ]
    assert store.upsert_relations(rels) == UpsertCounts(created=4, updated=0)
    for node in nodes:
        assert store.get_node(node.id) == node
    around = sorted((r.kind.value, other) for r, other in store.neighbours(proj.id, None, "in"))
    assert around == [
        ("INTRODUCES", filed.id),
        ("INVESTOR_OF", firm.id),
        ("RESPONSIBLE_FOR", unit.id),
    ]
    counts = store.count_nodes()
    assert {k: counts[k] for k in LEDGER} == dict.fromkeys(LEDGER, 1)
    raw = {d["id"]: d for d in store.raw_nodes()}
    # exact amounts and the stage history as the stored JSON form, the same on every store
    assert raw[proj.id]["stages"] == [{"stage": "签约", "on": "2026-03-02"}]
    assert raw[proj.id]["amount_yuan"] == "1200000000"
    assert raw["Introduction:abc"]["filed_at"] == "2026-01-08T09:30:00"


LEDGER = (NodeKind.PROJECT, NodeKind.UNIT, NodeKind.OUTING, NodeKind.INTRODUCTION)


def test_channels_mandates_and_fair_leads_round_trip(store: Store) -> None:
    firm = Company(id="Company:name:神州数码", name="神州数码集团股份有限公司", sources=[S1])
    unit = Unit(id="Unit:河口区", name="河口区", unit_type="县区", sources=[S1])
    envoy = Channel(
        id="Channel:河口区:张三",
        name="张三",
        channel_type="招商大使",
        unit_id=unit.id,
        region_codes=["11", "3702"],
        firms=["神州数码集团股份有限公司", "某未知公司"],
        firm_ids=[firm.id],
        appointed_on=dt.date(2026, 1, 6),
        sources=[S1],
    )
    agency = Channel(
        id="Channel:东营开发区:某某招商咨询有限公司",
        name="某某招商咨询有限公司",
        channel_type="代理机构",
        unit_id=unit.id,
        sources=[S1],
    )
    mandate = Mandate(
        id="Mandate:m1",
        name="河口区委托某某招商咨询有限公司",
        agency_id=agency.id,
        unit_id=unit.id,
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 12, 31),
        clusters=["新一代信息技术"],
        target_projects=3,
        target_yuan=Decimal("5E+8"),
        sources=[S1],
    )
    lead = FairLead(
        id="FairLead:x",
        name="数博会：神州数码集团股份有限公司",
        fair="数博会",
        held_on=dt.date(2026, 5, 26),
        place="贵阳",
        exhibitor="神州数码集团股份有限公司",
        firm_id=firm.id,
        unit_id=unit.id,
        sources=[S1],
    )
    nodes = [firm, unit, envoy, agency, mandate, lead]
    assert store.upsert_nodes(nodes) == UpsertCounts(created=6, updated=0)
    assert store.upsert_nodes(nodes) == UpsertCounts(created=0, updated=0)
    rels = [
        new_relation(RelKind.COVERS, envoy.id, firm.id, [S1]),
        new_relation(RelKind.LEAD_OF, lead.id, firm.id, [S1]),
    ]
    assert store.upsert_relations(rels) == UpsertCounts(created=2, updated=0)
    for node in nodes:
        assert store.get_node(node.id) == node
    # an ambassador is a person: private though the record did not say so
    assert envoy.private and not agency.private
    around = sorted((r.kind.value, other) for r, other in store.neighbours(firm.id, None, "in"))
    assert around == [("COVERS", envoy.id), ("LEAD_OF", lead.id)]
    raw = {d["id"]: d for d in store.raw_nodes()}
    assert raw[mandate.id]["target_yuan"] == "500000000"
    assert raw[mandate.id]["period_to"] == "2026-12-31"
    counts = store.count_nodes()
    assert counts[NodeKind.CHANNEL] == 2
    assert counts[NodeKind.MANDATE] == counts[NodeKind.FAIR_LEAD] == 1
