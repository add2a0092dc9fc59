"""A seeded synthetic office graph written through the store, for the scale benchmarks.

``n`` actor nodes (90 % firms, 10 % people; 3 % of the firms registered in 山东 37,
the rest in ten other provinces), 20 industries (SW-2021-like codes under system
``SYN``) with one IN_INDUSTRY per firm, and ``5 n`` ties (OFFICER_OF with roles,
SUPPLIES, OWNS with stakes, PARTNERS_WITH, INVESTED_IN) whose endpoints are uniform or,
for a quarter, Zipf-skewed (hubs) — the shape of ``bench/paths.py``'s generator, but
as typed records loaded through :class:`graph.sqlite_store.SqliteStore` (or written as
the old gzip ``.zsg`` file for the baseline).

Usage: ``python bench/synthetic_store.py N OUT.db [--zsg OUT.zsg]``; prints the
load's wall time and peak memory. Imported by ``bench/cli.py``.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import resource
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from graph.ids import relation_id
from graph.schema import Company, Industry, Person, Relation, RelKind, Source, to_record

PROVINCES = ["110000", "310000", "320500", "330100", "440300", "420100", "510100", "610100"]
ROLES = ["董事长", "董事", "独立董事", "总经理", "监事"]
KINDS = [RelKind.OFFICER_OF, RelKind.SUPPLIES, RelKind.OWNS, RelKind.PARTNERS_WITH]
KINDS += [RelKind.INVESTED_IN]
SRC = Source(dataset="synthetic", file="generated", row=0)
INDUSTRIES = 20
BATCH = 20_000
#: Child processes building the records (two: the writer then has the second core
#: whenever they wait for it).
WORKERS = 2


def cluster_toml() -> str:
    """A cluster file over the synthetic industries (home 37, two core industries)."""
    return (
        'home_region = "37"\n\n[[cluster]]\nname = "合成集群"\nindustry_system = "SYN"\n'
        'core_industries = ["100000", "110000"]\nrelated_industries = ["120000"]\n'
        "products = []\n"
    )


def node_id(i: int, n_firms: int) -> str:
    return f"Company:S{i:07d}" if i < n_firms else f"Person:P{i:07d}"


def records(n: int, seed: int = 5) -> Iterator[tuple[str, list[object]]]:
    """Yield ``("nodes", [...])`` batches, then ``("relations", [...])`` batches."""
    for table, build in batches(n, seed):
        yield table, build()


def batches(n: int, seed: int = 5) -> Iterator[tuple[str, Callable[[], list[object]]]]:
    """The batches of :func:`records` as functions building them: the random draws are
    made here, in order, and the records built only by the process that calls the
    function (see ``workers`` in :func:`graph.prepared.load_in_background`)."""
    rng = np.random.default_rng(seed)
    n_firms = int(n * 0.9)
    ids = [node_id(i, n_firms) for i in range(n)]  # looked up, not formatted, per record
    local = rng.random(n_firms) < 0.03
    prov = rng.integers(0, len(PROVINCES), n_firms)
    industry = rng.integers(0, INDUSTRIES, n_firms)
    codes = [f"{10 + k}0000" for k in range(INDUSTRIES)]

    def industries() -> list[object]:
        return [
            Industry(
                id=f"Industry:SYN:{c}", name=f"合成行业{c}", code=c, system="SYN", sources=[SRC]
            )
            for c in codes
        ]

    def actors(lo: int) -> list[object]:
        batch: list[object] = []
        for i in range(lo, min(n, lo + BATCH)):
            if i < n_firms:
                region = "370100" if local[i] else PROVINCES[prov[i]]
                batch.append(
                    Company(
                        id=ids[i],
                        name=f"合成企业{i:07d}有限公司",
                        region_code=region,
                        sources=[SRC],
                    )
                )
            else:
                batch.append(Person(id=ids[i], name=f"人员{i}", sources=[SRC]))
        return batch

    def in_industry(lo: int) -> list[object]:
        return [
            Relation(
                id=relation_id(RelKind.IN_INDUSTRY, ids[i], f"Industry:SYN:{codes[industry[i]]}"),
                kind=RelKind.IN_INDUSTRY,
                src=ids[i],
                dst=f"Industry:SYN:{codes[industry[i]]}",
                sources=[SRC],
            )
            for i in range(lo, min(n_firms, lo + BATCH))
        ]

    officer, partners, owns = RelKind.OFFICER_OF, RelKind.PARTNERS_WITH, RelKind.OWNS

    def ties(draws: tuple[list[Any], ...]) -> list[object]:
        kind, src, dst, people, role, stake = draws
        batch: list[object] = []
        for j in range(len(kind)):
            k = KINDS[kind[j]]
            a = ids[people[j] if k is officer else src[j]]
            b = ids[dst[j]]
            if a == b:
                continue
            props: dict[str, object] = {}
            if k is officer:
                props["roles"] = [ROLES[role[j]]]
            elif k is owns:
                props["share_pct"] = round(stake[j], 2)
            if k is partners and b < a:
                a, b = b, a
            batch.append(
                Relation(
                    id=relation_id(k, a, b),
                    kind=k,
                    src=a,
                    dst=b,
                    sources=[SRC],
                    confidence=1.0,
                    private=False,
                    **props,
                )
            )
        return batch

    yield "nodes", industries
    for lo in range(0, n, BATCH):
        yield "nodes", functools.partial(actors, lo)
    for lo in range(0, n_firms, BATCH):
        yield "relations", functools.partial(in_industry, lo)
    m = 5 * n
    for lo in range(0, m, BATCH):
        size = min(m, lo + BATCH) - lo
        # Drawn as numpy arrays (the same draws as always), read as Python numbers:
        # indexing numpy arrays element by element cost a third of the generator.
        kind = rng.integers(0, len(KINDS), size).tolist()
        src = rng.integers(0, n_firms, size).tolist()
        skew = rng.random(size) < 0.25
        ranks = np.minimum(rng.zipf(1.6, size) - 1, n_firms - 1)
        dst = np.where(skew, ranks * 7919 % n_firms, rng.integers(0, n_firms, size)).tolist()
        people = rng.integers(n_firms, n, size).tolist()
        role = rng.integers(0, len(ROLES), size).tolist()
        stake = rng.uniform(0.5, 80, size).tolist()
        yield "relations", functools.partial(ties, (kind, src, dst, people, role, stake))


def load(n: int, db: Path) -> tuple[float, float]:
    """Write the graph into a new SQLite store; return (seconds, peak MiB).

    The records are built, validated and prepared in two child processes while this
    one writes (:func:`graph.prepared.load_in_background`); the peak is this
    process's peak plus ``WORKERS`` times the largest child's (an upper bound of what
    they held at once).
    """
    from graph.prepared import load_in_background
    from graph.sqlite_store import SqliteStore

    started = time.perf_counter()
    store = SqliteStore(db)
    load_in_background(store, lambda: batches(n), workers=WORKERS)  # type: ignore[arg-type,return-value]
    store.save()
    store.close()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child
    peak = own + WORKERS * children
    return time.perf_counter() - started, peak / 1024


def write_zsg(n: int, path: Path) -> None:
    """Write the same graph in the old gzip JSON-lines format (the baseline's file).

    Streamed: each record is written as it is made; a relation id drawn twice keeps its
    first record (the store would merge the two: same endpoints and source, at most
    another role or stake — no difference to the baseline's timings). Holding every
    line to sort them, as before, took over 20 GB at 10^6 nodes.
    """
    seen: set[str] = set()
    with gzip.open(path, "wb", compresslevel=1) as fh:
        fh.write(orjson.dumps({"format": "zhaoshang-graph", "version": 1}) + b"\n")
        for what, batch in records(n):
            for model in batch:
                rec = to_record(model)  # type: ignore[arg-type]
                if what == "nodes":
                    fh.write(orjson.dumps({"n": rec}) + b"\n")
                elif rec["id"] not in seen:
                    seen.add(rec["id"])
                    fh.write(orjson.dumps({"r": rec}) + b"\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("db", type=Path)
    parser.add_argument("--zsg", type=Path)
    args = parser.parse_args()
    if args.zsg:
        write_zsg(args.n, args.zsg)
        return
    seconds, peak = load(args.n, args.db)
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    print(
        f"CPU: writer {own.ru_utime + own.ru_stime:.1f} s, peak {own.ru_maxrss / 1024:.0f} MiB; "
        f"{WORKERS} builders {children.ru_utime + children.ru_stime:.1f} s, "
        f"peak {children.ru_maxrss / 1024:.0f} MiB each at most",
        file=sys.stderr,
    )
    print(f"{seconds:.1f} {peak:.0f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
