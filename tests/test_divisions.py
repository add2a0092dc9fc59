"""GB/T 2260 divisions: the shipped table and reading a region given by code or name."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest
from conftest import public_data_dir

from graph.errors import UsageError
from resolve.divisions import resolve_region

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "resolve" / "data" / "divisions.csv"


def test_shipped_table_is_the_script_output_of_the_2023_codes() -> None:
    data = public_data_dir()
    if data is None:
        pytest.skip("public data not found (ZHAOSHANG_PUBLIC_DATA)")
    spec = importlib.util.spec_from_file_location("make", ROOT / "scripts" / "make_name_data.py")
    assert spec is not None and spec.loader is not None
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    admin = data / "codes" / "admin-divisions-2023"
    assert TABLE.read_text("utf-8") == make.divisions_table(admin)
    # one row per row of the source files: 31 provinces, 342 prefectures, 2,978 counties
    sizes = {}
    for file in ("provinces.csv", "cities.csv", "areas.csv"):
        with (admin / file).open(encoding="utf-8") as fh:
            sizes[file] = sum(1 for _ in csv.DictReader(fh))
    with TABLE.open(encoding="utf-8") as fh:
        lengths = [len(r["code"]) for r in csv.DictReader(fh)]
    assert sizes == {"provinces.csv": 31, "cities.csv": 342, "areas.csv": 2978}
    assert [lengths.count(n) for n in (2, 4, 6)] == [31, 342, 2978]


# Expected codes read off admin-divisions-2023: provinces.csv 37,"山东省"; cities.csv
# 3705,"东营市"; areas.csv 370523,"广饶县" and 370502,"东营区"; 110105 / 220104 朝阳区;
# cities.csv 2202,"吉林市" beside provinces.csv 22,"吉林省"; 370783,"寿光市".
@pytest.mark.parametrize(
    ("text", "code", "label"),
    [
        ("37", "37", "山东省（37）"),
        (" 山东 ", "37", "山东省（37）"),
        ("山东省", "37", "山东省（37）"),
        ("3705", "3705", "山东省东营市（3705）"),
        ("东营市", "3705", "山东省东营市（3705）"),
        ("东营", "3705", "山东省东营市（3705）"),  # the city, not 东营区
        ("东营区", "370502", "山东省东营市东营区（370502）"),
        ("广饶县", "370523", "山东省东营市广饶县（370523）"),
        ("广饶", "370523", "山东省东营市广饶县（370523）"),
        ("山东东营", "3705", "山东省东营市（3705）"),
        ("东营市广饶县", "370523", "山东省东营市广饶县（370523）"),
        ("山东省东营市广饶县", "370523", "山东省东营市广饶县（370523）"),
        ("吉林", "22", "吉林省（22）"),  # the province before the city
        ("吉林市", "2202", "吉林省吉林市（2202）"),
        ("寿光", "370783", "山东省潍坊市寿光市（370783）"),
        ("北京朝阳区", "110105", "北京市朝阳区（110105）"),
        ("1101", "1101", "北京市市辖区（1101）"),
    ],
)
def test_code_or_name(text: str, code: str, label: str) -> None:
    division = resolve_region(text)
    assert (division.code, division.label) == (code, label)


def test_regions_of_the_graph_count() -> None:
    extra = [("3799", "岚港市"), ("379902", "岚港市港城区"), ("37", "山东")]
    assert resolve_region("岚港", extra).label == "山东省岚港市（3799）"
    assert resolve_region("379902", extra).label == "山东省岚港市港城区（379902）"
    assert resolve_region("37", extra).name == "山东省"  # the standard's name wins
    with pytest.raises(UsageError, match="没有这个 GB/T 2260 行政区划代码"):
        resolve_region("3799")


@pytest.mark.parametrize(
    ("text", "message", "candidates"),
    [
        (
            "朝阳区",
            "有 2 个同名行政区划",
            ["北京市朝阳区（110105）", "吉林省长春市朝阳区（220104）"],
        ),
        ("3720", "没有这个 GB/T 2260 行政区划代码", ["山东省菏泽市（3717）"]),
        ("山东x", "不是已知的行政区划名称或代码", ["山东省（37）"]),
        ("12345", "应为 2、4 或 6 位数字", []),
    ],
)
def test_refused_with_close_matches(text: str, message: str, candidates: list[str]) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        resolve_region(text)
    assert caught.value.candidates[: len(candidates)] == candidates
