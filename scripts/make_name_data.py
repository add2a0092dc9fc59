"""Regenerate the place-name tables of :mod:`loaders.names` from GB/T 2260 data.

Writes two small tables shipped with the package (derived from the admin divisions
dataset, 2023 edition, in ``../shared/data/codes/admin-divisions-2023``):

- ``loaders/data/regions.csv`` — provinces and prefecture-level cities: ``code`` (GB/T
  2260, 2 or 4 digits), ``name`` (official), ``short`` (without 省/市/自治区…), used to
  recognise region qualifiers in firm names (山东, 青岛市, （深圳）);
- ``loaders/data/counties.csv`` — county-level divisions (区, 县, 县级市, 旗 …):
  ``code`` (6 digits), ``name``, ``city`` (the 4-digit city code), used to place a firm
  at county level from its registered address (:mod:`loaders.places`);
- ``loaders/data/t2s_guard.csv`` — official place names that OpenCC's t2s conversion
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
OUT = ROOT / "loaders" / "data"
_SUFFIX = re.compile(
    r"(维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|省|市|地区|盟)$"
)
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


def counties_table(admin: Path) -> str:
    """Return ``counties.csv`` text: county-level divisions in code order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "city"])
    with (admin / "areas.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["name"] not in _SKIP:
                writer.writerow([row["code"], row["name"], row["cityCode"]])
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
    (OUT / "counties.csv").write_text(counties_table(admin), encoding="utf-8")
    (OUT / "t2s_guard.csv").write_text(guard_table(admin), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
