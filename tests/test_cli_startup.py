"""Start-up of the real ``zhaoshang`` executable (issue 12: ``info`` under 0.5 s).

The executable builds only the command it is asked for (:func:`cli.app.only_invoked`),
imports no schema model for ``info``, and keeps ``info``'s counts per file state. These
tests run it as a user does, in its own process, and check that nothing a user sees
changed: help still lists every command, a misspelt command still gets its
suggestion, a group's subcommands still answer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import typer

from cli.app import app, only_invoked
from graph.ids import new_relation
from graph.schema import Company, RelKind, Source
from graph.sqlite_store import SqliteStore

ENV = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"}
S = Source(dataset="测试", file="t.csv", row=1)


def zhaoshang(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from cli.entry import main; main()", *args],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _graph(tmp_path: Path) -> Path:
    db = tmp_path / "g.db"
    store = SqliteStore(db)
    store.upsert_nodes(Company(id=f"Company:{c}", name=f"{c}公司", sources=[S]) for c in "ABC")
    store.upsert_relations(
        [
            new_relation(RelKind.SUPPLIES, "Company:A", "Company:B", [S]),
            new_relation(RelKind.OWNS, "Company:B", "Company:C", [S]),
        ]
    )
    store.save()
    store.close()
    return db


def test_info_answers_without_the_schema_models(tmp_path: Path) -> None:
    db = _graph(tmp_path)
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(sorted(m for m in ('graph.schema', 'queries.types')"
        " if m in sys.modules), file=sys.stderr))\n"
        "from cli.entry import main; main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, "info", "--graph", str(db), "--json"],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    # 3 firms, one SUPPLIES and one OWNS, counted by hand from _graph
    assert json.loads(result.stdout) == [
        {"nodes": {"Company": 3}, "relations": {"OWNS": 1, "SUPPLIES": 1}, "dangling_relations": 0}
    ]
    assert result.stderr.strip() == "[]"


def test_info_counts_follow_a_write_after_they_were_kept(tmp_path: Path) -> None:
    db = _graph(tmp_path)
    first = zhaoshang("info", "--graph", str(db), "--json")
    assert json.loads(first.stdout)[0]["nodes"] == {"Company": 3}
    store = SqliteStore(db)
    store.upsert_nodes([Company(id="Company:D", name="D公司", sources=[S])])
    store.save()
    store.close()
    again = zhaoshang("info", "--graph", str(db), "--json")
    assert json.loads(again.stdout)[0]["nodes"] == {"Company": 4}


def test_help_lists_every_command_and_groups_still_answer() -> None:
    listed = zhaoshang("-h")
    assert listed.returncode == 0
    names = [c.name or c.callback.__name__ for c in app.registered_commands]  # type: ignore[union-attr]
    names += [g.name for g in app.registered_groups if g.name]
    assert len(names) >= 19  # 15 commands and 4 groups when this test was written
    for name in names:
        assert f" {name.replace('_', '-')} " in listed.stdout, name
    sub = zhaoshang("load", "public", "-h")
    assert sub.returncode == 0 and "公开数据集" in sub.stdout


def test_a_misspelt_command_still_gets_its_suggestion() -> None:
    result = zhaoshang("infp")
    assert result.returncode == 2
    assert "没有命令 'infp'。是否想用 'info'？" in result.stderr


def test_only_invoked_keeps_the_named_command_or_group() -> None:
    def fresh() -> typer.Typer:
        t = typer.Typer()
        t.registered_commands = list(app.registered_commands)
        t.registered_groups = list(app.registered_groups)
        return t

    one = fresh()
    only_invoked(one, ["--version", "info", "--graph", "x.db"])
    assert [c.callback.__name__ for c in one.registered_commands] == ["info"]  # type: ignore[union-attr]
    assert one.registered_groups == []
    group = fresh()
    only_invoked(group, ["load", "public", "data"])
    assert group.registered_commands == [] and [g.name for g in group.registered_groups] == ["load"]
    for args in (["-h"], [], ["infp"]):
        kept = fresh()
        only_invoked(kept, args)
        assert len(kept.registered_commands) == len(app.registered_commands)
        assert len(kept.registered_groups) == len(app.registered_groups)
