"""A tiny office graph and users for the web workspace tests (hand-worked answers).

Home region 山东 (37). Local firm L (济南 3701). 李四 is 董事长 of L (0.9) and 董事 of the
Guangdong firm T (0.7): the one path to T is L → 李四 → T, strength 0.9 × 0.7 = 0.63
(很强). L and X (named ``<script>alert(1)</script>``) are a 合资 (0.65). 赵六 is 总经理
of L (0.85) and a private 老乡 (KNOWS, 0.6) of 钱七, 董事长 of Z (0.9): only with private
ties walked is there a path to Z, 0.85 × 0.6 × 0.9 = 0.459 (较强). T, X and H (named
like a spreadsheet formula) are in 工程机械 (640100), the one core industry of the test
cluster 高端装备; H has no tie.

The 招商 ledger (:func:`add_ledger`): unit 本地区 (3701) is responsible for project P
(远方电池济南基地, investor T, 在谈 2026-01-10, 签约 2026-04-01, 开工 2026-05-02;
12亿元 signed, 8亿元 invested) and project Q
(named like a script, investor X, 线索 2026-02-01); its outing to 深圳 on 2026-03-15
(4 people) met T, outcome 达成投资意向. Two 备案 name P: 李四 (a person) on 2026-02-01
09:00 (领先: first, before signing) and 本地商会 (an organisation) on 2026-02-05 (在后).
The resolution log holds one ambiguous mention, 远方 (T or X), for the review page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient

from graph.base import Source
from graph.ids import node_id
from graph.ledger import Introduction, Outing, Project, StageEvent, Unit
from graph.schema import NodeKind, RelKind
from graph.store import Store, open_store
from resolve.decisions import log_path
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
    add_ledger(store)
    store.save()
    store.close()
    write_resolution_log(path)
    users = UserStore(users_path(path))
    for role in ("viewer", "officer", "admin"):
        users.add_user(role, role, PASSWORD)
    clusters = folder / "clusters.toml"
    clusters.write_text(CLUSTERS, encoding="utf-8")
    return path, clusters


OUTCOME = "达成投资意向"
PROJECT = "远方电池济南基地项目"
LEDGER_SRC = [Source(dataset="台账", file="项目.csv", row=2)]


def add_ledger(store: Store) -> None:
    """Add the ledger of the module notes to ``store``."""
    unit = "Unit:本地区"
    outing = "Outing:WC-001"
    store.upsert_nodes(
        [
            Unit(id=unit, name="本地区", unit_type="县区", region_code="3701", sources=LEDGER_SRC),
            Project(
                id="Project:P",
                name=PROJECT,
                investor="远方电池股份有限公司",
                investor_id="Company:T",
                unit_id=unit,
                cluster="高端装备",
                amount_yuan=Decimal(1_200_000_000),
                stages=[
                    StageEvent(stage="在谈", on=dt.date(2026, 1, 10)),
                    StageEvent(stage="签约", on=dt.date(2026, 4, 1)),
                    StageEvent(stage="开工", on=dt.date(2026, 5, 2)),
                ],
                invested_yuan=Decimal(800_000_000),
                sources=LEDGER_SRC,
            ),
            Project(
                id="Project:Q",
                name=XSS,
                investor=XSS,
                investor_id="Company:X",
                unit_id=unit,
                stages=[StageEvent(stage="线索", on=dt.date(2026, 2, 1))],
                sources=LEDGER_SRC,
            ),
            Outing(
                id=outing,
                name="本地区赴深圳招商（2026-03-15）",
                on=dt.date(2026, 3, 15),
                unit_id=unit,
                destination="深圳",
                people=4,
                firms_met=["远方电池股份有限公司"],
                sources=LEDGER_SRC,
            ),
            Introduction(
                id="Introduction:1",
                name="李四 引荐 远方电池",
                filed_at=dt.datetime(2026, 2, 1, 9, 0),
                introducer="李四",
                investor="远方电池股份有限公司",
                investor_id="Company:T",
                project_id="Project:P",
                sources=LEDGER_SRC,
            ),
            Introduction(
                id="Introduction:2",
                name="本地商会 引荐 远方电池",
                filed_at=dt.datetime(2026, 2, 5, 14, 30),
                introducer="本地商会",
                introducer_is_person=False,
                investor="远方电池股份有限公司",
                investor_id="Company:T",
                project_id="Project:P",
                sources=LEDGER_SRC,
            ),
        ]
    )
    store.upsert_relations(
        [
            rel(RelKind.RESPONSIBLE_FOR, unit, "Project:P"),
            rel(RelKind.RESPONSIBLE_FOR, unit, "Project:Q"),
            rel(RelKind.INVESTOR_OF, "Company:T", "Project:P"),
            rel(RelKind.INVESTOR_OF, "Company:X", "Project:Q"),
            rel(RelKind.INTRODUCES, "Introduction:1", "Project:P"),
            rel(RelKind.INTRODUCES, "Introduction:2", "Project:P"),
            rel(
                RelKind.CONTACTED,
                unit,
                "Company:T",
                key=outing,
                since=dt.date(2026, 3, 15),
                label=OUTCOME,
            ),
        ]
    )


def write_resolution_log(graph: Path) -> None:
    """A log with one ambiguous mention, 远方: T or X (two pairs to review)."""
    decision = {
        "dataset": "名录",
        "mention": "远方",
        "verdict": "ambiguous",
        "id": None,
        "rule": "none",
        "evidence": "2 家企业的简称键都是 远方",
        "candidates": ["Company:T", "Company:X"],
        "parent": None,
        "sources": [{"dataset": "名录", "file": "firms.csv", "row": 7}],
    }
    log_path(graph).write_text(json.dumps({"decision": decision}, ensure_ascii=False) + "\n")


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


def table_rows(html: str, table: str) -> list[list[str]]:
    """The cells of a table's body rows, tags stripped."""
    body = html.split(f'id="{table}"', 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
        if "<td" in row
    ]
