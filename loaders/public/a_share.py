"""Loader for a-share-2025: every listed A-share firm, its province, industry and controller.

Source: ``a-share-2025/股票列表.csv`` (a Tushare Pro ``stock_basic`` export, 2025-11;
UTF-8, header row). Columns used:

``ts_code``
    Stock code with exchange (``000001.SZ``, ``600000.SH``, ``920002.BJ``).
``name``
    Short name (平安银行, 万科A).
``area``
    Province in short form (山东, 内蒙, 广西), except 深圳, a city (the others of
    Guangdong are 广东); empty for 17 delisted or new firms.
``industry``
    One of about 110 Tushare industry classes (银行, 全国地产, 电气设备 …), no codes.
``list_date``
    Listing date, ``YYYYMMDD``.
``act_name``, ``act_ent_type``
    Actual controller (实际控制人), sometimes several names separated by ``,``/``、``
    (outside brackets), and its type: 民营企业, 地方国企, 中央国企, 外资企业, 集体企业,
    校办企业, 无. ``无实际控制人`` or an empty name: no controller.

Province codes are GB/T 2260 (:data:`PROVINCES`), shipped here so the loader needs no
other dataset folder.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from graph.ids import new_relation, node_id
from graph.schema import (
    Company,
    Industry,
    Node,
    NodeKind,
    Person,
    Region,
    Relation,
    RelKind,
    Source,
)
from graph.store import Store
from loaders.confidence import REGISTRY
from loaders.public.as_of import AS_OF
from loaders.public.batching import read_csv_rows, write_nodes, write_relations
from loaders.public.controllers import controller_names, is_organisation, organisation_tags
from loaders.report import Issue, LoadReport
from resolve.index import CompanyIndex, company_id_for_code, company_id_for_name
from resolve.normalise import stock_code
from resolve.places import region_of_name

DATASET = "a-share-2025"
FILE = "股票列表.csv"
SYSTEM = "a-share-2025"
NO_CONTROLLER = "无实际控制人"

#: ``area`` as written → (GB/T 2260 code, official name, province short name).
PROVINCES: dict[str, tuple[str, str, str]] = {
    short: (code, name, short)
    for code, short, name in (
        ("11", "北京", "北京市"),
        ("12", "天津", "天津市"),
        ("13", "河北", "河北省"),
        ("14", "山西", "山西省"),
        ("15", "内蒙", "内蒙古自治区"),
        ("21", "辽宁", "辽宁省"),
        ("22", "吉林", "吉林省"),
        ("23", "黑龙江", "黑龙江省"),
        ("31", "上海", "上海市"),
        ("32", "江苏", "江苏省"),
        ("33", "浙江", "浙江省"),
        ("34", "安徽", "安徽省"),
        ("35", "福建", "福建省"),
        ("36", "江西", "江西省"),
        ("37", "山东", "山东省"),
        ("41", "河南", "河南省"),
        ("42", "湖北", "湖北省"),
        ("43", "湖南", "湖南省"),
        ("44", "广东", "广东省"),
        ("45", "广西", "广西壮族自治区"),
        ("46", "海南", "海南省"),
        ("50", "重庆", "重庆市"),
        ("51", "四川", "四川省"),
        ("52", "贵州", "贵州省"),
        ("53", "云南", "云南省"),
        ("54", "西藏", "西藏自治区"),
        ("61", "陕西", "陕西省"),
        ("62", "甘肃", "甘肃省"),
        ("63", "青海", "青海省"),
        ("64", "宁夏", "宁夏回族自治区"),
        ("65", "新疆", "新疆维吾尔自治区"),
    )
}
#: Cities that ``area`` names instead of their province.
CITIES: dict[str, tuple[str, str, str]] = {"深圳": ("4403", "深圳市", "广东")}
#: Lookup by the short form or the official name (山东, 山东省; 深圳, 深圳市).
_AREAS = {key: v for k, v in (PROVINCES | CITIES).items() for key in (k, v[1])}


def load(data_dir: Path, store: Store, index: CompanyIndex) -> LoadReport:
    """Load the listed firms of 股票列表.csv with regions, industries and controllers.

    Parameters
    ----------
    data_dir : Path
        The ``a-share-2025`` folder.
    store : Store
        Target store; nodes are upserted before relations, in batches. Read for the
        officers of a firm (a controller who is also its officer keeps that person).
    index : CompanyIndex
        A ``ts_code`` it resolves keeps that firm's id; controllers are looked up by
        name; firms written here are added to it.

    Returns
    -------
    LoadReport
        ``rows_read`` counts the data rows. Issues:

        - ``bad_stock_code`` (error): ``ts_code`` is not a stock code; row skipped;
        - ``missing_area`` / ``unknown_area`` (warning): no region for the firm;
        - ``missing_industry`` (warning), ``bad_date`` (warning: no listing date);
        - ``controller_name_clash`` (warning): an organisation controller's name
          resolves to the firm it controls (东风汽车有限公司 → 东风汽车股份有限公司: one
          name key); the controller keeps a node of its own, ``company_id_for_name``;
        - ``missing_file`` (error).

    Notes
    -----
    Company per row (name and ``short_name`` the short name; the store keeps a known
    legal name as display name), ``province`` the province short name (广东 for 深圳),
    ``region_code`` the province code (深圳: ``"4403"``), or the city the stored legal
    name starts with when it lies in that province (:func:`resolve.places.region_of_name`),
    ``controller_type`` = ``act_ent_type``.
    LOCATED_IN firm → Region (``node_id(REGION, code)``, named 山东省 / 深圳市);
    IN_INDUSTRY firm → Industry (system ``a-share-2025``, keyed by class name);
    CONTROLS controller → firm (label ``act_ent_type``, ``as_of`` 2025-11-28). A
    controller that is an organisation (:func:`loaders.public.controllers.is_organisation`)
    is a Company found by name or ``company_id_for_name``, tagged 实际控制人 (and
    政府机构 / 高校 / 集体组织); a person is the executives-2018 officer of the same
    firm with exactly that name when there is one, else ``node_id(PERSON,
    "controller", code6, name)``: namesakes controlling different firms stay apart.
    Region, Industry and controller nodes are sourced to the first row naming them,
    each relation to its row. All relations
    ``REGISTRY``. About 1 s for the 5,395 rows.
    """
    report = LoadReport(dataset=DATASET)
    nodes: list[Node] = []
    classes: dict[str, Node] = {}
    rels: list[Relation] = []
    controllers: list[tuple[Source, str, str, str, str]] = []
    for row, rec in read_csv_rows(data_dir / FILE, report):
        src = Source(dataset=DATASET, file=FILE, row=row)
        code = stock_code(rec.get("ts_code", ""))
        if code is None:
            message = f"ts_code {rec.get('ts_code')!r} 不是股票代码"
            report.add(Issue(FILE, row, "ts_code", "bad_stock_code", message))
            continue
        cid = index.resolve_code(code) or company_id_for_code(code)
        company = _company(cid, code, rec, src, report)
        stored = store.get_node(cid)
        legal = stored.full_name if isinstance(stored, Company) else None
        city = region_of_name(legal) if legal else None
        if city and company.region_code and city.code.startswith(company.region_code):
            company.region_code = city.code  # 青岛啤酒股份有限公司: 3702 inside 山东 (37)
        nodes.append(company)
        _region(cid, rec.get("area", ""), src, report, classes, rels)
        _industry(cid, rec.get("industry", ""), src, report, classes, rels)
        kind = rec.get("act_ent_type", "")
        for name in controller_names(rec.get("act_name", "")):
            if name != NO_CONTROLLER:
                controllers.append((src, cid, code, name, kind))
    write_nodes(store, index, report, [*nodes, *classes.values()])
    owners, control = _controllers(controllers, store, index, report)
    write_nodes(store, index, report, list(owners.values()))
    write_relations(store, report, rels + control)
    return report


def _company(cid: str, code: str, rec: dict[str, str], src: Source, report: LoadReport) -> Company:
    area = _AREAS.get(rec.get("area", ""))
    raw = rec.get("list_date", "")
    try:
        listed: dt.date | None = dt.datetime.strptime(raw, "%Y%m%d").date()
    except ValueError:
        listed = None
        report.add(Issue(FILE, src.row, "list_date", "bad_date", f"{raw!r}：不是日期", "warning"))
    return Company(
        id=cid,
        name=rec.get("name") or code[:6],
        short_name=rec.get("name") or None,
        stock_codes=[code],
        province=area[2] if area else None,
        region_code=area[0] if area else None,
        listed_on=listed,
        controller_type=rec.get("act_ent_type") or None,
        sources=[src],
    )


def _region(
    cid: str,
    area: str,
    src: Source,
    report: LoadReport,
    nodes: dict[str, Node],
    rels: list[Relation],
) -> None:
    found = _AREAS.get(area)
    if found is None:
        code, message = ("missing_area", "没有地区") if not area else ("unknown_area", area)
        report.add(Issue(FILE, src.row, "area", code, f"{message}：无法确定地区", "warning"))
        return
    rid = node_id(NodeKind.REGION, found[0])
    if rid not in nodes:  # sourced to the first row naming it
        nodes[rid] = Region(id=rid, name=found[1], code=found[0], sources=[src])
    rels.append(new_relation(RelKind.LOCATED_IN, cid, rid, [src], confidence=REGISTRY))


def _industry(
    cid: str,
    name: str,
    src: Source,
    report: LoadReport,
    nodes: dict[str, Node],
    rels: list[Relation],
) -> None:
    if not name:
        report.add(Issue(FILE, src.row, "industry", "missing_industry", "没有行业", "warning"))
        return
    iid = node_id(NodeKind.INDUSTRY, SYSTEM, name)
    if iid not in nodes:
        nodes[iid] = Industry(id=iid, name=name, code=name, system=SYSTEM, sources=[src])
    rels.append(new_relation(RelKind.IN_INDUSTRY, cid, iid, [src], confidence=REGISTRY))


def _controllers(
    rows: list[tuple[Source, str, str, str, str]],
    store: Store,
    index: CompanyIndex,
    report: LoadReport,
) -> tuple[dict[str, Node], list[Relation]]:
    """Controller nodes (each sourced to its first row) and CONTROLS relations.

    Run once every firm of the file is stored and indexed, so a controller's name
    resolves the same on every load.
    """
    nodes: dict[str, Node] = {}
    rels: list[Relation] = []
    for src, cid, code, name, kind in rows:
        node: Node
        if is_organisation(name, kind):
            match = index.resolve(name, dataset=DATASET, source=src)
            ctl = match.firm or company_id_for_name(name)
            if ctl == cid:  # 东风汽车有限公司 and 东风汽车股份有限公司 share a name key
                ctl = company_id_for_name(name)
                message = f"实际控制人 {name!r} 与该企业名称键相同；单独保留为一个节点"
                issue = Issue(
                    FILE, src.row, "act_name", "controller_name_clash", message, "warning"
                )
                report.add(issue)
            tags = ["实际控制人", *organisation_tags(name, kind)]
            stored = store.get_node(ctl)
            # A known firm keeps its names (only tags and a source are added); a new
            # organisation is named in full.
            full = None if stored else name
            node = Company(
                id=ctl,
                name=stored.name if stored else name,
                full_name=full,
                tags=tags,
                sources=[src],
            )
        else:
            ctl = _officer_named(store, cid, name) or node_id(
                NodeKind.PERSON, "controller", code[:6], name
            )
            node = Person(id=ctl, name=name, tags=["实际控制人"], sources=[src])
        nodes.setdefault(ctl, node)
        rels.append(
            new_relation(
                RelKind.CONTROLS,
                ctl,
                cid,
                [src],
                confidence=REGISTRY,
                label=kind or None,
                as_of=AS_OF[DATASET],
            )
        )
    return nodes, rels


def _officer_named(store: Store, cid: str, name: str) -> str | None:
    """The one officer of firm ``cid`` named exactly ``name``, or None."""
    found = {
        other
        for _, other in store.neighbours(cid, [RelKind.OFFICER_OF], "in")
        if (node := store.get_node(other)) is not None and node.name == name
    }
    return found.pop() if len(found) == 1 else None
