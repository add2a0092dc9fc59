"""Lookups above the store primitives: find a firm by name or code, name a node."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from graph.errors import NotFound
from graph.schema import NodeKind
from graph.store import Store, scan_nodes
from resolve.index import CompanyIndex
from resolve.lookup import NameTable
from resolve.names import parse_name
from resolve.normalise import clean_text, stock_code


def node_name(store: Store, node_id: str) -> str:
    """Return the display name of a node.

    Raises
    ------
    NotFound
        When no node has this id.
    """
    node = store.get_node(node_id)
    if node is None:
        raise NotFound(f"图谱中没有 id 为 {node_id} 的节点")
    return node.name


def _by_key(store: Store, text: str) -> str | None:
    """The one firm whose name, alias, short name, stock code, USCC or LEI is ``text``
    exactly, from the embedded store's name index (no index of all firms built); None
    otherwise."""
    lookup = getattr(store, "find_by_key", None)
    if lookup is None:
        return None
    keys = [text]
    code = stock_code(text) if text.replace(".", "").isalnum() else None
    if code:
        keys.append(code)
    firms = {i for key in keys for i in lookup(key) if i.startswith("Company:")}
    return firms.pop() if len(firms) == 1 else None


def find_company(
    store: Store, query: str, index: CompanyIndex | None = None, table: NameTable | None = None
) -> str:
    """Resolve a node id, code, name, short name or former name to one company id.

    A user's lookup, unlike a load's linking, takes the one firm a name can mean: the
    node with this id; else the firm with this code; else the resolver's answer
    (:meth:`CompanyIndex.resolve_name`); else the firm known by exactly this spelling
    (:class:`resolve.lookup.NameTable`: a former name, a firm known only by name such
    as 华为 from the news); else the one firm whose name key matches without a
    conflicting region or legal form (三一重工股份有限公司 finds the listed 三一重工 whose
    legal name is not on file).

    Parameters
    ----------
    query : str
        ``Company:600028``, ``600028`` / ``600028.SH``, a USCC, ``山推股份``,
        ``山推工程机械股份有限公司``, a former name (曾用名) or the name of a firm known
        only by name (a news mention, an office roster row without a code).
    index : CompanyIndex, optional
        A prebuilt index (built from the store when needed and omitted).
    table : NameTable, optional
        A prebuilt name table (built from the store when needed and omitted).

    Returns
    -------
    str
        The company id.

    Raises
    ------
    NotFound
        When nothing or more than one firm matches; ``candidates`` holds the firms that
        share the name (name and codes), or up to five closest other names (rapidfuzz
        WRatio over names and aliases), never the query itself.
    """
    text = clean_text(query)
    node = store.get_node(text)
    if node is not None and node.kind is NodeKind.COMPANY:
        return node.id
    if index is None and table is None:
        found_fast = _by_key(store, text)
        if found_fast is not None:
            return found_fast
    index = index or CompanyIndex.from_store(store)
    code = stock_code(text) if text.replace(".", "").isalnum() else None
    if code and index.resolve_code(code):
        return index.by_code[code]
    found = index.resolve_name(text)
    if found:
        return found
    table = table or NameTable.from_store(store)
    exact = table.find(text)
    if len(exact) == 1:
        return exact[0]
    parts = parse_name(text)
    fitting = {
        firm
        for held in (index.by_full, index.by_alias)
        for firm, other in held.get(parts.key, {}).items()
        if parts.key and parts.conflicts(other) is None
    }
    if not exact and len(fitting) == 1:
        return fitting.pop()
    several = sorted(set(exact) | fitting)
    if several:
        shown = [_label(store, c) for c in several[:5]]
        raise NotFound(f"“{query}”对应 {len(several)} 家企业，请用股票代码、全称或 id 指定", shown)
    choices: dict[str, str] = {}
    for data in scan_nodes(store, [NodeKind.COMPANY]):
        for name in (data["name"], data.get("full_name") or "", *data.get("aliases", [])):
            if name:
                choices.setdefault(name, data["name"])
    best = process.extract(text, list(choices), scorer=fuzz.WRatio, limit=6)
    suggestions = [n for n in dict.fromkeys(choices[name] for name, _, _ in best) if n != text]
    raise NotFound(f"图谱中没有名为“{query}”的企业", suggestions[:5])


def _label(store: Store, cid: str) -> str:
    """``name（codes or id）`` of a firm, to tell namesakes apart in a message."""
    node = store.get_node(cid)
    codes = list(getattr(node, "stock_codes", []) or [])
    return f"{node_name(store, cid)}（{'、'.join(codes) or cid}）"
