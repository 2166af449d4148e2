"""The sketches of a whole corpus in a few flat arrays (for :mod:`.reuse`).

A :class:`~analysis.stats.shingles.Sketch` per text costs a few KB of Python and numpy objects
(a ``LeanMinHash``, its arrays, the shingle array, the digest); a million headlines took 5.6
GB that way. :class:`SketchStore` holds one row per text instead: the MinHash values in one
``(n, num_perm)`` uint32 matrix, the sorted shingle hashes of all texts concatenated (uint64)
with their offsets, and the SHA-256 digests in one ``S32`` array — about 4·num_perm + 8 per
shingle + 40 bytes per text. Texts are sketched in batches
(:func:`~analysis.stats.shingles.minhash_values`): the same numbers as
:func:`~analysis.stats.shingles.sketch_text`, whose sketches can be added as they are.
"""

from __future__ import annotations

import hashlib

import numpy as np

from analysis.stats.shingles import (
    Sketch,
    minhash_values,
    set_similarity,
    shingle_hashes,
    words,
)

__all__ = ["SketchStore"]


class SketchStore:
    """Sketches of texts added one by one, as rows in the order added.

    Add with :meth:`add_text` or :meth:`add_sketch`, then call :meth:`finish` once; then
    ``ids`` (key of each row), ``index`` (row of each key), ``values``, ``digests``,
    ``sizes`` (distinct shingles per row) and :meth:`shingles` / :meth:`similarity` of rows.

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
        self._pending: list[tuple[np.ndarray, np.ndarray | None]] = []
        self._digests = bytearray()
        self._parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add_text(self, key: str, text: str) -> None:
        """Add the sketch of a cleaned text (tokens as in :mod:`.shingles`)."""
        self._add(key, hashlib.sha256(text.encode("utf-8")).digest())
        self._pending.append((shingle_hashes(words(text), self.shingle), None))
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
        values = np.asarray(sketch.minhash.hashvalues, dtype=np.uint32)
        self._pending.append((sketch.shingles, values))

    def _add(self, key: str, digest: bytes) -> None:
        if key in self.index:
            raise ValueError(f"two texts for doc_id {key!r}")
        self.index[key] = len(self.ids)
        self.ids.append(key)
        self._digests += digest

    def _flush(self) -> None:
        """Sketch the pending texts into one part (MinHash values of all of them at once)."""
        if not self._pending:
            return
        counts = np.array([s.size for s, _ in self._pending], dtype=np.int64)
        todo = [i for i, (_, v) in enumerate(self._pending) if v is None]
        values = np.empty((len(counts), self.num_perm), dtype=np.uint32)
        if todo:
            shingles = [self._pending[i][0] for i in todo]
            values[todo] = minhash_values(
                np.concatenate(shingles), counts[todo], num_perm=self.num_perm, seed=self.seed
            )
        for i, (_, v) in enumerate(self._pending):
            if v is not None:
                values[i] = v
        self._parts.append((np.concatenate([s for s, _ in self._pending]), counts, values))
        self._pending = []

    def finish(self) -> SketchStore:
        """Join the parts into the flat arrays (call once, after the last text); ``self``."""
        self._flush()
        parts, self._parts = self._parts, []
        empty = np.empty(0, dtype=np.uint64)
        self._shingles = np.concatenate([empty, *(p[0] for p in parts)])
        self.sizes = np.concatenate([np.empty(0, dtype=np.int64), *(p[1] for p in parts)])
        self.offsets = np.concatenate(([0], np.cumsum(self.sizes)))
        shape = (0, self.num_perm)
        self.values = np.concatenate([np.empty(shape, dtype=np.uint32), *(p[2] for p in parts)])
        self.digests = np.frombuffer(bytes(self._digests), dtype="S32")
        self._digests = bytearray()
        return self

    def shingles(self, row: int) -> np.ndarray:
        """The sorted distinct shingle hashes of ``row`` (a view)."""
        return self._shingles[self.offsets[row] : self.offsets[row + 1]]

    def similarity(self, a: int, b: int) -> tuple[float, float]:
        """Exact ``(jaccard, containment)`` of rows ``a`` and ``b``
        (:func:`~analysis.stats.shingles.similarity`)."""
        return set_similarity(self.shingles(a), self.shingles(b))
