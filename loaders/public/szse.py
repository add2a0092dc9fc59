"""Loader for szse-2025: the Shenzhen Stock Exchange's own "A股列表" export.

Source: ``szse-2025/A股列表.xlsx`` (downloaded from the exchange, 2025-08-12; 2,870 firms
of the 主板 and 创业板, no SSE/BSE firms). The file is read exactly as an office would
load the download: through the office-table reader (:func:`loaders.office.table_loader.load_table`,
kind ``company``), whose built-in headers know 公司全称, 注册地址, A股代码,
A股简称, A股上市日期, B股代码, B股简称, 省份 and 城市. Firms resolve by stock code to
the listed firms already loaded; their 2025 legal name, short name, registered address
and region (county from the address where it names one, else city:
:func:`resolve.places.locate`) are newer than the older datasets' (the file's revision
stamp wins merges) and so replace them.
"""

from __future__ import annotations

from pathlib import Path

from graph.store import Store
from loaders.office.table_loader import load_table
from loaders.report import Issue, LoadReport
from resolve.index import CompanyIndex

DATASET = "szse-2025"
FILE = "A股列表.xlsx"
#: The date the list describes (the file's last listing date).
AS_OF = "2025-08-12"


def load(data_dir: Path, store: Store, index: CompanyIndex) -> LoadReport:
    """Load the SZSE A-share list through the office-table reader.

    Parameters
    ----------
    data_dir : Path
        The ``szse-2025`` folder.
    store, index
        Target store and the company index (the list's firms are added to it).

    Returns
    -------
    LoadReport
        The office-table report (``unknown_column`` warnings name the columns kept
        for reading only: 板块, 股本, 地区 …); ``missing_file`` (error) when the
        workbook is absent.
    """
    path = data_dir / FILE
    if not path.is_file():
        report = LoadReport(dataset=DATASET)
        report.add(Issue(FILE, 0, "", "missing_file", f"找不到 {path}"))
        return report
    return load_table(path, store, index, kind="company", dataset=DATASET)
