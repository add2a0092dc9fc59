"""The 调度 report on the speech-shaped ledger (tests/ledger_fixture.py), and the CLI's
one-record commands.

Hand-worked (亿元): 时序进度 on 2026-05-31 = 151 / 365 = 41.37 % → 41.4 %.
垦利区 10 / 42 = 23.81 % → 23.8, 10 / 75 = 13.3; 东营区 24.6 / 60 = 41.0 (below 41.37:
behind), 24.6 / 73 = 33.70 → 33.7; 广饶县 36 / 72 = 50.0, 36 / 80 = 45.0; 东营经济开发区
104 / 150 = 69.33 → 69.3, 104 / 160 = 65.0; 东营港开发区 203 / 200 = 101.5,
203 / 220 = 92.27 → 92.3. Totals: targets 524 and 608, 32 projects, 377.6 亿元,
377.6 / 524 = 72.06 → 72.1, 377.6 / 608 = 62.11 → 62.1, 在谈 2 + 1 + 1 = 4.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from ledger_fixture import write
from typer.testing import CliRunner

from cli.app import app
from graph.errors import UsageError
from graph.schema import NodeKind
from graph.sqlite_store import SqliteStore
from loaders.office.table_loader import load_dir
from queries.progress import ProgressReport, progress
from resolve.index import CompanyIndex

YI = Decimal(100_000_000)
runner = CliRunner()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> ProgressReport:
    store = SqliteStore()
    load_dir(write(tmp_path_factory.mktemp("ledger")), store, CompanyIndex())
    return progress(store, dt.date(2026, 1, 1), dt.date(2026, 5, 31))


def test_speech_figures(report: ProgressReport) -> None:
    rows = [
        (
            r.name,
            r.city_target_yuan / YI if r.city_target_yuan else None,
            r.own_target_yuan / YI if r.own_target_yuan else None,
            r.signed_count,
            r.signed_yuan / YI,
            r.city_rate_pct,
            r.own_rate_pct,
            r.talks_count,
            r.behind,
        )
        for r in [*report.units, report.total]
    ]
    D = Decimal
    assert rows == [
        ("垦利区", 42, 75, 1, 10, D("23.8"), D("13.3"), 0, True),
        ("东营区", 60, 73, 2, D("24.6"), D("41.0"), D("33.7"), 1, True),
        ("广饶县", 72, 80, 3, 36, D("50.0"), D("45.0"), 2, False),
        ("东营经济开发区", 150, 160, 14, 104, D("69.3"), D("65.0"), 1, False),
        ("东营港开发区", 200, 220, 12, 203, D("101.5"), D("92.3"), 0, False),
        ("合计", 524, 608, 32, D("377.6"), D("72.1"), D("62.1"), 4, False),
    ]
    assert report.time_pct == Decimal("41.4") and report.year == 2026
    # amounts summed exactly in 元
    assert report.total.signed_yuan == Decimal(37_760_000_000)


def test_reserve_by_stage_and_cluster(report: ProgressReport) -> None:
    reserve = {(r.stage.value, r.cluster): (r.count, r.amount_yuan / YI) for r in report.reserve}
    # 在谈 on 2026-05-31: GR-04 (no amount), GR-05 8亿, DY-03, KFQ-16 3亿
    assert reserve[("在谈", "新能源新材料")] == (2, 0)
    assert reserve[("在谈", "新一代信息技术")] == (1, 8)
    assert reserve[("在谈", "绿色化工")] == (1, 3)
    assert reserve[("开工", "高端装备")] == (1, 10)  # KL-01
    # 签约 in 高端装备: GR-01 20, GR-02 15.5, DY-02 6.6, KFQ-01..15 (104 + 9)
    assert reserve[("签约", "高端装备")] == (18, Decimal("155.1"))
    assert [r.stage.value for r in report.reserve] == sorted(
        (r.stage.value for r in report.reserve), key=["线索", "在谈", "签约", "开工", "投产"].index
    )


def test_period_bounds_signing_day(tmp_path: Path) -> None:
    store = SqliteStore()
    load_dir(write(tmp_path / "l"), store, CompanyIndex())
    # up to 2026-05-30: GR-03 (signed 05-31, 0.5亿) is not yet in; 时序进度 150/365
    may30 = progress(store, dt.date(2026, 1, 1), dt.date(2026, 5, 30))
    gr = next(r for r in may30.units if r.name == "广饶县")
    assert (gr.signed_count, gr.signed_yuan / YI) == (2, Decimal("35.5"))
    # 2025: only KFQ-15 (9亿, 2025-12-28); no 2025 targets, so no rates
    last = progress(store, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    kfq = next(r for r in last.units if r.name == "东营经济开发区")
    assert (kfq.signed_count, kfq.signed_yuan / YI, kfq.city_rate_pct, kfq.behind) == (
        1,
        9,
        None,
        None,
    )
    with pytest.raises(UsageError, match="晚于"):
        progress(store, dt.date(2026, 6, 1), dt.date(2026, 5, 31))


def test_cli_table_json_and_workbook(tmp_path: Path) -> None:
    data, graph, book = write(tmp_path / "d"), tmp_path / "g.db", tmp_path / "调度.xlsx"
    loaded = runner.invoke(app, ["load", "dir", str(data), "-g", str(graph)])
    assert loaded.exit_code == 0, loaded.output
    args = ["progress", "--from", "2026-01-01", "--to", "2026-05-31", "-g", str(graph)]
    shown = runner.invoke(app, [*args, "--xlsx", str(book)])
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert "时序进度 41.4%" in lines[0]
    first = next(i for i, line in enumerate(lines) if "垦利区" in line)
    assert lines[first].split() == ["垦利区", "县区", "42", "75", "1", "10", "23.8%", "13.3%",
                                    "0", "落后"]  # fmt: skip
    assert "东营区" in lines[first + 1] and "落后" in lines[first + 1]
    as_json = runner.invoke(app, [*args, "--json"])
    store = SqliteStore(graph)
    expected = progress(store, dt.date(2026, 1, 1), dt.date(2026, 5, 31)).model_dump(mode="json")
    assert json.loads(as_json.stdout) == expected
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["调度", "项目储备"]
    ws = wb["调度"]
    assert [c.value for c in ws[3]] == [1, "垦利区", "县区", 42, 75, 1, 10, 23.8, 13.3, 0, "落后"]
    assert ws.cell(3, 2).fill.fgColor.rgb.endswith("F8CBAD")  # behind: light red
    assert ws.cell(5, 2).fill.fgColor.rgb in ("00000000", None)  # 广饶县: on schedule
    assert [c.value for c in ws[8]][1:8] == ["合计", None, 524, 608, 32, 377.6, 72.1]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert (ws.row_dimensions[1].height, ws.row_dimensions[2].height) == (22.0, 32.0)
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_cli_record_stage_and_intro(tmp_path: Path) -> None:
    data, graph = write(tmp_path / "d"), tmp_path / "g.db"
    assert runner.invoke(app, ["load", "dir", str(data), "-g", str(graph)]).exit_code == 0
    base = ["-g", str(graph)]
    signed = runner.invoke(app, ["record", "stage", "GR-05", "签约", "--on", "2026-06-02", *base])
    assert signed.exit_code == 0, signed.output
    assert "数据中心项目：在谈 2026-05-05，签约 2026-06-02" in signed.stdout
    back = runner.invoke(
        app, ["record", "stage", "数据中心项目", "洽谈", "--on", "2026-06-05", *base]
    )
    assert back.exit_code == 1 and "阶段倒退" in back.stderr
    unknown = runner.invoke(app, ["record", "stage", "无此项目", "签约", *base])
    assert unknown.exit_code == 1 and "无此项目" in unknown.stderr
    bad_day = runner.invoke(app, ["record", "stage", "GR-05", "投产", "--on", "6月", *base])
    assert bad_day.exit_code == 2
    intro = ["record", "intro", "王小明", "某某集团", "--project", "GR-05", *base]
    early = runner.invoke(app, [*intro, "--at", "2026-01-03T10:00"])
    assert early.exit_code == 0 and "已备案：王** 引荐 某某集团" in early.stdout
    late = runner.invoke(app, [*intro, "--at", "2026-07-01", "--include-private"])
    assert late.exit_code == 0 and "王小明" in late.stdout and "不早于项目签约日" in late.stderr
    store = SqliteStore(graph)
    got = store.get_node("Project:GR-05")
    assert got is not None and [e.on.isoformat() for e in got.stages] == [  # type: ignore[attr-defined]
        "2026-05-05",
        "2026-06-02",
    ]
    assert len(list(store.nodes(NodeKind.INTRODUCTION))) == 2


def test_demo_ledger_agrees_with_a_recount_of_its_csv() -> None:
    folder = Path(__file__).resolve().parent.parent / "examples" / "demo" / "ledger"
    store = SqliteStore()
    report = load_dir(folder, store, CompanyIndex(), dataset="demo")
    assert [i for i in report.issues if i.severity == "error"] == []
    # the recount: each project's first 签约/开工/投产 row; amounts 'X亿', 'X亿元' or 万元
    first: dict[str, tuple[str, str, Decimal]] = {}
    with (folder / "招商项目.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["项目阶段"] in ("签约", "开工", "投产") and row["项目编号"] not in first:
                text = row["签约金额（万元）"]
                yi = (
                    Decimal(text.removesuffix("元").removesuffix("亿"))
                    if "亿" in text
                    else (Decimal(text) / 10_000)
                )
                first[row["项目编号"]] = (row["责任单位"], row["阶段日期"], yi)
    counted: dict[str, tuple[int, Decimal]] = {}
    for unit, on, yi in first.values():
        if "2026-01-01" <= on <= "2026-05-31":
            n, total = counted.get(unit, (0, Decimal(0)))
            counted[unit] = (n + 1, total + yi)
    got = progress(store, dt.date(2026, 1, 1), dt.date(2026, 5, 31))
    assert {r.name: (r.signed_count, r.signed_yuan / YI) for r in got.units if r.signed_count} == (
        counted
    )
    assert len({r.name for r in got.units}) == 6 and store.count_nodes()[NodeKind.PROJECT] == 60
