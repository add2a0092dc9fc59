"""Login and logout pages."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from web.render import page
from web.security import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    LoginLimiter,
    require_csrf,
    same_token,
    users_of,
)
from web.users import SESSION_IDLE, User

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Where to go after login: a path of this site only (never ``//host`` or a URL)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _login_page(request: Request, next_url: str, error: str = "", status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = page(request, "login.html", status, login_token=token, next=next_url, error=error)
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=1800,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/login",
    )
    return response


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    """The login page."""
    return _login_page(request, safe_next(next))


@router.post("/login")
def login(
    request: Request,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password (rate-limited) and open a session."""
    target = safe_next(next)
    if not same_token(csrf, request.cookies.get(LOGIN_COOKIE, "")):
        return _login_page(request, target, "登录页面已过期，请重新输入", 403)
    limiter: LoginLimiter = request.app.state.limiter
    client = request.client.host if request.client else "?"
    keys = (f"ip:{client}", f"user:{name.strip()}")
    wait = limiter.wait(*keys)
    if wait > 0:
        minutes = int(wait // 60) + 1
        return _login_page(request, target, f"登录失败次数过多，请 {minutes} 分钟后再试", 429)
    users = users_of(request)
    user = users.check_password(name.strip(), password)
    if user is None:
        limiter.failed(*keys)
        users.audit(name.strip()[:64] or "?", "登录失败", f"来自 {client}")
        return _login_page(request, target, "用户名或密码不正确", 401)
    limiter.succeeded(*keys)
    users.audit(user.name, "登录", f"来自 {client}")
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        users.open_session(user),
        max_age=int(SESSION_IDLE.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, user: Annotated[User, Depends(require_csrf)]) -> Response:
    """End the session and go back to the login page."""
    users_of(request).close_session(request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def login_redirect(request: Request) -> Response:
    """The answer to an anonymous page request: the login page, then back here."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(here)}", status_code=303)
