"""Fuzz: firm and cluster names of random Unicode, control characters, rich markup and
formula prefixes through the CLI's text and JSON output and the xlsx/CSV writers.

Properties: no traceback; no ``<f>`` element in any written sheet; every xlsx cell reads
back as the name with only XML-illegal characters replaced (:func:`graph.cells.xml_text`);
every CSV cell reads back as :func:`graph.cells.csv_cell` of it; the printed text holds
the name literally, control characters made visible (:func:`cli.console.printable`), so
no markup was interpreted; ``--json`` decodes to the exact stored name.
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
import zipfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli.app import app
from cli.console import printable
from graph.cells import csv_cell, xml_text
from graph.schema import RelKind
from graph.sqlite_store import SqliteStore
from queries.export import write_csv, write_workbook
from queries.types import Factor, TargetList, TargetRow
from tests.builders import company, person, rel

runner = CliRunner()
PIECES = [
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\n",
    "＝",
    "[/x]",
    "[/bad]",
    "[link=http://evil.example]",
    "[/link]",
    "[bold red]",
    ":smile:",
    "\x1b[2J",
    "\x1b]8;;http://evil.example\x1b\\",
    "\x00",
    "\x07",
    "\x7f",
    "\x85",
    "\x9b",
    "\u202e",
    "\u2066",
    "\u200f",
    "\ufeff",
    "\ufffe",
    "䶮",
    "𠀀",
    '=HYPERLINK("http://evil.example","点我")',
    "=cmd|' /C calc'!A0",
    "#REF!",
    "有限公司",
]
names = st.lists(st.one_of(st.sampled_from(PIECES), st.characters()), min_size=1, max_size=8).map(
    "".join
)
#: Lone surrogates cannot come from a decoded file, but a writer must survive them.
writer_names = st.one_of(names, names.map(lambda s: s + "\ud800"))
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _row(rank: int, name: str) -> TargetRow:
    factor = Factor(name="scale", value=0.5, weight=1.0, contribution=0.5, evidence=name)
    return TargetRow(
        rank=rank,
        company=f"Company:{rank}",
        name=name,
        stock_codes=[name],
        province=None,
        score=-1.5,
        factors=[factor],
        introducer=None,
        introducer_name=name,
        path_strength=None,
        path=name,
        path_people=[],
    )


def _no_formula(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        for member in z.namelist():
            if member.startswith("xl/worksheets/"):
                assert not re.search(r"<f[ >]", z.read(member).decode("utf-8")), member


@FUZZ
@given(cluster=writer_names, firms=st.lists(writer_names, min_size=1, max_size=4))
def test_writers(cluster: str, firms: list[str]) -> None:
    tl = TargetList(
        cluster=cluster,
        home_region="37",
        weights={"scale": 1.0},
        candidates=len(firms),
        rows=[_row(i, n) for i, n in enumerate(firms, 1)],
    )
    with tempfile.TemporaryDirectory() as tmp:
        book = write_workbook([tl, tl], Path(tmp) / "t.xlsx", sources=[cluster])
        _no_formula(book)
        wb = openpyxl.load_workbook(book)
        target = wb.worksheets[2]
        assert [c.value for c in target["B"][1:]] == [xml_text(n) for n in firms]
        assert wb["索引"]["A2"].value == xml_text(cluster)
        assert [c.value for c in target["F"][1:]] == [-1.5] * len(firms)
        path = write_csv(tl, Path(tmp) / "t.csv")
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        assert [r[1] for r in rows[1:]] == [csv_cell(n) for n in firms]
        assert all(not r[1].startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows[1:])
        assert [r[5] for r in rows[1:]] == ["-1.5"] * len(firms)


@FUZZ
@given(local=names, target=names)
def test_cli_text_and_json(local: str, target: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        graph = Path(tmp) / "g.zsg"
        store = SqliteStore(graph)
        store.upsert_nodes(
            [company("L", "3701", name=local), company("T", "44", name=target), person("张三")]
        )
        store.upsert_relations(
            [
                rel(RelKind.OFFICER_OF, "Person:张三", "Company:L", roles=["董事长"]),
                rel(RelKind.OFFICER_OF, "Person:张三", "Company:T", roles=[target]),
            ]
        )
        store.save()
        stored = SqliteStore(graph)
        local_name = stored.get_node("Company:L").name  # type: ignore[union-attr]
        target_name = stored.get_node("Company:T").name  # type: ignore[union-attr]
        args = ["introduce", "Company:T", "-g", str(graph), "--include-private"]
        text = runner.invoke(app, args)
        assert text.exit_code == 0, text.output
        assert f"谁能引荐我们认识 {printable(target_name)}（" in text.stdout
        assert f"请 {printable(local_name)}：" in text.stdout
        assert not re.search("[\x1b\x07\x85\x9b\u202e\u2066]", text.stdout)
        as_json = runner.invoke(app, [*args, "--json"])
        assert as_json.exit_code == 0, as_json.output
        data = json.loads(as_json.stdout)
        assert data["target_name"] == target_name
        assert data["introducers"][0]["introducer_name"] == local_name
        assert not re.search("[\x1b\x07\x85\x9b\u202e\u2066]", as_json.stdout)
