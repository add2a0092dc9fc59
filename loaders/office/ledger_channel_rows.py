"""Rows of the ledger's channel tables: 招商渠道, 委托招商, 展会客商.

Used by :mod:`loaders.office.table_loader` like :mod:`loaders.office.ledger_rows`
(whose unit lookup, amounts and dates they share). Checks, each one report line with
file, row and column:

- a channel, mandate or fair lead naming a unit that is neither in the graph nor in
  this load (``unknown_unit``, the row is skipped);
- a channel type other than 招商大使, 招商顾问, 代理机构, 驻外办事处 (``bad_channel_type``);
- a covered region that is no GB/T 2260 code or name (``unknown_region``, a warning:
  the channel loads without it; names are read by :func:`resolve.divisions.resolve_region`,
  codes of the graph's own Region nodes count too);
- a mandate naming an agency that no 代理机构 row of the unit's channels holds
  (``unknown_agency``), a date that does not parse (``bad_date``), a period ending
  before it starts (``bad_period``), a target that is no whole number or amount
  (``bad_target``, ``bad_amount``);
- two mandates of one agency and one unit whose periods overlap
  (``overlapping_mandate``): a project signed in the overlap would count for both, so
  the later row is refused;
- a covered firm or exhibitor the graph does not hold (``firm_not_in_graph``, a
  warning: kept by name, without its relation).

A COVERS relation holds since the channel's 聘任日期 (else as of the file's date) and
is a tie of referral paths (``queries/ties.toml``). An ambassador's or adviser's is
``private`` (like a KNOWS tie): referral paths, the firm page and the drawings leave it
out unless private data is asked for.

Ids: ``Channel:<unit>:<type>:<name>`` (one unit's channel; an agency two units
entrust is two channels; a person's name is hashed), ``Mandate:<hash of unit, agency, start>``,
``FairLead:<hash of fair, date, exhibitor name key>`` — so loading a table twice
changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

from graph.errors import UsageError
from graph.ids import node_id, short_hash
from graph.ledger_channels import PERSON_CHANNELS, Channel, ChannelType, FairLead, Mandate
from graph.schema import NodeKind, RelKind
from loaders.office.ledger_rows import LedgerState, amount, cell_date, firm_of
from loaders.office.node_rows import Cells, RowBuilder, split_items, text_of
from loaders.office.rows import RowError
from resolve.divisions import resolve_region
from resolve.normalise import name_key

#: Channel type words → the schema's four types.
CHANNEL_TYPES: dict[str, str] = {
    "招商大使": "招商大使",
    "大使": "招商大使",
    "招商顾问": "招商顾问",
    "顾问": "招商顾问",
    "代理机构": "代理机构",
    "招商代理": "代理机构",
    "委托招商代理": "代理机构",
    "代理公司": "代理机构",
    "招商代理公司": "代理机构",
    "驻外办事处": "驻外办事处",
    "办事处": "驻外办事处",
    "驻外招商办事处": "驻外办事处",
}
_COUNT = re.compile(r"^(\d+)\s*(个|项)?$")


@dataclass
class ChannelState:
    """What the channel rows of one load check against: agencies, mandates, regions."""

    agencies: dict[tuple[str, str], str] = field(default_factory=dict)  # (unit, name key) → id
    mandates: dict[tuple[str, str], list[Mandate]] = field(default_factory=dict)
    regions: list[tuple[str, str]] = field(default_factory=list)  # the graph's (code, name)

    @classmethod
    def of(cls, run: RowBuilder) -> ChannelState:
        """The state of ``run``'s load, read from its store on first use."""
        found = run.state.get("channels")
        if isinstance(found, ChannelState):
            return found
        state = cls()
        for node in run.store.nodes(NodeKind.CHANNEL):
            if isinstance(node, Channel) and node.channel_type == "代理机构":
                for name in (node.name, *node.aliases):
                    state.agencies[(node.unit_id, name_key(name))] = node.id
        for node in run.store.nodes(NodeKind.MANDATE):
            if isinstance(node, Mandate):
                state.mandates.setdefault((node.unit_id, node.agency_id), []).append(node)
        for node in run.store.nodes(NodeKind.REGION):
            code = getattr(node, "code", None)
            if isinstance(code, str):
                state.regions.append((code, node.name))
        run.state["channels"] = state
        return state


def _text(cells: Cells, name: str) -> str:
    return text_of(cells.get(name, (None, ""))[0])


def _column(cells: Cells, name: str) -> str:
    return cells.get(name, (None, name))[1]


def _firms(run: RowBuilder, cells: Cells, name: str, row: int) -> list[tuple[str, str | None]]:
    """The firms of a list cell, each with its Company id (None, with a warning, when
    the graph does not hold it)."""
    found = []
    for firm_name in split_items(cells.get(name, (None, ""))[0]):
        firm = firm_of(run, firm_name)
        if firm is None:
            message = f"{firm_name!r} 不在图谱中：按名称记入，暂不关联企业"
            run.warn(row, _column(cells, name), "firm_not_in_graph", message)
        found.append((firm_name, firm))
    return found


def channel_row(run: RowBuilder, cells: Cells, row: int) -> None:
    """Queue a :class:`~graph.ledger_channels.Channel` and a COVERS channel→firm for
    each covered firm the graph holds."""
    ledger, state = LedgerState.of(run), ChannelState.of(run)
    name = _text(cells, "name")
    if not name:
        raise RowError(_column(cells, "name"), "missing_value", "缺少渠道名称；该行未载入")
    type_text = _text(cells, "channel_type")
    channel_type = CHANNEL_TYPES.get(type_text)
    if channel_type is None:
        raise RowError(
            _column(cells, "channel_type"),
            "bad_channel_type",
            f"渠道类型 {type_text!r} 应为 招商大使、招商顾问、代理机构 或 驻外办事处；该行未载入",
        )
    uid = ledger.unit(cells)
    codes = []
    for text in split_items(cells.get("regions", (None, ""))[0]):
        try:
            codes.append(resolve_region(text, state.regions).code)
        except UsageError as exc:
            near = "、".join(exc.candidates[:3]) if exc.candidates else ""
            message = f"覆盖地区 {text!r} 不是行政区划名称或代码" + (
                f"（相近：{near}）" if near else ""
            )
            run.warn(row, _column(cells, "regions"), "unknown_region", message + "；未记")
    firms = _firms(run, cells, "firms", row)
    appointed = cell_date(cells, "appointed_on") if _text(cells, "appointed_on") else None
    person = channel_type in PERSON_CHANNELS  # a person's name stays out of the id
    key = short_hash(name_key(name)) if person else name
    cid = node_id(NodeKind.CHANNEL, uid.removeprefix("Unit:"), channel_type, key)
    run.add(
        Channel(
            id=cid,
            name=name,
            channel_type=cast(ChannelType, channel_type),
            unit_id=uid,
            region_codes=list(dict.fromkeys(codes)),
            firms=[f for f, _ in firms],
            firm_ids=list(dict.fromkeys(i for _, i in firms if i)),
            appointed_on=appointed,
            sources=[run.source(row)],
        )
    )
    for firm in dict.fromkeys(i for _, i in firms if i):  # a person's: private, as KNOWS
        run.link(RelKind.COVERS, cid, firm, row, private=person, since=appointed)
    if channel_type == "代理机构":
        state.agencies[(uid, name_key(name))] = cid


def _count(cells: Cells, name: str) -> int | None:
    text = _text(cells, name).removesuffix(".0")
    if not text:
        return None
    match = _COUNT.match(text)
    if match is None:
        raise RowError(
            _column(cells, name), "bad_target", f"目标项目数 {text!r} 应为整数；该行未载入"
        )
    return int(match[1])


def mandate_row(run: RowBuilder, cells: Cells, row: int) -> None:
    """Queue a :class:`~graph.ledger_channels.Mandate` of an agency the unit's channel
    table holds; a period overlapping another mandate of the same pair is refused."""
    ledger, state = LedgerState.of(run), ChannelState.of(run)
    uid = ledger.unit(cells)
    agency = _text(cells, "agency")
    aid = state.agencies.get((uid, name_key(agency)))
    if aid is None:
        known = "、".join(
            sorted(a.split(":")[-1] for (u, _), a in state.agencies.items() if u == uid)
        )
        raise RowError(
            _column(cells, "agency"),
            "unknown_agency",
            f"代理机构 {agency!r} 不在 {uid.removeprefix('Unit:')} 的招商渠道表中"
            f"（已知：{known or '无，请先在招商渠道表中登记类型为代理机构的行'}）；该行未载入",
        )
    start, end = cell_date(cells, "period_from"), cell_date(cells, "period_to")
    if start > end:
        raise RowError(
            _column(cells, "period_to"),
            "bad_period",
            f"委托截止日期 {end} 早于起始日期 {start}；该行未载入",
        )
    mid = node_id(NodeKind.MANDATE, short_hash(uid, aid, start.isoformat()))
    for other in state.mandates.get((uid, aid), []):
        if other.id != mid and start <= other.period_to and other.period_from <= end:
            raise RowError(
                _column(cells, "period_from"),
                "overlapping_mandate",
                f"委托期 {start} 至 {end} 与同一机构的另一份委托（{other.period_from} 至 "
                f"{other.period_to}）重叠：重叠期内签约的项目会被计两次；该行未载入",
            )
    mandate = Mandate(
        id=mid,
        name=f"{uid.removeprefix('Unit:')}委托{agency}（{start} 至 {end}）",
        agency_id=aid,
        unit_id=uid,
        period_from=start,
        period_to=end,
        clusters=split_items(cells.get("clusters", (None, ""))[0]),
        target_projects=_count(cells, "target_projects"),
        target_yuan=amount(cells, "target_amount"),
        sources=[run.source(row)],
    )
    run.add(mandate)
    pair = state.mandates.setdefault((uid, aid), [])
    pair[:] = [m for m in pair if m.id != mid] + [mandate]


def fair_row(run: RowBuilder, cells: Cells, row: int) -> None:
    """Queue one :class:`~graph.ledger_channels.FairLead` per exhibitor of the row and
    a LEAD_OF lead→firm for each the graph holds."""
    fair = _text(cells, "fair")
    if not fair:
        raise RowError(_column(cells, "fair"), "missing_value", "缺少展会名称；该行未载入")
    held_on = cell_date(cells, "held_on")
    uid = LedgerState.of(run).unit(cells) if _text(cells, "unit") else None
    exhibitors = _firms(run, cells, "exhibitors", row)
    if not exhibitors:
        raise RowError(_column(cells, "exhibitors"), "missing_value", "缺少参展企业；该行未载入")
    for exhibitor, firm in exhibitors:
        lid = node_id(
            NodeKind.FAIR_LEAD, short_hash(fair, held_on.isoformat(), name_key(exhibitor))
        )
        run.add(
            FairLead(
                id=lid,
                name=f"{fair}：{exhibitor}",
                fair=fair,
                held_on=held_on,
                place=_text(cells, "place") or None,
                exhibitor=exhibitor,
                firm_id=firm,
                unit_id=uid,
                outcome=_text(cells, "outcome") or None,
                sources=[run.source(row)],
            )
        )
        if firm:
            run.link(RelKind.LEAD_OF, lid, firm, row)
