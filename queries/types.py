"""Result types of the queries; ``--json`` output is their ``model_dump``."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class _Result(BaseModel):
    # Validators are built on first use: ``info`` and other commands that import this
    # module without making a result do not pay for them.
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Hop(_Result):
    """One step of a referral path, from ``src`` to ``dst`` (walking order).

    ``relation_src``/``relation_dst`` give the stored direction of the relation, which
    may run against the walking order (an introduction works both ways).
    """

    src: str
    src_name: str
    dst: str
    dst_name: str
    relation: str
    relation_id: str
    relation_src: str
    relation_dst: str
    roles: list[str]
    label: str | None
    since: dt.date | None
    until: dt.date | None
    confidence: float
    strength: float
    hub_factor: float
    sources: list[str]
    sentence: str
    as_of: dt.date | None = None


class ReferralPath(_Result):
    """A referral path from an our-side introducer to the target.

    Attributes
    ----------
    strength : float in (0, 1]
        Product of hop strengths and hub factors, rounded to 6 decimals.
    cost : float >= 0
        −ln of the unrounded strength (what the search minimises).
    """

    introducer: str
    introducer_name: str
    introducer_kind: str
    target: str
    nodes: list[str]
    hops: list[Hop]
    strength: float
    cost: float
    strength_word: str = ""


class IntroducerSummary(_Result):
    """Paths grouped by the our-side node to ask ("ask 山推股份: 2 paths, best 0.42")."""

    introducer: str
    introducer_name: str
    paths: int
    best_strength: float
    best_word: str = ""


class UnderwayProject(_Result):
    """One project of the firm: latest stage as of the day asked, its date, the unit."""

    project: str
    name: str
    stage: str
    since: dt.date
    unit: str | None
    amount_yuan: str | None


class Underway(_Result):
    """A firm's projects (latest change first), the last unit contact and our channels
    that cover the firm or its region (:func:`queries.underway.channel_notes`).

    ``text`` is the Chinese line the CLI and the workbook print.
    """

    company: str
    signed: bool
    projects: list[UnderwayProject]
    last_contact_unit: str | None = None
    last_contact_on: dt.date | None = None
    last_contact_outcome: str | None = None
    channels: list[str] = []
    text: str


class ReferralResult(_Result):
    """The answer to "who can introduce us to X": paths strongest first."""

    target: str
    target_name: str
    home_region: str
    k: int
    max_hops: int
    paths: list[ReferralPath]
    introducers: list[IntroducerSummary]
    target_delisted: bool = False
    weak_paths: int = 0
    strength_floor: float = 0.0
    underway: Underway | None = None
    private_hint: bool = False  # no path, but one through private ties (not shown) exists


class Factor(_Result):
    """One scoring factor of a target: value in [0, 1], weight, and its evidence.

    ``value`` is 0 and ``evidence`` is ``"no data"`` when nothing supports it.
    """

    name: str
    value: float
    weight: float
    contribution: float
    evidence: str


class TargetRow(_Result):
    """One ranked target firm of a cluster."""

    rank: int
    company: str
    name: str
    stock_codes: list[str]
    province: str | None
    score: float
    factors: list[Factor]
    introducer: str | None
    introducer_name: str | None
    path_strength: float | None
    path: str | None
    path_people: list[str]
    uscc: str | None = None
    underway: str | None = None
    signed: bool = False


class TargetList(_Result):
    """A cluster's ranked target list (score desc, id asc) and its profile.

    ``rows`` are non-local firms; ``expand_here`` (增资扩产) the cluster's firms already
    in the home region, scored without reachability (``expand_weights``), same order;
    ``delisted`` names the candidates no 2025 list holds (已退市), ranked in neither.
    """

    cluster: str
    home_region: str
    weights: dict[str, float]
    candidates: int
    rows: list[TargetRow]
    as_of: dt.date | None = None
    local_candidates: int = 0
    expand_weights: dict[str, float] = Field(default_factory=dict)
    expand_here: list[TargetRow] = Field(default_factory=list)
    delisted: list[str] = Field(default_factory=list)


class Maker(_Result):
    """A firm making a chain segment's product (or a synonym or subclass of it).

    Attributes
    ----------
    share : float in [0, 1] or None
        Revenue share of the product (chain-kg); None when the source gives none (the
        news places the firm in the product's industry: ICKG-25 归属于行业).
    basis : str or None
        The relation as the source writes it (主营产品, 归属于行业).
    as_of : date or None
        The date of that fact (the relation's ``as_of``: chain-kg 2021-12-31, ickg25
        the latest news day).
    note : str
        The fact in Chinese with its date (:func:`queries.gaps.maker_note`).
    """

    company: str
    name: str
    product: str
    share: float | None
    relation_id: str
    basis: str | None = None
    as_of: dt.date | None = None
    note: str = ""


class GapCandidate(_Result):
    """A firm elsewhere that makes a gap segment, with its target score."""

    company: str
    name: str
    stock_codes: list[str]
    province: str | None
    product: str
    share: float | None
    score: float
    rank: int
    introducer_name: str | None
    path_strength: float | None
    introducer: str | None = None


class ChainSegment(_Result):
    """One product/segment of a cluster's chain: local makers vs. makers elsewhere.

    Attributes
    ----------
    role : {"cluster", "upstream", "downstream"}
        A product of the cluster file, or one UPSTREAM_OF step up/down from one.
    via : list of str
        For neighbours: the cluster products it is linked to.
    elsewhere : int >= 0
        Makers registered outside the home region (region known).
    unknown_region : int >= 0
        Makers whose region is unknown (counted neither local nor elsewhere).
    label : {"补链", "强链", "延链", "无数据"} or None
        补链: a cluster product no local firm covers and some firm elsewhere does;
        延链: the same for an upstream/downstream product; 强链: covered by at least
        one but fewer than ``strong_min_local`` local firms; None: covered by that
        many or more; 无数据: no firm of known region covers it anywhere.
    gap : bool
        No local firm covers it (补链 or 延链).
    candidates : list of GapCandidate
        For 补链 and 延链: the best makers elsewhere by target score (score desc, id
        asc); for 强链 too, the firms that would strengthen it.
    """

    product: str
    name: str
    role: str
    via: list[str]
    local_makers: list[Maker]
    elsewhere: int
    unknown_region: int
    gap: bool
    candidates: list[GapCandidate]
    label: str | None = None


class ChainGaps(_Result):
    """A cluster's chain segments and gaps (补链/强链/延链) for a home region.

    ``segments`` ordered by role (cluster, upstream, downstream), then label (补链 and
    延链, 强链, none), makers elsewhere desc, product id; ``gaps`` the product ids of the
    补链/延链 segments in that order; ``labels`` the label rule in one Chinese sentence.
    """

    cluster: str
    home_region: str
    as_of: dt.date
    min_makers: int
    rule: str
    segments: list[ChainSegment]
    gaps: list[str]
    strong_min_local: int = 3
    labels: str = ""


class ConnectorTarget(_Result):
    """A cluster target one connector reaches: its value and the best path strength."""

    company: str
    name: str
    value: float
    strength: float


class ConnectorRow(_Result):
    """One our-side node ranked by the value of the cluster targets it reaches.

    ``score`` = Σ value × best path strength over the targets reached within
    ``max_hops``; ``reached_value`` = Σ value (unweighted); ``targets`` the top few by
    value × strength.
    """

    rank: int
    node: str
    name: str
    kind: str
    score: float
    reached: int
    reached_value: float
    targets: list[ConnectorTarget]


class ConnectorList(_Result):
    """Whom to enlist as 招商大使 or ask first for a cluster (score desc, id asc)."""

    cluster: str
    home_region: str
    max_hops: int
    value_rule: str
    candidates: int
    rows: list[ConnectorRow]
