"""Pictures of exploration subgraphs: an interactive pyvis view and a matplotlib figure.

Both take the ``networkx`` graphs built by :mod:`queries.explore` (node attributes
``kind``, ``name``, ``ours``; edge attributes ``kind``, ``label``, ``roles``) and share
one visual vocabulary: a colour per node kind (our side's firms in red), a line style
per relation kind, Chinese labels. Use them through :mod:`queries.explore`.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from graph.words import KIND_ZH as KIND_ZH
from graph.words import REL_ZH as REL_ZH

#: Node kind → colour (Tableau 10); our side's firms get :data:`OURS_COLOUR`.
KIND_COLOURS: dict[str, str] = {
    "Company": "#4e79a7",
    "Person": "#f28e2b",
    "Fund": "#59a14f",
    "Intermediary": "#b07aa1",
    "Industry": "#76b7b2",
    "Product": "#edc948",
    "Cluster": "#9c755f",
    "Region": "#bab0ac",
}
#: Colour of our side: local firms, and the introducers of referral paths.
OURS_COLOUR = "#e15759"

LineStyle = Literal["-", "--", "-.", ":"]

# Relation kinds grouped by line style: (group name, colour, matplotlib style, vis dashes).
_STYLE_GROUPS: list[tuple[str, frozenset[str], str, LineStyle, list[int] | bool]] = [
    ("任职", frozenset({"OFFICER_OF"}), "#555555", "-", False),
    (
        "控制/持股",
        frozenset({"OWNS", "CONTROLS", "PARENT_OF", "BRANCH_OF", "ACQUIRED"}),
        "#1f3b73",
        "-",
        False,
    ),
    ("投资", frozenset({"INVESTED_IN", "LP_IN"}), "#2e7d32", "--", [8, 4]),
    ("供应/合作", frozenset({"SUPPLIES", "PARTNERS_WITH"}), "#8e44ad", ":", [2, 4]),
    ("产业链上下游", frozenset({"UPSTREAM_OF"}), "#b8860b", "-", False),
    ("主营产品", frozenset({"MAKES"}), "#d4a017", "--", [6, 4]),
    (
        "行业/归属",
        frozenset({"IN_INDUSTRY", "SUBCLASS_OF", "CLUSTER_INCLUDES", "LOCATED_IN"}),
        "#9aa5ad",
        ":",
        [2, 3],
    ),
    ("中介/人脉", frozenset(), "#999999", "--", [4, 4]),  # everything else
]
_WEB_FONTS = "'Noto Sans CJK SC', 'WenQuanYi Zen Hei', 'Microsoft YaHei', 'PingFang SC', sans-serif"


def edge_style(kind: str) -> tuple[str, str, LineStyle, list[int] | bool]:
    """Return ``(group, colour, matplotlib linestyle, vis-network dashes)`` of a relation kind."""
    for group, kinds, colour, line, dashes in _STYLE_GROUPS:
        if kind in kinds:
            return group, colour, line, dashes
    group, _, colour, line, dashes = _STYLE_GROUPS[-1]
    return group, colour, line, dashes


def node_colour(data: dict[str, Any]) -> str:
    """Colour of a node from its attributes (``kind``, ``ours``)."""
    if data.get("ours"):
        return OURS_COLOUR
    return KIND_COLOURS.get(str(data.get("kind")), "#cccccc")


_LEGAL_SUFFIX = re.compile(
    r"(股份有限公司|有限责任公司|有限公司|股份公司|（有限合伙）|\(有限合伙\))$"
)


def short_label(name: str, limit: int = 12) -> str:
    """A node label for pictures: legal suffix dropped, cut to ``limit`` characters.

    Examples
    --------
    >>> short_label("赛轮集团股份有限公司"), short_label("中国航发动力控制股份有限公司", 6)
    ('赛轮集团', '中国航发动…')
    """
    name = _LEGAL_SUFFIX.sub("", name) or name
    return name if len(name) <= limit else name[: limit - 1] + "…"


class HtmlView:
    """A written HTML file that renders inline in Jupyter (an ``<iframe srcdoc>``).

    Attributes
    ----------
    path : Path
        The UTF-8 HTML file.
    height : int, pixels
        Height of the inline frame.
    """

    def __init__(self, path: Path, height: int) -> None:
        self.path = path
        self.height = height

    def _repr_html_(self) -> str:
        doc = html.escape(self.path.read_text(encoding="utf-8"), quote=True)
        return (
            f'<iframe srcdoc="{doc}" style="width:100%;height:{self.height + 110}px;'
            'border:none"></iframe>'
        )

    def __repr__(self) -> str:
        return f"HtmlView({str(self.path)!r})"


def _legend_html(g: nx.MultiDiGraph) -> str:
    items: list[str] = []
    kinds = sorted({str(d.get("kind")) for _, d in g.nodes(data=True) if not d.get("ours")})
    if any(d.get("ours") for _, d in g.nodes(data=True)):
        items.append(f'<span style="color:{OURS_COLOUR}">●</span> 我方')
    for k in kinds:
        items.append(
            f'<span style="color:{KIND_COLOURS.get(k, "#ccc")}">●</span> {KIND_ZH.get(k, k)}'
        )
    groups = {edge_style(str(d.get("kind")))[:2] for _, _, d in g.edges(data=True)}
    for group, colour in sorted(groups):
        items.append(f'<span style="color:{colour}">━</span> {group}')
    return (
        f'<div style="font-family:{_WEB_FONTS};font-size:14px;padding:4px 8px;">'
        + "&emsp;".join(items)
        + "</div>"
    )


def interactive_view(
    g: nx.MultiDiGraph,
    path: Path,
    title: str = "",
    height: int = 640,
    edge_labels: bool | None = None,
) -> HtmlView:
    """Write an interactive (pyvis / vis-network) view of ``g`` and return it for display.

    Parameters
    ----------
    g : networkx.MultiDiGraph
        A graph from :mod:`queries.explore` (node ``kind``/``name``, edge ``kind``/``label``).
    path : Path
        The HTML file to write (folders are created). Written as UTF-8 whatever the
        locale, with ``<meta charset="utf-8">``; scripts are inlined, so it opens offline.
    title : str
        Heading above the graph.
    height : int, pixels
        Height of the drawing.
    edge_labels : bool, optional
        Write relation labels on the edges (default: when there are at most 60 edges);
        labels are always in the hover tooltips.

    Returns
    -------
    HtmlView
        Displays inline in Jupyter; ``.path`` is the file.
    """
    from pyvis.network import Network

    net = Network(height=f"{height}px", width="100%", directed=True, cdn_resources="in_line")
    show_labels = g.number_of_edges() <= 60 if edge_labels is None else edge_labels
    for nid, d in sorted(g.nodes(data=True)):
        name = str(d.get("name", nid))
        kind = str(d.get("kind"))
        tip = f"{name}\n{KIND_ZH.get(kind, kind)}" + ("（本地）" if d.get("ours") else "")
        size = 26 if d.get("center") or d.get("role") in ("target", "introducer") else 16
        ring = d.get("center") or d.get("role") == "target"
        fill = node_colour(d)
        border = {"background": fill, "border": "#222222" if ring else fill}
        net.add_node(
            nid,
            label=short_label(name),
            title=tip,
            color=border,
            size=size,
            shape="dot",
            borderWidth=4 if ring else 1,
        )
    for u, v, key, d in sorted(g.edges(keys=True, data=True), key=lambda t: str(t[2])):
        kind = str(d.get("kind"))
        _, colour, _, dashes = edge_style(kind)
        label = str(d.get("label") or REL_ZH.get(kind, kind))
        net.add_edge(
            u,
            v,
            title=f"{label}（{kind}）",
            label=label if show_labels else None,
            color=colour,
            dashes=dashes,
            width=2.5 if d.get("on_path") else 1.2,
            id=str(key),
        )
    net.options = {
        "nodes": {"font": {"size": 14, "face": _WEB_FONTS}, "borderWidth": 1},
        "edges": {
            "font": {"size": 11, "face": _WEB_FONTS, "align": "middle", "color": "#444"},
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "smooth": {"type": "continuous"},
        },
        "physics": {
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -80, "springLength": 120},
            "stabilization": {"iterations": 300},
        },
        "interaction": {"hover": True, "navigationButtons": False},
    }
    doc = net.generate_html(notebook=False)
    # The template links bootstrap from a CDN; drop it so the file is self-contained.
    doc = re.sub(r"<link[^>]*bootstrap[^>]*/>", "", doc)
    doc = re.sub(r"<script\s+src=\"[^\"]*bootstrap[^\"]*\"[^>]*>\s*</script>", "", doc, flags=re.S)
    doc = re.sub(r"<center>\s*<h1>\s*</h1>\s*</center>", "", doc)
    header = f'<h3 style="font-family:{_WEB_FONTS};margin:4px 8px">{html.escape(title)}</h3>'
    doc = doc.replace("<body>", "<body>" + (header if title else "") + _legend_html(g), 1)
    if '<meta charset="utf-8">' not in doc:
        doc = doc.replace("<head>", '<head>\n<meta charset="utf-8">', 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc, encoding="utf-8")
    return HtmlView(path, height)
