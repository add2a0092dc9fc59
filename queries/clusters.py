"""Cluster files: a city's 产业集群 / 主导产业 defined over industries and products.

Format (TOML; see ``examples/demo/clusters.toml``; the default file, used when the
user names none, is ``queries/data/shandong.toml``, shipped with the package)::

    home_region = "37"

    [[cluster]]
    name = "高端装备"
    description = "…"
    core_industries = ["640100"]       # SW-2021 codes, any level, descendants included
    related_industries = ["640200"]    # optional, half the chain-fit of a core industry
    products = ["挖掘机"]               # optional chain-kg product names (exact)
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graph.errors import NotFound, SchemaError
from graph.files import read_user_text
from graph.ids import node_id
from graph.schema import NodeKind, RelKind
from graph.store import Store


class ClusterDef(BaseModel):
    """One cluster as written in the cluster file."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    description: str | None = None
    core_industries: list[str] = Field(default_factory=list)
    related_industries: list[str] = Field(default_factory=list)
    products: list[str] = Field(default_factory=list)
    industry_system: str = "SW-2021"


class ClusterFile(BaseModel):
    """A cluster file: the home region and its clusters."""

    model_config = ConfigDict(extra="forbid")

    home_region: str | None = None
    cluster: list[ClusterDef] = Field(min_length=1)

    def get(self, name: str) -> ClusterDef:
        """Return the cluster called ``name``.

        Raises
        ------
        NotFound
            With the cluster names of the file as candidates.
        """
        for c in self.cluster:
            if c.name == name:
                return c
        raise NotFound(f"集群文件中没有名为“{name}”的集群", [c.name for c in self.cluster])


def default_clusters() -> Path:
    """The cluster file shipped with the package: 山东省 十强产业 (``home_region`` 37)."""
    return Path(str(resources.files("queries") / "data" / "shandong.toml"))


def read_clusters(path: Path | None = None) -> ClusterFile:
    """Read and validate a cluster file (None: :func:`default_clusters`).

    Raises
    ------
    LoadError
        When the file is missing, a folder, unreadable or not UTF-8 (names it).
    SchemaError
        When the file is not valid TOML or does not follow the format; the message
        names the file and the field.
    """
    path = path or default_clusters()
    text = read_user_text(path, "集群文件")
    try:
        data = tomllib.loads(text)
        clusters = ClusterFile.model_validate(data)
    except tomllib.TOMLDecodeError as exc:
        raise SchemaError(f"集群文件 {path} 不是有效的 TOML：{exc}") from exc
    except ValidationError as exc:
        errs = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise SchemaError(f"集群文件 {path} 格式不符：{errs}") from exc
    names = [c.name for c in clusters.cluster]
    if len(set(names)) != len(names):
        raise SchemaError(f"集群文件 {path}：集群名称必须互不相同")
    return clusters


def industry_closure(store: Store, cluster: ClusterDef) -> tuple[set[str], set[str]]:
    """Return (core, related) industry node ids, each with all descendant industries.

    Descendants follow SUBCLASS_OF (narrower → broader) backwards. Codes absent from
    the store are ignored (a cluster file may name industries of data not loaded).
    A related industry that is also core counts as core.
    """
    core = _descendants(store, cluster.core_industries, cluster.industry_system)
    related = _descendants(store, cluster.related_industries, cluster.industry_system)
    return core, related - core


def _descendants(store: Store, codes: list[str], system: str) -> set[str]:
    start = [node_id(NodeKind.INDUSTRY, system, c) for c in codes]
    seen = {s for s in start if store.get_node(s) is not None}
    stack = list(seen)
    while stack:
        u = stack.pop()
        for rel, other in store.neighbours(u, [RelKind.SUBCLASS_OF], "in"):
            if rel.dst == u and other not in seen:
                seen.add(other)
                stack.append(other)
    return seen


def product_ids(store: Store, cluster: ClusterDef) -> set[str]:
    """Return the node ids of the cluster's products that exist in the store."""
    ids = {node_id(NodeKind.PRODUCT, p) for p in cluster.products}
    return {i for i in ids if store.get_node(i) is not None}


def listed_ancestor(store: Store, industry: str, listed: dict[str, str]) -> str | None:
    """The first of ``industry`` and its SUBCLASS_OF ancestors that is in ``listed``."""
    seen = {industry}
    frontier = [industry]
    while frontier:
        u = frontier.pop()
        if u in listed:
            return u
        for rel, other in store.neighbours(u, [RelKind.SUBCLASS_OF], "out"):
            if rel.src == u and other not in seen:
                seen.add(other)
                frontier.append(other)
    return None
