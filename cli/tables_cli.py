"""``zhaoshang template`` and ``zhaoshang load table|dir``: the offices' own tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.common import (
    DEFAULT_GRAPH_PATH,
    DebugOpt,
    GraphOpt,
    err,
    handle_errors,
    loading,
    nothing_loaded,
    out,
)
from graph.errors import UsageError
from loaders.report import LoadReport

MappingOpt = Annotated[
    Path | None,
    typer.Option("--mapping", "-m", help="Column mapping file (TOML): header → field per kind."),
]
ReportOpt = Annotated[
    Path | None, typer.Option("--report", help="Also write the load report to this .xlsx file.")
]
LimitOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--limit",
        help=(
            "放宽读取上限，写成 名称=数值，可重复：rows、cells、cell_chars、span、zip_ratio、"
            "unzipped_mb、json_mb（也可用环境变量 ZHAOSHANG_MAX_…，见 README）。"
        ),
    ),
]
DatasetOpt = Annotated[
    str | None, typer.Option("--dataset", help="Provenance name (default: the folder's name).")
]


def show_report(console: Console, report: LoadReport, limit: int = 50) -> None:
    """Print a load report: how each file was read, counts by kind, then the issues."""
    console.print(report.summary(), style="bold")
    for file, how in report.read_as.items():
        console.print(f"  read {file}: {how}", highlight=False)
    if report.written_by_kind:
        counts = ", ".join(f"{k} {v}" for k, v in report.written_by_kind.items())
        console.print(f"  written: {counts}", highlight=False)
    if not report.issues:
        return
    table = Table(title=f"{len(report.issues)} issues", title_justify="left")
    for column in ("file", "sheet", "row", "column", "code", "level", "message"):
        table.add_column(column, overflow="fold")
    for i in report.issues[:limit]:
        table.add_row(i.file, i.sheet, str(i.row), i.field, i.code, i.severity, i.message)
    console.print(table)
    if len(report.issues) > limit:
        console.print(f"… {len(report.issues) - limit} more (write them all with --report)")


def _finish(report: LoadReport, report_path: Path | None) -> None:
    """Print (and write) the report; exit 1 when a file loaded nothing at all."""
    show_report(err, report)
    if report_path is not None:
        from loaders.office.templates import write_report_xlsx

        write_report_xlsx([report], report_path)
        err.print(f"wrote {report_path}", highlight=False)
    if report.failed_files:
        names = "、".join(report.failed_files)
        err.print(
            f"错误：{len(report.failed_files)} 个文件未能载入：{names}（原因见上表）", markup=False
        )
        raise typer.Exit(1)


def template_cmd(
    folder: Annotated[Path, typer.Argument(help="Folder to write the .xlsx templates into.")],
    debug: DebugOpt = False,
) -> None:
    """Write fill-in Excel templates (with 填写说明) for every table kind."""
    from loaders.office.templates import write_templates

    for path in write_templates(folder):
        out.print(str(path))


def load_table_cmd(
    file: Annotated[Path, typer.Argument(help="CSV, TSV, XLSX, XLS, HTML or JSON table.")],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            "-k",
            help="company, person, intermediary, fund, relation or cluster (default: guess).",
        ),
    ] = None,
    mapping: MappingOpt = None,
    dataset: DatasetOpt = None,
    report: ReportOpt = None,
    limit: LimitOpt = None,
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    debug: DebugOpt = False,
) -> None:
    """Load one table (every sheet of a workbook) of firms, people, relations …"""
    from loaders.office.limits import Limits
    from loaders.office.mapping import KINDS, Mapping
    from loaders.office.table_loader import load_table

    if kind is not None and kind not in KINDS:  # before the database is opened
        raise UsageError(f"--kind {kind}：没有这种表格类型", list(KINDS))
    limits, columns = Limits.load(limit or []), Mapping.load(mapping)
    with loading(graph) as (store, index):
        result = load_table(file, store, index, kind, columns, dataset, limits)
        nothing_loaded([result])
    _finish(result, report)  # after the commit: a file that failed does not undo the others


def load_dir_cmd(
    folder: Annotated[Path, typer.Argument(help="Folder of table files (any of the formats).")],
    mapping: MappingOpt = None,
    dataset: DatasetOpt = None,
    report: ReportOpt = None,
    limit: LimitOpt = None,
    graph: GraphOpt = DEFAULT_GRAPH_PATH,
    debug: DebugOpt = False,
) -> None:
    """Load every table file of a folder: rosters first, then relations and clusters."""
    from loaders.office.limits import Limits
    from loaders.office.mapping import Mapping
    from loaders.office.table_loader import load_dir

    limits, columns = Limits.load(limit or []), Mapping.load(mapping)
    with loading(graph) as (store, index):
        result = load_dir(folder, store, index, columns, dataset, limits)
        nothing_loaded([result])
    _finish(result, report)  # after the commit: a file that failed does not undo the others


def register(app: typer.Typer, load_app: typer.Typer) -> None:
    """Add ``template`` to ``app`` and ``table``/``dir`` to ``load_app``."""
    app.command("template")(handle_errors(template_cmd))
    load_app.command("table")(handle_errors(load_table_cmd))
    load_app.command("dir")(handle_errors(load_dir_cmd))
