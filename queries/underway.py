"""What the office already has under way with a firm: its projects and last contact.

So two units do not chase the same firm unknowingly (issue 14, item 5), ``introduce``
and ``targets`` show, for a firm, the 招商 projects it invests in (INVESTOR_OF firm →
project) with their latest stage, its date and the responsible unit (RESPONSIBLE_FOR
unit → project), and the last time a unit met the firm (CONTACTED unit → firm, from an
outing: date and outcome). A firm with a project at or past 签约 is marked signed
(已签约). Our channels that can help are named too: a 招商大使, 顾问, 代理机构 or
驻外办事处 whose table lists the firm (``COVERS``) or covers the firm's region (one of
its GB/T 2260 codes is a prefix of the firm's ``region_code``). Everything comes from
the ledger tables the office loaded; an ambassador's or adviser's name is personal
data and is left out (``港城区招商大使``: the unit knows whom it appointed).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, TypeVar

from graph.base import STAGE_RANK, Stage
from graph.errors import UsageError
from graph.ledger import Project
from graph.ledger_channels import PERSON_CHANNELS, Channel
from graph.schema import NodeKind, RelKind
from graph.store import Store, nodes_by_id, relations_touching, scan_nodes
from queries.types import ReferralResult, TargetList, Underway, UnderwayProject
from resolve.divisions import resolve_region


def _project_state(project: Project, day: dt.date) -> tuple[Stage, dt.date] | None:
    reached = [e for e in project.stages if e.on <= day]
    return (reached[-1].stage, reached[-1].on) if reached else None


def region_name(code: str) -> str:
    """The official name of a GB/T 2260 code (the code itself when unknown)."""
    try:
        return resolve_region(code).name
    except UsageError:
        return code


def channel_notes(store: Store, firms: set[str]) -> dict[str, list[str]]:
    """Our channels for each firm: ``港城区招商大使（联系该企业）``,
    ``岚港市驻上海招商办事处（覆盖上海市）``; firms none covers are left out.

    Ordered as the channels' ids; one note per name (an agency two units entrust is
    two channels), the firm's own listing winning over its region.
    """
    channels = sorted(
        (Channel.model_validate(d) for d in scan_nodes(store, [NodeKind.CHANNEL])),
        key=lambda c: c.id,
    )
    if not channels or not firms:
        return {}
    regions = {fid: d.get("region_code") or "" for fid, d in nodes_by_id(store, firms).items()}
    covered = {(r["src"], r["dst"]) for r in relations_touching(store, firms, [RelKind.COVERS])}
    notes: dict[str, dict[str, str]] = defaultdict(dict)  # firm → who → note
    for c in channels:
        who = (
            f"{c.unit_id.removeprefix('Unit:')}{c.channel_type}"
            if c.channel_type in PERSON_CHANNELS
            else c.name
        )
        for firm in sorted(firms):
            region = regions.get(firm, "")
            if (c.id, firm) in covered or firm in c.firm_ids:
                notes[firm][who] = f"{who}（联系该企业）"
            elif codes := [x for x in c.region_codes if region.startswith(x)]:
                notes[firm].setdefault(who, f"{who}（覆盖{region_name(max(codes, key=len))}）")
    return {firm: list(found.values()) for firm, found in notes.items()}


def underway(
    store: Store, companies: Iterable[str], as_of: dt.date | None = None
) -> dict[str, Underway]:
    """The work under way with each of ``companies`` (firms with none are left out).

    Parameters
    ----------
    store : Store
    companies : iterable of str
        Company ids.
    as_of : date, optional
        The day asked (default today): stages and contacts after it are not counted.

    Returns
    -------
    dict of str to Underway
        By company id; projects ordered by latest stage date, newest first, then id;
        ``channels`` the notes of :func:`channel_notes`.
    """
    day = as_of or dt.date.today()
    firms = set(companies)
    if not firms:
        return {}
    kinds = [RelKind.INVESTOR_OF, RelKind.CONTACTED]
    investing: dict[str, list[str]] = defaultdict(list)
    contacts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rel in relations_touching(store, firms, kinds):
        if rel["kind"] == RelKind.INVESTOR_OF.value and rel["src"] in firms:
            investing[rel["src"]].append(rel["dst"])
        elif rel["kind"] == RelKind.CONTACTED.value and rel["dst"] in firms:
            contacts[rel["dst"]].append(rel)
    project_ids = {p for ps in investing.values() for p in ps}
    projects = {
        pid: Project.model_validate(d)
        for pid, d in nodes_by_id(store, project_ids).items()
        if d["kind"] == NodeKind.PROJECT.value
    }
    unit_ids = {p.unit_id for p in projects.values() if p.unit_id}
    unit_ids |= {c["src"] for cs in contacts.values() for c in cs}
    units = {uid: d["name"] for uid, d in nodes_by_id(store, unit_ids).items()}
    helpers = channel_notes(store, firms)
    found: dict[str, Underway] = {}
    for firm in sorted(firms):
        rows = []
        for pid in investing.get(firm, []):
            project = projects.get(pid)
            state = None if project is None else _project_state(project, day)
            if project is None or state is None:
                continue
            amount = None if project.amount_yuan is None else str(project.amount_yuan)
            unit = units.get(project.unit_id or "")
            rows.append(UnderwayProject(project=pid, name=project.name, stage=state[0],
                                        since=state[1], unit=unit, amount_yuan=amount))  # fmt: skip
        rows.sort(key=lambda r: (-r.since.toordinal(), r.project))
        met = [
            c for c in contacts.get(firm, []) if c.get("since") and c["since"] <= day.isoformat()
        ]
        last = max(met, key=lambda c: (c["since"], c["id"]), default=None)
        ours = helpers.get(firm, [])
        if not rows and last is None and not ours:
            continue
        signed = any(STAGE_RANK[r.stage] >= STAGE_RANK[Stage.SIGNED] for r in rows)
        found[firm] = Underway(
            company=firm,
            signed=signed,
            projects=rows,
            last_contact_unit=None if last is None else units.get(last["src"], last["src"]),
            last_contact_on=None if last is None else dt.date.fromisoformat(last["since"]),
            last_contact_outcome=None if last is None else last.get("label"),
            channels=ours,
            text="；".join(t for t in (_text(rows, last, units), _channels(ours)) if t),
        )
    return found


def _text(rows: list[UnderwayProject], last: dict[str, Any] | None, units: dict[str, str]) -> str:
    """``已签约：X（广饶县，2026-02-10）；在谈：Y（东营区，2026-04-02 起）；最近接触：…``."""
    parts = []
    for r in rows:
        verb = " 起" if r.stage in (Stage.LEAD, Stage.TALKS) else ""
        parts.append(f"{r.stage}：{r.name}（{r.unit or '责任单位不详'}，{r.since}{verb}）")
    if last is not None:
        outcome = f"，{last['label']}" if last.get("label") else ""
        parts.append(f"最近接触：{units.get(last['src'], last['src'])} {last['since']}{outcome}")
    return "；".join(parts)


def _channels(notes: list[str]) -> str:
    """``本市渠道：A（联系该企业）、B（覆盖上海市）`` ("" without any)."""
    return f"本市渠道：{'、'.join(notes)}" if notes else ""


_R = TypeVar("_R", ReferralResult, TargetList)


def with_underway(store: Store, result: _R, as_of: dt.date | None = None) -> _R:
    """``result`` with the work under way filled in: for a referral result its target's
    (:attr:`ReferralResult.underway`), for a target list every row's
    (:attr:`TargetRow.underway`, :attr:`TargetRow.signed`). Returns a copy."""
    if isinstance(result, ReferralResult):
        return result.model_copy(
            update={"underway": underway(store, [result.target], as_of).get(result.target)}
        )
    rows = [*result.rows, *result.expand_here]
    found = underway(store, [r.company for r in rows], as_of or result.as_of)

    def mark(row: Any) -> Any:
        work = found.get(row.company)
        return (
            row
            if work is None
            else row.model_copy(update={"underway": work.text, "signed": work.signed})
        )

    return result.model_copy(
        update={
            "rows": [mark(r) for r in result.rows],
            "expand_here": [mark(r) for r in result.expand_here],
        }
    )
