"""Benchmark: bulk loads into Neo4j, and the same queries on both backends side by side.

Usage::

    NEO4J_URI=bolt://127.0.0.1:7687 .venv/bin/python bench/neo4j.py \
        [--graph FILE.db] [--synthetic 200000] [--targets 5]

**Wipes the Neo4j database** named by the environment (see :mod:`graph.neo4j_store`).
Steps, in one run:

1. the real public data (``--graph``, a saved embedded store, or loaded from
   ``../shared/data``) pushed into the emptied database with
   :func:`graph.neo4j_bulk.copy_graph` — nodes/s and relations/s;
2. the same queries on the embedded store and on Neo4j, end to end as the CLI runs them
   (resolve the name, read the tie graph, search): ``introduce`` for ``--targets``
   non-Shandong listed firms, then ``targets --cluster 高端装备`` (n = 50); the answers
   are checked equal;
3. a seeded synthetic corporate graph of ``--synthetic`` relations (officers, stakes,
   supply, joint ventures, investments between ``relations / 4`` firms and
   ``relations / 8`` people) pushed into the emptied database.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named neo4j.py: drop its folder from the path so that `import neo4j`
# (inside graph.neo4j_store) finds the driver, not this script.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

from graph.ids import new_relation  # noqa: E402
from graph.neo4j_bulk import copy_graph  # noqa: E402
from graph.neo4j_store import Neo4jStore  # noqa: E402
from graph.schema import Company, Person, Relation, RelKind, Source  # noqa: E402
from graph.sqlite_store import SqliteStore  # noqa: E402
from graph.store import Store  # noqa: E402
from queries.clusters import read_clusters  # noqa: E402
from queries.paths import SearchContext, referral_paths  # noqa: E402
from queries.targets import target_list  # noqa: E402
from queries.view import find_company  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 1, 1)
TARGETS = ["三一重工", "中国石化", "格力电器", "宁德时代", "比亚迪", "海尔智家", "美的集团"]
SRC = [Source(dataset="synthetic", file="bench", row=1)]


def real_store(graph: Path | None) -> SqliteStore:
    """The public graph: a saved file, or loaded from ``../shared/data``."""
    if graph is not None:
        return SqliteStore(graph)
    from loaders.public.load import load_public

    store = SqliteStore(None)
    load_public(ROOT.parent / "shared" / "data", store)
    return store


def synthetic(n_relations: int, seed: int = 11) -> SqliteStore:
    """A seeded corporate graph of about ``n_relations`` relations (duplicates dropped)."""
    rng = random.Random(seed)
    n_firms, n_people = max(n_relations // 4, 10), max(n_relations // 8, 10)
    provinces = ["11", "31", "32", "33", "37", "44", "51"]
    firms = [
        Company(
            id=f"Company:S{i}",
            name=f"合成企业{i}有限公司",
            region_code=rng.choice(provinces) + "0100",
            sources=SRC,
        )
        for i in range(n_firms)
    ]
    people = [Person(id=f"Person:S{i}", name=f"张{i}", sources=SRC) for i in range(n_people)]
    store = SqliteStore(None)
    store.upsert_nodes([*firms, *people])
    kinds = [RelKind.OFFICER_OF] * 4 + [RelKind.OWNS] * 2 + [RelKind.SUPPLIES] * 2
    kinds += [RelKind.PARTNERS_WITH, RelKind.INVESTED_IN]
    roles = ["董事长", "董事", "独立董事", "总经理", "监事"]
    rels: dict[str, Relation] = {}
    while len(rels) < n_relations:
        kind = rng.choice(kinds)
        firm = firms[int(n_firms * rng.random() ** 3)].id  # skewed: low indexes are hubs
        if kind is RelKind.OFFICER_OF:
            rel = new_relation(kind, people[rng.randrange(n_people)].id, firm, SRC)
            rel = rel.model_copy(update={"roles": [rng.choice(roles)]})
        else:
            other = firms[rng.randrange(n_firms)].id
            if other == firm:
                continue
            rel = new_relation(kind, other, firm, SRC)
        rels[rel.id] = rel
    store.upsert_relations(rels.values())
    return store


def push(source: Store, db: Neo4jStore) -> tuple[float, float]:
    """Wipe ``db``, copy ``source`` into it; return (nodes/s, relations/s)."""
    db.clear()
    n_nodes = sum(source.count_nodes().values())
    n_rels = sum(source.count_relations().values())
    t0 = time.perf_counter()
    done: dict[str, float] = {}
    count = {"relations": 0}

    def on_relations(n: int) -> None:
        before, count["relations"] = count["relations"], count["relations"] + n
        if count["relations"] // 100_000 > before // 100_000:
            elapsed = time.perf_counter() - done.get("nodes", t0)
            print(f"    {count['relations']:,} relations after {elapsed:.0f} s", flush=True)

    copy_graph(
        source,
        db,
        on_nodes=lambda _: done.__setitem__("nodes", time.perf_counter()),
        on_relations=on_relations,
    )
    t1, t2 = done.get("nodes", t0), time.perf_counter()
    print(
        f"  {n_nodes:,} nodes in {t1 - t0:.1f} s ({n_nodes / (t1 - t0):,.0f}/s), "
        f"{n_rels:,} relations in {t2 - t1:.1f} s ({n_rels / (t2 - t1):,.0f}/s)",
        flush=True,
    )
    return n_nodes / (t1 - t0), n_rels / (t2 - t1)


def introduce(store: Store, name: str) -> object:
    """``zhaoshang introduce NAME --home 37 -k 5`` without the printing."""
    target = find_company(store, name)
    ctx = SearchContext.build(store, "37", as_of=AS_OF)
    return referral_paths(store, target, "37", k=5, context=ctx)


def targets(store: Store) -> object:
    """``zhaoshang targets --cluster 高端装备 --home 37 -n 50`` without the printing."""
    cluster = read_clusters(ROOT / "queries" / "data" / "shandong.toml").get("高端装备")
    return target_list(store, cluster, "37", n=50, as_of=AS_OF)


def timed(func: Callable[..., object], *args: object) -> tuple[float, object]:
    """Return (seconds, result) of one call."""
    t0 = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - t0, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--graph", type=Path, help="saved embedded store of the public data")
    parser.add_argument("--synthetic", type=int, default=200_000, help="synthetic relations")
    parser.add_argument("--targets", type=int, default=5, help="introduce queries")
    parser.add_argument(
        "--synthetic-only", action="store_true", help="only the synthetic bulk load"
    )
    args = parser.parse_args()
    db = Neo4jStore()
    print(f"Neo4j: {db}", flush=True)
    if not args.synthetic_only:
        real_part(args.graph, args.targets, db)
    print(f"\nbulk load, synthetic graph of {args.synthetic:,} relations:", flush=True)
    t0 = time.perf_counter()
    synth = synthetic(args.synthetic)
    print(f"  generated in {time.perf_counter() - t0:.1f} s", flush=True)
    push(synth, db)
    db.clear()


def real_part(graph: Path | None, n_targets: int, db: Neo4jStore) -> None:
    """Push the real data, then time the same queries on both backends."""

    real = real_store(graph)
    print("bulk load, real public data:", flush=True)
    push(real, db)

    print(f"\n{'query':<28}{'embedded s':>12}{'neo4j s':>10}  equal", flush=True)
    emb_times, neo_times = [], []
    for name in TARGETS[:n_targets]:
        t_emb, r_emb = timed(introduce, real, name)
        t_neo, r_neo = timed(introduce, db, name)
        emb_times.append(t_emb)
        neo_times.append(t_neo)
        print(f"{'introduce ' + name:<28}{t_emb:>12.2f}{t_neo:>10.2f}  {r_emb == r_neo}")
    med_e, med_n = statistics.median(emb_times), statistics.median(neo_times)
    print(f"{'introduce (median)':<28}{med_e:>12.2f}{med_n:>10.2f}")
    t_emb, r_emb = timed(targets, real)
    t_neo, r_neo = timed(targets, db)
    print(f"{'targets 高端装备 (n=50)':<28}{t_emb:>12.2f}{t_neo:>10.2f}  {r_emb == r_neo}")


if __name__ == "__main__":
    main()
