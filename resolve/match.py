"""What resolving a mention gives: a verdict, a match with its evidence, conflicts.

Produced by :class:`~resolve.index.CompanyIndex` and written to the resolution log
(:mod:`resolve.decisions`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from graph.schema import Source


class Verdict(enum.StrEnum):
    """Outcome of resolving one mention."""

    SAME = "same"
    """One known firm, on the evidence named by the rule."""
    AMBIGUOUS = "ambiguous"
    """Several known firms fit equally; none is chosen."""
    NEW = "new"
    """No known firm fits; the mention keeps a node of its own."""
    BRANCH = "branch"
    """A branch (分公司): its own node; ``parent`` is the resolved parent, if any."""


@dataclass(frozen=True)
class Match:
    """The resolution of one mention.

    Attributes
    ----------
    mention : str
        The name as written.
    verdict : Verdict
    id : str, optional
        The firm, when ``verdict`` is SAME.
    rule : str
        ``reviewer``, ``uscc``, ``lei``, ``stock_code``, ``full_name``, ``alias`` or
        ``none``.
    evidence : str
        Why, in words (the key or code that matched, or what conflicted).
    candidates : tuple of str
        Firm ids that fit (AMBIGUOUS), sorted.
    parent : str, optional
        For a branch: the resolved parent firm.
    """

    mention: str
    verdict: Verdict
    id: str | None = None
    rule: str = "none"
    evidence: str = ""
    candidates: tuple[str, ...] = ()
    parent: str | None = None

    @property
    def firm(self) -> str | None:
        """The firm the mention was linked to, or None (ambiguous, new, branch)."""
        return self.id if self.verdict is Verdict.SAME else None


@dataclass(frozen=True)
class Conflict:
    """A contradiction found in a source while indexing; reported, never merged.

    ``kind`` is ``full_name_two_firms`` (one legal name on two firms with different
    codes) or ``alias_not_in_full_name`` (a short name whose characters are not taken
    from the firm's legal name, e.g. a stale 简称 after a rename).
    """

    kind: str
    name: str
    ids: tuple[str, ...]
    detail: str


#: Sources kept per decision (the first ones seen; the log writes them).
SOURCES_KEPT = 3


@dataclass
class Decision:
    """A resolution made during a load, with where the mention was seen."""

    match: Match
    dataset: str
    sources: list[Source] = field(default_factory=list)
