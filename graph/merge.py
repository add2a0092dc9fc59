"""Merging two stored records of one node or relation id (the stores' upsert rule).

Both stores (:mod:`graph.sqlite_store`, :mod:`graph.neo4j_store`) and the bulk writer merge
with :func:`merge_records`; :mod:`graph.schema` re-exports it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

_T = TypeVar("_T")


def _hashable(item: object) -> object:
    return tuple(sorted(item.items())) if isinstance(item, dict) else item


def _union(old: Iterable[_T], new: Iterable[_T]) -> list[_T]:
    """Ordered union: old items first, then new ones not seen yet (dicts by value)."""
    seen: dict[object, _T] = {}
    for item in (*old, *new):
        seen.setdefault(_hashable(item), item)
    return list(seen.values())


_LIST_FIELDS = ("aliases", "tags", "stock_codes", "sources", "roles")
_LEGAL_SUFFIXES = ("公司", "集团", "有限合伙）", "有限合伙)", "Ltd.", "Inc.", "LLC")


def _name_rank(name: str) -> tuple[bool, int, str]:
    """Sort key of display names: full legal names first, then longer, then by text."""
    return (not name.endswith(_LEGAL_SUFFIXES), -len(name), name)


def _newest_revision(record: dict[str, Any]) -> str:
    return max((s.get("revision") or "" for s in record.get("sources", [])), default="")


def merge_records(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Merge two stored dicts of the same node or relation id.

    Lists (aliases, tags, stock codes, sources, roles) are unioned in order, maps
    (rankings) updated; ``confidence`` keeps the highest, ``since`` the earliest and
    ``until`` the latest value; other scalars keep the first non-null value stored (the
    first source wins; re-sending anything already merged changes nothing) — except when
    the two records carry source revisions (:attr:`graph.schema.Source.revision`) and
    ``new``'s newest is newer than ``old``'s newest: then ``new``'s non-null scalars win,
    so a changed row of a re-loaded file updates its record while both sources are kept.
    Comparing revisions keeps the merge order-independent. A node's ``name`` is chosen the
    same whatever the order: a full legal name (ending in 公司/集团/…) over a short one, then
    the longer, then the smaller text; the other name becomes an alias. Without revisions
    merging never loses a value; with them a replaced value stays traceable through the
    older source. Re-loading a file is idempotent.

    Returns
    -------
    dict
        A new dict; the inputs are not modified.
    """
    merged = dict(old)
    newer = _newest_revision(new) > _newest_revision(old)
    for key, value in new.items():
        if value is None or key == "name":
            continue
        if key in _LIST_FIELDS:
            merged[key] = _union(merged.get(key, []), value)
        elif key == "rankings":
            merged[key] = {**old.get(key, {}), **value}
        elif key == "confidence" and "confidence" in old:
            merged[key] = max(old[key], value)
        elif key == "since" and old.get("since"):
            merged[key] = min(old["since"], value)
        elif key == "until" and old.get("until"):
            merged[key] = max(old["until"], value)
        elif merged.get(key) is None or (newer and key not in ("id", "kind", "src", "dst")):
            merged[key] = value
    new_name, old_name = new.get("name"), old.get("name")
    if new_name is not None and old_name not in (None, new_name):
        best = min(old_name, new_name, key=_name_rank)
        merged["name"] = best
        merged["aliases"] = _union(merged.get("aliases", []), [old_name, new_name])
    elif new_name is not None:
        merged["name"] = new_name
    if "aliases" in merged:
        merged["aliases"] = [a for a in merged["aliases"] if a != merged.get("name")]
    return merged
