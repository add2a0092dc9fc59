"""Rows of relation and cluster tables (see :mod:`loaders.office.node_rows` for ids).

A relation endpoint is, in this order: ``product:``/``industry:``/``region:`` and a
value; a key (编号) of a loaded row; a valid USCC of a stored firm; a stock code the
index knows; a firm name the index resolves; the one person, intermediary or fund of
that name; the one firm of the graph known by exactly that name, short name or former
name (:class:`resolve.lookup.NameTable`, firms without a code too); else, when the
text looks like a firm name (…公司, …集团), a new firm added with a warning. Anything
else is an error naming the cell. A person named with a firm (``张伟（乙公司）``, or the
主体单位 / 对象单位 column) is the one of that name at that firm, else a new person
(:func:`loaders.office.person_refs.person_at`); a branch (…分公司) gets BRANCH_OF to
its parent (:func:`loaders.office.person_refs.branch_of`).
"""

from __future__ import annotations

from graph.ids import node_id
from graph.schema import Cluster, Company, NodeKind, Region, RelKind
from loaders.office.node_rows import Cells, Ref, RowBuilder, split_items, text_of
from loaders.office.person_refs import branch_of, looks_like_person, person_at, split_context
from loaders.office.relations import REL_WORDS, check_endpoints, make_relation, relation_props
from loaders.office.rows import RowError
from loaders.office.values import Value, parse_date
from resolve.codes import is_valid_uscc, normalise_uscc
from resolve.index import company_id_for_name
from resolve.match import Verdict
from resolve.normalise import name_key, stock_code

_COMPANY_WORDS = ("公司", "集团", "厂", "企业", "合伙)", "Ltd", "Inc")


def relation_row(run: RowBuilder, cells: Cells, row: int) -> None:
    """Queue the relation of one row of a relation table.

    Parameters
    ----------
    run : RowBuilder
    cells : dict of str to (value, header)
        ``src``, ``dst``, ``kind`` (a word of :data:`loaders.office.relations.REL_WORDS`
        or a kind name) and the optional cells of
        :func:`loaders.office.relations.relation_props`, plus ``amount`` (in 元 or the
        header's unit).
    row : int
        Spreadsheet row number.

    Raises
    ------
    RowError
        Naming the user's column: unknown kind or endpoint, endpoints of the wrong
        kinds, both ends one node (``self_loop``), a bad cell.
    """
    word = text_of(cells["kind"][0])
    kind = REL_WORDS.get(word) or REL_WORDS.get(word.rstrip("关系"))
    if kind is None:
        try:
            kind = RelKind(word.upper())
        except ValueError:
            raise RowError(cells["kind"][1], "bad_kind", f"未知的关系类型 {word!r}") from None
    a = reference(run, cells["src"], row, text_of(cells.get("src_org", (None, ""))[0]))
    b = reference(run, cells["dst"], row, text_of(cells.get("dst_org", (None, ""))[0]))
    if a.id == b.id:
        message = f"关系两端是同一个节点（{a.id}）：关系需要两个不同的节点"
        raise RowError(cells["dst"][1], "self_loop", message)
    try:
        check_endpoints(kind, a.kind, b.kind)
    except RowError as err:
        raise RowError(cells[err.column][1], err.code, err.message) from None
    text = {
        f: text_of(v) if f not in ("since", "until") else _date_text(v)
        for f, (v, _) in cells.items()
    }
    try:
        props = relation_props(kind, text)
    except RowError as err:
        column = cells.get(err.column, (None, err.column))[1]
        raise RowError(column, err.code, err.message) from None
    if kind is RelKind.KNOWS and word in REL_WORDS and "label" not in props:
        props["label"] = word
    if text.get("amount"):
        props["amount_yuan"] = float(run.capital(cells["amount"], row) or 0) or None
    run.relations.append(make_relation(kind, a.id, b.id, run.source(row), **props))


def reference(run: RowBuilder, cell: tuple[Value, str], row: int, context: str = "") -> Ref:
    """Resolve one endpoint cell (see the module docstring for the order).

    ``context`` is the firm the sheet says a person named in the cell is at.

    Raises
    ------
    RowError
        ``ambiguous_name`` or ``unknown_reference``.
    """
    value, column = cell
    text = text_of(value)
    prefix, sep, rest = text.partition(":")
    if sep and prefix in ("product", "industry", "region") and rest:
        if prefix == "product":
            return Ref(run.product(rest.strip(), row), NodeKind.PRODUCT)
        if prefix == "industry":
            return Ref(run.industry(rest.strip(), row), NodeKind.INDUSTRY)
        rid = node_id(NodeKind.REGION, rest.strip())
        if not run.known(rid):
            run.add(Region(id=rid, name=rest.strip(), code=rest.strip(), sources=[run.source(row)]))
        return Ref(rid, NodeKind.REGION)
    if text in run.keys:
        return run.keys[text]
    uscc = normalise_uscc(text)
    if is_valid_uscc(uscc) and run.known(node_id(NodeKind.COMPANY, "uscc", uscc)):
        return Ref(node_id(NodeKind.COMPANY, "uscc", uscc), NodeKind.COMPANY)
    code = stock_code(text) if text.isdigit() or "." in text else None
    if code and run.index.resolve_code(code):
        return Ref(run.index.resolve_code(code) or "", NodeKind.COMPANY)
    # Recorded in the resolution log only once it is known to be a firm mention: a
    # person's name never goes into the log (graph.privacy).
    found = run.index.resolve(text)
    if found.firm:
        run.index.record(run.dataset, found, run.source(row))
        return Ref(found.firm, NodeKind.COMPANY)
    name, org = (text, context) if context else split_context(text)
    if org and (looks_like_person(run, name, org) or (context and found.verdict is Verdict.NEW)):
        return person_at(run, name, org, column, row)
    named = run.names.get(name_key(text), set())
    if len(named) == 1:
        return next(iter(named))
    if len(named) > 1:
        ids = ", ".join(sorted(r.id for r in named)[:3])
        message = f"{text!r} 对应 {len(named)} 个不同节点（{ids}）；请改用编号"
        raise RowError(column, "ambiguous_name", message)
    if found.verdict is Verdict.BRANCH:
        run.index.record(run.dataset, found, run.source(row))
        return branch_of(run, text, found, column, row)
    stored = run.stored_names().find(text) if text else []
    if len(stored) == 1:  # a firm of the graph known by exactly this name (no code)
        return Ref(stored[0], NodeKind.COMPANY)
    if len(stored) > 1:
        ids = ", ".join(stored[:3])
        message = f"{text!r} 对应图谱中 {len(stored)} 家企业（{ids}）；请改用代码"
        raise RowError(column, "ambiguous_name", message)
    if text and any(w in text for w in _COMPANY_WORDS):
        run.index.record(run.dataset, found, run.source(row))
        cid = company_id_for_name(text)
        if not run.known(cid):
            run.add(Company(id=cid, name=text, full_name=text, sources=[run.source(row)]))
            run.index.add(Company(id=cid, name=text, full_name=text, sources=[run.source(row)]))
            run.warn(row, column, "new_company", f"{text!r} 不是图谱中已有的企业；已新增")
        return Ref(cid, NodeKind.COMPANY)
    raise RowError(column, "unknown_reference", f"没有名为 {text!r} 的企业、人员、中介或基金")


def cluster_row(run: RowBuilder, cells: Cells, row: int) -> None:
    """Queue a Cluster and CLUSTER_INCLUDES to its industries (label ``core`` or
    ``related``) and products.

    Raises
    ------
    RowError
        When the row has no name.
    """
    name = text_of(cells["name"][0])
    if not name:
        raise RowError(cells["name"][1], "missing_name", "没有名称")
    cid = node_id(NodeKind.CLUSTER, name)
    description = text_of(cells.get("description", (None, ""))[0]) or None
    run.add(Cluster(id=cid, name=name, description=description, sources=[run.source(row)]))
    for column in ("industries", "related_industries"):
        for item in split_items(cells.get(column, (None, ""))[0]):
            label = "core" if column == "industries" else "related"
            run.link(RelKind.CLUSTER_INCLUDES, cid, run.industry(item, row), row, label=label)
    for item in split_items(cells.get("products", (None, ""))[0]):
        run.link(RelKind.CLUSTER_INCLUDES, cid, run.product(item, row), row)


def _date_text(value: Value) -> str:
    """A date cell as ISO text for :func:`relation_props` ("" stays "", bad text stays)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    try:
        return parse_date(value).isoformat()
    except ValueError:
        return text_of(value)
