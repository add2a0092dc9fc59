"""The zhaoshang property-graph schema: node kinds, relation kinds, provenance.

Every fact carries provenance (:class:`Source`: dataset, file, row). Models forbid
unknown fields, so a typo in a loader fails loudly instead of storing junk. Properties
are limited to types both stores can hold (str, int, float, bool, ISO date, lists of
str, str→int maps; a project's stage history, a list of ``{stage, on}``, and exact
amounts as decimal text live in the stored JSON form), so the embedded store and Neo4j
return the same objects.

The node and relation kinds follow ``DESIGN.md`` §2.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from graph.base import (
    CLASSIFICATION_KINDS,
    LEDGER_KINDS,
    SYMMETRIC_KINDS,
    TIE_KINDS,
    NodeBase,
    NodeKind,
    RelKind,
    Source,
    Stage,
)
from graph.errors import SchemaError
from graph.ledger import Introduction, Outing, Project, StageEvent, Unit
from graph.ledger_channels import Channel, FairLead, Mandate

# Merging lives in graph.merge; re-exported here, where the stores have always found it.
from graph.merge import coalesce as coalesce
from graph.merge import fold_records as fold_records
from graph.merge import merge_records as merge_records

#: Tag of a firm that no 2025 exchange list holds (set by :mod:`loaders.public.current`).
DELISTED = "已退市"


def is_delisted(company: dict[str, Any]) -> bool:
    """True when a stored Company dict is tagged :data:`DELISTED`."""
    return DELISTED in company.get("tags", [])


__all__ = [
    "CLASSIFICATION_KINDS",
    "DELISTED",
    "LEDGER_KINDS",
    "NODE_TYPES",
    "SYMMETRIC_KINDS",
    "TIE_KINDS",
    "Channel",
    "Cluster",
    "Company",
    "FairLead",
    "Fund",
    "Industry",
    "Intermediary",
    "Introduction",
    "Mandate",
    "Node",
    "NodeBase",
    "NodeKind",
    "Outing",
    "Person",
    "Product",
    "Project",
    "Region",
    "RelKind",
    "Relation",
    "Source",
    "Stage",
    "StageEvent",
    "Unit",
    "coalesce",
    "fold_records",
    "is_delisted",
    "merge_records",
    "parse_node",
    "parse_relation",
    "to_record",
]


class Company(NodeBase):
    """A firm (企业), also a branch (分公司) or a group.

    Attributes
    ----------
    full_name : str, optional
        Registered legal name (企业名称) as written in the source.
    uscc : str, optional
        统一社会信用代码 (GB 32100, 18 characters), when known and valid.
    lei : str, optional
        Legal Entity Identifier (ISO 17442, 20 characters).
    stock_codes : list of str
        Exchange codes such as ``"600028.SH"``; A/B/H codes of one firm share one node.
    region_code : str, optional
        GB/T 2260 code or prefix of where the firm is registered (``"37"`` = Shandong).
    rankings : dict of str to int
        List name → rank, e.g. ``{"Forbes Global 2000 2025": 38}``.
    revenue_usd : float, optional
        Revenue in US dollars (Forbes 2025: latest fiscal year; else 《财富》中国500强
        2025), used for scoring; the printed figure comes from ``figures``.
    figures : list of str
        Numbers as their source wrote them, with unit, column and row (encoded
        :class:`graph.figures.Figure`): what a printed revenue or rank traces to.
    address : str, optional
        Registered address (注册地址) as written.
    registered_capital_yuan : Decimal, optional
        Registered capital (注册资本) in 元, exact (stored as its decimal text).
    founded_on : date, optional
        Date of establishment (成立日期).
    short_name : str, optional
        The current short name (证券简称 of the newest listing that gives one).
    current_name : str, optional
        The name the firm goes by today, when a load could tell (a 2025 listing's legal
        name, or its 2025 short name when the legal name on file is a former one); it
        is then the display ``name`` (see :func:`merge_records`).
    """

    kind: Literal[NodeKind.COMPANY] = NodeKind.COMPANY
    full_name: str | None = None
    uscc: str | None = None
    lei: str | None = None
    stock_codes: list[str] = Field(default_factory=list)
    region_code: str | None = None
    province: str | None = None
    country: str | None = None
    listed_on: dt.date | None = None
    controller_type: str | None = None
    rankings: dict[str, int] = Field(default_factory=dict)
    revenue_usd: float | None = None
    figures: list[str] = Field(default_factory=list)
    address: str | None = None
    registered_capital_yuan: Decimal | None = Field(default=None, ge=0)
    founded_on: dt.date | None = None
    short_name: str | None = None
    current_name: str | None = None


class Person(NodeBase):
    """A natural person (自然人). Personal data: ``private`` defaults to True."""

    kind: Literal[NodeKind.PERSON] = NodeKind.PERSON
    private: bool = True
    gender: str | None = None
    age: int | None = Field(default=None, ge=0, le=130)
    age_as_of: int | None = None
    region_code: str | None = None


class Fund(NodeBase):
    """An investor: VC, PE, 政府引导基金, 产业基金."""

    kind: Literal[NodeKind.FUND] = NodeKind.FUND
    fund_type: str | None = None
    region_code: str | None = None


class Intermediary(NodeBase):
    """An intermediary: 招商代理公司, 异地商会, 行业协会, bank, consultancy, 驻外招商办事处."""

    kind: Literal[NodeKind.INTERMEDIARY] = NodeKind.INTERMEDIARY
    intermediary_type: (
        Literal["agency", "chamber", "association", "consultancy", "bank", "office", "institute"]
        | None
    ) = None
    region_code: str | None = None


class Industry(NodeBase):
    """An industry class in a code system (SW-2021, GB/T 4754-2017, …)."""

    kind: Literal[NodeKind.INDUSTRY] = NodeKind.INDUSTRY
    code: str
    system: str
    level: int | None = Field(default=None, ge=1)


class Product(NodeBase):
    """An industrial-chain product or segment (产品/环节)."""

    kind: Literal[NodeKind.PRODUCT] = NodeKind.PRODUCT


class Cluster(NodeBase):
    """One of our industry clusters (产业集群 / 主导产业)."""

    kind: Literal[NodeKind.CLUSTER] = NodeKind.CLUSTER
    home_region: str | None = None
    description: str | None = None


class Region(NodeBase):
    """An administrative region by GB/T 2260 code (2 digits province, 4 city, 6 county)."""

    kind: Literal[NodeKind.REGION] = NodeKind.REGION
    code: str


Node = Annotated[
    Company
    | Person
    | Fund
    | Intermediary
    | Industry
    | Product
    | Cluster
    | Region
    | Project
    | Unit
    | Outing
    | Introduction
    | Channel
    | Mandate
    | FairLead,
    Field(discriminator="kind"),
]
NODE_TYPES: dict[NodeKind, type[NodeBase]] = {
    NodeKind.COMPANY: Company,
    NodeKind.PERSON: Person,
    NodeKind.FUND: Fund,
    NodeKind.INTERMEDIARY: Intermediary,
    NodeKind.INDUSTRY: Industry,
    NodeKind.PRODUCT: Product,
    NodeKind.CLUSTER: Cluster,
    NodeKind.REGION: Region,
    NodeKind.PROJECT: Project,
    NodeKind.UNIT: Unit,
    NodeKind.OUTING: Outing,
    NodeKind.INTRODUCTION: Introduction,
    NodeKind.CHANNEL: Channel,
    NodeKind.MANDATE: Mandate,
    NodeKind.FAIR_LEAD: FairLead,
}


@functools.cache
def _node_adapter() -> TypeAdapter[Node]:
    """The validator of the node union, built on first use (a CLI question that never
    validates a node, such as ``info``, does not pay for it; see ``defer_build``)."""
    return TypeAdapter(Node)


class Relation(BaseModel):
    """A typed, directed relation with provenance.

    Attributes
    ----------
    id : str
        Deterministic id from (kind, src, dst, key), see :func:`graph.ids.relation_id`.
    confidence : float in (0, 1]
        Trust in the source: hand-curated 1.0, registry/exchange data 0.9, extracted
        from news 0.5–0.6 (see each loader's docstring).
    since, until : date, optional
        When the tie started / ended (or the date of the reporting event).
    as_of : date, optional
        When the source last saw the tie: its row's date, else the dataset's as-of
        date (executives-2018: 2018; a-share-2025: 2025-11-28). An undated current tie
        ages from it (``queries/ties.toml``) and its sentence says so ("2018 年时任").
    roles : list of str
        OFFICER_OF roles as split from the source text (董事长, 董事, 独立董事, …).
    share_pct : float in [0, 100], optional
        OWNS / INVESTED_IN stake in %.
    weight : float in [0, 1], optional
        MAKES revenue share of the product (chain-kg ``rel_weight``).
    amount_yuan : float, optional
        INVESTED_IN amount in 元.
    label : str, optional
        The relation as written in the source (e.g. ``"合资"``, ``"持股"``).
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str = Field(min_length=1)
    kind: RelKind
    src: str = Field(min_length=1)
    dst: str = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)
    confidence: float = Field(default=1.0, gt=0.0, le=1.0)
    since: dt.date | None = None
    until: dt.date | None = None
    as_of: dt.date | None = None
    roles: list[str] = Field(default_factory=list)
    share_pct: float | None = Field(default=None, ge=0.0, le=100.0)
    weight: float | None = Field(default=None, ge=0.0, le=1.0)
    amount_yuan: float | None = Field(default=None, ge=0.0)
    product: str | None = None
    label: str | None = None
    private: bool = False


def parse_node(data: dict[str, Any]) -> Node:
    """Validate a plain dict (as stored) into its typed node model.

    Raises
    ------
    SchemaError
        When the dict is not a valid node; the message lists pydantic's field errors.
    """
    try:
        return _node_adapter().validate_python(data)
    except ValidationError as exc:
        raise SchemaError(_describe(exc, data.get("id"))) from exc


def parse_relation(data: dict[str, Any]) -> Relation:
    """Validate a plain dict (as stored) into a :class:`Relation`.

    Raises
    ------
    SchemaError
        When the dict is not a valid relation.
    """
    try:
        return Relation.model_validate(data)
    except ValidationError as exc:
        raise SchemaError(_describe(exc, data.get("id"))) from exc


def _describe(exc: ValidationError, ident: object) -> str:
    parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
    return f"记录 {ident!r} 无效：" + "；".join(parts)


def _container_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model class that may hold a list or a map (cached per class)."""
    names = _CONTAINERS.get(cls)
    if names is None:
        found = []
        for name, field in cls.model_fields.items():
            ann = field.annotation
            options = get_args(ann) if get_origin(ann) in (Union, UnionType) else (ann,)
            if any(get_origin(a) in (list, dict) or a in (list, dict) for a in options):
                found.append(name)
        names = _CONTAINERS[cls] = tuple(found)
    return names


_CONTAINERS: dict[type[BaseModel], tuple[str, ...]] = {}


def record_json(model: Node | Relation) -> bytes:
    """Return the stored JSON bytes of a node or relation: the JSON of :func:`to_record`.

    Serialised by pydantic's own serializer straight to JSON (about a third of the cost
    of ``model_dump`` followed by :func:`orjson.dumps`); the same fields, in the same
    order, with the same values as :func:`to_record`.

    Examples
    --------
    >>> r = Relation(id="r", kind=RelKind.OWNS, src="a", dst="b",
    ...              sources=[Source(dataset="d", file="f", row=1)], share_pct=5.0)
    >>> record_json(r)[:43]
    b'{"id":"r","kind":"OWNS","src":"a","dst":"b"'
    >>> b'roles' in record_json(r), b'since' in record_json(r)
    (False, False)
    """
    names = _CONTAINERS.get(type(model)) or _container_fields(type(model))
    values = model.__dict__  # the fields' values (getattr costs a lookup each)
    empty = {name for name in names if not values[name]}
    return model.__pydantic_serializer__.to_json(model, exclude_none=True, exclude=empty or None)


def to_record(model: Node | Relation) -> dict[str, Any]:
    """Return the stored (JSON-form) dict of a node or relation.

    None values and empty lists/maps are left out (absent means "nothing known", which
    merges the same as empty); every other field is kept, defaults included, so that a
    default such as ``confidence = 1.0`` or ``private = True`` takes part in merges.
    The dict is :func:`record_json` parsed back.
    """
    record: dict[str, Any] = orjson.loads(record_json(model))
    return record
