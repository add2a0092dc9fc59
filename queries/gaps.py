"""Chain gaps (补链/强链/延链): which segments of a cluster's chain does the city lack?

For each segment of the cluster's chain (:mod:`queries.chain`: the cluster's products
and their one-step UPSTREAM_OF neighbours, noise filtered), the firms covering it are
split into local firms (region code under ``home``), firms elsewhere, and firms of
unknown region. A firm covers a segment when it makes the product, a synonym of it
(``resolve/data/product_synonyms.csv``) or a SUBCLASS_OF descendant: chain-kg's
主营产品 (with a revenue share, as of 2021-12-31) or an ICKG-25 news row placing it in
the product's industry (归属于行业, dated 2025). Each segment gets one label
(:func:`gap_label`):

- 补链: a cluster product no local firm covers (a missing link of the chain itself);
- 延链: an upstream/downstream product no local firm covers (the chain could extend
  into it);
- 强链: covered by at least one but fewer than ``strong_min_local`` local firms
  (``queries/scoring.toml``, default 3): there, but thin;
- none: covered by ``strong_min_local`` local firms or more;
- 无数据: no firm of known region covers it, here or elsewhere: the data cannot tell
  a gap from a naming or locality hole (阿胶 before product-line names were read), so
  no gap is claimed.

A 补链/延链 segment is a gap; gaps and 强链 segments list their best firms elsewhere by
the cluster's target score.
"""

from __future__ import annotations

import datetime as dt

from graph.store import Store
from queries.chain import GENERIC_PARTS, ROLE_ORDER, Made
from queries.clusters import ClusterDef
from queries.paths import SearchContext
from queries.profile import ScoringProfile
from queries.targets import Universe, build_universe, target_list
from queries.types import ChainGaps, ChainSegment, GapCandidate, Maker, TargetList


def noise_rule(min_makers: int) -> str:
    """The segment noise rule in one Chinese sentence (shown on exports)."""
    parts = "、".join(GENERIC_PARTS)
    return (
        f"集群产品全部计入；其上下游一步产品须至少 {min_makers} 家企业生产（含子类产品），"
        f"且名称不泛化（不在泛称表内、不少于 2 字、不含“{parts}”）"
    )


#: Segment labels in display order (gaps first); None (covered) sorts last.
LABEL_ORDER = {"补链": 0, "延链": 0, "强链": 1, None: 2, "无数据": 3}


def gap_label(role: str, local: int, elsewhere: int, strong_min_local: int) -> str | None:
    """The label of a chain segment (module docstring).

    Parameters
    ----------
    role : {"cluster", "upstream", "downstream"}
    local : int >= 0
        Distinct local firms covering the segment.
    elsewhere : int >= 0
        Distinct firms covering it registered outside the home region.
    strong_min_local : int >= 1
        Fewest local firms of a segment that is not 强链.

    Examples
    --------
    >>> gap_label("cluster", 0, 2, 3), gap_label("upstream", 0, 1, 3)
    ('补链', '延链')
    >>> gap_label("downstream", 2, 0, 3), gap_label("cluster", 3, 0, 3) is None
    ('强链', True)
    >>> gap_label("cluster", 0, 0, 3)
    '无数据'
    """
    if local == 0:
        if elsewhere == 0:
            return "无数据"
        return "补链" if role == "cluster" else "延链"
    return "强链" if local < strong_min_local else None


def label_rule(strong_min_local: int) -> str:
    """The label rule in one Chinese sentence (shown with every list of gaps)."""
    return (
        "补链：集群产品，本地无企业覆盖；延链：集群产品上下游一步的产品，本地无企业覆盖；"
        f"强链：本地有企业覆盖但少于 {strong_min_local} 家；"
        "无数据：本地、外地均无已知地区的企业覆盖，不判为缺口。企业覆盖某产品，指其主营该产品"
        "（含同义名、系列产品、子类产品；chain-kg，截至 2021-12-31）或新闻称其属于该产品行业"
        "（ickg25“归属于行业”，2025 年）"
    )


def chain_gaps(
    store: Store,
    cluster: ClusterDef,
    home: str,
    profile: ScoringProfile | None = None,
    context: SearchContext | None = None,
    per_gap: int = 5,
    as_of: dt.date | None = None,
    targets: TargetList | None = None,
    universe: Universe | None = None,
) -> ChainGaps:
    """Return the cluster's chain segments with local makers vs. makers elsewhere.

    Parameters
    ----------
    cluster : ClusterDef
    home : str
        GB/T 2260 code prefix of the home region.
    profile : ScoringProfile, optional
        Scores the gap candidates and gives ``min_makers`` (default profile).
    context : SearchContext, optional
        Prebuilt tie graph for ``home``.
    per_gap : int >= 0
        Best candidates listed per gap.
    as_of : date, optional
        Reference date of the signals window (default: the context's).
    targets, universe : optional
        A full target list (``n=0``) and its universe, when already computed with the
        same profile and home.

    Returns
    -------
    ChainGaps
        ``segments`` in role order (cluster, upstream, downstream), then label (补链 or
        延链, 强链, none), makers elsewhere desc, product id; each with its ``label``
        (:func:`gap_label`); local makers by revenue share desc (news memberships, with
        no share, last), then id; candidates of labelled segments by target score
        desc then id; ``gaps`` lists the 补链/延链 product ids in segment order.
    """
    profile = profile or ScoringProfile.load()
    ctx = context or SearchContext.build(store, home)
    u = universe or build_universe(store, cluster, home, profile)
    tl = targets or target_list(
        store, cluster, home, n=0, profile=profile, context=ctx, as_of=as_of, universe=u
    )
    scored = {r.company: r for r in tl.rows}
    segments: list[ChainSegment] = []
    for seg in u.segments:
        makers = u.index.makers(seg.product)
        local: list[Maker] = []
        elsewhere: list[tuple[str, Made]] = []
        unknown = 0
        for cid, made in makers.items():
            if u.is_local(cid, home):
                local.append(_maker(u, cid, made))
            elif u.nodes.get(cid, {}).get("region_code"):
                elsewhere.append((cid, made))
            else:
                unknown += 1
        label = gap_label(seg.role, len(local), len(elsewhere), profile.strong_min_local)
        candidates: list[GapCandidate] = []
        if label in ("补链", "延链", "强链"):
            ranked = sorted(
                (c for c in elsewhere if c[0] in scored),
                key=lambda c: (-scored[c[0]].score, c[0]),
            )
            for cid, made in ranked[:per_gap]:
                row = scored[cid]
                candidates.append(
                    GapCandidate(
                        company=cid,
                        name=row.name,
                        stock_codes=row.stock_codes,
                        province=row.province,
                        product=_name(u, made.product),
                        share=made.share,
                        score=row.score,
                        rank=row.rank,
                        introducer_name=row.introducer_name,
                        introducer=row.introducer,
                        path_strength=row.path_strength,
                    )
                )
        segments.append(
            ChainSegment(
                product=seg.product,
                name=seg.name,
                role=seg.role,
                via=list(seg.via),
                local_makers=sorted(local, key=lambda m: (-_share(m.share), m.company)),
                elsewhere=len(elsewhere),
                unknown_region=unknown,
                gap=label in ("补链", "延链"),
                candidates=candidates,
                label=label,
            )
        )
    segments.sort(key=lambda s: (ROLE_ORDER[s.role], LABEL_ORDER[s.label], -s.elsewhere, s.product))
    return ChainGaps(
        cluster=cluster.name,
        home_region=home,
        as_of=tl.as_of or ctx.as_of,
        min_makers=profile.min_makers,
        rule=noise_rule(profile.min_makers),
        segments=segments,
        gaps=[s.product for s in segments if s.gap],
        strong_min_local=profile.strong_min_local,
        labels=label_rule(profile.strong_min_local),
    )


def _share(share: float | None) -> float:
    return -1.0 if share is None else share


def _name(u: Universe, product: str) -> str:
    return u.names.get(product) or product.split(":", 1)[-1]


def maker_note(product: str, share: float | None, basis: str | None, as_of: dt.date | None) -> str:
    """How a firm covers a product, in Chinese, with the date of the fact.

    Examples
    --------
    >>> maker_note("重卡", None, "归属于行业", dt.date(2025, 8, 25))
    '新闻称属于重卡行业（2025-08-25）'
    >>> maker_note("挖掘机", 0.352, "主营产品", dt.date(2021, 12, 31))
    '挖掘机占营收 35.2%（截至 2021-12-31）'
    """
    if share is not None:
        text = f"{product}占营收 {share:.1%}"
    elif basis == "归属于行业":
        text = f"新闻称属于{product}行业"
    else:
        text = f"生产{product}"
    if as_of is None:
        return f"{text}（日期不详）"
    return (
        f"{text}（{as_of.isoformat()}）" if share is None else f"{text}（截至 {as_of.isoformat()}）"
    )


def _maker(u: Universe, company: str, made: Made) -> Maker:
    product = _name(u, made.product)
    return Maker(
        company=company,
        name=u.names.get(company, company),
        product=product,
        share=made.share,
        relation_id=made.relation_id,
        basis=made.label,
        as_of=made.as_of,
        note=maker_note(product, made.share, made.label, made.as_of),
    )
