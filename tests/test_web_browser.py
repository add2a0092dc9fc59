"""The web workspace end to end in a real browser (issue 15): Debian's chromium driven
by Playwright against ``uvicorn`` serving the hand-made graph of tests/web_graph.py.

Log in, find a firm through the suggestions, read its referral path with sources and
picture, open a cluster's target list and download the workbook (opened with
openpyxl), upload a GBK CSV and read its report, read the project board and the
引荐台账, judge a match 是 on the review page, log out. Each page is saved as a
screenshot in ``out/screenshots/hand`` (``ZHAOSHANG_SCREENSHOTS`` names another folder)
for a person to look at. Skips when no chromium is installed
(``make browser`` installs it; CI does).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from tests.browser_support import chromium_or_skip, screenshot_folder, serving
from tests.web_graph import PASSWORD, build_graph
from web.app import create_app

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[str]:
    graph, clusters = build_graph(tmp_path)
    with serving(create_app(graph, clusters)) as url:
        yield url


@pytest.fixture()
def shots() -> Path:
    return screenshot_folder(ROOT / "out" / "screenshots", "hand")


def test_an_officer_works_through_the_workspace(server: str, shots: Path, tmp_path: Path) -> None:
    executable = chromium_or_skip()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))

        # anonymous: sent to the login page
        page.goto(server + "/targets")
        assert "/login" in page.url
        page.fill("input[name=name]", "officer")
        page.fill("input[name=password]", PASSWORD)
        page.screenshot(path=shots / "01-login.png", full_page=True)
        page.click("button[type=submit]")
        page.wait_for_url(server + "/targets")

        # search with suggestions, then the path
        page.goto(server + "/")
        page.fill("#q", "远方")
        page.wait_for_selector(".suggest-list li")
        page.screenshot(path=shots / "02-suggest.png", full_page=True)
        page.click(".suggest-list li a:first-child")
        page.wait_for_selector("table.hops")
        text = page.inner_text("main")
        assert "李四 亦任 远方电池股份有限公司 的董事（来源：test/hand.csv:1）" in text
        assert "很强" in text
        page.wait_for_selector("#path-graph canvas")
        page.screenshot(path=shots / "03-paths.png", full_page=True)

        # the target list, its chart and its workbook
        page.goto(server + "/targets?cluster=" + "高端装备")
        page.wait_for_selector("#factor-chart canvas")
        assert "<script>alert(1)</script>" in page.inner_text("table.targets")  # as text
        page.screenshot(path=shots / "04-targets.png", full_page=True)
        with page.expect_download() as download:
            page.click("text=下载 Excel 工作簿")
        saved = tmp_path / "targets.xlsx"
        download.value.save_as(saved)
        book = openpyxl.load_workbook(saved)
        cells = {c for ws in book for row in ws.iter_rows(values_only=True) for c in row}
        assert "远方电池股份有限公司" in cells

        # the firm page
        page.goto(server + "/firm?id=Company:T")
        assert "远方电池股份有限公司" in page.inner_text("h1")
        assert "远方电池济南基地项目" in page.inner_text("#firm-projects")
        assert "达成投资意向" in page.inner_text("#firm-contacts")  # an officer sees contacts
        page.screenshot(path=shots / "05-firm.png", full_page=True)

        # upload a GBK CSV, read the report
        table = tmp_path / "企业名录.csv"
        table.write_bytes("企业名称,行政区划代码\n黄河重工有限公司,370500\n,370500\n".encode("gbk"))
        page.goto(server + "/upload")
        page.set_input_files("input[type=file]", str(table))
        page.click("button[type=submit] >> text=上传并载入")
        page.wait_for_selector("table.issues")
        report = page.inner_text("main")
        assert "已载入图谱" in report and "缺少名称" in report
        page.screenshot(path=shots / "06-report.png", full_page=True)

        # the project board, the 引荐台账 and the review (是 by htmx, with the CSRF header)
        page.goto(server + "/board?as_of=2026-05-31")
        started = page.inner_text("section.column[data-stage=开工]")
        assert "远方电池济南基地项目" in started and "12 亿元" in started
        assert "<script>alert(1)</script>" in page.inner_text("section.column[data-stage=线索]")
        page.screenshot(path=shots / "07-board.png", full_page=True)
        page.goto(server + "/attribution?as_of=2026-05-31")
        rows = page.inner_text("#attribution-table")
        assert "李四" in rows and "领先" in rows and "本地商会" in rows and "在后" in rows
        page.screenshot(path=shots / "08-attribution.png", full_page=True)
        page.goto(server + "/review")
        assert "待判断 2 对" in page.inner_text("h1")
        page.screenshot(path=shots / "09-review.png", full_page=True)
        page.locator("#review-table tbody tr").first.locator("button.yes").click()
        page.wait_for_selector("tr.judged")
        assert "已保存" in page.inner_text("tr.judged")
        page.screenshot(path=shots / "10-review-judged.png", full_page=True)
        page.goto(server + "/review")
        assert "待判断 1 对" in page.inner_text("h1")

        # log out: back to the login page, and the pages refuse again
        page.click("text=退出")
        page.wait_for_url(server + "/login")
        page.goto(server + "/")
        assert "/login" in page.url
        assert errors == []
        browser.close()
    assert sorted(p.name for p in shots.glob("*.png")) == [
        "01-login.png",
        "02-suggest.png",
        "03-paths.png",
        "04-targets.png",
        "05-firm.png",
        "06-report.png",
        "07-board.png",
        "08-attribution.png",
        "09-review.png",
        "10-review-judged.png",
    ]
