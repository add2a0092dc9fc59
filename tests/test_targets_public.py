"""Target lists and chain gaps on the real data, checked from the source files.

Home Shandong ("37"), clusters 高端装备 and 新能源新材料 of
``queries/data/shandong.toml``. Every check reads chain-kg's JSON lines, the
a-share csv or ickg25's id files here, by another route than the loaders.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.sqlite_store import SqliteStore
from queries.clusters import read_clusters
from queries.factors import NO_DATA
from queries.gaps import chain_gaps
from queries.paths import SearchContext
from queries.profile import ScoringProfile
from queries.targets import build_universe, target_list
from queries.types import ChainGaps, TargetList
from tests.public_firms import shandong_codes, shandong_places

ROOT = Path(__file__).resolve().parent.parent
CLUSTERS = ("高端装备", "新能源新材料")
AS_OF = dt.date(2026, 1, 1)


@dataclass
class Source:
    """The source files, read independently of the loaders."""

    industries: dict[str, set[str]]  # stock code → SW-2021 industry codes
    children: dict[str, set[str]]  # industry code → child codes
    makes: dict[str, dict[str, float]]  # stock code → product → largest rel_weight
    upstream: dict[str, set[str]]  # product → upstream products (one step)
    downstream: dict[str, set[str]]
    subclasses: dict[str, set[str]]  # product → direct 产品小类
    shandong: set[str]  # 6-digit codes of firms registered in Shandong
    places: tuple[str, ...]  # 山东, 山东省, 济南市, 济南 …
    area: dict[str, str]  # 6-digit code → a-share area


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def source(public_data: Path) -> Source:
    kg = public_data / "chain-kg"
    src = Source(
        industries=defaultdict(set),
        children=defaultdict(set),
        makes=defaultdict(dict),
        upstream=defaultdict(set),
        downstream=defaultdict(set),
        subclasses=defaultdict(set),
        shandong=set(),
        places=(),
        area={},
    )
    for r in _lines(kg / "company_industry.json"):
        src.industries[str(r["company_code"])[:6]].add(str(r["industry_code"]))
    for r in _lines(kg / "industry_industry.json"):
        src.children[str(r["to_code"])].add(str(r["from_code"]))
    for r in _lines(kg / "company_product.json"):
        w = r["rel_weight"]
        if isinstance(w, int | float) and w >= 0:
            made = src.makes[str(r["company_code"])[:6]]
            made[str(r["product_name"])] = max(made.get(str(r["product_name"]), 0.0), float(w))
    for r in _lines(kg / "product_product.json"):
        a, b = str(r["from_entity"]), str(r["to_entity"])
        if r["rel"] == "上游材料":
            src.upstream[a].add(b)
            src.downstream[b].add(a)
        elif r["rel"] == "下游产品":
            src.downstream[a].add(b)
            src.upstream[b].add(a)
        elif r["rel"] == "产品小类":
            src.subclasses[a].add(b)
    with (public_data / "a-share-2025" / "股票列表.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            src.area[row["symbol"]] = row["area"]
    # a-share area 山东, the SZSE list's 山东 firms, delisted ones named after a Shandong
    # place (tests/public_firms.py); unlisted firms by their legal name's place
    src.shandong = shandong_codes(public_data)
    src.places = shandong_places(public_data)
    return src


@dataclass
class Result:
    targets: TargetList
    gaps: ChainGaps


@pytest.fixture(scope="module")
def results(public_store: SqliteStore) -> dict[str, Result]:
    store = public_store  # loaded once per session (conftest), read-only here
    ctx = SearchContext.build(store, "37", as_of=AS_OF)
    clusters = read_clusters(ROOT / "queries" / "data" / "shandong.toml")
    out = {}
    for name in CLUSTERS:
        cluster = clusters.get(name)
        profile = ScoringProfile.load()
        u = build_universe(store, cluster, "37", profile)
        tl = target_list(store, cluster, "37", n=0, context=ctx, universe=u)
        gaps = chain_gaps(store, cluster, "37", context=ctx, targets=tl, universe=u)
        out[name] = Result(tl, gaps)
    return out


def _codes(stock_codes: list[str]) -> set[str]:
    return {c[:6] for c in stock_codes}


#: chain-kg's product-line suffixes (阿胶系列 is 阿胶), as README and resolve/products.py say.
_LINE = ("系列", "系列产品", "类", "类产品", "产品")


def _synonyms(product: str) -> set[str]:
    """``product`` and its group in resolve/data/product_synonyms.csv (closed under rows)."""
    path = ROOT / "resolve" / "data" / "product_synonyms.csv"
    with path.open(encoding="utf-8") as fh:
        pairs = [(r["product"], r["synonym"]) for r in csv.DictReader(fh)]
    group, grown = {product}, True
    while grown:
        more = {b for a, b in pairs if a in group} | {a for a, b in pairs if b in group}
        grown = not more <= group
        group |= more
    return group


def _family(src: Source, product: str) -> set[str]:
    names = _synonyms(product)
    seen = names | {n + suffix for n in names for suffix in _LINE}
    stack = list(seen)
    while stack:
        for child in src.subclasses.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def _closure(src: Source, codes: list[str]) -> set[str]:
    seen, stack = set(codes), list(codes)
    while stack:
        for child in src.children.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


@pytest.mark.parametrize("name", CLUSTERS)
def test_every_listed_firm_is_in_the_cluster(
    name: str, source: Source, results: dict[str, Result]
) -> None:
    cluster = read_clusters(ROOT / "queries" / "data" / "shandong.toml").get(name)
    industries = _closure(source, cluster.core_industries + cluster.related_industries)
    chain: set[str] = set()
    for p in cluster.products:
        for q in {p} | source.upstream.get(p, set()) | source.downstream.get(p, set()):
            chain |= _family(source, q)
    tl = results[name].targets
    assert len(tl.rows) > 100 and len(tl.expand_here) > 10
    for row in [*tl.rows, *tl.expand_here]:
        codes = _codes(row.stock_codes)
        in_industry = any(source.industries.get(c, set()) & industries for c in codes)
        in_chain = any(set(source.makes.get(c, {})) & chain for c in codes)
        assert in_industry or in_chain, row.name
    # Shandong firms (a-share area) only in the expand-here list, never as targets.
    assert not any(_codes(r.stock_codes) & source.shandong for r in tl.rows)
    assert all(_codes(r.stock_codes) & source.shandong for r in tl.expand_here)
    order = [(-r.score, r.company) for r in tl.rows]
    assert order == sorted(order) and len(set(order)) == len(order)


@pytest.mark.parametrize("name", CLUSTERS)
def test_gap_segments_have_no_shandong_maker(
    name: str, source: Source, results: dict[str, Result]
) -> None:
    gaps = results[name].gaps
    assert len(gaps.gaps) >= 5
    makers: dict[str, set[str]] = defaultdict(set)
    for code, products in source.makes.items():
        for product in products:
            makers[product].add(code)
    for seg in gaps.segments:
        # chain-kg's makers (synonyms, product lines and subclasses included); news
        # members (ickg25 归属于行业) are checked in tests/test_gaps_labels.py
        family = _family(source, seg.name)
        who = set().union(*(makers.get(p, set()) for p in family))
        local = who & source.shandong
        if seg.gap:
            assert not local and not seg.local_makers, (seg.name, local)
            assert seg.elsewhere >= 1 and seg.label in ("补链", "延链")
            for cand in seg.candidates:  # a news member (no share) is not in chain-kg
                assert cand.share is None or _codes(cand.stock_codes) & who
                assert not _codes(cand.stock_codes) & local
        else:
            elsewhere = {c for c in who if source.area.get(c) not in (None, "", "山东")}
            assert seg.local_makers or not elsewhere, seg.name
        revenue = [m for m in seg.local_makers if m.share is not None]
        assert len(revenue) == len(local), seg.name


_CORE = re.compile(r"(?:核心|相关)行业 \S+ \((\d{6})\)")
_SHARE = re.compile(r"(?:集群产品|上游|下游) (\S+?)(?:（(\S+)）)? 占营收 ([\d.]+)%")
_RANK = re.compile(r"Forbes Global 2000 2025 第 (\d+) 名")
_CITE = re.compile(r"ickg25/(\w+\.txt):(\d+)")


@pytest.mark.parametrize("name", CLUSTERS)
def test_every_factor_traces_to_its_evidence(
    name: str, source: Source, results: dict[str, Result], public_data: Path
) -> None:
    ickg = public_data / "ickg25"
    times = dict(
        line.split(",", 1) for line in (ickg / "time2id.txt").read_text("utf-8").splitlines()
    )
    rel_names = {
        i.strip(): n.strip()
        for n, i in (
            line.rsplit("\t", 1)
            for line in (ickg / "relation2id.txt").read_text("utf-8").splitlines()
        )
    }
    files = {
        f: (ickg / f).read_text("utf-8").splitlines()
        for f in ("train.txt", "valid.txt", "test.txt")
    }
    tl = results[name].targets
    for row in tl.rows[:60]:
        f = {x.name: x for x in row.factors}
        codes = _codes(row.stock_codes)
        for x in row.factors:
            assert (x.value == 0) == (x.contribution == 0)
            if x.evidence == NO_DATA:
                assert x.value == 0
        for code in _CORE.findall(f["chain_fit"].evidence):
            assert any(code in source.industries.get(c, set()) for c in codes)
        for seg, made, pct in _SHARE.findall(f["chain_fit"].evidence):
            product = made or seg
            share = max(source.makes.get(c, {}).get(product, -1) for c in codes)
            assert share * 100 == pytest.approx(float(pct), abs=0.051), (row.name, product)
        ranks = [int(r) for r in _RANK.findall(f["scale"].evidence)]
        if ranks:
            assert f["scale"].value >= round(1 - (min(ranks) - 1) / 2000, 4) - 1e-4
        if f["reachability"].value:
            assert f["reachability"].value == pytest.approx(row.path_strength, abs=1e-3)
            assert row.introducer
            intro = row.introducer.split(":")[-1]
            listed = intro in source.shandong
            assert listed or (row.introducer_name or "").startswith(source.places), row
        for line in f["signals"].evidence.split("；"):
            m = _CITE.search(line)
            if m is None:
                continue
            _, rel_id, _, time_id = files[m.group(1)][int(m.group(2)) - 1].split("\t")
            date = times[time_id.strip()]
            assert rel_names[rel_id] in ("投资", "合资", "合作", "母公司/控股", "并购"), line
            assert line.split(" ", 1)[0] <= date  # since = the earliest date of the relation
            assert AS_OF - dt.timedelta(days=730) < dt.date.fromisoformat(date) <= AS_OF
        if f["signals"].value:
            assert f["signals"].evidence != NO_DATA
