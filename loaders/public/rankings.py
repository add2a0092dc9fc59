"""Loader for global rankings: Forbes Global 2000 (2025) and Fortune Global 500 (2017).

Source: ``rankings/`` (proprietary rankings republished in analysis repositories; use as
fixtures only). Files:

``forbes-global-2000-2025.csv``
    ``Rank, Company, Headquarters, Industry, Revenue ($), Profits ($), Assets ($),
    Market Value ($)``; 2,000 rows; ranks may carry thousands separators (``1,000``)
    and ties; money in US dollars; ``Headquarters`` is a country (China, Hong Kong,
    Taiwan are separate).
``fortune-global-500-2017.csv``
    ``company, rank, revenues, …, country, hq_location, …`` (17 columns); 500 rows;
    money in US$ millions; countries spelled ``USA``, ``Britain``, ``U.A.E``.

Each row puts a ranking on a Company. English names of Chinese firms link to listed
firms through a hand-checked table shipped with the package, ``loaders/data/
rankings_zh.csv`` (``list, english, zh_name, stock_code, reason``): a stock code links
by its code; an entry without a code (an unlisted group, or a firm listed only outside
the A-share market) gives its Chinese legal name, resolved by
:meth:`CompanyIndex.resolve` (a group never resolves to its listed subsidiary: the keys
differ) or kept as ``full_name`` of the firm's own node; a name missing from the table
is resolved as written (an English alias, if any firm has it). Each resolution is
recorded in the index's decisions under ``rankings/<file>`` (the two lists name
different firms alike: Fortune's *China Life Insurance* is the group, Forbes' the listed
firm) and the name as written. A
group is never mapped to its listed subsidiary (Fortune's *Sinopec Group* is not
600028).
"""

from __future__ import annotations

import csv
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from graph.figures import Figure
from graph.schema import Company, Source
from graph.store import Store
from loaders.public.linking import write
from loaders.report import Issue, LoadReport
from resolve.index import CompanyIndex, company_id_for_code, company_id_for_name
from resolve.normalise import clean_text, stock_code

log = logging.getLogger(__name__)

DATASET = "rankings"
FORBES_FILE = "forbes-global-2000-2025.csv"
FORTUNE_FILE = "fortune-global-500-2017.csv"
FORBES = "Forbes Global 2000 2025"
FORTUNE = "Fortune Global 500 2017"
#: Headquarters counted as Chinese (linked to A-share firms when the table says so).
CHINESE = frozenset({"China", "Hong Kong", "Taiwan"})
#: Fortune country spellings → Forbes spellings, so one firm has one country.
COUNTRY_SPELLING = {
    "USA": "United States",
    "Britain": "United Kingdom",
    "U.A.E": "United Arab Emirates",
}


@dataclass(frozen=True)
class MappingEntry:
    """One row of the English → Chinese table.

    Attributes
    ----------
    zh_name : str or None
        Chinese legal name (current name for renamed firms).
    stock_code : str or None
        A-share code ``NNNNNN.EX`` when the ranked firm itself is A-listed.
    """

    zh_name: str | None
    stock_code: str | None


@dataclass
class _Entry:
    """A Company being built from one or more ranking rows."""

    name: str
    linked: bool
    full_name: str | None = None
    sources: list[Source] = field(default_factory=list)
    rankings: dict[str, int] = field(default_factory=dict)
    country: str | None = None
    revenue_usd: float | None = None
    figures: list[str] = field(default_factory=list)
    stock_codes: list[str] = field(default_factory=list)


def default_mapping_path() -> Path:
    """Return the path of the shipped table ``loaders/data/rankings_zh.csv``."""
    return Path(str(resources.files("loaders") / "data" / "rankings_zh.csv"))


def read_mapping(
    path: Path, report: LoadReport | None = None
) -> dict[tuple[str, str], MappingEntry]:
    """Read the English → Chinese table.

    Parameters
    ----------
    path : Path
        CSV with columns ``list`` (:data:`FORBES` or :data:`FORTUNE`), ``english`` (the
        name exactly as in the ranking file), ``zh_name``, ``stock_code`` (``600028.SH``
        or empty) and ``reason``.
    report : LoadReport, optional
        Receives a ``bad_mapping`` error for each unusable row (unknown list, no
        English name, neither a Chinese name nor a valid code, or a repeated key).

    Returns
    -------
    dict
        ``{(list name, English name): MappingEntry}``.

    Examples
    --------
    >>> table = read_mapping(default_mapping_path())
    >>> table[(FORBES, "Sinopec")].stock_code
    '600028.SH'
    >>> table[(FORTUNE, "Sinopec Group")]
    MappingEntry(zh_name='中国石油化工集团有限公司', stock_code=None)
    """
    out: dict[tuple[str, str], MappingEntry] = {}
    for row, rec in _rows(path):
        key = (clean_text(rec.get("list") or ""), clean_text(rec.get("english") or ""))
        raw_code = clean_text(rec.get("stock_code") or "")
        code = stock_code(raw_code) if raw_code else None
        zh = clean_text(rec.get("zh_name") or "") or None
        problem = (
            "未知的榜单" if key[0] not in (FORBES, FORTUNE)
            else "没有英文名称" if not key[1]
            else f"股票代码有误 {raw_code!r}" if raw_code and code is None
            else "既没有中文名称也没有代码" if not (zh or code)
            else "重复的条目" if key in out
            else None
        )  # fmt: skip
        if problem is not None:
            if report is not None:
                report.add(Issue(path.name, row, "", "bad_mapping", f"{problem}：{key}"))
            continue
        out[key] = MappingEntry(zh_name=zh, stock_code=code)
    return out


def load(
    data_dir: Path,
    store: Store,
    index: CompanyIndex,
    mapping_path: Path | None = None,
) -> LoadReport:
    """Load Forbes Global 2000 (2025) and Fortune Global 500 (2017) rankings.

    Parameters
    ----------
    data_dir : Path
        The ``rankings`` folder; a missing file is reported and skipped.
    store : Store
        Target store.
    index : CompanyIndex
        Firms known so far (listed firms by code); extended with every new Company.
    mapping_path : Path, optional
        English → Chinese table (default :func:`default_mapping_path`).

    Returns
    -------
    LoadReport
        ``rows_read`` counts data rows of both files (2,500). Issues:

        - ``not_linked`` (warning): a Chinese row (HQ China, Hong Kong, Taiwan) that
          did not link to a listed firm (no table entry, an unlisted group, a code the
          index does not know): it gets its own node; linked = Chinese rows − these;
        - ``unknown_stock_code`` (warning): the table's code is not in the index (the
          rankings loaded before the registries): the firm is keyed by its code
          (:func:`resolve.ids.company_id_for_code`) with that code, so the registries
          loaded later join it and the firms do not depend on the load order;
        - ``bad_rank`` / ``missing_name`` (error): the row is skipped;
        - ``bad_number`` (warning): revenue unreadable, loaded without it;
        - ``duplicate_in_list`` (warning): a second row for one firm in one list;
        - ``bad_mapping`` (error), ``missing_file`` (warning).

    Notes
    -----
    Each row sets ``rankings[list] = rank``, adds the list name to ``tags`` and, from
    Forbes only, ``revenue_usd`` (Revenue ($); Fortune revenues are 2016 figures in
    US$ millions and are not stored, so the newer figure is never overwritten). The
    rank and the revenue as written, with unit and row, go to ``figures``
    (:class:`graph.figures.Figure`), which is what a printed figure cites.
    ``country`` is the headquarters country (Fortune's spelled as Forbes'), set on a
    linked firm only when it has none. Linked firms keep their stored name and
    ``private`` flag; nothing else of theirs changes. Unlinked rows become Company nodes
    ``company_id_for_name(english)`` named in English (``full_name`` the table's Chinese
    name, if any); a name on both lists is one node with both rankings.
    """
    report = LoadReport(dataset=DATASET)
    table = read_mapping(mapping_path or default_mapping_path(), report)
    entries: dict[str, _Entry] = {}
    chinese = 0
    for list_name, file, rows, col in (
        (FORBES, FORBES_FILE, _forbes_rows, "Company"),
        (FORTUNE, FORTUNE_FILE, _fortune_rows, "company"),
    ):
        path = data_dir / file
        if not path.is_file():
            report.add(Issue(file, 0, "", "missing_file", f"找不到 {path}", "warning"))
            continue
        for row, name, rank, country, revenue in rows(path, report):
            src = Source(dataset=DATASET, file=file, row=row)
            mapped = table.get((list_name, name))
            cid, entry = _target(name, mapped, store, index, src, report, col)
            entry = entries.setdefault(cid, entry)
            if country in CHINESE:
                chinese += 1
                if not entry.linked:
                    text = f"{name!r}（{country}）未对应到上市企业"
                    report.add(Issue(file, row, col, "not_linked", text, "warning"))
            if list_name in entry.rankings:
                first = entry.rankings[list_name]
                text = f"{name!r} 在 {list_name} 中出现两次；保留排名 {first}"
                report.add(Issue(file, row, "", "duplicate_in_list", text, "warning"))
                continue
            entry.sources.append(src)
            entry.rankings[list_name] = rank
            entry.country = entry.country or country
            entry.figures.append(rank_figure(list_name, rank, src))
            if revenue is not None and entry.revenue_usd is None:
                entry.revenue_usd = float(revenue)
                label = f"{list_name} Revenue ($)"
                entry.figures.append(Figure("revenue", revenue, "美元", label, src.cite()).encode())
    new, known = _companies(entries, store)
    write(store, index, report, new, [], known=known)
    unlinked = sum(1 for i in report.issues if i.code == "not_linked")
    log.info("rankings: %d of %d Chinese rows linked to listed firms", chinese - unlinked, chinese)
    return report


def _target(
    name: str,
    mapped: MappingEntry | None,
    store: Store,
    index: CompanyIndex,
    src: Source,
    report: LoadReport,
    col: str,
) -> tuple[str, _Entry]:
    """Return the company id a row belongs to and a fresh entry for it."""
    found: str | None = None
    if mapped is not None and mapped.stock_code is not None:
        match = index.resolve(
            name, codes=[mapped.stock_code], dataset=f"{DATASET}/{src.file}", source=src
        )
        found = match.id if match.rule == "stock_code" else None
        if found is None:
            # Loaded before the registries: keyed by the code as they key it, so a later
            # registry load joins this node instead of adding a second firm.
            cid = company_id_for_code(mapped.stock_code)
            text = f"{mapped.stock_code}（{name}）尚未载入：按代码建为 {cid}，名录载入后合并"
            report.add(Issue(src.file, src.row, col, "unknown_stock_code", text, "warning"))
            stored_code = store.get_node(cid)
            if isinstance(stored_code, Company):
                return cid, _Entry(name=stored_code.name, linked=True)
            entry = _Entry(name=name, linked=True, full_name=mapped.zh_name)
            entry.stock_codes = [mapped.stock_code]
            return cid, entry
    elif mapped is not None and mapped.zh_name is not None:
        # The table gives the Chinese legal name: resolved as such, recorded for ``name``.
        match = index.resolve(mapped.zh_name)
        index.record(f"{DATASET}/{src.file}", replace(match, mention=name), src)
        found = match.firm
    else:
        match = index.resolve(name, dataset=f"{DATASET}/{src.file}", source=src)
        found = match.firm
    stored = store.get_node(found) if found is not None else None
    if found is not None and isinstance(stored, Company):
        return found, _Entry(name=stored.name, linked=bool(stored.stock_codes))
    zh = mapped.zh_name if mapped is not None else None
    # Keyed by the legal name when the table gives one, so that both lists' entries for
    # one group, and the same group named elsewhere (a controller), are one node.
    return company_id_for_name(zh or name), _Entry(name=name, linked=False, full_name=zh)


def _companies(entries: dict[str, _Entry], store: Store) -> tuple[list[Company], list[Company]]:
    """Split the entries into new Company nodes and updates of stored ones (id order)."""
    new: list[Company] = []
    known: list[Company] = []
    for cid, e in sorted(entries.items()):
        stored = store.get_node(cid)
        country = e.country
        if isinstance(stored, Company) and stored.country:
            country = None
        company = Company(
            id=cid,
            name=e.name,
            full_name=e.full_name if stored is None else None,
            sources=e.sources,
            tags=sorted(e.rankings),
            rankings=e.rankings,
            country=country,
            revenue_usd=e.revenue_usd,
            figures=e.figures,
            stock_codes=e.stock_codes,
            private=stored.private if stored is not None else False,
        )
        (new if stored is None else known).append(company)
    return new, known


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(first line number, record)`` of a CSV file with a header line."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        _ = reader.fieldnames  # reads the header line
        line = reader.line_num
        for rec in reader:
            yield line + 1, rec
            line = reader.line_num


_Row = tuple[int, str, int, str | None, str | None]


def rank_figure(list_name: str, rank: int, src: Source) -> str:
    """The stored figure of a list rank (traceable to its row)."""
    return Figure("rank", str(rank), "名", list_name, src.cite()).encode()


def _parse_rank(text: str) -> int | None:
    digits = clean_text(text).replace(",", "")
    return int(digits) if digits.isdigit() and int(digits) > 0 else None


def _common(
    path: Path, report: LoadReport, row: int, rec: dict[str, str], name_col: str, rank_col: str
) -> tuple[str, int] | None:
    """Return the row's name and rank, or None after reporting why it is unusable."""
    name = clean_text(rec.get(name_col) or "")
    rank_text = rec.get(rank_col) or ""
    rank = _parse_rank(rank_text)
    if not name:
        report.add(Issue(path.name, row, name_col, "missing_name", "没有企业名称"))
        return None
    if rank is None:
        report.add(Issue(path.name, row, rank_col, "bad_rank", f"rank {rank_text!r} unreadable"))
        return None
    return name, rank


def _money(text: str) -> str | None:
    """Return the text of a finite amount (negative allowed: a loss-making year), or None.

    The text is kept as written (thousands separators removed), so the printed figure
    traces to it exactly.
    """
    try:
        value = float(text)
    except ValueError:
        return None
    return text if math.isfinite(value) else None


def _forbes_rows(path: Path, report: LoadReport) -> Iterator[_Row]:
    for row, rec in _rows(path):
        report.rows_read += 1
        ok = _common(path, report, row, rec, "Company", "Rank")
        if ok is None:
            continue
        text = clean_text(rec.get("Revenue ($)") or "").replace(",", "")
        revenue = _money(text)
        if text and revenue is None:
            message = f"revenue {text!r} unreadable"
            report.add(Issue(path.name, row, "Revenue ($)", "bad_number", message, "warning"))
        country = clean_text(rec.get("Headquarters") or "") or None
        yield row, ok[0], ok[1], country, revenue


def _fortune_rows(path: Path, report: LoadReport) -> Iterator[_Row]:
    for row, rec in _rows(path):
        report.rows_read += 1
        ok = _common(path, report, row, rec, "company", "rank")
        if ok is None:
            continue
        country = clean_text(rec.get("country") or "") or None
        country = COUNTRY_SPELLING.get(country, country) if country else None
        yield row, ok[0], ok[1], country, None
