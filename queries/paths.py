"""Referral paths: "who can introduce us to firm X?" (以商招商).

Search model (DESIGN.md §3): walk tie relations only, in either direction; a hop has
strength s (see :mod:`queries.ties`) and cost −ln s; leaving a hub node (more ties than
the hub limit of ``queries/ties.toml``: top 0.1 % by degree, at least ``hub_degree``)
adds −ln of its hub factor. Paths start at an our-side node (the
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
import functools
import itertools
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from graph.errors import NoPath
from graph.schema import Relation
from graph.store import Store
from queries.csr import CsrGraph
from queries.explain import relation_sentence
from queries.snapshot import TieSnapshot, home_guide, open_snapshot
from queries.ties import TieGraph, TieModel, build_tie_graph
from queries.types import Hop, IntroducerSummary, ReferralPath, ReferralResult
from queries.yen import Deadline, k_shortest


class NodeNames(Mapping[str, str]):
    """Node id → display name, read from the store on first use and cached."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._cache: dict[str, str] = {}

    def fetch(self, ids: Iterable[str]) -> None:
        """Read the names of ``ids`` not cached yet (one query on the SQLite store)."""
        missing = [i for i in ids if i not in self._cache]
        if not missing:
            return
        bulk = getattr(self._store, "raw_nodes_by_id", None)
        if bulk is not None:
            for nid, data in bulk(missing).items():
                self._cache[nid] = data["name"]
        for nid in missing:
            if nid not in self._cache:
                node = self._store.get_node(nid)
                if node is not None:
                    self._cache[nid] = node.name

    def __getitem__(self, key: str) -> str:
        if key not in self._cache:
            self.fetch([key])
        return self._cache[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._cache)

    def __len__(self) -> int:
        return len(self._cache)


@dataclass(frozen=True)
class SearchContext:
    """The tie graph and the our-side set for one home region, ready to search.

    ``arrays`` is the CSR copy searched by :func:`referral_paths`,
    :mod:`queries.reach` and :mod:`queries.connectors`, with the exact cost and fewest
    hops from our side to every node. It comes from the store's search snapshot
    (:mod:`queries.snapshot`: memory-mapped files beside the database, rebuilt only
    when the store's revision changed), so a context costs milliseconds once the
    snapshot exists. Names are read from the store for the nodes an answer shows.
    """

    store: Store = field(repr=False, compare=False)
    model: TieModel
    home: str
    as_of: dt.date
    include_private: bool
    snapshot: TieSnapshot = field(repr=False, compare=False)
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
        """Open (or build) the snapshot of ``store`` and mark our side for ``home``.

        Parameters
        ----------
        home : str
            GB/T 2260 code prefix of the home region (``"37"`` Shandong).
        as_of : date, optional
            Reference date of the age decay (default: today).
        include_private : bool
            Walk private ties (KNOWS: 老乡/校友…) too.
        """
        model = model or TieModel.load()
        as_of = as_of or dt.date.today()
        snap = open_snapshot(store, model, as_of, include_private)
        guide = home_guide(snap, home)
        arrays = CsrGraph(
            ids=snap.ids,
            index=snap.ids.positions,
            indptr=snap.indptr,
            indices=snap.indices,
            weight=snap.weight,
            rel=snap.rel,
            rel_ids=snap.rel_ids,
            leave=guide.leave,
            ours=guide.ours,
            dist_ours=guide.dist_ours,
            hops_ours=guide.hops_ours,
        )
        return cls(store, model, home, as_of, include_private, snap, arrays)

    @functools.cached_property
    def ours(self) -> frozenset[str]:
        """Our-side node ids."""
        ids = self.arrays.ids
        return frozenset(ids[int(i)] for i in np.flatnonzero(self.arrays.ours))

    @functools.cached_property
    def names(self) -> NodeNames:
        """Node id → display name (read from the store on demand)."""
        return NodeNames(self.store)

    def kind(self, node: str) -> str:
        """Node kind of an actor node on the tie graph.

        Raises
        ------
        KeyError
            When the node is not on the tie graph.
        """
        return self.snapshot.kind(self.arrays.index[node])

    def pass_factor(self, node: str) -> float:
        """Share of strength kept by a path passing through ``node`` (hubs, tags)."""
        return math.exp(-float(self.snapshot.pass_cost[self.arrays.index[node]]))

    def leave_cost(self, node: str) -> float:
        """Hub penalty for passing through ``node`` (0 for introducers)."""
        return float(self.arrays.leave[self.arrays.index[node]])

    @functools.cached_property
    def graph(self) -> TieGraph:
        """The same tie graph as dicts (:func:`queries.ties.build_tie_graph`), for
        exploration and tests; built from the store on first use (slow on big graphs)."""
        return build_tie_graph(self.store, self.model, self.as_of, self.include_private)


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
        exists within ``max_hops``; fewer than ``k`` when fewer exist. When there is no
        path and private ties were not walked, ``private_hint`` tells whether walking
        them would find one.

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
        raise NoPath(f"{target_name} 已是本地（{home}）一方的企业，无需引荐")
    arrays = ctx.arrays
    at = arrays.index.get(target)
    found = [] if at is None else k_shortest(arrays, at, k, max_hops, Deadline(budget_s))
    ids = arrays.ids
    paths = [_explain(store, ctx, cost, [ids[i] for i in nodes]) for cost, nodes in found]
    hint = not found and not ctx.include_private and _private_would_find(ctx, target, max_hops)
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
        private_hint=hint,
    )


def _private_would_find(ctx: SearchContext, target: str, max_hops: int) -> bool:
    """Tell whether a search that walks private ties finds a path to ``target`` (only
    whether: nothing of the private path leaves this function)."""
    private = SearchContext.build(
        ctx.store, ctx.home, ctx.model, as_of=ctx.as_of, include_private=True
    )
    at = private.arrays.index.get(target)
    return at is not None and bool(k_shortest(private.arrays, at, 1, max_hops, Deadline(5.0)))


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
    names = ctx.names
    names.fetch(nodes)
    arrays = ctx.arrays
    hops: list[Hop] = []
    previous: Relation | None = None
    for i, (u, v) in enumerate(itertools.pairwise(nodes)):
        weight, rid = arrays.edge(arrays.index[u], arrays.index[v])
        strength = math.exp(-weight)
        rel = store.get_relation(rid)
        if rel is None:  # pragma: no cover - the snapshot was read from this store
            raise NoPath(f"关系 {rid} 已不在图谱中")
        hub = 1.0 if i == 0 else ctx.pass_factor(u)
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
        introducer_kind=ctx.kind(nodes[0]),
        target=nodes[-1],
        nodes=nodes,
        hops=hops,
        strength=round(math.exp(-cost), 6),
        cost=round(cost, 9),
        strength_word=ctx.model.word(math.exp(-cost)),
    )


def explain_path(store: Store, ctx: SearchContext, cost: float, nodes: list[str]) -> ReferralPath:
    """Turn a node sequence (introducer … target) into an explained :class:`ReferralPath`."""
    return _explain(store, ctx, cost, nodes)
