"""``zhaoshang resolve``: how firm mentions were resolved, and the review round trip."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.common import (
    DEFAULT_GRAPH_PATH,
    Backend,
    BackendOpt,
    DebugOpt,
    GraphOpt,
    err,
    handle_errors,
    open_graph,
    out,
    require_graph,
)
from graph.errors import NotFound

_SHOWN_CONFLICTS = 5


def resolve_cmd(
    review: Annotated[
        Path | None,
        typer.Option("--review", help="把待判断的企业对写入此 .xlsx，供标注 是/否。"),
    ] = None,
    apply: Annotated[
        Path | None,
        typer.Option("--apply", help="读回复核工作簿中标注的 是/否。"),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="--review 最多写出的企业对数。")
    ] = 500,
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    backend: BackendOpt = Backend.EMBEDDED,
    debug: DebugOpt = False,
) -> None:
    """Summarise entity resolution (by dataset and rule); review and apply judgements.

    The log beside the graph (GRAPH.resolution.jsonl) is written by every load. Marks
    applied with --apply are kept in it and take effect on the next load: load into a
    fresh graph to undo a merge marked 否.
    """
    from resolve.decisions import NO, YES, log_path, merge_judgements, read_log, summary, write_log
    from resolve.index import CompanyIndex
    from resolve.review import read_review, review_pairs, write_review

    if backend is Backend.EMBEDDED:
        require_graph(graph)
    path = log_path(graph)
    if not path.exists():
        raise NotFound(f"{path}：没有实体对齐记录；请先向 {graph} 载入数据")
    log = read_log(path)
    if apply is not None:
        judged, errors = read_review(apply)
        for e in errors:
            err.print(f"已跳过：{e}", highlight=False)
        before = {j.key: j.same for j in log.judgements}
        log.judgements = merge_judgements(log.judgements, judged)
        changed = sum(1 for j in judged if before.get(j.key) != j.same)
        write_log(path, CompanyIndex(), log.judgements, previous=log)
        yes = sum(j.same for j in judged)
        err.print(
            f"从 {apply.name} 读入判断 {len(judged)} 条（{YES} {yes} 条，"
            f"{NO} {len(judged) - yes} 条；新增或改变 {changed} 条），保存在 {path}。"
            "下次载入时生效（要撤销合并，请载入到新图谱）。",
            highlight=False,
        )
    _print_summary(summary(log))
    for c in log.conflicts[:_SHOWN_CONFLICTS]:
        out.print(f"  冲突 {c['kind']}：{c['detail']}")
    if len(log.conflicts) > _SHOWN_CONFLICTS:
        out.print(f"  … 另有 {len(log.conflicts) - _SHOWN_CONFLICTS} 条冲突，见 {path}")
    if review is not None:
        store = open_graph(backend, graph)
        pairs = review_pairs(log, CompanyIndex.from_store(store), limit=limit)
        write_review(review, pairs)
        err.print(f"已把待判断的企业对 {len(pairs)} 对写入 {review}", highlight=False)


def _print_summary(counts: dict[str, Counter[str]]) -> None:
    table = Table(title="实体对齐（企业名称归并）", show_lines=False)
    table.add_column("数据集")
    table.add_column("结果（依据）")
    table.add_column("提及次数", justify="right")
    for dataset, counter in counts.items():
        if dataset in ("conflicts", "judgements"):
            continue
        for label, n in sorted(counter.items()):
            table.add_row(dataset, label, f"{n:,}")
    out.print(table)
    for name, title in (("conflicts", "来源冲突"), ("judgements", "人工判断")):
        counter = counts.get(name, Counter())
        text = "，".join(f"{k} {v:,}" for k, v in sorted(counter.items())) or "无"
        out.print(f"{title}：{text}")


def register(app: typer.Typer) -> None:
    """Add ``resolve`` to ``app``."""
    app.command(
        "resolve",
        help="实体对齐汇总（按数据集和规则）；写出待复核的企业对，读回 是/否 判断。"
        "判断保存在图谱旁的 .resolution.jsonl 中，下次载入时生效；"
        "要撤销标为 否 的合并，请载入到新图谱。",
    )(handle_errors(resolve_cmd))
