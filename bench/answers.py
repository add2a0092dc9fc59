"""Benchmark: are the answers an officer gets current, dated and the right way round?

Usage::

    .venv/bin/python bench/answers.py --graph zhaoshang.zsg [--data ../shared/data]
        [--homes 3707,37] [--as-of 2026-01-01] [--current-years 3]

For each home region (default 潍坊 3707 and 山东 37) and each of :data:`TARGETS`, ten
well-known firms outside Shandong, it asks for the top-5 referral paths and prints the
share of those paths whose every hop is

- **dated**: the relation has a ``since``, ``until`` or ``as_of`` date;
- **current**: that last date lies within ``--current-years`` of ``--as-of`` and
  neither end is a firm the 2025 lists no longer hold (delisted);
- **in the registry's direction**: a directed hop (PARENT_OF, OWNS, INVESTED_IN,
  ACQUIRED) does not run from a firm to its actual controller (a-share-2025 CONTROLS)
  nor from a unit named after its parent (X + 终端, X + 海外 …) to that parent;

then, for the clusters of ``queries/data/shandong.toml``, the share of each
cluster's top-20 targets with a stock code that are still listed in 2025.

The 2025 listings are read here from the source files (a-share-2025 and the SZSE
list), not from the graph, and the script only uses query functions that every version
of the package has, so the same script measures an older checkout: put that checkout
first on ``PYTHONPATH`` and point ``--graph`` at a graph it loaded.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import sys
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: Well-known firms outside Shandong (stock codes).
TARGETS = (
    "601766",  # 中国中车
    "300750",  # 宁德时代
    "600031",  # 三一重工
    "002594",  # 比亚迪
    "688981",  # 中芯国际
    "600028",  # 中国石化
    "000651",  # 格力电器
    "601012",  # 隆基绿能
    "000725",  # 京东方A
    "000333",  # 美的集团
)
CLUSTERS = ("高端装备", "新能源新材料", "绿色化工", "新一代信息技术")
DIRECTED = {"PARENT_OF", "OWNS", "INVESTED_IN", "ACQUIRED"}
EVENTS = {"INVESTED_IN", "ACQUIRED", "PARTNERS_WITH", "SUPPLIES", "CONTACTED", "LP_IN"}
_CJK = re.compile(r"[\u3400-\u9fff]")


def listed_2025(data: Path) -> set[str]:
    """6-digit codes in a-share-2025 or the SZSE list (A and B codes)."""
    import openpyxl

    with (data / "a-share-2025" / "股票列表.csv").open(encoding="utf-8") as fh:
        codes = {r["symbol"] for r in csv.DictReader(fh)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(data / "szse-2025" / "A股列表.xlsx").active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    head = [str(h).replace(" ", "") for h in rows[0]]
    for row in rows[1:]:
        for col in ("A股代码", "B股代码"):
            if row[head.index(col)]:
                codes.add(str(row[head.index(col)]))
    return codes


def _unit_of(unit: str, parent: str) -> bool:
    extra = unit[len(parent) :] if unit.startswith(parent) and len(parent) >= 2 else ""
    return bool(extra and _CJK.search(extra)) and not any(w in extra for w in ("集团", "控股"))


class Judge:
    """Hop checks on one graph."""

    def __init__(self, store: Any, listed: set[str], as_of: dt.date, years: float) -> None:
        self.store, self.listed, self.as_of, self.years = store, listed, as_of, years
        self.controllers: dict[str, set[str]] = {}
        for rel in store.raw_relations():
            if rel["kind"] == "CONTROLS":
                self.controllers.setdefault(rel["dst"], set()).add(rel["src"])

    def gone(self, node_id: str) -> bool:
        node = self.store.get_node(node_id)
        codes = [c for c in getattr(node, "stock_codes", []) if c[:3] not in ("200", "900")]
        return bool(codes) and not any(c[:6] in self.listed for c in codes)

    def last(self, hop: Any) -> dt.date | None:
        as_of = getattr(hop, "as_of", None)
        if hop.until:
            return hop.until  # type: ignore[no-any-return]
        if hop.relation in EVENTS and hop.since:
            return hop.since  # type: ignore[no-any-return]
        return as_of or hop.since  # type: ignore[no-any-return]

    def dated(self, hop: Any) -> bool:
        return self.last(hop) is not None

    def current(self, hop: Any) -> bool:
        last = self.last(hop)
        fresh = last is not None and (self.as_of - last).days / 365.25 <= self.years
        return fresh and not (self.gone(hop.relation_src) or self.gone(hop.relation_dst))

    def registry_way(self, hop: Any) -> bool:
        if hop.relation not in DIRECTED:
            return True
        if hop.relation_dst in self.controllers.get(hop.relation_src, set()):
            return False
        src = self.store.get_node(hop.relation_src)
        dst = self.store.get_node(hop.relation_dst)
        names = [{n.name, *n.aliases} if n is not None else set() for n in (src, dst)]
        return not any(_unit_of(a, b) for a in names[0] for b in names[1])


def share(good: int, total: int) -> str:
    return f"{good}/{total} = {good / total:.0%}" if total else "0/0 = –"


def main(argv: list[str] | None = None) -> int:
    """Print the two shares per home region; exit status 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--homes", default="3707,37")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 1, 1))
    parser.add_argument("--current-years", type=float, default=3.0)
    args = parser.parse_args(argv)

    from graph.errors import NoPath
    from graph.store import open_store
    from queries.clusters import read_clusters
    from queries.paths import SearchContext, referral_paths
    from queries.targets import target_list

    store = open_store(args.graph)
    listed = listed_2025(args.data)
    judge = Judge(store, listed, args.as_of, args.current_years)
    clusters = read_clusters()
    print(f"graph {args.graph}; as of {args.as_of}; current = last date within "
          f"{args.current_years:g} years and no delisted end")  # fmt: skip
    for home in args.homes.split(","):
        ctx = SearchContext.build(store, home, as_of=args.as_of)
        paths = good = 0
        counts = {"dated": 0, "current": 0, "registry": 0}
        for code in TARGETS:
            try:
                result = referral_paths(store, f"Company:{code}", home, k=5, context=ctx)
            except NoPath:
                continue
            for p in result.paths:
                paths += 1
                checks = {
                    "dated": all(judge.dated(h) for h in p.hops),
                    "current": all(judge.current(h) for h in p.hops),
                    "registry": all(judge.registry_way(h) for h in p.hops),
                }
                for key, ok in checks.items():
                    counts[key] += ok
                good += all(checks.values())
        print(f"\nhome {home}: {len(ctx.ours)} our-side nodes; top-5 paths to {len(TARGETS)} "
              f"targets: {paths}")  # fmt: skip
        print(f"  every hop dated, current and in the registry's direction: {share(good, paths)}")
        for key, n in counts.items():
            print(f"    {key:9s} {share(n, paths)}")
        coded = still = 0
        for name in CLUSTERS:
            tl = target_list(store, clusters.get(name), home, n=20, context=ctx)
            for row in tl.rows:
                if row.stock_codes:
                    coded += 1
                    still += any(c[:6] in listed for c in row.stock_codes)
        which = ", ".join(CLUSTERS)
        print(f"  cluster top-20 targets still listed ({which}): {share(still, coded)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
