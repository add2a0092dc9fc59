"""Load a folder of user tables (CSV, one file per record kind) into the graph.

The folder layout is the one of ``examples/demo``; every file is optional:

=====================  =========================================================
file                   columns (``*`` required)
=====================  =========================================================
regions.csv            code*, name*
industries.csv         code*, name*, parent_code
products.csv           name*
companies.csv          key*, name*, full_name, uscc, stock_code, region_code,
                       industries (codes, ``;``), products (``name:share``, ``;``),
                       tags (``;``)
people.csv             key*, name*
intermediaries.csv     key*, name*, type, region_code
funds.csv              key*, name*, fund_type, region_code
relations.csv          src*, dst*, kind*, roles (``/``), share_pct, since, until,
                       product, label, confidence, private
=====================  =========================================================

Every file may also have a ``note`` column for the human reader; it is not loaded.
``key`` names a firm, person, intermediary or fund within the folder (one namespace,
no ``:``); ``relations.csv`` refers to nodes by key or as ``product:<name>``,
``industry:<code>`` (SW-2021) or ``region:<code>`` (GB/T 2260).

Provenance: ``Source(dataset, file, row)`` where ``row`` is the row number a
spreadsheet shows — the header is row 1, the first data row is row 2, blank lines
count. Issues use the same numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from graph.errors import LoadError
from graph.ids import node_id
from graph.merge import coalesce
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
    RelKind,
    Source,
)
from graph.store import Store
from loaders.office.csv_layout import INDUSTRY_SYSTEM, INTERMEDIARY_TYPES, TABLES
from loaders.office.csv_references import REGION_CODE, FolderState, Ref
from loaders.office.limits import Limits
from loaders.office.relations import check_endpoints, make_relation, relation_props
from loaders.office.rows import Row, RowError, read_table
from loaders.office.values import parse_number, split_list
from loaders.report import LoadReport
from resolve.codes import is_valid_uscc, normalise_uscc
from resolve.index import CompanyIndex
from resolve.normalise import clean_text, stock_code

_PRODUCT_SHARE = re.compile(r"^(.*?)\s*[:：]\s*([^:：]*)$")


@dataclass
class _FolderLoad(FolderState):
    """The row handlers of one folder load, one method per file."""

    # -- one method per file --------------------------------------------------------
    def region(self, file: str, row: int, cells: Row) -> None:
        code, name = clean_text(cells["code"]), cells["name"]
        if not REGION_CODE.match(code):
            raise RowError("code", "bad_region_code", f"不是 GB/T 2260 行政区划代码：{code!r}")
        if not name:
            raise RowError("name", "missing_name", "没有名称")
        rid = node_id(NodeKind.REGION, code)
        if rid in self.queued:
            raise RowError("code", "duplicate_code", f"代码 {code} 已被前面的行使用")
        self.add_node(Region(id=rid, name=name, code=code, sources=[self.source(file, row)]))

    def industry(self, file: str, row: int, cells: Row) -> None:
        code, name = clean_text(cells["code"]), cells["name"]
        if not code:
            raise RowError("code", "missing_code", "没有代码")
        if not name:
            raise RowError("name", "missing_name", "没有名称")
        if code in self.industries:
            raise RowError("code", "duplicate_code", f"代码 {code} 已被前面的行使用")
        self.industries[code] = row
        parent = clean_text(cells.get("parent_code", ""))
        if parent:
            self.parents[code] = parent
        iid = node_id(NodeKind.INDUSTRY, INDUSTRY_SYSTEM, code)
        src = self.source(file, row)
        self.add_node(Industry(id=iid, name=name, code=code, system=INDUSTRY_SYSTEM, sources=[src]))

    def industry_tree(self) -> None:
        """Link each industry to its parent and set levels (roots are level 1)."""
        parents = self.parents
        levels: dict[str, int | None] = {}

        def level(code: str, seen: frozenset[str]) -> int | None:
            if code not in levels:
                parent = parents.get(code)
                if parent is None:
                    levels[code] = 1
                elif parent not in self.industries or parent in seen:
                    levels[code] = None
                else:
                    up = level(parent, seen | {code})
                    levels[code] = None if up is None else up + 1
            return levels[code]

        for i, node in enumerate(self.nodes):
            if isinstance(node, Industry) and node.code in self.industries:
                self.nodes[i] = node.model_copy(update={"level": level(node.code, frozenset())})
        for code, parent in parents.items():
            row = self.industries[code]
            ref = self.industry_ref(parent)
            if ref is None:
                msg = f"上级 {parent} 不是本文件夹中的行业；未建立 SUBCLASS_OF"
                self.warn("industries.csv", row, "parent_code", "unknown_industry", msg)
                continue
            src = node_id(NodeKind.INDUSTRY, INDUSTRY_SYSTEM, code)
            self.link(RelKind.SUBCLASS_OF, src, ref.id, self.source("industries.csv", row))

    def product(self, file: str, row: int, cells: Row) -> None:
        if not cells["name"]:
            raise RowError("name", "missing_name", "没有名称")
        pid = node_id(NodeKind.PRODUCT, cells["name"])
        name = clean_text(cells["name"])
        self.add_node(Product(id=pid, name=name, sources=[self.source(file, row)]))

    def company(self, file: str, row: int, cells: Row) -> None:
        key = self.claim_key(file, row, cells["key"])
        full_name = cells.get("full_name") or None
        name = cells["name"] or full_name
        if not name:
            raise RowError("name", "missing_name", "name 和 full_name 都为空")
        src = self.source(file, row)
        uscc = self.company_uscc(file, row, cells.get("uscc", ""))
        code = self.company_stock(file, row, cells.get("stock_code", ""))
        label = full_name or name
        cid = self.index.company_id(label, uscc, code, self.dataset, src)
        region = self.optional_region(file, row, cells.get("region_code", ""), src)
        company = Company(
            id=cid,
            name=name,
            full_name=full_name,
            uscc=uscc,
            stock_codes=[code] if code else [],
            region_code=region.code if region else None,
            tags=split_list(cells.get("tags", "")),
            sources=[src],
        )
        self.add_node(company)
        self.index.add(company)
        self.keys[key] = Ref(cid, NodeKind.COMPANY)
        if region:
            self.link(RelKind.LOCATED_IN, cid, self.accept(region), src)
        for code_ in split_list(cells.get("industries", "")):
            ref = self.industry_ref(clean_text(code_))
            if ref is None:
                msg = f"{code_} 不是本文件夹中的行业；已跳过该关联"
                self.warn(file, row, "industries", "unknown_industry", msg)
            else:
                self.link(RelKind.IN_INDUSTRY, cid, ref.id, src)
        for item in split_list(cells.get("products", "")):
            product, weight = self.product_share(file, row, item)
            try:
                ref = self.product_ref(product, src)
            except RowError as err:
                self.warn(file, row, err.column, err.code, f"{item!r}：{err.message}；已跳过")
                continue
            self.link(RelKind.MAKES, cid, self.accept(ref), src, weight=weight)

    def company_uscc(self, file: str, row: int, raw: str) -> str | None:
        if not raw:
            return None
        code = normalise_uscc(raw)
        if is_valid_uscc(code):
            return code
        msg = f"统一社会信用代码 {raw!r} 未通过 GB 32100 校验；只记在本报告中，不保存、不用于对齐"
        self.warn(file, row, "uscc", "invalid_uscc", msg)
        return None

    def company_stock(self, file: str, row: int, raw: str) -> str | None:
        if not raw:
            return None
        code = stock_code(raw)
        if code is None:
            self.warn(file, row, "stock_code", "bad_stock_code", f"不是股票代码：{raw!r}")
        return code

    def optional_region(self, file: str, row: int, raw: str, src: Source) -> Ref | None:
        """Resolve an optional region cell; a bad code warns and gives None."""
        if not raw:
            return None
        try:
            return self.region_ref(raw, src)
        except RowError as err:
            self.warn(file, row, "region_code", err.code, err.message + "；已忽略")
            return None

    def product_share(self, file: str, row: int, item: str) -> tuple[str, float | None]:
        match = _PRODUCT_SHARE.match(item)
        if not match:
            return item, None
        name, share = match.group(1), match.group(2)
        try:
            if share.endswith("%"):
                return name, parse_number(share, 0, 100, percent=True) / 100
            return name, parse_number(share, 0, 1)
        except ValueError as exc:
            self.warn(file, row, "products", "bad_share", f"{name}：{exc}；占比已舍弃")
            return name, None

    def actor(self, file: str, row: int, cells: Row, *, kind: NodeKind) -> None:
        key = self.claim_key(file, row, cells["key"])
        if not cells["name"]:
            raise RowError("name", "missing_name", "没有名称")
        src = self.source(file, row)
        nid = node_id(kind, self.dataset, key)
        region = self.optional_region(file, row, cells.get("region_code", ""), src)
        code = region.code if region else None
        node: Node
        if kind is NodeKind.PERSON:
            node = Person(id=nid, name=cells["name"], sources=[src])
        elif kind is NodeKind.FUND:
            fund_type = cells.get("fund_type") or None
            node = Fund(
                id=nid, name=cells["name"], fund_type=fund_type, region_code=code, sources=[src]
            )
        else:
            raw = cells.get("type", "")
            itype = INTERMEDIARY_TYPES.get(clean_text(raw).lower())
            if raw and itype is None:
                known = ", ".join(sorted(INTERMEDIARY_TYPES))
                self.warn(file, row, "type", "bad_type", f"{raw!r} 不是 {known} 之一；已忽略")
            node = Intermediary.model_validate(
                {
                    "id": nid,
                    "name": cells["name"],
                    "intermediary_type": itype,
                    "region_code": code,
                    "sources": [src],
                }
            )
        self.add_node(node)
        self.keys[key] = Ref(nid, kind)
        if region:
            self.link(RelKind.LOCATED_IN, nid, self.accept(region), src)

    def relation(self, file: str, row: int, cells: Row) -> None:
        src = self.source(file, row)
        try:
            kind = RelKind(clean_text(cells["kind"]).upper())
        except ValueError:
            known = ", ".join(k.value for k in RelKind)
            raise RowError("kind", "bad_kind", f"{cells['kind']!r} 不是 {known} 之一") from None
        a = self.reference("src", cells["src"], src)
        b = self.reference("dst", cells["dst"], src)
        check_endpoints(kind, a.kind, b.kind)
        props = relation_props(kind, cells)
        rel = make_relation(kind, a.id, b.id, src, **props)
        self.accept(a)
        self.accept(b)
        self.relations.append(rel)


def load_folder(
    folder: Path,
    store: Store,
    index: CompanyIndex,
    dataset: str | None = None,
    limits: Limits | None = None,
) -> LoadReport:
    r"""Load the CSV tables of ``folder`` into ``store``.

    Parameters
    ----------
    folder : Path
        A folder laid out as ``examples/demo`` (see the module docstring); every file
        is optional, other files are ignored.
    store : Store
        Written with one ``upsert_nodes`` and one ``upsert_relations`` at the end.
    index : CompanyIndex
        Resolves firms known only by name to existing companies; the firms of this
        folder are added to it. Every file's encoding and header are checked before
        either is touched, so a file that cannot be read leaves both unchanged; rows
        are then read as they are loaded, and the store is written at the end.
    dataset : str, optional
        Provenance dataset name and the namespace of person, intermediary and fund
        ids; default the folder's name.
    limits : Limits, optional
        Size limits of each file (default :meth:`Limits.load`).

    Returns
    -------
    LoadReport
        Rows read, records sent to the store, and issues by file, row and column.

    Raises
    ------
    LoadError
        When the folder does not exist or holds none of the known files, or a file is
        not UTF-8, lacks a required column or repeats one.
    LimitError
        When a file passes a size limit (:mod:`loaders.office.limits`); nothing is stored.

    Notes
    -----
    Ids. A firm with a valid USCC is ``Company:uscc:<USCC>``; else one with a stock
    code is the firm the index knows by that code or ``Company:<6 digits>``; else the
    one firm the index resolves by (full) name, or ``Company:name:<name key>``.
    People, intermediaries and funds are ``<Kind>:<dataset>:<key>``; industries
    ``Industry:SW-2021:<code>``; products ``Product:<name>``; regions
    ``Region:<code>``.

    Issue policy. A row missing its key or name, repeating a key, or any bad cell of
    ``relations.csv`` is an error: the row writes nothing (not even the product or
    region it names). A bad optional cell of a node row (USCC failing its check
    digit, unknown industry code, bad region code, bad product share) is a warning:
    the row loads without that value. Products and regions named but not listed are
    created on first use (a region's name is then its code); industries must be
    listed in ``industries.csv`` or already be in the store.

    Relations get the ``confidence`` cell or :data:`loaders.confidence.CURATED`;
    ``private`` defaults to True for KNOWS only. Loading a folder twice gives the same
    graph (records merge by id).

    Examples
    --------
    >>> import tempfile
    >>> from graph.sqlite_store import SqliteStore
    >>> folder = Path(tempfile.mkdtemp()) / "mini"
    >>> folder.mkdir()
    >>> _ = (folder / "products.csv").write_text("name\n碳酸锂\n锂电池\n", "utf-8")
    >>> _ = (folder / "relations.csv").write_text(
    ...     "src,dst,kind\nproduct:碳酸锂,product:锂电池,UPSTREAM_OF\n", "utf-8")
    >>> load_folder(folder, SqliteStore(), CompanyIndex()).summary()
    'mini：读取 3 行，写入节点 2 个、关系 1 条，跳过 0 行'
    """
    if not folder.is_dir():
        raise LoadError(f"文件夹 {folder} 不存在或不是文件夹")
    if not any((folder / name).is_file() for name in TABLES):
        raise LoadError(f"文件夹 {folder} 中没有 {'、'.join(TABLES)} 中的任何一个")
    name = dataset or folder.resolve().name
    report = LoadReport(dataset=name)
    limits = limits or Limits.load()
    tables = {  # check every file's encoding and header before anything is built
        file: read_table(folder / file, *columns, report, limits)
        for file, columns in TABLES.items()
        if (folder / file).is_file()
    }
    run = _FolderLoad(name, store, index, report)
    handlers: dict[str, Callable[[str, int, Row], None]] = {
        "regions.csv": run.region,
        "industries.csv": run.industry,
        "products.csv": run.product,
        "companies.csv": run.company,
        "people.csv": partial(run.actor, kind=NodeKind.PERSON),
        "intermediaries.csv": partial(run.actor, kind=NodeKind.INTERMEDIARY),
        "funds.csv": partial(run.actor, kind=NodeKind.FUND),
        "relations.csv": run.relation,
    }
    for file, handle in handlers.items():
        run.each(file, tables.get(file, []), handle)
        if file == "industries.csv":
            run.industry_tree()
    store.upsert_nodes(coalesce(run.nodes))
    store.upsert_relations(coalesce(run.relations))
    report.nodes_written = len(run.nodes)
    report.relations_written = len(run.relations)
    return report
