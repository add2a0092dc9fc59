"""Fuzzing the table readers (issue 16): random Unicode, control characters, markup and
formula prefixes in headers and cells, written as CSV, TSV, JSON, JSON Lines, HTML and
XLSX (openpyxl). No traceback: a file is loaded with every problem a report issue, or
refused with one clear line; what is stored holds no control character and saves.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from graph.errors import LoadError
from graph.store import open_store
from loaders.office.table_loader import load_table
from resolve.index import CompanyIndex

_NASTY = [
    "=HYPERLINK(\"http://x\",\"点我\")", "=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)",
    "[/bad]", "[link=http://x]本地企业[/link]有限公司", "[bold]", "\x00", "\x1b[31m", "\u202e",
    "\ud800", "NaN", "null", "None", "#N/A", "", " ", "\t", "\r\n", "软\x00件", "企业名称",
    "所属行业", "成立日期", "2015年04月08日10:05", "9" * 30, "﻿", "<td>", "</table>", "\"",
    "'", ",", ";", "|",
]  # fmt: skip
TEXT = st.one_of(st.sampled_from(_NASTY), st.text(max_size=12))
HEADERS = st.lists(st.one_of(st.sampled_from(["企业名称", "所属行业", "主体"]), TEXT), min_size=1,
                   max_size=4)  # fmt: skip
FORMATS = ("csv", "tsv", "json", "jsonl", "html", "xlsx")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _write(path: Path, fmt: str, header: list[str], rows: list[list[str]]) -> None:
    if fmt in ("csv", "tsv"):
        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t")
        for row in [header, *rows]:
            writer.writerow(row)
        path.write_bytes(out.getvalue().encode("utf-8", "surrogatepass"))
    elif fmt in ("json", "jsonl"):
        items = [dict(zip(header, row, strict=False)) for row in rows]
        if fmt == "json":
            path.write_text(json.dumps(items, ensure_ascii=True), "utf-8")
        else:
            path.write_text("\n".join(json.dumps(i) for i in items), "utf-8")
    elif fmt == "html":
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in [header, *rows]
        )
        path.write_bytes(f"<html><table>{body}</table></html>".encode("utf-8", "surrogatepass"))
    else:
        wb = openpyxl.Workbook()
        for row in [header, *rows]:  # what an XLSX cannot hold, openpyxl cannot write
            wb.active.append([ILLEGAL_CHARACTERS_RE.sub("", _CONTROL.sub("", c)) for c in row])
        wb.save(path)


@settings(max_examples=150, deadline=None)
@given(
    fmt=st.sampled_from(FORMATS),
    header=HEADERS,
    rows=st.lists(st.lists(TEXT, min_size=1, max_size=5), max_size=4),
    kind=st.sampled_from([None, "company", "relation"]),
)
def test_readers_never_crash(
    fmt: str, header: list[str], rows: list[list[str]], kind: str | None
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"企业名录.{fmt}"
        _write(path, fmt, header, rows)
        store = open_store(Path(tmp) / "g.db")
        try:
            report = load_table(path, store, CompanyIndex(), kind=kind)
        except LoadError as exc:  # refused as a whole: one line naming the file
            assert "\n" not in str(exc) and (path.name in str(exc) or str(path) in str(exc))
            return
        assert report.rows_read <= len(rows)
        for issue in report.issues:
            assert issue.file == path.name and issue.message
        for node in store.nodes():
            for text in (node.name, *node.aliases, *node.tags):
                assert not _CONTROL.search(text), text
        store.save()  # everything stored can be written (no lone surrogate)
