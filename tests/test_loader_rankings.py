"""Rankings loader: a hand-made fixture with answers worked out by hand, then the real data.

Fixture ``tests/fixtures/rankings`` (line numbers; line 1 is the header).

Known before the load: 工商银行 (601398, country "CN"), 中国石化 (600028, full name
中国石油化工股份有限公司, no country), and an unlisted 中国移动通信集团有限公司 node
(as a news loader would leave it; marked private here). Fixture table
``rankings_zh.csv``: ICBC and Sinopec (Forbes) and ICBC (Fortune) by code; Bank of
China by a code the index lacks; Dongfeng Motor Group (Forbes), Sinopec Group and
China Mobile Communications (Fortune) by Chinese name only; lines 9 (unknown list) and
10 (no name, no code) are bad.

Forbes: 2 ICBC → 601398; 3 Sinopec → 600028 (the listed firm); 4 Walmart; 5 Tencent
Holdings (Chinese, not in the table); 6 rank "x" and 7 no name → skipped; 8 Porsche
(negative revenue kept); 9 Bank of China (code 601988 unknown to the index: keyed
by that code, ``Company:601988``, as the registries key it, so loading them later
joins it — issue 13, fault 4; the table's Chinese name as full name; revenue "n/a");
10 Dongfeng Motor Group (HK, own node with
its Chinese full name).
Fortune: 2 Walmart (same node as Forbes'); 3 Sinopec Group → its own node, never
600028; 4 ICBC → 601398; 5 Royal Dutch Shell; 6 BP ("Britain" → United Kingdom);
7 China Mobile Communications → the stored group node.
Chinese rows: Forbes 2, 3, 5, 9, 10 and Fortune 3, 4, 7 = 8; linked to a listed firm:
Forbes 2, 3, 9 and Fortune 4 = 4.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from graph.schema import Company, Source
from graph.sqlite_store import SqliteStore
from loaders.public import rankings
from loaders.report import LoadReport
from resolve.index import CompanyIndex, company_id_for_name
from resolve.normalise import name_key
from tests.conftest import FIXTURES
from tests.public_firms import listed_firms

FIX = FIXTURES / "rankings"
TABLE = FIX / "rankings_zh.csv"
HAND = Source(dataset="test", file="firms.csv", row=1)
FB, FT = "Forbes Global 2000 2025", "Fortune Global 500 2017"


def _known() -> tuple[SqliteStore, CompanyIndex]:
    firms = [
        Company(
            id="Company:601398",
            name="工商银行",
            stock_codes=["601398.SH"],
            country="CN",
            sources=[HAND],
        ),
        Company(
            id="Company:600028",
            name="中国石化",
            full_name="中国石油化工股份有限公司",
            stock_codes=["600028.SH"],
            sources=[HAND],
        ),
        Company(
            id="Company:name:中国移动通信集团",
            name="中国移动通信集团有限公司",
            private=True,  # e.g. from the office's own records: must stay private
            sources=[HAND],
        ),
    ]
    store = SqliteStore(None)
    store.upsert_nodes(firms)
    index = CompanyIndex()
    for firm in firms:
        index.add(firm)
    return store, index


def _fb(row: int) -> Source:
    return Source(dataset="rankings", file="forbes-global-2000-2025.csv", row=row)


def _ft(row: int) -> Source:
    return Source(dataset="rankings", file="fortune-global-500-2017.csv", row=row)


@pytest.fixture()
def loaded() -> tuple[SqliteStore, CompanyIndex, LoadReport]:
    store, index = _known()
    return store, index, rankings.load(FIX, store, index, mapping_path=TABLE)


def test_companies_worked_out_by_hand(loaded) -> None:  # type: ignore[no-untyped-def]
    store, _, _ = loaded
    # id: name, full name, rankings, country, revenue, sources
    expected = {
        "Company:601398": (
            "工商银行", None, {FB: 3, FT: 22}, "CN", 221960000000.0, [HAND, _fb(2), _ft(4)]
        ),
        "Company:600028": (
            "中国石化", "中国石油化工股份有限公司", {FB: 51}, "China", 390070000000.0,
            [HAND, _fb(3)],
        ),
        "Company:name:walmart": (
            "Walmart", None, {FB: 18, FT: 1}, "United States", 680990000000.0, [_fb(4), _ft(2)]
        ),
        "Company:name:tencent holdings": (
            "Tencent Holdings", None, {FB: 1000}, "China", 90000000000.0, [_fb(5)]
        ),
        "Company:name:porsche automobil holding": (
            "Porsche Automobil Holding", None, {FB: 1488}, "Germany", -21470000000.0, [_fb(8)]
        ),
        "Company:601988": (
            "Bank of China", "中国银行股份有限公司", {FB: 12}, "China", None, [_fb(9)]
        ),
        "Company:name:东风汽车集团(股份)": (
            "Dongfeng Motor Group", "东风汽车集团股份有限公司", {FB: 64}, "Hong Kong",
            15000000000.0, [_fb(10)],
        ),
        "Company:name:中国石油化工集团": (
            "Sinopec Group", "中国石油化工集团有限公司", {FT: 3}, "China", None, [_ft(3)]
        ),
        "Company:name:royal dutch shell": (
            "Royal Dutch Shell", None, {FT: 5}, "Netherlands", None, [_ft(5)]
        ),
        "Company:name:bp": ("BP", None, {FT: 12}, "United Kingdom", None, [_ft(6)]),
        "Company:name:中国移动通信集团": (
            "中国移动通信集团有限公司", None, {FT: 47}, "China", None, [HAND, _ft(7)]
        ),
    }  # fmt: skip
    got = {n.id: n for n in store.nodes()}
    assert set(got) == set(expected)
    for cid, (name, full, ranks, country, revenue, sources) in expected.items():
        node = got[cid]
        assert isinstance(node, Company)
        assert (node.name, node.full_name, node.rankings) == (name, full, ranks), cid
        assert (node.country, node.revenue_usd, node.sources) == (country, revenue, sources), cid
        assert node.tags == sorted(ranks), cid
        office = cid == "Company:name:中国移动通信集团"  # met by its legal name's id
        assert node.aliases == (["China Mobile Communications"] if office else []), cid
        assert node.private == office, cid


def test_group_is_not_its_listed_subsidiary(loaded) -> None:  # type: ignore[no-untyped-def]
    store, index, _ = loaded
    listed = store.get_node("Company:600028")
    group = store.get_node("Company:name:中国石油化工集团")
    assert listed is not None and group is not None
    assert FT not in listed.rankings and FB not in group.rankings  # type: ignore[union-attr]
    # the group is keyed by its legal name: found by id, never by the listed firm's
    assert company_id_for_name("中国石油化工集团有限公司") == group.id  # type: ignore[union-attr]
    assert index.resolve_name("中国石油化工集团有限公司") is None
    assert index.resolve_name("中国石油化工股份有限公司") == "Company:600028"


def test_report(loaded) -> None:  # type: ignore[no-untyped-def]
    _, _, report = loaded
    assert report.rows_read == 9 + 6
    assert report.nodes_written == 8 + 3
    assert report.relations_written == 0
    got = {(i.file, i.row, i.code, i.severity) for i in report.issues}
    forbes, fortune = "forbes-global-2000-2025.csv", "fortune-global-500-2017.csv"
    assert got == {
        (forbes, 6, "bad_rank", "error"),
        (forbes, 7, "missing_name", "error"),
        ("rankings_zh.csv", 9, "bad_mapping", "error"),
        ("rankings_zh.csv", 10, "bad_mapping", "error"),
        (forbes, 9, "unknown_stock_code", "warning"),
        (forbes, 9, "bad_number", "warning"),
        (forbes, 5, "not_linked", "warning"),
        (forbes, 10, "not_linked", "warning"),
        (fortune, 3, "not_linked", "warning"),
        (fortune, 7, "not_linked", "warning"),
    }


def test_loading_twice_changes_nothing(loaded) -> None:  # type: ignore[no-untyped-def]
    store, index, _ = loaded

    def dump() -> str:
        nodes = sorted(store.raw_nodes(), key=lambda d: str(d["id"]))
        return json.dumps(nodes, ensure_ascii=False, sort_keys=True)

    before = dump()
    rankings.load(FIX, store, index, mapping_path=TABLE)
    assert dump() == before


def test_shipped_table_reads_cleanly() -> None:
    report = LoadReport(dataset="rankings")
    table = rankings.read_mapping(rankings.default_mapping_path(), report)
    assert report.issues == []
    assert len(table) > 250
    assert table[(FB, "ICBC")].stock_code == "601398.SH"
    assert table[(FT, "Sinopec Group")].stock_code is None
    assert table[(FB, "Sinopec")].stock_code == "600028.SH"
    assert table[(FB, "China Life Insurance")].stock_code == "601628.SH"
    assert table[(FT, "China Life Insurance")].stock_code is None  # the group


# -- real data -----------------------------------------------------------------------


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.public_data
def test_shipped_table_against_the_real_lists(public_data: Path) -> None:
    listed = {r["ts_code"] for r in _csv(public_data / "a-share-2025" / "股票列表.csv")}
    names = {
        FB: {r["Company"] for r in _csv(public_data / "rankings" / rankings.FORBES_FILE)},
        FT: {r["company"] for r in _csv(public_data / "rankings" / rankings.FORTUNE_FILE)},
    }
    full_names = set()
    with (public_data / "chain-kg" / "company.json").open(encoding="utf-8") as fh:
        full_names = {name_key(json.loads(line)["fullname"]) for line in fh}
    table = rankings.read_mapping(rankings.default_mapping_path())
    for (list_name, english), entry in table.items():
        assert english in names[list_name], english
        if entry.stock_code is not None:
            assert entry.stock_code in listed, english
        else:  # a group or a firm listed elsewhere: never an A-share legal name
            assert entry.zh_name is not None and name_key(entry.zh_name) not in full_names
    for list_name in (FB, FT):
        codes = [e.stock_code for (n, _), e in table.items() if n == list_name and e.stock_code]
        assert len(codes) == len(set(codes)), list_name


@pytest.mark.public_data
def test_real_data(public_data: Path) -> None:
    store, index = listed_firms(public_data)
    folder = public_data / "rankings"
    forbes, fortune = _csv(folder / rankings.FORBES_FILE), _csv(folder / rankings.FORTUNE_FILE)
    table = {
        (r["list"], r["english"]): r["stock_code"]
        for r in _csv(Path(str(rankings.default_mapping_path())))
    }
    listed = {c for firm in store.nodes() if isinstance(firm, Company) for c in firm.stock_codes}
    chinese = [(FB, r["Company"]) for r in forbes if r["Headquarters"] in rankings.CHINESE]
    chinese += [(FT, r["company"]) for r in fortune if r["country"] in rankings.CHINESE]
    should_link = [key for key in chinese if table.get(key) in listed]

    report = rankings.load(folder, store, index)
    assert (len(forbes), len(fortune), report.rows_read) == (2000, 500, 2500)
    unlinked = [i for i in report.issues if i.code == "not_linked"]
    assert len(chinese) - len(unlinked) == len(should_link) > 200
    ranked = [n for n in store.nodes() if isinstance(n, Company) and n.rankings]
    assert sum(FB in n.rankings for n in ranked) == 2000
    assert sum(FT in n.rankings for n in ranked) == 500
    icbc = store.get_node("Company:601398")
    assert isinstance(icbc, Company) and icbc.rankings == {FB: 3, FT: 22}
    assert icbc.name == "工商银行"
    sinopec = store.get_node("Company:600028")
    assert isinstance(sinopec, Company) and sinopec.rankings == {FB: 51}
    group = store.get_node("Company:name:中国石油化工集团")
    assert isinstance(group, Company) and group.rankings == {FT: 3} and not group.stock_codes
