"""Loader for namechange-2023: the history of A-share short names (证券简称).

Source: ``namechange-2023/company_name_changes.csv`` (namoshizun/TradePy, MIT; data from
Tushare's namechange, to 2023-12). Columns ``code`` (6 digits), ``timestamp`` (the day
that short name took effect, ISO) and ``company`` (the short name, not the legal name);
11,599 rows for 5,081 codes.

Every name a firm was listed under becomes an alias (曾用名), so that an older source
naming 宏盛科技 or 郑州德恒宏盛's short names finds 600817 (宇通重工 today); the newest
name is the firm's ``short_name`` unless a newer listing (a-share-2025, the SZSE list)
already gave one. Trading-status marks that come and go with a name (``*ST``, ``ST``,
``S``, ``G``, ``N``, ``C``, ``XD``/``XR``/``DR``, ``PT``) are taken off: ``*ST宏盛``,
``ST宏盛`` and ``G宏盛`` are the alias 宏盛. A code no other dataset knows is a firm
listed at some time (most often delisted before 2018): it gets a node of its own,
named by its last short name, and is marked delisted by :mod:`loaders.public.current`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from graph.schema import Company, Source
from graph.store import Store
from loaders.public.batching import read_csv_rows, write_nodes
from loaders.report import Issue, LoadReport
from resolve.index import CompanyIndex, company_id_for_code
from resolve.normalise import clean_text, stock_code

DATASET = "namechange-2023"
FILE = "company_name_changes.csv"
#: Marks of a trading status, not of the name (Shanghai and Shenzhen usage since 1998).
_MARKS = re.compile(r"^(?:S\*ST|\*ST|SST|NST|ST|PT|XD|XR|DR|N|G|S|C)(?=[\u3400-\u9fff*S])")
_END_MARKS = re.compile(r"(?:\(退市\)|（退市）|退)$")


def plain_short_name(name: str) -> str:
    """A short name without trading-status marks.

    Examples
    --------
    >>> [plain_short_name(n) for n in ("*ST宏盛", "G宏盛", "S深发展A", "G*ST烟发", "宇通重工")]
    ['宏盛', '宏盛', '深发展A', '烟发', '宇通重工']
    """
    text = clean_text(name).replace(" ", "")
    plain, previous = text, ""
    while plain != previous:  # G*ST烟发: two marks
        previous, plain = plain, _END_MARKS.sub("", _MARKS.sub("", plain))
    return plain or text


@dataclass
class _History:
    names: list[tuple[dt.date, int, str]] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


def load(data_dir: Path, store: Store, index: CompanyIndex) -> LoadReport:
    """Load the short-name history as aliases and current short names.

    Parameters
    ----------
    data_dir : Path
        The ``namechange-2023`` folder.
    store : Store
        Target store; read for the firms already there.
    index : CompanyIndex
        Resolves codes to firms; every Company written is added to it.

    Returns
    -------
    LoadReport
        ``rows_read`` counts data rows. Issues: ``bad_stock_code``, ``bad_date``,
        ``missing_name`` (error: row skipped); ``missing_file`` (error).

    Notes
    -----
    One Company record per code: ``aliases`` every name without marks (oldest first),
    ``short_name`` the newest one (the merge keeps a short name already stored, such
    as a-share-2025's), ``stock_codes`` the code, every row a source. A firm of the
    store keeps its display name. Loading twice changes nothing.
    """
    report = LoadReport(dataset=DATASET)
    histories: dict[str, _History] = {}
    for row, rec in read_csv_rows(data_dir / FILE, report):
        raw, day, name = rec.get("code", ""), rec.get("timestamp", ""), rec.get("company", "")
        code = stock_code(raw) if raw.isdigit() else None
        if code is None:
            report.add(Issue(FILE, row, "code", "bad_stock_code", f"{raw!r} 不是股票代码"))
            continue
        try:
            start = dt.date.fromisoformat(day)
        except ValueError:
            report.add(Issue(FILE, row, "timestamp", "bad_date", f"{day!r} 不是日期"))
            continue
        if not plain_short_name(name):
            report.add(Issue(FILE, row, "company", "missing_name", "没有简称"))
            continue
        history = histories.setdefault(code, _History())
        history.names.append((start, row, plain_short_name(name)))
        history.sources.append(Source(dataset=DATASET, file=FILE, row=row))
    companies = [_company(code, h, store, index) for code, h in sorted(histories.items())]
    write_nodes(store, index, report, companies)
    return report


def _company(code: str, history: _History, store: Store, index: CompanyIndex) -> Company:
    names = [name for _, _, name in sorted(history.names)]
    aliases = list(dict.fromkeys(names))
    cid = index.resolve_code(code) or company_id_for_code(code)
    stored = store.get_node(cid)
    return Company(
        id=cid,
        name=stored.name if stored is not None else names[-1],
        aliases=aliases,
        short_name=names[-1],
        stock_codes=[code],
        sources=history.sources,
    )
