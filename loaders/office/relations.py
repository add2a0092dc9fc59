"""Turn one row of a user's relations table into a :class:`~graph.schema.Relation`.

Two checks a typed schema cannot make on its own: which node kinds a relation kind may
join (a hand-written table easily puts a firm's key where a person belongs), and the
cells' formats (dates, percentages, yes/no). Directions follow
:class:`graph.schema.RelKind`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from pydantic import ValidationError

from graph.ids import relation_id
from graph.schema import SYMMETRIC_KINDS, NodeKind, Relation, RelKind, Source
from loaders.confidence import CURATED
from loaders.office.rows import Row, RowError
from loaders.office.values import parse_bool, parse_date, parse_number
from resolve.normalise import clean_text, split_roles

_C, _P, _F, _I = NodeKind.COMPANY, NodeKind.PERSON, NodeKind.FUND, NodeKind.INTERMEDIARY
ACTORS: frozenset[NodeKind] = frozenset({_C, _P, _F, _I})
ORGANISATIONS: frozenset[NodeKind] = frozenset({_C, _F, _I})
_CLASSES = frozenset({NodeKind.INDUSTRY, NodeKind.PRODUCT})

#: relation kind → (allowed source kinds, allowed target kinds)
ENDPOINTS: dict[RelKind, tuple[frozenset[NodeKind], frozenset[NodeKind]]] = {
    RelKind.OWNS: (ACTORS, frozenset({_C, _F})),
    RelKind.CONTROLS: (ACTORS, frozenset({_C, _F})),
    RelKind.PARENT_OF: (frozenset({_C}), frozenset({_C})),
    RelKind.BRANCH_OF: (frozenset({_C}), frozenset({_C})),
    RelKind.OFFICER_OF: (frozenset({_P}), ORGANISATIONS),
    RelKind.INVESTED_IN: (ACTORS, frozenset({_C, _F})),
    RelKind.LP_IN: (ACTORS, frozenset({_F})),
    RelKind.SUPPLIES: (frozenset({_C}), ORGANISATIONS),
    RelKind.PARTNERS_WITH: (ORGANISATIONS, ORGANISATIONS),
    RelKind.ACQUIRED: (ACTORS, frozenset({_C})),
    RelKind.MEMBER_OF: (frozenset({_C, _P, _F}), frozenset({_I})),
    # a person knows a person, or "knows someone at" a firm, fund or intermediary
    RelKind.KNOWS: (frozenset({_P}), ORGANISATIONS | {_P}),
    RelKind.SERVES: (frozenset({_I, _P, _F}), frozenset({_C})),
    RelKind.ENGAGED_BY: (ACTORS, frozenset({NodeKind.REGION})),
    RelKind.IN_INDUSTRY: (ORGANISATIONS, frozenset({NodeKind.INDUSTRY})),
    RelKind.MAKES: (frozenset({_C}), frozenset({NodeKind.PRODUCT})),
    RelKind.UPSTREAM_OF: (frozenset({NodeKind.PRODUCT}), frozenset({NodeKind.PRODUCT})),
    RelKind.SUBCLASS_OF: (_CLASSES, _CLASSES),
    RelKind.CLUSTER_INCLUDES: (frozenset({NodeKind.CLUSTER}), _CLASSES),
    RelKind.LOCATED_IN: (frozenset(NodeKind) - {NodeKind.REGION}, frozenset({NodeKind.REGION})),
    RelKind.CONTACTED: (ACTORS | {NodeKind.UNIT}, ACTORS),
    # the ledger's: written by its own tables (loaders.office.ledger_rows)
    RelKind.RESPONSIBLE_FOR: (frozenset({NodeKind.UNIT}), frozenset({NodeKind.PROJECT})),
    RelKind.INVESTOR_OF: (frozenset({_C}), frozenset({NodeKind.PROJECT})),
    RelKind.INTRODUCES: (frozenset({NodeKind.INTRODUCTION}), frozenset({NodeKind.PROJECT})),
    RelKind.COVERS: (frozenset({NodeKind.CHANNEL}), frozenset({_C})),
    RelKind.LEAD_OF: (frozenset({NodeKind.FAIR_LEAD}), frozenset({_C})),
}

#: Relation words of user tables → relation kind (English kind names work too).
REL_WORDS: dict[str, RelKind] = {
    **{w: RelKind.OFFICER_OF for w in ("任职", "高管", "董事", "职务", "任职关系")},
    **{w: RelKind.OWNS for w in ("股东", "持股", "参股", "股权")},
    **{w: RelKind.CONTROLS for w in ("控股", "控制", "实际控制", "实际控制人", "实控人")},
    **{w: RelKind.PARENT_OF for w in ("母公司", "母子公司", "子公司")},
    RelKind.BRANCH_OF.value: RelKind.BRANCH_OF,
    "分公司": RelKind.BRANCH_OF,
    **{w: RelKind.INVESTED_IN for w in ("投资", "对外投资", "融资")},
    **{w: RelKind.LP_IN for w in ("出资", "有限合伙人", "LP")},
    **{w: RelKind.SUPPLIES for w in ("供应", "供应商", "供货", "供应关系")},
    **{w: RelKind.PARTNERS_WITH for w in ("合作", "合资", "战略合作")},
    **{w: RelKind.ACQUIRED for w in ("收购", "并购")},
    **{w: RelKind.MEMBER_OF for w in ("会员", "成员", "会员单位", "商会会员", "协会会员")},
    **{w: RelKind.KNOWS for w in ("认识", "老乡", "校友", "同学", "同事", "亲属", "朋友")},
    **{w: RelKind.SERVES for w in ("服务", "对接", "代理")},
    **{w: RelKind.ENGAGED_BY for w in ("受聘", "聘请", "招商大使", "招商顾问")},
    **{w: RelKind.CONTACTED for w in ("拜访", "接洽", "洽谈", "走访")},
}


def check_endpoints(kind: RelKind, src: NodeKind, dst: NodeKind) -> None:
    """Refuse ``src -[kind]-> dst`` when the kinds make no sense for ``kind``.

    SUBCLASS_OF must also join two nodes of one kind (industry→industry,
    product→product).

    Raises
    ------
    RowError
        Code ``bad_endpoint``, column ``src`` or ``dst``.

    Examples
    --------
    >>> check_endpoints(RelKind.OFFICER_OF, NodeKind.PERSON, NodeKind.COMPANY)
    >>> check_endpoints(RelKind.OFFICER_OF, NodeKind.COMPANY, NodeKind.COMPANY)
    Traceback (most recent call last):
    ...
    loaders.office.rows.RowError: OFFICER_OF 不能从 Company 出发
    """
    sources, targets = ENDPOINTS[kind]
    if src not in sources:
        raise RowError("src", "bad_endpoint", f"{kind.value} 不能从 {src.value} 出发")
    if dst not in targets:
        raise RowError("dst", "bad_endpoint", f"{kind.value} 不能指向 {dst.value}")
    if kind is RelKind.SUBCLASS_OF and src is not dst:
        message = f"SUBCLASS_OF 只能连接同一类节点，不能连接 {src.value} 和 {dst.value}"
        raise RowError("dst", "bad_endpoint", message)


def relation_props(kind: RelKind, cells: Row) -> dict[str, Any]:
    """Parse a relation row's optional cells into :class:`Relation` fields.

    Parameters
    ----------
    kind : RelKind
    cells : dict of str to str
        ``roles`` (split on ``/``, ``、`` …), ``share_pct`` (0–100, ``%`` allowed),
        ``since``/``until`` (see :func:`loaders.office.values.parse_date`), ``product``,
        ``label``, ``confidence`` (in (0, 1]; default
        :data:`loaders.confidence.CURATED`), ``private`` (yes/no; default True for
        KNOWS only). Empty cells mean "not given".

    Returns
    -------
    dict
        Keyword arguments for :func:`make_relation`.

    Raises
    ------
    RowError
        Naming the first bad cell, in the order above.

    Examples
    --------
    >>> props = relation_props(RelKind.OFFICER_OF, {"roles": "董事/总经理", "since": "2023/5/20"})
    >>> props["roles"], props["since"], props["confidence"], props["private"]
    (['董事', '总经理'], datetime.date(2023, 5, 20), 1.0, False)
    """
    props: dict[str, Any] = {}

    def cell(name: str) -> str:
        return cells.get(name, "")

    if cell("share_pct"):
        try:
            props["share_pct"] = parse_number(cell("share_pct"), 0, 100, percent=True)
        except ValueError as exc:
            raise RowError("share_pct", "bad_share_pct", str(exc)) from None
    for name in ("since", "until"):
        if cell(name):
            try:
                props[name] = parse_date(cell(name))
            except ValueError as exc:
                raise RowError(name, "bad_date", str(exc)) from None
    if "since" in props and "until" in props and props["until"] < props["since"]:
        message = f"结束日期 {props['until']} 早于开始日期 {props['since']}"
        raise RowError("until", "bad_date", message)
    props["confidence"] = CURATED
    if cell("confidence"):
        try:
            props["confidence"] = parse_number(cell("confidence"), 0, 1)
        except ValueError as exc:
            raise RowError("confidence", "bad_confidence", str(exc)) from None
        if props["confidence"] == 0:
            message = "置信度 0 表示没有证据：请删去这一行"
            raise RowError("confidence", "bad_confidence", message)
    props["private"] = kind is RelKind.KNOWS
    if cell("private"):
        try:
            props["private"] = parse_bool(cell("private"))
        except ValueError as exc:
            raise RowError("private", "bad_private", str(exc)) from None
    if cell("roles"):
        props["roles"] = split_roles(cell("roles"))
    for name in ("product", "label"):
        if cell(name):
            props[name] = clean_text(cell(name))
    return props


def make_relation(kind: RelKind, src: str, dst: str, source: Source, **props: Any) -> Relation:
    """Build a relation with its deterministic id (symmetric kinds in id order).

    Parameters
    ----------
    kind : RelKind
    src, dst : str
        Endpoint node ids; for PARTNERS_WITH and KNOWS they are swapped into id order,
        so A–B and B–A are one relation. Two KNOWS of one pair with different labels
        (校友, 同事) are two parallel relations, each with its own sentence and strength,
        never one merged tie.
    source : Source
    **props
        Other :class:`Relation` fields. A relation without ``since``, ``until`` or
        ``as_of`` from a file with a revision stamp gets ``as_of`` its date: an office
        table tells what holds when it was saved.

    Raises
    ------
    RowError
        Code ``invalid_value`` when a property fails the schema, named by its field.
    """
    if kind in SYMMETRIC_KINDS and dst < src:
        src, dst = dst, src
    dated = props.get("since") or props.get("until") or props.get("as_of")
    if not dated and source.revision:  # an undated tie holds as of the file's version
        with contextlib.suppress(ValueError):
            props = {**props, "as_of": dt.date.fromisoformat(source.revision[:10])}
    try:
        return Relation(
            id=relation_id(kind, src, dst, _parallel_key(kind, props)),
            kind=kind,
            src=src,
            dst=dst,
            sources=[source],
            **props,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        column = str(first["loc"][0]) if first["loc"] else ""
        raise RowError(column, "invalid_value", f"{column}: {first['msg']}") from None


def _parallel_key(kind: RelKind, props: dict[str, Any]) -> str | None:
    """The key telling parallel ties of one pair apart: a KNOWS tie's label."""
    label = props.get("label")
    return str(label) if kind is RelKind.KNOWS and label else None
