"""One Chinese sentence per referral hop, with its evidence.

Example: ``"张三 任 山推工程机械股份有限公司 的董事"`` then
``"张三 同时任 三一重工股份有限公司 的独立董事"``.
"""

from __future__ import annotations

from collections.abc import Mapping

from graph.schema import Relation, RelKind


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
    if kind is RelKind.OFFICER_OF:
        same_person = (
            previous is not None and previous.kind is RelKind.OFFICER_OF and previous.src == rel.src
        )
        text = f"{a} {'同时任' if same_person else '任'} {b} 的{_roles(rel)}"
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
    elif kind is RelKind.PARTNERS_WITH:
        text = f"{a} 与 {b} {rel.label or '合作'}"
    elif kind is RelKind.ACQUIRED:
        text = f"{a} 收购了 {b}"
    elif kind is RelKind.MEMBER_OF:
        text = f"{a} 是 {b} 的会员单位"
    elif kind is RelKind.KNOWS:
        text = f"{a} 与 {b} 是{rel.label or '熟人'}"
    elif kind is RelKind.SERVES:
        text = f"{a} 服务于 {b}"
    elif kind is RelKind.ENGAGED_BY:
        text = f"{a} 受聘于 {b}"
    elif kind is RelKind.CONTACTED:
        text = f"{a} 曾接洽 {b}"
    else:
        text = f"{a} —{kind.value}→ {b}"
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
    return text
