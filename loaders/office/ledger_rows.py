"""Rows of the 招商 ledger's tables: units and targets, projects, outings, 备案.

Used by :mod:`loaders.office.table_loader` like :mod:`loaders.office.link_rows`. Each
function takes one row's cells by field and queues nodes and relations, or raises
:class:`~loaders.office.rows.RowError` (the row is reported with its file, row and
column, and skipped; the load goes on). Checks, each one report line:

- a project or outing naming a unit that is neither in the graph nor in this load
  (``unknown_unit``);
- a stage going backwards against what the graph or an earlier row holds
  (``stage_backwards``): the history may only move forward in time;
- an amount that does not parse, or a bare number under a header that names no unit
  (``bad_amount``, ``amount_without_unit``): ``1.2亿``, ``5000万元``, ``3亿元`` parse
  exactly, a bare ``5000`` needs ``（万元）`` in its header;
- a 备案 dated on or after the project's signing (``filed_after_signing``, a warning:
  the 备案 is kept, append-only, and can never win, see :mod:`queries.attribution`).

Ids: ``Unit:<name>``; ``Project:<项目编号>`` or ``Project:name:<name key>``;
``Outing:<编号>`` or ``Outing:<hash of unit, date, destination>``;
``Introduction:<hash of time, introducer, investor, project>``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from graph.base import STAGE_RANK, Stage
from graph.ids import new_relation, node_id, short_hash
from graph.ledger import Introduction, Outing, Project, Unit
from graph.schema import NodeKind, RelKind
from loaders.office.ledger_mapping import STAGE_WORDS, UNIT_TYPES
from loaders.office.mapping import header_key
from loaders.office.node_rows import Cells, RowBuilder, split_items, text_of
from loaders.office.rows import RowError
from loaders.office.values import AMOUNT_UNITS, parse_amount, parse_date
from resolve.index import company_id_for_name
from resolve.normalise import name_key

_REGION_CODE = re.compile(r"^\d{2}(\d{2}){0,2}$")
_PEOPLE = re.compile(r"^(\d+)\s*(人|人次)?$")


@dataclass
class LedgerState:
    """What the ledger rows of one load check against: units, project histories."""

    units: dict[str, str] = field(default_factory=dict)  # name key → unit id
    histories: dict[str, list[tuple[Stage, dt.date]]] = field(default_factory=dict)
    projects: dict[str, str] = field(default_factory=dict)  # 编号 or name key → id

    @classmethod
    def of(cls, run: RowBuilder) -> LedgerState:
        """The state of ``run``'s load, read from its store on first use."""
        found = run.state.get("ledger")
        if isinstance(found, LedgerState):
            return found
        state = cls()
        for unit in run.store.nodes(NodeKind.UNIT):
            for name in (unit.name, *unit.aliases):
                state.units[name_key(name)] = unit.id
        for node in run.store.nodes(NodeKind.PROJECT):
            if isinstance(node, Project):
                state.histories[node.id] = [(e.stage, e.on) for e in node.stages]
                state.projects[name_key(node.name)] = node.id
                state.projects.setdefault(node.id.removeprefix("Project:"), node.id)
        run.state["ledger"] = state
        return state

    def unit(self, cells: Cells) -> str:
        """The id of the row's unit (``unit`` cell).

        Raises
        ------
        RowError
            ``unknown_unit``, naming a few known units.
        """
        value, header = cells["unit"]
        text = text_of(value)
        uid = self.units.get(name_key(text)) if text else None
        if uid is None:
            known = "、".join(sorted(u.removeprefix("Unit:") for u in set(self.units.values()))[:6])
            raise RowError(
                header,
                "unknown_unit",
                f"单位 {text!r} 不在单位表中（已知：{known or '无，请先载入招商单位与目标表'}）；"
                "该行未载入",
            )
        return uid

    def signed_on(self, pid: str) -> dt.date | None:
        """The first day the project was at 签约 or later, from what is known."""
        days = [d for s, d in self.histories.get(pid, []) if STAGE_RANK[s] >= STAGE_RANK["签约"]]
        return min(days, default=None)


def _text(cells: Cells, name: str) -> str:
    return text_of(cells.get(name, (None, ""))[0])


def _required(cells: Cells, name: str, what: str) -> str:
    text = _text(cells, name)
    if not text:
        raise RowError(cells.get(name, (None, name))[1], "missing_value", f"缺少{what}；该行未载入")
    return text


def amount(cells: Cells, name: str) -> Decimal | None:
    """The amount of cell ``name`` in 元, exact; None when the cell is empty.

    A unit in the cell (``1.2亿``, ``5000万元``) wins over the header's (``签约金额（万元）``).

    Raises
    ------
    RowError
        ``bad_amount`` when the text is no amount; ``amount_without_unit`` for a bare
        number under a header that names no unit.
    """
    value, header = cells.get(name, (None, name))
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    unit = header_key(header)[1]
    try:
        if unit in AMOUNT_UNITS:
            parsed = parse_amount(value, unit or "元")
        else:  # a number whose meaning changes with the unit carries none
            parsed = parse_amount(value, "元")
            if parsed != parse_amount(value, "万元"):
                raise RowError(
                    header,
                    "amount_without_unit",
                    f"金额 {value!r} 没有单位：请在表头注明，如 {header}（万元），"
                    "或写成 5000万元、1.2亿；该行未载入",
                )
    except ValueError:
        raise RowError(
            header,
            "bad_amount",
            f"金额 {value!r} 无法识别（可写 1.2亿、5000万元、3亿元 或带单位表头下的数字）；"
            "该行未载入",
        ) from None
    if parsed < 0:
        raise RowError(header, "bad_amount", f"金额 {value!r} 为负数；该行未载入")
    return parsed


def firm_of(run: RowBuilder, name: str) -> str | None:
    """The Company id of a firm named in a ledger row, when the graph has it: through
    the index (firms with codes), else a name-only firm by its id."""
    found = run.index.resolve(name).firm
    if found:
        return found
    cid = company_id_for_name(name)
    return cid if run.known(cid) else None


def cell_date(cells: Cells, name: str) -> dt.date:
    """The date of cell ``name``.

    Raises
    ------
    RowError
        ``bad_date`` when the cell holds no date (see :func:`~loaders.office.values.parse_date`).
    """
    value, header = cells[name]
    try:
        return parse_date(value)
    except ValueError:
        message = f"日期 {value!r} 无法识别（写 2026-03-02 或 2026年3月2日）；该行未载入"
        raise RowError(header, "bad_date", message) from None


def unit_row(run: RowBuilder, cells: Cells, row: int) -> None:
    """Queue a :class:`~graph.ledger.Unit` with the targets of the row's year (亿元 or
    the header's unit, stored in 元)."""
    state = LedgerState.of(run)
    name = _required(cells, "name", "单位名称")
    kind_text = _text(cells, "unit_type")
    unit_type = UNIT_TYPES.get(kind_text) if kind_text else None
    if kind_text and unit_type is None:
        raise RowError(
            cells["unit_type"][1],
            "bad_unit_type",
            f"单位类型 {kind_text!r} 应为 县区、开发区 或 投促委；该行未载入",
        )
    year = _text(cells, "year")
    city, own = amount(cells, "city_target"), amount(cells, "own_target")
    if (city is not None or own is not None) and not re.fullmatch(r"\d{4}", year):
        column = cells.get("year", (None, "年度"))[1]
        message = f"目标缺少年度（四位数字），看到 {year!r}；该行未载入"
        raise RowError(column, "missing_year", message)
    code = _text(cells, "region_code")
    if code and not _REGION_CODE.match(code):
        message = f"{code!r} 不是行政区划代码；未记"
        run.warn(row, cells["region_code"][1], "bad_region_code", message)
        code = ""
    uid = node_id(NodeKind.UNIT, name)
    run.add(
        Unit(
            id=uid,
            name=name,
            unit_type=unit_type,
            region_code=code or None,
            city_targets_yuan={year: city} if city is not None else {},
            own_targets_yuan={year: own} if own is not None else {},
            sources=[run.source(row)],
        )
    )
    state.units[name_key(name)] = uid


def _stage(cells: Cells) -> tuple[Stage, dt.date] | None:
    text = _text(cells, "stage")
    if not text:
        return None
    stage = STAGE_WORDS.get(text.removesuffix("阶段"))
    if stage is None:
        raise RowError(
            cells["stage"][1],
            "bad_stage",
            f"阶段 {text!r} 应为 线索、洽谈（在谈）、签约、开工 或 投产；该行未载入",
        )
    if not _text(cells, "stage_on") and not isinstance(cells.get("stage_on", ("",))[0], dt.date):
        column = cells.get("stage_on", (None, "阶段日期"))[1]
        raise RowError(column, "missing_value", f"阶段「{stage}」缺少日期；该行未载入")
    return stage, cell_date(cells, "stage_on")


def backwards(
    history: list[tuple[Stage, dt.date]], stage: Stage, on: dt.date
) -> tuple[Stage, dt.date] | None:
    """The recorded stage that ``(stage, on)`` would go back from, or None.

    A stage goes backwards when an earlier day holds a later stage, or a later day an
    earlier one (same-day stages are ordered by stage, so never backwards).

    Examples
    --------
    >>> d = dt.date
    >>> backwards([(Stage.SIGNED, d(2026, 3, 1))], Stage.TALKS, d(2026, 4, 1))
    (<Stage.SIGNED: '签约'>, datetime.date(2026, 3, 1))
    >>> backwards([(Stage.TALKS, d(2026, 3, 1))], Stage.SIGNED, d(2026, 3, 1)) is None
    True
    """
    rank = STAGE_RANK[stage]
    for s, d in history:
        if (d < on and STAGE_RANK[s] > rank) or (d > on and STAGE_RANK[s] < rank):
            return s, d
    return None


def project_row(run: RowBuilder, cells: Cells, row: int) -> None:
    """Queue a :class:`~graph.ledger.Project` with the row's dated stage, its unit's
    RESPONSIBLE_FOR and, when the investor is a firm of the graph, INVESTOR_OF."""
    state = LedgerState.of(run)
    name = _required(cells, "name", "项目名称")
    key = _text(cells, "key")
    pid = node_id(NodeKind.PROJECT, *((key,) if key else ("name", name_key(name))))
    uid = state.unit(cells)
    money, invested = amount(cells, "amount"), amount(cells, "invested")
    event = _stage(cells)
    if event is not None and (back := backwards(state.histories.get(pid, []), *event)):
        stage, on = event
        raise RowError(
            cells["stage"][1],
            "stage_backwards",
            f"阶段倒退：项目 {name} 在 {back[1]} 已是「{back[0]}」，本行 {on} 为「{stage}」；"
            "该行未载入（阶段只进不退：每次变化另填一行新的日期）",
        )
    investor = _text(cells, "investor")
    firm = firm_of(run, investor) if investor else None
    run.add(
        Project(
            id=pid,
            name=name,
            investor=investor or None,
            investor_id=firm,
            unit_id=uid,
            cluster=_text(cells, "cluster") or None,
            industry=_text(cells, "industry") or None,
            amount_yuan=money,
            invested_yuan=invested,
            stages=[{"stage": event[0], "on": event[1]}] if event else [],
            sources=[run.source(row)],
        )
    )
    run.link(RelKind.RESPONSIBLE_FOR, uid, pid, row)
    if firm:
        run.link(RelKind.INVESTOR_OF, firm, pid, row)
    if event is not None:
        state.histories.setdefault(pid, []).append(event)
    state.projects[name_key(name)] = pid
    if key:
        state.projects[key] = pid


def outing_row(run: RowBuilder, cells: Cells, row: int) -> None:
    """Queue an :class:`~graph.ledger.Outing` and a CONTACTED unit→firm for each firm
    met that the graph knows (others are kept by name, with a warning)."""
    state = LedgerState.of(run)
    on = cell_date(cells, "on")
    uid = state.unit(cells)
    destination = _required(cells, "destination", "目的地")
    people_value, people_header = cells["people"]
    match = _PEOPLE.match(text_of(people_value).removesuffix(".0"))
    if not match or int(match[1]) < 1:
        raise RowError(people_header, "bad_people", f"人数 {people_value!r} 应为正整数；该行未载入")
    key = _text(cells, "key")
    oid = node_id(NodeKind.OUTING, key or short_hash(uid, on.isoformat(), destination))
    firms = split_items(cells.get("firms_met", (None, ""))[0])
    unit_name = uid.removeprefix("Unit:")
    run.add(
        Outing(
            id=oid,
            name=f"{unit_name}赴{destination}招商（{on}）",
            on=on,
            unit_id=uid,
            destination=destination,
            people=int(match[1]),
            firms_met=firms,
            sources=[run.source(row)],
        )
    )
    outcome = _text(cells, "outcome") or None
    for firm_name in firms:
        firm = firm_of(run, firm_name)
        if firm is None:
            column = cells["firms_met"][1]
            run.warn(row, column, "firm_not_in_graph", f"{firm_name!r} 不在图谱中：只记入外出记录")
            continue
        contact = new_relation(
            RelKind.CONTACTED, uid, firm, [run.source(row)], key=oid, since=on, label=outcome
        )
        run.relations.append(contact)


def _filed_at(cells: Cells) -> dt.datetime:
    value = cells["filed_at"][0]
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip().replace("/", "-")).replace(tzinfo=None)
        except ValueError:
            pass
    day = cell_date(cells, "filed_at")
    return dt.datetime(day.year, day.month, day.day)


def introduction_row(run: RowBuilder, cells: Cells, row: int) -> None:
    """Queue an :class:`~graph.ledger.Introduction` (one 备案) and INTRODUCES to its
    project; a 备案 on or after the project's signing day is kept with a warning."""
    state = LedgerState.of(run)
    filed_at = _filed_at(cells)
    introducer = _required(cells, "introducer", "引荐人")
    investor = _required(cells, "investor", "被引荐企业")
    person = _text(cells, "introducer_type") in ("", "个人", "自然人", "社会引荐人")
    project_text = _text(cells, "project")
    pid = state.projects.get(project_text) or state.projects.get(name_key(project_text))
    if project_text and pid is None:
        message = f"项目 {project_text!r} 不在图谱中：按投资方匹配"
        run.warn(row, cells["project"][1], "unknown_project", message)
    signed = state.signed_on(pid) if pid else None
    if signed is not None and filed_at.date() >= signed:
        message = (
            f"备案时间 {filed_at:%Y-%m-%d} 不早于项目签约日 {signed}：已记入台账，"
            "但不能作为有效引荐"
        )
        run.warn(row, cells["filed_at"][1], "filed_after_signing", message)
    iid = node_id(
        NodeKind.INTRODUCTION, short_hash(filed_at.isoformat(), introducer, investor, pid or "")
    )
    run.add(
        Introduction(
            id=iid,
            name=f"备案：{investor}",
            filed_at=filed_at,
            introducer=introducer,
            introducer_is_person=person,
            investor=investor,
            investor_id=firm_of(run, investor),
            project_id=pid,
            private=person,
            sources=[run.source(row)],
        )
    )
    if pid:
        run.link(RelKind.INTRODUCES, iid, pid, row)
