"""Batches prepared for the SQLite store, and a load whose records are prepared in a
second process.

A large load spends about half its time building and validating pydantic models and
serialising them to their stored JSON, the other half in SQLite. :func:`prepare` turns
a batch of validated models into the rows the store writes (the same bytes as
:meth:`~graph.sqlite_store.SqliteStore.upsert_nodes` / ``upsert_relations`` would);
:func:`load_in_background` runs a producer of model batches in a forked child process
that validates and prepares them while this process writes the previous batch, so a
two-core machine loads on both cores. The store, its transaction and every merge stay
in this process: one load is still one transaction, a crash of either process leaves
the database as it was.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Literal, TypeAlias

from graph.errors import BackendError, ZhaoshangError
from graph.sqlite_writes import NodeRow, RelationRow, node_rows, relation_rows
from graph.store import UpsertCounts

if TYPE_CHECKING:
    from graph.schema import Node, Relation
    from graph.sqlite_writes import SqliteWrites

Table = Literal["nodes", "relations"]


@dataclass(frozen=True)
class Prepared:
    """A batch of stored rows made by :func:`prepare` from validated models."""

    table: Table
    rows: list[NodeRow] | list[RelationRow]


def prepare(table: Table, models: Iterable[Node] | Iterable[Relation]) -> Prepared:
    """Turn validated nodes or relations into the rows the store writes for them.

    Parameters
    ----------
    table : {"nodes", "relations"}
        What the models are.
    models : iterable of Node or Relation
        Validated models (pydantic checked them when they were built).

    Returns
    -------
    Prepared
        One row per model, in the given order.

    Examples
    --------
    >>> from graph.schema import Person, Source
    >>> p = prepare("nodes", [Person(id="Person:a", name="甲", sources=[
    ...     Source(dataset="d", file="f", row=1)])])
    >>> p.rows[0][:2]
    ('Person:a', 'Person')
    """
    if table == "nodes":
        return Prepared(table, node_rows(models))  # type: ignore[arg-type]
    return Prepared(table, relation_rows(models))  # type: ignore[arg-type]


#: What a producer yields: ``(table, models)`` — the models, or a function building them
#: (called only by the child that prepares that batch, see ``workers``) — or
#: ``("notice", text)`` for a line this process prints on stderr (the children's
#: stderr is not the caller's, e.g. in tests).
Models: TypeAlias = "Sequence[Node] | Sequence[Relation]"
Batch: TypeAlias = "tuple[Table, Models | Callable[[], Models]] | tuple[Literal['notice'], str]"
Producer: TypeAlias = "Callable[[], Iterable[Batch]]"


def load_in_background(
    store: SqliteWrites, produce: Producer, workers: int = 1
) -> dict[Table, UpsertCounts]:
    """Write what ``produce()`` yields, the models built and prepared in child processes.

    ``produce`` runs in forked children; each batch it yields, ``("nodes", models)`` or
    ``("relations", models)``, is prepared there (:func:`prepare`) and sent to this
    process, which writes it with :meth:`SqliteStore.upsert_prepared` while the
    children build the next ones (a ``("notice", text)`` is printed on stderr here).
    Batches are written in the order they are yielded (nodes before the relations that
    need them), so repeated ids merge as in one process. Nothing is committed: the
    caller saves, as after any other upsert.

    Parameters
    ----------
    store : SqliteStore
        The store written to (its transaction is opened here if it is not yet).
    produce : callable
        Builds the batches; it must not use ``store`` (it runs in other processes).
    workers : int >= 1
        Children running ``produce``; child ``w`` prepares batches ``w, w + workers, …``
        and only calls the building functions of those, so the work is shared when
        ``produce`` yields functions (cheap to yield) rather than built models.

    Returns
    -------
    dict
        ``{"nodes": UpsertCounts, "relations": UpsertCounts}`` summed over the batches.

    Raises
    ------
    ZhaoshangError
        An error of ``produce`` (e.g. :class:`SchemaError` for an invalid record), or
        of the store; what this call wrote stays uncommitted.
    BackendError
        When a child dies without finishing, or the children disagree on the batches.

    Notes
    -----
    At most one prepared batch per child waits in its pipe and one is being written:
    memory stays that of a few batches. Needs the ``fork`` start method (Linux, macOS).
    """
    store.begin()
    pipes: list[Connection] = []
    pids: list[int] = []
    try:
        for worker in range(workers):
            receive, send = Pipe(duplex=False)
            pid = os.fork()
            if pid == 0:  # pragma: no cover - a child; measured through the parent
                for pipe in (*pipes, receive):  # only the parent reads: a dead parent
                    pipe.close()  # is a broken pipe to every child
                os._exit(_produce(produce, send, worker, workers))
            send.close()
            pipes.append(receive)
            pids.append(pid)
        totals = _write(store, pipes)
    except BaseException:
        for pid in pids:
            _stop(pid)
        raise
    finally:
        for pipe in pipes:
            pipe.close()
    for pid in pids:
        os.waitpid(pid, 0)
    return totals


def _write(store: SqliteWrites, pipes: list[Connection]) -> dict[Table, UpsertCounts]:
    """Write the batches from the children's pipes in turn until every child is done."""
    totals: dict[Table, UpsertCounts] = {"nodes": UpsertCounts(), "relations": UpsertCounts()}
    turn = 0
    while True:
        message = _next(pipes[turn % len(pipes)])
        if message is None:
            if any(_next(p) is not None for p in pipes if p is not pipes[turn % len(pipes)]):
                raise BackendError("准备记录的后台进程给出的批次不一致，本次写入未保存")
            return totals
        table, rows = message
        totals[table] += store.upsert_prepared(Prepared(table, rows))
        turn += 1


def _next(pipe: Connection) -> tuple[Table, list[NodeRow] | list[RelationRow]] | None:
    """The next batch of a child (its notices printed on the way), or None at its end."""
    while True:
        try:
            message = pipe.recv_bytes()
        except EOFError:
            raise BackendError("准备记录的后台进程意外退出，本次写入未保存") from None
        tag, body = message[:1], message[1:]
        if tag == _DONE:
            return None
        if tag == _ERROR:
            raise pickle.loads(body)
        if tag == _NOTICE:
            print(body.decode(), file=sys.stderr, flush=True)
            continue
        return ("nodes" if tag == _NODES else "relations"), marshal.loads(body)


#: Message tags: a batch of node or relation rows (marshal: a quarter of pickle's time
#: for these tuples), a notice, an error (pickled), the end.
_NODES, _RELATIONS, _NOTICE, _ERROR, _DONE = b"n", b"r", b"w", b"e", b"."


def _produce(
    produce: Producer, send: Connection, worker: int, workers: int
) -> int:  # pragma: no cover - a child
    """A child's work: prepare and send its batches, then the end; the exit status."""
    try:
        position = 0
        for table, models in produce():
            if table == "notice":
                if worker == 0:
                    send.send_bytes(_NOTICE + str(models).encode())
                continue
            mine = position % workers == worker
            position += 1
            if not mine:
                continue
            built = models() if callable(models) else models
            tag = _NODES if table == "nodes" else _RELATIONS
            send.send_bytes(tag + marshal.dumps(prepare(table, built).rows))  # type: ignore[arg-type]
        send.send_bytes(_DONE)
        return 0
    except BrokenPipeError:  # the writer stopped; nothing to tell it
        return 1
    except BaseException as exc:
        error = exc if isinstance(exc, ZhaoshangError) else BackendError(f"准备记录失败：{exc!r}")
        with contextlib.suppress(BrokenPipeError, pickle.PicklingError, TypeError):
            send.send_bytes(_ERROR + pickle.dumps(error))
        return 1


def _stop(pid: int) -> None:
    """End the child started by :func:`load_in_background` and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
