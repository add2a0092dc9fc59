"""Directions of news-extracted relations, checked against registry facts.

ickg25 and finre read "who invested in whom", "who is whose parent" off sentences, and
the extraction reverses some of them. Before a news loader writes its relations,
:func:`orient` checks every directed ownership-like relation (PARENT_OF, OWNS,
INVESTED_IN, ACQUIRED) against what a registry or the names themselves say, and flips
or drops it; each change is a source conflict, reported in the load report
(``direction_conflict``, warning, at the relation's first row) and kept in the
resolution log (``CompanyIndex.conflicts``, kind ``relation_direction``):

1. **actual controller** (a-share-2025 CONTROLS c → f): the controlled firm cannot own,
   be the parent of, invest in or acquire its controller: ``f → c`` is flipped;
2. **a unit's name** (华为终端 = 华为 + 终端; 网易灵动; 中国人寿海外): a firm named as
   another's name plus a business or place is its subsidiary, not its parent: a
   PARENT_OF or OWNS from the longer name to the shorter is flipped, unless the added
   words make a group (集团, 控股, 投资控股: 阿里巴巴控股集团 is 阿里巴巴's parent);
3. **an investor is not an investee** of an operating firm: INVESTED_IN from a firm that
   is not a financial investor to one that is (高瓴资本, 瑞银资管, 科威特投资局 …, by
   their names) is the reverse reading of "X invested in us": flipped;
4. **a listing is not an investment**: INVESTED_IN to an exchange (港交所, 上交所 …) is
   dropped;
5. **one event read backwards**: when rules 3–4 change most (at least 3 of 4, 75%) of
   one firm's INVESTED_IN relations dated the same day (an IPO's cornerstone list:
   宁德时代 "投资" 高瓴资本, 瑞银资管, 高毅资产, 科威特投资局 and 中石化 on 2025-05-12),
   the others of that day are read backwards too: flipped.

A flipped relation that meets the same relation stated the right way merges with it
(sources joined, earliest ``since``, highest confidence).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence

from graph.ids import new_relation
from graph.schema import Relation, RelKind, Source
from graph.store import Store
from loaders.report import Issue, LoadReport
from resolve.index import CompanyIndex, Conflict

DIRECTED = frozenset({RelKind.PARENT_OF, RelKind.OWNS, RelKind.INVESTED_IN, RelKind.ACQUIRED})
_INVESTOR = re.compile(
    r"(资本|资管|资产管理|资产|基金|投资局|理财|创投|风投|投资管理|私募|主权财富|Capital|Partners)"
    r"(有限公司|有限责任公司|股份有限公司|集团)?$"
)
_EXCHANGE = re.compile(r"(交易所|港交所|上交所|深交所|北交所|纳斯达克|纽交所|联交所)$")
_GROUP_WORDS = ("集团", "控股", "总公司")
_CJK = re.compile(r"[\u3400-\u9fff]")
#: Rule 5: at least this many INVESTED_IN of one firm on one day, this share changed.
BURST_MIN, BURST_SHARE = 4, 0.75


#: A news extraction's bare 合作 (a co-mention, often generic) and how it is labelled.
NEWS_COOPERATION = "新闻提及合作"


def news_label(label: str) -> str:
    """The stored label of a news relation: a bare 合作 says it is a news co-mention.

    Examples
    --------
    >>> news_label("合作"), news_label("合资")
    ('新闻提及合作', '合资')
    """
    return NEWS_COOPERATION if label == "合作" else label


def is_investor(name: str) -> bool:
    """A financial investor by its name (资本, 资管, 基金, 投资局 …).

    Examples
    --------
    >>> is_investor("高瓴资本"), is_investor("科威特投资局"), is_investor("中石化")
    (True, True, False)
    """
    return bool(_INVESTOR.search(name.strip()))


def is_unit_of(unit: str, parent: str) -> bool:
    """True when ``unit`` is ``parent``'s name plus a business or place (not a group).

    Examples
    --------
    >>> is_unit_of("华为终端", "华为"), is_unit_of("网易灵动", "网易")
    (True, True)
    >>> is_unit_of("阿里巴巴控股集团", "阿里巴巴"), is_unit_of("LVMH", "LV")
    (False, False)
    """
    if len(parent) < 2 or not unit.startswith(parent) or len(unit) <= len(parent):
        return False
    extra = unit[len(parent) :]
    return bool(_CJK.search(extra)) and not any(w in extra for w in _GROUP_WORDS)


def orient(
    rels: Sequence[Relation],
    store: Store,
    name_of: Callable[[str], str],
    index: CompanyIndex,
    report: LoadReport,
) -> list[Relation]:
    """Flip or drop the news relations registry facts contradict (see the module notes).

    Parameters
    ----------
    rels : sequence of Relation
        A news loader's relations, before they are written.
    store : Store
        Holds the registry facts (CONTROLS) loaded before.
    name_of : callable
        Node id → the name the firm goes by (stored name, or the news spelling of a
        firm not stored yet).
    index, report
        Receive a ``relation_direction`` conflict and a ``direction_conflict`` warning
        per changed relation.

    Returns
    -------
    list of Relation
        The relations to write, in the input order (a flipped one merged into its
        twin where both exist).
    """
    controls = _controllers(store)
    verdict: dict[str, str] = {}  # relation id → "flip" / "drop" with its reason
    reasons: dict[str, str] = {}
    for rel in rels:
        if rel.kind not in DIRECTED:
            continue
        a, b = name_of(rel.src), name_of(rel.dst)
        if rel.dst in controls.get(rel.src, set()):
            verdict[rel.id], reasons[rel.id] = "flip", f"{b} 是 {a} 的实际控制人（a-share-2025）"
        elif rel.kind in (RelKind.PARENT_OF, RelKind.OWNS) and is_unit_of(a, b):
            verdict[rel.id], reasons[rel.id] = "flip", f"{a} 以 {b} 的名称加业务命名，是其下属单位"
        elif rel.kind is RelKind.INVESTED_IN and _EXCHANGE.search(b):
            verdict[rel.id], reasons[rel.id] = "drop", f"{b} 是交易所：上市不是投资"
        elif rel.kind is RelKind.INVESTED_IN and is_investor(b) and not is_investor(a):
            verdict[rel.id], reasons[rel.id] = "flip", f"{b} 是投资机构，{a} 是其被投企业"
    _bursts(rels, verdict, reasons)
    out: dict[str, Relation] = {}
    for rel in rels:
        action = verdict.get(rel.id)
        if action is not None:
            _report(rel, action, reasons[rel.id], name_of, index, report)
        if action == "drop":
            continue
        if action == "flip":
            rel = _flipped(rel)
        twin = out.get(rel.id)
        out[rel.id] = rel if twin is None else _merged(twin, rel)
    return list(out.values())


def _controllers(store: Store) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for rel in store.raw_relations():
        if rel["kind"] == RelKind.CONTROLS.value:
            found[rel["dst"]].add(rel["src"])
    return found


def _bursts(rels: Sequence[Relation], verdict: dict[str, str], reasons: dict[str, str]) -> None:
    days: dict[tuple[str, object], list[Relation]] = defaultdict(list)
    for rel in rels:
        if rel.kind is RelKind.INVESTED_IN and rel.since is not None:
            days[(rel.src, rel.since)].append(rel)
    for (_, day), group in days.items():
        changed = [r for r in group if r.id in verdict]
        if len(group) >= BURST_MIN and len(changed) >= BURST_SHARE * len(group):
            for rel in group:
                if rel.id not in verdict:
                    verdict[rel.id] = "flip"
                    reasons[rel.id] = (
                        f"同日（{day}）{len(changed)}/{len(group)} 条“投资”已判定为反向：同一事件"
                    )


def _flipped(rel: Relation) -> Relation:
    data = rel.model_dump(exclude={"id", "kind", "src", "dst", "sources"})
    return new_relation(rel.kind, rel.dst, rel.src, list(rel.sources), **data)


def _merged(a: Relation, b: Relation) -> Relation:
    sources: list[Source] = [*a.sources, *(s for s in b.sources if s not in a.sources)]
    since = min((d for d in (a.since, b.since) if d), default=None)
    return a.model_copy(
        update={"sources": sources, "since": since, "confidence": max(a.confidence, b.confidence)}
    )


def _report(
    rel: Relation,
    action: str,
    reason: str,
    name_of: Callable[[str], str],
    index: CompanyIndex,
    report: LoadReport,
) -> None:
    first = rel.sources[0]
    a, b = name_of(rel.src), name_of(rel.dst)
    done = "reversed" if action == "flip" else "dropped"
    text = f"{rel.kind.value} {a} → {b} {done}: {reason}"
    report.add(Issue(first.file, first.row, "", "direction_conflict", text, "warning"))
    conflict = Conflict("relation_direction", a, (rel.src, rel.dst), f"{first.cite()}: {text}")
    index.conflicts.append(conflict)
