"""ICKG-25 归属于行业 rows: a firm belongs to an industry that is a chain product.

Part of the ICKG-25 loader (:mod:`loaders.public.ickg`), in its own module for size.

A row ``head 归属于行业 tail`` (7,572 of the 68,237 triples) says the news placed the
firm in an industry: ``中国重汽 归属于行业 重卡行业`` (train.txt). When the industry
name means a chain-kg product already in the store (:func:`resolve.products.
industry_forms`: the name, the name without 行业/产业/制造业 …, and their synonyms of
``resolve/data/product_synonyms.csv``; the first that is a stored Product wins), the row
becomes evidence of a MAKES firm → product relation, so the firm covers that chain
segment (:mod:`queries.gaps`). Other rows (金融行业, 奢侈品行业, 人形机器人 …: no such
product) are counted in one ``no_chain_product`` warning per split.

The relation is kept apart from chain-kg's revenue-share MAKES of the same pair (its
id carries the key ``ickg25``): ``weight`` is None (the news gives no revenue share),
``label`` 归属于行业, ``since`` the earliest row date, ``as_of`` the latest,
``confidence`` ``NEWS_LLM`` (0.6), or ``EXPERT_CHECKED`` (0.75) when an expert marked a
row correct; rows every expert marked incorrect are dropped (``expert_incorrect``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from graph.ids import new_relation, node_id
from graph.schema import NodeKind, Relation, RelKind, Source
from graph.store import Store, nodes_by_id
from loaders.confidence import EXPERT_CHECKED, NEWS_LLM
from loaders.public.linking import NameLinker
from loaders.report import Issue, LoadReport
from resolve.products import industry_forms

#: The ICKG relation read here.
MEMBER_REL = "归属于行业"


@dataclass(frozen=True)
class MemberRow:
    """One 归属于行业 triple: firm, industry name, date and where it was read."""

    head: str
    head_line: int
    tail: str
    day: dt.date
    source: Source
    verdict: frozenset[str]


@dataclass
class _Evidence:
    sources: list[Source] = field(default_factory=list)
    since: dt.date | None = None
    latest: dt.date | None = None
    checked: bool = False


def product_of_industry(store: Store, names: set[str]) -> dict[str, str]:
    """Map industry names to the stored Product each means (names without one left out).

    Parameters
    ----------
    store : Store
        Holds the chain-kg products (loaded before ickg25).
    names : set of str
        Industry names as the news writes them (重卡行业).

    Returns
    -------
    dict of str to str
        Industry name → Product node id: the first of :func:`resolve.products.
        industry_forms` that is a stored Product.
    """
    forms: dict[str, list[str]] = {}
    for name in sorted(names):
        ids = []
        for form in industry_forms(name):
            try:
                ids.append(node_id(NodeKind.PRODUCT, form))
            except ValueError:  # blank after normalising
                continue
        forms[name] = ids
    wanted = {pid for ids in forms.values() for pid in ids}
    stored = {k for k, v in nodes_by_id(store, wanted).items() if v.get("kind") == NodeKind.PRODUCT}
    out: dict[str, str] = {}
    for name, ids in forms.items():
        hit = next((pid for pid in ids if pid in stored), None)
        if hit is not None:
            out[name] = hit
    return out


def member_relations(
    rows: list[MemberRow],
    store: Store,
    linker: NameLinker,
    report: LoadReport,
    dataset: str,
) -> list[Relation]:
    """Turn 归属于行业 rows into MAKES firm → chain product relations.

    Parameters
    ----------
    rows : list of MemberRow
        In file order (train, valid, test; line order within each).
    store : Store
        Read for the stored products.
    linker : NameLinker
        Links the firm names (after the ties of the same load, so the ties' nodes are
        the same as without these rows).
    report : LoadReport
        Gets ``expert_incorrect`` (error) and ``no_chain_product`` (warning, row 0,
        one per split with the count and three examples).
    dataset : str
        The dataset name (the relation key).

    Returns
    -------
    list of Relation
        One MAKES per (firm, product), in id order; see the module docstring.
    """
    products = product_of_industry(store, {r.tail for r in rows})
    evidence: dict[tuple[str, str], _Evidence] = {}
    unmatched: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for r in rows:
        file = r.source.file
        if r.verdict == {"incorrect"}:
            text = f"专家标注（{r.head}, {MEMBER_REL}, {r.tail}）有误"
            report.add(Issue(file, r.source.row, "", "expert_incorrect", text))
            continue
        pid = products.get(r.tail)
        if pid is None:
            unmatched[file] += 1
            seen = examples.setdefault(file, [])
            if r.tail not in seen and len(seen) < 3:
                seen.append(r.tail)
            continue
        head_src = Source(dataset=dataset, file="entity2id.txt", row=r.head_line)
        cid = linker.link(r.head, head_src)
        ev = evidence.setdefault((cid, pid), _Evidence())
        ev.sources.append(r.source)
        ev.since = r.day if ev.since is None else min(ev.since, r.day)
        ev.latest = r.day if ev.latest is None else max(ev.latest, r.day)
        ev.checked = ev.checked or r.verdict == {"correct"}
    for file, count in sorted(unmatched.items()):
        names = "、".join(examples[file])
        message = f"{MEMBER_REL!r} 的 {count} 行未对应到产业链产品（如 {names}）；已跳过"
        report.add(Issue(file, 0, "tail", "no_chain_product", message, "warning"))
    rels = [
        new_relation(
            RelKind.MAKES,
            cid,
            pid,
            ev.sources,
            key=dataset,
            confidence=EXPERT_CHECKED if ev.checked else NEWS_LLM,
            since=ev.since,
            as_of=ev.latest,
            label=MEMBER_REL,
        )
        for (cid, pid), ev in evidence.items()
    ]
    return sorted(rels, key=lambda rel: rel.id)
