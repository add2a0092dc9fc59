"""Merging stored records of one id: the rule every store applies, in linear time.

:func:`merge_records` merges two stored dicts (what a store does when a node or
relation arrives whose id it holds). :func:`fold_records` gives the same result as
merging many records one after the other, in time linear in their total size (a
firm named on 10,000 rows of a roster has 10,000 sources; merging them pairwise
copies the growing list 10,000 times). :func:`coalesce` applies it to a batch of
models before it reaches a store, so a store merges each id once per batch.

Sources (:class:`graph.schema.Source` as dicts) are told apart by their identity:
dataset, file, row and, for user tables, the digest of the row's content; their
``revision`` (the file's modification time) only dates them. Two sources of one
identity are one source, and the earlier revision is kept: touching a file and
loading it again changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from graph.base import stage_key

_T = TypeVar("_T")
_M = TypeVar("_M")

_LIST_FIELDS = ("aliases", "tags", "stock_codes", "sources", "roles", "figures", "stages")
#: Map fields: merged key by key, the later record's value winning.
_MAP_FIELDS = ("rankings", "city_targets_yuan", "own_targets_yuan")
_LEGAL_SUFFIXES = ("公司", "集团", "有限合伙）", "有限合伙)", "Ltd.", "Inc.", "LLC")
_ENDS = ("id", "kind", "src", "dst")


def _hashable(item: object) -> object:
    return tuple(sorted(item.items())) if isinstance(item, dict) else item


def source_key(source: dict[str, Any]) -> object:
    """The identity of a stored source: ``(dataset, file, row, digest)``, or the whole
    source when it has no digest.

    Examples
    --------
    >>> a = {"dataset": "d", "file": "f.csv", "row": 2, "digest": "ab12", "revision": "1"}
    >>> source_key(a) == source_key({**a, "revision": "2"})
    True
    """
    if source.get("digest"):
        return (source.get("dataset"), source.get("file"), source.get("row"), source["digest"])
    return _hashable(source)


def _rev(source: dict[str, Any]) -> str:
    return source.get("revision") or ""


class _Items:
    """An ordered set of list items (dicts by value)."""

    def __init__(self) -> None:
        self.items: dict[object, Any] = {}

    def add(self, item: Any) -> None:
        self.items.setdefault(_hashable(item), item)

    def discard(self, item: Any) -> None:
        self.items.pop(_hashable(item), None)


def _name_rank(name: str) -> tuple[bool, int, str]:
    """Sort key of display names: full legal names first, then longer, then by text."""
    return (not name.endswith(_LEGAL_SUFFIXES), -len(name), name)


class _Fold:
    """The running result of merging records one after the other."""

    def __init__(self) -> None:
        self.fields: dict[str, Any] = {}  # every key, in first-seen order
        self.lists: dict[str, _Items] = {}
        self.sources: dict[object, dict[str, Any]] = {}  # identity → kept source
        self.revisions: dict[str, int] = {}  # revision → kept sources carrying it
        self.empty = True

    def _count(self, revision: str, step: int) -> None:
        left = self.revisions.get(revision, 0) + step
        if left:
            self.revisions[revision] = left
        else:
            del self.revisions[revision]

    def _source(self, source: dict[str, Any], shared_only: bool = False) -> None:
        """Keep ``source`` unless one of its identity is kept; of two, the earlier."""
        key = source_key(source)
        have = self.sources.get(key)
        if have is None:
            if not shared_only:
                self.sources[key] = source
                self._count(_rev(source), 1)
        elif _rev(source) < _rev(have):
            self._count(_rev(have), -1)
            self._count(_rev(source), 1)
            self.sources[key] = source  # keeps its place

    def _newer(self, sources: Sequence[dict[str, Any]]) -> bool:
        """Whether the newest of ``sources`` is newer than every kept source (each
        identity counted at its earliest revision)."""
        for source in sources:
            self._source(source, shared_only=True)
        newest_kept = max(self.revisions, default="")
        incoming: dict[object, str] = {}
        for source in sources:
            key = source_key(source)
            have = self.sources.get(key)
            rev = _rev(have) if have is not None else _rev(source)
            incoming[key] = min(rev, incoming.get(key, rev))
        return max(incoming.values(), default="") > newest_kept

    def _list(self, key: str) -> _Items:
        self.fields.setdefault(key, None)
        return self.lists.setdefault(key, _Items())

    def add(self, new: dict[str, Any]) -> None:
        """Merge ``new`` into the result, as :func:`merge_records` (result, new) does."""
        if self.empty:
            self.fields, self.empty = dict.fromkeys(new), False
            newer = False
        else:
            newer = self._newer(new.get("sources") or [])
        f = self.fields
        for key, value in new.items():
            if value is None or key == "name":
                continue
            if key == "sources":
                self.fields.setdefault(key, None)
                for source in value:
                    self._source(source)
            elif key in _LIST_FIELDS:
                items = self._list(key)
                for item in value:
                    items.add(item)
            elif key in _MAP_FIELDS:
                f[key] = {**(f.get(key) or {}), **value}
            elif key == "confidence" and f.get(key) is not None:
                f[key] = max(f[key], value)
            elif key == "since" and f.get("since"):
                f[key] = min(f[key], value)
            elif key in ("until", "as_of") and f.get(key):
                f[key] = max(f[key], value)
            elif key == "current_name" or f.get(key) is None or (newer and key not in _ENDS):
                f[key] = value  # current_name: written by the current-names pass only
        new_name, old_name = new.get("name"), f.get("name")
        if new_name is not None and old_name not in (None, new_name):
            f["name"] = min(old_name, new_name, key=_name_rank)
            aliases = self._list("aliases")
            aliases.add(old_name)
            aliases.add(new_name)
        elif new_name is not None:
            f["name"] = new_name
        current = f.get("current_name")
        if current and f.get("name") != current:
            if f.get("name") is not None:
                self._list("aliases").add(f["name"])
            f["name"] = current
        if "aliases" in self.lists and f.get("name") is not None:
            self.lists["aliases"].discard(f["name"])

    def result(self) -> dict[str, Any]:
        out = dict(self.fields)
        for key, items in self.lists.items():
            out[key] = list(items.items.values())
        if out.get("stages"):  # a project's stage history: every dated stage, in order
            out["stages"] = sorted(out["stages"], key=stage_key)
        if "sources" in out:
            out["sources"] = list(self.sources.values())
        return out


def fold_records(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Merge stored dicts of one id in order: ``merge_records(merge_records(a, b), c)``….

    Returns
    -------
    dict
        A new dict (the inputs are not modified); time linear in the total number of
        list items, plus the number of distinct source revisions (about one per file)
        per record.

    Raises
    ------
    ValueError
        When ``records`` is empty.
    """
    it = iter(records)
    first = next(it, None)
    if first is None:
        raise ValueError("no record to fold")
    fold: _Fold | None = None
    for record in it:
        if fold is None:
            fold = _Fold()
            fold.add(first)
        fold.add(record)
    return dict(first) if fold is None else fold.result()


def merge_records(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Merge two stored dicts of the same node or relation id.

    Lists (aliases, tags, stock codes, sources, roles, figures, a project's stage
    history) are unioned in order (sources by identity, see :func:`source_key`; of two
    sources of one identity the earlier revision is kept; stage events sorted by
    :func:`graph.base.stage_key`, so no dated stage is ever lost), maps (rankings, a
    unit's yearly targets) updated key by key; ``confidence`` keeps the highest,
    ``since`` the earliest, ``until`` and ``as_of`` the latest value; other scalars keep the first
    non-null value stored (the first source wins; re-sending anything already merged
    changes nothing) — except when ``new``'s newest source revision is newer than
    ``old``'s (revisions of one identity counted at the earlier of the two): then
    ``new``'s non-null scalars win, so a changed row of a re-loaded file updates its
    record while both sources are kept. Comparing revisions keeps the merge
    order-independent. A node's ``name`` is chosen the same whatever the order: a full
    legal name (ending in 公司/集团/…) over a short one, then the longer, then the smaller
    text; the other name becomes an alias — unless the record holds a ``current_name``
    (the name the firm goes by today): that is the name, every other one an alias; a
    new ``current_name`` replaces the stored one. Re-loading a file, touched or not, is
    idempotent.

    Returns
    -------
    dict
        A new dict; the inputs are not modified.

    Notes
    -----
    Time linear in the sizes of both records. Merging many records of one id goes
    through :func:`fold_records`, which does not copy the growing lists.
    """
    return fold_records((old, new))


def coalesce(items: Iterable[_M], key: Any = None) -> list[_M]:
    """Merge the models of one id within a batch, first-seen order kept.

    Parameters
    ----------
    items : iterable of Node or Relation
        A batch on its way to a store.

    Returns
    -------
    list
        One model per id: the single model as given, or the fold (:func:`fold_records`)
        of the records of every model of that id, validated back into a model.

    Notes
    -----
    A store merges a record of n sources in O(n) (copy, compare, validate), so a batch
    holding one id m times costs O(m²) without this step and O(m) with it.
    """
    from graph.schema import Relation, parse_node, parse_relation, to_record

    groups: dict[str, list[Any]] = {}
    for item in items:
        groups.setdefault(item.id, []).append(item)  # type: ignore[attr-defined]
    out: list[Any] = []
    for group in groups.values():
        if len(group) == 1:
            out.append(group[0])
            continue
        merged = fold_records(to_record(m) for m in group)
        out.append(parse_relation(merged) if isinstance(group[0], Relation) else parse_node(merged))
    return out
