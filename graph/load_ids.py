"""What a write transaction of the SQLite store has written, kept in memory.

A large load into an empty table need not ask SQLite, for every record, whether its id
is stored already: at 5.8·10^6 relations the id index outgrows SQLite's page cache and
each such lookup may read pages back from the WAL. :class:`LoadIds` remembers what the
transaction wrote, in a form that may say "perhaps" but never a wrong "no".
"""

from __future__ import annotations

from collections.abc import Iterable

#: Bits of an :class:`IdFilter` (16 MiB): 0.7 % false "perhaps" at 5.8·10^6 ids, 11 %
#: at 5.8·10^7 (each costs one lookup in the database, as without the filter).
FILTER_BITS = 1 << 27

#: Node ids kept exactly by :class:`LoadIds` (about 100 bytes each); the rest are
#: looked up in the database.
NODE_IDS_KEPT = 5_000_000


class IdFilter:
    """A Bloom filter of ids (two bit positions from each id's :func:`hash`).

    ``id in filter`` is False only for an id never added; True means "perhaps" (an id
    added, or one whose two bits other ids set). About 16 MiB whatever the number of
    ids, against about 70 bytes an id for a set of their hashes.

    Examples
    --------
    >>> seen = IdFilter(bits=1 << 10)
    >>> seen.add_all(["a", "b"])
    >>> "a" in seen, "b" in seen
    (True, True)
    """

    def __init__(self, bits: int = FILTER_BITS) -> None:
        if bits & (bits - 1) or bits < 8:
            raise ValueError(f"bits must be a power of two >= 8, not {bits}")
        self._bits = bytearray(bits // 8)
        self._mask = bits - 1
        self._shift = bits.bit_length() - 1

    def __contains__(self, key: object) -> bool:
        h = hash(key)
        a, b = h & self._mask, (h >> self._shift) & self._mask
        bits = self._bits
        return bool(bits[a >> 3] >> (a & 7) & 1 and bits[b >> 3] >> (b & 7) & 1)

    def add_all(self, keys: Iterable[str]) -> None:
        """Add each key."""
        bits, mask, shift = self._bits, self._mask, self._shift
        for key in keys:
            h = hash(key)
            a, b = h & mask, (h >> shift) & mask
            bits[a >> 3] |= 1 << (a & 7)
            bits[b >> 3] |= 1 << (b & 7)


class LoadIds:
    """What this transaction has written.

    ``seen[table]`` is an :class:`IdFilter` of every id written to a table that was
    empty when this transaction first wrote to it (None for a table that was not): an
    id it does not hold is not stored; one it may hold is looked up as before.
    ``nodes`` holds the exact ids of the nodes written (up to :data:`NODE_IDS_KEPT`):
    a relation endpoint among them is stored.
    """

    def __init__(self) -> None:
        self.seen: dict[str, IdFilter | None] = {}
        self.nodes: set[str] = set()
