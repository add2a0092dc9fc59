"""One load of a CSV folder: its queues, its keys, and the node references of its cells.

A cell of :mod:`loaders.office.csv_folder` names a node by key (a row of this folder)
or as ``product:<name>``, ``industry:<code>`` or ``region:<code>``; :class:`FolderState`
turns such text into a :class:`Ref` and queues new nodes once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.ids import node_id
from graph.schema import Node, NodeKind, Product, Region, Relation, RelKind, Source
from graph.store import Store
from loaders.office.csv_layout import INDUSTRY_SYSTEM
from loaders.office.relations import make_relation
from loaders.office.rows import Row, RowError
from loaders.report import Issue, LoadReport
from resolve.index import CompanyIndex
from resolve.normalise import clean_text

#: A GB/T 2260 region code: 2, 4 or 6 digits.
REGION_CODE = re.compile(r"^\d{2}(\d{2}){0,2}$")


@dataclass(frozen=True)
class Ref:
    """A resolved node reference: its id, kind, and a node to create if accepted."""

    id: str
    kind: NodeKind
    new: Node | None = None
    code: str | None = None


@dataclass
class FolderState:
    """One folder load: what it queued, the keys it claimed, and how cells name nodes."""

    dataset: str
    store: Store
    index: CompanyIndex
    report: LoadReport
    nodes: list[Node] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    queued: set[str] = field(default_factory=set)
    keys: dict[str, Ref] = field(default_factory=dict)
    industries: dict[str, int] = field(default_factory=dict)  # code → row
    parents: dict[str, str] = field(default_factory=dict)  # code → parent code
    in_store: dict[str, bool] = field(default_factory=dict)  # id → already stored

    # -- helpers -------------------------------------------------------------------
    def source(self, file: str, row: int) -> Source:
        return Source(dataset=self.dataset, file=file, row=row)

    def warn(self, file: str, row: int, column: str, code: str, message: str) -> None:
        self.report.add(Issue(file, row, column, code, message, "warning"))

    def add_node(self, node: Node) -> None:
        self.nodes.append(node)
        self.queued.add(node.id)

    def known(self, nid: str) -> bool:
        """Tell whether ``nid`` is queued by this load or already stored."""
        if nid in self.queued:
            return True
        if nid not in self.in_store:
            self.in_store[nid] = self.store.get_node(nid) is not None
        return self.in_store[nid]

    def region_ref(self, code: str, src: Source) -> Ref:
        code = clean_text(code)
        if not REGION_CODE.match(code):
            message = f"不是 GB/T 2260 行政区划代码：{code!r}"
            raise RowError("region_code", "bad_region_code", message)
        rid = node_id(NodeKind.REGION, code)
        new = None if self.known(rid) else Region(id=rid, name=code, code=code, sources=[src])
        return Ref(rid, NodeKind.REGION, new, code)

    def product_ref(self, name: str, src: Source) -> Ref:
        if not clean_text(name):
            raise RowError("products", "missing_name", "产品没有名称")
        pid = node_id(NodeKind.PRODUCT, name)
        new = None if self.known(pid) else Product(id=pid, name=clean_text(name), sources=[src])
        return Ref(pid, NodeKind.PRODUCT, new)

    def industry_ref(self, code: str) -> Ref | None:
        iid = node_id(NodeKind.INDUSTRY, INDUSTRY_SYSTEM, code)
        return Ref(iid, NodeKind.INDUSTRY) if self.known(iid) else None

    def accept(self, ref: Ref) -> str:
        """Queue a reference's new node (once) and return its id."""
        if ref.new is not None and ref.id not in self.queued:
            self.add_node(ref.new)
        return ref.id

    def link(self, kind: RelKind, src: str, dst: str, source: Source, **props: Any) -> None:
        self.relations.append(make_relation(kind, src, dst, source, **props))

    def claim_key(self, file: str, row: int, key: str) -> str:
        key = clean_text(key)
        if not key:
            raise RowError("key", "missing_key", "没有编号")
        if ":" in key:
            raise RowError("key", "bad_key", f"编号不能含有 ':'（{key!r}）")
        if key in self.keys:
            raise RowError("key", "duplicate_key", f"编号 {key!r} 已被前面的行使用")
        return key

    def each(
        self, file: str, rows: Iterable[tuple[int, Row]], handle: Callable[[str, int, Row], None]
    ) -> None:
        for number, row in rows:
            try:
                handle(file, number, row)
            except RowError as err:
                self.report.add(Issue(file, number, err.column, err.code, err.message))

    def reference(self, column: str, text: str, src: Source) -> Ref:
        text = clean_text(text)
        prefix, sep, value = text.partition(":")
        if not sep:
            if text in self.keys:
                return self.keys[text]
            raise RowError(column, "unknown_key", f"没有名为 {text!r} 的企业、人员、中介或基金")
        value = value.strip()
        if prefix == "product" and value:
            return self.product_ref(value, src)
        if prefix == "industry" and value:
            ref = self.industry_ref(value)
            if ref is None:
                raise RowError(column, "unknown_industry", f"{INDUSTRY_SYSTEM} 中没有行业 {value}")
            return ref
        if prefix == "region" and value:
            try:
                return self.region_ref(value, src)
            except RowError as err:
                raise RowError(column, err.code, err.message) from None
        raise RowError(
            column, "bad_reference", f"{text!r}：请写编号，或以 product:、industry:、region: 开头"
        )
