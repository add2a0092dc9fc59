"""Cell values of user tables: dates, amounts, numbers, yes/no flags, lists.

Each parser takes one cell (its text, or the number or date a workbook stored) and
returns a typed value or raises ``ValueError`` with a message fit for a load report.
Empty cells are the caller's business (they usually mean "not given").
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

import cn2an

#: A cell as a reader gives it: text, or what a workbook stored.
Value = str | int | float | bool | dt.date | dt.datetime | None

#: A time of day after a date (dropped): 14:30, 14:30:05.123, 14时30分, 下午2点, with an
#: optional UTC offset (Z, +08:00).
_CLOCK = (
    r"(?:上午|下午|中午|晚上|凌晨)?\s*(?:[01]?\d|2[0-4])"
    r"(?:[:时点][0-5]?\d(?:[:分][0-5]?\d(?:\.\d+)?秒?)?分?)?"
    r"[时点]?(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?"
)
_DATE_SEP = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]+" + _CLOCK + ")?$")
_DATE_CJK = re.compile(
    r"^(\d{4})年(\d{1,2})月(\d{1,2})(?:[日号]\s*(?:" + _CLOCK + r")?|\s+" + _CLOCK + ")?$"
)
_CJK_DIGITS = "〇零一二三四五六七八九十"
_DATE_CJK_NUMERALS = re.compile(
    rf"^([{_CJK_DIGITS}]{{4}})年([{_CJK_DIGITS}]{{1,2}})月([{_CJK_DIGITS}]{{1,3}})[日号]?$"
)
_DAY_FIRST = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}")
_SERIAL = re.compile(r"^\d{5,7}(\.\d+)?$")
#: Excel's day 0 (1900 date system, past its phantom 1900-02-29): serial 45066 = 2023-05-20.
EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (61, 2958465)  # 1900-03-01 … 9999-12-31
_LIST_SPLIT = re.compile(r"[;；]")
_TRUE = frozenset({"true", "t", "yes", "y", "1", "是", "私密"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "否", "公开"})


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def excel_serial_date(serial: float) -> dt.date:
    """Return the day of an Excel serial number (1900 system, origin 1899-12-30).

    The fraction (time of day) is dropped.

    Raises
    ------
    ValueError
        Outside 61 … 2958465 (1900-03-01 … 9999-12-31): Excel's serials below 61 count
        a 1900-02-29 that never was.

    Examples
    --------
    >>> excel_serial_date(45066), excel_serial_date(45066.75)
    (datetime.date(2023, 5, 20), datetime.date(2023, 5, 20))
    """
    low, high = _SERIAL_RANGE
    if not math.isfinite(serial) or not low <= serial < high + 1:
        raise ValueError(f"{serial!r} 不是 Excel 日期序号（{low}–{high}）")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def parse_date(value: Value) -> dt.date:
    """Parse a calendar date written as spreadsheets and Chinese documents do.

    Accepted, year first: ``2023-05-20``, ``2023/5/20``, ``2023.5.20``,
    ``2023年5月20日`` (日 optional) and ``二〇二三年五月二十日``, the first four
    optionally followed by a time of day, which is dropped: ISO (``2023-05-20T14:30:05Z``,
    ``+08:00``, fractions of a second) and Chinese (``2023年05月20日14:30``,
    ``14时30分``, ``下午2点``); Excel serials (``45066``) as numbers or as text of 5–7
    digits; dates and datetimes a workbook stored. Full-width digits are folded.
    Year-first forms are read as year-month-day and never swapped; day-first forms
    (``20/5/2023``) are refused as ambiguous.

    Raises
    ------
    ValueError
        When the value has another form or names no real day (``2023-02-30``).

    Examples
    --------
    >>> parse_date("2023/5/20"), parse_date("2015年04月08日10:05")
    (datetime.date(2023, 5, 20), datetime.date(2015, 4, 8))
    >>> parse_date("2015-04-08T10:05:00+08:00"), parse_date("2015/4/8 下午3点")
    (datetime.date(2015, 4, 8), datetime.date(2015, 4, 8))
    >>> parse_date(45066), parse_date("45066")
    (datetime.date(2023, 5, 20), datetime.date(2023, 5, 20))
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool) or value is None:
        raise ValueError(f"不是日期：{value!r}")
    if isinstance(value, int | float):
        return excel_serial_date(value)
    folded = _fold(value)[:64]
    if _SERIAL.match(folded):
        return excel_serial_date(float(folded))
    match = _DATE_SEP.match(folded)
    if match:
        parts: tuple[str | int, ...] = (match.group(1), match.group(3), match.group(4))
    elif match := _DATE_CJK.match(folded):
        parts = match.groups()
    elif match := _DATE_CJK_NUMERALS.match(folded):
        year = "".join(str("〇一二三四五六七八九".index(c.replace("零", "〇"))) for c in match[1])
        parts = (year, cn2an.cn2an(match[2], "smart"), cn2an.cn2an(match[3], "smart"))
    else:
        hint = "（日在前的写法有歧义：请把年份写在前面）" if _DAY_FIRST.match(folded) else ""
        raise ValueError(f"not a date (use 2023-05-20 or 2023年5月20日){hint}: {value!r}")
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise ValueError(f"没有这一天：{value!r}") from None


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
        raise ValueError(f"不是数字：{text!r}") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"{text!r} 超出范围 [{low:g}, {high:g}]")
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


#: Amount units → multiplier to 元.
AMOUNT_UNITS: dict[str, int] = {
    "元": 1,
    "千元": 1_000,
    "万元": 10_000,
    "十万元": 100_000,
    "百万元": 1_000_000,
    "千万元": 10_000_000,
    "亿元": 100_000_000,
    "万": 10_000,
    "亿": 100_000_000,
}
_TRADITIONAL = str.maketrans(
    {"萬": "万", "億": "亿", "圓": "元", "貳": "贰", "參": "叁", "陸": "陆", "兩": "两", "佰": "百"}
)
_FINANCIAL = str.maketrans(
    {
        "壹": "一",
        "贰": "二",
        "叁": "三",
        "肆": "四",
        "伍": "五",
        "陆": "六",
        "柒": "七",
        "捌": "八",
        "玖": "九",
        "拾": "十",
        "仟": "千",
        "两": "二",
        "〇": "零",
    }
)
_CURRENCY = re.compile(r"^(?:人民币|rmb|cny|¥)\s*|\s*(?:人民币|rmb|cny)$|整$", re.IGNORECASE)
_FOREIGN = re.compile(r"美元|usd|us\$|港元|港币|hkd|欧元|eur|日元|jpy|英镑|gbp", re.IGNORECASE)
_ARABIC = re.compile(r"^([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(千|十万|百万|千万|万|亿)?$")
_SCALES = {"千": 1_000, "十万": 100_000, "百万": 1_000_000, "千万": 10_000_000, "万": 10_000}
_SCALES["亿"] = 100_000_000
_CJK_NUMBER = re.compile(
    r"^[-负]?[0-9零一二三四五六七八九十百千万亿]+(?:点[0-9零一二三四五六七八九]+[万亿]?)?$"
)
MAX_AMOUNT_CHARS = 64


def _plain(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent form (1.50E+4 → 15000)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _cjk_number(text: str) -> Decimal:
    """Exact value of Chinese (or mixed: ``3亿5千万``) numerals, ``点`` for the point."""
    sign = -1 if text[:1] in "-负" else 1
    text = text.lstrip("-负")
    scale = 1
    if "点" in text and text[-1] in "万亿":
        scale, text = _SCALES[text[-1]], text[:-1]
    whole, _, frac = text.partition("点")
    number = Decimal(int(cn2an.cn2an(whole or "零", "smart")))
    if frac:
        number += Decimal(
            "0."
            + "".join(str("零一二三四五六七八九".find(c)) if not c.isdigit() else c for c in frac)
        )
    return sign * number * scale


def parse_amount(value: Value, unit: str = "元") -> Decimal:
    """Parse a money amount into an exact :class:`~decimal.Decimal` in 元.

    Parameters
    ----------
    value : str, int or float
        The cell. Text may carry a unit (元, 千元, 万元, 亿元, 万, 亿; a unit in the
        text wins over ``unit``), a currency word (人民币, RMB, CNY, ¥) and 整, thousands
        separators (``1,234.5``), full-width digits, Chinese numerals (``三亿五千万``),
        financial numerals (``壹佰贰拾万元整``, traditional ``萬``/``億``) and mixes
        (``1.5亿``, ``3亿5千万``). A number a workbook stored is taken at its shortest
        decimal form (``0.1`` → ``0.1``, not the binary float).
    unit : str
        Unit of a bare number, usually from the column header (``注册资本（万元）``): a
        key of :data:`AMOUNT_UNITS`.

    Returns
    -------
    Decimal
        The amount in 元, trailing zeros dropped (``Decimal("15000")`` for ``1.5万``).

    Raises
    ------
    ValueError
        For text that is no amount, a foreign currency (美元, 港元 …: no rate is
        assumed), or text longer than :data:`MAX_AMOUNT_CHARS` characters (bounded
        time: every step is one linear pass).

    Examples
    --------
    >>> parse_amount("1,234.5万元"), parse_amount("壹佰贰拾万元整"), parse_amount(500, "万元")
    (Decimal('12345000'), Decimal('1200000'), Decimal('5000000'))
    """
    if unit not in AMOUNT_UNITS:
        raise ValueError(f"未知的金额单位 {unit!r}；请用 {'、'.join(AMOUNT_UNITS)} 之一")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"不是金额：{value!r}")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError(f"不是金额：{value!r}")
        return _plain(Decimal(repr(value)) * AMOUNT_UNITS[unit])
    if len(value) > MAX_AMOUNT_CHARS:
        raise ValueError(f"不是金额（超过 {MAX_AMOUNT_CHARS} 个字符）")
    text = _fold(value).translate(_TRADITIONAL).replace(" ", "")
    if _FOREIGN.search(text):
        raise ValueError(f"不是以元计的金额（不做汇率换算）：{value!r}")
    explicit = text.startswith("¥")  # a currency sign names the unit: 元
    text = _CURRENCY.sub("", _CURRENCY.sub("", text))
    explicit = explicit or text.endswith("元")
    text = text.removesuffix("元")
    try:
        if match := _ARABIC.match(text):
            number = Decimal(match[1].replace(",", "")) * _SCALES.get(match[2] or "", 1)
            explicit = explicit or match[2] is not None
        elif text and _CJK_NUMBER.match(text.translate(_FINANCIAL)):
            number = _cjk_number(text.translate(_FINANCIAL))
            explicit = explicit or any(c in text for c in "万亿")
        else:
            raise ValueError(text)
    except (ValueError, InvalidOperation, TypeError, KeyError):
        raise ValueError(f"不是金额：{value!r}") from None
    factor = 1 if explicit else AMOUNT_UNITS[unit]
    return _plain(number * factor)


#: Excel keeps 15 significant digits of a number: a longer code stored as one is damaged.
EXCEL_DIGITS = 15


class PrecisionLost(ValueError):
    """A code stored as a number longer than Excel can hold (an 18-digit USCC)."""


def code_text(value: Value) -> str:
    """Return a code-like cell (代码, 编号, ID) as text, never as a float.

    Text is NFKC-folded and stripped, leading zeros kept. A number a workbook stored
    (an integer-valued float too) becomes its digits (``600028.0`` → ``"600028"``).

    Raises
    ------
    PrecisionLost
        When the number has more than :data:`EXCEL_DIGITS` significant digits: Excel
        kept only 15 of them, so the code cannot be trusted (and must never be a key).

    Examples
    --------
    >>> code_text(" 000001 "), code_text(600028.0)
    ('000001', '600028')
    >>> code_text(9.13700001234568e17)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    loaders.office.values.PrecisionLost: 913700001234567936 was stored as a number: …
    """
    if value is None:
        return ""
    if isinstance(value, bool | dt.date):
        return _fold(str(value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        if len(str(abs(value)).rstrip("0")) > EXCEL_DIGITS or abs(value) >= 10**EXCEL_DIGITS:
            raise PrecisionLost(
                f"{value} 以数字格式保存：Excel 只保留 {EXCEL_DIGITS} 位有效数字，其余各位已丢失"
            )
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return _fold(value)
