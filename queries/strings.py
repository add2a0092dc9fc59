"""Sorted string tables as two arrays (UTF-8 bytes and offsets), for memory-mapping.

The search snapshot keeps node and relation ids this way instead of Python lists and
dicts: 10^6 ids cost ~30 MB on disk and nothing in memory until a page is touched, and
opening a snapshot costs no per-id Python object. UTF-8 byte order equals code point
order, so a table built from sorted Python strings is sorted bytewise too and a
binary search finds an id in ~20 comparisons.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt


class StringTable:
    """An indexable, searchable sequence of strings held in two numpy arrays.

    Parameters
    ----------
    data : uint8 array
        The UTF-8 bytes of all strings, concatenated.
    offsets : int64 array, shape (n + 1,)
        ``data[offsets[i]:offsets[i + 1]]`` is string ``i``.
    is_sorted : bool
        Whether the strings are in ascending order (enables :meth:`position`).
    """

    def __init__(
        self, data: npt.NDArray[np.uint8], offsets: npt.NDArray[np.int64], is_sorted: bool
    ) -> None:
        self.data = data
        self.offsets = offsets
        self.is_sorted = is_sorted
        self.positions = Positions(self)
        # plain buffers for the per-string hot paths: slicing a numpy memmap element by
        # element builds a memmap object each time (~6 µs; 20 per binary search)
        self._bytes = np.ascontiguousarray(data, dtype=np.uint8).data
        self._bounds = np.ascontiguousarray(offsets, dtype=np.int64).data

    @classmethod
    def of(cls, strings: Iterable[str]) -> StringTable:
        """Build from Python strings (kept in the given order)."""
        encoded = [s.encode("utf-8") for s in strings]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in encoded], out=offsets[1:])
        data = np.frombuffer(b"".join(encoded), dtype=np.uint8).copy()
        ordered = all(a <= b for a, b in itertools.pairwise(encoded))
        return cls(data, offsets, ordered)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        i %= len(self)
        return str(self._bytes[self._bounds[i] : self._bounds[i + 1]], "utf-8")

    def __iter__(self) -> Iterator[str]:
        raw = bytes(self.data)
        bounds = self.offsets.tolist()
        for a, b in itertools.pairwise(bounds):
            yield raw[a:b].decode("utf-8")

    def position(self, key: str) -> int | None:
        """Index of ``key`` in a sorted table, or None (O(log n) comparisons)."""
        if not self.is_sorted:
            raise ValueError("position() needs a sorted table")
        target = key.encode("utf-8")
        raw, bounds = self._bytes, self._bounds
        lo, hi = 0, len(self)
        while lo < hi:
            mid = (lo + hi) // 2
            if bytes(raw[bounds[mid] : bounds[mid + 1]]) < target:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self) and self[lo] == key:
            return lo
        return None

    def positions_of(self, keys: list[str]) -> npt.NDArray[np.int64]:
        """Index of each key in a sorted table, -1 where absent, by one vectorised search.

        The table is compared as fixed-width bytes cut at the longest key's length (an
        entry cut to a key sorts after every shorter entry, so the search still lands on
        the key when present); each hit is then checked whole.

        Notes
        -----
        O(n · w) time and memory for w the longest key's UTF-8 length (16 MB for 10^6
        ids of 16 bytes), then O(k log n) comparisons in numpy.
        """
        if not self.is_sorted:
            raise ValueError("positions_of() needs a sorted table")
        encoded = [k.encode("utf-8") for k in keys]
        found = np.full(len(keys), -1, dtype=np.int64)
        n = len(self)
        if not encoded or not n:
            return found
        width = max(1, max(len(b) for b in encoded))
        offsets = np.asarray(self.offsets, dtype=np.int64)
        data = np.asarray(self.data)
        starts, length = offsets[:-1], np.diff(offsets)
        fixed = np.zeros((n, width), dtype=np.uint8)
        for c in range(width):  # one column at a time: O(n) scratch memory
            has = np.flatnonzero(length > c)
            fixed[has, c] = data[starts[has] + c]
        table = fixed.view(f"S{width}").reshape(n)
        wanted = np.asarray(encoded, dtype=f"S{width}")
        where = np.minimum(np.searchsorted(table, wanted), n - 1)
        sizes = np.asarray([len(b) for b in encoded], dtype=np.int64)
        hit = (table[where] == wanted) & (length[where] == sizes)  # whole, not cut, equal
        found[hit] = where[hit]
        return found

    def startswith(self, prefix: str, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Whether each string of ``rows`` starts with ``prefix`` (vectorised)."""
        head = np.frombuffer(prefix.encode("utf-8"), dtype=np.uint8)
        offsets = np.asarray(self.offsets, dtype=np.int64)
        starts = offsets[rows]
        ok = offsets[rows + 1] - starts >= len(head)
        data = np.asarray(self.data)
        for c, byte in enumerate(head.tolist()):
            ok[ok] = data[starts[ok] + c] == byte
        return ok

    def save(self, folder: Path, name: str) -> None:
        """Write ``name.data.npy`` and ``name.offsets.npy`` into ``folder``."""
        np.save(folder / f"{name}.data.npy", self.data)
        np.save(folder / f"{name}.offsets.npy", self.offsets)

    @classmethod
    def open(cls, folder: Path, name: str, is_sorted: bool) -> StringTable:
        """Memory-map a table written by :meth:`save`."""
        data = np.load(folder / f"{name}.data.npy", mmap_mode="r")
        offsets = np.load(folder / f"{name}.offsets.npy", mmap_mode="r")
        return cls(data, offsets, is_sorted)


class Positions:
    """``table.positions``: the id → index mapping of a sorted table (read-only)."""

    def __init__(self, table: StringTable) -> None:
        self._table = table

    def get(self, key: str, default: int | None = None) -> int | None:
        found = self._table.position(key)
        return default if found is None else found

    def __getitem__(self, key: str) -> int:
        found = self._table.position(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._table.position(key) is not None

    def __len__(self) -> int:
        return len(self._table)
