"""Cell values of user tables: dates, numbers, yes/no flags, lists.

Each parser takes the text of one cell and returns a typed value or raises
``ValueError`` with a message fit for a load report. Empty cells are the caller's
business (they usually mean "not given").
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

_DATE_SEP = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$")
_DATE_CJK = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$")
_LIST_SPLIT = re.compile(r"[;；]")
_TRUE = frozenset({"true", "t", "yes", "y", "1", "是", "私密"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "否", "公开"})


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def parse_date(text: str) -> dt.date:
    """Parse a calendar date written as spreadsheets and Chinese documents do.

    Accepted: ``2023-05-20``, ``2023/5/20``, ``2023.5.20`` and ``2023年5月20日`` (the
    final 日 optional, full-width digits folded).

    Raises
    ------
    ValueError
        When the text has another form or names no real day (``2023-02-30``).

    Examples
    --------
    >>> parse_date("2023/5/20"), parse_date("2023年5月20日")
    (datetime.date(2023, 5, 20), datetime.date(2023, 5, 20))
    """
    folded = _fold(text)
    match = _DATE_SEP.match(folded)
    if match:
        year, month, day = match.group(1), match.group(3), match.group(4)
    else:
        match = _DATE_CJK.match(folded)
        if not match:
            raise ValueError(f"not a date (use 2023-05-20, 2023/5/20 or 2023年5月20日): {text!r}")
        year, month, day = match.groups()
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(f"no such day: {text!r}") from None


def parse_number(text: str, low: float, high: float, percent: bool = False) -> float:
    """Parse a finite number within ``[low, high]``.

    Parameters
    ----------
    text : str
        The cell; full-width digits are folded. With ``percent`` a trailing ``%`` is
        allowed and ignored (``"42.5%"`` → 42.5).
    low, high : float
        Inclusive bounds.
    percent : bool

    Raises
    ------
    ValueError
        When the text is not a finite number or lies outside the bounds.

    Examples
    --------
    >>> parse_number("42.5%", 0, 100, percent=True)
    42.5
    """
    folded = _fold(text)
    if percent and folded.endswith("%"):
        folded = folded[:-1].strip()
    try:
        value = float(folded)
    except ValueError:
        raise ValueError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"{text!r} is outside [{low:g}, {high:g}]")
    return value


def parse_bool(text: str) -> bool:
    """Parse a yes/no cell: true/false, yes/no, y/n, t/f, 1/0, 是/否, 私密/公开.

    Raises
    ------
    ValueError
        For any other text.

    Examples
    --------
    >>> parse_bool("TRUE"), parse_bool("否")
    (True, False)
    """
    folded = _fold(text).lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ValueError(f"not a yes/no value (true/false, 是/否): {text!r}")


def split_list(text: str) -> list[str]:
    """Split a ``;``-separated cell (full-width ``；`` too) into stripped, non-empty items.

    Examples
    --------
    >>> split_list("专精特新； 链主;;")
    ['专精特新', '链主']
    """
    return [item.strip() for item in _LIST_SPLIT.split(text) if item.strip()]
