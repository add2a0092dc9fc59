"""The search snapshot beside the database: built once per revision, reused, rebuilt on change.

The graph is hand-made; the expected paths and costs are worked out from the tie
strengths of ``queries/ties.toml`` (SUPPLIES 0.5, PARENT_OF 0.85).
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import math
import random
from pathlib import Path

import numpy as np
import pytest

import queries.snapshot as snapshot
from graph.ids import new_relation
from graph.schema import Company, RelKind, Source
from graph.sqlite_store import SqliteStore
from queries import reach
from queries.paths import SearchContext, referral_paths
from queries.reach import best_from_our_side
from queries.strings import StringTable

S = [Source(dataset="test", file="hand.csv", row=1)]
AS_OF = dt.date(2026, 1, 1)


def firm(key: str, region: str | None = None) -> Company:
    return Company(id=f"Company:{key}", name=f"{key}公司", region_code=region, sources=S)


def small(path: Path | None) -> SqliteStore:
    """L (local, 37) —SUPPLIES→ M —PARENT_OF→ T."""
    store = SqliteStore(path)
    store.upsert_nodes([firm("L", "370502"), firm("M", "110000"), firm("T", "310000")])
    store.upsert_relations(
        [
            new_relation(RelKind.SUPPLIES, "Company:L", "Company:M", S),
            new_relation(RelKind.PARENT_OF, "Company:M", "Company:T", S),
        ]
    )
    store.save()
    return store


def test_snapshot_is_written_beside_the_database_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = small(tmp_path / "g.db")
    ctx = SearchContext.build(store, "37", as_of=AS_OF)
    root = tmp_path / "g.db.snapshot"
    folders = [p.name for p in root.iterdir()]
    assert len(folders) == 1 and folders[0].startswith("r000000001-")
    result = referral_paths(store, "Company:T", "37", context=ctx)
    assert [p.nodes for p in result.paths] == [["Company:L", "Company:M", "Company:T"]]
    assert result.paths[0].strength == round(0.5 * 0.85, 6)

    def no_build(*args: object, **kw: object) -> None:
        raise AssertionError("the snapshot was rebuilt although nothing changed")

    monkeypatch.setattr(snapshot, "build_snapshot", no_build)
    again = SearchContext.build(SqliteStore(tmp_path / "g.db"), "37", as_of=AS_OF)
    assert again.snapshot.folder is not None and again.snapshot.folder.name == folders[0]
    assert list(again.arrays.ids) == ["Company:L", "Company:M", "Company:T"]


def test_a_change_makes_a_new_snapshot_and_removes_the_old(tmp_path: Path) -> None:
    store = small(tmp_path / "g.db")
    SearchContext.build(store, "37", as_of=AS_OF)
    # a stronger direct tie L —PARENT_OF→ T
    store.upsert_relations([new_relation(RelKind.PARENT_OF, "Company:L", "Company:T", S)])
    store.save()
    ctx = SearchContext.build(store, "37", as_of=AS_OF)
    names = [p.name for p in (tmp_path / "g.db.snapshot").iterdir()]
    assert len(names) == 1 and names[0].startswith("r000000002-"), names
    result = referral_paths(store, "Company:T", "37", context=ctx)
    assert result.paths[0].nodes == ["Company:L", "Company:T"]
    assert result.paths[0].strength == 0.85


def test_home_guides_are_kept_per_home(tmp_path: Path) -> None:
    store = small(tmp_path / "g.db")
    ctx37 = SearchContext.build(store, "37", as_of=AS_OF)
    ctx11 = SearchContext.build(store, "11", as_of=AS_OF)
    assert ctx37.ours == {"Company:L"} and ctx11.ours == {"Company:M"}
    homes = [p for p in ctx37.snapshot.folder.iterdir() if p.name.startswith("home-")]  # type: ignore[union-attr]
    assert len(homes) == 2
    assert ctx11.arrays.dist_ours[ctx11.arrays.index["Company:T"]] == pytest.approx(-math.log(0.85))


def test_string_table_round_trip_and_search(tmp_path: Path) -> None:
    words = sorted({"Company:甲", "Company:乙", "Person:张三", "Company:a", "Company:ab", ""})
    table = StringTable.of(words)
    assert list(table) == words and len(table) == len(words)
    assert all(table.position(w) == i for i, w in enumerate(words))
    assert table.position("Company:b") is None
    table.save(tmp_path, "t")
    opened = StringTable.open(tmp_path, "t", True)
    assert [opened[i] for i in range(len(words))] == words
    assert "Person:张三" in opened.positions and "x" not in opened.positions
    # the vectorised search: keys shorter and longer than entries, absent ones, prefixes
    keys = ["", "Company:", "Company:a", "Company:ab", "Company:abc", "Company:乙", "Z"]
    want = [words.index(k) if k in words else -1 for k in keys]
    assert opened.positions_of(keys).tolist() == want
    assert opened.positions_of([]).tolist() == []
    rows = np.arange(len(words))
    for prefix in ("", "Company:", "Company:a", "Person:张", "Q"):
        assert opened.startswith(prefix, rows).tolist() == [w.startswith(prefix) for w in words]


def test_best_paths_kept_per_home_and_hops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = small(tmp_path / "g.db")
    ctx = SearchContext.build(store, "37", as_of=AS_OF)
    first = dict(best_from_our_side(ctx, 2))
    kept = sorted(p.name for p in ctx.snapshot.folder.iterdir() if p.name.startswith("reach-"))  # type: ignore[union-attr]
    assert len(kept) == 1 and kept[0].endswith("-h2")
    with monkeypatch.context() as patched:
        patched.setattr(reach, "_layers", lambda *a: pytest.fail("layers computed again"))
        again = best_from_our_side(SearchContext.build(store, "37", as_of=AS_OF), 2)
    assert dict(again) == first
    assert first["Company:T"][1] == ["Company:L", "Company:M", "Company:T"]
    one = best_from_our_side(ctx, 1)  # another bound: its own layers
    assert "Company:T" not in one and "Company:M" in one
    other = best_from_our_side(SearchContext.build(store, "11", as_of=AS_OF), 2)
    assert set(other) == {"Company:L", "Company:T"}
    names = [p.name for p in ctx.snapshot.folder.iterdir() if p.name.startswith("reach-")]  # type: ignore[union-attr]
    assert len(names) == 3


def _reference_best(ctx: SearchContext, max_hops: int) -> dict[str, float]:
    """Cheapest cost within ``max_hops`` by a plain hop-bounded Dijkstra over simple paths
    on the dict tie graph (independent of the arrays)."""
    best: dict[str, float] = {}
    heap = [(0.0, 0, n, (n,)) for n in sorted(ctx.ours)]
    heapq.heapify(heap)
    settled: dict[str, int] = {}
    while heap:
        cost, hops, u, path = heapq.heappop(heap)
        if u in settled and settled[u] <= hops:
            continue
        settled[u] = hops
        if u not in ctx.ours and u not in best:
            best[u] = cost
        if hops == max_hops:
            continue
        leave = 0.0 if u in ctx.ours else -math.log(ctx.graph.pass_factor(ctx.model, u))
        for v, (s, _) in ctx.graph.adj.get(u, {}).items():
            if v not in ctx.ours and v not in path:
                heapq.heappush(heap, (cost + leave - math.log(s), hops + 1, v, (*path, v)))
    return best


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_best_paths_on_arrays_equal_a_plain_search(seed: int) -> None:
    rng = random.Random(seed)
    store = SqliteStore(None)
    n = 60
    store.upsert_nodes([firm(f"{i:02d}", "370100" if i < 5 else "440100") for i in range(n)])
    kinds = [RelKind.SUPPLIES, RelKind.PARENT_OF, RelKind.OWNS, RelKind.PARTNERS_WITH]
    pairs = {tuple(sorted(rng.sample(range(n), 2))) for _ in range(150)}
    store.upsert_relations(
        new_relation(rng.choice(kinds), f"Company:{a:02d}", f"Company:{b:02d}", S)
        for a, b in sorted(pairs)
    )
    ctx = SearchContext.build(store, "37", as_of=AS_OF)
    for max_hops in (1, 2, 4):
        expected = _reference_best(ctx, max_hops)
        got = best_from_our_side(ctx, max_hops)
        assert set(got) == set(expected)
        for node, cost in expected.items():
            c, walk = got[node]
            assert c == pytest.approx(cost, abs=1e-12)
            assert walk[0] in ctx.ours and walk[-1] == node and len(walk) - 1 <= max_hops
            assert len(set(walk)) == len(walk)
            assert ctx.arrays.path_cost([ctx.arrays.index[x] for x in walk]) == pytest.approx(c)
            assert not any(x in ctx.ours for x in walk[1:])
        assert list(itertools.islice(got, 3)) == sorted(got)[:3]


def test_the_snapshot_key_is_the_same_in_every_process() -> None:
    """String hashing is randomised per process; the key must not depend on it."""
    import os
    import subprocess
    import sys

    code = (
        "import datetime as dt; from queries.ties import TieModel; "
        "from queries.snapshot import snapshot_key; "
        "print(snapshot_key(('s', 3), TieModel.load(), dt.date(2026, 1, 1), False))"
    )
    root = Path(__file__).resolve().parent.parent
    keys = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(root)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2", "3")
    }
    assert len(keys) == 1 and next(iter(keys)).startswith("r000000003-")
