"""Where a firm is registered, as a GB/T 2260 code: province, city or county.

Codes are prefixes, as everywhere in the graph: ``37`` 山东省, ``3707`` 潍坊市,
``370523`` 广饶县, so that ``region_code.startswith(home)`` tells whether a firm is in a
home region given at any level. The tables shipped in ``resolve/data`` (provinces and
cities ``regions.csv``, county-level divisions from ``divisions.csv``, both generated
from the NBS 2023 division codes by ``scripts/make_name_data.py``) are the only source
of names.

:func:`locate` reads a registered address (注册地址) the way it is written — 省, then
市, then 区/县/县级市 — with the province and city columns of a listing when a source has
them (the SZSE list's 省份, 城市). A county counts only where the address names it
right after its city (or right after the province, or at the start, when no city is
written): 广饶县 in "山东省东营市广饶县大王镇" is a county, a street called 城区路 is not.
Development zones coded by the NBS (东营经济技术开发区 370571) count like counties; a
zone without such a code (潍坊高新技术产业开发区) leaves the firm at city level.
:func:`region_of_name` reads the region a legal name starts with (青岛啤酒股份有限公司 →
3702).
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

from resolve.names import parse_name

#: Longest province or city name (新疆维吾尔自治区 and the like), in characters.
_LONGEST = 16


@dataclass(frozen=True)
class Place:
    """A located region.

    Attributes
    ----------
    code : str
        GB/T 2260 prefix: 2 (province), 4 (city) or 6 (county) digits.
    name : str
        Official name of that division (山东省, 潍坊市, 广饶县).
    how : str
        What placed it, in Chinese (``注册地址``, ``城市``, ``省份``, ``企业名称``).
    """

    code: str
    name: str
    how: str


@dataclass(frozen=True)
class _Tables:
    provinces: dict[str, str]  # name or short → code
    cities: dict[str, str]  # city name (潍坊市) or short (潍坊) → code; first wins
    names: dict[str, str]  # code → official name
    counties: dict[str, list[tuple[str, str]]]  # 2- and 4-digit prefix → (name, code)


@functools.cache
def _tables() -> _Tables:
    data = resources.files("resolve").joinpath("data")
    provinces: dict[str, str] = {}
    cities: dict[str, str] = {}
    names: dict[str, str] = {}
    for row in csv.DictReader(data.joinpath("regions.csv").read_text("utf-8").splitlines()):
        code, name, short = row["code"], row["name"], row["short"]
        names[code] = name
        target = provinces if len(code) == 2 else cities
        for spelling in (name, short):
            if spelling:
                target.setdefault(spelling, code)
    counties: dict[str, list[tuple[str, str]]] = {}
    for row in csv.DictReader(data.joinpath("divisions.csv").read_text("utf-8").splitlines()):
        code, name = row["code"], row["name"]
        if len(code) != 6:  # provinces and cities come from regions.csv
            continue
        names[code] = name
        for prefix in (code[:2], code[:4]):
            counties.setdefault(prefix, []).append((name, code))
    for found in counties.values():
        found.sort(key=lambda nc: (-len(nc[0]), nc[1]))  # longest name first
    return _Tables(provinces, cities, names, counties)


def region_name(code: str) -> str | None:
    """Official name of a province, city or county code (``3705`` → 东营市), or None."""
    return _tables().names.get(code)


def _province(text: str) -> str | None:
    return _tables().provinces.get(text.strip()) if text else None


def _city(text: str, province: str | None) -> str | None:
    code = _tables().cities.get(text.strip()) if text else None
    if code is None or (province is not None and not code.startswith(province)):
        return None
    return code


def _leading(address: str, spellings: dict[str, str], within: str | None) -> tuple[str, int]:
    """The region an address starts with (longest spelling first) and its length."""
    for size in range(min(len(address), _LONGEST), 1, -1):
        code = spellings.get(address[:size])
        if code is not None and (within is None or code.startswith(within)):
            return code, size
    return "", 0


def _county_at(address: str, at: int, prefix: str) -> str | None:
    """The county whose name (or, for a zone, its name less the city) starts at ``at``."""
    rest = address[at:]
    tables = _tables()
    for name, code in tables.counties.get(prefix, []):
        city = tables.names.get(code[:4], "")
        short_city = city[:-1] if city.endswith("市") else city
        spellings = [name]
        if name.endswith("开发区") and short_city and name.startswith(short_city):
            spellings.append(name[len(short_city) :])  # 潍坊滨海经济技术开发区 → 滨海…
        if any(rest.startswith(s) and len(s) >= 2 for s in spellings):
            return code
    for name, code in tables.counties.get(prefix, []):
        # a former or short form: 即墨市 (即墨区 since 2017), 新沂经济开发区 (新沂市)
        short = name[:-1] if name[-1] in "区县市旗" else ""
        if len(short) >= 2 and rest.startswith(short):
            return code
    return None


def locate(province: str = "", city: str = "", address: str = "") -> Place | None:
    """Locate a registered firm from its province, city and registered address.

    Parameters
    ----------
    province, city : str
        As a listing writes them (山东 / 山东省, 潍坊市); either may be empty.
    address : str
        The registered address (注册地址) as written.

    Returns
    -------
    Place or None
        The most specific division found, None when nothing is recognised. A city or
        province column that disagrees with the address keeps the column's value
        (the listing is the registry's own).

    Examples
    --------
    >>> locate("山东", "东营市", "山东省东营市广饶县大王镇经济开发区").code
    '370523'
    >>> locate("山东", "潍坊市", "山东省潍坊市高新技术产业开发区福寿东街197号甲").code
    '3707'
    >>> locate(address="北京市海淀区中关村大街1号").code
    '110108'
    >>> locate(address="山东省寿光市文圣街").code
    '370783'
    >>> locate("山东", "", "").code, locate("火星", "", "") is None
    ('37', True)
    """
    tables = _tables()
    address = "".join(address.split())
    prov = _province(province)
    at = 0
    lead, length = _leading(address, tables.provinces, None)
    if lead and (prov is None or lead == prov):
        prov, at = lead, length
    cty = _city(city, prov)
    how = "城市" if cty else ("省份" if prov else "")
    lead, length = _leading(address[at:], tables.cities, prov)
    if lead and (cty is None or lead == cty):
        cty, at, how = lead, at + length, "注册地址"
    prov = prov or (cty[:2] if cty else None)
    if prov is None:
        return None
    county = _county_at(address, at, cty or prov)
    if county is not None:
        return Place(county, tables.names[county], "注册地址")
    code = cty or prov
    return Place(code, tables.names.get(code, code), how)


def region_of_name(name: str) -> Place | None:
    """The region a legal name starts with, or None.

    Read like an address (山东能源集团有限公司 → 37, 烟台园城黄金股份有限公司 → 3706,
    青岛港国际股份有限公司 → 3702), else the region qualifier
    :func:`resolve.names.parse_name` finds (中铁（深圳）… → 4403). Used to place a firm
    no source places: a registered name carries its registering region.

    Examples
    --------
    >>> region_of_name("山东能源集团有限公司").code, region_of_name("烟台园城黄金股份有限公司").code
    ('37', '3706')
    >>> region_of_name("海尔集团公司") is None
    True
    """
    place = locate(address=name)
    if place is not None:
        return Place(place.code, place.name, "企业名称")
    region = parse_name(name).region
    if region is None or not region.code.isdigit():
        return None
    return Place(region.code, region_name(region.code) or region.name, "企业名称")
