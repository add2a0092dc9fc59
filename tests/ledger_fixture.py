"""A 招商 ledger shaped like the city's speech (issue 14), as office CSV tables.

Targets (亿元, city-set / self-set): 广饶县 72 / 80 (8 above), 东营区 60 / 73 (13 above),
垦利区 42 / 75 (33 above), 东营经济开发区 150 / 160, 东营港开发区 200 / 220.
Signed from 2026-01-01 to 2026-05-31, in mixed units:

- 东营经济开发区: 14 projects, 1.2亿 + 5000万元 + 3亿元 + 15 + 10 + 8 + 12.3亿 + 6 + 7亿元
  + 9.5 + 4.5亿 + 11 + 5.2 + 10.8 = 104 亿元 (bare numbers in 万元); one more signed in
  2025-12 (outside the period), one 在谈;
- 东营港开发区: 12 projects, 11 × 17亿 + 160000 万元 = 203 亿元;
- 广饶县: 20亿 + 15.5亿 + 5000万元 = 36 亿元, two 在谈 (one of them went 线索 → 在谈);
- 东营区: 18亿 + 6.6亿 = 24.6 亿元, one 在谈;
- 垦利区: one project, 10亿 signed 2026-03-10 and started (开工) 2026-05-02.

Bad rows, each a report line, none counted: a project of 利津县 (no such unit), GR-01
going back from 签约 to 在谈, an amount 约两三亿 that does not parse.
"""

from __future__ import annotations

import csv
from pathlib import Path

UNITS = [
    ["单位名称", "单位类型", "行政区划代码", "年度", "任务目标（亿元）", "自定目标（亿元）"],
    ["广饶县", "县区", "370523", "2026", "72", "80"],
    ["东营区", "县区", "370502", "2026", "60", "73"],
    ["垦利区", "县区", "370505", "2026", "42", "75"],
    ["东营经济开发区", "开发区", "", "2026", "150", "160"],
    ["东营港开发区", "开发区", "", "2026", "200", "220"],
]

PROJECT_HEADER = [
    "项目编号", "项目名称", "投资方", "责任单位", "产业集群", "签约金额（万元）",
    "实际投资额（万元）", "项目阶段", "阶段日期",
]  # fmt: skip

_KFQ = ["1.2亿", "5000万元", "3亿元", "150000", "100000", "80000", "12.3亿", "60000", "7亿元",
        "95000", "4.5亿", "110000", "52000", "108000"]  # fmt: skip


def project_rows() -> list[list[str]]:
    """The project table's rows (header first); row numbers as a spreadsheet shows them
    are the list index + 1."""
    rows = [PROJECT_HEADER]
    rows += [
        ["GR-01", "高端轴承项目", "", "广饶县", "高端装备", "20亿", "", "在谈", "2026-01-15"],
        ["GR-01", "高端轴承项目", "", "广饶县", "高端装备", "20亿", "", "签约", "2026-02-10"],
        ["GR-02", "轮胎智能工厂项目", "", "广饶县", "高端装备", "15.5亿", "", "签约", "2026-04-20"],
        ["GR-03", "橡胶助剂项目", "", "广饶县", "绿色化工", "5000万元", "", "签约", "2026-05-31"],
        ["GR-04", "新材料中试基地", "", "广饶县", "新能源新材料", "", "", "线索", "2026-02-01"],
        ["GR-04", "新材料中试基地", "", "广饶县", "新能源新材料", "", "", "洽谈", "2026-03-01"],
        ["GR-05", "数据中心项目", "", "广饶县", "新一代信息技术", "8亿", "", "在谈", "2026-05-05"],
        ["DY-01", "生物医药产业园", "", "东营区", "医养健康", "18亿", "", "签约", "2026-01-20"],
        ["DY-02", "智能装备项目", "", "东营区", "高端装备", "6.6亿", "", "签约", "2026-03-18"],
        ["DY-03", "储能电站项目", "", "东营区", "新能源新材料", "", "", "在谈", "2026-04-02"],
        ["KL-01", "石化装备项目", "", "垦利区", "高端装备", "10亿", "80000", "签约", "2026-03-10"],
        ["KL-01", "石化装备项目", "", "垦利区", "高端装备", "10亿", "80000", "开工", "2026-05-02"],
    ]
    for i, amount in enumerate(_KFQ, start=1):
        on = f"2026-{1 + i % 5:02d}-{10 + i:02d}"
        rows.append([f"KFQ-{i:02d}", f"开发区项目{i}", "", "东营经济开发区", "高端装备",
                     amount, "", "签约", on])  # fmt: skip
    rows.append(["KFQ-15", "跨年签约项目", "", "东营经济开发区", "高端装备", "9亿", "",
                 "签约", "2025-12-28"])  # fmt: skip
    rows.append(["KFQ-16", "在谈项目", "", "东营经济开发区", "绿色化工", "3亿", "", "在谈",
                 "2026-02-14"])  # fmt: skip
    for i in range(1, 13):
        amount = "160000" if i == 12 else "17亿"
        rows.append([f"GK-{i:02d}", f"港区项目{i}", "", "东营港开发区", "绿色化工", amount, "",
                     "签约", f"2026-{1 + i % 5:02d}-0{1 + i % 9}"])  # fmt: skip
    # bad rows: each one report line, none counted
    rows.append(["LJ-01", "利津项目", "", "利津县", "高端装备", "20亿", "", "签约", "2026-02-02"])
    rows.append(["GR-01", "高端轴承项目", "", "广饶县", "高端装备", "20亿", "", "在谈",
                 "2026-04-01"])  # fmt: skip
    rows.append(["DY-04", "海洋装备项目", "", "东营区", "高端装备", "约两三亿", "", "签约",
                 "2026-02-02"])  # fmt: skip
    return rows


#: Spreadsheet row numbers of the bad rows above (header = row 1).
BAD_ROWS = {"unknown_unit": 42, "stage_backwards": 43, "bad_amount": 44}


def write(folder: Path) -> Path:
    """Write the unit and project tables into ``folder`` (created); return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("招商单位与目标.csv", UNITS), ("招商项目.csv", project_rows())):
        with (folder / name).open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    return folder
