"""Keyness: which terms a group of documents uses more or less than a reference.

- :func:`keyness` — a group (an origin, an outlet, any document column) against the rest
  and every pair, with the Monroe–Colaresi–Quinn log-odds ratio with an informative Dirichlet
  prior (effect size and z-score), Dunning's log-likelihood G², its χ² p-value and the
  Benjamini–Hochberg q-value.
- :func:`top_terms` — the most frequent terms per group.

See docs/statistics.md, "How to read these numbers".
"""

from __future__ import annotations

from itertools import combinations
from typing import Literal

import numpy as np
import pandas as pd

from analysis.schema import KEYNESS_WORD_COLUMNS, TOP_TERM_COLUMNS, require_columns
from analysis.stats.groups import (
    REST,
    CompareError,
    check_known,
    count_column,
    document_groups,
    empty_table,
    is_integer,
    labels,
    row_slices,
    sorted_labels,
)
from analysis.stats.term_moments import GroupMoments

__all__ = [
    "KEYNESS_WORD_COLUMNS",
    "REST",
    "TOP_TERM_COLUMNS",
    "CompareError",
    "benjamini_hochberg",
    "keyness",
    "keyness_of_moments",
    "log_likelihood",
    "top_terms",
]


# --------------------------------------------------------------------------- validation


def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _group_term_matrix(
    terms: pd.DataFrame, documents: pd.DataFrame, by: str, stop_words: bool
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Sorted group labels, sorted term vocabulary and the group × term count matrix."""
    require_columns(terms, ["doc_id", "term", "count"], name="terms", error=CompareError)
    docs = document_groups(documents, [by])
    if terms["term"].isna().any():
        raise CompareError("terms table: column 'term' has empty values")
    counts = count_column(terms["count"], "terms", "count")
    # hash-factorize the long columns, then work on the (small) sets of distinct values
    doc_labels = labels(terms["doc_id"])  # doc_ids as strings, as keyness_ci
    if len(doc_labels.raw) and doc_labels.raw.min() < 0:
        raise CompareError("terms table: column 'doc_id' has empty values")
    d_uniq = doc_labels.uniques
    doc_ids = docs["doc_id"].astype(str)
    group_of = pd.Series(docs[by].astype(str).to_numpy(), index=doc_ids.to_numpy())
    groups = sorted(set(group_of.tolist()))
    d_group = pd.Index(groups).get_indexer(group_of.reindex(d_uniq).to_numpy())
    if (d_group < 0).any():
        check_known(pd.Series(d_uniq), doc_ids, "terms")
    term_labels = sorted_labels(terms["term"], np.int32)
    vocab = term_labels.uniques
    n_terms = len(vocab)
    n_cells = len(groups) * n_terms
    # the cell of each row from the first cell of its document's group (looked up by the raw
    # code), a slice of rows at a time: a million headlines are 25 million rows
    first_cell = d_group.astype(np.int32 if n_cells < 2**31 else np.int64) * n_terms
    first_cell = np.r_[first_cell, -1][doc_labels.lookup]
    flat = np.zeros(n_cells)
    for rows in row_slices(len(counts), n_cells):  # (each slice's sums are n_cells long)
        cell = first_cell[doc_labels.raw[rows]]
        cell += term_labels.codes(rows)
        flat += np.bincount(cell, weights=counts[rows], minlength=n_cells)
    matrix = flat.reshape(len(groups), n_terms).round().astype("int64")
    if stop_words:
        keep = ~pd.Series(vocab).isin(_stop_words()).to_numpy()
        vocab, matrix = vocab[keep], matrix[:, keep]
    return groups, vocab, matrix


# --------------------------------------------------------------------------- statistics


def _xlogx_ratio(obs: np.ndarray, exp: np.ndarray) -> np.ndarray:
    """``obs * log(obs / exp)`` with ``0 · log 0 = 0``."""
    out = np.zeros(np.broadcast(obs, exp).shape, dtype="float64")
    pos = obs > 0
    np.divide(obs, exp, out=out, where=pos)
    np.log(out, out=out, where=pos)
    return np.where(pos, obs * out, 0.0)


def log_likelihood(y_i, y_j, n_i, n_j) -> np.ndarray:
    """Dunning's log-likelihood ratio G² of the 2×2 table of a term in two corpora.

    The table is ``[[y_i, y_j], [n_i - y_i, n_j - y_j]]`` (term / all other terms × corpus i /
    corpus j); ``G² = 2 Σ O·ln(O/E)`` over its four cells with ``E`` from the margins and
    ``0·log 0 = 0``. Vectorised over arrays.

    Args:
        y_i: Count of the term in corpus i.
        y_j: Count of the term in corpus j.
        n_i: Total term count of corpus i.
        n_j: Total term count of corpus j.

    Returns:
        G² (≥ 0; float array). Compare with χ² with 1 degree of freedom.
    """
    y_i, y_j, n_i, n_j = (np.asarray(v, dtype="float64") for v in (y_i, y_j, n_i, n_j))
    total = n_i + n_j
    row_w = y_i + y_j
    row_o = total - row_w
    with np.errstate(divide="ignore", invalid="ignore"):
        cells = (
            _xlogx_ratio(y_i, n_i * row_w / total)
            + _xlogx_ratio(y_j, n_j * row_w / total)
            + _xlogx_ratio(n_i - y_i, n_i * row_o / total)
            + _xlogx_ratio(n_j - y_j, n_j * row_o / total)
        )
    # rounding can make a G² of exactly 0 come out as -1e-16
    return np.maximum(2.0 * cells, 0.0)


def benjamini_hochberg(p) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values) of a vector of p-values.

    ``q_(k) = min_{m ≥ k} (n / m) · p_(m)`` over the ascending p-values, capped at 1
    (:func:`scipy.stats.false_discovery_control` with ``method="bh"``). An empty input gives
    an empty output.
    """
    p = np.asarray(p, dtype="float64")
    if p.size == 0:
        return p.copy()
    # scipy.stats.false_discovery_control(p, method="bh"), step by step (the same floats),
    # without importing scipy.stats (about a second of start-up)
    m = p.size
    order = np.argsort(p)
    ps = p[order] * (m / np.arange(1, m + 1, dtype="float64"))
    np.minimum.accumulate(ps[::-1], out=ps[::-1])
    q = np.empty_like(ps)
    q[order] = ps
    return np.clip(q, 0.0, 1.0)


def _compare_pair(
    y_i: np.ndarray,
    y_j: np.ndarray,
    alpha: np.ndarray,
    alpha0: float,
    min_count: int,
) -> dict[str, np.ndarray]:
    """All keyness statistics of one comparison (only tested terms; see :func:`keyness`)."""
    from scipy.special import chdtrc  # = scipy.stats.chi2.sf(x, df), a lighter import

    n_i, n_j = float(y_i.sum()), float(y_j.sum())
    tested = (y_i + y_j > 0) & (y_i + y_j >= min_count)
    idx = np.flatnonzero(tested)
    yi, yj, a = y_i[idx].astype("float64"), y_j[idx].astype("float64"), alpha[idx]
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log((yi + a) / (n_i + alpha0 - yi - a)) - np.log(
            (yj + a) / (n_j + alpha0 - yj - a)
        )
        sigma2 = 1.0 / (yi + a) + 1.0 / (yj + a)
        z = delta / np.sqrt(sigma2)
        rate_i = 1000.0 * yi / n_i if n_i > 0 else np.full(len(idx), np.nan)
        rate_j = 1000.0 * yj / n_j if n_j > 0 else np.full(len(idx), np.nan)
    g2 = log_likelihood(yi, yj, n_i, n_j)
    p = chdtrc(1.0, g2)
    return {
        "idx": idx,
        "count_group": y_i[idx],
        "count_reference": y_j[idx],
        "rate_group": rate_i,
        "rate_reference": rate_j,
        "log_odds": delta,
        "z": z,
        "g2": g2,
        "p": p,
        "q": benjamini_hochberg(p),
    }


def _check_options(comparisons: str, prior_strength: float, min_count: int, by: str) -> None:
    """Raise for a bad option of :func:`keyness`."""
    if comparisons not in ("one-vs-rest", "pairwise", "both"):
        raise CompareError(
            f"keyness: comparisons must be 'one-vs-rest', 'pairwise' or 'both', got {comparisons!r}"
        )
    if not (np.isfinite(prior_strength) and prior_strength > 0):
        raise CompareError(f"keyness: prior_strength must be > 0, got {prior_strength!r}")
    if not is_integer(min_count):
        raise CompareError(f"keyness: min_count must be an integer, got {min_count!r}")
    if not isinstance(by, str):
        raise CompareError(f"keyness: by must be one column name, got {by!r}")


def _comparisons(
    groups: list[str], matrix: np.ndarray, total: np.ndarray, *, comparisons: str, by: str
) -> list[tuple[str, str, str, np.ndarray, np.ndarray]]:
    """``(label, group, reference, y_group, y_reference)`` of every comparison asked for.

    ``matrix`` is group × term, ``total`` its column sums (the rest = total − the group).
    """
    jobs: list[tuple[str, str, str, np.ndarray, np.ndarray]] = []
    if comparisons in ("one-vs-rest", "both") and len(groups) >= 2:
        if REST in groups:
            raise CompareError(
                f"keyness: a group is named {REST!r} (column {by!r}), which is the reference "
                "label of one-vs-rest comparisons; rename it or use comparisons='pairwise'"
            )
        for k, g in enumerate(groups):
            jobs.append((f"{g} vs {REST}", g, REST, matrix[k], total - matrix[k]))
    if comparisons in ("pairwise", "both"):
        for a, b in combinations(range(len(groups)), 2):
            ga, gb = groups[a], groups[b]
            jobs.append((f"{ga} vs {gb}", ga, gb, matrix[a], matrix[b]))
    return jobs


def _keyness_table(parts: list[tuple[str, str, str, dict]], vocab: np.ndarray) -> pd.DataFrame:
    """One table of the comparisons' statistics, sorted by comparison, z descending, term.

    NaN z sorts last; ``vocab`` is sorted, so a term's index orders it. Built without a frame
    per comparison.
    """
    rank = {label: k for k, label in enumerate(sorted(label for label, *_ in parts))}
    n = [len(stats["idx"]) for *_, stats in parts]
    idx = np.concatenate([stats["idx"] for *_, stats in parts])
    z = np.concatenate([stats["z"] for *_, stats in parts])
    key = np.repeat([rank[label] for label, *_ in parts], n)
    order = np.lexsort((idx, -z, key))
    columns = {
        "comparison": np.repeat(np.array([p[0] for p in parts], dtype=object), n),
        "group": np.repeat(np.array([p[1] for p in parts], dtype=object), n),
        "reference": np.repeat(np.array([p[2] for p in parts], dtype=object), n),
        "term": vocab[idx].astype(object),
    }
    for c in KEYNESS_WORD_COLUMNS[4:]:
        columns[c] = np.concatenate([stats[c] for *_, stats in parts])
    out = {c: v[order] for c, v in columns.items()}
    return pd.DataFrame(out, columns=list(KEYNESS_WORD_COLUMNS))


def keyness(
    terms: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: str = "origin",
    comparisons: Literal["one-vs-rest", "pairwise", "both"] = "both",
    prior_strength: float = 1000.0,
    min_count: int = 0,
    stop_words: bool = False,
) -> pd.DataFrame:
    """Keyness of every term for groups of documents: one-vs-rest and/or every pair.

    For group i against reference j, with ``y_w`` the count of term w, ``n`` the total count
    of all terms, and the informative Dirichlet prior ``α_w = α0 · c_w / C`` (``c_w`` the
    count of w in the whole corpus — all groups — and ``C`` its total):

    - ``log_odds`` δ_w = log((y_iw+α_w)/(n_i+α0−y_iw−α_w)) − log((y_jw+α_w)/(n_j+α0−y_jw−α_w))
      (Monroe, Colaresi & Quinn 2008); positive = used more by the group.
    - ``z`` = δ_w / σ_w with σ²_w = 1/(y_iw+α_w) + 1/(y_jw+α_w).
    - ``g2``: Dunning's (1993) log-likelihood G² of the 2×2 table (term, other terms) ×
      (group, reference), all four cells, ``0·log 0 = 0`` (see :func:`log_likelihood`). It is
      unsigned: the direction is the sign of ``log_odds``.
    - ``p`` = χ²₁ survival function of G²; ``q`` = Benjamini–Hochberg adjusted ``p`` over the
      terms *tested* in that comparison.

    Comparisons (groups are the values of ``documents[by]`` as strings, sorted):

    - one-vs-rest: ``comparison = "<group> vs rest"``, ``reference = "rest"`` (all documents
      of the other groups), for every group. Needs at least two groups (no rows otherwise).
    - pairwise: each unordered pair once, ``comparison = "<a> vs <b>"`` with ``a < b`` in
      sorted order, ``group = a``, ``reference = b`` (flip the sign of ``log_odds``/``z``
      for the other direction; G², p and q are symmetric).

    A term is *tested* in a comparison when its count in group + reference is > 0 and
    ≥ ``min_count``; untested terms get no row and do not count in the Benjamini–Hochberg
    correction. ``min_count`` only selects rows: totals ``n``, rates and the prior always use
    all terms. With ``stop_words=True`` spaCy's English stop words
    (``spacy.lang.en.stop_words.STOP_WORDS``) are removed from ``terms`` first, so they are
    excluded from ``n``, the rates and the prior as well.

    Args:
        terms: ``doc_id,term,count`` (the pipeline's terms table).
        documents: ``doc_id`` and the ``by`` column (the pipeline's documents table).
        by: Document column defining the groups (``origin``, ``outlet``, ``affiliation``, …).
        comparisons: ``"one-vs-rest"``, ``"pairwise"`` or ``"both"``.
        prior_strength: α0, the total weight of the prior (> 0).
        min_count: Keep terms whose ``count_group + count_reference >= min_count``.
        stop_words: Remove spaCy's English stop words before everything.

    Returns:
        One row per comparison × tested term, columns ``comparison`` (str), ``group`` (str),
        ``reference`` (str), ``term`` (str), ``count_group``, ``count_reference`` (int),
        ``rate_group``, ``rate_reference`` (per 1,000 term tokens of the group / reference),
        ``log_odds``, ``z``, ``g2``, ``p``, ``q`` (float). Sorted by ``comparison``, then
        ``z`` descending, then ``term``.

    Raises:
        CompareError: Missing columns, unknown or duplicate ``doc_id``, a document without a
            ``by`` value, bad counts, a group named "rest" in a one-vs-rest comparison, or a
            bad option.
    """
    _check_options(comparisons, prior_strength, min_count, by)
    groups, vocab, matrix = _group_term_matrix(terms, documents, by, stop_words)
    return _keyness_of_matrix(groups, vocab, matrix, comparisons, prior_strength, min_count, by)


def keyness_of_moments(
    moments: GroupMoments,
    *,
    comparisons: Literal["one-vs-rest", "pairwise", "both"] = "both",
    prior_strength: float = 1000.0,
    min_count: int = 0,
    by: str = "origin",
) -> pd.DataFrame:
    """:func:`keyness` of the per-group sums of a terms table (the same table as from its
    rows, stop words and documents left out as ``moments`` were summed).

    Args:
        moments: :meth:`analysis.stats.term_moments.TermMoments.result`.
        comparisons: As in :func:`keyness`.
        prior_strength: As in :func:`keyness`.
        min_count: As in :func:`keyness`.
        by: The document column the groups are of (named in errors only).
    """
    _check_options(comparisons, prior_strength, min_count, by)
    groups, vocab, sides = moments
    matrix = np.zeros((len(groups), len(vocab)), dtype="int64")
    for i, g in enumerate(groups):
        matrix[i] = sides[g].s_c.round()
    return _keyness_of_matrix(groups, vocab, matrix, comparisons, prior_strength, min_count, by)


def _keyness_of_matrix(groups, vocab, matrix, comparisons, prior_strength, min_count, by):
    """:func:`keyness` of the group × term count ``matrix``."""
    total = matrix.sum(axis=0)
    grand = float(total.sum())
    alpha0 = float(prior_strength)
    alpha = alpha0 * total / grand if grand > 0 else np.zeros(len(vocab))
    parts = [
        (label, g, ref, _compare_pair(y_i, y_j, alpha, alpha0, int(min_count)))
        for label, g, ref, y_i, y_j in _comparisons(
            groups, matrix, total, comparisons=comparisons, by=by
        )
    ]
    if not parts or not sum(len(stats["idx"]) for *_, stats in parts):
        return empty_table(KEYNESS_WORD_COLUMNS)
    return _keyness_table(parts, vocab)


def top_terms(
    terms: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: str = "origin",
    n: int = 20,
    stop_words: bool = True,
) -> pd.DataFrame:
    """The ``n`` most frequent terms of each group.

    With ``stop_words=True`` (default) spaCy's English stop words are removed first, so the
    group's total — the denominator of ``rate`` — counts only the remaining terms (as in
    :func:`keyness`).

    Args:
        terms: ``doc_id,term,count``.
        documents: ``doc_id`` and the ``by`` column.
        by: Document column defining the groups.
        n: Terms per group (≥ 1); fewer when the group has fewer distinct terms.
        stop_words: Remove spaCy's English stop words first.

    Returns:
        ``group`` (str), ``rank`` (1 = most frequent; ties broken alphabetically, so ranks are
        unique), ``term``, ``count`` (int), ``rate`` (per 1,000 of the group's term tokens).
        Sorted by group, then rank. Groups with no terms get no rows.
    """
    if not is_integer(n) or n < 1:
        raise CompareError(f"top_terms: n must be a positive integer, got {n!r}")
    groups, vocab, matrix = _group_term_matrix(terms, documents, by, stop_words)
    frames = []
    for k, g in enumerate(groups):
        row = matrix[k]
        nz = np.flatnonzero(row)
        if nz.size == 0:
            continue
        # vocab is sorted, so a stable sort on -count keeps ties in alphabetical order
        order = nz[np.argsort(-row[nz], kind="stable")][:n]
        frames.append(
            pd.DataFrame(
                {
                    "group": np.full(len(order), g, dtype=object),
                    "rank": np.arange(1, len(order) + 1, dtype="int64"),
                    "term": vocab[order].astype(object),
                    "count": row[order],
                    "rate": 1000.0 * row[order] / row.sum(),
                }
            )
        )
    if not frames:
        return empty_table(TOP_TERM_COLUMNS)
    return pd.concat(frames, ignore_index=True)[list(TOP_TERM_COLUMNS)]


# --------------------------------------------------------------------------- rates over time
