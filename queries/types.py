"""Result types of the queries; ``--json`` output is their ``model_dump``."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid")


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


class IntroducerSummary(_Result):
    """Paths grouped by the our-side node to ask ("ask 山推股份: 2 paths, best 0.42")."""

    introducer: str
    introducer_name: str
    paths: int
    best_strength: float


class ReferralResult(_Result):
    """The answer to "who can introduce us to X": paths strongest first."""

    target: str
    target_name: str
    home_region: str
    k: int
    max_hops: int
    paths: list[ReferralPath]
    introducers: list[IntroducerSummary]


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


class TargetList(_Result):
    """A cluster's ranked target list (score desc, id asc) and its profile."""

    cluster: str
    home_region: str
    weights: dict[str, float]
    candidates: int
    rows: list[TargetRow]
