"""Data written and printed as data: no live formulas, no terminal markup, any encoding.

Inputs are the reproductions of issue 16: firms named ``=HYPERLINK("…","点我")`` and
``=cmd|' /C calc'!A0``, a table header ``[/bad]``, a firm ``[/x]恶意企业有限公司``, a
hidden link ``[link=…]本地企业[/link]有限公司``, a control character in a cluster name,
and 䶮 (U+4DAE, not in GBK) under a GBK terminal.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cli.app import app
from cli.console import printable
from graph.cells import csv_cell, sheet_title, xml_text
from graph.schema import RelKind
from graph.sqlite_store import SqliteStore
from loaders.office.templates import write_templates
from queries.export import write_csv, write_workbook
from queries.types import Factor, TargetList, TargetRow
from resolve.review import ReviewPair, read_review, write_review
from tests.builders import company, person, rel

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
HYPERLINK = '=HYPERLINK("http://evil.example","点我")'
DDE = "=cmd|' /C calc'!A0"
HOSTILE = [HYPERLINK, DDE, "+1+2", "-1+2", "@SUM(1)", "#REF!", "#N/A", "=", "\t=1", "＝1+1"]
LINK = "[link=http://evil.example]本地企业[/link]有限公司"
MARKUP = "[/x]恶意企业有限公司"
RARE = "䶮山科技有限公司"  # U+4DAE: CJK Extension A, no GBK code


def _row(rank: int, name: str) -> TargetRow:
    factor = Factor(name="scale", value=0.5, weight=1.0, contribution=0.5, evidence=name)
    return TargetRow(
        rank=rank,
        company=f"Company:{rank}",
        name=name,
        stock_codes=[],
        province=name,
        score=-0.25,
        factors=[factor],
        introducer=None,
        introducer_name=name,
        path_strength=None,
        path=name,
        path_people=[],
    )


def target_list(cluster: str, names: list[str]) -> TargetList:
    rows = [_row(i, n) for i, n in enumerate(names, 1)]
    return TargetList(
        cluster=cluster, home_region="37", weights={"scale": 1.0}, candidates=len(rows), rows=rows
    )


def formulas(path: Path) -> list[str]:
    """Every ``<f>`` element of every sheet of a workbook."""
    with zipfile.ZipFile(path) as z:
        return [
            m
            for n in z.namelist()
            if n.startswith("xl/worksheets/")
            for m in re.findall(r"<f[ >].*?</f>", z.read(n).decode("utf-8"))
        ]


def cell_texts(path: Path) -> set[str]:
    wb = openpyxl.load_workbook(path)
    return {c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


# -- A: workbooks and CSV ---------------------------------------------------------------


def test_export_writes_hostile_names_as_text(tmp_path: Path) -> None:
    lists = [target_list("新能源\x01汽车", HOSTILE), target_list(HYPERLINK, [DDE])]
    path = write_workbook(lists, tmp_path / "out.xlsx", sources=[DDE])
    assert formulas(path) == []
    texts = cell_texts(path)
    for name in [*HOSTILE, DDE]:
        assert name in texts  # the exact original text reads back
    assert "新能源␁汽车" in texts  # the control character is made visible, no crash
    wb = openpyxl.load_workbook(path)
    assert all(c.data_type == "s" for c in wb["新能源␁汽车"]["B"][1:])
    # numbers stay numbers
    assert wb["新能源␁汽车"]["F2"].value == -0.25


def test_sheet_titles_are_legal_and_unique_without_case() -> None:
    taken = {"说明"}
    titles = [sheet_title(n, taken) for n in ("a/b", "A_B", "新能源\x07", "'x'", "", "History")]
    assert titles == ["a_b", "A_B(2)", "新能源␇", "x", "Sheet", "History(2)"]
    long = sheet_title("𠀀" * 20, set())  # astral characters count two UTF-16 units
    assert len(long.encode("utf-16-le")) // 2 <= 31 and long == "𠀀" * 15


def test_index_link_to_a_sheet_with_an_apostrophe(tmp_path: Path) -> None:
    path = write_workbook([target_list("O'Brien", ["甲"])], tmp_path / "o.xlsx")
    assert openpyxl.load_workbook(path)["索引"]["B2"].hyperlink.location == "'O''Brien'!A1"


def test_csv_cells_follow_the_owasp_rule(tmp_path: Path) -> None:
    path = write_csv(target_list("c", HOSTILE), tmp_path / "t.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    names = [r[1] for r in rows[1:]]
    assert names == [f"'{n}" if n[0] in "=+-@\t＝" else n for n in HOSTILE]
    assert names[5] == "#REF!"  # not a formula start in CSV
    assert {r[5] for r in rows[1:]} == {"-0.25"}  # the numeric score column stays a number
    assert csv_cell(-3) == -3 and csv_cell("\r=1") == "'\r=1" and csv_cell("a\x00b") == "a␀b"


def test_load_report_and_templates_hold_no_formula(tmp_path: Path) -> None:
    table = tmp_path / "企业.csv"
    table.write_text(f"企业名称,[/bad],{DDE},注册资本\n{HYPERLINK}有限公司,x,y,=1+1\n", "utf-8")
    report = tmp_path / "r.xlsx"
    args = ["load", "table", str(table), "--kind", "company", "--report", str(report)]
    result = runner.invoke(app, [*args, "-g", str(tmp_path / "g.zsg")])
    assert result.exit_code == 0, result.output
    assert formulas(report) == []
    assert "[/bad]" in cell_texts(report)
    assert any(t.startswith("=cmd") for t in cell_texts(report))
    for template in write_templates(tmp_path / "t"):
        assert formulas(template) == []


def test_review_workbook_round_trips_a_formula_like_mention(tmp_path: Path) -> None:
    pair = ReviewPair("d", HYPERLINK, "f.csv:2", "Company:x", DDE, "new", "@evidence")
    path = tmp_path / "review.xlsx"
    write_review(path, [pair])
    assert formulas(path) == []
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws["C2"].value == HYPERLINK and ws["E2"].value == DDE
    ws["I2"] = "是"
    wb.save(path)
    judgements, errors = read_review(path)
    assert errors == [] and judgements[0].mention == HYPERLINK


def test_xml_text_keeps_every_legal_character() -> None:
    assert xml_text("a\tb\nc\rd\r\n") == "a\tb\nc\nd\n"  # line ends as XML reads them
    assert xml_text("\x00\x1f\ufffe\ud800") == "␀␟\ufffd\ufffd"


# -- B: terminal ------------------------------------------------------------------------


@pytest.fixture()
def hostile_graph(tmp_path: Path) -> Path:
    path = tmp_path / "g.zsg"
    store = SqliteStore(path)
    store.upsert_nodes(
        [
            company("L", "3701", name=LINK),
            company("T", "44", name=MARKUP),
            company("R", "44", name=RARE + "\x1b[2J\u202e"),
            person("张三"),
        ]
    )
    store.upsert_relations(
        [
            rel(RelKind.OFFICER_OF, "Person:张三", "Company:L", roles=["董事长"]),
            rel(RelKind.OFFICER_OF, "Person:张三", "Company:T", roles=["[bold]董事[/bold]"]),
            rel(RelKind.OFFICER_OF, "Person:张三", "Company:R", roles=["董事"]),
        ]
    )
    store.save()
    return path


def test_markup_in_data_is_printed_literally(hostile_graph: Path) -> None:
    result = runner.invoke(app, ["introduce", "Company:T", "-g", str(hostile_graph)])
    assert result.exit_code == 0, result.output
    assert f"谁能引荐我们认识 {MARKUP}" in result.stdout
    assert f"请 {LINK}：1 条路径" in result.stdout  # the link text is not hidden
    assert "[bold]董事[/bold]" in result.stdout


def test_control_characters_are_made_visible(hostile_graph: Path) -> None:
    result = runner.invoke(app, ["introduce", "Company:R", "-g", str(hostile_graph)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert f"{RARE}␛[2J\ufffd" in result.stdout
    as_json = runner.invoke(app, ["introduce", "Company:R", "-g", str(hostile_graph), "--json"])
    assert "\u202e" not in as_json.stdout
    assert json.loads(as_json.stdout)["target_name"] == RARE + "\x1b[2J\u202e"  # exact data


def test_a_markup_header_does_not_crash_a_load(tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    folder.mkdir()
    table = folder / "企业.csv"
    table.write_text(
        "企业名称,[/bad],[link=http://evil.example]x[/link]\n甲有限公司,1,2\n", "utf-8"
    )
    graph = ["-g", str(tmp_path / "g.zsg")]
    for command in (["load", "table", str(table)], ["load", "dir", str(folder)]):
        result = runner.invoke(app, [*command, *graph], env={"COLUMNS": "300"})
        assert result.exit_code == 0, result.output
        assert "[/bad]" in result.output and "[link=http://evil.example]x[/link]" in result.output


def test_an_error_message_with_markup_is_printed_literally(hostile_graph: Path) -> None:
    result = runner.invoke(app, ["introduce", "[/x][red]无此企业", "-g", str(hostile_graph)])
    assert result.exit_code == 1
    assert "[/x][red]无此企业" in result.stderr and "Traceback" not in result.output


def test_printable_is_one_for_one() -> None:
    text = "a\x00\x07\x1b\x7f\x85\u202e\u2066\ud800\tb\n"
    assert printable(text) == "a␀␇␛␡\ufffd\ufffd\ufffd\ufffd␉b\n"
    assert len(printable(text)) == len(text)


# -- C: a terminal encoding that cannot show the data ----------------------------------


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_gbk_terminal_gets_escapes_not_a_crash(hostile_graph: Path, as_json: bool) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "gbk", "PYTHONPATH": str(ROOT)}
    args = ["introduce", "Company:R", "-g", str(hostile_graph), *(["--json"] if as_json else [])]
    done = subprocess.run(
        [sys.executable, "-c", "from cli.app import main; main()", *args],
        env=env,
        capture_output=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr.decode("gbk", "replace")
    text = done.stdout.decode("gbk")  # the bytes are valid GBK
    if as_json:
        assert json.loads(text)["target_name"].startswith(RARE)  # exact, via \\u escapes
    else:
        assert "\\u4dae山科技有限公司" in text and "UnicodeEncodeError" not in text
