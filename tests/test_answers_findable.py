"""Issue 13, fault 3: every firm of the graph is found by name, short name, former name, code.

By hand: ICKG-25 names 华为 only by that short name (entity2id.txt), so the graph
holds a name-only firm ``Company:name:华为``; ``introduce 华为`` must find it instead of
answering "no firm named '华为' / did you mean: 华为". An office roster row without a
code (潍坊华星精密机械有限公司, 简称 华星精密) is found by both names, and a relation
sheet naming it by its short name links to it.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from graph.errors import NotFound
from graph.schema import Company, RelKind
from graph.sqlite_store import SqliteStore
from loaders.office.table_loader import load_table
from queries.view import find_company
from resolve.index import CompanyIndex, spelling_key
from resolve.lookup import NameTable
from resolve.names import parse_name

ROSTER = "企业名称,简称,行政区划代码\n潍坊华星精密机械有限公司,华星精密,370702\n"
RELATIONS = (
    "主体,关系,对象,开始日期\n"
    "华星精密,合作,北京某某科技有限公司,2024-03-01\n"
    "华星精密,合作,潍坊华星精密机械,2024-03-01\n"
)
FIRM = "Company:name:潍坊华星精密机械"


def test_office_firm_without_code(tmp_path: Path) -> None:
    (tmp_path / "企业.csv").write_text(ROSTER, "utf-8")
    (tmp_path / "关系.csv").write_text(RELATIONS, "utf-8")
    store = SqliteStore(None)
    load_table(tmp_path / "企业.csv", store, CompanyIndex.from_store(store), kind="company")
    for name in ("潍坊华星精密机械有限公司", "华星精密", "潍坊华星精密机械"):
        assert find_company(store, name) == FIRM, name
    report = load_table(tmp_path / "关系.csv", store, CompanyIndex.from_store(store), "relation")
    partners = {(r.src, r.dst) for r in store.relations(RelKind.PARTNERS_WITH)}
    assert partners == {("Company:name:北京某某科技", FIRM)}
    # row 3 names the firm twice (short name, name without 有限公司): refused, not a loop
    assert [(i.row, i.code) for i in report.issues if i.severity == "error"] == [(3, "self_loop")]


def test_hua_wei_is_found(public_store: SqliteStore) -> None:
    assert find_company(public_store, "华为") == "Company:name:华为"
    with pytest.raises(NotFound) as err:
        find_company(public_store, "华为不存在的子公司甲乙")
    assert "华为不存在的子公司甲乙" not in err.value.candidates


def test_every_firm_by_each_name_and_code(public_store: SqliteStore) -> None:
    """All listed firms and a fixed sample of the others, by every name they carry."""
    index, table = CompanyIndex.from_store(public_store), NameTable.from_store(public_store)
    firms = [n for n in public_store.nodes() if isinstance(n, Company)]
    listed = [f for f in firms if f.stock_codes]
    others = [f for f in firms if not f.stock_codes]
    sample = listed + random.Random(13).sample(others, 2000)
    unfound: list[tuple[str, str]] = []
    for firm in sample:
        for query in {firm.name, firm.full_name, *firm.aliases, *firm.stock_codes} - {None}:
            assert query is not None
            try:
                found = find_company(public_store, query, index, table)
            except NotFound as exc:  # a name several firms share lists them all
                if not any(firm.name in c for c in exc.candidates):
                    unfound.append((firm.id, query))
                continue
            if found == firm.id or query.isdigit():  # digits are read as a stock code
                continue
            # a former short name now held by another firm (海龙: 600516 and 000677's
            # S*ST海龙) names that firm: the namesake must be known by the same name
            other = public_store.get_node(found)
            names = {spelling_key(n) for n in (other.name, *other.aliases)} if other else set()
            if spelling_key(query) not in names and parse_name(query).key not in {
                parse_name(n).key for n in names
            }:
                unfound.append((firm.id, query))
    assert unfound == []
