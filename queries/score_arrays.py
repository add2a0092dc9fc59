"""Target scoring of every candidate at once, on arrays kept in the search snapshot.

A target list ranks every candidate of a cluster (10^5 of them on a province-scale
graph) but shows a few dozen. Reading each candidate's relations and building its
evidence costs milliseconds a firm; so the search snapshot (:mod:`queries.snapshot`)
also keeps, per store revision, what the factor *values* need:

- ``score_flags``: per actor node, whether it is tagged 已退市 (:data:`DELISTED`),
  has list ranks or a revenue (scale) and has tags (strategic tags);
- ``aff_indptr``/``aff_indices``: a symmetric CSR of the node pairs joined by a
  non-private affinity relation (:data:`queries.factors.AFFINITY_KINDS`);
- ``sig_node``/``sig_kind``/``sig_day``: dated signal events (the firm, the signal's
  index in :data:`queries.profile.SIGNALS`, the day's ordinal), sorted by firm, then
  date, then relation id.

:func:`score_candidates` then computes all six factor values and the total score of
every candidate with numpy, by the same arithmetic as :mod:`queries.factors` (Python's
``round`` and ``math.exp`` where numpy could differ in the last bit), so the ranking
equals the one built firm by firm; :mod:`queries.targets` builds evidence, paths and
rows only for the firms shown.
"""

from __future__ import annotations

import datetime as dt
import math
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np
import numpy.typing as npt

from graph.schema import DELISTED, RelKind
from queries import factors as fx
from queries.csr import FloatArray, IntArray
from queries.profile import FACTORS, SIGNALS, ScoringProfile

DELISTED_FLAG, SCALE_FLAG, TAGS_FLAG = 1, 2, 4
#: Relation kinds that can be a signal (:func:`queries.factors.signal_kind`).
SIGNAL_KINDS: frozenset[str] = frozenset(
    k.value
    for k in (RelKind.INVESTED_IN, RelKind.PARTNERS_WITH, RelKind.PARENT_OF, RelKind.ACQUIRED)
)
_COUNTED = SIGNAL_KINDS | fx.AFFINITY_KINDS


def node_flags(node: Mapping[str, Any]) -> int:
    """The ``score_flags`` bits of a stored node dict.

    Examples
    --------
    >>> node_flags({"tags": ["已退市"], "rankings": {"中国企业500强": 3}})
    7
    >>> node_flags({"revenue_usd": 0.0, "tags": []})
    0
    """
    tags = node.get("tags") or []
    flags = DELISTED_FLAG if DELISTED in tags else 0
    if node.get("rankings") or node.get("revenue_usd"):
        flags |= SCALE_FLAG
    return flags | (TAGS_FLAG if tags else 0)


class ScoreArrayDict(TypedDict):
    """The arrays :class:`ScoreCollector` hands to :class:`queries.snapshot.TieSnapshot`."""

    score_flags: npt.NDArray[np.uint8]
    aff_indptr: IntArray
    aff_indices: IntArray
    sig_node: IntArray
    sig_kind: npt.NDArray[np.int8]
    sig_day: IntArray


class ScoreCollector:
    """Collects the scoring arrays while :func:`queries.snapshot.build_snapshot` reads
    the actor nodes (:meth:`node`, in scan order) and the tie relations
    (:meth:`relation`, after the nodes are numbered)."""

    def __init__(self) -> None:
        self.flags: list[int] = []
        self._aff = (array("q"), array("q"))
        self._events: list[tuple[int, str, str, int]] = []  # node, since, relation id, kind

    def node(self, node: Mapping[str, Any]) -> None:
        """Record one actor node (in the order its id is appended)."""
        self.flags.append(node_flags(node))

    def relation(self, rel: Mapping[str, Any], index: Mapping[str, int]) -> None:
        """Record one stored relation: an affinity pair, signal events, or nothing.

        Private relations and self loops never count (as in :mod:`queries.targets`).
        """
        kind = rel["kind"]
        if kind not in _COUNTED or rel.get("private"):
            return
        src, dst = rel["src"], rel["dst"]
        if src == dst:
            return
        if kind in fx.AFFINITY_KINDS:
            u, v = index.get(src), index.get(dst)
            if u is not None and v is not None:
                self._aff[0].append(u)
                self._aff[1].append(v)
        since = rel.get("since")
        if since and kind in SIGNAL_KINDS:
            self._signal(rel, since, index)

    def _signal(self, rel: Mapping[str, Any], since: Any, index: Mapping[str, int]) -> None:
        try:
            dt.date.fromisoformat(since)
        except (TypeError, ValueError):
            return
        for end in (rel["src"], rel["dst"]):
            sig, i = fx.signal_kind(rel, end), index.get(end)
            if sig is not None and i is not None:
                self._events.append((i, since, rel["id"], SIGNALS.index(sig)))

    def arrays(self, n: int, order: Sequence[int] | None) -> ScoreArrayDict:
        """The arrays of :data:`SCORE_ARRAYS`; ``order`` renumbers the nodes as the
        snapshot sorted them (new index → old index), None when already in order."""
        flags = np.asarray(self.flags, dtype=np.uint8)
        if order is not None:
            flags = flags[np.asarray(order, dtype=np.int64)]
        u = np.frombuffer(self._aff[0], dtype=np.int64) if self._aff[0] else np.zeros(0, "i8")
        v = np.frombuffer(self._aff[1], dtype=np.int64) if self._aff[1] else np.zeros(0, "i8")
        pairs = np.sort(np.concatenate([u * n + v, v * n + u]))
        pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if len(pairs) else pairs
        rows, cols = pairs // n, pairs % n
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        events = sorted(self._events)
        return {
            "score_flags": flags,
            "aff_indptr": indptr,
            "aff_indices": cols.astype(np.int64),
            "sig_node": np.asarray([e[0] for e in events], dtype=np.int64),
            "sig_kind": np.asarray([e[3] for e in events], dtype=np.int8),
            "sig_day": np.asarray(
                [dt.date.fromisoformat(e[1]).toordinal() for e in events], dtype=np.int64
            ),
        }


def py_round(values: FloatArray, digits: int = 4) -> FloatArray:
    """Python's ``round(x, digits)`` of each value (numpy's ``round`` can differ)."""
    if not len(values):
        return values.astype(np.float64)
    uniq, where = np.unique(values, return_inverse=True)
    rounded = np.asarray([round(x, digits) for x in uniq.tolist()], dtype=np.float64)
    return rounded[where.reshape(-1)]


@dataclass(frozen=True)
class CandidateScores:
    """Factor values and total scores of candidates, in the order given.

    Attributes
    ----------
    values : dict of str to float array
        Factor name → value in [0, 1] (unrounded), one per candidate.
    score : float array
        The total score as :func:`queries.targets.target_list` reports it.
    """

    values: dict[str, FloatArray]
    score: FloatArray


def total_score(values: Mapping[str, FloatArray], weights: Mapping[str, float]) -> FloatArray:
    """``round(Σ round(round(clip(v), 4) × w, 4), 4)`` over the weighted factors, in
    :data:`FACTORS` order (:func:`queries.factors.factor`, then the row's sum)."""
    total: FloatArray | None = None
    for name in (f for f in FACTORS if f in weights):
        value = py_round(np.clip(values[name], 0.0, 1.0))
        part = py_round(value * weights[name])
        total = part + 0.0 if total is None else total + part
    if total is None:
        raise ValueError("no weighted factor")
    return py_round(total)


def score_candidates(
    snap: Any,
    nodes: IntArray,
    chain: FloatArray,
    reach: tuple[npt.NDArray[np.bool_], FloatArray] | None,
    ours: npt.NDArray[np.bool_],
    node_dict: Callable[[int], Mapping[str, Any]],
    weights: Mapping[str, float],
    p: ScoringProfile,
    as_of: dt.date,
) -> CandidateScores:
    """Score candidates (snapshot node indices ``nodes``) on the snapshot's arrays.

    Parameters
    ----------
    snap : TieSnapshot
        With the arrays of :data:`SCORE_ARRAYS`.
    nodes : int array, shape (k,)
    chain : float array, shape (k,)
        Chain fit per candidate (:func:`queries.factors.chain_fit_value`).
    reach : (bool array, float array), optional
        Reached flags and best path costs per candidate (None: no reachability, the
        expand-here list).
    ours : bool array, shape (n,)
        Our-side flags of the home region.
    node_dict : callable
        Node index → stored dict, called only for flagged nodes (ranks, revenue, tags).
    weights : dict of str to float
        Normalised weights (:meth:`ScoringProfile.normalised`).

    Returns
    -------
    CandidateScores

    Notes
    -----
    O(k + e) array work for e affinity entries of the candidates; Python work only for
    the flagged nodes and the signal events inside the window.
    """
    k = len(nodes)
    flags = np.asarray(snap.score_flags)[nodes]
    values: dict[str, FloatArray] = {"chain_fit": chain}
    scale = np.zeros(k)
    tags = np.zeros(k)
    for j in np.flatnonzero(flags & (SCALE_FLAG | TAGS_FLAG)).tolist():
        stored = node_dict(int(nodes[j]))
        if flags[j] & SCALE_FLAG:
            scale[j] = fx.scale(stored, p)[0]
        if flags[j] & TAGS_FLAG:
            tags[j] = fx.strategic_tags(stored, p)[0]
    values["scale"] = scale
    values["strategic_tags"] = tags
    if reach is not None:
        reached, cost = reach
        strength = np.zeros(k)
        strength[reached] = [math.exp(-c) for c in cost[reached].tolist()]
        values["reachability"] = strength
    values["local_affinity"] = _affinity(snap, nodes, ours, p)
    values["signals"] = _signals(snap, nodes, p, as_of)
    return CandidateScores(values, total_score(values, weights))


def _affinity(
    snap: Any, nodes: IntArray, ours: npt.NDArray[np.bool_], p: ScoringProfile
) -> FloatArray:
    """``min(1, k / saturation)`` for k distinct our-side affinity partners."""
    indptr = np.asarray(snap.aff_indptr)
    local = np.asarray(ours, dtype=np.int64)[np.asarray(snap.aff_indices)]
    running = np.zeros(len(local) + 1, dtype=np.int64)
    np.cumsum(local, out=running[1:])
    count = running[indptr[nodes + 1]] - running[indptr[nodes]]
    return np.asarray(np.minimum(1.0, count / p.saturation), dtype=np.float64)


def _signals(snap: Any, nodes: IntArray, p: ScoringProfile, as_of: dt.date) -> FloatArray:
    """Σ points of the events in ``(as_of − window_days, as_of]``, capped at 1, summed
    in date then relation-id order as :func:`queries.factors.signals` does."""
    out = np.zeros(len(nodes))
    day = np.asarray(snap.sig_day)
    start = (as_of - dt.timedelta(days=p.window_days)).toordinal()
    inside = np.flatnonzero((day > start) & (day <= as_of.toordinal()))
    if not len(inside) or not len(nodes):
        return out
    owner = np.asarray(snap.sig_node)[inside]
    where = np.searchsorted(nodes, owner)  # nodes ascending (id order)
    where = np.minimum(where, len(nodes) - 1)
    hit = nodes[where] == owner
    points = [p.points[s] for s in SIGNALS]
    totals: dict[int, float] = {}
    kinds = np.asarray(snap.sig_kind)[inside][hit].tolist()
    for j, kind in zip(where[hit].tolist(), kinds, strict=True):
        totals[j] = totals.get(j, 0.0) + points[kind]
    for j, total in totals.items():
        out[j] = min(1.0, total)
    return out
