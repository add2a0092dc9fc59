"""Load the tables investment-promotion offices have: rosters, relation sheets, clusters.

One file (:func:`load_table`) or a folder of them (:func:`load_dir`), in any format of
:mod:`loaders.office.readers`, headers mapped to schema fields by
:mod:`loaders.office.mapping`, rows built by :mod:`loaders.office.node_rows`. The kind
of each sheet is ``--kind`` when given, else guessed from the sheet and file names
(企业, 人员, 中介, 基金, 关系, 集群 …) and then from the headers. Sheets named 填写说明
(the templates' instructions) are skipped.

Every problem is an issue of the :class:`~loaders.report.LoadReport` (file, sheet,
row, column, code, message); one bad row never stops the load. Files are read row by
row within the :class:`~loaders.office.limits.Limits` and written in batches, so memory does
not grow with the file. Provenance identifies a row by file, row and the digest of its
cells (:attr:`graph.schema.Source.digest`) and dates it by the file's modification
time (:attr:`~graph.schema.Source.revision`): re-loading an unchanged file, touched
or not, changes nothing, and a row changed in a newer file updates its record and
keeps both sources.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from graph.errors import LoadError, UsageError
from graph.ids import short_hash
from graph.merge import coalesce
from graph.schema import Company, NodeKind, Relation
from graph.store import Store
from loaders.office.ledger_channel_rows import channel_row, fair_row, mandate_row
from loaders.office.ledger_rows import introduction_row, outing_row, project_row, unit_row
from loaders.office.limits import LimitError, Limits
from loaders.office.link_rows import cluster_row, relation_row
from loaders.office.mapping import BUILTIN, FREE, KINDS, REQUIRED, Mapping, Table, find_table
from loaders.office.node_rows import Cells, RowBuilder
from loaders.office.readers import read_workbook
from loaders.office.rows import RowError
from loaders.office.table_plan import EXTENSIONS as EXTENSIONS
from loaders.office.table_plan import EXTENSIONS_JSON, Work, plan
from loaders.office.table_plan import guess_kind as guess_kind
from loaders.office.values import Value
from loaders.public.batching import BATCH_SIZE
from loaders.report import Issue, LoadReport, Severity
from resolve.index import CompanyIndex


def _revision(path: Path) -> str:
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    return mtime.isoformat(timespec="microseconds")


def _digest(values: list[Value]) -> str:
    """A hash of a row's cells: with file and row it identifies the row's content."""
    return short_hash(*("" if v is None else f"{type(v).__name__}:{v}" for v in values))


def _fields(table: Table, kind: str, mapping: Mapping) -> list[str | None]:
    fields = [mapping.field(kind, h) for h in table.columns]
    return [None if f == "ignore" else f for f in fields]


def _cells(fields: list[str | None], table: Table, values: list[Value]) -> Cells:
    cells: Cells = {}
    for field, header, value in zip(fields, table.columns, values, strict=False):
        if field and (field not in cells or cells[field][0] in (None, "")):
            cells[field] = (value, header)  # first filled column
    return cells


def _reader_issues(run: RowBuilder, table: Table, report: LoadReport) -> None:
    """Move the reader's issues of the rows read so far into the report."""
    while table.issues:
        i = table.issues.pop(0)
        column = (
            table.columns[i.column]
            if i.column is not None and i.column < len(table.columns)
            else ""
        )
        severity: Severity = "warning" if i.code == "cell_too_long" else "error"
        report.add(Issue(run.file, i.row, column, i.code, i.message, severity, run.sheet))


def _load_sheet(
    run: RowBuilder, table: Table, kind: str, mapping: Mapping, report: LoadReport
) -> int:
    for header in table.columns:
        if header and not mapping.field(kind, header) and header not in FREE:
            message = "未识别的列，已忽略"
            issue = Issue(run.file, table.header_row, header, "unknown_column", message)
            report.add(Issue(**{**issue.__dict__, "severity": "warning", "sheet": run.sheet}))
    fields = _fields(table, kind, mapping)
    missing = [f for f in REQUIRED[kind] if f not in fields]
    if missing:
        wanted = "、".join(BUILTIN[kind][f][0] for f in missing)
        seen = "、".join(h for h in table.columns if h) or "（无）"
        message = (
            f"{kind} 表缺少必需的列：{wanted}；看到的表头：{seen}；"
            "该表未载入（可用 --mapping 指定表头）"
        )
        report.add(
            Issue(run.file, table.header_row, "", "missing_column", message, sheet=run.sheet)
        )
        return -1
    handle: Callable[[Cells, int], None] = {
        "company": run.company,
        "relation": lambda c, r: relation_row(run, c, r),
        "cluster": lambda c, r: cluster_row(run, c, r),
        "person": lambda c, r: run.actor(c, r, NodeKind.PERSON),
        "intermediary": lambda c, r: run.actor(c, r, NodeKind.INTERMEDIARY),
        "fund": lambda c, r: run.actor(c, r, NodeKind.FUND),
        "unit": lambda c, r: unit_row(run, c, r),
        "project": lambda c, r: project_row(run, c, r),
        "outing": lambda c, r: outing_row(run, c, r),
        "introduction": lambda c, r: introduction_row(run, c, r),
        "channel": lambda c, r: channel_row(run, c, r),
        "mandate": lambda c, r: mandate_row(run, c, r),
        "fair": lambda c, r: fair_row(run, c, r),
    }[kind]
    count = 0
    for number, values in table.rows:
        _reader_issues(run, table, report)
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        report.rows_read += 1
        count += 1
        cells = _cells(fields, table, values)
        run.digest = _digest(values)
        mark = (len(run.nodes), len(run.relations))
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
        if len(run.nodes) + len(run.relations) >= BATCH_SIZE:
            _flush(run, report)
    _reader_issues(run, table, report)
    return count


def load_table(
    path: Path,
    store: Store,
    index: CompanyIndex,
    kind: str | None = None,
    mapping: Mapping | None = None,
    dataset: str | None = None,
    limits: Limits | None = None,
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
    limits : Limits, optional
        Size limits of the file (default :meth:`Limits.load`: environment, defaults).

    Returns
    -------
    LoadReport
        ``failed_files`` names the file when no sheet of it could load (headers that
        fit no kind, a required column missing, a limit met while reading rows).

    Raises
    ------
    LoadError
        When the file cannot be read at all (format, encoding), or ``kind`` is unknown.
    LimitError
        When the file is refused for its size before a row is read (zip bomb, span).
    """
    name = dataset or path.resolve().parent.name
    return load_files([path], store, index, kind, mapping, name, limits)


def load_dir(
    folder: Path,
    store: Store,
    index: CompanyIndex,
    mapping: Mapping | None = None,
    dataset: str | None = None,
    limits: Limits | None = None,
) -> LoadReport:
    """Load every table file of ``folder`` (not recursive), nodes before relations.

    A file that cannot be read, or past a limit, is one error issue (row 0) and the
    others still load; ``report.failed_files`` names the files that loaded nothing.

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
    name = dataset or folder.resolve().name
    return load_files(files, store, index, None, mapping, name, limits)


def _ends_stored(rel: Relation, run: RowBuilder, report: LoadReport) -> bool:
    """Safety net: a relation whose endpoint a skipped row had queued is reported."""
    missing = [e for e in (rel.src, rel.dst) if e not in run.queued and not run.known(e)]
    if missing:
        file, _, sheet = rel.sources[0].file.partition("#")
        message = f"{rel.kind.value} 指向 {missing[0]}，而该行已被跳过"
        report.add(Issue(file, rel.sources[0].row, "", "skipped_endpoint", message, sheet=sheet))
    return not missing


def _flush(run: RowBuilder, report: LoadReport) -> None:
    """Write the queued nodes, then the queued relations whose endpoints exist; count them.

    Records of one id are merged first (:func:`graph.merge.coalesce`): a firm on
    10,000 rows reaches the store once per batch, not 10,000 times.
    """
    run.store.upsert_nodes(coalesce(run.nodes))
    relations = [r for r in run.relations if _ends_stored(r, run, report)]
    run.store.upsert_relations(coalesce(relations))
    report.nodes_written += len(run.nodes)
    report.relations_written += len(relations)
    counts = Counter(report.written_by_kind)
    counts.update(n.kind.value for n in run.nodes)
    counts.update(r.kind.value for r in relations)
    report.written_by_kind = dict(sorted(counts.items()))
    run.stored.update(n.id for n in run.nodes if not isinstance(n, Company))
    run.nodes.clear()
    run.relations.clear()
    run.queued.clear()


def _load_work(
    run: RowBuilder, work: Work, mapping: Mapping, report: LoadReport, limits: Limits
) -> bool:
    """Load one planned sheet (the file is opened again); False when nothing could load."""
    run.file, run.sheet, run.revision = work.path.name, work.sheet, _revision(work.path)
    with read_workbook(work.path, limits) as book:
        for position, sheet in enumerate(book.sheets):
            if position != work.position:
                continue
            table = find_table(sheet)
            if table is None:
                return False
            return _load_sheet(run, table, work.kind, mapping, report) >= 0
    return False


def load_files(
    files: list[Path],
    store: Store,
    index: CompanyIndex,
    kind: str | None,
    mapping: Mapping | None,
    dataset: str,
    limits: Limits | None = None,
) -> LoadReport:
    """Load ``files`` as one batch (see :func:`load_dir`); a single file raises.

    Every file's headers are read first, then the sheets are loaded in :data:`ORDER`
    (nodes before the relations that name them), each read a second time, row by row,
    and written in batches of :data:`~loaders.public.batching.BATCH_SIZE` records. A file
    none of whose sheets could load is named in ``report.failed_files``.
    """
    if kind is not None and kind not in KINDS:
        raise UsageError(f"--kind {kind}：没有这种表格类型", list(KINDS))
    mapping = mapping or Mapping.load()
    limits = limits or Limits.load()
    report = LoadReport(dataset=dataset)
    work: list[Work] = []
    loaded: dict[Path, bool] = {}
    for path in files:
        try:
            planned = plan(path, kind, mapping, report, limits)
        except LoadError as exc:
            if len(files) == 1:
                raise
            report.add(Issue(path.name, 0, "", _code(exc), str(exc)))
            planned = []
        work.extend(planned)
        loaded[path] = False
    run = RowBuilder(dataset, store, index, report)
    for item in sorted(work, key=lambda w: (w.order, w.path.name, w.position)):
        try:
            loaded[item.path] |= _load_work(run, item, mapping, report, limits)
        except LoadError as exc:  # a limit met while reading rows: what was read stays
            report.add(Issue(item.path.name, 0, "", _code(exc), str(exc), sheet=item.sheet))
            loaded[item.path] = False
    _flush(run, report)
    report.failed_files = [p.name for p, ok in loaded.items() if not ok]
    return report


def _code(exc: LoadError) -> str:
    return "limit_exceeded" if isinstance(exc, LimitError) else "unreadable_file"
