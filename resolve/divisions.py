"""GB/T 2260 administrative divisions: read a home region given as a code or a name.

The table ``resolve/data/divisions.csv`` (made by ``scripts/make_name_data.py`` from the
NBS 2023 division codes) lists 34 provinces, 342 prefectures and 2,978 counties. A
region is accepted as

- a code of 2, 4 or 6 digits that the table (or the graph's own Region nodes, e.g. a
  development zone an office defined) knows: ``37``, ``3705``, ``370523``;
- an official name or a short name: 山东省 / 山东, 东营市 / 东营, 广饶县 / 广饶;
- names joined from the top: 山东省东营市, 山东东营, 东营市广饶县, 山东省东营市广饶县.

A short name shared by levels goes to the higher one (东营 is 东营市, not 东营区; 吉林
is 吉林省); a name two divisions of one level share (朝阳区) is refused with both
listed. Anything else is refused with the closest names or codes.
"""

from __future__ import annotations

import csv
import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from rapidfuzz import fuzz, process

from graph.errors import UsageError

_CODE = re.compile(r"\d{2}(?:\d{2}){0,2}")
_SHOWN = 5


@dataclass(frozen=True)
class Division:
    """One division: GB/T 2260 code, official name and the names of its parents.

    Attributes
    ----------
    code : str
        2 (province), 4 (prefecture) or 6 (county) digits.
    name : str
        Official name (山东省, 东营市, 广饶县).
    path : tuple of str
        Official names from the province down, this one last.
    """

    code: str
    name: str
    path: tuple[str, ...]

    @property
    def label(self) -> str:
        """``山东省东营市广饶县（370523）``: the names from the top, then the code."""
        names: list[str] = []
        for i, part in enumerate(self.path):
            if names and part.startswith(names[-1]):  # 北京市市辖区 under 北京市
                if i == len(self.path) - 1:
                    names[-1] = part
                continue
            names.append(part)
        return f"{''.join(names)}（{self.code}）"


class _Table:
    """Divisions by code, and by spelling: own names first, joined names on demand."""

    def __init__(self, rows: dict[str, tuple[str, str]]) -> None:
        self.shorts = {code: short for code, (_, short) in rows.items()}
        self.by_code: dict[str, Division] = {}
        for code in sorted(rows, key=lambda c: (len(c), c)):
            parent = self.by_code.get(code[:-2]) if len(code) > 2 else None
            path = (*parent.path, rows[code][0]) if parent else (rows[code][0],)
            self.by_code[code] = Division(code, rows[code][0], path)
        self.own: dict[str, set[str]] = defaultdict(set)
        for code in self.by_code:
            for name in self.names(code):
                self.own[name].add(code)

    def names(self, code: str) -> set[str]:
        """Official and short name of a division."""
        return {self.by_code[code].name, self.shorts[code]} - {""}

    @functools.cached_property
    def joined(self) -> dict[str, set[str]]:
        """Every spelling, names of parents joined in front from the top (山东东营)."""
        spellings: dict[str, set[str]] = defaultdict(set)
        for spelling, codes in self.own.items():
            spellings[spelling] |= codes
        for code in self.by_code:
            prefixes = {""}
            for n in range(2, len(code), 2):
                if code[:n] in self.by_code:
                    names = self.names(code[:n])
                    prefixes |= {p + name for p in prefixes for name in names}
            for prefix in prefixes - {""}:
                for name in self.names(code):
                    spellings[prefix + name].add(code)
        return spellings


@functools.cache
def _shipped() -> tuple[tuple[str, str, str], ...]:
    text = resources.files("resolve").joinpath("data", "divisions.csv").read_text("utf-8")
    return tuple((r["code"], r["name"], r["short"]) for r in csv.DictReader(text.splitlines()))


def _short(name: str) -> str:
    """A short name for a division the shipped table does not know (岚港市 → 岚港)."""
    short = re.sub(r"(省|市|县|区|旗|地区|盟|自治区|自治州)$", "", name)
    return short if short != name and len(short) >= 2 else ""


@functools.cache
def _table(extra: tuple[tuple[str, str], ...]) -> _Table:
    rows = {code: (name, short) for code, name, short in _shipped()}
    for code, name in extra:
        if _CODE.fullmatch(code) and code not in rows and name:
            rows[code] = (name, _short(name))
    return _Table(rows)


def resolve_region(text: str, extra: Iterable[tuple[str, str]] = ()) -> Division:
    """Read a region given as a GB/T 2260 code or a name (see the module notes).

    Parameters
    ----------
    text : str
        What the user typed: ``37``, ``3705``, ``370523``, ``山东``, ``东营市``,
        ``广饶县``, ``山东省东营市广饶县``. Surrounding whitespace is ignored.
    extra : iterable of (str, str)
        ``(code, name)`` of regions the graph defines (its Region nodes); codes the
        shipped table already has keep the table's name.

    Returns
    -------
    Division

    Raises
    ------
    UsageError
        When ``text`` is not a known code or name, or a name several divisions of one
        level share; ``candidates`` lists up to five close divisions as labels
        (``山东省（37）``).
    """
    table = _table(tuple(sorted(set(extra))))
    query = "".join(text.split())
    if query.isdigit():
        if query in table.by_code:
            return table.by_code[query]
        if not _CODE.fullmatch(query):
            raise UsageError(
                f"--home {text}：行政区划代码应为 2、4 或 6 位数字（省 37、市 3705、县 370523）"
            )
        raise UsageError(
            f"--home {text}：没有这个 GB/T 2260 行政区划代码", _near_codes(table, query)
        )
    codes = table.own.get(query) or table.joined.get(query, set())
    if codes:
        top = min(len(c) for c in codes)
        best = sorted(c for c in codes if len(c) == top)
        if len(best) == 1:
            return table.by_code[best[0]]
        labels = [table.by_code[c].label for c in best]
        raise UsageError(f"--home {text}：有 {len(best)} 个同名行政区划，请写明代码", labels)
    raise UsageError(f"--home {text}：不是已知的行政区划名称或代码", _near_names(table, query))


def _near_codes(table: _Table, code: str) -> list[str]:
    """Divisions of the same level under the longest known parent, nearest code first."""
    parent = code[:-2]
    while parent and parent not in table.by_code:
        parent = parent[:-2]
    level = [c for c in table.by_code if len(c) == len(code) and c.startswith(parent)]
    level.sort(key=lambda c: (abs(int(c) - int(code)), c))
    return [table.by_code[c].label for c in level[:_SHOWN]]


def _near_names(table: _Table, query: str) -> list[str]:
    """Divisions whose names contain the query or are closest to it (RapidFuzz)."""
    found: list[str] = []
    if query:
        inside = sorted(
            (s for s in table.own if query in s or s in query),
            key=lambda s: (abs(len(s) - len(query)), s),
        )
        near = process.extract(query, list(table.own), scorer=fuzz.ratio, limit=20)
        for spelling in [*inside[:20], *(s for s, _, _ in near)]:
            for code in sorted(table.own[spelling], key=lambda c: (len(c), c)):
                label = table.by_code[code].label
                if label not in found:
                    found.append(label)
    return found[:_SHOWN]
