"""The date each public dataset describes: the ``as_of`` of its undated ties.

A tie read from a dataset that gives no date for it (a 2018 board seat, a 2025
controller, an undated 2008–2017 news sentence) is stamped with the dataset's as-of
date, the latest day the data can describe, so that every tie has a date: the tie
model ages it (``queries/ties.toml``) and the hop sentence says when it held
("2018 年时任 …"). Office tables stamp their undated relations with the file's revision
date instead (:func:`loaders.office.relations.make_relation`).

=================  ==========  ======================================================
dataset            as of       why
=================  ==========  ======================================================
executives-2018    2018-12-31  rosters scraped in 2018 (the repository's data of 2018)
a-share-2025       2025-11-28  the Tushare export's commit date
szse-2025          2025-08-12  the exchange's export date (last listing in the file)
finre              2017-12-31  Sina Finance sentences of 2008–2017, undated
ickg25             2025-09-02  its last news day (time2id.txt), for a 分公司 it names
chain-kg           2021-12-31  the 2021 industrial-chain graph
=================  ==========  ======================================================
"""

from __future__ import annotations

import datetime as dt

AS_OF: dict[str, dt.date] = {
    "executives-2018": dt.date(2018, 12, 31),
    "a-share-2025": dt.date(2025, 11, 28),
    "szse-2025": dt.date(2025, 8, 12),
    "finre": dt.date(2017, 12, 31),
    "ickg25": dt.date(2025, 9, 2),
    "chain-kg": dt.date(2021, 12, 31),
}
