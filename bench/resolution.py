"""Benchmark: precision and recall of entity resolution on the hand-labelled real pairs.

Usage: ``.venv/bin/python bench/resolution.py [DATA_DIR]`` (default ``../shared/data``).

Loads the public data into a temporary embedded store (about 20 s), then scores
``tests/fixtures/resolution/firm_pairs.csv`` and ``person_pairs.csv`` (see
:mod:`resolve.evaluate`), per category, side by side with the baseline: the
foundation's linking (exact :func:`resolve.normalise.name_key` match, unique legal name
first, then unique short name; the rankings table's stock codes are used by both).
Target (issue 4): precision ≥ 0.98, recall ≥ 0.85 on the firm pairs.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

from graph.schema import Company, NodeKind
from graph.sqlite_store import SqliteStore
from loaders.public.load import load_public
from resolve.evaluate import (
    Predict,
    Scores,
    firm_predictor,
    score_firm_pairs,
    score_person_pairs,
)
from resolve.index import CompanyIndex
from resolve.normalise import name_key

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "tests" / "fixtures" / "resolution"


def baseline_predictor(store: SqliteStore, index: CompanyIndex) -> Predict:
    """The foundation's rule: exact name key, unique legal name, then unique alias."""
    full: dict[str, set[str]] = defaultdict(set)
    alias: dict[str, set[str]] = defaultdict(set)
    for node in store.nodes(NodeKind.COMPANY):
        assert isinstance(node, Company)
        if not node.stock_codes:
            continue  # name-only nodes were created by the loads themselves
        if node.full_name:
            full[name_key(node.full_name)].add(node.id)
        for name in (node.name, *node.aliases):
            alias[name_key(name)].add(node.id)

    def predict(dataset: str, where: str, mention: str) -> str | None:
        file = where.split(":")[0].split("/")[-1]
        decision = index.decisions.get((f"{dataset}/{file}", mention))
        if decision is not None and decision.match.rule == "stock_code":
            return decision.match.id
        key = name_key(mention)
        for table in (full, alias):
            hits = table.get(key, set())
            if hits:
                return next(iter(hits)) if len(hits) == 1 else None
        return None

    return predict


def _row(label: str, now: Scores, base: Scores) -> str:
    return (
        f"{label:<22}{now.pairs:>6}{now.precision:>11.3f}{now.recall:>9.3f}"
        f"{base.precision:>13.3f}{base.recall:>9.3f}"
    )


def main(root: Path) -> None:
    store = SqliteStore(None)
    index = CompanyIndex()
    started = time.perf_counter()
    load_public(root, store, index=index)
    print(f"public data loaded in {time.perf_counter() - started:.1f} s\n")
    now = score_firm_pairs(PAIRS / "firm_pairs.csv", firm_predictor(index))
    base = score_firm_pairs(PAIRS / "firm_pairs.csv", baseline_predictor(store, index))
    print(
        f"{'firm pairs':<22}{'pairs':>6}{'precision':>11}{'recall':>9}"
        f"{'base prec.':>13}{'recall':>9}"
    )
    for cat in sorted(now):
        print(_row(cat, now[cat], base[cat]))
    people = score_person_pairs(PAIRS / "person_pairs.csv", store)
    print(f"\n{'person pairs':<22}{'pairs':>6}{'precision':>11}{'recall':>9}")
    for cat in sorted(people):
        s = people[cat]
        print(f"{cat:<22}{s.pairs:>6}{s.precision:>11.3f}{s.recall:>9.3f}")
    print("\nwrong firm pairs:", ", ".join(now["all"].errors) or "none")
    print("wrong person pairs:", ", ".join(people["all"].errors) or "none")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
