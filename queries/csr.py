"""Compact array form of the tie graph for referral search (scipy.sparse CSR).

Nodes are numbered 0 … n−1 in id order. The walk graph is undirected, stored as a
symmetric CSR matrix: row ``u`` lists the neighbours ``v`` with the hop cost
``−ln s(u, v)`` and the index of the relation kept for the pair (the strongest of
parallel relations, ties to the smaller relation id). Walking ``u → v`` as an
intermediate step costs ``w(u, v) + leave[u]``, where ``leave[u]`` is the hub and
pass-through penalty of :meth:`queries.paths.SearchContext.leave_cost` (0 for our-side
nodes, which are never intermediate).

Built once per :class:`~queries.paths.SearchContext`; besides the arrays it holds the
two "from our side" tables that guide every search (exact cost and fewest hops from
the our-side set to each node, intermediates never our side), each computed by one
multi-source :func:`scipy.sparse.csgraph.dijkstra`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from queries.strings import Positions, StringTable

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def dedupe_edges(
    src: IntArray, dst: IntArray, strength: FloatArray, rel: IntArray
) -> tuple[IntArray, IntArray, FloatArray, IntArray]:
    """Keep the strongest relation per unordered node pair (ties: smaller ``rel``).

    Parameters
    ----------
    src, dst : int array, shape (m,)
        Endpoints (node indices); self loops are dropped.
    strength : float array in (0, 1], shape (m,)
    rel : int array, shape (m,)
        Relation index of each edge (its rank in relation-id order).

    Returns
    -------
    tuple of arrays
        ``(a, b, strength, rel)`` with ``a < b``, one row per pair, sorted by pair.

    Notes
    -----
    O(m log m): one lexicographic sort.
    """
    a, b = np.minimum(src, dst), np.maximum(src, dst)
    keep = a != b
    a, b, s, r = a[keep], b[keep], strength[keep], rel[keep]
    order = np.lexsort((r, -s, b, a))
    a, b, s, r = a[order], b[order], s[order], r[order]
    first = np.ones(len(a), dtype=bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    return a[first], b[first], s[first], r[first]


def csr_structure(
    n: int, src: IntArray, dst: IntArray, strength: FloatArray, rel: IntArray
) -> tuple[IntArray, IntArray, FloatArray, IntArray]:
    """The symmetric CSR arrays ``(indptr, indices, weight, rel)`` of a tie list.

    Parallel ties keep the strongest (:func:`dedupe_edges`); ``weight`` is ``−ln s``;
    each row is sorted by neighbour index.
    """
    a, b, s, r = dedupe_edges(src, dst, strength, rel)
    w = -np.log(s)
    rows = np.concatenate([a, b])
    cols = np.concatenate([b, a])
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    wt = np.concatenate([w, w])[order]
    rl = np.concatenate([r, r])[order].astype(np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return indptr, cols.astype(np.int64), wt, rl


def our_side_guide(
    indptr: IntArray, indices: IntArray, weight: FloatArray, leave: FloatArray, ours: BoolArray
) -> tuple[FloatArray, FloatArray]:
    """Cheapest cost and fewest hops from the our-side set to every node.

    A forward step ``y → x`` costs ``w + leave[y]``; our-side nodes are never entered.
    One multi-source :func:`scipy.sparse.csgraph.dijkstra` each.

    Returns
    -------
    (dist, hops) : float arrays, shape (n,)
        ``inf`` where unreachable; 0 on our side.

    Notes
    -----
    scipy is imported here, not with the module: a question on a snapshot whose
    per-home arrays are on disk never needs it (0.4 s of start-up).
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    n = len(indptr) - 1
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    enter = ~ours[indices]
    fw = csr_matrix(((weight + leave[rows])[enter], (rows[enter], indices[enter])), shape=(n, n))
    sources = np.flatnonzero(ours)
    if not len(sources):
        return np.full(n, np.inf), np.full(n, np.inf)
    dist = np.asarray(dijkstra(fw, indices=sources, min_only=True), dtype=np.float64)
    hops = np.asarray(
        dijkstra(fw, indices=sources, min_only=True, unweighted=True), dtype=np.float64
    )
    return dist, hops


@dataclass(frozen=True)
class CsrGraph:
    """The tie graph as arrays, with our-side distances for A* guidance.

    Attributes
    ----------
    ids : StringTable
        Node index → node id (sorted).
    index : mapping of str to int
        Node id → node index (``ids.positions``: ``get``, ``[]``, ``in``).
    indptr, indices : int arrays
        CSR structure of the symmetric walk graph; each row sorted by neighbour index.
    weight : float array
        ``−ln s`` per stored entry (>= 0; 0 for a tie of strength 1).
    rel : int array
        Relation index per stored entry (into ``rel_ids``).
    rel_ids : StringTable
        Relation index → relation id.
    leave : float array, shape (n,)
        Cost of leaving a node as an intermediate (0 for our side).
    ours : bool array, shape (n,)
        Our-side flags.
    dist_ours : float array, shape (n,)
        Cheapest cost from any our-side node (``inf`` when unreachable; 0 on our side).
    hops_ours : float array, shape (n,)
        Fewest hops from any our-side node (``inf`` when unreachable).
    """

    ids: StringTable
    index: Positions
    indptr: IntArray
    indices: IntArray
    weight: FloatArray
    rel: IntArray
    rel_ids: StringTable
    leave: FloatArray
    ours: BoolArray
    dist_ours: FloatArray
    hops_ours: FloatArray

    @classmethod
    def from_edges(
        cls,
        ids: list[str] | StringTable,
        src: IntArray,
        dst: IntArray,
        strength: FloatArray,
        rel: IntArray,
        rel_ids: list[str] | StringTable,
        leave: FloatArray,
        ours: BoolArray,
    ) -> CsrGraph:
        """Build from edge arrays (parallel edges allowed; the strongest is kept).

        Parameters
        ----------
        ids : list of str or StringTable, length n
            Node ids in index order (sorted).
        src, dst, strength, rel : arrays, shape (m,)
            Walkable ties (see :func:`dedupe_edges`).
        rel_ids : list of str or StringTable
            Relation index → relation id.
        leave : float array, shape (n,)
            Pass-through cost per node (must be 0 where ``ours``).
        ours : bool array, shape (n,)

        Notes
        -----
        O(m log m + (n + m) log n): the dedupe sort, two CSR builds and two
        multi-source Dijkstra runs (cost and hop count from our side). Memory: about
        40 bytes per stored entry (2 per tie) plus 26 bytes per node.
        """
        table = ids if isinstance(ids, StringTable) else StringTable.of(ids)
        rels = rel_ids if isinstance(rel_ids, StringTable) else StringTable.of(rel_ids)
        indptr, indices, wt, rl = csr_structure(len(table), src, dst, strength, rel)
        return cls.with_guide(table, indptr, indices, wt, rl, rels, leave, ours)

    @classmethod
    def with_guide(
        cls,
        ids: StringTable,
        indptr: IntArray,
        indices: IntArray,
        weight: FloatArray,
        rel: IntArray,
        rel_ids: StringTable,
        leave: FloatArray,
        ours: BoolArray,
    ) -> CsrGraph:
        """Add the our-side guide (:func:`our_side_guide`) to a CSR structure."""
        dist, hops = our_side_guide(indptr, indices, weight, leave, ours)
        return cls(
            ids=ids,
            index=ids.positions,
            indptr=indptr,
            indices=indices,
            weight=weight,
            rel=rel,
            rel_ids=rel_ids,
            leave=np.asarray(leave, dtype=np.float64),
            ours=np.asarray(ours, dtype=bool),
            dist_ours=dist,
            hops_ours=hops,
        )

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.ids)

    def neighbours(self, u: int) -> tuple[IntArray, FloatArray]:
        """Return ``(neighbour indices, hop costs)`` of node ``u``."""
        a, b = self.indptr[u], self.indptr[u + 1]
        return self.indices[a:b], self.weight[a:b]

    def edge(self, u: int, v: int) -> tuple[float, str]:
        """Return ``(hop cost, relation id)`` of the tie between ``u`` and ``v``.

        Raises
        ------
        KeyError
            When ``u`` and ``v`` are not tied.
        """
        a, b = int(self.indptr[u]), int(self.indptr[u + 1])
        j = a + int(np.searchsorted(self.indices[a:b], v))
        if j >= b or self.indices[j] != v:
            raise KeyError((self.ids[u], self.ids[v]))
        return float(self.weight[j]), self.rel_ids[int(self.rel[j])]

    def path_cost(self, nodes: Sequence[int]) -> float:
        """Cost of a path in walking order: Σ (w(u, v) + leave[u]), summed left to right.

        The introducer (``nodes[0]``) is our side and pays no leave cost.
        """
        cost = 0.0
        for u, v in itertools.pairwise(nodes):
            cost += self.edge(u, v)[0] + float(self.leave[u])
        return cost
