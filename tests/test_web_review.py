"""The resolution review in the browser (issue 15): 是/否 stored as ``resolve --apply``
stores a workbook's marks, so the next load honours them.

The same case as ``tests/test_resolution.py::test_cli_resolve_review_apply_and_reload``:
a roster names 中国石化 (linked to 600028 on its short name) and 白云山 (two listed firms
share that short name: ambiguous). Marking 中国石化 ↔ 600028 否 and 白云山 ↔ 000522 是,
then loading the roster into a fresh graph, makes 中国石化 a new firm and links 白云山
to 000522 by the reviewer's rule.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.app import app as cli_app
from graph.sqlite_store import SqliteStore
from resolve.decisions import read_log
from tests.test_resolution import SINOPEC, firm
from tests.web_graph import PASSWORD, csrf_of, login
from web.app import create_app
from web.users import UserStore, users_path

runner = CliRunner()


def fresh_load(graph: Path, roster: Path) -> SqliteStore:
    """The three listed firms, then the roster loaded by the CLI (keeps the log)."""
    graph.unlink(missing_ok=True)
    store = SqliteStore(graph)
    store.upsert_nodes([SINOPEC, firm("000522", "白云山"), firm("600332", "白云山")])
    store.save()
    store.close()
    args = ["load", "table", str(roster), "--kind", "company", "--graph", str(graph)]
    result = runner.invoke(cli_app, [*args, "--dataset", "roster"])
    assert result.exit_code == 0, result.output
    return SqliteStore(graph)


def test_marks_in_the_browser_are_honoured_by_the_next_load(tmp_path: Path) -> None:
    graph = tmp_path / "g.db"
    roster = tmp_path / "firms.csv"
    roster.write_text("企业名称\n中国石化\n白云山\n", encoding="utf-8")
    fresh_load(graph, roster).close()
    users = UserStore(users_path(graph))
    users.add_user("officer", "officer", PASSWORD)
    users.add_user("admin", "admin", PASSWORD)
    with TestClient(create_app(graph)) as client:
        assert login(client, "officer") == 303
        pending = client.get("/api/review").json()
        assert [(p["mention"], p["firm"], p["current"]) for p in pending] == [
            ("白云山", "Company:000522", "多个候选"),
            ("白云山", "Company:600332", "多个候选"),
            ("中国石化", "Company:600028", "已对齐"),
        ]
        page = client.get("/review").text
        assert "待判断 3 对" in page and 'hx-post="/review"' in page
        token = csrf_of(client)
        for mention, firm_id, same in (
            ("中国石化", "Company:600028", "否"),
            ("白云山", "Company:000522", "是"),
        ):
            answer = client.post(
                "/review",
                data={"mention": mention, "firm": firm_id, "same": same, "csrf": token},
                headers={"HX-Request": "true", "X-CSRF-Token": token},
            )
            assert answer.status_code == 200
            assert answer.text.startswith('<tr class="judged">') and "已保存" in answer.text
        # judged pairs leave the list; the other 白云山 candidate stays
        assert [(p["mention"], p["firm"]) for p in client.get("/api/review").json()] == [
            ("白云山", "Company:600332")
        ]
        # a plain form post (no htmx) goes back to the list
        plain = client.post(
            "/review",
            data={"mention": "白云山", "firm": "Company:600332", "same": "否", "csrf": token},
            follow_redirects=False,
        )
        assert (plain.status_code, plain.headers["location"]) == (303, "/review")
        bad = client.post(
            "/review",
            data={"mention": "x", "firm": "Company:无此企业", "same": "是", "csrf": token},
        )
        assert bad.status_code == 422
        odd = client.post(
            "/review", data={"mention": "x", "firm": "Company:600332", "same": "对", "csrf": token}
        )
        assert odd.status_code == 422
        client.post("/logout", data={"csrf": token})
        assert login(client, "admin") == 303
        audit = client.get("/audit").text
        assert "“中国石化” 与 中国石化（Company:600028）：否" in audit
        assert "“白云山” 与 白云山（Company:000522）：是" in audit
    log = read_log(graph.with_name("g.resolution.jsonl"))
    assert [(j.mention, j.firm, j.same, j.by) for j in log.judgements] == [
        ("中国石化", "Company:600028", False, "网页：officer"),
        ("白云山", "Company:000522", True, "网页：officer"),
        ("白云山", "Company:600332", False, "网页：officer"),
    ]
    # the CLI's summary counts them like marks read from a workbook
    summary = runner.invoke(cli_app, ["resolve", "--graph", str(graph)])
    assert "人工判断：否 2，是 1" in summary.output
    store = fresh_load(graph, roster)  # the log beside the graph keeps the marks
    ids = {n.id for n in store.nodes()}
    assert "Company:name:中国石化" in ids and "Company:name:白云山" not in ids
    log = read_log(graph.with_name("g.resolution.jsonl"))
    rules = {d["mention"]: (d["verdict"], d["rule"]) for d in log.decisions}
    assert rules == {"中国石化": ("new", "none"), "白云山": ("same", "reviewer")}


def test_the_list_equals_the_review_workbook_of_the_cli(tmp_path: Path) -> None:
    """With close names (``?fuzzy=true``) the page lists what ``resolve --review`` writes:
    白云山 ambiguous (two candidates), 中国石化 linked on its short name, and 白云山制药,
    new, close to both 白云山 (RapidFuzz 90 each)."""
    graph = tmp_path / "g.db"
    roster = tmp_path / "firms.csv"
    roster.write_text("企业名称\n中国石化\n白云山\n白云山制药\n", encoding="utf-8")
    fresh_load(graph, roster).close()
    review = tmp_path / "review.xlsx"
    result = runner.invoke(cli_app, ["resolve", "--graph", str(graph), "--review", str(review)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(review)["待判断"]
    workbook = [
        (r[1], r[2], r[3], r[5], r[6], r[7]) for r in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert [(w[1], w[3]) for w in workbook] == [
        ("白云山", "Company:000522"),
        ("白云山", "Company:600332"),
        ("中国石化", "Company:600028"),
        ("白云山制药", "Company:000522"),
        ("白云山制药", "Company:600332"),
    ]
    UserStore(users_path(graph)).add_user("officer", "officer", PASSWORD)
    with TestClient(create_app(graph)) as client:
        assert login(client, "officer") == 303
        listed = client.get("/api/review", params={"fuzzy": "true"}).json()
        sure = client.get("/api/review").json()
        page = client.get("/review", params={"fuzzy": "true"}).text
    keys = ("dataset", "mention", "where", "firm", "current", "evidence")
    assert [tuple(p[k] for k in keys) for p in listed] == workbook
    assert sure == listed[:3]  # without close names: the first two groups
    assert "待判断 5 对" in page and "名称相近：RapidFuzz 90" in page
