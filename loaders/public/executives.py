"""Loader for executives-2018: board and management rosters of listed firms (2018).

Source: ``executives-2018/`` (lemonhu/stock-knowledge-graph, MIT; scraped from 10jqka
in 2018). Three CSV files with a header row (Neo4j import format):

``executive.csv``
    ``person_id:ID(Executive)`` (md5 hex, one per name + gender + age, so namesakes of
    the same age and gender are one id), ``name``, ``gender`` (男/女, ``null`` when
    unknown), ``age:int`` (years in 2018, ``-1`` when unknown).
``executive_stock.csv``
    ``:START_ID(Executive)`` person id, ``jobs`` (roles separated by ``/``, e.g.
    ``董事长/董事``), ``:END_ID(Stock)`` stock code without leading zeros (``2658`` is
    002658), ``:TYPE`` (always employ_of).
``stock.csv``
    ``stock_id:ID(Stock)`` / ``code`` (same, zeros lost), ``name`` (short name, often
    with full-width letters: 鲁泰Ａ).

A firm with A and B shares appears under both codes with the same board; the B code's
roster is folded into the A firm by :func:`match_share_classes`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from graph.ids import new_relation, node_id
from graph.schema import Company, Node, NodeKind, Person, Relation, RelKind, Source
from graph.store import Store
from loaders.confidence import REGISTRY
from loaders.public.as_of import AS_OF as DATASET_AS_OF
from loaders.public.batching import read_csv_rows, write_nodes, write_relations
from loaders.report import Issue, LoadReport
from resolve.index import CompanyIndex, company_id_for_code
from resolve.normalise import split_roles, stock_code

DATASET = "executives-2018"
PERSONS, POSITIONS, STOCKS = "executive.csv", "executive_stock.csv", "stock.csv"
AS_OF = 2018
#: Smallest roster that can identify a firm across its share classes.
MIN_ROSTER = 5


def is_b_share(code: str) -> bool:
    """Tell whether a stock code is a B share (200xxx Shenzhen, 900xxx Shanghai).

    Examples
    --------
    >>> is_b_share("200726.SZ"), is_b_share("900901.SH"), is_b_share("000726.SZ")
    (True, True, False)
    """
    return code[:3] in ("200", "900")


def match_share_classes(
    rosters: Mapping[str, Collection[str]], min_size: int = MIN_ROSTER
) -> dict[str, str]:
    """Pair each B-share code with the A-share code of the same firm, by board roster.

    A B code and an A code are one firm when every person of the B code's roster is
    also on the A code's roster (the B roster is contained in the A roster; equal
    rosters are the usual case), the B roster has at least ``min_size`` persons, and
    exactly one A code qualifies. Small rosters and ties stay apart: two firms sharing
    a few directors (900929 锦旅B shares 2 of 9 with 600650) are not one firm.

    Parameters
    ----------
    rosters : mapping of str to collection of str
        Stock code → person ids on its board; B codes are told by
        :func:`is_b_share`.
    min_size : int >= 1
        Smallest B roster considered (default :data:`MIN_ROSTER`).

    Returns
    -------
    dict of str to str
        B code → A code, in sorted B-code order; B codes without a match are absent.

    Notes
    -----
    O(total roster size): candidates are the A codes of the B roster's persons.

    Examples
    --------
    >>> board = {"p1", "p2", "p3", "p4", "p5"}
    >>> match_share_classes({"200726.SZ": board, "000726.SZ": board | {"p6"}})
    {'200726.SZ': '000726.SZ'}
    >>> match_share_classes({"200726.SZ": {"p1", "p2"}, "000726.SZ": {"p1", "p2"}})
    {}
    """
    by_person: dict[str, set[str]] = {}
    for code, persons in rosters.items():
        if not is_b_share(code):
            for person in persons:
                by_person.setdefault(person, set()).add(code)
    pairs: dict[str, str] = {}
    for code in sorted(c for c in rosters if is_b_share(c)):
        roster = set(rosters[code])
        if len(roster) < min_size:
            continue
        candidates = set.intersection(*(by_person.get(p, set()) for p in roster))
        if len(candidates) == 1:
            pairs[code] = candidates.pop()
    return pairs


@dataclass
class _Position:
    sources: list[Source] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    label: str = ""


def load(data_dir: Path, store: Store, index: CompanyIndex) -> LoadReport:
    """Load persons, firms and OFFICER_OF relations from executives-2018.

    Parameters
    ----------
    data_dir : Path
        The ``executives-2018`` folder.
    store : Store
        Target store; nodes are upserted before relations, in batches.
    index : CompanyIndex
        Firms known so far: a code it resolves keeps that firm's id (and the firm is
        not rewritten); firms written here are added to it.

    Returns
    -------
    LoadReport
        ``rows_read`` counts the data rows of executive.csv, stock.csv and
        executive_stock.csv. Issues:

        - ``missing_value`` (warning): unknown gender (``null``) or age (``-1``);
        - ``empty_value`` (error): a person without id or name;
        - ``bad_stock_code`` (error): a code that is not a 6-digit A/B code;
        - ``unknown_person`` (error): a position whose person id is not in
          executive.csv;
        - ``unknown_stock`` (warning): a code missing from stock.csv (the firm is
          named by its code);
        - ``share_class_conflict`` (warning): a B code whose roster matches an A firm
          but which already has a Company node of its own; kept apart;
        - ``missing_file`` (error).

    Notes
    -----
    Nodes: Person ``node_id(PERSON, "exec2018", person_id)`` (``private``, ``age_as_of``
    2018); Company for each code with a position that the index does not resolve,
    named by its stock.csv short name. A B code matched by :func:`match_share_classes`
    joins its A firm (``stock_codes`` gets the B code, ``aliases`` its short name). A
    firm the index resolves whose 2018 short name is new to it gets that name as an
    alias (曾用名: 保利地产 for 保利发展).
    Relations: one OFFICER_OF person → firm per pair, ``roles`` the union of
    :func:`~resolve.normalise.split_roles` of its rows in file order, ``label`` the
    first row's ``jobs``, every row a source, confidence ``REGISTRY``, ``as_of``
    2018-12-31 (:mod:`loaders.public.as_of`: a seat held in 2018, not known to be
    current). About 2 s for
    the 24,775 positions.
    """
    report = LoadReport(dataset=DATASET)
    persons = _persons(data_dir / PERSONS, report)
    stocks: dict[str, tuple[int, str]] = {}
    for row, rec in read_csv_rows(data_dir / STOCKS, report):
        code = stock_code(rec.get("code") or rec.get("stock_id:ID(Stock)", ""))
        if code is None:
            report.add(Issue(STOCKS, row, "code", "bad_stock_code", f"{rec!r}：没有代码"))
            continue
        stocks.setdefault(code, (row, rec.get("name") or code[:6]))
    positions = _positions(data_dir / POSITIONS, persons, report)
    rosters: dict[str, set[str]] = {}
    first: dict[str, int] = {}
    for row, pid, _, code in positions:
        rosters.setdefault(code, set()).add(pid)
        first.setdefault(code, row)
    firms: dict[str, str] = {}
    companies: dict[str, Company] = {}
    for code in rosters:
        known = index.resolve_code(code)
        firms[code] = known or company_id_for_code(code)
        if known is None:
            companies[code] = _company(firms[code], code, stocks, first[code], report)
        elif (former := _former_name(store, known, code, stocks)) is not None:
            companies[code] = former
    for b, a in match_share_classes(rosters).items():
        own = store.get_node(company_id_for_code(b)) is not None
        if own or index.resolve_code(b) not in (None, firms[a]):
            message = f"{b} 与 {a} 的高管名单相同，但是单独的企业节点；分开保留"
            row = stocks.get(b, (0, ""))[0]
            report.add(Issue(STOCKS, row, "code", "share_class_conflict", message, "warning"))
            continue
        firms[b] = firms[a]
        companies.pop(b, None)
        row, name = stocks.get(b, (0, b[:6]))
        firm = companies.get(a) or _update(store, firms[a], a, stocks)
        companies[a] = _with_b_share(firm, b, name, _src(STOCKS, row))
    nodes: list[Node] = [*persons.values(), *companies.values()]
    write_nodes(store, index, report, nodes)
    write_relations(store, report, _officers(positions, firms))
    return report


def _src(file: str, row: int) -> Source:
    return Source(dataset=DATASET, file=file, row=row)


def _persons(path: Path, report: LoadReport) -> dict[str, Person]:
    persons: dict[str, Person] = {}
    for row, rec in read_csv_rows(path, report):
        pid, name = rec.get("person_id:ID(Executive)", ""), rec.get("name", "")
        if not (pid and name):
            report.add(Issue(path.name, row, "name", "empty_value", "没有人员编号或姓名"))
            continue
        gender = rec.get("gender", "")
        age = rec.get("age:int", "")
        if gender not in ("男", "女"):
            report.add(Issue(path.name, row, "gender", "missing_value", "性别不详", "warning"))
        if not (age.isdigit() and 0 <= int(age) <= 130):
            message = f"age {age!r} unknown"
            report.add(Issue(path.name, row, "age:int", "missing_value", message, "warning"))
        persons.setdefault(
            pid,
            Person(
                id=node_id(NodeKind.PERSON, "exec2018", pid),
                name=name,
                gender=gender if gender in ("男", "女") else None,
                age=int(age) if age.isdigit() and int(age) <= 130 else None,
                age_as_of=AS_OF,
                sources=[_src(path.name, row)],
            ),
        )
    return persons


def _positions(
    path: Path, persons: Mapping[str, Person], report: LoadReport
) -> list[tuple[int, str, str, str]]:
    """Return the valid rows of executive_stock.csv as (row, person id, jobs, code)."""
    rows: list[tuple[int, str, str, str]] = []
    for row, rec in read_csv_rows(path, report):
        pid, raw = rec.get(":START_ID(Executive)", ""), rec.get(":END_ID(Stock)", "")
        code = stock_code(raw)
        if code is None:
            message = f"{raw!r} 不是股票代码"
            report.add(Issue(path.name, row, ":END_ID(Stock)", "bad_stock_code", message))
        elif pid not in persons:
            message = f"人员 {pid!r} 不在 {PERSONS} 中"
            report.add(Issue(path.name, row, ":START_ID(Executive)", "unknown_person", message))
        else:
            rows.append((row, pid, rec.get("jobs", ""), code))
    return rows


def _company(
    cid: str, code: str, stocks: Mapping[str, tuple[int, str]], row: int, report: LoadReport
) -> Company:
    """A new firm named by stock.csv, else by its code (sourced to its first position)."""
    if code in stocks:
        line, name = stocks[code]
        return Company(id=cid, name=name, stock_codes=[code], sources=[_src(STOCKS, line)])
    message = f"{code} 不在 {STOCKS} 中；以代码命名"
    report.add(Issue(POSITIONS, row, ":END_ID(Stock)", "unknown_stock", message, "warning"))
    return Company(id=cid, name=code[:6], stock_codes=[code], sources=[_src(POSITIONS, row)])


def _former_name(
    store: Store, cid: str, code: str, stocks: Mapping[str, tuple[int, str]]
) -> Company | None:
    """An update adding the 2018 short name of a stored firm as an alias (曾用名), if new.

    Firms are renamed (保利地产 → 保利发展 in 2019); older sources name them the old way,
    so the 2018 name keeps resolving to the firm.
    """
    node = store.get_node(cid)
    if code not in stocks or not isinstance(node, Company):
        return None
    row, name = stocks[code]
    if name in (node.name, node.full_name, *node.aliases):
        return None
    src = _src(STOCKS, row)
    return Company(id=cid, name=node.name, aliases=[name], stock_codes=[code], sources=[src])


def _update(store: Store, cid: str, code: str, stocks: Mapping[str, tuple[int, str]]) -> Company:
    """An update record for a stored firm: its stored name (so no alias is added)."""
    node = store.get_node(cid)
    row, name = stocks.get(code, (0, code[:6]))
    name = node.name if node is not None else name
    return Company(id=cid, name=name, stock_codes=[code], sources=[_src(STOCKS, row)])


def _with_b_share(firm: Company, code: str, alias: str, src: Source) -> Company:
    """Return ``firm`` with a B-share code, its short name and its stock.csv row added."""
    data = firm.model_dump()
    data["stock_codes"] = [*firm.stock_codes, code]
    data["aliases"] = [*firm.aliases, alias]
    data["sources"] = [*firm.sources, src]
    return Company.model_validate(data)


def _officers(
    positions: list[tuple[int, str, str, str]], firms: Mapping[str, str]
) -> list[Relation]:
    merged: dict[tuple[str, str], _Position] = {}
    for row, pid, jobs, code in positions:
        pos = merged.setdefault((pid, firms[code]), _Position(label=jobs))
        pos.sources.append(_src(POSITIONS, row))
        pos.roles.extend(r for r in split_roles(jobs) if r not in pos.roles)
    return [
        new_relation(
            RelKind.OFFICER_OF,
            node_id(NodeKind.PERSON, "exec2018", pid),
            firm,
            pos.sources,
            roles=pos.roles,
            label=pos.label or None,
            confidence=REGISTRY,
            as_of=DATASET_AS_OF[DATASET],
        )
        for (pid, firm), pos in merged.items()
    ]
