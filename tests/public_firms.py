"""Listed A-share firms from the public data, as the earlier loaders would leave them.

A stand-in for the chain-kg / a-share-2025 loaders in integration tests of the loaders
that run after them: one Company per ``a-share-2025/股票列表.csv`` row (short name,
stock code), with the chain-kg full name when chain-kg has exactly one full name for
the code (its corrupt rows, one code carrying many big firms' names, are left out).
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from graph.schema import Company, Source
from graph.sqlite_store import SqliteStore
from loaders.report import LoadReport
from resolve.index import CompanyIndex, company_id_for_code
from resolve.normalise import stock_code


def listed_firms(public_data: Path) -> tuple[SqliteStore, CompanyIndex]:
    """Return an in-memory store holding the listed firms and the index over them."""
    names: dict[str, set[str]] = defaultdict(set)
    with (public_data / "chain-kg" / "company.json").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            code = stock_code(rec["code"], rec.get("location"))
            if code:
                names[code].add(rec["fullname"])
    firms: list[Company] = []
    path = public_data / "a-share-2025" / "股票列表.csv"
    with path.open(encoding="utf-8") as fh:
        for row, rec in enumerate(csv.DictReader(fh), 2):
            code = rec["ts_code"]
            full = names.get(code, set())
            firms.append(
                Company(
                    id=company_id_for_code(code),
                    name=rec["name"],
                    full_name=next(iter(full)) if len(full) == 1 else None,
                    stock_codes=[code],
                    sources=[Source(dataset="a-share-2025", file=path.name, row=row)],
                )
            )
    store = SqliteStore(None)
    store.upsert_nodes(firms)
    index = CompanyIndex()
    for firm in firms:
        index.add(firm)
    return store, index


def shandong_places(public_data: Path) -> tuple[str, ...]:
    """Spellings a Shandong legal name may start with: 山东, 山东省, each city (济南市, 济南).

    Read from the NBS division codes in the public data (not the package's tables).
    """
    places = ["山东省", "山东"]
    path = public_data / "codes" / "admin-divisions-2023" / "cities.csv"
    with path.open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            if rec["provinceCode"] == "37":
                places += [rec["name"], rec["name"].removesuffix("市")]
    return tuple(places)


def shandong_codes(public_data: Path) -> set[str]:
    """6-digit codes of the listed (or once listed) firms registered in Shandong.

    The SZSE list's 省份 for its firms (the A code, or the B code of a B-only firm);
    else a-share-2025's ``area``; else, for a code neither lists (delisted), a chain-kg
    legal name starting with a Shandong place (:func:`shandong_places`). Read with
    csv/json/openpyxl only.
    """
    import openpyxl

    ws = openpyxl.load_workbook(public_data / "szse-2025" / "A股列表.xlsx").active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    head = [str(h).replace(" ", "") for h in rows[0]]
    a, b, prov = head.index("A股代码"), head.index("B股代码"), head.index("省份")
    decided: dict[str, bool] = {}
    for row in rows[1:]:
        code = row[a] or row[b]  # a B code is its own node only without an A code
        if code:
            decided[str(code)] = row[prov] == "山东"
    with (public_data / "a-share-2025" / "股票列表.csv").open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            if rec["area"]:
                decided.setdefault(rec["symbol"], rec["area"] == "山东")
    places = shandong_places(public_data)
    with (public_data / "chain-kg" / "company.json").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            code = str(rec["code"]).split(".")[0].zfill(6)
            if code not in decided and str(rec["fullname"]).startswith(places):
                decided[code] = True
    return {code for code, yes in decided.items() if yes}


_CONFLICT = re.compile(r"^([A-Z_]+) (.+) → (.+) (reversed|dropped): ")


def oriented(
    ties: set[tuple[str, str, str]], report: LoadReport, key: Callable[[str], str]
) -> set[tuple[str, str, str]]:
    """``(kind, src key, dst key)`` triples after the ``direction_conflict`` changes.

    Each reported relation (``KIND a → b reversed|dropped: …``, names as the news
    spells them) is replaced by its reverse or removed; a reverse that was stated too
    merges with it. ``key`` maps a spelling to the test's endpoint key.
    """
    out = set(ties)
    for issue in report.issues:
        found = _CONFLICT.match(issue.message) if issue.code == "direction_conflict" else None
        if found is None:
            continue
        kind, a, b, action = found.groups()
        out.discard((kind, key(a), key(b)))
        if action == "reversed":
            out.add((kind, key(b), key(a)))
    return out
