"""Size limits of the table readers: what a careless or hostile file may not exceed.

Every limit has a default fit for the largest real office table (an Excel sheet holds
at most 1,048,576 rows and 32,767 characters per cell), an environment variable, and
a ``--limit NAME=VALUE`` option of ``zhaoshang load table|dir|folder``. A file past
a limit is refused (or, past the row and cell limits, read no further) with a
one-line Chinese message naming the file, the limit and how to raise it.

=============  ==========================  ===========  ==================================
name           environment variable        default      what
=============  ==========================  ===========  ==================================
rows           ZHAOSHANG_MAX_ROWS          2,000,000    rows of one file (all sheets)
cells          ZHAOSHANG_MAX_CELLS         50,000,000   cells of one file, blank ones, the
                                                        padding of short rows and the
                                                        cells of merged ranges included
cell_chars     ZHAOSHANG_MAX_CELL_CHARS    32,767       characters of one cell
span           ZHAOSHANG_MAX_SPAN          100,000      cells one merged range (or HTML
                                                        ``rowspan`` × ``colspan``) covers
zip_ratio      ZHAOSHANG_MAX_ZIP_RATIO     200          uncompressed ÷ compressed size of
                                                        one part of an XLSX (parts over
                                                        1 MiB)
unzipped_mb    ZHAOSHANG_MAX_UNZIPPED_MB   2,048        uncompressed size of an XLSX, MiB
json_mb        ZHAOSHANG_MAX_JSON_MB       256          one JSON value (a whole JSON file
                                                        that is not an array, or one item)
=============  ==========================  ===========  ==================================
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace

from graph.errors import LoadError

#: name → (environment variable, Chinese description of what is counted).
NAMES: dict[str, tuple[str, str]] = {
    "rows": ("ZHAOSHANG_MAX_ROWS", "行数"),
    "cells": ("ZHAOSHANG_MAX_CELLS", "单元格数"),
    "cell_chars": ("ZHAOSHANG_MAX_CELL_CHARS", "单元格字符数"),
    "span": ("ZHAOSHANG_MAX_SPAN", "合并单元格（跨行×跨列）大小"),
    "zip_ratio": ("ZHAOSHANG_MAX_ZIP_RATIO", "解压膨胀倍数"),
    "unzipped_mb": ("ZHAOSHANG_MAX_UNZIPPED_MB", "解压后大小（MB）"),
    "json_mb": ("ZHAOSHANG_MAX_JSON_MB", "单个 JSON 值大小（MB）"),
}


class LimitError(LoadError):
    """A file exceeds one of the :class:`Limits`; the message says which and how to raise it."""


@dataclass(frozen=True)
class Limits:
    """Limits on one file read by :mod:`loaders.office.readers` (see the module table).

    Attributes
    ----------
    rows, cells, cell_chars, span, zip_ratio, unzipped_mb, json_mb : int >= 1
    """

    rows: int = 2_000_000
    cells: int = 50_000_000
    cell_chars: int = 32_767
    span: int = 100_000
    zip_ratio: int = 200
    unzipped_mb: int = 2_048
    json_mb: int = 256

    @classmethod
    def load(cls, options: Iterable[str] = (), environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, then the environment variables, then ``NAME=VALUE`` options.

        Raises
        ------
        LoadError
            For an unknown name or a value that is not a whole number >= 1.

        Examples
        --------
        >>> Limits.load(["rows=5000000"], environ={"ZHAOSHANG_MAX_SPAN": "500"}).span
        500
        """
        env = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for name, (var, _) in NAMES.items():
            if env.get(var, "").strip():
                values[name] = _positive(env[var], var)
        for option in options:
            name, sep, value = option.partition("=")
            name = name.strip().replace("-", "_")
            if not sep or name not in NAMES:
                known = ", ".join(NAMES)
                raise LoadError(f"无法识别的限制 {option!r}：请写成 名称=数值，名称为 {known} 之一")
            values[name] = _positive(value, f"--limit {name}")
        return replace(cls(), **values)

    def exceeded(self, file: str, name: str, found: str, where: str = "") -> LimitError:
        """The error for ``file`` going past limit ``name`` (``found``: what was seen)."""
        var, what = NAMES[name]
        at = f"（{where}）" if where else ""
        return LimitError(
            f"{file}：{what}超过上限 {getattr(self, name):,}{at}：{found}；"
            f"确认文件无误后可用 --limit {name}=新上限 或环境变量 {var} 放宽"
        )


def _positive(text: str, what: str) -> int:
    try:
        value = int(text.strip().replace(",", "").replace("_", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise LoadError(f"{what} 的值 {text!r} 不是大于 0 的整数")
    return value


#: Field names, in the order of the module table.
LIMIT_NAMES = tuple(f.name for f in fields(Limits))
