"""Node ids of firms and the spelling key of reviewers' judgements.

A listed firm is keyed by its primary stock code, a firm known only by name by a
folded form of the name (with its legal form when that sets it apart).
"""

from __future__ import annotations

from graph.ids import node_id
from graph.schema import NodeKind
from resolve.names import LegalForm, parse_name, to_simplified
from resolve.normalise import clean_text, name_key


def company_id_for_code(code: str) -> str:
    """Return the id of a listed firm keyed by its (primary) stock code.

    Examples
    --------
    >>> company_id_for_code("600028.SH")
    'Company:600028'
    """
    return node_id(NodeKind.COMPANY, code.split(".")[0])


def company_id_for_name(name: str) -> str:
    """Return the id of a firm known only by name (unresolved names keep their node).

    The key folds width, brackets, case, legal form and traditional characters, so
    that 天貓 in one dataset and 天猫 in another are one node; a 股份有限公司, a
    partnership (合伙企业) and a 总公司 keep their form in the key, apart from the
    有限公司 or bare name (东风汽车股份有限公司 is not 东风汽车有限公司; a fund
    partnership is not its management company).

    Examples
    --------
    >>> company_id_for_name("中铝（集团）")
    'Company:name:中铝(集团)'
    >>> company_id_for_name("天貓") == company_id_for_name("天猫")
    True
    >>> company_id_for_name("东风汽车股份有限公司"), company_id_for_name("东风汽车有限公司")
    ('Company:name:东风汽车(股份)', 'Company:name:东风汽车')
    """
    key = name_key(to_simplified(name))
    form = parse_name(name).form
    if form is not None and form is not LegalForm.LIMITED:
        key += f"({_FORM_TAG[form]})"
    return node_id(NodeKind.COMPANY, "name", key)


#: Legal forms that keep a name-only firm apart from a 有限公司 of the same name.
_FORM_TAG = {
    LegalForm.JOINT_STOCK: "股份",
    LegalForm.PARTNERSHIP: "合伙",
    LegalForm.STATE_OWNED: "总公司",
}


def spelling_key(name: str) -> str:
    """A spelling with width, brackets, case, whitespace and script folded (nothing cut).

    Reviewers' judgements are kept under it: 是 for 上海银行 says nothing of 北京银行.

    Examples
    --------
    >>> spelling_key("中國石化（集团） ")
    '中国石化(集团)'
    """
    return to_simplified(clean_text(name).translate(_BRACKETS)).lower().replace(" ", "")


_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "[": "(", "]": ")"})
