"""The ground floor of the schema: provenance, the fields of every node, stages.

The kinds of nodes and relations live in :mod:`graph.kinds` (no pydantic) and are
re-exported here.

Split from :mod:`graph.schema` so that the 招商 ledger's node models
(:mod:`graph.ledger`) and the merge rules (:mod:`graph.merge`) can build on them
without importing the whole schema. :mod:`graph.schema` re-exports everything here.
"""

from __future__ import annotations

import enum
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graph.kinds import CLASSIFICATION_KINDS as CLASSIFICATION_KINDS
from graph.kinds import LEDGER_KINDS as LEDGER_KINDS
from graph.kinds import SYMMETRIC_KINDS as SYMMETRIC_KINDS
from graph.kinds import TIE_KINDS as TIE_KINDS
from graph.kinds import NodeKind as NodeKind
from graph.kinds import RelKind as RelKind


class Source(BaseModel):
    """Where a fact comes from.

    Attributes
    ----------
    dataset : str
        Dataset name, e.g. ``"chain-kg"`` or ``"demo"``.
    file : str
        File name within the dataset, e.g. ``"company.json"``.
    row : int >= 0
        1-based data row or line number in that file (0 when the fact comes from the
        file as a whole, e.g. a configuration file).
    revision : str, optional
        A sortable stamp of the version of the file the fact was read from (user
        tables: the file's modification time, ISO 8601 UTC). Among conflicting values
        the one of the newest revision wins (see :func:`merge_records`).
    digest : str, optional
        User tables: a hash of the row's cells. With it, dataset, file, row and digest
        identify the source and the revision only dates it: a touched but unchanged
        file adds no source (see :func:`graph.merge.source_key`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    dataset: str
    file: str
    row: int = Field(ge=0)
    revision: str | None = None
    digest: str | None = None

    def cite(self) -> str:
        """Return a short citation such as ``chain-kg/company.json:12``."""
        return f"{self.dataset}/{self.file}:{self.row}"


class NodeBase(BaseModel):
    """Fields every node kind has: id, name, aliases, tags, privacy, provenance."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    private: bool = False
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _tidy_aliases(self) -> Self:
        """Drop aliases equal to the name and repeated aliases (keeps merges idempotent)."""
        tidy = [a for a in dict.fromkeys(self.aliases) if a != self.name]
        if tidy != self.aliases:
            self.aliases = tidy
        return self


class Stage(enum.StrEnum):
    """Stages of a 招商 project, in their order (洽谈 is read as 在谈)."""

    LEAD = "线索"
    TALKS = "在谈"
    SIGNED = "签约"
    STARTED = "开工"
    PRODUCING = "投产"


#: Stage → its place in the order 线索 → 在谈 → 签约 → 开工 → 投产.
STAGE_RANK: dict[str, int] = {s.value: i for i, s in enumerate(Stage)}


def stage_key(event: dict[str, Any]) -> tuple[str, int, str]:
    """Sort key of a stored stage event ``{"stage": …, "on": "YYYY-MM-DD"}``: date,
    then the stage's place in the order (a project signed and started on one day lists
    签约 first), then the text (unknown stages last, deterministically)."""
    stage = str(event.get("stage", ""))
    return (str(event.get("on", "")), STAGE_RANK.get(stage, len(STAGE_RANK)), stage)
