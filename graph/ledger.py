"""The 招商 ledger's nodes: projects, units and their targets, outings, introductions.

The work a city's 招商 system does with the graph (DESIGN.md §2, issue 14): a
:class:`Project` moves through the stages 线索 → 在谈 → 签约 → 开工 → 投产, each change
dated and kept (the merge unions the history, it never overwrites it); a :class:`Unit`
(县区, 开发区, 投促委) has yearly targets set by the city and by itself; an
:class:`Outing` (外出招商) is one 批 of people sent out; an :class:`Introduction` is one
备案 of a 社会引荐人, append-only (each 备案 is its own node).

Amounts are exact: :class:`~decimal.Decimal` in 元, stored as decimal text.
Relations: ``RESPONSIBLE_FOR`` unit→project, ``INVESTOR_OF`` firm→project,
``INTRODUCES`` introduction→project, ``CONTACTED`` unit→firm (an outing's firms met,
``since`` its date, ``label`` the outcome).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from graph.base import STAGE_RANK, NodeBase, NodeKind, Stage, stage_key

#: Kinds of 招商 unit: 县区, 市属开发区, 产业投促委.
UnitType = Literal["县区", "开发区", "投促委"]


def plain_amount(value: Decimal) -> Decimal:
    """An amount without trailing zeros or exponent form, so one amount is stored as one
    text whatever its spelling (``Decimal("1.2E+9")`` → ``Decimal("1200000000")``).

    Examples
    --------
    >>> plain_amount(Decimal("1.2E+9")), plain_amount(Decimal("0.50"))
    (Decimal('1200000000'), Decimal('0.5'))
    """
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


class StageEvent(BaseModel):
    """One dated stage change of a project.

    Attributes
    ----------
    stage : Stage
        The stage reached.
    on : date
        The day it was reached.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    stage: Stage
    on: dt.date


class Project(NodeBase):
    """A 招商 project.

    Attributes
    ----------
    investor : str, optional
        The investor firm as written (投资方).
    investor_id : str, optional
        The investor's Company id when the firm is in the graph.
    unit_id : str, optional
        The responsible :class:`Unit` (责任单位).
    cluster, industry : str, optional
        The cluster (产业集群) and industry the project belongs to.
    amount_yuan : Decimal >= 0, optional
        Contract amount (签约金额 / 计划总投资), 元, exact.
    invested_yuan : Decimal >= 0, optional
        Actual investment so far (实际投资额 / 到位资金), 元, exact; the basis of
        introducers' rewards.
    stages : list of StageEvent
        Every stage change, in :func:`graph.base.stage_key` order (date, then stage);
        merging two records keeps the union.
    """

    kind: Literal[NodeKind.PROJECT] = NodeKind.PROJECT
    investor: str | None = None
    investor_id: str | None = None
    unit_id: str | None = None
    cluster: str | None = None
    industry: str | None = None
    amount_yuan: Decimal | None = Field(default=None, ge=0)
    invested_yuan: Decimal | None = Field(default=None, ge=0)
    stages: list[StageEvent] = Field(default_factory=list)

    @field_validator("amount_yuan", "invested_yuan")
    @classmethod
    def _plain(cls, value: Decimal | None) -> Decimal | None:
        return None if value is None else plain_amount(value)

    @model_validator(mode="after")
    def _order_stages(self) -> Self:
        """Keep each dated stage once, in the order the merge keeps them."""
        unique = {(e.stage, e.on): e for e in self.stages}
        ordered = sorted(unique.values(), key=lambda e: stage_key(e.model_dump(mode="json")))
        if ordered != self.stages:
            self.stages = ordered
        return self

    def stage_on(self, day: dt.date) -> Stage | None:
        """The stage the project was at on ``day`` (None before its first stage).

        Examples
        --------
        >>> from graph.base import Source
        >>> p = Project(
        ...     id="Project:1", name="p", sources=[Source(dataset="d", file="f", row=1)],
        ...     stages=[
        ...         {"stage": "在谈", "on": "2026-02-01"}, {"stage": "签约", "on": "2026-04-01"}
        ...     ],
        ... )
        >>> p.stage_on(dt.date(2026, 3, 1)), p.stage_on(dt.date(2026, 1, 1))
        (<Stage.TALKS: '在谈'>, None)
        """
        reached = [e for e in self.stages if e.on <= day]
        return reached[-1].stage if reached else None

    def signed_on(self) -> dt.date | None:
        """The day the project was signed: its first stage at or past 签约 (a project
        recorded as 开工 without a 签约 line counts as signed on that day)."""
        signed = STAGE_RANK[Stage.SIGNED]
        return next((e.on for e in self.stages if STAGE_RANK[e.stage] >= signed), None)


class Unit(NodeBase):
    """A 招商 unit: a county or district (县区), a development zone (开发区) or an
    industry promotion committee (产业投促委).

    Attributes
    ----------
    unit_type : {"县区", "开发区", "投促委"}
    region_code : str, optional
        GB/T 2260 code of the unit's area.
    city_targets_yuan : dict of str to Decimal
        Year (``"2026"``) → the 任务目标 the city set, 元.
    own_targets_yuan : dict of str to Decimal
        Year → the unit's own (自定) target, 元.
    """

    kind: Literal[NodeKind.UNIT] = NodeKind.UNIT
    unit_type: UnitType | None = None
    region_code: str | None = None
    city_targets_yuan: dict[str, Decimal] = Field(default_factory=dict)
    own_targets_yuan: dict[str, Decimal] = Field(default_factory=dict)

    @field_validator("city_targets_yuan", "own_targets_yuan")
    @classmethod
    def _plain(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        return {year: plain_amount(v) for year, v in value.items()}


class Outing(NodeBase):
    """One 批 of 外出招商: who went where, how many people, whom they met.

    Attributes
    ----------
    on : date
        The day the outing started.
    unit_id : str
        The :class:`Unit` that went out.
    destination : str
        Where to (city or region as written).
    people : int >= 1
        People sent (人次 of this 批).
    firms_met : list of str
        Firms met, as written; each one found in the graph is also a ``CONTACTED``
        relation unit→firm.
    """

    kind: Literal[NodeKind.OUTING] = NodeKind.OUTING
    on: dt.date
    unit_id: str
    destination: str
    people: int = Field(ge=1)
    firms_met: list[str] = Field(default_factory=list)


class Introduction(NodeBase):
    """One 备案 of an introduction: who introduced which investor (and project), when.

    Append-only: every 备案 is its own node (its id hashes time, introducer, investor
    and project); a re-loaded row merges into itself. Which 备案 wins is decided by
    :mod:`queries.attribution`, not stored.

    Attributes
    ----------
    filed_at : datetime
        Time of the 备案 (登记时间).
    introducer : str
        The introducer as written (a person — personal data — or an organisation).
    introducer_is_person : bool
        Whether the introducer is a natural person (masked in outputs by default).
    investor : str
        The investor introduced, as written.
    investor_id : str, optional
        Its Company id when the firm is in the graph.
    project_id : str, optional
        The :class:`Project` the 备案 names, when it names one.
    """

    kind: Literal[NodeKind.INTRODUCTION] = NodeKind.INTRODUCTION
    filed_at: dt.datetime
    introducer: str = Field(min_length=1)
    introducer_is_person: bool = True
    investor: str = Field(min_length=1)
    investor_id: str | None = None
    project_id: str | None = None
