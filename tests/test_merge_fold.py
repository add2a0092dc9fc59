"""Repeated rows of one firm (issue 16): merging is linear and equals pairwise merges.

The first input is the reproduction (N identical rows of a roster, written at
``tmp_path``); the fold is checked against a plain pairwise merge written here.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest

import graph.merge
from graph.merge import fold_records
from graph.schema import NodeKind
from graph.store import open_store
from loaders.office.table_loader import load_table
from resolve.index import CompanyIndex

# -- 1. repeated rows: linear merging -------------------------------------------------


def _source_key_calls(tmp_path: Path, rows: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """Load ``rows`` identical rows; count the identity look-ups of sources merged."""
    path = tmp_path / f"重复{rows}.csv"
    path.write_text("企业名称,所属行业\n" + "青岛重复科技有限公司,软件\n" * rows, "utf-8")
    calls = [0]
    real = graph.merge.source_key

    @functools.wraps(real)
    def counting(source: dict[str, Any]) -> object:
        calls[0] += 1
        return real(source)

    monkeypatch.setattr(graph.merge, "source_key", counting)
    store = open_store(tmp_path / f"g{rows}.zsg")
    report = load_table(path, store, CompanyIndex())
    monkeypatch.setattr(graph.merge, "source_key", real)
    [firm] = store.nodes(NodeKind.COMPANY)
    assert [s.row for s in firm.sources] == list(range(2, rows + 2))  # every row kept once
    assert report.rows_read == rows and report.issues == []
    return calls[0]


def test_identical_rows_merge_in_linear_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # N identical rows took 4 s at 1,000 and 96 s at 5,000 (quadratic): each row merged
    # its one source into the firm's growing list. Linear work: 8x rows, about 8x calls
    # (quadratic would be 64x).
    small = _source_key_calls(tmp_path, 200, monkeypatch)
    large = _source_key_calls(tmp_path, 1600, monkeypatch)
    assert large / small < 12


def _reference_merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The merge rule written pairwise and plainly (lists copied), to check the fold."""

    def key(s: dict[str, Any]) -> object:
        if s.get("digest"):
            return (s["dataset"], s["file"], s["row"], s["digest"])
        return tuple(sorted(s.items()))

    earliest: dict[object, str] = {}
    for s in [*old.get("sources", []), *new.get("sources", [])]:
        rev = s.get("revision") or ""
        earliest[key(s)] = min(rev, earliest.get(key(s), rev))

    def newest(rec: dict[str, Any]) -> str:
        return max((earliest[key(s)] for s in rec.get("sources", [])), default="")

    newer = newest(new) > newest(old)
    merged = dict(old)
    for k, value in new.items():
        if value is None or k == "name":
            continue
        if k == "sources":
            kept: dict[object, dict[str, Any]] = {}
            for s in [*merged.get(k, []), *value]:
                have = kept.get(key(s))
                if have is None or (s.get("revision") or "") < (have.get("revision") or ""):
                    kept[key(s)] = s
            merged[k] = list(kept.values())
        elif k in ("aliases", "tags"):
            merged[k] = list(dict.fromkeys([*merged.get(k, []), *value]))
        elif merged.get(k) is None or (newer and k not in ("id", "kind")):
            merged[k] = value
    if new.get("name") is not None and old.get("name") not in (None, new["name"]):
        best = min(
            old["name"],
            new["name"],
            key=lambda n: (not n.endswith("公司"), -len(n), n),
        )
        merged["name"] = best
        merged["aliases"] = list(
            dict.fromkeys([*merged.get("aliases", []), old["name"], new["name"]])
        )
    elif new.get("name") is not None:
        merged["name"] = new["name"]
    if "aliases" in merged:
        merged["aliases"] = [a for a in merged["aliases"] if a != merged.get("name")]
    return merged


def test_fold_equals_pairwise_merges_on_random_records() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    def identity(s: dict[str, Any]) -> object:
        return (s["file"], s["row"], s.get("digest") or ("", s.get("revision")))

    source = st.fixed_dictionaries(
        {"dataset": st.just("d"), "file": st.sampled_from(["a.csv", "b.csv"]),
         "row": st.integers(2, 4)},
        optional={"digest": st.sampled_from(["x", "y"]),
                  "revision": st.sampled_from(["2025", "2026", "2027"])},
    )  # fmt: skip
    record = st.fixed_dictionaries(
        {
            "id": st.just("Company:1"),  # a record never holds one source twice
            "sources": st.lists(source, min_size=1, max_size=3, unique_by=identity),
        },
        optional={
            "name": st.sampled_from(["甲", "甲公司", "乙有限公司"]),
            "address": st.sampled_from(["东路", "西路"]),
            "aliases": st.lists(st.sampled_from(["甲", "丙"]), max_size=2, unique=True),
            "tags": st.lists(st.sampled_from(["链主", "专精特新"]), max_size=2, unique=True),
        },
    ).filter(lambda r: r.get("name") not in r.get("aliases", []))  # as models hold them

    @settings(max_examples=300, deadline=None)
    @given(st.lists(record, min_size=1, max_size=6))
    def check(records: list[dict[str, Any]]) -> None:
        expected = functools.reduce(_reference_merge, records)
        assert fold_records(records) == expected
        assert fold_records([expected, *records]) == expected  # re-sending changes nothing

    check()
