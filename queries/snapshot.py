"""The search snapshot: the tie graph as memory-mapped arrays, kept on disk per revision.

Every referral question walks the same tie graph. Reading it out of the store and
building the arrays costs seconds (a full scan of the tie relations); answering on the
arrays costs milliseconds. So the arrays are written once per store revision beside
the database, ``<database>.snapshot/<key>/`` (numpy ``.npy`` files, opened with
``mmap_mode="r"``), and rebuilt only when the key changes. The key is a hash of

- the store's id and **revision** (raised by every commit that changed a record,
  :attr:`graph.sqlite_store.SqliteStore.revision`; Neo4j keeps the same counter),
- the tie model (``queries/ties.toml`` or the user's file),
- the reference date of the age decay and whether private ties are walked.

Per home region a subfolder ``home-<code>/`` holds the our-side flags and the exact
cost and fewest hops from our side to every node (two multi-source Dijkstras), and the
hop-bounded best path layers used by target lists (:mod:`queries.reach`).

The Neo4j backend builds the same snapshot from one streaming read of the tie
relations per revision, into the user's cache folder (``ZHAOSHANG_CACHE`` or
``~/.cache/zhaoshang``). An in-memory store keeps its snapshot in memory.

Snapshots are written to a temporary folder and renamed into place, so a reader never
sees half of one; two processes building the same key at once both succeed (the
second rename loses and its copy is dropped). Snapshots of older revisions are
removed when a newer one is written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from graph.schema import TIE_KINDS, NodeKind, RelKind
from graph.store import Store, scan_nodes, scan_relations
from queries.csr import BoolArray, FloatArray, IntArray, csr_structure, our_side_guide
from queries.our_side import channel_code, engaged_code, works_for
from queries.strings import StringTable
from queries.ties import TieModel

SNAPSHOT_VERSION = 3  # 2: ledger channels are actors, COVERS a tie; 3: scoring arrays
#: Node kinds that can stand on a referral path (every other kind classifies).
ACTOR_KINDS = (
    NodeKind.COMPANY,
    NodeKind.FUND,
    NodeKind.INTERMEDIARY,
    NodeKind.PERSON,
    NodeKind.CHANNEL,  # our 招商大使, 代理机构, 驻外办事处 (graph.ledger_channels)
)
_KIND_CODE = {k.value: i for i, k in enumerate(ACTOR_KINDS)}
SCORE_ARRAYS = ("score_flags", "aff_indptr", "aff_indices", "sig_node", "sig_kind", "sig_day")
_TIE_ARRAYS = ("kinds", "indptr", "indices", "weight", "rel", "pass_cost", "engaged_node")
_ARRAYS = _TIE_ARRAYS + SCORE_ARRAYS
_TABLES = ("ids", "rel_ids", "region", "engaged_code")


@dataclass(frozen=True)
class TieSnapshot:
    """The tie graph of one store revision, home-independent.

    Attributes
    ----------
    ids : StringTable, length n
        Actor node ids, sorted.
    kinds : int8 array, shape (n,)
        Index into :data:`ACTOR_KINDS`.
    region : StringTable, length n
        GB/T 2260 region code per node ("" when unknown).
    engaged_node : int64 array, shape (e,)
        Nodes ENGAGED_BY a region (our city's intermediaries, 招商大使, funds, the
        ledger's channels) …
    engaged_code : StringTable, length e
        … and that region's code ("" for a channel of a unit without one: ours for
        any home, :func:`queries.our_side.channel_code`).
    indptr, indices, weight, rel : arrays
        The symmetric CSR walk graph (:func:`queries.csr.csr_structure`); ``weight``
        is ``−ln`` strength.
    rel_ids : StringTable
        Relation index → relation id.
    pass_cost : float array, shape (n,)
        ``−ln`` of the share of strength kept by passing through each node (hub and
        tag penalties of the tie model).
    score_flags, aff_indptr, aff_indices, sig_node, sig_kind, sig_day : arrays
        What target scoring needs of every node (:mod:`queries.score_arrays`).
    folder : Path or None
        Where it lives on disk (None: in memory only).
    """

    ids: StringTable
    kinds: npt.NDArray[np.int8]
    region: StringTable
    engaged_node: IntArray
    engaged_code: StringTable
    indptr: IntArray
    indices: IntArray
    weight: FloatArray
    rel: IntArray
    rel_ids: StringTable
    pass_cost: FloatArray
    score_flags: npt.NDArray[np.uint8]
    aff_indptr: IntArray
    aff_indices: IntArray
    sig_node: IntArray
    sig_kind: npt.NDArray[np.int8]
    sig_day: IntArray
    folder: Path | None = None

    def kind(self, i: int) -> str:
        """Node kind of node index ``i``."""
        return ACTOR_KINDS[int(self.kinds[i])].value

    def our_side(self, home: str) -> BoolArray:
        """Our-side flags for a home region code prefix (DESIGN.md §2).

        Companies whose region code starts with ``home``, nodes ENGAGED_BY a
        region inside the home region, and our channels (:func:`queries.our_side.works_for`).
        """
        n = len(self.ids)
        ours = np.zeros(n, dtype=bool)
        company = _KIND_CODE[NodeKind.COMPANY.value]
        for i, code in enumerate(self.region):
            if code and code.startswith(home) and self.kinds[i] == company:
                ours[i] = True
        for i, code in zip(self.engaged_node.tolist(), self.engaged_code, strict=True):
            if works_for(code, home):
                ours[i] = True
        return ours

    def save(self, folder: Path) -> None:
        """Write every array into ``folder`` (which must exist)."""
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name))
        for name in _TABLES:
            getattr(self, name).save(folder, name)

    @classmethod
    def open(cls, folder: Path) -> TieSnapshot:
        """Memory-map a snapshot written by :meth:`save`."""
        fields: dict[str, Any] = {n: np.load(folder / f"{n}.npy", mmap_mode="r") for n in _ARRAYS}
        fields.update({n: StringTable.open(folder, n, n == "ids") for n in _TABLES})
        return cls(**fields, folder=folder)


def build_snapshot(
    store: Store, model: TieModel, as_of: dt.date, include_private: bool = False
) -> TieSnapshot:
    """Read the tie graph of ``store`` into arrays (the same graph as
    :func:`queries.ties.build_tie_graph`: strongest relation per pair, private ties
    only when asked, classification nodes never on it).

    Notes
    -----
    One pass over the actor nodes and one over the tie relations, each streamed.
    O(n + m log m) time; memory ~60 bytes per tie while building.
    """
    from queries.score_arrays import ScoreCollector

    scoring = ScoreCollector()
    ids: list[str] = []
    kinds: list[int] = []
    region: list[str] = []
    tagged: dict[int, list[str]] = {}
    ours: dict[str, str] = {}
    units = {d["id"]: d.get("region_code") or "" for d in scan_nodes(store, [NodeKind.UNIT])}
    for node in scan_nodes(store, ACTOR_KINDS):
        if node["kind"] == NodeKind.CHANNEL.value:
            ours[node["id"]] = channel_code(node["unit_id"], units)
        if node.get("tags"):
            tagged[len(ids)] = node["tags"]
            code = engaged_code(node, model.our_side_tags)
            if code:
                ours[node["id"]] = code
        scoring.node(node)
        ids.append(node["id"])
        kinds.append(_KIND_CODE[node["kind"]])
        region.append(node.get("region_code") or "")
    order = sorted(range(len(ids)), key=ids.__getitem__)
    moved = order != list(range(len(ids)))
    if moved:
        ids, kinds, region = (
            [ids[i] for i in order],
            [kinds[i] for i in order],
            [region[i] for i in order],
        )
        where = {old: new for new, old in enumerate(order)}
        tagged = {where[i]: t for i, t in tagged.items()}
    index = {x: i for i, x in enumerate(ids)}
    regions = {d["id"]: d["code"] for d in scan_nodes(store, [NodeKind.REGION])}
    src: list[int] = []
    dst: list[int] = []
    strength: list[float] = []
    rids: list[str] = []
    engaged: list[tuple[int, str]] = [(index[n], code) for n, code in ours.items()]
    for rel in scan_relations(store, sorted(TIE_KINDS)):
        scoring.relation(rel, index)
        if rel["kind"] == RelKind.ENGAGED_BY.value and rel["dst"] in regions:
            if rel["src"] in index:
                engaged.append((index[rel["src"]], regions[rel["dst"]]))
            continue
        if rel.get("private") and not include_private:
            continue
        u, v = index.get(rel["src"]), index.get(rel["dst"])
        if u is None or v is None or u == v:
            continue
        s = model.strength(rel, as_of)
        if s <= 0.0:
            continue
        src.append(u)
        dst.append(v)
        strength.append(s)
        rids.append(rel["id"])
    rel_order = sorted(range(len(rids)), key=rids.__getitem__)
    rank = np.empty(len(rids), dtype=np.int64)
    rank[rel_order] = np.arange(len(rids), dtype=np.int64)
    n = len(ids)
    indptr, indices, weight, rel_index = csr_structure(
        n,
        np.asarray(src, dtype=np.int64),
        np.asarray(dst, dtype=np.int64),
        np.asarray(strength, dtype=np.float64),
        rank,
    )
    # keep only the relation ids the CSR refers to, renumbered in id order
    used = np.unique(rel_index)
    rel_index = np.searchsorted(used, rel_index).astype(np.int64)
    rel_table = StringTable.of(rids[rel_order[j]] for j in used.tolist())
    degree = np.diff(indptr)
    factor = np.ones(n, dtype=np.float64)
    limit = model.hub_limit(degree.tolist())  # top hub_percentile of the tied nodes
    hubs = degree > limit
    factor[hubs] = (limit / degree[hubs]) ** model.hub_exponent
    for i, tags in tagged.items():
        factor[i] *= min(
            (model.pass_through[t] for t in tags if t in model.pass_through), default=1.0
        )
    engaged.sort()
    return TieSnapshot(
        ids=StringTable.of(ids),
        kinds=np.asarray(kinds, dtype=np.int8),
        region=StringTable.of(region),
        engaged_node=np.asarray([i for i, _ in engaged], dtype=np.int64),
        engaged_code=StringTable.of(c for _, c in engaged),
        indptr=indptr,
        indices=indices,
        weight=weight,
        rel=rel_index,
        rel_ids=rel_table,
        pass_cost=-np.log(factor),
        **scoring.arrays(n, order if moved else None),
    )


# -- on disk ----------------------------------------------------------------------------
def store_identity(store: Store) -> tuple[str, int] | None:
    """``(store id, revision)`` of a store that keeps a revision, else None."""
    ident = getattr(store, "store_id", None)
    revision = getattr(store, "revision", None)
    if not ident or revision is None:
        return None
    return str(ident), int(revision)


def snapshot_root(store: Store) -> Path | None:
    """The folder that holds a store's snapshots (None: keep them in memory)."""
    path = getattr(store, "path", None)
    if isinstance(path, Path):
        return path.with_name(path.name + ".snapshot")
    cache_key = getattr(store, "cache_key", None)
    if cache_key:
        base = Path(os.environ.get("ZHAOSHANG_CACHE") or Path.home() / ".cache" / "zhaoshang")
        return base / "neo4j" / hashlib.sha1(str(cache_key).encode()).hexdigest()[:16]
    return None


def model_fingerprint(model: TieModel) -> str:
    """A text that is equal for equal tie models in every process (sets sorted)."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return sorted((str(k), plain(v)) for k, v in value.items())
        if isinstance(value, frozenset | set):
            return sorted(str(v) for v in value)
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    return json.dumps(plain(dataclasses.asdict(model)), ensure_ascii=False)


def snapshot_key(
    identity: tuple[str, int], model: TieModel, as_of: dt.date, include_private: bool
) -> str:
    """The folder name of one snapshot: revision, then a hash of everything it depends on."""
    text = json.dumps(
        [
            SNAPSHOT_VERSION,
            identity[0],
            model_fingerprint(model),
            as_of.isoformat(),
            include_private,
        ]
    )
    return f"r{identity[1]:09d}-{hashlib.sha1(text.encode()).hexdigest()[:16]}"


def open_snapshot(
    store: Store, model: TieModel, as_of: dt.date, include_private: bool = False
) -> TieSnapshot:
    """The snapshot of ``store``'s current revision: opened from disk, else built (and
    written beside the store when it has a folder).

    Returns
    -------
    TieSnapshot
        Memory-mapped when it lives on disk.
    """
    identity = store_identity(store)
    root = snapshot_root(store)
    if identity is None or root is None:
        return build_snapshot(store, model, as_of, include_private)
    key = snapshot_key(identity, model, as_of, include_private)
    folder = root / key
    if (folder / "done").exists():
        return TieSnapshot.open(folder)
    snap = build_snapshot(store, model, as_of, include_private)
    publish(root, key, snap.save)
    _prune(root, identity[1])
    return TieSnapshot.open(folder) if (folder / "done").exists() else snap


def publish(root: Path, key: str, write: Any) -> None:
    """Write a folder atomically: into a temporary sibling, then rename into place."""
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".{key}.{secrets.token_hex(6)}"
    tmp.mkdir(0o777)  # the umask applies (mkdtemp's 0700 would shut other officers out)
    try:
        write(tmp)
        (tmp / "done").write_text(dt.datetime.now(dt.UTC).isoformat(), "utf-8")
        os.rename(tmp, root / key)
    except OSError:
        if not (root / key / "done").exists():
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _prune(root: Path, revision: int) -> None:
    """Remove snapshots of older revisions, and any not written in the last two days
    (other reference dates, temporary folders left by crashes)."""
    for child in root.iterdir():
        name = child.name
        old = name.startswith("r") and name[1:10].isdigit() and int(name[1:10]) < revision
        stale = time.time() - child.stat().st_mtime > 2 * 86400  # other days' decay dates
        if old or stale:
            shutil.rmtree(child, ignore_errors=True)


@dataclass(frozen=True)
class HomeGuide:
    """Per-home arrays: our-side flags, leave costs, and the A* guide from our side."""

    ours: BoolArray
    leave: FloatArray
    dist_ours: FloatArray
    hops_ours: FloatArray


def home_guide(snap: TieSnapshot, home: str) -> HomeGuide:
    """The per-home arrays of a snapshot, from its folder or computed (and saved)."""
    name = "home-" + hashlib.sha1(home.encode()).hexdigest()[:12]
    folder = None if snap.folder is None else snap.folder / name
    if folder is not None and (folder / "done").exists():
        arrays = {
            f: np.load(folder / f"{f}.npy", mmap_mode="r")
            for f in ("ours", "leave", "dist_ours", "hops_ours")
        }
        return HomeGuide(**arrays)
    ours = snap.our_side(home)
    leave = np.where(ours, 0.0, snap.pass_cost)
    dist, hops = our_side_guide(snap.indptr, snap.indices, snap.weight, leave, ours)
    guide = HomeGuide(ours, leave, dist, hops)
    if folder is not None:

        def write(tmp: Path) -> None:
            for f in ("ours", "leave", "dist_ours", "hops_ours"):
                np.save(tmp / f"{f}.npy", getattr(guide, f))

        publish(folder.parent, name, write)
    return guide
