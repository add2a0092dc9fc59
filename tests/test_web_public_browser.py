"""The acceptance scenario of issue 15 in a real browser, on the real public data.

Debian's chromium, driven by Playwright, against ``uvicorn`` serving a copy of the
session's public store (:func:`tests.conftest.public_store`, loaded once per session;
copied because the upload writes to it): log in as an officer, search 三一重工 with
home 山东 (37) and read the path through 苏子孟 with its sources, open the 高端装备
target list and download its workbook (opened with openpyxl), upload a GBK CSV and read
its report, log out. Each page is saved as a screenshot in ``out/screenshots/public``
(``ZHAOSHANG_SCREENSHOTS`` names another folder) for a person to look at.

The expected path was read from the source files, not from the program:
executives-2018/executive.csv row 1473 names person e697975… 苏子孟;
executive_stock.csv row 10094 makes that person 独立董事 of stock 680 (山推股份,
山推工程机械股份有限公司, 济宁, Shandong) and row 16120 独立董事 of 600031 (三一重工).
Skips without the public data (fails with ``ZHAOSHANG_REQUIRE_PUBLIC_DATA=1``) or
without chromium (fails with ``ZHAOSHANG_REQUIRE_BROWSER=1``).
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from graph.sqlite_store import SqliteStore
from resolve.decisions import log_path
from tests.browser_support import chromium_or_skip, screenshot_folder, serving
from tests.conftest import public_data_dir
from tests.web_graph import PASSWORD
from web.app import create_app
from web.users import UserStore, users_path

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
#: The first hop and the second, as the path page words them (officers see names).
FIRST_HOP = "苏子孟 2018 年时任 山推工程机械股份有限公司 的独立董事"
SECOND_HOP = "苏子孟 2018 年时同时任 三一重工 的独立董事"


@pytest.fixture(scope="module")
def public_graph(public_store: SqliteStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session's public store (SQLite backup: the WAL included), with users."""
    assert public_store.path is not None
    path = tmp_path_factory.mktemp("public-web") / "public.db"
    source = sqlite3.connect(public_store.path)
    target = sqlite3.connect(path)
    with target:
        source.backup(target)
    source.close()
    target.close()
    shutil.copy(log_path(public_store.path), log_path(path))
    users = UserStore(users_path(path))
    users.add_user("officer", "officer", PASSWORD)
    users.add_user("viewer", "viewer", PASSWORD)
    return path


@pytest.fixture(scope="module")
def server(public_graph: Path) -> Iterator[str]:
    with serving(create_app(public_graph)) as url:
        yield url


def test_the_acceptance_scenario_on_the_public_data(server: str, tmp_path: Path) -> None:
    executable = chromium_or_skip()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    shots = screenshot_folder(ROOT / "out" / "screenshots", "public")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True
        )
        page = context.new_page()
        page.set_default_timeout(60_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))

        # log in
        page.goto(server + "/")
        assert "/login" in page.url
        page.fill("input[name=name]", "officer")
        page.fill("input[name=password]", PASSWORD)
        page.screenshot(path=shots / "01-login.png", full_page=True)
        page.click("button[type=submit]")
        page.wait_for_url(server + "/")

        # search 三一重工 from 山东 (37): the suggestion, then the paths
        page.fill("input[name=home]", "37")
        page.fill("#q", "三一重工")
        page.wait_for_selector(".suggest-list li")
        assert "三一重工" in page.inner_text(".suggest-list")
        page.screenshot(path=shots / "02-suggest.png", full_page=True)
        page.click("button[type=submit] >> text=查路径")
        page.wait_for_selector("table.hops")
        text = page.inner_text("main")
        assert "本地：山东省（37）" in text
        assert FIRST_HOP in text and SECOND_HOP in text
        assert "executives-2018/executive_stock.csv:10094" in text
        assert "executives-2018/executive_stock.csv:16120" in text
        page.wait_for_selector("#path-graph canvas")
        page.screenshot(path=shots / "03-paths.png", full_page=True)

        # the firm page of 三一重工
        page.goto(server + "/firm?id=Company:600031")
        assert "三一重工" in page.inner_text("h1")
        assert "苏子孟" in page.inner_text("main")
        page.screenshot(path=shots / "04-firm.png", full_page=True)

        # a cluster's target list and its workbook
        page.goto(server + "/targets")
        page.click("text=高端装备")
        page.wait_for_selector("#factor-chart canvas")
        assert "高端装备：目标企业清单" in page.inner_text("h1")
        ranked = page.locator("table.targets").first.locator("tbody tr")
        assert ranked.count() == 50  # the default rows, as the CLI's -n 50
        page.screenshot(path=shots / "05-targets.png", full_page=True)
        with page.expect_download() as download:
            page.click("text=下载 Excel 工作簿")
        saved = tmp_path / "targets.xlsx"
        download.value.save_as(saved)
        book = openpyxl.load_workbook(saved)
        first = ranked.first.locator("td.firm a").inner_text()
        cells = {c for ws in book for row in ws.iter_rows(values_only=True) for c in row}
        assert first in cells

        # filter by a tag: the rows that carry it, in the same order
        tagged = [
            i
            for i in range(ranked.count())
            if "中国500强" in ranked.nth(i).locator("td.firm").inner_text()
        ]
        page.select_option("select[name=tag]", "中国500强")
        page.click("button[type=submit] >> text=筛选")
        page.wait_for_selector("#factor-chart canvas")
        kept = page.locator("table.targets").first.locator("tbody tr td.firm")
        assert kept.count() == len(tagged) > 0
        assert all("中国500强" in kept.nth(i).inner_text() for i in range(kept.count()))
        page.screenshot(path=shots / "05b-targets-tag.png", full_page=True)

        # upload a GBK CSV, read the report row by row
        table = tmp_path / "企业名录.csv"
        table.write_bytes("企业名称,行政区划代码\n黄河重工有限公司,370500\n,370500\n".encode("gbk"))
        page.goto(server + "/upload")
        page.set_input_files("input[type=file]", str(table))
        page.click("button[type=submit] >> text=上传并载入")
        page.wait_for_selector("table.issues")
        report = page.inner_text("main")
        assert "已载入图谱" in report and "缺少名称" in report and "gb18030" in report
        page.screenshot(path=shots / "06-report.png", full_page=True)

        # the resolution review: 100 pairs a page, each citing where the mention was read
        page.goto(server + "/review")
        total = len(page.request.get(server + "/api/review").json())
        assert f"待判断 {total} 对" in page.inner_text("h1") and total > 100
        rows = page.locator("#review-table tbody tr")
        assert rows.count() == 100
        mention = rows.first.locator("td").nth(1).inner_text()
        where = rows.first.locator("td").nth(2).inner_text()  # e.g. finre/train.txt:21103
        found = re.fullmatch(r"([^/]+)/(.+):(\d+)", where)
        assert found is not None, where
        data = public_data_dir()
        assert data is not None
        lines = (data / found[1] / found[2]).read_text("utf-8").splitlines()
        assert mention in lines[int(found[3]) - 1]
        page.screenshot(path=shots / "07-review.png", full_page=False)

        # log out: the pages refuse again
        page.click("text=退出")
        page.wait_for_url(server + "/login")
        page.goto(server + "/targets")
        assert "/login" in page.url

        # a viewer reads the same path with the person masked, in the page and its JSON
        page.fill("input[name=name]", "viewer")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(server + "/targets")
        page.goto(server + "/introduce?q=三一重工&home=37")
        page.wait_for_selector("#path-graph canvas")
        text = page.inner_text("main")
        assert "苏** 2018 年时任 山推工程机械股份有限公司 的独立董事" in text
        assert "苏子孟" not in page.content()
        found = page.request.get(server + "/api/introduce?target=三一重工&home=37").text()
        assert "苏子孟" not in found and "苏**" in found
        page.screenshot(path=shots / "08-viewer-paths.png", full_page=True)
        assert errors == []
        browser.close()
