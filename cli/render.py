"""Human-readable rendering of query results with rich.

Data is printed literally: the consoles of :mod:`cli.console` never read markup, and
styles are set as :class:`~rich.text.Text` spans here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from cli.console import styled

if TYPE_CHECKING:
    from queries.types import ReferralResult, TargetList


def region_label(code: str, extra: Iterable[tuple[str, str]] = ()) -> str:
    """``山东省（37）`` for a GB/T 2260 code (or a region of ``extra``), else the code.

    Examples
    --------
    >>> region_label("37"), region_label("3799", [("3799", "岚港市")]), region_label("99")
    ('山东省（37）', '山东省岚港市（3799）', '99')
    """
    from graph.errors import ZhaoshangError
    from resolve.divisions import resolve_region

    try:
        return resolve_region(code, extra).label
    except ZhaoshangError:
        return code


def show_referrals(console: Console, result: ReferralResult, region: str | None = None) -> None:
    """Print referral paths grouped by introducer, each hop as a Chinese sentence.

    ``region`` names the home region (default: :func:`region_label` of its code).
    """
    gone = "（已退市）" if result.target_delisted else ""
    home = region or region_label(result.home_region)
    console.print(
        styled(
            (f"谁能引荐我们认识 {result.target_name}{gone}", "bold"),
            f"（本地：{home}，最多 {result.max_hops} 跳，前 {result.k} 条）",
        )
    )
    if result.underway is not None:  # so two units do not chase one firm unknowingly
        console.print(styled(("  已在进行：", "bold"), result.underway.text))
    weak = (
        f"另有 {result.weak_paths} 条弱路径（强度低于 {result.strength_floor:g}），见 --all"
        if result.weak_paths
        else ""
    )
    if not result.paths:
        hint = "；加 --include-private 可能找到经私人关系的路径" if result.private_hint else ""
        console.print(f"  在 {result.max_hops} 跳内没有找到引荐路径{hint}。{weak}")
        return
    for s in result.introducers:
        best = f"{s.best_strength:.3f}（{s.best_word}）"
        console.print(f"  请 {s.introducer_name}：{s.paths} 条路径，最强 {best}")
    for i, p in enumerate(result.paths, start=1):
        console.print(
            styled(
                ("\n" + f"{i}. 经 {p.introducer_name}", "bold"),
                f"  强度 {p.strength:.3f}（{p.strength_word}）  {len(p.hops)} 跳",
            )
        )
        for hop in p.hops:
            console.print(f"   - {hop.sentence}")
    if weak:
        console.print(f"\n  {weak}")


_SHORT = {
    "chain_fit": "链",
    "scale": "规模",
    "reachability": "可达",
    "local_affinity": "本地",
    "signals": "动向",
    "strategic_tags": "标签",
}


def show_targets(console: Console, tl: TargetList) -> None:
    """Print a target list and its expand-here list as tables with every factor."""
    names = list(tl.weights) or ["chain_fit", "scale", "reachability"]
    table = Table(title=f"{tl.cluster}：目标企业（外地候选 {tl.candidates} 家）")
    for col in ("排名", "企业", "代码", "省份", "总分", *(_SHORT.get(n, n) for n in names)):
        table.add_column(col)
    table.add_column("最佳引荐人")
    for r in tl.rows:
        f = {x.name: x for x in r.factors}
        table.add_row(
            str(r.rank),
            r.name,
            "、".join(r.stock_codes),
            r.province or "",
            f"{r.score:.4f}",
            *(f"{f[n].value:.2f}" if n in f else "" for n in names),
            f"{r.introducer_name or '—'}"
            + (f" ({r.path_strength:.3f})" if r.path_strength else ""),
        )
    console.print(table)
    for r in (r for r in [*tl.rows, *tl.expand_here] if r.underway):
        console.print(f"  已在进行 · {r.name}{'（已签约）' if r.signed else ''}：{r.underway}")
    if tl.delisted:
        shown = "、".join(tl.delisted[:5]) + ("等" if len(tl.delisted) > 5 else "")
        text = f"另有 {len(tl.delisted)} 家已退市企业不作为上市企业排名：{shown}"
        console.print(text)
    if not tl.expand_here:
        return
    local = list(tl.expand_weights)
    expand = Table(title=f"{tl.cluster}：增资扩产（本地企业 {tl.local_candidates} 家）")
    for col in ("排名", "企业", "代码", "总分", *(_SHORT.get(n, n) for n in local)):
        expand.add_column(col)
    for r in tl.expand_here:
        f = {x.name: x for x in r.factors}
        expand.add_row(
            str(r.rank),
            r.name,
            "、".join(r.stock_codes),
            f"{r.score:.4f}",
            *(f"{f[n].value:.2f}" if n in f else "" for n in local),
        )
    console.print(expand)
