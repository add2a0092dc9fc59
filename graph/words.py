"""Chinese words for the schema's node and relation kinds (one table for every interface).

The CLI's ``info``, the notebooks' legends and tables and the web workspace all name a
kind with these words; ``tests/test_language.py`` checks that every kind of
:mod:`graph.schema` has one. Kept free of heavy imports: ``zhaoshang info`` reads it.
"""

from __future__ import annotations

#: Node kind → Chinese name (legends, tooltips, tables, counts).
KIND_ZH: dict[str, str] = {
    "Company": "企业",
    "Person": "人员",
    "Fund": "投资机构",
    "Intermediary": "中介机构",
    "Industry": "行业",
    "Product": "产品",
    "Cluster": "产业集群",
    "Region": "地区",
    "Project": "招商项目",
    "Unit": "招商单位",
    "Outing": "外出招商",
    "Introduction": "引荐备案",
    "Channel": "招商渠道",
    "Mandate": "委托招商",
    "FairLead": "展会客商",
}

#: Relation kind → Chinese name (edge labels when the relation has no roles or label).
REL_ZH: dict[str, str] = {
    "OWNS": "持股",
    "CONTROLS": "实际控制",
    "PARENT_OF": "母公司",
    "BRANCH_OF": "分支机构",
    "OFFICER_OF": "任职",
    "INVESTED_IN": "投资",
    "LP_IN": "有限合伙",
    "SUPPLIES": "供应",
    "PARTNERS_WITH": "合作",
    "ACQUIRED": "收购",
    "MEMBER_OF": "会员",
    "KNOWS": "相识",
    "SERVES": "服务",
    "ENGAGED_BY": "受聘",
    "IN_INDUSTRY": "所属行业",
    "MAKES": "主营产品",
    "UPSTREAM_OF": "上游",
    "SUBCLASS_OF": "下级分类",
    "CLUSTER_INCLUDES": "集群包含",
    "LOCATED_IN": "位于",
    "CONTACTED": "接洽",
    "RESPONSIBLE_FOR": "责任单位",
    "INVESTOR_OF": "投资方",
    "INTRODUCES": "引荐",
    "COVERS": "联系覆盖",
    "LEAD_OF": "展会线索",
}
