"""The scoring factors of a target firm, each in [0, 1] with its evidence.

Every factor follows one rule (the published 招商 rubric's): a factor without evidence
scores 0 and its evidence is :data:`NO_DATA`, never a guess. Evidence strings cite
what counted: industry codes, product names with revenue shares, ranking lists,
relation ids with their source (``dataset/file:row``) and dates.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from graph.figures import figures_of, money_text
from graph.schema import RelKind
from queries.profile import ScoringProfile
from queries.types import Factor

NO_DATA = "无数据"

#: Relation kinds whose other end, when on our side, is local affinity.
AFFINITY_KINDS = frozenset(
    {RelKind.SUPPLIES.value, RelKind.PARTNERS_WITH.value, RelKind.INVESTED_IN.value}
    | {RelKind.OWNS.value}
)
_AFFINITY_ZH = {
    "SUPPLIES": ("向其供货", "为其供货"),  # (other → firm, firm → other)
    "PARTNERS_WITH": ("合作", "合作"),
    "INVESTED_IN": ("投资该企业", "被该企业投资"),
    "OWNS": ("持有该企业", "被该企业持有"),
}
_SIGNAL_ZH = {
    "invested": "对外投资",
    "joint_venture": "合资",
    "new_subsidiary": "控股/新设子公司",
    "acquisition": "并购",
}


@dataclass
class Candidate:
    """What links one firm to a cluster, collected in one pass over the store.

    Attributes
    ----------
    industries : dict of str to str
        Industry id → ``"core"`` or ``"related"``.
    products : dict of str to (float, str, str)
        Segment product id → (revenue share, role, product actually made).
    ties : list of (dict, str)
        Stored affinity relations (:data:`AFFINITY_KINDS`) and the other end.
    events : list of (str, dict)
        Signal kind (profile key) and the stored relation, dated or not.
    """

    industries: dict[str, str] = field(default_factory=dict)
    products: dict[str, tuple[float, str, str]] = field(default_factory=dict)
    ties: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def signal_kind(rel: Mapping[str, Any], company: str) -> str | None:
    """The signal a relation is for ``company`` (a profile key), or None.

    Examples
    --------
    >>> signal_kind({"kind": "PARTNERS_WITH", "label": "合资", "src": "b", "dst": "a"}, "a")
    'joint_venture'
    >>> signal_kind({"kind": "INVESTED_IN", "src": "b", "dst": "a"}, "a") is None
    True
    """
    kind, src = rel["kind"], rel["src"]
    if kind == RelKind.PARTNERS_WITH.value and rel.get("label") == "合资":
        return "joint_venture"
    if src != company:
        return None
    return {
        RelKind.INVESTED_IN.value: "invested",
        RelKind.PARENT_OF.value: "new_subsidiary",
        RelKind.ACQUIRED.value: "acquisition",
    }.get(kind)


def cite(rel: Mapping[str, Any]) -> str:
    """``relation id @ dataset/file:row`` of a stored relation (its first source)."""
    src = rel["sources"][0]
    return f"{rel['id']} @ {src['dataset']}/{src['file']}:{src['row']}"


def factor(name: str, value: float, evidence: str, weights: Mapping[str, float]) -> Factor:
    """Build a :class:`Factor`: value rounded to 4 decimals, contribution = value × weight."""
    value = round(min(1.0, max(0.0, value)), 4)
    weight = weights[name]
    return Factor(
        name=name,
        value=value,
        weight=weight,
        contribution=round(value * weight, 4),
        evidence=evidence,
    )


def chain_fit(
    cand: Candidate,
    names: Mapping[str, str],
    codes: Mapping[str, str],
    gaps: set[str],
    p: ScoringProfile,
) -> tuple[float, str]:
    """Industry fit or product fit, whichever is larger, plus the gap bonus.

    Product fit = Σ revenue share in cluster products + ``adjacent`` × Σ share in
    upstream/downstream segments, capped at 1.
    """
    parts: list[str] = []
    for ind, level in sorted(cand.industries.items()):
        label = "核心行业" if level == "core" else "相关行业"
        parts.append(f"{label} {names[ind]} ({codes.get(ind, ind)})")
    for seg, (w, role, made) in sorted(cand.products.items()):
        where = {"cluster": "集群产品", "upstream": "上游", "downstream": "下游"}[role]
        alias = "" if made == seg else f"（{names[made]}）"
        parts.append(f"{where} {names[seg]}{alias} 占营收 {w:.1%}")
    value = chain_fit_value(cand, gaps, p)
    filled = sorted(names[g] for g in gaps & set(cand.products))
    if filled and max(industry_fit(cand, p), product_fit(cand, p)) > 0:
        parts.append(f"填补缺口 {'、'.join(filled)} +{p.gap_bonus:g}")
    return value, "；".join(parts) or NO_DATA


def industry_fit(cand: Candidate, p: ScoringProfile) -> float:
    """``core`` when the firm is in a core industry, else ``related`` when in a related
    one, else 0."""
    fit = 0.0
    for level in cand.industries.values():
        fit = max(fit, p.core if level == "core" else p.related)
    return fit


def product_fit(cand: Candidate, p: ScoringProfile) -> float:
    """Σ share in cluster products + ``adjacent`` × Σ share in neighbours, capped at 1."""
    own = sum(w for w, role, _ in cand.products.values() if role == "cluster")
    near = sum(w for w, role, _ in cand.products.values() if role != "cluster")
    return min(1.0, own + p.adjacent * near)


def chain_fit_value(cand: Candidate, gaps: set[str], p: ScoringProfile) -> float:
    """The value of :func:`chain_fit` alone (no evidence text), for scoring many firms."""
    value = max(industry_fit(cand, p), product_fit(cand, p))
    if value > 0 and gaps.intersection(cand.products):
        value = min(1.0, value + p.gap_bonus)
    return value


def chain_fit_values(cands: Iterable[Candidate], gaps: set[str], p: ScoringProfile) -> list[float]:
    """:func:`chain_fit_value` of many firms; a firm without products (most of them) is
    looked up by the levels of its industries instead of computed."""
    by_levels = {
        (core, related): max(
            0.0, p.core if core else 0.0, p.related if related else 0.0, product_fit(Candidate(), p)
        )
        for core in (False, True)
        for related in (False, True)
    }
    out = []
    for cand in cands:
        if cand.products:
            out.append(chain_fit_value(cand, gaps, p))
        else:
            levels = cand.industries.values()
            out.append(by_levels["core" in levels, "related" in levels])
    return out


def scale(company: Mapping[str, Any], p: ScoringProfile) -> tuple[float, str]:
    """Best list rank score ``1 − (r − 1) / size``, or the revenue's log score.

    The evidence prints each rank and revenue from the firm's stored figures
    (:class:`graph.figures.Figure`: source value, unit and row beside the converted
    amount, 1 亿 = 10^8); a rank stored without a figure is printed with its list only.
    """
    best, parts = 0.0, []
    stored = company.get("figures", [])
    cited = {f.label: f for f in figures_of(stored, "rank")}
    for name, rank in sorted(company.get("rankings", {}).items()):
        size = p.list_sizes.get(name)
        if size:
            best = max(best, max(0.0, 1.0 - (rank - 1) / size))
            fig = cited.get(name)
            parts.append(fig.text() if fig and fig.value == str(rank) else f"{name} 第 {rank} 名")
    revenue = company.get("revenue_usd")
    if revenue:
        span = math.log10(p.revenue_cap / p.revenue_floor)
        score = min(1.0, max(0.0, math.log10(max(revenue, 1.0) / p.revenue_floor) / span))
        best = max(best, score)
    shown = figures_of(stored, "revenue")
    parts += [f.text() for f in shown]
    if revenue and not shown:
        parts.append(f"营收 {money_text(Decimal(repr(revenue)), '美元')}")
    return best, "；".join(parts) or NO_DATA


def local_affinity(
    cand: Candidate, ours: frozenset[str], names: Mapping[str, str], p: ScoringProfile
) -> tuple[float, str]:
    """``min(1, k / saturation)`` for k distinct our-side tie neighbours.

    With ties but none local the value is 0 with that fact as evidence; without any
    tie of these kinds it is 0 and "no data".
    """
    if not cand.ties:
        return 0.0, NO_DATA
    local: dict[str, list[str]] = {}
    for rel, other in sorted(cand.ties, key=lambda t: t[0]["id"]):
        if other in ours:
            zh = _AFFINITY_ZH[rel["kind"]][0 if rel["dst"] != other else 1]
            local.setdefault(other, []).append(f"{names.get(other, other)} {zh}（{cite(rel)}）")
    others = {other for _, other in cand.ties}
    if not local:
        return 0.0, f"业务关联方 {len(others)} 家，均非本地"
    value = min(1.0, len(local) / p.saturation)
    head = f"本地关联方 {len(local)}/{len(others)} 家："
    return value, head + "；".join(e for k in sorted(local) for e in local[k])


def signals(
    cand: Candidate, as_of: dt.date, names: Mapping[str, str], p: ScoringProfile, company: str
) -> tuple[float, str]:
    """Σ points of events dated in ``(as_of − window_days, as_of]``, capped at 1."""
    start = as_of - dt.timedelta(days=p.window_days)
    total, parts = 0.0, []
    for kind, rel in sorted(cand.events, key=lambda e: (e[1].get("since") or "", e[1]["id"])):
        since = rel.get("since")
        if not since or not start < dt.date.fromisoformat(since) <= as_of:
            continue
        total += p.points[kind]
        other = rel["dst"] if rel["src"] == company else rel["src"]
        zh = _SIGNAL_ZH[kind]
        parts.append(f"{since} {zh} {names.get(other, other)} +{p.points[kind]:g}（{cite(rel)}）")
    if not parts:
        return 0.0, NO_DATA
    return min(1.0, total), "；".join(parts)


def strategic_tags(company: Mapping[str, Any], p: ScoringProfile) -> tuple[float, str]:
    """The largest value of the firm's tags found in the profile (exact tag match)."""
    found = sorted((t for t in company.get("tags", []) if t in p.tags), key=lambda t: -p.tags[t])
    if not found:
        return 0.0, NO_DATA
    src = company["sources"][0]
    where = f"{src['dataset']}/{src['file']}:{src['row']}"
    return p.tags[found[0]], "标签 " + "、".join(found) + f"（{where}）"
