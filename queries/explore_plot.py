"""Static matplotlib pictures: subgraphs and factor charts, with a CJK font.

Same visual vocabulary as :mod:`queries.explore_draw` (colour per node kind, line style
per relation kind, Chinese labels). Use them through :mod:`queries.explore`.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from graph.words import KIND_ZH
from queries.explore_draw import (
    KIND_COLOURS,
    OURS_COLOUR,
    edge_style,
    node_colour,
    short_label,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Scoring factor → Chinese name (chart legends).
FACTOR_ZH: dict[str, str] = {
    "chain_fit": "产业链匹配度",
    "scale": "规模",
    "reachability": "可达性",
    "local_affinity": "本地关联",
    "signals": "投资动向",
    "strategic_tags": "战略标签",
}
_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "WenQuanYi Zen Hei",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
)
_CJK_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


class CJKFontWarning(UserWarning):
    """No CJK font was found: Chinese text in matplotlib figures would show as boxes."""


def cjk_font(warn: bool = True) -> str | None:
    """Find a CJK font for matplotlib and make it the default sans-serif font.

    Looks for a known family (Noto Sans CJK, WenQuanYi Zen Hei, …) among matplotlib's
    fonts, then for the Debian packages' files (``fonts-noto-cjk``,
    ``fonts-wqy-zenhei``), registering them if present.

    Parameters
    ----------
    warn : bool
        Emit a :class:`CJKFontWarning` when no font is found.

    Returns
    -------
    str or None
        The family name in use, or None when there is none (Chinese shows as boxes).
    """
    from matplotlib import font_manager, rcParams

    def found() -> str | None:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((f for f in _CJK_FAMILIES if f in names), None)

    family = found()
    if family is None:
        for file in _CJK_FILES:
            if Path(file).is_file():
                font_manager.fontManager.addfont(file)
        family = found()
    if family is None:
        if warn:
            warnings.warn(
                "没有找到中文字体：图中的中文会显示为方框。请安装一种，例如 "
                "`apt-get install fonts-noto-cjk`（或 fonts-wqy-zenhei），然后重启。",
                CJKFontWarning,
                stacklevel=2,
            )
        return None
    rcParams["font.sans-serif"] = [family, *rcParams["font.sans-serif"]]
    rcParams["font.family"] = "sans-serif"
    rcParams["axes.unicode_minus"] = False
    return family


def _layout(g: nx.MultiDiGraph) -> dict[Any, Any]:
    simple = nx.Graph(g.to_undirected())
    if simple.number_of_nodes() <= 80 and nx.is_connected(simple):
        pos: dict[Any, Any] = nx.kamada_kawai_layout(simple)
        return pos
    spread = 2.0 / max(1.0, simple.number_of_nodes() ** 0.5)
    pos = nx.spring_layout(simple, seed=7, k=spread, iterations=200)
    return pos


def draw_static(
    g: nx.MultiDiGraph,
    title: str = "",
    ax: Axes | None = None,
    labels: int = 60,
) -> Figure:
    """Draw ``g`` with matplotlib: colours by node kind, line styles by relation kind.

    Parameters
    ----------
    g : networkx.MultiDiGraph
        A graph from :mod:`queries.explore`.
    title : str
        Figure title.
    ax : matplotlib Axes, optional
        Where to draw (default: a new figure sized to the graph).
    labels : int >= 0
        Label at most this many nodes (the highest-degree ones, plus centres and path
        ends); the others are drawn unlabelled to keep the picture readable.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    cjk_font()
    n = g.number_of_nodes()
    if ax is None:
        side = min(16.0, 7.0 + n / 12)
        fig, ax = plt.subplots(figsize=(side, side * 0.75))
    fig = _figure(ax)
    pos = _layout(g) if n else {}
    for u, v, d in g.edges(data=True):
        _, colour, line, _ = edge_style(str(d.get("kind")))
        (x0, y0), (x1, y1) = pos[u], pos[v]
        width = 2.5 if d.get("on_path") else 1.0
        ax.plot([x0, x1], [y0, y1], linestyle=line, color=colour, linewidth=width, zorder=1)
    ids = list(g.nodes)
    sizes = [
        420 if g.nodes[i].get("center") or g.nodes[i].get("role") else 160 + 12 * g.degree(i)
        for i in ids
    ]
    rings = {i for i in ids if g.nodes[i].get("center") or g.nodes[i].get("role") == "target"}
    ax.scatter(
        [pos[i][0] for i in ids],
        [pos[i][1] for i in ids],
        s=[min(s, 600) for s in sizes],
        c=[node_colour(g.nodes[i]) for i in ids],
        edgecolors=["#222222" if i in rings else "white" for i in ids],
        linewidths=[2.5 if i in rings else 1.0 for i in ids],
        zorder=2,
    )
    important = {i for i in ids if g.nodes[i].get("center") or g.nodes[i].get("role")}
    ranked = sorted(ids, key=lambda i: (i not in important, -g.degree(i), str(i)))
    for i in ranked[:labels]:
        x, y = pos[i]
        name = short_label(str(g.nodes[i].get("name", i)), 10)
        ax.annotate(
            name,
            (x, y),
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            fontsize=10 if i in important else 8.5,
            zorder=3,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
        )
    handles: list[Any] = []
    if any(d.get("ours") for _, d in g.nodes(data=True)):
        handles.append(_dot(OURS_COLOUR, "我方"))
    for k in sorted({str(d.get("kind")) for _, d in g.nodes(data=True) if not d.get("ours")}):
        handles.append(_dot(KIND_COLOURS.get(k, "#ccc"), KIND_ZH.get(k, k)))
    for group, colour, line in sorted(
        {edge_style(str(d.get("kind")))[:3] for _, _, d in g.edges(data=True)}
    ):
        handles.append(Line2D([0], [0], color=colour, linestyle=line, label=group))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=10)
    ax.set_title(title, fontsize=14)
    ax.margins(0.08)
    ax.set_axis_off()
    fig.tight_layout()
    return fig


def _figure(ax: Axes) -> Figure:
    from matplotlib.figure import Figure

    fig = ax.get_figure()
    while fig is not None and not isinstance(fig, Figure):
        fig = fig.get_figure()
    if fig is None:
        raise ValueError("these axes belong to no figure")
    return fig


def _dot(colour: str, label: str) -> Any:
    from matplotlib.lines import Line2D

    return Line2D(
        [0], [0], marker="o", color="w", markerfacecolor=colour, markersize=10, label=label
    )


def plot_factors(rows: Any, title: str = "", ax: Axes | None = None) -> Figure:
    """Stacked horizontal bars of each target's factor contributions.

    Parameters
    ----------
    rows : pandas.DataFrame
        From :func:`queries.explore.targets_frame`: ``rank``, ``name`` and, per factor
        F, a contribution column F (the factors are the ``F_value`` columns), in rank
        order.
    title : str
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        One bar per target, rank 1 at the top; segments sum to the score.
    """
    import matplotlib.pyplot as plt

    cjk_font()
    factors = [c.removesuffix("_value") for c in rows.columns if c.endswith("_value")]
    palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1"]
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 0.42 * len(rows) + 1.6))
    fig = _figure(ax)
    labels = [
        f"{r} {short_label(str(n), 16)}" for r, n in zip(rows["rank"], rows["name"], strict=True)
    ]
    left = [0.0] * len(rows)
    for f in factors:
        values = [float(v) for v in rows[f]]
        colour = palette[factors.index(f) % len(palette)]
        ax.barh(labels, values, left=left, color=colour, label=FACTOR_ZH.get(f, f))
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.invert_yaxis()
    ax.set_xlabel("得分（各因子加权贡献之和）")
    ax.set_xlim(0, max([1e-9, *left]) * 1.08)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=10)
    ax.set_title(title, fontsize=14)
    fig.tight_layout()
    return fig
