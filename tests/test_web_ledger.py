"""The 招商 ledger in the web workspace: the 调度 page, its JSON and its workbook.

The graph holds the speech-shaped ledger of ``tests/ledger_fixture.py``; the expected
figures are the ones worked out by hand there (and asserted for the library in
``tests/test_ledger_progress.py``); the JSON must equal ``zhaoshang progress --json``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.app import app as cli_app
from graph.store import open_store
from loaders.office.table_loader import load_dir
from queries.progress import yi
from resolve.index import CompanyIndex
from tests.ledger_fixture import write
from tests.web_graph import PASSWORD, login, table_rows
from web.app import create_app
from web.ledger_pages import period
from web.users import UserStore, users_path

PERIOD = {"date_from": "2026-01-01", "date_to": "2026-05-31"}


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ledger-web")
    path = folder / "office.db"
    store = open_store(path)
    load_dir(write(folder / "tables"), store, CompanyIndex())
    store.save()
    store.close()
    users = UserStore(users_path(path))
    for role in ("viewer", "admin"):
        users.add_user(role, role, PASSWORD)
    return path


@pytest.fixture()
def client(graph: Path) -> Iterator[TestClient]:
    with TestClient(create_app(graph)) as c:
        yield c


def test_the_table_a_viewer_sees(client: TestClient) -> None:
    assert login(client, "viewer") == 303
    page = client.get("/progress", params=PERIOD)
    assert page.status_code == 200
    assert "时序进度 41.4%（2026 年目标）" in page.text
    assert table_rows(page.text, "progress-table") == [
        ["垦利区", "县区", "42", "75", "1", "10", "23.8%", "13.3%", "0", "落后"],
        ["东营区", "县区", "60", "73", "2", "24.6", "41.0%", "33.7%", "1", "落后"],
        ["广饶县", "县区", "72", "80", "3", "36", "50.0%", "45.0%", "2", "正常"],
        ["东营经济开发区", "开发区", "150", "160", "14", "104", "69.3%", "65.0%", "1", "正常"],
        ["东营港开发区", "开发区", "200", "220", "12", "203", "101.5%", "92.3%", "0", "正常"],
        ["合计", "", "524", "608", "32", "377.6", "72.1%", "62.1%", "4", "正常"],
    ]
    # the two units behind schedule are marked rows
    assert page.text.count('<tr class="gap">') == 2
    # the reserve gaps: the clusters the projects name, as the JSON has them
    data = client.get("/api/progress", params=PERIOD).json()
    assert len(data["clusters"]) == 5  # 高端装备, 绿色化工, 新能源新材料, 新一代信息技术, 医养健康
    assert table_rows(page.text, "reserve-gaps") == [
        [
            c["cluster"],
            str(c["leads"]),
            str(c["talks"]),
            yi(Decimal(c["amount_yuan"])),
            c["gap"] or "",
        ]
        for c in data["clusters"]
    ]
    assert page.text.count('<tr class="gap short">') == sum(1 for c in data["clusters"] if c["gap"])
    chart = json.loads(page.text.split('id="progress-chart-data">', 1)[1].split("</script>", 1)[0])
    assert chart["time"] == 41.4 and chart["city"][:2] == [23.8, 41.0]


def test_json_equals_the_cli(client: TestClient, graph: Path) -> None:
    assert login(client, "viewer") == 303
    answer = client.get("/api/progress", params=PERIOD).json()
    cli = CliRunner().invoke(
        cli_app,
        ["progress", "--from", "2026-01-01", "--to", "2026-05-31", "--json", "-g", str(graph)],
    )
    assert cli.exit_code == 0, cli.output
    assert answer == json.loads(cli.stdout)
    assert answer["total"]["signed_yuan"] == "37760000000"


def test_workbook_download_is_audited(client: TestClient) -> None:
    assert login(client, "admin") == 303
    answer = client.get("/progress.xlsx", params=PERIOD)
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content))["调度"]
    assert str(sheet["A1"].value).startswith("招商工作调度表（2026-01-01 至 2026-05-31")
    assert "招商调度表 2026-01-01 至 2026-05-31" in client.get("/audit").text


def test_period_defaults_and_bad_dates(client: TestClient) -> None:
    assert period("", "", today=dt.date(2026, 7, 9)) == (dt.date(2026, 1, 1), dt.date(2026, 7, 9))
    assert login(client, "viewer") == 303
    bad = client.get("/api/progress", params={"date_from": "2026-13-01"})
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.text
    backwards = client.get(
        "/api/progress", params={"date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert backwards.status_code == 422 and "早于起始日期" in backwards.text


def test_the_board_of_the_speech_ledger(client: TestClient, graph: Path) -> None:
    """Worked out from tests/ledger_fixture.py on 2026-05-31: 签约 = 广饶县 3 + 东营区 2 +
    开发区 14 (+ KFQ-15, signed in 2025) + 港区 12 = 32; 开工 = KL-01; 在谈 = GR-04 (洽谈
    2026-03-01), GR-05, DY-03, KFQ-16; the bad rows (LJ-01, DY-04) are not loaded."""
    assert login(client, "viewer") == 303
    board = client.get("/api/board", params={"as_of": "2026-05-31"}).json()
    counts = {c["stage"]: c["count"] for c in board["columns"]}
    assert counts == {"线索": 0, "在谈": 4, "签约": 32, "开工": 1, "投产": 0}
    talks = next(c for c in board["columns"] if c["stage"] == "在谈")
    assert [(p["name"], p["since"]) for p in talks["cards"]] == [
        ("数据中心项目", "2026-05-05"),
        ("储能电站项目", "2026-04-02"),
        ("新材料中试基地", "2026-03-01"),
        ("在谈项目", "2026-02-14"),
    ]
    # 广饶县: GR-01 20亿 + GR-02 15.5亿 + GR-03 5000万元 = 36亿 signed; GR-04, GR-05 在谈
    gr = client.get("/api/board", params={"as_of": "2026-05-31", "unit": "广饶县"}).json()
    signed = next(c for c in gr["columns"] if c["stage"] == "签约")
    assert [p["project"] for p in signed["cards"]] == [
        "Project:GR-03",
        "Project:GR-02",
        "Project:GR-01",
    ]
    assert signed["amount_yuan"] == "3600000000"
    # on 2026-02-15 only GR-01 (签约 02-10) and GR-04 (线索 02-01) had begun
    early = client.get("/api/board", params={"as_of": "2026-02-15", "unit": "广饶县"}).json()
    assert {c["stage"]: [p["project"] for p in c["cards"]] for c in early["columns"]} == {
        "线索": ["Project:GR-04"],
        "在谈": [],
        "签约": ["Project:GR-01"],
        "开工": [],
        "投产": [],
    }
    cli = CliRunner().invoke(
        cli_app,
        ["board", "--as-of", "2026-05-31", "--unit", "广饶县", "--json", "-g", str(graph)],
    )
    assert cli.exit_code == 0, cli.output
    assert gr == json.loads(cli.stdout)
    text = CliRunner().invoke(cli_app, ["board", "--as-of", "2026-05-31", "-g", str(graph)])
    assert "签约：32 个项目" in text.stdout
