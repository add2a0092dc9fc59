"""Issue 13, fault 5: stale facts — every tie dated and aged; delisted firms not ranked.

By hand: a 2018 board seat (董事 0.7 × registry 0.9) seen as of 2018-12-31 is worth, on
2026-01-01 (2558 days later, half-life 5 years), 0.63 × 0.5^(2558 / 365.25 / 5) ≈
0.2389; a 2025-07-31 news 合作 (0.45 × 0.6) 154 days old ≈ 0.27 × 0.5^(154/365.25/5) ≈
0.2546: the dated 2025 tie now outranks the 2018 seat (it did not when seats never
aged). 新光圆成 (002147) and 中航机电 (002013) are in chain-kg but in neither the
a-share-2025 nor the SZSE 2025 list: delisted.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from graph.schema import DELISTED, TIE_KINDS, Company, Relation, RelKind, Source
from graph.sqlite_store import SqliteStore
from queries.clusters import read_clusters
from queries.explain import relation_sentence
from queries.paths import SearchContext
from queries.targets import target_list
from queries.ties import TieModel

AS_OF = dt.date(2026, 1, 1)
ROOT = Path(__file__).resolve().parent.parent
SRC = [Source(dataset="t", file="hand.csv", row=1)]


def test_a_2018_seat_ages_below_a_2025_tie() -> None:
    model = TieModel.load()
    seat = {"kind": "OFFICER_OF", "roles": ["董事"], "confidence": 0.9, "as_of": "2018-12-31"}
    news = {"kind": "PARTNERS_WITH", "label": "合作", "confidence": 0.6, "since": "2025-07-31"}
    assert model.strength(seat, AS_OF) == pytest.approx(0.63 * 0.5 ** (2558 / 365.25 / 5))
    assert model.strength(news, AS_OF) == pytest.approx(0.27 * 0.5 ** (154 / 365.25 / 5))
    assert model.strength(news, AS_OF) > model.strength(seat, AS_OF)
    undated = {"kind": "OFFICER_OF", "roles": ["董事"], "confidence": 0.9}
    assert model.strength(undated, AS_OF) == pytest.approx(0.63)  # no date: no decay


def test_sentences_say_when() -> None:
    names = {"p": "张三", "a": "甲公司", "b": "乙公司", "g": "国资委"}
    first = Relation(
        id="1", kind="OFFICER_OF", src="p", dst="a", sources=SRC, roles=["董事"],
        as_of=dt.date(2018, 12, 31),
    )  # fmt: skip
    second = first.model_copy(update={"id": "2", "dst": "b", "roles": ["独立董事"]})
    assert relation_sentence(first, names).startswith("张三 2018 年时任 甲公司 的董事（")
    assert relation_sentence(second, names, first).startswith("张三 2018 年时同时任 乙公司 的")
    ended = first.model_copy(update={"until": dt.date(2020, 6, 1), "as_of": None})
    assert relation_sentence(ended, names).startswith("张三 曾任 甲公司 的董事（至 2020 年）")
    ctl = Relation(
        id="3", kind="CONTROLS", src="g", dst="a", sources=SRC, as_of=dt.date(2025, 11, 28)
    )
    assert relation_sentence(ctl, names).startswith("截至 2025 年，国资委 是 甲公司 的实际控制人")


def test_every_public_tie_is_dated(public_store: SqliteStore) -> None:
    """Every walkable relation carries since, until or as_of; seats say 2018."""
    ties = {k.value for k in TIE_KINDS}
    undated = [
        d["id"]
        for d in public_store.raw_relations()
        if d["kind"] in ties and not (d.get("since") or d.get("until") or d.get("as_of"))
    ]
    assert undated == []
    seats = [d for d in public_store.raw_relations() if d["kind"] == RelKind.OFFICER_OF.value]
    assert {d["as_of"] for d in seats} == {"2018-12-31"}
    controls = [d for d in public_store.raw_relations() if d["kind"] == RelKind.CONTROLS.value]
    assert {d["as_of"] for d in controls} == {"2025-11-28"}


def _listed_2025(public_data: Path) -> set[str]:
    with (public_data / "a-share-2025" / "股票列表.csv").open(encoding="utf-8") as fh:
        codes = {r["symbol"] for r in csv.DictReader(fh)}
    ws = openpyxl.load_workbook(public_data / "szse-2025" / "A股列表.xlsx").active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    head = [str(h).replace(" ", "") for h in rows[0]]
    for row in rows[1:]:
        for col in ("A股代码", "B股代码"):
            if row[head.index(col)]:
                codes.add(str(row[head.index(col)]))
    return codes


def test_delisted_firms_are_marked(public_store: SqliteStore, public_data: Path) -> None:
    listed = _listed_2025(public_data)
    for cid in ("Company:002147", "Company:002013"):
        node = public_store.get_node(cid)
        assert isinstance(node, Company) and DELISTED in node.tags, cid
    for node in public_store.nodes():
        if not isinstance(node, Company):
            continue
        a_codes = [c for c in node.stock_codes if c[:3] not in ("200", "900")]
        gone = bool(a_codes) and not any(c[:6] in listed for c in node.stock_codes)
        assert (DELISTED in node.tags) == gone, (node.id, node.stock_codes)


def test_delisted_firms_are_not_ranked(public_store: SqliteStore, public_data: Path) -> None:
    listed = _listed_2025(public_data)
    cluster = read_clusters().get("高端装备")
    ctx = SearchContext.build(public_store, "37", as_of=AS_OF)
    tl = target_list(public_store, cluster, "37", n=0, context=ctx)
    for row in [*tl.rows, *tl.expand_here]:
        assert not row.stock_codes or any(c[:6] in listed for c in row.stock_codes), row.name
    assert tl.delisted  # chain-kg still names firms of the cluster delisted since 2021
    names = {n.name for n in public_store.nodes() if isinstance(n, Company)}
    assert set(tl.delisted) <= names


def test_paths_read_current_names(public_store: SqliteStore) -> None:
    ctx = SearchContext.build(public_store, "37", as_of=AS_OF)
    assert ctx.graph.names["Company:600817"] == "宇通重工"
