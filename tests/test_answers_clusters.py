"""Issue 13, fault 2: firms missing from company.json keep their chain-kg industry.

The 103 company_industry.json rows whose code is not in company.json (worked out here
with json, independently of the loader) each give an IN_INDUSTRY link, and the firms
named in the issue are cluster candidates: 三一重工 (600031, 工程机械整机 640601) in
高端装备, 中国石化 (600028) and 中国石油 (601857) in 绿色化工, 中芯国际 (688981,
集成电路制造 270106) in 新一代信息技术.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.schema import RelKind
from graph.sqlite_store import SqliteStore
from queries.clusters import read_clusters
from queries.profile import ScoringProfile
from queries.targets import build_universe

ROOT = Path(__file__).resolve().parent.parent


def _json_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def test_industry_rows_of_firms_missing_from_company_json(
    public_store: SqliteStore, public_data: Path
) -> None:
    kg = public_data / "chain-kg"
    listed = {str(r["code"]).split(".")[0] for r in _json_lines(kg / "company.json")}
    missing = [
        (str(r["company_code"]).split(".")[0], str(r["industry_code"]), str(r["company_name"]))
        for r in _json_lines(kg / "company_industry.json")
        if str(r["company_code"]).split(".")[0] not in listed
    ]
    assert len(missing) == 103
    classes = {str(r["code"]) for r in _json_lines(kg / "industry.json")}
    links = {
        (d["src"], d["dst"])
        for d in public_store.raw_relations()
        if d["kind"] == RelKind.IN_INDUSTRY.value
    }
    for code, industry, name in missing:
        node = public_store.get_node(f"Company:{code}")
        assert node is not None and name in (node.name, *node.aliases)
        if industry not in classes:  # a class industry.json lacks: reported, not linked
            continue
        assert (f"Company:{code}", f"Industry:SW-2021:{industry}") in links, (code, name)


@pytest.mark.parametrize(
    ("cluster", "codes"),
    [
        ("高端装备", ["600031"]),
        ("绿色化工", ["600028", "601857"]),
        ("新一代信息技术", ["688981"]),
    ],
)
def test_named_firms_are_cluster_candidates(
    public_store: SqliteStore, cluster: str, codes: list[str]
) -> None:
    clusters = read_clusters()
    universe = build_universe(public_store, clusters.get(cluster), "37", ScoringProfile.load())
    for code in codes:
        assert f"Company:{code}" in universe.candidates, (cluster, code)
