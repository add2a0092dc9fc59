"""The project board: every 招商 project in the column of the stage it is at on a day.

One column per stage in the order 线索 → 在谈 → 签约 → 开工 → 投产 (the loader reads
洽谈 as 在谈, :class:`graph.base.Stage`); a project is at the last stage it reached on
or before the day asked (:meth:`graph.ledger.Project.stage_on`); a project whose first
stage comes later is left out. With ``unit`` (a unit's id or name) only that unit's
projects are shown. The ledger holds no personal data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel

from graph.base import Stage
from graph.errors import NotFound
from graph.ledger import Project, Unit
from graph.schema import NodeKind
from graph.store import Store


class BoardCard(BaseModel):
    """One project on the board: the stage it is at, since when, and its facts."""

    project: str
    name: str
    investor: str | None
    investor_id: str | None
    unit_id: str | None
    unit: str | None
    cluster: str | None
    amount_yuan: Decimal | None
    since: dt.date


class BoardColumn(BaseModel):
    """The projects at one stage: latest change first, then id; their amount, 元."""

    stage: Stage
    count: int
    amount_yuan: Decimal
    cards: list[BoardCard]


class ProjectBoard(BaseModel):
    """The board on ``as_of``: one column per stage (all five, in stage order).

    ``unit_id`` is the unit asked (None: all); ``units`` lists every unit (id, name)
    by name, for the unit filter.
    """

    as_of: dt.date
    unit_id: str | None
    units: list[tuple[str, str]]
    columns: list[BoardColumn]


def project_board(store: Store, as_of: dt.date, unit: str | None = None) -> ProjectBoard:
    """The projects of ``store`` by the stage each is at on ``as_of``.

    Parameters
    ----------
    store : Store
        Its Project and Unit nodes are read (one scan each).
    as_of : date
        The day asked; stage changes after it are not counted.
    unit : str, optional
        Only the projects this unit (its id, or its name) is responsible for.

    Returns
    -------
    ProjectBoard
        Columns in stage order; cards newest stage change first, then project id.
        Projects without an amount count 0 in a column's amount.

    Raises
    ------
    NotFound
        When ``unit`` is neither a unit's id nor its name (candidates: the units' names).
    """
    units = {u.id: u.name for u in store.nodes(NodeKind.UNIT) if isinstance(u, Unit)}
    unit_id = None
    if unit:
        unit_id = unit if unit in units else next((i for i, n in units.items() if n == unit), None)
        if unit_id is None:
            raise NotFound(f"没有名为“{unit}”的招商单位", sorted(units.values()))
    cards: dict[Stage, list[BoardCard]] = {stage: [] for stage in Stage}
    for project in store.nodes(NodeKind.PROJECT):
        if not isinstance(project, Project):
            continue
        if unit_id is not None and project.unit_id != unit_id:
            continue
        reached = [e for e in project.stages if e.on <= as_of]
        if not reached:
            continue
        cards[reached[-1].stage].append(
            BoardCard(
                project=project.id,
                name=project.name,
                investor=project.investor,
                investor_id=project.investor_id,
                unit_id=project.unit_id,
                unit=units.get(project.unit_id or ""),
                cluster=project.cluster,
                amount_yuan=project.amount_yuan,
                since=reached[-1].on,
            )
        )
    columns = []
    for stage, found in cards.items():
        found.sort(key=lambda c: (-c.since.toordinal(), c.project))
        total = sum((c.amount_yuan or Decimal(0) for c in found), Decimal(0))
        columns.append(BoardColumn(stage=stage, count=len(found), amount_yuan=total, cards=found))
    return ProjectBoard(
        as_of=as_of,
        unit_id=unit_id,
        units=sorted(units.items(), key=lambda u: (u[1], u[0])),
        columns=columns,
    )
