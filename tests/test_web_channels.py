"""Our channels in the web workspace: the /channels page and /api/channels.

The graph holds the channel ledger of ``tests/test_ledger_channels.py`` (its figures
worked by hand there): 河口区's ambassadors 张三 and 李四 and adviser 王五 are people.
The JSON must equal ``zhaoshang channels --as-of 2026-12-31 --json`` for a viewer and
the same with ``--include-private`` for an officer; a viewer reads no ambassador's
name, in the page or the JSON; an anonymous request gets nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.app import app as cli_app
from graph.store import open_store
from tests.test_ledger_channels import firms, load, write
from tests.web_graph import PASSWORD, login, table_rows
from web.app import create_app
from web.channel_pages import day_of
from web.users import UserStore, users_path

DAY = {"as_of": "2026-12-31"}
PEOPLE = ("张三", "李四", "王五")


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("channels-web")
    path = folder / "office.db"
    store = open_store(path)
    store.upsert_nodes(firms())
    load(write(folder / "tables"), store)
    store.save()
    store.close()
    users = UserStore(users_path(path))
    for role in ("viewer", "officer"):
        users.add_user(role, role, PASSWORD)
    return path


@pytest.fixture()
def client(graph: Path) -> Iterator[TestClient]:
    with TestClient(create_app(graph)) as c:
        yield c


def _cli(graph: Path, *extra: str) -> dict[str, object]:
    args = ["channels", "--as-of", "2026-12-31", "--json", "-g", str(graph), *extra]
    done = CliRunner().invoke(cli_app, args)
    assert done.exit_code == 0, done.output
    found: dict[str, object] = json.loads(done.stdout)
    return found


def test_anonymous_requests_get_nothing(client: TestClient) -> None:
    page = client.get("/channels", params=DAY, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")
    assert client.get("/api/channels", params=DAY).status_code == 401


def test_a_viewer_reads_no_ambassador_name(client: TestClient, graph: Path) -> None:
    assert login(client, "viewer") == 303
    answer = client.get("/api/channels", params=DAY)
    page = client.get("/channels", params=DAY)
    assert answer.status_code == page.status_code == 200
    assert answer.json() == _cli(graph)
    for name in PEOPLE:
        assert name not in answer.text and name not in page.text, name
    rows = table_rows(page.text, "own-channels")
    assert [r[0] for r in rows] == [c["name"] for c in answer.json()["own"]["channels"]]
    assert {"张*", "李*", "王*"} <= {r[0] for r in rows}
    # 张三's two winning 备案 (KF-06 1.5 亿, HK-03 8 亿), both signed: his row, masked
    assert ["张*", "招商大使", "河口区", "北京市、青岛市", "1", "2", "2", "9.5"] in rows
    assert table_rows(page.text, "mandates")[0][4:6] == ["1/3", "33.3%"]


def test_the_report_names_its_people_by_their_channel_ids(graph: Path) -> None:
    """``redact`` finds the ambassadors beside their channel ids, even without the
    report's own list of people."""
    from graph.privacy import people_in
    from graph.sqlite_store import SqliteStore
    from queries.channels import channel_report
    from tests.test_ledger_channels import DAY as DAY_

    found = channel_report(SqliteStore(graph), DAY_)
    assert people_in(found) == found.own.people() == {"张三", "李四", "王五"}


def test_an_officer_reads_the_names(client: TestClient, graph: Path) -> None:
    assert login(client, "officer") == 303
    answer = client.get("/api/channels", params=DAY).json()
    assert answer == _cli(graph, "--include-private")
    names = {c["name"] for c in answer["own"]["channels"]}
    assert set(PEOPLE) <= names
    assert "张三" in client.get("/channels", params=DAY).text


def test_a_bad_day_is_refused(client: TestClient) -> None:
    assert login(client, "viewer") == 303
    bad = client.get("/api/channels", params={"as_of": "2026-02-30"})
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.text
    assert str(day_of("")) != "" and str(day_of("2026-05-31")) == "2026-05-31"


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 岚港市 of ``tests/test_channel_paths.py`` (an office, an ambassador)."""
    from tests.test_channel_paths import build

    folder = tmp_path_factory.mktemp("channel-paths-web")
    path = folder / "city.db"
    store = build(open_store(path), folder / "tables")
    store.save()
    store.close()
    users = UserStore(users_path(path))
    for role in ("viewer", "officer"):
        users.add_user(role, role, PASSWORD)
    return path


def test_an_ambassador_path_is_for_officers_only(city: Path) -> None:
    """To Y only 刘明 → A → Y (0.3575), over his private COVERS: a viewer gets no path,
    in the page and the JSON, and no name; an officer gets the path. Both get the
    office's path to X (0.55), worked by hand in tests/test_channel_paths.py."""
    y = {"target": "上海乙电池有限公司", "home": "3799"}
    x = {"target": "北京星河智能科技有限公司", "home": "3799"}
    with TestClient(create_app(city)) as viewer:
        assert login(viewer, "viewer") == 303
        hidden = viewer.get("/api/introduce", params=y)
        page = viewer.get("/introduce", params={"q": y["target"], "home": "3799"})
        assert hidden.status_code == page.status_code == 200
        assert hidden.json()["paths"] == [] and hidden.json()["private_hint"] is True
        assert "刘" not in hidden.text and "刘明" not in page.text
        office = viewer.get("/api/introduce", params=x).json()["paths"][0]
        assert (office["introducer_name"], office["strength"]) == ("岚港市驻北京招商办事处", 0.55)
    with TestClient(create_app(city)) as officer:
        assert login(officer, "officer") == 303
        [path] = officer.get("/api/introduce", params=y).json()["paths"]
        assert (path["introducer_name"], path["strength"]) == ("刘明", 0.3575)
        page = officer.get("/introduce", params={"q": y["target"], "home": "3799"})
        assert "刘明" in page.text
