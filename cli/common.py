"""Options shared by the commands, opening the graph to read, and error handling.

Exit codes of every command: 0 done, 1 a data or domain error (one line on stderr,
in Chinese; the traceback only with ``--debug``), 2 a usage error (a value the command
cannot take: an unknown ``--home``, a malformed ``--as-of``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer

from cli.console import DataConsole, json_text, styled
from graph.errors import LoadError, UsageError, ZhaoshangError
from graph.files import describe_os_error
from graph.kinds import NodeKind
from graph.privacy import is_model
from graph.sqlite_store import SqliteStore
from graph.store import Store, open_backend, open_store, scan_nodes

if TYPE_CHECKING:
    from pydantic import BaseModel

    from loaders.report import LoadReport
    from resolve.decisions import ResolutionLog
    from resolve.index import CompanyIndex

#: The graph file used when neither ``--graph`` nor ZHAOSHANG_GRAPH is given.
DEFAULT_GRAPH_PATH = Path("zhaoshang.db")
#: Consoles print data literally (no markup) with control characters made visible.
err = DataConsole(stderr=True, soft_wrap=True)
out = DataConsole(soft_wrap=True)

GraphOpt = Annotated[
    Path,
    typer.Option(
        "--graph",
        "-g",
        help="图谱数据库文件（内置存储；环境变量 ZHAOSHANG_GRAPH）。",
        envvar="ZHAOSHANG_GRAPH",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="以 JSON 输出结果。")]
HomeOpt = Annotated[
    str | None,
    typer.Option(
        "--home",
        help="本地：GB/T 2260 代码（37、3705、370523）或名称（山东省、东营、广饶县）；"
        "默认为集群文件的 home_region，否则 37（山东省）。",
    ),
]
PrivateOpt = Annotated[
    bool,
    typer.Option(
        "--include-private",
        help="包含隐私数据：各输出中显示人员姓名（否则遮为 张**），"
        "并经由私人关系（KNOWS：老乡、校友等）查找引荐路径。",
    ),
]
#: The home region when neither ``--home`` nor the cluster file names one (山东省).
DEFAULT_HOME = "37"
DebugOpt = Annotated[bool, typer.Option("--debug", help="出错时显示调用栈（供开发人员排查）。")]

# -- options of the cluster commands (targets, gaps, export, connectors) -------------
ClusterOpt = Annotated[str, typer.Option(help="集群名称（集群文件中的 name）。")]
ClustersOpt = Annotated[
    Path | None,
    typer.Option(
        help="集群文件（TOML）；默认为随包附带的山东省十强产业 queries/data/shandong.toml。"
    ),
]
RowsOpt = Annotated[int, typer.Option("-n", min=0, help="列出的行数（0 为全部）。")]
MaxHopsOpt = Annotated[int, typer.Option("--max-hops", min=1, help="路径最长跳数。")]
ProfileOpt = Annotated[Path | None, typer.Option(help="评分方案（TOML）。")]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="信号时间窗的基准日期 YYYY-MM-DD（默认今天）。"),
]


class Backend(StrEnum):
    """Where the graph lives: the embedded file (default) or a Neo4j server."""

    EMBEDDED = "embedded"
    NEO4J = "neo4j"


BackendOpt = Annotated[
    Backend,
    typer.Option(
        "--backend",
        help="读取哪个存储：embedded 为 --graph 指定的文件，neo4j 为环境变量 "
        "NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE 指定的服务器"
        "（环境变量 ZHAOSHANG_BACKEND）。",
        envvar="ZHAOSHANG_BACKEND",
    ),
]


def as_of_date(text: str | None) -> dt.date | None:
    """The ``--as-of`` value as a date (None: today).

    Raises
    ------
    UsageError
        When ``text`` is not a ``YYYY-MM-DD`` date.
    """
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"--as-of {text}：不是 YYYY-MM-DD 格式的日期") from exc


def open_graph(backend: Backend, graph: Path) -> Store:
    """Open the store a command reads (see :func:`graph.store.open_backend`).

    Every command that reads a graph opens it here, so a graph file that does not
    exist is refused before the store would create an empty one.

    Raises
    ------
    ZhaoshangError
        When ``backend`` is embedded and ``graph`` is missing or a folder.
    BackendError
        When the file is not a zhaoshang graph, or no Neo4j server answers.
    """
    if backend is Backend.EMBEDDED:
        require_graph(graph)
    return open_backend(backend.value, graph)


def require_graph(graph: Path) -> None:
    """Refuse a graph file that does not exist or is a folder (see :func:`open_graph`).

    Raises
    ------
    ZhaoshangError
    """
    if graph.is_dir():
        raise ZhaoshangError(f"图谱数据库 {graph} 是文件夹，不是图谱数据库文件")
    if not graph.exists():
        raise ZhaoshangError(
            f"图谱数据库 {graph} 不存在：请先用 `zhaoshang load …` 载入数据，"
            "或用 --graph 指定已有的图谱数据库"
        )


def home_region(
    store: Store, home: str | None, fallback: str | None = None, json: bool = False
) -> str:
    """Read ``--home`` (code or name) and say which region it is: ``本地：山东省（37）``.

    Parameters
    ----------
    store : Store
        Its Region nodes count as known regions besides GB/T 2260 (an office's own
        development zone or, in the demo, a fictional city).
    home : str or None
        What the user gave; None takes ``fallback``, then :data:`DEFAULT_HOME`.
    fallback : str, optional
        The cluster file's ``home_region``.
    json : bool
        The line goes to stderr when stdout carries JSON.

    Returns
    -------
    str
        The GB/T 2260 code (the prefix queries match region codes against).

    Raises
    ------
    UsageError
        When the region is unknown or ambiguous, with close matches.
    """
    from resolve.divisions import resolve_region

    extra = [(d["code"], d["name"]) for d in scan_nodes(store, [NodeKind.REGION])]
    division = resolve_region(home or fallback or DEFAULT_HOME, extra)
    (err if json else out).print(f"本地：{division.label}")
    return division.code


P = ParamSpec("P")
R = TypeVar("R")


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn every failure into one Chinese line on stderr and an exit code.

    :class:`UsageError` exits 2, any other error 1: a :class:`ZhaoshangError` with
    its message, a file error naming the file, anything else as an internal error.
    With ``--debug`` the exception propagates (traceback).
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            # typer's own exits and usage errors (they carry an exit code) pass through.
            if kwargs.get("debug") or isinstance(exc, typer.Abort) or hasattr(exc, "exit_code"):
                raise
            code = 2 if isinstance(exc, UsageError) else 1
            err.print(styled(("错误：", "red"), (_message(exc), "red")))
            candidates = getattr(exc, "candidates", None)
            if isinstance(exc, ZhaoshangError) and candidates:
                err.print("可选：" + "；".join(candidates))
            raise typer.Exit(code) from None

    return wrapper


def _message(exc: Exception) -> str:
    if isinstance(exc, ZhaoshangError):
        return str(exc)
    if isinstance(exc, OSError):
        return describe_os_error(exc)
    return f"内部错误 {type(exc).__name__}：{exc}（加 --debug 查看详情，请报告这个问题）"


def dangling_relations(store: Store) -> int:
    """Relations whose endpoint is not a stored node (0 in a sound graph).

    Stores that can hold such relations (the embedded file, hand-edited or damaged)
    count them with a ``dangling_relations()`` method; a Neo4j relationship always
    has both ends.
    """
    count = getattr(store, "dangling_relations", None)
    return int(count()) if callable(count) else 0


def nothing_loaded(reports: list[LoadReport]) -> None:
    """Refuse a load that wrote nothing and reported errors (the data was unusable).

    Raises
    ------
    LoadError
        Naming the first error; the command exits 1 and the graph is not saved.
    """
    written = sum(r.nodes_written + r.relations_written for r in reports)
    errors = [i for r in reports for i in r.issues if i.severity == "error"]
    if written == 0 and errors:
        raise LoadError(
            f"没有载入任何记录，图谱未改动（{len(errors)} 个错误，第一个：{errors[0]}）"
        )


def print_json(result: BaseModel | list[Any]) -> None:
    """Print a result as JSON (not ASCII-escaped where the terminal can show it).

    The output is the model's ``model_dump`` (see :func:`cli.console.json_text`).
    """
    data = result.model_dump(mode="json") if is_model(result) else result
    sys.stdout.write(json_text(data, getattr(sys.stdout, "encoding", None)) + "\n")


def resolution_index(store: Store, graph: Path) -> tuple[CompanyIndex, ResolutionLog]:
    """The company index of ``store`` with the reviewers' judgements of ``graph``'s log.

    Returns the index and the log as read (pass both to :func:`save_resolution`).
    """
    from resolve.decisions import apply_judgements, log_path, read_log
    from resolve.index import CompanyIndex

    log = read_log(log_path(graph))
    index = CompanyIndex.from_store(store)
    apply_judgements(index, log.judgements)
    return index, log


def save_resolution(
    graph: Path, index: CompanyIndex, log: ResolutionLog, store: Store | None = None
) -> None:
    """Rewrite ``graph``'s resolution log after a load (decisions, conflicts, judgements).

    With ``store``, mentions that are its people's names (and no firm's) are left out.
    """
    people = {n.name for n in store.nodes(NodeKind.PERSON)} if store is not None else set()
    from resolve.decisions import log_path, write_log

    write_log(log_path(graph), index, log.judgements, previous=log, people=people)


@contextlib.contextmanager
def loading(graph: Path) -> Iterator[tuple[SqliteStore, CompanyIndex]]:
    """One load into the embedded store ``graph``, as one transaction.

    Takes the database's write lock first (waiting for another officer's load and
    saying so on stderr), then reads the company index and resolution log, so the
    load resolves against everything committed before it. On success the resolution
    log is rewritten and the transaction committed; on any error nothing is written
    (a database the failed load created stays empty, at revision 0: removing it could
    remove another officer's first load that waits on the lock).
    """
    store = open_store(graph)
    try:
        store.begin()
        index, log = resolution_index(store, graph)
        yield store, index
        save_resolution(graph, index, log, store)
        store.save()
    finally:
        store.close()
