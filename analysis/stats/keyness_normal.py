"""The normal approximation of the keyness document bootstrap, for large comparisons.

:func:`analysis.stats.keyness_ci.keyness_intervals` resamples each side's documents with
replacement; its cost grows as resamples × non-zeros of the document × term matrix. When
both sides have many documents the resampled sums are close to normal, and their variances
follow from per-document moments in one pass over the matrix: resampling the ``m`` documents
of a side with replacement, ``Var(Σ c_t) = m·var_d(c_dt)``, ``Cov(Σ c_t, Σ N) =
m·cov_d(c_dt, N_d)`` and ``Var(Σ N) = m·var_d(N_d)`` (population moments over the side's
documents, ``c_dt`` the term's count in document ``d``, ``N_d`` the document's total). The
log-odds ratio ``δ = f_g − f_r``, ``f = log(y + a) − log(n + α0 − y − a)`` (the prior fixed),
gets the delta-method variance ``Var f ≈ f_y²·Var y + 2·f_y·f_n·Cov(y, n) + f_n²·Var n`` per
side, the sides independent, and the interval ``δ ± z·se``.
"""

from __future__ import annotations

from statistics import NormalDist
from typing import NamedTuple

import numpy as np

__all__ = ["SideMoments", "normal_bounds", "side_moments"]


class SideMoments(NamedTuple):
    """Per-document sums of one side: over its ``m`` documents, for each tested term."""

    m: int  #: documents of the side
    s_c: np.ndarray  #: Σ_d c_dt
    s_cc: np.ndarray  #: Σ_d c_dt²
    s_cn: np.ndarray  #: Σ_d c_dt·N_d
    s_n: float  #: Σ_d N_d
    s_nn: float  #: Σ_d N_d²


def side_moments(sub, totals: np.ndarray, tested: np.ndarray) -> SideMoments:
    """The sums of :class:`SideMoments` from a side's document × term CSR matrix ``sub``.

    Args:
        sub: The side's documents × all terms (scipy CSR, whole-number counts).
        totals: The documents' totals ``N_d`` (row sums of ``sub``).
        tested: Column indices of the tested terms.
    """
    data = sub.data.astype("float64")
    row = np.repeat(np.arange(sub.shape[0]), np.diff(sub.indptr))
    width = sub.shape[1]

    def per_term(weights: np.ndarray) -> np.ndarray:
        return np.bincount(sub.indices, weights=weights, minlength=width)[tested]

    return SideMoments(
        m=sub.shape[0],
        s_c=per_term(data),
        s_cc=per_term(data * data),
        s_cn=per_term(data * totals[row]),
        s_n=float(totals.sum()),
        s_nn=float(totals @ totals),
    )


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


def normal_bounds(
    delta: np.ndarray,
    group: SideMoments,
    reference: SideMoments,
    a: np.ndarray,
    alpha0: float,
    confidence: float,
) -> np.ndarray:
    """``len(delta) × 2`` bounds ``δ ± z·se`` of the two sides' log-odds ratio.

    Args:
        delta: The log-odds ratio of each tested term (group vs reference).
        group: :func:`side_moments` of the group.
        reference: :func:`side_moments` of the reference.
        a: The prior ``α_t`` of each tested term (fixed, not resampled).
        alpha0: The prior's strength α0.
        confidence: Coverage; ``z`` is the standard normal's ``(1 + confidence) / 2`` quantile.

    Returns:
        Lower and upper bounds; NaN where ``δ`` or its variance is not finite (e.g. a
        vocabulary of one term).
    """
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    se = np.sqrt(_side_variance(group, a, alpha0) + _side_variance(reference, a, alpha0))
    with np.errstate(invalid="ignore"):
        bounds = np.column_stack([delta - z * se, delta + z * se])
    bounds[~np.isfinite(bounds).all(axis=1)] = np.nan
    return bounds
