"""The resolution review in the browser: 是/否 on uncertain firm matches.

The pairs are those ``zhaoshang resolve --review`` writes to its workbook
(:func:`resolve.review.review_pairs`: ambiguous mentions with each candidate, links
made on a short name, and with ``fuzzy`` close names of mentions that linked to
nothing), less the pairs already judged. A 是 or 否 is stored as ``resolve --apply``
stores a workbook's marks: merged into the judgements of the graph's resolution log
(:func:`resolve.decisions.merge_judgements`, the newer mark wins) and the log rewritten
(:func:`resolve.decisions.write_log`), so the next load honours it. The write runs on
the engine's writer thread holding the database's write lock, so it neither races a
load from the browser nor one from an officer's CLI (a load reads the log after taking
that lock and rewrites it before letting go). ``by`` names the user (``网页：王科长``).
Officers and admins only; every mark is audited.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from graph.schema import Company
from graph.sqlite_store import SqliteStore
from graph.store import open_store
from resolve.decisions import (
    NO,
    YES,
    Judgement,
    ResolutionLog,
    log_path,
    merge_judgements,
    read_log,
    write_log,
)
from resolve.index import CompanyIndex, spelling_key
from resolve.review import ReviewPair, review_pairs
from web.engine import Engine
from web.pages import engine_of
from web.render import page
from web.security import require_csrf, require_officer, users_of
from web.users import User

router = APIRouter()
OfficerDep = Annotated[User, Depends(require_officer)]
#: Rows shown per page.
PAGE_ROWS = 100


def basis(eng: Engine, store: SqliteStore) -> tuple[int, ResolutionLog, CompanyIndex]:
    """The store revision, the log's decisions (judgements left out) and the company
    index the pairs are worked out from; built once per revision (reader thread)."""

    def build() -> tuple[int, ResolutionLog, CompanyIndex]:
        log = read_log(log_path(eng.graph))
        unjudged = ResolutionLog(log.decisions, log.conflicts, [])
        return eng.revision, unjudged, CompanyIndex.from_store(store)

    return eng.memo("review-basis", build)


def sure_pairs(eng: Engine, store: SqliteStore) -> list[ReviewPair]:
    """The pairs without fuzzy proposals (ambiguous mentions, short-name links), per
    revision (reader thread)."""

    def build() -> list[ReviewPair]:
        _, log, index = basis(eng, store)
        return review_pairs(log, index, fuzzy=False)

    return eng.memo("review-pairs", build)


def judged(eng: Engine, store: SqliteStore) -> set[tuple[str, str]]:
    """The (spelling key, firm) pairs already judged, read again when the log changed."""
    path = log_path(eng.graph)
    seen = path.stat() if path.exists() else None
    key = ("review-judged", seen and (seen.st_mtime_ns, seen.st_size))
    return eng.memo(key, lambda: {j.key for j in read_log(path).judgements})


async def pending(request: Request, fuzzy: bool) -> list[ReviewPair]:
    """The pairs ``resolve --review`` would write now, less those already judged.

    With ``fuzzy`` the close-name proposals (RapidFuzz, about a minute on the public
    data) are worked out once per revision on a thread of their own, so other users'
    questions are not held up; one computation at a time.
    """
    eng = engine_of(request)
    if fuzzy:
        revision, log, index = await eng.read(basis)
        state = request.app.state
        if getattr(state, "fuzzy_lock", None) is None:
            state.fuzzy_lock = asyncio.Lock()  # one per app (and event loop)
        async with state.fuzzy_lock:
            done: tuple[int, list[ReviewPair]] | None = getattr(state, "fuzzy_review", None)
            if done is None or done[0] != revision:
                found = await asyncio.to_thread(review_pairs, log, index, True)
                done = state.fuzzy_review = (revision, found)
        pairs = done[1]
    else:
        pairs = await eng.read(sure_pairs)
    marks = await eng.read(judged)
    return [p for p in pairs if (spelling_key(p.mention), p.firm) not in marks]


def firm_name(eng: Engine, store: SqliteStore, firm: str) -> str:
    """The name of the company ``firm``.

    Raises
    ------
    HTTPException
        422 when ``firm`` is not a company of the graph.
    """
    node = store.get_node(firm)
    if not isinstance(node, Company):
        raise HTTPException(422, f"图谱中没有 id 为 {firm} 的企业")
    return node.name


def record_judgement(graph: Path, judgement: Judgement) -> bool:
    """Store ``judgement`` in ``graph``'s resolution log as ``resolve --apply`` does.

    Returns
    -------
    bool
        Whether it added or changed a mark (False: the same mark was there).

    Raises
    ------
    BackendError
        When the database's write lock is not had in time, or the log is unreadable.
    """
    store = open_store(graph)
    try:
        store.begin()  # the lock a load holds while it reads and rewrites the log
        path = log_path(graph)
        log = read_log(path)
        before = {j.key: j.same for j in log.judgements}
        log.judgements = merge_judgements(log.judgements, [judgement])
        write_log(path, CompanyIndex(), log.judgements, previous=log)
        return before.get(judgement.key) != judgement.same
    finally:
        store.close()  # nothing was written to the graph: the lock is let go


@router.get("/review", response_class=HTMLResponse)
async def review_page(
    request: Request,
    user: OfficerDep,
    fuzzy: bool = False,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """The pairs waiting for a 是/否, ``PAGE_ROWS`` at a time."""
    pairs = await pending(request, fuzzy)
    return page(
        request,
        "review.html",
        pairs=pairs[offset : offset + PAGE_ROWS],
        total=len(pairs),
        offset=offset,
        rows=PAGE_ROWS,
        fuzzy=fuzzy,
    )


@router.get("/api/review")
async def review_json(request: Request, user: OfficerDep, fuzzy: bool = False) -> JSONResponse:
    """Every pair waiting for a 是/否 (the rows of ``resolve --review``'s workbook)."""
    pairs = await pending(request, fuzzy)
    return JSONResponse([vars(p) for p in pairs])


@router.post("/review", response_class=HTMLResponse)
async def judge(
    request: Request,
    user: Annotated[User, Depends(require_csrf)],
    officer: OfficerDep,
    mention: Annotated[str, Form(min_length=1, max_length=500)],
    firm: Annotated[str, Form(min_length=1, max_length=200)],
    same: Annotated[str, Form(max_length=1)],
    evidence: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Store one 是/否 (an htmx post answers with the row; a plain post goes back)."""
    if same not in (YES, NO):
        raise HTTPException(422, f"判断应为 {YES} 或 {NO}")
    eng = engine_of(request)
    name = await eng.read(firm_name, firm)
    judgement = Judgement(mention, firm, same == YES, f"网页：{user.name}", evidence)
    changed = await eng.write(record_judgement, eng.graph, judgement)
    detail = f"“{mention}” 与 {name}（{firm}）：{same}" + ("" if changed else "（未变）")
    users_of(request).audit(user.name, "对齐判断", detail)
    if request.headers.get("hx-request") != "true":
        return RedirectResponse("/review", status_code=303)
    return page(request, "review_row.html", mention=mention, firm=firm, name=name, same=same)
