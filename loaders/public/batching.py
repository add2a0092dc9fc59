"""Batched writes and line readers shared by the chain-kg, executives and a-share loaders.

Nodes go to the store before relations (the store refuses a relation whose endpoint is
missing), in batches that bound one upsert's memory and the size of a Neo4j ``UNWIND``.
Every Company written is added to the :class:`~resolve.index.CompanyIndex` as the
store holds it after the merge, so later lookups see the merged names and codes.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from graph.schema import Company, Node, Relation
from graph.store import Store
from loaders.report import Issue, LoadReport
from resolve.index import CompanyIndex

#: Records per store call.
BATCH_SIZE = 5000

_T = TypeVar("_T")


def batches(items: Sequence[_T], size: int = BATCH_SIZE) -> Iterator[Sequence[_T]]:
    """Yield consecutive slices of ``items`` of at most ``size`` records (``size >= 1``).

    Examples
    --------
    >>> [list(b) for b in batches([1, 2, 3], 2)]
    [[1, 2], [3]]
    """
    for start in range(0, len(items), size):
        yield items[start : start + size]


def write_nodes(
    store: Store, index: CompanyIndex, report: LoadReport, nodes: Sequence[Node]
) -> None:
    """Upsert ``nodes`` in batches and index every Company among them.

    Parameters
    ----------
    store, index
        Target store and the company index kept in step with it.
    report : LoadReport
        ``nodes_written`` grows by ``len(nodes)``.
    nodes : sequence of Node
        Any node kinds, in the order they should be sent.
    """
    for chunk in batches(nodes):
        store.upsert_nodes(chunk)
        report.nodes_written += len(chunk)
        for node in chunk:
            if isinstance(node, Company):
                stored = store.get_node(node.id)
                index.add(stored if isinstance(stored, Company) else node)


def write_relations(store: Store, report: LoadReport, relations: Sequence[Relation]) -> None:
    """Upsert ``relations`` in batches (their endpoints must be stored already).

    Raises
    ------
    SchemaError
        From the store when an endpoint is missing: a loader bug, not a data problem.
    """
    for chunk in batches(relations):
        store.upsert_relations(chunk)
        report.relations_written += len(chunk)


def read_json_lines(path: Path, report: LoadReport) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, object)`` for each non-blank line of a JSON-lines file.

    Parameters
    ----------
    path : Path
        A UTF-8 file (a BOM is ignored), one JSON object per line.
    report : LoadReport
        ``rows_read`` grows by the number of non-blank lines; issues are added to it.

    Yields
    ------
    (int, dict)
        The 1-based line number and the parsed object, in file order. A line that is
        not a JSON object gives an ``invalid_json`` issue (error) instead; a missing file
        gives one ``missing_file`` issue (row 0) and nothing else.
    """
    if not path.is_file():
        report.add(Issue(path.name, 0, "", "missing_file", f"找不到 {path}"))
        return
    with path.open(encoding="utf-8-sig") as fh:
        for row, line in enumerate(fh, 1):
            if not line.strip():
                continue
            report.rows_read += 1
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                report.add(Issue(path.name, row, "", "invalid_json", f"not JSON: {exc}"))
                continue
            if not isinstance(data, dict):
                report.add(Issue(path.name, row, "", "invalid_json", "不是 JSON 对象"))
                continue
            yield row, data


def read_csv_rows(path: Path, report: LoadReport) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line number, row)`` for each data row of a UTF-8 CSV file with a header.

    Parameters
    ----------
    path : Path
        A UTF-8 CSV file (a BOM is ignored) whose first line names the columns.
    report : LoadReport
        ``rows_read`` grows by the number of data rows; issues are added to it.

    Yields
    ------
    (int, dict of str to str)
        The row's line in the file, as the other loaders number CSV rows (the header is
        line 1, so the first data row is 2; a quoted multi-line cell counts its last
        line), and the row by column, cells stripped, missing cells ``""``, in file
        order. A missing file gives one ``missing_file`` issue (row 0) and nothing else.
    """
    if not path.is_file():
        report.add(Issue(path.name, 0, "", "missing_file", f"找不到 {path}"))
        return
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        for rec in reader:
            report.rows_read += 1
            yield reader.line_num, {k: (v or "").strip() for k, v in rec.items() if k is not None}
