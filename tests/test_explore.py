"""Notebook helpers (queries.explore): subgraph counts worked out by hand and from the
source rows, tables, and HTML written as UTF-8 whatever the locale."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.errors import NotFound
from graph.schema import NodeKind, RelKind
from graph.sqlite_store import SqliteStore
from loaders.cache import open_graph
from loaders.public.load import load_public
from queries.clusters import read_clusters
from queries.explore import (
    cluster_chain,
    edges_frame,
    ego_network,
    interactive_view,
    local_firms_frame,
    nodes_frame,
    referral_subgraph,
    targets_frame,
)
from queries.paths import referral_paths
from queries.targets import target_list
from tests.builders import company, industry, person, rel, store_of

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo"

# a (local, 37) ─SUPPLIES→ b ─SUPPLIES→ c ;  p OFFICER_OF a and b ;  q OFFICER_OF b ;
# p KNOWS q (private) ;  a IN_INDUSTRY 640600 (not a tie) ;  d is isolated.
A, B, C, D = "Company:a", "Company:b", "Company:c", "Company:d"
P, Q = "Person:p", "Person:q"
FIRM, WHO = "山推股份", "张三"


@pytest.fixture
def hand() -> SqliteStore:
    ind = industry("640600", "工程机械")
    nodes = [
        company("a", "37", name="甲公司"),
        company("b", "11", name="乙公司"),
        company("c", "31", name="丙公司"),
        company("d", "44"),
        person("p"),
        person("q"),
        ind,
    ]
    rels = [
        rel(RelKind.SUPPLIES, A, B),
        rel(RelKind.SUPPLIES, B, C),
        rel(RelKind.OFFICER_OF, P, A, roles=["董事长"]),
        rel(RelKind.OFFICER_OF, P, B, roles=["董事"]),
        rel(RelKind.OFFICER_OF, Q, B, roles=["独立董事"]),
        rel(RelKind.KNOWS, P, Q, private=True),
        rel(RelKind.IN_INDUSTRY, A, ind.id),
    ]
    return store_of(nodes, rels)


def _counts(g: object) -> tuple[set[str], int]:
    import networkx as nx

    assert isinstance(g, nx.MultiDiGraph)
    return set(g.nodes), g.number_of_edges()


def test_ego_network_by_hand(hand: SqliteStore) -> None:
    # 1 hop from a: b and p; induced edges a→b, p→a, p→b.
    assert _counts(ego_network(hand, A, hops=1)) == ({A, B, P}, 3)
    # 2 hops adds c (via b) and q (via b); KNOWS p–q is private, left out.
    assert _counts(ego_network(hand, A, hops=2)) == ({A, B, C, P, Q}, 5)
    assert _counts(ego_network(hand, A, hops=2, include_private=True)) == ({A, B, C, P, Q}, 6)
    # officers only: a–p, p–b, b–q.
    assert _counts(ego_network(hand, A, hops=3, kinds=[RelKind.OFFICER_OF])) == ({A, B, P, Q}, 3)
    # classification relations only when asked for.
    g = ego_network(hand, A, hops=1, kinds=[RelKind.IN_INDUSTRY])
    assert {d["kind"] for _, d in g.nodes(data=True)} == {"Company", "Industry"}
    assert _counts(ego_network(hand, A, hops=0)) == ({A}, 0)
    assert _counts(ego_network(hand, D, hops=2)) == ({D}, 0)


def test_ego_network_attributes(hand: SqliteStore) -> None:
    g = ego_network(hand, A, hops=2, home="37")
    assert g.nodes[A] == {
        "kind": "Company",
        "name": "甲公司",
        "ours": True,
        "hops": 0,
        "center": True,
    }
    assert g.nodes[C]["hops"] == 2 and not g.nodes[C]["ours"]
    (key, data), *_ = ((k, d) for u, v, k, d in g.edges(keys=True, data=True) if u == P and v == A)
    assert (
        data["kind"] == "OFFICER_OF" and data["label"] == "董事长" and data["roles"] == ["董事长"]
    )
    assert key.startswith("OFFICER_OF:")
    sup = next(d for u, v, d in g.edges(data=True) if (u, v) == (A, B))
    assert sup["label"] == "供应"


def test_ego_network_bounds_and_errors(hand: SqliteStore) -> None:
    g = ego_network(hand, A, hops=2, max_nodes=3)
    assert g.number_of_nodes() == 3 and g.graph["truncated"] is True
    assert ego_network(hand, A, hops=2).graph["truncated"] is False
    with pytest.raises(NotFound):
        ego_network(hand, "Company:nope")
    with pytest.raises(ValueError):
        ego_network(hand, A, hops=-1)


def test_frames(hand: SqliteStore) -> None:
    g = ego_network(hand, A, hops=2, home="37")
    nodes, edges = nodes_frame(g), edges_frame(g)
    assert len(nodes) == 5 and len(edges) == 5
    assert list(nodes.columns) == ["id", "kind", "kind_zh", "name", "ours", "degree"]
    assert dict(zip(nodes["id"], nodes["degree"], strict=True))[B] == 4  # a, c, p, q
    assert set(nodes.loc[nodes["kind"] == "Person", "kind_zh"]) == {"人员"}
    assert set(edges["kind_zh"]) == {"供应", "任职"}
    assert list(edges["id"]) == sorted(edges["id"])


def test_referral_subgraph(hand: SqliteStore) -> None:
    result = referral_paths(hand, C, "37", k=5)
    assert result.paths, "a reaches c through b"
    g = referral_subgraph(hand, result)
    assert set(g.nodes) == {n for p in result.paths for n in p.nodes}
    assert g.number_of_edges() == len({h.relation_id for p in result.paths for h in p.hops})
    assert g.nodes[C]["role"] == "target" and g.nodes[A]["role"] == "introducer"
    assert all(d["on_path"] and d["paths"] for _, _, d in g.edges(data=True))
    for path in result.paths:  # every hop is an edge in its stored direction
        for h in path.hops:
            assert g.has_edge(h.relation_src, h.relation_dst, h.relation_id)


def test_cluster_chain_and_targets_on_demo(tmp_path: Path) -> None:
    store = open_graph(DEMO, tmp_path)
    assert list(tmp_path.glob("demo-*.db")), "the loaded graph is cached"
    clusters = read_clusters(DEMO / "clusters.toml")
    cluster = clusters.get("新能源电池")
    g = cluster_chain(store, cluster, home="3799", max_firms=6, max_products=5)
    kinds = [d["kind"] for _, d in g.nodes(data=True)]
    assert kinds.count("Company") == 6 and kinds.count("Product") == 5
    assert kinds.count("Cluster") == 1
    assert 1 <= sum(1 for _, d in g.nodes(data=True) if d["ours"]) <= 3  # at most half local
    for u, v, d in g.edges(data=True):
        assert d["kind"] in {"CLUSTER_INCLUDES", "IN_INDUSTRY", "MAKES", "UPSTREAM_OF"}
        if d["kind"] == "UPSTREAM_OF":
            assert g.nodes[u]["kind"] == g.nodes[v]["kind"] == "Product"
    tl = target_list(store, cluster, "3799", n=10)
    frame = targets_frame(tl)
    assert list(frame["rank"]) == list(range(1, len(tl.rows) + 1))
    factors = [f.name for f in tl.rows[0].factors]
    assert {"chain_fit", "scale", "reachability"} <= set(factors)
    for _, row in frame.iterrows():
        total = sum(row[f] for f in factors)
        assert total == pytest.approx(row["score"], abs=1e-3)
        assert all(0 <= row[f"{f}_value"] <= 1 for f in factors)
    local = local_firms_frame(store, "3799", top=0)
    assert set(local["name"]) >= {"岚港锂能"}
    assert list(local["pagerank"]) == sorted(local["pagerank"], reverse=True)


def test_html_is_utf8_under_a_non_utf8_locale(tmp_path: Path) -> None:
    # The child runs under the C locale with UTF-8 mode off: open() defaults to ASCII
    # there, so a writer that relies on the locale fails or writes something else.
    script = tmp_path / "child.py"
    script.write_text(
        "import locale, sys\n"
        "from pathlib import Path\n"
        "enc = locale.getpreferredencoding(False)\n"
        "assert 'utf' not in enc.lower(), enc\n"
        "from tests.builders import company, person, rel, store_of\n"
        "from graph.schema import RelKind\n"
        "from queries.explore import ego_network, interactive_view\n"
        f"firm, who = {FIRM!a}, {WHO!a}\n"
        "s = store_of([company('a', name=firm), person(who)],\n"
        "             [rel(RelKind.OFFICER_OF, 'Person:' + who, 'Company:a', roles=['x'])])\n"
        "g = ego_network(s, 'Company:a', include_private=True)\n"
        "interactive_view(g, Path(sys.argv[1]), title=firm)\n",
        encoding="ascii",
    )
    out = tmp_path / "view.html"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHON"))}
    env.update(LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-X", "utf8=0", str(script), str(out)],
        env=env,
        cwd=ROOT,
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    text = out.read_bytes().decode("utf-8")  # raises if the bytes are not UTF-8
    assert '<meta charset="utf-8">' in text
    assert f">{FIRM}</h3>" in text  # the title, as UTF-8 text
    assert "企业" in text and "人员" in text  # the legend
    assert json.dumps(WHO)[1:-1] in text  # node labels travel as JSON


def test_inline_view(hand: SqliteStore, tmp_path: Path) -> None:
    view = interactive_view(ego_network(hand, A, hops=2, home="37"), tmp_path / "v.html")
    inline = view._repr_html_()
    assert inline.startswith("<iframe srcdoc=") and json.dumps("甲公司")[1:-1] in inline
    assert "cdn.jsdelivr" not in view.path.read_text("utf-8")  # opens offline


# -- the real data -------------------------------------------------------------------
@pytest.fixture(scope="module")
def executives(public_data: Path) -> SqliteStore:
    store = SqliteStore(None)
    load_public(public_data, store, only=["executives-2018"])
    return store


@pytest.mark.public_data
def test_officer_ego_network_matches_source_rows(public_data: Path, executives: SqliteStore):  # type: ignore[no-untyped-def]
    # Worked out from executive_prep.csv (a file the loader does not read): the people
    # listed for code 601058 (赛轮), one per name + gender + age as the loader keys them.
    with (public_data / "executives-2018" / "executive_prep.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["code"] == "601058"]
    people = {(r["name"], r["gender"], r["age"]) for r in rows}
    assert len(people) == 9
    g = ego_network(
        executives, "Company:601058", hops=1, kinds=[RelKind.OFFICER_OF], include_private=True
    )
    persons = [n for n, d in g.nodes(data=True) if d["kind"] == NodeKind.PERSON.value]
    assert len(persons) == len(people)
    assert g.number_of_edges() == len(people)  # one OFFICER_OF per person, roles merged
    assert {g.nodes[p]["name"] for p in persons} == {name for name, _, _ in people}
    chair = next(d for _, _, d in g.edges(data=True) if "董事长" in d["roles"])
    assert "董事长" in chair["label"]
