"""The resolution review in the browser: 是/否 on uncertain firm matches.

The pairs are those ``zhaoshang resolve --review`` writes to its workbook
(:func:`resolve.decisions.review_pairs`: ambiguous mentions with each candidate, links
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
    ReviewPair,
    log_path,
    merge_judgements,
    read_log,
    review_pairs,
    write_log,
)
from resolve.index import CompanyIndex, spelling_key
from web.engine import Engine
from web.pages import engine_of
from web.render import page
from web.security import require_csrf, require_officer, users_of
from web.users import User

router = APIRouter()
OfficerDep = Annotated[User, Depends(require_officer)]
#: Rows shown per page.
PAGE_ROWS = 100


def pending(eng: Engine, store: SqliteStore, fuzzy: bool) -> list[ReviewPair]:
    """The pairs ``resolve --review`` would write now: not judged yet, most useful first.

    The candidate pairs are worked out once per store revision (the decisions change
    only with a load); the judgements are read again whenever the log file changed.
    """
    path = log_path(eng.graph)

    def build() -> list[ReviewPair]:
        log = read_log(path)
        unjudged = ResolutionLog(log.decisions, log.conflicts, [])
        return review_pairs(unjudged, CompanyIndex.from_store(store), fuzzy=fuzzy)

    def marks() -> set[tuple[str, str]]:
        return {j.key for j in read_log(path).judgements}

    pairs = eng.memo(("review", fuzzy), build)
    seen = path.stat() if path.exists() else None
    judged = eng.memo(("judged", seen and (seen.st_mtime_ns, seen.st_size)), marks)
    return [p for p in pairs if (spelling_key(p.mention), p.firm) not in judged]


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
    pairs = await engine_of(request).read(pending, fuzzy)
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
    pairs = await engine_of(request).read(pending, fuzzy)
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
