"""Chain gaps (补链/强链/延链): which segments of a cluster's chain does the city lack?

For each segment of the cluster's chain (:mod:`queries.chain`: the cluster's products
and their one-step UPSTREAM_OF neighbours, noise filtered), the firms making it (MAKES
the product or a SUBCLASS_OF descendant) are split into local makers (region code
under ``home``), makers elsewhere, and makers of unknown region. A gap is a segment
with makers elsewhere and none local; each gap lists its best makers elsewhere by the
cluster's target score.
"""

from __future__ import annotations

import datetime as dt

from graph.store import Store
from queries.chain import GENERIC_PARTS, ROLE_ORDER
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
        ``segments`` in role order (cluster, upstream, downstream), gaps first, then
        makers elsewhere desc, then product id; local makers by share desc then id;
        gap candidates by target score desc then id; ``gaps`` lists the gap product
        ids in segment order.
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
        elsewhere, unknown = [], 0
        for cid, (share, rid, made) in makers.items():
            if u.is_local(cid, home):
                name = u.names.get(cid, cid)
                local.append(
                    Maker(
                        company=cid, name=name, product=u.names[made], share=share, relation_id=rid
                    )
                )
            elif u.nodes.get(cid, {}).get("region_code"):
                elsewhere.append((cid, share, made))
            else:
                unknown += 1
        gap = seg.product in u.gaps
        candidates: list[GapCandidate] = []
        if gap:
            ranked = sorted(
                (c for c in elsewhere if c[0] in scored),
                key=lambda c: (-scored[c[0]].score, c[0]),
            )
            for cid, share, made in ranked[:per_gap]:
                row = scored[cid]
                candidates.append(
                    GapCandidate(
                        company=cid,
                        name=row.name,
                        stock_codes=row.stock_codes,
                        province=row.province,
                        product=u.names[made],
                        share=share,
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
                local_makers=sorted(local, key=lambda m: (-m.share, m.company)),
                elsewhere=len(elsewhere),
                unknown_region=unknown,
                gap=gap,
                candidates=candidates,
            )
        )
    segments.sort(key=lambda s: (ROLE_ORDER[s.role], not s.gap, -s.elsewhere, s.product))
    return ChainGaps(
        cluster=cluster.name,
        home_region=home,
        as_of=tl.as_of or ctx.as_of,
        min_makers=profile.min_makers,
        rule=noise_rule(profile.min_makers),
        segments=segments,
        gaps=[s.product for s in segments if s.gap],
    )
