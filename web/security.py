"""Who may do what: sessions, CSRF tokens, roles and the login rate limit.

- The session token lives in an HttpOnly, SameSite=Lax cookie (``Secure`` when the
  request came over https); :func:`require_user` refuses a request without a live
  session: pages are redirected to the login page, ``/api/`` answers 401.
- Every form carries the session's CSRF token (field ``csrf``; htmx sends it as the
  ``X-CSRF-Token`` header); :func:`require_csrf` refuses a POST without the right one.
  The login form, sent before there is a session, carries a token that must equal
  the one in its own short-lived cookie (double submit).
- :class:`LoginLimiter` refuses logins after repeated failures, per client address and
  per user name.
"""

from __future__ import annotations

import hmac
import time
from collections import defaultdict, deque
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from web.users import User, UserStore

SESSION_COOKIE = "zs_session"
LOGIN_COOKIE = "zs_login"


class LoginRequired(Exception):
    """Raised by :func:`require_user`; answered by a redirect to /login or a 401."""


def users_of(request: Request) -> UserStore:
    """The user store of the app serving ``request``."""
    store: UserStore = request.app.state.users
    return store


def require_user(request: Request) -> User:
    """The signed-in user of ``request``.

    Raises
    ------
    LoginRequired
        When the request carries no live session.
    """
    user = users_of(request).session_user(request.cookies.get(SESSION_COOKIE, ""))
    if user is None:
        raise LoginRequired
    request.state.user = user
    return user


async def require_csrf(request: Request, user: Annotated[User, Depends(require_user)]) -> User:
    """The signed-in user, when the request carries the session's CSRF token.

    Raises
    ------
    HTTPException
        403 when the token is missing or wrong.
    """
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        sent = str((await request.form()).get("csrf") or "")
    if not sent or not hmac.compare_digest(sent.encode(), user.csrf.encode()):
        raise HTTPException(403, "表单已过期或来源不明（CSRF 校验未通过），请刷新页面后重试")
    return user


def require_officer(user: Annotated[User, Depends(require_user)]) -> User:
    """The signed-in user when an officer or admin.

    Raises
    ------
    HTTPException
        403 for viewers.
    """
    if not user.can_upload:
        raise HTTPException(403, "只有招商专员和管理员可以使用此功能")
    return user


def require_admin(user: Annotated[User, Depends(require_user)]) -> User:
    """The signed-in user when an admin.

    Raises
    ------
    HTTPException
        403 for everyone else.
    """
    if user.role != "admin":
        raise HTTPException(403, "只有管理员可以使用此功能")
    return user


class LoginLimiter:
    """At most ``failures`` failed logins per ``window`` seconds, per key.

    Keys are the client address and the user name tried, so neither one machine
    guessing many names nor many machines guessing one name gets far.
    """

    def __init__(self, failures: int = 5, window: float = 600.0) -> None:
        self.failures = failures
        self.window = window
        self._seen: defaultdict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str) -> deque[float]:
        seen = self._seen[key]
        cutoff = time.monotonic() - self.window
        while seen and seen[0] < cutoff:
            seen.popleft()
        return seen

    def wait(self, *keys: str) -> float:
        """Seconds until a login is allowed again for all ``keys`` (0: allowed now)."""
        waits = [0.0]
        for key in keys:
            seen = self._recent(key)
            if len(seen) >= self.failures:
                waits.append(seen[0] + self.window - time.monotonic())
        return max(waits)

    def failed(self, *keys: str) -> None:
        """Count one failed login against every key."""
        now = time.monotonic()
        for key in keys:
            self._recent(key).append(now)

    def succeeded(self, *keys: str) -> None:
        """Forget the failures of ``keys`` after a good login."""
        for key in keys:
            self._seen.pop(key, None)


def same_token(a: str, b: str) -> bool:
    """Constant-time comparison of two non-empty tokens."""
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())
