"""Cluster target lists: which non-local firms should cluster Y pursue?

Candidates are companies outside the home region linked to the cluster's industries
(IN_INDUSTRY, descendants included) or products (MAKES). Each gets three factors in
[0, 1] — chain fit, scale, reachability — weighted by a scoring profile
(``queries/scoring.toml``); a factor without evidence is 0 and says "no data".
"""

from __future__ import annotations

import math
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import SchemaError
from graph.schema import NodeKind, RelKind
from graph.store import Store
from queries.clusters import ClusterDef, industry_closure, product_ids
from queries.paths import SearchContext, best_from_our_side, explain_path
from queries.types import Factor, TargetList, TargetRow

NO_DATA = "no data"


@dataclass(frozen=True)
class ScoringProfile:
    """Factor weights and their parameters (see ``queries/scoring.toml``)."""

    weights: dict[str, float]
    core: float
    related: float
    list_sizes: dict[str, int]

    @classmethod
    def load(cls, path: Path | None = None) -> ScoringProfile:
        """Read a profile file (TOML); None reads the shipped default.

        Raises
        ------
        SchemaError
            When a weight is missing or negative, or all weights are 0.
        """
        text = (
            (Path(__file__).parent / "scoring.toml").read_text("utf-8")
            if path is None
            else path.read_text("utf-8")
        )
        try:
            raw = tomllib.loads(text)
            weights = {k: float(raw["weights"][k]) for k in ("chain_fit", "scale", "reachability")}
            profile = cls(
                weights=weights,
                core=float(raw["chain_fit"]["core"]),
                related=float(raw["chain_fit"]["related"]),
                list_sizes={str(k): int(v) for k, v in raw["scale"].items()},
            )
        except (KeyError, ValueError, tomllib.TOMLDecodeError) as exc:
            raise SchemaError(f"scoring profile {path or 'default'}: {exc}") from exc
        if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
            raise SchemaError(f"scoring profile {path or 'default'}: weights must be >= 0")
        return profile


@dataclass
class _Candidate:
    industries: dict[str, str] = field(default_factory=dict)  # industry id -> core/related
    products: dict[str, float] = field(default_factory=dict)  # product id -> revenue share


def _candidates(
    store: Store, cluster: ClusterDef
) -> tuple[dict[str, _Candidate], dict[str, dict[str, Any]]]:
    core, related = industry_closure(store, cluster)
    products = product_ids(store, cluster)
    found: dict[str, _Candidate] = defaultdict(_Candidate)
    for rel in store.raw_relations():
        kind, dst = rel["kind"], rel["dst"]
        if kind == RelKind.IN_INDUSTRY.value and (dst in core or dst in related):
            found[rel["src"]].industries[dst] = "core" if dst in core else "related"
        elif kind == RelKind.MAKES.value and dst in products:
            found[rel["src"]].products[dst] = float(rel.get("weight") or 0.0)
    nodes = {
        d["id"]: d
        for d in store.raw_nodes()
        if d["id"] in found or d["kind"] in (NodeKind.INDUSTRY.value, NodeKind.PRODUCT.value)
    }
    companies = {c: v for c, v in found.items() if nodes[c]["kind"] == NodeKind.COMPANY.value}
    return companies, nodes


def _chain_fit(cand: _Candidate, nodes: dict[str, dict[str, Any]], p: ScoringProfile) -> Factor:
    parts: list[str] = []
    industry_fit = 0.0
    for ind, level in sorted(cand.industries.items()):
        industry_fit = max(industry_fit, p.core if level == "core" else p.related)
        label = "核心行业" if level == "core" else "相关行业"
        parts.append(f"{label} {nodes[ind]['name']} ({nodes[ind].get('code', ind)})")
    share = min(1.0, sum(cand.products.values()))
    if cand.products:
        names = "、".join(nodes[pid]["name"] for pid in sorted(cand.products))
        parts.append(f"主营 {names} 占营收 {share:.1%}")
    value = max(industry_fit, share)
    return _factor("chain_fit", value, p, "；".join(parts) if parts else NO_DATA)


def _scale(company: dict[str, Any], p: ScoringProfile) -> Factor:
    best, parts = 0.0, []
    for name, rank in sorted(company.get("rankings", {}).items()):
        size = p.list_sizes.get(name)
        if size:
            best = max(best, max(0.0, 1.0 - (rank - 1) / size))
            parts.append(f"{name} 第 {rank} 名")
    return _factor("scale", best, p, "；".join(parts) if parts else NO_DATA)


def _factor(name: str, value: float, p: ScoringProfile, evidence: str) -> Factor:
    value = round(value, 4)
    weight = p.weights[name] / sum(p.weights.values())
    return Factor(
        name=name,
        value=value,
        weight=round(weight, 4),
        contribution=round(value * weight, 4),
        evidence=evidence,
    )


def _people(nodes: list[str], ctx: SearchContext) -> list[str]:
    return [ctx.graph.names[n] for n in nodes if ctx.graph.kinds[n] == NodeKind.PERSON.value]


def target_list(
    store: Store,
    cluster: ClusterDef,
    home: str,
    n: int = 50,
    profile: ScoringProfile | None = None,
    context: SearchContext | None = None,
    max_hops: int = 4,
) -> TargetList:
    """Rank the non-local firms a cluster should pursue.

    Parameters
    ----------
    cluster : ClusterDef
        From :func:`queries.clusters.read_clusters`.
    home : str
        GB/T 2260 code prefix of the home region; firms registered there are excluded.
    n : int >= 0
        Rows returned (0: all candidates).
    profile : ScoringProfile, optional
        Weights; the shipped default when omitted.
    max_hops : int >= 1
        Longest referral path counted for reachability.

    Returns
    -------
    TargetList
        Rows in total order: score desc, then company id asc; ``rank`` from 1. Each row
        has every factor with value, normalised weight, contribution and evidence, and
        the best introducer with its explained path (None when unreachable).
    """
    profile = profile or ScoringProfile.load()
    ctx = context or SearchContext.build(store, home)
    cands, nodes = _candidates(store, cluster)
    reach = best_from_our_side(ctx, max_hops)
    scored: list[tuple[float, str, list[Factor]]] = []
    for cid, cand in cands.items():
        company = nodes[cid]
        if str(company.get("region_code") or "").startswith(home):
            continue
        factors = [_chain_fit(cand, nodes, profile), _scale(company, profile)]
        if cid in reach:
            cost, walk = reach[cid]
            strength = math.exp(-cost)
            via = ctx.graph.names[walk[0]]
            evidence = f"最佳路径强度 {strength:.3f}（{len(walk) - 1} 跳，经 {via}）"
            factors.append(_factor("reachability", strength, profile, evidence))
        else:
            factors.append(_factor("reachability", 0.0, profile, NO_DATA))
        score = round(sum(f.contribution for f in factors), 4)
        scored.append((score, cid, factors))
    scored.sort(key=lambda t: (-t[0], t[1]))
    total = sum(profile.weights.values())
    rows: list[TargetRow] = []
    for rank, (score, cid, factors) in enumerate(scored[: n or None], start=1):
        company = nodes[cid]
        path = None
        if cid in reach:
            path = explain_path(store, ctx, reach[cid][0], reach[cid][1])
        rows.append(
            TargetRow(
                rank=rank,
                company=cid,
                name=company["name"],
                stock_codes=company.get("stock_codes", []),
                province=company.get("province"),
                score=score,
                factors=factors,
                introducer=path.introducer if path else None,
                introducer_name=path.introducer_name if path else None,
                path_strength=path.strength if path else None,
                path=" → ".join(h.sentence for h in path.hops) if path else None,
                path_people=_people(path.nodes, ctx) if path else [],
            )
        )
    return TargetList(
        cluster=cluster.name,
        home_region=home,
        weights={k: round(v / total, 4) for k, v in profile.weights.items()},
        candidates=len(scored),
        rows=rows,
    )
