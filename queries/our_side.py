"""Who is on our side: the region a node works for by its own record.

Our side (DESIGN.md §2) is the home region's firms, whoever is ENGAGED_BY a region
inside it, the office's own people and organisations tagged as such
(:func:`engaged_code`), and the 招商 ledger's channels (:func:`channel_code`). Both
:func:`queries.ties.build_tie_graph` and the search snapshot
(:mod:`queries.snapshot`) mark our side with these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graph.schema import NodeKind


def engaged_code(node: Mapping[str, Any], tags: Iterable[str]) -> str | None:
    """The region a stored node works for by its own row: the 行政区划代码 of a person,
    intermediary or fund tagged 招商大使 (a tag of ``tags``); None for any other node.

    Examples
    --------
    >>> engaged_code({"kind": "Person", "region_code": "3707", "tags": ["招商大使"]}, ["招商大使"])
    '3707'
    >>> engaged_code({"kind": "Company", "region_code": "3707", "tags": ["招商大使"]}, ["招商大使"])
    """
    if node.get("kind") == NodeKind.COMPANY.value or not node.get("region_code"):
        return None
    wanted = set(tags)
    return str(node["region_code"]) if any(t in wanted for t in node.get("tags") or ()) else None


#: The region code of a channel whose unit has none: ours whatever the home region.
ANY_HOME = ""


def channel_code(unit_id: str, units: Mapping[str, str]) -> str:
    """The region a ledger Channel works for: its unit's 行政区划代码.

    A unit's table may leave the code blank (a development zone, a 投促委): the ledger
    holds only our own units, so such a unit's channels are ours for any home region
    (:data:`ANY_HOME`). A unit the graph does not hold counts the same way.

    Examples
    --------
    >>> channel_code("Unit:港城区", {"Unit:港城区": "379902"})
    '379902'
    >>> channel_code("Unit:临澜县", {"Unit:临澜县": ""})
    ''
    """
    return units.get(unit_id) or ANY_HOME


def works_for(code: str, home: str) -> bool:
    """Whether a node that works for region ``code`` is ours for ``home`` (a code
    inside the home region, or :data:`ANY_HOME`)."""
    return code == ANY_HOME or code.startswith(home)
