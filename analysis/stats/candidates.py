"""Candidate pairs of similar texts from MinHash LSH, verified into components (for :mod:`.reuse`).

Two kinds of candidates, never a comparison of all pairs. Both band the texts' MinHashes with
the numbers of bands ``b`` and rows ``r`` that ``datasketch.MinHashLSH`` picks for a Jaccard
threshold; the buckets are formed here with numpy (texts whose ``r`` values of a band are
equal), which is what ``MinHashLSH`` stores in dictionaries, at 8 bytes per text and band
instead of a few hundred and without a query per text:

* **near**: one LSH at the Jaccard threshold (equal false positive / negative weights);
* **contained**: a short text inside a long one, as the LSH Ensemble (Zhu et al., VLDB 2016)
  does it: texts are partitioned by size (one doubling each), and a partition of smaller texts
  is banded against one of larger texts at the Jaccard index a containment ``t`` implies for
  the extreme sizes, ``t·s / (s + u − t·s)`` (``s`` the smallest query, ``u`` the largest
  text), weighting false negatives 0.8. A Jaccard LSH at one lower threshold cannot do this:
  a text wholly inside one three times as long has a Jaccard index of 1/3, inside one ten
  times as long 1/10. Only texts at least ``ratio`` times as large as the query are searched
  (:func:`contained_ratio`): smaller pairs are ``near`` or nothing.

Candidates are verified as they come (the caller's ``verify``) and joined into components with
union-find (:class:`~analysis.stats.graph.Components`): nothing holds the candidate pairs, and
the verified pairs of open components are kept in flat arrays
(:class:`~analysis.stats.graph.Edges`, about 85 bytes a pair with its membership test). Keys
are row positions (ints, in the order of the keys they stand for). Most buckets are small: the
pairs of those of a band are taken as one array (a bucket checked pair by pair finds what
:meth:`_Linker.bucket` finds), and a pair whose rows already met in an earlier band of the same
banding (equal values there) is not looked at again (it was verified or skipped then, and
looking again changes nothing: verification is a pure function and components only grow).
Once a component has more than ``max_cluster`` documents it is *closed*: its rows go to its
earliest document, so pairs of two of its members are neither verified nor generated (a
bucket's members are grouped by component first). Memory therefore grows with documents, not
pairs: a bucket of 2,000 near-identical texts costs about 2,000 verifications, not 2,000²/2.

The result does not depend on the order of work: the components are those of the graph of
verified candidates, and a component that ends at most ``max_cluster`` documents large was
never closed, so every candidate pair inside it was verified.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

import numpy as np

from analysis.stats.graph import Components, Edges

__all__ = [
    "CONTAINED_WEIGHTS",
    "NEAR_WEIGHTS",
    "Components",
    "contained_ratio",
    "link",
    "lsh_params",
]

#: False positive / negative weights of the containment bands, as datasketch's LSH Ensemble was
#: run here before (bench/bench_reuse.py at 10,000 documents: 84 % of the contained pairs
#: found at 0.5 / 0.5, 99.9 % at 0.2 / 0.8; the bands here find 99.5 %, bench/RESULTS.md).
CONTAINED_WEIGHTS = (0.2, 0.8)
#: The same weights for the near bands: at equal weights (b = 42 bands of r = 3 at Jaccard
#: 0.25) the LSH missed 9 % of the pairs at Jaccard 0.38 (copies with 20 % of the words
#: changed); at 0.2 / 0.8 (35 bands of 2) 0.4 %.
NEAR_WEIGHTS = (0.2, 0.8)
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_CHUNK = 1 << 14  # pairs whose earlier bands are compared at once
_VERIFIED = 1 << 16  # candidate pairs measured at once
_SPREAD = 16  # buckets of up to this many rows are taken as all their pairs (larger: bucket())


@lru_cache(maxsize=256)
def lsh_params(threshold: float, num_perm: int, weights=(0.5, 0.5)) -> tuple[int, int]:
    """``(b, r)`` (bands, rows) ``datasketch.MinHashLSH`` picks for a Jaccard ``threshold``,
    minimising its false positive and negative probabilities weighted by ``weights``.

    ``threshold`` is kept within [0.01, 0.95]: above 0.95 datasketch would pick a single band,
    which it refuses (a lower threshold only adds candidates, which are verified)."""
    from datasketch import MinHashLSH

    threshold = min(max(threshold, 0.01), 0.95)

    state = random.getstate()  # datasketch names its storage with the global random
    try:
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=weights)
    finally:
        random.setstate(state)
    return lsh.b, lsh.r


class _Linker:
    """Verifies candidates into :class:`Components` and keeps the edges of open components.

    ``verify(a, b)`` (``a < b``) returns ``(code, jaccard, containment)`` of a pair that is
    reuse, else ``None``; ``verify_pairs(a, b)`` the arrays of codes (-1: not reuse),
    Jaccard indexes and containments of arrays of keys.
    """

    def __init__(self, comps: Components, verify: Callable, verify_pairs: Callable):
        self.comps, self.verify, self.verify_pairs = comps, verify, verify_pairs
        self.edges = Edges(len(comps))

    def known(self, a: int, b: int) -> bool:
        """Whether ``a < b`` is an edge, or inside one closed component (an edge is inside
        one component: the pair's components are joined before it is kept)."""
        comps = self.comps
        root = comps.root(a)
        if root != comps.root(b):
            return False
        return comps.closed(root) or (a, b) in self.edges

    def pair(self, a: int, b: int) -> None:
        """Verify ``a``, ``b`` unless known."""
        if a == b:
            return
        a, b = min(a, b), max(a, b)
        if not self.known(a, b):
            self._join(a, b, self.verify(a, b))

    def pairs(self, pairs: np.ndarray) -> None:
        """Each row ``(a, b)``, ``a < b``, of ``pairs`` as :meth:`pair` (verified
        ``_VERIFIED`` at once first: a pair known by its turn is measured for nothing, which
        changes nothing; only the pairs that are reuse are then looked at one by one)."""
        for lo in range(0, len(pairs), _VERIFIED):
            chunk = pairs[lo : lo + _VERIFIED]
            codes, jaccard, containment = self.verify_pairs(chunk[:, 0], chunk[:, 1])
            reuse = codes >= 0
            kept = (chunk[reuse], codes[reuse], jaccard[reuse], containment[reuse])
            for (a, b), *value in zip(*(k.tolist() for k in kept), strict=True):
                if not self.known(a, b):
                    self._join(a, b, value)

    def _join(self, a: int, b: int, value) -> None:
        if value is not None and not self.comps.closed(self.comps.union(a, b)):
            self.edges.add(a, b, *value)

    def bucket(self, keys: Sequence[int], sides: Sequence[bool] | None = None) -> None:
        """Every pair of ``keys`` (of different ``sides`` if given) but those inside one closed
        component, in about ``len(keys)`` steps when all are alike (keys seen are grouped by
        component, and a key stops at the first member of a closed component it joins)."""
        if len(keys) == 2:  # most buckets: one pair, which pair() checks the same way
            if sides is None or sides[0] != sides[1]:
                self.pair(keys[0], keys[1])
            return
        comps = self.comps
        roots = {comps.root(k) for k in keys}
        if len(roots) == 1 and comps.closed(roots.pop()):
            return
        groups: dict[int, list[int]] = {}  # positions seen, by component (first one names it)
        for i, k in enumerate(keys):
            hit = []
            for name, members in groups.items():
                joined = comps.root(keys[members[0]]) == comps.root(k)
                if not (joined and comps.closed(comps.root(k))):
                    for m in members:
                        if sides is None or sides[m] != sides[i]:
                            self.pair(keys[m], k)
                            if comps.closed(comps.root(k)) and comps.root(keys[m]) == comps.root(k):
                                break
                    joined = comps.root(keys[members[0]]) == comps.root(k)
                if joined:
                    hit.append(name)
            if not hit:
                groups[i] = [i]
                continue
            keep = max(hit, key=lambda name: len(groups[name]))
            for name in hit:
                if name != keep:
                    groups[keep].extend(groups.pop(name))
            groups[keep].append(i)


def link(
    values: np.ndarray,
    rows: np.ndarray,
    sizes: np.ndarray,
    docs: Sequence[int],
    verify: Callable[[int, int], tuple[int, float, float] | None],
    verify_pairs: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, ...]],
    *,
    near_at: float,
    contained_at: float,
    ratio: float,
    min_contained: int,
    max_cluster: int,
) -> tuple[Edges, Components]:
    """Components of the verified candidates among keys ``0 … n-1`` (non-empty sketches).

    Args:
        values: MinHash values, one row per text (``(texts, num_perm)``).
        rows: The row of ``values`` of each key (``n`` of them; no copy of theirs is made).
        sizes: Distinct shingles of each key.
        docs: Documents each key stands for.
        verify: ``verify(a, b)`` (``a < b``): ``(code, jaccard, containment)`` of a pair that
            is reuse (``code`` ≥ 0), else ``None``.
        verify_pairs: ``verify_pairs(a, b)``: ``verify`` of arrays of keys, as three arrays
            (``code`` -1 where not reuse).
        near_at: Jaccard threshold of the near LSH.
        contained_at: Containment threshold of the contained bands.
        ratio: Contained candidates are only texts at least ``ratio`` times as large as the
            query (:func:`contained_ratio`).
        min_contained: Texts of fewer shingles are not queried for containment.
        max_cluster: Components of more documents are closed.

    Returns:
        :class:`~analysis.stats.graph.Edges` ``(a, b)`` with the ``verify(a, b)`` of the
        verified pairs whose component was open when they were verified, and the components.
    """
    linker = _Linker(Components(docs, max_cluster), verify, verify_pairs)
    if len(docs) < 2:
        return linker.edges, linker.comps
    num_perm = values.shape[1]
    b, r = lsh_params(near_at, num_perm, NEAR_WEIGHTS)
    for pairs, buckets in _bands(values, rows, b, r):
        linker.pairs(pairs)
        for bucket in buckets:
            linker.bucket(bucket.tolist())
    blocks = _contained_blocks(sizes, min(max(contained_at, 0.01), 1.0), ratio, min_contained)
    for queries, members, jaccard in blocks:
        block = np.concatenate([queries, members])
        b, r = lsh_params(jaccard, num_perm, CONTAINED_WEIGHTS)
        for pairs, buckets in _bands(values, rows[block], b, r):
            # positions of a pair ascend, queries come first: a query and a member
            pairs = pairs[(pairs[:, 0] < len(queries)) & (pairs[:, 1] >= len(queries))]
            pairs = np.sort(block[pairs], axis=1)
            linker.pairs(pairs[pairs[:, 0] != pairs[:, 1]])  # a text both query and member
            for bucket in buckets:
                sides = bucket < len(queries)
                if sides.any() and not sides.all():
                    linker.bucket(block[bucket].tolist(), sides.tolist())
    return linker.edges, linker.comps


def _bands(
    values: np.ndarray, rows: np.ndarray, b: int, r: int
) -> Iterator[tuple[np.ndarray, list[np.ndarray]]]:
    """Band after band over ``values[rows]``: the pairs of its buckets of at most ``_SPREAD``
    rows, as an ``(m, 2)`` array of ascending pairs of positions in ``rows`` that met in no
    earlier band, and the positions (ascending) of each larger bucket.

    A band's ``r`` values are combined into one 64-bit key (a polynomial modulo 2**64; keys of
    different values may rarely coincide, which adds a candidate, never loses one).
    """
    for band in range(b):
        key = np.zeros(len(rows), dtype=np.uint64)
        for col in range(band * r, (band + 1) * r):
            key = key * _MULTIPLIER + values[rows, col].astype(np.uint64)
        order = np.argsort(key, kind="stable")
        ranked = key[order]
        starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
        counts = np.diff(np.r_[starts, len(order)])
        pairs = [np.empty((0, 2), dtype=order.dtype)]
        for n in np.unique(counts[(counts > 1) & (counts <= _SPREAD)]).tolist():
            first, second = np.triu_indices(n, 1)
            at = starts[counts == n][:, None]
            pairs.append(np.stack([order[at + first].ravel(), order[at + second].ravel()], 1))
        big = counts > _SPREAD
        spans = zip(starts[big].tolist(), counts[big].tolist(), strict=True)
        larger = [order[s : s + n] for s, n in spans]
        pairs = np.concatenate(pairs)
        yield pairs[_first_met(values, rows, pairs, band, r)], larger


def _first_met(
    values: np.ndarray, rows: np.ndarray, pairs: np.ndarray, band: int, r: int
) -> np.ndarray:
    """Mask of the ``pairs`` of positions in ``rows`` whose rows of ``values`` are equal in no
    band before ``band``."""
    keep = np.ones(len(pairs), dtype=bool)
    if band == 0:
        return keep
    width = band * r
    if r == 2 and values.dtype == np.uint32 and values.flags.c_contiguous:
        values, width, r = values.view(np.uint64), band, 1  # a band's two values as one
    for lo in range(0, len(pairs), _CHUNK):
        chunk = rows[pairs[lo : lo + _CHUNK]]
        same = values[chunk[:, 0], :width] == values[chunk[:, 1], :width]
        if r > 1:
            same = same.reshape(len(chunk), band, r).all(axis=2)
        keep[lo : lo + _CHUNK] = ~same.any(axis=1)
    return keep


def contained_ratio(jaccard: float, containment: float) -> float:
    """How many times larger than the smaller text the other must be for a ``contained`` pair.

    ``contained`` means containment ``c ≥ containment`` with Jaccard ``j < jaccard``. With
    ``s ≤ l`` shingles, ``j = c·s / (s + l − c·s)``, so ``j < jaccard`` means
    ``l > s·(c / jaccard − 1 + c)``, smallest at ``c = containment`` (at least 1).
    """
    return max(1.0, containment / jaccard - 1.0 + containment)


def _contained_blocks(sizes: np.ndarray, threshold: float, ratio: float, min_size: int):
    """``(queries, members, jaccard)``: positions of smaller texts, of texts at least ``ratio``
    times as large, and the lowest Jaccard index of a pair of them at containment ``threshold``.

    Texts are partitioned by ``size.bit_length()`` (one doubling each); a partition of queries
    meets each partition of larger texts. With ``ratio`` ≥ 2 two texts of about one size are
    never query and member of one block, so a cluster of near-identical texts costs nothing.
    """
    part = np.frexp(sizes)[1]  # the bit length of each size (exact below 2**53)
    levels = sorted(set(part.tolist()))
    for lo, qpart in enumerate(levels):
        for mpart in levels[lo:]:
            members = np.flatnonzero(part == mpart)
            top = int(sizes[members].max())
            qs = np.flatnonzero((part == qpart) & (sizes >= min_size) & (ratio * sizes <= top))
            if not len(qs):
                continue
            small = int(sizes[qs].min())
            members = members[sizes[members] >= ratio * small]
            if len(members):
                jaccard = threshold * small / (small + top - threshold * small)
                yield qs, members, max(float(np.floor(jaccard * 100)) / 100, 0.01)
