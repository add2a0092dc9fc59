"""Node and relation kinds, and the sets of them the queries use.

Plain enums without pydantic, so that a command which only counts or lists records
(``zhaoshang info``) starts without building the schema models. :mod:`graph.base` and
:mod:`graph.schema` re-export everything here.
"""

from __future__ import annotations

import enum


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

#: Channel types (招商渠道) that are persons: their names and ties are private.
PERSON_CHANNELS: frozenset[str] = frozenset({"招商大使", "招商顾问"})
