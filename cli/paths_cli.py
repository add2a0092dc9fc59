"""``zhaoshang connectors``: whom to enlist as 招商大使 or ask first for a cluster."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from cli.common import (
    DEFAULT_GRAPH_PATH,
    Backend,
    BackendOpt,
    ClusterOpt,
    ClustersOpt,
    DebugOpt,
    GraphOpt,
    HomeOpt,
    JsonOpt,
    MaxHopsOpt,
    PrivateOpt,
    RowsOpt,
    handle_errors,
    home_region,
    open_graph,
    out,
    print_json,
)
from graph.privacy import redact

if TYPE_CHECKING:
    from queries.types import ConnectorList


def show_connectors(console: Console, result: ConnectorList) -> None:
    """Print connectors: score, targets reached and the best few of them."""
    table = Table(
        title=f"{result.cluster}：本地联络人（{result.max_hops} 跳内，目标 {result.candidates} 家）"
    )
    for col in (
        "排名",
        "本地节点",
        "类型",
        "得分",
        "可达目标",
        "目标价值合计",
        "主要目标（价值 × 强度）",
    ):
        table.add_column(col)
    for r in result.rows:
        best = "、".join(f"{t.name} ({t.value:.2f} × {t.strength:.2f})" for t in r.targets)
        table.add_row(
            str(r.rank),
            r.name,
            r.kind,
            f"{r.score:.3f}",
            str(r.reached),
            f"{r.reached_value:.2f}",
            best,
        )
    console.print(table)
    console.print(f"目标价值：{result.value_rule}", highlight=False)


def connectors(
    cluster: ClusterOpt,
    clusters: ClustersOpt = None,
    home: HomeOpt = None,
    n: RowsOpt = 20,
    max_hops: MaxHopsOpt = 4,
    include_private: PrivateOpt = False,
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    backend: BackendOpt = Backend.EMBEDDED,
    json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Rank our-side nodes by the value of CLUSTER's targets they can reach."""
    from queries.clusters import read_clusters
    from queries.connectors import connectors as rank_connectors
    from queries.paths import SearchContext

    store = open_graph(backend, graph)
    cfile = read_clusters(clusters)
    code = home_region(store, home, cfile.home_region, json)
    ctx = SearchContext.build(store, code, include_private=include_private)
    found = rank_connectors(store, cfile.get(cluster), code, n=n, max_hops=max_hops, context=ctx)
    result = redact(found, include_private)
    if json:
        print_json(result)
    else:
        show_connectors(out, result)


def register(app: typer.Typer) -> None:
    """Add ``connectors`` to the root app."""
    app.command(
        "connectors", help="按可达的 CLUSTER 目标企业的价值，为本地节点排名（可请作招商大使）。"
    )(handle_errors(connectors))
