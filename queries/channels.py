"""Which channels of 以商招商 actually convert: 备案 → signed projects, by channel and tie.

For every project's winning 备案 (the first valid one, :mod:`queries.attribution`) the
channel is what the introducer is: a natural person (社会引荐人), or the organisation of
that name in the graph — an intermediary by its type (招商代理公司, 异地商会, 驻外招商办事处 …),
a firm (以商招商), a fund (投资机构) — or an organisation the graph does not hold. The
ties are the relations the graph holds between that organisation and the investor
(会员, 供货, 任职 …; a person's ties are private and not looked up). A project counts as
signed when it reached 签约 on or before the day asked. The report is the basis for
tuning ``queries/ties.toml`` by evidence: a channel whose 备案 convert is worth more.

It also carries the record of our own channel actors — each 招商大使, 顾问, 代理机构
and 驻外办事处, each 委托招商 mandate against its targets, each trade fair's leads
(:mod:`queries.channel_actors`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from graph.ledger import Project
from graph.schema import NodeKind, RelKind
from graph.store import Store, nodes_by_id, relations_touching, scan_nodes
from queries.attribution import attribution
from queries.channel_actors import ActorReport, actor_report
from queries.types import _Result

#: Intermediary types as an officer names the channel.
INTERMEDIARY_CHANNEL = {
    "agency": "招商代理公司",
    "chamber": "异地商会",
    "association": "行业协会",
    "consultancy": "咨询机构",
    "bank": "银行",
    "office": "驻外招商办事处",
    "institute": "研究机构",
}
PERSON = "社会引荐人（个人）"
UNKNOWN = "其他机构（图谱中未收录）"
#: Tie kinds between an introducing organisation and the investor, in words.
TIE_ZH = {
    RelKind.OWNS.value: "持股",
    RelKind.CONTROLS.value: "实际控制",
    RelKind.PARENT_OF.value: "母子公司",
    RelKind.OFFICER_OF.value: "任职",
    RelKind.INVESTED_IN.value: "投资",
    RelKind.LP_IN.value: "有限合伙出资",
    RelKind.SUPPLIES.value: "供货",
    RelKind.PARTNERS_WITH.value: "合作",
    RelKind.ACQUIRED.value: "收购",
    RelKind.MEMBER_OF.value: "会员",
    RelKind.KNOWS.value: "相识",
    RelKind.SERVES.value: "服务",
    RelKind.CONTACTED.value: "走访",
}
_PCT = Decimal("0.1")


class ChannelRow(_Result):
    """One channel: winning 备案, how many signed, the rate (%), the signed amount (元)."""

    channel: str
    filings: int
    signed: int
    rate_pct: Decimal
    signed_yuan: Decimal
    ties: dict[str, int]


class ChannelReport(_Result):
    """Channels, most signed first (then most 备案, then name)."""

    as_of: dt.date
    rows: list[ChannelRow]
    rule: str
    own: ActorReport


def _organisation(store: Store, name: str) -> dict[str, Any] | None:
    """The one firm, fund or intermediary of the graph with this name (None: none or several)."""
    lookup = getattr(store, "find_by_key", None)
    kinds = {NodeKind.COMPANY.value, NodeKind.FUND.value, NodeKind.INTERMEDIARY.value}
    if lookup is not None:
        ids = set(lookup(name))
    else:
        ids = {
            d["id"] for d in scan_nodes(store, [NodeKind(k) for k in kinds]) if d["name"] == name
        }
    found = [d for d in nodes_by_id(store, ids).values() if d["kind"] in kinds]
    return found[0] if len(found) == 1 else None


def _channel(node: dict[str, Any] | None) -> str:
    if node is None:
        return UNKNOWN
    if node["kind"] == NodeKind.INTERMEDIARY.value:
        return INTERMEDIARY_CHANNEL.get(node.get("intermediary_type") or "", "中介机构")
    return "投资机构" if node["kind"] == NodeKind.FUND.value else "企业（以商招商）"


def channel_report(store: Store, as_of: dt.date) -> ChannelReport:
    """Winning 备案 and signed projects by channel, on ``as_of``.

    Returns
    -------
    ChannelReport
        Counts per channel; ``rate_pct`` = signed ÷ 备案 × 100, one decimal, half up;
        ``signed_yuan`` the exact sum of the signed projects' 签约金额 (元); ``ties``
        counts the winning 备案 whose organisation has that tie with the investor;
        ``own`` our channel actors, mandates and fairs
        (:func:`queries.channel_actors.actor_report`).
    """
    won = [f for f in attribution(store, as_of).filings if f.status == "领先" and f.project_id]
    intros = nodes_by_id(store, [f.introduction_id for f in won])
    projects = nodes_by_id(store, [f.project_id for f in won if f.project_id])
    filings: Counter[str] = Counter()
    signed: Counter[str] = Counter()
    amount: dict[str, Decimal] = defaultdict(Decimal)
    ties: dict[str, Counter[str]] = defaultdict(Counter)
    for f in won:
        node = None if f.introducer_is_person else _organisation(store, f.introducer)
        channel = PERSON if f.introducer_is_person else _channel(node)
        filings[channel] += 1
        project = Project.model_validate(projects[str(f.project_id)])
        day = project.signed_on()
        if day is not None and day <= as_of:
            signed[channel] += 1
            amount[channel] += project.amount_yuan or Decimal(0)
        investor = intros.get(f.introduction_id, {}).get("investor_id") or project.investor_id
        if node is not None and investor:
            kinds = {
                r["kind"]
                for r in relations_touching(store, [node["id"]], [RelKind(k) for k in TIE_ZH])
                if {r["src"], r["dst"]} == {node["id"], investor}
            }
            ties[channel].update(TIE_ZH[k] for k in kinds)
    rows = [
        ChannelRow(
            channel=c,
            filings=n,
            signed=signed[c],
            rate_pct=(Decimal(signed[c] * 100) / n).quantize(_PCT, rounding=ROUND_HALF_UP),
            signed_yuan=amount[c],
            ties=dict(sorted(ties[c].items())),
        )
        for c, n in filings.items()
    ]
    rows.sort(key=lambda r: (-r.signed, -r.filings, r.channel))
    rule = (
        "每个项目按最先有效备案计一次；签约 = 截至当日已到签约或之后阶段；转化率 = 签约数 ÷ 备案数"
    )
    return ChannelReport(as_of=as_of, rows=rows, rule=rule, own=actor_report(store, as_of))
