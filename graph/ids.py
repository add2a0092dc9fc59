"""Deterministic ids built from source keys.

Ids are readable (``Company:600028``, ``Person:exec2018:dddb…``) and never depend on
load order or on a database's internal ids, so both stores agree on them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

from pydantic import ValidationError

from graph.errors import SchemaError
from graph.schema import SYMMETRIC_KINDS, NodeKind, Relation, RelKind, Source

_SPACE = re.compile(r"\s+")


def node_id(kind: NodeKind, *keys: str) -> str:
    """Return the id of a node of ``kind`` identified by ``keys``.

    Keys are NFKC-normalised and stripped of whitespace runs, so full-width and
    half-width spellings of one key give one id.

    Examples
    --------
    >>> node_id(NodeKind.COMPANY, "600028")
    'Company:600028'
    >>> node_id(NodeKind.INDUSTRY, "SW-2021", "220101")
    'Industry:SW-2021:220101'
    """
    parts = [_SPACE.sub(" ", unicodedata.normalize("NFKC", k)).strip() for k in keys]
    if not parts or not all(parts):
        raise ValueError(f"empty key for {kind} id: {keys!r}")
    return ":".join([kind.value, *parts])


def relation_id(kind: RelKind, src: str, dst: str, key: str | None = None) -> str:
    """Return the id of a relation; symmetric kinds order their endpoints.

    Parameters
    ----------
    kind : RelKind
    src, dst : str
        Endpoint node ids.
    key : str, optional
        Distinguishes parallel relations of one kind between one pair (rarely needed:
        repeated evidence of the same tie merges into one relation with many sources).

    Examples
    --------
    >>> relation_id(RelKind.PARTNERS_WITH, "Company:2", "Company:1")
    'PARTNERS_WITH:Company:1>Company:2'
    """
    if kind in SYMMETRIC_KINDS and dst < src:
        src, dst = dst, src
    rid = f"{kind.value}:{src}>{dst}"
    return f"{rid}#{key}" if key else rid


def short_hash(*parts: str, length: int = 16) -> str:
    """Return a stable hex digest of ``parts`` (for keys that are long free text)."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8"), usedforsecurity=False)
    return digest.hexdigest()[:length]


def new_relation(
    kind: RelKind,
    src: str,
    dst: str,
    sources: list[Source],
    key: str | None = None,
    **props: Any,
) -> Relation:
    """Build a :class:`Relation` with its deterministic id.

    Symmetric kinds (PARTNERS_WITH, KNOWS) store their endpoints in id order, so A–B
    and B–A are one relation.

    Parameters
    ----------
    kind, src, dst, key
        As for :func:`relation_id`.
    sources : list of Source
        Provenance, at least one.
    **props
        Other :class:`Relation` fields (confidence, since, roles, weight, label, …).

    Raises
    ------
    SchemaError
        When a property is unknown or out of range.
    """
    if kind in SYMMETRIC_KINDS and dst < src:
        src, dst = dst, src
    try:
        return Relation(
            id=relation_id(kind, src, dst, key),
            kind=kind,
            src=src,
            dst=dst,
            sources=sources,
            **props,
        )
    except ValidationError as exc:
        raise SchemaError(f"invalid {kind} {src}->{dst}: {exc.errors()}") from exc
