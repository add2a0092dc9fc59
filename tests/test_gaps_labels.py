"""Chain gap labels (补链/强链/延链), product synonyms and news memberships (issue 13, fault 10).

Hand-made graph, home "37", cluster 装备 with products 重卡, 挖掘机, 轴承, 阿胶, 大蒜; 钢材
is UPSTREAM_OF 挖掘机; 重型卡车 is a synonym of 重卡 (``resolve/data/product_synonyms.csv``),
阿胶系列 a product-line name of 阿胶 (``resolve.products.LINE_SUFFIXES``).

==========  =========================================================  ==============
segment     who covers it                                               label
==========  =========================================================  ==============
轴承        E1 (44) 60 %, E2 (32) 30 %: no local firm                  补链 (cluster)
重卡        L1 (370116) makes 重型卡车 90 % (synonym); E3 (61) 95 %     强链: 1 < 3
阿胶        L1 makes 阿胶系列 80 % (product line)                      强链: 1 < 3
挖掘机      L3 (3702) 50 %, L4 (3703) 20 %, L2 (3701) news 归属于行业    none: 3 local
大蒜        nobody                                                      无数据
钢材        E1 10 %, E2 20 % (2 makers ≥ min_makers 2): no local firm   延链 (upstream)
==========  =========================================================  ==============

Order: cluster segments first, 补链 before 强链 (重卡: 1 maker elsewhere, before 阿胶:
0) before none before 无数据, then upstream; ``gaps`` the 补链/延链 ones. L2's
membership has no revenue share, so it is listed after L3 and L4 and is no target
candidate.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from graph.ids import new_relation
from graph.schema import Company, Product, RelKind, Source
from graph.sqlite_store import SqliteStore
from loaders.public import ickg
from queries.clusters import ClusterDef, read_clusters
from queries.gaps import chain_gaps, gap_label
from queries.paths import SearchContext
from queries.targets import target_list
from resolve.index import CompanyIndex
from resolve.products import canonical, industry_forms, synonyms_of
from tests.builders import company, product, rel, store_of

CLUSTER = ClusterDef(name="装备", products=["重卡", "挖掘机", "轴承", "阿胶", "大蒜"])
NEWS = Source(dataset="ickg25", file="train.txt", row=7)


def _parts():  # type: ignore[no-untyped-def]
    nodes = [
        *(product(p) for p in ("重卡", "重型卡车", "挖掘机", "轴承", "钢材", "阿胶", "阿胶系列")),
        product("大蒜"),
        company("L1", "370116"),
        company("L2", "3701"),
        company("L3", "3702"),
        company("L4", "3703"),
        company("E1", "44"),
        company("E2", "32"),
        company("E3", "61"),
    ]
    member = new_relation(
        RelKind.MAKES,
        "Company:L2",
        "Product:挖掘机",
        [NEWS],
        key="ickg25",
        label="归属于行业",
        since=dt.date(2025, 8, 25),
        as_of=dt.date(2025, 8, 25),
        confidence=0.6,
    )
    rels = [
        rel(RelKind.MAKES, "Company:L1", "Product:重型卡车", weight=0.9),
        rel(RelKind.MAKES, "Company:L1", "Product:阿胶系列", weight=0.8),
        rel(RelKind.MAKES, "Company:E3", "Product:重卡", weight=0.95),
        rel(RelKind.MAKES, "Company:L3", "Product:挖掘机", weight=0.5),
        rel(RelKind.MAKES, "Company:L4", "Product:挖掘机", weight=0.2),
        member,
        rel(RelKind.MAKES, "Company:E1", "Product:轴承", weight=0.6),
        rel(RelKind.MAKES, "Company:E2", "Product:轴承", weight=0.3),
        rel(RelKind.MAKES, "Company:E1", "Product:钢材", weight=0.1),
        rel(RelKind.MAKES, "Company:E2", "Product:钢材", weight=0.2),
        rel(RelKind.UPSTREAM_OF, "Product:钢材", "Product:挖掘机"),
    ]
    return nodes, rels


def _graph():  # type: ignore[no-untyped-def]
    return store_of(*_parts())


LABELS = ["补链", "强链", "强链", None, "无数据", "延链"]  # the segments' order above


@pytest.mark.usefixtures("backend")
def test_labels_of_a_hand_made_chain() -> None:
    store = _graph()
    gaps = chain_gaps(store, CLUSTER, "37", context=SearchContext.build(store, "37"))
    got = [
        (s.name, s.role, s.label, s.gap, len(s.local_makers), s.elsewhere) for s in gaps.segments
    ]
    assert got == [
        ("轴承", "cluster", "补链", True, 0, 2),
        ("重卡", "cluster", "强链", False, 1, 1),
        ("阿胶", "cluster", "强链", False, 1, 0),
        ("挖掘机", "cluster", None, False, 3, 0),
        ("大蒜", "cluster", "无数据", False, 0, 0),
        ("钢材", "upstream", "延链", True, 0, 2),
    ]
    assert gaps.gaps == ["Product:轴承", "Product:钢材"] and gaps.strong_min_local == 3
    by = {s.name: s for s in gaps.segments}
    # the synonym: L1 makes 重型卡车, so 重卡 is covered locally
    (l1,) = by["重卡"].local_makers
    assert (l1.company, l1.product, l1.share) == ("Company:L1", "重型卡车", 0.9)
    assert [c.company for c in by["重卡"].candidates] == ["Company:E3"]  # strengthens it
    assert [(m.company, m.product) for m in by["阿胶"].local_makers] == [("Company:L1", "阿胶系列")]
    assert by["大蒜"].candidates == [] and "无数据：本地、外地均无" in gaps.labels
    # the news membership counts as local coverage, dated, listed after revenue shares
    makers = [(m.company, m.share, m.basis, m.as_of) for m in by["挖掘机"].local_makers]
    assert makers == [
        ("Company:L3", 0.5, None, None),
        ("Company:L4", 0.2, None, None),
        ("Company:L2", None, "归属于行业", dt.date(2025, 8, 25)),
    ]
    assert by["挖掘机"].local_makers[2].note == "新闻称属于挖掘机行业（2025-08-25）"
    assert by["挖掘机"].local_makers[2].relation_id.endswith("#ickg25")
    assert [c.company for c in by["轴承"].candidates] == ["Company:E1", "Company:E2"]
    assert "强链：本地有企业覆盖但少于 3 家" in gaps.labels
    # a membership alone makes no target candidate (it gives no revenue share)
    tl = target_list(store, CLUSTER, "37", n=0)
    assert "Company:L2" not in {r.company for r in tl.expand_here}


def test_every_output_shows_the_label(tmp_path: Path) -> None:
    """The CLI table and --json, /gaps and /api/gaps, the 产业链缺口 sheet."""
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from cli.app import app
    from graph.store import open_store
    from queries.export import GAP_HEADERS, write_workbook
    from tests.web_graph import PASSWORD, login
    from web.app import create_app
    from web.users import UserStore, users_path

    graph, clusters = tmp_path / "g.db", tmp_path / "clusters.toml"
    store = open_store(graph)
    nodes, rels = _parts()
    store.upsert_nodes(nodes)
    store.upsert_relations(rels)
    store.save()
    store.close()
    UserStore(users_path(graph)).add_user("viewer", "viewer", PASSWORD)
    products = ", ".join(f'"{p}"' for p in CLUSTER.products)
    clusters.write_text(
        f'home_region = "37"\n\n[[cluster]]\nname = "装备"\nproducts = [{products}]\n',
        encoding="utf-8",
    )
    args = ["gaps", "--cluster", "装备", "--clusters", str(clusters), "--graph", str(graph)]
    as_json = CliRunner().invoke(app, [*args, "--json"])
    assert as_json.exit_code == 0, as_json.output
    assert [s["label"] for s in json.loads(as_json.stdout)["segments"]] == LABELS
    table = CliRunner().invoke(app, args, env={"COLUMNS": "300"})
    assert table.exit_code == 0, table.output
    rows = [line for line in table.stdout.splitlines() if "│" in line]
    assert [line.split("│")[3].strip() for line in rows] == [x or "—" for x in LABELS]
    assert "地区不明" in table.stdout and "标签：补链：集群产品" in table.stdout
    assert "新闻称属于挖掘机行业（2025-08-25）" in table.stdout
    with TestClient(create_app(graph, clusters)) as client:
        login(client, "viewer")
        page = client.get("/gaps", params={"cluster": "装备"}).text
        api = client.get("/api/gaps", params={"cluster": "装备"}).json()
    assert [s["label"] for s in api["segments"]] == LABELS
    assert "<strong>补链</strong>" in page and "<strong>延链</strong>" in page
    assert "新闻称属于挖掘机行业（2025-08-25）" in page and "标签：补链：集群产品" in page
    store = open_store(graph)
    tl = target_list(store, CLUSTER, "37", n=0)
    gaps = chain_gaps(store, CLUSTER, "37", targets=tl)
    book = write_workbook([tl], tmp_path / "out.xlsx", gaps=[gaps])
    sheet = openpyxl.load_workbook(book)["产业链缺口"]
    column = GAP_HEADERS.index("标签")
    assert [r[column] for r in sheet.iter_rows(min_row=2, values_only=True)] == LABELS
    store.close()


def test_gap_label_rule() -> None:
    assert [gap_label("cluster", n, 1, 3) for n in (0, 1, 2, 3, 9)] == [
        "补链",
        "强链",
        "强链",
        None,
        None,
    ]
    assert [gap_label(r, 0, 5, 1) for r in ("upstream", "downstream")] == ["延链", "延链"]
    assert gap_label("upstream", 1, 0, 1) is None  # strong_min_local 1: any local firm is enough
    assert [gap_label(r, 0, 0, 3) for r in ("cluster", "upstream")] == ["无数据", "无数据"]


def test_synonyms_table() -> None:
    assert synonyms_of("重卡") == ("重卡", "重型卡车")
    assert synonyms_of("ＰＶＣ")[1:] == ("聚氯乙烯",)  # width folded as in node ids
    assert canonical("太阳能组件") == "光伏组件"
    assert synonyms_of("光伏组件") == ("光伏组件", "太阳能电池组件", "太阳能组件")
    assert industry_forms("重卡行业") == ["重卡行业", "重卡", "重型卡车"]
    # every row names two distinct products, each listed in one group only
    text = (Path(__file__).parent.parent / "resolve" / "data" / "product_synonyms.csv").read_text(
        encoding="utf-8"
    )
    rows = list(csv.DictReader(text.splitlines()))
    assert all(r["product"] != r["synonym"] and r["basis"] for r in rows)
    assert len({r["synonym"] for r in rows}) == len(rows)


def test_synonym_cluster_products_are_one_segment() -> None:
    nodes = [product("海工装备"), product("海洋工程装备"), company("A", "3702")]
    rels = [rel(RelKind.MAKES, "Company:A", "Product:海洋工程装备", weight=0.4)]
    store = store_of(nodes, rels)
    cluster = ClusterDef(name="海洋", products=["海洋工程装备", "海工装备"])
    gaps = chain_gaps(store, cluster, "37", context=SearchContext.build(store, "37"))
    assert [(s.name, s.label, [m.company for m in s.local_makers]) for s in gaps.segments] == [
        ("海工装备", "强链", ["Company:A"])
    ]


# -- the loader: ICKG-25 归属于行业 rows -------------------------------------------------

_RELS = Path(__file__).parent / "fixtures" / "ickg25" / "relation2id.txt"


def test_membership_rows_become_makes(tmp_path: Path) -> None:
    """entity ids: 0 中国重汽, 1 重卡行业, 2 奢侈品行业, 3 重型卡车行业, 4 某车企; rel 1 =
    归属于行业; times 0 = 2025-01-01, 5 = 2025-01-06. train.txt: 1 中国重汽→重卡行业 t5,
    2 中国重汽→重型卡车行业 t0 (synonym: the same product, a second source), 3 某车企→
    奢侈品行业 (no product); valid.txt: 1 某车企→重卡行业 t0."""
    names = ["中国重汽", "重卡行业", "奢侈品行业", "重型卡车行业", "某车企"]
    (tmp_path / "entity2id.txt").write_text(
        "".join(f"{n}\t{i}\n" for i, n in enumerate(names)), encoding="utf-8"
    )
    (tmp_path / "relation2id.txt").write_text(_RELS.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "time2id.txt").write_text(
        "".join(f"{i},2025-01-{i + 1:02d}\n" for i in range(6)), encoding="utf-8"
    )
    (tmp_path / "train.txt").write_text("0\t1\t1\t5\n0\t1\t3\t0\n4\t1\t2\t0\n", encoding="utf-8")
    (tmp_path / "valid.txt").write_text("4\t1\t1\t0\n", encoding="utf-8")
    (tmp_path / "test.txt").write_text("", encoding="utf-8")
    hand = Source(dataset="test", file="firms.csv", row=1)
    zz = Company(id="Company:000951", name="中国重汽", stock_codes=["000951.SZ"], sources=[hand])
    store = SqliteStore(None)
    store.upsert_nodes([zz, Product(id="Product:重卡", name="重卡", sources=[hand])])
    index = CompanyIndex()
    index.add(zz)
    report = ickg.load(tmp_path, store, index)
    makes = {r.id: r for r in store.relations(RelKind.MAKES)}
    assert sorted(makes) == [
        "MAKES:Company:000951>Product:重卡#ickg25",
        "MAKES:Company:name:某车企>Product:重卡#ickg25",
    ]
    ours = makes["MAKES:Company:000951>Product:重卡#ickg25"]
    src = [Source(dataset="ickg25", file="train.txt", row=r) for r in (1, 2)]
    assert ours.sources == src and ours.weight is None and ours.label == "归属于行业"
    assert (ours.since, ours.as_of, ours.confidence) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 1, 6),
        0.6,
    )
    skipped = [i for i in report.issues if i.code == "no_chain_product"]
    assert [(i.file, i.row, i.severity) for i in skipped] == [("train.txt", 0, "warning")]
    assert "1 行" in skipped[0].message and "奢侈品行业" in skipped[0].message
    assert not [i for i in report.issues if i.code == "not_a_tie"]


# -- the real data ------------------------------------------------------------------


def _ickg_rows(folder: Path, rel: str) -> list[tuple[str, int, str, str, str]]:
    """(split, line, head, tail, date) of every row of ``rel``, read without the loader."""
    names = {}
    for line in (folder / "entity2id.txt").read_text(encoding="utf-8-sig").splitlines():
        name, ident = line.rsplit("\t", 1)
        names[ident.strip()] = name.strip()
    rel_ids = dict(
        line.split("\t")[::-1] for line in (folder / "relation2id.txt").read_text().splitlines()
    )
    days = dict(line.split(",") for line in (folder / "time2id.txt").read_text().splitlines())
    wanted = {i for i, name in rel_ids.items() if name == rel}
    out = []
    for split in ("train.txt", "valid.txt", "test.txt"):
        for n, line in enumerate((folder / split).read_text().splitlines(), 1):
            h, r, t, d = line.split("\t")[:4]
            if r in wanted:
                out.append((split, n, names[h], names[t], days[d]))
    return out


def _areas(public: Path) -> dict[str, str]:
    with (public / "a-share-2025" / "股票列表.csv").open(encoding="utf-8") as fh:
        return {row["symbol"]: row["area"] for row in csv.DictReader(fh)}


def _chain_kg_makers(public: Path, product_name: str) -> set[str]:
    with (public / "chain-kg" / "company_product.json").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return {r["company_code"][:6] for r in rows if r["product_name"] == product_name}


@pytest.mark.public_data
def test_zhongguo_zhongqi_covers_zhongka(public_data: Path, public_store: SqliteStore) -> None:
    """中国重汽 (000951, a-share-2025 area 山东) 归属于行业 重卡行业 in the news: 重卡 is no
    补链 of 高端装备 for home 37. chain-kg alone lists 华菱星马 (600375, 安徽) only."""
    rows = _ickg_rows(public_data / "ickg25", "归属于行业")
    assert len(rows) == 7_572
    hits = [(s, n, d) for s, n, h, t, d in rows if h == "中国重汽" and t == "重卡行业"]
    assert len(hits) == 1
    split, line, day = hits[0]
    assert _areas(public_data)["000951"] == "山东"
    assert _chain_kg_makers(public_data, "重卡") == {"600375"}
    assert _areas(public_data)["600375"] == "安徽"

    cluster = read_clusters().get("高端装备")
    gaps = chain_gaps(public_store, cluster, "37")
    (seg,) = [s for s in gaps.segments if s.name == "重卡"]
    assert seg.label != "补链" and not seg.gap and "Product:重卡" not in gaps.gaps
    (ours,) = [m for m in seg.local_makers if m.company == "Company:000951"]
    assert ours.relation_id == "MAKES:Company:000951>Product:重卡#ickg25"
    assert ours.as_of == dt.date.fromisoformat(day) and ours.basis == "归属于行业"
    stored = {r["id"]: r for r in public_store.raw_relations() if r["kind"] == "MAKES"}
    sources = stored[ours.relation_id]["sources"]
    assert {"dataset": "ickg25", "file": split, "row": line} in [
        {k: s[k] for k in ("dataset", "file", "row")} for s in sources
    ]


@pytest.mark.public_data
def test_a_product_no_local_firm_makes_is_bulian(
    public_data: Path, public_store: SqliteStore
) -> None:
    """动车组: chain-kg's one maker is 中国中车 (601766, 北京); no 产品小类 row under it,
    no ICKG industry named after it, no synonym: 补链 for home 37, one maker elsewhere."""
    makers = _chain_kg_makers(public_data, "动车组")
    assert makers == {"601766"} and _areas(public_data)["601766"] == "北京"
    with (public_data / "chain-kg" / "product_product.json").open(encoding="utf-8") as fh:
        links = [json.loads(line) for line in fh if line.strip()]
    assert not [r for r in links if r["from_entity"] == "动车组" and r["rel"] == "产品小类"]
    rows = _ickg_rows(public_data / "ickg25", "归属于行业")
    assert not [r for r in rows if r[3].startswith("动车组")]
    cluster = read_clusters().get("高端装备")
    gaps = chain_gaps(public_store, cluster, "37")
    (seg,) = [s for s in gaps.segments if s.name == "动车组"]
    assert (seg.label, seg.local_makers, seg.elsewhere, seg.unknown_region) == ("补链", [], 1, 0)
    assert [c.company for c in seg.candidates] == ["Company:601766"]
