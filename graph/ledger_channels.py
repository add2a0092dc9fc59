"""The 招商 ledger's channels: our-side actors, agency mandates, trade-fair leads.

Issue 14's channels of a city's 招商 system, beside the projects and units of
:mod:`graph.ledger`:

- a :class:`Channel` is an actor working for one of our units: a 招商大使 or 招商顾问
  (a person — personal data, ``private``), a 委托招商代理机构, or a 驻外招商办事处
  (北京, 上海, 青岛 …). It covers regions (GB/T 2260 codes) and firms; each covered firm
  the graph holds is also a ``COVERS`` relation channel→firm;
- a :class:`Mandate` is one 委托招商 contract between a unit and an agency (a Channel
  of type 代理机构): its period, its fields (clusters) and its targets (number of
  projects, amount in 元, exact);
- a :class:`FairLead` is one exhibitor met at a trade fair (展会客商): fair, date,
  place, the firm as written and, when the graph holds it, ``LEAD_OF`` lead→firm.

Mandates and fair leads, like the rest of the ledger, are records of our own work,
never on a referral path (:data:`graph.schema.LEDGER_KINDS`). A channel is an actor:
it is on our side for the region of its unit (:func:`queries.our_side.channel_code`) and
its COVERS ties are walked like SERVES (``queries/ties.toml``), so ``introduce`` can
answer "驻上海招商办事处 → X". An ambassador's or adviser's COVERS is private (a
person's acquaintance, like KNOWS): walked only when private data is asked for. The
regions a channel covers stay a note (``本市渠道：…``), never a tie to every firm there.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal, Self

from pydantic import Field, field_validator, model_validator

from graph.base import NodeBase, NodeKind
from graph.kinds import PERSON_CHANNELS as PERSON_CHANNELS
from graph.ledger import plain_amount

#: Kinds of channel as offices name them.
ChannelType = Literal["招商大使", "招商顾问", "代理机构", "驻外办事处"]
#: Channel types that are natural persons (their names are personal data):
#: :data:`graph.kinds.PERSON_CHANNELS`, re-exported here.


class Channel(NodeBase):
    """An our-side 招商 channel: ambassador, adviser, agency or office abroad.

    Attributes
    ----------
    channel_type : {"招商大使", "招商顾问", "代理机构", "驻外办事处"}
    unit_id : str
        The :class:`~graph.ledger.Unit` that appointed it (聘任 / 委托 / 派驻单位).
    region_codes : list of str
        GB/T 2260 codes of the regions it covers (``"11"`` 北京市, ``"3702"`` 青岛市).
    firms : list of str
        Firms it covers, as written; those the graph holds are in ``firm_ids`` and
        a ``COVERS`` relation.
    firm_ids : list of str
        Company ids of the covered firms found in the graph.
    appointed_on : date, optional
        Day of appointment (聘任日期 / 设立日期).
    """

    kind: Literal[NodeKind.CHANNEL] = NodeKind.CHANNEL
    channel_type: ChannelType
    unit_id: str
    region_codes: list[str] = Field(default_factory=list)
    firms: list[str] = Field(default_factory=list)
    firm_ids: list[str] = Field(default_factory=list)
    appointed_on: dt.date | None = None

    @model_validator(mode="after")
    def _people_are_private(self) -> Self:
        """Ambassadors and advisers are people: private whatever the row said."""
        if self.channel_type in PERSON_CHANNELS and not self.private:
            self.private = True
        return self


class Mandate(NodeBase):
    """One 委托招商 mandate: a unit entrusts an agency for a period, with targets.

    Attributes
    ----------
    agency_id : str
        The agency (a :class:`Channel` of type 代理机构).
    unit_id : str
        The :class:`~graph.ledger.Unit` that entrusts it.
    period_from, period_to : date
        The mandate's period, both days included (``period_from <= period_to``).
    clusters : list of str
        Clusters (产业领域) it is to bring projects in (empty: any).
    target_projects : int >= 0, optional
        Signed projects the agency is to bring.
    target_yuan : Decimal >= 0, optional
        Signed amount it is to bring, 元, exact.
    """

    kind: Literal[NodeKind.MANDATE] = NodeKind.MANDATE
    agency_id: str
    unit_id: str
    period_from: dt.date
    period_to: dt.date
    clusters: list[str] = Field(default_factory=list)
    target_projects: int | None = Field(default=None, ge=0)
    target_yuan: Decimal | None = Field(default=None, ge=0)

    @field_validator("target_yuan")
    @classmethod
    def _plain(cls, value: Decimal | None) -> Decimal | None:
        return None if value is None else plain_amount(value)

    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.period_from > self.period_to:
            raise ValueError(f"period_from {self.period_from} is after period_to {self.period_to}")
        return self

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` is within the mandate's period."""
        return self.period_from <= day <= self.period_to


class FairLead(NodeBase):
    """One exhibitor met at a trade fair (展会客商): a lead.

    Attributes
    ----------
    fair : str
        The fair's name (数博会, 进博会 …).
    held_on : date
        The fair's (first) day.
    place : str, optional
        Where it was held (贵阳).
    exhibitor : str
        The exhibitor firm as written.
    firm_id : str, optional
        Its Company id when the graph holds it (also a ``LEAD_OF`` relation).
    unit_id : str, optional
        The :class:`~graph.ledger.Unit` that met it and follows it up.
    outcome : str, optional
        What came of the meeting (对接情况).
    """

    kind: Literal[NodeKind.FAIR_LEAD] = NodeKind.FAIR_LEAD
    fair: str = Field(min_length=1)
    held_on: dt.date
    place: str | None = None
    exhibitor: str = Field(min_length=1)
    firm_id: str | None = None
    unit_id: str | None = None
    outcome: str | None = None
