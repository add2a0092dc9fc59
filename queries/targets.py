"""Cluster target lists: which firms should cluster Y pursue, and which should expand here?

Candidates are companies linked to the cluster's industries (IN_INDUSTRY, descendants
included) or its chain (MAKES a cluster product, or a product one UPSTREAM_OF step up
or down from one, noise filtered: :mod:`queries.chain`). Non-local candidates are the
target list; candidates already in the home region form the separate "expand here"
(增资扩产) list. Each firm gets the six factors of :mod:`queries.factors`, weighted by
a scoring profile (``queries/scoring.toml``); a factor without evidence is 0 and says
"no data". Every candidate is scored at once on the search snapshot's arrays
(:mod:`queries.score_arrays`); relations, evidence and paths are read and built only
for the rows returned, by the per-firm functions of :mod:`queries.factors`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from graph.privacy import is_person
from graph.schema import NodeKind, RelKind
from graph.store import Store, nodes_by_id, relations_touching
from queries import factors as fx
from queries.chain import ChainIndex, Made, Segment, chain_segments
from queries.clusters import ClusterDef, industry_closure
from queries.factors import NO_DATA, Candidate
from queries.paths import SearchContext, explain_path
from queries.profile import FACTORS, ScoringProfile
from queries.reach import BestPaths, best_from_our_side
from queries.score_arrays import DELISTED_FLAG, SCALE_FLAG, TAGS_FLAG, score_candidates
from queries.snapshot import ACTOR_KINDS
from queries.types import Factor, TargetList, TargetRow

__all__ = ["NO_DATA", "ScoringProfile", "TargetList", "Universe", "build_universe", "target_list"]

_EXPAND = tuple(f for f in FACTORS if f != "reachability")  # the expand-here factors
_SIGNAL_RELS = {
    RelKind.INVESTED_IN.value,
    RelKind.PARTNERS_WITH.value,
    RelKind.PARENT_OF.value,
    RelKind.ACQUIRED.value,
}


@dataclass
class Universe:
    """Everything a cluster's scoring needs, read from the store once.

    Attributes
    ----------
    candidates : dict of str to Candidate
        Company id → its links to the cluster (local firms included).
    nodes : dict of str to dict
        Stored dicts of the candidates, the segments' makers (news members included),
        their tie and signal partners, the cluster's industries and the segments'
        products (with their synonyms and subclasses).
    segments : list of Segment
        The cluster's chain (:func:`queries.chain.chain_segments`).
    index : ChainIndex
        Makers and product links.
    gaps : set of str
        Segment product ids with makers elsewhere and none local.
    names, codes : dict of str to str
        Node id → name; industry id → code.
    """

    candidates: dict[str, Candidate]
    nodes: dict[str, dict[str, Any]]
    segments: list[Segment]
    index: ChainIndex
    gaps: set[str]
    names: dict[str, str]
    codes: dict[str, str]

    def is_local(self, company: str, home: str) -> bool:
        """True when the company's region code starts with ``home``."""
        return str(self.nodes.get(company, {}).get("region_code") or "").startswith(home)


@dataclass
class _Links:
    """A cluster's chain and its candidates' links into it (no relations around them)."""

    index: ChainIndex
    segments: list[Segment]
    found: dict[str, Candidate]
    classes: set[str]
    makers: dict[str, dict[str, Made]]


def _chain_links(store: Store, cluster: ClusterDef, profile: ScoringProfile) -> _Links:
    """Read the chain's products and the IN_INDUSTRY and MAKES relations into them and
    into the cluster's industries: every candidate with its industries and products."""
    index = ChainIndex.build(store)
    segments = chain_segments(store, cluster, index, profile.min_makers)
    segment_of: dict[str, tuple[str, str]] = {}  # made product → (segment, role)
    families = index.families(seg.product for seg in segments)
    for seg in reversed(segments):  # earlier (cluster) segments win a shared subclass
        for pid in families[seg.product]:
            segment_of[pid] = (seg.product, seg.role)
    core, related = industry_closure(store, cluster)
    found: dict[str, Candidate] = defaultdict(Candidate)
    classes = set(segment_of) | core | related
    # the links into the chain's products and the cluster's industries, in id order
    in_industry, makes = RelKind.IN_INDUSTRY.value, RelKind.MAKES.value
    for rel in relations_touching(store, classes, [RelKind.IN_INDUSTRY, RelKind.MAKES]):
        kind, src, dst = rel["kind"], rel["src"], rel["dst"]
        if kind == in_industry and (dst in core or dst in related):
            found[src].industries[dst] = "core" if dst in core else "related"
        elif kind == makes and dst in segment_of and rel.get("weight") is not None:
            # a news membership (no revenue share) covers a segment but makes no candidate
            seg_id, role = segment_of[dst]
            share = float(rel.get("weight") or 0.0)
            old = found[src].products.get(seg_id)
            if old is None or share > old[0]:
                found[src].products[seg_id] = (share, role, dst)
    makers = {seg.product: index.makers(seg.product) for seg in segments}
    return _Links(index, segments, dict(found), classes, makers)


def build_universe(
    store: Store, cluster: ClusterDef, home: str, profile: ScoringProfile
) -> Universe:
    """Collect a cluster's candidates, chain and gaps.

    Reads the chain's products (:class:`queries.chain.ChainIndex`, lazily), the
    IN_INDUSTRY and MAKES relations into them and into the cluster's industries, then
    only the affinity and signal relations touching a candidate (endpoint indexes),
    then the nodes it needs: never a scan of every relation or product.
    """
    return _around(store, _chain_links(store, cluster, profile), home, None)


def _around(store: Store, links: _Links, home: str, only: set[str] | None) -> Universe:
    """The universe of the candidates among ``only`` (None: all): their affinity and
    signal relations and the nodes they name, the chain and its gaps."""
    found = {
        cid: Candidate(cand.industries, cand.products)
        for cid, cand in links.found.items()
        if only is None or cid in only
    }
    ties: dict[str, list[tuple[dict[str, Any], str]]] = defaultdict(list)
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    around = sorted({RelKind(k) for k in fx.AFFINITY_KINDS} | {RelKind(k) for k in _SIGNAL_RELS})
    for rel in relations_touching(store, found, around):
        kind, src, dst = rel["kind"], rel["src"], rel["dst"]
        if rel.get("private") or src == dst:
            continue
        if kind in fx.AFFINITY_KINDS:
            ties[src].append((rel, dst))
            ties[dst].append((rel, src))
        if kind in _SIGNAL_RELS:
            events[src].append(rel)
            events[dst].append(rel)
    makers = links.makers
    wanted = set(found) | {c for m in makers.values() for c in m}  # news members too
    wanted |= {o for c in found for _, o in ties.get(c, ())}
    wanted |= {r["dst"] if r["src"] == c else r["src"] for c in found for r in events.get(c, ())}
    nodes = nodes_by_id(store, wanted | links.classes)
    candidates: dict[str, Candidate] = {}
    for cid, cand in found.items():
        if nodes.get(cid, {}).get("kind") != NodeKind.COMPANY.value:
            continue
        cand.ties = ties.get(cid, [])
        for rel in events.get(cid, []):
            sig = fx.signal_kind(rel, cid)
            if sig is not None:
                cand.events.append((sig, rel))
        candidates[cid] = cand
    names = {k: v["name"] for k, v in nodes.items()}
    codes = {k: v["code"] for k, v in nodes.items() if "code" in v}
    gaps = _gaps(links, nodes, home)
    return Universe(candidates, nodes, links.segments, links.index, gaps, names, codes)


def _gaps(links: _Links, nodes: dict[str, dict[str, Any]], home: str) -> set[str]:
    """Segment products with makers elsewhere and none local (``nodes``: the makers')."""
    gaps = set()
    for seg in links.segments:
        makers = links.makers[seg.product]
        local = [c for c in makers if _region(nodes, c).startswith(home)]
        elsewhere = [
            c for c in makers if _region(nodes, c) and not _region(nodes, c).startswith(home)
        ]
        if elsewhere and not local:
            gaps.add(seg.product)
    return gaps


def _region(nodes: dict[str, dict[str, Any]], company: str) -> str:
    return str(nodes.get(company, {}).get("region_code") or "")


def _people(nodes: list[str], ctx: SearchContext) -> list[str]:
    """Names of the people on a path: persons, and our 招商大使/顾问 (ledger channels)."""
    return [ctx.names[n] for n in nodes if ctx.kind(n) == NodeKind.PERSON.value or is_person(n)]


def _score(
    cid: str,
    cand: Candidate,
    u: Universe,
    ctx: SearchContext,
    reach: BestPaths | None,
    weights: dict[str, float],
    p: ScoringProfile,
    as_of: dt.date,
) -> list[Factor]:
    company, names = u.nodes[cid], u.names
    values: dict[str, tuple[float, str]] = {
        "chain_fit": fx.chain_fit(cand, names, u.codes, u.gaps, p),
        "scale": fx.scale(company, p),
        "local_affinity": fx.local_affinity(cand, ctx.ours, names, p),
        "signals": fx.signals(cand, as_of, names, p, cid),
        "strategic_tags": fx.strategic_tags(company, p),
    }
    if reach is not None:
        if cid in reach:
            cost, walk = reach[cid]
            strength = math.exp(-cost)
            via = ctx.names[walk[0]]
            word = ctx.model.word(strength)
            evidence = f"最佳路径强度 {strength:.3f}（{word}；{len(walk) - 1} 跳，经 {via}）"
            values["reachability"] = (strength, evidence)
        else:
            values["reachability"] = (0.0, NO_DATA)
    return [fx.factor(f, *values[f], weights) for f in FACTORS if f in weights]


def target_list(
    store: Store,
    cluster: ClusterDef,
    home: str,
    n: int = 50,
    profile: ScoringProfile | None = None,
    context: SearchContext | None = None,
    max_hops: int = 4,
    as_of: dt.date | None = None,
    universe: Universe | None = None,
) -> TargetList:
    """Rank the firms a cluster should pursue, and list those that could expand here.

    Parameters
    ----------
    cluster : ClusterDef
        From :func:`queries.clusters.read_clusters`.
    home : str
        GB/T 2260 code prefix of the home region; firms registered there go to
        ``expand_here`` instead of ``rows``.
    n : int >= 0
        Rows returned in each list (0: all candidates).
    profile : ScoringProfile, optional
        Weights and parameters; the shipped default when omitted.
    context : SearchContext, optional
        A prebuilt tie graph for ``home`` (reuse across clusters).
    max_hops : int >= 1
        Longest referral path counted for reachability.
    as_of : date, optional
        Reference date of the signals window (default: the context's ``as_of``).
    universe : Universe, optional
        Prebuilt by :func:`build_universe` (``chain_gaps`` shares it).

    Returns
    -------
    TargetList
        ``rows`` and ``expand_here`` in total order: score desc, then company id asc;
        ``rank`` from 1 in each. Each row has every factor with value, normalised
        weight, contribution and evidence; target rows also the best introducer with
        its explained path (None when unreachable). Firms tagged 已退市 (no 2025
        list holds them, :mod:`loaders.public.current`) are left out of both lists and
        named in ``delisted``.
    """
    profile = profile or ScoringProfile.load()
    ctx = context or SearchContext.build(store, home)
    as_of = as_of or ctx.as_of
    basis = universe if universe is not None else _chain_links(store, cluster, profile)
    if isinstance(basis, Universe):
        found, gaps, stored = basis.candidates, basis.gaps, basis.nodes
    else:
        found = basis.found
        stored = nodes_by_id(store, {c for m in basis.makers.values() for c in m})
        gaps = _gaps(basis, stored, home)
    reach = best_from_our_side(ctx, max_hops)
    weights = profile.normalised()
    expand_weights = profile.normalised(_EXPAND)
    away, local, delisted = _rank(store, ctx, found, gaps, stored, reach, profile, as_of, home)
    shown_away, shown_local = away[: n or None], local[: n or None]
    if isinstance(basis, Universe):
        u, names = basis, basis.names
    else:  # read the relations and nodes of the firms shown only
        u = _around(store, basis, home, set(shown_away) | set(shown_local))
        names = {c: d["name"] for c, d in nodes_by_id(store, delisted).items()}
    return TargetList(
        cluster=cluster.name,
        home_region=home,
        weights=weights,
        candidates=len(away),
        rows=_rows(store, ctx, u, shown_away, reach, weights, profile, as_of),
        as_of=as_of,
        local_candidates=len(local),
        expand_weights=expand_weights,
        expand_here=_rows(store, ctx, u, shown_local, None, expand_weights, profile, as_of),
        delisted=[names.get(c, c) for c in sorted(delisted)],
    )


def _rank(
    store: Store,
    ctx: SearchContext,
    found: dict[str, Candidate],
    gaps: set[str],
    stored: dict[str, dict[str, Any]],
    reach: BestPaths,
    p: ScoringProfile,
    as_of: dt.date,
    home: str,
) -> tuple[list[str], list[str], list[str]]:
    """Score every candidate on the snapshot's arrays (:mod:`queries.score_arrays`).

    Returns
    -------
    (away, local, delisted) : lists of company ids
        Non-local and local companies each in total order (score desc, id asc), and
        the delisted ones (id order); candidates that are no company are left out.
    """
    snap = ctx.snapshot
    ids = sorted(found)
    pos = snap.ids.positions_of(ids)
    keep = np.flatnonzero(pos >= 0)
    keep = keep[np.asarray(snap.kinds)[pos[keep]] == ACTOR_KINDS.index(NodeKind.COMPANY)]
    ids, pos = [ids[j] for j in keep.tolist()], pos[keep]
    flags = np.asarray(snap.score_flags)[pos]
    out = (flags & DELISTED_FLAG) != 0
    local = snap.region.startswith(home, pos)
    chain = np.asarray(fx.chain_fit_values((found[c] for c in ids), gaps, p), dtype=np.float64)
    flagged = np.flatnonzero(flags & (SCALE_FLAG | TAGS_FLAG)).tolist()
    stored = {**stored, **nodes_by_id(store, {ids[j] for j in flagged} - set(stored))}
    lists: list[list[str]] = []
    for sel, on_reach in ((~out & ~local, True), (~out & local, False)):
        which = np.flatnonzero(sel)
        weights = p.normalised() if on_reach else p.normalised(_EXPAND)
        scores = score_candidates(
            snap,
            pos[which],
            chain[which],
            reach.arrays(pos[which]) if on_reach else None,
            np.asarray(ctx.arrays.ours, dtype=bool),
            lambda i: stored[snap.ids[i]],
            weights,
            p,
            as_of,
        )
        order = np.lexsort((np.arange(len(which)), -scores.score))
        lists.append([ids[j] for j in which[order].tolist()])
    return lists[0], lists[1], [ids[j] for j in np.flatnonzero(out).tolist()]


def _rows(
    store: Store,
    ctx: SearchContext,
    u: Universe,
    shown: list[str],
    reach: BestPaths | None,
    weights: dict[str, float],
    p: ScoringProfile,
    as_of: dt.date,
) -> list[TargetRow]:
    """The rows of ``shown`` (ranked ids), factors and paths built firm by firm."""
    rows: list[TargetRow] = []
    for rank, cid in enumerate(shown, start=1):
        factors = _score(cid, u.candidates[cid], u, ctx, reach, weights, p, as_of)
        score = round(sum(f.contribution for f in factors), 4)
        company = u.nodes[cid]
        best = None if reach is None else reach.get(cid)
        path = None if best is None else explain_path(store, ctx, *best)
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
                uscc=company.get("uscc"),
            )
        )
    return rows
