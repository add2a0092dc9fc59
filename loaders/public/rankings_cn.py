"""Loader for the Chinese lists of ``rankings/``: 《财富》中国500强 and the ACFIC 民营500强.

Source (fixtures only: republished without a license):

``fortune-china-500-2025.csv``
    ``list`` (a heading, not data), ``排名``, ``公司名称(中文)`` (legal name, groups as
    groups: 中国石油天然气集团有限公司), ``营业收入(百万美元)``, ``利润(百万美元)`` (FY2024).
``acfic-private-500-2025.csv``
    ``list`` (which list: 民营企业500强 — its heading carries the source's typo
    "22025…" —, 制造业民营企业500强, 服务业民营企业100强), ``序号`` (rank), ``企业名称``
    (often a group's common name: 京东集团), ``省份``, ``营收总额(万元)`` (FY2024).

Each row puts a rank in ``rankings`` (keys :data:`LISTS`), a tag (中国500强, 民营500强,
制造业民营500强, 服务业民营100强) and the row's numbers as written, with their units, in
``figures`` (:mod:`graph.figures`). A name is resolved by the company index (a listed
firm's legal name links to it, and so does a legal name the English table of
:mod:`loaders.public.rankings` gives with a stock code; a group is never its listed
subsidiary); an unresolved
name is a firm of its own, ``company_id_for_name`` (the node a controller or a news
mention of the same name has). Fortune's revenue, converted from 百万美元, fills
``revenue_usd`` when no other list gave one; ACFIC revenues stay in 元 (no exchange
rate is assumed). ACFIC's 省份 places a firm of its own (its province, or the city its
name starts with inside that province).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from graph.figures import Figure
from graph.schema import Company, Source
from graph.store import Store
from loaders.public.batching import read_csv_rows
from loaders.public.linking import write
from loaders.report import Issue, LoadReport
from resolve.index import CompanyIndex, company_id_for_name
from resolve.places import locate, region_of_name

DATASET = "rankings"
FORTUNE_CN = "fortune-china-500-2025.csv"
ACFIC = "acfic-private-500-2025.csv"
#: List name (the ``rankings`` key) → (tag, list size).
LISTS = {
    "财富中国500强 2025": ("中国500强", 500),
    "民营企业500强 2025": ("民营500强", 500),
    "制造业民营企业500强 2025": ("制造业民营500强", 500),
    "服务业民营企业100强 2025": ("服务业民营100强", 100),
}
#: ACFIC ``list`` heading words → list name.
_ACFIC_LISTS = (
    ("制造业民营企业500强", "制造业民营企业500强 2025"),
    ("服务业民营企业100强", "服务业民营企业100强 2025"),
    ("民营企业500强", "民营企业500强 2025"),
)


@dataclass
class _Entry:
    name: str
    resolved: bool
    sources: list[Source] = field(default_factory=list)
    rankings: dict[str, int] = field(default_factory=dict)
    figures: list[str] = field(default_factory=list)
    revenue_usd: float | None = None
    province: str | None = None
    region: str | None = None


def load(data_dir: Path, store: Store, index: CompanyIndex) -> LoadReport:
    """Load 《财富》中国500强 2025 and the ACFIC 2025 private-firm lists.

    Parameters
    ----------
    data_dir : Path
        The ``rankings`` folder; a missing file is reported and skipped.
    store, index
        Target store and company index (extended with every new firm).

    Returns
    -------
    LoadReport
        Dataset ``rankings-cn``; ``rows_read`` counts the data rows of both files.
        Issues: ``bad_rank``, ``missing_name``, ``unknown_list`` (error: row skipped);
        ``bad_number`` (warning: loaded without that figure); ``duplicate_in_list``
        (warning: the first rank is kept); ``missing_file`` (warning).
    """
    report = LoadReport(dataset="rankings-cn")
    entries: dict[str, _Entry] = {}
    for file in (FORTUNE_CN, ACFIC):
        path = data_dir / file
        if not path.is_file():
            report.add(Issue(file, 0, "", "missing_file", f"找不到 {path}", "warning"))
            continue
        for row, rec in read_csv_rows(path, report):
            src = Source(dataset=DATASET, file=file, row=row)
            parsed = _fortune(rec, src, report) if file == FORTUNE_CN else _acfic(rec, src, report)
            if parsed is None:
                continue
            list_name, name, rank, figures, province = parsed
            cid, entry = _target(name, store, index, src)
            entry = entries.setdefault(cid, entry)
            if list_name in entry.rankings:
                text = f"{name!r} 在 {list_name} 中出现两次；保留 {entry.rankings[list_name]}"
                report.add(Issue(file, row, "", "duplicate_in_list", text, "warning"))
                continue
            entry.sources.append(src)
            entry.rankings[list_name] = rank
            entry.figures += [f.encode() for f in figures]
            revenue = next((f for f in figures if f.measure == "revenue"), None)
            if revenue is not None and revenue.currency == "美元" and entry.revenue_usd is None:
                entry.revenue_usd = float(revenue.base_value)
            if province and not entry.resolved and entry.region is None:
                entry.region = _region(province, name)
                entry.province = province.removesuffix("省").removesuffix("市")
    new: list[Company] = []
    known: list[Company] = []
    for cid, e in sorted(entries.items()):
        stored = store.get_node(cid)
        company = Company(
            id=cid,
            name=stored.name if stored is not None else e.name,
            full_name=e.name if stored is None and e.name.endswith(("公司", "集团")) else None,
            tags=sorted(LISTS[n][0] for n in e.rankings),
            rankings=e.rankings,
            figures=e.figures,
            revenue_usd=e.revenue_usd,
            province=e.province,
            region_code=e.region,
            sources=e.sources,
            private=stored.private if stored is not None else False,
        )
        (new if stored is None else known).append(company)
    write(store, index, report, new, [], known=known)
    return report


_Parsed = tuple[str, str, int, list[Figure], str | None]


def _region(province: str, name: str) -> str | None:
    """The province's code, or the city the name starts with when inside it."""
    place = locate(province=province)
    if place is None:
        return None
    named = region_of_name(name)
    return named.code if named and named.code.startswith(place.code) else place.code


def _rank(text: str, src: Source, report: LoadReport, column: str) -> int | None:
    digits = text.replace(",", "").strip()
    if not digits.isdigit() or int(digits) < 1:
        report.add(Issue(src.file, src.row, column, "bad_rank", f"rank {text!r} unreadable"))
        return None
    return int(digits)


def _figure(
    rec: dict[str, str], column: str, measure: str, unit: str, label: str, src: Source,
    report: LoadReport,
) -> list[Figure]:  # fmt: skip
    text = rec.get(column, "").replace(",", "").strip()
    if not text:
        return []
    try:
        Decimal(text)
    except InvalidOperation:
        message = f"{column} {text!r} 无法读取；不载入该值"
        report.add(Issue(src.file, src.row, column, "bad_number", message, "warning"))
        return []
    return [Figure(measure, text, unit, f"{label} {column}", src.cite())]


def _fortune(rec: dict[str, str], src: Source, report: LoadReport) -> _Parsed | None:
    list_name = "财富中国500强 2025"
    name = rec.get("公司名称(中文)", "").strip()
    if not name:
        report.add(Issue(src.file, src.row, "公司名称(中文)", "missing_name", "没有名称"))
        return None
    rank = _rank(rec.get("排名", ""), src, report, "排名")
    if rank is None:
        return None
    figures = [Figure("rank", str(rank), "名", list_name, src.cite())]
    figures += _figure(rec, "营业收入(百万美元)", "revenue", "百万美元", list_name, src, report)
    figures += _figure(rec, "利润(百万美元)", "profit", "百万美元", list_name, src, report)
    return list_name, name, rank, figures, None


def _acfic(rec: dict[str, str], src: Source, report: LoadReport) -> _Parsed | None:
    heading = rec.get("list", "")
    list_name = next((name for word, name in _ACFIC_LISTS if word in heading), None)
    if list_name is None:
        report.add(Issue(src.file, src.row, "list", "unknown_list", f"list {heading!r}"))
        return None
    name = rec.get("企业名称", "").strip()
    if not name:
        report.add(Issue(src.file, src.row, "企业名称", "missing_name", "没有名称"))
        return None
    rank = _rank(rec.get("序号", ""), src, report, "序号")
    if rank is None:
        return None
    figures = [Figure("rank", str(rank), "名", list_name, src.cite())]
    figures += _figure(rec, "营收总额(万元)", "revenue", "万元", list_name, src, report)
    return list_name, name, rank, figures, rec.get("省份") or None


def _target(name: str, store: Store, index: CompanyIndex, src: Source) -> tuple[str, _Entry]:
    """The firm a row names (resolved, else its own name-keyed node) and a fresh entry."""
    match = index.resolve(name, dataset=f"{DATASET}/{src.file}", source=src)
    found = match.firm
    if found is None and name in _listed_names():  # a legal name the table gives a code
        found = index.resolve_code(_listed_names()[name])
    if found is not None and store.get_node(found) is not None:
        return found, _Entry(name=name, resolved=True)
    return company_id_for_name(name), _Entry(name=name, resolved=False)


@functools.cache
def _listed_names() -> dict[str, str]:
    """Chinese legal name → A-share code, from the hand-checked table of
    :mod:`loaders.public.rankings` (三一重工股份有限公司 → 600031.SH): a listed firm
    whose legal name no loaded registry carries is still found by its code."""
    from loaders.public.rankings import default_mapping_path, read_mapping

    table = read_mapping(default_mapping_path())
    return {e.zh_name: e.stock_code for e in table.values() if e.zh_name and e.stock_code}
