"""Exception hierarchy of zhaoshang.

Every error the library raises on purpose is a :class:`ZhaoshangError`; the CLI turns
them into one-line messages with exit code 1 (2 for a :class:`UsageError`).
"""

from __future__ import annotations


class ZhaoshangError(Exception):
    """Base class of every error zhaoshang raises on purpose."""


class SchemaError(ZhaoshangError):
    """A node or relation does not satisfy the schema (wraps pydantic's details)."""


class LoadError(ZhaoshangError):
    """A source file cannot be read at all (row-level problems go to the load report)."""


class NotFound(ZhaoshangError):
    """A name, code or id does not resolve to a node.

    Parameters
    ----------
    message : str
        What was looked for.
    candidates : list of str, optional
        The closest names known to the store, best first, for the user to choose from.
    """

    def __init__(self, message: str, candidates: list[str] | None = None) -> None:
        super().__init__(message)
        self.candidates = list(candidates or [])


class NoPath(ZhaoshangError):
    """No referral path exists within the search limits."""


class BackendError(ZhaoshangError):
    """The store file or database could not be read or written."""


class UsageError(ZhaoshangError):
    """A command-line value is not acceptable (the CLI exits with code 2, not 1).

    Parameters
    ----------
    message : str
        What is wrong with the value, naming the option.
    candidates : list of str, optional
        Close acceptable values, best first, for the user to choose from.
    """

    def __init__(self, message: str, candidates: list[str] | None = None) -> None:
        super().__init__(message)
        self.candidates = list(candidates or [])
