"""Exact lookup of stored firms by any name they are known by, and by their codes.

:class:`~resolve.index.CompanyIndex` resolves *mentions* during a load and, by design,
indexes names only for firms with an identifier (so a load does not depend on what an
earlier load created). A user, or an office's relation sheet, naming a firm that is in
the graph must find it all the same, whatever source created it: a name-only firm from
the news (华为), an office roster row without a code, a former name (曾用名), the
current or a former short name. :class:`NameTable` holds every stored Company under
each spelling (:func:`~resolve.index.spelling_key`: width, brackets, case, whitespace
and script folded) of its display name, legal name, short name and aliases, and under
its codes (stock codes with and without the exchange, USCC, LEI).

An exact spelling held by one firm names it; held by several it names none (the
caller lists them). Nothing here guesses: fuzzy suggestions stay with the caller.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from graph.schema import NodeKind
from graph.store import Store
from resolve.codes import normalise_uscc
from resolve.index import company_id_for_name, spelling_key
from resolve.normalise import clean_text, stock_code

_NAME_FIELDS = ("name", "full_name", "short_name", "current_name")


class NameTable:
    """Stored firms by spelling and code.

    Attributes
    ----------
    by_spelling : dict of str to set of str
        :func:`spelling_key` of every name a firm is known by → firm ids.
    by_code : dict of str to set of str
        Stock code (``600031.SH`` and ``600031``), USCC and LEI → firm ids.
    ids : set of str
        Every stored Company id.
    """

    def __init__(self) -> None:
        self.by_spelling: dict[str, set[str]] = defaultdict(set)
        self.by_code: dict[str, set[str]] = defaultdict(set)
        self.ids: set[str] = set()

    @classmethod
    def from_store(cls, store: Store) -> NameTable:
        """Build the table from every Company of ``store`` (one pass over the nodes)."""
        return cls.from_records(store.raw_nodes())

    @classmethod
    def from_records(cls, records: Iterable[dict[str, Any]]) -> NameTable:
        """Build the table from stored node dicts (other kinds are skipped)."""
        table = cls()
        for record in records:
            if record.get("kind") == NodeKind.COMPANY.value:
                table.add(record)
        return table

    def add(self, record: dict[str, Any]) -> None:
        """Index one stored Company dict under its names and codes."""
        cid = str(record["id"])
        self.ids.add(cid)
        names = [record.get(f) for f in _NAME_FIELDS] + list(record.get("aliases", []))
        for name in names:
            if name:
                self.by_spelling[spelling_key(str(name))].add(cid)
        for code in record.get("stock_codes", []):
            self.by_code[code].add(cid)
            self.by_code[code.split(".")[0]].add(cid)
        for key in ("uscc", "lei"):
            if record.get(key):
                self.by_code[str(record[key])].add(cid)

    def find(self, text: str) -> list[str]:
        """Firm ids known exactly by ``text`` (a name, short name, former name or code).

        Codes first (a stock code with or without exchange, a USCC or an LEI); then the
        spelling; then the id a firm known only by this name has
        (:func:`~resolve.index.company_id_for_name`: legal forms and 天貓/天猫 folded).

        Returns
        -------
        list of str
            Sorted; empty when no firm has this name or code, several when several do.

        Examples
        --------
        >>> t = NameTable.from_records([
        ...     {"kind": "Company", "id": "Company:name:华为", "name": "华为"},
        ...     {"kind": "Company", "id": "Company:600817", "name": "宇通重工",
        ...      "aliases": ["郑州德恒宏盛科技发展股份有限公司", "ST宏盛"],
        ...      "stock_codes": ["600817.SH"]},
        ... ])
        >>> t.find("华为"), t.find("ST宏盛"), t.find("600817"), t.find("600817.SH")
        (['Company:name:华为'], ['Company:600817'], ['Company:600817'], ['Company:600817'])
        >>> t.find("华为技术")
        []
        """
        text = clean_text(text)
        if not text:
            return []
        code = stock_code(text) if text.replace(".", "").isalnum() else None
        for key in (code, normalise_uscc(text), text):
            if key and key in self.by_code:
                return sorted(self.by_code[key])
        found = self.by_spelling.get(spelling_key(text))
        if found:
            return sorted(found)
        own = company_id_for_name(text)
        return [own] if own in self.ids else []
