"""A cluster's industrial chain: its products and their one-step neighbours.

The chain of a cluster (DESIGN.md §4) is its own products (the cluster file names them)
plus the products one UPSTREAM_OF step up or down from them, noise filtered. A segment
is one such product together with its synonyms and SUBCLASS_OF descendants (a maker of 挖掘机械
makes 挖掘机). The noise rule, documented here and in ``queries/scoring.toml``:

- the cluster's own products always count (chosen by hand);
- an upstream/downstream neighbour counts only when at least ``min_makers`` firms
  make it (or a subclass of it), and its name is not generic: not in
  :data:`GENERIC_NAMES`, at least 2 characters, and not containing a bookkeeping word
  of :data:`GENERIC_PARTS` (chain-kg's product links are rule-extracted from text:
  ``储能系统`` has the upstream "products" 输入, 转换, 输出设备).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from graph.ids import node_id
from graph.schema import NodeKind, RelKind
from graph.store import Store, nodes_by_id, relations_touching, scan_relations
from queries.clusters import ClusterDef, product_ids
from resolve.products import canonical, spellings

#: Product names too generic to be a chain segment.
GENERIC_NAMES = frozenset(
    {
        "产品",
        "商品",
        "设备",
        "材料",
        "原材料",
        "配件",
        "零部件",
        "服务",
        "其他",
        "其它",
        "工业",
        "商业",
        "输入",
        "输出",
        "转换",
        "电气设备",
        "电器设备",
        "机械设备",
        "储存设备",
        "输出设备",
        "化工",
        "贸易",
        "租赁",
        "劳务",
        "技术服务",
        "工程施工",
    }
)
#: A product name containing one of these is a bookkeeping line, not a product.
GENERIC_PARTS = ("其他", "其它", "业务", "收入", "销售", "项目", "知识", "合计", "抵销")

ROLE_ORDER = {"cluster": 0, "upstream": 1, "downstream": 2}


class Made(NamedTuple):
    """How one firm makes one product: the MAKES relation that says so.

    Attributes
    ----------
    share : float in [0, 1] or None
        Revenue share (chain-kg ``rel_weight``); None when the source gives none
        (an ICKG-25 归属于行业 row: the news places the firm in the product's industry).
    relation_id : str
    product : str
        The product id actually made (a subclass or synonym of a segment's product).
    as_of : date or None
        The relation's ``as_of`` (chain-kg: its as-of date 2021-12-31; ickg25: the
        latest news day).
    label : str or None
        The relation as the source writes it (主营产品, 归属于行业).
    """

    share: float | None
    relation_id: str
    product: str
    as_of: dt.date | None
    label: str | None

    def rank(self) -> tuple[float, str, str]:
        """Sort key, best first: a revenue share before none, larger first, then ids."""
        share = -1.0 if self.share is None else self.share
        return (-share, self.product, self.relation_id)


def product_id_of_name(name: str) -> str | None:
    """``node_id(PRODUCT, name)``, or None for a blank name."""
    try:
        return node_id(NodeKind.PRODUCT, name)
    except ValueError:
        return None


def synonym_ids(product: str) -> list[str]:
    """The product id and the ids of its other spellings (:func:`resolve.products.
    spellings`: synonyms and product-line names such as 阿胶系列), in that order."""
    name = product.split(":", 1)[-1]
    ids = [product]
    for other in spellings(name)[1:]:
        pid = product_id_of_name(other)
        if pid is not None and pid not in ids:
            ids.append(pid)
    return ids


def is_generic(name: str) -> bool:
    """Return True when a product name is too generic to be a chain segment.

    Examples
    --------
    >>> is_generic("电气设备"), is_generic("材料销售"), is_generic("轴承钢")
    (True, True, False)
    """
    return len(name) < 2 or name in GENERIC_NAMES or any(p in name for p in GENERIC_PARTS)


def _revision_key(store: Store) -> tuple[int, str, int] | None:
    """``(object id, store id, revision)`` of a store with no uncommitted writes."""
    revision = getattr(store, "revision", None)
    conn = getattr(store, "conn", None)
    if revision is None or conn is None or conn.in_transaction:
        return None
    return id(store), str(getattr(store, "store_id", "")), int(revision)


_R = TypeVar("_R")
_CHAIN_KINDS = [RelKind.MAKES, RelKind.UPSTREAM_OF, RelKind.SUBCLASS_OF]
_BUILT: dict[tuple[int, str, int], ChainIndex] = {}


@dataclass
class ChainIndex:
    """Product links and makers of a store, read whole or on demand.

    Attributes
    ----------
    makes : dict of str to dict of str to Made
        Product id → company id → the best MAKES of the pair (:meth:`Made.rank`: a
        revenue share before a news membership).
    upstream, downstream : dict of str to set of str
        Product id → its one-step upstream / downstream products.
    children : dict of str to set of str
        Product id → its direct SUBCLASS_OF children.
    names : dict of str to str
        Product id → name.

    Notes
    -----
    On a store that reads relations by endpoint (``raw_relations_touching``: SQLite,
    Neo4j) the dicts are filled lazily, only for the products asked about and their
    SUBCLASS_OF descendants, one indexed read per level of the product tree: a cluster
    touches a few thousand of the ~10^5 products, so nothing scans the whole chain.
    Read them through the methods (:meth:`upstream_of`, :meth:`family`, …), which load
    what they need; on other stores everything is read at once.
    """

    makes: dict[str, dict[str, Made]] = field(default_factory=dict)
    upstream: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    downstream: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    children: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    names: dict[str, str] = field(default_factory=dict)
    store: Store | None = None  # set: lazy, over this store
    loaded: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, store: Store) -> ChainIndex:
        """The chain index of ``store``: lazy when it reads relations by endpoint, else
        MAKES, UPSTREAM_OF and product SUBCLASS_OF relations read in one pass.

        The eager index is kept for the store's current revision (when it has one), so
        a workbook of many clusters reads the chain once.
        """
        if getattr(store, "raw_relations_touching", None) is not None:
            return cls(store=store)
        key = _revision_key(store)
        if key is not None and key in _BUILT:
            return _BUILT[key]
        index = cls()
        for rel in scan_relations(store, _CHAIN_KINDS):
            index._add(rel)
        if key is not None:
            _BUILT.clear()
            _BUILT[key] = index
        return index

    def _add(self, rel: dict[str, Any]) -> None:
        kind, src, dst = rel["kind"], rel["src"], rel["dst"]
        if kind == RelKind.MAKES.value:
            weight, day = rel.get("weight"), rel.get("as_of")
            made = Made(
                None if weight is None else float(weight),
                rel["id"],
                dst,
                dt.date.fromisoformat(str(day)) if day else None,
                rel.get("label"),
            )
            have = self.makes.setdefault(dst, {}).get(src)
            if have is None or made.rank() < have.rank():
                self.makes[dst][src] = made
        elif kind == RelKind.UPSTREAM_OF.value:
            self.upstream[dst].add(src)
            self.downstream[src].add(dst)
        elif kind == RelKind.SUBCLASS_OF.value and dst.startswith("Product:"):
            self.children[dst].add(src)

    def load(self, products: Iterable[str]) -> None:
        """Read the links of ``products`` (a no-op for an eager index or loaded ones).

        Only what is keyed by a loaded product is kept (makers, children, upstream and
        downstream neighbours), so each product's entries are complete once loaded.
        """
        if self.store is None:
            return
        new = set(products) - self.loaded
        if not new:
            return
        self.loaded |= new
        for rel in relations_touching(self.store, new, _CHAIN_KINDS):  # in id order
            kind, src, dst = rel["kind"], rel["src"], rel["dst"]
            if kind == RelKind.UPSTREAM_OF.value:
                if dst in new:
                    self.upstream[dst].add(src)
                if src in new:
                    self.downstream[src].add(dst)
            elif dst in new:
                self._add(rel)

    def upstream_of(self, product: str) -> set[str]:
        """The one-step upstream products of ``product``."""
        self.load([product])
        return self.upstream.get(product, set())

    def downstream_of(self, product: str) -> set[str]:
        """The one-step downstream products of ``product``."""
        self.load([product])
        return self.downstream.get(product, set())

    def spelled(self, product: str) -> list[str]:
        """The product and those of its other spellings (:func:`synonym_ids`) that make
        a difference: made by a firm or with subclasses."""
        ids = synonym_ids(product)
        self.load(ids)
        return [product, *(p for p in ids[1:] if self.makes.get(p) or self.children.get(p))]

    def families(self, products: Iterable[str]) -> dict[str, list[str]]:
        """:meth:`family` of several products, loading their trees level by level."""
        wanted = sorted(set(products))
        frontier = {s for p in wanted for s in synonym_ids(p)}
        seen: set[str] = set()
        while frontier:
            self.load(frontier)
            seen |= frontier
            frontier = {c for p in frontier for c in self.children.get(p, ())} - seen
        return {p: self.family(p) for p in wanted}

    def family(self, product: str) -> list[str]:
        """The product, its other spellings (:meth:`spelled`) and all their SUBCLASS_OF
        descendants, in id order."""
        seen = set(self.spelled(product))
        stack = sorted(seen)
        while stack:
            top = stack.pop()
            self.load([top])
            for child in self.children.get(top, ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return sorted(seen)

    def makers(self, product: str) -> dict[str, Made]:
        """Firms making the product, a synonym or a subclass: company → :class:`Made`.

        A firm making several products of the family keeps the best by
        :meth:`Made.rank` (a revenue share before none, the largest, then the smaller
        product id).
        """
        found: dict[str, Made] = {}
        for pid in self.family(product):
            for company, made in sorted(self.makes.get(pid, {}).items()):
                if company not in found or made.rank() < found[company].rank():
                    found[company] = made
        return found


@dataclass(frozen=True)
class Segment:
    """One chain segment: a product, its role and the cluster products it links to."""

    product: str
    name: str
    role: str  # "cluster", "upstream" (of a cluster product) or "downstream"
    via: tuple[str, ...]


def chain_segments(
    store: Store, cluster: ClusterDef, index: ChainIndex, min_makers: int
) -> list[Segment]:
    """Return the cluster's chain segments after the noise rule (module docstring).

    Returns
    -------
    list of Segment
        Ordered by role (cluster, upstream, downstream), then product id. A product that
        is both a cluster product and a neighbour is a cluster segment. Synonyms
        (:mod:`resolve.products`) are one segment: of two cluster products that are
        synonyms (海工装备, 海洋工程装备) the one the table names first is kept (else the
        smaller id), and a neighbour that is a synonym of a segment is left out; a
        segment's makers include its synonyms' (:meth:`ChainIndex.family`).
    """
    own = product_ids(store, cluster)
    names = _names(store, own, index)
    kept: dict[str, str] = {}  # canonical name → the cluster product kept for it
    for p in sorted(own, key=lambda p: (canonical(names[p]) != names[p], p)):
        kept.setdefault(canonical(names[p]), p)
    segments = [Segment(p, names[p], "cluster", ()) for p in sorted(kept.values())]
    index.load(own)
    for role, links in (("upstream", index.upstream_of), ("downstream", index.downstream_of)):
        via: dict[str, set[str]] = defaultdict(set)
        for p in own:
            for q in links(p):
                if q not in own:
                    via[q].add(p)
        index.families(via)
        for q in sorted(via):
            name = names.get(q) or q.split(":", 1)[-1]
            if q in {s.product for s in segments} or canonical(name) in kept:
                continue
            if is_generic(name) or len(index.makers(q)) < min_makers:
                continue
            kept[canonical(name)] = q
            segments.append(Segment(q, name, role, tuple(names[p] for p in sorted(via[q]))))
    return segments


def _names(store: Store, own: set[str], index: ChainIndex) -> dict[str, str]:
    wanted = set(own)
    for p in own:
        wanted |= index.upstream_of(p) | index.downstream_of(p)
    stored = nodes_by_id(store, wanted)
    return {
        pid: stored[pid]["name"] if pid in stored else pid.split(":", 1)[-1]
        for pid in sorted(wanted)
    }
