"""One privacy rule for every output (graph.privacy): people and private ties only on request.

The graph below (home region 37) has four people; every output path is run without and
with ``--include-private`` and the bytes written are searched for their names:

- 张三丰 is an officer of the local firm L and of the target T (path L → 张三丰 → T);
- 钱学森 controls T2; his id ``Person:controller:600999:钱学森`` embeds the name, as
  the a-share loader's controller ids do;
- 王建国 is an officer of L and knows 钱学森 through a private KNOWS tie (老乡): the
  only way from our side to T2, walked only with the flag;
- 孙大使 is engaged by the home region (our side, a connector) and an officer of T.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from graph.ids import node_id
from graph.privacy import mask_name, redact
from graph.schema import NodeKind, Person, RelKind
from graph.sqlite_store import SqliteStore
from loaders.office.table_loader import load_dir
from queries.clusters import read_clusters
from queries.explore import ego_network, referral_subgraph, targets_frame
from queries.export import write_csv
from queries.paths import SearchContext, referral_paths
from queries.targets import target_list
from resolve.decisions import log_path
from resolve.index import CompanyIndex
from tests.builders import SRC, company, industry, person, product, region, rel

runner = CliRunner()
PEOPLE = ("张三丰", "钱学森", "王建国", "孙大使")
QIAN = "Person:controller:600999:钱学森"
CLUSTERS = """home_region = "37"
[[cluster]]
name = "新能源/电池"
core_industries = ["110000"]
products = ["锂电池"]
"""


def _graph(tmp_path: Path) -> tuple[Path, Path]:
    path = tmp_path / "g.zsg"
    store = SqliteStore(path)
    c, ind = "Company:", "Industry:SW-2021:110000"
    store.upsert_nodes(
        [
            company("L", "3701", name="本地机械股份有限公司"),
            company("T", "44", name="远方电池股份有限公司"),
            company("T2", "44", name="远方材料有限公司"),
            person("张三丰"),
            person("王建国"),
            Person(id="Person:amb", name="孙大使", sources=SRC),
            Person(id=QIAN, name="钱学森", sources=SRC),
            industry("110000", "电力设备"),
            product("锂电池"),
            region("37", "山东省"),
        ]
    )
    store.upsert_relations(
        [
            rel(RelKind.IN_INDUSTRY, c + "T", ind),
            rel(RelKind.IN_INDUSTRY, c + "T2", ind),
            rel(RelKind.MAKES, c + "T", "Product:锂电池", weight=0.8),
            rel(RelKind.OFFICER_OF, "Person:张三丰", c + "L", roles=["董事长"]),
            rel(RelKind.OFFICER_OF, "Person:张三丰", c + "T", roles=["董事"]),
            rel(RelKind.OFFICER_OF, "Person:王建国", c + "L", roles=["监事"]),
            rel(RelKind.KNOWS, "Person:王建国", QIAN, label="老乡", private=True),
            rel(RelKind.CONTROLS, QIAN, c + "T2"),
            rel(RelKind.ENGAGED_BY, "Person:amb", node_id(NodeKind.REGION, "37")),
            rel(RelKind.OFFICER_OF, "Person:amb", c + "T", roles=["顾问"]),
        ]
    )
    store.save()
    clusters = tmp_path / "c.toml"
    clusters.write_text(CLUSTERS, "utf-8")
    return path, clusters


def _xlsx_text(path: Path) -> str:
    """Every XML part of a workbook, decoded (what a reader of the file can see)."""
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist())


def _absent(text: str, *extra: str) -> None:
    for secret in (*PEOPLE, *extra):
        assert secret not in text, secret


def test_mask_keeps_the_first_character() -> None:
    assert [mask_name(n) for n in PEOPLE] == ["张**", "钱**", "王**", "孙**"]


@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["text", "json"])
def test_introduce_masks_people_and_walks_no_private_tie(tmp_path: Path, json_flag) -> None:  # type: ignore[no-untyped-def]
    graph, _ = _graph(tmp_path)
    base = ["introduce", "Company:T", "-g", str(graph), *json_flag]
    masked = runner.invoke(app, base)
    assert masked.exit_code == 0, masked.output
    _absent(masked.stdout)
    assert "张**" in masked.stdout
    shown = runner.invoke(app, [*base, "--include-private"])
    assert "张三丰" in shown.stdout
    # T2 is reached only over the private KNOWS tie (王建国 —老乡— 钱学森 → T2)
    base2 = ["introduce", "Company:T2", "-g", str(graph), *json_flag]
    hidden = runner.invoke(app, base2)
    _absent(hidden.stdout, "老乡")
    private = runner.invoke(app, [*base2, "--include-private"])
    for secret in ("王建国", "钱学森", "老乡"):
        assert secret in private.stdout
    if json_flag:
        path = json.loads(private.stdout)["paths"][0]
        assert [h["relation"] for h in path["hops"]] == ["OFFICER_OF", "KNOWS", "CONTROLS"]
        assert json.loads(hidden.stdout)["paths"] == []


def test_targets_json_text_workbook_and_csv(tmp_path: Path) -> None:
    graph, clusters = _graph(tmp_path)
    args = ["targets", "--cluster", "新能源/电池", "--clusters", str(clusters), "-g", str(graph)]
    book = tmp_path / "t.xlsx"
    for extra in (["--json"], [], ["--xlsx", str(book)]):
        result = runner.invoke(app, [*args, *extra])
        assert result.exit_code == 0, result.output
        _absent(result.stdout, QIAN)
    rows = json.loads(runner.invoke(app, [*args, "--json"]).stdout)["rows"]
    t = next(r for r in rows if r["company"] == "Company:T")
    # best path to T: L's chairman 张三丰 is T's director (0.9 × 0.7 = 0.63), masked
    assert t["introducer_name"] == "本地机械股份有限公司" and t["path_people"] == ["张**"]
    assert t["path"].startswith("张** 任 本地机械股份有限公司 的董事长")
    assert t["path_strength"] == pytest.approx(0.63)
    _absent(_xlsx_text(book))
    assert "张**" in _xlsx_text(book)
    private = runner.invoke(app, [*args, "--json", "--include-private", "--xlsx", str(book)])
    assert "张三丰" in private.stdout and "张三丰" in _xlsx_text(book)
    # T2 is reachable with the flag only, over 老乡 to 钱学森
    t2 = next(r for r in json.loads(private.stdout)["rows"] if r["company"] == "Company:T2")
    assert "钱学森" in t2["path"] and "老乡" in t2["path"]

    store = SqliteStore(graph)
    tl = target_list(store, read_clusters(clusters).get("新能源/电池"), "37", n=0)
    csv_file = write_csv(tl, tmp_path / "t.csv")
    _absent(csv_file.read_text("utf-8-sig"))
    write_csv(tl, csv_file, include_private=True)
    assert "张三丰" in csv_file.read_text("utf-8-sig")


def test_export_gaps_and_connectors(tmp_path: Path) -> None:
    graph, clusters = _graph(tmp_path)
    common = ["--clusters", str(clusters), "-g", str(graph)]
    out = tmp_path / "all.xlsx"
    exported = runner.invoke(app, ["export", *common, "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    _absent(_xlsx_text(out), "老乡")
    runner.invoke(app, ["export", *common, "--out", str(out), "--include-private"])
    assert "张三丰" in _xlsx_text(out) and "老乡" in _xlsx_text(out)
    for command in ("gaps", "connectors"):
        args = [command, "--cluster", "新能源/电池", *common, "--json"]
        masked = runner.invoke(app, args)
        assert masked.exit_code == 0, masked.output
        _absent(masked.stdout, QIAN)
        text = runner.invoke(app, args[:-1])
        _absent(text.stdout)
    connectors = json.loads(
        runner.invoke(app, ["connectors", "--cluster", "新能源/电池", *common, "--json"]).stdout
    )
    assert "孙**" in [r["name"] for r in connectors["rows"]]
    private = runner.invoke(
        app, ["connectors", "--cluster", "新能源/电池", *common, "--json", "--include-private"]
    )
    assert "孙大使" in private.stdout


def test_an_id_that_embeds_a_name_is_masked(tmp_path: Path) -> None:
    graph, _ = _graph(tmp_path)
    store = SqliteStore(graph)
    ctx = SearchContext.build(store, "37", include_private=True)
    found = referral_paths(store, "Company:T2", "37", context=ctx)
    assert QIAN in found.paths[0].nodes
    masked = redact(found).model_dump_json()
    _absent(masked)
    assert "Person:controller:600999:钱**" in masked
    assert redact(found, include_private=True) == found


def test_notebook_helpers(tmp_path: Path) -> None:
    graph, clusters = _graph(tmp_path)
    store = SqliteStore(graph)
    ego = ego_network(store, "Company:L", hops=3)
    text = repr(sorted(ego.nodes(data=True))) + repr(list(ego.edges(keys=True, data=True)))
    _absent(text, "老乡")
    assert "张**" in text
    ego_private = ego_network(store, "Company:L", hops=3, include_private=True)
    assert {d["name"] for _, d in ego_private.nodes(data=True)} >= set(PEOPLE) - {"孙大使"}
    ctx = SearchContext.build(store, "37", include_private=True)
    found = referral_paths(store, "Company:T2", "37", context=ctx)
    drawn = referral_subgraph(store, found)
    _absent(repr(list(drawn.nodes(data=True))) + repr(list(drawn.edges(keys=True))))
    assert "钱学森" in repr(list(referral_subgraph(store, found, True).nodes(data=True)))
    tl = target_list(store, read_clusters(clusters).get("新能源/电池"), "37", n=0)
    buffer = io.StringIO()
    targets_frame(tl).to_csv(buffer)
    _absent(buffer.getvalue())
    assert "张三丰" in targets_frame(tl, include_private=True).to_csv()


def test_masked_people_stay_distinct_nodes_in_drawings() -> None:
    from tests.builders import store_of

    store = store_of(
        [company("A"), person("王伟"), person("王强")],
        [
            rel(RelKind.OFFICER_OF, "Person:王伟", "Company:A"),
            rel(RelKind.OFFICER_OF, "Person:王强", "Company:A"),
        ],
    )
    g = ego_network(store, "Company:A")
    assert sorted(g.nodes) == ["Company:A", "Person:王*", "Person:王*#2"]
    assert g.number_of_edges() == 2


RELATIONS = (
    "主体,对象,关系类型\n"
    "刘志强,岚港锂能科技股份有限公司,任职\n"
    "欧阳娜娜,岚港锂能科技股份有限公司,任职\n"
)
PEOPLE_CSV = "姓名,工作单位,职务\n刘志强,岚港锂能科技股份有限公司,董事长\n欧阳娜娜,,\n"
FIRMS_CSV = "企业名称,统一社会信用代码\n岚港锂能科技股份有限公司,91379900MA3DG0001Q\n"


def test_the_resolution_log_holds_no_person_named_in_a_relation_sheet(tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "企业名录.csv").write_text(FIRMS_CSV, "utf-8")
    (folder / "人员名录.csv").write_text(PEOPLE_CSV, "utf-8")
    (folder / "关系表.csv").write_text(RELATIONS, "utf-8")
    graph = tmp_path / "g.zsg"
    result = runner.invoke(app, ["load", "dir", str(folder), "-g", str(graph)])
    assert result.exit_code == 0, result.output
    log = log_path(graph).read_text("utf-8")
    assert "岚港锂能科技股份有限公司" in log  # firm mentions are logged
    assert "刘志强" not in log and "欧阳娜娜" not in log
    store = SqliteStore(graph)
    names = {n.name for n in store.nodes(NodeKind.PERSON)}
    assert {"刘志强", "欧阳娜娜"} <= names  # the rows loaded: the people are in the graph
    # at the source: the loader records no decision on a person's name at all
    index = CompanyIndex.from_store(SqliteStore())
    load_dir(folder, SqliteStore(), index)
    mentions = {mention for _, mention in index.decisions}
    assert "岚港锂能科技股份有限公司" in mentions
    assert not mentions & {"刘志强", "欧阳娜娜"}
    review = tmp_path / "review.xlsx"
    runner.invoke(app, ["resolve", "-g", str(graph), "--review", str(review)])
    if review.exists():
        assert "刘志强" not in _xlsx_text(review)


def test_an_old_log_loses_person_mentions_on_the_next_load(tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "企业名录.csv").write_text(FIRMS_CSV, "utf-8")
    (folder / "人员名录.csv").write_text(PEOPLE_CSV, "utf-8")
    graph = tmp_path / "g.zsg"
    assert runner.invoke(app, ["load", "dir", str(folder), "-g", str(graph)]).exit_code == 0
    decision = {
        "dataset": "x",
        "mention": "刘志强",
        "verdict": "new",
        "id": None,
        "rule": "none",
        "evidence": "",
        "candidates": [],
        "parent": None,
        "sources": [],
    }
    old = json.dumps({"decision": decision}, ensure_ascii=False) + "\n"
    log = log_path(graph)
    log.write_text(log.read_text("utf-8") + old, "utf-8")
    assert runner.invoke(app, ["load", "dir", str(folder), "-g", str(graph)]).exit_code == 0
    assert "刘志强" not in log.read_text("utf-8")
