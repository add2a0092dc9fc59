"""Identifier checks: the unified social credit code (统一社会信用代码, GB 32100-2015)
and the Legal Entity Identifier (LEI, ISO 17442).

A USCC has 18 characters: registration authority (1), entity type (1), GB/T 2260
region of registration (6), organisation code (9) and a check character (1). Its
alphabet is the digits and the capitals without I, O, S, V and Z (31 characters, so a
character's value is its index, 0–30). The check character is the one whose value is
``(31 - Σ value_i · 3^i mod 31) mod 31`` over the first 17 characters, with
``3^i mod 31`` the weights 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30,
28 of the standard.

Only the check character and the alphabet are verified; the authority and type codes
and the region part are not, because early pilot regions issued codes outside the
later tables.
"""

from __future__ import annotations

import re
import unicodedata

#: The 31 characters a USCC may use, in value order (GB 32100-2015, table 1).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_SPACE = re.compile(r"\s+")


def normalise_uscc(raw: str) -> str:
    """Fold width, drop whitespace and upper-case a USCC as typed or printed.

    The result is not checked; pass it to :func:`is_valid_uscc`.

    Examples
    --------
    >>> normalise_uscc(" 91379900ma3dg0001q ")
    '91379900MA3DG0001Q'
    """
    return _SPACE.sub("", unicodedata.normalize("NFKC", raw)).upper()


def uscc_check_char(body: str) -> str:
    """Return the GB 32100 check character for the first 17 characters of a USCC.

    Parameters
    ----------
    body : str
        17 characters of :data:`USCC_ALPHABET`.

    Returns
    -------
    str
        One character of :data:`USCC_ALPHABET`.

    Raises
    ------
    ValueError
        When ``body`` is not 17 characters of the alphabet.

    Examples
    --------
    >>> uscc_check_char("91379900MA3DG0001")
    'Q'
    """
    if len(body) != 17 or any(ch not in _VALUE for ch in body):
        raise ValueError(f"不是统一社会信用代码的前 17 位：{body!r}")
    total = sum(_VALUE[ch] * w for ch, w in zip(body, _WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """Tell whether ``code`` is a well-formed USCC with a correct check character.

    The code is taken as given (normalise user input with :func:`normalise_uscc`
    first): 18 characters of :data:`USCC_ALPHABET`, the last one the check character
    of the first 17.

    Parameters
    ----------
    code : str

    Returns
    -------
    bool

    Notes
    -----
    O(1): 17 multiplications. The examples use the fictional region code 379900 of the
    demo dataset, which no real registration can carry.

    Examples
    --------
    >>> is_valid_uscc("91379900MA3DG0001Q")
    True
    >>> is_valid_uscc("91379900MA3DG0001R")  # wrong check character
    False
    >>> is_valid_uscc("91379900MA3DG0001")  # 17 characters
    False
    """
    if len(code) != 18 or any(ch not in _VALUE for ch in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


_LEI = re.compile(r"^[0-9A-Z]{18}[0-9]{2}$")


def is_valid_lei(code: str) -> bool:
    """Tell whether ``code`` is a well-formed LEI with correct check digits (ISO 17442).

    20 characters: 18 digits or capitals, then two check digits chosen so that the
    whole code, letters read as numbers (A = 10 … Z = 35), is 1 mod 97 (ISO 7064
    MOD 97-10). Normalise user input with :func:`normalise_uscc` (width, spaces, case)
    first.

    Examples
    --------
    >>> is_valid_lei("5493001KJTIIGC8Y1R12")
    True
    >>> is_valid_lei("5493001KJTIIGC8Y1R13")
    False
    """
    if not _LEI.match(code):
        return False
    return int("".join(str(int(ch, 36)) for ch in code)) % 97 == 1
