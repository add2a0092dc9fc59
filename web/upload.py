"""Uploading an office table (CSV in any encoding, XLSX, XLS …) and the audit log page.

An upload is loaded exactly as ``zhaoshang load table FILE --kind KIND`` would load it
(:func:`loaders.office.table_loader.load_table` inside :func:`cli.common.loading`: one
transaction, the write lock taken, the resolution log kept), on the engine's writer
thread; the load report is shown row by row. A file of which nothing could be used
changes nothing. Officers and admins may upload; every upload is audited.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from cli.common import loading
from graph.errors import ZhaoshangError
from loaders.office.limits import Limits
from loaders.office.mapping import KINDS, Mapping
from loaders.office.table_loader import load_table
from loaders.report import LoadReport
from web.pages import engine_of
from web.render import page
from web.security import require_admin, require_csrf, require_officer, users_of
from web.users import User

router = APIRouter()
KIND_ZH = {
    "": "自动识别",
    "company": "企业名录",
    "person": "人员",
    "intermediary": "中介机构",
    "fund": "投资机构",
    "relation": "关系",
    "cluster": "产业集群",
    "unit": "招商单位与目标",
    "project": "招商项目",
    "outing": "外出招商",
    "introduction": "引荐备案",
    "channel": "招商渠道（大使、顾问、代理机构、驻外办事处）",
    "mandate": "委托招商",
    "fair": "展会客商",
}
#: The load report's issue codes as an officer reads them (the loader's own message,
#: as written, follows in the report).
ISSUE_ZH = {
    "ambiguous_name": "名称对应多家企业，未关联",
    "bad_amount": "金额无法识别",
    "bad_channel_type": "渠道类型有误",
    "bad_period": "委托期有误",
    "bad_target": "目标项目数有误",
    "bad_confidence": "可信度无法识别",
    "bad_date": "日期无法识别，已留空",
    "bad_endpoint": "关系的一端无法识别",
    "bad_json": "JSON 内容有误",
    "bad_key": "编号有误",
    "bad_kind": "类型有误",
    "bad_private": "私密标记无法识别",
    "bad_record": "该行无法组成记录",
    "bad_reference": "引用有误",
    "bad_region_code": "行政区划代码有误",
    "bad_share": "占比无法识别",
    "bad_share_pct": "持股比例无法识别",
    "bad_stock_code": "股票代码有误",
    "bad_type": "类型有误",
    "cell_too_long": "单元格过长，已留空",
    "duplicate_code": "代码重复",
    "duplicate_key": "编号重复",
    "extra_cells": "该行的单元格比表头多",
    "firm_not_in_graph": "企业不在图谱中，按名称记入",
    "invalid_lei": "LEI 校验不通过",
    "invalid_uscc": "统一社会信用代码校验不通过",
    "invalid_value": "取值有误",
    "limit_exceeded": "超过读取上限",
    "missing_code": "缺少代码",
    "missing_column": "缺少必需的列",
    "missing_key": "缺少编号",
    "missing_name": "缺少名称",
    "namesake": "同名人员不在该单位，新建了人员",
    "new_company": "新建了企业",
    "new_person": "新建了人员",
    "overlapping_mandate": "同一机构的委托期重叠",
    "precision_lost": "数值精度有损失",
    "skipped_endpoint": "关系的一端未载入",
    "unknown_column": "不认识的列，已忽略",
    "unknown_agency": "代理机构不在招商渠道表中",
    "unknown_employer": "工作单位不在图谱中",
    "unknown_industry": "行业不在图谱中",
    "unknown_key": "编号不在图谱中",
    "unknown_parent": "分支机构的上级单位不在图谱中",
    "unknown_reference": "引用的记录不在图谱中",
    "unknown_region": "地区无法识别，未记",
    "unknown_stock_code": "股票代码不在图谱中",
    "unknown_table": "无法判断表格类型",
    "unknown_unit": "单位不在单位表中",
    "unreadable_file": "文件无法读取",
}
#: Largest upload accepted, MiB (env ZHAOSHANG_MAX_UPLOAD_MB).
DEFAULT_MAX_UPLOAD_MB = 200


def read_as_zh(text: str) -> str:
    """A report's 读取方式 with the table kinds in Chinese.

    Examples
    --------
    >>> read_as_zh("csv, gb18030, 表格→company")
    'csv, gb18030, 表格→企业名录'
    """
    return re.sub(r"→([a-z]+)", lambda m: "→" + KIND_ZH.get(m[1], m[1]), text)


class NothingLoaded(Exception):
    """Raised inside the load transaction to roll it back; carries the report."""

    def __init__(self, report: LoadReport) -> None:
        self.report = report


def safe_filename(name: str | None) -> str:
    """The uploaded file's own name without folders or control characters.

    Examples
    --------
    >>> safe_filename("../../etc/目标企业.csv"), safe_filename(None)
    ('目标企业.csv', 'upload')
    """
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip(" .")
    return base[:120] or "upload"


def load_upload(graph: Path, path: Path, kind: str | None, dataset: str) -> tuple[LoadReport, bool]:
    """Load one uploaded table into ``graph`` as ``load table`` does.

    Returns
    -------
    (LoadReport, bool)
        The report, and whether the load was committed (False: nothing usable, the
        graph unchanged).

    Raises
    ------
    ZhaoshangError
        When the file cannot be read at all (format, encoding, a size limit).
    """
    try:
        with loading(graph) as (store, index):
            report = load_table(
                path, store, index, kind, Mapping.load(None), dataset, Limits.load([])
            )
            errors = any(i.severity == "error" for i in report.issues)
            if report.nodes_written + report.relations_written == 0 and errors:
                raise NothingLoaded(report)
    except NothingLoaded as stop:
        return stop.report, False
    return report, True


@router.get("/upload", response_class=HTMLResponse)
def upload_form(request: Request, user: Annotated[User, Depends(require_officer)]) -> Response:
    """The upload form."""
    return page(request, "upload.html", kinds=KIND_ZH)


@router.post("/upload", response_class=HTMLResponse)
async def upload(
    request: Request,
    user: Annotated[User, Depends(require_csrf)],
    officer: Annotated[User, Depends(require_officer)],
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form()] = "",
    dataset: Annotated[str, Form(max_length=40)] = "上传",
) -> Response:
    """Load the uploaded table and show its report row by row."""
    if kind and kind not in KINDS:
        raise HTTPException(422, f"没有这种表格类型：{kind}")
    limit = int(os.environ.get("ZHAOSHANG_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) << 20
    name = safe_filename(file.filename)
    eng = engine_of(request)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        size = 0
        with path.open("wb") as out:
            while chunk := await file.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise HTTPException(413, f"文件超过 {limit >> 20} MB 上限")
                out.write(chunk)
        try:
            report, committed = await eng.write(
                load_upload, eng.graph, path, kind or None, dataset.strip() or "上传"
            )
        except ZhaoshangError as exc:
            users_of(request).audit(user.name, "上传失败", f"{name}：{exc}")
            return page(request, "report.html", 422, name=name, report=None, error=str(exc))
    detail = (
        f"{name}（{KIND_ZH.get(kind, kind)}）：读 {report.rows_read} 行，写入 "
        f"{report.nodes_written} 个节点、{report.relations_written} 条关系，"
        f"{len(report.issues)} 个问题" + ("" if committed else "，未载入")
    )
    users_of(request).audit(user.name, "上传", detail)
    return page(
        request,
        "report.html",
        name=name,
        report=report,
        committed=committed,
        error="",
        issue_zh=ISSUE_ZH,
        read_as_zh=read_as_zh,
    )


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, user: Annotated[User, Depends(require_admin)]) -> Response:
    """The audit log, newest first (admins only)."""
    return page(request, "audit.html", entries=users_of(request).audit_log())
