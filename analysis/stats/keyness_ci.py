"""Keyness with document-level uncertainty: a bootstrap over documents of the log-odds ratio.

:func:`analysis.stats.keyness.keyness` scores every term with the Monroe–Colaresi–Quinn
log-odds ratio with an informative Dirichlet prior; its ``z`` treats every word as an
independent draw, which overstates certainty when terms cluster in documents (an article
about a summit says "summit" twenty times). :func:`keyness_intervals` keeps the same point
estimate and adds a percentile interval from resampling **documents**: the group's documents
and the reference's documents are each drawn with replacement, the counts of every term are
summed over the drawn documents and the log-odds ratio is recomputed, with the prior fixed at
the full corpus's (it is a prior, not an estimate). The resampled counts of all terms come
from one sparse document × term matrix product per block of resamples (20,000 terms ×
20,000 documents, 6 comparisons, 2,000 resamples: about 30 s, ``bench/bench_keyness_ci.py``).
Above :data:`BOOTSTRAP_MAX_DOCS` documents on both sides a comparison uses the bootstrap's
normal approximation instead (:mod:`analysis.stats.keyness_normal`, one pass over the counts;
``ci_method``), 38 times faster on 20,000 headlines, bounds within a median 0.7 % of the
bootstrap's width (``bench/bench_keyness_normal.py``).

What the interval covers (``bench/bench_calibration.py``, 1,000 simulated corpora of 3
origins × 3 outlets with gamma-Poisson documents and outlet effects): the log-odds ratio of
*these outlets'* documents — 94–95 % of 95 % intervals with 50 or 500 documents per group,
but only 86–87 % with 5 (a percentile bootstrap of 5 documents is too narrow, and the prior
shrinks small groups). It does not cover the differences *between outlets* of a group: as a
statement about origins in general (other outlets) it covers 85 % at 50 documents and 61 % at
500. The word-level ``z`` of ``keyness`` is far worse: |z| > 1.96 for 25–46 % of terms whose
true ratio is 1.
"""

from __future__ import annotations

import warnings
from itertools import combinations
from typing import Literal

import numpy as np
import pandas as pd

from analysis.stats.groups import Labels, labels, row_slices, sorted_labels
from analysis.stats.keyness import REST, CompareError
from analysis.stats.term_moments import GroupMoments

__all__ = [
    "BOOTSTRAP_MAX_DOCS",
    "KEYNESS_CI_COLUMNS",
    "keyness_intervals",
    "keyness_intervals_of_moments",
]

#: Columns of :func:`keyness_intervals`.
KEYNESS_CI_COLUMNS: tuple[str, ...] = (
    "comparison",
    "group",
    "reference",
    "term",
    "log_odds",
    "log_odds_ci_low",
    "log_odds_ci_high",
    "ci_method",
    "doc_share_group",
    "doc_share_reference",
    "n_docs_group",
    "n_docs_reference",
)

#: Above this many documents on *both* sides a comparison's interval is the normal
#: approximation of the bootstrap (:mod:`analysis.stats.keyness_normal`), whose cost does not
#: grow with the resamples (``bench/bench_keyness_normal.py`` measures the agreement).
BOOTSTRAP_MAX_DOCS = 2_000

# float32 products are exact while every resampled count stays below 2**24
_EXACT_FLOAT32 = 2**24
# rows of resampled log-odds turned into percentiles at once (bounds float64 temporaries)
_PERCENTILE_ROWS = 1024
# terms x resamples cells of one sparse product (bounds the temporaries to ~8 MB each)
_PIECE_CELLS = 2_000_000


def _log_odds(yi, yj, ni, nj, a, alpha0: float):
    """δ of :func:`analysis.stats.keyness.keyness`, the same operations in the same order."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log((yi + a) / (ni + alpha0 - yi - a)) - np.log((yj + a) / (nj + alpha0 - yj - a))


def _matrix(terms: pd.DataFrame, documents: pd.DataFrame, by: str, stop_words: bool):
    """Groups, sorted vocabulary, doc × term CSR counts, the groups of the documents sorted
    by group and id, and the row of each of these documents in the matrix."""

    for name, df, cols in (
        ("terms", terms, ["doc_id", "term", "count"]),
        ("documents", documents, ["doc_id", by]),
    ):
        if not isinstance(df, pd.DataFrame):
            raise CompareError(f"{name}: expected a pandas DataFrame, got {type(df).__name__}")
        if missing := [c for c in cols if c not in df.columns]:
            raise CompareError(f"{name} table is missing column(s) {missing}")
    if documents[by].isna().any() or documents["doc_id"].duplicated().any():
        raise CompareError(f"documents table: duplicate doc_id or empty {by!r}")
    if terms["term"].isna().any():
        raise CompareError("terms table: column 'term' has empty values")
    if stop_words:
        from spacy.lang.en.stop_words import STOP_WORDS

        terms = terms[~terms["term"].isin(STOP_WORDS)]
    counts = _whole_counts(terms["count"])
    docs = pd.DataFrame(
        {"doc_id": documents["doc_id"].astype(str), "group": documents[by].astype(str)}
    ).sort_values(["group", "doc_id"], kind="stable")
    # 32-bit indices when they fit (as scipy would choose): a million headlines are 25
    # million rows, and each of these arrays is one of them; the vocabulary sorted, as keyness'
    index = np.int32 if max(len(docs), len(terms)) < 2**31 else np.int64
    term_labels = sorted_labels(terms["term"], index)
    vocab = term_labels.uniques
    # the long column's raw codes, then its (few) distinct values looked up: looking up
    # every row would make a Python string of each
    doc_labels = labels(terms["doc_id"])
    if len(doc_labels.raw) and doc_labels.raw.min() < 0:
        raise CompareError("terms table: column 'doc_id' has empty values")
    d_uniq = doc_labels.uniques
    if (pd.Index(docs["doc_id"]).get_indexer(d_uniq) < 0).any():
        raise CompareError("terms table: some doc_id values are not in the documents table")
    if counts.sum() < 2**31:  # every sum of counts fits in 32 bits (scipy sums in 64 anyway)
        counts = counts.astype(np.int32)
    # a row per document: those of the terms table by their code, then those without terms
    order = pd.Index(d_uniq).get_indexer(docs["doc_id"])
    absent = order < 0
    order[absent] = len(d_uniq) + np.arange(int(absent.sum()))
    x = _csr(doc_labels, term_labels.codes(), counts, (len(docs), len(vocab)), index)
    return sorted(set(docs["group"])), vocab, x, docs["group"].to_numpy(), order


def _csr(rows: Labels, col: np.ndarray, counts: np.ndarray, shape: tuple, index: type):
    """The CSR matrix of the ``(row, col, counts)`` triples, duplicates summed (row codes of
    ``rows``). Rows in order (a run's terms: each document's rows together) make it in
    place, without the coordinate format's copies of every row."""
    import scipy.sparse as sp

    per_row = np.zeros(shape[0], dtype=np.int64)
    last = -1
    for part in row_slices(len(col)):
        row = rows.codes(part)
        if len(row) and (row[0] < last or (row[1:] < row[:-1]).any()):
            row = rows.codes().astype(index, copy=False)
            x = sp.csr_matrix((counts, (row, col)), shape=shape)
            break
        per_row += np.bincount(row, minlength=shape[0])
        last = row[-1] if len(row) else last
    else:
        indptr = np.concatenate(([0], np.cumsum(per_row))).astype(index)
        x = sp.csr_matrix((counts, col, indptr), shape=shape)
    x.sum_duplicates()  # (sorts each row's columns first)
    return x


def _whole_counts(column: pd.Series) -> np.ndarray:
    """``column`` as int64 counts (no copy when it is one), raising unless every value is a
    non-negative whole number."""
    if column.dtype.kind in "iu":
        counts = column.to_numpy(dtype="int64")
        if len(counts) and counts.min() < 0:
            raise CompareError("terms table: column 'count' must hold non-negative whole numbers")
        return counts
    counts = pd.to_numeric(column, errors="coerce").to_numpy(dtype="float64")
    if not (np.isfinite(counts) & (counts >= 0) & (counts == np.floor(counts))).all():
        raise CompareError("terms table: column 'count' must hold non-negative whole numbers")
    return counts.astype("int64")


def _side(sub, tested: np.ndarray):
    """Doc totals and doc shares of the tested terms of one side's doc × term CSR ``sub``."""
    totals = np.asarray(sub.sum(axis=1), dtype="float64").ravel()
    used = np.bincount(sub.indices, minlength=sub.shape[1])  # documents using each term
    return totals, used[tested] / sub.shape[0]


def _term_major(sub, tested: np.ndarray):
    """Term × doc CSR of the tested terms, float32 when its resampled sums stay exact."""
    xt = sub[:, tested].T.tocsr()
    exact = xt.nnz == 0 or int(xt.data.max()) * sub.shape[0] < _EXACT_FLOAT32
    return xt.astype("float32" if exact else "float64")


def _aligned(n_g: int, key_g: tuple, n_r: int, key_r: tuple, n_resamples: int, seed: int):
    """``(start, weights_g, weights_r)`` pieces of the two sides' resamples, aligned.

    Each side draws its resamples with :func:`analysis.stats.bootstrap.resample_weights`
    (its own generator, block sizes depending on its number of documents); the pieces cut
    both streams at the union of their block boundaries.
    """
    from analysis.stats.bootstrap import resample_weights

    streams = [
        resample_weights(n, n_resamples=n_resamples, seed=seed, key=key)
        for n, key in ((n_g, key_g), (n_r, key_r))
    ]
    current = [next(s) for s in streams]
    lo = 0
    while lo < n_resamples:
        ends = [start + w.shape[0] for start, w in current]
        hi = min(ends)
        yield lo, *(w[lo - start : hi - start] for start, w in current)
        for k, end in enumerate(ends):
            if end == hi and hi < n_resamples:
                current[k] = next(streams[k])
        lo = hi


def _resampled_log_odds(y_g, y_r, n_g, n_r, a, alpha0: float) -> np.ndarray:
    """δ of resampled counts (terms × resamples), float32, with one log and few temporaries.

    ``log(((y_g+a)·(n_r+α0−y_r−a)) / ((n_g+α0−y_g−a)·(y_r+a)))``: the keyness formula
    rearranged (the same value up to float32 rounding, far below the Monte-Carlo error).
    """
    y_g, y_r = y_g.astype("float32", copy=False), y_r.astype("float32", copy=False)
    a = a.astype("float32")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        num = y_g + a
        num *= (n_r.astype("float32") + np.float32(alpha0) - a) - y_r
        den = (n_g.astype("float32") + np.float32(alpha0) - a) - y_g
        den *= y_r + a
        num /= den
        return np.log(num, out=num)


def _percentile_bounds(deltas: np.ndarray, confidence: float) -> np.ndarray:
    """Rows' ``(1 ± confidence) / 2`` percentiles (linear interpolation, as numpy's default).

    ``deltas`` (terms × resamples, float32) is partitioned in place; rows with a non-finite
    value (e.g. a vocabulary of one term) ignore those values (NaN when all are).
    """
    n = deltas.shape[1]
    bounds = np.empty((deltas.shape[0], 2))
    bad = ~np.isfinite(deltas).all(axis=1)
    q = 50.0 * (1.0 - confidence)
    if bad.any():
        block = deltas[bad].astype("float64")
        block[~np.isfinite(block)] = np.nan
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)
            bounds[bad] = np.nanpercentile(block, [q, 100.0 - q], axis=1).T
    good = np.flatnonzero(~bad)
    h = np.array([q, 100.0 - q]) / 100.0 * (n - 1)
    lower = np.floor(h).astype("int64")
    upper = np.minimum(lower + 1, n - 1)
    kth = sorted(set(lower.tolist()) | set(upper.tolist()))
    for lo in range(0, len(good), _PERCENTILE_ROWS):
        rows = good[lo : lo + _PERCENTILE_ROWS]
        part = np.partition(deltas[rows], kth, axis=1).astype("float64")
        low, up = part[:, lower], part[:, upper]
        bounds[rows] = low + (up - low) * (h - lower)
    return bounds


def _intervals(sides, alpha, alpha0, n_resamples, seed, confidence) -> np.ndarray:
    """``n_tested × 2`` percentile bounds of the resampled log-odds (group vs reference)."""
    (xt_g, tot_g, key_g), (xt_r, tot_r, key_r) = sides
    n_terms = xt_g.shape[0]
    deltas = np.empty((n_terms, n_resamples), dtype="float32")
    a = alpha[:, None]
    step = max(1, _PIECE_CELLS // max(n_terms, 1))  # resamples per product: bounded memory
    pieces = _aligned(len(tot_g), key_g, len(tot_r), key_r, n_resamples, seed)
    for start, w_g, w_r in pieces:
        for lo in range(0, w_g.shape[0], step):
            wg, wr = w_g[lo : lo + step], w_r[lo : lo + step]
            y_g = xt_g @ np.ascontiguousarray(wg.T, dtype=xt_g.dtype)
            y_r = xt_r @ np.ascontiguousarray(wr.T, dtype=xt_r.dtype)
            d = _resampled_log_odds(
                y_g, y_r, (wg @ tot_g)[None, :], (wr @ tot_r)[None, :], a, alpha0
            )
            deltas[:, start + lo : start + lo + wg.shape[0]] = d
    return _percentile_bounds(deltas, confidence)


def _jobs(groups: list[str], comparisons: str, by: str):
    """``(comparison, group, reference, groups of the group side, groups of the reference
    side)`` as in ``keyness``."""
    jobs = []
    if comparisons in ("one-vs-rest", "both") and len(groups) >= 2:
        if REST in groups:
            raise CompareError(f"keyness_intervals: a group is named {REST!r} (column {by!r})")
        for g in groups:
            jobs.append((f"{g} vs {REST}", g, REST, [g], [h for h in groups if h != g]))
    if comparisons in ("pairwise", "both"):
        for a, b in combinations(groups, 2):
            jobs.append((f"{a} vs {b}", a, b, [a], [b]))
    return jobs


class _Blocks:
    """The documents of each group (sorted by group, then id: one block each) and their
    rows in the doc × term matrix ``x``, with each group's
    :func:`~analysis.stats.keyness_normal.block_moments` computed once."""

    def __init__(self, x, group_of: np.ndarray, order: np.ndarray):
        starts = np.flatnonzero(np.r_[True, group_of[1:] != group_of[:-1]]) if len(group_of) else []
        ends = [*starts[1:], len(group_of)]
        self.spans = {group_of[lo]: (int(lo), int(hi)) for lo, hi in zip(starts, ends, strict=True)}
        if len(self.spans) != len(starts):
            raise ValueError("keyness_intervals: documents not sorted by group")
        self.x, self.order, self.group_of, self._moments = x, order, group_of, {}

    def size(self, groups: list[str]) -> int:
        return sum(self.spans[g][1] - self.spans[g][0] for g in groups)

    def side(self, groups: list[str]):
        """The doc × term rows of the documents of ``groups``, copied in their order."""
        return self.x[self.order[np.flatnonzero(np.isin(self.group_of, groups))]]

    def moments(self, groups: list[str]):
        """The :class:`~analysis.stats.keyness_normal.SideMoments` of the groups' documents."""
        from analysis.stats.keyness_normal import added_moments, block_moments

        for g in groups:
            if g not in self._moments:
                lo, hi = self.spans[g]
                self._moments[g] = block_moments(self.x, self.order[lo:hi])
        return added_moments([self._moments[g] for g in groups])


def _bounds(sides, delta, a, options) -> tuple[np.ndarray, str]:
    """The bootstrap bounds of one comparison and their ``ci_method`` (see :func:`_comparison`)."""
    (sub_g, tot_g, key_g), (sub_r, tot_r, key_r), tested = sides
    alpha0, _, n_resamples, seed, confidence, _ = options
    if min(sub_g.shape[0], sub_r.shape[0]) < 2 or not len(tested):  # one document: no spread
        return np.full((len(tested), 2), np.nan), ""
    term_major = (
        (_term_major(sub_g, tested), tot_g, key_g),
        (_term_major(sub_r, tested), tot_r, key_r),
    )
    return _intervals(term_major, a, alpha0, n_resamples, seed, confidence), "bootstrap"


def _comparison(vocab, job, alpha, options, blocks: _Blocks):
    """The rows of one comparison ``job`` (see :func:`_jobs`) as a table.

    ``options``: ``(alpha0, min_count, n_resamples, seed, confidence, bootstrap_max_docs)``.
    The normal approximation reads the sides' moments from ``blocks`` (no copy of their
    rows); the bootstrap copies each side's rows once.
    """
    label, g, ref, side_g, side_r = job
    alpha0, min_count, *_, confidence, max_docs = options
    n_g, n_r = blocks.size(side_g), blocks.size(side_r)
    normal = max_docs is not None and min(n_g, n_r) > max(max_docs, 1)
    if normal:
        moments = blocks.moments(side_g), blocks.moments(side_r)
        y_g, y_r = (m.s_c for m in moments)
    else:
        sub_g, sub_r = blocks.side(side_g), blocks.side(side_r)  # rows copied once
        y_g = np.asarray(sub_g.sum(axis=0)).ravel()
        y_r = np.asarray(sub_r.sum(axis=0)).ravel()
    tested = np.flatnonzero((y_g + y_r > 0) & (y_g + y_r >= min_count))
    a = alpha[tested]
    delta = _log_odds(
        y_g[tested].astype("float64"),
        y_r[tested].astype("float64"),
        float(y_g.sum()),
        float(y_r.sum()),
        a,
        alpha0,
    )
    if normal:
        from analysis.stats.keyness_normal import normal_bounds, tested_moments

        side_g_moments, side_r_moments = (tested_moments(m, tested) for m in moments)
        share_g, share_r = side_g_moments.k / n_g, side_r_moments.k / n_r
        bounds, method = np.full((len(tested), 2), np.nan), ""
        if len(tested):
            bounds = normal_bounds(delta, side_g_moments, side_r_moments, a, alpha0, confidence)
            method = "normal"
    else:
        tot_g, share_g = _side(sub_g, tested)
        tot_r, share_r = _side(sub_r, tested)
        key_r = (g, REST) if ref == REST else (ref,)
        sides = ((sub_g, tot_g, (g,)), (sub_r, tot_r, key_r), tested)
        bounds, method = _bounds(sides, delta, a, options)
    return pd.DataFrame(
        {
            "comparison": label,
            "group": g,
            "reference": ref,
            "term": vocab[tested].astype(object),
            "log_odds": delta,
            "log_odds_ci_low": bounds[:, 0],
            "log_odds_ci_high": bounds[:, 1],
            "ci_method": method,
            "doc_share_group": share_g,
            "doc_share_reference": share_r,
            "n_docs_group": n_g,
            "n_docs_reference": n_r,
        }
    )


def _check(comparisons, n_resamples, seed, confidence, prior_strength, min_count) -> None:
    if comparisons not in ("one-vs-rest", "pairwise", "both"):
        raise CompareError(f"keyness_intervals: bad comparisons {comparisons!r}")
    for name, value, low in (("n_resamples", n_resamples, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
            raise CompareError(f"keyness_intervals: {name} must be an integer >= {low}")
    if isinstance(min_count, bool) or not isinstance(min_count, int | np.integer):
        raise CompareError(f"keyness_intervals: min_count must be an integer, got {min_count!r}")
    if not 0 < confidence < 1:
        raise CompareError(f"keyness_intervals: confidence must be in (0, 1), got {confidence!r}")
    if not (np.isfinite(prior_strength) and prior_strength > 0):
        raise CompareError(f"keyness_intervals: prior_strength must be > 0, got {prior_strength!r}")


def _max_docs(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise CompareError(
            f"keyness_intervals: bootstrap_max_docs must be None or an integer >= 0, got {value!r}"
        )
    return int(value)


def keyness_intervals(
    terms: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: str = "origin",
    comparisons: Literal["one-vs-rest", "pairwise", "both"] = "both",
    n_resamples: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
    prior_strength: float = 1000.0,
    min_count: int = 0,
    stop_words: bool = False,
    bootstrap_max_docs: int | None = BOOTSTRAP_MAX_DOCS,
) -> pd.DataFrame:
    """Document-bootstrap intervals of the keyness log-odds ratio, per comparison and term.

    Groups, comparisons, the prior (``α_w = α0 · c_w / C`` over the whole corpus), the tested
    terms (count in group + reference > 0 and ≥ ``min_count``) and ``log_odds`` are those of
    :func:`analysis.stats.keyness.keyness` with the same options, so the rows merge on
    ``group, reference, term`` (and ``comparison``). The interval resamples the group's
    documents and the reference's documents (for one-vs-rest: all other documents as one
    pool) with replacement, ``n_resamples`` times, and takes the ``(1 ± confidence) / 2``
    percentiles of the recomputed log-odds ratio. Every document of ``documents`` is a unit,
    also one without terms. The generators come from
    :func:`analysis.stats.bootstrap.resample_weights`, keyed ``(group,)`` for a group and
    ``(group, "rest")`` for its rest, so a group's resamples do not depend on other groups
    or on the order of the rows. With fewer than two documents on a side the interval is
    NaN (one document has no spread to resample), never a fake one.

    When both sides have more than ``bootstrap_max_docs`` documents the interval is the
    normal approximation of the same bootstrap instead, ``log_odds ± z·se`` with the
    delta-method variance of the resampled sums (:mod:`analysis.stats.keyness_normal`): one
    pass over the counts rather than ``n_resamples``; ``ci_method`` says which.

    Args:
        terms: ``doc_id,term,count``.
        documents: ``doc_id`` and the ``by`` column.
        by: Document column defining the groups.
        comparisons: ``"one-vs-rest"``, ``"pairwise"`` or ``"both"``.
        n_resamples: Bootstrap resamples (≥ 1).
        seed: Base seed (≥ 0).
        confidence: Coverage of the intervals.
        prior_strength: α0, as in ``keyness``.
        min_count: As in ``keyness``.
        stop_words: As in ``keyness`` (spaCy's English stop words removed first).
        bootstrap_max_docs: Most documents of the smaller side for the bootstrap (≥ 0);
            ``None``: always the bootstrap.

    Returns:
        :data:`KEYNESS_CI_COLUMNS`: ``log_odds`` equals ``keyness``'s; ``doc_share_group``
        / ``doc_share_reference`` are the shares of the side's documents with a count > 0
        of the term; ``n_docs_*`` the side's documents; ``ci_method`` ``"bootstrap"`` or
        ``"normal"`` (empty when a side has one document). Sorted by comparison, then term.
        Memory: the resampled log-odds of one comparison are held as float32, 8 kB per
        tested term at 2,000 resamples (160 MB for 20,000 terms).
    """
    _check(comparisons, n_resamples, seed, confidence, prior_strength, min_count)
    max_docs = _max_docs(bootstrap_max_docs)
    groups, vocab, x, group_of, order = _matrix(terms, documents, by, stop_words)
    total = np.asarray(x.sum(axis=0)).ravel()
    grand = float(total.sum())
    alpha0 = float(prior_strength)
    alpha = alpha0 * total / grand if grand > 0 else np.zeros(len(vocab))
    options = (alpha0, int(min_count), int(n_resamples), int(seed), confidence, max_docs)
    return _table(groups, vocab, alpha, options, _Blocks(x, group_of, order), comparisons, by)


class _MomentBlocks:
    """:class:`_Blocks` of the per-group sums only (the normal approximation's moments)."""

    def __init__(self, moments: GroupMoments):
        self.sides = moments.sides

    def size(self, groups: list[str]) -> int:
        return sum(self.sides[g].m for g in groups)

    def side(self, groups: list[str]):
        raise CompareError(
            "keyness_intervals_of_moments: the bootstrap of a side of at most "
            "bootstrap_max_docs documents needs its rows (keyness_intervals)"
        )

    def moments(self, groups: list[str]):
        from analysis.stats.keyness_normal import added_moments

        return added_moments([self.sides[g] for g in groups])


def keyness_intervals_of_moments(
    moments: GroupMoments,
    *,
    comparisons: Literal["one-vs-rest", "pairwise", "both"] = "both",
    confidence: float = 0.95,
    prior_strength: float = 1000.0,
    min_count: int = 0,
    bootstrap_max_docs: int = BOOTSTRAP_MAX_DOCS,
    by: str = "origin",
) -> pd.DataFrame:
    """:func:`keyness_intervals` of the per-group sums of a terms table, when every
    comparison is the normal approximation
    (:func:`analysis.stats.term_moments.moments_suffice`): the same table as from its rows.

    Args:
        moments: :meth:`analysis.stats.term_moments.TermMoments.result`.
        comparisons: As in :func:`keyness_intervals`.
        confidence: As in :func:`keyness_intervals`.
        prior_strength: As in :func:`keyness_intervals`.
        min_count: As in :func:`keyness_intervals`.
        bootstrap_max_docs: As in :func:`keyness_intervals` (not ``None``).
        by: The document column the groups are of (named in errors only).

    Raises:
        CompareError: a comparison has a side of at most ``bootstrap_max_docs`` documents.
    """
    _check(comparisons, 1, 0, confidence, prior_strength, min_count)
    max_docs = _max_docs(bootstrap_max_docs)
    groups, vocab, sides = moments
    total = sum((sides[g].s_c for g in groups), np.zeros(len(vocab)))
    grand = float(total.sum())
    alpha0 = float(prior_strength)
    alpha = alpha0 * total / grand if grand > 0 else np.zeros(len(vocab))
    options = (alpha0, int(min_count), 1, 0, confidence, max_docs)
    return _table(groups, vocab, alpha, options, _MomentBlocks(moments), comparisons, by)


def _table(groups, vocab, alpha, options, blocks, comparisons: str, by: str) -> pd.DataFrame:
    """The rows of every comparison of ``groups``, sorted (see :func:`keyness_intervals`)."""
    jobs = _jobs(groups, comparisons, by)
    parts = [part for job in jobs if len(part := _comparison(vocab, job, alpha, options, blocks))]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in KEYNESS_CI_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["comparison", "term"], kind="stable").reset_index(drop=True)
    return out[list(KEYNESS_CI_COLUMNS)]
