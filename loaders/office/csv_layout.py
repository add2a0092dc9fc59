"""The zhaoshang CSV folder layout (``examples/demo/``): files, columns, vocabularies.

Shared by :mod:`loaders.office.csv_folder` (the folder loader) and :mod:`loaders.office.node_rows`
(office tables), so the general loader does not depend on the folder loader.
"""

from __future__ import annotations

#: Industry code system of ``industries.csv`` and ``industry:<code>`` references.
INDUSTRY_SYSTEM = "SW-2021"

#: file name → (required columns, optional columns), in load order.
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "regions.csv": (("code", "name"), ()),
    "industries.csv": (("code", "name"), ("parent_code",)),
    "products.csv": (("name",), ()),
    "companies.csv": (
        ("key", "name"),
        ("full_name", "uscc", "stock_code", "region_code", "industries", "products", "tags"),
    ),
    "people.csv": (("key", "name"), ()),
    "intermediaries.csv": (("key", "name"), ("type", "region_code")),
    "funds.csv": (("key", "name"), ("fund_type", "region_code")),
    "relations.csv": (
        ("src", "dst", "kind"),
        ("roles", "share_pct", "since", "until", "product", "label", "confidence", "private"),
    ),
}

#: ``intermediaries.csv`` type values: the schema's own plus common Chinese words.
INTERMEDIARY_TYPES: dict[str, str] = {
    **{t: t for t in ("agency", "chamber", "association", "consultancy", "bank", "office")},
    "institute": "institute",
    "招商代理": "agency",
    "商会": "chamber",
    "异地商会": "chamber",
    "协会": "association",
    "行业协会": "association",
    "咨询": "consultancy",
    "银行": "bank",
    "办事处": "office",
    "驻外招商办事处": "office",
    "研究院": "institute",
}
