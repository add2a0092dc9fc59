"""The project board (:func:`queries.board.project_board`) on both stores.

A hand-made ledger: unit 甲区 has A (线索 2026-01-05, 在谈 2026-02-01, 签约 2026-03-10,
3亿元), B (在谈 2026-02-20, no amount) and C (线索 2026-06-01, after the day asked);
unit 乙区 has D (签约 2026-01-15, 开工 2026-04-01, 2.5亿元). On 2026-05-31: 线索 none
(C has not begun), 在谈 B, 签约 A (3亿), 开工 D (2.5亿), 投产 none. On 2026-02-10: A
在谈 since 02-01, D 签约.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from graph.base import Source
from graph.errors import NotFound
from graph.ledger import Project, StageEvent, Unit
from queries.board import project_board
from tests.builders import store_of

pytestmark = pytest.mark.usefixtures("backend")
SRC = [Source(dataset="台账", file="项目.csv", row=2)]
D = dt.date


def _project(key: str, unit: str, stages: list[tuple[str, dt.date]], yi: str = "") -> Project:
    return Project(
        id=f"Project:{key}",
        name=f"{key}项目",
        unit_id=f"Unit:{unit}",
        amount_yuan=Decimal(yi) * 100_000_000 if yi else None,
        stages=[StageEvent(stage=s, on=on) for s, on in stages],
        sources=SRC,
    )


def _ledger() -> list[Unit | Project]:
    return [
        Unit(id="Unit:甲区", name="甲区", unit_type="县区", sources=SRC),
        Unit(id="Unit:乙区", name="乙区", unit_type="县区", sources=SRC),
        _project(
            "A",
            "甲区",
            [("线索", D(2026, 1, 5)), ("在谈", D(2026, 2, 1)), ("签约", D(2026, 3, 10))],
            "3",
        ),
        _project("B", "甲区", [("在谈", D(2026, 2, 20))]),
        _project("C", "甲区", [("线索", D(2026, 6, 1))]),
        _project("D", "乙区", [("签约", D(2026, 1, 15)), ("开工", D(2026, 4, 1))], "2.5"),
    ]


def _columns(day: dt.date, unit: str | None = None) -> dict[str, list[tuple[str, dt.date]]]:
    board = project_board(store_of(_ledger(), []), day, unit)
    return {c.stage.value: [(p.project, p.since) for p in c.cards] for c in board.columns}


def test_each_project_in_the_column_of_its_stage_on_the_day() -> None:
    assert _columns(D(2026, 5, 31)) == {
        "线索": [],
        "在谈": [("Project:B", D(2026, 2, 20))],
        "签约": [("Project:A", D(2026, 3, 10))],
        "开工": [("Project:D", D(2026, 4, 1))],
        "投产": [],
    }
    assert _columns(D(2026, 2, 10)) == {
        "线索": [],
        "在谈": [("Project:A", D(2026, 2, 1))],
        "签约": [("Project:D", D(2026, 1, 15))],
        "开工": [],
        "投产": [],
    }


def test_amounts_units_and_the_unit_filter() -> None:
    board = project_board(store_of(_ledger(), []), D(2026, 5, 31), "甲区")
    assert board.unit_id == "Unit:甲区"
    assert board.units == [("Unit:乙区", "乙区"), ("Unit:甲区", "甲区")]  # by name
    assert [(c.stage.value, c.count, c.amount_yuan) for c in board.columns] == [
        ("线索", 0, Decimal(0)),
        ("在谈", 1, Decimal(0)),  # B has no amount
        ("签约", 1, Decimal(300_000_000)),
        ("开工", 0, Decimal(0)),
        ("投产", 0, Decimal(0)),
    ]
    assert _columns(D(2026, 5, 31), "Unit:乙区")["开工"] == [("Project:D", D(2026, 4, 1))]
    with pytest.raises(NotFound) as err:
        project_board(store_of(_ledger(), []), D(2026, 5, 31), "丙区")
    assert err.value.candidates == ["乙区", "甲区"]
