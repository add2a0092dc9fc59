"""Our channels as introducers: an office's and an ambassador's COVERS ties on paths.

A hand-made 岚港市 (3799) on both stores. Units: 港城区 (379902) and 临澜县 (no code
in its row). Channels: 临澜县's 岚港市驻北京招商办事处 covers 北京市 and the firm X
(北京星河智能科技有限公司) since 2024-03-01; 港城区's 招商大使 刘明 covers 上海市 and the
firm A (上海甲新材料有限公司) since 2025-10-08 — a person: his COVERS is private.
Ties: 王董 is 董事 of the local firm L (岚港锂能, 379902) and 独立董事 of X; A and Y
(上海乙电池有限公司) are a 合资. Z (北京远望装备有限公司) is in 北京市 and nobody's firm.

Worked by hand from ``queries/ties.toml`` (no tie is dated but the COVERS ones, which
are states since their 聘任日期 and do not decay; confidence 1.0; no hub: 7 tied
nodes, hub limit 20):

- to X: 驻北京办事处 → X, COVERS 0.55; then L → 王董 → X, 董事 0.7 × 独立董事 0.5 = 0.35;
- to Y: nothing without private ties (A is reached only over the ambassador's private
  COVERS), and the answer says --include-private may find one; with them 刘明 → A → Y,
  0.55 × 合资 0.65 = 0.3575 (强, ≥ 0.3);
- to Z: no path — covering 北京市 is a note (本市渠道：…（覆盖北京市）), not a tie to every
  firm of Beijing.

Our side: the office's unit has no code, so the office is ours whatever the home; the
ambassador works for 379902, so he is ours for 37, 3799 and 379902 but not for 379921.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from graph.privacy import redact
from graph.schema import Company, Person, RelKind, Source
from graph.sqlite_store import SqliteStore
from graph.store import Store
from loaders.office.table_loader import load_dir
from queries.paths import SearchContext, referral_paths
from queries.ties import TieModel, build_tie_graph
from queries.underway import underway
from resolve.index import CompanyIndex, company_id_for_name
from tests.builders import region, rel

HOME = "3799"
SRC = [Source(dataset="test", file="firms", row=1)]
FIRMS = {
    "L": ("岚港锂能科技股份有限公司", "379902"),
    "X": ("北京星河智能科技有限公司", "11"),
    "Z": ("北京远望装备有限公司", "11"),
    "A": ("上海甲新材料有限公司", "31"),
    "Y": ("上海乙电池有限公司", "31"),
}
IDS = {k: company_id_for_name(name) for k, (name, _) in FIRMS.items()}
TABLES = {
    "招商单位与目标.csv": [
        ["单位名称", "单位类型", "行政区划代码", "年度", "任务目标（亿元）", "自定目标（亿元）"],
        ["港城区", "县区", "379902", "2026", "60", "70"],
        ["临澜县", "县区", "", "2026", "45", "55"],
    ],
    "招商渠道.csv": [
        ["渠道名称", "渠道类型", "所属单位", "覆盖地区", "联系企业", "聘任日期"],
        ["岚港市驻北京招商办事处", "驻外办事处", "临澜县", "北京市", FIRMS["X"][0], "2024-03-01"],
        ["刘明", "招商大使", "港城区", "上海市", FIRMS["A"][0], "2025-10-08"],
    ],
}
OFFICE = "Channel:临澜县:驻外办事处:岚港市驻北京招商办事处"


def build(store: Store, folder: Path) -> Store:
    """Firms, 王董's seats and the 合资 in ``store``, then the ledger tables loaded."""
    store.upsert_nodes(
        [
            Company(id=IDS[k], name=name, region_code=code, sources=SRC)
            for k, (name, code) in FIRMS.items()
        ]
        + [Person(id="Person:王董", name="王董", sources=SRC), region(HOME, "岚港市")]
    )
    store.upsert_relations(
        [
            rel(RelKind.OFFICER_OF, "Person:王董", IDS["L"], roles=["董事"]),
            rel(RelKind.OFFICER_OF, "Person:王董", IDS["X"], roles=["独立董事"]),
            rel(RelKind.PARTNERS_WITH, IDS["A"], IDS["Y"], label="合资"),
        ]
    )
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in TABLES.items():
        with (folder / name).open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    report = load_dir(folder, store, CompanyIndex.from_store(store), dataset="test")
    assert [i for i in report.issues if i.severity == "error"] == []
    return store


def _ambassador(store: Store) -> str:
    [found] = [n.id for n in store.nodes() if n.name == "刘明"]
    return found


def test_an_office_is_an_introducer_ranked_with_the_others(
    tmp_path: Path, empty_store: Store
) -> None:
    store = build(empty_store, tmp_path / "ledger")
    found = referral_paths(store, IDS["X"], HOME)
    assert [(p.nodes, p.strength) for p in found.paths] == [
        ([OFFICE, IDS["X"]], 0.55),
        ([IDS["L"], "Person:王董", IDS["X"]], 0.35),
    ]
    office = found.paths[0]
    assert (office.introducer_name, office.introducer_kind) == ("岚港市驻北京招商办事处", "Channel")
    [hop] = office.hops
    assert hop.relation == "COVERS" and hop.since is not None and str(hop.since) == "2024-03-01"
    assert hop.sentence == (
        "2024 年起，岚港市驻北京招商办事处 负责联系 北京星河智能科技有限公司"
        "（来源：test/招商渠道.csv:2；2024-03-01）"
    )
    assert [s.introducer for s in found.introducers] == [OFFICE, IDS["L"]]


def test_an_ambassador_path_is_walked_only_with_private_ties(
    tmp_path: Path, empty_store: Store
) -> None:
    store = build(empty_store, tmp_path / "ledger")
    hidden = referral_paths(store, IDS["Y"], HOME)
    assert (hidden.paths, hidden.private_hint) == ([], True)
    ctx = SearchContext.build(store, HOME, include_private=True)
    shown = referral_paths(store, IDS["Y"], HOME, context=ctx)
    amb = _ambassador(store)
    [path] = shown.paths
    assert (path.nodes, path.strength, path.strength_word) == (
        [amb, IDS["A"], IDS["Y"]],
        0.3575,
        "强",
    )
    assert path.introducer_name == "刘明" and path.hops[0].relation == "COVERS"
    # should such a path reach an output without --include-private, the name is masked
    masked = redact(shown).model_dump_json()
    assert "刘明" not in masked and "刘*" in masked


def test_a_covered_region_is_a_note_not_a_tie(tmp_path: Path, empty_store: Store) -> None:
    store = build(empty_store, tmp_path / "ledger")
    private = SearchContext.build(store, HOME, include_private=True)
    assert referral_paths(store, IDS["Z"], HOME, context=private).paths == []
    note = underway(store, [IDS["Z"]], private.as_of)[IDS["Z"]]
    assert note.channels == ["岚港市驻北京招商办事处（覆盖北京市）"]


@pytest.mark.parametrize(
    ("home", "ours"),
    [("37", {"office", "amb"}), ("3799", {"office", "amb"}), ("379902", {"office", "amb"}),
     ("379921", {"office"}), ("11", {"office"})],
)  # fmt: skip
def test_whose_side_a_channel_is_on(tmp_path: Path, home: str, ours: set[str]) -> None:
    store = build(SqliteStore(None), tmp_path / "ledger")
    names = {OFFICE: "office", _ambassador(store): "amb"}
    for private in (False, True):
        ctx = SearchContext.build(store, home, include_private=private)
        assert {names[n] for n in ctx.ours if n in names} == ours
        graph = build_tie_graph(store, TieModel.load(), ctx.as_of, private)
        assert {names[n] for n in graph.our_side(home) if n in names} == ours


runner = CliRunner()


@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["text", "json"])
def test_cli_hides_the_ambassador_without_include_private(
    tmp_path: Path, json_flag: list[str]
) -> None:
    store = build(SqliteStore(tmp_path / "g.db"), tmp_path / "ledger")
    store.save()
    base = ["introduce", FIRMS["Y"][0], "-g", str(tmp_path / "g.db"), "--home", HOME, *json_flag]
    hidden = runner.invoke(app, base, env={"COLUMNS": "200"})
    assert hidden.exit_code == 0, hidden.output
    assert "刘" not in hidden.stdout and "港城区招商大使（覆盖上海市）" in hidden.stdout
    shown = runner.invoke(app, [*base, "--include-private"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "刘明" in shown.stdout
    if not json_flag:
        assert "--include-private" in hidden.stdout
    if json_flag:
        assert json.loads(hidden.stdout)["paths"] == []
        assert json.loads(hidden.stdout)["private_hint"] is True
        [path] = json.loads(shown.stdout)["paths"]
        assert [h["relation"] for h in path["hops"]] == ["COVERS", "PARTNERS_WITH"]
    office = runner.invoke(app, [*base[:1], FIRMS["X"][0], *base[2:]], env={"COLUMNS": "200"})
    assert office.exit_code == 0, office.output
    assert "岚港市驻北京招商办事处" in office.stdout


def test_the_demo_city_reaches_firms_through_its_channels() -> None:
    """``zhaoshang demo`` loads the ledger before searching: 临澜县's 驻上海办事处 covers
    霁川化工 since 2024-03-01 (0.55, ahead of 岚港滨海化工's 合作 0.45); 港城区's
    ambassador 刘明 covers 嵘岳机械 since 2025-10-08 (0.55, fourth after the 合资 0.65,
    the 供货 液压件 0.6 and 上海衡策's SERVES 0.6), only with private ties walked."""
    from loaders.office.csv_folder import load_folder
    from queries.view import find_company

    demo = Path(__file__).resolve().parent.parent / "examples" / "demo"
    store = SqliteStore()
    load_folder(demo, store, CompanyIndex.from_store(store), dataset="demo")
    load_dir(demo / "ledger", store, CompanyIndex.from_store(store), dataset="demo")
    found = referral_paths(store, find_company(store, "霁川化工"), HOME, k=3)
    assert [(p.introducer_name, p.strength) for p in found.paths[:2]] == [
        ("岚港市驻上海招商办事处", 0.55),
        ("岚港滨海化工", 0.45),
    ]
    target = find_company(store, "嵘岳机械")
    public = referral_paths(store, target, HOME, k=5)
    assert "刘明" not in {p.introducer_name for p in public.paths}
    ctx = SearchContext.build(store, HOME, include_private=True)
    private = referral_paths(store, target, HOME, k=5, context=ctx)
    assert [p.strength for p in private.paths[:4]] == [0.65, 0.6, 0.6, 0.55]
    assert private.paths[3].introducer_name == "刘明"


@pytest.mark.neo4j
def test_both_stores_and_the_snapshot_give_one_answer(tmp_path: Path) -> None:
    """The same ledger on SQLite (snapshot on disk) and Neo4j (snapshot from one
    streaming read): equal answers to X, Y (private and not) and Z, equal channel
    reports, and the snapshot's our side equal to the dict tie graph's."""
    from conftest import neo4j_store

    from queries.channels import channel_report

    local = build(SqliteStore(tmp_path / "g.db"), tmp_path / "a")
    local.save()
    remote = neo4j_store()
    remote.clear()
    try:
        build(remote, tmp_path / "b")
        for private in (False, True):
            ctx = {
                s: SearchContext.build(s, HOME, include_private=private) for s in (local, remote)
            }
            assert ctx[local].ours == ctx[remote].ours
            graph = build_tie_graph(local, TieModel.load(), ctx[local].as_of, private)
            assert ctx[local].ours == frozenset(graph.our_side(HOME) & set(ctx[local].arrays.ids))
            for key in ("X", "Y", "Z"):
                answers = [
                    referral_paths(s, IDS[key], HOME, context=ctx[s]).model_dump(mode="json")
                    for s in (local, remote)
                ]
                assert answers[0] == answers[1], key
        day = ctx[local].as_of
        assert channel_report(local, day) == channel_report(remote, day)
    finally:
        remote.clear()
