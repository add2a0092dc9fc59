"""A tiny office graph and users for the web workspace tests (hand-worked answers).

Home region 山东 (37). Local firm L (济南 3701). 李四 is 董事长 of L (0.9) and 董事 of the
Guangdong firm T (0.7): the one path to T is L → 李四 → T, strength 0.9 × 0.7 = 0.63
(很强). L and X (named ``<script>alert(1)</script>``) are a 合资 (0.65). 赵六 is 总经理
of L (0.85) and a private 老乡 (KNOWS, 0.6) of 钱七, 董事长 of Z (0.9): only with private
ties walked is there a path to Z, 0.85 × 0.6 × 0.9 = 0.459 (较强). T, X and H (named
like a spreadsheet formula) are in 工程机械 (640100), the one core industry of the test
cluster 高端装备; H has no tie.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from graph.ids import node_id
from graph.schema import NodeKind, RelKind
from graph.store import open_store
from tests.builders import company, industry, person, rel
from web.users import UserStore, users_path

XSS = "<script>alert(1)</script>"
HYPERLINK = '=HYPERLINK("http://example.invalid","点我")'
PASSWORD = "正确的密码-123"
PEOPLE = ("李四", "赵六", "钱七")
CLUSTERS = """home_region = "37"

[[cluster]]
name = "高端装备"
core_industries = ["640100"]
"""


def build_graph(folder: Path) -> tuple[Path, Path]:
    """Write the graph database and the cluster file; create one user per role.

    Returns
    -------
    (Path, Path)
        The database and the cluster file.
    """
    path = folder / "office.db"
    machinery = node_id(NodeKind.INDUSTRY, "SW-2021", "640100")
    store = open_store(path)
    store.upsert_nodes(
        [
            company("L", "3701", name="本地机械股份有限公司", aliases=["本地机械"]),
            company("T", "44", name="远方电池股份有限公司", stock_codes=["300999.SZ"]),
            company("X", "44", name=XSS),
            company("Z", "31", name="秘密科技有限公司"),
            company("H", "44", name=HYPERLINK),
            *(person(p) for p in PEOPLE),
            industry("640100", "工程机械"),
        ]
    )
    store.upsert_relations(
        [
            rel(RelKind.OFFICER_OF, "Person:李四", "Company:L", roles=["董事长"]),
            rel(RelKind.OFFICER_OF, "Person:李四", "Company:T", roles=["董事"]),
            rel(RelKind.OFFICER_OF, "Person:赵六", "Company:L", roles=["总经理"]),
            rel(RelKind.KNOWS, "Person:赵六", "Person:钱七", label="老乡", private=True),
            rel(RelKind.OFFICER_OF, "Person:钱七", "Company:Z", roles=["董事长"]),
            rel(RelKind.PARTNERS_WITH, "Company:L", "Company:X", label="合资"),
            rel(RelKind.IN_INDUSTRY, "Company:T", machinery),
            rel(RelKind.IN_INDUSTRY, "Company:X", machinery),
            rel(RelKind.IN_INDUSTRY, "Company:H", machinery),
        ]
    )
    store.save()
    store.close()
    users = UserStore(users_path(path))
    for role in ("viewer", "officer", "admin"):
        users.add_user(role, role, PASSWORD)
    clusters = folder / "clusters.toml"
    clusters.write_text(CLUSTERS, encoding="utf-8")
    return path, clusters


def login(client: TestClient, name: str, password: str = PASSWORD) -> int:
    """Log in through the login form; returns the status of the POST (303 = done)."""
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token is not None
    answer = client.post(
        "/login",
        data={"name": name, "password": password, "csrf": token.group(1), "next": "/"},
        follow_redirects=False,
    )
    return answer.status_code


def csrf_of(client: TestClient) -> str:
    """The session's CSRF token, read from a page's logout form."""
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert found is not None
    return found.group(1)
