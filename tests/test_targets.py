"""Cluster target lists and Excel export on a hand-made graph, scores worked by hand.

Profile weights 0.4 / 0.25 / 0.35 (chain fit / scale / reachability).

- T: in 电池 (110100, child of core 110000) → chain fit 1.0; Forbes rank 101 of 2000 →
  scale 1 − 100/2000 = 0.95; best path L1 –合资 0.65– X –PARENT_OF 0.85– T = 0.5525.
  score = 0.4 + 0.2375 + 0.35 × 0.5525 (0.193375) = 0.830875 → 0.8309 (±1e-4 rounding).
- X: makes cluster product 正极材料 with revenue share 0.3 → chain fit 0.3; no ranking →
  scale 0 "no data"; path L1 –合资– X = 0.65. score = 0.12 + 0 + 0.2275 = 0.3475.
- Y: related industry only (120000) → 0.5; unreachable. score = 0.2.
- L2: local (37) → excluded although in a core industry.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from graph.schema import RelKind
from queries.clusters import ClusterDef, read_clusters
from queries.export import mask_name, sheet_name, write_csv, write_workbook
from queries.paths import SearchContext
from queries.targets import NO_DATA, target_list
from tests.builders import company, industry, person, product, rel, store_of


@pytest.fixture()
def store():  # type: ignore[no-untyped-def]
    nodes = [
        company("L1", "3701"),
        company("L2", "3702"),
        company("X", "31", name="X材料"),
        company("T", "44", name="T电池", rankings={"Forbes Global 2000 2025": 101}),
        company("Y", "11"),
        person("王小明"),
        industry("110000", "电力设备"),
        industry("110100", "电池"),
        industry("120000", "化工"),
        product("正极材料"),
    ]
    ind = "Industry:SW-2021:"
    rels = [
        rel(RelKind.SUBCLASS_OF, ind + "110100", ind + "110000"),
        rel(RelKind.IN_INDUSTRY, "Company:T", ind + "110100"),
        rel(RelKind.IN_INDUSTRY, "Company:L2", ind + "110100"),
        rel(RelKind.IN_INDUSTRY, "Company:Y", ind + "120000"),
        rel(RelKind.MAKES, "Company:X", "Product:正极材料", weight=0.3),
        rel(RelKind.PARTNERS_WITH, "Company:L1", "Company:X", label="合资"),
        rel(RelKind.PARENT_OF, "Company:X", "Company:T"),
        rel(RelKind.OFFICER_OF, "Person:王小明", "Company:Y", roles=["董事"]),
    ]
    return store_of(nodes, rels)


CLUSTER = ClusterDef(
    name="新能源/电池",
    core_industries=["110000"],
    related_industries=["120000"],
    products=["正极材料", "不存在的产品"],
)


def test_scores_factors_and_order(store) -> None:  # type: ignore[no-untyped-def]
    ctx = SearchContext.build(store, "37", as_of=dt.date(2026, 1, 1))
    tl = target_list(store, CLUSTER, "37", n=0, context=ctx)
    assert [(r.company, r.rank) for r in tl.rows] == [
        ("Company:T", 1),
        ("Company:X", 2),
        ("Company:Y", 3),
    ]
    assert [r.score for r in tl.rows] == pytest.approx([0.830875, 0.3475, 0.2], abs=1e-4)
    t = {f.name: f for f in tl.rows[0].factors}
    assert t["chain_fit"].value == 1.0 and "核心行业 电池 (110100)" in t["chain_fit"].evidence
    assert t["scale"].value == pytest.approx(0.95)
    assert t["reachability"].value == pytest.approx(0.5525, abs=1e-4)
    x = {f.name: f for f in tl.rows[1].factors}
    assert x["chain_fit"].value == pytest.approx(0.3) and "正极材料" in x["chain_fit"].evidence
    assert (x["scale"].value, x["scale"].evidence) == (0.0, NO_DATA)
    y = {f.name: f for f in tl.rows[2].factors}
    assert y["chain_fit"].value == 0.5 and y["reachability"].evidence == NO_DATA
    assert tl.rows[0].introducer == "Company:L1" and tl.rows[2].introducer is None
    assert tl.candidates == 3  # L2 is local and excluded
    assert tl.weights == {"chain_fit": 0.4, "scale": 0.25, "reachability": 0.35}


def test_ties_broken_by_id() -> None:
    nodes = [company("B", "44"), company("A", "44"), industry("110000", "电力设备")]
    rels = [
        rel(RelKind.IN_INDUSTRY, "Company:B", "Industry:SW-2021:110000"),
        rel(RelKind.IN_INDUSTRY, "Company:A", "Industry:SW-2021:110000"),
    ]
    tl = target_list(store_of(nodes, rels), CLUSTER, "37", n=0)
    assert [r.company for r in tl.rows] == ["Company:A", "Company:B"]
    assert tl.rows[0].score == tl.rows[1].score == 0.4


def test_workbook_is_office_ready(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    tl = target_list(store, CLUSTER, "37", n=0)
    path = write_workbook([tl, tl], tmp_path / "out.xlsx", sources=["hand-made"])
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["说明", "新能源_电池", "新能源_电池(2)"]
    ws = wb["新能源_电池"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:L4"
    assert [c.value for c in ws[1]][:5] == ["排名", "企业名称", "证券代码", "省份", "总分"]
    assert ws["B2"].value == "T电池" and ws["I2"].value == "L1"
    # Person names on paths are masked by default (Y's path is none; check the helper).
    assert mask_name("王小明") == "王**"


def test_sheet_names_legal_unique_and_short() -> None:
    taken: set[str] = set()
    long = "高端装备制造业：数控机床/工业母机[核心]*?" * 2
    first, second = sheet_name(long, taken), sheet_name(long, taken)
    for name in (first, second):
        assert len(name) <= 31 and not set(name) & set("\\/?*:[]")
    assert first != second and "：" in first  # full-width colon is legal and kept


def test_csv_has_bom(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(target_list(store, CLUSTER, "37"), tmp_path / "t.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf\xe6\x8e\x92\xe5\x90\x8d")  # BOM + 排名


def test_cluster_file_errors_name_file_and_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from graph.errors import NotFound, SchemaError

    bad = tmp_path / "c.toml"
    bad.write_text('[[cluster]]\nname = "A"\ncore_industry = ["1"]\n', "utf-8")
    with pytest.raises(SchemaError, match=r"c\.toml: cluster\.0\.core_industry"):
        read_clusters(bad)
    good = tmp_path / "g.toml"
    good.write_text('home_region = "37"\n[[cluster]]\nname = "A"\n', "utf-8")
    with pytest.raises(NotFound) as exc:
        read_clusters(good).get("B")
    assert exc.value.candidates == ["A"]


def test_people_on_paths_masked_unless_asked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    nodes = [
        company("L", "37"),
        company("T", "44"),
        person("王小明"),
        industry("110000", "电力设备"),
    ]
    rels = [
        rel(RelKind.IN_INDUSTRY, "Company:T", "Industry:SW-2021:110000"),
        rel(RelKind.OFFICER_OF, "Person:王小明", "Company:L", roles=["董事"]),
        rel(RelKind.OFFICER_OF, "Person:王小明", "Company:T", roles=["董事"]),
    ]
    tl = target_list(store_of(nodes, rels), CLUSTER, "37")
    assert tl.rows[0].path_people == ["王小明"]
    masked = openpyxl.load_workbook(write_workbook([tl], tmp_path / "m.xlsx"))["新能源_电池"]
    assert "王小明" not in masked["K2"].value and "王** 任 L 的董事" in masked["K2"].value
    shown = write_workbook([tl], tmp_path / "s.xlsx", include_private=True)
    assert "王小明" in openpyxl.load_workbook(shown)["新能源_电池"]["K2"].value
