"""Which channels convert (issue 14, item 5): 备案 → signed projects by channel and tie.

Hand-made ledger, asked on 2026-05-31:
- 深圳岚港商会 (an 异地商会) filed first for P1 (远方电池 invests 10 亿, signed
  2026-03-01) and for P2 (远方电池 again, only 在谈): 2 备案, 1 signed, 50.0 %, 10 亿;
  远方电池 is a member of the chamber (MEMBER_OF), so the tie 会员 counts twice;
- 王五, a person, filed first for P3 (5 亿, signed 2026-04-10): 1, 1, 100.0 %, 5 亿;
  a person's ties are not looked up;
- 本地机械 (a firm) filed first for P4 (2 亿, signed 2026-06-20, after the day asked)
  and supplies its investor 远方材料 (SUPPLIES): 1 备案, 0 signed, 0.0 %, 0, 供货 1;
- 王五 filed for P1 too, later than the chamber: not a winning 备案, not counted.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from cli.app import app
from graph.ledger import Introduction, Project
from graph.schema import Intermediary, RelKind
from graph.store import open_store
from queries.channels import channel_report
from tests.builders import SRC, company, rel

DAY = dt.date(2026, 5, 31)
YI = 100_000_000


def _project(key: str, investor: str, amount: int, stages: list[tuple[str, str]]) -> Project:
    return Project(
        id=f"Project:{key}",
        name=f"{key}项目",
        investor_id=investor,
        amount_yuan=amount * YI,
        sources=SRC,
        stages=[{"stage": s, "on": on} for s, on in stages],
    )


def _intro(key: str, at: str, who: str, person: bool, investor: str, project: str) -> Introduction:
    return Introduction(
        id=f"Introduction:{key}",
        name=f"备案{key}",
        sources=SRC,
        filed_at=dt.datetime.fromisoformat(at),
        introducer=who,
        introducer_is_person=person,
        investor=investor,
        investor_id=investor,
        project_id=f"Project:{project}",
    )


def build(path: Path) -> None:
    store = open_store(path)
    chamber = Intermediary(
        id="Intermediary:c", name="深圳岚港商会", intermediary_type="chamber", sources=SRC
    )
    store.upsert_nodes(
        [
            company("L", "37", name="本地机械"),
            company("T", "44", name="远方电池"),
            company("M", "44", name="远方材料"),
            chamber,
            _project("P1", "Company:T", 10, [("在谈", "2026-01-05"), ("签约", "2026-03-01")]),
            _project("P2", "Company:T", 3, [("在谈", "2026-02-01")]),
            _project("P3", "Company:M", 5, [("签约", "2026-04-10")]),
            _project("P4", "Company:M", 2, [("在谈", "2026-03-01"), ("签约", "2026-06-20")]),
            _intro("1", "2026-01-02T09:00", "深圳岚港商会", False, "Company:T", "P1"),
            _intro("2", "2026-01-20T09:00", "深圳岚港商会", False, "Company:T", "P2"),
            _intro("3", "2026-02-01T09:00", "王五", True, "Company:M", "P3"),
            _intro("4", "2026-02-15T09:00", "本地机械", False, "Company:M", "P4"),
            _intro("5", "2026-01-03T09:00", "王五", True, "Company:T", "P1"),
        ]
    )
    store.upsert_relations(
        [
            rel(RelKind.MEMBER_OF, "Company:T", "Intermediary:c"),
            rel(RelKind.SUPPLIES, "Company:L", "Company:M"),
        ]
    )
    store.save()
    store.close()


def test_channels_by_hand(tmp_path: Path) -> None:
    build(tmp_path / "g.db")
    report = channel_report(open_store(tmp_path / "g.db"), DAY)
    rows = [
        (r.channel, r.filings, r.signed, r.rate_pct, r.signed_yuan, r.ties) for r in report.rows
    ]
    assert rows == [
        ("异地商会", 2, 1, Decimal("50.0"), Decimal(10 * YI), {"会员": 2}),
        ("社会引荐人（个人）", 1, 1, Decimal("100.0"), Decimal(5 * YI), {}),
        ("企业（以商招商）", 1, 0, Decimal("0.0"), Decimal(0), {"供货": 1}),
    ]
    # a month later P4 is signed too
    later = channel_report(open_store(tmp_path / "g.db"), dt.date(2026, 6, 30))
    firm = next(r for r in later.rows if r.channel == "企业（以商招商）")
    assert (firm.signed, firm.rate_pct, firm.signed_yuan) == (1, Decimal("100.0"), Decimal(2 * YI))


def test_channels_cli(tmp_path: Path) -> None:
    build(tmp_path / "g.db")
    runner = CliRunner()
    args = ["channels", "--as-of", "2026-05-31", "-g", str(tmp_path / "g.db")]
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "异地商会" in table.stdout and "50.0%" in table.stdout and "会员 2" in table.stdout
    assert "王五" not in table.stdout  # a person is a channel, never named
    data = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert [r["signed_yuan"] for r in data["rows"]] == ["1000000000", "500000000", "0"]
