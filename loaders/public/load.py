"""Load every public dataset of ``../shared/data`` in dependency order.

Order matters for resolution: chain-kg establishes listed firms by stock code, the
SZSE list (read as an office table) adds 2025 legal names, registered addresses and
the B-share codes of A-share firms (before executives-2018 meets a B code's board),
executives-2018 boards (merging A/B codes by roster), a-share-2025 regions, industries
and actual controllers, namechange-2023 former short names; then ickg25, finre and the
rankings link their names to those firms. A last pass (:mod:`loaders.public.current`) tags
firms no 2025 list holds as delisted and shows listed firms under their 2025 names.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from graph.schema import Company, NodeKind
from graph.store import Store
from loaders.public import (
    a_share,
    chain_kg,
    executives,
    finre,
    ickg,
    namechange,
    rankings,
    rankings_cn,
    szse,
)
from loaders.public.current import mark_current
from loaders.report import Issue, LoadReport
from resolve.index import CompanyIndex

Loader = Callable[[Path, Store, CompanyIndex], LoadReport]

#: (folder name, loader), in load order.
DATASETS: list[tuple[str, Loader]] = [
    ("chain-kg", chain_kg.load),
    ("szse-2025", szse.load),
    ("executives-2018", executives.load),
    ("a-share-2025", a_share.load),
    ("namechange-2023", namechange.load),
    ("ickg25", ickg.load),
    ("finre", finre.load),
    ("rankings", rankings.load),
    ("rankings", rankings_cn.load),
]


#: Datasets that name firms only by name, linked to the registries' listed firms ...
_LINKING = ("ickg25", "finre", "rankings")
#: ... which these load (with 2025 legal names and every A-share code).
_REGISTRIES = ("chain-kg", "szse-2025", "a-share-2025")


def _registries_loaded(store: Store) -> bool:
    """Tell whether a registry has loaded listed firms (stops at the first found)."""
    for node in store.nodes(NodeKind.COMPANY):
        if isinstance(node, Company) and any(s.dataset in _REGISTRIES for s in node.sources):
            return True
    return False


def _refused(name: str) -> LoadReport:
    """The report of a name-linking dataset refused before the registries."""
    report = LoadReport(dataset=name)
    message = (
        f"{name} 只按名称关联企业，须在上市公司名录（{'、'.join(_REGISTRIES)}）之后载入："
        "先载入会把同一企业建成两个节点（如 Sany Heavy Industry 与 600031）；未载入"
    )
    report.add(Issue(name, 0, "", "registries_first", message))
    return report


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
        ``szse-2025/``, ``namechange-2023/``, ``ickg25/``, ``finre/`` and ``rankings/``
        (as in ``../shared/data``).
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
        One per dataset, in load order, then the current-names pass
        (:func:`loaders.public.current.mark_current`) when a 2025 list was loaded. A missing
        folder gives a report with one ``missing_dataset`` issue instead of an
        exception. ickg25, finre and the rankings asked for before any registry has
        loaded (neither in the store nor in ``only``) are refused with one
        ``registries_first`` error each: loaded first, they would leave a firm twice
        (its English or legal name beside its stock code), since the registries key
        listed firms by code.
    """
    index = index if index is not None else CompanyIndex.from_store(store)
    reports: list[LoadReport] = []
    for name, loader in DATASETS:
        if only is not None and name not in only:
            continue
        if on_start is not None:
            on_start(name)
        folder = root / name
        early = name in _LINKING and not set(_REGISTRIES) & set(only or _REGISTRIES)
        if early and not _registries_loaded(store):
            reports.append(_refused(name))
            continue
        if not folder.is_dir():
            report = LoadReport(dataset=name)
            report.add(Issue(name, 0, "", "missing_dataset", f"找不到文件夹 {folder}"))
            reports.append(report)
            continue
        reports.append(loader(folder, store, index))
    if only is None or {"a-share-2025", "szse-2025"} & set(only):
        reports.append(mark_current(store))
    return reports
