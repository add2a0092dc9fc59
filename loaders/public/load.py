"""Load every public dataset of ``../shared/data`` in dependency order.

Order matters for resolution: chain-kg and executives-2018 establish listed firms by
stock code (and merge A/B share codes), a-share-2025 adds regions, industries and
actual controllers, then ickg25, finre and rankings link their names to those firms.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from graph.store import Store
from loaders.public import a_share, chain_kg, executives, finre, ickg, rankings
from loaders.report import Issue, LoadReport
from resolve.index import CompanyIndex

Loader = Callable[[Path, Store, CompanyIndex], LoadReport]

#: (folder name, loader), in load order.
DATASETS: list[tuple[str, Loader]] = [
    ("chain-kg", chain_kg.load),
    ("executives-2018", executives.load),
    ("a-share-2025", a_share.load),
    ("ickg25", ickg.load),
    ("finre", finre.load),
    ("rankings", rankings.load),
]


def load_public(
    root: Path,
    store: Store,
    only: list[str] | None = None,
    on_start: Callable[[str], None] | None = None,
    index: CompanyIndex | None = None,
) -> list[LoadReport]:
    """Load the public datasets found under ``root`` into ``store``.

    Parameters
    ----------
    root : Path
        Folder holding ``chain-kg/``, ``executives-2018/``, ``a-share-2025/``,
        ``ickg25/``, ``finre/`` and ``rankings/`` (as in ``../shared/data``).
    store : Store
        Target store; nothing is saved here (call ``store.save()``).
    only : list of str, optional
        Dataset folder names to load (default: all, in :data:`DATASETS` order).
    on_start : callable, optional
        Called with each dataset name before it loads (progress display).
    index : CompanyIndex, optional
        The resolver to use (e.g. with reviewers' judgements applied); by default
        built from ``store``. Its ``decisions`` and ``conflicts`` hold the load's
        resolutions afterwards.

    Returns
    -------
    list of LoadReport
        One per dataset, in load order. A missing folder gives a report with one
        ``missing_dataset`` issue instead of an exception.
    """
    index = index if index is not None else CompanyIndex.from_store(store)
    reports: list[LoadReport] = []
    for name, loader in DATASETS:
        if only is not None and name not in only:
            continue
        if on_start is not None:
            on_start(name)
        folder = root / name
        if not folder.is_dir():
            report = LoadReport(dataset=name)
            report.add(Issue(name, 0, "", "missing_dataset", f"folder {folder} not found"))
            reports.append(report)
            continue
        reports.append(loader(folder, store, index))
    return reports
