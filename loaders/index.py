"""Company index: resolve stock codes and names to company ids during a load.

The foundation's resolution rules, in evidence order:

1. stock code (``NNNNNN.EX``; B-share codes mapped to their A-share firm are aliases);
2. full legal name, by :func:`loaders.normalise.name_key`, when exactly one firm has it;
3. short name or alias, by the same key, when exactly one firm has it.

Anything else does not resolve (ambiguous names return None, never a guess).
"""

from __future__ import annotations

from collections import defaultdict

from graph.ids import node_id
from graph.schema import Company, NodeKind
from graph.store import Store
from loaders.normalise import name_key


def company_id_for_code(code: str) -> str:
    """Return the id of a listed firm keyed by its (primary) stock code.

    Examples
    --------
    >>> company_id_for_code("600028.SH")
    'Company:600028'
    """
    return node_id(NodeKind.COMPANY, code.split(".")[0])


def company_id_for_name(name: str) -> str:
    """Return the id of a firm known only by name (unresolved names keep their node).

    Examples
    --------
    >>> company_id_for_name("中铝（集团）")
    'Company:name:中铝(集团)'
    """
    return node_id(NodeKind.COMPANY, "name", name_key(name))


class CompanyIndex:
    """Lookup tables from codes and name keys to company ids."""

    def __init__(self) -> None:
        self.by_code: dict[str, str] = {}
        self.by_full: dict[str, set[str]] = defaultdict(set)
        self.by_alias: dict[str, set[str]] = defaultdict(set)

    @classmethod
    def from_store(cls, store: Store) -> CompanyIndex:
        """Build the index from every Company already in ``store``."""
        index = cls()
        for data in store.raw_nodes():
            if data["kind"] == NodeKind.COMPANY.value:
                index.add(Company.model_validate({k: v for k, v in data.items()}))
        return index

    def add(self, company: Company) -> None:
        """Index a company's codes, full name, display name and aliases."""
        for code in company.stock_codes:
            self.by_code.setdefault(code, company.id)
        if company.full_name:
            self.by_full[name_key(company.full_name)].add(company.id)
        for alias in (company.name, *company.aliases):
            key = name_key(alias)
            if key and (not company.full_name or key != name_key(company.full_name)):
                self.by_alias[key].add(company.id)

    def resolve_code(self, code: str) -> str | None:
        """Return the id of the firm with this normalised stock code, or None."""
        return self.by_code.get(code)

    def candidates(self, name: str) -> set[str]:
        """Return every company id whose full name or alias has the key of ``name``."""
        key = name_key(name)
        return self.by_full.get(key, set()) | self.by_alias.get(key, set())

    def resolve_name(self, name: str) -> str | None:
        """Return the one firm named ``name`` (full name first, then aliases), or None.

        None when nothing matches or when the name is ambiguous at the first level that
        matches at all.
        """
        key = name_key(name)
        if not key:
            return None
        full = self.by_full.get(key, set())
        if full:
            return next(iter(full)) if len(full) == 1 else None
        alias = self.by_alias.get(key, set())
        return next(iter(alias)) if len(alias) == 1 else None
