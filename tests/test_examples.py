"""The shipped example files: cluster files are well formed and use real codes and
products; the demo's industries and products are real, its city and firms fictional."""

from __future__ import annotations

import csv
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ROOT = EXAMPLES.parent
DEMO = EXAMPLES / "demo"
SHANDONG = ROOT / "queries" / "data" / "shandong.toml"
CLUSTER_FILES = [DEMO / "clusters.toml", SHANDONG]


def rows(name: str) -> list[dict[str, str]]:
    with (DEMO / name).open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def clusters(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def json_lines(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.mark.parametrize("path", CLUSTER_FILES, ids=lambda p: p.name)
def test_cluster_file_shape(path: Path) -> None:
    data = clusters(path)
    assert set(data) == {"home_region", "cluster"}
    assert data["home_region"].isdigit() and len(data["home_region"]) in (2, 4, 6)
    names = [c["name"] for c in data["cluster"]]
    assert len(names) == len(set(names))
    allowed = {"name", "description", "core_industries", "related_industries", "products"}
    for cluster in data["cluster"]:
        assert set(cluster) <= allowed, cluster["name"]
        assert cluster["core_industries"], cluster["name"]
        codes = cluster["core_industries"] + cluster.get("related_industries", [])
        assert all(isinstance(c, str) and len(c) == 6 and c.isdigit() for c in codes)
        assert len(codes) == len(set(codes)), cluster["name"]
        products = cluster.get("products", [])
        assert len(products) == len(set(products)), cluster["name"]


def test_demo_clusters_use_the_demo_vocabulary() -> None:
    data = clusters(DEMO / "clusters.toml")
    assert data["home_region"] == "3799"
    industries = {r["code"] for r in rows("industries.csv")}
    products = {r["name"] for r in rows("products.csv")}
    for cluster in data["cluster"]:
        codes = cluster["core_industries"] + cluster.get("related_industries", [])
        assert set(codes) <= industries, cluster["name"]
        assert set(cluster.get("products", [])) <= products, cluster["name"]


def test_shandong_has_the_ten_priority_industries() -> None:
    data = clusters(SHANDONG)
    assert data["home_region"] == "37"
    assert [c["name"] for c in data["cluster"]] == [
        "新一代信息技术",
        "高端装备",
        "新能源新材料",
        "绿色化工",
        "医养健康",
        "现代海洋",
        "现代高效农业",
        "文化创意",
        "精品旅游",
        "现代金融",
    ]
    by_name = {c["name"]: c for c in data["cluster"]}
    assert "640600" in by_name["高端装备"]["core_industries"]  # 工程机械
    assert "370000" in by_name["医养健康"]["core_industries"]  # 医药生物


@pytest.mark.parametrize("path", CLUSTER_FILES, ids=lambda p: p.name)
def test_cluster_codes_and_products_are_real(public_data: Path, path: Path) -> None:
    industry = {d["code"] for d in json_lines(public_data / "chain-kg" / "industry.json")}
    product = {d["name"] for d in json_lines(public_data / "chain-kg" / "product.json")}
    for cluster in clusters(path)["cluster"]:
        codes = cluster["core_industries"] + cluster.get("related_industries", [])
        assert set(codes) <= industry, (cluster["name"], set(codes) - industry)
        missing = set(cluster.get("products", [])) - product
        assert not missing, (cluster["name"], missing)


def test_demo_industries_are_real_sw2021(public_data: Path) -> None:
    kg = public_data / "chain-kg"
    names = {d["code"]: d["name"] for d in json_lines(kg / "industry.json")}
    parent = {d["from_code"]: d["to_code"] for d in json_lines(kg / "industry_industry.json")}
    demo = rows("industries.csv")
    assert len(demo) == 22
    for row in demo:
        assert names.get(row["code"]) == row["name"], row
        assert parent.get(row["code"], "") == row["parent_code"], row


def test_demo_products_are_real(public_data: Path) -> None:
    product = {d["name"] for d in json_lines(public_data / "chain-kg" / "product.json")}
    assert {r["name"] for r in rows("products.csv")} <= product


def test_demo_regions(public_data: Path) -> None:
    """Real codes carry their real names; the demo city's code 3799 is unassigned."""
    divisions = public_data / "codes" / "admin-divisions-2023"
    with (divisions / "cities.csv").open(encoding="utf-8") as fh:
        cities = {r["code"]: r["name"] for r in csv.DictReader(fh)}
    with (divisions / "provinces.csv").open(encoding="utf-8") as fh:
        provinces = {r["code"]: r["name"] for r in csv.DictReader(fh)}
    assert "3799" not in cities and "37" in provinces
    for row in rows("regions.csv"):
        code = row["code"]
        if code.startswith("3799"):
            continue
        real = cities[code] if cities[code] != "市辖区" else provinces[code[:2]]
        assert real == row["name"], row


def test_demo_firms_are_not_real_listed_firms(public_data: Path) -> None:
    listed = json_lines(public_data / "chain-kg" / "company.json")
    names = {d["name"] for d in listed} | {d["fullname"] for d in listed}
    codes = {d["code"].split(".")[0] for d in listed}
    with (public_data / "a-share-2025" / "股票列表.csv").open(encoding="utf-8") as fh:
        codes |= {r["symbol"] for r in csv.DictReader(fh)}
    for firm in rows("companies.csv"):
        assert firm["name"] not in names and firm["full_name"] not in names, firm["key"]
        if firm["stock_code"]:
            assert firm["stock_code"].split(".")[0] not in codes, firm["key"]
