"""The ground floor of the schema: node kinds, provenance, the fields of every node.

Split from :mod:`graph.schema` so that the 招商 ledger's node models
(:mod:`graph.ledger`) and the merge rules (:mod:`graph.merge`) can build on them
without importing the whole schema. :mod:`graph.schema` re-exports everything here.
"""

from __future__ import annotations

import enum
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class NodeKind(enum.StrEnum):
    """Node kinds (PascalCase), used as Neo4j labels."""

    COMPANY = "Company"
    PERSON = "Person"
    FUND = "Fund"
    INTERMEDIARY = "Intermediary"
    INDUSTRY = "Industry"
    PRODUCT = "Product"
    CLUSTER = "Cluster"
    REGION = "Region"
    PROJECT = "Project"
    UNIT = "Unit"
    OUTING = "Outing"
    INTRODUCTION = "Introduction"
    CHANNEL = "Channel"
    MANDATE = "Mandate"
    FAIR_LEAD = "FairLead"


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


class RelKind(enum.StrEnum):
    """Relation kinds (UPPER_SNAKE), used as Neo4j relationship types.

    Direction conventions (``src -> dst``): OWNS owner→owned, CONTROLS controller→firm,
    PARENT_OF parent→subsidiary, BRANCH_OF branch→parent, OFFICER_OF person→firm,
    INVESTED_IN investor→investee, LP_IN LP→fund, SUPPLIES supplier→customer,
    PARTNERS_WITH symmetric (endpoints stored in id order), ACQUIRED acquirer→acquired,
    MEMBER_OF member→organisation, KNOWS symmetric, SERVES intermediary→firm,
    ENGAGED_BY intermediary/person/fund→our city (a Region), IN_INDUSTRY firm→industry,
    MAKES firm→product, UPSTREAM_OF upstream product→downstream product, SUBCLASS_OF
    narrower→broader, CLUSTER_INCLUDES cluster→industry/product, LOCATED_IN
    node→region, CONTACTED our side→firm (also a 招商 unit→a firm its outing met);
    the ledger's (:mod:`graph.ledger`): RESPONSIBLE_FOR unit→project, INVESTOR_OF
    firm→project, INTRODUCES introduction (备案)→project; the ledger's channels
    (:mod:`graph.ledger_channels`): COVERS channel (大使, 办事处 …)→firm it covers,
    LEAD_OF fair lead→the exhibitor firm.
    """

    OWNS = "OWNS"
    CONTROLS = "CONTROLS"
    PARENT_OF = "PARENT_OF"
    BRANCH_OF = "BRANCH_OF"
    OFFICER_OF = "OFFICER_OF"
    INVESTED_IN = "INVESTED_IN"
    LP_IN = "LP_IN"
    SUPPLIES = "SUPPLIES"
    PARTNERS_WITH = "PARTNERS_WITH"
    ACQUIRED = "ACQUIRED"
    MEMBER_OF = "MEMBER_OF"
    KNOWS = "KNOWS"
    SERVES = "SERVES"
    ENGAGED_BY = "ENGAGED_BY"
    IN_INDUSTRY = "IN_INDUSTRY"
    MAKES = "MAKES"
    UPSTREAM_OF = "UPSTREAM_OF"
    SUBCLASS_OF = "SUBCLASS_OF"
    CLUSTER_INCLUDES = "CLUSTER_INCLUDES"
    LOCATED_IN = "LOCATED_IN"
    CONTACTED = "CONTACTED"
    RESPONSIBLE_FOR = "RESPONSIBLE_FOR"
    INVESTOR_OF = "INVESTOR_OF"
    INTRODUCES = "INTRODUCES"
    COVERS = "COVERS"
    LEAD_OF = "LEAD_OF"


#: Relation kinds a referral path may walk (DESIGN.md §3): ties between actors.
TIE_KINDS: frozenset[RelKind] = frozenset(
    {
        RelKind.OWNS,
        RelKind.CONTROLS,
        RelKind.PARENT_OF,
        RelKind.BRANCH_OF,
        RelKind.OFFICER_OF,
        RelKind.INVESTED_IN,
        RelKind.LP_IN,
        RelKind.SUPPLIES,
        RelKind.PARTNERS_WITH,
        RelKind.ACQUIRED,
        RelKind.MEMBER_OF,
        RelKind.KNOWS,
        RelKind.SERVES,
        RelKind.ENGAGED_BY,
        RelKind.CONTACTED,
        RelKind.COVERS,
    }
)

#: Node kinds that are classifications, never on a referral path.
CLASSIFICATION_KINDS: frozenset[NodeKind] = frozenset(
    {NodeKind.INDUSTRY, NodeKind.PRODUCT, NodeKind.CLUSTER, NodeKind.REGION}
)

#: The 招商 ledger's records of our own work (:mod:`graph.ledger`), never on a referral
#: path; a ledger Channel is no record but an our-side actor (its COVERS ties walked).
LEDGER_KINDS: frozenset[NodeKind] = frozenset(
    {
        NodeKind.PROJECT,
        NodeKind.UNIT,
        NodeKind.OUTING,
        NodeKind.INTRODUCTION,
        NodeKind.MANDATE,
        NodeKind.FAIR_LEAD,
    }
)

#: Relation kinds whose direction carries no meaning; their ids order the endpoints.
SYMMETRIC_KINDS: frozenset[RelKind] = frozenset({RelKind.PARTNERS_WITH, RelKind.KNOWS})
