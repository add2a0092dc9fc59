"""Firm name suggestions for the search box: names, short and former names, codes.

Built once per store revision from every Company node (listed or not) and kept in
memory by :class:`web.engine.Engine`; a lookup scans the keys (about 30 ms for 10^5
firms), which keeps substring matches (重工 → 三一重工) possible.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.schema import NodeKind
from graph.store import Store, scan_nodes
from resolve.normalise import clean_text


@dataclass(frozen=True)
class Suggestion:
    """One firm the typed text may mean.

    ``matched`` is the name, alias or code that matched when it is not ``name``.
    """

    id: str
    name: str
    matched: str
    codes: str
    region: str


class FirmNames:
    """Search keys of every firm of a store (see the module notes).

    Parameters
    ----------
    store : Store
        Read once, at construction.
    """

    def __init__(self, store: Store) -> None:
        self.keys: list[tuple[str, str, int]] = []  # (folded key, shown text, firm)
        self.firms: list[tuple[str, str, str, str]] = []  # (id, name, codes, region)
        for data in scan_nodes(store, [NodeKind.COMPANY]):
            at = len(self.firms)
            codes = data.get("stock_codes", [])
            self.firms.append(
                (data["id"], data["name"], " ".join(codes), data.get("region_code") or "")
            )
            shown = [data["name"], data.get("full_name") or "", *data.get("aliases", [])]
            shown += [*codes, *(c.split(".")[0] for c in codes), data.get("uscc") or ""]
            for text in dict.fromkeys(t for t in shown if t):
                self.keys.append((_fold(text), text, at))

    def search(self, text: str, limit: int = 10) -> list[Suggestion]:
        """Firms whose name, alias or code contains ``text``, best first.

        Parameters
        ----------
        text : str
            What the user typed (cleaned and case-folded here); empty gives nothing.
        limit : int >= 1

        Returns
        -------
        list of Suggestion
            At most ``limit`` firms, each once: exact matches first, then prefix, then
            substring matches; within each, shorter matched text first, then firm id.
        """
        query = _fold(text)
        if not query:
            return []
        best: dict[int, tuple[int, int, str, str]] = {}
        for key, shown, at in self.keys:
            if query not in key:
                continue
            grade = 0 if key == query else 1 if key.startswith(query) else 2
            rank = (grade, len(key), self.firms[at][0], shown)
            if at not in best or rank < best[at]:
                best[at] = rank
        chosen = sorted(best.items(), key=lambda item: item[1])[:limit]
        out = []
        for at, (_, _, _, shown) in chosen:
            fid, name, codes, region = self.firms[at]
            out.append(Suggestion(fid, name, "" if shown == name else shown, codes, region))
        return out


def _fold(text: str) -> str:
    return clean_text(text).casefold()
