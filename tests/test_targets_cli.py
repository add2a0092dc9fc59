"""``zhaoshang gaps`` and ``zhaoshang export`` on a small saved graph."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from cli.app import app
from graph.sqlite_store import SqliteStore
from queries.clusters import read_clusters
from queries.gaps import chain_gaps
from queries.paths import SearchContext
from tests.test_targets import hand_graph

runner = CliRunner()
CLUSTERS = """home_region = "37"
[[cluster]]
name = "新能源/电池"
core_industries = ["110000"]
related_industries = ["120000"]
products = ["正极材料", "锂电池"]
[[cluster]]
name = "化工"
core_industries = ["120000"]
"""


def _files(tmp_path: Path) -> tuple[Path, Path]:
    graph = tmp_path / "g.db"
    saved = SqliteStore(graph)
    source = hand_graph()
    saved.upsert_nodes(source.nodes())
    saved.upsert_relations(source.relations())
    saved.save()
    clusters = tmp_path / "c.toml"
    clusters.write_text(CLUSTERS, "utf-8")
    return graph, clusters


def test_gaps_json_equals_library_result(tmp_path: Path) -> None:
    graph, clusters = _files(tmp_path)
    args = ["gaps", "--cluster", "新能源/电池", "--clusters", str(clusters), "-g", str(graph)]
    result = runner.invoke(app, [*args, "--as-of", "2026-01-01", "--json"])
    assert result.exit_code == 0, result.output
    store = SqliteStore(graph)
    ctx = SearchContext.build(store, "37", as_of=dt.date(2026, 1, 1))
    cluster = read_clusters(clusters).get("新能源/电池")
    library = chain_gaps(store, cluster, "37", context=ctx)
    assert json.loads(result.stdout) == library.model_dump(mode="json")
    assert json.loads(result.stdout)["gaps"] == ["Product:锂电池", "Product:碳酸锂"]
    text = runner.invoke(app, args)
    assert text.exit_code == 0 and "碳酸锂" in text.stdout and "延链" in text.stdout


def test_export_all_clusters_one_sheet_each(tmp_path: Path) -> None:
    graph, clusters = _files(tmp_path)
    out = tmp_path / "all.xlsx"
    args = ["export", "--cluster", "all", "--clusters", str(clusters), "-g", str(graph)]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["说明", "索引", "新能源_电池", "化工", "增资扩产", "产业链缺口"]
    index = [[c.value for c in r][:2] for r in wb["索引"].iter_rows(min_row=2)]
    assert index == [["新能源/电池", "新能源_电池"], ["化工", "化工"]]
    assert any(r[0].value == "数据来源" and "test" in r[1].value for r in wb["说明"].iter_rows())
    bad = runner.invoke(app, [*args[:2], "nope", *args[3:], "--out", str(out)])
    assert bad.exit_code == 1 and "集群文件中没有名为“nope”的集群" in bad.stderr
