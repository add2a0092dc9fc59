"""Everything the CLI says to a user is Chinese (issue 17).

Every command the typer app registers (walked, so a new command is covered without
editing this file) is run with ``-h``, with an option it does not have, and with one
failing invocation of its own (:data:`FAILING`, which must name every command); the
text on stdout and stderr may hold codes, ids, file names, option names and acronyms
but no run of three or more English words (:func:`english_runs`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()

# Tokens that are not English prose: <metavars>, option names, paths, file names, ids
# (anything with / _ = @ # or a digit, or a dot inside it), quoted values, and
# CAPITALS (USCC, OPTIONS).
_NOT_PROSE = re.compile(
    r"<[^>]*>"
    r"|(?<![\w-])--?[A-Za-z][\w-]*"
    r"|\S*[/\\_=@#\d]\S*"
    r"|\S+\.\w\S*"
    r"|'[^']*'"
    r"|\b[A-Z][A-Z0-9_]+\b"
)
_RUN = re.compile(r"[A-Za-z]+(?:[ \t,;]+[A-Za-z]+){2,}")
#: Names the CLI itself is made of: the program, command and option values.
_NAMES = {"zhaoshang", "embedded", "neo4j", "viewer", "officer", "admin", "all"}


def english_runs(text: str, names: frozenset[str] = frozenset()) -> list[str]:
    """Runs of three or more English words in ``text`` (codes and names left out).

    Examples
    --------
    >>> english_runs("Show this message and exit.")
    ['Show this message and exit']
    >>> english_runs("用法：zhaoshang load table [OPTIONS] FILE --kind company")
    []
    """
    words = _NAMES | names
    cleaned = _NOT_PROSE.sub("  ", text)
    cleaned = re.sub(r"[A-Za-z]+", lambda m: " " if m.group() in words else m.group(), cleaned)
    return [re.sub(r"\s+", " ", run) for run in _RUN.findall(cleaned)]


def _commands(group: typer.Typer, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path of ``group`` (sub-apps walked), in registration order."""
    found: list[tuple[str, ...]] = [prefix] if prefix else []
    for info in group.registered_commands:
        name = info.name or (info.callback.__name__ if info.callback else "")
        found.append((*prefix, name.replace("_", "-")))
    for sub in group.registered_groups:
        assert sub.typer_instance is not None and sub.name is not None
        found += _commands(sub.typer_instance, (*prefix, sub.name))
    return found


COMMANDS = _commands(app)
NAMES = frozenset(word for path in COMMANDS for word in path)

#: One failing invocation per command (``{tmp}`` is a fresh folder; no graph in it).
FAILING: dict[tuple[str, ...], list[str]] = {
    ("load",): ["nosuchkind"],
    ("load", "public"): ["{tmp}/无此目录"],
    ("load", "folder"): ["{tmp}/无此目录", "--graph", "{tmp}/g.db"],
    ("load", "table"): ["{tmp}/无此表.csv", "--graph", "{tmp}/g.db"],
    ("load", "dir"): ["{tmp}/无此目录", "--kind", "x"],
    ("info",): ["--graph", "{tmp}/无此图谱.db"],
    ("introduce",): ["某某公司", "--graph", "{tmp}/无此图谱.db"],
    ("demo",): ["--data", "{tmp}/无此目录", "--out", "{tmp}/out"],
    ("template",): ["{tmp}/a-file.txt"],
    ("connectors",): ["--cluster", "高端装备", "--graph", "{tmp}/无此图谱.db"],
    ("targets",): ["--cluster", "高端装备", "-n", "many"],
    ("gaps",): ["--cluster", "高端装备", "--per-gap", "-1"],
    ("export",): ["--out", "{tmp}/x.xlsx", "--as-of", "2026-02-30"],
    ("push",): ["--to", "neo4j", "--graph", "{tmp}/无此图谱.db"],
    ("pull",): ["--from", "mysql"],
    ("resolve",): ["--graph", "{tmp}/无此图谱.db"],
    ("progress",): ["--from", "2026-01-01", "--to", "五月底"],
    ("attribution",): ["--rules", "{tmp}/无此文件.toml", "--graph", "{tmp}/无此图谱.db"],
    ("channels",): ["--as-of", "2026-02-30", "--graph", "{tmp}/无此图谱.db"],
    ("board",): ["--as-of", "2026-02-30", "--graph", "{tmp}/无此图谱.db"],
    ("record",): ["nothing"],
    ("record", "stage"): ["GR-05", "签约", "--on", "2026-13-01"],
    ("record", "intro"): ["王某某", "某某集团", "--at", "昨天"],
    ("serve",): ["--port", "0"],
    ("user",): ["remove"],
    ("user", "add"): ["张三", "--role", "boss"],
    ("user", "list"): ["--graph"],
}


def _check(args: list[str]) -> str:
    result = runner.invoke(app, args, env={"COLUMNS": "100"})
    text = result.stdout + result.stderr
    assert english_runs(text, NAMES) == [], text
    return text


def test_the_walk_finds_every_command() -> None:
    assert ("info",) in COMMANDS and ("load", "table") in COMMANDS
    assert ("user", "add") in COMMANDS and ("record", "intro") in COMMANDS
    assert sorted(COMMANDS) == sorted(FAILING), "add the new command to FAILING"


def test_the_detector_finds_english_and_passes_chinese() -> None:
    assert english_runs("错误：no firm named 三一 was found") == ["no firm named"]
    assert english_runs("读取 关系表.csv：csv, gb18030, 表格→relation") == []
    # the line as it was before issue 17: file names and codes blanked, prose kept
    assert english_runs("read 关系表.csv: csv, gb18030, table→relation") == ["read csv, table"]
    assert english_runs("--as-of 2026-02-30：不是 YYYY-MM-DD 格式的日期") == []
    assert english_runs("统一社会信用代码 (USCC), LEI, GB/T 2260, CSV, XLSX, Neo4j") == []
    assert english_runs("saved 图谱 in 3.0 s") == []
    assert english_runs("Show this message and exit.") == ["Show this message and exit"]


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_help_is_chinese(path: tuple[str, ...]) -> None:
    text = _check([*path, "-h"])
    assert "用法：" in text


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_an_unknown_option_is_refused_in_chinese(path: tuple[str, ...]) -> None:
    text = _check([*path, "--no-such-option"])
    assert "没有选项 --no-such-option" in text or "没有命令" in text


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_a_failing_invocation_is_chinese(path: tuple[str, ...], tmp_path: Path) -> None:
    (tmp_path / "a-file.txt").write_text("x", "utf-8")
    args = [a.replace("{tmp}", str(tmp_path)) for a in FAILING[path]]
    result = runner.invoke(app, [*path, *args], env={"COLUMNS": "100"})
    assert result.exit_code in (1, 2), result.output
    text = result.stdout + result.stderr
    assert english_runs(text, NAMES) == [], text


def test_every_schema_kind_has_chinese_words() -> None:
    """``info``, the notebooks and the web pages name every node and relation kind."""
    from graph.schema import NodeKind, RelKind
    from graph.words import KIND_ZH, REL_ZH

    assert set(KIND_ZH) == {k.value for k in NodeKind}
    assert set(REL_ZH) == {k.value for k in RelKind}
    assert not [w for w in (*KIND_ZH.values(), *REL_ZH.values()) if english_runs(w)]
