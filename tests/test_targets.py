"""Target lists, chain gaps and the workbook on a hand-made graph, every value by hand.

Shipped profile, weights normalised: chain fit 0.3, scale 0.2, reachability 0.25,
local affinity 0.1, signals 0.1, strategic tags 0.05. The expand-here list drops
reachability: 0.3/0.75 = 0.4, 0.2/0.75 = 0.2667, 0.1/0.75 = 0.1333 (twice),
0.05/0.75 = 0.0667. Home "37", as_of 2026-01-01, signal window 730 days: events
dated in (2024-01-02, 2026-01-01] count.

Chain (cluster products 正极材料, 锂电池): 碳酸锂 → 正极材料 → 锂电池 → 储能系统,
其他材料 → 正极材料; 磷酸铁锂电池 SUBCLASS_OF 锂电池. Segments: 正极材料 (L2 local: not a
gap), 锂电池 (T via its subclass, none local: gap), upstream 碳酸锂 (X, Z: gap).
Dropped: 储能系统 (1 maker < min_makers 2), 其他材料 (generic name, 2 makers).

- T (44): core industry → 1.0, makes 磷酸铁锂电池 60 % (gap 锂电池: +0.2, capped) → chain
  fit 1.0. Forbes 101/2000 → scale 1 − 100/2000 = 0.95. Path L1 –合资 0.65– X –PARENT_OF
  0.85– T = 0.5525 (its direct SUPPLIES tie to L2 is only 0.5). Affinity ties: L2
  (SUPPLIES, ours) and S3 (INVESTED_IN, not ours) → 1 local / 3 = 0.3333. Signals:
  PARENT_OF S1 2025-06-01 +0.3, ACQUIRED S2 2025-03-01 +0.4; INVESTED_IN S3 2023-06-01
  is outside the window → 0.7. Tag 单项冠军 → 1.0.
  score = 0.3 + 0.19 + 0.1381 + 0.0333 + 0.07 + 0.05 = 0.7814.
- X (31): makes 碳酸锂 40 % (upstream: × 0.5 = 0.2, gap +0.2) → 0.4; no ranking → scale
  no data; path L1 –合资– X = 0.65; affinity: L1 (PARTNERS_WITH, ours) → 1/3; the JV is
  undated → signals no data. score = 0.12 + 0.1625 + 0.0333 = 0.3158.
- Z (44): makes 碳酸锂 90 % → 0.45 + 0.2 = 0.65 (其他材料 is no segment); JV with S4
  dated 2025-09-01 → signals 0.4; its only affinity tie (S4) is not local → 0 with
  evidence, not "no data"; unreachable. score = 0.195 + 0.04 = 0.235.
- Y (11): related industry only → 0.5; everything else no data. score = 0.15.
- W (44) makes only 储能系统 (dropped) and 其他材料 (generic): no candidate.
- Expand here: L1 core industry 1.0 × 0.4 + tag 专精特新 0.6 × 0.0667 = 0.44 (its only
  affinity tie, X, is not local → 0); L2 makes 正极材料 50 % → 0.5 × 0.4 = 0.2.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from graph.schema import RelKind
from queries.clusters import ClusterDef, read_clusters
from queries.export import (
    HEADERS,
    PRINT_NOTE,
    mask_name,
    sheet_name,
    write_csv,
    write_workbook,
)
from queries.gaps import chain_gaps
from queries.paths import SearchContext
from queries.targets import NO_DATA, target_list
from tests.builders import company, industry, person, product, rel, store_of

# every test once per store (tests/conftest.py): same graph, same expected answers
pytestmark = pytest.mark.usefixtures("backend")
AS_OF = dt.date(2026, 1, 1)
D = dt.date


@pytest.fixture()
def store():  # type: ignore[no-untyped-def]
    return hand_graph()


def hand_graph():  # type: ignore[no-untyped-def]
    """The graph of the module docstring (also used by tests/test_targets_cli.py)."""
    nodes = [
        company("L1", "3701", tags=["专精特新"]),
        company("L2", "3702"),
        company("X", "31", name="X材料"),
        company(
            "T",
            "44",
            name="T电池",
            rankings={"Forbes Global 2000 2025": 101},
            tags=["单项冠军", "无关标签"],
            uscc="91440300MA5ABCDE1X",
            stock_codes=["300999.SZ"],
        ),
        company("Y", "11"),
        company("Z", "44"),
        company("W", "44"),
        *(company(f"S{i}", "44") for i in range(1, 5)),
        person("王小明"),
        industry("110000", "电力设备"),
        industry("110100", "电池"),
        industry("120000", "化工"),
        *(product(p) for p in ("碳酸锂", "正极材料", "锂电池", "磷酸铁锂电池", "储能系统")),
        product("其他材料"),
    ]
    ind, c, p = "Industry:SW-2021:", "Company:", "Product:"
    rels = [
        rel(RelKind.SUBCLASS_OF, ind + "110100", ind + "110000"),
        rel(RelKind.SUBCLASS_OF, p + "磷酸铁锂电池", p + "锂电池"),
        rel(RelKind.UPSTREAM_OF, p + "碳酸锂", p + "正极材料"),
        rel(RelKind.UPSTREAM_OF, p + "正极材料", p + "锂电池"),
        rel(RelKind.UPSTREAM_OF, p + "锂电池", p + "储能系统"),
        rel(RelKind.UPSTREAM_OF, p + "其他材料", p + "正极材料"),
        rel(RelKind.IN_INDUSTRY, c + "T", ind + "110100"),
        rel(RelKind.IN_INDUSTRY, c + "L1", ind + "110100"),
        rel(RelKind.IN_INDUSTRY, c + "Y", ind + "120000"),
        rel(RelKind.MAKES, c + "T", p + "磷酸铁锂电池", weight=0.6),
        rel(RelKind.MAKES, c + "L2", p + "正极材料", weight=0.5),
        rel(RelKind.MAKES, c + "X", p + "碳酸锂", weight=0.4),
        rel(RelKind.MAKES, c + "Z", p + "碳酸锂", weight=0.9),
        rel(RelKind.MAKES, c + "Z", p + "其他材料", weight=0.5),
        rel(RelKind.MAKES, c + "W", p + "其他材料", weight=0.5),
        rel(RelKind.MAKES, c + "W", p + "储能系统", weight=0.9),
        rel(RelKind.PARTNERS_WITH, c + "L1", c + "X", label="合资"),
        rel(RelKind.PARENT_OF, c + "X", c + "T"),
        rel(RelKind.SUPPLIES, c + "T", c + "L2"),
        rel(RelKind.PARENT_OF, c + "T", c + "S1", since=D(2025, 6, 1)),
        rel(RelKind.ACQUIRED, c + "T", c + "S2", since=D(2025, 3, 1)),
        rel(RelKind.INVESTED_IN, c + "T", c + "S3", since=D(2023, 6, 1)),
        rel(RelKind.PARTNERS_WITH, c + "Z", c + "S4", label="合资", since=D(2025, 9, 1)),
        rel(RelKind.OFFICER_OF, "Person:王小明", c + "Y", roles=["董事"]),
    ]
    return store_of(nodes, rels)


CLUSTER = ClusterDef(
    name="新能源/电池",
    core_industries=["110000"],
    related_industries=["120000"],
    products=["正极材料", "锂电池", "不存在的产品"],
)


def _run(store):  # type: ignore[no-untyped-def]
    ctx = SearchContext.build(store, "37", as_of=AS_OF)
    return target_list(store, CLUSTER, "37", n=0, context=ctx), ctx


def test_scores_and_total_order(store) -> None:  # type: ignore[no-untyped-def]
    tl, _ = _run(store)
    assert [(r.company, r.rank) for r in tl.rows] == [
        ("Company:T", 1),
        ("Company:X", 2),
        ("Company:Z", 3),
        ("Company:Y", 4),
    ]
    assert [r.score for r in tl.rows] == pytest.approx([0.7814, 0.3158, 0.235, 0.15], abs=1e-4)
    assert tl.candidates == 4 and tl.as_of == AS_OF
    assert tl.weights == {
        "chain_fit": 0.3,
        "scale": 0.2,
        "reachability": 0.25,
        "local_affinity": 0.1,
        "signals": 0.1,
        "strategic_tags": 0.05,
    }
    for row in tl.rows:
        assert row.score == pytest.approx(sum(f.contribution for f in row.factors), abs=1e-4)
        assert all(0.0 <= f.value <= 1.0 for f in row.factors)


def test_every_factor_of_t_by_hand(store) -> None:  # type: ignore[no-untyped-def]
    tl, _ = _run(store)
    t = {f.name: f for f in tl.rows[0].factors}
    assert t["chain_fit"].value == 1.0
    assert "核心行业 电池 (110100)" in t["chain_fit"].evidence
    assert "集群产品 锂电池（磷酸铁锂电池） 占营收 60.0%" in t["chain_fit"].evidence
    assert "填补缺口 锂电池" in t["chain_fit"].evidence
    assert t["scale"].value == pytest.approx(0.95)
    assert t["reachability"].value == pytest.approx(0.5525, abs=1e-4)
    assert t["local_affinity"].value == pytest.approx(0.3333)
    assert t["local_affinity"].evidence.startswith("本地关联方 1/2 家")
    assert "SUPPLIES:Company:T>Company:L2 @ test/hand.csv:1" in t["local_affinity"].evidence
    assert t["signals"].value == pytest.approx(0.7)
    assert "PARENT_OF:Company:T>Company:S1" in t["signals"].evidence
    assert "ACQUIRED:Company:T>Company:S2" in t["signals"].evidence
    assert "S3" not in t["signals"].evidence  # 2023: outside the window
    assert t["strategic_tags"].value == 1.0 and "单项冠军" in t["strategic_tags"].evidence
    assert "无关标签" not in t["strategic_tags"].evidence
    assert tl.rows[0].uscc == "91440300MA5ABCDE1X"
    assert tl.rows[0].introducer == "Company:L1"


def test_chain_fit_adjacent_and_gap_bonus(store) -> None:  # type: ignore[no-untyped-def]
    tl, _ = _run(store)
    x, z = ({f.name: f for f in r.factors} for r in tl.rows[1:3])
    assert x["chain_fit"].value == pytest.approx(0.4)
    assert "上游 碳酸锂 占营收 40.0%" in x["chain_fit"].evidence
    assert "填补缺口 碳酸锂 +0.2" in x["chain_fit"].evidence
    assert z["chain_fit"].value == pytest.approx(0.65)
    assert "其他材料" not in z["chain_fit"].evidence  # generic name, no segment
    assert x["local_affinity"].value == pytest.approx(0.3333)
    assert "PARTNERS_WITH:Company:L1>Company:X" in x["local_affinity"].evidence
    assert z["signals"].value == pytest.approx(0.4) and "2025-09-01 合资" in z["signals"].evidence


def test_no_data_rule(store) -> None:  # type: ignore[no-untyped-def]
    tl, _ = _run(store)
    by = {r.company: {f.name: f for f in r.factors} for r in tl.rows}
    y = by["Company:Y"]
    assert y["chain_fit"].value == 0.5
    for name in ("scale", "reachability", "local_affinity", "signals", "strategic_tags"):
        assert (y[name].value, y[name].evidence, y[name].contribution) == (0.0, NO_DATA, 0.0)
    assert (by["Company:X"]["signals"].value, by["Company:X"]["signals"].evidence) == (
        0.0,
        NO_DATA,
    )  # a JV without a date is no signal
    z = by["Company:Z"]["local_affinity"]
    assert z.value == 0.0 and z.evidence == "业务关联方 1 家，均非本地"  # evidence of 0


def test_expand_here_is_separate(store) -> None:  # type: ignore[no-untyped-def]
    tl, _ = _run(store)
    assert [r.company for r in tl.expand_here] == ["Company:L1", "Company:L2"]
    assert [r.score for r in tl.expand_here] == pytest.approx([0.44, 0.2], abs=1e-4)
    assert tl.local_candidates == 2
    assert not {r.company for r in tl.rows} & {"Company:L1", "Company:L2", "Company:W"}
    assert tl.expand_weights == {
        "chain_fit": 0.4,
        "scale": 0.2667,
        "local_affinity": 0.1333,
        "signals": 0.1333,
        "strategic_tags": 0.0667,
    }
    for row in tl.expand_here:
        assert "reachability" not in {f.name for f in row.factors} and row.introducer is None


def test_chain_gaps_by_hand(store) -> None:  # type: ignore[no-untyped-def]
    _, ctx = _run(store)
    gaps = chain_gaps(store, CLUSTER, "37", context=ctx)
    seg = [(s.name, s.role, s.label, s.gap, s.elsewhere) for s in gaps.segments]
    assert seg == [  # 补链: no local maker; 强链: 1 < 3 local; 延链: upstream, none local
        ("锂电池", "cluster", "补链", True, 1),
        ("正极材料", "cluster", "强链", False, 0),
        ("碳酸锂", "upstream", "延链", True, 2),
    ]
    assert gaps.gaps == ["Product:锂电池", "Product:碳酸锂"]
    by = {s.name: s for s in gaps.segments}
    assert [(m.name, m.share) for m in by["正极材料"].local_makers] == [("L2", 0.5)]
    assert [(c.company, c.product) for c in by["锂电池"].candidates] == [
        ("Company:T", "磷酸铁锂电池")
    ]
    assert [c.company for c in by["碳酸锂"].candidates] == ["Company:X", "Company:Z"]
    assert by["碳酸锂"].via == ["正极材料"] and "至少 2 家" in gaps.rule


def test_ties_broken_by_id() -> None:
    nodes = [company("B", "44"), company("A", "44"), industry("110000", "电力设备")]
    rels = [
        rel(RelKind.IN_INDUSTRY, "Company:B", "Industry:SW-2021:110000"),
        rel(RelKind.IN_INDUSTRY, "Company:A", "Industry:SW-2021:110000"),
    ]
    tl = target_list(store_of(nodes, rels), CLUSTER, "37", n=0)
    assert [r.company for r in tl.rows] == ["Company:A", "Company:B"]
    assert tl.rows[0].score == tl.rows[1].score == 0.3


def test_workbook_is_office_ready(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    tl, ctx = _run(store)
    gaps = chain_gaps(store, CLUSTER, "37", context=ctx, targets=tl)
    path = write_workbook(
        [tl, tl], tmp_path / "out.xlsx", sources=["hand-made\x07 2026"], gaps=[gaps]
    )
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "说明",
        "索引",
        "新能源_电池",
        "新能源_电池(2)",
        "增资扩产",
        "产业链缺口",
    ]
    ws = wb["新能源_电池"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:U5"
    assert [c.value for c in ws[1]] == HEADERS
    assert [c.value for c in ws[1]][:6] == [
        "排名",
        "企业名称",
        "证券代码",
        "统一社会信用代码",
        "省份",
        "总分",
    ]
    assert ws["B2"].value == "T电池" and ws["M2"].value == "L1"
    assert ws["C2"].value == "300999.SZ" and ws["C2"].number_format == "@"
    assert ws["D2"].value == "91440300MA5ABCDE1X" and ws["D2"].number_format == "@"
    assert ws["G2"].value == 1.0 and "单项冠军" in ws["U2"].value
    # on paper: A4 landscape, one page wide, 排名 … 引荐路径, header and firm on every page
    setup = ws.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
        "landscape",
        9,  # A4 (openpyxl reads the paper size back as a number)
        1,
        0,
    )
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_area == "'新能源_电池'!$A$1:$O$5"
    assert ws.print_title_rows == "$1:$1" and ws.print_title_cols == "$B:$B"
    path_cells = [ws.cell(r, HEADERS.index("引荐路径") + 1) for r in range(2, 6)]
    assert all(c.alignment.wrap_text for c in path_cells)
    assert ["打印", PRINT_NOTE] in [[c.value for c in r] for r in wb["说明"].iter_rows()]
    index = [[c.value for c in r] for r in wb["索引"].iter_rows()]
    assert index[1] == ["新能源/电池", "新能源_电池", 4, 4, 2, 2]
    assert wb["索引"]["B2"].hyperlink.location == "'新能源_电池'!A1"
    expand = [[c.value for c in r][:3] for r in wb["增资扩产"].iter_rows(min_row=2)]
    assert expand[:2] == [["新能源/电池", 1, "L1"], ["新能源/电池", 2, "L2"]]
    gap_rows = [[c.value for c in r] for r in wb["产业链缺口"].iter_rows(min_row=2)]
    assert gap_rows[0][:5] == ["新能源/电池", "锂电池", "集群产品", None, "补链"]
    info = [[c.value for c in r] for r in wb["说明"].iter_rows()]
    assert ["数据来源", "hand-made\u2407 2026"] in info  # control character made visible
    assert any(r[0] == "环节筛选规则" for r in info)
    assert any(r[0] == "标签" and "强链：本地有企业覆盖但少于 3 家" in r[1] for r in info)
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
    with pytest.raises(SchemaError, match=r"c\.toml 格式不符：cluster\.0\.core_industry"):
        read_clusters(bad)
    good = tmp_path / "g.toml"
    good.write_text('home_region = "37"\n[[cluster]]\nname = "A"\n', "utf-8")
    with pytest.raises(NotFound) as exc:
        read_clusters(good).get("B")
    assert exc.value.candidates == ["A"]


def test_bad_profile_is_a_schema_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from graph.errors import SchemaError
    from queries.profile import ScoringProfile

    bad = tmp_path / "p.toml"
    bad.write_text("[weights]\nchain_fit = -1\n[chain_fit]\ncore = 1\nrelated = 0.5\n[scale]\n")
    with pytest.raises(SchemaError, match="权重须 ≥ 0 且不能全为 0"):
        ScoringProfile.load(bad)
    bad.write_text("[weights]\nchain_fit = 1\n[chain_fit]\ncore = 2\nrelated = 0.5\n[scale]\n")
    with pytest.raises(SchemaError, match=r"取值须在 \[0, 1\] 之间"):
        ScoringProfile.load(bad)


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
    assert "王小明" not in masked["O2"].value and "王** 任 L 的董事" in masked["O2"].value
    shown = write_workbook([tl], tmp_path / "s.xlsx", include_private=True)
    assert "王小明" in openpyxl.load_workbook(shown)["新能源_电池"]["O2"].value
