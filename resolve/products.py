"""Product names across sources: synonyms, and the product an industry name means.

Sources name one product differently: chain-kg has both 重卡 and 重型卡车, ICKG-25 news
say a firm belongs to the 重卡行业. Two things make such names meet:

- the synonyms table ``resolve/data/product_synonyms.csv`` (``product``, ``synonym``,
  ``basis``): each row says two names are one product, with the rows of the data that
  show both spellings. It is kept small on purpose: only spellings of one product
  (abbreviations, a chemical's two names, an English abbreviation), never a broader or
  narrower product (中重卡 is not 重卡, 锂电池 is not 锂离子电池); groups are closed
  under the rows (a = b and a = c make b = c);
- :func:`spellings`: a product's names with the product-line suffixes chain-kg
  writes (:data:`LINE_SUFFIXES`: 阿胶系列, 农药类, 软件产品 are 阿胶, 农药, 软件);
- :func:`industry_forms`: the product names an industry name of the news may mean,
  the name itself and the name without a trailing 行业, 产业, 制造业 …
  (重卡行业 → 重卡, 船舶制造行业 → 船舶, 银行业 → 银行).

Used by the ICKG-25 loader (a firm's 归属于行业 row linked to a chain product) and by
the chain queries (a segment's makers include its synonyms' makers).
"""

from __future__ import annotations

import csv
import functools
import unicodedata
from importlib import resources

#: Suffixes an industry name may carry after a product name, longest first.
INDUSTRY_SUFFIXES = ("制造行业", "制造业", "行业", "产业", "工业", "业")
#: Suffixes chain-kg writes after a product name for a firm's line of that product
#: (东阿阿胶 主营 阿胶系列, 国光股份 农药类, 山推股份 …): ``P`` + suffix is a spelling of P.
LINE_SUFFIXES = ("系列", "系列产品", "类", "类产品", "产品")


def _key(name: str) -> str:
    """Names compare after NFKC folding and without whitespace (as node ids do)."""
    return "".join(unicodedata.normalize("NFKC", name).split())


@functools.cache
def _groups() -> dict[str, tuple[str, ...]]:
    """Name key → every name of its group, the first-named product first, rest sorted."""
    text = resources.files("resolve").joinpath("data", "product_synonyms.csv").read_text("utf-8")
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    heads: list[str] = []
    for row in csv.DictReader(text.splitlines()):
        a, b = _key(row["product"]), _key(row["synonym"])
        if a not in parent:
            heads.append(a)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra
    members: dict[str, list[str]] = {}
    for name in parent:
        members.setdefault(find(name), []).append(name)
    out: dict[str, tuple[str, ...]] = {}
    for root, names in members.items():
        first = next(h for h in heads if find(h) == root)
        group = (first, *sorted(n for n in names if n != first))
        for name in names:
            out[name] = group
    return out


def synonyms_of(name: str) -> tuple[str, ...]:
    """Return every name of ``name``'s product: itself first, then its synonyms.

    Parameters
    ----------
    name : str
        A product name as any source writes it.

    Returns
    -------
    tuple of str
        ``name`` (as given) followed by the other names of its synonym group in the
        table's order (the product the table names first, then sorted); ``(name,)``
        when the table does not know it.

    Examples
    --------
    >>> synonyms_of("重型卡车")
    ('重型卡车', '重卡')
    >>> synonyms_of("挖掘机")
    ('挖掘机',)
    """
    group = _groups().get(_key(name), ())
    return (name, *(n for n in group if n != _key(name)))


def spellings(name: str) -> tuple[str, ...]:
    """Every name of ``name``'s product: :func:`synonyms_of`, each also with every
    suffix of :data:`LINE_SUFFIXES` (a product-line name), in that order.

    Examples
    --------
    >>> spellings("阿胶")
    ('阿胶', '阿胶系列', '阿胶系列产品', '阿胶类', '阿胶类产品', '阿胶产品')
    >>> spellings("重卡")[:3]
    ('重卡', '重型卡车', '重卡系列')
    """
    names = synonyms_of(name)
    return (*names, *(n + suffix for n in names for suffix in LINE_SUFFIXES))


def canonical(name: str) -> str:
    """The group's first-named product (the table's ``product`` column), else ``name``.

    Examples
    --------
    >>> canonical("PVC"), canonical("重卡"), canonical("挖掘机")
    ('聚氯乙烯', '重卡', '挖掘机')
    """
    group = _groups().get(_key(name))
    return group[0] if group else name


def industry_forms(name: str) -> list[str]:
    """The product names an industry name may mean, most literal first.

    The name itself, then the name without its longest trailing suffix of
    :data:`INDUSTRY_SUFFIXES` that leaves at least 2 characters (银行业 → 银行, not 银);
    each followed by its synonyms. Duplicates are dropped.

    Examples
    --------
    >>> industry_forms("重型卡车行业")
    ['重型卡车行业', '重型卡车', '重卡']
    >>> industry_forms("船舶制造行业")
    ['船舶制造行业', '船舶']
    >>> industry_forms("银行业")
    ['银行业', '银行']
    >>> industry_forms("农业")
    ['农业']
    """
    name = name.strip()
    forms = [name]
    for suffix in INDUSTRY_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            forms.append(name[: -len(suffix)])
            break
    out: list[str] = []
    for form in forms:
        for spelling in synonyms_of(form):
            if spelling not in out:
                out.append(spelling)
    return out
