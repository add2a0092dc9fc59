"""Tables (pandas DataFrames) of exploration subgraphs, target lists and local firms.

Use them through :mod:`queries.explore`.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd

from graph.privacy import redact
from graph.schema import TIE_KINDS, NodeKind
from graph.store import Store
from graph.words import KIND_ZH, REL_ZH
from queries.types import TargetList


def nodes_frame(g: nx.MultiDiGraph) -> pd.DataFrame:
    """Nodes of a subgraph as a table.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``kind``, ``kind_zh``, ``name``, ``ours``, ``degree`` (in
        ``g``); one row per node, ordered by kind then id.
    """
    rows = [
        {
            "id": nid,
            "kind": d.get("kind"),
            "kind_zh": KIND_ZH.get(str(d.get("kind")), d.get("kind")),
            "name": d.get("name"),
            "ours": bool(d.get("ours")),
            "degree": g.degree(nid),
        }
        for nid, d in g.nodes(data=True)
    ]
    cols = ["id", "kind", "kind_zh", "name", "ours", "degree"]
    frame = pd.DataFrame(rows, columns=cols)
    return frame.sort_values(["kind", "id"], ignore_index=True)


def edges_frame(g: nx.MultiDiGraph) -> pd.DataFrame:
    """Edges of a subgraph as a table.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``src``, ``src_name``, ``dst``, ``dst_name``, ``kind``,
        ``kind_zh``, ``label``, ``roles`` (joined with 、); one row per edge, by id.
    """
    names = dict(g.nodes(data="name"))
    rows = [
        {
            "id": key,
            "src": u,
            "src_name": names.get(u),
            "dst": v,
            "dst_name": names.get(v),
            "kind": d.get("kind"),
            "kind_zh": REL_ZH.get(str(d.get("kind")), d.get("kind")),
            "label": d.get("label"),
            "roles": "、".join(d.get("roles") or []),
        }
        for u, v, key, d in g.edges(keys=True, data=True)
    ]
    cols = ["id", "src", "src_name", "dst", "dst_name", "kind", "kind_zh", "label", "roles"]
    return pd.DataFrame(rows, columns=cols).sort_values("id", ignore_index=True)


def targets_frame(tl: TargetList, include_private: bool = False) -> pd.DataFrame:
    """A target list as a table, one column per factor (people masked unless asked).

    Parameters
    ----------
    tl : TargetList
    include_private : bool
        Keep people's names (default: masked, :func:`graph.privacy.redact`).

    Returns
    -------
    pandas.DataFrame
        In rank order, columns ``rank``, ``company``, ``name``, ``stock_codes``,
        ``province``, ``score``; per factor F: ``F`` (weighted contribution; the
        contributions sum to ``score`` up to rounding), ``F_value`` (in [0, 1]) and
        ``F_evidence``; then ``introducer_name``, ``path_strength``, ``path``.
    """
    rows: list[dict[str, Any]] = []
    for r in redact(tl, include_private).rows:
        row: dict[str, Any] = {
            "rank": r.rank,
            "company": r.company,
            "name": r.name,
            "stock_codes": "、".join(r.stock_codes),
            "province": r.province,
            "score": r.score,
        }
        for f in r.factors:
            row[f.name] = f.contribution
            row[f"{f.name}_value"] = f.value
            row[f"{f.name}_evidence"] = f.evidence
        row.update(introducer_name=r.introducer_name, path_strength=r.path_strength, path=r.path)
        rows.append(row)
    return pd.DataFrame(rows)


def local_firms_frame(store: Store, home: str, top: int = 20) -> pd.DataFrame:
    """Degree and centrality of the home region's firms in the tie network.

    The tie network: every non-private relation of a tie kind (:data:`TIE_KINDS`) as
    one undirected link, parallel relations merged.

    Parameters
    ----------
    home : str
        GB/T 2260 prefix of the home region (``"37"`` Shandong).
    top : int >= 0
        Rows returned (0: all local firms).

    Returns
    -------
    pandas.DataFrame
        Columns ``company``, ``name``, ``degree`` (distinct tie neighbours),
        ``people`` (distinct officers), ``outside_firms_2hop`` (companies outside the
        home region within two ties: whom its board and owners can reach),
        ``pagerank`` (on the whole tie network, ×1000); ordered by pagerank desc,
        then id.
    """
    ties = {k.value for k in TIE_KINDS}
    g = nx.Graph()
    for r in store.raw_relations():
        if r["kind"] in ties and not r.get("private"):
            g.add_edge(r["src"], r["dst"])
    info = {
        d["id"]: d for d in store.raw_nodes() if d["id"] in g or d["kind"] == NodeKind.COMPANY.value
    }

    def local(n: str) -> bool:
        d = info.get(n, {})
        return d.get("kind") == "Company" and str(d.get("region_code") or "").startswith(home)

    rank = nx.pagerank(g) if g.number_of_nodes() else {}
    rows = []
    for n in sorted(x for x in info if local(x)):
        near = set(g[n]) if n in g else set()
        two = set(near)
        for m in near:
            two |= set(g[m])
        outside = {m for m in two - {n} if info.get(m, {}).get("kind") == "Company"}
        rows.append(
            {
                "company": n,
                "name": info[n]["name"],
                "degree": len(near),
                "people": sum(1 for m in near if info.get(m, {}).get("kind") == "Person"),
                "outside_firms_2hop": sum(1 for m in outside if not local(m)),
                "pagerank": round(1000 * rank.get(n, 0.0), 4),
            }
        )
    cols = ["company", "name", "degree", "people", "outside_firms_2hop", "pagerank"]
    frame = pd.DataFrame(rows, columns=cols)
    frame = frame.sort_values(["pagerank", "company"], ascending=[False, True], ignore_index=True)
    return frame.head(top) if top else frame
