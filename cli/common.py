"""Options shared by the commands, and error handling (exit 1 with one line)."""

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
from pydantic import BaseModel

from cli.console import DataConsole, json_text, styled
from graph.errors import NotFound, SchemaError, ZhaoshangError
from graph.schema import NodeKind
from graph.sqlite_store import SqliteStore
from graph.store import Store, open_backend, open_store

if TYPE_CHECKING:
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
        help="Database file of the embedded store (env ZHAOSHANG_GRAPH).",
        envvar="ZHAOSHANG_GRAPH",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
HomeOpt = Annotated[
    str,
    typer.Option("--home", help="GB/T 2260 code prefix of the home region (37 = 山东)."),
]
PrivateOpt = Annotated[
    bool,
    typer.Option(
        "--include-private",
        help="Include private data: people's names in every output (masked 张** "
        "otherwise) and private ties (KNOWS: 老乡/校友…) walked.",
    ),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")]

# -- options of the cluster commands (targets, gaps, export, connectors) -------------
#: The cluster file used when ``--clusters`` is not given.
CLUSTERS = Path("examples/clusters/shandong.toml")
ClusterOpt = Annotated[str, typer.Option(help="Cluster name in the cluster file.")]
ClustersOpt = Annotated[Path, typer.Option(help="Cluster file (TOML).")]
RowsOpt = Annotated[int, typer.Option("-n", min=0, help="Rows to list (0 = all).")]
MaxHopsOpt = Annotated[int, typer.Option("--max-hops", min=1, help="Longest path, hops.")]
ProfileOpt = Annotated[Path | None, typer.Option(help="Scoring profile (TOML).")]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="Reference date of the signals window, YYYY-MM-DD (today)."),
]


class Backend(StrEnum):
    """Where the graph lives: the embedded file (default) or a Neo4j server."""

    EMBEDDED = "embedded"
    NEO4J = "neo4j"


BackendOpt = Annotated[
    Backend,
    typer.Option(
        "--backend",
        help="Store to read: the embedded --graph file, or the Neo4j server named by "
        "NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE (env ZHAOSHANG_BACKEND).",
        envvar="ZHAOSHANG_BACKEND",
    ),
]


def as_of_date(text: str | None) -> dt.date | None:
    """The ``--as-of`` value as a date (None: today).

    Raises
    ------
    SchemaError
        When ``text`` is not a ``YYYY-MM-DD`` date.
    """
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise SchemaError(f"--as-of {text!r} is not a YYYY-MM-DD date") from exc


def open_graph(backend: Backend, graph: Path) -> Store:
    """Open the store a query command reads (see :func:`graph.store.open_backend`).

    Raises
    ------
    NotFound
        When the embedded database file does not exist (a query never creates one).
    """
    if backend is Backend.EMBEDDED and not graph.exists():
        raise NotFound(
            f"图谱数据库 {graph} 不存在：先用 zhaoshang load 导入数据，或用 --graph 指定文件"
        )
    return open_backend(backend.value, graph)


P = ParamSpec("P")
R = TypeVar("R")


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn :class:`ZhaoshangError` into a one-line message and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ZhaoshangError as exc:
            if kwargs.get("debug"):
                raise
            err.print(styled(("error:", "red"), " ", str(exc)))
            if isinstance(exc, NotFound) and exc.candidates:
                err.print("did you mean: " + "; ".join(exc.candidates))
            raise typer.Exit(1) from None

    return wrapper


def print_json(result: BaseModel | list[Any]) -> None:
    """Print a result as JSON (not ASCII-escaped where the terminal can show it).

    The output is the model's ``model_dump`` (see :func:`cli.console.json_text`).
    """
    data = result.model_dump(mode="json") if isinstance(result, BaseModel) else result
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
    log is rewritten and the transaction committed; on any error nothing is written.
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
