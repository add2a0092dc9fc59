"""What a write transaction of the SQLite store has written, kept in memory.

A large load into an empty table need not ask SQLite, for every record, whether its id
is stored already: at 5.8·10^6 relations the id index outgrows SQLite's page cache and
each such lookup may read pages back from the WAL. :class:`LoadIds` remembers what the
transaction wrote, in a form that may say "perhaps" but never a wrong "no".
"""

from __future__ import annotations

from collections.abc import Sequence

#: Bits of an :class:`IdFilter` (16 MiB): 0.7 % false "perhaps" at 5.8·10^6 ids, 11 %
#: at 5.8·10^7 (each costs one lookup in the database, as without the filter).
FILTER_BITS = 1 << 27

#: Node ids kept exactly by :class:`LoadIds` (about 100 bytes each); the rest are
#: looked up in the database.
NODE_IDS_KEPT = 5_000_000


class IdFilter:
    """A Bloom filter of ids (two bit positions from each id's :func:`hash`).

    :meth:`seen_then_add` answers, for each id of a batch, False only for an id never
    added, True for "perhaps" (an id added, or one whose two bits other ids set). About
    16 MiB whatever the number of ids, against about 70 bytes an id for a set of their
    hashes; the bits are numpy arrays, so a batch costs a few numpy calls.

    Examples
    --------
    >>> seen = IdFilter(bits=1 << 10)
    >>> seen.seen_then_add(["a", "b"])
    []
    >>> seen.seen_then_add(["b", "c"])
    ['b']
    """

    def __init__(self, bits: int = FILTER_BITS) -> None:
        import numpy as np  # a load's dependency, not every command's

        if bits & (bits - 1) or bits < 8:
            raise ValueError(f"bits must be a power of two >= 8, not {bits}")
        self._bits = np.zeros(bits // 8, dtype=np.uint8)
        self._mask = np.uint64(bits - 1)
        self._shift = np.uint64(bits.bit_length() - 1)

    def seen_then_add(self, keys: Sequence[str]) -> list[str]:
        """The keys that may have been added before this call, in order; then add all.

        Parameters
        ----------
        keys : sequence of str
            Distinct keys (a key repeated in ``keys`` is not reported for itself).
        """
        import numpy as np

        hashes = np.fromiter(map(hash, keys), dtype=np.int64, count=len(keys)).view(np.uint64)
        a, b = hashes & self._mask, (hashes >> self._shift) & self._mask
        bits = self._bits
        one = np.uint64(1)
        hit = (bits[a >> np.uint64(3)] >> (a & np.uint64(7)) & one) & (
            bits[b >> np.uint64(3)] >> (b & np.uint64(7)) & one
        )
        for pos in (a, b):
            np.bitwise_or.at(
                bits, pos >> np.uint64(3), (one << (pos & np.uint64(7))).astype(np.uint8)
            )
        return [keys[i] for i in np.flatnonzero(hit).tolist()]


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
