"""Regenerate the place-name tables of :mod:`resolve.names` from GB/T 2260 data.

Writes three small tables shipped with the package (derived from the admin divisions
dataset, 2023 edition, in ``../shared/data/codes/admin-divisions-2023``):

- ``resolve/data/regions.csv`` — provinces and prefecture-level cities: ``code`` (GB/T
  2260, 2 or 4 digits), ``name`` (official), ``short`` (without 省/市/自治区…), used to
  recognise region qualifiers in firm names (山东, 青岛市, （深圳）);
- ``resolve/data/divisions.csv`` — every province, prefecture and county-level division:
  ``code`` (2, 4 or 6 digits), ``name`` (official; the placeholders 市辖区 / 县 /
  省直辖县级行政区划 prefixed with their province: 北京市市辖区), ``short`` (a county
  without 县/区/市/旗: 广饶县 → 广饶; none for autonomous counties and 2-character
  names), used by :mod:`resolve.divisions` to read ``--home`` (广饶县, 东营, 370523) and by
  :mod:`resolve.places` to place a firm at county level from its registered address;
- ``resolve/data/t2s_guard.csv`` — official place names that OpenCC's t2s conversion
  changes (乾县 → 干县, 於潜镇 → 于潜镇): matching keys keep them as written.

Run ``python scripts/make_name_data.py [DATA_ROOT]``; ``tests/test_names.py`` checks the
shipped tables against the dataset when it is present.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

import opencc

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resolve" / "data"
_SUFFIX = re.compile(r"(维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|省|市|地区|盟)$")
_SKIP = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def short_name(name: str) -> str:
    """Return a place name without its administrative suffix (山东省 → 山东)."""
    return _SUFFIX.sub("", name)


def regions_table(admin: Path) -> str:
    """Return ``regions.csv`` text: provinces, then cities, in code order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "short"])
    for file in ("provinces.csv", "cities.csv"):
        with (admin / file).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["name"] in _SKIP:
                    continue
                short = short_name(row["name"])
                writer.writerow([row["code"], row["name"], short if len(short) >= 2 else ""])
    return out.getvalue()


_COUNTY_SUFFIX = re.compile(r"(县|区|市|旗)$")


def county_short(name: str) -> str:
    """Return a county name without 县/区/市/旗 (广饶县 → 广饶), or "" when that would
    leave one character or the county is autonomous (自治县/自治旗 keep their full name).
    """
    if name.endswith(("自治县", "自治旗")):
        return ""
    short = _COUNTY_SUFFIX.sub("", name)
    return short if short != name and len(short) >= 2 else ""


def divisions_table(admin: Path) -> str:
    """Return ``divisions.csv`` text: provinces, cities and counties, in code order."""
    rows: list[tuple[str, str, str]] = []
    provinces: dict[str, str] = {}
    with (admin / "provinces.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            provinces[row["code"]] = row["name"]
            rows.append((row["code"], row["name"], short_name(row["name"])))
    with (admin / "cities.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name, short = row["name"], short_name(row["name"])
            if name in _SKIP:
                name, short = provinces[row["provinceCode"]] + name, ""
            rows.append((row["code"], name, short if len(short) >= 2 else ""))
    with (admin / "areas.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rows.append((row["code"], row["name"], county_short(row["name"])))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "short"])
    writer.writerows(sorted(rows))
    return out.getvalue()


def guard_table(admin: Path) -> str:
    """Return ``t2s_guard.csv`` text: names t2s would change, with the wrong result."""
    convert = opencc.OpenCC("t2s").convert
    found: dict[str, tuple[str, str]] = {}
    for file in ("provinces.csv", "cities.csv", "areas.csv", "streets.csv"):
        with (admin / file).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                name = row["name"]
                if convert(name) != name:
                    found.setdefault(name, (row["code"], convert(name)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "code", "t2s"])
    for name in sorted(found):
        writer.writerow([name, *found[name]])
    return out.getvalue()


def main(data_root: Path) -> None:
    """Write the three tables from ``data_root/codes/admin-divisions-2023``."""
    admin = data_root / "codes" / "admin-divisions-2023"
    (OUT / "regions.csv").write_text(regions_table(admin), encoding="utf-8")
    (OUT / "divisions.csv").write_text(divisions_table(admin), encoding="utf-8")
    (OUT / "t2s_guard.csv").write_text(guard_table(admin), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
