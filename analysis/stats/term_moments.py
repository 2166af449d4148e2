"""The terms table summed per group as it streams, for keyness without the terms rows.

A million headlines' terms are 25 million rows; the keyness of groups that all have more
than :data:`~analysis.stats.keyness_ci.BOOTSTRAP_MAX_DOCS` documents needs only per-group
sums of them: each term's count (the log-odds ratio), and the per-document moments of the
normal approximation of its bootstrap (:class:`~analysis.stats.keyness_normal.SideMoments`).
:class:`TermMoments` adds each batch of rows to those sums and lets the rows go;
:func:`analysis.stats.keyness.keyness_of_moments` and
:func:`analysis.stats.keyness_ci.keyness_intervals_of_moments` compute the same tables from
them as :func:`~analysis.stats.keyness.keyness` and
:func:`~analysis.stats.keyness_ci.keyness_intervals` from the rows (every sum is of whole
numbers, exact in float64 in any order: the same bytes).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.stats.keyness_normal import SideMoments

__all__ = ["GroupMoments", "TermMoments", "moments_suffice"]

#: Rows gathered before they are added to the sums (bounds the buffers to ~100 MB).
FLUSH_ROWS = 1 << 21


class GroupMoments(NamedTuple):
    """The sums of :class:`TermMoments`: sorted groups, the sorted vocabulary, and each
    group's :class:`~analysis.stats.keyness_normal.SideMoments` over that vocabulary."""

    groups: list[str]
    vocab: np.ndarray
    sides: dict[str, SideMoments]


def moments_suffice(sizes: Mapping[str, int], max_docs: int) -> bool:
    """Whether keyness of groups of these ``sizes`` (documents per group) needs no document
    rows: every comparison's sides have more than ``max_docs`` documents (the normal
    approximation of its bootstrap), or there is no comparison (fewer than two groups)."""
    return len(sizes) < 2 or min(sizes.values()) > max(max_docs, 1)


class TermMoments:
    """Per-group sums of a terms table (``doc_id, term, count``), added batch by batch.

    Args:
        stop_words: Leave out spaCy's English stop words (as keyness' ``stop_words``: also
            from each document's total).
        exclude: Documents not counted (those a dedupe policy drops).
    """

    def __init__(self, *, stop_words: bool = False, exclude: Collection[str] = ()) -> None:
        self.stop_words = stop_words
        self.exclude = frozenset(exclude)
        self._groups: dict[str, int] = {}
        self._vocab: dict[str, int] = {}
        self._m: list[int] = []
        self._s_n: list[float] = []
        self._s_nn: list[float] = []
        self._sums = np.zeros((4, 0, 0))  # s_c, s_cc, s_cn, k × group × term
        self._buffer: list[tuple[np.ndarray, ...]] = []
        self._buffered = 0

    def add(
        self,
        doc_ids: Sequence[str],
        groups: Sequence[str],
        row_doc_ids: Sequence[str],
        terms: Sequence[str],
        counts: Sequence[int],
    ) -> None:
        """Add a batch: its documents (every one, also those without terms) with their
        groups, and its terms rows (one per document and term, of these documents only)."""
        pairs = zip(doc_ids, groups, strict=True)
        group_of = np.array(
            [-1 if d in self.exclude else self._group(g) for d, g in pairs], dtype=np.int64
        )
        for g, n in enumerate(np.bincount(group_of[group_of >= 0], minlength=len(self._m))):
            self._m[g] += int(n)
        if not len(terms):
            return
        local, uniq = pd.factorize(_values(row_doc_ids))
        where = {d: i for i, d in enumerate(doc_ids)}
        try:
            doc = np.array([where[d] for d in uniq], dtype=np.int64)[local]
        except KeyError as e:
            raise ValueError(f"TermMoments.add: terms of {e.args[0]!r}, not of the batch") from None
        t_local, t_uniq = pd.factorize(_values(terms))
        vocab, stop = self._vocab, _stop_words() if self.stop_words else frozenset()
        term = np.array([vocab.setdefault(t, len(vocab)) for t in t_uniq], dtype=np.int64)
        dropped = np.array([t in stop for t in t_uniq], dtype=bool)[t_local]
        term, count = term[t_local], np.asarray(counts, dtype="float64")
        kept = (group_of[doc] >= 0) & ~dropped
        doc, term, count = doc[kept], term[kept], count[kept]
        totals = np.bincount(doc, weights=count, minlength=len(doc_ids))  # N_d
        for g in np.unique(group_of[group_of >= 0]):
            n_d = totals[group_of == g]
            self._s_n[g] += float(n_d.sum())
            self._s_nn[g] += float(n_d @ n_d)
        self._buffer.append((group_of[doc], term, count, totals[doc]))
        self._buffered += len(term)
        if self._buffered >= FLUSH_ROWS:
            self._flush()

    def _group(self, g: str) -> int:
        code = self._groups.setdefault(str(g), len(self._groups))
        if code == len(self._m):
            self._m.append(0)
            self._s_n.append(0.0)
            self._s_nn.append(0.0)
        return code

    def _flush(self) -> None:
        """Add the buffered rows to the sums."""
        if not self._buffer:
            return
        g, t, c, n = (np.concatenate(parts) for parts in zip(*self._buffer, strict=True))
        self._buffer, self._buffered = [], 0
        n_groups, n_terms = len(self._groups), len(self._vocab)
        sums = np.zeros((4, n_groups, n_terms))
        sums[:, : self._sums.shape[1], : self._sums.shape[2]] = self._sums
        cell = g * n_terms + t
        for i, weights in enumerate((c, c * c, c * n, None)):
            sums[i] += np.bincount(cell, weights=weights, minlength=n_groups * n_terms).reshape(
                n_groups, n_terms
            )
        self._sums = sums

    def result(self) -> GroupMoments:
        """The sums so far: groups sorted, the terms (sorted) counted in some group."""
        self._flush()
        n_groups, n_terms = len(self._groups), len(self._vocab)
        sums = np.zeros((4, n_groups, n_terms))
        sums[:, : self._sums.shape[1], : self._sums.shape[2]] = self._sums
        vocab = np.asarray(list(self._vocab), dtype=object)
        used = np.flatnonzero(sums[3].sum(axis=0) > 0)
        used = used[np.argsort(vocab[used], kind="stable")]
        sides = {}
        for name, g in self._groups.items():
            s_c, s_cc, s_cn, k = (s[g, used] for s in sums)
            sides[name] = SideMoments(
                self._m[g], s_c, s_cc, s_cn, self._s_n[g], self._s_nn[g], k.astype(np.int64)
            )
        return GroupMoments(sorted(sides), vocab[used], sides)


def _values(column):
    """A column for ``pd.factorize``: an array as it is, a list as an object array."""
    return np.asarray(column, dtype=object) if isinstance(column, list) else column


def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return STOP_WORDS
