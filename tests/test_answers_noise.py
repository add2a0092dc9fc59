"""Issue 13, fault 9 (part): news co-mentions, the strength floor, strength in words.

By hand (``queries/ties.toml``): a news co-mention 新闻提及合作 is worth 0.2 (an office's
合作 0.45); words 强 ≥ 0.3 > 中 ≥ 0.08 > 弱; paths below 0.01 are counted, not listed.
Graph: our L (37) reaches T (44) over a board seat (P 董事 0.7 at L and T: 0.49, 强) and
over three news co-mentions through A and B (0.2 × 0.6 = 0.12 each: 0.12³ ≈ 0.0017 <
0.01, 弱).
"""

from __future__ import annotations

import datetime as dt

from graph.schema import Relation, RelKind, Source
from graph.sqlite_store import SqliteStore
from queries.explain import relation_sentence
from queries.paths import SearchContext, referral_paths
from queries.ties import TieModel
from tests.builders import company, person, rel, store_of

AS_OF = dt.date(2026, 1, 1)


def test_words_and_news_label_by_hand() -> None:
    model = TieModel.load()
    assert [model.word(s) for s in (0.49, 0.3, 0.12, 0.08, 0.0017)] == [
        "强", "强", "中", "中", "弱",
    ]  # fmt: skip
    news = {"kind": "PARTNERS_WITH", "label": "新闻提及合作"}
    assert model.base(news) == 0.2 and model.base({**news, "label": "合作"}) == 0.45
    mention = Relation(
        id="r", kind=RelKind.PARTNERS_WITH, src="a", dst="b", label="新闻提及合作",
        sources=[Source(dataset="ickg25", file="train.txt", row=1)],
    )  # fmt: skip
    sentence = relation_sentence(mention, {"a": "中国电信", "b": "中国中车"})
    assert sentence.startswith("新闻提及 中国电信 与 中国中车 合作")


def test_weak_paths_are_counted_not_listed() -> None:
    store = store_of(
        [
            *(company(k, r) for k, r in (("L", "37"), ("T", "44"), ("A", "11"), ("B", "31"))),
            person("P"),
        ],
        [
            rel(RelKind.OFFICER_OF, "Person:P", "Company:L", roles=["董事"]),
            rel(RelKind.OFFICER_OF, "Person:P", "Company:T", roles=["董事"]),
            *(
                rel(RelKind.PARTNERS_WITH, a, b, label="新闻提及合作", confidence=0.6)
                for a, b in (("Company:A", "Company:L"), ("Company:A", "Company:B"))
            ),
            rel(
                RelKind.PARTNERS_WITH,
                "Company:B",
                "Company:T",
                label="新闻提及合作",
                confidence=0.6,
            ),
        ],
    )
    ctx = SearchContext.build(store, "37", as_of=AS_OF)
    result = referral_paths(store, "Company:T", "37", k=5, context=ctx)
    assert [p.nodes for p in result.paths] == [["Company:L", "Person:P", "Company:T"]]
    assert result.paths[0].strength == 0.49 and result.paths[0].strength_word == "强"
    assert result.weak_paths == 1 and result.strength_floor == 0.01
    everything = referral_paths(store, "Company:T", "37", k=5, context=ctx, floor=0.0)
    assert len(everything.paths) == 2 and everything.weak_paths == 0
    assert everything.paths[1].strength == round(0.12**3, 6)
    assert everything.paths[1].strength_word == "弱"


def test_public_news_cooperation_is_labelled(public_store: SqliteStore) -> None:
    # ickg25 train.txt:17515 (中国电信, 合作, 中国中车, 2025-07-31)
    found = [
        r
        for r in public_store.relations(RelKind.PARTNERS_WITH)
        if any(s.file == "train.txt" and s.row == 17515 for s in r.sources)
        and r.sources[0].dataset == "ickg25"
    ]
    assert found and all(r.label == "新闻提及合作" for r in found)
    ctx = SearchContext.build(public_store, "37", as_of=AS_OF)
    result = referral_paths(public_store, "Company:601766", "37", k=5, context=ctx)
    assert all(p.strength >= 0.01 and p.strength_word for p in result.paths)
