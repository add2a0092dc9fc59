"""The ledger's channels: ambassadors, offices, agency mandates, trade-fair leads.

A hand-made ledger (河口区-style ambassadors, 广饶县-style offices in 北京, 上海, 青岛,
two agencies of 东营经济开发区, one 数博会), asked on 2026-12-31. Worked by hand:

Mandates (the agency's first valid 备案, a project of the mandate's unit, in its
clusters, signed within its period):
- 东营智汇, 2026-01-01 … 06-30, 高端装备/新一代信息技术, targets 3 projects and 20 亿:
  KF-01 (高端装备, 5 亿, signed 02-01) counts; KF-02 (signed 07-15, after the period)
  and KF-03 (绿色化工, outside its clusters) do not → 1/3 = 33.3 %, 5/20 亿 = 25.0 %;
- 东营智汇, 2027: nothing yet → 0/2, 0/5 亿, 0.0 % each;
- 华东产业, 2026-03-01 … 12-31, any cluster, 2 projects and 10 亿: KF-04 (4 亿, signed
  04-01) counts, KF-05 is only 在谈 → 1/2 = 50.0 %, 4/10 = 40.0 %.

Channels (winning 备案 → signed by 12-31): 东营智汇 KF-01, KF-02, KF-03 → 3 → 3, 5 + 3
+ 2 = 10 亿; 张三 (an ambassador of 河口区) KF-06 (filed before 东营智汇, which comes
second) and HK-03 → 2 → 2, 1.5 + 8 = 9.5 亿; 华东产业 KF-04, KF-05 → 2 → 1, 4 亿; the
others 0.

The fair: 3 exhibitors → 3 leads, 2 firms of the graph; 神州数码 invests in HK-03,
signed 04-18 after the fair (04-08) → 1 converted, 8 亿.

Reserve on 12-31 (线索, 在谈), fewer than 2 a gap: 高端装备 HK-01 线索 + KF-05 在谈 = 2,
2 + 6 = 8 亿, no gap; 新一代信息技术 HK-02 在谈 = 1, 储备不足; 绿色化工, 医养健康 0,
无储备.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from cli.app import app
from graph.ledger_channels import Channel, FairLead, Mandate
from graph.privacy import redact
from graph.schema import Company, NodeKind, RelKind, Source
from graph.sqlite_store import SqliteStore
from graph.store import Store
from loaders.office.ledger_mapping import LEDGER_TEMPLATE_FILES
from loaders.office.table_loader import load_dir
from loaders.office.templates import write_templates
from loaders.report import LoadReport
from queries.channel_actors import actor_report
from queries.channels import channel_report
from queries.progress import progress
from queries.underway import underway
from resolve.index import CompanyIndex, company_id_for_name
from web.firm import firm_page

YI = Decimal(100_000_000)
DAY = dt.date(2026, 12, 31)
SRC = [Source(dataset="test", file="firms", row=1)]
FIRMS = {
    "神州数码集团股份有限公司": "11",
    "中黔电气集团有限公司": "5201",
    "青岛海岳装备有限公司": "370211",
    "上海远帆材料有限公司": "3101",
}

TABLES: dict[str, list[list[str]]] = {
    "招商单位与目标.csv": [
        ["单位名称", "单位类型", "行政区划代码", "年度", "任务目标（亿元）", "自定目标（亿元）"],
        ["河口区", "县区", "370503", "2026", "40", "45"],
        ["东营经济开发区", "开发区", "", "2026", "150", "160"],
        ["广饶县", "县区", "370523", "2026", "72", "80"],
    ],
    "招商渠道.csv": [
        ["渠道名称", "渠道类型", "所属单位", "覆盖地区", "联系企业", "聘任日期"],
        ["张三", "招商大使", "河口区", "北京市；青岛", "神州数码集团股份有限公司", "2026-01-06"],
        ["李四", "招商大使", "河口区", "上海", "不存在科技有限公司", "2026-01-06"],
        ["王五", "招商顾问", "河口区", "火星省", "", ""],
        ["驻北京招商办事处", "驻外办事处", "广饶县", "北京市", "", ""],
        ["驻上海招商办事处", "驻外办事处", "广饶县", "上海市", "", ""],
        ["驻青岛招商办事处", "驻外办事处", "广饶县", "3702", "", ""],
        ["东营智汇招商服务有限公司", "代理机构", "东营经济开发区", "", "", ""],
        ["华东产业招商咨询有限公司", "代理机构", "东营经济开发区", "", "", ""],
        ["某某", "招商大使", "利津县", "", "", ""],  # row 10: unknown unit
        ["某机构", "合作伙伴", "河口区", "", "", ""],  # row 11: bad type
    ],
    "委托招商.csv": [
        [
            "受托机构",
            "委托单位",
            "委托起始日期",
            "委托截止日期",
            "委托领域",
            "目标项目数",
            "目标金额（亿元）",
        ],
        [
            "东营智汇招商服务有限公司",
            "东营经济开发区",
            "2026-01-01",
            "2026-06-30",
            "高端装备；新一代信息技术",
            "3",
            "20",
        ],
        ["华东产业招商咨询有限公司", "东营经济开发区", "2026-03-01", "2026-12-31", "", "2", "10"],
        # row 4: overlaps row 2 in June
        ["东营智汇招商服务有限公司", "东营经济开发区", "2026-06-01", "2026-12-31", "", "1", "5"],
        ["不存在代理公司", "东营经济开发区", "2026-01-01", "2026-12-31", "", "1", "5"],  # row 5
        ["华东产业招商咨询有限公司", "东营经济开发区", "2026-13-01", "2027-12-31", "", "", ""],
        ["东营智汇招商服务有限公司", "利津县", "2026-01-01", "2026-12-31", "", "", ""],  # row 7
        ["东营智汇招商服务有限公司", "东营经济开发区", "2027-01-01", "2027-12-31", "", "2", "5"],
    ],
    "招商项目.csv": [
        [
            "项目编号",
            "项目名称",
            "投资方",
            "责任单位",
            "产业集群",
            "签约金额（万元）",
            "项目阶段",
            "阶段日期",
        ],
        ["KF-01", "轴承项目", "甲公司", "东营经济开发区", "高端装备", "5亿", "在谈", "2026-01-10"],
        ["KF-01", "轴承项目", "甲公司", "东营经济开发区", "高端装备", "5亿", "签约", "2026-02-01"],
        [
            "KF-02",
            "算力项目",
            "乙公司",
            "东营经济开发区",
            "新一代信息技术",
            "3亿",
            "签约",
            "2026-07-15",
        ],
        [
            "KF-03",
            "助剂项目",
            "丙公司",
            "东营经济开发区",
            "绿色化工",
            "20000",
            "签约",
            "2026-03-10",
        ],
        ["KF-04", "涂料项目", "丁公司", "东营经济开发区", "绿色化工", "4亿", "签约", "2026-04-01"],
        ["KF-05", "齿轮项目", "戊公司", "东营经济开发区", "高端装备", "6亿", "在谈", "2026-05-01"],
        [
            "KF-06",
            "泵阀项目",
            "己公司",
            "东营经济开发区",
            "高端装备",
            "1.5亿",
            "签约",
            "2026-05-10",
        ],
        ["HK-01", "机床项目", "", "河口区", "高端装备", "2亿", "线索", "2026-02-01"],
        ["HK-02", "软件项目", "", "河口区", "新一代信息技术", "3亿", "在谈", "2026-03-01"],
        [
            "HK-03",
            "数据中心项目",
            "神州数码集团股份有限公司",
            "河口区",
            "高端装备",
            "8亿",
            "签约",
            "2026-04-18",
        ],
    ],
    "引荐备案.csv": [
        ["备案时间", "引荐人", "引荐人类型", "被引荐企业", "项目编号"],
        ["2026-01-05 09:00", "东营智汇招商服务有限公司", "机构", "甲公司", "KF-01"],
        ["2026-01-20 09:00", "东营智汇招商服务有限公司", "机构", "乙公司", "KF-02"],
        ["2026-02-01 09:00", "东营智汇招商服务有限公司", "机构", "丙公司", "KF-03"],
        ["2026-03-05 09:00", "华东产业招商咨询有限公司", "机构", "丁公司", "KF-04"],
        ["2026-04-01 09:00", "华东产业招商咨询有限公司", "机构", "戊公司", "KF-05"],
        ["2026-03-01 09:00", "张三", "个人", "己公司", "KF-06"],
        ["2026-04-10 09:00", "东营智汇招商服务有限公司", "机构", "己公司", "KF-06"],
        ["2026-02-01 09:00", "张三", "个人", "神州数码集团股份有限公司", "HK-03"],
    ],
    "展会客商.csv": [
        ["展会名称", "展会日期", "举办地", "参展企业", "对接单位", "对接情况"],
        [
            "数博会",
            "2026-04-08",
            "贵阳",
            "神州数码集团股份有限公司；中黔电气集团有限公司；黔南云数科技有限公司",
            "河口区",
            "洽谈",
        ],
        ["数博会", "2026年4月32日", "贵阳", "中黔电气集团有限公司", "河口区", ""],  # row 3
    ],
}


def write(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in TABLES.items():
        with (folder / name).open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    return folder


def firms() -> list[Company]:
    return [
        Company(id=company_id_for_name(n), name=n, region_code=code, sources=SRC)
        for n, code in FIRMS.items()
    ]


def load(folder: Path, store: Store) -> LoadReport:
    return load_dir(folder, store, CompanyIndex.from_store(store), dataset="test")


def loaded(tmp_path: Path, store: Store | None = None) -> tuple[Store, LoadReport]:
    store = store if store is not None else SqliteStore()
    store.upsert_nodes(firms())
    return store, load(write(tmp_path / "ledger"), store)


def test_bad_rows_are_one_report_line_each_and_the_rest_loads(tmp_path: Path) -> None:
    store, report = loaded(tmp_path)
    errors = {(i.file, i.row, i.field, i.code) for i in report.issues if i.severity == "error"}
    assert errors == {
        ("招商渠道.csv", 10, "所属单位", "unknown_unit"),
        ("招商渠道.csv", 11, "渠道类型", "bad_channel_type"),
        ("委托招商.csv", 4, "委托起始日期", "overlapping_mandate"),
        ("委托招商.csv", 5, "受托机构", "unknown_agency"),
        ("委托招商.csv", 6, "委托起始日期", "bad_date"),
        ("委托招商.csv", 7, "委托单位", "unknown_unit"),
        ("展会客商.csv", 3, "展会日期", "bad_date"),
    }
    warnings = {(i.file, i.row, i.code) for i in report.issues if i.severity == "warning"}
    assert warnings == {
        ("招商渠道.csv", 3, "firm_not_in_graph"),
        ("招商渠道.csv", 4, "unknown_region"),
        ("展会客商.csv", 2, "firm_not_in_graph"),
    }
    messages = {i.code: i.message for i in report.issues}
    assert "2026-01-01 至 2026-06-30" in messages["overlapping_mandate"]
    assert "东营智汇招商服务有限公司" in messages["unknown_agency"]
    assert "火星省" in messages["unknown_region"]
    counts = store.count_nodes()
    assert (counts[NodeKind.CHANNEL], counts[NodeKind.MANDATE]) == (8, 3)
    assert counts[NodeKind.FAIR_LEAD] == 3


def test_coverage_regions_resolved_and_firms_linked(tmp_path: Path) -> None:
    store, _ = loaded(tmp_path)
    channels = {c.name: c for c in store.nodes(NodeKind.CHANNEL) if isinstance(c, Channel)}
    assert channels["张三"].region_codes == ["11", "3702"]  # 北京市, 青岛 → 青岛市
    assert channels["李四"].region_codes == ["31"]
    assert channels["王五"].region_codes == []  # 火星省: warned, left out
    assert channels["驻青岛招商办事处"].region_codes == ["3702"]
    assert channels["张三"].private and not channels["驻北京招商办事处"].private
    # a person's name stays out of the id
    assert all("张三" not in c.id for c in channels.values())
    shenzhou = company_id_for_name("神州数码集团股份有限公司")
    assert channels["张三"].firm_ids == [shenzhou]
    covers = [(r.src, r.dst, r.private) for r in store.relations(RelKind.COVERS)]
    assert covers == [(channels["张三"].id, shenzhou, True)]  # a person's: private
    assert channels["李四"].firms == ["不存在科技有限公司"] and channels["李四"].firm_ids == []
    # the firm page leaves the ambassador out unless private data is asked for
    page = firm_page(store, shenzhou)
    assert page.private_hidden == 1 and "张三" not in page.model_dump_json()
    shown = firm_page(store, shenzhou, include_private=True)
    assert "张三 负责联系 神州数码集团股份有限公司" in shown.model_dump_json()
    assert "是展会线索（数博会：神州数码集团股份有限公司）" in page.model_dump_json()


def test_fair_leads_one_per_exhibitor_resolved_where_possible(tmp_path: Path) -> None:
    store, _ = loaded(tmp_path)
    leads = {n.exhibitor: n for n in store.nodes(NodeKind.FAIR_LEAD) if isinstance(n, FairLead)}
    shenzhou = "神州数码集团股份有限公司"
    assert sorted(leads) == ["中黔电气集团有限公司", shenzhou, "黔南云数科技有限公司"]
    assert leads[shenzhou].firm_id == company_id_for_name(shenzhou)
    assert leads["黔南云数科技有限公司"].firm_id is None
    assert {lead.held_on for lead in leads.values()} == {dt.date(2026, 4, 8)}
    assert {lead.unit_id for lead in leads.values()} == {"Unit:河口区"}
    assert len(list(store.relations(RelKind.LEAD_OF))) == 2


def test_mandate_progress_channels_and_fairs_by_hand(tmp_path: Path, empty_store: Store) -> None:
    store, _ = loaded(tmp_path, empty_store)
    report = actor_report(store, DAY)
    mandates = [
        (m.agency, m.period_from.isoformat(), m.signed, m.signed_yuan / YI, m.projects_rate_pct,
         m.amount_rate_pct, m.projects)
        for m in report.mandates
    ]  # fmt: skip
    assert mandates == [
        ("东营智汇招商服务有限公司", "2026-01-01", 1, 5, Decimal("33.3"), Decimal("25.0"),
         ["轴承项目"]),
        ("东营智汇招商服务有限公司", "2027-01-01", 0, 0, Decimal("0.0"), Decimal("0.0"), []),
        ("华东产业招商咨询有限公司", "2026-03-01", 1, 4, Decimal("50.0"), Decimal("40.0"),
         ["涂料项目"]),
    ]  # fmt: skip
    assert report.mandates[0].target_yuan == 20 * YI and report.mandates[0].target_projects == 3
    rows = [(c.name, c.filings, c.signed, c.signed_yuan / YI) for c in report.channels]
    assert rows[:3] == [
        ("东营智汇招商服务有限公司", 3, 3, 10),
        ("张三", 2, 2, Decimal("9.5")),
        ("华东产业招商咨询有限公司", 2, 1, 4),
    ]
    assert all(r[1:] == (0, 0, 0) for r in rows[3:]) and len(rows) == 8
    assert report.people() == {"张三", "李四", "王五"}
    [fair] = report.fairs
    assert (fair.fair, fair.place, fair.leads, fair.resolved, fair.converted) == (
        "数博会", "贵阳", 3, 2, 1
    )  # fmt: skip
    assert fair.signed_yuan == 8 * YI and fair.converted_firms == ["神州数码集团股份有限公司"]


def test_reserve_gaps_by_hand(tmp_path: Path) -> None:
    store, _ = loaded(tmp_path)
    clusters = ["高端装备", "新一代信息技术", "绿色化工", "医养健康"]
    got = progress(store, dt.date(2026, 1, 1), DAY, clusters, few=2)
    assert [(c.cluster, c.leads, c.talks, c.amount_yuan / YI, c.gap) for c in got.clusters] == [
        ("医养健康", 0, 0, 0, "无储备"),
        ("绿色化工", 0, 0, 0, "无储备"),
        ("新一代信息技术", 0, 1, 3, "储备不足"),
        ("高端装备", 1, 1, 8, None),
    ]
    assert [c.cluster for c in got.gaps()] == ["医养健康", "绿色化工", "新一代信息技术"]
    assert got.unlisted == {}
    fewer = progress(store, dt.date(2026, 1, 1), DAY, ["新一代信息技术"], few=2)
    assert fewer.unlisted == {"高端装备": 2}  # HK-01 线索, KF-05 在谈
    # without a list: the clusters the projects name (no Cluster nodes in this graph);
    # the default threshold 3 makes 高端装备's 2 few too
    named = progress(store, dt.date(2026, 1, 1), DAY)
    assert [(c.cluster, c.gap) for c in named.gaps()] == [
        ("绿色化工", "无储备"),
        ("新一代信息技术", "储备不足"),
        ("高端装备", "储备不足"),
    ]


def test_loading_twice_changes_nothing(tmp_path: Path) -> None:
    store, first = loaded(tmp_path)
    nodes = sorted(store.raw_nodes(), key=lambda d: d["id"])
    relations = sorted(store.raw_relations(), key=lambda d: d["id"])
    again = load(tmp_path / "ledger", store)
    assert sorted(store.raw_nodes(), key=lambda d: d["id"]) == nodes
    assert sorted(store.raw_relations(), key=lambda d: d["id"]) == relations
    assert [(i.row, i.code) for i in again.issues] == [(i.row, i.code) for i in first.issues]


def test_channels_cover_targets_without_naming_ambassadors(tmp_path: Path) -> None:
    store, _ = loaded(tmp_path)
    ids = {n: company_id_for_name(n) for n in FIRMS}
    found = underway(store, ids.values(), DAY)
    assert found[ids["神州数码集团股份有限公司"]].channels == [
        "驻北京招商办事处（覆盖北京市）",
        "河口区招商大使（联系该企业）",
    ]
    assert found[ids["青岛海岳装备有限公司"]].channels == [
        "驻青岛招商办事处（覆盖青岛市）",
        "河口区招商大使（覆盖青岛市）",
    ]
    qingdao = found[ids["青岛海岳装备有限公司"]]
    assert qingdao.projects == [] and qingdao.text.startswith("本市渠道：驻青岛招商办事处")
    assert ids["中黔电气集团有限公司"] not in found  # 贵阳: nobody covers it
    assert not any("张三" in w.text or "李四" in w.text for w in found.values())


def test_channel_templates_filled_in_load_back(tmp_path: Path) -> None:
    written = {p.name for p in write_templates(tmp_path)}
    assert {"招商渠道.xlsx", "委托招商.xlsx", "展会客商.xlsx"} <= written
    rows = {
        "unit": ["河口区", "县区", "370503", "2026", 40, 45],
        "channel": ["驻北京招商办事处", "驻外办事处", "河口区", "北京市", None, "2026-01-06"],
        "mandate": [None, None, None, None, None, None, None],
        "fair": ["数博会", "2026-05-26", "贵阳", "神州数码集团股份有限公司", "河口区", "洽谈"],
    }
    agency = ["东营智汇招商服务有限公司", "代理机构", "河口区", None, None, None]
    rows["mandate"] = ["东营智汇招商服务有限公司", "河口区", "2026-01-01", "2026-12-31",
                       "高端装备", 3, 20]  # fmt: skip
    headers = {}
    for kind, values in rows.items():
        path = tmp_path / LEDGER_TEMPLATE_FILES[kind]
        wb = openpyxl.load_workbook(path)
        headers[kind] = [c.value for c in wb["数据"][1]]
        wb["数据"].append(values)
        if kind == "channel":
            wb["数据"].append(agency)
        wb.save(path)
    assert headers["mandate"][-1] == "目标金额（亿元）"
    assert headers["channel"][:3] == ["渠道名称*", "渠道类型*", "所属单位*"]
    store = SqliteStore()
    store.upsert_nodes(firms())
    report = load(tmp_path, store)
    assert [i for i in report.issues if i.severity == "error"] == []
    [mandate] = [m for m in store.nodes(NodeKind.MANDATE) if isinstance(m, Mandate)]
    assert (mandate.target_projects, mandate.target_yuan) == (3, 20 * YI)
    assert mandate.clusters == ["高端装备"]
    [lead] = [n for n in store.nodes(NodeKind.FAIR_LEAD) if isinstance(n, FairLead)]
    assert lead.firm_id == company_id_for_name("神州数码集团股份有限公司")


runner = CliRunner()


def test_cli_channels_masks_ambassadors_and_progress_names_gaps(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "g.db")
    store.upsert_nodes(firms())
    load(write(tmp_path / "ledger"), store)
    store.save()
    graph = str(tmp_path / "g.db")
    shown = runner.invoke(app, ["channels", "--as-of", "2026-12-31", "-g", graph, "--json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    library = channel_report(SqliteStore(tmp_path / "g.db"), DAY)
    assert data == redact(library, names=library.own.people()).model_dump(mode="json")
    names = [c["name"] for c in data["own"]["channels"]]
    assert "张*" in names and "张三" not in shown.stdout
    assert data["own"]["mandates"][0]["projects_rate_pct"] == "33.3"
    private = runner.invoke(
        app, ["channels", "--as-of", "2026-12-31", "-g", graph, "--json", "--include-private"]
    )
    assert "张三" in [c["name"] for c in json.loads(private.stdout)["own"]["channels"]]
    table = runner.invoke(app, ["channels", "--as-of", "2026-12-31", "-g", graph],
                          env={"COLUMNS": "200"})  # fmt: skip
    assert table.exit_code == 0 and "委托招商完成情况" in table.stdout
    assert "展会客商" in table.stdout and "张三" not in table.stdout
    demo_clusters = Path(__file__).resolve().parent.parent / "examples" / "demo" / "clusters.toml"
    args = ["progress", "--from", "2026-01-01", "--to", "2026-12-31", "-g", graph,
            "--clusters", str(demo_clusters), "--reserve-min", "2"]  # fmt: skip
    gaps = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert gaps.exit_code == 0, gaps.output
    assert (
        "项目储备缺口：光伏 无储备（线索 0、在谈 0）；新能源电池 无储备（线索 0、在谈 0）；"
        "绿色化工 无储备（线索 0、在谈 0）；新一代信息技术 储备不足（线索 0、在谈 1）。"
    ) in gaps.stdout.replace("\n", "")


def test_demo_mandates_as_its_readme_says() -> None:
    """LG-022 (80000 万元, 新一代信息技术, signed 2026-02-16) and LG-030 (3.5亿, 新一代信息技术,
    03-03) for 上海衡策, LG-024 only 在谈; LG-023 (8亿元, 02-14) for 深圳前海启岚 at the
    经开区; LG-040 (滨海新区) only 在谈."""
    folder = Path(__file__).resolve().parent.parent / "examples" / "demo" / "ledger"
    store = SqliteStore()
    report = load_dir(folder, store, CompanyIndex(), dataset="demo")
    assert [i for i in report.issues if i.severity == "error"] == []
    got = actor_report(store, dt.date(2026, 5, 31))
    assert [(m.agency[:4], m.unit, m.signed, m.target_projects, m.signed_yuan / YI,
             m.target_yuan and m.target_yuan / YI) for m in got.mandates] == [
        ("上海衡策", "岚港经济技术开发区", 2, 3, Decimal("11.5"), 20),
        ("深圳前海", "岚港经济技术开发区", 1, 2, 8, 10),
        ("深圳前海", "滨海新区", 0, 2, 0, 10),
    ]  # fmt: skip
    assert len(got.channels) == 11 and got.people() == {"刘明", "陈静", "杨帆", "黄磊", "周强"}
