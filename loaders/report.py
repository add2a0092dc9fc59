"""Load reports: what a load read, wrote and could not use, row by row."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

#: The Chinese word for each severity, as reports print it (错误: the row was skipped).
LEVELS: dict[str, str] = {"error": "错误", "warning": "警告"}

#: Issues a report keeps one by one; past it they are only counted by code.
MAX_ISSUES = 10_000


@dataclass(frozen=True)
class Issue:
    """One row-level problem, named by file, row and field.

    Attributes
    ----------
    file : str
        Dataset-relative file name.
    row : int
        1-based data row or line (0: the file as a whole).
    field : str
        Column or JSON field concerned ("" when the whole row).
    code : str
        Machine-readable reason, e.g. ``"unknown_stock_code"``.
    message : str
        Human-readable explanation.
    severity : {"error", "warning"}
        ``error``: the row was skipped; ``warning``: the row loaded with a caveat.
    sheet : str
        Workbook sheet ("" for text files and single-table files).
    """

    file: str
    row: int
    field: str
    code: str
    message: str
    severity: Severity = "error"
    sheet: str = ""

    def __str__(self) -> str:
        file = f"{self.file}#{self.sheet}" if self.sheet else self.file
        where = f"{file} 第 {self.row} 行" + (f"［{self.field}］" if self.field else "")
        return f"{where}：{self.message}"


@dataclass
class LoadReport:
    """Summary of one load: rows read, records written, issues found.

    ``nodes_written`` and ``relations_written`` count records sent to the store (a
    record seen twice in the source is sent twice and merged by the store);
    ``written_by_kind`` splits them by node and relation kind. ``read_as`` tells, per
    file, how it was read (format, encoding, sheets and the kind of each).
    ``failed_files`` names the files of which nothing could load (office tables).
    """

    dataset: str
    rows_read: int = 0
    nodes_written: int = 0
    relations_written: int = 0
    issues: list[Issue] = field(default_factory=list)
    written_by_kind: dict[str, int] = field(default_factory=dict)
    read_as: dict[str, str] = field(default_factory=dict)
    failed_files: list[str] = field(default_factory=list)
    left_out: Counter[tuple[str, Severity]] = field(default_factory=Counter)

    def add(self, issue: Issue) -> None:
        """Record one issue; past :data:`MAX_ISSUES` only its code and severity are counted
        (in ``left_out``), so a file bad on every row keeps the report small."""
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(issue)
        else:
            self.left_out[(issue.code, issue.severity)] += 1

    @property
    def rows_skipped(self) -> int:
        """Rows that produced nothing because of an error-level issue."""
        kept = sum(1 for i in self.issues if i.severity == "error")
        return kept + sum(n for (_, level), n in self.left_out.items() if level == "error")

    def skipped_by_reason(self) -> dict[str, int]:
        """Return error-level issue counts by code, most frequent first."""
        counts = Counter(i.code for i in self.issues if i.severity == "error")
        for (code, level), n in self.left_out.items():
            if level == "error":
                counts[code] += n
        return dict(counts.most_common())

    def summary(self) -> str:
        """One line: dataset, rows read, nodes and relations written, rows skipped."""
        reasons = "，".join(f"{k} {v}" for k, v in self.skipped_by_reason().items())
        text = (
            f"{self.dataset}：读取 {self.rows_read} 行，写入节点 {self.nodes_written} 个、"
            f"关系 {self.relations_written} 条，跳过 {self.rows_skipped} 行"
        )
        text += f"（跳过原因：{reasons}）" if reasons else ""
        left = sum(self.left_out.values())
        return text + (f"；另有 {left:,} 条问题只计数、未逐条列出" if left else "")
