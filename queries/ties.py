"""Tie strength model and the walkable tie graph used by referral queries.

The defaults live in ``queries/ties.toml`` (shipped with the package), each value
commented with its reason; a user passes their own file to override any of them.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from graph.errors import SchemaError
from graph.files import read_user_text
from graph.schema import CLASSIFICATION_KINDS, LEDGER_KINDS, TIE_KINDS, NodeKind, RelKind
from graph.store import Store
from queries.our_side import channel_code, engaged_code, works_for

DEFAULT_TIES = "ties.toml"


@dataclass(frozen=True)
class TieModel:
    """Tie strengths by relation kind, role, stake and label, with decay and hub penalty.

    Attributes
    ----------
    kind : dict of RelKind to float in (0, 1]
        Default strength per relation kind.
    role : dict of str to float
        OFFICER_OF strength per role (the strongest role of a person counts).
    stake : list of (float, float)
        ``(lowest share %, strength)`` pairs, highest bound first.
    partner_label : dict of str to float
        PARTNERS_WITH strength by label (合资, 合作 …).
    supplies_with_product : float
        SUPPLIES strength when the source names a product.
    half_life_years : float > 0
        Years after which a dated tie keeps half its strength.
    hub_degree : int >= 1
        Least hub limit: a node with this many ties or fewer is never a hub.
    hub_percentile : float in [0, 100]
        The hub limit of a graph is the tie degree at this percentile of its nodes with
        ties (:meth:`hub_limit`), at least ``hub_degree``.
    hub_exponent : float >= 0
        Hub penalty exponent: a hop into a hub of degree d keeps
        ``(limit / d) ** hub_exponent`` of its strength.
    event_kinds : frozenset of RelKind
        Kinds whose ``since`` is an event date from which they decay.
    pass_through : dict of str to float in (0, 1]
        Node tag → share of strength kept by a path passing through a node with that
        tag (e.g. 政府机构: two firms with one state controller).
    our_side_tags : frozenset of str
        Tags (招商大使, 招商顾问) that make a person, intermediary or fund with a
        行政区划代码 ours for that region, as ENGAGED_BY that region does.
    """

    kind: dict[RelKind, float]
    role: dict[str, float]
    stake: list[tuple[float, float]]
    partner_label: dict[str, float]
    supplies_with_product: float
    half_life_years: float
    hub_degree: int
    hub_exponent: float
    event_kinds: frozenset[RelKind] = frozenset()
    pass_through: dict[str, float] = field(default_factory=dict)
    hub_percentile: float = 100.0
    our_side_tags: frozenset[str] = frozenset()
    strength_floor: float = 0.0
    words: tuple[tuple[float, str], ...] = ()

    def word(self, strength: float) -> str:
        """强 / 中 / 弱 for a path strength (thresholds ``[strength_words]``, highest first).

        Examples
        --------
        >>> m = TieModel.load()
        >>> m.word(0.35), m.word(0.1), m.word(0.004)
        ('强', '中', '弱')
        """
        for bound, word in self.words:
            if strength >= bound:
                return word
        return "弱"

    @classmethod
    def load(cls, path: Path | None = None) -> TieModel:
        """Read a tie file (TOML); None reads the shipped defaults.

        Raises
        ------
        SchemaError
            When a value is missing, unknown or outside (0, 1].
        """
        text = read_user_text(path or Path(__file__).parent / DEFAULT_TIES, "强度文件")
        try:
            raw = tomllib.loads(text)
            model = cls(
                kind={RelKind(k): float(v) for k, v in raw["kind"].items()},
                role={str(k): float(v) for k, v in raw["role"].items()},
                stake=sorted(((float(k), float(v)) for k, v in raw["stake"].items()), reverse=True),
                partner_label={str(k): float(v) for k, v in raw["partner_label"].items()},
                supplies_with_product=float(raw["extra"]["supplies_with_product"]),
                half_life_years=float(raw["half_life_years"]),
                hub_degree=int(raw["hub_degree"]),
                hub_exponent=float(raw["hub_exponent"]),
                hub_percentile=float(raw.get("hub_percentile", 100.0)),
                event_kinds=frozenset(RelKind(k) for k in raw.get("event_kinds", [])),
                pass_through={str(k): float(v) for k, v in raw.get("pass_through", {}).items()},
                our_side_tags=frozenset(str(t) for t in raw.get("our_side_tags", [])),
                strength_floor=float(raw.get("strength_floor", 0.0)),
                words=tuple(
                    sorted(
                        ((float(v), str(k)) for k, v in raw.get("strength_words", {}).items()),
                        reverse=True,
                    )
                ),
            )
        except (KeyError, ValueError, tomllib.TOMLDecodeError) as exc:
            raise SchemaError(f"强度文件 {path or DEFAULT_TIES} 格式不符：{exc}") from exc
        values = [
            *model.kind.values(),
            *model.role.values(),
            *(v for _, v in model.stake),
            *model.partner_label.values(),
            model.supplies_with_product,
            *model.pass_through.values(),
        ]
        if not all(0.0 < v <= 1.0 for v in values):
            raise SchemaError(f"强度文件 {path or DEFAULT_TIES}：强度须在 (0, 1] 之间")
        missing = TIE_KINDS - set(model.kind)
        if missing:
            names = ", ".join(sorted(k.value for k in missing))
            raise SchemaError(f"强度文件 {path or DEFAULT_TIES}：缺少 {names} 的强度")
        return model

    def base(self, rel: Mapping[str, Any]) -> float:
        """Return the base strength of one stored relation dict (before confidence/decay)."""
        kind = RelKind(rel["kind"])
        if kind is RelKind.OFFICER_OF:
            known = [self.role[r] for r in rel.get("roles", []) if r in self.role]
            return max(known, default=self.kind[kind])
        if kind in (RelKind.OWNS, RelKind.INVESTED_IN) and rel.get("share_pct") is not None:
            pct = float(rel["share_pct"])
            for bound, strength in self.stake:
                if pct >= bound:
                    return strength
        if kind is RelKind.PARTNERS_WITH and rel.get("label") in self.partner_label:
            return self.partner_label[rel["label"]]
        if kind is RelKind.SUPPLIES and rel.get("product"):
            return self.supplies_with_product
        return self.kind[kind]

    def strength(self, rel: Mapping[str, Any], as_of: dt.date) -> float:
        """Return base × confidence × age decay of one stored relation dict.

        The age is counted from the relation's last known date to ``as_of``, in years
        of 365.25 days: its ``until``; for event kinds (``event_kinds``: deals, orders,
        news) its ``since``; else the date the source saw it (the relation's
        ``as_of``: a 2018 board seat ages from 2018, a 2025 controller from 2025). A tie
        with none of these dates does not decay (and a path through it is not dated).
        """
        value = self.base(rel) * float(rel.get("confidence", 1.0))
        last = last_date(rel, self.event_kinds)
        if last:
            years = (as_of - dt.date.fromisoformat(last)).days / 365.25
            if years > 0:
                value *= 0.5 ** (years / self.half_life_years)
        return value

    def hub_limit(self, degrees: Iterable[int]) -> float:
        """The tie degree above which a node of a graph is a hub.

        The degree at ``hub_percentile`` of the nodes with ties (linear interpolation,
        as :func:`numpy.percentile`), at least ``hub_degree``. A graph too small for its
        top share to hold one node (fewer than 1,000 tied nodes at 99.9) has no such
        percentile: its limit is ``hub_degree``.

        Examples
        --------
        >>> m = TieModel.load()
        >>> m.hub_limit([1] * 9980 + list(range(31, 51)))  # top 0.1 %: 41 … 50 ties
        40.001
        >>> m.hub_limit([1] * 990 + [5] * 9 + [40])  # 5.035 at 99.9: below hub_degree
        20.0
        >>> m.hub_limit([1] * 500 + [60])  # 501 nodes: no top 0.1 % node
        20.0
        """
        tied = np.asarray([d for d in degrees if d > 0], dtype=np.float64)
        if len(tied) * (100.0 - self.hub_percentile) / 100.0 < 1.0:
            return float(self.hub_degree)
        at = round(float(np.percentile(tied, self.hub_percentile)), 6)
        return max(float(self.hub_degree), at)

    def hub_factor(
        self, degree: int, tags: Iterable[str] = (), limit: float | None = None
    ) -> float:
        """Return the strength kept by passing through a node.

        The hub factor ``(limit / degree) ** hub_exponent`` when the node has more than
        ``limit`` ties (the graph's :meth:`hub_limit`; ``hub_degree`` if not given),
        times the smallest ``pass_through`` factor of its tags.
        """
        limit = float(self.hub_degree) if limit is None else limit
        factor = min((self.pass_through[t] for t in tags if t in self.pass_through), default=1.0)
        if degree > limit:
            factor *= (limit / degree) ** self.hub_exponent
        return float(factor)


@dataclass
class TieGraph:
    """Undirected walkable graph: the strongest relation per node pair.

    Attributes
    ----------
    adj : dict of str to dict of str to (float, str)
        ``adj[u][v] = (strength, relation_id)``; symmetric.
    kinds : dict of str to str
        Node id → node kind, for every node on a tie.
    names : dict of str to str
        Node id → display name.
    region : dict of str to str
        Node id → region code, where known.
    tags : dict of str to list of str
        Node id → tags, where any.
    """

    adj: dict[str, dict[str, tuple[float, str]]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    region: dict[str, str] = field(default_factory=dict)
    tags: dict[str, list[str]] = field(default_factory=dict)
    _limit: float | None = field(default=None, repr=False)
    engaged: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def pass_factor(self, model: TieModel, node: str) -> float:
        """Strength kept by a path passing through ``node`` (hub and tag penalties)."""
        if self._limit is None:
            self._limit = model.hub_limit(len(v) for v in self.adj.values())
        return model.hub_factor(self.degree(node), self.tags.get(node, ()), self._limit)

    def degree(self, node: str) -> int:
        """Number of distinct tie neighbours of ``node``."""
        return len(self.adj.get(node, {}))

    def our_side(self, home: str) -> set[str]:
        """Return the our-side node ids for a home region code prefix.

        Our side (DESIGN.md §2): companies registered in the home region (region code
        starts with ``home``), intermediaries, people and funds ENGAGED_BY a region
        inside the home region, and our channels (:func:`channel_code`).
        """
        ours = {
            n
            for n, code in self.region.items()
            if code.startswith(home) and self.kinds.get(n) == NodeKind.COMPANY.value
        }
        ours |= {n for n, codes in self.engaged.items() if any(works_for(c, home) for c in codes)}
        return ours


def build_tie_graph(
    store: Store,
    model: TieModel,
    as_of: dt.date,
    include_private: bool = False,
    kinds: Iterable[RelKind] | None = None,
) -> TieGraph:
    """Read the walkable part of a store into a :class:`TieGraph`.

    Parameters
    ----------
    store : Store
    model : TieModel
    as_of : date
        Reference date for the age decay.
    include_private : bool
        Walk private relations (KNOWS: 老乡/校友…) too. Default False.
    kinds : iterable of RelKind, optional
        Restrict to these tie kinds (default: all of ``TIE_KINDS``).

    Returns
    -------
    TieGraph
        Parallel relations between one pair keep the strongest (ties broken by the
        smaller relation id). Classification nodes (Industry, Product, Cluster,
        Region) and the 招商 ledger's records (Project, Unit, Outing, Introduction,
        Mandate, FairLead) never appear; ENGAGED_BY to a Region marks the node as ours
        instead, and so does a tag of ``our_side_tags`` on a person, intermediary or
        fund with a region code (:func:`engaged_code`). A ledger Channel is an actor,
        ours for its unit's region (:func:`channel_code`).
    """
    walk = set(kinds) if kinds is not None else set(TIE_KINDS)
    graph = TieGraph()
    # the ledger's records (a unit's CONTACTED) are our work, never a hop of a path
    classification = {k.value for k in CLASSIFICATION_KINDS | LEDGER_KINDS}
    region_codes: dict[str, str] = {}
    units: dict[str, str] = {}
    channels: dict[str, str] = {}  # channel id → its unit's id
    for node in store.raw_nodes():
        kind = node["kind"]
        if kind == NodeKind.REGION.value:
            region_codes[node["id"]] = node["code"]
            continue
        if kind == NodeKind.UNIT.value:
            units[node["id"]] = node.get("region_code") or ""
        if kind in classification:
            continue
        if kind == NodeKind.CHANNEL.value:
            channels[node["id"]] = node["unit_id"]
        graph.kinds[node["id"]] = kind
        graph.names[node["id"]] = node["name"]
        if node.get("region_code"):
            graph.region[node["id"]] = node["region_code"]
        if node.get("tags"):
            graph.tags[node["id"]] = node["tags"]
        code = engaged_code(node, model.our_side_tags)
        if code:
            graph.engaged[node["id"]].add(code)
    for channel, unit in channels.items():
        graph.engaged[channel].add(channel_code(unit, units))
    walk_values = {k.value for k in walk}
    for rel in store.raw_relations():
        kind = rel["kind"]
        if kind == RelKind.ENGAGED_BY.value and rel["dst"] in region_codes:
            graph.engaged[rel["src"]].add(region_codes[rel["dst"]])
            continue
        if kind not in walk_values or (rel.get("private") and not include_private):
            continue
        u, v = rel["src"], rel["dst"]
        if u == v or u not in graph.kinds or v not in graph.kinds:
            continue
        s = model.strength(rel, as_of)
        if s <= 0.0:
            continue
        best = graph.adj.get(u, {}).get(v)
        if best is None or s > best[0] or (s == best[0] and rel["id"] < best[1]):
            graph.adj.setdefault(u, {})[v] = (s, rel["id"])
            graph.adj.setdefault(v, {})[u] = (s, rel["id"])
    return graph


def last_date(rel: Mapping[str, Any], event_kinds: Iterable[RelKind]) -> str | None:
    """The ISO date a relation was last known to hold: ``until``, an event's ``since``,
    else ``as_of``; None for an undated relation."""
    if rel.get("until"):
        return str(rel["until"])
    if RelKind(rel["kind"]) in frozenset(event_kinds) and rel.get("since"):
        return str(rel["since"])
    return str(rel["as_of"]) if rel.get("as_of") else None


def hop_cost(strength: float) -> float:
    """Return the path cost of one hop: −ln strength (0 for strength 1)."""
    return -math.log(strength)
