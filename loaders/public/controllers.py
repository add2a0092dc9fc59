"""Actual controllers (实际控制人) as written in exchange data: split, classify, tag.

Used by the a-share-2025 loader. A controller cell names one or more persons or
organisations; an organisation becomes a Company node, a person a Person node.
"""

from __future__ import annotations

import re

#: ``act_ent_type`` values whose controller is always an organisation.
ORGANISATION_TYPES = frozenset({"地方国企", "中央国企", "集体企业", "校办企业"})
#: Words that make a name an organisation's.
ORGANISATION_WORDS = (
    "公司",
    "委员会",
    "政府",
    "财政",
    "大学",
    "学院",
    "合伙",
    "联合会",
    "合作社",
    "集团",
    "中心",
    "研究院",
    "医院",
    "有限",
    "国务院",
    "电视台",
    "广播",
    "宣传部",
    "联社",
)
#: Organisation endings (a government office: 局, 厅, 办公室), bracketed note allowed.
_ORGANISATION_END = re.compile(r"(局|厅|办公室)([(（][^)）]*[)）])?$")
#: Latin legal forms of foreign organisations (SEB SA, Diageo Plc, Holcim Ltd.).
_LATIN_FORM = re.compile(
    r"\b(SA|AG|NV|BV|SE|Plc|PLC|Ltd|LTD|Limited|LIMITED|Inc|INC|LLC|GmbH|Corp|Co)\b\.?$"
)
_GOVERNMENT = ("国有资产", "国资", "人民政府", "政府", "财政", "国务院", "宣传部", "管理委员会")
_UNIVERSITY = ("大学", "学院")
_COLLECTIVE = ("村民委员会", "合作社", "联合会", "联社", "经济合作")
_SEPARATORS = ",、，"
_OPEN, _CLOSE = "(（", ")）"


def controller_names(text: str) -> list[str]:
    """Split a controller cell into names at ``,``, ``、`` and ``，`` outside brackets.

    Examples
    --------
    >>> controller_names("张三、李四")
    ['张三', '李四']
    >>> controller_names("长沙广播电视集团(长沙电视台、长沙人民广播电台)")
    ['长沙广播电视集团(长沙电视台、长沙人民广播电台)']
    >>> controller_names("")
    []
    """
    names: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
        elif ch in _SEPARATORS and depth == 0:
            names.append(text[start:i])
            start = i + 1
    names.append(text[start:])
    return [n.strip() for n in names if n.strip()]


def is_organisation(name: str, controller_type: str = "") -> bool:
    """Tell whether a controller is an organisation rather than a natural person.

    True when ``controller_type`` is a state, collective or university type
    (:data:`ORGANISATION_TYPES`), when the name holds an organisation word
    (:data:`ORGANISATION_WORDS`), ends like a government office (局, 厅, 办公室) or in
    a Latin legal form (SA, Plc, Ltd …).

    Examples
    --------
    >>> is_organisation("李明", "民营企业"), is_organisation("山东大学", "")
    (False, True)
    >>> is_organisation("江西省交通运输厅", ""), is_organisation("Diageo Plc", "外资企业")
    (True, True)
    >>> is_organisation("GEORGE MOHAN ZHANG", "外资企业")
    False
    """
    return (
        controller_type in ORGANISATION_TYPES
        or any(word in name for word in ORGANISATION_WORDS)
        or bool(_ORGANISATION_END.search(name))
        or bool(_LATIN_FORM.search(name))
    )


def organisation_tags(name: str, controller_type: str = "") -> list[str]:
    """Return descriptive tags of an organisation controller: 政府机构, 高校, 集体组织.

    Examples
    --------
    >>> organisation_tags("山东省人民政府国有资产监督管理委员会", "地方国企")
    ['政府机构']
    >>> organisation_tags("龙口市东江街道南山村村民委员会", "民营企业")
    ['集体组织']
    >>> organisation_tags("中国宝安集团股份有限公司", "无")
    []
    """
    tags: list[str] = []
    collective = controller_type == "集体企业" or any(w in name for w in _COLLECTIVE)
    if not collective and (any(w in name for w in _GOVERNMENT) or _ORGANISATION_END.search(name)):
        tags.append("政府机构")
    if controller_type == "校办企业" or any(w in name for w in _UNIVERSITY):
        tags.append("高校")
    if collective:
        tags.append("集体组织")
    return tags
