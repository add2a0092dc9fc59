"""Who is listed in 2025, under which name, and where: one pass after the public loads.

Two lists say which firms are listed in 2025: a-share-2025 (every A-share firm,
2025-11) and the SZSE list (2025-08). A firm with an A-share code that neither lists
(delisted, merged away: 新光圆成 002147, 中航机电 002013) is tagged :data:`DELISTED`;
target lists do not rank it as a listed firm.

A listed firm's display name is the name it goes by today (``current_name``,
:func:`graph.schema.merge_records` makes it the name and keeps the others as aliases):

- its legal name, when a 2025 list gave it (the SZSE 公司全称) or when its 2025 short
  name is cut from the legal name on file (中国石化 from 中国石油化工股份有限公司);
- else the 2025 short name: the legal name on file is a former one (600817's
  郑州德恒宏盛科技发展股份有限公司 of 2021 is 宇通重工 today).

A firm no source placed gets the region its legal name starts with (山东能源集团有限公司
→ 37, 青岛港国际股份有限公司 → 3702): a registered name carries its registering region.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graph.schema import DELISTED, Company, NodeKind, Source, is_delisted
from graph.store import Store
from loaders.public.batching import batches
from loaders.public.executives import is_b_share
from loaders.report import LoadReport
from resolve.index import spelling_key
from resolve.names import is_subsequence, parse_name
from resolve.places import region_of_name

DATASET = "current-2025"
#: Datasets whose rows are the firms listed in 2025.
LISTED_2025 = ("a-share-2025", "szse-2025")
#: Datasets whose legal names are those of 2025.
LEGAL_2025 = ("szse-2025",)
#: Tag of a firm with an A-share code that no 2025 list holds.


def current_name(company: dict[str, Any]) -> str | None:
    """The name a listed firm goes by in 2025 (see the module notes), or None.

    Examples
    --------
    >>> src = [{"dataset": "a-share-2025", "file": "f", "row": 2}]
    >>> current_name({"full_name": "郑州德恒宏盛科技发展股份有限公司", "short_name": "宇通重工",
    ...               "sources": src})
    '宇通重工'
    >>> current_name({"full_name": "中国石油化工股份有限公司", "short_name": "中国石化",
    ...               "sources": src})
    '中国石油化工股份有限公司'
    """
    datasets = {s["dataset"] for s in company.get("sources", [])}
    short, full = company.get("short_name"), company.get("full_name")
    if not datasets & set(LISTED_2025) or not (short or full):
        return None
    if full and (datasets & set(LEGAL_2025) or not short):
        return str(full)
    core = parse_name(str(short)).core
    if full and core and is_subsequence(core, spelling_key(str(full))):
        return str(full)
    return str(short)


def named_place(company: dict[str, Any]) -> str | None:
    """The region code a firm's legal name starts with (山东能源集团有限公司 → 37), or None.

    Only legal names (ending in 公司, 集团, 厂) count: a registered name carries its
    registering region, a short name often does not (a bare 青岛 may be the 字号).
    """
    for name in (company.get("full_name"), company.get("name"), *company.get("aliases", [])):
        if name and str(name).endswith(("公司", "集团", "厂")):
            place = region_of_name(str(name))
            if place is not None:
                return place.code
    return None


def _a_share(codes: list[str]) -> bool:
    return any(c.endswith((".SH", ".SZ", ".BJ")) and not is_b_share(c) for c in codes)


def _updates(store: Store, report: LoadReport) -> Iterator[Company]:
    for data in store.raw_nodes():
        if data["kind"] != NodeKind.COMPANY.value:
            continue
        report.rows_read += 1
        sources = [Source.model_validate(s) for s in data["sources"]]
        datasets = {s.dataset for s in sources}
        place = None if data.get("region_code") else named_place(data)
        if place is not None:
            yield Company(id=data["id"], name=data["name"], region_code=place, sources=[sources[0]])
        if _a_share(data.get("stock_codes", [])) and not datasets & set(LISTED_2025):
            if not is_delisted(data):
                yield Company(
                    id=data["id"], name=data["name"], tags=[DELISTED], sources=[sources[0]]
                )
            continue
        name = current_name(data)
        if name is not None and name != data.get("current_name"):
            listing = next(s for s in sources if s.dataset in LISTED_2025)
            yield Company(id=data["id"], name=name, current_name=name, sources=[listing])


def mark_current(store: Store) -> LoadReport:
    """Tag delisted firms, set current names, place firms by name (idempotent).

    Returns
    -------
    LoadReport
        Dataset ``current-2025``; ``rows_read`` firms looked at, ``nodes_written``
        firms updated (a second run writes none). Each update is sourced to a row
        the firm already has (nothing new is cited).
    """
    report = LoadReport(dataset=DATASET)
    updates = list(_updates(store, report))
    for chunk in batches(updates):
        store.upsert_nodes(chunk)
        report.nodes_written += len(chunk)
    return report
