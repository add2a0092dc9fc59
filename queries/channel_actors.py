"""Our own channels' record: ambassadors, agencies, offices, trade fairs, mandates.

Beside the channel kinds of :mod:`queries.channels`, the ledger names our own channel
actors (:mod:`graph.ledger_channels`). On the day asked (``as_of``):

- each **channel** (招商大使, 招商顾问, 代理机构, 驻外办事处) counts the winning 备案
  (:mod:`queries.attribution`) whose introducer is that channel — same name, after
  name normalisation; when several units' channels share the name, the one of the
  project's unit, else the first by id — and of those the projects signed on or
  before ``as_of`` and their 签约金额 (元, exact);
- each **mandate** (委托招商) counts the agency's winning 备案 whose project is of the
  mandate's unit, in one of its clusters (any cluster when it names none), and was
  signed within the mandate's period and on or before ``as_of``: projects and amount
  against the targets, rates in % rounded half-up to 0.1;
- each **fair** (展会) counts its leads, those the graph resolved to a firm, and the
  leads whose firm (by id, else by name) invests in a project signed on or after the
  fair's day and on or before ``as_of`` — a sequence, not a proof that the fair
  brought the project (the report says so).

The ledger keeps ambassadors' and advisers' names as private data: rows carry
``private`` and :meth:`ActorReport.people` lists the names to mask.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from pydantic import BaseModel

from graph.ledger import Project, Unit
from graph.ledger_channels import Channel, FairLead, Mandate
from graph.schema import NodeKind
from graph.store import Store
from queries.attribution import attribution
from queries.progress import rate
from queries.underway import region_name
from resolve.normalise import name_key


class ActorRow(BaseModel):
    """One channel of ours: winning 备案, how many signed, their amount (元)."""

    channel_id: str
    name: str
    channel_type: str
    unit: str
    private: bool
    regions: list[str]
    region_names: list[str]
    firms_covered: int
    filings: int
    signed: int
    signed_yuan: Decimal


class MandateRow(BaseModel):
    """One 委托招商 mandate's progress against its targets."""

    mandate_id: str
    agency: str
    unit: str
    period_from: dt.date
    period_to: dt.date
    clusters: list[str]
    target_projects: int | None
    target_yuan: Decimal | None
    signed: int
    signed_yuan: Decimal
    projects_rate_pct: Decimal | None
    amount_rate_pct: Decimal | None
    projects: list[str]


class FairRow(BaseModel):
    """One fair: its leads, those resolved to graph firms, those whose firm signed since."""

    fair: str
    held_on: dt.date
    place: str | None
    leads: int
    resolved: int
    converted: int
    signed_yuan: Decimal
    converted_firms: list[str]


class ActorReport(BaseModel):
    """Channels (most signed first, then most 备案, then unit and id), mandates (by unit,
    agency, start) and fairs (by day, then name)."""

    as_of: dt.date
    channels: list[ActorRow]
    mandates: list[MandateRow]
    fairs: list[FairRow]

    def people(self) -> set[str]:
        """The names of channels that are natural persons (masked in outputs)."""
        return {r.name for r in self.channels if r.private}


def _signed(project: Project, as_of: dt.date) -> dt.date | None:
    day = project.signed_on()
    return day if day is not None and day <= as_of else None


def actor_report(store: Store, as_of: dt.date) -> ActorReport:
    """The record of our channel actors, mandates and fairs on ``as_of`` (module notes).

    Returns
    -------
    ActorReport

    Notes
    -----
    One scan of each ledger kind plus :func:`queries.attribution.attribution`;
    O(channels + mandates + leads + projects + filings).
    """
    units = {n.id: n.name for n in store.nodes(NodeKind.UNIT) if isinstance(n, Unit)}
    projects = {n.id: n for n in store.nodes(NodeKind.PROJECT) if isinstance(n, Project)}
    channels = sorted(
        (n for n in store.nodes(NodeKind.CHANNEL) if isinstance(n, Channel)), key=lambda c: c.id
    )
    by_name: dict[str, list[Channel]] = defaultdict(list)
    for channel in channels:
        for name in dict.fromkeys((channel.name, *channel.aliases)):
            by_name[name_key(name)].append(channel)
    credited: dict[str, list[Project]] = defaultdict(list)  # channel id → winning projects
    for f in attribution(store, as_of).filings:
        project = projects.get(f.project_id or "")
        found = by_name.get(name_key(f.introducer), [])
        if f.status != "领先" or project is None or not found:
            continue
        mine = [c for c in found if c.unit_id == project.unit_id]
        credited[(mine or found)[0].id].append(project)
    rows = []
    for c in channels:
        won = credited.get(c.id, [])
        signed = [p for p in won if _signed(p, as_of)]
        rows.append(
            ActorRow(
                channel_id=c.id,
                name=c.name,
                channel_type=c.channel_type,
                unit=units.get(c.unit_id, c.unit_id),
                private=c.private,
                regions=c.region_codes,
                region_names=[region_name(x) for x in c.region_codes],
                firms_covered=len(c.firms),
                filings=len(won),
                signed=len(signed),
                signed_yuan=sum((p.amount_yuan or Decimal(0) for p in signed), Decimal(0)),
            )
        )
    rows.sort(key=lambda r: (-r.signed, -r.filings, r.unit, r.channel_id))
    names = {c.id: c.name for c in channels}
    mandates = []
    for m in sorted(
        (n for n in store.nodes(NodeKind.MANDATE) if isinstance(n, Mandate)),
        key=lambda m: (units.get(m.unit_id, m.unit_id), names.get(m.agency_id, ""), m.period_from),
    ):
        wanted = {name_key(x) for x in m.clusters}
        done = [
            p
            for p in credited.get(m.agency_id, [])
            if p.unit_id == m.unit_id
            and (not wanted or name_key(p.cluster or "") in wanted)
            and (day := _signed(p, as_of)) is not None
            and m.covers(day)
        ]
        money = sum((p.amount_yuan or Decimal(0) for p in done), Decimal(0))
        mandates.append(
            MandateRow(
                mandate_id=m.id,
                agency=names.get(m.agency_id, m.agency_id),
                unit=units.get(m.unit_id, m.unit_id),
                period_from=m.period_from,
                period_to=m.period_to,
                clusters=m.clusters,
                target_projects=m.target_projects,
                target_yuan=m.target_yuan,
                signed=len(done),
                signed_yuan=money,
                projects_rate_pct=(
                    None
                    if m.target_projects is None
                    else rate(Decimal(len(done)), Decimal(m.target_projects))
                ),
                amount_rate_pct=rate(money, m.target_yuan),
                projects=sorted(p.name for p in done),
            )
        )
    return ActorReport(
        as_of=as_of, channels=rows, mandates=mandates, fairs=_fairs(store, projects, as_of)
    )


def _fairs(store: Store, projects: dict[str, Project], as_of: dt.date) -> list[FairRow]:
    """Each fair's leads and the leads whose firm invests in a project signed since."""
    fairs: dict[tuple[dt.date, str], list[FairLead]] = defaultdict(list)
    for lead in store.nodes(NodeKind.FAIR_LEAD):
        if isinstance(lead, FairLead):
            fairs[(lead.held_on, lead.fair)].append(lead)
    found = []
    for (day, fair), leads in sorted(fairs.items()):
        converted: dict[str, Decimal] = {}
        for lead in leads:
            signed = [
                p
                for p in projects.values()
                if (
                    (lead.firm_id and p.investor_id == lead.firm_id)
                    or name_key(p.investor or "") == name_key(lead.exhibitor)
                )
                and (on := _signed(p, as_of)) is not None
                and on >= day
            ]
            if signed:
                converted[lead.exhibitor] = sum(
                    (p.amount_yuan or Decimal(0) for p in signed), Decimal(0)
                )
        places = sorted({lead.place for lead in leads if lead.place})
        found.append(
            FairRow(
                fair=fair,
                held_on=day,
                place="、".join(places) or None,
                leads=len(leads),
                resolved=sum(1 for lead in leads if lead.firm_id),
                converted=len(converted),
                signed_yuan=sum(converted.values(), Decimal(0)),
                converted_firms=sorted(converted),
            )
        )
    return found
