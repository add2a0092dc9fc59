"""Company index: entity resolution of firm mentions during a load.

A mention (a name, maybe with codes) resolves to a known firm in evidence order:

1. a reviewer's judgement (是 links, 否 forbids that pair) — see :mod:`resolve.decisions`;
2. 统一社会信用代码 (USCC, GB 32100), then LEI (ISO 17442);
3. stock code (``NNNNNN.EX``; the A, B and H codes of one firm name one node);
4. full legal name: same :attr:`~resolve.names.NameParts.key` with no conflicting region
   or legal form (:meth:`~resolve.names.NameParts.conflicts`);
5. short name (简称) or English alias, same rule — only for mentions that state no
   legal form (a registered name is matched against registered names only).

A name never overrules an identifier: a firm with another USCC, LEI or stock codes
than the mention's is not a candidate. Names are indexed only for firms with an
identifier (registries); a firm known only by name is reached by its id.

Precision first: a level that finds several firms stops the search and returns them all
(:attr:`Verdict.AMBIGUOUS`) — "Sinopec" or 东风汽车 never pick one. A group (集团) and
its listed subsidiary have different keys; a branch (分公司) resolves to a node of its own
with its parent attached. Fuzzy candidates (RapidFuzz) are proposed for review only
(:meth:`CompanyIndex.fuzzy_candidates`); they never link on their own.

Every resolution is kept in :attr:`CompanyIndex.decisions` so that a load can be
explained and reviewed (``zhaoshang resolve``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from graph.ids import node_id
from graph.schema import Company, NodeKind, Source
from graph.store import Store
from resolve.ids import company_id_for_code, company_id_for_name, spelling_key
from resolve.match import Conflict, Decision, Match, Verdict
from resolve.names import NameParts, is_subsequence, parse_name
from resolve.spill import Decisions, SpillDb, SpillMap, parts_blob, parts_of

__all__ = [
    "CompanyIndex",
    "Conflict",
    "Decision",
    "Match",
    "Verdict",
    "company_id_for_code",
    "company_id_for_name",
    "spelling_key",
]

#: The rules as the log's evidence names them (the ``rule`` field keeps the code).
_RULE_ZH = {"uscc": "统一社会信用代码", "lei": "LEI", "full_name": "全称", "alias": "简称"}


@dataclass
class _Entry:
    parts: NameParts
    ids: set[str] = field(default_factory=set)


class CompanyIndex:
    """Lookup tables from codes and name keys to company ids, and the resolver.

    Attributes
    ----------
    decisions : Decisions
        ``(dataset, mention) → Decision`` of every :meth:`resolve` call that named a
        dataset, in first-seen order (a mapping; beyond 2·10^4 entries kept on disk,
        :mod:`resolve.spill`).
    conflicts : list of Conflict
        Contradictions met while indexing (see :class:`Conflict`).
    judgements : dict
        ``(mention key, firm id) → True (是) / False (否)`` from reviewers; set by
        :meth:`judge` (see :mod:`resolve.decisions`).
    """

    def __init__(self) -> None:
        self._spill_db = SpillDb()
        self.by_code: dict[str, str] = {}
        self.by_uscc: SpillMap[str] = SpillMap(self._spill_db, str.encode, bytes.decode)
        self.by_lei: dict[str, str] = {}
        # The maps that grow with every firm hold 2·10^4 entries as objects and the rest
        # in a private temporary database (resolve.spill): a table of 10^6 firms loads
        # in bounded memory.
        self.by_full: SpillMap[dict[str, NameParts]] = SpillMap(
            self._spill_db, parts_blob, parts_of, default=dict
        )
        self.by_alias: SpillMap[dict[str, NameParts]] = SpillMap(
            self._spill_db, parts_blob, parts_of, default=dict
        )
        self.names: SpillMap[str] = SpillMap(self._spill_db, str.encode, bytes.decode)
        self.decisions = Decisions()
        self.conflicts: list[Conflict] = []
        self.judgements: dict[tuple[str, str], bool] = {}
        self._judged: dict[str, dict[str, bool]] = {}  # mention key → firm → 是/否
        self._conflicted: set[Conflict] = set()
        self._codes_of: dict[str, set[str]] = defaultdict(set)
        self._uscc_of: SpillMap[str] = SpillMap(self._spill_db, str.encode, bytes.decode)
        self._lei_of: dict[str, str] = {}
        self._choice_keys: list[str] = []
        self._choice_ids: list[list[str]] = []

    @classmethod
    def from_store(cls, store: Store) -> CompanyIndex:
        """Build the index from every Company already in ``store``."""
        index = cls()
        for data in store.raw_nodes():
            if data["kind"] == NodeKind.COMPANY.value:
                index.add(Company.model_validate(data))
        return index

    # -- indexing --------------------------------------------------------------------
    def add(self, company: Company) -> None:
        """Index a company's codes, legal name, display name and aliases.

        Names are indexed only for firms with an identifier (stock code, USCC or LEI):
        those come from registries and are the same on every load. A firm known only by
        a name (a news mention, a controller, a ranking entry) is reached through its
        deterministic id instead, so that resolution does not depend on what earlier
        loads of the same files created (loading twice changes nothing).

        A legal name another firm with other stock codes already holds, and a short
        name not cut from the firm's own legal name, are recorded in :attr:`conflicts`
        (the legal name then resolves as ambiguous; the short name stays indexed, as
        the firm's code vouches for it).
        """
        cid = company.id
        self._choice_keys = []  # the fuzzy choices are rebuilt on next use
        self.names.setdefault(cid, company.name)
        for code in company.stock_codes:
            self.by_code.setdefault(code, cid)
            self._codes_of[cid].add(code)
        if company.uscc:
            self.by_uscc.setdefault(company.uscc, cid)
            self._uscc_of.setdefault(cid, company.uscc)
        if company.lei:
            self.by_lei.setdefault(company.lei, cid)
            self._lei_of.setdefault(cid, company.lei)
        if not (company.stock_codes or company.uscc or company.lei):
            return  # a name-only node is found by its id (company_id_for_name), not here
        if company.full_name:
            parts = parse_name(company.full_name)
            if parts.core:
                self._add_full(cid, company.full_name, parts)
        for alias in (company.name, *company.aliases):
            # A short name with its legal name's key (康冠科技, 深圳市康冠科技股份有限公司)
            # is indexed too: a mention without a legal form matches short names only,
            # and the index built from the store must equal the one built during loads.
            parts = parse_name(alias)
            if not parts.core:
                continue
            if parts.form is not None:  # a legal name given as display name or alias
                self._add_full(cid, alias, parts)
                continue
            full = company.full_name
            if full and not parts.latin and not is_subsequence(parts.core, spelling_key(full)):
                # Reported; the alias still names this firm (both come with its code),
                # most often a 简称 newer than the legal name on file (海信视像).
                detail = f"简称 {alias!r} 不是从全称 {company.full_name!r} 中截取的"
                self._conflict(Conflict("alias_not_in_full_name", alias, (cid,), detail))
            self.by_alias[parts.key].setdefault(cid, parts)

    def _conflict(self, conflict: Conflict) -> None:
        """Record ``conflict`` once (a set, not a scan of the list)."""
        if conflict not in self._conflicted:
            self._conflicted.add(conflict)
            self.conflicts.append(conflict)

    def _add_full(self, cid: str, name: str, parts: NameParts) -> None:
        held = self.by_full[parts.key]
        for other, other_parts in held.items():
            if other == cid or parts.conflicts(other_parts) is not None:
                continue  # same firm, or told apart by region / legal form
            if self._codes_of[other] != self._codes_of[cid]:
                codes = sorted(self._codes_of[other] | self._codes_of[cid])
                detail = f"全称 {name!r} 同时属于 {other} 和 {cid}（代码 {codes}）"
                self._conflict(Conflict("full_name_two_firms", name, (other, cid), detail))
        held.setdefault(cid, parts)

    def judge(self, mention: str, firm: str, same: bool) -> None:
        """Record a reviewer's 是 (``same=True``) or 否 for ``mention`` ↔ ``firm``.

        The judgement holds for this spelling (:func:`spelling_key`: width, brackets,
        case, whitespace and script folded), not for other names with the same key.
        """
        key = spelling_key(mention)
        self.judgements[(key, firm)] = same
        self._judged.setdefault(key, {})[firm] = same

    # -- resolution ------------------------------------------------------------------
    def resolve_code(self, code: str) -> str | None:
        """Return the id of the firm with this normalised stock code, or None."""
        return self.by_code.get(code)

    def resolve(
        self,
        name: str,
        *,
        uscc: str | None = None,
        lei: str | None = None,
        codes: Iterable[str] = (),
        dataset: str | None = None,
        source: Source | None = None,
    ) -> Match:
        """Resolve a firm mention in evidence order (see the module notes).

        Parameters
        ----------
        name : str
            The name as written (legal name, 简称 or English).
        uscc, lei : str, optional
            Validated identifiers given with the mention.
        codes : iterable of str
            Normalised stock codes given with the mention.
        dataset, source : optional
            Where the mention was seen; with ``dataset`` the match is recorded in
            :attr:`decisions` (first sighting kept, later sources appended).

        Returns
        -------
        Match
        """
        match = self._resolve(name, uscc, lei, tuple(codes))
        if dataset is not None:
            self.record(dataset, match, source)
        return match

    def record(self, dataset: str, match: Match, source: Source | None = None) -> None:
        """Keep ``match`` in :attr:`decisions` under ``(dataset, match.mention)``.

        The first match of a mention is kept; later calls only add their source, up to
        :data:`SOURCES_KEPT` (a firm named on 10^5 rows keeps its first sightings).
        """
        self.decisions.note(dataset, match, source)

    def _resolve(
        self, name: str, uscc: str | None, lei: str | None, codes: tuple[str, ...]
    ) -> Match:
        parts = parse_name(name)
        for rule, ids, value in (("uscc", self.by_uscc, uscc), ("lei", self.by_lei, lei)):
            if value and value in ids:
                return Match(name, Verdict.SAME, ids[value], rule, f"{_RULE_ZH[rule]} {value}")
        for code in codes:
            if code in self.by_code:
                firm = self.by_code[code]
                return Match(name, Verdict.SAME, firm, "stock_code", f"股票代码 {code}")
        spelled = spelling_key(name)
        said = self._judged.get(spelled, {})
        yes = sorted(firm for firm, same in said.items() if same)
        if len(yes) == 1:
            return Match(name, Verdict.SAME, yes[0], "reviewer", "复核人标为 是")
        if yes:
            why = f"复核人对 {len(yes)} 家企业都标了 是"
            return Match(name, Verdict.AMBIGUOUS, None, "reviewer", why, tuple(yes))
        if not parts.core:
            return Match(name, Verdict.NEW, evidence="名称为空")
        if parts.branch is not None:
            parent = self._resolve(parts.parent or "", None, None, ()) if parts.parent else None
            pid = parent.firm if parent is not None else None
            return Match(name, Verdict.BRANCH, None, "branch", parts.branch, parent=pid)
        forbidden = {firm for firm, same in said.items() if not same}
        # A name never overrules an identifier: a firm holding another USCC, LEI or set
        # of stock codes than the mention's is a different firm of the same name.
        for table in (self.by_full, self.by_alias):
            for firm in table.get(parts.key, {}):
                other_id = any(
                    given and known.get(firm) not in (None, given)
                    for given, known in ((uscc, self._uscc_of), (lei, self._lei_of))
                )
                theirs = self._codes_of.get(firm)
                if other_id or (codes and theirs and not set(codes) & theirs):
                    forbidden.add(firm)
        levels: list[tuple[str, SpillMap[dict[str, NameParts]]]] = [("full_name", self.by_full)]
        if parts.form is None:
            levels.append(("alias", self.by_alias))
        for rule, table in levels:
            held = table.get(parts.key, {})
            if parts.form is None:
                # A firm whose 简称 is X股份 keeps the bare X for its group (鞍钢 is
                # 鞍钢集团, 鞍钢股份 the listed 鞍钢股份有限公司): X alone does not name it,
                # not even when X was once its short name too (G鞍钢 in 2006).
                shares = self.by_alias.get(parts.core + "股份", {})
                held = {f: p for f, p in held.items() if f not in shares}
            fits = self._fits(parts, held, set(), same_region=rule == "alias")
            if len(fits) > 1 and forbidden:
                # A 否 narrows the candidates but never elects the one left: nobody
                # said 是 to it.
                left = {f: why for f, why in fits.items() if f not in forbidden}
                why = f"名称键 {parts.key} 对应 {len(fits)} 家企业，其中 {len(left)} 家未被排除"
                if not left:
                    continue
                return Match(name, Verdict.AMBIGUOUS, None, rule, why, tuple(sorted(left)))
            fits = {f: why for f, why in fits.items() if f not in forbidden}
            if len(fits) == 1:
                ((firm, why),) = fits.items()
                return Match(name, Verdict.SAME, firm, rule, why)
            if fits:
                why = f"{len(fits)} 家企业的{_RULE_ZH[rule]}键都是 {parts.key}"
                return Match(name, Verdict.AMBIGUOUS, None, rule, why, tuple(sorted(fits)))
        return Match(name, Verdict.NEW, evidence=f"没有企业的名称键是 {parts.key}")

    @staticmethod
    def _fits(
        parts: NameParts, held: dict[str, NameParts], forbidden: set[str], same_region: bool
    ) -> dict[str, str]:
        fits: dict[str, str] = {}
        for firm, other in held.items():
            if firm in forbidden or parts.conflicts(other, same_region) is not None:
                continue
            fits[firm] = f"名称键 {parts.key}" + (
                f"，地区 {other.region.name}" if other.region else ""
            )
        return fits

    def resolve_name(self, name: str) -> str | None:
        """Return the one firm named ``name`` (:meth:`resolve` without codes), or None."""
        return self.resolve(name).firm

    def company_id(
        self,
        name: str,
        uscc: str | None,
        code: str | None,
        dataset: str,
        source: Source,
    ) -> str:
        """The id a roster row's firm gets: the resolved firm, else a new id.

        A new firm is keyed by its USCC, else its stock code, else its name (see
        :func:`company_id_for_code`, :func:`company_id_for_name`). The resolution is
        recorded under ``dataset``.
        """
        codes = [code] if code else []
        found = self.resolve(name, uscc=uscc or None, codes=codes, dataset=dataset, source=source)
        return (
            found.firm
            or (uscc and node_id(NodeKind.COMPANY, "uscc", uscc))
            or (code and company_id_for_code(code))
            or company_id_for_name(name)
        )

    def candidates(self, name: str) -> set[str]:
        """Return every company id whose legal name or alias has the key of ``name``."""
        key = parse_name(name).key
        return set(self.by_full.get(key, {})) | set(self.by_alias.get(key, {}))

    def fuzzy_candidates(
        self, name: str, limit: int = 3, cutoff: float = 80.0
    ) -> list[tuple[str, float]]:
        """Firms whose name keys are close to ``name``'s (for review, never to link).

        Parameters
        ----------
        name : str
        limit : int
            At most this many firms, best first (ties by id).
        cutoff : float
            Minimum RapidFuzz ``WRatio`` score, 0–100.

        Returns
        -------
        list of (str, float)
            ``(firm id, score)``.
        """
        key = parse_name(name).key
        if not key:
            return []
        choices = self._choices()
        hits = process.extract(
            key, choices, scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=cutoff
        )
        best: dict[str, float] = {}
        for _, score, pos in hits:
            for firm in self._choice_ids[pos]:
                best[firm] = max(best.get(firm, 0.0), float(score))
        return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]

    def _choices(self) -> list[str]:
        if not self._choice_keys:
            keys = sorted(set(self.by_full) | set(self.by_alias))
            self._choice_keys = keys
            self._choice_ids = [
                sorted(set(self.by_full.get(k, {})) | set(self.by_alias.get(k, {}))) for k in keys
            ]
        return self._choice_keys
