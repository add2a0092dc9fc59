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
from loaders.report import LEVELS, LoadReport

MappingOpt = Annotated[
    Path | None,
    typer.Option("--mapping", "-m", help="列名映射文件（TOML）：按表格类型写 表头 → 字段。"),
]
ReportOpt = Annotated[Path | None, typer.Option("--report", help="另把载入报告写入此 .xlsx 文件。")]
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
    str | None, typer.Option("--dataset", help="数据来源名称（默认为文件夹名）。")
]


def show_report(console: Console, report: LoadReport, limit: int = 50) -> None:
    """Print a load report: how each file was read, counts by kind, then the issues."""
    console.print(report.summary(), style="bold")
    for file, how in report.read_as.items():
        console.print(f"  读取 {file}：{how}", highlight=False)
    if report.written_by_kind:
        counts = "，".join(f"{k} {v}" for k, v in report.written_by_kind.items())
        console.print(f"  写入：{counts}", highlight=False)
    if not report.issues:
        return
    table = Table(title=f"问题 {len(report.issues)} 条", title_justify="left")
    for column in ("文件", "工作表", "行", "列", "代码", "级别", "说明"):
        table.add_column(column, overflow="fold")
    for i in report.issues[:limit]:
        level = LEVELS[i.severity]
        table.add_row(i.file, i.sheet, str(i.row), i.field, i.code, level, i.message)
    console.print(table)
    if len(report.issues) > limit:
        console.print(f"… 另有 {len(report.issues) - limit} 条（用 --report 全部写出）")


def _finish(report: LoadReport, report_path: Path | None) -> None:
    """Print (and write) the report; exit 1 when a file loaded nothing at all."""
    show_report(err, report)
    if report_path is not None:
        from loaders.office.templates import write_report_xlsx

        write_report_xlsx([report], report_path)
        err.print(f"已写出 {report_path}", highlight=False)
    if report.failed_files:
        names = "、".join(report.failed_files)
        err.print(
            f"错误：{len(report.failed_files)} 个文件未能载入：{names}（原因见上表）", markup=False
        )
        raise typer.Exit(1)


def template_cmd(
    folder: Annotated[Path, typer.Argument(help="写入 .xlsx 模板的文件夹。")],
    debug: DebugOpt = False,
) -> None:
    """Write fill-in Excel templates (with 填写说明) for every table kind."""
    from loaders.office.templates import write_templates

    for path in write_templates(folder):
        out.print(str(path))


def load_table_cmd(
    file: Annotated[Path, typer.Argument(help="CSV、TSV、XLSX、XLS、HTML 或 JSON 表格。")],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            "-k",
            help="表格类型：company（企业）、person（人员）、intermediary（中介）、fund（基金）、"
            "relation（关系）、cluster（集群），招商台账的 unit（单位与目标）、project（项目）、"
            "outing（外出招商）、introduction（引荐备案）、channel（招商渠道）、mandate（委托招商）"
            "或 fair（展会客商）；默认自动判断。",
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
    folder: Annotated[Path, typer.Argument(help="存放表格文件（任一支持格式）的文件夹。")],
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
    template_help = "为每种表格写出带 填写说明 的 Excel 模板。"
    app.command("template", help=template_help)(handle_errors(template_cmd))
    load_app.command("table", help="载入一个表格（工作簿的每个工作表）：企业、人员、关系等。")(
        handle_errors(load_table_cmd)
    )
    load_app.command("dir", help="载入文件夹中的全部表格文件：先载入名录，再载入关系和集群。")(
        handle_errors(load_dir_cmd)
    )
