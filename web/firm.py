"""A firm's page: what the graph holds around one company (ties, industries, products,
the 招商 projects it invests in, the office's contacts with it).

Built from the store's primitives (:meth:`Store.neighbours`); each relation is told in
the same Chinese sentence as a referral hop (:func:`queries.explain.relation_sentence`).
Without ``include_private`` private ties (KNOWS 老乡/校友 …) and the office's contacts
(CONTACTED unit → firm, with the outing that met the firm) are left out, and people
are masked by :func:`graph.privacy.redact`, the rule of every output. The projects
(INVESTOR_OF firm → project) are those of :func:`queries.underway.underway`: latest
stage as of today, latest change first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict

from graph.errors import NotFound
from graph.ledger import Outing
from graph.privacy import redact
from graph.schema import Company, NodeKind, Relation, RelKind
from graph.store import Store, nodes_by_id
from queries.explain import relation_sentence
from queries.types import UnderwayProject
from queries.underway import underway

#: Relations shown under 行业, 产品 and 所在地 instead of among the ties.
_CLASSIFYING = {
    RelKind.IN_INDUSTRY: "industries",
    RelKind.MAKES: "products",
    RelKind.LOCATED_IN: "regions",
}
#: Relations shown under 项目 and 接触记录 instead of among the ties.
_LEDGER = {RelKind.INVESTOR_OF, RelKind.CONTACTED}


class FirmContact(BaseModel):
    """One contact of the office with the firm (CONTACTED unit → firm) and its outing."""

    model_config = ConfigDict(extra="forbid")

    relation_id: str
    unit: str
    unit_name: str
    on: dt.date | None
    outcome: str | None
    outing: str | None
    outing_name: str | None
    destination: str | None
    people: int | None
    sources: list[str]


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
    projects: list[UnderwayProject]
    contacts: list[FirmContact]
    contacts_hidden: int


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
        ``private_hidden`` counts the private ties left out, ``contacts_hidden`` the
        contacts left out (all of them without ``include_private``); ``contacts`` newest
        first, then by relation id.

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
    contacts: list[FirmContact] = []
    contacts_hidden = 0
    outings: list[Outing] | None = None
    for rel, other in around:
        if rel.kind is RelKind.CONTACTED and rel.dst == firm_id:
            if include_private:
                if outings is None:
                    outings = [o for o in store.nodes(NodeKind.OUTING) if isinstance(o, Outing)]
                contacts.append(_contact(rel, others.get(other, {}), outings))
            else:
                contacts_hidden += 1
            continue
        if rel.kind in _LEDGER:
            continue
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
        projects=work.projects if (work := underway(store, [firm_id]).get(firm_id)) else [],
        contacts=sorted(contacts, key=_newest_first),
        contacts_hidden=contacts_hidden,
        **groups,
    )
    return redact(result, include_private, names=people)


def _contact(rel: Relation, unit: dict[str, Any], outings: list[Outing]) -> FirmContact:
    """The contact ``rel`` with the outing of its unit on its day (as the loader made it)."""
    outing = next((o for o in outings if o.unit_id == rel.src and o.on == rel.since), None)
    return FirmContact(
        relation_id=rel.id,
        unit=rel.src,
        unit_name=unit.get("name", rel.src),
        on=rel.since,
        outcome=rel.label,
        outing=outing.id if outing else None,
        outing_name=outing.name if outing else None,
        destination=outing.destination if outing else None,
        people=outing.people if outing else None,
        sources=[s.cite() for s in rel.sources],
    )


def _newest_first(contact: FirmContact) -> tuple[int, str]:
    return (-(contact.on or dt.date.min).toordinal(), contact.relation_id)
