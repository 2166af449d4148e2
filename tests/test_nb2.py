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


# ------------------------------------------------- documents alike fitted as one weighted row


def test_row_pattern_and_collapse_rows_by_hand():
    from analysis.stats import nb2 as cm

    design = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 0.0], [1.0, 0.0]])
    offset = np.array([2.0, 2.0, 3.0, 2.0])
    # rows (1,0,2), (1,1,2), (1,0,3), (1,0,2): sorted patterns (1,0,2) < (1,0,3) < (1,1,2)
    assert cm.row_pattern(design, offset).tolist() == [0, 2, 1, 0]
    y = np.array([0.0, 1.0, 0.0, 0.0, 2.0, 1.0])
    pattern = np.array([0, 0, 0, 1, 1, 0])
    rows, weights = cm.collapse_rows(y, pattern)
    # keys pattern * 3 + count: 0, 1, 0, 3, 5, 1 -> (0: rows 0, 2), (1: rows 1, 5), 3, 5
    assert rows.tolist() == [0, 1, 3, 4] and weights.tolist() == [2.0, 2.0, 1.0, 1.0]
    rows, weights = cm.collapse_rows(np.array([0.5, 0.5]), np.array([0, 0]))
    assert rows.tolist() == [0, 1] and weights is None  # not counts: nothing merged


@pytest.fixture
def alike():
    """2,000 headline-like documents: 3 groups, 6 lengths, 8 outlets, small counts."""
    rng = np.random.default_rng(11)
    n = 2000
    group = rng.integers(0, 3, n)
    outlet = group * 10 + rng.integers(0, 8, n)  # outlets nested in groups
    design = np.column_stack([np.ones(n), group == 1, group == 2]).astype(float)
    offset = np.log(rng.choice([12.0, 20.0, 25.0, 33.0, 41.0, 58.0], n))
    mu = np.exp(-3.5 + 0.4 * design[:, 1] - 0.3 * design[:, 2] + offset)
    y = rng.negative_binomial(0.8, 0.8 / (0.8 + mu)).astype(float)
    return y, design, offset, outlet


def test_weighted_nb2_is_the_fit_of_every_document(alike):
    from analysis.stats import nb2 as cm

    y, design, offset, outlet = alike
    rows, weights = cm.collapse_rows(y, cm.row_pattern(design, offset))
    assert len(rows) < 200 and weights.sum() == 2000  # 2,000 documents, fewer than 200 rows
    full = nb2_model(y, design, offset).fit(method="newton", disp=0, cov_type="HC1")
    weighted = nb2_model(y[rows], design[rows], offset[rows], weights)
    few = weighted.fit(method="newton", disp=0, cov_type="HC1")
    np.testing.assert_allclose(few.params, full.params, rtol=1e-9)
    np.testing.assert_allclose(few.bse, full.bse, rtol=1e-7)  # the sandwich counts documents


@pytest.mark.parametrize("se_type", ["hc1", "cluster"])
@pytest.mark.parametrize("dispersed", [True, False])
def test_fit_rate_ratios_with_weights_is_the_fit_of_every_document(alike, se_type, dispersed):
    import analysis.stats.countmodel as cm

    y, design, offset, outlet = alike
    if not dispersed:  # under-dispersed counts: NB2 leaves α > 0, quasi-Poisson is used
        y = np.round(np.exp(-1.0 + offset) / 4)
    from analysis.stats.nb2 import collapse_rows, row_pattern

    rows, weights = collapse_rows(y, row_pattern(design, offset, outlet))
    options = {"test": [1, 2], "se_type": se_type, "confidence": 0.95}
    full = cm.fit_rate_ratios(y, design, offset, clusters=outlet, **options)
    few = cm.fit_rate_ratios(
        y[rows], design[rows], offset[rows], clusters=outlet[rows], weights=weights, **options
    )
    assert (few.model, few.se_type) == (full.model, full.se_type)
    assert full.model == ("nb2" if dispersed else "quasi-poisson") and full.se_type == se_type
    for name in ("rate_ratio", "ci_low", "ci_high", "p"):
        np.testing.assert_allclose(getattr(few, name), getattr(full, name), rtol=1e-7)


def test_a_warning_of_the_weighted_poisson_start_does_not_fail_the_nb2_fit(alike, monkeypatch):
    # fit_rate_ratios turns statsmodels' ConvergenceWarning into an error (the next model is
    # tried); statsmodels ignores the warnings of its own preliminary Poisson fit, and so
    # must the weighted start
    import warnings

    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    import analysis.stats.countmodel as cm
    from analysis.stats.nb2 import collapse_rows, row_pattern

    real = sm.GLM.fit

    def warning_fit(self, *args, **kwargs):
        warnings.warn("IRLS did not converge", ConvergenceWarning, stacklevel=2)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(sm.GLM, "fit", warning_fit)
    y, cells, offset, outlet = alike
    # a design that is not cells (the group as one numeric column): the start is the GLM's
    design = np.column_stack([cells[:, 0], cells[:, 1] + 2 * cells[:, 2]])
    rows, weights = collapse_rows(y, row_pattern(design, offset))
    fit = cm.fit_rate_ratios(
        y[rows], design[rows], offset[rows], test=[1], se_type="hc1", weights=weights
    )
    assert fit.model == "nb2"


def test_the_poisson_start_of_cells_is_their_rates_by_hand():
    from analysis.stats.nb2 import _cell_poisson

    y = np.array([1.0, 3.0, 2.0, 0.0])
    design = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 1.0], [1.0, 1.0]])
    offset = np.log(np.full(4, 10.0))
    w = np.array([1.0, 1.0, 2.0, 1.0])
    params, mu = _cell_poisson(y, design, offset, w)
    # base: 4 counts over 20 tokens; the cell: 2·2 + 0 = 4 over 2·10 + 10 = 30
    np.testing.assert_allclose(params, [np.log(0.2), np.log(2 / 3)], rtol=1e-15)
    np.testing.assert_allclose(mu, [2.0, 2.0, 4 / 3, 4 / 3], rtol=1e-15)
    assert _cell_poisson(y, np.column_stack([design, design[:, 1]]), offset, w) is None  # overlap
    assert _cell_poisson(y, design * [1.0, 2.0], offset, w) is None  # not 0/1
    assert _cell_poisson(np.array([1.0, 3.0, 0.0, 0.0]), design, offset, w) is None  # no counts


def test_the_poisson_start_of_cells_is_statsmodels_weighted_glm(alike):
    import statsmodels.api as sm

    from analysis.stats.nb2 import _cell_poisson, collapse_rows, row_pattern

    y, design, offset, _ = alike
    rows, weights = collapse_rows(y, row_pattern(design, offset))
    y, design, offset = y[rows], design[rows], offset[rows]
    glm = sm.GLM(y, design, family=sm.families.Poisson(), offset=offset, freq_weights=weights)
    fit = glm.fit(tol=1e-12)
    params, mu = _cell_poisson(y, design, offset, weights)
    np.testing.assert_allclose(params, fit.params, rtol=1e-9)
    np.testing.assert_allclose(mu, fit.mu, rtol=1e-9)


def _garbage_after(fit) -> list[str]:
    """The type names of the objects only the cyclic collector would free after ``fit()``
    (its result let go)."""
    import gc

    gc.collect()
    was = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        fit()
        gc.collect()
        return sorted({type(o).__name__ for o in gc.garbage})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was:
            gc.enable()


def test_a_fitted_nb2_model_leaves_no_reference_cycle(data):
    y, design, offset = data
    theirs = _garbage_after(
        lambda: NegativeBinomial(y, design, offset=offset).fit(method="newton", disp=0)
    )
    assert "NegativeBinomial" in theirs  # statsmodels' binds its methods onto the model
    assert _garbage_after(lambda: nb2_model(y, design, offset).fit(method="newton", disp=0)) == []
    fits = [
        m.fit(method="newton", maxiter=100, disp=0)
        for m in (nb2_model(y, design, offset), NegativeBinomial(y, design, offset=offset))
    ]
    np.testing.assert_allclose(fits[0].params, fits[1].params, rtol=1e-10)


def test_the_poisson_glm_is_statsmodels_without_its_irls_garbage(data):
    import statsmodels.api as sm

    from analysis.stats.nb2 import poisson_glm

    y, design, offset = data
    w = np.arange(1, len(y) + 1) % 3 + 1.0
    theirs = sm.GLM(y, design, family=sm.families.Poisson(), offset=offset, freq_weights=w)
    # each IRLS step's Bunch is a cycle holding a _MinimalWLS and its weighted design copy;
    # ours are emptied (an empty Bunch is still its own __dict__, holding nothing)
    assert {"Bunch", "_MinimalWLS"} <= set(_garbage_after(lambda: theirs.fit()))
    assert _garbage_after(lambda: poisson_glm(y, design, offset, w).fit()) == ["Bunch"]
    ours, fit = poisson_glm(y, design, offset, w).fit(scale="X2"), theirs.fit(scale="X2")
    assert np.array_equal(ours.params, fit.params)
    assert np.array_equal(ours.bse, fit.bse)
    assert ours.fit_history["iteration"] == fit.fit_history["iteration"] > 2
