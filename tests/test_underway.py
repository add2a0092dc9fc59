"""What the office already has under way with a firm (issue 14, item 5).

A hand-made ledger: firm T invests in two projects — 高端轴承项目 of 广饶县 (在谈 on
2026-01-15, 签约 on 2026-02-10) and 储能电站项目 of 东营区 (在谈 on 2026-04-02); 东营区 met
T on 2026-03-02 (意向强) and again on 2026-06-10. Asked on 2026-05-31 the June meeting
does not count yet; asked on 2026-02-01 T is only 在谈 with 广饶县 and never met.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from cli.app import app
from graph.ledger import Project, Unit
from graph.schema import RelKind
from graph.store import open_store
from queries.underway import underway
from tests.builders import SRC, company, person, rel

MAY_31 = dt.date(2026, 5, 31)
T = "Company:T"


def build(path: Path) -> None:
    store = open_store(path)
    store.upsert_nodes(
        [
            company("L", "37", name="本地机械股份有限公司"),
            company("T", "44", name="远方电池股份有限公司"),
            company("Q", "44", name="安静科技有限公司"),
            person("李四"),
            Unit(id="Unit:广饶县", name="广饶县", unit_type="县区", sources=SRC),
            Unit(id="Unit:东营区", name="东营区", unit_type="县区", sources=SRC),
            Project(
                id="Project:GR-01",
                name="高端轴承项目",
                unit_id="Unit:广饶县",
                investor_id=T,
                amount_yuan=2_000_000_000,
                sources=SRC,
                stages=[
                    {"stage": "在谈", "on": "2026-01-15"},
                    {"stage": "签约", "on": "2026-02-10"},
                ],
            ),
            Project(
                id="Project:DY-03",
                name="储能电站项目",
                unit_id="Unit:东营区",
                investor_id=T,
                sources=SRC,
                stages=[{"stage": "在谈", "on": "2026-04-02"}],
            ),
        ]
    )
    store.upsert_relations(
        [
            rel(RelKind.OFFICER_OF, "Person:李四", "Company:L", roles=["董事长"]),
            rel(RelKind.OFFICER_OF, "Person:李四", T, roles=["董事"]),
            rel(RelKind.INVESTOR_OF, T, "Project:GR-01"),
            rel(RelKind.INVESTOR_OF, T, "Project:DY-03"),
            rel(RelKind.RESPONSIBLE_FOR, "Unit:广饶县", "Project:GR-01"),
            rel(RelKind.RESPONSIBLE_FOR, "Unit:东营区", "Project:DY-03"),
            rel(RelKind.CONTACTED, "Unit:东营区", T, key="o1", since="2026-03-02", label="意向强"),
            rel(RelKind.CONTACTED, "Unit:东营区", T, key="o2", since="2026-06-10", label="已回访"),
        ]
    )
    store.save()
    store.close()


def test_projects_latest_first_and_the_last_contact(tmp_path: Path) -> None:
    build(tmp_path / "g.db")
    store = open_store(tmp_path / "g.db")
    found = underway(store, [T, "Company:Q", "Company:L"], MAY_31)
    assert list(found) == [T]  # Q and L: nothing under way
    work = found[T]
    assert [(p.name, p.stage, p.since, p.unit) for p in work.projects] == [
        ("储能电站项目", "在谈", dt.date(2026, 4, 2), "东营区"),
        ("高端轴承项目", "签约", dt.date(2026, 2, 10), "广饶县"),
    ]
    assert work.signed and work.projects[1].amount_yuan == "2000000000"
    assert (work.last_contact_unit, work.last_contact_on, work.last_contact_outcome) == (
        "东营区",
        dt.date(2026, 3, 2),
        "意向强",
    )
    assert work.text == (
        "在谈：储能电站项目（东营区，2026-04-02 起）；签约：高端轴承项目（广饶县，2026-02-10）；"
        "最近接触：东营区 2026-03-02，意向强"
    )
    early = underway(store, [T], dt.date(2026, 2, 1))[T]
    assert early.text == "在谈：高端轴承项目（广饶县，2026-01-15 起）" and not early.signed


def test_introduce_says_what_is_under_way(tmp_path: Path) -> None:
    build(tmp_path / "g.db")
    runner = CliRunner()
    text = runner.invoke(
        app, ["introduce", "远方电池股份有限公司", "--home", "37", "-g", str(tmp_path / "g.db")]
    )
    assert text.exit_code == 0, text.output
    assert "已在进行：在谈：储能电站项目（东营区，2026-04-02 起）" in text.stdout
    as_json = runner.invoke(
        app,
        [
            "introduce",
            "远方电池股份有限公司",
            "--home",
            "37",
            "--json",
            "-g",
            str(tmp_path / "g.db"),
        ],
    )
    work = json.loads(as_json.stdout)["underway"]
    assert work["signed"] is True and [p["project"] for p in work["projects"]] == [
        "Project:DY-03",
        "Project:GR-01",
    ]
    # the ledger names no person: nothing to mask, the people on the path stay masked
    assert "李四" not in as_json.stdout
