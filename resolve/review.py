"""The review of uncertain resolutions: the pairs worth a person's look, the workbook.

``zhaoshang resolve --review FILE.xlsx`` writes the pairs (ambiguous mentions with each
candidate, short-name links, close names found by RapidFuzz for mentions that linked to
nothing); ``--apply FILE.xlsx`` reads the 是/否 column back as
:class:`~resolve.decisions.Judgement` records of the resolution log. The web
workspace's review page lists the same pairs.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from graph.cells import append_row
from graph.errors import BackendError
from graph.files import write_atomically
from resolve.decisions import NO, VERDICT_NAMES, YES, Judgement, ResolutionLog
from resolve.index import CompanyIndex, Verdict, spelling_key

REVIEW_SHEET = "待判断"
REVIEW_COLUMNS = (
    "编号",
    "数据集",
    "名称（原文）",
    "首次出现",
    "候选企业",
    "候选ID",
    "当前结果",
    "依据",
    "判断（是/否）",
    "备注",
)


@dataclass(frozen=True)
class ReviewPair:
    """One row of the review workbook."""

    dataset: str
    mention: str
    where: str
    firm: str
    firm_name: str
    current: str
    evidence: str


def review_pairs(
    log: ResolutionLog, index: CompanyIndex, fuzzy: bool = True, limit: int | None = None
) -> list[ReviewPair]:
    """Candidate pairs a person should judge, most useful first.

    Parameters
    ----------
    log : ResolutionLog
    index : CompanyIndex
        Built from the graph (firm names and fuzzy candidates).
    fuzzy : bool
        Also propose, for Chinese mentions that linked to nothing, up to three firms
        whose names are close (RapidFuzz WRatio ≥ 85; about 1 min for the public data).
    limit : int, optional
        At most this many pairs.

    Returns
    -------
    list of ReviewPair
        In three groups, each in (dataset, mention, firm) order: ambiguous mentions ×
        each candidate; links made on a short name (weaker than a code or legal name);
        then fuzzy proposals, highest score first. Pairs a reviewer already judged are
        left out.
    """
    judged = {j.key for j in log.judgements}
    groups: list[list[tuple[float, ReviewPair]]] = [[], [], []]
    for d in log.decisions:
        where = _where(d)
        found: list[tuple[int, float, str, str]] = []  # group, score, firm, why
        if d["verdict"] == Verdict.AMBIGUOUS:
            found = [(0, 0.0, c, "多个候选：" + d["evidence"]) for c in d["candidates"]]
        elif d["verdict"] == Verdict.SAME and d["rule"] == "alias":
            found = [(1, 0.0, d["id"], "简称匹配：" + d["evidence"])]
        elif d["verdict"] == Verdict.NEW and fuzzy and not d["mention"].isascii():
            found = [
                (2, -score, firm, f"名称相近：RapidFuzz {score:.0f}")
                for firm, score in index.fuzzy_candidates(d["mention"], limit=3, cutoff=85)
            ]
        key = spelling_key(d["mention"])
        for group, order, firm, why in found:
            if (key, firm) in judged:
                continue
            name = index.names.get(firm, firm)
            current = VERDICT_NAMES.get(d["verdict"], d["verdict"])
            pair = ReviewPair(d["dataset"], d["mention"], where, firm, name, current, why)
            groups[group].append((order, pair))
    out = [
        pair
        for group in groups
        for _, pair in sorted(group, key=lambda g: (g[0], g[1].dataset, g[1].mention, g[1].firm))
    ]
    return out[:limit] if limit is not None else out


def _where(decision: dict[str, Any]) -> str:
    sources = decision.get("sources") or []
    if not sources:
        return ""
    s = sources[0]
    return f"{s['dataset']}/{s['file']}:{s['row']}"


def write_review(path: Path, pairs: list[ReviewPair]) -> None:
    """Write the review workbook (sheet 待判断, a 是/否 drop-down, frozen header).

    Raises
    ------
    BackendError
        When the file cannot be written (folder missing and not creatable, no access).
    """
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = REVIEW_SHEET
    append_row(ws, REVIEW_COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for number, p in enumerate(pairs, 1):
        append_row(
            ws, [number, p.dataset, p.mention, p.where, p.firm_name, p.firm, p.current, p.evidence]
        )
    choice = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
    choice.error = f"请填写 {YES} 或 {NO}"
    ws.add_data_validation(choice)
    if pairs:
        choice.add(f"I2:I{len(pairs) + 1}")
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEFGHIJ", (6, 10, 30, 28, 30, 22, 10, 40, 12, 20), strict=True):
        ws.column_dimensions[col].width = width
    write_atomically(path, wb.save)


@dataclass(frozen=True)
class ReviewError:
    """A row of a review workbook that could not be read (file, row, column, why)."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file} 第 {self.row} 行［{self.column}］：{self.message}"


def read_review(path: Path) -> tuple[list[Judgement], list[ReviewError]]:
    """Read the 是/否 judgements of a review workbook; blank rows are skipped.

    Returns
    -------
    (list of Judgement, list of ReviewError)
        Judgements in row order (``by`` = the file name); rows with another value in
        the judgement column, or without mention or firm id, as errors.

    Raises
    ------
    BackendError
        When the file is not a review workbook (no 待判断 sheet or other columns).
    """
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException) as exc:
        text = f"{path}：不是复核工作簿（应为 --review 写出的 .xlsx）：{exc}"
        raise BackendError(text) from exc
    if REVIEW_SHEET not in wb.sheetnames:
        raise BackendError(f"{path}：没有工作表 {REVIEW_SHEET}；请先用 --review 写出")
    rows = wb[REVIEW_SHEET].iter_rows(values_only=True)
    header = tuple(str(v or "").strip() for v in next(rows, ()))
    if header[: len(REVIEW_COLUMNS)] != REVIEW_COLUMNS:
        raise BackendError(f"{path}：工作表 {REVIEW_SHEET} 的列不是复核工作簿的列")
    col = {name: i for i, name in enumerate(REVIEW_COLUMNS)}
    out: list[Judgement] = []
    errors: list[ReviewError] = []
    for number, values in enumerate(rows, 2):
        cells = [str(v).strip() if v is not None else "" for v in values]
        cells += [""] * (len(REVIEW_COLUMNS) - len(cells))
        verdict = cells[col["判断（是/否）"]]
        if not verdict:
            continue
        if verdict not in (YES, NO):
            text = f"“{verdict}”既不是 {YES} 也不是 {NO}"
            errors.append(ReviewError(path.name, number, "判断（是/否）", text))
            continue
        mention, firm = cells[col["名称（原文）"]], cells[col["候选ID"]]
        if not mention or not firm:
            missing = "名称（原文）" if not mention else "候选ID"
            errors.append(ReviewError(path.name, number, missing, "为空"))
            continue
        evidence = cells[col["依据"]]
        out.append(Judgement(mention, firm, verdict == YES, path.name, evidence))
    wb.close()
    return out, errors
