"""Firm names taken apart for matching: core, region, legal form, group, branch.

A firm's display name stays as written in its source; matching uses the parts of
:func:`parse_name`. The parts follow how Chinese registered names are built (企业名称登记
管理规定: 行政区划 + 字号 + 行业 + 组织形式), so that

- width, bracket style, case, whitespace and traditional characters never matter;
- the legal form (股份有限公司, 有限公司, （有限合伙）, Co., Ltd.) is set aside, but two
  *different* forms conflict (东风汽车有限公司 is not 东风汽车股份有限公司);
- a region qualifier (山东, 青岛市, （中国）, （深圳）) may be absent on one side but must
  not conflict (北京银行 is not 上海银行);
- 集团 marks a group: a group and its listed subsidiary are two firms;
- a 分公司 / 分行 / 办事处 is a branch, its own firm, with the parent's name kept.

Traditional characters are converted for keys only (OpenCC ``t2s``), except in official
place names that the conversion gets wrong (乾县 would become 干县): those come from
GB/T 2260 data in ``resolve/data/t2s_guard.csv``.
"""

from __future__ import annotations

import csv
import enum
import functools
import re
from dataclasses import dataclass
from importlib import resources

import opencc

from resolve.normalise import clean_text

_SPACE = re.compile(r"\s+")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "[": "(", "]": ")"})
_CJK = re.compile(r"[\u3400-\u9fff]")


class LegalForm(enum.StrEnum):
    """Organisational form (组织形式) of a registered name, as far as matching cares."""

    JOINT_STOCK = "股份有限公司"
    LIMITED = "有限公司"
    PARTNERSHIP = "合伙企业"
    STATE_OWNED = "总公司"
    """全民所有制 enterprise (…总公司): 中国石油天然气总公司 is not the 股份有限公司."""


#: Legal-form suffixes, longest first, with the form they state (None: no statement).
_CN_FORMS: tuple[tuple[str, LegalForm | None], ...] = (
    ("股份有限公司", LegalForm.JOINT_STOCK),
    ("有限责任公司", LegalForm.LIMITED),
    ("(特殊普通合伙)", LegalForm.PARTNERSHIP),
    ("(有限合伙)", LegalForm.PARTNERSHIP),
    ("(普通合伙)", LegalForm.PARTNERSHIP),
    ("合伙企业", LegalForm.PARTNERSHIP),
    ("有限合伙", LegalForm.PARTNERSHIP),
    ("股份公司", LegalForm.JOINT_STOCK),
    ("有限公司", LegalForm.LIMITED),
    ("总公司", LegalForm.STATE_OWNED),
    ("公司", None),
)
#: English legal forms (no distinction between them is drawn).
_EN_FORMS = re.compile(
    r"(?:[\s,]+(?:co\.?,?\s*ltd\.?|company\s+limited|corporation|corp\.?|limited|ltd\.?"
    r"|inc\.?|incorporated|plc|llc|s\.?a\.?|a\.?g\.?|n\.?v\.?|co\.?|company))+$"
)
#: Branch suffixes (分支机构).
_BRANCH = re.compile(
    r"^(?P<parent>.+(?:公司|集团|银行|厂|社|所|\)))"
    r"(?P<branch>[^()]{1,16}?(?:分公司|支公司|分行|支行|分厂|办事处|营业部|分店|分所|代表处))$"
)
#: Stock short-name markers: *ST, ST, S*ST prefixes, A/B share-class letters, -U/-W.
_ST_PREFIX = re.compile(r"^(?:\*st|s\*st|sst|st|xd|xr|dr|n|c)(?=[\u3400-\u9fff])")
_SHARE_CLASS = re.compile(r"(?<=[\u3400-\u9fff])(?:[ab]|-[uwd]+)$")
_PUNCT = re.compile(r"[·•・\-—_'’\"“”,，.。&/]+")


@dataclass(frozen=True)
class Region:
    """A GB/T 2260 region named in a firm name: ``code`` (2 or 4 digits), ``name``."""

    code: str
    name: str


@dataclass(frozen=True)
class NameParts:
    """The parts of a firm name that matching compares.

    Attributes
    ----------
    core : str
        Simplified, lower-case name without region, legal form, group marker and
        punctuation (字号 + 行业): ``"石油化工"`` for 中国石油化工股份有限公司 keeps 中国,
        which is part of the name, not a qualifier.
    region : Region, optional
        Region qualifier found in the name (prefix or brackets); ``Region("CN", "中国")``
        for （中国）.
    form : LegalForm, optional
        Legal form stated by the name.
    group : bool
        The name says 集团 (or "Group").
    branch : str, optional
        Branch part (北京分公司) of a branch name; ``parent`` then holds the rest.
    parent : str, optional
        The parent's name as written, for a branch.
    latin : bool
        The name has no Chinese characters (English names are aliases).
    """

    core: str
    region: Region | None = None
    form: LegalForm | None = None
    group: bool = False
    branch: str | None = None
    parent: str | None = None
    latin: bool = False

    @property
    def key(self) -> str:
        """Index key: core, group marker and branch (region and form are compared)."""
        key = self.core + ("#集团" if self.group else "")
        return key + (f"#{self.branch}" if self.branch else "")

    def conflicts(self, other: NameParts, same_region: bool = False) -> str | None:
        """Why ``self`` and ``other`` cannot name one firm (None when they can).

        Same key is assumed. The regions must be equal, or absent on one side of two
        names stating the same legal form with a core of three characters or more; the
        legal forms must be equal or absent on one side. With
        ``same_region`` (short names, 简称) the regions must be equal: 重庆沃尔玛
        is not 沃尔玛.

        Examples
        --------
        >>> parse_name("北京银行").conflicts(parse_name("上海银行"))
        'region 北京 ≠ 上海'
        >>> parse_name("东风汽车有限公司").conflicts(parse_name("东风汽车股份有限公司"))
        'legal form 有限公司 ≠ 股份有限公司'
        >>> parse_name("青岛啤酒股份有限公司").conflicts(parse_name("青岛啤酒")) is None
        True
        """
        a, b = self.region, other.region
        if same_region and a != b:
            return f"地区不同：{a.name if a else '—'} ≠ {b.name if b else '—'}（简称）"
        if a and b and a != b:  # 南京银行 is not 江苏银行, though 南京 is in 江苏
            return f"region {a.name} ≠ {b.name}"
        # Only two registered names of one form may differ by a dropped region
        # (长亮科技股份有限公司 / 深圳市长亮科技股份有限公司): 丰田汽车 is not the
        # 天津丰田汽车有限公司 joint venture, 银行 not 北京银行.
        one = a or b
        weak = len(self.core) < 3 or self.form is None or self.form != other.form
        if one is not None and (a is None or b is None) and weak:
            return f"只有一方带地名 {one.name}"
        if self.form and other.form and self.form != other.form:
            return f"组织形式不同：{self.form.value} ≠ {other.form.value}"
        return None


@functools.cache
def _guard() -> re.Pattern[str] | None:
    names = [name for name, _ in _wrong_forms()]
    if not names:
        return None
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _has_traditional(text: str) -> bool:
    """True when ``text`` has a character outside GB 2312 (the simplified repertoire).

    Names written in simplified characters are left alone, so that characters valid in
    both scripts keep their meaning (乾照光电 stays, not 干照). A name with a character
    beyond GB 2312 (traditional, or rare like 昇) is converted whole; its keys still
    agree with the other spellings of the name.
    """
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified, leaving guarded place names.

    Examples
    --------
    >>> to_simplified("中國石油化工")
    '中国石油化工'
    >>> to_simplified("乾縣")  # 縣 converts, 乾 in the county's name does not
    '乾县'
    >>> to_simplified("陝西乾县農業")
    '陕西乾县农业'
    """
    if text.isascii() or not _has_traditional(text):
        return text
    convert = _converter().convert
    pattern = _guard()
    if pattern is None:
        return str(convert(text))
    out: list[str] = []
    pos = 0
    for hit in pattern.finditer(text):
        out.append(convert(text[pos : hit.start()]))
        out.append(hit.group())
        pos = hit.end()
    out.append(convert(text[pos:]))
    converted = "".join(out)
    # Names written in traditional characters reach the guard only after conversion.
    for name, wrong in _guarded_after(converted):
        converted = converted.replace(wrong, name)
    return converted


@functools.cache
def _wrong_forms() -> tuple[tuple[str, str], ...]:
    text = resources.files("resolve").joinpath("data", "t2s_guard.csv").read_text("utf-8")
    return tuple((r["name"], r["t2s"]) for r in csv.DictReader(text.splitlines()))


def _guarded_after(text: str) -> list[tuple[str, str]]:
    return [(name, wrong) for name, wrong in _wrong_forms() if wrong in text]


@functools.cache
def _regions() -> tuple[dict[str, Region], re.Pattern[str]]:
    text = resources.files("resolve").joinpath("data", "regions.csv").read_text("utf-8")
    by_name: dict[str, Region] = {}
    prefixes: list[str] = []
    for row in csv.DictReader(text.splitlines()):
        region = Region(row["code"], row["short"] or row["name"])
        for spelling in (row["name"], row["short"]):
            if spelling:
                # A province and a city may share a short name (吉林): the province wins.
                by_name.setdefault(spelling, region)
        # As a prefix: provinces by either name, cities only with their suffix (青岛市):
        # a bare city name is often the 字号 itself (阿里云, 中山大学, 北海, 普洱).
        prefixes.append(row["name"])
        if len(row["code"]) == 2 and row["short"]:
            prefixes.append(row["short"])
    by_name["中国"] = Region("CN", "中国")
    names = sorted(set(prefixes), key=len, reverse=True)
    return by_name, re.compile("^(?:" + "|".join(re.escape(n) for n in names) + ")")


def _strip_form(text: str) -> tuple[str, LegalForm | None, bool]:
    """Remove legal-form suffixes (repeatedly); return (rest, form, stated at all)."""
    form: LegalForm | None = None
    stated = False
    changed = True
    while changed:
        changed = False
        for suffix, this in _CN_FORMS:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                form = form or this
                stated = changed = True
                break
    return text, form, stated


def _strip_group(text: str) -> tuple[str, bool]:
    group = False
    if "(集团)" in text:
        text, group = text.replace("(集团)", ""), True
    while text.endswith("集团") and len(text) > 2:
        text, group = text[:-2], True
    text, _, _ = _strip_form(text)  # 集团有限公司 → 集团 was inside the form
    return text, group


def _strip_region(text: str) -> tuple[str, Region | None]:
    by_name, prefix = _regions()
    region: Region | None = None
    for inner in re.findall(r"\(([^()]*)\)", text):
        found = by_name.get(inner)
        if found is not None:
            region = region or found
            text = text.replace(f"({inner})", "", 1)
    if region is not None:
        return text, region  # 上海贝岭（深圳）: the bracket is the region, 上海 the 字号
    hit = prefix.match(text)
    if hit is not None and len(text) - hit.end() >= 2:
        region = by_name[hit.group()]
        text = text[hit.end() :]
    return text, region


def parse_name(name: str) -> NameParts:
    """Take a firm name apart for matching (see the module notes).

    Parameters
    ----------
    name : str
        A firm name as written: legal name, short name (简称) or English name.

    Returns
    -------
    NameParts
        ``core`` is empty for an empty name.

    Examples
    --------
    >>> parse_name("中國石油化工股份有限公司").key
    '中国石油化工'
    >>> p = parse_name("中国石油化工股份有限公司北京分公司")
    >>> p.key, p.parent, p.region
    ('中国石油化工#北京分公司', '中国石油化工股份有限公司', None)
    >>> p = parse_name("海尔集团（青岛）有限公司")
    >>> p.core, p.group, p.region
    ('海尔', True, Region(code='3702', name='青岛'))
    >>> parse_name("深圳市长亮科技股份有限公司").core
    '长亮科技'
    >>> parse_name("*ST康美").core, parse_name("万科A").core
    ('康美', '万科')
    >>> parse_name("China Petroleum & Chemical Corp.").key
    'china petroleum chemical'
    >>> parse_name("Sinopec Group").key
    'sinopec#集团'
    """
    text = clean_text(name).translate(_BRACKETS)
    if not text:
        return NameParts(core="")
    if not _CJK.search(text):
        return _parse_latin(text)
    text = to_simplified(text).lower().replace(" ", "")
    text = _ST_PREFIX.sub("", text)
    text = _SHARE_CLASS.sub("", text)
    branch = parent = None
    hit = _BRANCH.match(text)
    if hit is not None:
        branch, parent_key = hit.group("branch"), hit.group("parent")
        parent = _parent_as_written(name, parent_key)
        text = parent_key
    text, form, _ = _strip_form(text)
    text, region = _strip_region(text)
    text, group = _strip_group(text)
    text = text.replace("(", "").replace(")", "")
    core = _PUNCT.sub("", text) or text
    return NameParts(core, region, form, group, branch, parent)


def _parent_as_written(name: str, parent_key: str) -> str:
    """The parent part of a branch name in its original spelling."""
    written = clean_text(name)
    # Same length after folding in all but exotic cases; fall back to the folded form.
    folded = to_simplified(written.translate(_BRACKETS)).lower().replace(" ", "")
    if len(folded) == len(written.replace(" ", "")):
        return written.replace(" ", "")[: len(parent_key)]
    return parent_key


def _parse_latin(text: str) -> NameParts:
    text = text.lower().replace("&", " ")
    text = _EN_FORMS.sub("", text)
    group = False
    for marker in (" group", " holdings", " holding"):
        if text.endswith(marker):
            text, group = text[: -len(marker)], True
            break
    text = _EN_FORMS.sub("", text)
    core = _SPACE.sub(" ", _PUNCT.sub(" ", text)).strip()
    return NameParts(core=core, group=group, latin=True)


def is_subsequence(short: str, full: str) -> bool:
    """True when the characters of ``short`` appear in ``full`` in order (简称 rule).

    A 简称 is normally cut from the legal name (中国石化 from 中国石油化工); one that is
    not (海尔智家 for 青岛海尔股份有限公司) is reported instead of trusted.

    Examples
    --------
    >>> is_subsequence("中国石化", "中国石油化工股份有限公司")
    True
    >>> is_subsequence("海尔智家", "青岛海尔股份有限公司")
    False
    """
    it = iter(full)
    return all(ch in it for ch in short)
