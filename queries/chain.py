"""A cluster's industrial chain: its products and their one-step neighbours.

The chain of a cluster (DESIGN.md §4) is its own products (the cluster file names them)
plus the products one UPSTREAM_OF step up or down from them, noise filtered. A segment
is one such product together with its SUBCLASS_OF descendants (a maker of 挖掘机械
makes 挖掘机). The noise rule, documented here and in ``queries/scoring.toml``:

- the cluster's own products always count (chosen by hand);
- an upstream/downstream neighbour counts only when at least ``min_makers`` firms
  make it (or a subclass of it), and its name is not generic: not in
  :data:`GENERIC_NAMES`, at least 2 characters, and not containing a bookkeeping word
  of :data:`GENERIC_PARTS` (chain-kg's product links are rule-extracted from text:
  ``储能系统`` has the upstream "products" 输入, 转换, 输出设备).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graph.schema import RelKind
from graph.store import Store, scan_relations
from queries.clusters import ClusterDef, product_ids

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
_BUILT: dict[tuple[int, str, int], ChainIndex] = {}
_READS: dict[tuple[tuple[int, str, int], str], Any] = {}


def per_revision(store: Store, name: str, read: Callable[[], _R]) -> _R:
    """``read()``, kept for the store's current revision (a workbook of ten clusters
    reads the chain and the classification nodes once). Results are read-only."""
    key = _revision_key(store)
    if key is None:
        return read()
    if (key, name) not in _READS:
        for old in [k for k in _READS if k[0] != key]:
            del _READS[old]
        _READS[key, name] = read()
    value: _R = _READS[key, name]
    return value


@dataclass
class ChainIndex:
    """Product links and makers of a store, read in one pass.

    Attributes
    ----------
    makes : dict of str to dict of str to (float, str)
        Product id → company id → (revenue share, MAKES relation id).
    upstream, downstream : dict of str to set of str
        Product id → its one-step upstream / downstream products.
    children : dict of str to set of str
        Product id → its direct SUBCLASS_OF children.
    names : dict of str to str
        Product id → name.
    """

    makes: dict[str, dict[str, tuple[float, str]]] = field(default_factory=dict)
    upstream: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    downstream: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    children: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, store: Store) -> ChainIndex:
        """Read MAKES, UPSTREAM_OF and product SUBCLASS_OF relations of ``store``.

        Kept for the store's current revision (when it has one), so a workbook of many
        clusters reads the chain once. Treat the result as read-only.
        """
        key = _revision_key(store)
        if key is not None and key in _BUILT:
            return _BUILT[key]
        index = cls()
        kinds = [RelKind.MAKES, RelKind.UPSTREAM_OF, RelKind.SUBCLASS_OF]
        for rel in scan_relations(store, kinds):
            kind, src, dst = rel["kind"], rel["src"], rel["dst"]
            if kind == RelKind.MAKES.value:
                weight = float(rel.get("weight") or 0.0)
                index.makes.setdefault(dst, {})[src] = (weight, rel["id"])
            elif kind == RelKind.UPSTREAM_OF.value:
                index.upstream[dst].add(src)
                index.downstream[src].add(dst)
            elif kind == RelKind.SUBCLASS_OF.value and dst.startswith("Product:"):
                index.children[dst].add(src)
        if key is not None:
            _BUILT.clear()
            _BUILT[key] = index
        return index

    def family(self, product: str) -> list[str]:
        """The product and all its SUBCLASS_OF descendants, in id order."""
        seen = {product}
        stack = [product]
        while stack:
            for child in self.children.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return sorted(seen)

    def makers(self, product: str) -> dict[str, tuple[float, str, str]]:
        """Firms making the product or a subclass: company → (share, relation id, product).

        A firm making several products of the family keeps its largest share (ties:
        the smaller product id).
        """
        found: dict[str, tuple[float, str, str]] = {}
        for pid in self.family(product):
            for company, (weight, rid) in sorted(self.makes.get(pid, {}).items()):
                if company not in found or weight > found[company][0]:
                    found[company] = (weight, rid, pid)
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
        is both a cluster product and a neighbour is a cluster segment.
    """
    own = product_ids(store, cluster)
    names = _names(store, own, index)
    segments = [Segment(p, names[p], "cluster", ()) for p in sorted(own)]
    for role, links in (("upstream", index.upstream), ("downstream", index.downstream)):
        via: dict[str, set[str]] = defaultdict(set)
        for p in own:
            for q in links.get(p, ()):
                if q not in own:
                    via[q].add(p)
        for q in sorted(via):
            if q in {s.product for s in segments}:
                continue
            name = names.get(q) or q.split(":", 1)[-1]
            if is_generic(name) or len(index.makers(q)) < min_makers:
                continue
            segments.append(Segment(q, name, role, tuple(names[p] for p in sorted(via[q]))))
    return segments


def _names(store: Store, own: set[str], index: ChainIndex) -> dict[str, str]:
    wanted = set(own)
    for p in own:
        wanted |= index.upstream.get(p, set()) | index.downstream.get(p, set())
    names: dict[str, str] = {}
    for pid in sorted(wanted):
        node = store.get_node(pid)
        names[pid] = node.name if node is not None else pid.split(":", 1)[-1]
    return names
