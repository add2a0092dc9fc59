"""Referral paths: "who can introduce us to firm X?" (以商招商).

Search model (DESIGN.md §3): walk tie relations only, in either direction; a hop has
strength s (see :mod:`queries.ties`) and cost −ln s; leaving a hub node (more ties than
``hub_degree``) adds −ln of its hub factor. Paths start at an our-side node (the
introducer, never charged a hub penalty) and pass through no other our-side node (a
path through a second local firm is that firm's path). The answer is the k cheapest
simple paths within ``max_hops`` (Yen's algorithm), strongest first.

Corporate group: PARENT_OF and BRANCH_OF are tie relations, so a path that reaches a
member of the target's group (a parent, a subsidiary, a branch or the head office) goes
on to the target over that group relation, which is its last hop and is explained
("X 是 T 的母公司"); it costs what any hop costs (the relation's strength and the
member's pass-through factor) and counts towards ``max_hops``.

Implementation: :class:`SearchContext` keeps a CSR array copy of the tie graph
(:mod:`queries.csr`) with the exact cost and fewest hops from our side to every node
(one multi-source Dijkstra each, at build time). :func:`referral_paths` runs Yen's k
shortest simple paths backwards from the target with A*-guided, hop-bounded spur
searches (:mod:`queries.yen`); ties are broken by ``(round(cost, 12), node ids from the
introducer to the target)``.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from graph.errors import NoPath
from graph.schema import Relation
from graph.store import Store
from queries.csr import CsrGraph
from queries.explain import relation_sentence
from queries.ties import TieGraph, TieModel, build_tie_graph, hop_cost
from queries.types import Hop, IntroducerSummary, ReferralPath, ReferralResult
from queries.yen import Deadline, k_shortest


@dataclass(frozen=True)
class SearchContext:
    """A tie graph and the our-side set for one home region, built once, reused.

    ``arrays`` is the CSR copy searched by :func:`referral_paths` and
    :mod:`queries.connectors`, with the exact cost and fewest hops from our side to
    every node (O((n + m) log n) to build; 24 s and under 2 GB at 10^6 nodes and
    5·10^6 ties, see ``bench/README.md``).
    """

    graph: TieGraph
    model: TieModel
    home: str
    ours: frozenset[str]
    as_of: dt.date
    arrays: CsrGraph = field(repr=False, compare=False)

    @classmethod
    def build(
        cls,
        store: Store,
        home: str,
        model: TieModel | None = None,
        as_of: dt.date | None = None,
        include_private: bool = False,
    ) -> SearchContext:
        """Read the tie graph of ``store`` and mark our side for ``home``.

        Parameters
        ----------
        home : str
            GB/T 2260 code prefix of the home region (``"37"`` Shandong).
        as_of : date, optional
            Reference date of the age decay (default: today).
        """
        model = model or TieModel.load()
        as_of = as_of or dt.date.today()
        graph = build_tie_graph(store, model, as_of, include_private=include_private)
        ours = frozenset(graph.our_side(home))
        return cls(graph, model, home, ours, as_of, _arrays(graph, model, ours))

    def leave_cost(self, node: str) -> float:
        """Hub penalty for passing through ``node`` (0 for introducers)."""
        if node in self.ours:
            return 0.0
        return hop_cost(self.graph.pass_factor(self.model, node))


def _arrays(graph: TieGraph, model: TieModel, ours: frozenset[str]) -> CsrGraph:
    """CSR copy of ``graph`` with the leave costs of :meth:`SearchContext.leave_cost`."""
    ids = sorted(graph.kinds)
    index = {x: i for i, x in enumerate(ids)}
    pairs = [(u, v, s, r) for u, nb in graph.adj.items() for v, (s, r) in nb.items() if u < v]
    rel_ids = sorted({r for *_, r in pairs})
    rel_index = {r: i for i, r in enumerate(rel_ids)}
    is_ours = np.array([x in ours for x in ids], dtype=bool)
    leave = np.array(
        [0.0 if x in ours else hop_cost(graph.pass_factor(model, x)) for x in ids],
        dtype=np.float64,
    )
    return CsrGraph.from_edges(
        ids,
        np.array([index[u] for u, *_ in pairs], dtype=np.int64),
        np.array([index[v] for _, v, *_ in pairs], dtype=np.int64),
        np.array([s for _, _, s, _ in pairs], dtype=np.float64),
        np.array([rel_index[r] for *_, r in pairs], dtype=np.int64),
        rel_ids,
        leave,
        is_ours,
    )


def referral_paths(
    store: Store,
    target: str,
    home: str,
    k: int = 5,
    max_hops: int = 4,
    context: SearchContext | None = None,
    budget_s: float = 20.0,
    floor: float | None = None,
) -> ReferralResult:
    """Find the k strongest referral paths from our side to ``target``.

    Parameters
    ----------
    store : Store
    target : str
        Node id of the target firm (resolve names with :func:`queries.view.find_company`).
    home : str
        GB/T 2260 code prefix of the home region; our side = firms registered there
        plus nodes ENGAGED_BY a region there.
    k : int >= 1
        Number of paths wanted; fewer are returned when fewer exist.
    max_hops : int >= 1
        Longest path, in hops (relations walked).
    context : SearchContext, optional
        A prebuilt tie graph for ``home`` (reuse it across many targets).
    budget_s : float, seconds
        Wall-clock guard on pathological graphs; paths found so far are returned.
    floor : float in [0, 1], optional
        Paths weaker than this are counted in ``weak_paths``, not listed (default the
        tie model's ``strength_floor``; 0 lists every path found).

    Returns
    -------
    ReferralResult
        ``paths`` ordered by cost asc (strength desc), costs compared rounded to 12
        decimals, ties by the node ids from introducer to target; ``introducers``
        grouped by introducer, best strength desc then id. Empty lists when no path
        exists within ``max_hops``; fewer than ``k`` when fewer exist.

    Raises
    ------
    NotFound
        When ``target`` is not a node of the store.
    NoPath
        When the target is itself on our side (already local).
    ValueError
        When ``k`` or ``max_hops`` is below 1.

    Notes
    -----
    Yen's algorithm run backwards from the target, spur searches guided by the exact
    our-side distances of the context (see :mod:`queries.yen`): about ``k · max_hops``
    A* searches, each touching only the ties near the cheapest paths. Measured on a
    synthetic 10^6-node graph: see ``bench/README.md``.
    """
    from queries.view import node_name

    if k < 1 or max_hops < 1:
        raise ValueError("k and max_hops must be >= 1")
    target_name = node_name(store, target)
    ctx = context or SearchContext.build(store, home)
    if target in ctx.ours:
        raise NoPath(f"{target_name} is already on our side (home region {home})")
    arrays = ctx.arrays
    at = arrays.index.get(target)
    found = [] if at is None else k_shortest(arrays, at, k, max_hops, Deadline(budget_s))
    ids = arrays.ids
    paths = [_explain(store, ctx, cost, [ids[i] for i in nodes]) for cost, nodes in found]
    floor = ctx.model.strength_floor if floor is None else floor
    weak = [p for p in paths if p.strength < floor]
    paths = [p for p in paths if p.strength >= floor]
    return ReferralResult(
        target=target,
        target_name=target_name,
        home_region=home,
        k=k,
        max_hops=max_hops,
        paths=paths,
        introducers=summarise(paths),
        target_delisted="已退市" in getattr(store.get_node(target), "tags", []),
        weak_paths=len(weak),
        strength_floor=floor,
    )


def summarise(paths: list[ReferralPath]) -> list[IntroducerSummary]:
    """Group paths by introducer: best strength desc, then introducer id."""
    groups: dict[str, list[ReferralPath]] = {}
    for p in paths:
        groups.setdefault(p.introducer, []).append(p)
    out = [
        IntroducerSummary(
            introducer=i,
            introducer_name=ps[0].introducer_name,
            paths=len(ps),
            best_strength=max(p.strength for p in ps),
            best_word=max(ps, key=lambda p: p.strength).strength_word,
        )
        for i, ps in groups.items()
    ]
    return sorted(out, key=lambda s: (-s.best_strength, s.introducer))


def _explain(store: Store, ctx: SearchContext, cost: float, nodes: list[str]) -> ReferralPath:
    names = ctx.graph.names
    hops: list[Hop] = []
    previous: Relation | None = None
    for i, (u, v) in enumerate(itertools.pairwise(nodes)):
        strength, rid = ctx.graph.adj[u][v]
        rel = store.get_relation(rid)
        if rel is None:  # pragma: no cover - the tie graph was read from this store
            raise NoPath(f"relation {rid} vanished from the store")
        hub = 1.0 if i == 0 else ctx.graph.pass_factor(ctx.model, u)
        hops.append(
            Hop(
                src=u,
                src_name=names[u],
                dst=v,
                dst_name=names[v],
                relation=rel.kind.value,
                relation_id=rid,
                relation_src=rel.src,
                relation_dst=rel.dst,
                roles=rel.roles,
                label=rel.label,
                since=rel.since,
                until=rel.until,
                as_of=rel.as_of,
                confidence=rel.confidence,
                strength=round(strength, 6),
                hub_factor=round(hub, 6),
                sources=[s.cite() for s in rel.sources],
                sentence=relation_sentence(rel, names, previous),
            )
        )
        previous = rel
    return ReferralPath(
        introducer=nodes[0],
        introducer_name=names[nodes[0]],
        introducer_kind=ctx.graph.kinds[nodes[0]],
        target=nodes[-1],
        nodes=nodes,
        hops=hops,
        strength=round(math.exp(-cost), 6),
        cost=round(cost, 9),
        strength_word=ctx.model.word(math.exp(-cost)),
    )


def best_from_our_side(ctx: SearchContext, max_hops: int) -> dict[str, tuple[float, list[str]]]:
    """Cheapest path within ``max_hops`` from our side to every reachable node.

    One hop-bounded Dijkstra from all our-side nodes at once (a virtual super-source),
    never one search per pair. States are (node, hops); a state is dropped when the
    node was already settled with no more hops (it is then dominated).

    Returns
    -------
    dict of str to (float, list of str)
        Node id → (cost, path from introducer to node). Our-side nodes themselves are
        not included. Ties between equal costs are broken by fewer hops, then node ids.
    """
    settled: dict[str, int] = {}  # node -> fewest hops among its settled states
    best: dict[str, tuple[float, list[str]]] = {}
    heap: list[tuple[float, int, str, tuple[str, ...]]] = [
        (0.0, 0, n, (n,)) for n in sorted(ctx.ours)
    ]
    heapq.heapify(heap)
    while heap:
        cost, hops, u, path = heapq.heappop(heap)
        if u in settled and settled[u] <= hops:
            continue
        settled[u] = hops
        if u not in ctx.ours and u not in best:
            best[u] = (cost, list(path))
        if hops == max_hops:
            continue
        leave = ctx.leave_cost(u)
        for v, (s, _) in ctx.graph.adj.get(u, {}).items():
            if v in ctx.ours or v in path:
                continue
            heapq.heappush(heap, (cost + leave + hop_cost(s), hops + 1, v, (*path, v)))
    return best


def explain_path(store: Store, ctx: SearchContext, cost: float, nodes: list[str]) -> ReferralPath:
    """Turn a node sequence (introducer … target) into an explained :class:`ReferralPath`."""
    return _explain(store, ctx, cost, nodes)
