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
        typer.Option("--review", help="Write candidate pairs to this .xlsx for 是/否 marks."),
    ] = None,
    apply: Annotated[
        Path | None,
        typer.Option("--apply", help="Read the 是/否 marks of a review workbook back."),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="At most this many pairs in --review.")
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
    from resolve.decisions import (
        NO,
        YES,
        log_path,
        merge_judgements,
        read_log,
        read_review,
        review_pairs,
        summary,
        write_log,
        write_review,
    )
    from resolve.index import CompanyIndex

    if backend is Backend.EMBEDDED:
        require_graph(graph)
    path = log_path(graph)
    if not path.exists():
        raise NotFound(f"{path}：没有实体对齐记录；请先向 {graph} 载入数据")
    log = read_log(path)
    if apply is not None:
        judged, errors = read_review(apply)
        for e in errors:
            err.print(f"skipped: {e}", highlight=False)
        before = {j.key: j.same for j in log.judgements}
        log.judgements = merge_judgements(log.judgements, judged)
        changed = sum(1 for j in judged if before.get(j.key) != j.same)
        write_log(path, CompanyIndex(), log.judgements, previous=log)
        yes = sum(j.same for j in judged)
        err.print(
            f"{len(judged)} judgements read from {apply.name} ({yes} {YES}, "
            f"{len(judged) - yes} {NO}; {changed} new or changed), kept in {path}. "
            "They apply on the next load (into a fresh graph to undo a merge).",
            highlight=False,
        )
    _print_summary(summary(log))
    for c in log.conflicts[:_SHOWN_CONFLICTS]:
        out.print(f"  conflict {c['kind']}: {c['detail']}")
    if len(log.conflicts) > _SHOWN_CONFLICTS:
        out.print(f"  … {len(log.conflicts) - _SHOWN_CONFLICTS} more conflicts in {path}")
    if review is not None:
        store = open_graph(backend, graph)
        pairs = review_pairs(log, CompanyIndex.from_store(store), limit=limit)
        write_review(review, pairs)
        err.print(f"{len(pairs)} pairs to judge written to {review}", highlight=False)


def _print_summary(counts: dict[str, Counter[str]]) -> None:
    table = Table(title="实体对齐 entity resolution", show_lines=False)
    table.add_column("dataset")
    table.add_column("result")
    table.add_column("mentions", justify="right")
    for dataset, counter in counts.items():
        if dataset in ("conflicts", "judgements"):
            continue
        for label, n in sorted(counter.items()):
            table.add_row(dataset, label, f"{n:,}")
    out.print(table)
    for name in ("conflicts", "judgements"):
        counter = counts.get(name, Counter())
        text = ", ".join(f"{k} {v:,}" for k, v in sorted(counter.items())) or "none"
        out.print(f"{name}: {text}")


def register(app: typer.Typer) -> None:
    """Add ``resolve`` to ``app``."""
    app.command("resolve")(handle_errors(resolve_cmd))
