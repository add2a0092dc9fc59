"""Load the tables investment-promotion offices have: rosters, relation sheets, clusters.

One file (:func:`load_table`) or a folder of them (:func:`load_dir`), in any format of
:mod:`loaders.readers`, headers mapped to schema fields by :mod:`loaders.mapping`, rows
built by :mod:`loaders.table_rows`. The kind of each sheet is ``--kind`` when given,
else guessed from the sheet and file names (企业, 人员, 中介, 基金, 关系, 集群 …) and then
from the headers. Sheets named 填写说明 (the templates' instructions) are skipped.

Every problem is an issue of the :class:`~loaders.report.LoadReport` (file, sheet,
row, column, code, message); one bad row never stops the load. Provenance carries the
file's modification time as :attr:`graph.schema.Source.revision`: re-loading an
unchanged file changes nothing, and a row changed in a newer file updates its record
and keeps both sources.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from graph.errors import LoadError, UsageError
from graph.schema import NodeKind, Relation
from graph.store import Store
from loaders.index import CompanyIndex
from loaders.mapping import FREE, KINDS, Mapping, Table, find_table
from loaders.readers import read_workbook
from loaders.report import Issue, LoadReport
from loaders.sheets import RowError
from loaders.table_links import cluster_row, relation_row
from loaders.table_rows import Cells, RowBuilder

#: Words in a sheet or file name → kind (checked in this order).
KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("relation", ("关系", "股东", "任职", "供应", "投资", "会员", "relation")),
    ("cluster", ("集群", "主导产业", "cluster")),
    ("intermediary", ("中介", "商会", "协会", "机构名录", "intermediar")),
    ("fund", ("基金", "投资机构", "fund")),
    ("person", ("人员", "人物", "大使", "顾问", "people", "person")),
    ("company", ("企业", "公司", "名录", "清单", "500强", "compan")),
)
#: Load order of kinds within a folder: nodes before the relations that name them.
ORDER = ("company", "intermediary", "fund", "person", "relation", "cluster")
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


def _revision(path: Path) -> str:
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    return mtime.isoformat(timespec="microseconds")


def _cells(table: Table, kind: str, mapping: Mapping, values: list[object]) -> Cells:
    cells: Cells = {}
    for header, value in zip(table.columns, values, strict=False):
        field = mapping.field(kind, header)
        if field and field != "ignore" and (field not in cells or cells[field][0] in (None, "")):
            cells[field] = (value, header)  # type: ignore[assignment]  # first filled column
    return cells


def _load_sheet(
    run: RowBuilder, table: Table, kind: str, mapping: Mapping, report: LoadReport
) -> int:
    header_row = table.rows[0][0] - 1 if table.rows else table.header_rows
    for header in table.columns:
        if header and not mapping.field(kind, header) and header not in FREE:
            issue = Issue(run.file, header_row, header, "unknown_column", "column ignored")
            report.add(Issue(**{**issue.__dict__, "severity": "warning", "sheet": run.sheet}))
    fields = {mapping.field(kind, h) for h in table.columns}
    from loaders.mapping import REQUIRED

    missing = [f for f in REQUIRED[kind] if f not in fields]
    if missing:
        message = f"no column for {', '.join(missing)} of a {kind} table; sheet skipped"
        report.add(Issue(run.file, header_row, "", "missing_column", message, sheet=run.sheet))
        return 0
    handle: Callable[[Cells, int], None] = {
        "company": run.company,
        "relation": lambda c, r: relation_row(run, c, r),
        "cluster": lambda c, r: cluster_row(run, c, r),
        "person": lambda c, r: run.actor(c, r, NodeKind.PERSON),
        "intermediary": lambda c, r: run.actor(c, r, NodeKind.INTERMEDIARY),
        "fund": lambda c, r: run.actor(c, r, NodeKind.FUND),
    }[kind]
    count = 0
    for number, values in table.rows:
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        report.rows_read += 1
        count += 1
        cells = _cells(table, kind, mapping, list(values))
        mark = (len(run.nodes), len(run.relations), len(report.issues))
        try:
            handle(cells, number)
        except (RowError, ValidationError) as exc:
            if len(run.nodes) > mark[0]:  # a bad row writes nothing
                del run.nodes[mark[0] :]
                run.queued = {n.id for n in run.nodes}
            del run.relations[mark[1] :]
            if isinstance(exc, ValidationError):  # a value the schema refuses
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                exc = RowError(where, "invalid_value", f"{where}: {first['msg']}")
            report.add(Issue(run.file, number, exc.column, exc.code, exc.message, sheet=run.sheet))
    return count


def _sheets(
    path: Path, kind: str | None, mapping: Mapping, report: LoadReport
) -> list[tuple[str, Table]]:
    """Read a file and return its (kind, table) pairs; describe it in ``report.read_as``."""
    book = read_workbook(path)
    found: list[tuple[str, Table]] = []
    parts = []
    for sheet in book.sheets:
        if sheet.name.strip() in INSTRUCTIONS:
            continue
        table = find_table(sheet)
        if table is None:
            continue
        sheet_kind = kind or guess_kind([sheet.name, path.name], table.columns, mapping)
        if sheet_kind is None:
            message = "no kind fits these headers; give --kind or a mapping file"
            report.add(Issue(path.name, 1, "", "unknown_table", message, sheet=sheet.name))
            continue
        found.append((sheet_kind, table))
        parts.append(
            f"{sheet.name or 'table'}→{sheet_kind}"
            + ("" if table.header_rows == 1 else f" ({table.header_rows}-row header)")
        )
    named = path.suffix.lower().lstrip(".")
    fmt = book.format + (f" (named .{named})" if named and named != book.format else "")
    report.read_as[path.name] = ", ".join(
        [fmt, *([book.encoding] if book.encoding else []), *parts]
    )
    return found


def load_table(
    path: Path,
    store: Store,
    index: CompanyIndex,
    kind: str | None = None,
    mapping: Mapping | None = None,
    dataset: str | None = None,
) -> LoadReport:
    """Load one table file (every sheet of a workbook) into ``store``.

    Parameters
    ----------
    path : Path
        CSV, TSV, XLSX, XLS, HTML, JSON or JSON Lines; the content decides.
    store : Store
        Receives one ``upsert_nodes`` and one ``upsert_relations``.
    index : CompanyIndex
        Resolves firms by stock code and name; this file's firms are added to it.
    kind : {"company", "person", "intermediary", "fund", "relation", "cluster"}, optional
        The kind of every sheet; guessed per sheet when None.
    mapping : Mapping, optional
        Header mapping; default the built-in one.
    dataset : str, optional
        Provenance dataset and namespace of person/intermediary/fund ids; default the
        folder's name.

    Returns
    -------
    LoadReport

    Raises
    ------
    LoadError
        When the file cannot be read at all (format, encoding), or ``kind`` is unknown.
    """
    return load_files([path], store, index, kind, mapping, dataset or path.resolve().parent.name)


def load_dir(
    folder: Path,
    store: Store,
    index: CompanyIndex,
    mapping: Mapping | None = None,
    dataset: str | None = None,
) -> LoadReport:
    """Load every table file of ``folder`` (not recursive), nodes before relations.

    A file that cannot be read is one error issue (row 0) and the others still load.

    Raises
    ------
    LoadError
        When ``folder`` is not a folder or holds no table file.
    """
    if not folder.is_dir():
        raise LoadError(f"文件夹 {folder} 不存在或不是文件夹")
    files = sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and not p.name.startswith((".", "~$"))
        and p.suffix.lower() in EXTENSIONS | EXTENSIONS_JSON
    )
    if not files:
        raise LoadError(f"文件夹 {folder} 中没有 CSV、TSV、XLSX、XLS、HTML 或 JSON 表格文件")
    return load_files(files, store, index, None, mapping, dataset or folder.resolve().name)


def _ends_stored(rel: Relation, run: RowBuilder, report: LoadReport) -> bool:
    """Safety net: a relation whose endpoint a skipped row had queued is reported."""
    missing = [e for e in (rel.src, rel.dst) if e not in run.queued and not run.known(e)]
    if missing:
        file, _, sheet = rel.sources[0].file.partition("#")
        message = f"{rel.kind.value} to {missing[0]}, whose row was skipped"
        report.add(Issue(file, rel.sources[0].row, "", "skipped_endpoint", message, sheet=sheet))
    return not missing


def load_files(
    files: list[Path],
    store: Store,
    index: CompanyIndex,
    kind: str | None,
    mapping: Mapping | None,
    dataset: str,
) -> LoadReport:
    """Load ``files`` as one batch (see :func:`load_dir`); a single file raises."""
    if kind is not None and kind not in KINDS:
        raise UsageError(f"--kind {kind}：没有这种表格类型", list(KINDS))
    mapping = mapping or Mapping.load()
    report = LoadReport(dataset=dataset)
    work: list[tuple[int, Path, str, Table]] = []
    for path in files:
        try:
            for sheet_kind, table in _sheets(path, kind, mapping, report):
                work.append((ORDER.index(sheet_kind), path, sheet_kind, table))
        except LoadError as exc:
            if len(files) == 1:
                raise
            report.add(Issue(path.name, 0, "", "unreadable_file", str(exc)))
    run = RowBuilder(dataset, store, index, report)
    for _, path, sheet_kind, table in sorted(work, key=lambda w: (w[0], w[1].name, w[3].sheet)):
        run.file, run.sheet, run.revision = path.name, table.sheet, _revision(path)
        _load_sheet(run, table, sheet_kind, mapping, report)
    store.upsert_nodes(run.nodes)
    relations = [r for r in run.relations if _ends_stored(r, run, report)]
    store.upsert_relations(relations)
    report.nodes_written, report.relations_written = len(run.nodes), len(relations)
    counts = Counter(n.kind.value for n in run.nodes)
    counts.update(r.kind.value for r in relations)
    report.written_by_kind = dict(sorted(counts.items()))
    return report
