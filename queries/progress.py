"""The 调度 report: each unit's signed projects and amounts against its targets.

Per unit (县区, 开发区, 投促委) for a period ``[date_from, date_to]``: the year's
任务目标 (city-set) and 自定目标 (self-set) of ``date_to``'s year, the projects
signed in the period (a project counts once, on its signing day: its first stage at
or past 签约, see :meth:`graph.ledger.Project.signed_on`) and their amount, the
completion rate against both targets, the projects 在谈 on ``date_to``, and whether
the unit is behind schedule: its rate against the city target below the share of
the year gone by ``date_to`` (时序进度, days elapsed / days in the year).

Amounts are exact (:class:`~decimal.Decimal`, 元; 亿元 = 元 / 10^8, exact too).
Rates are percentages rounded half-up to 0.1; "behind" compares the exact fractions.
Units come behind-schedule first: ordered by the rate against the city target,
lowest first (units without a city target last), then by name.

The project reserve (项目储备) is every project at 线索 or 在谈 on ``date_to``. Its
gaps are the city's clusters holding fewer than ``few`` reserve projects (default 3):
none (无储备) or few (储备不足). The city's clusters are the names given (a cluster
file's), else the graph's Cluster nodes, else the clusters the projects name; project
clusters are matched to them by name after normalisation.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel

from graph.base import Stage
from graph.errors import UsageError
from graph.ledger import Project, Unit
from graph.schema import NodeKind
from graph.store import Store
from resolve.normalise import name_key

#: 元 per 亿元.
YI = Decimal(100_000_000)
_TENTH = Decimal("0.1")


def rate(part: Decimal, whole: Decimal | None) -> Decimal | None:
    """``part`` as a percentage of ``whole``, rounded half-up to 0.1 (None without a
    positive ``whole``).

    Examples
    --------
    >>> rate(Decimal("24.6"), Decimal(73)), rate(Decimal(203), Decimal(200))
    (Decimal('33.7'), Decimal('101.5'))
    """
    if not whole:
        return None
    return (part * 100 / whole).quantize(_TENTH, rounding=ROUND_HALF_UP)


class UnitProgress(BaseModel):
    """One unit's row of the 调度 table (or the totals row, ``unit_id`` empty).

    Attributes
    ----------
    city_target_yuan, own_target_yuan : Decimal, optional
        The year's 任务目标 and 自定目标, 元.
    signed_count : int
        Projects signed in the period (签约项目数).
    signed_yuan : Decimal
        Their amount (签约金额), 元, exact; projects without an amount count as 0.
    city_rate_pct, own_rate_pct : Decimal, optional
        ``signed_yuan`` against each target, %, rounded to 0.1.
    talks_count : int
        Projects 在谈 on the period's last day.
    behind : bool, optional
        Below 时序进度 against the city target (None without a city target).
    """

    unit_id: str
    name: str
    unit_type: str | None
    city_target_yuan: Decimal | None
    own_target_yuan: Decimal | None
    signed_count: int
    signed_yuan: Decimal
    city_rate_pct: Decimal | None
    own_rate_pct: Decimal | None
    talks_count: int
    behind: bool | None


class ReserveRow(BaseModel):
    """Projects at one stage in one cluster on the period's last day (项目储备)."""

    stage: Stage
    cluster: str
    count: int
    amount_yuan: Decimal


class ClusterReserve(BaseModel):
    """One of the city's clusters: its reserve projects (线索, 在谈) on the last day.

    Attributes
    ----------
    gap : {"无储备", "储备不足"}, optional
        None when the cluster holds at least the report's ``reserve_min`` projects.
    """

    cluster: str
    leads: int
    talks: int
    amount_yuan: Decimal
    gap: Literal["无储备", "储备不足"] | None


class ProgressReport(BaseModel):
    """The 调度 report.

    Attributes
    ----------
    date_from, date_to : date
    year : int
        The targets' year (``date_to``'s).
    time_pct : Decimal
        时序进度: days of the year up to ``date_to`` inclusive / days in the year, %,
        rounded to 0.1.
    units : list of UnitProgress
        Behind schedule first (see the module notes).
    total : UnitProgress
        Sums over the units (rates of the sums).
    reserve : list of ReserveRow
        By stage order, then cluster.
    clusters : list of ClusterReserve
        The city's clusters, fewest reserve projects first, then by name.
    reserve_min : int
        A cluster with fewer reserve projects has a gap.
    unlisted : dict of str to int
        Reserve projects whose cluster is none of the city's, by that cluster (a gap
        may be a cluster named differently on the projects).
    """

    date_from: dt.date
    date_to: dt.date
    year: int
    time_pct: Decimal
    units: list[UnitProgress]
    total: UnitProgress
    reserve: list[ReserveRow]
    clusters: list[ClusterReserve] = []
    reserve_min: int = 3
    unlisted: dict[str, int] = {}

    def gaps(self) -> list[ClusterReserve]:
        """The clusters with a reserve gap, fewest reserve projects first."""
        return [c for c in self.clusters if c.gap]


def progress(
    store: Store,
    date_from: dt.date,
    date_to: dt.date,
    clusters: Sequence[str] | None = None,
    few: int = 3,
) -> ProgressReport:
    """Compute the 调度 report of ``store`` for ``[date_from, date_to]``.

    Parameters
    ----------
    store : Store
        Its Unit and Project nodes are read (one scan each).
    date_from, date_to : date
        The period, both days included.
    clusters : sequence of str, optional
        The city's clusters (default: the graph's Cluster nodes, else the projects').
    few : int >= 1
        A cluster with fewer reserve projects (线索, 在谈) has a gap.

    Returns
    -------
    ProgressReport

    Raises
    ------
    UsageError
        When ``date_from`` is after ``date_to``, or ``few`` is below 1.

    Notes
    -----
    O(units + projects · stages). A project whose unit is not a Unit node is left out.
    """
    if date_from > date_to:
        raise UsageError(f"起始日期 {date_from} 晚于截止日期 {date_to}")
    if few < 1:
        raise UsageError(f"储备项目下限应不小于 1，看到 {few}")
    year = str(date_to.year)
    days = 366 if calendar.isleap(date_to.year) else 365
    elapsed = date_to.timetuple().tm_yday
    units = {n.id: n for n in store.nodes(NodeKind.UNIT) if isinstance(n, Unit)}
    signed: Counter[str] = Counter()
    amount: dict[str, Decimal] = defaultdict(Decimal)
    talks: Counter[str] = Counter()
    reserve: dict[tuple[Stage, str], list[Decimal]] = defaultdict(list)
    for node in store.nodes(NodeKind.PROJECT):
        if not isinstance(node, Project) or node.unit_id not in units:
            continue
        on = node.signed_on()
        if on is not None and date_from <= on <= date_to:
            signed[node.unit_id] += 1
            amount[node.unit_id] += node.amount_yuan or Decimal(0)
        stage = node.stage_on(date_to)
        if stage is Stage.TALKS:
            talks[node.unit_id] += 1
        if stage is not None:
            reserve[(stage, node.cluster or "（未填）")].append(node.amount_yuan or Decimal(0))

    def row(uid: str, name: str, kind: str | None, city: Decimal | None, own: Decimal | None,
            count: int, money: Decimal, in_talks: int) -> UnitProgress:  # fmt: skip
        return UnitProgress(
            unit_id=uid,
            name=name,
            unit_type=kind,
            city_target_yuan=city,
            own_target_yuan=own,
            signed_count=count,
            signed_yuan=money,
            city_rate_pct=rate(money, city),
            own_rate_pct=rate(money, own),
            talks_count=in_talks,
            behind=None if not city else money * days < city * elapsed,
        )

    rows = [
        row(uid, u.name, u.unit_type, u.city_targets_yuan.get(year), u.own_targets_yuan.get(year),
            signed[uid], amount[uid], talks[uid])
        for uid, u in units.items()
    ]  # fmt: skip
    rows.sort(key=lambda r: (r.city_target_yuan is None, _fraction(r), r.name))

    def total(values: list[Decimal | None]) -> Decimal | None:
        known = [v for v in values if v is not None]
        return sum(known, Decimal(0)) if known else None

    totals = row(
        "",
        "合计",
        None,
        total([r.city_target_yuan for r in rows]),
        total([r.own_target_yuan for r in rows]),
        sum(r.signed_count for r in rows),
        sum((r.signed_yuan for r in rows), Decimal(0)),
        sum(r.talks_count for r in rows),
    )
    order = list(Stage)
    city = _cluster_reserve(store, reserve, clusters, few)
    listed = {name_key(r.cluster) for r in city}
    unlisted: Counter[str] = Counter()
    for (stage, cluster), values in reserve.items():
        if stage in (Stage.LEAD, Stage.TALKS) and name_key(cluster) not in listed:
            unlisted[cluster] += len(values)
    return ProgressReport(
        date_from=date_from,
        date_to=date_to,
        year=date_to.year,
        time_pct=(Decimal(elapsed) * 100 / days).quantize(_TENTH, rounding=ROUND_HALF_UP),
        units=rows,
        total=totals,
        reserve=[
            ReserveRow(stage=s, cluster=c, count=len(v), amount_yuan=sum(v, Decimal(0)))
            for (s, c), v in sorted(reserve.items(), key=lambda kv: (order.index(kv[0][0]), kv[0]))
        ],
        clusters=city,
        reserve_min=few,
        unlisted=dict(sorted(unlisted.items())),
    )


def _cluster_reserve(
    store: Store,
    reserve: dict[tuple[Stage, str], list[Decimal]],
    clusters: Sequence[str] | None,
    few: int,
) -> list[ClusterReserve]:
    """The city's clusters with their reserve (线索, 在谈) and gap, fewest first."""
    names = list(clusters or [n.name for n in store.nodes(NodeKind.CLUSTER)])
    if not names:
        names = sorted({c for _, c in reserve if c != "（未填）"})
    rows = []
    for name in dict.fromkeys(names):
        key = name_key(name)
        counts = {
            stage: [v for (s, c), vs in reserve.items() if s is stage and name_key(c) == key
                    for v in vs]
            for stage in (Stage.LEAD, Stage.TALKS)
        }  # fmt: skip
        total = len(counts[Stage.LEAD]) + len(counts[Stage.TALKS])
        rows.append(
            ClusterReserve(
                cluster=name,
                leads=len(counts[Stage.LEAD]),
                talks=len(counts[Stage.TALKS]),
                amount_yuan=sum([*counts[Stage.LEAD], *counts[Stage.TALKS]], Decimal(0)),
                gap=None if total >= few else ("无储备" if total == 0 else "储备不足"),
            )
        )
    rows.sort(key=lambda r: (r.leads + r.talks, r.cluster))
    return rows


def _fraction(row: UnitProgress) -> Decimal:
    """The exact completion fraction against the city target (0 without one)."""
    return row.signed_yuan / row.city_target_yuan if row.city_target_yuan else Decimal(0)


def yi(amount: Decimal | None) -> str:
    """An amount in 元 written in 亿元, exact, without trailing zeros ("" for None).

    Examples
    --------
    >>> yi(Decimal(10_400_000_000)), yi(Decimal(2_460_000_000)), yi(Decimal(1))
    ('104', '24.6', '0.00000001')
    """
    if amount is None:
        return ""
    value = amount / YI
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
