"""One Chinese sentence per referral hop, with its evidence.

Example: ``"张三 2018 年时任 山推工程机械股份有限公司 的董事"`` then ``"张三 2018 年时同时任
三一重工股份有限公司 的独立董事"``; ``"截至 2025 年，国务院国资委 是 中国石化 的实际控制人"``;
``"2025 年 7 月，北汽 与 时代智能 合作"``: every dated tie says when it held.
"""

from __future__ import annotations

from collections.abc import Mapping

from graph.schema import NodeKind, Relation, RelKind

#: Relation kinds whose ``since`` is the date of an event (a deal, an order, a report).
EVENT_KINDS = frozenset(
    {RelKind.INVESTED_IN, RelKind.ACQUIRED, RelKind.PARTNERS_WITH, RelKind.SUPPLIES}
    | {RelKind.CONTACTED, RelKind.LP_IN}
)


def when(rel: Relation) -> str:
    """When the tie held, as the sentence's opening words ("" for an undated tie).

    An event by its month (``2025 年 5 月``); a state (an office, control, a stake) from
    its start (``2021 年起``), to its end (``至 2019 年为止``) or as a source saw it
    (``截至 2025 年``).

    Examples
    --------
    >>> import datetime as dt
    >>> from graph.schema import Source
    >>> src = [Source(dataset="x", file="y", row=1)]
    >>> ctl = Relation(id="r", kind="CONTROLS", src="p", dst="f", sources=src,
    ...                as_of=dt.date(2025, 11, 28))
    >>> when(ctl)
    '截至 2025 年'
    >>> when(ctl.model_copy(update={"since": dt.date(2021, 3, 1), "as_of": None}))
    '2021 年起'
    """
    if rel.kind in EVENT_KINDS and rel.since:
        return f"{rel.since.year} 年 {rel.since.month} 月"
    if rel.until:
        return f"至 {rel.until.year} 年为止"
    if rel.as_of:  # seen then (a report's ``since`` is not the start of a state)
        return f"截至 {rel.as_of.year} 年"
    if rel.since:
        return f"{rel.since.year} 年起"
    return ""


def _office(rel: Relation) -> str:
    """The time words of an office: 2018 年时任 / 2021 年起任 / 曾任 …（至 2019 年）."""
    if rel.until:
        return "曾任"
    if rel.as_of:
        return f"{rel.as_of.year} 年时任"
    if rel.since:
        return f"{rel.since.year} 年起任"
    return "任"


def _roles(rel: Relation) -> str:
    return "、".join(rel.roles) if rel.roles else (rel.label or "任职人员")


def relation_sentence(
    rel: Relation, names: Mapping[str, str], previous: Relation | None = None
) -> str:
    """Describe one relation in Chinese, in the relation's stored direction.

    Parameters
    ----------
    rel : Relation
        The relation walked.
    names : dict of str to str
        Node id → display name.
    previous : Relation, optional
        The relation of the previous hop; two OFFICER_OF hops through one person read
        "… 同时任 …".

    Returns
    -------
    str
        The sentence, followed by its evidence in brackets (source citations and date).
    """
    a, b = names.get(rel.src, rel.src), names.get(rel.dst, rel.dst)
    kind = rel.kind
    time = when(rel)
    if kind is RelKind.OFFICER_OF:
        # "同时" only for two seats seen at one time (one as-of year, both current)
        office = _office(rel)
        same_person = (
            previous is not None
            and previous.kind is RelKind.OFFICER_OF
            and previous.src == rel.src
            and office.endswith("年时任")
            and _office(previous) == office
        )
        previous = previous if previous is not None and previous.src == rel.src else None
        if same_person:
            office = office.replace("时任", "时同时任")
        elif office == "任" and previous is not None and previous.kind is RelKind.OFFICER_OF:
            office = "亦任" if previous.src == rel.src else office  # undated: no "同时"
        ended = f"（至 {rel.until.year} 年）" if rel.until else ""
        text = f"{a} {office} {b} 的{_roles(rel)}{ended}"
    elif kind is RelKind.CONTROLS:
        text = f"{a} 是 {b} 的实际控制人"
    elif kind is RelKind.PARENT_OF:
        text = f"{a} 是 {b} 的母公司"
    elif kind is RelKind.BRANCH_OF:
        text = f"{a} 是 {b} 的分支机构"
    elif kind is RelKind.OWNS:
        stake = f" {rel.share_pct:g}% 股份" if rel.share_pct is not None else "股份"
        text = f"{a} 持有 {b}{stake}"
    elif kind is RelKind.INVESTED_IN:
        text = f"{a} 投资了 {b}"
    elif kind is RelKind.LP_IN:
        text = f"{a} 是 {b} 的有限合伙人"
    elif kind is RelKind.SUPPLIES:
        text = f"{a} 向 {b} 供应{rel.product or '产品'}"
    elif kind is RelKind.PARTNERS_WITH and rel.label == "新闻提及合作":
        text = f"新闻提及 {a} 与 {b} 合作"  # a co-mention, not a known agreement
    elif kind is RelKind.PARTNERS_WITH:
        text = f"{a} 与 {b} {rel.label or '合作'}"
    elif kind is RelKind.ACQUIRED:
        text = f"{a} 收购了 {b}"
    elif kind is RelKind.MEMBER_OF:
        text = f"{a} 是 {b} 的会员单位"
    elif kind is RelKind.KNOWS and _is_person(rel.src) != _is_person(rel.dst):
        person, firm = (a, b) if _is_person(rel.src) else (b, a)
        how = f"（{rel.label}）" if rel.label and rel.label != "认识" else ""
        text = f"{person} 认识 {firm} 的人{how}"  # "knows someone at" a firm
    elif kind is RelKind.KNOWS:
        text = f"{a} 与 {b} 是{rel.label or '熟人'}"
    elif kind is RelKind.SERVES:
        text = f"{a} 服务于 {b}"
    elif kind is RelKind.ENGAGED_BY:
        text = f"{a} 受聘于 {b}"
    elif kind is RelKind.CONTACTED:
        text = f"{a} 曾接洽 {b}"
    elif kind is RelKind.COVERS:
        text = f"{a} 负责联系 {b}"
    elif kind is RelKind.LEAD_OF:
        text = f"{b} 是展会线索（{a}）"
    else:
        text = f"{a} —{kind.value}→ {b}"
    if time and kind is not RelKind.OFFICER_OF:
        text = f"{time}，{text}"
    return f"{text}（{evidence(rel)}）"


def evidence(rel: Relation, limit: int = 2) -> str:
    """Return "来源：… ；日期" for a relation: its first ``limit`` sources and dates."""
    cites = [s.cite() for s in rel.sources[:limit]]
    more = len(rel.sources) - limit
    text = "来源：" + "，".join(cites) + (f" 等 {len(rel.sources)} 处" if more > 0 else "")
    if rel.since and rel.until:
        text += f"；{rel.since} 至 {rel.until}"
    elif rel.since:
        text += f"；{rel.since}"
    elif rel.until:
        text += f"；至 {rel.until}"
    elif rel.as_of:
        text += f"；截至 {rel.as_of}"
    return text


def _is_person(node_id: str) -> bool:
    """Tell whether a node id is a person's (``Person:…``)."""
    return node_id.startswith(f"{NodeKind.PERSON.value}:")
