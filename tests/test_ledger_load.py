"""Loading the 招商 ledger's tables: units and targets, projects, outings, 备案.

Figures are worked out by hand in :mod:`ledger_fixture`; each bad row is one report
line naming file, row and column, and the rest of the load goes on.
"""

from __future__ import annotations

import csv
import datetime as dt
import doctest
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from ledger_fixture import BAD_ROWS, write

import graph.ledger
import loaders.office.ledger_rows
from graph.schema import Company, Introduction, NodeKind, Outing, Project, RelKind, Source, Stage
from graph.schema import Unit as UnitNode
from graph.sqlite_store import SqliteStore
from loaders.office.ledger_mapping import LEDGER_TEMPLATE_FILES
from loaders.office.table_loader import load_dir
from loaders.office.templates import write_templates
from loaders.report import LoadReport
from resolve.index import CompanyIndex, company_id_for_name


def load(folder: Path, store: SqliteStore | None = None) -> tuple[SqliteStore, LoadReport]:
    store = store or SqliteStore()
    return store, load_dir(folder, store, CompanyIndex.from_store(store))


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def test_speech_fixture_loads_with_one_line_per_bad_row(tmp_path: Path) -> None:
    store, report = load(write(tmp_path / "ledger"))
    errors = {(i.file, i.row, i.field, i.code) for i in report.issues if i.severity == "error"}
    assert errors == {
        ("招商项目.csv", BAD_ROWS["unknown_unit"], "责任单位", "unknown_unit"),
        ("招商项目.csv", BAD_ROWS["stage_backwards"], "项目阶段", "stage_backwards"),
        ("招商项目.csv", BAD_ROWS["bad_amount"], "签约金额(万元)", "bad_amount"),
    }
    messages = {i.code: i.message for i in report.issues}
    assert "利津县" in messages["unknown_unit"] and "广饶县" in messages["unknown_unit"]
    assert "2026-02-10 已是「签约」" in messages["stage_backwards"]
    assert "约两三亿" in messages["bad_amount"]
    counts = store.count_nodes()
    # 5 units; 43 data rows − 3 bad = 40 rows of 37 projects (GR-01, GR-04, KL-01 twice)
    assert (counts[NodeKind.UNIT], counts[NodeKind.PROJECT]) == (5, 37)
    assert store.count_relations()[RelKind.RESPONSIBLE_FOR] == 37
    unit = store.get_node("Unit:广饶县")
    assert isinstance(unit, UnitNode)
    assert unit.city_targets_yuan == {"2026": Decimal(7_200_000_000)}
    assert unit.own_targets_yuan == {"2026": Decimal(8_000_000_000)}
    assert (unit.unit_type, unit.region_code) == ("县区", "370523")


def test_stage_history_and_exact_amounts(tmp_path: Path) -> None:
    store, _ = load(write(tmp_path / "ledger"))
    gr01 = store.get_node("Project:GR-01")
    assert isinstance(gr01, Project)
    # the backwards row (在谈 on 2026-04-01) is not in the history
    assert [(e.stage, e.on) for e in gr01.stages] == [
        (Stage.TALKS, dt.date(2026, 1, 15)),
        (Stage.SIGNED, dt.date(2026, 2, 10)),
    ]
    kl01 = store.get_node("Project:KL-01")
    assert isinstance(kl01, Project)
    assert kl01.stage_on(dt.date(2026, 5, 31)) is Stage.STARTED
    assert kl01.signed_on() == dt.date(2026, 3, 10)
    assert kl01.invested_yuan == Decimal(800_000_000)  # 80000 万元
    amounts = {
        n.id: n.amount_yuan
        for n in store.nodes(NodeKind.PROJECT)
        if isinstance(n, Project) and n.id.startswith("Project:KFQ-") and n.id <= "Project:KFQ-14"
    }
    assert amounts["Project:KFQ-01"] == Decimal(120_000_000)  # 1.2亿
    assert amounts["Project:KFQ-02"] == Decimal(50_000_000)  # 5000万元
    assert amounts["Project:KFQ-03"] == Decimal(300_000_000)  # 3亿元
    assert amounts["Project:KFQ-07"] == Decimal(1_230_000_000)  # 12.3亿
    assert sum(a for a in amounts.values() if a is not None) == Decimal(10_400_000_000)


def test_reload_changes_nothing(tmp_path: Path) -> None:
    folder = write(tmp_path / "ledger")
    store, _ = load(folder)
    before = sorted(str(d) for d in store.raw_nodes())
    load(folder, store)
    assert sorted(str(d) for d in store.raw_nodes()) == before


def test_amount_units_and_bad_amounts(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    write_csv(folder / "招商单位与目标.csv", [["单位名称", "单位类型"], ["广饶县", "县区"]])
    write_csv(
        folder / "招商项目.csv",
        [
            ["项目编号", "项目名称", "责任单位", "签约金额", "项目阶段", "阶段日期"],
            ["A", "甲", "广饶县", "5000", "签约", "2026-01-05"],  # no unit anywhere
            ["B", "乙", "广饶县", "5000万元", "签约", "2026-01-05"],
            ["C", "丙", "广饶县", "100万美元", "签约", "2026-01-05"],  # no rate is assumed
            ["D", "丁", "广饶县", "1.2亿", "推进中", "2026-01-05"],
            ["E", "戊", "广饶县", "1.2亿", "签约", ""],
        ],
    )
    store, report = load(folder)
    codes = {(i.row, i.code) for i in report.issues if i.severity == "error"}
    assert codes == {
        (2, "amount_without_unit"),
        (4, "bad_amount"),
        (5, "bad_stage"),
        (6, "missing_value"),
    }
    b = store.get_node("Project:B")
    assert isinstance(b, Project) and b.amount_yuan == Decimal(50_000_000)
    assert store.count_nodes()[NodeKind.PROJECT] == 1


def test_outings_and_introductions(tmp_path: Path) -> None:
    folder = write(tmp_path / "ledger")
    store = SqliteStore()
    firm = Company(
        id=company_id_for_name("岚港锂能科技股份有限公司"),
        name="岚港锂能科技股份有限公司",
        sources=[Source(dataset="t", file="f", row=1)],
    )
    store.upsert_nodes([firm])
    write_csv(
        folder / "外出招商.csv",
        [
            ["外出日期", "外出单位", "目的地", "人数", "拜访企业", "对接成效"],
            ["2026-03-15", "东营区", "深圳", "4人", "岚港锂能科技股份有限公司；某未知公司", "意向"],
            ["2026-03-20", "利津县", "上海", "3", "", ""],
            ["2026-03-21", "广饶县", "北京", "0", "", ""],
        ],
    )
    write_csv(
        folder / "引荐备案.csv",
        [
            ["备案时间", "引荐人", "引荐人类型", "被引荐企业", "项目编号"],
            ["2026-01-08 09:30", "王小明", "个人", "岚港锂能科技股份有限公司", "GR-01"],
            ["2026-02-10", "李四", "", "某某集团", "GR-01"],  # on the signing day
            ["2026-03-01", "东营商会", "机构", "某某集团", "XX-99"],  # unknown project
        ],
    )
    _, report = load(folder, store)
    issues = {(i.file, i.row, i.code, i.severity) for i in report.issues}
    assert ("外出招商.csv", 3, "unknown_unit", "error") in issues
    assert ("外出招商.csv", 4, "bad_people", "error") in issues
    assert ("外出招商.csv", 2, "firm_not_in_graph", "warning") in issues
    assert ("引荐备案.csv", 3, "filed_after_signing", "warning") in issues
    assert ("引荐备案.csv", 4, "unknown_project", "warning") in issues
    [outing] = list(store.nodes(NodeKind.OUTING))
    assert isinstance(outing, Outing) and (outing.people, outing.destination) == (4, "深圳")
    [contact] = list(store.relations(RelKind.CONTACTED))
    assert (contact.src, contact.dst, contact.since, contact.label) == (
        "Unit:东营区",
        firm.id,
        dt.date(2026, 3, 15),
        "意向",
    )
    filed = {n.introducer: n for n in store.nodes(NodeKind.INTRODUCTION)}
    assert isinstance(filed["王小明"], Introduction)
    first = filed["王小明"]
    assert isinstance(first, Introduction)
    assert first.filed_at == dt.datetime(2026, 1, 8, 9, 30)
    assert (first.project_id, first.investor_id, first.private) == ("Project:GR-01", firm.id, True)
    company = filed["东营商会"]
    assert isinstance(company, Introduction)
    assert (company.project_id, company.introducer_is_person) == (None, False)
    assert store.count_relations()[RelKind.INTRODUCES] == 2


def test_ledger_templates_filled_in_load_back(tmp_path: Path) -> None:
    written = {p.name for p in write_templates(tmp_path)}
    assert set(LEDGER_TEMPLATE_FILES.values()) <= written
    rows = {
        "unit": ["广饶县", "县区", "370523", "2026", 72, 80],
        "project": ["GR-01", "高端轴承项目", "某某集团", "广饶县", "高端装备", None, 200000,
                    50000, "签约", "2026-02-10"],
        "outing": [None, "2026-03-15", "广饶县", "北京", 3, None, None],
        "introduction": ["2026-01-08 09:30", "王小明", "个人", "某某集团", "GR-01"],
    }  # fmt: skip
    headers = {}
    for kind, values in rows.items():
        path = tmp_path / LEDGER_TEMPLATE_FILES[kind]
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames == ["数据", "填写说明"]
        headers[kind] = [c.value for c in wb["数据"][1]]
        wb["数据"].append(values)
        wb.save(path)
    assert headers["unit"][4:] == ["任务目标（亿元）", "自定目标（亿元）"]
    assert headers["project"][6:8] == ["签约金额（万元）", "实际投资额（万元）"]
    store, report = load(tmp_path)
    assert [i for i in report.issues if i.severity == "error"] == []
    unit = store.get_node("Unit:广饶县")
    assert isinstance(unit, UnitNode) and unit.own_targets_yuan == {"2026": Decimal(8_000_000_000)}
    project = store.get_node("Project:GR-01")
    assert isinstance(project, Project)
    assert project.amount_yuan == Decimal(2_000_000_000)  # 200000 万元
    assert project.invested_yuan == Decimal(500_000_000)
    assert store.count_nodes()[NodeKind.OUTING] == 1
    assert store.count_nodes()[NodeKind.INTRODUCTION] == 1


@pytest.mark.parametrize("module", [graph.ledger, loaders.office.ledger_rows])
def test_doctests(module: object) -> None:
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]
