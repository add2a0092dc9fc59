"""Our 招商 channels in the browser: which channels convert, and our own channel actors.

``/channels`` shows what ``zhaoshang channels --as-of DAY`` prints (the same
:func:`queries.channels.channel_report` call, computed once per store revision and
day): the channels of the winning 备案 and how many signed, then our 招商大使, 顾问,
代理机构 and 驻外办事处 with the regions and firms they cover, each 委托招商 mandate
against its targets and each fair's leads. ``/api/channels`` returns the CLI's
``--json``.

Ambassadors and advisers are people: a viewer reads their names masked (张*), in the
page and the JSON alike, as the CLI without ``--include-private``; officers and admins
read them (the CLI's ``--include-private``). One rule for both:
:func:`graph.privacy.redact` with the report's own list of people.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from graph.privacy import redact
from graph.sqlite_store import SqliteStore
from queries.channels import ChannelReport, channel_report
from queries.progress import yi
from web.engine import Engine
from web.pages import engine_of
from web.render import page
from web.security import require_user
from web.users import User

router = APIRouter()
UserDep = Annotated[User, Depends(require_user)]
DayQ = Annotated[str, Query(max_length=10)]


def day_of(as_of: str, today: dt.date | None = None) -> dt.date:
    """The day asked (default: today).

    Raises
    ------
    HTTPException
        422 (in Chinese) when the day is not ``YYYY-MM-DD``.
    """
    if not as_of:
        return today or dt.date.today()
    try:
        return dt.date.fromisoformat(as_of)
    except ValueError as exc:
        raise HTTPException(422, f"日期应写成 YYYY-MM-DD（{exc}）") from exc


def report(eng: Engine, store: SqliteStore, day: dt.date, include_private: bool) -> ChannelReport:
    """``zhaoshang channels --as-of DAY --json [--include-private]``, kept per revision."""
    found = eng.memo(("channels", day), lambda: channel_report(store, day))
    return redact(found, include_private, names=found.own.people())


@router.get("/channels", response_class=HTMLResponse)
async def channels_page(request: Request, user: UserDep, as_of: DayQ = "") -> Response:
    """The channels' conversion, our channel actors, the mandates and the fairs."""
    found = await engine_of(request).read(report, day_of(as_of), user.sees_private)
    return page(request, "channels.html", report=found, yi=yi)


@router.get("/api/channels")
async def channels_json(request: Request, user: UserDep, as_of: DayQ = "") -> JSONResponse:
    """The JSON of ``zhaoshang channels --as-of DAY --json`` (``--include-private`` for
    officers and admins)."""
    found = await engine_of(request).read(report, day_of(as_of), user.sees_private)
    return JSONResponse(found.model_dump(mode="json"))
