"""Personal data in outputs: one rule for every printer and writer.

A person (a :class:`~graph.schema.Person` node) appears in an output only when the
user asks for private data (``--include-private``, or ``include_private=True`` of the
output functions); otherwise the person's name is masked to its first character
(``张三丰`` → ``张**``) wherever it occurs in the output: name fields, the Chinese
path sentences, factor evidence, and node or relation ids that embed the name
(``Person:controller:600031:梁稳根`` → ``Person:controller:600031:梁**``). Our 招商大使
and 招商顾问 (ledger channels, ids ``Channel:<unit>:招商大使:<hash>``) are people too.
Private ties (KNOWS 老乡/校友 …, an ambassador's COVERS, ``private=True``) are only
walked with the same flag, so they never reach an output without it.

The query functions (:mod:`queries.paths`, :mod:`queries.targets` …) return the full
data, ids intact, for computation; CLI text and ``--json``, the workbooks and CSV
files (:mod:`queries.export`) and the notebook helpers (:mod:`queries.explore`) pass
their results through :func:`redact` (drawings: :func:`redact_graph`).
The resolution log never records a person's name as a firm mention
(:mod:`loaders.office.link_rows`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar, cast

from graph.kinds import PERSON_CHANNELS, NodeKind

if TYPE_CHECKING:
    from pydantic import BaseModel


def is_model(value: Any) -> TypeGuard[BaseModel]:
    """True when ``value`` is a pydantic model (never imports pydantic: a process that
    has not imported it holds no model)."""
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(value, pydantic.BaseModel)


#: Ids of Person nodes start with this (see :func:`graph.ids.node_id`).
PERSON_PREFIX = NodeKind.PERSON.value + ":"
T = TypeVar("T")


def mask_name(name: str) -> str:
    """Mask a person's name: keep the first character, one ``*`` per other character.

    Examples
    --------
    >>> mask_name("张三丰"), mask_name("李四"), mask_name("王")
    ('张**', '李*', '王*')
    """
    return name[:1] + "*" * max(1, len(name) - 1)


#: Ids of ledger channels start with this; the third part is the channel type.
CHANNEL_PREFIX = NodeKind.CHANNEL.value + ":"


def is_person(node_id: object) -> bool:
    """Tell whether ``node_id`` is the id of a Person node or of a channel that is a
    person (招商大使, 招商顾问: ``Channel:<unit>:<type>:<hash>``).

    Examples
    --------
    >>> is_person("Person:张三"), is_person("Channel:港城区:招商大使:1a2b")
    (True, True)
    >>> is_person("Channel:临澜县:驻外办事处:岚港市驻北京招商办事处")
    False
    """
    if not isinstance(node_id, str):
        return False
    if node_id.startswith(CHANNEL_PREFIX):
        parts = node_id.split(":")
        return len(parts) >= 4 and parts[2] in PERSON_CHANNELS
    return node_id.startswith(PERSON_PREFIX)


def _collect(data: Any, names: set[str]) -> None:
    """Add to ``names`` the person names ``data`` (JSON-like) holds beside their ids."""
    if isinstance(data, dict):
        if data.get("kind") == NodeKind.PERSON.value and isinstance(data.get("name"), str):
            names.add(data["name"])
        for key, value in data.items():
            if key == "path_people" and isinstance(value, list):
                names.update(v for v in value if isinstance(v, str) and v)
            elif is_person(value):
                paired = data.get(f"{key}_name")
                if paired is None and key in ("id", "node", "company", "channel_id"):
                    paired = data.get("name")
                if isinstance(paired, str) and paired:
                    names.add(paired)
            _collect(value, names)
    elif isinstance(data, list | tuple):
        for item in data:
            _collect(item, names)


def people_in(data: Any) -> set[str]:
    """The names of the people a result names, found beside their Person ids.

    Pairs recognised in a JSON-like dump: ``x`` / ``x_name`` (hops, introducers),
    ``node`` / ``name`` and ``kind == "Person"`` (connectors), ``channel_id`` / ``name``
    (our 招商大使 in the channels report), ``path_people`` (target rows).
    """
    if is_model(data):
        data = data.model_dump(mode="json")
    names: set[str] = set()
    _collect(data, names)
    return names


class Masker:
    """Replace given names by their masks in any text (longest name first).

    Names of one character are masked only where a whole text equals them (a single
    character would otherwise hit unrelated firm names).
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.masks = {n: mask_name(n) for n in names if n}
        long = sorted((n for n in self.masks if len(n) > 1), key=lambda n: (-len(n), n))
        self._pattern = re.compile("|".join(map(re.escape, long))) if long else None

    def __bool__(self) -> bool:
        return bool(self.masks)

    def text(self, text: str) -> str:
        """``text`` with every name replaced by its mask."""
        if text in self.masks:
            return self.masks[text]
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self.masks[m.group()], text)

    def data(self, data: Any) -> Any:
        """A copy of JSON-like ``data`` with every string (not dict keys) masked."""
        if isinstance(data, str):
            return self.text(data)
        if isinstance(data, dict):
            return {k: self.data(v) for k, v in data.items()}
        if isinstance(data, list | tuple):
            return [self.data(v) for v in data]
        return data


def redact(result: T, include_private: bool = False, names: Iterable[str] = ()) -> T:
    """Return ``result`` with its people masked, unless ``include_private``.

    Parameters
    ----------
    result : pydantic model, or JSON-like data (dict, list, str)
        A query result (:mod:`queries.types`) or its ``model_dump``.
    include_private : bool
        Keep people's names (the user asked for private data).
    names : iterable of str
        Further person names to mask (e.g. from a store lookup).

    Returns
    -------
    same type as ``result``
        A new object (a model is re-validated); ``result`` itself when nothing is to
        be masked. Masking is idempotent.

    Examples
    --------
    >>> hop = {"src": "Person:张三丰", "src_name": "张三丰", "sentence": "张三丰 任 A 的董事"}
    >>> redact(hop)["sentence"], redact(hop)["src"]
    ('张** 任 A 的董事', 'Person:张**')
    """
    if include_private:
        return result
    dumped = result.model_dump(mode="json") if is_model(result) else result
    masker = Masker(people_in(dumped) | set(names))
    if not masker:
        return result
    masked = masker.data(dumped)
    if is_model(result):
        return cast(T, type(result).model_validate(masked))
    return masked  # type: ignore[no-any-return]


def redact_graph(g: Any, include_private: bool = False) -> Any:
    """A copy of a ``networkx`` drawing graph with its people masked, unless asked.

    Person nodes are those with attribute ``kind == "Person"`` and our ambassadors and
    advisers (:func:`is_person`); their names are masked
    in node ids, edge keys and every string attribute (node, edge and graph). Two ids
    that mask alike stay two nodes: the later (in id order) gets ``#2``, ``#3`` ….

    Parameters
    ----------
    g : networkx.MultiDiGraph
        A graph of :mod:`queries.explore` (node attributes ``kind``, ``name``).
    include_private : bool
        Return ``g`` itself, names kept.

    Returns
    -------
    networkx.MultiDiGraph
    """
    people = {
        d["name"]
        for n, d in g.nodes(data=True)
        if d.get("kind") == NodeKind.PERSON.value or is_person(n)
    }
    masker = Masker(n for n in people if isinstance(n, str))
    if include_private or not masker:
        return g
    ids: dict[Any, Any] = {}
    used: set[Any] = set()
    for node in sorted(g.nodes, key=str):
        ids[node] = _unique(masker.data(node), used)
        used.add(ids[node])
    out = g.__class__(**masker.data(dict(g.graph)))
    for node, data in g.nodes(data=True):
        out.add_node(ids[node], **masker.data(data))
    for u, v, key, data in sorted(g.edges(keys=True, data=True), key=lambda e: str(e[2])):
        new = _unique(masker.data(key), set(out.get_edge_data(ids[u], ids[v]) or ()))
        out.add_edge(ids[u], ids[v], key=new, **masker.data(data))
    return out


def _unique(value: Any, taken: set[Any]) -> Any:
    candidate, n = value, 2
    while candidate in taken:
        candidate, n = f"{value}#{n}", n + 1
    return candidate
