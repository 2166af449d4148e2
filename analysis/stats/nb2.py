"""statsmodels' NB2 model with a faster score and Hessian, and frequency weights.

The Newton steps of :class:`statsmodels.discrete.discrete_model.NegativeBinomial` (NB2)
evaluate the digamma and trigamma functions of ``1/α + y`` on every document at every step,
and build the Hessian's ``X' diag(c) X`` as k² separate sums of products of n-vectors (1,485
of them for a trend model of 54 yearly terms). :func:`nb2_model` returns a model whose score
and Hessian are statsmodels' formulas with the special functions evaluated once per distinct
count (marker counts take few values, mostly 0 and 1: the same numbers) and the sums over
documents done as matrix products (BLAS: the same sums in another order, so the last bits
may differ). Its estimates agree with statsmodels' to about 1e-12 relative
(``tests/test_nb2.py``, ``bench/bench_nb2.py``).

With ``weights``, row ``i`` stands for ``weights[i]`` identical documents (same design row,
offset and count): the log-likelihood, score and Hessian are the weighted sums, the Poisson
start is a frequency-weighted Poisson GLM (in closed form when the design is cells), and
statsmodels' sandwich (``cov_type="HC1"``) counts each document once (the model's
``freq_weights``). A model's many documents that differ only by id — a million headlines
have a few thousand distinct (cell, length, count) rows — are then fitted as those few
rows, with the estimates and standard errors of the whole (``tests/test_nb2.py``;
:func:`analysis.stats.countmodel.fit_rate_ratios` collapses them).
"""

from __future__ import annotations

from functools import cache

import numpy as np

__all__ = ["collapse_rows", "nb2_model", "poisson_glm", "row_pattern"]


@cache
def _model_class() -> type:
    """The subclass, built on first use (statsmodels is imported only when models run)."""
    from scipy import special
    from statsmodels.discrete.discrete_model import NegativeBinomial

    class CountCachedNB2(NegativeBinomial):
        """``NegativeBinomial(loglike_method="nb2")``, its score and Hessian per count."""

        # statsmodels' _initialize binds the likelihood's three methods onto the instance: a
        # reference cycle that kept each model and its design alive until a full garbage
        # collection (the trend models of a million headlines: about 100 MB a fit). Here they
        # are the class's methods, so a fitted model is freed as soon as it is let go.
        def _initialize(self):
            self._transparams = True  # transform lnalpha -> alpha in fit

        def hessian(self, params):
            return self._hessian_nb2(params)

        def score(self, params):
            return self._score_nbin(params)

        def loglikeobs(self, params):
            return self._ll_nb2(params)

        def _ll_nb2(self, params):
            return self.freq_weights * super()._ll_nb2(params)

        def fit(self, start_params=None, **kwargs):
            if start_params is None and self.weighted:
                start_params = _poisson_start(self)
            return super().fit(start_params=start_params, **kwargs)

        def _per_count(self, function, a1: float) -> np.ndarray:
            """``function(a1 + y)`` for every document, as an ``n × 1`` column."""
            if not hasattr(self, "_counts"):
                self._counts = np.unique(self.endog, return_inverse=True)
            values, index = self._counts
            return function(a1 + values)[index][:, None]

        def _score_nbin(self, params, Q=0):
            if Q != 0:
                return super()._score_nbin(params, Q=Q)
            # statsmodels 0.15.0's _score_nbin for NB2: digamma of a1 + y per count, sums as
            # one matrix product
            alpha = np.exp(params[-1]) if self._transparams else params[-1]
            params = params[:-1]
            exog = self.exog
            y = self.endog[:, None]
            mu = self.predict(params)[:, None]
            a1 = 1 / alpha
            w = self.freq_weights[:, None]
            dgpart = self._per_count(special.digamma, a1) - special.digamma(a1)
            dparams = exog.T @ (w * a1 * (y - mu) / (mu + a1))[:, 0]  # the column sums, by BLAS
            da1 = -(alpha**-2)
            dalpha = (w * (dgpart + np.log(a1) - np.log(a1 + mu) - (y - mu) / (a1 + mu))).sum()
            dalpha *= da1
            if self._transparams:
                return np.r_[dparams, dalpha * alpha]
            return np.r_[dparams, dalpha]

        def _hessian_nb2(self, params):
            # statsmodels 0.15.0's _hessian_nb2: the special functions of a1 + y per count, the
            # sums over documents as matrix products
            alpha = np.exp(params[-1]) if self._transparams else params[-1]
            a1 = 1 / alpha
            params = params[:-1]
            exog = self.exog
            y = self.endog[:, None]
            mu = self.predict(params)[:, None]
            prob = a1 / (a1 + mu)
            dgpart = self._per_count(special.digamma, a1) - special.digamma(a1)
            dim = exog.shape[1]
            hess_arr = np.empty((dim + 1, dim + 1))
            w = self.freq_weights[:, None]
            const_arr = w * a1 * mu * (a1 + y) / (mu + a1) ** 2
            # X' diag(c) X in one matrix product (statsmodels sums k² products of n-vectors:
            # 25 of the 34 s of the trend models of 100,000 headlines, with 54 yearly terms)
            hess_arr[:dim, :dim] = -((exog * const_arr).T @ exog)
            tri_idx = np.triu_indices(dim, k=1)
            hess_arr[tri_idx] = hess_arr.T[tri_idx]
            da1 = -(alpha**-2)
            dldpda = -(exog.T @ (w * mu * (y - mu) * a1**2 / (mu + a1) ** 2)[:, 0])
            hess_arr[-1, :-1] = dldpda
            hess_arr[:-1, -1] = dldpda
            da2 = 2 * alpha**-3
            dalpha = da1 * (dgpart + np.log(prob) - (y - mu) / (a1 + mu))
            trigamma = self._per_count(lambda v: special.polygamma(1, v), a1)
            dada = (
                w
                * (
                    da2 * dalpha / da1
                    + da1**2
                    * (
                        trigamma
                        - special.polygamma(1, a1)
                        + 1 / a1
                        - 1 / (a1 + mu)
                        + (y - mu) / (mu + a1) ** 2
                    )
                )
            ).sum()
            hess_arr[-1, -1] = dada
            return hess_arr

    return CountCachedNB2


@cache
def _glm_class() -> type:
    """The Poisson GLM subclass, built on first use."""
    from statsmodels.genmod.generalized_linear_model import GLM

    class CycleFreeGLM(GLM):
        """statsmodels' GLM whose IRLS steps leave no garbage for the cyclic collector.

        Each step of statsmodels 0.15.0's IRLS makes a ``Bunch`` (a dict that is its own
        ``__dict__``: a reference cycle) holding that step's weighted copy of the design; the
        step's history is taken from it in ``_update_history``, then nothing reads it again.
        It is emptied there, so each copy is freed at the next step instead of at the next
        full collection (a trend model of a million headlines: about 100 MB a step).
        """

        def _update_history(self, tmp_result, mu, history):
            history = super()._update_history(tmp_result, mu, history)
            tmp_result.clear()
            return history

    return CycleFreeGLM


def poisson_glm(y: np.ndarray, design: np.ndarray, offset: np.ndarray, weights=None):
    """A Poisson GLM of counts ``y`` on ``design`` with ``offset`` and frequency ``weights``
    (statsmodels' ``GLM``, the same fit and results)."""
    from statsmodels.genmod.families import Poisson

    return _glm_class()(y, design, family=Poisson(), offset=offset, freq_weights=weights)


def _poisson_start(model) -> np.ndarray:
    """statsmodels' NB2 start (the Poisson estimate, then the moment estimate of α, at least
    0.05) with the model's frequency weights: the Poisson fit is a weighted GLM, or its
    closed form when the design is cells (:func:`_cell_poisson`)."""
    import warnings

    w = model.freq_weights
    found = _cell_poisson(model.endog, model.exog, model.offset, w)
    if found is None:
        glm = poisson_glm(model.endog, model.exog, model.offset, w)
        with warnings.catch_warnings():  # only a start, as statsmodels' own preliminary fit
            warnings.simplefilter("ignore")
            poisson = glm.fit()
        found = poisson.params, poisson.mu
    params, mu = found
    resid = model.endog - mu
    alpha = (w * ((resid**2 / mu - 1) / mu)).sum() / (w.sum() - model.exog.shape[1])
    return np.append(params, max(0.05, alpha))


def _cell_poisson(y, design, offset, w) -> tuple[np.ndarray, np.ndarray] | None:
    """``(params, mu)`` of the weighted Poisson fit when ``design`` is a constant and
    disjoint 0/1 columns (the cells of :func:`analysis.stats.countmodel.design_matrix`: a
    side, the later periods) and every cell has counts; otherwise None.

    Such a model is saturated in its cells: the estimate is each cell's count over its
    exposure, ``exp(β₀ + β_j) = Σ w·y / Σ w·exp(offset)``, where statsmodels' IRLS iterates
    towards it (about 20 steps, each leaving a reference cycle that holds a weighted copy of
    the design until a full garbage collection: a trend start of 35,000 rows × 54 periods
    held 23 of them, 442 MB at its peak).
    """
    n, k = design.shape
    if k < 1 or not (design[:, 0] == 1).all():
        return None
    cell = np.zeros(n, dtype=np.int64)
    for j in range(1, k):
        column = design[:, j]
        on = column == 1
        if not (on | (column == 0)).all() or (cell[on] > 0).any():
            return None
        cell[on] = j
    counts = np.bincount(cell, weights=w * y, minlength=k)
    exposure = np.bincount(cell, weights=w * np.exp(offset), minlength=k)
    if not (counts > 0).all():
        return None
    rate = np.log(counts / exposure)
    params = np.r_[rate[0], rate[1:] - rate[0]]
    return params, np.exp(rate[cell] + offset)


def nb2_model(
    y: np.ndarray, design: np.ndarray, offset: np.ndarray, weights: np.ndarray | None = None
):
    """An NB2 ``NegativeBinomial`` of counts ``y`` on ``design`` with ``offset``.

    The same model, fit and results as statsmodels' (``loglike_method="nb2"``), faster when
    the counts take few distinct values.

    Args:
        y: Counts.
        design: Design matrix.
        offset: Offset of each row.
        weights: Documents each row stands for (positive integers); ``None``: one each.
    """
    model = _model_class()(y, design, offset=offset, loglike_method="nb2")
    model.weighted = weights is not None
    model.freq_weights = np.ones(len(y)) if weights is None else np.asarray(weights, "float64")
    return model


def row_pattern(*columns: np.ndarray) -> np.ndarray:
    """Codes of the rows alike in every column (vectors or matrices of one row per document)."""
    stacked = np.column_stack([np.asarray(c, dtype="float64") for c in columns])
    return np.unique(stacked, axis=0, return_inverse=True)[1].ravel()


def collapse_rows(y: np.ndarray, pattern: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """``(rows, weights)``: the first document of each distinct (pattern, count) and how many
    documents it stands for (the ``weights`` of :func:`nb2_model` and
    :func:`analysis.stats.countmodel.fit_rate_ratios`); every row and no weights
    when a count is not a whole number.

    Args:
        y: Counts per document.
        pattern: Codes of the documents alike in design, offset and cluster
            (:func:`row_pattern`).
    """
    counts = y.astype(np.int64)
    if not len(y) or (counts != y).any() or counts.min() < 0:
        return np.arange(len(y)), None
    key = np.asarray(pattern, dtype=np.int64) * (int(counts.max()) + 1) + counts
    _, rows, weights = np.unique(key, return_index=True, return_counts=True)
    return rows, weights.astype("float64")
