"""The sketches of a whole corpus in a few flat arrays (for :mod:`.reuse`).

A :class:`~analysis.stats.shingles.Sketch` per text costs a few KB of Python and numpy objects
(a ``LeanMinHash``, its arrays, the shingle array, the digest); a million headlines took 5.6
GB that way. :class:`SketchStore` holds one row per text instead: the MinHash values in one
``(n, num_perm)`` uint32 matrix, the sorted shingle hashes of all texts concatenated (uint64)
with their offsets, and the SHA-256 digests in one ``V32`` array (raw bytes): about
4·num_perm + 40 bytes per text and 8 per shingle. Texts are sketched in batches
(:func:`~analysis.stats.shingles.minhash_values`): the same numbers as
:func:`~analysis.stats.shingles.sketch_text`, whose sketches can be added as they are. The
batches' rows are copied into chunks of 64 MiB, each mapped from the system on its own and
handed back when :meth:`SketchStore.finish` joins them (batch-sized parts kept until then
left the heap as large again, in holes, once freed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from analysis.stats.shingles import Sketch, measures, minhash_values, shingle_sets, words

__all__ = ["SketchPart", "SketchStore", "sketch_texts"]


_QUERIES = 1 << 20  # shingles looked up at once by SketchStore.common
_FEW = 8  # fewer pairs are intersected one by one (np.intersect1d: less overhead)
_CHUNK_BYTES = 64 << 20  # above glibc's largest mmap threshold (32 MiB): mapped on its own


class SketchPart(NamedTuple):
    """The sketches of consecutive texts, as :func:`sketch_texts` makes them (picklable: a
    worker process can make them for :meth:`SketchStore.add_part`)."""

    digests: bytes  #: the texts' SHA-256 digests, 32 bytes each
    shingles: np.ndarray  #: each text's sorted distinct shingle hashes, concatenated
    counts: np.ndarray  #: the number of each text's shingles
    values: np.ndarray  #: the MinHash values, one ``num_perm`` row per text


def sketch_texts(
    texts: Sequence[str], *, shingle: int = 5, num_perm: int = 128, seed: int = 1
) -> SketchPart:
    """The sketches of cleaned ``texts`` at once (rows as :meth:`SketchStore.add_text` adds)."""
    digests = b"".join(hashlib.sha256(t.encode("utf-8")).digest() for t in texts)
    return SketchPart(digests, *_sketched([words(t) for t in texts], shingle, num_perm, seed))


def _sketched(tokens: list[list[str]], shingle: int, num_perm: int, seed: int):
    """Shingle hashes, their counts and the MinHash values of token lists."""
    shingles, counts = shingle_sets(tokens, shingle)
    return shingles, counts, minhash_values(shingles, counts, num_perm=num_perm, seed=seed)


class SketchStore:
    """Sketches of texts added one by one, as rows in the order added.

    Add with :meth:`add_text`, :meth:`add_sketch` or :meth:`add_part`, then call
    :meth:`finish` once; then ``ids`` (key of each row), ``index`` (row of each key),
    ``values``, ``digests``, ``sizes`` (distinct shingles per row), :meth:`shingles` and
    :meth:`similarity` of rows, :meth:`common` / :meth:`similarities` of arrays of pairs of
    rows.

    Args:
        shingle: Tokens per shingle.
        num_perm: MinHash permutations.
        seed: MinHash seed.
        batch: Texts sketched together (their shingles' permuted values are computed at once).
    """

    def __init__(self, *, shingle: int = 5, num_perm: int = 128, seed: int = 1, batch: int = 4096):
        if shingle < 1:
            raise ValueError(f"shingle must be at least 1, got {shingle}")
        self.shingle, self.num_perm, self.seed, self.batch = shingle, num_perm, seed, batch
        self.ids: list[str] = []
        self.index: dict[str, int] = {}
        self._pending: list[list[str] | Sketch] = []  # token lists of texts, or sketches
        self._digests = bytearray()
        self._parts = (  # shingles, counts, values
            _Chunks(np.uint64, ()),
            _Chunks(np.int64, ()),
            _Chunks(np.uint32, (num_perm,)),
        )

    def add_text(self, key: str, text: str) -> None:
        """Add the sketch of a cleaned text (tokens as in :mod:`.shingles`)."""
        self._add(key, hashlib.sha256(text.encode("utf-8")).digest())
        self._pending.append(words(text))
        if len(self._pending) >= self.batch:
            self._flush()

    def add_sketch(self, key: str, sketch: Sketch) -> None:
        """Add a sketch made by :func:`~analysis.stats.shingles.sketch_text` (same settings)."""
        if (sketch.shingle, sketch.num_perm, sketch.seed) != (
            self.shingle,
            self.num_perm,
            self.seed,
        ):
            raise ValueError(f"sketch of {key!r} made with other shingle/num_perm/seed")
        self._add(key, sketch.digest)
        self._pending.append(sketch)

    def add_part(self, keys: Sequence[str], part: SketchPart) -> None:
        """Add texts sketched by :func:`sketch_texts` (same settings), ``keys`` in their order."""
        if len(part.digests) != 32 * len(keys) or len(part.counts) != len(keys):
            raise ValueError(f"a part of {len(part.counts)} sketches for {len(keys)} keys")
        self._refuse_repeated(keys)  # before any row is added: a refused part adds none
        self._flush()  # the texts added before come first
        for key, at in zip(keys, range(0, len(part.digests), 32), strict=True):
            self._add(key, part.digests[at : at + 32])
        for kept, rows in zip(self._parts, part[1:], strict=True):
            kept.add(rows)

    def _refuse_repeated(self, keys: Sequence[str]) -> None:
        """:meth:`_add`'s check of many keys at once: ValueError for a key already added or
        given twice in ``keys``."""
        seen: set[str] = set()
        for key in keys:
            if key in self.index or key in seen:
                raise ValueError(f"two texts for doc_id {key!r}")
            seen.add(key)

    def _add(self, key: str, digest: bytes) -> None:
        if key in self.index:  # one key, once per text: not through _refuse_repeated's set
            raise ValueError(f"two texts for doc_id {key!r}")
        self.index[key] = len(self.ids)
        self.ids.append(key)
        self._digests += digest

    def _flush(self) -> None:
        """Sketch the pending texts into one part (shingles and MinHash values at once)."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        texts = [p for p in pending if not isinstance(p, Sketch)]
        shingles, counts, values = _sketched(texts, self.shingle, self.num_perm, self.seed)
        if len(texts) < len(pending):  # sketches among them: rows in the order added
            made = iter(zip(np.split(shingles, np.cumsum(counts)[:-1]), values, strict=True))
            rows = [
                (p.shingles, p.minhash.hashvalues) if isinstance(p, Sketch) else next(made)
                for p in pending
            ]
            shingles = np.concatenate([np.empty(0, dtype=np.uint64), *(r[0] for r in rows)])
            counts = np.array([r[0].size for r in rows], dtype=np.int64)
            values = np.array([r[1] for r in rows], dtype=np.uint32).reshape(-1, self.num_perm)
        for kept, part in zip(self._parts, (shingles, counts, values), strict=True):
            kept.add(part)

    def finish(self) -> SketchStore:
        """Join the parts into the flat arrays (call once, after the last text); ``self``."""
        self._flush()
        self._shingles, self.sizes, self.values = (part.joined() for part in self._parts)
        self.offsets = np.concatenate(([0], np.cumsum(self.sizes)))
        self.digests = np.frombuffer(bytes(self._digests), dtype="V32")
        self._digests = bytearray()
        return self

    def shingles(self, row: int) -> np.ndarray:
        """The sorted distinct shingle hashes of ``row`` (a view)."""
        return self._shingles[self.offsets[row] : self.offsets[row + 1]]

    def similarity(self, a: int, b: int) -> tuple[float, float]:
        """Exact ``(jaccard, containment)`` of rows ``a`` and ``b``
        (:func:`~analysis.stats.shingles.similarity`, the same floats)."""
        return measures(self._intersection(a, b), int(self.sizes[a]), int(self.sizes[b]))

    def similarities(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Exact Jaccard indexes and containments of rows ``a[k]`` and ``b[k]``, as two
        arrays: the floats of :func:`~analysis.stats.shingles.measures`, pair by pair (an
        integer divided by an integer once; 0.0 when a set is empty)."""
        common = self.common(a, b).astype(np.float64)
        size_a, size_b = self.sizes[a], self.sizes[b]
        smaller = np.minimum(size_a, size_b)
        with np.errstate(divide="ignore", invalid="ignore"):
            jaccard = np.where(smaller > 0, common / (size_a + size_b - common), 0.0)
            containment = np.where(smaller > 0, common / smaller, 0.0)
        return jaccard, containment

    def common(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``|A∩B|`` of the shingle sets of rows ``a[k]`` and ``b[k]``, for each ``k``.

        Each shingle of the smaller set is looked up in the other's sorted run of the flat
        array, all at once: a binary search in numpy, one step for all lookups at a time.
        """
        if len(a) < _FEW:
            return np.array([self._intersection(x, y) for x, y in zip(a, b, strict=True)])
        swap = self.sizes[a] > self.sizes[b]
        query, other = np.where(swap, b, a), np.where(swap, a, b)
        out = np.zeros(len(query), dtype=np.int64)
        counts = self.sizes[query]
        ends = np.cumsum(counts)
        cut = 0
        while cut < len(query):  # chunks of about _QUERIES shingles (at least one pair)
            stop = max(int(np.searchsorted(ends, ends[cut] - counts[cut] + _QUERIES)), cut + 1)
            out[cut:stop] = self._common(query[cut:stop], other[cut:stop])
            cut = stop
        return out

    def _intersection(self, a: int, b: int) -> int:
        return int(np.intersect1d(self.shingles(a), self.shingles(b), assume_unique=True).size)

    def _common(self, query: np.ndarray, other: np.ndarray) -> np.ndarray:
        counts = self.sizes[query]
        pair = np.repeat(np.arange(len(query)), counts)
        first = np.cumsum(counts) - counts
        flat = self._shingles
        wanted = flat[np.arange(len(pair)) - first[pair] + self.offsets[query][pair]]
        lo, end = self.offsets[other][pair], self.offsets[other + 1][pair]
        hi = end.copy()
        todo = np.flatnonzero(lo < hi)
        while todo.size:  # lo: the first position of the run whose value is >= the wanted
            mid = (lo[todo] + hi[todo]) >> 1
            right = flat[mid] < wanted[todo]
            lo[todo[right]] = mid[right] + 1
            hi[todo[~right]] = mid[~right]
            todo = todo[lo[todo] < hi[todo]]
        found = lo < end
        found[found] = flat[lo[found]] == wanted[found]
        return np.bincount(pair[found], minlength=len(query))


class _Chunks:
    """Rows of ``dtype`` (each of shape ``tail``) added part by part into chunks of at least
    ``_CHUNK_BYTES``: allocations that large are mapped from the system on their own and go
    back to it when freed, where the parts (a few MB each) kept until :meth:`joined` would
    sit among the batches' temporaries in the heap and leave it as large again, in holes,
    once freed (about 0.8 GB at a million headlines)."""

    def __init__(self, dtype, tail: tuple):
        self.dtype, self.tail = dtype, tail
        self.per_chunk = max(1, _CHUNK_BYTES // (np.dtype(dtype).itemsize * int(np.prod(tail))))
        self.chunks: list[np.ndarray] = []
        self.used = 0  # rows of the last chunk in use

    def add(self, part: np.ndarray) -> None:
        """Copy the rows of ``part`` in."""
        at = 0
        while at < len(part):
            if not self.chunks or self.used == self.per_chunk:
                self.chunks.append(np.empty((self.per_chunk, *self.tail), dtype=self.dtype))
                self.used = 0
            n = min(len(part) - at, self.per_chunk - self.used)
            self.chunks[-1][self.used : self.used + n] = part[at : at + n]
            self.used += n
            at += n

    def joined(self) -> np.ndarray:
        """All rows in one array; the chunks are let go as they are copied."""
        if self.chunks:
            self.chunks[-1] = self.chunks[-1][: self.used]
        parts, self.chunks, self.used = self.chunks, [], 0
        return _joined(parts, self.tail, self.dtype)


def _joined(parts: list[np.ndarray], tail: tuple, dtype) -> np.ndarray:
    """The concatenation of ``parts``, emptying the list as it goes (each part is freed once
    copied: the peak is the result and one part, not twice the result)."""
    out = np.empty((sum(len(p) for p in parts), *tail), dtype=dtype)
    at = 0
    parts.reverse()
    while parts:
        part = parts.pop()
        out[at : at + len(part)] = part
        at += len(part)
    return out
