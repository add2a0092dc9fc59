"""The command line: help on every command, --json equals the library result, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from graph.privacy import redact
from graph.schema import RelKind
from graph.sqlite_store import SqliteStore
from queries.paths import referral_paths
from tests.builders import company, industry, person, rel

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
COMMANDS = [
    ["load", "public"],
    ["load", "folder"],
    ["load", "table"],
    ["load", "dir"],
    ["template"],
    ["info"],
    ["introduce"],
    ["targets"],
    ["gaps"],
    ["export"],
    ["demo"],
    ["connectors"],
    ["push"],
    ["pull"],
    ["progress"],
    ["board"],
    ["attribution"],
    ["channels"],
    ["record", "stage"],
    ["record", "intro"],
    ["serve"],
    ["user", "add"],
    ["user", "list"],
]


@pytest.fixture()
def graph(tmp_path: Path) -> Path:
    path = tmp_path / "g.db"
    store = SqliteStore(path)
    store.upsert_nodes(
        [
            company("L", "3701", name="本地机械股份有限公司", aliases=["本地机械"]),
            company(
                "T",
                "44",
                name="远方电池股份有限公司",
                aliases=["远方电池"],
                stock_codes=["300999.SZ"],
            ),
            person("李四"),
            industry("110000", "电力设备"),
        ]
    )
    store.upsert_relations(
        [
            rel(RelKind.OFFICER_OF, "Person:李四", "Company:L", roles=["董事长"]),
            rel(RelKind.OFFICER_OF, "Person:李四", "Company:T", roles=["董事"]),
            rel(RelKind.IN_INDUSTRY, "Company:T", "Industry:SW-2021:110000"),
        ]
    )
    store.save()
    return path


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_and_is_in_the_readme(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "-h"])
    assert result.exit_code == 0, result.output
    assert "用法：" in result.output
    readme = (ROOT / "README.md").read_text("utf-8")
    assert f"zhaoshang {' '.join(command)}" in readme


def test_introduce_json_equals_library_result(graph: Path) -> None:
    result = runner.invoke(
        app, ["introduce", "远方电池", "--home", "37", "--graph", str(graph), "--json"]
    )
    assert result.exit_code == 0, result.output
    library = referral_paths(SqliteStore(graph), "Company:T", "37")
    # people are masked in every output unless --include-private (graph.privacy)
    assert json.loads(result.stdout) == redact(library).model_dump(mode="json")
    assert json.loads(result.stdout)["paths"][0]["strength"] == pytest.approx(0.9 * 0.7)
    assert "李四" not in result.stdout and "李*" in result.stdout
    private = runner.invoke(
        app, ["introduce", "远方电池", "--graph", str(graph), "--json", "--include-private"]
    )
    assert json.loads(private.stdout) == library.model_dump(mode="json")


def test_introduce_by_stock_code_prints_sentences(graph: Path) -> None:
    result = runner.invoke(app, ["introduce", "300999", "--graph", str(graph), "--include-private"])
    assert result.exit_code == 0, result.output
    assert "李四 亦任 远方电池股份有限公司 的董事" in result.stdout  # undated seats
    assert "请 本地机械股份有限公司：1 条路径，最强 0.630" in result.stdout


def test_unknown_firm_is_one_line_with_candidates(graph: Path) -> None:
    result = runner.invoke(app, ["introduce", "远方电", "--graph", str(graph)])
    assert result.exit_code == 1
    assert "错误：图谱中没有名为“远方电”的企业" in result.stderr
    assert "可选：远方电池股份有限公司" in result.stderr
    assert "Traceback" not in result.output


def test_targets_json_and_xlsx(graph: Path, tmp_path: Path) -> None:
    clusters = tmp_path / "c.toml"
    clusters.write_text('[[cluster]]\nname = "电池"\ncore_industries = ["110000"]\n', "utf-8")
    xlsx = tmp_path / "t.xlsx"
    args = ["targets", "--cluster", "电池", "--clusters", str(clusters), "--graph", str(graph)]
    result = runner.invoke(app, [*args, "--json", "--xlsx", str(xlsx)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    # chain fit 1.0 × 0.3 + reachability 0.63 × 0.25 (other factors no data) = 0.4575
    assert [(r["company"], r["score"]) for r in rows] == [("Company:T", pytest.approx(0.4575))]
    assert xlsx.exists()


def test_info_and_missing_graph(graph: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["info", "--graph", str(graph), "--json"])
    assert json.loads(result.stdout) == [
        {
            "nodes": {"Company": 2, "Industry": 1, "Person": 1},
            "relations": {"IN_INDUSTRY": 1, "OFFICER_OF": 2},
            "dangling_relations": 0,
        }
    ]
    missing = runner.invoke(app, ["info", "--graph", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "none.db 不存在" in missing.stderr


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and re.match(r"zhaoshang \d+\.\d+", result.stdout)


def test_render_doctests() -> None:
    import doctest

    import cli.render

    assert doctest.testmod(cli.render).failed == 0
