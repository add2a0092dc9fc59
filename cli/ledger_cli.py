"""The 招商 ledger's commands: ``progress`` (调度), ``board`` (项目看板), ``attribution``
(引荐台账) and ``record stage|intro`` (one record without a workbook, one transaction
each)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.table import Table

from cli.common import (
    DEFAULT_GRAPH_PATH,
    Backend,
    BackendOpt,
    DebugOpt,
    GraphOpt,
    JsonOpt,
    PrivateOpt,
    err,
    handle_errors,
    loading,
    open_graph,
    out,
    print_json,
)
from graph.errors import UsageError
from loaders.report import LoadReport

if TYPE_CHECKING:  # the reports' modules are imported by the commands that run
    from queries.channels import ChannelReport
    from queries.progress import ProgressReport

record_app = typer.Typer(
    help="记一笔招商台账（不用表格）：项目阶段变更、引荐备案；每笔一个事务。",
    no_args_is_help=True,
)

FromOpt = Annotated[str, typer.Option("--from", help="起始日期 YYYY-MM-DD（含）。")]
ToOpt = Annotated[str, typer.Option("--to", help="截止日期 YYYY-MM-DD（含）；目标按此年度。")]
XlsxOpt = Annotated[Path | None, typer.Option("--xlsx", help="另存为可直接打印的 Excel 调度表。")]
CityClustersOpt = Annotated[
    Path | None,
    typer.Option(
        "--clusters",
        help="本市产业集群文件（TOML），据此找出项目储备缺口；默认取图谱中的集群，"
        "没有则取项目所填的集群。",
    ),
]
ReserveMinOpt = Annotated[
    int,
    typer.Option("--reserve-min", min=1, help="储备项目（线索、在谈）少于此数的集群列为储备不足。"),
]


def _day(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text}：不是 YYYY-MM-DD 格式的日期") from None


def _pct(value: object) -> str:
    return "—" if value is None else f"{value}%"


def show_progress(report: ProgressReport) -> None:
    """Print the 调度 table: units behind schedule first, then the totals."""
    from queries.progress import yi

    table = Table(
        title=(
            f"招商调度 {report.date_from} 至 {report.date_to}"
            f"（时序进度 {report.time_pct}%，{report.year} 年目标）"
        ),
        title_justify="left",
        caption=(
            "金额单位：亿元；完成率 = 签约金额 ÷ 目标；进度：对任务目标的完成率低于时序进度为落后"
        ),
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        padding=(0, 1, 0, 0),
    )
    for head in ("单位", "类型", "任务\n目标", "自定\n目标", "签约\n项目", "签约\n金额",
                 "完成率\n对任务", "完成率\n对自定", "在谈\n项目", "进度"):  # fmt: skip
        left = head in ("单位", "类型", "进度")
        table.add_column(head, justify="left" if left else "right", no_wrap=head == "单位")
    rows = [*report.units, report.total]
    for row in rows:
        state = "" if row.behind is None else ("落后" if row.behind else "正常")
        table.add_row(
            row.name,
            row.unit_type or "",
            yi(row.city_target_yuan),
            yi(row.own_target_yuan),
            str(row.signed_count),
            yi(row.signed_yuan),
            _pct(row.city_rate_pct),
            _pct(row.own_rate_pct),
            str(row.talks_count),
            state,
            style="bold red" if row.behind else ("bold" if row is report.total else None),
            end_section=row is report.units[-1] if report.units else False,
        )
    out.print(table)
    gaps = report.gaps()
    rule = (
        f"储备 = {report.date_to} 处于线索、在谈阶段的项目；少于 {report.reserve_min} 个为储备不足"
    )
    if report.unlisted:
        others = "、".join(f"{c} {n} 个" for c, n in report.unlisted.items())
        rule += f"；另有储备项目所填集群不在本市集群中：{others}"
    if gaps:
        named = "；".join(f"{g.cluster} {g.gap}（线索 {g.leads}、在谈 {g.talks}）" for g in gaps)
        out.print(f"项目储备缺口：{named}。{rule}")
    elif report.clusters:
        out.print(f"项目储备：各集群均不少于 {report.reserve_min} 个储备项目。{rule}")


def progress_cmd(
    date_from: FromOpt,
    date_to: ToOpt,
    xlsx: XlsxOpt = None,
    clusters: CityClustersOpt = None,
    reserve_min: ReserveMinOpt = 3,
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    backend: BackendOpt = Backend.EMBEDDED,
    json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """招商调度表：各单位任务目标、自定目标、签约项目数与金额、完成率、在谈项目，落后单位在前；
    另列项目储备及其缺口（储备少的产业集群）。"""
    from queries.clusters import read_clusters
    from queries.progress import progress

    start, end = _day(date_from, "--from"), _day(date_to, "--to")
    names = None if clusters is None else [c.name for c in read_clusters(clusters).cluster]
    store = open_graph(backend, graph)
    report = progress(store, start, end, names, reserve_min)
    if json:
        print_json(report)
    else:
        show_progress(report)
    if xlsx is not None:
        from queries.progress_xlsx import write_progress_xlsx

        err.print(f"已写入 {write_progress_xlsx(report, xlsx)}")


def board_cmd(
    as_of: Annotated[str, typer.Option("--as-of", help="看板日期 YYYY-MM-DD（默认今天）。")] = "",
    unit: Annotated[
        str | None, typer.Option("--unit", help="只看此责任单位（名称或编号）的项目。")
    ] = None,
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    backend: BackendOpt = Backend.EMBEDDED,
    json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """项目看板：各项目按该日所处阶段（线索、在谈、签约、开工、投产）归列，可按责任单位筛选。"""
    from queries.board import project_board
    from queries.progress import yi

    day = _day(as_of, "--as-of") if as_of else dt.date.today()
    board = project_board(open_graph(backend, graph), day, unit)
    if json:
        print_json(board)
        return
    out.print(f"项目看板（{day}）；金额单位：亿元", highlight=False)
    for column in board.columns:
        out.print(f"{column.stage}：{column.count} 个项目，{yi(column.amount_yuan) or '0'} 亿元",
                  style="bold", highlight=False)  # fmt: skip
        for c in column.cards:
            amount = "" if c.amount_yuan is None else f"，{yi(c.amount_yuan)} 亿元"
            out.print(f"  {c.name}（{c.unit or '责任单位不详'}，{c.since} 起{amount}）",
                      highlight=False)  # fmt: skip


def attribution_cmd(
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="奖励办法文件（TOML），示例见 examples/rewards.toml。"),
    ] = None,
    as_of: Annotated[str, typer.Option("--as-of", help="判定日期 YYYY-MM-DD（默认今天）。")] = "",
    include_private: PrivateOpt = False,
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    backend: BackendOpt = Backend.EMBEDDED,
    json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """引荐台账：每个项目以最先有效备案者为引荐人，列出在后、争议、签约后备案及奖励计算依据。"""
    from graph.privacy import redact
    from queries.attribution import RewardRules, attribution, wan

    day = _day(as_of, "--as-of") if as_of else dt.date.today()
    scheme = RewardRules.load(rules) if rules is not None else None
    store = open_graph(backend, graph)
    found = attribution(store, day, scheme)
    ledger = redact(found, include_private, names=found.people())
    if json:
        print_json(ledger)
        return
    table = Table(
        title=f"引荐台账（{day}；奖励办法：{ledger.rules or '未指定，用 --rules'}）",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
    )
    for head in ("项目", "备案时间", "引荐人", "投资方", "判定", "奖励（万元）", "说明"):
        table.add_column(head, overflow="fold")
    for f in ledger.filings:
        money = "" if f.reward_yuan is None else wan(f.reward_yuan)
        table.add_row(
            f.project_name or "—",
            f"{f.filed_at:%Y-%m-%d %H:%M}",
            f.introducer,
            f.investor,
            f.status,
            money,
            f.reason,
            style="bold" if f.status == "领先" else ("red" if f.status == "争议" else None),
        )
    out.print(table)
    total = sum((f.reward_yuan for f in ledger.filings if f.reward_yuan is not None), Decimal(0))
    out.print(f"奖励合计：{wan(total)} 万元")


def _warnings(report: LoadReport) -> None:
    for issue in report.issues:
        err.print(f"注意：{issue.message}")


def record_stage_cmd(
    project: Annotated[str, typer.Argument(help="项目编号或项目名称。")],
    stage: Annotated[str, typer.Argument(help="线索、洽谈（在谈）、签约、开工 或 投产。")],
    on: Annotated[str, typer.Option("--on", help="进入该阶段的日期 YYYY-MM-DD（默认今天）。")] = "",
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    debug: DebugOpt = False,
) -> None:
    """记一次项目阶段变更（追加到阶段历史，不改旧记录；阶段倒退会被拒绝）。"""
    from loaders.office.ledger_records import record_stage

    day = _day(on, "--on") if on else dt.date.today()
    with loading(graph) as (store, index):
        stored, report = record_stage(store, index, project, stage, day)
    _warnings(report)
    history = "，".join(f"{e.stage.value} {e.on}" for e in stored.stages)
    out.print(f"{stored.name}：{history}")


def record_intro_cmd(
    introducer: Annotated[str, typer.Argument(help="引荐人姓名或引荐单位名称。")],
    investor: Annotated[str, typer.Argument(help="被引荐的投资方企业。")],
    project: Annotated[str | None, typer.Option("--project", help="所涉项目的编号或名称。")] = None,
    at: Annotated[
        str, typer.Option("--at", help="备案时间 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM（默认现在）。")
    ] = "",
    introducer_type: Annotated[
        str, typer.Option("--type", help="引荐人类型：个人、企业、机构。")
    ] = "个人",
    include_private: PrivateOpt = False,
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    debug: DebugOpt = False,
) -> None:
    """登记一次引荐备案（只追加，不修改；先备案者优先）。"""
    from graph.privacy import mask_name
    from loaders.office.ledger_records import record_introduction

    try:
        when = dt.datetime.fromisoformat(at) if at else dt.datetime.now().replace(microsecond=0)
    except ValueError:
        raise UsageError(f"--at {at}：不是 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM 格式") from None
    with loading(graph) as (store, index):
        _, report = record_introduction(
            store, index, introducer, investor, when, project, introducer_type
        )
    _warnings(report)
    shown = introducer if include_private or introducer_type != "个人" else mask_name(introducer)
    out.print(f"已备案：{shown} 引荐 {investor}（{when:%Y-%m-%d %H:%M}）")


def channels_cmd(
    as_of: Annotated[
        str, typer.Option("--as-of", help="统计截止日期 YYYY-MM-DD（默认今天）。")
    ] = "",
    include_private: PrivateOpt = False,
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    backend: BackendOpt = Backend.EMBEDDED,
    json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """渠道转化：各类引荐渠道（个人、商会、代理公司、本地企业……）的备案数、签约数、转化率与签约金额；
    本市招商大使、顾问、代理机构、驻外办事处各自的引荐成效，委托招商对目标的完成情况，展会客商的后续签约。"""
    from graph.privacy import redact
    from queries.channels import channel_report
    from queries.progress import yi

    day = _day(as_of, "--as-of") if as_of else dt.date.today()
    found = channel_report(open_graph(backend, graph), day)
    report = redact(found, include_private, names=found.own.people())
    if json:
        print_json(report)
        return
    table = Table(title=f"引荐渠道转化（截至 {day}）", title_justify="left", caption=report.rule,
                  caption_justify="left", box=box.SIMPLE_HEAD, show_edge=False)  # fmt: skip
    for head in ("渠道", "备案", "签约", "转化率", "签约金额（亿元）", "与投资方的关系"):
        table.add_column(head, overflow="fold")
    for r in report.rows:
        ties = "、".join(f"{k} {v}" for k, v in r.ties.items()) or "—"
        table.add_row(r.channel, str(r.filings), str(r.signed), f"{r.rate_pct}%",
                      yi(r.signed_yuan), ties)  # fmt: skip
    out.print(table)
    show_own_channels(report)


def show_own_channels(report: ChannelReport) -> None:
    """Print our channel actors, the 委托招商 mandates and the fairs (already redacted)."""
    from queries.progress import yi

    own = report.own
    if own.channels:
        table = Table(title=f"本市招商渠道（截至 {own.as_of}；引荐按最先有效备案计）",
                      title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)  # fmt: skip
        for head in ("渠道", "类型", "所属单位", "覆盖地区", "联系企业", "备案", "签约",
                     "签约金额（亿元）"):  # fmt: skip
            table.add_column(head, overflow="fold")
        for c in own.channels:
            table.add_row(c.name, c.channel_type, c.unit, "、".join(c.region_names) or "—",
                          str(c.firms_covered), str(c.filings), str(c.signed),
                          yi(c.signed_yuan))  # fmt: skip
        out.print(table)
    if own.mandates:
        title = "委托招商完成情况（委托期内、委托领域内、该机构最先备案且已签约的项目）"
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
        for head in ("受托机构", "委托单位", "委托期", "领域", "签约/目标项目", "完成率",
                     "签约/目标金额（亿元）", "完成率"):  # fmt: skip
            table.add_column(head, overflow="fold")
        for m in own.mandates:
            goal = "—" if m.target_projects is None else str(m.target_projects)
            table.add_row(m.agency, m.unit, f"{m.period_from} 至 {m.period_to}",
                          "、".join(m.clusters) or "不限", f"{m.signed}/{goal}",
                          _pct(m.projects_rate_pct),
                          f"{yi(m.signed_yuan)}/{yi(m.target_yuan) or '—'}",
                          _pct(m.amount_rate_pct))  # fmt: skip
        out.print(table)
    if own.fairs:
        table = Table(title="展会客商（参展企业此后有签约项目；时间先后，不证明由展会促成）",
                      title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)  # fmt: skip
        for head in ("展会", "日期", "地点", "客商", "图谱中", "此后签约", "签约金额（亿元）"):
            table.add_column(head, overflow="fold")
        for f in own.fairs:
            table.add_row(f.fair, str(f.held_on), f.place or "—", str(f.leads), str(f.resolved),
                          str(f.converted), yi(f.signed_yuan))  # fmt: skip
        out.print(table)


def register(app: typer.Typer) -> None:
    """Add ``progress``, ``board``, ``attribution``, ``channels`` and ``record stage|intro``."""
    app.command("progress")(handle_errors(progress_cmd))
    app.command("board")(handle_errors(board_cmd))
    app.command("attribution")(handle_errors(attribution_cmd))
    app.command("channels")(handle_errors(channels_cmd))
    record_app.command("stage")(handle_errors(record_stage_cmd))
    record_app.command("intro")(handle_errors(record_intro_cmd))
    app.add_typer(record_app, name="record")
