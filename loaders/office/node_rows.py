"""Turn mapped rows of user tables into nodes, one kind per method.

Used by :mod:`loaders.office.table_loader`; relation and cluster rows are in
:mod:`loaders.office.link_rows`. Each method takes a row's cells by schema field (the raw
cell values and the header each came from) and queues nodes and relations, or raises
:class:`~loaders.office.rows.RowError` so the row is reported and skipped.

Ids. A firm known to the store by its stock code keeps that id; else a firm with a
valid USCC is ``Company:uscc:<USCC>``; else ``Company:<6 digits>`` for a stock code;
else the one firm the index resolves by name, or ``Company:name:<name key>``. People,
intermediaries and funds are ``<Kind>:<dataset>:<key>``, where the key is the row's
编号, or for a person without one a hash of name and employer (two 张伟 of two firms
stay two people), for an organisation its name key. A legal representative is a
person of their firm only (``Person:<dataset>:<hash of firm id and name>``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import orjson

from graph.ids import node_id, short_hash
from graph.schema import (
    Company,
    Fund,
    Industry,
    Intermediary,
    Node,
    NodeKind,
    Person,
    Product,
    Region,
    Relation,
    RelKind,
    Source,
)
from graph.store import Store
from loaders.office.csv_layout import INTERMEDIARY_TYPES
from loaders.office.listing import listing_props, placed_region
from loaders.office.relations import make_relation
from loaders.office.rows import RowError
from loaders.office.values import PrecisionLost, Value, code_text, parse_amount, parse_date
from loaders.report import Issue, LoadReport
from resolve.codes import is_valid_lei, is_valid_uscc, normalise_uscc
from resolve.index import CompanyIndex
from resolve.lookup import NameTable
from resolve.normalise import clean_text, name_key, stock_code
from resolve.places import region_name
from resolve.spill import SpillDb, SpillMap

#: Cells of one row: field → (value, header it came from).
Cells = dict[str, tuple[Value, str]]

_REGION_CODE = re.compile(r"^\d{2}(\d{2}){0,2}$")
_SPLIT = re.compile(r"[;；、,，]")
_COMPANY_WORDS = ("公司", "集团", "厂", "企业", "合伙)", "Ltd", "Inc")
_PRODUCT_SHARE = re.compile(r"^(.*?)\s*[:：]\s*([0-9.]+%?)$")


def text_of(value: Value) -> str:
    """A cell as stripped text ("" for empty)."""
    return "" if value is None else clean_text(str(value))


def split_items(value: Value) -> list[str]:
    """Split a list cell on ``;``, ``、`` or commas (full-width too)."""
    return [t for t in (clean_text(x) for x in _SPLIT.split(text_of(value))) if t]


@dataclass(frozen=True)
class Ref:
    """A resolved endpoint: node id and kind."""

    id: str
    kind: NodeKind


def _ref_bytes(ref: Ref) -> bytes:
    return orjson.dumps([ref.id, ref.kind.value])


def _ref_of(blob: bytes) -> Ref:
    nid, kind = orjson.loads(blob)
    return Ref(nid, NodeKind(kind))


def _refs_bytes(refs: set[Ref]) -> bytes:
    return orjson.dumps(sorted([r.id, r.kind.value] for r in refs))


def _refs_of(blob: bytes) -> set[Ref]:
    return {Ref(nid, NodeKind(kind)) for nid, kind in orjson.loads(blob)}


@dataclass
class RowBuilder:
    """State of one load: what is queued, keys and names seen, the report."""

    dataset: str
    store: Store
    index: CompanyIndex
    report: LoadReport
    revision: str | None = None
    digest: str | None = None
    nodes: list[Node] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    queued: set[str] = field(default_factory=set)
    # Names and keys seen by this load, held in bounded memory (resolve.spill): a table
    # of 10^6 firms keeps 2·10^4 of them as objects.
    keys: SpillMap[Ref] = field(init=False)
    names: SpillMap[set[Ref]] = field(init=False)
    file: str = ""
    sheet: str = ""
    stored: set[str] = field(default_factory=set)  # ids found in the store
    _stored_names: NameTable | None = None

    def stored_names(self) -> NameTable:
        """Firms stored before this load, by every name and code (built on first use)."""
        if self._stored_names is None:
            self._stored_names = NameTable.from_store(self.store)
        return self._stored_names

    state: dict[str, object] = field(default_factory=dict)  # other row handlers' (ledger)

    def __post_init__(self) -> None:
        spill = SpillDb()
        self.keys = SpillMap(spill, _ref_bytes, _ref_of)
        self.names = SpillMap(spill, _refs_bytes, _refs_of)
        for kind in (NodeKind.PERSON, NodeKind.INTERMEDIARY, NodeKind.FUND):
            for node in self.store.nodes(kind):
                self.names.setdefault(name_key(node.name), set()).add(Ref(node.id, kind))

    # -- helpers -------------------------------------------------------------------
    def source(self, row: int) -> Source:
        """Provenance of ``row`` of the current file and sheet: its revision (the file's
        modification time) and the digest of the row's cells."""
        file = f"{self.file}#{self.sheet}" if self.sheet else self.file
        return Source(
            dataset=self.dataset, file=file, row=row, revision=self.revision, digest=self.digest
        )

    def warn(self, row: int, column: str, code: str, message: str) -> None:
        """Record a warning: the row loads without the value."""
        self.report.add(Issue(self.file, row, column, code, message, "warning", self.sheet))

    def add(self, node: Node) -> str:
        """Queue ``node`` and return its id."""
        self.nodes.append(node)
        self.queued.add(node.id)
        return node.id

    def known(self, nid: str) -> bool:
        """Tell whether ``nid`` is queued by this load or already stored."""
        if nid in self.queued or nid in self.stored:
            return True
        if self.store.get_node(nid) is None:
            return False
        self.stored.add(nid)
        return True

    def link(self, kind: RelKind, src: str, dst: str, row: int, **props: Any) -> None:
        """Queue a relation of ``row``."""
        self.relations.append(make_relation(kind, src, dst, self.source(row), **props))

    def claim(self, cells: Cells, default: str | None, kind: NodeKind) -> str | None:
        """The row's key (编号, else ``default``); a key used before by ``kind`` is an error."""
        key = text_of(cells.get("key", (None, ""))[0]) or default
        if key is None:
            return None
        if key in self.keys and self.keys[key].kind is kind:
            raise RowError("key", "duplicate_key", f"编号 {key!r} 已被前面的行使用")
        return key

    def firm_named(self, text: str) -> str | None:
        """The firm ``text`` names: a key of this load, the firm the index resolves, else
        the one stored firm of exactly that name, short name or former name."""
        ref = self.keys.get(text)
        if ref is not None:
            return ref.id if ref.kind is NodeKind.COMPANY else None
        found = self.index.resolve(text).firm
        if found:
            return found
        stored = self.stored_names().find(text) if text else []
        return stored[0] if len(stored) == 1 else None

    def remember(self, key: str | None, name: str, ref: Ref) -> None:
        """Make a node findable by key and by name for relation rows."""
        if key:
            self.keys[key] = ref
        self.names.setdefault(name_key(name), set()).add(ref)

    def region(self, cells: Cells, row: int) -> str | None:
        """The Region id of the row's GB/T 2260 code (created on first use), or None."""
        code = text_of(cells.get("region_code", (None, ""))[0])
        if not code:
            return None
        if not _REGION_CODE.match(code):
            self.warn(
                row, cells["region_code"][1], "bad_region_code", f"不是 GB/T 2260 代码：{code!r}"
            )
            return None
        rid = node_id(NodeKind.REGION, code)
        if not self.known(rid):
            name = region_name(code) or code
            self.add(Region(id=rid, name=name, code=code, sources=[self.source(row)]))
        return rid

    def code(self, cells: Cells, name: str, row: int) -> str:
        """A code cell as text; "" (with a warning) when Excel damaged the number."""
        value, header = cells.get(name, (None, name))
        try:
            return code_text(value)
        except PrecisionLost as exc:
            self.warn(row, header, "precision_lost", f"{exc}；未使用（请以文本格式保存）")
            return ""

    # -- one method per kind --------------------------------------------------------
    def company(self, cells: Cells, row: int) -> None:
        """Queue a firm, its region, industries, products and legal representative."""
        full = text_of(cells.get("name", (None, ""))[0])
        if not full:
            raise RowError(cells.get("name", (None, "name"))[1], "missing_name", "没有名称")
        short = text_of(cells.get("short_name", (None, ""))[0])
        uscc = self.company_uscc(cells, row)
        lei = self.code(cells, "lei", row).upper() or None
        if lei and not is_valid_lei(lei):
            self.warn(
                row,
                cells["lei"][1],
                "invalid_lei",
                f"LEI {lei!r} 未通过 ISO 17442 校验；已舍弃",
            )
            lei = None
        raw_code = self.code(cells, "stock_code", row)
        code = stock_code(raw_code) if raw_code else None
        if raw_code and code is None:
            self.warn(row, cells["stock_code"][1], "bad_stock_code", f"不是股票代码：{raw_code!r}")
        src = self.source(row)
        cid = self.index.company_id(full, uscc, code, self.dataset, src)
        key = self.claim(cells, None, NodeKind.COMPANY)
        region = self.region(cells, row) or placed_region(self, cells, full, row)
        listing = listing_props(self, cells, row)
        props: dict[str, Any] = {
            "address": text_of(cells.get("address", (None, ""))[0]) or None,
            "province": text_of(cells.get("province", (None, ""))[0]) or None,
        }
        for name, parse in (("registered_capital", self.capital), ("founded_on", self.date)):
            if name in cells and text_of(cells[name][0]):
                props["registered_capital_yuan" if name == "registered_capital" else name] = parse(
                    cells[name], row
                )
        company = Company(
            id=cid,
            name=full,
            full_name=full,
            aliases=([short] if short else []) + listing["aliases"],
            short_name=short or None,
            listed_on=listing.get("listed_on"),
            uscc=uscc,
            lei=lei,
            stock_codes=([code] if code else []) + listing["stock_codes"],
            region_code=region.split(":", 1)[1] if region else None,
            tags=split_items(cells.get("tags", (None, ""))[0]),
            sources=[src],
            **props,
        )
        self.add(company)
        self.index.add(company)
        self.remember(key, full, Ref(cid, NodeKind.COMPANY))
        if region:
            self.link(RelKind.LOCATED_IN, cid, region, row)
        for item in split_items(cells.get("industry", (None, ""))[0]):
            self.link(RelKind.IN_INDUSTRY, cid, self.industry(item, row), row)
        for item in split_items(cells.get("products", (None, ""))[0]):
            match = _PRODUCT_SHARE.match(item)
            weight = None
            if match:
                item, share = match.group(1), match.group(2)
                weight = float(share[:-1]) / 100 if share.endswith("%") else float(share)
                if not 0 <= weight <= 1:
                    self.warn(
                        row, cells["products"][1], "bad_share", f"{item}: share {share}; dropped"
                    )
                    weight = None
            self.link(RelKind.MAKES, cid, self.product(item, row), row, weight=weight)
        rep = text_of(cells.get("legal_rep", (None, ""))[0])
        if rep:
            pid = node_id(NodeKind.PERSON, self.dataset, short_hash(cid, rep))
            self.add(Person(id=pid, name=rep, sources=[src]))
            self.remember(None, rep, Ref(pid, NodeKind.PERSON))
            self.link(RelKind.OFFICER_OF, pid, cid, row, roles=["法定代表人"])

    def company_uscc(self, cells: Cells, row: int) -> str | None:
        """The row's valid USCC, or None (an invalid one is warned about, not kept)."""
        raw = self.code(cells, "uscc", row)
        if not raw:
            return None
        code = normalise_uscc(raw)
        if is_valid_uscc(code):
            return code
        msg = f"统一社会信用代码 {raw!r} 未通过 GB 32100 校验；只记在本报告中，不用于对齐"
        self.warn(row, cells["uscc"][1], "invalid_uscc", msg)
        return None

    def capital(self, cell: tuple[Value, str], row: int) -> Any:
        """An amount in 元 (the header's unit for bare numbers), or None with a warning."""
        from loaders.office.mapping import amount_unit

        try:
            amount = parse_amount(cell[0], amount_unit(cell[1]))
            if amount < 0:
                raise ValueError(f"金额为负数：{cell[0]!r}")
            return amount
        except ValueError as exc:
            self.warn(row, cell[1], "bad_amount", f"{exc}；留空")
            return None

    def date(self, cell: tuple[Value, str], row: int) -> Any:
        """A date, or None with a warning."""
        try:
            return parse_date(cell[0])
        except ValueError as exc:
            self.warn(row, cell[1], "bad_date", f"{exc}；留空")
            return None

    def industry(self, text: str, row: int) -> str:
        """SW-2021 code known to the graph, else a custom industry named by the text."""
        sw = node_id(NodeKind.INDUSTRY, "SW-2021", text)
        if text.isdigit() and self.known(sw):
            return sw
        iid = node_id(NodeKind.INDUSTRY, "custom", text)
        if not self.known(iid):
            src = [self.source(row)]
            self.add(Industry(id=iid, name=text, code=text, system="custom", sources=src))
        return iid

    def product(self, name: str, row: int) -> str:
        """The Product id of ``name`` (created on first use)."""
        pid = node_id(NodeKind.PRODUCT, name)
        if not self.known(pid):
            self.add(Product(id=pid, name=name, sources=[self.source(row)]))
        return pid

    def actor(self, cells: Cells, row: int, kind: NodeKind) -> None:
        """Queue a person, intermediary or fund (and a person's OFFICER_OF its employer)."""
        name = text_of(cells.get("name", (None, ""))[0])
        if not name:
            raise RowError(cells.get("name", (None, "name"))[1], "missing_name", "没有名称")
        employer = text_of(cells.get("employer", (None, ""))[0])
        default = short_hash(name, employer) if kind is NodeKind.PERSON else name_key(name)
        key = self.claim(cells, default, kind)
        nid = node_id(kind, self.dataset, key or default)
        src = self.source(row)
        region = self.region(cells, row)
        rcode = region.split(":", 1)[1] if region else None
        tags = split_items(cells.get("tags", (None, ""))[0])
        node: Node
        if kind is NodeKind.PERSON:
            gender = text_of(cells.get("gender", (None, ""))[0]) or None
            node = Person(
                id=nid, name=name, gender=gender, region_code=rcode, tags=tags, sources=[src]
            )
        elif kind is NodeKind.FUND:
            ftype = text_of(cells.get("fund_type", (None, ""))[0]) or None
            node = Fund(
                id=nid, name=name, fund_type=ftype, region_code=rcode, tags=tags, sources=[src]
            )
        else:
            raw = text_of(cells.get("type", (None, ""))[0])
            itype = INTERMEDIARY_TYPES.get(raw.lower())
            if raw and itype is None:
                self.warn(row, cells["type"][1], "bad_type", f"{raw!r} 不是已知的中介类型")
            node = Intermediary.model_validate(
                {
                    "id": nid,
                    "name": name,
                    "intermediary_type": itype,
                    "region_code": rcode,
                    "tags": tags,
                    "sources": [src],
                }
            )
        self.add(node)
        self.remember(key, name, Ref(nid, kind))
        if region:
            self.link(RelKind.LOCATED_IN, nid, region, row)
        if employer:
            found = self.index.resolve(employer, dataset=self.dataset, source=self.source(row))
            firm = found.firm or self.firm_named(employer)
            if firm is None:
                msg = f"任职单位 {employer!r} 不是图谱中的企业；未建立任职关系（OFFICER_OF）"
                self.warn(row, cells["employer"][1], "unknown_employer", msg)
            else:
                roles = split_items(cells.get("title", (None, ""))[0])
                self.link(RelKind.OFFICER_OF, nid, firm, row, roles=roles)
