"""Cluster pages: target lists (with the workbook), chain gaps and connectors.

Each answer is the CLI's (``targets``, ``gaps``, ``connectors`` with ``--json``) for
the same cluster and home region, computed once per store revision and kept by the
engine; people are masked by :func:`graph.privacy.redact` unless the user's role may
see them. A workbook download is written by :func:`queries.export.write_workbook`
(text cells only, never a formula) and recorded in the audit log.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from cli.targets_cli import data_sources
from graph.privacy import redact
from graph.sqlite_store import SqliteStore
from graph.store import nodes_by_id
from queries.connectors import connectors as rank_connectors
from queries.export import FACTOR_ZH, write_workbook
from queries.gaps import chain_gaps
from queries.targets import ScoringProfile, target_list
from queries.types import ChainGaps, ConnectorList, TargetList, TargetRow
from queries.underway import with_underway
from web.engine import Engine
from web.pages import HomeQ, engine_of
from web.render import page
from web.security import require_user, users_of
from web.users import User

router = APIRouter()
UserDep = Annotated[User, Depends(require_user)]
ClusterQ = Annotated[str, Query(min_length=1, max_length=60)]
RowsQ = Annotated[int, Query(ge=0, le=2000)]
#: The 规模 filter's choices: least factor value → words.
SCALES = {0.0: "不限", 0.25: "≥ 0.25", 0.5: "≥ 0.5", 0.75: "≥ 0.75"}


def targets(
    eng: Engine, store: SqliteStore, cluster: str, home: str | None, n: int, private: bool
) -> TargetList:
    """``zhaoshang targets --cluster C --home H -n N --json`` before :func:`redact`.

    Raises
    ------
    NotFound, UsageError
        An unknown cluster (candidates: the file's clusters) or region.
    """
    code = eng.region(home or eng.cluster_file.home_region).code
    definition = eng.cluster_file.get(cluster)
    profile = eng.memo("profile", lambda: ScoringProfile.load(None))

    def build() -> TargetList:
        ctx = eng.context(code, private)
        found = target_list(store, definition, code, n=n, profile=profile, context=ctx)
        return with_underway(store, found)

    return eng.memo(("targets", cluster, code, n, private), build)


def gaps(
    eng: Engine, store: SqliteStore, cluster: str, home: str | None, private: bool
) -> ChainGaps:
    """``zhaoshang gaps --cluster C --home H --json`` before :func:`redact`."""
    code = eng.region(home or eng.cluster_file.home_region).code
    definition = eng.cluster_file.get(cluster)
    profile = eng.memo("profile", lambda: ScoringProfile.load(None))

    def build() -> ChainGaps:
        ctx = eng.context(code, private)
        return chain_gaps(store, definition, code, profile=profile, context=ctx)

    return eng.memo(("gaps", cluster, code, private), build)


def connectors(
    eng: Engine, store: SqliteStore, cluster: str, home: str | None, n: int, private: bool
) -> ConnectorList:
    """``zhaoshang connectors --cluster C --home H -n N --json`` before :func:`redact`."""
    code = eng.region(home or eng.cluster_file.home_region).code
    definition = eng.cluster_file.get(cluster)

    def build() -> ConnectorList:
        ctx = eng.context(code, private)
        return rank_connectors(store, definition, code, n=n, context=ctx)

    return eng.memo(("connectors", cluster, code, n, private), build)


def _chart(
    result: TargetList, shown: list[TargetRow] | None = None, rows: int = 20
) -> dict[str, Any]:
    """ECharts data of the factor bars: the top ``rows`` firms of ``shown`` (default: the
    list's rows), one series per factor."""
    top = (result.rows if shown is None else shown)[:rows]
    factors = list(result.weights)
    return {
        "firms": [r.name for r in top],
        "series": [
            {
                "name": FACTOR_ZH.get(f, f),
                "data": [next((x.contribution for x in r.factors if x.name == f), 0) for r in top],
            }
            for f in factors
        ],
    }


def firm_tags(eng: Engine, store: SqliteStore, found: TargetList) -> dict[str, list[str]]:
    """The stored tags (榜单、专精特新 …) of every firm of ``found``, by company id."""
    ids = sorted({r.company for r in (*found.rows, *found.expand_here)})

    def build() -> dict[str, list[str]]:
        return {cid: list(d.get("tags") or []) for cid, d in nodes_by_id(store, ids).items()}

    return eng.memo(("tags", tuple(ids)), build)


def factor_value(row: TargetRow, name: str) -> float:
    """The value in [0, 1] of factor ``name`` of ``row`` (0 when it has none)."""
    return next((f.value for f in row.factors if f.name == name), 0.0)


def keep(row: TargetRow, tags: dict[str, list[str]], province: str, scale: float, tag: str) -> bool:
    """Whether ``row`` passes the filters: its province, 规模 at least ``scale``, ``tag``."""
    return (
        (not province or row.province == province)
        and factor_value(row, "scale") >= scale
        and (not tag or tag in tags.get(row.company, []))
    )


@router.get("/targets", response_class=HTMLResponse)
async def targets_page(
    request: Request,
    user: UserDep,
    cluster: ClusterQ | None = None,
    home: HomeQ = None,
    n: RowsQ = 50,
    province: Annotated[str, Query(max_length=20)] = "",
    scale: Annotated[float, Query(ge=0, le=1)] = 0.0,
    tag: Annotated[str, Query(max_length=60)] = "",
) -> Response:
    """A cluster's ranked targets with factor bars, filters and the workbook link.

    The filters (province, least 规模 factor value, a tag such as 中国500强 or 专精特新)
    apply to both lists shown: the targets elsewhere and the 增资扩产 list of firms
    already here; the workbook and ``/api/targets`` are the unfiltered CLI answer.
    """
    eng = engine_of(request)
    names = [c.name for c in eng.cluster_file.cluster]
    if cluster is None:
        return page(request, "clusters.html", clusters=names, what="targets", title="目标企业清单")
    found = await eng.read(targets, cluster, home, n, user.sees_private)
    tags = await eng.read(firm_tags, found)
    result = redact(found, user.sees_private)
    provinces = sorted({r.province for r in result.rows if r.province})
    rows = [r for r in result.rows if keep(r, tags, province, scale, tag)]
    return page(
        request,
        "targets.html",
        result=result,
        rows=rows,
        expand=[r for r in result.expand_here if keep(r, tags, "", scale, tag)],
        provinces=provinces,
        province=province,
        scales=SCALES,
        scale=scale,
        tags=tags,
        all_tags=sorted({t for ts in tags.values() for t in ts}),
        tag=tag,
        clusters=names,
        home=home or "",
        n=n,
        chart=_chart(result, rows),
    )


@router.get("/api/targets")
async def targets_json(
    request: Request, user: UserDep, cluster: ClusterQ, home: HomeQ = None, n: RowsQ = 50
) -> JSONResponse:
    """The JSON of ``zhaoshang targets --cluster C --json`` for this user."""
    found = await engine_of(request).read(targets, cluster, home, n, user.sees_private)
    return JSONResponse(redact(found, user.sees_private).model_dump(mode="json"))


def _workbook(eng: Engine, store: SqliteStore, found: TargetList, private: bool) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "targets.xlsx"
        sources = eng.memo("sources", lambda: data_sources(store, eng.graph))
        write_workbook([found], path, sources=sources, include_private=private)
        return path.read_bytes()


@router.get("/targets.xlsx")
async def targets_workbook(
    request: Request, user: UserDep, cluster: ClusterQ, home: HomeQ = None, n: RowsQ = 50
) -> Response:
    """The target list as the CLI's workbook (``targets --xlsx``); recorded in the audit log."""
    eng = engine_of(request)
    found = await eng.read(targets, cluster, home, n, user.sees_private)
    data = await eng.read(_workbook, found, user.sees_private)
    private = "含个人信息" if user.sees_private else "个人信息已遮蔽"
    users_of(request).audit(
        user.name, "导出", f"目标企业清单 {cluster}，{len(found.rows)} 行，{private}"
    )
    filename = quote(f"{cluster}-目标企业.xlsx")
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"},
    )


@router.get("/gaps", response_class=HTMLResponse)
async def gaps_page(
    request: Request, user: UserDep, cluster: ClusterQ | None = None, home: HomeQ = None
) -> Response:
    """A cluster's chain segments, gaps first, with candidate firms."""
    eng = engine_of(request)
    names = [c.name for c in eng.cluster_file.cluster]
    if cluster is None:
        return page(request, "clusters.html", clusters=names, what="gaps", title="产业链缺口")
    found = await eng.read(gaps, cluster, home, user.sees_private)
    return page(request, "gaps.html", result=redact(found, user.sees_private), clusters=names)


@router.get("/api/gaps")
async def gaps_json(
    request: Request, user: UserDep, cluster: ClusterQ, home: HomeQ = None
) -> JSONResponse:
    """The JSON of ``zhaoshang gaps --cluster C --json`` for this user."""
    found = await engine_of(request).read(gaps, cluster, home, user.sees_private)
    return JSONResponse(redact(found, user.sees_private).model_dump(mode="json"))


@router.get("/connectors", response_class=HTMLResponse)
async def connectors_page(
    request: Request,
    user: UserDep,
    cluster: ClusterQ | None = None,
    home: HomeQ = None,
    n: RowsQ = 20,
) -> Response:
    """Whom to enlist or ask first for a cluster: our-side nodes by value reached."""
    eng = engine_of(request)
    names = [c.name for c in eng.cluster_file.cluster]
    if cluster is None:
        return page(request, "clusters.html", clusters=names, what="connectors", title="本地联络人")
    found = await eng.read(connectors, cluster, home, n, user.sees_private)
    return page(request, "connectors.html", result=redact(found, user.sees_private), clusters=names)


@router.get("/api/connectors")
async def connectors_json(
    request: Request, user: UserDep, cluster: ClusterQ, home: HomeQ = None, n: RowsQ = 20
) -> JSONResponse:
    """The JSON of ``zhaoshang connectors --cluster C --json`` for this user."""
    found = await engine_of(request).read(connectors, cluster, home, n, user.sees_private)
    return JSONResponse(redact(found, user.sees_private).model_dump(mode="json"))
