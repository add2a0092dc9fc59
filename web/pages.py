"""Firm search with suggestions, referral paths and the firm page (pages and JSON).

The JSON endpoints return what the CLI's ``--json`` prints for the same question:
the same library call, passed through the same :func:`graph.privacy.redact` with
``include_private`` = the user's role (officers and admins: ``--include-private``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from graph.privacy import redact
from graph.sqlite_store import SqliteStore
from queries.paths import referral_paths
from queries.types import ReferralResult
from queries.underway import with_underway
from queries.view import find_company
from resolve.divisions import Division
from web.engine import Engine
from web.firm import FirmPage, firm_page
from web.render import page, path_picture
from web.security import require_user
from web.users import User

router = APIRouter()
UserDep = Annotated[User, Depends(require_user)]
HomeQ = Annotated[str | None, Query(max_length=40)]
KQ = Annotated[int, Query(ge=1, le=20)]
HopsQ = Annotated[int, Query(ge=1, le=6)]


def engine_of(request: Request) -> Engine:
    """The engine of the app serving ``request``."""
    engine: Engine = request.app.state.engine
    return engine


def introduce(
    eng: Engine,
    store: SqliteStore,
    query: str,
    home: str | None,
    k: int,
    max_hops: int,
    include_private: bool,
) -> tuple[ReferralResult, Division]:
    """``zhaoshang introduce QUERY --home HOME -k K --max-hops H [--include-private]``.

    Returns
    -------
    (ReferralResult, Division)
        The result passed through :func:`redact`, and the home region read.

    Raises
    ------
    NotFound, NoPath, UsageError
        As the CLI: unknown firm (with candidates), a local target, an unknown region.
    """
    division = eng.region(home)
    target = find_company(store, query)
    ctx = eng.context(division.code, include_private)
    found = referral_paths(store, target, division.code, k=k, max_hops=max_hops, context=ctx)
    found = with_underway(store, found)
    return redact(found, include_private), division


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, user: UserDep) -> Response:
    """The start page: the firm search box and the clusters."""
    eng = engine_of(request)
    counts = await eng.read(lambda e, store: store.count_nodes())
    region = await eng.read(lambda e, store: e.region(None))
    return page(
        request,
        "home.html",
        clusters=[c.name for c in eng.cluster_file.cluster],
        counts={k.value: v for k, v in counts.items()},
        region=region,
    )


@router.get("/suggest", response_class=HTMLResponse)
async def suggest(request: Request, q: Annotated[str, Query(max_length=100)] = "") -> Response:
    """Up to 10 firms matching what was typed (an htmx fragment)."""
    found = await engine_of(request).read(lambda e, store: e.names().search(q))
    return page(request, "suggest.html", suggestions=found, q=q)


@router.get("/introduce", response_class=HTMLResponse)
async def introduce_page(
    request: Request,
    user: UserDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    home: HomeQ = None,
    k: KQ = 5,
    max_hops: HopsQ = 4,
) -> Response:
    """Who can introduce us to the firm ``q``: paths, hop sentences and a picture."""
    result, division = await engine_of(request).read(
        introduce, q, home, k, max_hops, user.sees_private
    )
    return page(
        request,
        "paths.html",
        result=result,
        region=division,
        q=q,
        k=k,
        max_hops=max_hops,
        home=home or "",
        picture=path_picture(result),
    )


@router.get("/api/introduce")
async def introduce_json(
    request: Request,
    user: UserDep,
    target: Annotated[str, Query(min_length=1, max_length=200)],
    home: HomeQ = None,
    k: KQ = 5,
    max_hops: HopsQ = 4,
) -> JSONResponse:
    """The JSON of ``zhaoshang introduce TARGET --json`` for this user."""
    result, _ = await engine_of(request).read(
        introduce, target, home, k, max_hops, user.sees_private
    )
    return JSONResponse(result.model_dump(mode="json"))


def _firm(eng: Engine, store: SqliteStore, query: str, include_private: bool) -> FirmPage:
    return firm_page(store, find_company(store, query), include_private)


@router.get("/firm", response_class=HTMLResponse)
async def firm(
    request: Request, user: UserDep, id: Annotated[str, Query(min_length=1, max_length=200)]
) -> Response:
    """A firm's page: names and codes, industries, products, ties with their sources."""
    found = await engine_of(request).read(_firm, id, user.sees_private)
    return page(request, "firm.html", firm=found)


@router.get("/api/firm")
async def firm_json(
    request: Request, user: UserDep, id: Annotated[str, Query(min_length=1, max_length=200)]
) -> JSONResponse:
    """The firm page as JSON (people masked for viewers)."""
    found: Any = await engine_of(request).read(_firm, id, user.sees_private)
    return JSONResponse(found.model_dump(mode="json"))
