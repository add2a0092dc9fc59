"""Figures kept with their source value and unit, so every printed number is traceable.

A loader that reads a number a user will see (a revenue, a list rank) stores it on the
Company as one :class:`Figure` in ``Company.figures``: the number exactly as the source
wrote it, the source's unit, the column or list it came from and the row it was read
from. A query prints it with :func:`Figure.text`, which converts the unit once, here
(1 亿 = 10^8; 百万美元 = 10^6 美元; 万元 = 10^4 元), and cites the source value beside the
converted one, e.g. ``营收 339.6 亿美元（Forbes Global 2000 2025 Revenue ($) 原值
33960000000.0 美元，rankings/forbes-global-2000-2025.csv:464）``.

No exchange rate is ever assumed: US dollars stay dollars, 元 stay 元.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

#: Source unit → (currency word printed, factor to that currency's base unit).
UNITS: dict[str, tuple[str, Decimal]] = {
    "美元": ("美元", Decimal(1)),
    "百万美元": ("美元", Decimal(1_000_000)),
    "元": ("元", Decimal(1)),
    "万元": ("元", Decimal(10_000)),
    "亿元": ("元", Decimal(100_000_000)),
    "名": ("名", Decimal(1)),
}
#: Measures and their Chinese words.
MEASURES = {"revenue": "营收", "profit": "利润", "rank": "排名"}
_YI = Decimal(100_000_000)
_SEP = "|"


@dataclass(frozen=True)
class Figure:
    """One number as a source wrote it.

    Attributes
    ----------
    measure : {"revenue", "profit", "rank"}
    value : str
        The number exactly as written in the source cell (thousands separators removed).
    unit : str
        A key of :data:`UNITS`: the unit the source states for the column.
    label : str
        The list and column it comes from (``Forbes Global 2000 2025 Revenue ($)``).
    cite : str
        ``dataset/file:row`` of the source row.
    """

    measure: str
    value: str
    unit: str
    label: str
    cite: str

    def __post_init__(self) -> None:
        if self.measure not in MEASURES:
            raise ValueError(f"unknown measure {self.measure!r}")
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}")
        try:
            Decimal(self.value)
        except InvalidOperation:
            raise ValueError(f"not a number: {self.value!r}") from None
        if any(_SEP in part for part in (self.label, self.cite)):
            raise ValueError(f"{_SEP!r} is not allowed in a figure's label or citation")

    def encode(self) -> str:
        """The stored form (one string, so both stores can hold it).

        Examples
        --------
        >>> Figure("revenue", "29870000000.0", "美元", "Forbes Revenue ($)", "r/f.csv:552").encode()
        'revenue|29870000000.0|美元|Forbes Revenue ($)|r/f.csv:552'
        """
        return _SEP.join((self.measure, self.value, self.unit, self.label, self.cite))

    @classmethod
    def decode(cls, text: str) -> Figure:
        """Read the stored form back.

        Raises
        ------
        ValueError
            When ``text`` is not an encoded figure.
        """
        parts = text.split(_SEP)
        if len(parts) != 5:
            raise ValueError(f"not a stored figure: {text!r}")
        return cls(*parts)

    @property
    def currency(self) -> str:
        """``美元``, ``元`` or ``名`` (a rank)."""
        return UNITS[self.unit][0]

    @property
    def base_value(self) -> Decimal:
        """The value in the currency's base unit (美元 or 元), exact.

        Examples
        --------
        >>> Figure("revenue", "36201255", "万元", "民营500强 营收总额(万元)", "x:2").base_value
        Decimal('362012550000')
        """
        return Decimal(self.value) * UNITS[self.unit][1]

    def text(self) -> str:
        """The figure as printed, with its source value, unit and row.

        Examples
        --------
        >>> f = Figure("revenue", "33960000000.0", "美元", "Forbes Revenue ($)", "r/f.csv:464")
        >>> f.text()
        '营收 339.6 亿美元（Forbes Revenue ($) 原值 33960000000.0 美元，r/f.csv:464）'
        >>> Figure("revenue", "108004", "百万美元", "财富中国500强", "r/c.csv:28").text()
        '营收 1,080.0 亿美元（财富中国500强 原值 108004 百万美元，r/c.csv:28）'
        >>> Figure("rank", "134", "名", "财富中国500强", "r/c.csv:135").text()
        '财富中国500强 第 134 名（r/c.csv:135）'
        """
        if self.measure == "rank":
            return f"{self.label} 第 {self.value} 名（{self.cite}）"
        amount = money_text(self.base_value, self.currency)
        source = f"{self.label} 原值 {self.value} {self.unit}，{self.cite}"
        return f"{MEASURES[self.measure]} {amount}（{source}）"


def money_text(amount: Decimal, currency: str) -> str:
    """An amount in 亿 of its currency, one decimal, with thousands separators.

    Parameters
    ----------
    amount : Decimal
        In the base unit (美元 or 元).
    currency : {"美元", "元"}

    Examples
    --------
    >>> money_text(Decimal("33960000000"), "美元"), money_text(Decimal("362012550000"), "元")
    ('339.6 亿美元', '3,620.1 亿元')
    """
    return f"{amount / _YI:,.1f} 亿{currency}"


def figures_of(stored: Iterable[str], measure: str) -> list[Figure]:
    """The figures of one measure among a node's stored ``figures``, in stored order.

    Unreadable entries are skipped (a figure is evidence, never a guess).
    """
    out: list[Figure] = []
    for text in stored:
        try:
            fig = Figure.decode(text)
        except ValueError:
            continue
        if fig.measure == measure:
            out.append(fig)
    return out
