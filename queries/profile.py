"""The scoring profile of target lists: factor weights and their parameters.

Read from a TOML file (shipped default ``queries/scoring.toml``, which documents every
key); the user copies and edits it and passes it with ``--profile``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import SchemaError
from graph.files import read_user_text

#: Factor names in display order.
FACTORS = (
    "chain_fit",
    "scale",
    "reachability",
    "local_affinity",
    "signals",
    "strategic_tags",
)
#: Signal kinds (profile keys) in display order.
SIGNALS = ("invested", "joint_venture", "new_subsidiary", "acquisition")


@dataclass(frozen=True)
class ScoringProfile:
    """Factor weights and their parameters (see ``queries/scoring.toml``).

    Attributes
    ----------
    weights : dict of str to float >= 0
        Raw weights per factor of :data:`FACTORS` (normalised when scoring).
    core, related, adjacent, gap_bonus : float in [0, 1]
        Chain-fit parameters.
    min_makers : int >= 1
        Noise filter of upstream/downstream chain segments.
    strong_min_local : int >= 1
        Chain gaps: a segment with at least one but fewer than this many local firms is
        强链 (:mod:`queries.gaps`).
    list_sizes : dict of str to int
        Ranking list name → list size.
    revenue_floor, revenue_cap : float, USD
        Revenue scale end points (log scale).
    saturation : int >= 1
        Local affinity: this many our-side neighbours score 1.
    window_days : int >= 0
        Signals: events dated within this many days before ``as_of`` count.
    signal_points : dict of str to float
        Points per event kind of :data:`SIGNALS`.
    tag_values : dict of str to float
        Strategic tag → value in [0, 1].
    """

    weights: dict[str, float]
    core: float
    related: float
    list_sizes: dict[str, int]
    adjacent: float = 0.5
    gap_bonus: float = 0.2
    min_makers: int = 2
    strong_min_local: int = 3
    revenue_floor: float = 1e8
    revenue_cap: float = 1e11
    saturation: int = 3
    window_days: int = 730
    signal_points: dict[str, float] | None = None
    tag_values: dict[str, float] | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> ScoringProfile:
        """Read a profile file (TOML); None reads the shipped default.

        A factor missing from ``[weights]`` gets weight 0 (the factor is still shown).

        Raises
        ------
        SchemaError
            When a section or value is missing or malformed, a weight is negative or
            all weights are 0, or a value that must lie in [0, 1] does not.
        """
        default = Path(__file__).parent / "scoring.toml"
        where = path or "（默认）"
        try:
            raw: dict[str, Any] = tomllib.loads(read_user_text(path or default, "评分配置文件"))
            weights = {k: float(raw["weights"].get(k, 0.0)) for k in FACTORS}
            chain = raw.get("chain_fit", {})
            signals = raw.get("signals", {})
            revenue = raw.get("revenue", {})
            profile = cls(
                weights=weights,
                core=float(chain["core"]),
                related=float(chain["related"]),
                adjacent=float(chain.get("adjacent", 0.5)),
                gap_bonus=float(chain.get("gap_bonus", 0.0)),
                min_makers=int(raw.get("chain", {}).get("min_makers", 2)),
                strong_min_local=int(raw.get("chain", {}).get("strong_min_local", 3)),
                list_sizes={str(k): int(v) for k, v in raw["scale"].items()},
                revenue_floor=float(revenue.get("floor_usd", 1e8)),
                revenue_cap=float(revenue.get("cap_usd", 1e11)),
                saturation=int(raw.get("local_affinity", {}).get("saturation", 3)),
                window_days=int(signals.get("window_days", 730)),
                signal_points={k: float(signals.get(k, 0.0)) for k in SIGNALS},
                tag_values={str(k): float(v) for k, v in raw.get("strategic_tags", {}).items()},
            )
        except (KeyError, ValueError, TypeError, AttributeError, tomllib.TOMLDecodeError) as exc:
            raise SchemaError(f"评分配置 {where} 格式不符：{exc!r}") from exc
        if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
            raise SchemaError(f"评分配置 {where}：权重须 ≥ 0 且不能全为 0")
        unit = [profile.core, profile.related, profile.adjacent, profile.gap_bonus]
        unit += [*profile.points.values(), *profile.tags.values()]
        if any(not 0.0 <= v <= 1.0 for v in unit):
            raise SchemaError(f"评分配置 {where}：产业链、动向和标签的取值须在 [0, 1] 之间")
        low = min(profile.min_makers, profile.saturation, profile.strong_min_local)
        if low < 1 or profile.window_days < 0:
            raise SchemaError(
                f"评分配置 {where}：min_makers、strong_min_local 和 saturation 须 ≥ 1，"
                "window_days ≥ 0"
            )
        if not 0 < profile.revenue_floor < profile.revenue_cap:
            raise SchemaError(f"评分配置 {where}：须满足 0 < 营收下限 < 营收上限")
        return profile

    @property
    def points(self) -> dict[str, float]:
        """Signal points per event kind (0 for kinds not set)."""
        return self.signal_points or dict.fromkeys(SIGNALS, 0.0)

    @property
    def tags(self) -> dict[str, float]:
        """Strategic tag values (empty when none set)."""
        return self.tag_values or {}

    def normalised(self, factors: tuple[str, ...] = FACTORS) -> dict[str, float]:
        """Weights of ``factors`` normalised to sum 1, rounded to 4 decimals."""
        total = sum(self.weights[f] for f in factors) or 1.0
        return {f: round(self.weights[f] / total, 4) for f in factors}
