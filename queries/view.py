"""Lookups above the store primitives: find a firm by name or code, name a node."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from graph.errors import NotFound
from graph.schema import NodeKind
from graph.store import Store
from loaders.index import CompanyIndex
from loaders.lookup import NameTable
from loaders.normalise import clean_text, stock_code


def node_name(store: Store, node_id: str) -> str:
    """Return the display name of a node.

    Raises
    ------
    NotFound
        When no node has this id.
    """
    node = store.get_node(node_id)
    if node is None:
        raise NotFound(f"no node with id {node_id!r}")
    return node.name


def find_company(
    store: Store, query: str, index: CompanyIndex | None = None, table: NameTable | None = None
) -> str:
    """Resolve a node id, code, name, short name or former name to one company id.

    Parameters
    ----------
    query : str
        ``Company:600028``, ``600028`` / ``600028.SH``, a USCC, ``山推股份``,
        ``山推工程机械股份有限公司``, a former name (曾用名) or the name of a firm known
        only by name (a news mention such as 华为, an office roster row without a code).
    index : CompanyIndex, optional
        A prebuilt index (built from the store when omitted).
    table : NameTable, optional
        A prebuilt name table (built from the store when needed and omitted).

    Returns
    -------
    str
        The company id: the node with this id; else the firm with this code; else the
        one firm the resolver links the name to (legal name, short name); else the one
        firm known by exactly this spelling (:class:`loaders.lookup.NameTable`).

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
    several = sorted(set(exact) | index.candidates(text))
    if several:
        names = [_label(store, c) for c in several[:5]]
        raise NotFound(f"{query!r} names {len(several)} firms", names)
    choices: dict[str, str] = {}
    for data in store.raw_nodes():
        if data["kind"] == NodeKind.COMPANY.value:
            for name in (data["name"], *data.get("aliases", [])):
                choices.setdefault(name, data["name"])
    best = process.extract(text, list(choices), scorer=fuzz.WRatio, limit=6)
    suggestions = [n for n in dict.fromkeys(choices[name] for name, _, _ in best) if n != text]
    raise NotFound(f"no firm named {query!r}", suggestions[:5])


def _label(store: Store, cid: str) -> str:
    """``name (codes or id)`` of a firm, to tell namesakes apart in a message."""
    node = store.get_node(cid)
    codes = list(getattr(node, "stock_codes", []) or [])
    return f"{node_name(store, cid)} ({'、'.join(codes) or cid})"
