"""Security of the web workspace (issue 15): sessions, roles, privacy, CSRF, escaping.

The graph is the hand-made one of :mod:`tests.web_graph`: 李四, 赵六 and 钱七 are people,
赵六–钱七 a private 老乡 tie, X a firm named ``<script>alert(1)</script>``; 李四 also
filed a 备案, the unit 本地区 met T on an outing (达成投资意向, only officers see it),
project Q is named like a script.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.web_graph import (
    HYPERLINK,
    OUTCOME,
    PASSWORD,
    PEOPLE,
    XSS,
    build_graph,
    csrf_of,
    login,
)
from web.app import PUBLIC_ROUTERS, SIGNED_IN_ROUTERS, create_app


@pytest.fixture()
def app_paths(tmp_path: Path) -> tuple[Path, Path]:
    return build_graph(tmp_path)


@pytest.fixture()
def client(app_paths: tuple[Path, Path]) -> Iterator[TestClient]:
    graph, clusters = app_paths
    with TestClient(create_app(graph, clusters)) as c:
        yield c


#: A request of each route that returns data to a signed-in user (every GET route but
#: /login; the test below checks this list covers them all).
QUESTIONS = {
    "/": {},
    "/suggest": {"q": "李"},
    "/introduce": {"q": "远方电池"},
    "/api/introduce": {"target": "远方电池"},
    "/firm": {"id": "Company:L"},
    "/api/firm": {"id": "Company:L"},
    "/targets": {"cluster": "高端装备"},
    "/api/targets": {"cluster": "高端装备"},
    "/targets.xlsx": {"cluster": "高端装备"},
    "/gaps": {"cluster": "高端装备"},
    "/api/gaps": {"cluster": "高端装备"},
    "/connectors": {"cluster": "高端装备"},
    "/api/connectors": {"cluster": "高端装备"},
    "/progress": {},
    "/api/progress": {},
    "/progress.xlsx": {},
    "/board": {"as_of": "2026-05-31"},
    "/api/board": {"as_of": "2026-05-31"},
    "/attribution": {"as_of": "2026-05-31"},
    "/api/attribution": {"as_of": "2026-05-31"},
    "/review": {},
    "/api/review": {},
    "/channels": {},
    "/api/channels": {},
    "/upload": {},
    "/audit": {},
}
#: Routes only officers and admins may use.
OFFICER_ONLY = ("/upload", "/review", "/api/review")


def _routes(client: TestClient) -> list[tuple[str, str]]:
    """Method and path of every route (all come from the routers of :mod:`web.app`)."""
    return sorted(
        (method, route.path)
        for router in (*PUBLIC_ROUTERS, *SIGNED_IN_ROUTERS)
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    )


def _text(response: object) -> str:
    """All text of an answer: an xlsx workbook's cells, else the body."""
    content: bytes = response.content  # type: ignore[attr-defined]
    if content[:2] == b"PK":
        book = openpyxl.load_workbook(io.BytesIO(content))
        return "\n".join(
            str(cell) for ws in book for row in ws.iter_rows(values_only=True) for cell in row
        )
    return content.decode()


def test_every_route_but_login_refuses_anonymous_requests(client: TestClient) -> None:
    routes = _routes(client)
    assert ("GET", "/introduce") in routes and ("POST", "/upload") in routes
    for method, path in routes:
        if path == "/login":
            continue
        answer = client.request(method, path, params=QUESTIONS.get(path), follow_redirects=False)
        if method == "GET" and not path.startswith("/api/"):
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith("/login?next="), path
        else:
            assert answer.status_code == 401, (method, path)
            assert answer.json() == {"detail": "请先登录"}
        assert "远方" not in answer.text and "李四" not in answer.text
    # the static files need no session
    assert client.get("/static/vendor/htmx.min.js").status_code == 200


def test_the_questions_cover_every_data_route(client: TestClient) -> None:
    gets = {path for method, path in _routes(client) if method == "GET"} - {"/login"}
    assert gets == set(QUESTIONS)


def test_a_viewer_sees_no_person_and_no_private_tie_by_any_route(client: TestClient) -> None:
    assert login(client, "viewer") == 303
    for path, params in QUESTIONS.items():
        answer = client.get(path, params=params)
        if path in (*OFFICER_ONLY, "/audit"):
            assert answer.status_code == 403, path
            continue
        assert answer.status_code == 200, path
        text = _text(answer)
        for name in PEOPLE:
            assert name not in text, (path, name)
        assert "老乡" not in text
        assert "赴深圳" not in text, path  # the outings that met a firm
    # people are there, masked: 李四 → 李*
    assert (
        "李* 任 本地机械股份有限公司 的董事长"
        in client.get("/introduce", params={"q": "Company:T"}).text
    )
    # the private tie is not walked: no path to Z
    assert client.get("/api/introduce", params={"target": "Company:Z"}).json()["paths"] == []
    # the 备案 of the person 李四 is there, masked; the firm page says contacts are hidden
    filings = client.get("/api/attribution", params={"as_of": "2026-05-31"}).json()["filings"]
    assert [(f["introducer"], f["status"]) for f in filings] == [
        ("李*", "领先"),
        ("本地商会", "在后"),
    ]
    firm = client.get("/api/firm", params={"id": "Company:T"}).json()
    assert (firm["contacts"], firm["contacts_hidden"]) == ([], 1)
    assert OUTCOME not in client.get("/firm?id=Company:T").text
    assert "接触记录（1 条）仅对招商专员和管理员显示" in client.get("/firm?id=Company:T").text


def test_an_officer_sees_people_and_private_ties(client: TestClient) -> None:
    assert login(client, "officer") == 303
    firm = client.get("/api/firm", params={"id": "Company:T"}).json()
    assert [(c["unit_name"], c["on"], c["outcome"], c["people"]) for c in firm["contacts"]] == [
        ("本地区", "2026-03-15", OUTCOME, 4)
    ]
    filings = client.get("/api/attribution", params={"as_of": "2026-05-31"}).json()["filings"]
    assert [f["introducer"] for f in filings] == ["李四", "本地商会"]
    page = client.get("/introduce", params={"q": "远方电池"}).text
    assert "李四 任 本地机械股份有限公司 的董事长" in page
    found = client.get("/api/introduce", params={"target": "Company:Z"}).json()
    assert [h["sentence"].split("（")[0] for h in found["paths"][0]["hops"]] == [
        "赵六 任 本地机械股份有限公司 的总经理",
        "赵六 与 钱七 是老乡",
        "钱七 任 秘密科技有限公司 的董事长",
    ]


def test_a_post_without_the_csrf_token_is_refused(client: TestClient) -> None:
    assert login(client, "officer") == 303
    token = csrf_of(client)
    csv = {"file": ("a.csv", "企业名称\n甲公司\n".encode("gbk"), "text/csv")}
    assert client.post("/upload", files=csv).status_code == 403
    assert client.post("/upload", files=csv, data={"csrf": "wrong"}).status_code == 403
    assert client.post("/logout", follow_redirects=False).status_code == 403
    assert client.get("/").status_code == 200  # still signed in: the logout was refused
    judge = {"mention": "远方", "firm": "Company:T", "same": "是"}
    assert client.post("/review", data=judge).status_code == 403
    assert client.post("/review", data={**judge, "csrf": "wrong"}).status_code == 403
    assert client.get("/api/review").json()[0]["mention"] == "远方"  # nothing was stored
    answer = client.post("/upload", files=csv, data={"csrf": token})
    assert answer.status_code == 200 and "已载入图谱" in answer.text
    out = client.post("/logout", data={"csrf": token}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_the_login_form_needs_its_own_token(client: TestClient) -> None:
    form = {"name": "admin", "password": PASSWORD, "csrf": "forged"}
    answer = client.post("/login", data=form, follow_redirects=False)
    assert answer.status_code == 403
    assert "zs_session" not in answer.cookies


def test_a_firm_named_like_a_script_is_shown_as_text(client: TestClient) -> None:
    assert login(client, "viewer") == 303
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for path, params in (
        ("/introduce", {"q": "Company:X"}),
        ("/firm", {"id": "Company:X"}),
        ("/suggest", {"q": "script"}),
        ("/targets", {"cluster": "高端装备"}),
        ("/firm", {"id": "Company:L"}),
        ("/board", {"as_of": "2026-05-31"}),
    ):
        text = client.get(path, params=params).text
        assert XSS not in text, path
        assert escaped in text, path
    # inside the picture's JSON block the name is escaped for a script element too
    page = client.get("/introduce", params={"q": "Company:X"}).text
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in page
    # the review page (officers) names candidate X as text, in the cell and the form
    client.post("/logout", data={"csrf": csrf_of(client)})
    assert login(client, "officer") == 303
    review = client.get("/review").text
    assert XSS not in review and escaped in review
    # and what the user typed is escaped in the error page
    typed = client.get("/introduce", params={"q": "<b>无此企业</b>"})
    assert typed.status_code == 404 and "<b>" not in typed.text


def test_a_formula_name_is_exported_as_text(client: TestClient) -> None:
    assert login(client, "officer") == 303
    answer = client.get("/targets.xlsx", params={"cluster": "高端装备"})
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    cells = [c for ws in book for row in ws.iter_rows() for c in row if c.value == HYPERLINK]
    assert cells and all(c.data_type in ("s", "inlineStr") for c in cells)


def test_logins_are_rate_limited(client: TestClient) -> None:
    for _ in range(5):
        assert login(client, "admin", "falsch-falsch") == 401
    assert login(client, "admin") == 429  # even the right password, for a while


def test_the_session_cookie_is_httponly_and_samesite(client: TestClient) -> None:
    form = client.get("/login")
    token = form.text.split('name="csrf" value="')[1].split('"')[0]
    data = {"name": "admin", "password": PASSWORD, "csrf": token}
    answer = client.post("/login", data=data, follow_redirects=False)
    session = next(h for h in answer.headers.get_list("set-cookie") if h.startswith("zs_session="))
    flags = {part.strip().lower() for part in session.split(";")[1:]}
    assert "httponly" in flags and "samesite=lax" in flags
    assert "script-src 'self'" in client.get("/").headers["content-security-policy"]


def test_after_login_only_local_paths_are_followed(client: TestClient) -> None:
    form = client.get("/login")
    token = form.text.split('name="csrf" value="')[1].split('"')[0]
    data = {"name": "admin", "password": PASSWORD, "csrf": token, "next": "//evil.invalid/x"}
    answer = client.post("/login", data=data, follow_redirects=False)
    assert answer.headers["location"] == "/"


def test_uploads_and_exports_are_audited_and_only_admins_read_the_log(
    client: TestClient,
) -> None:
    assert login(client, "officer") == 303
    client.get("/targets.xlsx", params={"cluster": "高端装备"})
    token = csrf_of(client)
    csv = {"file": ("名录.csv", "企业名称\n甲公司\n".encode("gbk"), "text/csv")}
    client.post("/upload", files=csv, data={"csrf": token})
    assert client.get("/audit").status_code == 403
    client.post("/logout", data={"csrf": token})
    assert login(client, "admin") == 303
    log = client.get("/audit").text
    assert "officer" in log
    assert "目标企业清单 高端装备，3 行，含个人信息" in log
    assert (
        "名录.csv（自动识别）：读 1 行，写入 1 个节点、0 条关系，1 个问题" in log
    )  # no place column


def test_a_viewer_may_not_judge_matches(client: TestClient) -> None:
    assert login(client, "viewer") == 303
    judge = {"mention": "远方", "firm": "Company:T", "same": "是", "csrf": csrf_of(client)}
    assert client.post("/review", data=judge).status_code == 403
    assert client.post("/logout", data={"csrf": csrf_of(client)}).status_code == 200
    assert login(client, "officer") == 303
    assert [p["firm"] for p in client.get("/api/review").json()] == ["Company:T", "Company:X"]


def test_a_judged_mention_like_a_script_is_shown_as_text(client: TestClient) -> None:
    assert login(client, "officer") == 303
    token = csrf_of(client)
    answer = client.post(
        "/review",
        data={"mention": XSS, "firm": "Company:T", "same": "否", "csrf": token},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )
    assert answer.status_code == 200
    assert XSS not in answer.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text
    client.post("/logout", data={"csrf": token})
    assert login(client, "admin") == 303
    log = client.get("/audit").text
    assert (
        XSS not in log and "“&lt;script&gt;alert(1)&lt;/script&gt;” 与 远方电池股份有限公司" in log
    )
