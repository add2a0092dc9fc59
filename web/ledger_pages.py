"""The 招商 ledger in the browser: the 调度 table, the project board, the 引荐台账.

``/progress`` shows what ``zhaoshang progress --from F --to T`` prints (the same
:func:`queries.progress.progress` call, computed once per store revision and period):
per unit 任务目标 and 自定目标, 签约项目数 and 签约金额 (亿元, exact), completion against
both targets, 在谈 projects, units behind schedule first and marked, a chart of the
completion rates against the time elapsed (时序进度), and the project reserve by stage
and cluster. ``/api/progress`` returns the CLI's ``--json``; ``/progress.xlsx`` the
CLI's ``--xlsx`` workbook (recorded in the audit log). The ledger holds no personal
data, so every role sees the same there.

``/board`` puts every project in the column of its stage on a day
(:func:`queries.board.project_board`, one unit or all). ``/attribution`` shows what
``zhaoshang attribution --as-of D [--rules R]`` prints (the server's ``--rules``);
introducers who are natural persons are masked unless the user's role may see people
(the CLI's ``--include-private``), and ``/api/attribution`` returns the CLI's ``--json``.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from graph.privacy import redact
from graph.sqlite_store import SqliteStore
from queries.attribution import AttributionLedger, attribution, wan
from queries.board import ProjectBoard, project_board
from queries.progress import ProgressReport, progress, yi
from queries.progress_xlsx import write_progress_xlsx
from web.engine import Engine
from web.pages import engine_of
from web.render import page
from web.security import require_user, users_of
from web.users import User

router = APIRouter()
UserDep = Annotated[User, Depends(require_user)]
DayQ = Annotated[str, Query(max_length=10)]
UnitQ = Annotated[str, Query(max_length=200)]


def period(date_from: str, date_to: str, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The reporting period of the query (default: 1 January of this year to today).

    Raises
    ------
    HTTPException
        422 (in Chinese) when a date is not ``YYYY-MM-DD`` or the period runs backwards.
    """
    today = today or dt.date.today()
    try:
        start = dt.date.fromisoformat(date_from) if date_from else dt.date(today.year, 1, 1)
        end = dt.date.fromisoformat(date_to) if date_to else today
    except ValueError as exc:
        raise HTTPException(422, f"日期应写成 YYYY-MM-DD（{exc}）") from exc
    if end < start:
        raise HTTPException(422, f"截止日期 {end} 早于起始日期 {start}")
    return start, end


def report(eng: Engine, store: SqliteStore, start: dt.date, end: dt.date) -> ProgressReport:
    """``zhaoshang progress --from START --to END --json``, kept per store revision."""
    return eng.memo(("progress", start, end), lambda: progress(store, start, end))


def chart(found: ProgressReport) -> dict[str, Any]:
    """ECharts data: each unit's completion (%) against both targets, and 时序进度."""
    return {
        "units": [u.name for u in found.units],
        "city": [None if u.city_rate_pct is None else float(u.city_rate_pct) for u in found.units],
        "own": [None if u.own_rate_pct is None else float(u.own_rate_pct) for u in found.units],
        "time": float(found.time_pct),
    }


@router.get("/progress", response_class=HTMLResponse)
async def progress_page(
    request: Request, user: UserDep, date_from: DayQ = "", date_to: DayQ = ""
) -> Response:
    """The 调度 table, the completion chart and the project reserve."""
    start, end = period(date_from, date_to)
    found = await engine_of(request).read(report, start, end)
    return page(request, "progress.html", report=found, chart=chart(found), yi=yi)


@router.get("/api/progress")
async def progress_json(
    request: Request, user: UserDep, date_from: DayQ = "", date_to: DayQ = ""
) -> JSONResponse:
    """The JSON of ``zhaoshang progress --from F --to T --json``."""
    start, end = period(date_from, date_to)
    found = await engine_of(request).read(report, start, end)
    return JSONResponse(found.model_dump(mode="json"))


@router.get("/progress.xlsx")
async def progress_workbook(
    request: Request, user: UserDep, date_from: DayQ = "", date_to: DayQ = ""
) -> Response:
    """The 调度 workbook of ``zhaoshang progress --xlsx``; recorded in the audit log."""
    start, end = period(date_from, date_to)
    found = await engine_of(request).read(report, start, end)
    with tempfile.TemporaryDirectory() as folder:
        data = write_progress_xlsx(found, Path(folder) / "调度.xlsx").read_bytes()
    users_of(request).audit(user.name, "导出", f"招商调度表 {start} 至 {end}")
    filename = quote(f"招商调度-{start}-{end}.xlsx")
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"},
    )


def day_of(text: str, today: dt.date | None = None) -> dt.date:
    """The day asked (default today).

    Raises
    ------
    HTTPException
        422 (in Chinese) when it is not ``YYYY-MM-DD``.
    """
    try:
        return dt.date.fromisoformat(text) if text else today or dt.date.today()
    except ValueError as exc:
        raise HTTPException(422, f"日期应写成 YYYY-MM-DD（{exc}）") from exc


def board(eng: Engine, store: SqliteStore, day: dt.date, unit: str) -> ProjectBoard:
    """``zhaoshang board --as-of DAY [--unit U] --json`` ("" for all units), per revision.

    Raises
    ------
    NotFound
        An unknown unit (candidates: the units' names).
    """
    return eng.memo(("board", day, unit), lambda: project_board(store, day, unit or None))


@router.get("/board", response_class=HTMLResponse)
async def board_page(
    request: Request, user: UserDep, as_of: DayQ = "", unit: UnitQ = ""
) -> Response:
    """The project board: one column per stage, one unit or all."""
    found = await engine_of(request).read(board, day_of(as_of), unit)
    return page(request, "board.html", board=found)


@router.get("/api/board")
async def board_json(
    request: Request, user: UserDep, as_of: DayQ = "", unit: UnitQ = ""
) -> JSONResponse:
    """The JSON of ``zhaoshang board --as-of D [--unit U] --json``."""
    found = await engine_of(request).read(board, day_of(as_of), unit)
    return JSONResponse(found.model_dump(mode="json"))


def ledger(eng: Engine, store: SqliteStore, day: dt.date, private: bool) -> AttributionLedger:
    """``zhaoshang attribution --as-of DAY [--rules R] [--include-private] --json``."""

    def build() -> AttributionLedger:
        found = attribution(store, day, eng.rules)
        return redact(found, private, names=found.people())

    return eng.memo(("attribution", day, private), build)


@router.get("/attribution", response_class=HTMLResponse)
async def attribution_page(request: Request, user: UserDep, as_of: DayQ = "") -> Response:
    """The 引荐台账: each 备案 judged, the winner of each project, the rewards."""
    found = await engine_of(request).read(ledger, day_of(as_of), user.sees_private)
    total = sum((f.reward_yuan for f in found.filings if f.reward_yuan is not None), Decimal(0))
    return page(request, "attribution.html", ledger=found, total=total, wan=wan)


@router.get("/api/attribution")
async def attribution_json(request: Request, user: UserDep, as_of: DayQ = "") -> JSONResponse:
    """The JSON of ``zhaoshang attribution --as-of D --json`` for this user."""
    found = await engine_of(request).read(ledger, day_of(as_of), user.sees_private)
    return JSONResponse(found.model_dump(mode="json"))
