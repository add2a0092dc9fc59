"""Lookups above the store primitives: find a firm by name or code, name a node."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from graph.errors import NotFound
from graph.schema import NodeKind
from graph.store import Store
from resolve.ids import spelling_key
from resolve.index import CompanyIndex
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
    """The one firm whose name, alias, stock code, USCC or LEI is ``text`` exactly, from
    the embedded store's name index (no index of all firms built); None otherwise."""
    lookup = getattr(store, "find_by_key", None)
    if lookup is None:
        return None
    keys = [text]
    code = stock_code(text) if text.replace(".", "").isalnum() else None
    if code:
        keys.append(code)
    firms = {i for key in keys for i in lookup(key) if i.startswith("Company:")}
    return firms.pop() if len(firms) == 1 else None


def find_company(store: Store, query: str, index: CompanyIndex | None = None) -> str:
    """Resolve a node id, stock code, full name or short name to one company id.

    A user's lookup, unlike a load's linking, takes the one firm a name can mean: the
    resolver's answer (:meth:`CompanyIndex.resolve_name`) first; else the firms whose
    name key matches without a conflicting region or legal form (三一重工股份有限公司
    finds the listed 三一重工 whose legal name is not on file), together with the firms
    whose name, legal name or alias is spelled as the query (a firm known only by
    name, such as 华为 from the news). Exactly one such firm is the answer.

    Parameters
    ----------
    query : str
        ``Company:600028``, ``600028`` / ``600028.SH``, ``山推股份`` or
        ``山推工程机械股份有限公司``.
    index : CompanyIndex, optional
        A prebuilt index (built from the store when omitted).

    Returns
    -------
    str
        The company id.

    Raises
    ------
    NotFound
        When nothing or more than one firm matches; ``candidates`` holds the firms
        (name and id) it could mean, or up to five closest names (rapidfuzz WRatio
        over names and aliases).
    """
    text = clean_text(query)
    node = store.get_node(text)
    if node is not None and node.kind is NodeKind.COMPANY:
        return node.id
    if index is None:
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
    parts = parse_name(text)
    fitting = {
        firm
        for table in (index.by_full, index.by_alias)
        for firm, other in table.get(parts.key, {}).items()
        if parts.key and parts.conflicts(other) is None
    }
    spelled = spelling_key(text)
    choices: dict[str, str] = {}
    for data in store.raw_nodes():
        if data["kind"] != NodeKind.COMPANY.value:
            continue
        names = (data["name"], data.get("full_name") or "", *data.get("aliases", []))
        if any(spelling_key(n) == spelled for n in names if n):
            fitting.add(data["id"])
        for name in names:
            if name:
                choices.setdefault(name, data["name"])
    if len(fitting) == 1:
        return fitting.pop()
    if fitting:
        firms = sorted(fitting)
        shown = [f"{node_name(store, c)}（{c}）" for c in firms[:5]]
        raise NotFound(f"“{query}”对应 {len(firms)} 家企业，请用股票代码、全称或 id 指定", shown)
    best = process.extract(text, list(choices), scorer=fuzz.WRatio, limit=5)
    suggestions = list(dict.fromkeys(choices[name] for name, _, _ in best))
    raise NotFound(f"图谱中没有名为“{query}”的企业", suggestions)
