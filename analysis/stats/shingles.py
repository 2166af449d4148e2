"""Word shingles, MinHash sketches and shared passages of cleaned texts (for :mod:`.reuse`).

Tokens are maximal runs of Unicode word characters (``\\w+``: letters, digits, underscore)
of the text lowercased with ``str.lower`` (:func:`word_spans`, for display, lowercases each
token instead, which differs only where lowercasing depends on the neighbours or changes the
length, as for a final "Σ" or "İ"); punctuation, whitespace and line breaks are dropped, so a
re-wrapped or re-punctuated copy has the same tokens. (Scripts written without spaces would
give one token per run; the corpora are English.) A shingle is ``shingle`` consecutive tokens;
a text of fewer tokens is one shingle of all of them, a text without a token has none.

Each shingle is kept as a 64-bit hash: every token is hashed with BLAKE2b (8 bytes), the
``shingle`` token hashes are combined as a polynomial modulo 2**64 and mixed with MurmurHash3's
finalizer. Hashes do not depend on ``PYTHONHASHSEED``, the machine or the process. The high
32 bits of each shingle hash feed a ``datasketch`` MinHash (``num_perm`` permutations, ``seed``,
its default ``affine32`` scheme); :func:`minhash_values` computes the same values for many
texts at once with numpy (datasketch's formula: MurmurHash3's 32-bit finalizer, then
``a·h + b`` modulo 2**32 per permutation, the minimum over the shingles).
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from datasketch import LeanMinHash

__all__ = [
    "Sketch",
    "minhash_values",
    "measures",
    "shared_passages",
    "shingle_hashes",
    "shingle_sets",
    "similarity",
    "sketch_text",
    "word_spans",
    "words",
]

_WORD = re.compile(r"\w+")
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # odd: the polynomial combination of token hashes
_EMPTY = np.uint32(0xFFFFFFFF)  # datasketch's value of a MinHash without any shingle
_SLICE = 1 << 12  # shingles whose permuted values are held at once (num_perm × 4 bytes each)


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, token)`` of each word of ``text``: character offsets, lowercased token."""
    return [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]


def words(text: str) -> list[str]:
    """The word tokens of ``text`` lowercased (the tokenisation of the whole module)."""
    return _WORD.findall(text.lower())


class _TokenHashes(dict):
    """BLAKE2b (8 bytes, little-endian) of each token, remembered (at most ``_TOKENS``)."""

    def __missing__(self, token: str) -> int:
        if len(self) >= _TOKENS:
            self.clear()
        digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
        value = self[token] = int.from_bytes(digest, "little")
        return value


_TOKENS = 1 << 18
_token_hash = _TokenHashes()


def _fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer (an avalanching bijection), element-wise."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def shingle_hashes(tokens: list[str], shingle: int) -> np.ndarray:
    """Sorted unique 64-bit hashes of the ``shingle``-token shingles of ``tokens``."""
    return shingle_sets([tokens], shingle)[0]


def shingle_sets(texts: Sequence[list[str]], shingle: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`shingle_hashes` of the token lists of many texts at once.

    Returns:
        The texts' sorted unique hashes, concatenated, and the number of each text's.
    """
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    tok = np.fromiter(
        map(_token_hash.__getitem__, chain.from_iterable(texts)), np.uint64, int(lengths.sum())
    )
    widths = np.minimum(lengths, shingle)
    starts = np.where(lengths > 0, lengths - widths + 1, 0)  # shingles of each text
    text = np.repeat(np.arange(len(texts)), starts)
    first = np.arange(len(text)) - np.repeat(np.cumsum(starts) - starts, starts)
    first += np.repeat(np.cumsum(lengths) - lengths, starts)  # position of its first token
    width = widths[text]
    h = np.zeros(len(text), dtype=np.uint64)
    for i in range(shingle):  # uint64 arrays wrap around: the combination is mod 2**64
        at = np.minimum(first + i, max(len(tok) - 1, 0))
        h = np.where(i < width, h * _MULTIPLIER + tok[at], h) if len(tok) else h
    h = _fmix64(h + width.astype(np.uint64))
    order = np.lexsort((h, text))  # by text, then hash
    h, text = h[order], text[order]
    keep = np.r_[True, (h[1:] != h[:-1]) | (text[1:] != text[:-1])][: len(h)]
    return h[keep], np.bincount(text[keep], minlength=len(texts))


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, element-wise (datasketch's pre-mix of its inputs)."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def minhash_values(
    shingles: np.ndarray, counts: np.ndarray, *, num_perm: int = 128, seed: int = 1
) -> np.ndarray:
    """MinHash values of many texts at once, equal to those of :func:`sketch_text`.

    Args:
        shingles: The texts' shingle hashes (:func:`shingle_hashes`), concatenated.
        counts: Number of shingles of each text, in the order of ``shingles``.
        num_perm: Permutations.
        seed: Seed of the permutations.

    Returns:
        ``(len(counts), num_perm)`` uint32 array: row ``i`` is text ``i``'s ``hashvalues``
        (all ``2**32 - 1`` for a text without a shingle).
    """
    a, b = (np.asarray(p, dtype=np.uint32) for p in _template(num_perm, seed).permutations)
    out = np.full((len(counts), num_perm), _EMPTY, dtype=np.uint32)
    offsets = np.concatenate(([0], np.cumsum(counts, dtype=np.int64)))
    owners = np.flatnonzero(np.diff(offsets))  # texts with a shingle
    starts = offsets[owners]
    for lo in range(0, len(shingles), _SLICE):
        hi = min(lo + _SLICE, len(shingles))
        hv = _fmix32((shingles[lo:hi] >> np.uint64(32)).astype(np.uint32))
        # the texts with a shingle in [lo, hi): the first may have started before lo
        first = np.searchsorted(starts, lo, side="right") - 1
        texts = owners[first : np.searchsorted(starts, hi)]
        cuts = np.maximum(offsets[texts], lo) - lo
        mins = np.minimum.reduceat(hv[:, None] * a + b, cuts, axis=0)
        out[texts] = np.minimum(out[texts], mins)
    return out


@lru_cache(maxsize=8)
def _template(num_perm: int, seed: int):
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=seed, hashfunc=int)


@dataclass(frozen=True, slots=True)
class Sketch:
    """What :func:`find_reuse` keeps of one text: its digest, shingle set and MinHash.

    ``digest`` is the SHA-256 of the cleaned text, ``shingles`` the sorted unique 64-bit
    shingle hashes (8 bytes each) and ``minhash`` a ``datasketch.LeanMinHash``; picklable, so
    sketches can be computed in worker processes and passed to :func:`find_reuse`.
    """

    digest: bytes
    shingles: np.ndarray
    minhash: LeanMinHash
    shingle: int
    num_perm: int
    seed: int

    @property
    def size(self) -> int:
        """Number of distinct shingles."""
        return int(self.shingles.size)


def sketch_text(text: str, *, shingle: int = 5, num_perm: int = 128, seed: int = 1) -> Sketch:
    """The :class:`Sketch` of one cleaned text (see the module docstring for the tokens)."""
    from datasketch import LeanMinHash

    if shingle < 1:
        raise ValueError(f"shingle must be at least 1, got {shingle}")
    shingles = shingle_hashes(words(text), shingle)
    minhash = _template(num_perm, seed).copy()
    minhash.update_batch((shingles >> np.uint64(32)).tolist())
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return Sketch(digest, shingles, LeanMinHash(minhash), shingle, num_perm, seed)


def similarity(a: Sketch, b: Sketch) -> tuple[float, float]:
    """Exact ``(jaccard, containment)`` of two sketches' shingle sets (0.0 when one is empty).

    ``containment`` is ``|A∩B| / min(|A|, |B|)``: 1.0 when the smaller text is inside the other.
    """
    common = int(np.intersect1d(a.shingles, b.shingles, assume_unique=True).size)
    return measures(common, a.size, b.size)


def measures(common: int, size_a: int, size_b: int) -> tuple[float, float]:
    """``(jaccard, containment)`` of two sets of ``size_a`` and ``size_b`` elements that have
    ``common`` elements in common (0.0 when one is empty)."""
    if size_a == 0 or size_b == 0:
        return 0.0, 0.0
    return common / (size_a + size_b - common), common / min(size_a, size_b)


def shared_passages(
    text_a: str, text_b: str, *, min_words: int = 8
) -> list[tuple[int, int, int, int, str]]:
    """Passages of at least ``min_words`` consecutive tokens found in both texts.

    ``difflib.SequenceMatcher`` (no automatic junk) aligns the two token sequences; passages
    come in the order they appear in both texts, so a passage moved elsewhere is found only if
    it does not cross a longer one. Meant for display of one pair, not for every pair.

    Returns:
        ``(start_a, end_a, start_b, end_b, text)`` per passage: character offsets into the
        given texts (from the first token's start to the last token's end) and
        ``text_a[start_a:end_a]``.
    """
    if min_words < 1:
        raise ValueError(f"min_words must be at least 1, got {min_words}")
    spans_a, spans_b = word_spans(text_a), word_spans(text_b)
    matcher = difflib.SequenceMatcher(
        None, [t for _, _, t in spans_a], [t for _, _, t in spans_b], autojunk=False
    )
    out = []
    for i, j, n in matcher.get_matching_blocks():
        if n >= min_words:
            sa, ea = spans_a[i][0], spans_a[i + n - 1][1]
            sb, eb = spans_b[j][0], spans_b[j + n - 1][1]
            out.append((sa, ea, sb, eb, text_a[sa:ea]))
    return out
