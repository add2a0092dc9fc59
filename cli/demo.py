"""``zhaoshang demo``: the illustrative 岚港市 dataset, end to end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cli.common import err, out
from cli.render import region_label, show_referrals, show_targets
from graph.errors import LoadError
from graph.files import remove_store_files
from graph.privacy import redact
from graph.schema import NodeKind, Region
from graph.sqlite_store import SqliteStore
from loaders.office.csv_folder import load_folder
from queries.clusters import read_clusters
from queries.export import write_workbook
from queries.paths import SearchContext, referral_paths
from queries.targets import target_list
from resolve.index import CompanyIndex

REPO = Path(__file__).resolve().parent.parent


def run_demo(out_dir: Path, data: Path | None = None, top: int = 2) -> Path:
    """Load the demo folder, rank each cluster's targets, explain the top ones' paths.

    Parameters
    ----------
    out_dir : Path
        Receives ``demo.db`` (the graph) and ``targets.xlsx`` (one sheet per cluster).
    data : Path, optional
        The demo data folder (default: ``examples/demo`` of the repository).
    top : int
        Referral paths are printed for this many top targets of each cluster.

    Returns
    -------
    Path
        The target workbook written. When ``data`` has a ``ledger`` folder (units,
        projects, outings, 备案, channels), it is loaded before the search (our
        channels are introducers too) and the 调度 table printed and written to
        ``调度.xlsx``.

    Raises
    ------
    LoadError
        When the demo folder or its ``clusters.toml`` is missing.
    """
    data = data or REPO / "examples" / "demo"
    if not (data / "clusters.toml").is_file():
        raise LoadError(f"{data} 中没有 clusters.toml（这是示例数据文件夹吗？）")
    out_dir.mkdir(parents=True, exist_ok=True)
    graph_path = out_dir / "demo.db"
    remove_store_files(graph_path)
    store = SqliteStore(graph_path)
    report = load_folder(data, store, CompanyIndex.from_store(store), dataset="demo")
    store.save()
    err.print(report.summary(), highlight=False)
    ledger = data / "ledger"
    if ledger.is_dir():  # before the search: our channels (驻外办事处 …) introduce too
        _load_ledger(store, ledger)
    clusters = read_clusters(data / "clusters.toml")
    home = clusters.home_region or ""
    places = [(n.code, n.name) for n in store.nodes(NodeKind.REGION) if isinstance(n, Region)]
    label = region_label(home, places)  # the demo city 岚港市 is a Region of its own data
    ctx = SearchContext.build(store, home)
    lists = []
    for cluster in clusters.cluster:
        tl = target_list(store, cluster, home, n=20, context=ctx)
        lists.append(tl)
        show_targets(out, redact(tl))  # people masked, as in every output
        for row in tl.rows[:top]:
            found = referral_paths(store, row.company, home, k=3, context=ctx)
            show_referrals(out, redact(found), label)
            out.print()
    workbook = write_workbook(lists, out_dir / "targets.xlsx", sources=[f"{data} (示例数据)"])
    out.print(f"目标企业清单已写入 {workbook}")
    if ledger.is_dir():
        _ledger(store, out_dir, [c.name for c in clusters.cluster])
    return workbook


def _load_ledger(store: SqliteStore, folder: Path) -> None:
    """Load the demo's 招商 ledger (units, projects, outings, 备案, channels)."""
    from loaders.office.table_loader import load_dir

    report = load_dir(folder, store, CompanyIndex.from_store(store), dataset="demo")
    store.save()
    err.print(report.summary(), highlight=False)


def _ledger(store: SqliteStore, out_dir: Path, clusters: list[str]) -> None:
    """Print the demo ledger's 调度 table for 2026-01-01 … 05-31 (with the reserve
    gaps of the demo city's ``clusters``) and its channels' record."""
    from cli.ledger_cli import show_own_channels, show_progress
    from queries.channels import channel_report
    from queries.progress import progress
    from queries.progress_xlsx import write_progress_xlsx

    day = dt.date(2026, 5, 31)
    table = progress(store, dt.date(2026, 1, 1), day, clusters)
    out.print()
    show_progress(table)
    out.print(f"调度表已写入 {write_progress_xlsx(table, out_dir / '调度.xlsx')}")
    found = channel_report(store, day)
    out.print()
    show_own_channels(redact(found, names=found.own.people()))  # ambassadors masked
