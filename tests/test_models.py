"""Document-level rate models (analysis.stats.models, countmodel, cr2, marker_grid).

Every document has 1,000 tokens, so in the saturated designs used here the fitted mean of a
cell is the mean count of its documents (the NB2 score equation of a cell indicator is
Σ (y − μ) / (1 + αμ) = 0 with μ constant in the cell) whatever the dispersion: the expected
rate ratios are ratios of mean counts, worked out in the comments. Intervals and p-values are
checked against statsmodels fitted by hand and against a dense re-implementation of CR2.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.linalg
from scipy import stats
from statsmodels.discrete.discrete_model import NegativeBinomial

from analysis.stats.countmodel import add_q, choose_se
from analysis.stats.cr2 import cr2_covariance
from analysis.stats.marker_grid import ModelError, marker_grid
from analysis.stats.models import (
    BEFORE_AFTER_COLUMNS,
    RATE_MODEL_COLUMNS,
    TREND_COLUMNS,
    before_after,
    rate_models,
    rate_trends,
)

TOKENS = 1000
# group a: 6 documents on outlets a0 a1 a2 (two each); group b likewise on b0 b1 b2
M1 = {"a": [1, 5, 0, 8, 3, 9], "b": [2, 12, 4, 0, 10, 5]}  # sums 26, 33
M2 = {"a": [0, 2, 1, 3, 0, 4], "b": [5, 1, 6, 2, 8, 3]}  # sums 10, 25


def _tables(counts: dict[str, dict[str, list[int]]], dates=None):
    """markers + documents: ``counts[marker][group]`` lists, one document per entry."""
    groups = next(iter(counts.values()))
    docs, rows = [], []
    for g, values in groups.items():
        for k in range(len(values)):
            doc = f"{g}{k}"
            date = dates[g][k] if dates else "2022-01-01"
            docs.append((doc, f"{g}{k % 3}", g, date, TOKENS))
            for marker, by_group in counts.items():
                rows.append((doc, "f", marker, by_group[g][k]))
    documents = pd.DataFrame(docs, columns=["doc_id", "outlet", "origin", "date", "n_tokens"])
    markers = pd.DataFrame(rows, columns=["doc_id", "frame", "marker", "count"])
    return markers, documents


def _nb2(y, design, cov_type="nonrobust"):
    offset = np.full(len(y), np.log(TOKENS))
    model = NegativeBinomial(np.asarray(y, float), design, offset=offset, loglike_method="nb2")
    return model.fit(method="newton", maxiter=100, disp=0, cov_type=cov_type)


def _two_groups(y_a, y_b):
    g = np.r_[np.ones(len(y_a)), np.zeros(len(y_b))]
    return np.r_[y_a, y_b], np.column_stack([np.ones(len(g)), g])


def _row(table, **keys):
    mask = np.ones(len(table), dtype=bool)
    for k, v in keys.items():
        mask &= (table[k] == v).to_numpy()
    assert mask.sum() == 1, keys
    return table[mask].iloc[0]


def _floored(res, y, design, j, *, nb2=True, var=None, df=np.inf):
    """Expected (low, high, p, floor binds) of coefficient j, by hand.

    HC1 (statsmodels' ``bse²``) floored at the model-based ``(X'WX)^-1`` with
    W = μ / (1 + αμ) (α = 0 for Poisson), normal intervals; or a CR2 ``var`` as it is, with
    t(df) intervals (the last value then says whether a floor would have bound).
    """
    params = np.asarray(res.params)
    k = design.shape[1]
    mu = np.exp(design @ params[:k] + np.log(TOKENS))
    w = mu / (1 + (params[k] if nb2 else 0.0) * mu)
    info = np.linalg.inv(design.T @ (w[:, None] * design))[j, j]
    robust = res.bse[j] ** 2 if var is None else var
    se = np.sqrt(max(robust, info) if var is None else var)
    dist = stats.norm if np.isinf(df) else stats.t(df)
    crit, b = dist.ppf(0.975), params[j]
    return np.exp(b - crit * se), np.exp(b + crit * se), 2 * dist.sf(abs(b) / se), info > robust


# --------------------------------------------------------------------------- rate_models


def test_rate_models_hc1_equal_statsmodels_by_hand():
    markers, documents = _tables({"m1": M1, "m2": M2})
    out = rate_models(markers, documents, cluster=None)
    assert tuple(out.columns) == RATE_MODEL_COLUMNS
    # pairwise a vs b and a vs rest (= b) and b vs rest, for f, f/m1, f/m2
    assert len(out) == 9 and set(out["se_type"]) == {"hc1"} and set(out["model"]) == {"nb2"}
    row = _row(out, contrast="pairwise", marker="m1")
    assert (row["group"], row["reference"], row["period"]) == ("a", "b", "all")
    assert row["rate_ratio"] == pytest.approx(26 / 33, rel=1e-9)  # mean 26/6 over 33/6
    y, design = _two_groups(M1["a"], M1["b"])
    res = _nb2(y, design, cov_type="HC1")
    low, high, p, floored = _floored(res, y, design, 1)
    assert floored  # six documents a side: HC1 is below the NB2 information, which is used
    assert row["rate_ratio"] == pytest.approx(np.exp(res.params[1]), rel=1e-9)
    assert row["ci_low"] == pytest.approx(low, rel=1e-9)
    assert row["ci_high"] == pytest.approx(high, rel=1e-9)
    assert row["p"] == pytest.approx(p, rel=1e-9)
    assert (row["n_docs_group"], row["n_docs_reference"]) == (6, 6)
    # frame total f = m1 + m2: (26 + 10) / (33 + 25)
    assert _row(out, contrast="pairwise", marker="")["rate_ratio"] == pytest.approx(36 / 58)
    # b vs rest is the inverse of a vs b
    assert _row(out, contrast="one_vs_rest", group="b", marker="m2")["rate_ratio"] == (
        pytest.approx(25 / 10)
    )


def _dense_cr2(design, weights, resid, clusters, j):
    """CR2 variance and Bell–McCaffrey df of coefficient j with dense n × n matrices."""
    u = np.sqrt(weights)[:, None] * design
    bread = np.linalg.inv(u.T @ u)
    hat = u @ bread @ u.T
    eye = np.eye(len(resid))
    meat, q = np.zeros((design.shape[1],) * 2), []
    for c in np.unique(clusters):
        i = np.flatnonzero(clusters == c)
        adj = np.real(scipy.linalg.inv(scipy.linalg.sqrtm(eye[np.ix_(i, i)] - hat[np.ix_(i, i)])))
        score = u[i].T @ adj @ resid[i]
        meat += np.outer(score, score)
        q.append((eye - hat)[:, i] @ (adj @ u[i] @ bread[:, j]))
    lam = np.linalg.eigvalsh(np.column_stack(q).T @ np.column_stack(q))
    return (bread @ meat @ bread)[j, j], lam.sum() ** 2 / (lam**2).sum()


def test_rate_models_cluster_is_cr2_with_bell_mccaffrey_df():
    markers, documents = _tables({"m1": M1})
    out = rate_models(markers, documents)  # 6 outlets, 3 in each group: clustered
    row = _row(out, contrast="pairwise", marker="m1")
    assert row["se_type"] == "cluster" and row["model"] == "nb2"
    y, design = _two_groups(M1["a"], M1["b"])
    res = _nb2(y, design)
    beta, alpha = res.params[:2], res.params[2]
    mu = np.exp(design @ beta + np.log(TOKENS))
    weights = mu / (1 + alpha * mu)
    resid = (y - mu) / np.sqrt(mu * (1 + alpha * mu))
    outlets = documents["outlet"].to_numpy()  # the documents are in doc_id order: a0..b5
    var, df = _dense_cr2(design, weights, resid, outlets, 1)
    low, high, p, floored = _floored(res, y, design, 1, var=var, df=df)
    assert not floored  # CR2 is not floored, and here it is above the NB2 information anyway
    assert row["rate_ratio"] == pytest.approx(np.exp(beta[1]), rel=1e-9)
    assert row["ci_low"] == pytest.approx(low, rel=1e-9)
    assert row["ci_high"] == pytest.approx(high, rel=1e-9)
    assert row["p"] == pytest.approx(p, rel=1e-9)


def test_cr2_of_a_difference_of_means_is_the_welch_variance():
    # OLS (weights 1), one observation per cluster: CR2 = HC2, and for the difference of two
    # means HC2 is s1²/n1 + s2²/n2. Group 1: 1, 2, 6 (mean 3, s² = (4+1+9)/2 = 7);
    # group 0: 2, 4, 4, 6 (mean 4, s² = (4+0+0+4)/3 = 8/3).
    y = np.array([1.0, 2, 6, 2, 4, 4, 6])
    g = np.array([1.0, 1, 1, 0, 0, 0, 0])
    design = np.column_stack([np.ones(7), g])
    resid = y - np.where(g == 1, 3.0, 4.0)
    cov, df = cr2_covariance(design, np.ones(7), resid, np.arange(7))
    assert cov[1, 1] == pytest.approx(7 / 3 + (8 / 3) / 4, rel=1e-12)
    # Bell–McCaffrey df (homoskedastic working model) = (1/3 + 1/4)² / (1/(9·2) + 1/(16·3))
    assert df[1] == pytest.approx((1 / 3 + 1 / 4) ** 2 / (1 / 18 + 1 / 48), rel=1e-12)


def test_cr2_matches_the_dense_formulas_on_a_crossed_design():
    rng = np.random.default_rng(3)
    clusters = rng.integers(0, 6, 40)
    g, a = (clusters >= 3).astype(float), rng.integers(0, 2, 40).astype(float)
    design = np.column_stack([np.ones(40), g, a, g * a])
    weights, resid = rng.uniform(0.5, 3, 40), rng.normal(size=40)
    cov, df = cr2_covariance(design, weights, resid, clusters)
    for j in range(4):
        var, df_j = _dense_cr2(design, weights, resid, clusters, j)
        assert cov[j, j] == pytest.approx(var, rel=1e-9)
        assert df[j] == pytest.approx(df_j, rel=1e-9)
    # a cluster alone in a cell: CR2 undefined
    lone = np.r_[np.zeros(20), np.ones(20)]
    assert cr2_covariance(np.column_stack([np.ones(40), lone]), weights, resid, lone) is None


def test_quasi_poisson_fallback_when_nb2_fails():
    # under-dispersed counts (3/4 in a, 6/7 in b): NB2's Newton steps leave α > 0 -> NaN
    counts = {"m1": {"a": [3, 4, 3, 4, 3, 4], "b": [6, 7, 6, 7, 6, 7]}}
    markers, documents = _tables(counts)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing escapes: the failure is handled
        out = rate_models(markers, documents, cluster=None, contrasts="pairwise")
    row = _row(out, marker="m1")
    assert row["model"] == "quasi-poisson"
    import statsmodels.api as sm

    y, design = _two_groups(counts["m1"]["a"], counts["m1"]["b"])
    glm = sm.GLM(y, design, family=sm.families.Poisson(), offset=np.full(12, np.log(TOKENS)))
    res = glm.fit(scale="X2", cov_type="HC1")
    assert row["rate_ratio"] == pytest.approx(21 / 39, rel=1e-9)  # sums 21 and 39
    assert row["rate_ratio"] == pytest.approx(np.exp(res.params[1]), rel=1e-9)
    low, _, p, floored = _floored(res, y, design, 1, nb2=False)
    assert floored  # under-dispersed: HC1 is below the Poisson information
    assert row["ci_low"] == pytest.approx(low, rel=1e-9)
    assert row["p"] == pytest.approx(p, rel=1e-9)


def test_cluster_or_hc1():
    markers, documents = _tables({"m1": M1})
    assert set(rate_models(markers, documents)["se_type"]) == {"cluster"}
    # four outlets (two per group) are fewer than 5: HC1
    four = documents.assign(outlet=documents["outlet"].str.replace("2", "1"))
    assert set(rate_models(markers, four)["se_type"]) == {"hc1"}
    # groups that are outlets: one outlet per cell, HC1 whatever the number of outlets
    assert set(rate_models(markers, documents, by="outlet")["se_type"]) == {"hc1"}
    outlets = np.array(list("aabbccdd"))
    assert choose_se(outlets[:6]) == "hc1"  # 3 outlets
    assert choose_se(np.array(list("abcde"))) == "cluster"
    in_a = np.array([True, True, False, False, False])
    assert choose_se(np.array(list("abcde")), [in_a, ~in_a]) == "cluster"
    assert choose_se(np.array(list("aacde")), [in_a, ~in_a]) == "hc1"  # a cell of one outlet
    assert choose_se(None) == "hc1"


def test_bh_q_within_one_comparison():
    # p 0.01, 0.04, 0.03: p·n/rank = 0.03 (0.01), 0.045 (0.03), 0.04 (0.04); running minimum
    # from the top: 0.04, 0.04, 0.03. The second comparison (0.2, NaN) is corrected alone.
    table = pd.DataFrame({"c": ["x", "x", "x", "y", "y"], "p": [0.01, 0.04, 0.03, 0.2, np.nan]})
    q = add_q(table, ["c"])
    assert q.iloc[:4].tolist() == pytest.approx([0.03, 0.04, 0.04, 0.2])
    assert np.isnan(q.iloc[4])
    markers, documents = _tables({"m1": M1, "m2": M2})
    out = rate_models(markers, documents, cluster=None)
    for _, rows in out.groupby(["contrast", "group", "reference", "period"]):
        p = rows["p"].to_numpy()
        order = np.argsort(p)
        expected = np.minimum.accumulate((p[order] * 3 / np.arange(1, 4))[::-1])[::-1]
        assert rows["q"].to_numpy()[order] == pytest.approx(np.minimum(expected, 1.0))


def test_one_document_group_has_a_ratio_but_no_interval():
    counts = {"m1": {**M1, "c": [3]}}
    markers, documents = _tables(counts)
    out = rate_models(markers, documents, min_count=1, cluster=None)
    row = _row(out, contrast="pairwise", group="a", reference="c", marker="m1")
    assert row["rate_ratio"] == pytest.approx((26 / 6) / 3, rel=1e-9)
    assert np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])
    assert np.isnan(row["p"]) and np.isnan(row["q"])
    assert (row["n_docs_group"], row["n_docs_reference"]) == (6, 1)
    # the rest of c (a and b, 12 documents) still gets an interval... but c has one document
    assert np.isnan(_row(out, contrast="one_vs_rest", group="c", marker="m1")["p"])
    assert not np.isnan(_row(out, contrast="one_vs_rest", group="a", marker="m1")["p"])


def test_a_perfect_fit_has_a_ratio_but_no_interval():
    # identical documents within each group (3, 3, 3 vs 5, 5, 5), and one document each:
    # the model reproduces every count, there is no spread to estimate a variance from
    for counts in ({"a": [3, 3, 3], "b": [5, 5, 5]}, {"a": [3], "b": [5]}):
        markers, documents = _tables({"m1": counts})
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # statsmodels' perfect-prediction warning handled
            out = rate_models(markers, documents, min_count=1, cluster=None)
        row = _row(out, contrast="pairwise", marker="m1")
        assert row["rate_ratio"] == pytest.approx(0.6, rel=1e-9)
        assert np.isnan(row["ci_low"]) and np.isnan(row["p"]) and np.isnan(row["q"])


def test_zero_count_group_gives_ratio_0_and_reference_gives_inf():
    counts = {"m1": {"a": [0] * 6, "b": M1["b"]}}
    markers, documents = _tables(counts)
    out = rate_models(markers, documents, cluster=None)
    zero = _row(out, contrast="pairwise", marker="m1")
    assert zero["rate_ratio"] == 0.0 and zero["model"] == "none"
    assert np.isnan(zero["ci_low"]) and np.isnan(zero["ci_high"]) and np.isnan(zero["p"])
    inf = _row(out, contrast="one_vs_rest", group="b", marker="m1")
    assert inf["rate_ratio"] == np.inf and inf["model"] == "none" and np.isnan(inf["q"])


def test_min_count_and_periods():
    markers, documents = _tables({"m1": M1, "m2": M2})
    # m2 has 35 occurrences, m1 59, the frame 94
    assert set(rate_models(markers, documents, min_count=36)["marker"]) == {"", "m1"}
    dated = documents.assign(date=["2021-05-01"] * 3 + ["2022-05-01"] * 3 + ["2021-06-01"] * 6)
    out = rate_models(markers, dated, period="year", min_count=1, cluster=None)
    # 2022 has only group a: no comparison; 2021: a (3 documents) vs b (6)
    assert set(out["period"]) == {"2021"}
    row = _row(out, contrast="pairwise", marker="m1")
    assert row["rate_ratio"] == pytest.approx((6 / 3) / (33 / 6), rel=1e-9)  # a: 1+5+0


def test_output_does_not_depend_on_row_order():
    markers, documents = _tables({"m1": M1, "m2": M2})
    out = rate_models(markers, documents)
    shuffled = rate_models(markers.sample(frac=1, random_state=1), documents[::-1])
    pd.testing.assert_frame_equal(out, shuffled)


def test_marker_grid_sums_frames_and_validates():
    markers, documents = _tables({"m1": M1, "m2": M2})
    grid = marker_grid(markers, documents, columns=["origin"])
    assert grid.labels == (("f", ""), ("f", "m1"), ("f", "m2"))
    assert (dense := grid.counts.toarray())[:, 0].tolist() == (dense[:, 1] + dense[:, 2]).tolist()
    # a document without marker rows counts with zeros; documents are sorted by doc_id
    extra = pd.concat([documents, documents.iloc[:1].assign(doc_id="0new")])
    grid = marker_grid(markers, extra, columns=["origin"])
    assert grid.docs["doc_id"].iloc[0] == "0new" and grid.counts.toarray()[0].tolist() == [0, 0, 0]
    with pytest.raises(ModelError, match="duplicate row"):
        marker_grid(pd.concat([markers, markers.iloc[:1]]), documents, columns=["origin"])
    with pytest.raises(ModelError, match="not in the documents"):
        marker_grid(markers.assign(doc_id="zz"), documents, columns=["origin"])
    with pytest.raises(ModelError, match="n_tokens 0"):
        marker_grid(markers, documents.assign(n_tokens=0), columns=["origin"])
    with pytest.raises(ModelError, match="named 'rest'"):
        rate_models(markers, documents.assign(origin=["rest"] * 6 + ["b"] * 6))


@pytest.mark.parametrize("dtype", ["str", "category"])
def test_marker_grid_pairs_of_two_frames_from_string_columns(dtype):
    # frames and markers as a run holds them (Arrow strings) or as categoricals, rows in no
    # order; a marker name shared by two frames is two labels
    markers = pd.DataFrame(
        {
            "doc_id": ["d2", "d1", "d2", "d1", "d1"],
            "frame": pd.array(["g", "f", "f", "g", "f"], dtype=dtype),
            "marker": pd.array(["x", "y", "x", "x", "x"], dtype=dtype),
            "count": [4, 1, 2, 3, 5],
        }
    )
    documents = pd.DataFrame({"doc_id": ["d1", "d2"], "n_tokens": [10, 10], "origin": ["a", "b"]})
    grid = marker_grid(markers, documents, columns=["origin"])
    assert grid.labels == (("f", ""), ("f", "x"), ("f", "y"), ("g", ""), ("g", "x"))
    assert grid.counts.toarray().tolist() == [[6, 5, 1, 3, 3], [2, 2, 0, 4, 4]]


# --------------------------------------------------------------------------- time


def test_rate_trends_categorical_years():
    # group a: 2020 -> 1, 5 (mean 3); 2021 -> 12, 2, 4 (mean 6); 2022 -> 0, 0
    counts = {"m1": {"a": [1, 5, 12, 2, 4, 0, 0]}}
    years = {"a": ["2020-03-01"] * 2 + ["2021-03-01"] * 3 + ["2022-03-01"] * 2}
    markers, documents = _tables(counts, dates=years)
    out = rate_trends(markers, documents, min_count=1)
    assert tuple(out.columns) == TREND_COLUMNS
    r21 = _row(out, marker="m1", period="2021")
    assert r21["rate_ratio"] == pytest.approx(2.0, rel=1e-9)
    assert r21["reference_period"] == "2020" and r21["se_type"] == "hc1"
    assert (r21["n_docs_period"], r21["n_docs_reference_period"]) == (3, 2)
    # the same model by hand: 2022 has zero counts and is left out of the fit
    year = np.array([0, 0, 1, 1, 1])
    y, design = [1, 5, 12, 2, 4], np.column_stack([np.ones(5), year])
    res = _nb2(y, design, cov_type="HC1")
    assert r21["model"] == "nb2"
    low, _, p, _ = _floored(res, np.array(y, float), design, 1)
    assert r21["ci_low"] == pytest.approx(low, rel=1e-9)
    assert r21["p"] == pytest.approx(p, rel=1e-9)
    r22 = _row(out, marker="m1", period="2022")
    assert r22["rate_ratio"] == 0.0 and r22["model"] == "none" and np.isnan(r22["ci_low"])


def test_rate_trends_zero_first_period_and_single_documents():
    # 2020: 0, 0 (reference without counts) -> inf for 2021, NaN for the zero 2022
    counts = {"m1": {"a": [0, 0, 4, 2, 0]}}
    years = {"a": ["2020-03-01"] * 2 + ["2021-03-01"] * 2 + ["2022-03-01"]}
    markers, documents = _tables(counts, dates=years)
    out = rate_trends(markers, documents, min_count=1)
    assert _row(out, marker="m1", period="2021")["rate_ratio"] == np.inf
    assert np.isnan(_row(out, marker="m1", period="2022")["rate_ratio"])
    assert set(out["model"]) == {"none"}
    # 2021 of one document: a ratio (4 / mean(1, 5)), no interval
    counts = {"m1": {"a": [1, 5, 4]}}
    markers, documents = _tables(counts, dates={"a": ["2020-01-01"] * 2 + ["2021-01-01"]})
    row = _row(rate_trends(markers, documents, min_count=1), marker="m1")
    assert row["rate_ratio"] == pytest.approx(4 / 3, rel=1e-9) and np.isnan(row["ci_low"])


BEFORE = "2022-01-10"
AFTER = "2022-03-10"
# group a: before 2, 6, 1 (mean 3), after 8, 3, 10 (mean 7)      -> after/before 7/3
# group b: before 4, 9, 2, 5 (mean 5), after 3, 6, 1, 2 (mean 3) -> after/before 3/5
# ratio of ratios a / b = (7/3) / (3/5) = 35/9
SPLIT_COUNTS = {"m1": {"a": [2, 6, 1, 8, 3, 10], "b": [4, 9, 2, 5, 3, 6, 1, 2]}}
SPLIT_DATES = {"a": [BEFORE] * 3 + [AFTER] * 3, "b": [BEFORE] * 4 + [AFTER] * 4}


def test_before_after_and_ratio_of_ratios():
    markers, documents = _tables(SPLIT_COUNTS, dates=SPLIT_DATES)
    out = before_after(markers, documents, split="2022-02-24", min_count=1)
    assert tuple(out.columns) == BEFORE_AFTER_COLUMNS
    a = _row(out, contrast="after_vs_before", group="a", marker="m1")
    assert a["rate_ratio"] == pytest.approx(7 / 3, rel=1e-9) and a["reference"] == ""
    assert (a["n_docs_before"], a["n_docs_after"], a["n_docs_reference_after"]) == (3, 3, 0)
    b = _row(out, contrast="after_vs_before", group="b", marker="m1")
    assert b["rate_ratio"] == pytest.approx(3 / 5, rel=1e-9)
    rr = _row(out, contrast="ratio_of_ratios", marker="m1")
    assert (rr["group"], rr["reference"]) == ("a", "b")
    assert rr["rate_ratio"] == pytest.approx(35 / 9, rel=1e-9)
    assert (rr["n_docs_reference_before"], rr["n_docs_reference_after"]) == (4, 4)
    # the interaction model by hand; 6 outlets in the pair and each of the 4 cells spans
    # 3 of them (a: a0 a1 a2 before and after; b: b0 b1 b2 b0 before, b1 b2 b0 b1 after)
    y = np.array(SPLIT_COUNTS["m1"]["a"] + SPLIT_COUNTS["m1"]["b"], float)
    after = np.array([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1.0])
    in_a = np.r_[np.ones(6), np.zeros(8)]
    design = np.column_stack([np.ones(14), after, in_a, after * in_a])
    res = _nb2(y, design)
    assert rr["rate_ratio"] == pytest.approx(np.exp(res.params[3]), rel=1e-9)
    assert rr["se_type"] == "cluster" and rr["model"] == "nb2"
    alpha, mu = res.params[4], np.exp(design @ res.params[:4] + np.log(TOKENS))
    resid = (y - mu) / np.sqrt(mu * (1 + alpha * mu))
    outlets = documents["outlet"].to_numpy()
    var, df = _dense_cr2(design, mu / (1 + alpha * mu), resid, outlets, 3)
    low, high, _, _ = _floored(res, y, design, 3, var=var, df=df)
    assert rr["ci_low"] == pytest.approx(low, rel=1e-9)
    assert rr["ci_high"] == pytest.approx(high, rel=1e-9)


def test_before_after_window_and_hc1_by_hand():
    dates = {"a": SPLIT_DATES["a"], "b": ["2019-01-01"] + SPLIT_DATES["b"][1:]}
    markers, documents = _tables(SPLIT_COUNTS, dates=dates)
    out = before_after(markers, documents, split="2022-02-24", window=60, min_count=1)
    b = _row(out, contrast="after_vs_before", group="b", marker="m1")
    # b's first document (2019) is outside the window: before 9, 2, 5 (mean 16/3)
    assert b["n_docs_before"] == 3 and b["rate_ratio"] == pytest.approx(3 / (16 / 3), rel=1e-9)
    assert b["se_type"] == "hc1"  # 3 outlets
    y, design = np.array([9, 2, 5, 3, 6, 1, 2.0]), np.column_stack([np.ones(7), [0] * 3 + [1] * 4])
    res = _nb2(y, design, "HC1")
    _, high, p, _ = _floored(res, y, design, 1)
    assert b["ci_high"] == pytest.approx(high, rel=1e-9)
    assert b["p"] == pytest.approx(p, rel=1e-9)
    with pytest.raises(ModelError, match="split"):
        before_after(markers, documents, split="24/02/2022")


def test_before_after_cell_of_one_document():
    dates = {"a": SPLIT_DATES["a"], "b": [BEFORE] * 7 + [AFTER]}  # b after: one document (2)
    markers, documents = _tables(SPLIT_COUNTS, dates=dates)
    out = before_after(markers, documents, split="2022-02-24", min_count=1)
    b = _row(out, contrast="after_vs_before", group="b", marker="m1")
    # b before: 4, 9, 2, 5, 3, 6, 1 (mean 30/7); after: 2
    assert b["rate_ratio"] == pytest.approx(2 / (30 / 7), rel=1e-9)
    assert np.isnan(b["ci_low"]) and np.isnan(b["p"]) and b["n_docs_after"] == 1
    rr = _row(out, contrast="ratio_of_ratios", marker="m1")
    assert rr["rate_ratio"] == pytest.approx((7 / 3) / (2 / (30 / 7)), rel=1e-9)
    assert np.isnan(rr["ci_high"]) and rr["n_docs_reference_after"] == 1


def test_marker_grid_column_reads_a_label_of_the_sparse_counts():
    markers = pd.DataFrame(
        {"doc_id": ["b", "c", "c"], "frame": ["f", "f", "f"], "marker": ["m1", "m1", "m2"]}
    ).assign(count=[2, 1, 4])
    documents = pd.DataFrame({"doc_id": ["c", "a", "b"], "n_tokens": [9, 5, 7], "origin": "x"})
    grid = marker_grid(markers, documents, columns=["origin"])
    # documents a, b, c; labels (f, total), (f, m1), (f, m2)
    assert grid.column(0, np.arange(3)).tolist() == [0, 2, 5]
    assert grid.column(1, np.array([2, 0])).tolist() == [1, 0]
    assert grid.column(2, np.array([1, 2])).dtype == np.int64
    assert grid.column(2, np.array([1, 2])).tolist() == [0, 4]
