"""Failure paths of the command line (issue 16): missing files, bad values, damaged data.

Every case runs the real CLI and checks the exit code (1 data error, 2 usage error),
the one Chinese line on stderr and that no traceback is printed.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.app import app
from graph.ids import node_id
from graph.schema import Company, NodeKind, RelKind
from graph.store import open_store
from resolve.index import company_id_for_name
from tests.builders import SRC, company, industry, person, region, rel

runner = CliRunner()
MISSING = "不存在：请先用 `zhaoshang load …` 载入数据，或用 --graph 指定已有的图谱数据库"


def run(*args: str) -> Result:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.fixture()
def graph(tmp_path: Path) -> Path:
    """济南 firm L and 东营 firm D share a director with the Guangdong firm T.

    李四 sits on the boards of L (3701, 济南) and T (44); 王五 on D (3705, 东营) and
    T. Referral paths to T from home 山东 (37) go through L and D, from 济南 only
    through L, from 东营 only through D, and from 江苏 (32) through neither.
    """
    path = tmp_path / "g.db"
    store = open_store(path)
    store.upsert_nodes(
        [
            company("L", "3701", name="本地机械股份有限公司", aliases=["本地机械"]),
            company("D", "370523", name="广饶橡胶股份有限公司", aliases=["广饶橡胶"]),
            company("T", "44", name="远方电池股份有限公司", stock_codes=["300999.SZ"]),
            Company(id="Company:600031", name="三一重工", stock_codes=["600031.SH"], sources=SRC),
            Company(id=company_id_for_name("华为"), name="华为", sources=SRC),
            company(
                "A1", "44", name="甲乙科技有限公司", aliases=["甲乙"], stock_codes=["000001.SZ"]
            ),
            company(
                "A2", "44", name="甲乙控股有限公司", aliases=["甲乙"], stock_codes=["600001.SH"]
            ),
            person("李四"),
            person("王五"),
            industry("640100", "工程机械"),
            region("3799", "岚港市"),
        ]
    )
    store.upsert_relations(
        [
            rel(RelKind.OFFICER_OF, "Person:李四", "Company:L", roles=["董事长"]),
            rel(RelKind.OFFICER_OF, "Person:李四", "Company:T", roles=["董事"]),
            rel(RelKind.OFFICER_OF, "Person:王五", "Company:D", roles=["董事长"]),
            rel(RelKind.OFFICER_OF, "Person:王五", "Company:T", roles=["董事"]),
            rel(RelKind.IN_INDUSTRY, "Company:T", node_id(NodeKind.INDUSTRY, "SW-2021", "640100")),
        ]
    )
    store.save()
    return path


# -- a graph file that does not exist -------------------------------------------------
READERS = [
    ["introduce", "远方电池"],
    ["info"],
    ["targets", "--cluster", "高端装备"],
    ["gaps", "--cluster", "高端装备"],
    ["connectors", "--cluster", "高端装备"],
    ["export", "--out", "x.xlsx"],
    ["resolve"],
    ["push", "--to", "neo4j"],
]


@pytest.mark.parametrize("command", READERS, ids=lambda c: c[0])
def test_every_reader_refuses_a_missing_graph(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(*command, "--graph", "missing.db")
    assert result.exit_code == 1
    assert result.stderr == f"错误：图谱数据库 missing.db {MISSING}\n"
    assert not (tmp_path / "missing.db").exists()


def test_a_folder_is_not_a_graph(tmp_path: Path) -> None:
    result = run("introduce", "远方电池", "--graph", str(tmp_path))
    assert result.exit_code == 1 and "是文件夹，不是图谱数据库文件" in result.stderr


# -- --home: a code or a name, else usage error ---------------------------------------
@pytest.mark.parametrize(
    ("home", "label", "introducers"),
    [
        ("37", "山东省（37）", {"本地机械股份有限公司", "广饶橡胶股份有限公司"}),
        ("山东", "山东省（37）", {"本地机械股份有限公司", "广饶橡胶股份有限公司"}),
        ("山东省", "山东省（37）", {"本地机械股份有限公司", "广饶橡胶股份有限公司"}),
        ("3701", "山东省济南市（3701）", {"本地机械股份有限公司"}),
        ("济南", "山东省济南市（3701）", {"本地机械股份有限公司"}),
        ("东营市", "山东省东营市（3705）", {"广饶橡胶股份有限公司"}),
        ("东营", "山东省东营市（3705）", {"广饶橡胶股份有限公司"}),
        ("广饶县", "山东省东营市广饶县（370523）", {"广饶橡胶股份有限公司"}),
        ("广饶", "山东省东营市广饶县（370523）", {"广饶橡胶股份有限公司"}),
        ("370523", "山东省东营市广饶县（370523）", {"广饶橡胶股份有限公司"}),
        ("山东省东营市广饶县", "山东省东营市广饶县（370523）", {"广饶橡胶股份有限公司"}),
        ("江苏", "江苏省（32）", set()),
        ("3799", "山东省岚港市（3799）", set()),  # a Region node of the graph
    ],
)
def test_home_is_a_code_or_a_name(
    graph: Path, home: str, label: str, introducers: set[str]
) -> None:
    result = run("introduce", "远方电池", "--home", home, "--graph", str(graph), "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == f"本地：{label}"
    answer = json.loads(result.stdout)
    assert answer["home_region"] == label[label.index("（") + 1 : -1]
    assert {p["introducer_name"] for p in answer["paths"]} == introducers
    text = run("introduce", "远方电池", "--home", home, "--graph", str(graph))
    assert text.stdout.splitlines()[0] == f"本地：{label}"


@pytest.mark.parametrize(
    ("home", "message", "first"),
    [
        ("99", "--home 99：没有这个 GB/T 2260 行政区划代码", "新疆维吾尔自治区（65）"),
        ("3798", "--home 3798：没有这个 GB/T 2260 行政区划代码", "山东省岚港市（3799）"),
        ("山冬", "--home 山冬：不是已知的行政区划名称或代码", None),
        ("东营开发区", "--home 东营开发区：不是已知的行政区划名称或代码", "山东省东营市（3705）"),
        ("朝阳区", "--home 朝阳区：有 2 个同名行政区划，请写明代码", "北京市朝阳区（110105）"),
        ("3", "--home 3：行政区划代码应为 2、4 或 6 位数字（省 37、市 3705、县 370523）", None),
    ],
)
def test_unknown_home_is_a_usage_error_with_close_matches(
    graph: Path, home: str, message: str, first: str | None
) -> None:
    for command in (["introduce", "远方电池"], ["targets", "--cluster", "高端装备"]):
        result = run(*command, "--home", home, "--graph", str(graph))
        assert result.exit_code == 2, result.output
        lines = result.stderr.splitlines()
        assert lines[0] == f"错误：{message}"
        if first is not None:
            assert lines[1].startswith(f"可选：{first}")
        assert result.stdout == ""


def test_cluster_commands_take_the_home_of_the_cluster_file(graph: Path, tmp_path: Path) -> None:
    clusters = tmp_path / "c.toml"
    clusters.write_text('home_region = "3705"\n[[cluster]]\nname = "机械"\n', "utf-8")
    result = run("connectors", "--cluster", "机械", "--clusters", str(clusters), "-g", str(graph))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "本地：山东省东营市（3705）"
    given = run("connectors", "--cluster", "机械", "--clusters", str(clusters), "-g", str(graph),
                "--home", "济南")  # fmt: skip
    assert given.stdout.splitlines()[0] == "本地：山东省济南市（3701）"


# -- finding the firm the user names --------------------------------------------------
@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("三一重工股份有限公司", "三一重工"),  # legal name not on file; one firm has the key
        ("三一重工", "三一重工"),
        ("600031", "三一重工"),
        ("华为", "华为"),  # known only by name (no code): found by its own name
        ("远方电池股份有限公司", "远方电池股份有限公司"),
    ],
)
def test_a_single_candidate_resolves(graph: Path, query: str, name: str) -> None:
    result = run("introduce", query, "--graph", str(graph), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["target_name"] == name


def test_several_candidates_are_listed(graph: Path) -> None:
    result = run("introduce", "甲乙", "--graph", str(graph))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "错误：“甲乙”对应 2 家企业，请用股票代码、全称或 id 指定",
        "可选：甲乙科技有限公司（000001.SZ）；甲乙控股有限公司（600001.SH）",
    ]


# -- a damaged graph: a relation whose end node is missing ----------------------------
def _drop_node(path: Path, node: str) -> None:
    """Remove one node from a saved graph file, leaving its relations behind."""
    if path.read_bytes()[:16] == b"SQLite format 3\x00":
        with sqlite3.connect(path) as db:
            db.execute("DELETE FROM nodes WHERE id = ?", (node,))
        return
    lines = gzip.decompress(path.read_bytes()).split(b"\n")
    kept = [line for line in lines if f'"id":"{node}"'.encode() not in line or b'"r"' in line]
    assert len(kept) == len(lines) - 1
    path.write_bytes(gzip.compress(b"\n".join(kept)))


def test_info_reports_dangling_relations(graph: Path) -> None:
    # a first info keeps its counts and check beside the file: a hand edit must miss them
    before = run("info", "--graph", str(graph))
    assert before.exit_code == 0 and "人员（Person）2" in before.stdout, before.output
    _drop_node(graph, "Person:王五")
    result = run("info", "--graph", str(graph))
    assert result.exit_code == 1
    # counts are of stored records; the two whose end is gone are reported apart
    assert "人员（Person）1" in result.stdout and "任职（OFFICER_OF）4" in result.stdout
    assert result.stderr == (
        "错误：数据问题：2 条关系指向图谱中不存在的节点（文件损坏或被手工改动），"
        "查询会略过它们；请重新载入数据\n"
    )
    as_json = run("info", "--graph", str(graph), "--json")
    assert json.loads(as_json.stdout)[0]["dangling_relations"] == 2
    # the rest of the graph still answers: the path through 李四 is found
    paths = run("introduce", "远方电池", "--graph", str(graph), "--json")
    assert paths.exit_code == 0, paths.output
    found = {p["introducer_name"] for p in json.loads(paths.stdout)["paths"]}
    assert found == {"本地机械股份有限公司"}


# -- the default cluster file, and files the user names -------------------------------
def test_targets_outside_the_repository_use_the_shipped_clusters(
    graph: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("targets", "--cluster", "高端装备", "--graph", str(graph), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert [r["name"] for r in rows] == ["远方电池股份有限公司"]  # the one 640100 firm


@pytest.mark.parametrize(
    ("option", "what"),
    [("--clusters", "集群文件"), ("--profile", "评分配置文件")],
)
def test_a_missing_user_file_is_named(graph: Path, option: str, what: str) -> None:
    result = run("targets", "--cluster", "高端装备", option, "nope.toml", "-g", str(graph))
    assert result.exit_code == 1 and result.stderr == f"错误：{what} nope.toml：不存在\n"


def test_missing_tie_and_mapping_files(graph: Path, tmp_path: Path) -> None:
    ties = run("introduce", "远方电池", "--ties", "nope.toml", "-g", str(graph))
    assert ties.exit_code == 1 and ties.stderr == "错误：强度文件 nope.toml：不存在\n"
    table = tmp_path / "t.csv"
    table.write_text("企业名称\n甲公司\n", "utf-8")
    mapping = run("load", "table", str(table), "--mapping", "nope.toml", "-g", str(graph))
    assert mapping.exit_code == 1 and mapping.stderr == "错误：列映射文件 nope.toml：不存在\n"


def test_a_folder_as_cluster_file(graph: Path, tmp_path: Path) -> None:
    result = run("gaps", "--cluster", "高端装备", "--clusters", str(tmp_path), "-g", str(graph))
    assert result.exit_code == 1
    assert result.stderr == f"错误：集群文件 {tmp_path}：是文件夹，不是文件\n"


# -- values the commands cannot take (exit 2) and loads that store nothing (exit 1) --
def test_bad_as_of_kind_and_only_are_usage_errors(graph: Path, tmp_path: Path) -> None:
    as_of = run("targets", "--cluster", "高端装备", "--as-of", "2020-13-01", "-g", str(graph))
    assert as_of.exit_code == 2
    assert as_of.stderr == "错误：--as-of 2020-13-01：不是 YYYY-MM-DD 格式的日期\n"
    table = tmp_path / "t.csv"
    table.write_text("企业名称\n甲公司\n", "utf-8")
    kind = run("load", "table", str(table), "--kind", "firm", "-g", str(tmp_path / "n.db"))
    assert kind.exit_code == 2 and kind.stderr.startswith("错误：--kind firm：没有这种表格类型\n")
    only = run("load", "public", str(tmp_path), "--only", "chainkg", "-g", str(tmp_path / "n.db"))
    assert only.exit_code == 2 and only.stderr.startswith("错误：--only chainkg：没有这个数据集\n")
    assert not (tmp_path / "n.db").exists()


def test_loads_that_store_nothing_fail_and_leave_the_graph_empty(tmp_path: Path) -> None:
    out = tmp_path / "n.db"
    missing = run("load", "public", str(tmp_path / "nope"), "-g", str(out))
    assert missing.exit_code == 1
    assert missing.stderr == f"错误：公开数据目录 {tmp_path / 'nope'} 不存在或不是文件夹\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = run("load", "public", str(empty), "-g", str(out))
    assert (
        nothing.exit_code == 1 and "错误：没有载入任何记录，图谱未改动（9 个错误" in nothing.stderr
    )
    odd = tmp_path / "odd.csv"
    odd.write_text("foo,bar\n1,2\n", "utf-8")
    table = run("load", "table", str(odd), "-g", str(out))
    assert table.exit_code == 1 and "错误：没有载入任何记录，图谱未改动（1 个错误" in table.stderr
    # the database the first load opened stays, empty and at revision 0 (removing it
    # could remove another officer's load waiting on its lock)
    store = open_store(out)
    assert (store.revision, store.count_nodes(), store.count_relations()) == (0, {}, {})


def test_unexpected_errors_are_one_line_unless_debug(
    graph: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import queries.view

    def broken(*_: object, **__: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(queries.view, "find_company", broken)
    result = run("introduce", "远方电池", "-g", str(graph))
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：内部错误 RuntimeError：boom（加 --debug 查看详情，请报告这个问题）\n"
    )
    debug = runner.invoke(app, ["introduce", "远方电池", "-g", str(graph), "--debug"])
    assert isinstance(debug.exception, RuntimeError)


def test_unwritable_output_names_the_file(graph: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", "utf-8")
    result = run("template", str(blocker / "sub"))
    assert result.exit_code == 1
    assert result.stderr == f"错误：{blocker / 'sub'}：路径中有一段不是文件夹\n"
    xlsx = blocker / "sub" / "t.xlsx"
    targets = run("targets", "--cluster", "高端装备", "--xlsx", str(xlsx), "-g", str(graph))
    assert targets.exit_code == 1
    assert targets.stderr == f"错误：无法写入 {xlsx}（路径中有一段不是文件夹）\n"
