"""What the web workspace answers (issue 15), on the hand-made graph of tests/web_graph.py.

Expected values are worked out by hand from ``queries/ties.toml`` (董事长 0.9, 董事 0.7,
总经理 0.85, KNOWS 0.6, 合资 0.65; no hub, no date, confidence 1); the JSON endpoints
are compared with the CLI's ``--json`` output for the same question.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.app import app as cli_app
from graph.store import open_store
from tests.web_graph import XSS, build_graph, csrf_of, login
from web.app import create_app
from web.render import strength_words
from web.users import UserStore, users_path

runner = CliRunner()


@pytest.fixture()
def paths(tmp_path: Path) -> tuple[Path, Path]:
    return build_graph(tmp_path)


@pytest.fixture()
def client(paths: tuple[Path, Path]) -> Iterator[TestClient]:
    graph, clusters = paths
    with TestClient(create_app(graph, clusters)) as c:
        yield c


def cli_json(*args: str) -> object:
    result = runner.invoke(cli_app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_path_to_t_hop_by_hop(client: TestClient) -> None:
    login(client, "officer")
    found = client.get("/api/introduce", params={"target": "远方电池股份有限公司"}).json()
    assert found["target"] == "Company:T" and found["home_region"] == "37"
    (path,) = found["paths"]
    assert path["introducer_name"] == "本地机械股份有限公司"
    assert path["strength"] == pytest.approx(0.9 * 0.7)
    assert [(h["strength"], h["sources"]) for h in path["hops"]] == [
        (0.9, ["test/hand.csv:1"]),
        (0.7, ["test/hand.csv:1"]),
    ]
    page = client.get("/introduce", params={"q": "远方电池"}).text
    assert "李四 任 本地机械股份有限公司 的董事长（来源：test/hand.csv:1）" in page
    assert "李四 亦任 远方电池股份有限公司 的董事（来源：test/hand.csv:1）" in page
    assert "很强（0.630）" in page  # 0.63 ≥ 0.6
    assert "很强（0.70）" in page and "很强（0.90）" in page  # the hops: 0.7, 0.9 ≥ 0.6
    assert "日期不详" in page
    picture = re.search(r'id="path-graph-data">(.*?)</script>', page, re.S)
    assert picture is not None
    elements = json.loads(picture.group(1))
    assert {n["data"]["id"]: n["position"] for n in elements["nodes"]} == {
        "Company:T": {"x": 380, "y": 0},
        "Company:L": {"x": 0, "y": 0},
        "Person:李四": {"x": 190, "y": 0},
    }
    assert sorted(e["data"]["label"] for e in elements["edges"]) == [
        "任职（董事长）",
        "任职（董事）",
    ]


def test_the_private_path_to_z(client: TestClient) -> None:
    login(client, "officer")
    (path,) = client.get("/api/introduce", params={"target": "Company:Z"}).json()["paths"]
    assert path["strength"] == pytest.approx(0.85 * 0.6 * 0.9)  # 0.459
    assert strength_words(path["strength"]) == "较强"
    assert path["nodes"] == ["Company:L", "Person:赵六", "Person:钱七", "Company:Z"]


@pytest.mark.parametrize(("role", "private"), [("viewer", False), ("officer", True)])
def test_json_equals_the_cli(
    client: TestClient, paths: tuple[Path, Path], role: str, private: bool
) -> None:
    graph, clusters = paths
    login(client, role)
    flag = ["--include-private"] if private else []
    common = ["--graph", str(graph), "--json", *flag]
    cluster = ["--cluster", "高端装备", "--clusters", str(clusters)]
    pairs = [
        ("/api/introduce", {"target": "远方电池"}, ["introduce", "远方电池", *common]),
        ("/api/introduce", {"target": "Company:Z"}, ["introduce", "Company:Z", *common]),
        ("/api/targets", {"cluster": "高端装备"}, ["targets", *cluster, *common]),
        ("/api/gaps", {"cluster": "高端装备"}, ["gaps", *cluster, *common]),
        ("/api/connectors", {"cluster": "高端装备"}, ["connectors", *cluster, *common]),
    ]
    for path, params, args in pairs:
        assert client.get(path, params=params).json() == cli_json(*args), path


def test_target_list_page_and_workbook(client: TestClient) -> None:
    login(client, "viewer")
    found = client.get("/api/targets", params={"cluster": "高端装备"}).json()
    best = {r["name"]: (r["introducer_name"], r["path_strength"]) for r in found["rows"]}
    assert best == {
        "远方电池股份有限公司": ("本地机械股份有限公司", pytest.approx(0.63)),
        XSS: ("本地机械股份有限公司", pytest.approx(0.65)),
        '=HYPERLINK("http://example.invalid","点我")': (None, None),
    }
    page = client.get("/targets", params={"cluster": "高端装备"}).text
    for header in ("产业链匹配度", "规模", "可达性", "本地关联", "近期动向", "战略标签"):
        assert header in page
    assert "下载 Excel 工作簿" in page
    one = client.get("/targets", params={"cluster": "高端装备", "province": "无此省"}).text
    assert "没有符合条件的目标企业" in one
    answer = client.get("/targets.xlsx", params={"cluster": "高端装备"})
    assert answer.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    names = {c for ws in book for row in ws.iter_rows(values_only=True) for c in row}
    assert {"远方电池股份有限公司", XSS} <= names


def test_suggestions_by_name_short_name_and_code(client: TestClient) -> None:
    login(client, "viewer")
    by_code = client.get("/suggest", params={"q": "300999"}).text
    assert "远方电池股份有限公司" in by_code and "（300999）" in by_code
    by_alias = client.get("/suggest", params={"q": "本地机械"}).text
    assert by_alias.count("<li>") == 1 and "本地机械股份有限公司" in by_alias
    assert "没有找到" in client.get("/suggest", params={"q": "不存在的名字"}).text


def test_firm_page(client: TestClient) -> None:
    login(client, "viewer")
    firm = client.get("/api/firm", params={"id": "本地机械"}).json()
    assert firm["id"] == "Company:L" and firm["region_code"] == "3701"
    assert [(t["relation"], t["other_name"]) for t in firm["ties"]] == [
        ("OFFICER_OF", "李*"),
        ("OFFICER_OF", "赵*"),
        ("PARTNERS_WITH", XSS),
    ]
    t = client.get("/api/firm", params={"id": "Company:T"}).json()
    assert [i["other_name"] for i in t["industries"]] == ["工程机械"]
    assert "本地机械股份有限公司 与 " in client.get("/firm", params={"id": "Company:L"}).text


def test_unknown_firm_and_cluster_answer_in_chinese(client: TestClient) -> None:
    login(client, "viewer")
    missing = client.get("/api/introduce", params={"target": "远方电"})
    assert missing.status_code == 404
    assert missing.json()["detail"] == "图谱中没有名为“远方电”的企业"
    assert "远方电池股份有限公司" in missing.json()["candidates"]
    cluster = client.get("/targets", params={"cluster": "无此集群"})
    assert cluster.status_code == 404 and "集群文件中没有名为“无此集群”的集群" in cluster.text
    local = client.get("/introduce", params={"q": "本地机械"})
    assert local.status_code == 422 and "已是本地" in local.text


def test_gbk_upload_report_row_by_row_and_the_new_firm_is_found(client: TestClient) -> None:
    login(client, "officer")
    table = (
        "企业名称,统一社会信用代码,行政区划代码,成立日期\n"
        "黄河重工有限公司,,370500,2019-05-01\n"
        ",,370500,2019-05-01\n"
        "渤海化工有限公司,91370000000000000X,370523,2020-13-45\n"
    ).encode("gbk")
    files = {"file": ("新企业名录.csv", table, "text/csv")}
    answer = client.post("/upload", files=files, data={"csrf": csrf_of(client)})
    assert answer.status_code == 200
    rows = re.findall(
        r'<tr class="(error|warning)">\s*<td>[^<]*</td><td>(\d+)</td><td>([^<]*)</td>', answer.text
    )
    assert rows == [
        ("error", "3", "企业名称"),
        ("warning", "4", "统一社会信用代码"),
        ("warning", "4", "成立日期"),
    ]
    assert "缺少名称" in answer.text and "统一社会信用代码校验不通过" in answer.text
    assert "gb18030" in answer.text
    # the engine sees the new revision: the new firm is suggested at once
    assert "黄河重工有限公司" in client.get("/suggest", params={"q": "黄河"}).text


def test_a_file_with_nothing_usable_changes_nothing(
    client: TestClient, paths: tuple[Path, Path]
) -> None:
    login(client, "officer")
    before = open_store(paths[0]).revision
    files = {"file": ("无名.csv", "企业名称,行政区划代码\n,370500\n".encode("gbk"), "text/csv")}
    answer = client.post("/upload", files=files, data={"csrf": csrf_of(client)})
    assert "没有可用的行，图谱未改动" in answer.text and "缺少名称" in answer.text
    assert open_store(paths[0]).revision == before
    empty = {"file": ("空.csv", "企业名称\n".encode("gbk"), "text/csv")}
    answer = client.post("/upload", files=empty, data={"csrf": csrf_of(client)})
    assert "没有写入任何记录，图谱未改动" in answer.text
    assert open_store(paths[0]).revision == before


def test_user_add_prompts_for_the_password(tmp_path: Path) -> None:
    graph = tmp_path / "g.db"
    result = runner.invoke(
        cli_app,
        ["user", "add", "王科长", "--role", "admin", "--graph", str(graph)],
        input="够长的密码123\n够长的密码123\n",
    )
    assert result.exit_code == 0, result.output
    users = UserStore(users_path(graph))
    assert users.users() == [("王科长", "admin")]
    assert users.check_password("王科长", "够长的密码123") is not None
    assert users.check_password("王科长", "错误的密码123") is None
    bad = runner.invoke(cli_app, ["user", "add", "x", "--role", "boss", "--graph", str(graph)])
    assert bad.exit_code == 2


REWARDS = Path(__file__).resolve().parent.parent / "examples" / "rewards.toml"


@pytest.mark.parametrize(("role", "private"), [("viewer", False), ("officer", True)])
def test_attribution_json_equals_the_cli(
    paths: tuple[Path, Path], role: str, private: bool
) -> None:
    graph, clusters = paths
    with TestClient(create_app(graph, clusters, rules=REWARDS)) as client:
        login(client, role)
        answer = client.get("/api/attribution", params={"as_of": "2026-05-31"}).json()
        page = client.get("/attribution", params={"as_of": "2026-05-31"}).text
    flag = ["--include-private"] if private else []
    args = ["attribution", "--as-of", "2026-05-31", "--rules", str(REWARDS), "--json"]
    assert answer == cli_json(*args, "--graph", str(graph), *flag)
    # P reached 开工 on 2026-05-02 with 8亿 invested: 5亿 × 0.003 + 3亿 × 0.002 = 210万,
    # above the 200万 cap; 李四 filed first (2026-02-01), 本地商会 later (2026-02-05)
    lead, later = answer["filings"]
    assert (lead["status"], lead["reward_yuan"], later["status"]) == ("领先", "2000000.00", "在后")
    assert lead["introducer"] == ("李四" if private else "李*")
    assert "奖励合计：<strong>200</strong> 万元" in page
    assert "5亿×0.003 + 3亿×0.002 = 210万元，超过上限 200万元，按上限计" in page


def test_attribution_without_rules_computes_no_reward(client: TestClient) -> None:
    login(client, "viewer")
    answer = client.get("/api/attribution", params={"as_of": "2026-05-31"}).json()
    assert answer["rules"] is None
    assert [(f["status"], f["reason"], f["reward_yuan"]) for f in answer["filings"]] == [
        ("领先", "最先有效备案", None),
        ("在后", "李* 已于 2026-02-01 09:00 先行备案", None),
    ]
    assert client.get("/api/attribution", params={"as_of": "2026-5-1"}).status_code == 422


def test_board_by_stage_and_unit(client: TestClient, paths: tuple[Path, Path]) -> None:
    graph, _ = paths
    login(client, "viewer")
    board = client.get("/api/board", params={"as_of": "2026-05-31"}).json()
    assert [(c["stage"], [p["project"] for p in c["cards"]]) for c in board["columns"]] == [
        ("线索", ["Project:Q"]),
        ("在谈", []),
        ("签约", []),
        ("开工", ["Project:P"]),
        ("投产", []),
    ]
    assert board["columns"][3]["amount_yuan"] == "1200000000"
    assert board["units"] == [["Unit:本地区", "本地区"]]
    # on 2026-03-01 P was 在谈 (since 2026-01-10); Q 线索
    early = client.get("/api/board", params={"as_of": "2026-03-01"}).json()
    assert [
        (c["stage"], [(p["project"], p["since"]) for p in c["cards"]]) for c in early["columns"]
    ][:2] == [
        ("线索", [("Project:Q", "2026-02-01")]),
        ("在谈", [("Project:P", "2026-01-10")]),
    ]
    by_name = client.get("/api/board", params={"as_of": "2026-05-31", "unit": "本地区"}).json()
    assert by_name["unit_id"] == "Unit:本地区" and by_name["columns"] == board["columns"]
    assert by_name == cli_json(
        "board", "--as-of", "2026-05-31", "--unit", "本地区", "--json", "--graph", str(graph)
    )
    other = client.get("/board", params={"as_of": "2026-05-31", "unit": "无此单位"})
    assert other.status_code == 404 and "没有名为“无此单位”的招商单位" in other.text
    page = client.get("/board", params={"as_of": "2026-05-31"}).text
    assert "远方电池济南基地项目" in page and "12 亿元" in page


def test_firm_page_lists_its_projects(client: TestClient) -> None:
    login(client, "viewer")
    firm = client.get("/api/firm", params={"id": "Company:T"}).json()
    assert [(p["name"], p["stage"], p["since"], p["unit"]) for p in firm["projects"]] == [
        ("远方电池济南基地项目", "开工", "2026-05-02", "本地区")
    ]
    # the ledger's relations are not listed among the firm's ties
    assert {t["relation"] for t in firm["ties"]} == {"OFFICER_OF"}
    page = client.get("/firm", params={"id": "Company:T"}).text
    assert "远方电池济南基地项目" in page and "<td>12</td>" in page  # 12亿元


def test_target_filters_by_scale_and_tag(paths: tuple[Path, Path]) -> None:
    graph, clusters = paths
    store = open_store(graph)
    t = store.get_node("Company:T")
    assert t is not None
    store.upsert_nodes([t.model_copy(update={"tags": ["专精特新"], "rankings": {}})])
    store.save()
    store.close()
    with TestClient(create_app(graph, clusters)) as client:
        login(client, "viewer")
        everyone = client.get("/targets", params={"cluster": "高端装备"}).text
        assert "<option>专精特新</option>" in everyone
        tagged = client.get("/targets", params={"cluster": "高端装备", "tag": "专精特新"}).text
        table = tagged.split('class="targets"', 1)[1].split("</table>", 1)[0]
        assert "远方电池股份有限公司" in table and "HYPERLINK" not in table
        assert "外地目标（1 家，专精特新）" in tagged
        # no firm of the test graph has a rank or revenue: 规模 0 for all
        big = client.get("/targets", params={"cluster": "高端装备", "scale": "0.5"}).text
        assert "外地目标（0 家，规模 ≥ 0.5）" in big
