"""Name linking and batched writes shared by the ickg25, finre and rankings loaders.

A firm named in a news triple or a ranking row is linked to a firm the
:class:`~resolve.index.CompanyIndex` already knows when :meth:`CompanyIndex.resolve`
finds exactly one (its rules: reviewer judgement, codes, legal name, short name). A name
that does not resolve (unknown or ambiguous) keeps a Company node of its own,
``company_id_for_name(name)``, so nothing is dropped; later loads can still link to it
through the index. A branch (分公司) keeps its own node too, with BRANCH_OF to its parent
when the parent resolves. Every resolution is recorded in ``index.decisions``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from graph.ids import new_relation
from graph.schema import Company, Relation, RelKind, Source
from graph.store import Store
from loaders.public.as_of import AS_OF
from loaders.public.batching import write_nodes, write_relations
from loaders.report import LoadReport
from resolve.index import CompanyIndex, company_id_for_name


@dataclass
class _Pending:
    """A Company node being collected for a name that did not resolve."""

    spellings: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


class NameLinker:
    """Resolve firm names to company ids during one load, collecting unresolved firms.

    Parameters
    ----------
    store : Store
        The target store; a resolved id must name a stored node, else the name is
        treated as unresolved (the index and the store disagree) and counted in
        :attr:`stale`.
    index : CompanyIndex
        Firms known so far; resolutions are recorded in its ``decisions``.
    dataset : str
        Dataset the names come from (recorded with each decision).

    Notes
    -----
    Each distinct spelling is resolved once (a dict lookup afterwards). A new node's
    display name is the first spelling seen, later spellings with the same id
    (:func:`~resolve.ids.company_id_for_name`: 天猫 and 天貓) become aliases, and its
    sources are the places where each spelling was first seen, so the node is the same on
    every load of the same files.
    """

    def __init__(self, store: Store, index: CompanyIndex, dataset: str) -> None:
        self.store = store
        self.index = index
        self.dataset = dataset
        self._branches: dict[str, Relation] = {}
        self._ids: dict[str, str] = {}
        self._exists: dict[str, bool] = {}
        self._pending: dict[str, _Pending] = {}
        self._spelling: dict[str, str] = {}
        self._spelled_at = -1
        #: Spellings linked to a firm already in the store.
        self.linked: set[str] = set()
        #: Spellings the index resolved to an id missing from the store.
        self.stale: set[str] = set()

    def link(self, name: str, source: Source) -> str:
        """Return the company id of ``name``; an unresolved name gets its own node.

        Parameters
        ----------
        name : str
            The firm name as written in the source (non-empty after stripping).
        source : Source
            Where the name was seen; kept on a new node when the spelling is new.

        Returns
        -------
        str
            The id of the resolved firm, or ``company_id_for_name(name)``.

        Examples
        --------
        >>> from graph.sqlite_store import SqliteStore
        >>> linker = NameLinker(SqliteStore(None), CompanyIndex(), "finre")
        >>> linker.link("中铝（集团）", Source(dataset="finre", file="train.txt", row=5))
        'Company:name:中铝(集团)'
        >>> [c.name for c in linker.new_companies()]
        ['中铝（集团）']
        """
        known = self._ids.get(name)
        if known is not None:
            return known
        match = self.index.resolve(name, dataset=self.dataset, source=source)
        found = match.firm
        if found is not None and not self._in_store(found):
            self.stale.add(name)
            found = None
        if found is not None:
            self.linked.add(name)
            self._ids[name] = found
            return found
        cid = company_id_for_name(name)
        pending = self._pending.setdefault(cid, _Pending())
        pending.spellings.append(name)
        if source not in pending.sources:
            pending.sources.append(source)
        self._ids[name] = cid
        if match.parent is not None and self._in_store(match.parent):
            as_of = AS_OF.get(self.dataset)  # the branch's name tells it, as of the data
            rel = new_relation(RelKind.BRANCH_OF, cid, match.parent, [source], as_of=as_of)
            self._branches.setdefault(rel.id, rel)
        return cid

    def spelled(self, node_id: str) -> str:
        """The first spelling this load linked to ``node_id`` (the id itself if none)."""
        if self._spelled_at != len(self._ids):  # rebuilt after new links
            self._spelling, self._spelled_at = {}, len(self._ids)
            for name, cid in self._ids.items():
                self._spelling.setdefault(cid, name)
        return self._spelling.get(node_id, node_id)

    def _in_store(self, node_id: str) -> bool:
        hit = self._exists.get(node_id)
        if hit is None:
            hit = self._exists[node_id] = self.store.get_node(node_id) is not None
        return hit

    def new_companies(self) -> list[Company]:
        """Return the Company nodes of unresolved names, in id order."""
        return [
            Company(id=cid, name=p.spellings[0], aliases=p.spellings[1:], sources=p.sources)
            for cid, p in sorted(self._pending.items())
        ]

    def branch_relations(self) -> list[Relation]:
        """Return BRANCH_OF relations (branch → parent) of the branches met, in id order."""
        return [self._branches[rid] for rid in sorted(self._branches)]


def write(
    store: Store,
    index: CompanyIndex,
    report: LoadReport,
    companies: Sequence[Company],
    relations: Sequence[Relation],
    known: Sequence[Company] = (),
) -> None:
    """Upsert nodes first, then relations, in batches; index the new companies.

    Parameters
    ----------
    store, index
        Target store and the index to keep in step with it.
    report : LoadReport
        ``nodes_written`` and ``relations_written`` grow by the records sent.
    companies : sequence of Company
        New firms: upserted, then added to ``index``.
    relations : sequence of Relation
        Relations whose endpoints are stored or among ``companies``.
    known : sequence of Company
        Updates of firms already stored and indexed (e.g. a ranking on a listed
        firm).

    Raises
    ------
    SchemaError
        From the store, when a relation endpoint is missing (a loader bug, not a data
        problem: every endpoint comes from :class:`NameLinker`).
    """
    write_nodes(store, index, report, [*companies, *known])
    write_relations(store, report, relations)
