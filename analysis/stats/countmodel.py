"""Count models of per-document marker counts: the engine of :mod:`analysis.stats.models`.

- :func:`fit_rate_ratios` fits one count model ``log E[count] = log(n_tokens) + Xβ`` and
  returns the tested coefficients as rate ratios with Wald intervals and p-values:
  negative binomial NB2 with the dispersion α estimated by maximum likelihood jointly with β
  (:class:`statsmodels.discrete.discrete_model.NegativeBinomial`, Newton steps), falling back
  to quasi-Poisson (Poisson GLM, Pearson χ² scale) when NB2 does not converge.
- :func:`choose_se` picks outlet-clustered (CR2, :mod:`analysis.stats.cr2`) or HC1
  standard errors.
- :func:`fit_labels` fits one model per (frame, marker) of a
  :class:`~analysis.stats.marker_grid.MarkerGrid` and handles the edge cases (too few
  counts, a side of one document, a side of zero counts); :func:`result_table` and
  :func:`add_q` turn the rows into a table with Benjamini–Hochberg q-values.

Why the discrete ``NegativeBinomial`` and not ``GLM(family=NegativeBinomial(alpha))``: the
GLM family takes α as a fixed constant (default 1), so its weights — and with them the
estimates and the standard errors — rest on a guessed dispersion; the discrete model
estimates α with β by maximum likelihood. With the log link β and α are asymptotically
orthogonal, so the sandwich of β (HC1 from statsmodels, CR2 here with weights μ / (1 + α̂μ))
at the estimated α is valid. Newton steps can leave the admissible region (α ≤ 0) on
under-dispersed counts: the fit is then rejected and quasi-Poisson used, the appropriate
model when there is no over-dispersion.

Documents alike in design row, offset, cluster and count are fitted as one row standing for
all of them (:func:`analysis.stats.nb2.collapse_rows`, ``weights``): the same estimates and
standard errors, and a model of a million headlines costs about what one of a few thousand
does.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from analysis.config import one_blas_thread, release_free_memory
from analysis.stats.marker_grid import MarkerGrid, ModelError
from analysis.stats.nb2 import collapse_rows, nb2_model, poisson_glm, row_pattern

__all__ = [
    "MIN_CLUSTERS",
    "MODELS",
    "SE_TYPES",
    "Fit",
    "add_q",
    "check_options",
    "choose_se",
    "design_matrix",
    "fit_labels",
    "fit_rate_ratios",
    "labelled",
    "ratio_of_empty",
    "result_table",
]

#: Fewest distinct outlets among a model's documents for outlet-clustered standard errors.
MIN_CLUSTERS = 5
#: Values of the ``model`` column: the fitted model, or ``none`` when nothing was fitted.
MODELS: tuple[str, ...] = ("nb2", "quasi-poisson", "none")
#: Values of the ``se_type`` column.
SE_TYPES: tuple[str, ...] = ("cluster", "hc1")

_FLOATS = ("rate_ratio", "ci_low", "ci_high", "p", "q")


@dataclass(frozen=True)
class Fit:
    """Rate ratios of the tested coefficients of one fitted count model.

    ``rate_ratio = exp(β)``, ``ci_low``/``ci_high`` the exponentiated Wald bounds, ``p`` the
    two-sided Wald p-value (all float arrays, NaN when ``model == "none"``); ``model`` and
    ``se_type`` as in the output columns.
    """

    rate_ratio: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    p: np.ndarray
    model: str
    se_type: str


def add_q(table: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    """Benjamini–Hochberg q of ``table["p"]`` within each group of rows sharing ``keys``.

    Rows with a NaN ``p`` are left out of the correction and get a NaN ``q``.
    """
    from analysis.stats.keyness import benjamini_hochberg

    q = pd.Series(np.nan, index=table.index, dtype="float64")
    tested = table[table["p"].notna()]
    if tested.empty:
        return q
    for _, rows in tested.groupby(list(keys), sort=True, dropna=False):
        q.loc[rows.index] = benjamini_hochberg(rows["p"].to_numpy(dtype="float64"))
    return q


# --------------------------------------------------------------------------- fitting


def choose_se(
    outlets: np.ndarray | None, cells: Sequence[np.ndarray] = ()
) -> Literal["cluster", "hc1"]:
    """``"cluster"`` when the model's documents span ≥ :data:`MIN_CLUSTERS` outlets, else ``"hc1"``.

    Args:
        outlets: Outlet of each document of the model (``None``: no clustering).
        cells: Boolean masks of the design's cells (group / reference, before / after, …).
            Each must span ≥ 2 outlets: a cell of one outlet is estimated from that outlet
            alone, its cluster-robust variance is undefined (CR2) or zero (CR1), so HC1 is
            used (e.g. always with ``by="outlet"``).
    """
    if outlets is None or len(np.unique(outlets)) < MIN_CLUSTERS:
        return "hc1"
    if any(len(np.unique(outlets[cell])) < 2 for cell in cells):
        return "hc1"
    return "cluster"


def _fit_nb2(y, design, offset, weights, cov_type: str):
    """NB2 by Newton steps; None unless it converged to a finite α > 0."""
    model = nb2_model(y, design, offset, weights)
    try:
        res = model.fit(method="newton", maxiter=100, disp=0, cov_type=cov_type)
    except ValueError:  # statsmodels' "boundary problem" errors on degenerate data
        return None
    alpha = res.params[-1]
    if not (res.mle_retvals["converged"] and np.isfinite(alpha) and alpha > 0):
        return None
    return res


def _fit_quasi_poisson(y, design, offset, weights, cov_type: str):
    """Poisson GLM with the Pearson χ² scale (1 when no residual degrees of freedom are left).

    With robust (HC1 / CR2) standard errors the scale cancels out of the sandwich; the floor
    of the robust variance is the Poisson information (scale 1, no credit for
    under-dispersion).
    """
    model = poisson_glm(y, design, offset, weights)
    n_docs = len(y) if weights is None else weights.sum()
    scale = "X2" if n_docs > design.shape[1] else 1.0  # X² / 0 is undefined (saturated)
    try:
        return model.fit(scale=scale, cov_type=cov_type)
    except ValueError:
        return None


def _wald(beta, se, df, confidence: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bounds and two-sided p of ``beta`` with t(``df``) (``df = inf``: normal)."""
    from scipy.special import ndtr, ndtri, stdtr, stdtrit

    level = 1.0 - (1.0 - confidence) / 2.0
    normal = np.isinf(df)
    crit = np.where(normal, ndtri(level), stdtrit(np.where(normal, 1.0, df), level))
    tail = np.where(
        normal, ndtr(-np.abs(beta / se)), stdtr(np.where(normal, 1.0, df), -np.abs(beta / se))
    )
    return beta - crit * se, beta + crit * se, 2.0 * tail


def _working(params, y, design, offset, nb2: bool):
    """``μ``, working weights ``μ / (1 + αμ)`` and Pearson residuals at the estimate."""
    k = design.shape[1]
    mu = np.exp(design @ params[:k] + offset)
    alpha = params[k] if nb2 else 0.0
    return mu, mu / (1.0 + alpha * mu), (y - mu) / np.sqrt(mu * (1.0 + alpha * mu))


def _model_variance(design: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Diagonal of ``(X'WX)^-1``: the NB2 information of β at α̂ (Poisson's when α = 0)."""
    u = np.sqrt(weights)[:, None] * design
    return np.diag(np.linalg.inv(u.T @ u))


def _estimate(name, fit, rows, test, se_type, clusters, confidence):
    """One fit's tested coefficients ``(beta, low, high, p, se_type)``, or None if unusable.

    ``rows`` is ``(y, design, offset, weights)`` (``weights``: documents per row, or None).
    """
    from analysis.stats.cr2 import cr2_covariance

    y, design, offset, w = rows
    res = fit(*rows, "nonrobust" if se_type == "cluster" else "HC1")
    if res is None or not np.isfinite(np.asarray(res.params)).all():
        return None
    params = np.asarray(res.params)
    beta = params[test]
    mu, weights, resid = _working(params, y, design, offset, nb2=name == "nb2")
    if w is not None:  # a row of w documents: their working weights, their residuals' norm
        weights, resid = weights * w, resid * np.sqrt(w)
    if np.allclose(mu - y, 0):  # statsmodels' perfect-prediction test: no residual spread
        nan = np.full(len(test), np.nan)
        return beta, nan, nan.copy(), nan.copy(), se_type
    if se_type == "cluster":
        cr2 = cr2_covariance(design, weights, resid, clusters)
        if cr2 is not None:
            cov, df = cr2
            se = np.sqrt(np.diag(cov)[test])
            return (beta, *_wald(beta, se, df[test], confidence), "cluster")
        res = fit(*rows, "HC1")  # a cluster alone carries a coefficient
        if res is None:
            return None
    floor = _model_variance(design, weights)[test]
    se = np.sqrt(np.maximum(np.asarray(res.bse)[test] ** 2, floor))
    if not np.isfinite(se).all():
        return None
    return (beta, *_wald(beta, se, np.full(len(test), np.inf), confidence), "hc1")


def fit_rate_ratios(
    y: np.ndarray,
    design: np.ndarray,
    offset: np.ndarray,
    *,
    test: Sequence[int],
    se_type: Literal["cluster", "hc1"],
    clusters: np.ndarray | None = None,
    confidence: float = 0.95,
    weights: np.ndarray | None = None,
) -> Fit:
    """Fit NB2 (else quasi-Poisson) and return the tested coefficients as rate ratios.

    Standard errors: ``"hc1"`` — statsmodels' HC1 sandwich with normal intervals;
    ``"cluster"`` — CR2 by ``clusters`` with Bell–McCaffrey degrees of freedom and t
    intervals (:func:`analysis.stats.cr2.cr2_covariance`), HC1 when CR2 is undefined
    (recorded in :attr:`Fit.se_type`). HC1 is floored at the model-based variance
    ``(X'WX)^-1`` (NB2 information at α̂; Poisson's for quasi-Poisson), the guard of Angrist &
    Pischke (2009, §8.1) against the downward bias of sandwich estimators in small samples:
    a few documents that happen to agree must not yield a near-zero variance. CR2 is not
    floored: its Bell–McCaffrey degrees of freedom already model the noise of a variance
    from few clusters, and flooring it on top over-covers (``bench/bench_calibration.py``,
    1,000 corpora of 3 origins × 3 outlets, 50 documents per origin: 95 % intervals cover
    97.4 % with the floor, 94.8 % without).

    The fit runs with BLAS on one thread (:func:`analysis.config.one_blas_thread`: faster,
    and the same bits on every machine). Convergence and Hessian-inversion warnings of
    statsmodels make the fit fail (the next model is tried; :attr:`Fit.model` says which one
    was used); numpy floating-point warnings inside the fit are silenced and the result is
    checked for finite values. A fit that reproduces every count exactly (statsmodels'
    perfect-prediction test, e.g. one document per cell, or identical documents) has no
    residual spread to estimate a variance from: its ratios come without interval or p
    (NaN).

    Args:
        y: Counts per document.
        design: ``n_docs × k`` design matrix (constant column included).
        offset: ``log(n_tokens)`` per document.
        test: Column indexes of ``design`` whose coefficients are returned.
        se_type: ``"cluster"`` or ``"hc1"``.
        clusters: Cluster label per document (needed for ``"cluster"``).
        confidence: Coverage of the intervals.
        weights: Documents each row stands for (:func:`analysis.stats.nb2.collapse_rows`:
            the documents alike in design, offset, cluster and count as one row): the same
            model as with a row per document (estimates and standard errors agree to about
            1e-9, see :mod:`analysis.stats.nb2`), fitted on a few thousand rows instead of a
            million headlines. ``None``: one document per row.
    """
    from statsmodels.tools.sm_exceptions import (
        ConvergenceWarning,
        HessianInversionWarning,
        PerfectSeparationWarning,
    )

    release_free_memory()  # what the previous fit freed (see analysis.config)
    y = np.asarray(y, dtype="float64")
    test = list(test)
    if weights is not None:
        weights = np.asarray(weights, dtype="float64")
    rows = (y, design, offset, weights)
    for name, fit in (("nb2", _fit_nb2), ("quasi-poisson", _fit_quasi_poisson)):
        with warnings.catch_warnings(), np.errstate(all="ignore"), one_blas_thread():
            warnings.simplefilter("error", ConvergenceWarning)
            warnings.simplefilter("error", HessianInversionWarning)
            # handled in _estimate: a perfect fit gets no interval
            warnings.simplefilter("ignore", PerfectSeparationWarning)
            try:
                got = _estimate(name, fit, rows, test, se_type, clusters, confidence)
            except (ConvergenceWarning, HessianInversionWarning, np.linalg.LinAlgError):
                continue
        if got is not None:
            beta, low, high, p, used = got
            return Fit(np.exp(beta), np.exp(low), np.exp(high), p, name, used)
    nan = np.full(len(test), np.nan)
    return Fit(nan, nan.copy(), nan.copy(), nan.copy(), "none", se_type)


# --------------------------------------------------------------------------- rows


def check_options(min_count, confidence, cluster) -> None:
    """ModelError unless ``min_count`` ≥ 1, 0 < ``confidence`` < 1, ``cluster`` a name or None."""
    if isinstance(min_count, bool) or not isinstance(min_count, int | np.integer) or min_count < 1:
        raise ModelError(f"min_count must be a positive integer, got {min_count!r}")
    if not 0 < confidence < 1:
        raise ModelError(f"confidence must be in (0, 1), got {confidence!r}")
    if cluster is not None and not isinstance(cluster, str):
        raise ModelError(f"cluster must be a column name or None, got {cluster!r}")


def ratio_of_empty(empty: Sequence[bool], signs: Sequence[int]) -> float:
    """The ratio when the cells flagged ``empty`` have zero counts.

    ``0.0`` when only numerator cells (sign > 0) are empty, ``inf`` when only denominator
    cells are, NaN when both are.
    """
    num = any(e for e, s in zip(empty, signs, strict=True) if s > 0)
    den = any(e for e, s in zip(empty, signs, strict=True) if s < 0)
    return np.nan if num and den else 0.0 if num else np.inf


def fit_labels(
    grid: MarkerGrid,
    rows: np.ndarray,
    design: np.ndarray,
    *,
    cells: Sequence[tuple[np.ndarray, int]],
    se_type: str,
    min_count: int,
    confidence: float,
) -> list[dict]:
    """One model per label on the documents ``rows``; the ratio of the design's last column.

    ``cells`` are the design's cells as (boolean mask over ``rows``, sign): the tested ratio
    is the product of the cells' rates to the power of their signs (e.g. group / reference).
    It is blanked (NaN interval and p) when a cell has one document; a cell of zero counts
    gives no fit (:func:`ratio_of_empty`). No rows when a cell has no document.
    """
    sizes = [int(mask.sum()) for mask, _ in cells]
    if min(sizes) == 0:
        return []
    offset = np.log(grid.n_tokens[rows].astype("float64"))
    # cluster codes in the order of the sorted names, as cr2_covariance numbers them: the
    # same clusters, without sorting the names again for every label's fit
    clusters = grid.docs["_cluster_code"].to_numpy()[rows]
    pattern = row_pattern(design, offset, clusters)  # the same for every label
    test = design.shape[1] - 1
    out = []
    for k, label in enumerate(grid.labels):
        y = grid.column(k, rows)
        if y.sum() < min_count:
            continue
        empty = [int(y[mask].sum()) == 0 for mask, _ in cells]
        if any(empty):
            ratio = ratio_of_empty(empty, [s for _, s in cells])
            out.append({"label": label, "rate_ratio": ratio, "model": "none", "se": se_type})
            continue
        keep, weights = collapse_rows(y, pattern)
        fit = fit_rate_ratios(
            y[keep],
            design[keep],
            offset[keep],
            test=[test],
            se_type=se_type,
            clusters=clusters[keep],
            confidence=confidence,
            weights=weights,
        )
        row = {"label": label, "rate_ratio": fit.rate_ratio[0], "model": fit.model}
        if min(sizes) >= 2:
            row.update(ci_low=fit.ci_low[0], ci_high=fit.ci_high[0], p=fit.p[0])
        out.append({**row, "se": fit.se_type})
    return out


def result_table(
    records: list[dict], columns: Sequence[str], q_keys: Sequence[str]
) -> pd.DataFrame:
    """Rows as a table with ``columns``, ``q`` per comparison, floats as float64."""
    table = pd.DataFrame.from_records(records)
    if table.empty:
        table = pd.DataFrame(columns=list(columns))
    table = table.reindex(columns=list(columns))
    for c in _FLOATS:
        table[c] = table[c].astype("float64")
    for c in columns:
        if c.startswith("n_docs"):
            table[c] = table[c].astype("int64")
    table["q"] = add_q(table, q_keys)
    return table


def labelled(fitted: list[dict], **keys) -> list[dict]:
    """Fitted rows with their frame, marker, se_type and the key columns."""
    out = []
    for row in fitted:
        (frame, marker), se = row.pop("label"), row.pop("se")
        out.append({"frame": frame, "marker": marker, **keys, **row, "se_type": se})
    return out


def design_matrix(*columns: np.ndarray) -> np.ndarray:
    """A constant column followed by ``columns`` (indicators) as a float design matrix."""
    n = len(columns[0])
    return np.column_stack([np.ones(n), *(c.astype("float64") for c in columns)])
