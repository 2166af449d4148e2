"""analysis.stats.nb2: statsmodels' NB2 (to ~1e-12) with a faster score and Hessian."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.discrete.discrete_model import NegativeBinomial

from analysis.stats.nb2 import nb2_model


@pytest.fixture
def data():
    rng = np.random.default_rng(7)
    n = 300
    design = np.column_stack([np.ones(n), rng.integers(0, 2, n), rng.integers(0, 3, n)])
    offset = np.log(rng.integers(10, 60, n).astype(float))
    mu = np.exp(-3.0 + 0.3 * design[:, 1] - 0.1 * design[:, 2] + offset)
    y = rng.negative_binomial(2, 2 / (2 + mu)).astype(float)  # over-dispersed, many ties
    return y, design.astype(float), offset


@pytest.mark.parametrize("transparams", [False, True])
@pytest.mark.parametrize("alpha", [0.05, 0.7, 3.0])
def test_score_and_hessian_are_statsmodels(data, alpha, transparams):
    y, design, offset = data
    ours = nb2_model(y, design, offset)
    theirs = NegativeBinomial(y, design, offset=offset, loglike_method="nb2")
    ours._transparams = theirs._transparams = transparams
    params = np.array([-3.1, 0.4, -0.2, np.log(alpha) if transparams else alpha])
    np.testing.assert_allclose(ours.score(params), theirs.score(params), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(ours.hessian(params), theirs.hessian(params), rtol=1e-12)
    assert np.array_equal(ours.hessian(params), ours.hessian(params).T)  # symmetric
    assert len(np.unique(y)) == 11  # 300 documents, 11 distinct counts: the case it is for


def test_fit_is_statsmodels(data):
    y, design, offset = data
    fits = [
        model.fit(method="newton", maxiter=100, disp=0)
        for model in (
            nb2_model(y, design, offset),
            NegativeBinomial(y, design, offset=offset, loglike_method="nb2"),
        )
    ]
    assert fits[0].mle_retvals["converged"]
    assert np.isfinite(fits[0].params).all() and fits[0].params[-1] > 0
    np.testing.assert_allclose(fits[0].params, fits[1].params, rtol=1e-10)
    np.testing.assert_allclose(fits[0].cov_params(), fits[1].cov_params(), rtol=1e-9)
    assert fits[0].mle_retvals["iterations"] == fits[1].mle_retvals["iterations"]


def test_nb1_score_is_left_to_statsmodels(data):
    y, design, offset = data
    model = nb2_model(y, design, offset)
    theirs = NegativeBinomial(y, design, offset=offset, loglike_method="nb1")
    params = np.array([-3.1, 0.4, -0.2, 0.5])
    assert np.array_equal(model._score_nbin(params, Q=1), theirs._score_nbin(params, Q=1))


def test_model_fits_run_blas_on_one_thread(data, monkeypatch):
    from threadpoolctl import threadpool_info

    import analysis.stats.countmodel as cm
    from analysis.config import one_blas_thread

    def blas_threads():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    seen = []
    real = cm._fit_nb2

    def spy(*args):
        seen.append(sorted(set(blas_threads())))
        return real(*args)

    monkeypatch.setattr(cm, "_fit_nb2", spy)
    y, design, offset = data
    cm.fit_rate_ratios(y, design, offset, test=[1], se_type="hc1")
    assert seen == [[1]]
    before = blas_threads()
    with one_blas_thread():
        assert set(blas_threads()) == {1}
    assert blas_threads() == before  # restored on leaving
