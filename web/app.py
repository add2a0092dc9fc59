"""The web workspace: ``create_app`` builds the FastAPI application of one graph.

Every route but ``/login`` and ``/static`` needs a signed-in user (see
:mod:`web.security`); the pages are server-rendered Jinja2 templates in Chinese with
htmx for the search suggestions, ECharts for charts and Cytoscape.js for path
pictures, all served from ``web/static/vendor`` (no CDN, works offline).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from graph.errors import NotFound, UsageError, ZhaoshangError
from web import auth, channel_pages, cluster_pages, ledger_pages, pages, review, upload
from web.engine import Engine
from web.render import page
from web.security import LoginLimiter, LoginRequired, require_user
from web.users import UserStore, users_path

STATIC = Path(__file__).parent / "static"
#: Every route of the app: the login pages, then the routers that need a session.
PUBLIC_ROUTERS = (auth.router,)
SIGNED_IN_ROUTERS = (
    pages.router,
    cluster_pages.router,
    ledger_pages.router,
    review.router,
    channel_pages.router,
    upload.router,
)
#: Scripts only from this site; styles may be inline (ECharts and Cytoscape set them).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def create_app(
    graph: Path,
    clusters: Path | None = None,
    users: Path | None = None,
    warm: bool = True,
    rules: Path | None = None,
) -> FastAPI:
    """Build the application serving ``graph``.

    Parameters
    ----------
    graph : Path
        The embedded store's database file (created empty when missing: an office
        may start with nothing and upload its tables).
    clusters : Path, optional
        Cluster file (default: the packaged 山东省 十强产业).
    users : Path, optional
        Users file (default: :func:`web.users.users_path` of ``graph``).
    warm : bool
        Open the store and build the search snapshot at start-up.
    rules : Path, optional
        The reward scheme of the attribution page (``zhaoshang attribution --rules``).

    Returns
    -------
    FastAPI
        ``app.state`` holds ``engine``, ``users`` and ``limiter``.
    """
    engine = Engine(graph, clusters, rules)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm:
            await engine.read(lambda eng, store: eng.warm())
        yield
        engine.close()

    app = FastAPI(
        title="招商图谱", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.engine = engine
    app.state.users = UserStore(users or users_path(graph))
    app.state.limiter = LoginLimiter()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in PUBLIC_ROUTERS:
        app.include_router(router)
    for router in SIGNED_IN_ROUTERS:
        app.include_router(router, dependencies=[Depends(require_user)])
    _handlers(app)

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if _is_api(request) or request.method != "GET":
            return JSONResponse({"detail": "请先登录"}, status_code=401)
        return auth.login_redirect(request)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "请求有误"
        if exc.status_code == 404 and message == "Not Found":
            message = "没有这个页面"
        if _is_api(request):
            return JSONResponse({"detail": message}, status_code=exc.status_code)
        return page(request, "error.html", exc.status_code, message=message, candidates=[])

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        fields = "、".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors())
        message = f"参数有误：{fields}"
        if _is_api(request):
            return JSONResponse({"detail": message}, status_code=422)
        return page(request, "error.html", 422, message=message, candidates=[])

    @app.exception_handler(ZhaoshangError)
    async def domain_error(request: Request, exc: ZhaoshangError) -> Response:
        status = 404 if isinstance(exc, NotFound) else 400 if isinstance(exc, UsageError) else 422
        candidates = list(getattr(exc, "candidates", None) or [])
        if _is_api(request):
            return JSONResponse({"detail": str(exc), "candidates": candidates}, status_code=status)
        return page(request, "error.html", status, message=str(exc), candidates=candidates)
