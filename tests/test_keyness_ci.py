"""Keyness with document-bootstrap intervals (analysis.stats.keyness_ci) and its resampling
helper (analysis.stats.bootstrap.resample_weights)."""

import numpy as np
import pandas as pd
import pytest

from analysis.stats.bootstrap import resample_weights, shared_intervals
from analysis.stats.keyness import CompareError, keyness
from analysis.stats.keyness_ci import KEYNESS_CI_COLUMNS, keyness_intervals

# group a: a1 (x 2, y 1), a2 (x 1), a3 (z 4); group b: b1 (x 1, z 1), b2 (no terms);
# group c: c1 (y 5, w 1)
TERMS = pd.DataFrame(
    {
        "doc_id": ["a1", "a1", "a2", "a3", "b1", "b1", "c1", "c1"],
        "term": ["x", "y", "x", "z", "x", "z", "y", "w"],
        "count": [2, 1, 1, 4, 1, 1, 5, 1],
    }
)
DOCS = pd.DataFrame(
    {"doc_id": ["a1", "a2", "a3", "b1", "b2", "c1"], "origin": ["a", "a", "a", "b", "b", "c"]}
)
KEY = ["comparison", "group", "reference", "term"]


def test_point_estimate_and_rows_equal_keyness():
    for options in ({}, {"min_count": 3}, {"prior_strength": 10.0}, {"comparisons": "pairwise"}):
        base = keyness(TERMS, DOCS, **options).sort_values(KEY).reset_index(drop=True)
        out = keyness_intervals(TERMS, DOCS, n_resamples=50, **options)
        assert tuple(out.columns) == KEYNESS_CI_COLUMNS
        pd.testing.assert_frame_equal(out[KEY], base[KEY])
        assert out["log_odds"].tolist() == base["log_odds"].tolist()  # exactly


def test_stop_words_as_in_keyness():
    terms = pd.concat(
        [TERMS, pd.DataFrame({"doc_id": ["a1", "b1"], "term": ["the", "the"], "count": [9, 3]})]
    )
    base = keyness(terms, DOCS, stop_words=True).sort_values(KEY).reset_index(drop=True)
    out = keyness_intervals(terms, DOCS, stop_words=True, n_resamples=20)
    assert "the" not in set(out["term"])
    assert out["log_odds"].tolist() == base["log_odds"].tolist()


def test_doc_shares_and_document_counts():
    out = keyness_intervals(TERMS, DOCS, n_resamples=20)
    ab = out[out["comparison"] == "a vs b"].set_index("term")
    # a: x in a1, a2 (2/3), y in a1 (1/3), z in a3 (1/3); b (b2 has no terms): x 1/2, z 1/2
    assert ab["doc_share_group"].to_dict() == {"x": 2 / 3, "y": 1 / 3, "z": 1 / 3}
    assert ab["doc_share_reference"].to_dict() == {"x": 0.5, "y": 0.0, "z": 0.5}
    assert set(ab["n_docs_group"]) == {3} and set(ab["n_docs_reference"]) == {2}
    # c vs rest: the rest is a1..b2 (5 documents); y is in a1 only
    c_rest = out[out["comparison"] == "c vs rest"].set_index("term")
    assert c_rest.loc["y", "doc_share_reference"] == 1 / 5
    assert c_rest.loc["w", "doc_share_group"] == 1.0


def test_one_document_side_has_no_interval():
    out = keyness_intervals(TERMS, DOCS, n_resamples=200)
    single = out[out["group"].eq("c") | out["reference"].eq("c")]
    assert len(single) and single["log_odds_ci_low"].isna().all()
    assert single["log_odds_ci_high"].isna().all() and single["log_odds"].notna().all()
    ab = out[out["comparison"] == "a vs b"]
    assert (ab["log_odds_ci_low"] <= ab["log_odds_ci_high"]).all()


def test_two_documents_give_the_extreme_resamples():
    # group a: a1 (x 1, y 3), a2 (x 3, y 1); reference b: b1 = b2 = (x 2, y 2), so every
    # resample of b has x 4, y 4, n 8. Prior α0 = 10, c_x = c_y = 8 of C = 16: α_x = 5.
    # Resamples of a: {a1,a1} x 2 (p 1/4), {a1,a2} x 4 (p 1/2), {a2,a2} x 6 (p 1/4), n 8:
    # δ_x = log((y+5)/(8+10-y-5)) - log(9/9) -> log(7/11), 0, log(11/7). With 2,000
    # resamples about 500 sit at each extreme, so the 2.5th / 97.5th percentiles are them.
    terms = pd.DataFrame(
        {
            "doc_id": ["a1", "a1", "a2", "a2", "b1", "b1", "b2", "b2"],
            "term": ["x", "y"] * 4,
            "count": [1, 3, 3, 1, 2, 2, 2, 2],
        }
    )
    docs = pd.DataFrame({"doc_id": ["a1", "a2", "b1", "b2"], "origin": ["a", "a", "b", "b"]})
    out = keyness_intervals(terms, docs, prior_strength=10.0, comparisons="pairwise")
    x = out.set_index("term").loc["x"]
    assert x["log_odds"] == 0.0
    assert x["log_odds_ci_low"] == pytest.approx(np.log(7 / 11), rel=1e-6)
    assert x["log_odds_ci_high"] == pytest.approx(np.log(11 / 7), rel=1e-6)


def test_identical_documents_give_a_point_interval():
    terms = pd.DataFrame(
        {"doc_id": ["a1", "a2", "b1", "b2"], "term": ["x"] * 4, "count": [2, 2, 1, 1]}
    )
    terms = pd.concat([terms, terms.assign(term="y", count=3)])
    docs = pd.DataFrame({"doc_id": ["a1", "a2", "b1", "b2"], "origin": ["a", "a", "b", "b"]})
    out = keyness_intervals(terms, docs, comparisons="pairwise", n_resamples=100)
    assert out["log_odds_ci_low"].to_numpy() == pytest.approx(out["log_odds"], abs=1e-6)
    assert out["log_odds_ci_high"].to_numpy() == pytest.approx(out["log_odds"], abs=1e-6)


def test_intervals_do_not_depend_on_other_groups_or_order():
    rng = np.random.default_rng(4)
    rows = [(f"{g}{k}", f"t{t}", int(rng.integers(1, 4))) for g in "ab" for k in range(8)
            for t in rng.choice(12, 5, replace=False)]  # fmt: skip
    terms = pd.DataFrame(rows, columns=["doc_id", "term", "count"])
    docs = pd.DataFrame({"doc_id": [f"{g}{k}" for g in "ab" for k in range(8)]})
    docs["origin"] = docs["doc_id"].str[0]
    out = keyness_intervals(terms, docs, comparisons="pairwise", n_resamples=300)
    shuffled = keyness_intervals(
        terms.sample(frac=1, random_state=2), docs[::-1], comparisons="pairwise", n_resamples=300
    )
    pd.testing.assert_frame_equal(out, shuffled)
    # a group c without terms leaves the prior as it was; a's and b's resamples are keyed
    # by their own names, so "a vs b" is unchanged
    more = pd.concat([docs, pd.DataFrame({"doc_id": ["c0", "c1"], "origin": ["c", "c"]})])
    with_c = keyness_intervals(terms, more, comparisons="pairwise", n_resamples=300)
    ab = with_c[with_c["comparison"] == "a vs b"].reset_index(drop=True)
    pd.testing.assert_frame_equal(ab, out)
    assert out["log_odds_ci_low"].lt(out["log_odds_ci_high"]).any()


def test_resample_weights_are_the_draws_of_shared_intervals():
    rng = np.random.default_rng(0)
    num, den = rng.integers(0, 5, (7, 2)).astype(float), rng.integers(1, 9, (7, 2)).astype(float)
    bounds = shared_intervals(num, den, key=("g", "2022"), n_resamples=500, confidence=0.9, seed=3)
    blocks = list(resample_weights(7, n_resamples=500, seed=3, key=("g", "2022")))
    w = np.vstack([b for _, b in blocks]).astype(float)
    assert [lo for lo, _ in blocks][0] == 0 and w.shape == (500, 7)
    assert (w.sum(axis=1) == 7).all()
    ratios = (w @ num) / (w @ den)
    # the same draws: equal up to the last bit of the percentile arithmetic
    expected = np.percentile(ratios, [5, 95], axis=0).T
    np.testing.assert_allclose(bounds, expected, rtol=1e-12)
    other = np.vstack([b for _, b in resample_weights(7, n_resamples=500, seed=4, key=("g",))])
    assert not np.array_equal(other, w)


def test_bad_input():
    with pytest.raises(CompareError, match="not in the documents"):
        keyness_intervals(TERMS, DOCS[DOCS["doc_id"] != "a1"])
    with pytest.raises(CompareError, match="n_resamples"):
        keyness_intervals(TERMS, DOCS, n_resamples=0)
    with pytest.raises(CompareError, match="named 'rest'"):
        keyness_intervals(TERMS, DOCS.assign(origin=["rest"] * 3 + ["b"] * 3))


# a: a1 (x 1, y 3), a2 (x 3, y 1), a3 (x 2); b: b1 (x 2, y 2), b2 (y 1), b3 (x 1, y 2)
NORMAL_TERMS = pd.DataFrame(
    {
        "doc_id": ["a1", "a1", "a2", "a2", "a3", "b1", "b1", "b2", "b3", "b3"],
        "term": ["x", "y", "x", "y", "x", "x", "y", "y", "x", "y"],
        "count": [1, 3, 3, 1, 2, 2, 2, 1, 1, 2],
    }
)
NORMAL_DOCS = pd.DataFrame(
    {"doc_id": ["a1", "a2", "a3", "b1", "b2", "b3"], "origin": ["a"] * 3 + ["b"] * 3}
)


def test_normal_approximation_by_hand():
    # prior α0 = 10; x 9 and y 9 of C = 18 tokens: α_x = 5. Term x, side a: c = (1, 3, 2),
    # N = (4, 4, 2), m = 3: Σc 6, Σc² 14, Σc·N 20, ΣN 10, ΣN² 36, so m·var(c) = 14 - 36/3 = 2,
    # m·cov(c, N) = 20 - 6·10/3 = 0, m·var(N) = 36 - 100/3 = 8/3. Side b: c = (2, 0, 1),
    # N = (4, 1, 3): Σc 3, Σc² 5, Σc·N 11, ΣN 8, ΣN² 26: 5 - 9/3 = 2, 11 - 3·8/3 = 3,
    # 26 - 64/3 = 14/3. f = log(y + α) - log(n + α0 - y - α): a: y 6, n 10, f_y = 1/11 + 1/9,
    # f_n = -1/9; b: y 3, n 8, f_y = 1/8 + 1/10, f_n = -1/10.
    def f_a(y):
        return np.log(y + 5) - np.log(10 + 10 - y - 5)

    def f_b(y):
        return np.log(y + 5) - np.log(8 + 10 - y - 5)

    delta = f_a(6) - f_b(3)
    var_a = (1 / 11 + 1 / 9) ** 2 * 2 + 2 * (1 / 11 + 1 / 9) * (-1 / 9) * 0 + (1 / 81) * 8 / 3
    var_b = (9 / 40) ** 2 * 2 + 2 * (9 / 40) * (-1 / 10) * 3 + (1 / 100) * 14 / 3
    s_a, s_b = np.sqrt(var_a) / (1 / 11 + 1 / 9), np.sqrt(var_b) / (9 / 40)  # as counts
    options = {"prior_strength": 10.0, "comparisons": "pairwise", "bootstrap_max_docs": 0}
    x = keyness_intervals(NORMAL_TERMS, NORMAL_DOCS, **options).set_index("term").loc["x"]
    assert x["ci_method"] == "normal" and x["log_odds"] == pytest.approx(delta, rel=1e-12)
    # 95 %, z = 1.959963984540054: a uses x in all 3 documents, a resample always draws
    # one; b in 2 of 3, a resample misses both with probability (1/3)³ = 1/27 ≥ 2.5 %: b's
    # lower end is the count 0
    z = 1.959963984540054
    assert 6 - z * s_a > 1 and (1 / 3) ** 3 >= 0.025
    low = delta - np.hypot(f_a(6) - f_a(6 - z * s_a), f_b(3 + z * s_b) - f_b(3))
    high = delta + np.hypot(f_a(6 + z * s_a) - f_a(6), f_b(3) - f_b(0))
    assert x["log_odds_ci_low"] == pytest.approx(low, rel=1e-12)
    assert x["log_odds_ci_high"] == pytest.approx(high, rel=1e-12)
    # 90 %, z = 1.6448536269514722: 1/27 < 5 %, so b's lower end is 3 - z·s_b (> 1)
    z = 1.6448536269514722
    ninety = keyness_intervals(NORMAL_TERMS, NORMAL_DOCS, confidence=0.9, **options)
    x = ninety.set_index("term").loc["x"]
    high = delta + np.hypot(f_a(6 + z * s_a) - f_a(6), f_b(3) - f_b(3 - z * s_b))
    assert 3 - z * s_b > 1 and x["log_odds_ci_high"] == pytest.approx(high, rel=1e-12)


def test_normal_approximation_of_a_frequent_term_is_the_delta_method():
    # 2 x 2,000 documents of 10 tokens: a uses x once in every document, b once in every
    # other document (so Var y_a = 0, and f is close to linear around y): the interval
    # is δ ± z·se with the delta-method se of b alone
    docs = pd.DataFrame({"doc_id": [f"{g}{k}" for g in "ab" for k in range(2000)]})
    docs["origin"] = docs["doc_id"].str[0]
    x_b = [f"b{k}" for k in range(0, 2000, 2)]
    terms = pd.concat(
        [
            pd.DataFrame({"doc_id": [f"a{k}" for k in range(2000)], "term": "x", "count": 1}),
            pd.DataFrame({"doc_id": docs["doc_id"], "term": "y", "count": 9}),
            pd.DataFrame({"doc_id": x_b, "term": "x", "count": 1}),
            pd.DataFrame({"doc_id": [f"b{k}" for k in range(1, 2000, 2)], "term": "y", "count": 1}),
        ]
    )  # a: (x 1, y 9); b: (x 1, y 9) in even documents, (y 10) in odd ones
    out = keyness_intervals(terms, docs, comparisons="pairwise", bootstrap_max_docs=0)
    x = out.set_index("term").loc["x"]

    # α_x = 1000 · 3,000 / 40,000 = 75; b: y 1,000, n 20,000, m·var(c) = 2000·1/4 = 500,
    # m·cov(c, N) = 0, m·var(N) = 0, so s = √500 as a count; a: Var = 0
    def f_b(y):
        return np.log(y + 75) - np.log(20000 + 1000 - y - 75)

    z, s = 1.959963984540054, np.sqrt(500)
    assert x["log_odds_ci_low"] == pytest.approx(x["log_odds"] - (f_b(1000 + z * s) - f_b(1000)))
    assert x["log_odds_ci_high"] == pytest.approx(x["log_odds"] + (f_b(1000) - f_b(1000 - z * s)))
    # and the half-widths average to z·se of the delta method within 0.1 %
    se = (1 / (1000 + 75) + 1 / (20000 + 1000 - 1000 - 75)) * s
    half = (x["log_odds_ci_high"] - x["log_odds_ci_low"]) / 2
    assert half == pytest.approx(z * se, rel=1e-3)


def test_the_threshold_is_the_smaller_side():
    # both sides have 3 documents: 3 is still the bootstrap (byte for byte), 2 the normal one
    boot = keyness_intervals(NORMAL_TERMS, NORMAL_DOCS, n_resamples=300, bootstrap_max_docs=None)
    at = keyness_intervals(NORMAL_TERMS, NORMAL_DOCS, n_resamples=300, bootstrap_max_docs=3)
    pd.testing.assert_frame_equal(at, boot)
    assert set(boot["ci_method"]) == {"bootstrap"}
    above = keyness_intervals(NORMAL_TERMS, NORMAL_DOCS, n_resamples=300, bootstrap_max_docs=2)
    assert set(above["ci_method"]) == {"normal"}
    same = [c for c in KEYNESS_CI_COLUMNS if not c.startswith("log_odds_ci") and c != "ci_method"]
    pd.testing.assert_frame_equal(above[same], boot[same])
    assert not np.allclose(above["log_odds_ci_low"], boot["log_odds_ci_low"])


def test_methods_per_comparison_and_one_document_sides():
    # a 3 documents, b 2, c 1: with 2, "a vs rest" (3 and 3) is normal, "b vs rest" (2 and 4)
    # and "a vs b" (3 and 2) keep their bootstrap exactly, c's comparisons have no interval
    base = keyness_intervals(TERMS, DOCS, n_resamples=200)
    mixed = keyness_intervals(TERMS, DOCS, n_resamples=200, bootstrap_max_docs=2)
    methods = mixed.groupby("comparison")["ci_method"].unique().map(list).to_dict()
    assert methods == {
        "a vs b": ["bootstrap"], "a vs c": [""], "a vs rest": ["normal"], "b vs c": [""],
        "b vs rest": ["bootstrap"], "c vs rest": [""],
    }  # fmt: skip
    assert base["ci_method"].isin(["bootstrap", ""]).all()
    kept = ~mixed["comparison"].eq("a vs rest")
    pd.testing.assert_frame_equal(mixed[kept], base[kept])
    always = keyness_intervals(TERMS, DOCS, bootstrap_max_docs=0)
    single = always[always["group"].eq("c") | always["reference"].eq("c")]
    assert single[["log_odds_ci_low", "log_odds_ci_high"]].isna().all().all()
    assert set(single["ci_method"]) == {""}
    assert set(always.loc[~always.index.isin(single.index), "ci_method"]) == {"normal"}


def test_normal_approximation_agrees_with_a_converged_bootstrap():
    # 400 documents a side, 6 common terms with Poisson counts and documents of varying
    # length: the bootstrap's 95 % bounds and the normal ones differ by < 5 % of the width
    rng = np.random.default_rng(7)
    rows = []
    for g, rates in (("a", [3, 2, 1, 1, 0.5, 4]), ("b", [2, 2, 1.5, 0.5, 0.5, 3])):
        for k in range(400):
            scale = rng.gamma(2.0, 0.5)
            counts = rng.poisson(np.array(rates) * scale)
            rows += [(f"{g}{k}", f"t{t}", int(c)) for t, c in enumerate(counts) if c]
    terms = pd.DataFrame(rows, columns=["doc_id", "term", "count"])
    docs = pd.DataFrame({"doc_id": [f"{g}{k}" for g in "ab" for k in range(400)]})
    docs["origin"] = docs["doc_id"].str[0]
    options = {"comparisons": "pairwise", "n_resamples": 4000}
    boot = keyness_intervals(terms, docs, bootstrap_max_docs=None, **options)
    normal = keyness_intervals(terms, docs, bootstrap_max_docs=0, **options)
    width = boot["log_odds_ci_high"] - boot["log_odds_ci_low"]
    for bound in ("log_odds_ci_low", "log_odds_ci_high"):
        assert ((normal[bound] - boot[bound]).abs() / width).max() < 0.05


def test_bad_threshold():
    for bad in (-1, 2.5, True):
        with pytest.raises(CompareError, match="bootstrap_max_docs"):
            keyness_intervals(TERMS, DOCS, bootstrap_max_docs=bad)


def test_repeated_rows_of_a_document_are_summed_in_either_order():
    """A document's (doc, term) rows given twice count as their sum, whether the rows come
    document by document (the matrix is built in place) or not (coordinates summed)."""
    split = pd.concat([TERMS.iloc[:1].assign(count=1), TERMS.iloc[:1].assign(count=1)])
    in_order = pd.concat([split, TERMS.iloc[1:]], ignore_index=True)  # a1 x 1 + 1, then a1 y
    mixed = pd.concat([TERMS.iloc[1:], split], ignore_index=True)  # a1 x after c1
    want = keyness_intervals(TERMS, DOCS, n_resamples=200)
    for terms in (in_order, mixed):
        pd.testing.assert_frame_equal(keyness_intervals(terms, DOCS, n_resamples=200), want)
