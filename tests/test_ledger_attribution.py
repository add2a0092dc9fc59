"""The attribution ledger: first valid 备案 wins, the rest reported, rewards by brackets.

Rules of examples/rewards.toml: from 开工, on 实际投资额, nothing below 1 亿元, 3‰ up to
5 亿, 2‰ from 5 to 10 亿, 1‰ above, at most 200 万元. Hand-worked:
12 亿 → 150 + 100 + 20 = 270 万 → cap 200 万; 6.5 亿 → 150 + 30 = 180 万;
3 亿 → 90 万; exactly 1 亿 → 30 万; 0.8 亿 → 0 (below the threshold).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.app import app
from cli.common import loading
from graph.errors import LoadError
from graph.ledger import Introduction, Project
from graph.schema import Source
from graph.sqlite_store import SqliteStore
from queries.attribution import AttributionLedger, RewardRules, attribution, reward

ROOT = Path(__file__).resolve().parent.parent
RULES = RewardRules.load(ROOT / "examples" / "rewards.toml")
S = Source(dataset="t", file="t.csv", row=1)
YI = 100_000_000


def project(key: str, investor: str, stages: list[tuple[str, str]], invested: float) -> Project:
    return Project(
        id=f"Project:{key}",
        name=f"{key}项目",
        investor=investor,
        unit_id="Unit:广饶县",
        invested_yuan=Decimal(str(invested)) * YI,
        stages=[{"stage": s, "on": d} for s, d in stages],
        sources=[S],
    )


def filed(
    who: str, at: str, investor: str, project: str | None = None, person: bool = True
) -> Introduction:
    return Introduction(
        id=f"Introduction:{who}:{at}",
        name=f"备案：{investor}",
        filed_at=dt.datetime.fromisoformat(at),
        introducer=who,
        introducer_is_person=person,
        investor=investor,
        project_id=project,
        private=person,
        sources=[S],
    )


def ledger_nodes() -> list[Any]:
    return [
        project("A", "甲集团", [("签约", "2026-03-01"), ("开工", "2026-05-01")], 12),
        project("B", "乙公司", [("签约", "2026-02-01"), ("开工", "2026-04-01")], 3),
        project("C", "丙公司", [("签约", "2026-02-01"), ("开工", "2026-04-01")], 6.5),
        project("D", "丁公司", [("在谈", "2026-02-01")], 1),
        project("E", "戊公司", [("签约", "2026-02-01")], 5),
        project("F", "己公司", [("签约", "2026-02-01"), ("开工", "2026-03-01")], 0.8),
        filed("王小明", "2026-01-05T09:00", "甲集团", "Project:A"),
        filed("李四", "2026-01-20T10:00", "甲集团", "Project:A"),
        filed("王小明", "2026-02-01T10:00", "甲集团", "Project:A"),
        filed("赵六", "2026-03-01T08:00", "甲集团", "Project:A"),  # the signing day
        filed("张三", "2026-01-10T10:00", "乙公司", "Project:B"),
        filed("钱七", "2026-01-10T10:00", "乙公司", "Project:B"),  # the same minute
        filed("东营商会", "2026-01-02T09:00", "丙公司", person=False),  # by investor
        filed("孙八", "2026-01-15T09:00", "丁公司", "Project:D"),
        filed("周九", "2026-01-15T09:00", "戊公司", "Project:E"),
        filed("吴十", "2026-01-15T09:00", "己公司", "Project:F"),
        filed("郑一", "2026-01-15T09:00", "庚公司"),  # no such project
    ]


@pytest.fixture
def ledger() -> AttributionLedger:
    store = SqliteStore()
    store.upsert_nodes(ledger_nodes())
    return attribution(store, dt.date(2026, 5, 31), RULES)


def test_first_valid_filing_wins_and_the_rest_are_reported(ledger: AttributionLedger) -> None:
    a = [
        (f.introducer, f.status, f.reward_yuan)
        for f in ledger.filings
        if f.project_id == "Project:A"
    ]
    assert a == [
        ("王小明", "领先", Decimal("2000000.00")),  # 12 亿 → 270 万, capped at 200 万
        ("李四", "在后", None),
        ("王小明", "重复", None),
        ("赵六", "签约后备案", None),
    ]
    late = next(f for f in ledger.filings if f.introducer == "李四")
    assert late.reason == "王小明 已于 2026-01-05 09:00 先行备案"
    void = next(f for f in ledger.filings if f.introducer == "赵六")
    assert "不早于签约日 2026-03-01" in void.reason


def test_disputed_double_filing_has_no_winner(ledger: AttributionLedger) -> None:
    b = {f.introducer: f for f in ledger.filings if f.project_id == "Project:B"}
    assert {k: (f.status, f.reward_yuan) for k, f in b.items()} == {
        "张三": ("争议", None),
        "钱七": ("争议", None),
    }
    assert b["张三"].reason == "与 钱七 同时（2026-01-10 10:00）备案：待核定"


def test_rewards_by_bracket_and_stage(ledger: AttributionLedger) -> None:
    by_project = {f.project_id: f for f in ledger.filings if f.status == "领先"}
    c = by_project["Project:C"]  # matched through its investor
    assert (c.introducer, c.basis_yuan, c.reward_yuan) == (
        "东营商会",
        Decimal(650_000_000),
        Decimal("1800000.00"),
    )
    assert c.reason == "最先有效备案；5亿×0.003 + 1.5亿×0.002 = 180万元"
    assert by_project["Project:D"].reason == "最先有效备案；项目尚未签约"
    assert by_project["Project:E"].reason == "最先有效备案；项目尚未开工（现为 签约）"
    f = by_project["Project:F"]
    assert (f.reward_yuan, f.reason) == (
        Decimal("0.00"),
        "最先有效备案；0.8亿元 未达起奖门槛 1亿元",
    )
    [lost] = [x for x in ledger.filings if x.project_id is None]
    assert (lost.introducer, lost.status) == ("郑一", "未匹配项目")
    assert ledger.filings[-1] is lost  # unmatched last


@pytest.mark.parametrize(
    ("basis_yi", "expected"),
    [("12", "2000000.00"), ("6.5", "1800000.00"), ("3", "900000.00"), ("1", "300000.00"),
     ("0.99999999", "0.00"), ("10", "2000000.00"), ("7.5", "2000000.00"), ("7", "1900000.00")],
)  # fmt: skip
def test_brackets(basis_yi: str, expected: str) -> None:
    # 10 亿 → 150 + 100 = 250 万 → 200; 7.5 亿 → 150 + 50 = 200 (the cap exactly); 7 亿 → 190
    assert reward(Decimal(basis_yi) * YI, RULES)[0] == Decimal(expected)


def test_bad_rules_file(tmp_path: Path) -> None:
    bad = tmp_path / "r.toml"
    bad.write_text('name = "x"\nstage = "完工"\n[[brackets]]\nrate = 0.1\n', "utf-8")
    with pytest.raises(LoadError, match="stage"):
        RewardRules.load(bad)


def test_cli_masks_people_unless_asked(tmp_path: Path) -> None:
    graph = tmp_path / "g.db"
    with loading(graph) as (store, _):
        store.upsert_nodes(ledger_nodes())
    args = ["attribution", "-g", str(graph), "--rules", str(ROOT / "examples" / "rewards.toml"),
            "--as-of", "2026-05-31"]  # fmt: skip
    shown = CliRunner().invoke(app, [*args, "--json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    text = json.dumps(data, ensure_ascii=False)
    assert "王小明" not in text and "王**" in text and "东营商会" in text
    late = next(f for f in data["filings"] if f["introducer"] == "李*")
    assert late["reason"] == "王** 已于 2026-01-05 09:00 先行备案"
    private = CliRunner().invoke(app, [*args, "--include-private"])
    assert private.exit_code == 0 and "王小明" in private.stdout
    assert "奖励合计：380 万元" in private.stdout  # 200 + 180 + 0
