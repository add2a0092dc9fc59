"""Helpers for exploring the graph in notebooks: subgraphs, tables and pictures.

Subgraphs are small ``networkx.MultiDiGraph`` objects keyed by node id, with node
attributes ``kind`` (``"Company"`` …), ``name`` and ``ours`` (a company registered in
the home region), and edges keyed by relation id (stored direction) with attributes
``kind`` (``"OFFICER_OF"`` …), ``label`` (Chinese: roles, the source's label or the
kind's name) and ``roles``. The pictures and tables live in :mod:`queries.explore_draw` (pyvis),
:mod:`queries.explore_plot` (matplotlib) and :mod:`queries.explore_frames` (pandas) and
are re-exported here.

Example
-------
>>> from tests.builders import company, person, rel, store_of
>>> from graph.schema import RelKind
>>> s = store_of([company("a"), person("p")], [rel(RelKind.OFFICER_OF, "Person:p", "Company:a")])
>>> g = ego_network(s, "Company:a", hops=1)
>>> g.number_of_nodes(), g.number_of_edges()
(2, 1)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

import networkx as nx

from graph.errors import NotFound
from graph.privacy import redact_graph
from graph.schema import TIE_KINDS, NodeKind, Relation, RelKind
from graph.store import Store
from graph.words import KIND_ZH, REL_ZH
from queries.clusters import ClusterDef, industry_closure, listed_ancestor, product_ids
from queries.explore_draw import HtmlView, interactive_view
from queries.explore_frames import edges_frame, local_firms_frame, nodes_frame, targets_frame
from queries.explore_plot import FACTOR_ZH, CJKFontWarning, cjk_font, draw_static, plot_factors
from queries.types import ReferralResult

__all__ = [
    "FACTOR_ZH",
    "KIND_ZH",
    "REL_ZH",
    "CJKFontWarning",
    "HtmlView",
    "cjk_font",
    "cluster_chain",
    "draw_static",
    "edges_frame",
    "ego_network",
    "interactive_view",
    "local_firms_frame",
    "nodes_frame",
    "plot_factors",
    "referral_subgraph",
    "targets_frame",
]


def _node_attrs(store: Store, node_id: str, home: str | None) -> dict[str, Any]:
    node = store.get_node(node_id)
    if node is None:
        raise NotFound(f"图谱中没有编号为 {node_id!r} 的节点")
    region = getattr(node, "region_code", None) or ""
    ours = bool(home) and node.kind is NodeKind.COMPANY and region.startswith(home or "")
    return {"kind": node.kind.value, "name": node.name, "ours": ours}


def _edge_label(rel: Relation) -> str:
    if rel.roles:
        return "、".join(rel.roles)
    return rel.label or REL_ZH[rel.kind.value]


def _add_relation(g: nx.MultiDiGraph, rel: Relation, **extra: Any) -> None:
    g.add_edge(
        rel.src,
        rel.dst,
        key=rel.id,
        kind=rel.kind.value,
        label=_edge_label(rel),
        roles=list(rel.roles),
        confidence=rel.confidence,
        **extra,
    )


def ego_network(
    store: Store,
    center: str,
    hops: int = 1,
    kinds: Iterable[RelKind] | None = None,
    home: str | None = None,
    max_nodes: int = 200,
    include_private: bool = False,
) -> nx.MultiDiGraph:
    """The nodes within ``hops`` relations of ``center``, and every relation among them.

    Parameters
    ----------
    store : Store
    center : str
        Node id (resolve names with :func:`queries.view.find_company`).
    hops : int >= 0
        Radius, in relations walked in either direction.
    kinds : iterable of RelKind, optional
        Relation kinds walked and drawn (default: the tie kinds,
        :data:`graph.schema.TIE_KINDS`).
    home : str, optional
        GB/T 2260 prefix of the home region: marks its companies ``ours``.
    max_nodes : int >= 1
        Size bound; nodes are taken breadth-first in relation-id order and the graph
        attribute ``truncated`` says whether some were left out.
    include_private : bool
        Walk relations flagged private (KNOWS …) and keep people's names; default
        no: names masked (:func:`graph.privacy.redact_graph`).

    Returns
    -------
    networkx.MultiDiGraph
        Induced on the nodes found (as ``networkx.ego_graph``): node attributes
        ``kind``, ``name``, ``ours``, ``hops`` (distance), ``center``; edges keyed by
        relation id with ``kind``, ``label``, ``roles``, ``confidence``.

    Raises
    ------
    NotFound
        When ``center`` is not a node of the store.
    ValueError
        When ``hops`` < 0 or ``max_nodes`` < 1.

    Notes
    -----
    One ``neighbours`` call per node found: O(sum of their degrees).
    """
    if hops < 0 or max_nodes < 1:
        raise ValueError("hops must be >= 0 and max_nodes >= 1")
    wanted = sorted(TIE_KINDS if kinds is None else set(kinds))
    if store.get_node(center) is None:
        raise NotFound(f"图谱中没有编号为 {center!r} 的节点")
    around: dict[str, list[tuple[Relation, str]]] = {}

    def neighbours(u: str) -> list[tuple[Relation, str]]:
        if u not in around:
            around[u] = [
                (r, o) for r, o in store.neighbours(u, wanted) if include_private or not r.private
            ]
        return around[u]

    dist = {center: 0}
    queue = deque([center])
    truncated = False
    while queue:
        u = queue.popleft()
        if dist[u] == hops:
            continue
        for _, other in neighbours(u):
            if other in dist:
                continue
            if len(dist) >= max_nodes:
                truncated = True
                continue
            dist[other] = dist[u] + 1
            queue.append(other)
    g = nx.MultiDiGraph(center=center, hops=hops, truncated=truncated)
    for nid, d in dist.items():
        g.add_node(nid, **_node_attrs(store, nid, home), hops=d, center=nid == center)
    for nid in dist:
        for rel, other in neighbours(nid):
            if other in dist:
                _add_relation(g, rel)
    return redact_graph(g, include_private)


def referral_subgraph(
    store: Store, result: ReferralResult, include_private: bool = False
) -> nx.MultiDiGraph:
    """The union of a referral result's paths, for drawing (people masked unless asked).

    Parameters
    ----------
    store : Store
        The store the result was computed on (for node kinds).
    result : ReferralResult
        From :func:`queries.paths.referral_paths` (ids intact).
    include_private : bool
        Keep people's names (default: masked, :func:`graph.privacy.redact_graph`).

    Returns
    -------
    networkx.MultiDiGraph
        Nodes with ``kind``, ``name``, ``ours`` and ``role`` (``"introducer"``,
        ``"target"`` or ``None``); one edge per relation walked (stored direction) with
        ``kind``, ``label``, ``roles``, ``on_path=True``, ``strength`` and ``paths``
        (1-based numbers of the paths using it). Empty but for the target when there
        is no path.
    """
    g = nx.MultiDiGraph(target=result.target, home=result.home_region)
    g.add_node(result.target, **_node_attrs(store, result.target, result.home_region))
    for number, path in enumerate(result.paths, start=1):
        for nid in path.nodes:
            if nid not in g:
                g.add_node(nid, **_node_attrs(store, nid, result.home_region))
        g.nodes[path.introducer]["ours"] = True
        for hop in path.hops:
            if g.has_edge(hop.relation_src, hop.relation_dst, hop.relation_id):
                g.edges[hop.relation_src, hop.relation_dst, hop.relation_id]["paths"].append(number)
                continue
            label = "、".join(hop.roles) if hop.roles else hop.label or REL_ZH[hop.relation]
            g.add_edge(
                hop.relation_src,
                hop.relation_dst,
                key=hop.relation_id,
                kind=hop.relation,
                label=label,
                roles=list(hop.roles),
                strength=hop.strength,
                on_path=True,
                paths=[number],
            )
    for nid, d in g.nodes(data=True):
        d["role"] = "target" if nid == result.target else None
    for path in result.paths:
        g.nodes[path.introducer]["role"] = "introducer"
    return redact_graph(g, include_private)


def cluster_chain(
    store: Store,
    cluster: ClusterDef,
    home: str | None = None,
    max_firms: int = 30,
    max_products: int = 30,
) -> nx.MultiDiGraph:
    """A cluster's chain: its industries and products, firms in them, product links.

    Parameters
    ----------
    store : Store
    cluster : ClusterDef
        From :func:`queries.clusters.read_clusters`.
    home : str, optional
        GB/T 2260 prefix of the home region: marks local firms ``ours``.
    max_firms : int >= 0
        Firms kept: up to half local ones, the rest filled by link strength (sum of
        MAKES revenue shares into the cluster's products, + 1 for a core industry,
        + 0.5 for a related one), then by id.
    max_products : int >= 0
        Products kept: the cluster's own, then their direct UPSTREAM_OF neighbours in
        id order.

    Returns
    -------
    networkx.MultiDiGraph
        A synthetic ``Cluster`` node (id ``"Cluster:" + name``) with CLUSTER_INCLUDES
        edges to the industries named in the cluster file (label 核心行业/相关行业) and to
        its products; IN_INDUSTRY edges from firms to the named industry their own
        (possibly narrower) industry falls under (label: the firm's industry); MAKES
        edges (label: revenue share) and UPSTREAM_OF edges among the products kept.
    """
    from graph.ids import node_id

    core, related = industry_closure(store, cluster)
    system = cluster.industry_system
    listed = {node_id(NodeKind.INDUSTRY, system, c): "核心行业" for c in cluster.core_industries}
    for c in cluster.related_industries:
        listed.setdefault(node_id(NodeKind.INDUSTRY, system, c), "相关行业")
    listed = {i: lab for i, lab in listed.items() if store.get_node(i) is not None}
    own_products = sorted(product_ids(store, cluster))
    upstream: list[dict[str, Any]] = []
    makes: list[dict[str, Any]] = []
    industry_links: list[dict[str, Any]] = []
    for rel in store.raw_relations():
        kind = rel["kind"]
        if kind == RelKind.UPSTREAM_OF.value:
            upstream.append(rel)
        elif kind == RelKind.MAKES.value:
            makes.append(rel)
        elif kind == RelKind.IN_INDUSTRY.value and (rel["dst"] in core or rel["dst"] in related):
            industry_links.append(rel)
    products = list(own_products)
    own = set(own_products)
    touching = [r for r in upstream if r["src"] in own or r["dst"] in own]
    extra = sorted({e for r in touching for e in (r["src"], r["dst"])} - own)
    products += extra[: max(0, max_products - len(products))]
    products = products[:max_products]
    kept = set(products)
    score: dict[str, float] = {}
    for r in makes:
        if r["dst"] in own:
            score[r["src"]] = score.get(r["src"], 0.0) + float(r.get("weight") or 0.0)
    for r in industry_links:
        bonus = 1.0 if r["dst"] in core else 0.5
        score[r["src"]] = score.get(r["src"], 0.0) + bonus
    attrs = {f: _node_attrs(store, f, home) for f in score}
    firms = [f for f in score if attrs[f]["kind"] == NodeKind.COMPANY.value]
    order = sorted(firms, key=lambda f: (-score[f], f))
    local = [f for f in order if attrs[f]["ours"]][: max_firms // 2]
    others = [f for f in order if f not in set(local)][: max_firms - len(local)]
    chosen = set(local) | set(others)
    centre = f"Cluster:{cluster.name}"
    g = nx.MultiDiGraph(cluster=cluster.name)
    g.add_node(centre, kind="Cluster", name=cluster.name, ours=False, center=True)
    for ind, lab in sorted(listed.items()):
        g.add_node(ind, **_node_attrs(store, ind, home))
        g.add_edge(centre, ind, key=f"{centre}>{ind}", kind="CLUSTER_INCLUDES", label=lab, roles=[])
    for p in products:
        g.add_node(p, **_node_attrs(store, p, home))
        if p in own:
            g.add_edge(
                centre, p, key=f"{centre}>{p}", kind="CLUSTER_INCLUDES", label="集群产品", roles=[]
            )
    for f in sorted(chosen):
        g.add_node(f, **attrs[f])
    for r in industry_links:
        if r["src"] in chosen:
            top = listed_ancestor(store, r["dst"], listed)
            if top is not None:
                name = _node_attrs(store, r["dst"], None)["name"]
                g.add_edge(r["src"], top, key=r["id"], kind=r["kind"], label=name, roles=[])
    for r in makes:
        if r["src"] in chosen and r["dst"] in kept:
            w = r.get("weight")
            label = f"主营 {float(w):.0%}" if w else "主营产品"
            g.add_edge(r["src"], r["dst"], key=r["id"], kind=r["kind"], label=label, roles=[])
    for r in upstream:
        if r["src"] in kept and r["dst"] in kept:
            g.add_edge(r["src"], r["dst"], key=r["id"], kind=r["kind"], label="上游", roles=[])
    return g
