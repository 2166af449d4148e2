"""Comparison statistics (analysis.stats.keyness and .rates): keyness, top terms, frame rates.

Expected numbers are literals worked out by hand (a calculator for the logs); the arithmetic
is in the comments.
"""

import numpy as np
import pandas as pd
import pytest

from analysis.stats.keyness import (
    KEYNESS_WORD_COLUMNS,
    CompareError,
    benjamini_hochberg,
    keyness,
    log_likelihood,
    top_terms,
)
from analysis.stats.rates import FRAME_RATE_COLUMNS, frame_rates

#: frame_rates() without a voice has no voice column
NO_VOICE_COLUMNS = tuple(c for c in FRAME_RATE_COLUMNS if c != "voice")

# --------------------------------------------------------------------------- toy tables

# Two groups, one document each.
#   group a (doc a1): x 3, y 1, z 0   -> n_a = 4
#   group b (doc b1): x 1, y 2, z 3   -> n_b = 6
#   pooled:           x 4, y 3, z 3   -> C = 10
# With prior_strength α0 = 10 the prior is α_w = 10 · c_w / 10 = c_w: α_x = 4, α_y = α_z = 3.
TERMS2 = pd.DataFrame(
    {
        "doc_id": ["a1", "a1", "b1", "b1", "b1"],
        "term": ["x", "y", "x", "y", "z"],
        "count": [3, 1, 1, 2, 3],
    }
)
DOCS2 = pd.DataFrame({"doc_id": ["a1", "b1"], "origin": ["a", "b"]})

# δ_x = log((3+4)/(4+10-3-4)) - log((1+4)/(6+10-1-4)) = log(7/7) - log(5/11) = log(2.2)
# δ_y = log((1+3)/(4+10-1-3)) - log((2+3)/(6+10-2-3)) = log(4/10) - log(5/11) = log(0.88)
# δ_z = log((0+3)/(4+10-0-3)) - log((3+3)/(6+10-3-3)) = log(3/11) - log(6/10) = log(5/11)
DELTA = {"x": 0.7884573603642702, "y": -0.12783337150988483, "z": -0.7884573603642702}
# σ²_x = 1/7 + 1/5 = 12/35;  σ²_y = 1/4 + 1/5 = 0.45;  σ²_z = 1/3 + 1/6 = 0.5
SIGMA2 = {"x": 12 / 35, "y": 0.45, "z": 0.5}
# z = δ / σ:  0.788457 / 0.585540,  -0.127833 / 0.670820,  -0.788457 / 0.707107
Z = {"x": 1.3465472921185235, "y": -0.19056273899272494, "z": -1.1150470923800415}
# G² on the 2×2 tables (term, other) × (a, b), N = 10, expected E = row · col / N:
# x: [[3,1],[1,5]], E [[1.6,2.4],[2.4,3.6]]
#    2·(3 ln(3/1.6) + 1 ln(1/2.4) + 1 ln(1/2.4) + 5 ln(5/3.6)) = 3.5548176768
# y: [[1,2],[3,4]], E [[1.2,1.8],[2.8,4.2]]
#    2·(1 ln(1/1.2) + 2 ln(2/1.8) + 3 ln(3/2.8) + 4 ln(4/4.2)) = 0.0804348646
# z: [[0,3],[4,3]] (zero cell), E [[1.2,1.8],[2.8,4.2]]
#    2·(0 + 3 ln(3/1.8) + 4 ln(4/2.8) + 3 ln(3/4.2)) = 3.8995198744
G2 = {"x": 3.5548176768390056, "y": 0.08043486460964827, "z": 3.8995198743785253}
# p = P(χ²₁ > G²) = erfc(sqrt(G²/2))
P = {"x": 0.059372830341343996, "y": 0.7767089586046639, "z": 0.0482999091008168}
# BH over the 3 tested terms: sorted p z (rank 1), x (2), y (3):
#   z: 0.0483·3/1 = 0.14490, x: 0.05937·3/2 = 0.089059, y: 0.77671·3/3 = 0.77671
#   running minimum from the largest rank: y 0.77671, x 0.089059, z min(0.14490, 0.089059)
Q = {"x": 0.08905924551201599, "y": 0.7767089586046639, "z": 0.08905924551201599}
# rates per 1,000: a: x 3/4, y 1/4, z 0;  b: x 1/6, y 2/6, z 3/6
RATE_A = {"x": 750.0, "y": 250.0, "z": 0.0}
RATE_B = {"x": 1000 / 6, "y": 2000 / 6, "z": 500.0}


def test_keyness_two_groups_hand_computed():
    out = keyness(TERMS2, DOCS2, prior_strength=10.0)
    assert tuple(out.columns) == KEYNESS_WORD_COLUMNS
    # one-vs-rest of a and b, and the single pair "a vs b"; sorted by comparison, z desc
    assert list(zip(out["comparison"], out["term"], strict=True)) == [
        ("a vs b", "x"),
        ("a vs b", "y"),
        ("a vs b", "z"),
        ("a vs rest", "x"),
        ("a vs rest", "y"),
        ("a vs rest", "z"),
        ("b vs rest", "z"),
        ("b vs rest", "y"),
        ("b vs rest", "x"),
    ]
    assert list(out["group"]) == ["a"] * 6 + ["b"] * 3
    assert list(out["reference"]) == ["b"] * 3 + ["rest"] * 6
    for comp in ("a vs b", "a vs rest"):  # with two groups the rest of a is b
        sub = out[out["comparison"] == comp].set_index("term")
        for t in "xyz":
            row = sub.loc[t]
            assert row["log_odds"] == pytest.approx(DELTA[t], rel=1e-12)
            assert (row["log_odds"] / row["z"]) ** 2 == pytest.approx(SIGMA2[t], rel=1e-12)
            assert row["z"] == pytest.approx(Z[t], rel=1e-12)
            assert row["g2"] == pytest.approx(G2[t], rel=1e-12)
            assert row["p"] == pytest.approx(P[t], rel=1e-9)
            assert row["q"] == pytest.approx(Q[t], rel=1e-9)
            assert row["rate_group"] == pytest.approx(RATE_A[t], rel=1e-12)
            assert row["rate_reference"] == pytest.approx(RATE_B[t], rel=1e-12)
        assert list(sub["count_group"]) == [3, 1, 0]
        assert list(sub["count_reference"]) == [1, 2, 3]
    # the other direction flips the sign of δ and z; G², p, q are symmetric
    rev = out[out["comparison"] == "b vs rest"].set_index("term")
    for t in "xyz":
        assert rev.loc[t, "log_odds"] == pytest.approx(-DELTA[t], rel=1e-12)
        assert rev.loc[t, "z"] == pytest.approx(-Z[t], rel=1e-12)
        assert rev.loc[t, "g2"] == pytest.approx(G2[t], rel=1e-12)
        assert rev.loc[t, "q"] == pytest.approx(Q[t], rel=1e-9)


def test_default_prior_strength_is_1000():
    out = keyness(TERMS2, DOCS2, comparisons="pairwise").set_index("term")
    # α_x = 1000 · 4/10 = 400:
    # δ_x = log(403 / (4+1000-3-400)) - log(401 / (6+1000-1-400)) = log(403/601) - log(401/605)
    #     = -0.399658 - (-0.411267) = 0.0116087
    assert out.loc["x", "log_odds"] == pytest.approx(0.011608658135747685, rel=1e-12)
    # σ² = 1/403 + 1/401 = 0.00497516
    assert (out.loc["x", "log_odds"] / out.loc["x", "z"]) ** 2 == pytest.approx(
        0.004975155164198684, rel=1e-12
    )


def test_log_likelihood_zero_cells_and_scipy_cross_check():
    from scipy.stats import chi2_contingency

    # zero cell: y_i = 0 -> 0·log 0 = 0 (value worked out above)
    assert log_likelihood(0, 3, 4, 6) == pytest.approx(3.8995198743785253, rel=1e-12)
    # identical proportions -> exactly no evidence
    assert log_likelihood(2, 4, 10, 20) == 0.0
    # a term in only one corpus that is *all* of that corpus: [[5,0],[0,5]]
    # E = 2.5 everywhere: 2·(5 ln 2 + 5 ln 2) = 20 ln 2 = 13.862943611
    assert log_likelihood(5, 0, 5, 5) == pytest.approx(13.862943611198906, rel=1e-12)
    # independent implementation (scipy's G-test without continuity correction)
    for yi, yj, ni, nj in [(3, 1, 4, 6), (7, 2, 50, 80), (0, 9, 12, 30)]:
        g, *_ = chi2_contingency(
            [[yi, yj], [ni - yi, nj - yj]], correction=False, lambda_="log-likelihood"
        )
        assert log_likelihood(yi, yj, ni, nj) == pytest.approx(g, rel=1e-12)


def test_benjamini_hochberg_known_vector():
    # sorted p 0.01 (1), 0.03 (2), 0.04 (3), 0.2 (4), n = 4:
    #   raw n/k·p: 0.04, 0.06, 0.05333.., 0.2 -> running min from the top:
    #   0.2, 0.05333.., 0.05333.., 0.04
    q = benjamini_hochberg([0.01, 0.04, 0.03, 0.2])
    assert q == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.2], rel=1e-12)
    # capped at 1 and empty input
    assert benjamini_hochberg([0.9, 0.95]) == pytest.approx([0.95, 0.95])
    assert benjamini_hochberg([]).shape == (0,)


# Three groups, one document each (c, r, t ~ chinese, russian, third-party):
#   c: shared 2, only_c 1        r: shared 1, only_r 2, rt 1        t: shared 1, rt 2
TERMS3 = pd.DataFrame(
    {
        "doc_id": ["c1", "c1", "r1", "r1", "r1", "t1", "t1"],
        "term": ["shared", "only_c", "shared", "only_r", "rt", "shared", "rt"],
        "count": [2, 1, 1, 2, 1, 1, 2],
    }
)
DOCS3 = pd.DataFrame(
    {"doc_id": ["c1", "r1", "t1"], "origin": ["chinese", "russian", "third-party"]}
)


def _rows(df):
    return sorted(zip(df["comparison"], df["group"], df["reference"], df["term"], strict=True))


def test_three_groups_rows():
    both = keyness(TERMS3, DOCS3)
    vs_rest = keyness(TERMS3, DOCS3, comparisons="one-vs-rest")
    pairs = keyness(TERMS3, DOCS3, comparisons="pairwise")
    # one-vs-rest: every group against all others; every term of the corpus is tested
    terms = ["only_c", "only_r", "rt", "shared"]
    assert _rows(vs_rest) == sorted(
        [("chinese vs rest", "chinese", "rest", t) for t in terms]
        + [("russian vs rest", "russian", "rest", t) for t in terms]
        + [("third-party vs rest", "third-party", "rest", t) for t in terms]
    )
    # pairwise: each unordered pair once (group first in sorted order); a term absent from
    # both groups of a pair is not tested (no row)
    assert _rows(pairs) == sorted(
        [
            ("chinese vs russian", "chinese", "russian", t)
            for t in ["only_c", "only_r", "rt", "shared"]
        ]
        + [
            ("chinese vs third-party", "chinese", "third-party", t)
            for t in ["only_c", "rt", "shared"]
        ]
        + [
            ("russian vs third-party", "russian", "third-party", t)
            for t in ["only_r", "rt", "shared"]
        ]
    )
    assert _rows(both) == sorted(_rows(vs_rest) + _rows(pairs))
    assert list(pd.unique(both["comparison"])) == [
        "chinese vs rest",
        "chinese vs russian",
        "chinese vs third-party",
        "russian vs rest",
        "russian vs third-party",
        "third-party vs rest",
    ]
    # rest of chinese = russian + third-party: shared 2, only_r 2, rt 3 (n = 7)
    cr = vs_rest[vs_rest["comparison"] == "chinese vs rest"].set_index("term")
    assert cr["count_reference"].to_dict() == {"only_c": 0, "only_r": 2, "rt": 3, "shared": 2}
    assert cr.loc["rt", "rate_reference"] == pytest.approx(3000 / 7)
    # BH in "chinese vs third-party" runs over its 3 tested terms only
    ct = pairs[pairs["comparison"] == "chinese vs third-party"]
    assert np.allclose(ct["q"], benjamini_hochberg(ct["p"]))
    # z descending within a comparison
    for _, sub in both.groupby("comparison"):
        assert list(sub["z"]) == sorted(sub["z"], reverse=True)


def test_keyness_min_count_filters_before_bh():
    # min_count = 4 keeps x (3+1) and drops y (1+2) and ... z (0+3)
    out = keyness(TERMS2, DOCS2, prior_strength=10.0, comparisons="pairwise", min_count=4)
    assert list(out["term"]) == ["x"]
    # same δ (n and the prior still use all terms) but q is over one test: q = p
    assert out["log_odds"].iloc[0] == pytest.approx(DELTA["x"], rel=1e-12)
    assert out["q"].iloc[0] == pytest.approx(P["x"], rel=1e-9)


def test_keyness_stop_words_removed_before_everything():
    terms = pd.concat(
        [TERMS2, pd.DataFrame({"doc_id": ["a1", "b1"], "term": ["the", "the"], "count": [5, 9]})],
        ignore_index=True,
    )
    kept = keyness(terms, DOCS2, prior_strength=10.0, comparisons="pairwise")
    assert sorted(kept["term"]) == ["the", "x", "y", "z"]
    # n_a = 9 with "the": rate of x = 1000·3/9
    assert kept.set_index("term").loc["x", "rate_group"] == pytest.approx(1000 / 3)
    dropped = keyness(terms, DOCS2, prior_strength=10.0, comparisons="pairwise", stop_words=True)
    # without "the" everything is exactly the hand-computed toy table again
    assert sorted(dropped["term"]) == ["x", "y", "z"]
    d = dropped.set_index("term")
    for t in "xyz":
        assert d.loc[t, "log_odds"] == pytest.approx(DELTA[t], rel=1e-12)
        assert d.loc[t, "q"] == pytest.approx(Q[t], rel=1e-9)


def test_keyness_single_group_and_other_column():
    docs = DOCS2.assign(origin="a", outlet=["TASS", "Xinhua"])
    # one group: no rest, no pair -> no rows, right columns
    empty = keyness(TERMS2, docs)
    assert empty.empty and tuple(empty.columns) == KEYNESS_WORD_COLUMNS
    # any document column works
    by_outlet = keyness(TERMS2, docs, by="outlet", comparisons="pairwise")
    assert set(by_outlet["comparison"]) == {"TASS vs Xinhua"}


def test_keyness_deterministic_and_order_independent():
    a = keyness(TERMS3, DOCS3)
    b = keyness(TERMS3.iloc[::-1].reset_index(drop=True), DOCS3.iloc[::-1])
    pd.testing.assert_frame_equal(a, b)
    assert a.to_csv(index=False) == b.to_csv(index=False)


@pytest.mark.parametrize(
    ("terms", "docs", "kwargs", "message"),
    [
        (TERMS2.drop(columns="count"), DOCS2, {}, "terms table is missing column"),
        (TERMS2, DOCS2.drop(columns="origin"), {}, "documents table is missing column"),
        (TERMS2.assign(doc_id="zz"), DOCS2, {}, "not in the documents table, e.g. ['zz']"),
        (TERMS2.assign(count=-1), DOCS2, {}, "column 'count' must hold non-negative"),
        (TERMS2.assign(count=1.5), DOCS2, {}, "non-negative whole numbers"),
        (TERMS2, DOCS2.assign(origin=["a", None]), {}, "empty for document 'b1'"),
        (TERMS2, pd.concat([DOCS2, DOCS2]), {}, "duplicate doc_id 'a1'"),
        (TERMS2, DOCS2.assign(origin=["a", "rest"]), {}, "a group is named 'rest'"),
        (TERMS2, DOCS2, {"comparisons": "all"}, "comparisons must be"),
        (TERMS2, DOCS2, {"prior_strength": 0}, "prior_strength must be > 0"),
    ],
)
def test_keyness_bad_input(terms, docs, kwargs, message):
    with pytest.raises(CompareError) as err:
        keyness(terms, docs, **kwargs)
    assert message in str(err.value)


def test_top_terms():
    terms = pd.DataFrame(
        {
            "doc_id": ["c1", "c1", "c1", "c1", "r1", "r1"],
            "term": ["the", "bear", "ant", "cat", "zebra", "yak"],
            "count": [10, 2, 2, 1, 1, 3],
        }
    )
    docs = pd.DataFrame({"doc_id": ["c1", "r1"], "origin": ["chinese", "russian"]})
    out = top_terms(terms, docs, n=2)
    # "the" is a stop word: chinese total = 2+2+1 = 5; tie ant/bear broken alphabetically
    assert out.to_dict("list") == {
        "group": ["chinese", "chinese", "russian", "russian"],
        "rank": [1, 2, 1, 2],
        "term": ["ant", "bear", "yak", "zebra"],
        "count": [2, 2, 3, 1],
        "rate": [400.0, 400.0, 750.0, 250.0],
    }
    kept = top_terms(terms, docs, n=1, stop_words=False)
    # chinese total = 15 with "the": 1000·10/15
    assert kept["term"].tolist() == ["the", "yak"]
    assert kept["rate"].tolist() == pytest.approx([10000 / 15, 750.0])


# --------------------------------------------------------------------------- frame rates

# Documents (n_tokens): r1 100, r2 100 (2025, identical marker counts), r3 200 (2024),
# c1 50 (2025, one document). Markers: frame "partnership" (friendship, win-win),
# frame "sovereignty" (sovereignty).
FR_DOCS = pd.DataFrame(
    {
        "doc_id": ["r1", "r2", "r3", "c1"],
        "origin": ["russian", "russian", "russian", "chinese"],
        "date": ["2025-05-08", "2025-11-01", "2024-03-01", "2025-05-08"],
        "n_tokens": [100, 100, 200, 50],
    }
)
_M = [("partnership", "friendship"), ("partnership", "win-win"), ("sovereignty", "sovereignty")]
_C = {"r1": [2, 1, 0], "r2": [2, 1, 0], "r3": [1, 0, 4], "c1": [3, 2, 1]}
FR_MARKERS = pd.DataFrame(
    [(d, f, m, c) for d, cs in _C.items() for (f, m), c in zip(_M, cs, strict=True)],
    columns=["doc_id", "frame", "marker", "count"],
)


def test_frame_rates_toy_table():
    out = frame_rates(FR_MARKERS, FR_DOCS, n_resamples=200)
    assert tuple(out.columns) == NO_VOICE_COLUMNS
    key = list(
        zip(out["origin"], out["period"].astype(str), out["frame"], out["marker"], strict=True)
    )
    assert key == [
        ("chinese", "2025", "partnership", ""),
        ("chinese", "2025", "partnership", "friendship"),
        ("chinese", "2025", "partnership", "win-win"),
        ("chinese", "2025", "sovereignty", ""),
        ("chinese", "2025", "sovereignty", "sovereignty"),
        ("russian", "2024", "partnership", ""),
        ("russian", "2024", "partnership", "friendship"),
        ("russian", "2024", "partnership", "win-win"),
        ("russian", "2024", "sovereignty", ""),
        ("russian", "2024", "sovereignty", "sovereignty"),
        ("russian", "2025", "partnership", ""),
        ("russian", "2025", "partnership", "friendship"),
        ("russian", "2025", "partnership", "win-win"),
        ("russian", "2025", "sovereignty", ""),
        ("russian", "2025", "sovereignty", "sovereignty"),
    ]
    # chinese 2025 (c1, 50 tokens): partnership 3+2 = 5 -> 100 per 1,000; friendship 60,
    # win-win 40, sovereignty 20. russian 2024 (r3, 200): partnership 1 -> 5, friendship 5,
    # win-win 0, sovereignty 4 -> 20. russian 2025 (r1+r2, 200): partnership (3+3)/200 -> 30,
    # friendship 4/200 -> 20, win-win 2/200 -> 10, sovereignty 0.
    assert out["count"].tolist() == [5, 3, 2, 1, 1, 1, 1, 0, 4, 4, 6, 4, 2, 0, 0]
    assert out["n_tokens"].tolist() == [50] * 5 + [200] * 10
    assert out["rate"].tolist() == pytest.approx(
        [100, 60, 40, 20, 20, 5, 5, 0, 20, 20, 30, 20, 10, 0, 0], rel=1e-12
    )
    assert out["n_docs"].tolist() == [1] * 10 + [2] * 5
    # one document: no interval (NaN, written empty)
    assert out["ci_low"].iloc[:10].isna().all() and out["ci_high"].iloc[:10].isna().all()
    # two documents with identical counts and tokens: every resample gives the same ratio
    r25 = out.iloc[10:]
    assert (r25["ci_low"] == r25["ci_high"]).all()
    assert r25["ci_low"].tolist() == pytest.approx(r25["rate"].tolist(), rel=1e-12)
    assert r25["ci_high"].tolist() == pytest.approx(r25["rate"].tolist(), rel=1e-12)


def test_frame_rates_interval_brackets_rate_and_is_deterministic():
    docs = FR_DOCS.assign(date="2025-01-01")  # russian 2025: r1, r2, r3 differ
    a = frame_rates(FR_MARKERS, docs, n_resamples=500, seed=3)
    b = frame_rates(FR_MARKERS.iloc[::-1], docs.iloc[::-1], n_resamples=500, seed=3)
    pd.testing.assert_frame_equal(a, b)
    ru = a[(a["origin"] == "russian") & (a["marker"] == "sovereignty")].iloc[0]
    # (0+0+4)/(100+100+200) = 10 per 1,000; resampling documents gives an interval around it
    assert ru["rate"] == pytest.approx(10.0)
    assert ru["n_docs"] == 3
    assert ru["ci_low"] <= ru["rate"] <= ru["ci_high"]
    assert ru["ci_low"] < ru["ci_high"]
    # resampled ratios lie between 0 (r1 or r2 only) and 20 (r3 only)
    assert ru["ci_low"] >= 0.0 and ru["ci_high"] <= 20.0


def test_frame_rates_document_without_marker_rows_counts_as_zero():
    markers = FR_MARKERS[FR_MARKERS["doc_id"] != "r2"]
    out = frame_rates(markers, FR_DOCS, n_resamples=50)
    row = out[(out["origin"] == "russian") & (out["period"].astype(str) == "2025")]
    row = row[row["marker"] == "friendship"].iloc[0]
    # r1 2 + r2 0 over 200 tokens
    assert (row["count"], row["n_tokens"], row["n_docs"]) == (2, 200, 2)
    assert row["rate"] == pytest.approx(10.0)


def test_frame_rates_extra_by_and_period():
    docs = FR_DOCS.assign(outlet=["TASS", "TASS", "RIA", "Xinhua"])
    out = frame_rates(FR_MARKERS, docs, by=("outlet", "origin"), period="month", n_resamples=50)
    assert tuple(out.columns) == ("outlet", *NO_VOICE_COLUMNS)
    assert out[["outlet", "origin"]].drop_duplicates().values.tolist() == [
        ["RIA", "russian"],
        ["TASS", "russian"],
        ["Xinhua", "chinese"],
    ]
    tass = out[(out["outlet"] == "TASS") & (out["marker"] == "")]
    assert tass["n_docs"].tolist() == [1, 1, 1, 1]  # May and November separately


@pytest.mark.parametrize(
    ("markers", "docs", "message"),
    [
        (FR_MARKERS.drop(columns="marker"), FR_DOCS, "markers table is missing column"),
        (FR_MARKERS, FR_DOCS.drop(columns="n_tokens"), "documents table is missing column"),
        (pd.concat([FR_MARKERS, FR_MARKERS.iloc[:1]]), FR_DOCS, "duplicate row for document"),
        (FR_MARKERS.assign(count=-2), FR_DOCS, "column 'count' must hold non-negative"),
        (FR_MARKERS, FR_DOCS.iloc[1:], "not in the documents table, e.g. ['r1']"),
    ],
)
def test_frame_rates_bad_input(markers, docs, message):
    with pytest.raises(CompareError) as err:
        frame_rates(markers, docs)
    assert message in str(err.value)


def test_benjamini_hochberg_and_p_equal_scipy_stats():
    # compare.py avoids importing scipy.stats; its numbers must be exactly scipy.stats'
    import numpy as np
    from scipy.special import chdtrc
    from scipy.stats import chi2, false_discovery_control

    from analysis.stats.keyness import benjamini_hochberg

    rng = np.random.default_rng(0)
    for n in (1, 2, 7, 300):
        for k in range(6):
            p = rng.random(n) ** (k + 1)
            if k % 2:
                p = np.round(p, 2)  # ties
            assert np.array_equal(benjamini_hochberg(p), false_discovery_control(p, method="bh"))
    g2 = np.array([0.0, 1e-12, 3.841458820694124, 6.63, 10.83, 250.0, np.inf])
    assert np.array_equal(chdtrc(1.0, g2), chi2.sf(g2, 1))
    assert benjamini_hochberg([0.01, 0.04, 0.03]).tolist() == pytest.approx([0.03, 0.04, 0.04])


def test_frame_rates_without_groups_has_one_cell_per_period_in_order():
    # c1 2022, r2 2023, r3 2024, r1 2025 (the documents are not given in that order)
    docs = FR_DOCS.assign(date=["2025-05-08", "2023-11-01", "2024-03-01", "2022-05-08"])
    out = frame_rates(FR_MARKERS, docs, by=(), n_resamples=50)
    assert tuple(out.columns) == NO_VOICE_COLUMNS[1:]
    totals = out[out["marker"] == ""]
    assert totals["period"].tolist() == [
        "2022",
        "2022",
        "2023",
        "2023",
        "2024",
        "2024",
        "2025",
        "2025",
    ]
    # partnership / sovereignty totals of c1, r2, r3, r1
    assert totals["count"].tolist() == [5, 1, 3, 0, 1, 4, 3, 0]
    assert totals["n_tokens"].tolist() == [50, 50, 100, 100, 200, 200, 100, 100]
