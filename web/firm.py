"""A firm's page: what the graph holds around one company (ties, industries, products).

Built from the store's primitives (:meth:`Store.neighbours`); each relation is told in
the same Chinese sentence as a referral hop (:func:`queries.explain.relation_sentence`).
Without ``include_private`` private ties (KNOWS 老乡/校友 …) are left out and people
are masked by :func:`graph.privacy.redact`, the rule of every output.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from graph.errors import NotFound
from graph.privacy import redact
from graph.schema import Company, NodeKind, RelKind
from graph.store import Store, nodes_by_id
from queries.explain import relation_sentence

#: Relations shown under 行业, 产品 and 所在地 instead of among the ties.
_CLASSIFYING = {
    RelKind.IN_INDUSTRY: "industries",
    RelKind.MAKES: "products",
    RelKind.LOCATED_IN: "regions",
}


class FirmTie(BaseModel):
    """One relation around the firm, with the node at its other end."""

    model_config = ConfigDict(extra="forbid")

    relation: str
    relation_id: str
    other: str
    other_name: str
    other_kind: str
    outgoing: bool
    roles: list[str]
    share_pct: float | None
    since: dt.date | None
    until: dt.date | None
    sources: list[str]
    sentence: str


class FirmPage(BaseModel):
    """Everything the firm page shows; ``ties`` ordered by relation kind, then id."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    full_name: str | None
    aliases: list[str]
    stock_codes: list[str]
    uscc: str | None
    region_code: str | None
    province: str | None
    tags: list[str]
    rankings: dict[str, int]
    sources: list[str]
    industries: list[FirmTie]
    products: list[FirmTie]
    regions: list[FirmTie]
    ties: list[FirmTie]
    private_hidden: int


def firm_page(store: Store, firm_id: str, include_private: bool = False) -> FirmPage:
    """The firm page of ``firm_id``, people masked unless ``include_private``.

    Parameters
    ----------
    store : Store
    firm_id : str
        A Company node id.
    include_private : bool
        Show private ties and people's names.

    Returns
    -------
    FirmPage
        ``private_hidden`` counts the private ties left out.

    Raises
    ------
    NotFound
        When ``firm_id`` is not a company of the store.
    """
    node = store.get_node(firm_id)
    if not isinstance(node, Company):
        raise NotFound(f"图谱中没有 id 为 {firm_id} 的企业")
    around = list(store.neighbours(firm_id))
    others = nodes_by_id(store, {other for _, other in around})
    names = {nid: d["name"] for nid, d in others.items()} | {node.id: node.name}
    groups: dict[str, list[FirmTie]] = {"industries": [], "products": [], "regions": [], "ties": []}
    hidden = 0
    people: set[str] = set()
    for rel, other in around:
        if rel.private and not include_private:
            hidden += 1
            continue
        data = others.get(other, {"name": other, "kind": "?"})
        if data["kind"] == NodeKind.PERSON.value:
            people.add(data["name"])
        groups[_CLASSIFYING.get(rel.kind, "ties")].append(
            FirmTie(
                relation=rel.kind.value,
                relation_id=rel.id,
                other=other,
                other_name=data["name"],
                other_kind=data["kind"],
                outgoing=rel.src == firm_id,
                roles=rel.roles,
                share_pct=rel.share_pct,
                since=rel.since,
                until=rel.until,
                sources=[s.cite() for s in rel.sources],
                sentence=relation_sentence(rel, names),
            )
        )
    for ties in groups.values():
        ties.sort(key=lambda t: (t.relation, t.other_name, t.relation_id))
    result = FirmPage(
        id=node.id,
        name=node.name,
        full_name=node.full_name,
        aliases=node.aliases,
        stock_codes=node.stock_codes,
        uscc=node.uscc,
        region_code=node.region_code,
        province=node.province,
        tags=node.tags,
        rankings=node.rankings,
        sources=[s.cite() for s in node.sources],
        private_hidden=hidden,
        **groups,
    )
    return redact(result, include_private, names=people)
