"""Normalisation of the values loaders meet: names, stock codes, role texts.

Display values stay as written in the source; these functions make *matching keys*.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "[": "(", "]": ")"})
#: Legal-form suffixes dropped from matching keys, longest first. 集团 is kept: a group
#: and its listed subsidiary are two firms.
LEGAL_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "股份公司",
    "有限公司",
    "(有限合伙)",
    "co.,ltd.",
    "co., ltd.",
    "co.,ltd",
    "co., ltd",
    "company limited",
    "corporation",
    "limited",
    "ltd.",
    "ltd",
    "inc.",
    "inc",
    "corp.",
    "plc",
)
_ROLE_SPLIT = re.compile(r"[/／,，、;；|]+")


def clean_text(value: str) -> str:
    """NFKC-fold, strip and collapse whitespace (full-width spaces included).

    Examples
    --------
    >>> clean_text("  山推\u3000股份 ")
    '山推 股份'
    """
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", value)).strip()


def name_key(name: str) -> str:
    """Return the matching key of a firm name: folded width, brackets, case, suffix.

    Examples
    --------
    >>> name_key("山推工程机械股份有限公司")
    '山推工程机械'
    >>> name_key("广东舜喆（集团）股份有限公司")
    '广东舜喆(集团)'
    >>> name_key("PetroChina Co., Ltd.")
    'petrochina'
    """
    key = clean_text(name).translate(_BRACKETS).lower()
    key = key.replace(" ", "") if _is_cjk(key) else key
    for suffix in LEGAL_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)].rstrip(" ,.")
            break
    return key


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


_EXCHANGE_BY_NAME = {
    "上海证券交易所": "SH",
    "深圳证券交易所": "SZ",
    "北京证券交易所": "BJ",
    "SH": "SH",
    "SS": "SH",
    "SZ": "SZ",
    "BJ": "BJ",
}


def exchange_of(code6: str) -> str | None:
    """Infer the exchange of a 6-digit A/B-share code from its prefix.

    6xxxxx and 900xxx (B) trade in Shanghai; 0xxxxx, 2xxxxx (B) and 3xxxxx in Shenzhen;
    4xxxxx, 8xxxxx and 92xxxx on the Beijing exchange.

    Examples
    --------
    >>> exchange_of("600028"), exchange_of("200726"), exchange_of("830799")
    ('SH', 'SZ', 'BJ')
    """
    if not (len(code6) == 6 and code6.isdigit()):
        return None
    if code6.startswith(("6", "9")) and not code6.startswith("92"):
        return "SH"
    if code6.startswith(("0", "2", "3")):
        return "SZ"
    if code6.startswith(("4", "8", "92")):
        return "BJ"
    return None


def stock_code(raw: str | int, exchange: str | None = None) -> str | None:
    """Normalise a stock code to ``NNNNNN.EX`` or return None when it is not one.

    Leading zeros lost by spreadsheets (``2658`` → ``002658``) are restored; the
    exchange comes from the suffix, the ``exchange`` hint (code or Chinese name) or the
    code prefix, in that order.

    Examples
    --------
    >>> stock_code("600373.SH"), stock_code(2658), stock_code("000001", "深圳证券交易所")
    ('600373.SH', '002658.SZ', '000001.SZ')
    >>> stock_code("abc") is None
    True
    """
    text = clean_text(str(raw)).upper()
    digits, _, suffix = text.partition(".")
    if not digits.isdigit() or len(digits) > 6:
        return None
    digits = digits.zfill(6)
    ex = _EXCHANGE_BY_NAME.get(suffix) or (exchange and _EXCHANGE_BY_NAME.get(exchange))
    ex = ex or exchange_of(digits)
    return f"{digits}.{ex}" if ex else None


def split_roles(text: str) -> list[str]:
    """Split a role text such as ``"董事长/董事"`` into roles, in order, without repeats.

    Examples
    --------
    >>> split_roles("副董事长/董事、总经理；董事")
    ['副董事长', '董事', '总经理']
    """
    roles = [clean_text(r) for r in _ROLE_SPLIT.split(text)]
    return list(dict.fromkeys(r for r in roles if r))
