"""``zhaoshang targets``, ``zhaoshang gaps`` and ``zhaoshang export``: cluster work lists."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.common import (
    DEFAULT_GRAPH_PATH,
    AsOfOpt,
    Backend,
    BackendOpt,
    ClusterOpt,
    ClustersOpt,
    DebugOpt,
    GraphOpt,
    HomeOpt,
    JsonOpt,
    PrivateOpt,
    ProfileOpt,
    RowsOpt,
    as_of_date,
    err,
    handle_errors,
    home_region,
    open_graph,
    out,
    print_json,
)
from cli.render import show_targets
from graph.privacy import redact
from graph.store import Store

if TYPE_CHECKING:
    from queries.types import ChainGaps


def data_sources(store: Store, graph: Path) -> list[str]:
    """The 说明 lines naming the graph file and every dataset it holds, with dates."""
    from queries.export import source_note

    recorded = getattr(store, "datasets", None)  # the SQLite store keeps the list
    datasets = recorded() if recorded is not None else None
    if datasets is None:
        datasets = sorted({s["dataset"] for d in store.raw_nodes() for s in d.get("sources", [])})
    stamp = ""
    if graph.exists():
        stamp = dt.datetime.fromtimestamp(graph.stat().st_mtime).date().isoformat()
    return [f"图谱文件 {graph}（{stamp or '未保存'}）", *(source_note(d) for d in datasets)]


def show_gaps(console: Console, gaps: ChainGaps) -> None:
    """Print a cluster's chain segments, labelled (补链/延链/强链), with their candidates."""
    table = Table(title=f"{gaps.cluster}：产业链环节（补链、延链 {len(gaps.gaps)} 个）")
    for col in (
        "环节",
        "类型",
        "标签",
        "本地企业（依据与日期）",
        "外地",
        "地区不明",
        "推荐目标企业",
    ):
        table.add_column(col)
    zh = {"cluster": "集群产品", "upstream": "上游", "downstream": "下游"}
    for s in gaps.segments:
        table.add_row(
            s.name,
            zh[s.role],
            s.label or "—",
            "、".join(f"{m.name}（{m.note}）" for m in s.local_makers) or "—",
            str(s.elsewhere),
            str(s.unknown_region),
            "、".join(f"{c.name} ({c.score:.3f})" for c in s.candidates),
        )
    console.print(table)
    console.print(f"标签：{gaps.labels}", highlight=False)
    console.print(f"筛选规则：{gaps.rule}", highlight=False)


def targets(
    cluster: ClusterOpt,
    clusters: ClustersOpt = None,
    home: HomeOpt = None,
    n: RowsOpt = 50,
    profile: ProfileOpt = None,
    as_of: AsOfOpt = None,
    xlsx: Annotated[Path | None, typer.Option(help="另写出 Excel 工作簿。")] = None,
    include_private: PrivateOpt = False,
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    backend: BackendOpt = Backend.EMBEDDED,
    json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Rank the non-local firms CLUSTER should pursue (and list local ones to expand)."""
    from queries.clusters import read_clusters
    from queries.paths import SearchContext
    from queries.targets import ScoringProfile, target_list
    from queries.underway import with_underway

    day = as_of_date(as_of)
    cfile = read_clusters(clusters)
    p = ScoringProfile.load(profile)
    store = open_graph(backend, graph)
    code = home_region(store, home, cfile.home_region, json)
    ctx = SearchContext.build(store, code, as_of=day, include_private=include_private)
    found = target_list(store, cfile.get(cluster), code, n=n, profile=p, as_of=day, context=ctx)
    result = with_underway(store, found, day)  # what units already have under way
    if json:
        print_json(redact(result, include_private))
    else:
        show_targets(out, redact(result, include_private))
    if xlsx is not None:
        from queries.export import write_workbook  # openpyxl: 1 s of start-up

        sources = data_sources(store, graph)
        write_workbook([result], xlsx, sources=sources, include_private=include_private)
        err.print(f"已写出 {xlsx}", highlight=False)


def gaps(
    cluster: ClusterOpt,
    clusters: ClustersOpt = None,
    home: HomeOpt = None,
    per_gap: Annotated[
        int, typer.Option("--per-gap", min=0, help="每个缺口列出的候选企业数。")
    ] = 5,
    profile: ProfileOpt = None,
    as_of: AsOfOpt = None,
    include_private: PrivateOpt = False,
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    backend: BackendOpt = Backend.EMBEDDED,
    json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Chain segments of CLUSTER: local makers vs. makers elsewhere, gaps with candidates."""
    from queries.clusters import read_clusters
    from queries.gaps import chain_gaps
    from queries.paths import SearchContext
    from queries.targets import ScoringProfile

    day = as_of_date(as_of)
    cfile = read_clusters(clusters)
    p = ScoringProfile.load(profile)
    store = open_graph(backend, graph)
    code = home_region(store, home, cfile.home_region, json)
    definition = cfile.get(cluster)
    ctx = SearchContext.build(store, code, as_of=day, include_private=include_private)
    found = chain_gaps(store, definition, code, profile=p, context=ctx, per_gap=per_gap, as_of=day)
    result = redact(found, include_private)
    if json:
        print_json(result)
    else:
        show_gaps(out, result)


def export(
    out_file: Annotated[Path, typer.Option("--out", help="要写出的工作簿（.xlsx）。")],
    cluster: Annotated[str, typer.Option(help="集群名称；all 为每个集群一个工作表。")] = "all",
    clusters: ClustersOpt = None,
    home: HomeOpt = None,
    n: Annotated[int, typer.Option("-n", min=0, help="每个集群的行数（0 为全部）。")] = 100,
    profile: ProfileOpt = None,
    as_of: AsOfOpt = None,
    include_private: PrivateOpt = False,
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    debug: DebugOpt = False,
) -> None:
    """Write target lists, expand-here lists and chain gaps of clusters to one workbook."""
    from queries.clusters import read_clusters
    from queries.export import write_workbook
    from queries.gaps import chain_gaps
    from queries.paths import SearchContext
    from queries.targets import ScoringProfile, build_universe, target_list

    day = as_of_date(as_of)
    cfile = read_clusters(clusters)
    chosen = cfile.cluster if cluster == "all" else [cfile.get(cluster)]
    p = ScoringProfile.load(profile)
    store = open_graph(Backend.EMBEDDED, graph)
    home = home_region(store, home, cfile.home_region)
    ctx = SearchContext.build(store, home, as_of=day, include_private=include_private)
    lists, gap_lists = [], []
    for c in chosen:
        err.print(f"正在评分：{c.name}", highlight=False)
        u = build_universe(store, c, home, p)
        full = target_list(store, c, home, n=0, profile=p, context=ctx, universe=u)
        gap_lists.append(
            chain_gaps(store, c, home, profile=p, context=ctx, targets=full, universe=u)
        )
        lists.append(
            full.model_copy(
                update={
                    "rows": full.rows[: n or None],
                    "expand_here": full.expand_here[: n or None],
                }
            )
        )
    sources = data_sources(store, graph)
    write_workbook(lists, out_file, sources, include_private, gaps=gap_lists)
    err.print(f"已写出 {out_file}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``targets``, ``gaps`` and ``export`` to the root app."""
    for command, text in (
        (targets, "为 CLUSTER 排出应招引的外地企业（并列出可在本地增资扩产的企业）。"),
        (gaps, "CLUSTER 的产业链环节（补链、延链、强链）：本地企业与外地企业对比，及候选企业。"),
        (export, "把各集群的目标企业清单、增资扩产清单和产业链缺口写入一个工作簿。"),
    ):
        app.command(command.__name__, help=text)(handle_errors(command))
