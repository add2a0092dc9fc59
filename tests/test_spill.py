"""The decisions of a load and the resolution log stay bounded in memory (issue 16).

:class:`resolve.spill.Decisions` holds a few decisions as objects and the rest on disk;
the mapping must read the same either way, and the log written from it must equal the
one written from decisions held in memory (sorted by dataset then mention, code point
order).
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from graph.schema import Source
from resolve import spill
from resolve.decisions import read_log, write_log
from resolve.index import CompanyIndex
from resolve.match import SOURCES_KEPT, Match, Verdict
from resolve.spill import Decisions

ROOT = Path(__file__).resolve().parent.parent


def _src(row: int) -> Source:
    return Source(dataset="名录", file="企业名录.csv", row=row)


def _fill(decisions: Decisions) -> None:
    """Mentions m0…m24 seen on rows 1…25, then each again on rows 101…125 and 201…225."""
    for rnd in (0, 100, 200, 300):
        for i in range(25):
            verdict = Verdict.SAME if i % 2 else Verdict.NEW
            firm = f"Company:{i}" if verdict is Verdict.SAME else None
            match = Match(f"m{i}", verdict, firm, "uscc" if firm else "none", f"第 {rnd} 轮")
            decisions.note("名录", match, _src(rnd + i + 1))


def test_spilled_decisions_read_as_held_ones() -> None:
    held, spilled = Decisions(limit=10_000), Decisions(limit=4)
    _fill(held)
    _fill(spilled)
    assert spilled._table is not None and held._table is None  # the disk side was used
    assert len(held) == len(spilled) == 25
    assert list(held) == list(spilled) == [("名录", f"m{i}") for i in range(25)]
    for key in held:
        a, b = held[key], spilled[key]
        assert a.match == b.match and a.sources == b.sources
        # The first match is kept (round 0), and the first SOURCES_KEPT rows.
        i = int(key[1][1:])
        assert b.match.evidence == "第 0 轮"
        assert [s.row for s in b.sources] == [i + 1, i + 101, i + 201][:SOURCES_KEPT]
    assert spilled.get(("名录", "none")) is None


def test_log_from_spilled_decisions_equals_log_from_held(tmp_path: Path) -> None:
    logs = []
    for limit in (10_000, 3):
        index = CompanyIndex()
        index.decisions = Decisions(limit=limit)
        _fill(index.decisions)
        path = tmp_path / f"{limit}.resolution.jsonl"
        write_log(path, index, [])
        logs.append(path.read_bytes())
    assert logs[0] == logs[1]
    mentions = [orjson.loads(line)["decision"]["mention"] for line in logs[0].splitlines()]
    # Sorted by code point: m0, m1, m10, m11, …, m19, m2, m20, …
    assert mentions == sorted(f"m{i}" for i in range(25))
    assert mentions[:4] == ["m0", "m1", "m10", "m11"]


def test_a_later_load_keeps_earlier_decisions_and_replaces_its_own(tmp_path: Path) -> None:
    path = tmp_path / "g.resolution.jsonl"
    first = CompanyIndex()
    first.decisions = Decisions(limit=2)
    _fill(first.decisions)
    write_log(path, first, [])
    second = CompanyIndex()
    second.decisions = Decisions(limit=2)
    second.decisions.note("名录", Match("m3", Verdict.NEW, evidence="重新判断"), _src(999))
    second.decisions.note("其他", Match("甲", Verdict.NEW, evidence="新表"), _src(1))
    previous = read_log(path)
    assert len(previous.decisions) == 25
    write_log(path, second, [], previous=previous)
    log = read_log(path)
    got = {(d["dataset"], d["mention"]): d for d in log.decisions}
    assert len(got) == 26
    assert got[("名录", "m3")]["evidence"] == "重新判断"
    assert got[("名录", "m4")]["evidence"] == "第 0 轮"
    assert [s["row"] for s in got[("名录", "m3")]["sources"]] == [999]
    assert list(got) == sorted(got)  # the file is in (dataset, mention) order


def _load_demo(graph: Path) -> tuple[list[bytes], list[bytes], bytes]:
    """Load examples/demo into ``graph``; its records, sorted, and the resolution log."""
    from graph.sqlite_store import SqliteStore
    from loaders.office.table_loader import load_dir
    from resolve.decisions import log_path

    store = SqliteStore(graph)
    store.begin()
    index = CompanyIndex.from_store(store)
    load_dir(ROOT / "examples" / "demo", store, index, dataset="demo")
    write_log(log_path(graph), index, [])
    store.save()
    nodes = sorted(orjson.dumps(r, option=orjson.OPT_SORT_KEYS) for r in store.raw_nodes())
    rels = sorted(orjson.dumps(r, option=orjson.OPT_SORT_KEYS) for r in store.raw_relations())
    store.close()
    return nodes, rels, log_path(graph).read_bytes()


def test_a_load_with_everything_spilled_equals_one_held_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo city resolved with 2 entries per map in memory (every lookup of an older
    firm goes to disk) gives the same graph and the same resolution log."""
    held = _load_demo(tmp_path / "held.db")
    monkeypatch.setattr(spill, "HOT_LIMIT", 2)
    spilled = _load_demo(tmp_path / "spilled.db")
    assert held[0] == spilled[0] and held[1] == spilled[1]
    assert held[2] == spilled[2]
    assert len(held[0]) > 50 and held[2].count(b'{"decision"') > 50  # it resolved a city


@pytest.mark.parametrize(
    "name",
    [
        "中国石油化工股份有限公司北京分公司",  # branch with parent
        "潍柴动力（潍坊）有限公司",  # region in brackets
        "山东重工集团有限公司",  # region prefix, group, legal form
        "Sany Heavy Industry Co., Ltd.",  # latin
        "岚港锂能",  # short name: no form, no region
    ],
)
def test_name_parts_survive_the_disk(name: str) -> None:
    """What the index spills of a name is what it compares after reading it back."""
    from resolve.names import parse_name
    from resolve.spill import parts_blob, parts_of

    parts = parse_name(name)
    assert parts_of(parts_blob({"Company:x": parts})) == {"Company:x": parts}


def test_an_index_built_in_one_thread_answers_in_others(monkeypatch: pytest.MonkeyPatch) -> None:
    """The web workspace builds the index once and resolves in its worker threads."""
    from concurrent.futures import ThreadPoolExecutor

    from graph.schema import Company
    from resolve.codes import uscc_check_char

    monkeypatch.setattr(spill, "HOT_LIMIT", 5)

    def build() -> CompanyIndex:
        index = CompanyIndex()
        for i in range(60):
            body = f"91370200MA{i:07d}"
            name = f"岚港测试{i}科技有限公司"
            index.add(
                Company(
                    id=f"Company:{i}",
                    name=name,
                    full_name=name,
                    uscc=body + uscc_check_char(body),
                    sources=[_src(i)],
                )
            )
        return index

    with ThreadPoolExecutor(1) as one:
        index = one.submit(build).result()
    with ThreadPoolExecutor(4) as pool:
        found = list(pool.map(lambda i: index.resolve_name(f"岚港测试{i}科技有限公司"), range(60)))
    assert found == [f"Company:{i}" for i in range(60)]
