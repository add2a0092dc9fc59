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

The pairs worth a person's look and the review workbook are in :mod:`resolve.review`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from graph.errors import BackendError
from graph.files import write_atomically
from resolve.index import CompanyIndex, spelling_key
from resolve.spill import SpillDb

SUFFIX = ".resolution.jsonl"
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
        self._db = SpillDb()
        columns = "dataset TEXT NOT NULL, mention TEXT NOT NULL, blob BLOB NOT NULL"
        self._table = self._db.table(columns + ", PRIMARY KEY (dataset, mention)")
        self._batch: list[tuple[str, str, bytes]] = []

    def put(self, rec: dict[str, Any]) -> None:
        self._batch.append((rec["dataset"], rec["mention"], orjson.dumps(rec)))
        if len(self._batch) >= 10_000:
            self._flush()

    def _flush(self) -> None:
        self._db.write(f"INSERT OR REPLACE INTO {self._table} VALUES (?, ?, ?)", self._batch)
        self._batch = []

    def in_order(self) -> Iterator[dict[str, Any]]:
        self._flush()
        for (blob,) in self._db.rows(f"SELECT blob FROM {self._table} ORDER BY dataset, mention"):
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
