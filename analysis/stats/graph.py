"""Union-find and an edge list over keys ``0 … n-1`` in flat arrays (for :mod:`.candidates`).

Both keep machine numbers in ``array.array`` buffers instead of Python lists, tuples and
dictionaries, whose every element is an object of its own: :class:`Components` takes 16 bytes
a key (a list-based union-find about 70), :class:`Edges` 25 bytes an edge and about 60 for its
membership set (a dictionary of ``(a, b) -> (kind, jaccard, containment)`` tuples about 300,
which at a million headlines held 1.25 million pairs). Both hand their contents to numpy
without a copy (:meth:`Components.roots`, :meth:`Edges.arrays`).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import numpy as np

__all__ = ["Components", "Edges"]


class Components:
    """Union-find over keys ``0 … n-1``, counting documents per component (a key may stand
    for several).

    Args:
        docs: Documents each key stands for (its exact-copy group).
        max_cluster: A component of more documents is closed (see :mod:`.candidates`).
    """

    def __init__(self, docs: Sequence[int], max_cluster: int):
        self.docs = array("q", np.asarray(docs, dtype=np.int64).tobytes())
        self.parent = array("q", np.arange(len(self.docs), dtype=np.int64).tobytes())
        self.max_cluster = max_cluster

    def __len__(self) -> int:
        return len(self.parent)

    def root(self, x: int) -> int:
        """The component's representative (its smallest key)."""
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> int:
        """Join the components of ``a`` and ``b``; return the root."""
        ra, rb = self.root(a), self.root(b)
        if ra == rb:
            return ra
        keep, drop = min(ra, rb), max(ra, rb)
        self.parent[drop] = keep
        self.docs[keep] += self.docs[drop]
        return keep

    def closed(self, root: int) -> bool:
        """Whether the component of ``root`` has more than ``max_cluster`` documents."""
        return self.docs[root] > self.max_cluster

    def roots(self) -> np.ndarray:
        """The root of every key (int64), all at once (pointer jumping in numpy)."""
        parent = np.frombuffer(self.parent, dtype=np.int64).copy()
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                return parent
            parent = grand

    def sizes(self) -> np.ndarray:
        """Documents of the component of every key (int64)."""
        return np.frombuffer(self.docs, dtype=np.int64)[self.roots()]


class Edges:
    """Pairs ``(a, b)`` of keys ``0 … n-1`` added one by one, each with a small integer
    ``code`` and two floats, and a test of whether a pair was added (``(a, b) in edges``).

    Args:
        n: Number of keys (pairs are remembered as ``a * n + b``).
    """

    def __init__(self, n: int):
        self._n = n
        self._a, self._b = array("q"), array("q")
        self._code, self._x, self._y = array("b"), array("d"), array("d")
        self._seen: set[int] = set()

    def __len__(self) -> int:
        return len(self._a)

    def __contains__(self, pair: tuple[int, int]) -> bool:
        return pair[0] * self._n + pair[1] in self._seen

    def add(self, a: int, b: int, code: int, x: float, y: float) -> None:
        """Add the pair ``(a, b)`` (not added before) with its ``code``, ``x`` and ``y``."""
        self._seen.add(a * self._n + b)
        self._a.append(a)
        self._b.append(b)
        self._code.append(code)
        self._x.append(x)
        self._y.append(y)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(a, b, code, x, y)`` in the order added (int64, int64, int8, float64, float64;
        views of the buffers). Ends the additions: the membership set is let go."""
        self._seen = set()
        parts = zip(
            (self._a, self._b, self._code, self._x, self._y),
            (np.int64, np.int64, np.int8, np.float64, np.float64),
            strict=True,
        )
        return tuple(np.frombuffer(part, dtype=dtype) for part, dtype in parts)
