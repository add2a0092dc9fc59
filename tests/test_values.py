"""Cell values: amounts, dates, code cells, LEI — each expected value worked out by hand."""

from __future__ import annotations

import datetime as dt
import doctest
import time
from decimal import Decimal

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

import loaders.office.values
import resolve.codes
from loaders.office.values import PrecisionLost, code_text, parse_amount, parse_date
from resolve.codes import is_valid_lei

AMOUNTS = [
    # (cell, unit of the column, 元)
    ("1234", "元", "1234"),
    ("1,234,567.89", "元", "1234567.89"),
    ("1,234.5万元", "元", "12345000"),  # 1234.5 × 10^4
    ("500万", "元", "5000000"),
    ("1.5亿", "元", "150000000"),
    ("2亿元整", "元", "200000000"),
    ("人民币500万元", "元", "5000000"),
    ("RMB 2000", "元", "2000"),
    ("¥1,000,000.00", "万元", "1000000"),  # ¥ names 元 even in a 万元 column
    ("壹佰贰拾万元整", "元", "1200000"),  # 120 × 10^4
    ("叁拾伍萬元", "元", "350000"),  # traditional 萬
    ("伍仟万元人民币", "元", "50000000"),
    ("三亿五千万元", "元", "350000000"),
    ("3亿5千万", "元", "350000000"),
    ("十二点五万", "元", "125000"),
    ("一万两千元", "元", "12000"),
    ("１２３４５", "元", "12345"),  # full-width digits
    ("１２３４５", "万元", "123450000"),  # bare number × the column's unit
    ("500千元", "元", "500000"),
    ("0.5万", "元", "5000"),
    ("壹仟万元整", "万元", "10000000"),  # the text's own unit wins over the column's
    ("3.14", "亿元", "314000000"),
]


@pytest.mark.parametrize(("cell", "unit", "yuan"), AMOUNTS)
def test_amounts(cell: str, unit: str, yuan: str) -> None:
    assert parse_amount(cell, unit) == Decimal(yuan)


def test_workbook_numbers_are_taken_at_their_shortest_decimal_form() -> None:
    assert parse_amount(0.1, "万元") == Decimal("1000")  # not 1000.0000000000000555…
    assert parse_amount(5000, "万元") == Decimal("50000000")
    assert str(parse_amount("1.50万")) == "15000"  # no exponent form


@pytest.mark.parametrize(
    "cell", ["abc", "元", "万", "1.2.3", "12e5", "1,23,4", "100万美元", "5亿港元", "约500万", ""]
)
def test_unparseable_amounts_raise(cell: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(cell)


def test_amount_time_is_bounded() -> None:
    started = time.perf_counter()
    for junk in ("9" * 10_000, "一" * 10_000, "1," * 5_000, "万" * 10_000):
        with pytest.raises(ValueError):
            parse_amount(junk)
    assert time.perf_counter() - started < 0.5


D = dt.date(2023, 5, 20)
DATES = [
    ("2023-05-20", D),
    ("2023/5/20", D),
    ("2023.5.20", D),
    ("2023年5月20日", D),
    ("2023年05月20号", D),
    ("2023-05-20 14:30:00", D),
    ("2023-05-20T14:30", D),
    ("2023/5/20 8:05", D),
    ("2023年5月20日 14时30分", D),
    ("二〇二三年五月二十日", D),
    ("45066", D),  # Excel serial as text: 1899-12-30 + 45066 days
    ("45066.75", D),  # with a time of day
    ("２０２３－０５－２０", D),  # full-width
    ("2023/1/2", dt.date(2023, 1, 2)),  # year first: month 1, day 2, never swapped
    ("2024-02-29", dt.date(2024, 2, 29)),
]


@pytest.mark.parametrize(("cell", "day"), DATES)
def test_dates(cell: str, day: dt.date) -> None:
    assert parse_date(cell) == day


def test_dates_a_workbook_stored() -> None:
    assert parse_date(45066) == D
    assert parse_date(45066.5) == D
    assert parse_date(61) == dt.date(1900, 3, 1)
    assert parse_date(dt.datetime(2023, 5, 20, 14, 30)) == D
    assert parse_date(D) == D


@pytest.mark.parametrize(
    "cell",
    [
        "20230520",
        "20/5/2023",
        "5/20/2023",
        "2023/13/5",
        "2023-02-30",
        "2023",
        "明天",
        "60",
        "45066x",
    ],
)
def test_bad_or_ambiguous_dates_raise(cell: str) -> None:
    with pytest.raises(ValueError):
        parse_date(cell)


def test_day_first_is_refused_with_a_hint() -> None:
    with pytest.raises(ValueError, match="日在前的写法有歧义"):
        parse_date("20/05/2023")


def test_code_cells_stay_text() -> None:
    assert code_text("000001") == "000001"
    assert code_text(" ００２６５８ ") == "002658"
    assert code_text(600028.0) == "600028"
    assert code_text(123456789012345) == "123456789012345"  # 15 digits: exact in Excel
    with pytest.raises(PrecisionLost):
        code_text(913700001234567890)  # an 18-digit credit code stored as a number
    with pytest.raises(PrecisionLost):
        code_text(9.13700001234568e17)


def test_lei_check_digits() -> None:
    # ISO 17442 examples from the GLEIF register (mod 97 of the digits = 1).
    assert is_valid_lei("5493001KJTIIGC8Y1R12")
    assert is_valid_lei("529900T8BM49AURSDO55")
    assert not is_valid_lei("5493001KJTIIGC8Y1R21")  # swapped check digits
    assert not is_valid_lei("5493001KJTIIGC8Y1R1")  # 19 characters


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_amount_round_trip(amount: Decimal) -> None:
    assert parse_amount(f"{amount:,}元") == amount
    assert parse_amount(f"{amount / 10000:f}万元") == amount
    assert parse_amount(f"人民币{amount / 100_000_000:f}亿元") == amount


@given(st.integers(min_value=1, max_value=10**12))
def test_chinese_numeral_round_trip(amount: int) -> None:
    assert parse_amount(cn2an.an2cn(amount) + "元") == amount
    assert parse_amount(cn2an.an2cn(amount, "up") + "元整") == amount  # 壹贰叁 financial


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)))
def test_date_round_trip(day: dt.date) -> None:
    serial = (day - dt.date(1899, 12, 30)).days
    for text in (
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.isoformat()} 23:59:59",
    ):
        assert parse_date(text) == day
    assert parse_date(serial) == day
    if serial >= 10000:
        assert parse_date(str(serial)) == day


def test_doctests() -> None:
    for module in (loaders.office.values, resolve.codes):
        assert doctest.testmod(module).failed == 0
