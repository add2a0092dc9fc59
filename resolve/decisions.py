"""The resolution log: merge decisions of a load, source conflicts, reviewers' judgements.

Each graph file has a log beside it (``out/public.db`` → ``out/public.resolution.jsonl``),
one JSON object per line, sorted, rewritten atomically after every load:

``{"decision": …}``
    how a mention (``dataset``, ``mention`` as written) was resolved: ``verdict`` (same,
    ambiguous, new, branch), ``id``, ``rule`` (reviewer, uscc, lei, stock_code,
    full_name, alias, none), ``evidence``, ``candidates``, ``parent`` and up to three
    ``sources``;
``{"conflict": …}``
    a contradiction in a source, reported and not merged;
``{"judgement": …}``
    a reviewer's verdict on ``mention`` ↔ ``firm`` (``same`` true = 是, false = 否),
    ``by`` (the review file) and the pair's evidence. Judgements are inputs: every load
    reads them back first, so a 否 undoes a merge and a 是 makes one on the next load
    into a fresh graph, and re-running resolution gives the same log.

``zhaoshang resolve --review FILE.xlsx`` writes the pairs worth a person's look (ambiguous
mentions with each candidate, short-name links, close names found by RapidFuzz for
mentions that linked to nothing); ``--apply FILE.xlsx`` reads the 是/否 column back.
"""

from __future__ import annotations

import sqlite3
import zipfile
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from graph.cells import append_row
from graph.errors import BackendError
from graph.files import write_atomically
from resolve.index import CompanyIndex, Verdict, spelling_key

SUFFIX = ".resolution.jsonl"
REVIEW_SHEET = "待判断"
#: How the summary and the review sheet name a verdict, and the rule of a "same" verdict
#: (the log keeps the codes).
VERDICT_NAMES = {"same": "已对齐", "ambiguous": "多个候选", "new": "新建", "branch": "分支机构"}
RULE_NAMES = {
    "reviewer": "人工判断",
    "uscc": "统一社会信用代码",
    "lei": "LEI",
    "stock_code": "股票代码",
    "full_name": "全称",
    "alias": "简称",
}
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
YES, NO = "是", "否"


def log_path(graph: Path) -> Path:
    """Return the resolution log of a graph file.

    Examples
    --------
    >>> log_path(Path("out/public.db")).as_posix()
    'out/public.resolution.jsonl'
    """
    return graph.with_name(graph.stem + SUFFIX)


@dataclass(frozen=True)
class Judgement:
    """A reviewer's verdict: ``mention`` is (是, ``same``) or is not the firm ``firm``."""

    mention: str
    firm: str
    same: bool
    by: str
    evidence: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """Pairs with the same spelling and firm are one judgement (latest wins)."""
        return spelling_key(self.mention), self.firm


class LogDecisions:
    """The decision records of a resolution log, read from the file each time iterated.

    A log of 10^6 mentions is not held in memory: every pass over it streams the file
    (one JSON object per line; records other than decisions skipped). :func:`read_log`
    has checked every line once, so iterating raises nothing it would not have raised.
    Iterating after the file was rewritten gives the new file's decisions.
    """

    def __init__(self, path: Path | None, count: int = 0) -> None:
        self.path = path
        self.count = count

    def __iter__(self) -> Iterator[dict[str, Any]]:
        if self.path is None or not self.count:
            return
        with self.path.open("rb") as fh:
            for line in fh:
                if line.startswith(b'{"decision"'):
                    yield orjson.loads(line)["decision"]

    def __len__(self) -> int:
        return self.count


@dataclass
class ResolutionLog:
    """The parsed log: decisions streamed from the file, conflicts and judgements held."""

    decisions: LogDecisions
    conflicts: list[dict[str, Any]]
    judgements: list[Judgement]


def read_log(path: Path) -> ResolutionLog:
    """Read a resolution log; a missing file is an empty log.

    Every line is parsed and checked here; conflicts and judgements are kept, decisions
    only counted (:class:`LogDecisions` streams them again when asked).

    Raises
    ------
    BackendError
        When a line is not a log record (naming the file and line).
    """
    log = ResolutionLog(LogDecisions(None), [], [])
    if not path.exists():
        return log
    decisions = 0
    with path.open("rb") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = orjson.loads(line)
                if "decision" in rec:
                    if not line.startswith(b'{"decision"'):
                        raise KeyError("decision")  # written by hand: not this log's form
                    decisions += 1
                elif "conflict" in rec:
                    log.conflicts.append(rec["conflict"])
                else:
                    j = rec["judgement"]
                    log.judgements.append(
                        Judgement(j["mention"], j["firm"], bool(j["same"]), j["by"], j["evidence"])
                    )
            except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
                raise BackendError(f"{path} 第 {number} 行：不是实体对齐记录（{exc}）") from exc
    log.decisions = LogDecisions(path, decisions)
    return log


def apply_judgements(index: CompanyIndex, judgements: list[Judgement]) -> None:
    """Hand the reviewers' verdicts to ``index`` (later ones win for the same pair)."""
    for j in judgements:
        index.judge(j.mention, j.firm, j.same)


def merge_judgements(old: list[Judgement], new: list[Judgement]) -> list[Judgement]:
    """Return ``old`` updated by ``new`` (same mention key and firm: the newer wins), sorted."""
    kept = {j.key: j for j in old}
    kept.update({j.key: j for j in new})
    return sorted(kept.values(), key=lambda j: (j.key, j.by))


def write_log(
    path: Path,
    index: CompanyIndex,
    judgements: list[Judgement],
    previous: ResolutionLog | None = None,
    people: Collection[str] = frozenset(),
) -> None:
    """Write the decisions and conflicts of ``index`` with ``judgements``, atomically.

    Parameters
    ----------
    path : Path
        The log file (see :func:`log_path`); replaced, never half-written.
    index : CompanyIndex
        After a load: its ``decisions`` and ``conflicts``.
    judgements : list of Judgement
        Kept as given (read them with :func:`read_log` first to keep old ones).
    previous : ResolutionLog, optional
        The log before this load: its decisions on mentions this load did not meet (an
        earlier load of other files) and its conflicts are kept.
    people : collection of str
        Names of the graph's people: a decision on such a mention that linked to no
        firm is left out (a person is no firm mention; personal data stays out of the
        log, :mod:`graph.privacy`).
    """
    previous_records = previous.decisions if previous else ()
    sorted_records = _SortedRecords()
    try:
        for rec in previous_records:
            sorted_records.put(rec)
        for _, rec in index.decisions.records():
            sorted_records.put(rec)
        conflicts = [
            {"kind": c.kind, "name": c.name, "ids": list(c.ids), "detail": c.detail}
            for c in index.conflicts
        ]
        blobs = {
            orjson.dumps({"conflict": c}, option=orjson.OPT_SORT_KEYS)
            for c in [*(previous.conflicts if previous else []), *conflicts]
        }

        def write(tmp: str) -> None:
            with open(tmp, "wb") as fh:
                for rec in sorted_records.in_order():
                    if rec["mention"] in people and rec["verdict"] != "same":
                        continue
                    fh.write(orjson.dumps({"decision": rec}) + b"\n")
                for blob in sorted(blobs):
                    fh.write(blob + b"\n")
                for j in judgements:
                    rec = {"mention": j.mention, "firm": j.firm, "same": j.same, "by": j.by}
                    fh.write(orjson.dumps({"judgement": {**rec, "evidence": j.evidence}}) + b"\n")

        write_atomically(path, write)
    finally:
        sorted_records.close()


class _SortedRecords:
    """Decision records keyed by ``(dataset, mention)`` (a later put replaces), sorted.

    Held in a private temporary SQLite database (on disk, deleted on close), so writing
    a log of 10^6 mentions needs no more memory than one of 10^3. SQLite's BINARY
    collation orders UTF-8 text by code point, as Python's ``sorted`` does.
    """

    def __init__(self) -> None:
        self._db = sqlite3.connect("")
        self._db.execute("PRAGMA cache_size = -16384")  # 16 MiB
        self._db.execute(
            "CREATE TABLE r (dataset TEXT NOT NULL, mention TEXT NOT NULL, blob BLOB NOT NULL,"
            " PRIMARY KEY (dataset, mention)) WITHOUT ROWID"
        )
        self._batch: list[tuple[str, str, bytes]] = []

    def put(self, rec: dict[str, Any]) -> None:
        self._batch.append((rec["dataset"], rec["mention"], orjson.dumps(rec)))
        if len(self._batch) >= 10_000:
            self._flush()

    def _flush(self) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO r VALUES (?, ?, ?)", self._batch)
        self._batch = []

    def in_order(self) -> Iterator[dict[str, Any]]:
        self._flush()
        for (blob,) in self._db.execute("SELECT blob FROM r ORDER BY dataset, mention"):
            yield orjson.loads(blob)

    def close(self) -> None:
        self._db.close()


def summary(log: ResolutionLog) -> dict[str, Counter[str]]:
    """Counts for ``zhaoshang resolve``: per dataset ``verdict/rule``, conflicts by kind.

    Returns
    -------
    dict of str to Counter
        ``{dataset: Counter({"已对齐（全称）": n, …}), "conflicts": Counter(kind=n),
        "judgements": Counter(是=n, 否=n)}``.
    """
    out: dict[str, Counter[str]] = {}
    for d in log.decisions:
        verdict = VERDICT_NAMES.get(d["verdict"], d["verdict"])
        rule = RULE_NAMES.get(d["rule"], d["rule"])
        label = verdict if d["verdict"] != "same" else f"{verdict}（{rule}）"
        out.setdefault(d["dataset"], Counter())[label] += 1
    out["conflicts"] = Counter(c["kind"] for c in log.conflicts)
    out["judgements"] = Counter(YES if j.same else NO for j in log.judgements)
    return out


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
