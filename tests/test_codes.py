"""USCC (GB 32100) check-character validation, and the cell-value parsers."""

from __future__ import annotations

import csv
import datetime as dt
import doctest
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import loaders.office.values
import resolve.codes
from loaders.office.values import parse_bool, parse_date, parse_number, split_list
from resolve.codes import USCC_ALPHABET, is_valid_uscc, normalise_uscc, uscc_check_char

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo"

# Worked by hand for the demo's first USCC, 91379900MA3DG0001Q: character values
# 9 1 3 7 9 9 0 0 M=21 A=10 3 D=13 G=16 0 0 0 1, weights 3^i mod 31
# 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28; products
# 9 3 27 189 171 234 0 0 420 290 75 169 128 0 0 0 28 → sum 1743 = 56·31 + 7;
# 31 − 7 = 24 → the 25th character of the alphabet, Q.
HAND_WORKED = "91379900MA3DG0001Q"


def test_hand_worked_check_character() -> None:
    assert uscc_check_char(HAND_WORKED[:17]) == "Q"
    assert is_valid_uscc(HAND_WORKED)


def test_alphabet_excludes_the_five_letters() -> None:
    assert len(USCC_ALPHABET) == 31
    assert not set("IOSVZ") & set(USCC_ALPHABET)


def test_public_examples_agree(public_data: Path) -> None:
    """The checksum column of the shared examples (11 valid, 3 invalid) must agree."""
    with (public_data / "codes" / "uscc_examples.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 14
    verdicts = {r["uscc"]: r["gb32100_checksum_valid"] == "True" for r in rows}
    assert sum(verdicts.values()) == 11
    for code, valid in verdicts.items():
        assert is_valid_uscc(normalise_uscc(code)) is valid, code


def test_demo_usccs_three_valid_one_invalid() -> None:
    with (DEMO / "companies.csv").open(encoding="utf-8-sig") as fh:
        codes = [r["uscc"] for r in csv.DictReader(fh) if r["uscc"]]
    assert codes == [
        "91379900MA3DG0001Q",
        "91379900MA3DG0003Y",
        "91379900MA3DG0002U",
        "91379900MA3DG0004X",
    ]
    assert [is_valid_uscc(c) for c in codes] == [True, True, True, False]
    assert uscc_check_char(codes[3][:17]) == "2"  # the right one would be 2, not X


@pytest.mark.parametrize(
    "code",
    [
        "91379900MA3DG0001",  # 17 characters
        "91379900MA3DG0001QQ",  # 19
        "91379900MA3DG0001R",  # wrong check character
        "91379900ma3dg0001q",  # lower case: normalise first
        "91379900MA3DG000IQ",  # I is not in the alphabet
        "",
    ],
)
def test_invalid_codes(code: str) -> None:
    assert not is_valid_uscc(code)


def test_normalise_folds_width_case_and_spaces() -> None:
    assert normalise_uscc("９１３７９９００ma3dg 0001q") == HAND_WORKED


def test_check_char_rejects_bad_body() -> None:
    with pytest.raises(ValueError, match="不是统一社会信用代码的前 17 位"):
        uscc_check_char("91379900MA3DG000")
    with pytest.raises(ValueError):
        uscc_check_char("91379900MA3DG000O")


@given(st.integers(0, 16), st.sampled_from(USCC_ALPHABET))
def test_any_single_substitution_is_detected(position: int, char: str) -> None:
    """Weights are non-zero mod 31 (a prime), so one changed character always shows."""
    changed = HAND_WORKED[:position] + char + HAND_WORKED[position + 1 :]
    assert is_valid_uscc(changed) is (char == HAND_WORKED[position])


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_completed_bodies_are_valid(body: str) -> None:
    assert is_valid_uscc(body + uscc_check_char(body))


def test_doctests() -> None:
    for module in (resolve.codes, loaders.office.values):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


# -- cell values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2023-05-20",
        "2023-5-20",
        "2023/5/20",
        "2023.05.20",
        "2023年5月20日",
        "2023年05月20",
        "２０２３/5/20",
    ],
)
def test_dates(text: str) -> None:
    assert parse_date(text) == dt.date(2023, 5, 20)


@pytest.mark.parametrize(
    "text", ["2023-02-30", "2023/13/1", "20230520", "去年", "2023-05/20", "5/20/2023", ""]
)
def test_bad_dates(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_numbers() -> None:
    assert parse_number("42.5%", 0, 100, percent=True) == 42.5
    assert parse_number(" 0.75 ", 0, 1) == 0.75
    for bad in ("150", "nan", "inf", "-1", "abc", "42%"):
        with pytest.raises(ValueError):
            parse_number(bad, 0, 100)


def test_bools_and_lists() -> None:
    assert [parse_bool(t) for t in ("true", "Y", "1", "是", "false", "no", "0", "否")] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
        False,
    ]
    with pytest.raises(ValueError):
        parse_bool("maybe")
    assert split_list("a;b；c;; ") == ["a", "b", "c"]
