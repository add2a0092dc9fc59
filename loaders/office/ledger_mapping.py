"""Headers of the 招商 ledger's tables: units and targets, projects, outings, 备案.

Merged into :data:`loaders.office.mapping.BUILTIN` (same form: field → header
synonyms, the first one the template's header). Amount columns take their unit from
the header's brackets (``任务目标（亿元）``, ``签约金额（万元）``); a bare number under a
header without a unit is refused, never read as 元 by default (see
:mod:`loaders.office.ledger_rows`).
"""

from __future__ import annotations

from graph.base import Stage

#: kind → field → header synonyms.
LEDGER_BUILTIN: dict[str, dict[str, tuple[str, ...]]] = {
    "unit": {
        "name": ("单位名称", "招商单位", "责任单位", "unit"),
        "unit_type": ("单位类型", "类型", "unit_type"),
        "region_code": ("行政区划代码", "区划代码", "region_code"),
        "year": ("年度", "年份", "year"),
        "city_target": ("任务目标", "市定目标", "市下达目标", "city_target"),
        "own_target": ("自定目标", "自加压目标", "自我加压目标", "own_target"),
    },
    "project": {
        "key": ("项目编号", "编号", "key"),
        "name": ("项目名称", "project"),
        "investor": ("投资方", "投资企业", "签约企业", "investor"),
        "unit": ("责任单位", "所属单位", "招商单位", "unit"),
        "cluster": ("产业集群", "所属集群", "集群", "cluster"),
        "industry": ("所属行业", "行业", "industry"),
        "amount": ("签约金额", "投资额", "总投资", "计划总投资", "amount"),
        "invested": ("实际投资额", "到位资金", "实际到位资金", "invested"),
        "stage": ("项目阶段", "阶段", "进展阶段", "stage"),
        "stage_on": ("阶段日期", "日期", "stage_on"),
    },
    "outing": {
        "key": ("编号", "key"),
        "on": ("外出日期", "出发日期", "日期", "on"),
        "unit": ("外出单位", "责任单位", "招商单位", "unit"),
        "destination": ("目的地", "外出地点", "地点", "destination"),
        "people": ("人数", "人次", "外出人数", "people"),
        "firms_met": ("拜访企业", "对接企业", "洽谈企业", "firms_met"),
        "outcome": ("对接成效", "成效", "结果", "outcome"),
    },
    "introduction": {
        "filed_at": ("备案时间", "备案日期", "登记时间", "filed_at"),
        "introducer": ("引荐人", "引荐人姓名", "引荐单位", "introducer"),
        "introducer_type": ("引荐人类型", "引荐人身份", "introducer_type"),
        "investor": ("被引荐企业", "投资方", "投资企业", "investor"),
        "project": ("项目编号", "项目名称", "项目", "project"),
    },
    "channel": {
        "name": ("渠道名称", "姓名或名称", "名称", "姓名", "机构名称", "name"),
        "channel_type": ("渠道类型", "类型", "channel_type"),
        "unit": ("所属单位", "聘任单位", "委托单位", "派驻单位", "unit"),
        "regions": ("覆盖地区", "联系地区", "负责地区", "regions"),
        "firms": ("联系企业", "覆盖企业", "对接企业", "firms"),
        "appointed_on": ("聘任日期", "设立日期", "委托日期", "appointed_on"),
    },
    "mandate": {
        "agency": ("受托机构", "代理机构", "招商代理", "agency"),
        "unit": ("委托单位", "责任单位", "招商单位", "unit"),
        "period_from": ("委托起始日期", "起始日期", "开始日期", "period_from"),
        "period_to": ("委托截止日期", "截止日期", "结束日期", "period_to"),
        "clusters": ("委托领域", "产业领域", "招商领域", "clusters"),
        "target_projects": ("目标项目数", "约定项目数", "target_projects"),
        "target_amount": ("目标金额", "约定签约金额", "target_amount"),
    },
    "fair": {
        "fair": ("展会名称", "展会", "fair"),
        "held_on": ("展会日期", "举办日期", "held_on"),
        "place": ("举办地", "举办地点", "place"),
        "exhibitors": ("参展企业", "客商名称", "洽谈企业", "exhibitors"),
        "unit": ("对接单位", "参展单位", "招商单位", "unit"),
        "outcome": ("对接情况", "洽谈情况", "outcome"),
    },
}

#: Stage words as offices write them → stage.
STAGE_WORDS: dict[str, Stage] = {
    "线索": Stage.LEAD,
    "储备": Stage.LEAD,
    "洽谈": Stage.TALKS,
    "在谈": Stage.TALKS,
    "签约": Stage.SIGNED,
    "已签约": Stage.SIGNED,
    "开工": Stage.STARTED,
    "已开工": Stage.STARTED,
    "在建": Stage.STARTED,
    "投产": Stage.PRODUCING,
    "已投产": Stage.PRODUCING,
    "竣工投产": Stage.PRODUCING,
}
#: Unit type words → the schema's three types.
UNIT_TYPES: dict[str, str] = {
    "县区": "县区",
    "区县": "县区",
    "县": "县区",
    "区": "县区",
    "开发区": "开发区",
    "市属开发区": "开发区",
    "园区": "开发区",
    "高新区": "开发区",
    "投促委": "投促委",
    "产业投促委": "投促委",
}

#: Fields a row of each ledger kind must fill.
LEDGER_REQUIRED: dict[str, tuple[str, ...]] = {
    "unit": ("name",),
    "project": ("name", "unit"),
    "outing": ("on", "unit", "destination", "people"),
    "introduction": ("filed_at", "introducer", "investor"),
    "channel": ("name", "channel_type", "unit"),
    "mandate": ("agency", "unit", "period_from", "period_to"),
    "fair": ("fair", "held_on", "exhibitors"),
}

#: Words in a sheet or file name → ledger kind (checked before the other kinds').
LEDGER_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("mandate", ("委托",)),
    ("fair", ("展会", "客商")),
    ("channel", ("渠道", "大使", "顾问", "办事处")),
    ("introduction", ("备案", "引荐")),
    ("outing", ("外出",)),
    ("project", ("项目",)),
    ("unit", ("任务目标", "目标任务", "招商单位", "单位目标")),
)

#: Template file names of the ledger's kinds.
LEDGER_TEMPLATE_FILES: dict[str, str] = {
    "unit": "招商单位与目标.xlsx",
    "project": "招商项目.xlsx",
    "outing": "外出招商.xlsx",
    "introduction": "引荐备案.xlsx",
    "channel": "招商渠道.xlsx",
    "mandate": "委托招商.xlsx",
    "fair": "展会客商.xlsx",
}

#: Template headers naming their unit.
LEDGER_HEADERS: dict[str, str] = {
    "city_target": "任务目标（亿元）",
    "own_target": "自定目标（亿元）",
    "amount": "签约金额（万元）",
    "invested": "实际投资额（万元）",
    "target_amount": "目标金额（亿元）",
}

#: (kind, field) → (explanation, example) for the templates' 填写说明.
LEDGER_HELP: dict[tuple[str, str], tuple[str, str]] = {
    ("unit", "name"): ("招商单位名称（县区、开发区、产业投促委），项目表按此名称引用", "广饶县"),
    ("unit", "unit_type"): ("单位类型：县区、开发区、投促委", "县区"),
    ("unit", "region_code"): ("GB/T 2260 行政区划代码", "370523"),
    ("unit", "year"): ("目标所属年度（四位数字）", "2026"),
    ("unit", "city_target"): ("市下达的年度任务目标（签约金额），单位亿元", "72"),
    ("unit", "own_target"): ("本单位自定的（自我加压）目标，单位亿元", "80"),
    ("project", "key"): ("项目编号；同一项目多次填报阶段时用同一编号", "GR-2026-001"),
    ("project", "name"): ("项目名称", "年产10万吨锂电材料项目"),
    ("project", "investor"): ("投资方企业全称", "岚港锂能科技股份有限公司"),
    ("project", "unit"): ("责任单位，须是单位表中的名称", "广饶县"),
    ("project", "cluster"): ("所属产业集群", "新能源新材料"),
    ("project", "industry"): ("所属行业", "电池"),
    ("project", "amount"): ("签约金额，单位万元；也可写 1.2亿、5000万元、3亿元", "120000"),
    ("project", "invested"): ("实际投资额（到位资金），单位万元；奖励按此计算", "30000"),
    ("project", "stage"): ("项目阶段：线索、洽谈（在谈）、签约、开工、投产", "签约"),
    ("project", "stage_on"): ("进入该阶段的日期；每次阶段变化填一行，不要改旧行", "2026-03-02"),
    ("outing", "key"): ("编号（可不填）", "WC-001"),
    ("outing", "on"): ("外出日期", "2026-03-15"),
    ("outing", "unit"): ("外出单位，须是单位表中的名称", "东营区"),
    ("outing", "destination"): ("目的地城市或地区", "深圳"),
    ("outing", "people"): ("本批外出人数（人次）", "4"),
    ("outing", "firms_met"): ("拜访的企业，多个用；分隔", "岚港锂能科技股份有限公司；某某集团"),
    ("outing", "outcome"): ("对接成效", "达成投资意向"),
    ("introduction", "filed_at"): ("备案时间：2026-01-08 09:30 或 2026-01-08", "2026-01-08 09:30"),
    ("introduction", "introducer"): (
        "引荐人姓名或引荐单位名称（个人信息，输出时默认遮盖）",
        "王某某",
    ),
    ("introduction", "introducer_type"): ("引荐人类型：个人、企业、机构（默认个人）", "个人"),
    ("introduction", "investor"): ("被引荐的投资方企业全称", "岚港锂能科技股份有限公司"),
    ("introduction", "project"): ("所涉项目的编号或名称（可不填，按投资方匹配）", "GR-2026-001"),
    ("channel", "name"): (
        "大使、顾问的姓名（个人信息，输出时默认遮盖）或代理机构、办事处的名称",
        "岚港市驻北京招商办事处",
    ),
    ("channel", "channel_type"): (
        "渠道类型：招商大使、招商顾问、代理机构、驻外办事处",
        "驻外办事处",
    ),
    ("channel", "unit"): ("聘任、委托或派驻的单位，须是单位表中的名称", "临澜县"),
    ("channel", "regions"): ("负责联系的地区：行政区划名称或代码，多个用；分隔", "北京市；天津市"),
    ("channel", "firms"): ("负责联系的企业全称，多个用；分隔", "某某集团有限公司"),
    ("channel", "appointed_on"): ("聘任或设立日期", "2026-01-06"),
    ("mandate", "agency"): (
        "受托的代理机构，须是招商渠道表中类型为代理机构的名称",
        "上海衡策产业招商咨询有限公司",
    ),
    ("mandate", "unit"): ("委托单位，须是单位表中的名称", "岚港经济技术开发区"),
    ("mandate", "period_from"): ("委托期起始日期", "2026-01-01"),
    ("mandate", "period_to"): ("委托期截止日期；同一机构同一单位的委托期不能重叠", "2026-12-31"),
    ("mandate", "clusters"): ("委托的产业领域（产业集群），多个用；分隔；不填为不限", "高端装备"),
    ("mandate", "target_projects"): ("约定引进的签约项目数", "3"),
    ("mandate", "target_amount"): ("约定引进的签约金额，单位亿元", "20"),
    ("fair", "fair"): ("展会名称", "中国国际大数据产业博览会"),
    ("fair", "held_on"): ("展会日期（开幕日）", "2026-05-26"),
    ("fair", "place"): ("举办地", "贵阳"),
    ("fair", "exhibitors"): (
        "洽谈的参展企业全称，多个用；分隔，每家记一条线索",
        "某某科技股份有限公司",
    ),
    ("fair", "unit"): ("对接跟进的单位（可不填），须是单位表中的名称", "港城区"),
    ("fair", "outcome"): ("对接情况", "有投资意向，待回访"),
}
