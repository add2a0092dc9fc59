"""Templates and the small formatting rules every page shares (all text in Chinese).

Jinja2 escapes every value (autoescape on for ``.html``); data for the pictures goes
to the browser only through the ``tojson`` filter inside
``<script type="application/json">`` blocks, which escapes ``<``, ``>``, ``&`` and ``'``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from cli.render import region_label
from graph.schema import RelKind
from graph.words import KIND_ZH
from queries.channels import TIE_ZH
from queries.export import FACTOR_ZH
from queries.progress import yi
from queries.types import ReferralResult

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

#: Relation kinds as an officer says them.
RELATION_ZH = {
    **TIE_ZH,
    RelKind.BRANCH_OF.value: "分支机构",
    RelKind.ENGAGED_BY.value: "受聘于本地",
    RelKind.IN_INDUSTRY.value: "所属行业",
    RelKind.MAKES.value: "生产",
    RelKind.UPSTREAM_OF.value: "上游",
    RelKind.SUBCLASS_OF.value: "细分",
    RelKind.CLUSTER_INCLUDES.value: "集群包含",
    RelKind.LOCATED_IN.value: "所在地",
}


def strength_words(strength: float | None) -> str:
    """A path or tie strength in words: 很强 ≥ 0.6 > 较强 ≥ 0.35 > 一般 ≥ 0.15 > 较弱 ≥ 0.05 > 很弱.

    Examples
    --------
    >>> strength_words(0.81), strength_words(0.36), strength_words(0.2), strength_words(0.01)
    ('很强', '较强', '一般', '很弱')
    """
    if strength is None:
        return "无路径"
    for floor, words in ((0.6, "很强"), (0.35, "较强"), (0.15, "一般"), (0.05, "较弱")):
        if strength >= floor:
            return words
    return "很弱"


def hop_date(since: dt.date | None, until: dt.date | None) -> str:
    """The dates of a tie: ``2019-05-01 起``, ``至 2021-01-01``, both, or ``日期不详``."""
    if since and until:
        return f"{since.isoformat()} 至 {until.isoformat()}"
    if since:
        return f"{since.isoformat()} 起"
    if until:
        return f"至 {until.isoformat()}"
    return "日期不详"


TEMPLATES.env.filters["words"] = strength_words
TEMPLATES.env.filters["region"] = region_label  # 37 → 山东省（37）
TEMPLATES.env.filters["relation_zh"] = lambda kind: RELATION_ZH.get(kind, kind)
TEMPLATES.env.filters["kind_zh"] = lambda kind: KIND_ZH.get(kind, RELATION_ZH.get(kind, kind))
TEMPLATES.env.filters["factor_zh"] = lambda name: FACTOR_ZH.get(name, name)
TEMPLATES.env.globals["hop_date"] = hop_date


def yi_text(amount_yuan: str | None) -> str:
    """An amount in 元 kept as decimal text, written in 亿元 ("" for None).

    Examples
    --------
    >>> yi_text("1550000000"), yi_text(None)
    ('15.5', '')
    """
    return yi(Decimal(amount_yuan)) if amount_yuan else ""


TEMPLATES.env.globals["yi"] = yi
TEMPLATES.env.globals["yi_text"] = yi_text


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` with the signed-in user (``request.state.user``)."""
    context.setdefault("user", getattr(request.state, "user", None))
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status)


def path_picture(result: ReferralResult) -> dict[str, Any]:
    """Cytoscape elements of a (redacted) referral result, positioned in columns.

    Path ``i`` runs along row ``i`` from its introducer (column 0) towards the target,
    which stands alone in the last column, level with the middle row. A node already
    placed by a stronger path keeps its place.

    Returns
    -------
    dict
        ``{"nodes": [{"data": {id, label, kind}, "position": {x, y}}], "edges": [...]}``.
    """
    columns = max((len(p.nodes) for p in result.paths), default=1)
    middle = (len(result.paths) - 1) * 45
    nodes: dict[str, dict[str, Any]] = {
        result.target: {
            "data": {"id": result.target, "label": result.target_name, "kind": "target"},
            "position": {"x": (columns - 1) * 190, "y": middle},
        }
    }
    edges: dict[str, dict[str, Any]] = {}
    for row, path in enumerate(result.paths):
        for col, hop in enumerate(path.hops):
            for at, (nid, name) in enumerate(((hop.src, hop.src_name), (hop.dst, hop.dst_name))):
                kind = "introducer" if col + at == 0 else "node"
                nodes.setdefault(
                    nid,
                    {
                        "data": {"id": nid, "label": name, "kind": kind},
                        "position": {"x": (col + at) * 190, "y": row * 90},
                    },
                )
            label = RELATION_ZH.get(hop.relation, hop.relation)
            if hop.roles:
                label += "（" + "、".join(hop.roles) + "）"
            edges.setdefault(
                hop.relation_id,
                {
                    "data": {
                        "id": hop.relation_id,
                        "source": hop.src,
                        "target": hop.dst,
                        "label": label,
                    }
                },
            )
    return {"nodes": list(nodes.values()), "edges": list(edges.values())}
