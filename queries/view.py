"""Lookups above the store primitives: find a firm by name or code, name a node."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from graph.errors import NotFound
from graph.schema import NodeKind
from graph.store import Store
from resolve.index import CompanyIndex
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
        raise NotFound(f"no node with id {node_id!r}")
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
        When nothing or more than one firm matches; ``candidates`` holds up to five
        closest names (rapidfuzz WRatio over names and aliases).
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
    several = sorted(index.candidates(text))
    if several:
        names = [f"{node_name(store, c)} ({c})" for c in several[:5]]
        raise NotFound(f"{query!r} names {len(several)} firms", names)
    choices: dict[str, str] = {}
    for data in store.raw_nodes():
        if data["kind"] == NodeKind.COMPANY.value:
            for name in (data["name"], *data.get("aliases", [])):
                choices.setdefault(name, data["name"])
    best = process.extract(text, list(choices), scorer=fuzz.WRatio, limit=5)
    suggestions = list(dict.fromkeys(choices[name] for name, _, _ in best))
    raise NotFound(f"no firm named {query!r}", suggestions)
