"""Issue 13, fault 1: every printed number traces to its source value and unit.

Hand-worked: the Forbes 2025 row of CRRC (line 464 of the file) says Revenue ($)
33,960,000,000 = 339.6 × 10^8 US dollars, printed "营收 339.6 亿美元"; 潍柴动力
(Weichai Power, line 552) 29,870,000,000 → 298.7 亿美元. Then every Forbes row linked to
a firm, recomputed here from the CSV with the csv module.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from graph.figures import Figure, figures_of, money_text
from graph.schema import Company
from graph.sqlite_store import SqliteStore
from queries.factors import scale
from queries.profile import ScoringProfile

FORBES = "forbes-global-2000-2025.csv"


def test_figure_units_by_hand() -> None:
    crrc = Figure("revenue", "33960000000.0", "美元", "Forbes Revenue ($)", "rankings/f.csv:464")
    assert crrc.text().startswith("营收 339.6 亿美元（")
    assert "原值 33960000000.0 美元" in crrc.text()
    # 《财富》中国500强: 百万美元; 比亚迪 108,004 百万美元 = 1,080.04 亿美元
    byd = Figure("revenue", "108004", "百万美元", "财富中国500强", "x:28")
    assert byd.base_value == Decimal("108004000000")
    assert byd.text().startswith("营收 1,080.0 亿美元")
    # ACFIC: 万元; 宁德时代 36,201,255 万元 = 3,620.1255 亿元
    catl = Figure("revenue", "36201255", "万元", "民营企业500强", "x:18")
    assert catl.text().startswith("营收 3,620.1 亿元")
    assert money_text(Decimal(10**8), "元") == "1.0 亿元"
    with pytest.raises(ValueError):
        Figure("revenue", "12", "英镑", "x", "y")
    with pytest.raises(ValueError):
        Figure.decode("revenue|1|美元")


def test_scale_evidence_prints_the_source_value() -> None:
    profile = ScoringProfile.load()
    fig = Figure("revenue", "33960000000.0", "美元", "Forbes Global 2000 2025 Revenue ($)", "c:1")
    rank = Figure("rank", "463", "名", "Forbes Global 2000 2025", "c:1")
    company = {"rankings": {"Forbes Global 2000 2025": 463}, "revenue_usd": 33960000000.0}
    company["figures"] = [fig.encode(), rank.encode()]
    _, evidence = scale(company, profile)
    assert "Forbes Global 2000 2025 第 463 名（c:1）" in evidence
    assert "营收 339.6 亿美元" in evidence
    assert "34.0 亿美元" not in evidence


def test_every_forbes_revenue_printed_from_its_row(
    public_store: SqliteStore, public_data: Path
) -> None:
    """Each linked Forbes row's revenue, recomputed from the CSV, is what scale prints."""
    expected: dict[int, tuple[str, str]] = {}
    with (public_data / "rankings" / FORBES).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        for rec in reader:
            text = rec["Revenue ($)"].replace(",", "")
            try:
                yi = Decimal(text) / Decimal(100_000_000)
            except ArithmeticError:
                continue
            expected[reader.line_num] = (f"{yi:,.1f} 亿美元", rec["Rank"].replace(",", ""))
    profile = ScoringProfile.load()
    checked = 0
    for node in public_store.nodes():
        if not isinstance(node, Company):
            continue
        rows = [s.row for s in node.sources if s.file == FORBES]
        if not rows:
            continue
        row = rows[0]
        _, evidence = scale(node.model_dump(mode="json"), profile)
        if row in expected:
            amount, rank = expected[row]
            assert f"营收 {amount}（" in evidence, (node.id, evidence)
            assert f"rankings/{FORBES}:{row}）" in evidence
            assert f"Forbes Global 2000 2025 第 {rank} 名（rankings/{FORBES}:{row}）" in evidence
            checked += 1
    assert checked > 1900  # 2,000 rows, a few without a readable revenue
    crrc = public_store.get_node("Company:601766")
    assert isinstance(crrc, Company)
    _, evidence = scale(crrc.model_dump(mode="json"), profile)
    assert "营收 339.6 亿美元（Forbes Global 2000 2025 Revenue ($) 原值 33960000000.0 美元" in (
        evidence
    )
    (fig,) = figures_of(crrc.figures, "revenue")[:1]
    assert fig.cite == f"rankings/{FORBES}:464"


def test_doctests() -> None:
    import doctest

    import graph.figures

    result = doctest.testmod(graph.figures)
    assert result.attempted > 0 and result.failed == 0
