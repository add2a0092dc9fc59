"""One ledger record without a workbook: a project's stage change, one 备案.

The same checks as a table row (:mod:`loaders.office.ledger_rows`): the record goes
through the row handler as a one-row table named ``命令行``, so a stage going
backwards or a 备案 after signing reads the same in both places. The caller runs it
inside one store transaction (:func:`cli.common.loading`).
"""

from __future__ import annotations

import datetime as dt

from graph.base import NodeKind
from graph.errors import LoadError, NotFound
from graph.ids import node_id
from graph.ledger import Project
from graph.merge import coalesce
from graph.store import Store
from loaders.office.ledger_rows import introduction_row, project_row
from loaders.office.node_rows import Cells, RowBuilder
from loaders.office.rows import RowError
from loaders.report import LoadReport
from resolve.index import CompanyIndex
from resolve.normalise import name_key

#: Provenance of records typed at the command line.
DATASET = "命令行"


def _run(store: Store, index: CompanyIndex, what: str) -> RowBuilder:
    run = RowBuilder(DATASET, store, index, LoadReport(dataset=DATASET))
    run.file = what
    run.revision = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    return run


def _write(run: RowBuilder) -> None:
    run.store.upsert_nodes(coalesce(run.nodes))
    run.store.upsert_relations(coalesce(run.relations))


def find_project(store: Store, text: str) -> Project:
    """The project whose 编号 or name is ``text``.

    Raises
    ------
    NotFound
        When no project, or more than one, has that name.
    """
    direct = store.get_node(node_id(NodeKind.PROJECT, text))
    if isinstance(direct, Project):
        return direct
    key = name_key(text)
    found = [
        n
        for n in store.nodes(NodeKind.PROJECT)
        if isinstance(n, Project) and key in {name_key(x) for x in (n.name, *n.aliases)}
    ]
    if len(found) != 1:
        what = "没有" if not found else f"有 {len(found)} 个"
        raise NotFound(f"图谱中{what}名为 {text!r} 的项目：请用项目编号")
    return found[0]


def record_stage(
    store: Store, index: CompanyIndex, project: str, stage: str, on: dt.date
) -> tuple[Project, LoadReport]:
    """Append one dated stage to a project's history.

    Parameters
    ----------
    store : Store
        Written within the caller's transaction.
    index : CompanyIndex
    project : str
        The project's 编号 or name.
    stage : str
        线索, 洽谈/在谈, 签约, 开工 or 投产.
    on : date
        The day the stage was reached.

    Returns
    -------
    (Project, LoadReport)
        The project as stored afterwards, and the report (warnings only).

    Raises
    ------
    NotFound
        Unknown project.
    LoadError
        The stage is unknown or goes backwards (the message names the recorded stage).
    """
    found = find_project(store, project)
    unit = store.get_node(found.unit_id) if found.unit_id else None
    key = found.id.removeprefix("Project:")
    cells: Cells = {
        "key": ("" if key.startswith("name:") else key, "项目编号"),
        "name": (found.name, "项目名称"),
        "unit": (unit.name if unit else "", "责任单位"),
        "stage": (stage, "项目阶段"),
        "stage_on": (on, "阶段日期"),
    }
    run = _run(store, index, "阶段变更")
    try:
        project_row(run, cells, 0)
    except RowError as exc:
        raise LoadError(exc.message) from None
    _write(run)
    stored = store.get_node(found.id)
    assert isinstance(stored, Project)
    return stored, run.report


def record_introduction(
    store: Store,
    index: CompanyIndex,
    introducer: str,
    investor: str,
    filed_at: dt.datetime,
    project: str | None = None,
    introducer_type: str = "个人",
) -> tuple[str, LoadReport]:
    """Register one 备案 (append-only).

    Parameters
    ----------
    introducer : str
        The introducer's name (personal data when ``introducer_type`` is 个人).
    investor : str
        The investor introduced.
    filed_at : datetime
        Time of the 备案.
    project : str, optional
        The project's 编号 or name.
    introducer_type : str
        个人 (default), 企业 or 机构.

    Returns
    -------
    (str, LoadReport)
        The 备案's id and the report: a warning when it is dated on or after the
        project's signing (kept, but it can never win) or names an unknown project.

    Raises
    ------
    LoadError
        When a value is missing.
    """
    cells: Cells = {
        "filed_at": (filed_at, "备案时间"),
        "introducer": (introducer, "引荐人"),
        "introducer_type": (introducer_type, "引荐人类型"),
        "investor": (investor, "被引荐企业"),
        "project": (project or "", "项目"),
    }
    run = _run(store, index, "引荐备案")
    try:
        introduction_row(run, cells, 0)
    except RowError as exc:
        raise LoadError(exc.message) from None
    _write(run)
    return run.nodes[-1].id if run.nodes else "", run.report
