"""``zhaoshang push`` and ``zhaoshang pull``: copy the graph between the two backends."""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cli.common import (
    DEFAULT_GRAPH_PATH,
    Backend,
    DebugOpt,
    GraphOpt,
    err,
    handle_errors,
    open_graph,
)
from graph.errors import ZhaoshangError
from graph.store import Store, UpsertCounts, open_backend


class Server(StrEnum):
    """The servers a graph can be pushed to or pulled from."""

    NEO4J = "neo4j"


def _copy(source: Store, target: Store, what: str) -> tuple[UpsertCounts, UpsertCounts]:
    """Copy with a progress bar per record kind on stderr."""
    n_nodes = sum(source.count_nodes().values())
    n_rels = sum(source.count_relations().values())
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
    ) as progress:
        nodes = progress.add_task(f"{what} 节点", total=n_nodes)
        rels = progress.add_task(f"{what} 关系", total=n_rels)
        from graph.neo4j_bulk import copy_graph

        return copy_graph(
            source,
            target,
            on_nodes=lambda n: progress.advance(nodes, n),
            on_relations=lambda n: progress.advance(rels, n),
        )


def _report(counts: tuple[UpsertCounts, UpsertCounts], started: float) -> None:
    nodes, rels = counts
    err.print(
        f"节点：新建 {nodes.created:,}，更新 {nodes.updated:,}；"
        f"关系：新建 {rels.created:,}，更新 {rels.updated:,}"
        f"（{time.perf_counter() - started:.1f} 秒）",
        highlight=False,
    )


def push(
    to: Annotated[Server, typer.Option("--to", help="把图谱复制到哪个服务器。")],
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    debug: DebugOpt = False,
) -> None:
    """Copy the embedded graph into Neo4j (idempotent: a second push changes nothing).

    Records are upserted: ids Neo4j does not hold are created, the others merged as
    the embedded store merges. The server comes from NEO4J_URI, NEO4J_USER,
    NEO4J_PASSWORD and NEO4J_DATABASE.
    """
    source = open_graph(Backend.EMBEDDED, graph)
    target = open_backend(to.value)
    started = time.perf_counter()
    _report(_copy(source, target, f"push → {target}"), started)


def pull(
    from_: Annotated[Server, typer.Option("--from", help="从哪个服务器复制图谱。")],
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    debug: DebugOpt = False,
) -> None:
    """Copy the Neo4j graph into the embedded file (merged into it when it exists).

    The file is written atomically once everything is read: an interrupted pull leaves
    it as it was.
    """
    source = open_backend(from_.value)
    if not source.count_nodes():
        raise ZhaoshangError(f"{source} 中没有任何节点，未拉取；{graph} 保持原样")
    target = open_backend("embedded", graph)
    started = time.perf_counter()
    counts = _copy(source, target, f"pull ← {source}")
    target.save()
    _report(counts, started)
    err.print(f"已保存 {graph}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``push`` and ``pull`` to ``app``."""
    app.command(
        "push",
        help="把内置图谱复制到 Neo4j（幂等：重复推送不改变任何数据）；"
        "服务器由环境变量 NEO4J_URI、NEO4J_USER、NEO4J_PASSWORD、NEO4J_DATABASE 指定。",
    )(handle_errors(push))
    app.command(
        "pull",
        help="把 Neo4j 中的图谱复制到内置图谱文件（文件已存在时合并）；全部读完后一次写入。",
    )(handle_errors(pull))
