"""Which sheets of which files to load, and as what kind: read from names and headers.

:func:`plan` reads a file's sheets only up to their headers (the rows stream later,
in :mod:`loaders.office.table_loader`); a sheet whose headers fit no kind is an error issue that
lists the headers seen and the ones each kind recognises.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from loaders.office.ledger_mapping import LEDGER_KIND_WORDS
from loaders.office.limits import Limits
from loaders.office.mapping import BUILTIN, KINDS, Mapping, find_table
from loaders.office.readers import read_workbook
from loaders.report import Issue, LoadReport

#: Words in a sheet or file name → kind (checked in this order).
KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    *LEDGER_KIND_WORDS,
    ("relation", ("关系", "股东", "任职", "供应", "投资", "会员", "relation")),
    ("cluster", ("集群", "主导产业", "cluster")),
    ("intermediary", ("中介", "商会", "协会", "机构名录", "intermediar")),
    ("fund", ("基金", "投资机构", "fund")),
    ("person", ("人员", "人物", "大使", "顾问", "people", "person")),
    ("company", ("企业", "公司", "名录", "清单", "500强", "compan")),
)
#: Load order of kinds within a folder: nodes before the relations that name them, units
#: before the projects, outings and channels that name them, agencies (channels) before
#: their mandates, projects before their 备案.
ORDER = (
    "company",
    "intermediary",
    "fund",
    "person",
    "unit",
    "channel",
    "mandate",
    "project",
    "outing",
    "introduction",
    "fair",
    "relation",
    "cluster",
)
#: File extensions :func:`load_dir` reads (content still decides the format).
EXTENSIONS = frozenset({".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".htm", ".html"})
EXTENSIONS_JSON = frozenset({".json", ".jsonl", ".ndjson"})
INSTRUCTIONS = ("填写说明", "说明", "instructions")


def guess_kind(names: list[str], columns: list[str], mapping: Mapping) -> str | None:
    """The kind of a table: from its sheet or file name, else from its headers.

    Examples
    --------
    >>> guess_kind(["本地企业名录.xlsx"], ["企业名称"], Mapping.load())
    'company'
    >>> guess_kind(["data.csv"], ["主体", "对象", "关系类型"], Mapping.load())
    'relation'
    """
    for name in names:
        for kind, words in KIND_WORDS:
            if any(w in name.lower() for w in words) and mapping.score(kind, columns):
                return kind
    scores = {k: mapping.score(k, columns) for k in KINDS}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] else None


@dataclass(frozen=True)
class Work:
    """One sheet to load: its kind's place in :data:`ORDER`, file, sheet position."""

    order: int
    path: Path
    position: int
    kind: str
    sheet: str


def _expected() -> str:
    """Headers each kind recognises (the first few of each field's synonyms)."""
    parts = []
    for kind, fields in BUILTIN.items():
        heads = "、".join(headers[0] for headers in list(fields.values())[:5])
        parts.append(f"{kind}：{heads}…")
    return "；".join(parts)


def plan(
    path: Path, kind: str | None, mapping: Mapping, report: LoadReport, limits: Limits
) -> list[Work]:
    """Read the headers of a file's sheets; return the sheets to load, by kind.

    Describes the file in ``report.read_as``; a sheet whose headers fit no kind is an
    error issue listing the headers seen and the ones recognised.
    """
    found: list[Work] = []
    parts = []
    with read_workbook(path, limits) as book:
        for position, sheet in enumerate(book.sheets):
            if sheet.name.strip() in INSTRUCTIONS:
                continue
            table = find_table(sheet)
            if table is None:
                continue
            sheet_kind = kind or guess_kind([sheet.name, path.name], table.columns, mapping)
            if sheet_kind is None:
                seen = "、".join(h for h in table.columns if h) or "（无）"
                message = (
                    f"没有识别出任何列，无法判断表的类型；看到的表头：{seen}；"
                    f"可识别的表头如 {_expected()}；"
                    "请用 --kind 指定类型，或用 --mapping 提供表头映射"
                )
                report.add(
                    Issue(
                        path.name, table.header_row, "", "unknown_table", message, sheet=sheet.name
                    )
                )
                continue
            found.append(Work(ORDER.index(sheet_kind), path, position, sheet_kind, sheet.name))
            parts.append(
                f"{sheet.name or '表格'}→{sheet_kind}"
                + ("" if table.header_rows == 1 else f"（表头 {table.header_rows} 行）")
            )
        named = path.suffix.lower().lstrip(".")
        fmt = book.format + (f"（扩展名为 .{named}）" if named and named != book.format else "")
        report.read_as[path.name] = ", ".join(
            [fmt, *([book.encoding] if book.encoding else []), *parts]
        )
    return found
