"""Listed A-share firms from the public data, as the earlier loaders would leave them.

A stand-in for the chain-kg / a-share-2025 loaders in integration tests of the loaders
that run after them: one Company per ``a-share-2025/股票列表.csv`` row (short name,
stock code), with the chain-kg full name when chain-kg has exactly one full name for
the code (its corrupt rows, one code carrying many big firms' names, are left out).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

from graph.schema import Company, Source
from graph.sqlite_store import SqliteStore
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
