"""``zhaoshang``: load sources, ask who can introduce us, rank a cluster's targets."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from typer.main import get_command_name

from cli import click_zh
from cli.common import (
    DEFAULT_GRAPH_PATH,
    Backend,
    BackendOpt,
    DebugOpt,
    GraphOpt,
    HomeOpt,
    JsonOpt,
    MaxHopsOpt,
    PrivateOpt,
    dangling_relations,
    err,
    handle_errors,
    home_region,
    loading,
    nothing_loaded,
    open_graph,
    out,
    print_json,
)
from cli.console import tolerant_streams
from cli.ledger_cli import register as register_ledger
from cli.paths_cli import register as register_paths
from cli.render import show_referrals
from cli.resolve_cli import register as register_resolve
from cli.sync import register as register_sync
from cli.tables_cli import LimitOpt
from cli.tables_cli import register as register_tables
from cli.targets_cli import register as register_targets
from cli.web_cli import register as register_web
from graph.errors import LoadError, UsageError
from loaders.report import LEVELS, LoadReport

click_zh.install()  # click's own texts (Usage, Options, usage errors) in Chinese

app = typer.Typer(
    name="zhaoshang",
    help="招商图谱：谁能引荐我们认识企业 X，集群 Y 应当招引哪些企业。",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
)
load_app = typer.Typer(help="把数据载入图谱。", no_args_is_help=True)
app.add_typer(load_app, name="load")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        out.print(f"zhaoshang {version('zhaoshang')}")
        raise typer.Exit()


@app.callback()
def root(
    show_version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="显示版本。"),
    ] = None,
) -> None:
    """招商图谱 — a knowledge graph for investment promotion (以商招商)."""
    tolerant_streams()


def _print_reports(reports: list[LoadReport], limit: int = 5) -> None:
    for r in reports:
        err.print(r.summary(), highlight=False)
        for issue in r.issues[:limit]:
            err.print(f"  {LEVELS[issue.severity]}：{issue}", highlight=False)
        if len(r.issues) > limit:
            err.print(f"  … 另有 {len(r.issues) - limit} 条问题", highlight=False)


@load_app.command(
    "public", help="载入公开数据集（chain-kg、szse-2025、executives-2018、a-share-2025 等）。"
)
@handle_errors
def load_public_cmd(
    folder: Annotated[Path, typer.Argument(help="公开数据集所在文件夹。")],
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="只载入这些数据集文件夹（可重复）。")
    ] = None,
    debug: DebugOpt = False,
) -> None:
    """Load the public datasets (chain-kg, szse-2025, executives-2018, a-share-2025, …)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from loaders.public.load import DATASETS, load_public

    names = [name for name, _ in DATASETS]
    unknown = [name for name in only or [] if name not in names]
    if unknown:
        raise UsageError(f"--only {'、'.join(unknown)}：没有这个数据集", names)
    if not folder.is_dir():
        raise LoadError(f"公开数据目录 {folder} 不存在或不是文件夹")
    started = time.perf_counter()
    with (
        loading(graph) as (store, index),
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}", markup=False),
            TimeElapsedColumn(),
            console=err,
        ) as progress,
    ):
        task = progress.add_task("载入中", total=None)
        reports = load_public(
            folder,
            store,
            only,
            on_start=lambda n: progress.update(task, description=n),
            index=index,
        )
        nothing_loaded(reports)
        progress.update(task, description="保存中")
    _print_reports(reports)
    err.print(f"已保存 {graph}（用时 {time.perf_counter() - started:.1f} 秒）", highlight=False)


@load_app.command(
    "folder", help="载入按 zhaoshang 目录约定存放的 CSV 文件夹（企业、人员、中介、基金、关系）。"
)
@handle_errors
def load_folder_cmd(
    folder: Annotated[Path, typer.Argument(help="按 zhaoshang 目录约定存放 CSV 文件的文件夹。")],
    limit: LimitOpt = None,
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    debug: DebugOpt = False,
) -> None:
    """Load a folder of companies/people/intermediaries/funds/relations CSV files."""
    from loaders.office.csv_folder import load_folder
    from loaders.office.limits import Limits

    limits = Limits.load(limit or [])
    with loading(graph) as (store, index):
        report = load_folder(folder, store, index, limits=limits)
        nothing_loaded([report])
    _print_reports([report])


@app.command(help="按类型列出图谱的节点数和关系数；有关系缺少端点时退出码为 1。")
@handle_errors
def info(
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    backend: BackendOpt = Backend.EMBEDDED,
    json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Show node and relation counts by kind; exit 1 when relations lack an end node."""
    store = open_graph(backend, graph)
    nodes = {k.value: v for k, v in store.count_nodes().items()}
    rels = {k.value: v for k, v in store.count_relations().items()}
    dangling = dangling_relations(store)
    if json:
        print_json([{"nodes": nodes, "relations": rels, "dangling_relations": dangling}])
    else:
        out.print(str(graph if backend is Backend.EMBEDDED else store), style="bold")
        from graph.words import KIND_ZH, REL_ZH

        out.print("节点：" + "，".join(f"{KIND_ZH[k]}（{k}）{v:,}" for k, v in nodes.items()))
        out.print("关系：" + "，".join(f"{REL_ZH[k]}（{k}）{v:,}" for k, v in rels.items()))
    if dangling:
        raise LoadError(
            f"数据问题：{dangling:,} 条关系指向图谱中不存在的节点（文件损坏或被手工改动），"
            "查询会略过它们；请重新载入数据"
        )


@app.command(help="谁能引荐我们认识 TARGET：最强的 k 条引荐路径，逐跳说明。")
@handle_errors
def introduce(
    target: Annotated[str, typer.Argument(help="企业名称、简称、股票代码或编号。")],
    home: HomeOpt = None,
    k: Annotated[int, typer.Option("-k", min=1, help="列出的路径条数。")] = 5,
    max_hops: MaxHopsOpt = 4,
    ties: Annotated[Path | None, typer.Option(help="关系强度表（TOML）。")] = None,
    include_private: PrivateOpt = False,
    all_paths: Annotated[bool, typer.Option("--all", help="强度低于下限的路径也列出。")] = False,
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    backend: BackendOpt = Backend.EMBEDDED,
    json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Who can introduce us to TARGET: the k strongest referral paths, explained."""
    from graph.privacy import redact
    from queries.paths import SearchContext, referral_paths
    from queries.ties import TieModel
    from queries.underway import with_underway
    from queries.view import find_company

    tie_model = TieModel.load(ties)
    store = open_graph(backend, graph)
    code = home_region(store, home, json=json)
    target_id = find_company(store, target)
    ctx = SearchContext.build(store, code, tie_model, include_private=include_private)
    floor = 0.0 if all_paths else None
    found = referral_paths(store, target_id, code, k=k, max_hops=max_hops, context=ctx, floor=floor)
    found = with_underway(store, found)  # projects and contacts the office already has
    result = redact(found, include_private)  # the one privacy rule of every output
    if json:
        print_json(result)
    else:
        show_referrals(out, result)


@app.command(help="载入示例城市，打印引荐路径，写出目标企业工作簿。")
@handle_errors
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="示例输出的文件夹。")] = Path("out/demo"),
    data: Annotated[
        Path | None, typer.Option(help="示例数据文件夹（默认 examples/demo）。")
    ] = None,
    debug: DebugOpt = False,
) -> None:
    """Load the illustrative demo city, print referral paths, write a target workbook."""
    from cli.demo import run_demo

    run_demo(out_dir, data)


register_tables(app, load_app)  # template, load table, load dir
register_paths(app)  # connectors
register_targets(app)  # targets, gaps, export
register_sync(app)  # push, pull
register_resolve(app)  # resolve
register_ledger(app)  # progress, attribution, record stage|intro
register_web(app)  # serve, user add|list


def only_invoked(typer_app: typer.Typer, args: list[str]) -> None:
    """Keep in ``typer_app`` only the command or group that ``args`` invoke.

    On every run typer turns the signature of each registered command into click
    parameters (evaluating their annotations): ~0.15 s for this app's 19 commands and groups,
    a third of ``info``. When the first word of ``args`` that is not an option names a
    command or group, the others are dropped for this process; otherwise (``-h``, no
    command, a misspelt one that deserves "是否想用 …") all stay.
    """
    word = next((a for a in args if not a.startswith("-")), None)
    if word is None:
        return
    commands = [
        c
        for c in typer_app.registered_commands
        if (c.name or get_command_name(getattr(c.callback, "__name__", ""))) == word
    ]
    groups = [g for g in typer_app.registered_groups if g.name == word]
    if commands or groups:
        typer_app.registered_commands = commands
        typer_app.registered_groups = groups


def main() -> None:
    """Console entry point."""
    tolerant_streams()  # before anything is printed: 䶮 on a GBK terminal is no crash
    only_invoked(app, sys.argv[1:])
    app()
