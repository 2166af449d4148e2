"""statsmodels' NB2 model with its score's and Hessian's special functions once per count.

The Newton steps of :class:`statsmodels.discrete.discrete_model.NegativeBinomial` (NB2)
evaluate the digamma and trigamma functions of ``1/α + y`` on every document at every step:
on 20,000 headlines that was 40 % of the time of all the rate models. Marker counts take few
distinct values (mostly 0 and 1), so :func:`nb2_model` returns a model whose score and
Hessian evaluate them once per distinct count and spread the values back. Each element is
the same function of the same number and the sums run in the same order, so the score, the
Hessian and every estimate are bit for bit statsmodels' (``tests/test_nb2.py`` compares
them).
"""

from __future__ import annotations

from functools import cache

import numpy as np

__all__ = ["nb2_model"]


@cache
def _model_class() -> type:
    """The subclass, built on first use (statsmodels is imported only when models run)."""
    from scipy import special
    from statsmodels.discrete.discrete_model import NegativeBinomial

    class CountCachedNB2(NegativeBinomial):
        """``NegativeBinomial(loglike_method="nb2")``, its score and Hessian per count."""

        def _per_count(self, function, a1: float) -> np.ndarray:
            """``function(a1 + y)`` for every document, as an ``n × 1`` column."""
            if not hasattr(self, "_counts"):
                self._counts = np.unique(self.endog, return_inverse=True)
            values, index = self._counts
            return function(a1 + values)[index][:, None]

        def _score_nbin(self, params, Q=0):
            if Q != 0:
                return super()._score_nbin(params, Q=Q)
            # statsmodels 0.15.0's _score_nbin for NB2, digamma of a1 + y per count
            alpha = np.exp(params[-1]) if self._transparams else params[-1]
            params = params[:-1]
            exog = self.exog
            y = self.endog[:, None]
            mu = self.predict(params)[:, None]
            a1 = 1 / alpha
            dgpart = self._per_count(special.digamma, a1) - special.digamma(a1)
            dparams = exog * a1 * (y - mu) / (mu + a1)
            da1 = -(alpha**-2)
            dalpha = (dgpart + np.log(a1) - np.log(a1 + mu) - (y - mu) / (a1 + mu)).sum() * da1
            if self._transparams:
                return np.r_[dparams.sum(0), dalpha * alpha]
            return np.r_[dparams.sum(0), dalpha]

        def _hessian_nb2(self, params):
            # statsmodels 0.15.0's _hessian_nb2, the two special functions of a1 + y per count
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
            const_arr = a1 * mu * (a1 + y) / (mu + a1) ** 2
            for i in range(dim):
                for j in range(i + 1):
                    hess_arr[i, j] = np.sum(
                        -exog[:, i, None] * exog[:, j, None] * const_arr, axis=0
                    ).squeeze()
            tri_idx = np.triu_indices(dim, k=1)
            hess_arr[tri_idx] = hess_arr.T[tri_idx]
            da1 = -(alpha**-2)
            dldpda = -np.sum(mu * exog * (y - mu) * a1**2 / (mu + a1) ** 2, axis=0)
            hess_arr[-1, :-1] = dldpda
            hess_arr[:-1, -1] = dldpda
            da2 = 2 * alpha**-3
            dalpha = da1 * (dgpart + np.log(prob) - (y - mu) / (a1 + mu))
            trigamma = self._per_count(lambda v: special.polygamma(1, v), a1)
            dada = (
                da2 * dalpha / da1
                + da1**2
                * (
                    trigamma
                    - special.polygamma(1, a1)
                    + 1 / a1
                    - 1 / (a1 + mu)
                    + (y - mu) / (mu + a1) ** 2
                )
            ).sum()
            hess_arr[-1, -1] = dada
            return hess_arr

    return CountCachedNB2


def nb2_model(y: np.ndarray, design: np.ndarray, offset: np.ndarray):
    """An NB2 ``NegativeBinomial`` of counts ``y`` on ``design`` with ``offset``.

    The same model, fit and results as statsmodels' (``loglike_method="nb2"``), faster when
    the counts take few distinct values.
    """
    return _model_class()(y, design, offset=offset, loglike_method="nb2")
