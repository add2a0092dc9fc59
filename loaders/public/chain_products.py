"""chain-kg products: the product list, product-to-product links and firm → product.

Part of the chain-kg loader (:mod:`loaders.public.chain_kg`), in its own module for size.

Files (JSON lines): ``product.json`` (``name``), ``product_product.json``
(``from_entity``, ``rel``, ``to_entity``) and ``company_product.json``
(``company_code``, ``product_name``, ``rel`` 主营产品, ``rel_weight``: the product's
share of the firm's revenue, 0..1).

Directions, checked on the data (:data:`PRODUCT_RELS`): ``A 上游材料 B`` reads "B is an
upstream material of A" (红豆薏米仁汤 上游材料 冰糖), so UPSTREAM_OF B → A; ``A 下游产品
B`` reads "B is downstream of A", so UPSTREAM_OF A → B; ``A 产品小类 B`` reads "B is a
subclass of A": in all 52,937 rows B's name contains A's (法兰 产品小类 接管法兰), so
SUBCLASS_OF B → A (narrower → broader).

Products named by a link but absent from product.json (10 rows of the real data, e.g.
北极虾, 钢铁/不锈钢立柱) are created, sourced to the first row naming them, with an
``unlisted_product`` warning: the link is kept, and the gap is visible in the report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.ids import new_relation, node_id
from graph.schema import NodeKind, Product, Relation, RelKind, Source
from loaders.confidence import RULE_EXTRACTED
from loaders.public.as_of import AS_OF
from loaders.public.batching import read_json_lines
from loaders.report import Issue, LoadReport
from resolve.normalise import stock_code

DATASET = "chain-kg"

#: product_product ``rel`` → (kind, True when the relation runs to_entity → from_entity),
#: in label precedence order (a pair stated by two rels takes the first one's label).
PRODUCT_RELS: dict[str, tuple[RelKind, bool]] = {
    "上游材料": (RelKind.UPSTREAM_OF, True),
    "下游产品": (RelKind.UPSTREAM_OF, False),
    "产品小类": (RelKind.SUBCLASS_OF, True),
}
_PRECEDENCE = {rel: i for i, rel in enumerate(PRODUCT_RELS)}


@dataclass
class _Edge:
    sources: list[Source] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)
    weight: float = 0.0


@dataclass
class ProductTable:
    """The products of one load: their nodes (in first-seen order) and ids."""

    report: LoadReport
    nodes: list[Product] = field(default_factory=list)
    known: set[str] = field(default_factory=set)
    _ids: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path, report: LoadReport) -> ProductTable:
        """Read ``product.json``: one Product per name (blank names: ``empty_name``).

        Names equal after NFKC folding and whitespace collapsing (ＰＶＣ材料, PVC材料)
        share one id; the store keeps one display name and the other as an alias.
        """
        table = cls(report)
        for row, data in read_json_lines(path, report):
            name = str(data.get("name") or "").strip()
            pid = table.product_id(name)
            if pid is None:
                report.add(Issue(path.name, row, "name", "empty_name", "产品名称为空"))
                continue
            table.known.add(pid)
            table.nodes.append(Product(id=pid, name=name, sources=[_src(path.name, row)]))
        return table

    def product_id(self, name: str) -> str | None:
        """Return ``node_id(PRODUCT, name)``, or None for a blank name (cached)."""
        if name not in self._ids:
            try:
                self._ids[name] = node_id(NodeKind.PRODUCT, name)
            except ValueError:
                self._ids[name] = None
        return self._ids[name]

    def ref(self, name: str, src: Source, column: str) -> str | None:
        """Return the id of a product named by a link; create it when unlisted."""
        pid = self.product_id(name)
        if pid is None:
            self.report.add(Issue(src.file, src.row, column, "empty_name", "产品名称为空"))
            return None
        if pid not in self.known:
            self.known.add(pid)
            self.nodes.append(Product(id=pid, name=name, sources=[src]))
            message = f"产品 {name!r} 不在 product.json 中；已新建"
            self.report.add(
                Issue(src.file, src.row, column, "unlisted_product", message, "warning")
            )
        return pid


def _src(file: str, row: int) -> Source:
    return Source(dataset=DATASET, file=file, row=row)


def _name(data: dict[str, Any], key: str) -> str:
    return str(data.get(key) or "").strip()


def product_links(path: Path, table: ProductTable, report: LoadReport) -> list[Relation]:
    """Read ``product_product.json`` into UPSTREAM_OF and SUBCLASS_OF relations.

    Parameters
    ----------
    path : Path
        The file; each row ``from_entity``, ``rel`` (:data:`PRODUCT_RELS`), ``to_entity``.
    table : ProductTable
        Products so far; unlisted products are added to it.
    report : LoadReport
        Gets ``unknown_relation``, ``self_loop`` (error) and ``unlisted_product``
        (warning) issues.

    Returns
    -------
    list of Relation
        One per (kind, src, dst), in first-seen order, with every stating row as a
        source; ``label`` the source ``rel`` (上游材料 before 下游产品 when a pair is
        stated both ways), confidence ``RULE_EXTRACTED``.
    """
    edges: dict[tuple[RelKind, str, str], _Edge] = {}
    for row, data in read_json_lines(path, report):
        rel, src = str(data.get("rel") or "").strip(), _src(path.name, row)
        if rel not in PRODUCT_RELS:
            report.add(Issue(path.name, row, "rel", "unknown_relation", f"rel {rel!r} unknown"))
            continue
        kind, backwards = PRODUCT_RELS[rel]
        a, b = _name(data, "from_entity"), _name(data, "to_entity")
        a_id, b_id = table.ref(a, src, "from_entity"), table.ref(b, src, "to_entity")
        if a_id is None or b_id is None:
            continue
        if a_id == b_id:
            report.add(Issue(path.name, row, "to_entity", "self_loop", f"{a!r} {rel} itself"))
            continue
        edge = edges.setdefault((kind, b_id, a_id) if backwards else (kind, a_id, b_id), _Edge())
        edge.sources.append(src)
        edge.labels.add(rel)
    return [
        new_relation(
            kind,
            a,
            b,
            e.sources,
            confidence=RULE_EXTRACTED,
            label=min(e.labels, key=_PRECEDENCE.__getitem__),
        )
        for (kind, a, b), e in edges.items()
    ]


def makes(
    path: Path,
    codes: dict[str, str],
    table: ProductTable,
    report: LoadReport,
    adopt: Callable[[str, Source], str] | None = None,
) -> list[Relation]:
    """Read ``company_product.json`` into MAKES firm → product relations.

    Parameters
    ----------
    path : Path
        The file; ``company_code`` (``688268.SH``), ``product_name``, ``rel_weight``.
    codes : dict of str to str
        Normalised stock code → company id of the firms of company.json.
    table : ProductTable
        Products so far; unlisted products are added to it.
    adopt : callable, optional
        ``(stock code, source) → company id`` for a code missing from ``codes`` (the
        firm is then kept, see :func:`loaders.public.chain_kg.adopt_firm`); without it such
        rows are ``unknown_company`` errors.
    report : LoadReport
        Gets ``unknown_company``, ``bad_weight``, ``negative_weight`` (error: an
        elimination line such as 分部间抵销, not a product), ``weight_clipped`` (warning:
        above 1, stored as 1.0) and ``unlisted_product`` (warning) issues.

    Returns
    -------
    list of Relation
        One MAKES per (firm, product), in first-seen order, ``weight`` the largest share
        stated (0..1), confidence ``RULE_EXTRACTED``, ``label`` the source ``rel``,
        ``as_of`` the dataset's as-of date (2021-12-31, :mod:`loaders.public.as_of`).
    """
    edges: dict[tuple[str, str], _Edge] = {}
    for row, data in read_json_lines(path, report):
        src, raw = _src(path.name, row), data.get("rel_weight")
        code = stock_code(_name(data, "company_code"))
        if code is not None and code not in codes and adopt is not None:
            codes[code] = adopt(code, src)
        if code not in codes:
            message = f"企业 {data.get('company_code')!r} 不在 company.json 中"
            report.add(Issue(path.name, row, "company_code", "unknown_company", message))
            continue
        if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != raw:
            message = f"rel_weight {raw!r} 不是数字"
            report.add(Issue(path.name, row, "rel_weight", "bad_weight", message))
            continue
        if raw < 0:
            message = f"rel_weight {raw} < 0：抵销或调整行，不是产品"
            report.add(Issue(path.name, row, "rel_weight", "negative_weight", message))
            continue
        if raw > 1:
            message = f"rel_weight {raw} > 1，按 1.0 保存"
            report.add(Issue(path.name, row, "rel_weight", "weight_clipped", message, "warning"))
        pid = table.ref(_name(data, "product_name"), src, "product_name")
        if pid is None:
            continue
        edge = edges.setdefault((codes[code], pid), _Edge())
        edge.sources.append(src)
        edge.labels.add(_name(data, "rel"))
        edge.weight = max(edge.weight, min(float(raw), 1.0))
    return [
        new_relation(
            RelKind.MAKES,
            cid,
            pid,
            e.sources,
            confidence=RULE_EXTRACTED,
            weight=e.weight,
            label=min(e.labels) or None,
            as_of=AS_OF[DATASET],
        )
        for (cid, pid), e in edges.items()
    ]
