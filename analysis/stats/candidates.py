"""Candidate pairs of similar texts from MinHash LSH indexes (``datasketch``), for :mod:`.reuse`.

Two kinds of index, never a comparison of all pairs:

* ``MinHashLSH`` at a Jaccard threshold, for near-duplicates;
* ``MinHashLSHEnsemble`` at a containment threshold, for a short text inside a long one. A
  Jaccard LSH at a lower threshold cannot do this: the Jaccard index of a text wholly inside
  one three times as long is 1/3, inside one ten times as long 1/10, so no Jaccard threshold
  bounds containment; the ensemble partitions its index by set size and picks each
  partition's bands for the containment threshold.

Candidates are approximate both ways (the caller verifies them on the exact sets). Keys are
indexed in sorted order and the result is sorted, so it does not depend on the input order.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.stats.shingles import Sketch

__all__ = ["candidate_pairs", "size_class"]

# LSH Ensemble settings, from bench/bench_reuse.py at 10,000 documents: with datasketch's
# defaults (16 partitions, false positive / negative weights 0.5 / 0.5) the ensemble found 84 %
# of the contained pairs; weighting false negatives 0.8 finds 99.9 %. The 8 partitions are
# shared among the size groups of at most _GROUP_DOCS documents indexed one after the other.
_ENSEMBLE_PARTS = 8
_ENSEMBLE_WEIGHTS = (0.2, 0.8)
_GROUP_DOCS = 2500


@contextmanager
def _random_state_kept() -> Iterator[None]:
    """datasketch names its storage with the global ``random``: leave the caller's stream."""
    state = random.getstate()
    try:
        yield
    finally:
        random.setstate(state)


def candidate_pairs(
    sketches: Mapping[str, Sketch],
    keys: Sequence[str],
    *,
    near_at: float,
    contained_at: float,
    num_perm: int = 128,
) -> list[tuple[str, str]]:
    """Sorted candidate pairs ``(a, b)``, ``a < b``, among ``keys`` (non-empty sketches).

    Args:
        sketches: Sketch of each key.
        keys: The keys to index and query.
        near_at: Jaccard threshold of the ``MinHashLSH``.
        contained_at: Containment threshold of the ``MinHashLSHEnsemble``.
        num_perm: Permutations of the sketches' MinHashes.
    """
    keys = sorted(keys)
    if len(keys) < 2:
        return []
    pairs = _near(sketches, keys, max(near_at, 0.01), num_perm)
    pairs |= _contained(sketches, keys, max(contained_at, 0.01), num_perm)
    return sorted(pairs)


def _near(sketches, keys, threshold: float, num_perm: int) -> set[tuple[str, str]]:
    from datasketch import MinHashLSH

    with _random_state_kept():
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for k in keys:
        lsh.insert(k, sketches[k].minhash, check_duplication=False)
    pairs = set()
    for k in keys:
        pairs.update((min(k, o), max(k, o)) for o in lsh.query(sketches[k].minhash) if o != k)
    return pairs


def _contained(sketches, keys, threshold: float, num_perm: int) -> set[tuple[str, str]]:
    """Candidates of the LSH Ensemble, built over one group of similar sizes at a time.

    The ensemble holds some 280 band entries per document (37 KB): the documents are indexed
    in size-ordered groups of at most ``_GROUP_DOCS``, one group at a time, which bounds that
    memory. A group is queried only with texts small enough to be contained in its largest.
    """
    from datasketch import MinHashLSHEnsemble

    by_size = sorted(keys, key=lambda k: (sketches[k].size, k))
    n_groups = -(-len(by_size) // _GROUP_DOCS)
    size = -(-len(by_size) // n_groups)
    parts = max(1, _ENSEMBLE_PARTS // n_groups)
    pairs = set()
    for lo in range(0, len(by_size), size):
        group = by_size[lo : lo + size]
        with _random_state_kept():
            ensemble = MinHashLSHEnsemble(
                threshold=threshold, num_perm=num_perm, num_part=parts, weights=_ENSEMBLE_WEIGHTS
            )
        ensemble.index([(k, sketches[k].minhash, size_class(sketches[k].size)) for k in group])
        top = size_class(sketches[group[-1]].size)
        for q in by_size:
            if threshold * sketches[q].size > top:
                break
            found = ensemble.query(sketches[q].minhash, sketches[q].size)
            pairs.update((min(q, o), max(q, o)) for o in found if o != q)
    return pairs


def size_class(size: int) -> int:
    """``size`` rounded up to one of 16 steps per doubling (at most 1/16 more; exact below 32).

    The ensemble's partitioning costs the square of the number of distinct sizes; rounding
    bounds it, and rounding up only lowers the Jaccard bar a partition is searched with.
    """
    if size < 32:
        return size
    step = (1 << (size.bit_length() - 1)) // 16
    return -(-size // step) * step
