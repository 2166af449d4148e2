"""The normal approximation of the keyness document bootstrap, for large comparisons.

:func:`analysis.stats.keyness_ci.keyness_intervals` resamples each side's documents with
replacement; its cost grows as resamples × non-zeros of the document × term matrix. When
both sides have many documents the resampled sums are close to normal, and their variances
follow from per-document moments in one pass over the matrix: resampling the ``m`` documents
of a side with replacement, ``Var(Σ c_t) = m·var_d(c_dt)``, ``Cov(Σ c_t, Σ N) =
m·cov_d(c_dt, N_d)`` and ``Var(Σ N) = m·var_d(N_d)`` (population moments over the side's
documents, ``c_dt`` the term's count in document ``d``, ``N_d`` the document's total). Each
side's ``f = log(y + a) − log(n + α0 − y − a)`` (the prior fixed) gets the delta-method
variance ``V = f_y²·Var y + 2·f_y·f_n·Cov(y, n) + f_n²·Var n``.

The interval is built on the count scale, where the sums are close to normal, not on the
log scale, where a term of a few documents is not (``log(y + a)`` with a tiny prior ``a``
falls steeply as the resampled count nears 0): per side ``y ± z·s`` with ``s = √V / f_y``
(the same variance, as a count) is mapped through ``f``. The lower end is 0 when the
bootstrap draws none of the term's ``k`` documents in at least ``(1 − confidence) / 2`` of
the resamples (probability ``(1 − k/m)^m``), else at least 1 (a positive count is ≥ 1).
The two sides' ends are combined as for a difference of independent estimates (MOVER, Zou
& Donner 2008): ``low = δ − √((f_g − l_g)² + (u_r − f_r)²)``, ``high = δ + √((u_g − f_g)²
+ (f_r − l_r)²)``. Where ``f`` is close to linear (frequent terms) this is ``δ ± z·√(V_g +
V_r)``, the plain delta method.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist
from typing import NamedTuple

import numpy as np

from analysis.stats.groups import ROWS_AT_ONCE

__all__ = ["SideMoments", "added_moments", "block_moments", "normal_bounds", "tested_moments"]


class SideMoments(NamedTuple):
    """Per-document sums of one side: over its ``m`` documents, for each term."""

    m: int  #: documents of the side
    s_c: np.ndarray  #: Σ_d c_dt
    s_cc: np.ndarray  #: Σ_d c_dt²
    s_cn: np.ndarray  #: Σ_d c_dt·N_d
    s_n: float  #: Σ_d N_d
    s_nn: float  #: Σ_d N_d²
    k: np.ndarray  #: documents with c_dt > 0


def block_moments(x, rows: np.ndarray) -> SideMoments:
    """The sums of :class:`SideMoments` of every term over the documents ``rows`` (row
    indices, any order) of the document × term CSR matrix ``x`` (whole-number counts).

    Read from ``x``, rows holding about :data:`~analysis.stats.groups.ROWS_AT_ONCE`
    non-zeros at a time: no copy of the rows, temporaries of a few tens of MB. The sums are
    of whole numbers (exact in float64 in any order), so a side made of several blocks is
    their :func:`added_moments`.
    """
    width, indptr = x.shape[1], x.indptr
    s_c, s_cc, s_cn = (np.zeros(width) for _ in range(3))
    k = np.zeros(width, dtype=np.int64)
    s_n = s_nn = 0.0
    lengths = (indptr[rows + 1] - indptr[rows]).astype(np.int64)
    ends = np.cumsum(lengths)
    a = 0
    while a < len(rows):
        b = int(np.searchsorted(ends, ends[a] - lengths[a] + ROWS_AT_ONCE, side="right"))
        b = min(max(b, a + 1), len(rows))
        n_rows, part = b - a, lengths[a:b]
        before = ends[a:b] - part - (ends[a] - lengths[a])  # the chunk's non-zeros before a row
        nnz = np.repeat(indptr[rows[a:b]] - before, part) + np.arange(int(part.sum()))
        idx, data = x.indices[nnz], x.data[nnz].astype("float64")
        totals = np.bincount(np.repeat(np.arange(n_rows), part), weights=data, minlength=n_rows)
        s_c += np.bincount(idx, weights=data, minlength=width)
        s_cc += np.bincount(idx, weights=data * data, minlength=width)
        data *= np.repeat(totals, part)  # c_dt·N_d
        s_cn += np.bincount(idx, weights=data, minlength=width)
        k += np.bincount(idx, minlength=width)
        s_n += float(totals.sum())
        s_nn += float(totals @ totals)
        a = b
    return SideMoments(len(rows), s_c, s_cc, s_cn, s_n, s_nn, k)


def added_moments(parts: Sequence[SideMoments]) -> SideMoments:
    """The :class:`SideMoments` of the documents of all ``parts`` together."""
    return SideMoments(*(sum(values[1:], values[0]) for values in zip(*parts, strict=True)))


def tested_moments(moments: SideMoments, tested: np.ndarray) -> SideMoments:
    """``moments`` of the terms ``tested`` (column indices) only."""
    m, s_c, s_cc, s_cn, s_n, s_nn, k = moments
    return SideMoments(m, s_c[tested], s_cc[tested], s_cn[tested], s_n, s_nn, k[tested])


def _side_variance(side: SideMoments, a: np.ndarray, alpha0: float) -> np.ndarray:
    """Delta-method variance of ``f = log(y + a) − log(n + α0 − y − a)`` of one side."""
    m, y, n = side.m, side.s_c, side.s_n
    var_y = side.s_cc - y * y / m  # m · var_d(c), population moments
    cov_yn = side.s_cn - y * n / m
    var_n = side.s_nn - n * n / m
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = 1.0 / (n + alpha0 - y - a)
        f_y = 1.0 / (y + a) + rest
        f_n = -rest
        var = f_y * f_y * var_y + 2.0 * f_y * f_n * cov_yn + f_n * f_n * var_n
    return np.maximum(var, 0.0)  # a quadratic form of a covariance: ≥ 0 up to rounding


def _log_odds_side(y, n: float, a, alpha0: float):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(y + a) - np.log(n + alpha0 - y - a)


def _side_ends(side: SideMoments, a, alpha0: float, z: float, tail: float):
    """``(f, lower f, upper f)`` of one side: ``y ± z·s`` on the count scale mapped by ``f``."""
    y, n, m = side.s_c, side.s_n, side.m
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.sqrt(_side_variance(side, a, alpha0)) / (1.0 / (y + a) + 1.0 / (n + alpha0 - y - a))
        none_drawn = np.exp(m * np.log1p(-side.k / m)) >= tail  # P(no document of the term)
    low = np.where(none_drawn, 0.0, np.maximum(y - z * s, 1.0))
    high = np.minimum(y + z * s, n)
    return (_log_odds_side(v, n, a, alpha0) for v in (y, low, high))


def normal_bounds(
    delta: np.ndarray,
    group: SideMoments,
    reference: SideMoments,
    a: np.ndarray,
    alpha0: float,
    confidence: float,
) -> np.ndarray:
    """``len(delta) × 2`` bounds of the two sides' log-odds ratio (see the module's text).

    Args:
        delta: The log-odds ratio of each tested term (group vs reference).
        group: :func:`side_moments` of the group.
        reference: :func:`side_moments` of the reference.
        a: The prior ``α_t`` of each tested term (fixed, not resampled).
        alpha0: The prior's strength α0.
        confidence: Coverage; ``z`` is the standard normal's ``(1 + confidence) / 2`` quantile.

    Returns:
        Lower and upper bounds; NaN where one is not finite (e.g. a vocabulary of one term).
    """
    tail = (1.0 - confidence) / 2.0
    z = NormalDist().inv_cdf(1.0 - tail)
    f_g, l_g, u_g = _side_ends(group, a, alpha0, z, tail)
    f_r, l_r, u_r = _side_ends(reference, a, alpha0, z, tail)
    with np.errstate(invalid="ignore"):
        low = delta - np.hypot(f_g - l_g, u_r - f_r)
        high = delta + np.hypot(u_g - f_g, f_r - l_r)
    bounds = np.column_stack([low, high])
    bounds[~np.isfinite(bounds).all(axis=1)] = np.nan
    return bounds
