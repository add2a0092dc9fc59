"""Options shared by the commands, and error handling (exit 1 with one line)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from pydantic import BaseModel

from cli.console import DataConsole, json_text, styled
from graph.errors import NotFound, ZhaoshangError
from graph.schema import NodeKind
from graph.store import Store, open_backend
from loaders.decisions import ResolutionLog, apply_judgements, log_path, read_log, write_log
from loaders.index import CompanyIndex

#: The graph file used when neither ``--graph`` nor ZHAOSHANG_GRAPH is given.
DEFAULT_GRAPH_PATH = Path("zhaoshang.zsg")
#: Consoles print data literally (no markup) with control characters made visible.
err = DataConsole(stderr=True, soft_wrap=True)
out = DataConsole(soft_wrap=True)

GraphOpt = Annotated[
    Path,
    typer.Option(
        "--graph",
        "-g",
        help="Graph file of the embedded store (env ZHAOSHANG_GRAPH).",
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


def open_graph(backend: Backend, graph: Path) -> Store:
    """Open the store a query command reads (see :func:`graph.store.open_backend`)."""
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
    write_log(log_path(graph), index, log.judgements, previous=log, people=people)
