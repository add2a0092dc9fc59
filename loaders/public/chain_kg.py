"""Loader for chain-kg: listed firms, the Shenwan SW-2021 tree, products and chain links.

Source: ``chain-kg/`` (liuhuanyong/ChainKnowledgeGraph, 2021; no license stated). All
files are JSON lines, one object per line:

``company.json``
    ``code`` (6 digits, sometimes with ``.SH``/``.SZ``), ``name`` (short name),
    ``fullname`` (legal name), ``location`` (exchange, 上海/深圳证券交易所), ``time``
    (listing date, ISO). 53 codes appear on more than one row: mostly former names of
    the firm, but four codes (688078, 688080, 688096, 300818) carry other big firms'
    legal names (中国建设银行, 华能国际电力 …), see :func:`choose_full_name`.
``industry.json``, ``industry_industry.json``
    SW-2021 classes (``code``, ``name``) and the tree (``from_code`` → ``to_code``, rel
    上级行业: the parent). Levels 1/2/3 come from the tree depth.
``company_industry.json``
    ``company_code`` (``600373.SH``) → ``industry_code`` (a level-3 class).
``product.json``, ``product_product.json``, ``company_product.json``
    Product names; product links (``from_entity``, ``rel``, ``to_entity``); firm →
    main product with ``rel_weight``, the product's share of revenue (0..1).
``industry_up.json``
    Not loaded: a statistic derived from the product links (for each industry, how
    many upstream links lead to each other industry), which a query can recompute.

Product links and MAKES are read by :mod:`loaders.public.chain_products` (directions there).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.ids import new_relation, node_id
from graph.schema import Company, Industry, Node, NodeKind, Relation, RelKind, Source
from graph.store import Store
from loaders.confidence import REGISTRY
from loaders.public.batching import read_json_lines, write_nodes, write_relations
from loaders.public.chain_products import ProductTable, makes, product_links
from loaders.report import Issue, LoadReport
from resolve.index import CompanyIndex, company_id_for_code
from resolve.normalise import clean_text, name_key, stock_code

DATASET = "chain-kg"
SYSTEM = "SW-2021"
EXCHANGES = frozenset({"上海证券交易所", "深圳证券交易所", "北京证券交易所"})

_TICKER_MARKS = re.compile(r"^(\*?S?\*?ST|退市|N|C)|(B股|B|A|退)$")
_GENERIC = frozenset("股份集团控科技公司中国有限")


def load(data_dir: Path, store: Store, index: CompanyIndex) -> LoadReport:
    """Load the chain-kg firms, industries, products and their links into ``store``.

    Parameters
    ----------
    data_dir : Path
        The ``chain-kg`` folder.
    store : Store
        Target store; all nodes are upserted before the relations, in batches.
    index : CompanyIndex
        Firms known so far (a code it resolves keeps its id); every Company written here
        is added to it.

    Returns
    -------
    LoadReport
        ``rows_read`` counts the non-blank lines of the seven files read. Issues (error:
        row skipped, warning: loaded with a caveat):

        - ``bad_stock_code`` (error): a code that is not a 6-digit A/B-share code;
        - ``bad_exchange``, ``bad_date`` (warning): ``location`` is not an exchange
          (the code's prefix decides) or ``time`` is not an ISO date (no listing date);
        - ``full_name_conflict`` (warning): a row's legal name is dropped, see
          :func:`choose_full_name`;
        - ``unknown_company`` (error): a company_industry row without a stock code;
          ``company_from_link`` (warning): its code is missing from company.json, the
          firm is created from the row (code and short name) and keeps its industry;
        - ``unknown_industry`` (error): a link to a code missing from industry.json;
        - ``level_mismatch`` (warning): an industry's code pattern (level 1 ends in
          0000, level 2 in 00) disagrees with its depth in the tree (the tree wins);
          ``not_in_tree`` (warning): a class outside the tree (the pattern decides);
        - ``unknown_relation``, ``self_loop``, ``empty_name`` (error);
        - ``unlisted_product`` (warning): a product named by a link but absent from
          product.json; it is created, sourced to the first row naming it;
        - ``weight_clipped`` (warning): ``rel_weight`` above 1 stored as 1.0;
          ``negative_weight`` (error): below 0 (an elimination line such as 分部间抵销,
          not a product); ``bad_weight`` (error): not a number;
        - ``missing_file``, ``invalid_json`` (error).

    Notes
    -----
    Nodes: Company (id ``company_id_for_code``; display name the legal name, short
    names as aliases; confidence of its links ``REGISTRY``), Industry (system
    ``SW-2021``), Product (id ``node_id(PRODUCT, name)``: names equal after NFKC are one
    product). Relations: SUBCLASS_OF industry → parent (label 上级行业) and IN_INDUSTRY
    (``REGISTRY``); UPSTREAM_OF / SUBCLASS_OF between products and MAKES firm → product
    (``RULE_EXTRACTED``), repeated facts merged into one relation with every row as a
    source; MAKES ``weight`` is the largest share stated. Linear in the rows; about 10 s
    for the 270,000 lines of the real files.
    """
    report = LoadReport(dataset=DATASET)
    nodes: list[Node] = []
    codes = _companies(data_dir / "company.json", index, report, nodes)
    industries, rels = _industries(data_dir, report, nodes)
    rels += _company_industries(
        data_dir / "company_industry.json", codes, industries, report, index, nodes
    )
    products = ProductTable.read(data_dir / "product.json", report)
    rels += product_links(data_dir / "product_product.json", products, report)
    rels += makes(
        data_dir / "company_product.json",
        codes,
        products,
        report,
        lambda code, src: adopt_firm(code, code[:6], src, index, nodes, report),
    )
    write_nodes(store, index, report, [*nodes, *products.nodes])
    write_relations(store, report, rels)
    return report


def _src(file: str, row: int) -> Source:
    return Source(dataset=DATASET, file=file, row=row)


def _text(data: dict[str, Any], key: str) -> str:
    """A key field (code, date), NFKC-folded; "" when absent."""
    value = data.get(key)
    return clean_text(str(value)) if value is not None else ""


def _plain(data: dict[str, Any], key: str) -> str:
    """A display field (name), as written but stripped; "" when absent."""
    value = data.get(key)
    return str(value).strip() if value is not None else ""


# -- companies -------------------------------------------------------------------------
def _consistent(short: str, full: str) -> bool:
    """Tell whether a legal name shares a distinctive character with the short name."""
    core = {ch for ch in _TICKER_MARKS.sub("", short.upper()).lower() if ch not in _GENERIC}
    return not core or bool(core & set(name_key(full)))


def choose_full_name(rows: list[tuple[str, str]]) -> tuple[str | None, list[int]]:
    """Choose the legal name of a code from its rows' ``(short name, legal name)``.

    A code on one row, or on rows that agree, keeps its legal name. When the rows
    disagree, a legal name is trusted only if it shares a distinctive character with
    the short name on its row (ticker marks such as ``*ST`` and generic characters
    such as 股份/集团/科技 ignored): the first trusted one wins and the others become
    aliases (former names, 骅威文化 → 鼎龙文化); untrusted names are dropped (688078
    龙软科技 carries ten other firms' names, 中国建设银行 among them).

    Parameters
    ----------
    rows : list of (str, str)
        One code's rows in file order, ``(short name, legal name)``.

    Returns
    -------
    (str or None, list of int)
        The chosen legal name (None when no row can be trusted) and the positions in
        ``rows`` of the dropped names.

    Examples
    --------
    >>> rows = [("京源环保", "江苏京源环保股份有限公司"), ("京源环保", "大连港股份有限公司")]
    >>> choose_full_name(rows)
    ('江苏京源环保股份有限公司', [1])
    >>> choose_full_name([("耐普矿机", "中国石化股份有限公司"), ("耐普矿机", "大连港股份有限公司")])
    (None, [0, 1])
    """
    if len({full for _, full in rows}) <= 1:
        return (rows[0][1] if rows else None), []
    trusted = [i for i, (short, full) in enumerate(rows) if _consistent(short, full)]
    dropped = [i for i in range(len(rows)) if i not in trusted]
    return (rows[trusted[0]][1] if trusted else None), dropped


def _companies(
    path: Path, index: CompanyIndex, report: LoadReport, nodes: list[Node]
) -> dict[str, str]:
    """Add one Company per code; return normalised code → company id."""
    groups: dict[str, list[_Row]] = {}
    for row, data in read_json_lines(path, report):
        location, when = _text(data, "location"), _text(data, "time")
        exchange = location if location in EXCHANGES else None
        code = stock_code(_text(data, "code"), exchange)
        short, full = _plain(data, "name"), _plain(data, "fullname")
        if code is None:
            message = f"代码 {data.get('code')!r} 不是股票代码"
            report.add(Issue(path.name, row, "code", "bad_stock_code", message))
            continue
        if not (short or full):
            report.add(Issue(path.name, row, "name", "empty_name", "简称和全称都为空"))
            continue
        if exchange is None:
            message = f"上市地 {location!r} 不是交易所；按代码前缀定为 {code}"
            report.add(Issue(path.name, row, "location", "bad_exchange", message, "warning"))
        listed = _iso_date(when)
        if listed is None:
            message = f"时间 {when!r} 不是日期；不记上市日期"
            report.add(Issue(path.name, row, "time", "bad_date", message, "warning"))
        groups.setdefault(code, []).append(_Row(row, short or full, full, listed))
    ids: dict[str, str] = {}
    for code, rows in groups.items():
        ids[code] = index.resolve_code(code) or company_id_for_code(code)
        nodes.append(_company(ids[code], code, rows, path.name, report))
    return ids


@dataclass(frozen=True)
class _Row:
    row: int
    short: str
    full: str
    listed: dt.date | None


def _company(cid: str, code: str, rows: list[_Row], file: str, report: LoadReport) -> Company:
    """Build the Company of one code from its rows (file order)."""
    named = [r for r in rows if r.full]
    chosen, dropped_at = choose_full_name([(r.short, r.full) for r in named])
    dropped = [named[i] for i in dropped_at]
    for r in dropped:
        message = f"全称 {r.full!r} 与简称 {r.short!r} 不符（代码 {code}）；已舍弃"
        report.add(Issue(file, r.row, "fullname", "full_name_conflict", message, "warning"))
    if chosen is not None:
        listed = next(r.listed for r in named if r.full == chosen)
    else:
        listed = rows[0].listed if not named else None
    kept_full = [r.full for r in named if r not in dropped]
    return Company(
        id=cid,
        name=chosen or rows[0].short,
        full_name=chosen,
        aliases=[r.short for r in rows] + kept_full,
        stock_codes=[code],
        listed_on=listed,
        sources=[_src(file, r.row) for r in rows],
    )


def _iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


# -- industries ------------------------------------------------------------------------
def _industry_id(code: str) -> str:
    return node_id(NodeKind.INDUSTRY, SYSTEM, code)


def _industries(
    data_dir: Path, report: LoadReport, nodes: list[Node]
) -> tuple[dict[str, str], list[Relation]]:
    """Add the SW-2021 classes; return code → industry id and the tree's SUBCLASS_OF."""
    names: dict[str, tuple[int, str]] = {}
    path = data_dir / "industry.json"
    for row, data in read_json_lines(path, report):
        code, name = _text(data, "code"), _text(data, "name")
        if not (code.isdigit() and len(code) == 6) or not name:
            message = f"代码 {code!r} / 名称 {name!r}：应为 6 位代码和名称"
            report.add(Issue(path.name, row, "code", "bad_industry", message))
            continue
        names.setdefault(code, (row, name))
    tree = data_dir / "industry_industry.json"
    parents: dict[str, tuple[int, str]] = {}
    for row, data in read_json_lines(tree, report):
        child, parent = _text(data, "from_code"), _text(data, "to_code")
        missing = [c for c in (child, parent) if c not in names]
        if missing:
            message = f"行业代码 {missing} 不在 industry.json 中"
            report.add(Issue(tree.name, row, "from_code", "unknown_industry", message))
        elif child == parent:
            report.add(Issue(tree.name, row, "to_code", "self_loop", f"{child} 的上级是它自己"))
        else:
            parents.setdefault(child, (row, parent))
    in_tree = set(parents) | {parent for _, parent in parents.values()}
    for code, (row, name) in names.items():
        by_code = 1 if code.endswith("0000") else 2 if code.endswith("00") else 3
        level = _depth(code, parents) if code in in_tree else by_code
        if code not in in_tree:
            message = f"{code} 不在 {tree.name} 中；按代码定为第 {by_code} 级"
            report.add(Issue(path.name, row, "code", "not_in_tree", message, "warning"))
        elif level != by_code:
            message = f"{code} 在行业树中是第 {level} 级，按代码看是第 {by_code} 级"
            report.add(Issue(path.name, row, "code", "level_mismatch", message, "warning"))
        nodes.append(
            Industry(
                id=_industry_id(code),
                name=name,
                code=code,
                system=SYSTEM,
                level=level,
                sources=[_src(path.name, row)],
            )
        )
    rels = [
        new_relation(
            RelKind.SUBCLASS_OF,
            _industry_id(child),
            _industry_id(parent),
            [_src(tree.name, row)],
            confidence=REGISTRY,
            label="上级行业",
        )
        for child, (row, parent) in parents.items()
    ]
    return {code: _industry_id(code) for code in names}, rels


def _depth(code: str, parents: dict[str, tuple[int, str]]) -> int:
    """Return 1 + the number of ancestors of ``code`` (a cycle stops the walk)."""
    seen = {code}
    while code in parents:
        code = parents[code][1]
        if code in seen:
            break
        seen.add(code)
    return len(seen)


def adopt_firm(
    code: str, short: str, src: Source, index: CompanyIndex, nodes: list[Node], report: LoadReport
) -> str:
    """The id of a listed firm a link row names by a code missing from company.json.

    The firm the index knows by the code keeps its id; otherwise the row establishes
    it (code, short name), and later datasets resolve it by the same code. Reported as
    ``company_from_link`` (warning).
    """
    match = index.resolve(short, codes=[code], dataset=DATASET, source=src)
    cid = match.firm or company_id_for_code(code)
    nodes.append(Company(id=cid, name=short, stock_codes=[code], sources=[src]))
    message = f"{code}（{short}）不在 company.json 中；按本行建立该企业"
    report.add(Issue(src.file, src.row, "company_code", "company_from_link", message, "warning"))
    return cid


def _company_industries(
    path: Path,
    codes: dict[str, str],
    industries: dict[str, str],
    report: LoadReport,
    index: CompanyIndex,
    nodes: list[Node],
) -> list[Relation]:
    """IN_INDUSTRY per row; a firm missing from company.json is found by its code.

    A row's ``company_code`` is a stock code: a firm the index knows by it (loaded
    before) keeps its id; otherwise the row itself establishes the listed firm (code,
    short name ``company_name``), which later datasets resolve by the same code, so a
    firm and its industry are never dropped (103 such rows in 2021: 三一重工, 中国石化,
    中芯国际 …). Only a row without a stock code is skipped.
    """
    rels: dict[str, Relation] = {}
    for row, data in read_json_lines(path, report):
        code, ind = stock_code(_text(data, "company_code")), _text(data, "industry_code")
        if code is None:
            message = f"企业 {data.get('company_code')!r} 不是股票代码"
            report.add(Issue(path.name, row, "company_code", "unknown_company", message))
            continue
        if code not in codes:
            short = _plain(data, "company_name") or code[:6]
            codes[code] = adopt_firm(code, short, _src(path.name, row), index, nodes, report)
        if ind not in industries:
            message = f"行业 {ind!r}（{_text(data, 'industry_name')}）不在 industry.json 中"
            report.add(Issue(path.name, row, "industry_code", "unknown_industry", message))
            continue
        rel = new_relation(
            RelKind.IN_INDUSTRY,
            codes[code],
            industries[ind],
            [_src(path.name, row)],
            confidence=REGISTRY,
            label=_text(data, "rel") or None,
        )
        if rel.id in rels:
            rels[rel.id].sources.append(_src(path.name, row))
        else:
            rels[rel.id] = rel
    return list(rels.values())
