import math

import numpy as np
import pandas as pd
import pytest

from analysis.stats.bootstrap import BOOTSTRAP_COLUMNS, add_period, bootstrap_ratio


def _table(rows, columns=("doc_id", "g", "v")):
    return pd.DataFrame(rows, columns=list(columns))


def test_columns_sorting_counts_and_estimate():
    # group x: doc a rows 0.75, 0.25 (sum 1.0), doc b row 0.5 -> mean of 3 rows = 1.5 / 3 = 0.5
    # group y: doc c rows 0.125, 0.375 -> 0.25 (one document)
    t = _table(
        [
            ("c", "y", 0.125),
            ("a", "x", 0.75),
            ("b", "x", 0.5),
            ("a", "x", 0.25),
            ("c", "y", 0.375),
        ]
    )
    out = bootstrap_ratio(t, by=["g"], numerator="v", n_resamples=200)
    assert list(out.columns) == ["g", *BOOTSTRAP_COLUMNS]
    assert out["g"].tolist() == ["x", "y"]
    assert out["estimate"].tolist() == [0.5, 0.25]
    assert out["n_docs"].tolist() == [2, 1]
    assert out["n_rows"].tolist() == [3, 2]
    assert str(out["n_docs"].dtype) == "int64" and str(out["n_rows"].dtype) == "int64"
    # x: every resample (aa: 1.0/2, bb: 1.0/2, ab: 1.5/3) has mean exactly 0.5
    assert out.loc[0, "ci_low"] == 0.5 and out.loc[0, "ci_high"] == 0.5
    # y: one document -> no interval, never a fake one
    assert math.isnan(out.loc[1, "ci_low"]) and math.isnan(out.loc[1, "ci_high"])


def test_two_documents_zero_and_one_give_full_range():
    # resample means: 0 (p 1/4), 0.5 (p 1/2), 1 (p 1/4); with 2,000 resamples about 500 are 0
    # and 500 are 1, so the 2.5th and 97.5th percentiles are exactly 0 and 1.
    t = _table([("a", "g", 0.0), ("b", "g", 1.0)])
    out = bootstrap_ratio(t, by=["g"], numerator="v")
    assert out[["estimate", "ci_low", "ci_high", "n_docs", "n_rows"]].values.tolist() == [
        [0.5, 0.0, 1.0, 2, 2]
    ]


def test_pinned_regression_value():
    # five documents with means 0.1, 0.4 (2 rows), 0.7, -0.2, 0.5: mean of 6 rows = 1.9 / 6.
    # Pinned once (seed 0, 2,000 resamples); both ends are means of actual resamples.
    t = _table(
        [
            ("a", "g", 0.1),
            ("b", "g", 0.2),
            ("b", "g", 0.6),
            ("c", "g", 0.7),
            ("d", "g", -0.2),
            ("e", "g", 0.5),
        ]
    )
    out = bootstrap_ratio(t, by=["g"], numerator="v", n_resamples=2000, seed=0)
    row = out.iloc[0]
    assert row["estimate"] == pytest.approx(1.9 / 6, abs=1e-15)
    assert (row["n_docs"], row["n_rows"]) == (5, 6)
    assert row["ci_low"] == pytest.approx(0.04, abs=1e-12)
    assert row["ci_high"] == pytest.approx(0.54, abs=1e-12)


def test_group_interval_independent_of_other_groups_and_row_order():
    base = _table([("a", "g", 0.1), ("b", "g", 0.2), ("b", "g", 0.6), ("c", "g", 0.7)])
    alone = bootstrap_ratio(base, by=["g"], numerator="v", n_resamples=500, seed=7)
    other = _table([("d", "f", 0.9), ("e", "f", -0.3), ("f", "h", 0.0), ("g", "h", 0.5)])
    mixed = pd.concat([other, base.iloc[::-1]], ignore_index=True)
    both = bootstrap_ratio(mixed, by=["g"], numerator="v", n_resamples=500, seed=7)
    assert both["g"].tolist() == ["f", "g", "h"]
    row = both[both["g"] == "g"].reset_index(drop=True)
    pd.testing.assert_frame_equal(row, alone)
    # same input -> identical output; another seed -> another interval
    again = bootstrap_ratio(mixed, by=["g"], numerator="v", n_resamples=500, seed=7)
    pd.testing.assert_frame_equal(again, both)
    reseeded = bootstrap_ratio(base, by=["g"], numerator="v", n_resamples=500, seed=8)
    assert reseeded["estimate"].tolist() == alone["estimate"].tolist()
    assert (reseeded["ci_low"].iloc[0], reseeded["ci_high"].iloc[0]) != (
        alone["ci_low"].iloc[0],
        alone["ci_high"].iloc[0],
    )


def test_denominator_scale_and_zero_denominator_resamples():
    # doc a: 0 / 0 tokens, doc b: 1 / 4 -> estimate 1000 * 1 / 4 = 250. Resample "aa" has a zero
    # denominator (NaN, ignored); every other resample contains b only as information -> 250.
    t = pd.DataFrame({"doc_id": ["a", "b"], "count": [0, 1], "n_tokens": [0, 4]})
    out = bootstrap_ratio(
        t, by=[], numerator="count", denominator="n_tokens", scale=1000.0, n_resamples=300
    )
    assert list(out.columns) == list(BOOTSTRAP_COLUMNS)
    assert out.values.tolist() == [[250.0, 250.0, 250.0, 2, 2]]


def test_all_zero_denominators_give_nan_not_error():
    t = pd.DataFrame({"doc_id": ["a", "b"], "count": [0, 0], "n_tokens": [0, 0]})
    out = bootstrap_ratio(t, by=[], numerator="count", denominator="n_tokens", n_resamples=50)
    assert out[["estimate", "ci_low", "ci_high"]].isna().all(axis=None)
    assert out[["n_docs", "n_rows"]].values.tolist() == [[2, 2]]


def test_per_document_sums_before_ratio():
    # doc a: rows (2/10, 4/10) -> 6/20; doc b: 1/20. Pooled: 7/40 = 0.175, not a mean of ratios.
    t = pd.DataFrame(
        {"doc_id": ["a", "a", "b"], "num": [2, 4, 1], "den": [10, 10, 20], "k": [1, 1, 1]}
    )
    out = bootstrap_ratio(t, by=["k"], numerator="num", denominator="den", n_resamples=100)
    assert out["estimate"].tolist() == [0.175]
    # resamples: aa 12/40 = 0.3, bb 2/40 = 0.05, ab 7/40 -> interval within [0.05, 0.3]
    assert 0.05 <= out["ci_low"].iloc[0] <= out["ci_high"].iloc[0] <= 0.3


def test_two_level_grouping_and_key_types():
    t = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d"],
            "origin": ["ru", "ru", "cn", "ru"],
            "year": np.array([2025, 2024, 2025, 2025], dtype="int64"),
            "v": [1.0, 2.0, 3.0, 4.0],
        }
    )
    out = bootstrap_ratio(t, by=["origin", "year"], numerator="v", n_resamples=100)
    assert out[["origin", "year"]].values.tolist() == [["cn", 2025], ["ru", 2024], ["ru", 2025]]
    assert out["estimate"].tolist() == [3.0, 2.0, 2.5]
    assert out["n_docs"].tolist() == [1, 1, 2]


def test_empty_input_keeps_columns():
    t = _table([])
    out = bootstrap_ratio(t, by=["g"], numerator="v")
    assert list(out.columns) == ["g", *BOOTSTRAP_COLUMNS]
    assert len(out) == 0
    out = bootstrap_ratio(t, by=[], numerator="v")
    assert list(out.columns) == list(BOOTSTRAP_COLUMNS) and len(out) == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"by": ["nope"], "numerator": "v"}, "table is missing column(s) ['nope']"),
        ({"by": ["g"], "numerator": "v", "denominator": "d"}, "missing column(s) ['d']"),
        ({"by": ["g", "g"], "numerator": "v"}, "repeats a column"),
        ({"by": ["v"], "numerator": "v"}, "names the document/value column"),
        ({"by": ["g"], "numerator": "v", "n_resamples": 0}, "n_resamples must be >= 1"),
        ({"by": ["g"], "numerator": "v", "confidence": 1.0}, "confidence must be in (0, 1)"),
        ({"by": ["g"], "numerator": "v", "seed": -1}, "seed must be a non-negative integer"),
    ],
)
def test_bad_options(kwargs, message):
    t = _table([("a", "g", 0.5)])
    with pytest.raises(ValueError) as err:
        bootstrap_ratio(t, **kwargs)
    assert message in str(err.value)


def test_bad_values():
    t = _table([("a", "g", 0.5), ("b", "g", float("nan"))])
    with pytest.raises(ValueError, match="column 'v' must hold finite numbers; 1 row"):
        bootstrap_ratio(t, by=["g"], numerator="v")
    t = _table([("a", "g", "x")])
    with pytest.raises(ValueError, match="first: 'x'"):
        bootstrap_ratio(t, by=["g"], numerator="v")
    t = _table([(None, "g", 0.5)])
    with pytest.raises(ValueError, match="missing document ids"):
        bootstrap_ratio(t, by=["g"], numerator="v")


# --------------------------------------------------------------------------- add_period

DOCS = pd.DataFrame({"doc_id": ["a", "b", "c"], "date": ["2024-05-03", "2025-11-30", "2024-01-01"]})


@pytest.mark.parametrize(
    ("freq", "expected"),
    [
        ("year", ["2024", "2025", "2024"]),
        ("quarter", ["2024Q2", "2025Q4", "2024Q1"]),
        ("month", ["2024-05", "2025-11", "2024-01"]),
        ("week", ["2024-W18", "2025-W48", "2024-W01"]),
    ],
)
def test_add_period(freq, expected):
    out = add_period(DOCS, freq=freq)
    assert out["period"].tolist() == expected
    assert list(out.columns) == ["doc_id", "date", "period"]
    assert "period" not in DOCS.columns  # input untouched


def test_add_period_other_column_and_datetimes():
    docs = pd.DataFrame({"when": pd.to_datetime(["2023-07-09"])})
    assert add_period(docs, freq="quarter", date_col="when")["period"].tolist() == ["2023Q3"]


@pytest.mark.parametrize("bad", ["2024-02-30", "05/03/2024", None, "2024-5-3x"])
def test_add_period_bad_date_names_document(bad):
    docs = DOCS.assign(date=["2024-05-03", bad, "2024-01-01"])
    with pytest.raises(ValueError, match=r"document 'b' has date .* not an ISO date"):
        add_period(docs)


def test_add_period_bad_options():
    with pytest.raises(ValueError, match="freq must be one of"):
        add_period(DOCS, freq="day")
    with pytest.raises(ValueError, match="missing column 'when'"):
        add_period(DOCS, date_col="when")


# --------------------------------------------------------------------------- resample_by


def _cell_table():
    # cell (o=r): documents a-f with 10 tokens each; marker m counts 1, 2, 3, 5, 8, 13 and
    # marker n counts exactly twice m's. Cell (o=s): one document.
    rows = []
    for doc, c in zip("abcdef", (1, 2, 3, 5, 8, 13), strict=True):
        rows += [(doc, "r", "m", c, 10), (doc, "r", "n", 2 * c, 10)]
    rows += [("z", "s", "m", 3, 10), ("z", "s", "n", 0, 10)]
    return pd.DataFrame(rows, columns=["doc_id", "o", "k", "count", "tok"])


def test_resample_by_shares_the_documents_drawn():
    t = _cell_table()
    kw = dict(numerator="count", denominator="tok", n_resamples=500, seed=1)
    out = bootstrap_ratio(t, by=["o", "k"], resample_by=["o"], **kw)
    m, n = out.iloc[0], out.iloc[1]
    # same resamples for m and n, and n = 2 m in every document: n's interval is exactly 2x m's
    assert (m["k"], n["k"]) == ("m", "n")
    assert n["ci_low"] == pytest.approx(2 * m["ci_low"], rel=1e-12)
    assert n["ci_high"] == pytest.approx(2 * m["ci_high"], rel=1e-12)
    assert m["estimate"] == 32 / 60 and n["estimate"] == 64 / 60
    assert 0.1 < m["ci_low"] < m["estimate"] < m["ci_high"] < 1.3
    # one document: no interval, also in a shared cell
    assert out.iloc[2:][["ci_low", "ci_high"]].isna().all().all()
    assert out["n_docs"].tolist() == [6, 6, 1, 1]


def test_resample_by_differs_from_independent_groups_only_in_the_draws():
    t = _cell_table()
    kw = dict(numerator="count", denominator="tok", n_resamples=500, seed=1)
    joint = bootstrap_ratio(t, by=["o", "k"], resample_by=["o"], **kw)
    alone = bootstrap_ratio(t, by=["o", "k"], **kw)
    cols = ["o", "k", "estimate", "n_docs", "n_rows"]
    assert joint[cols].equals(alone[cols])
    # without sharing, m and n are drawn independently: the 2x relation does not hold exactly
    assert alone.loc[1, "ci_low"] != pytest.approx(2 * alone.loc[0, "ci_low"], rel=1e-6)
    assert alone.loc[1, "ci_high"] != pytest.approx(2 * alone.loc[0, "ci_high"], rel=1e-6)


def test_resample_by_falls_back_when_groups_hold_other_documents():
    t = _cell_table()
    t = t[~((t["doc_id"] == "f") & (t["k"] == "n"))]  # n lacks document f
    kw = dict(numerator="count", denominator="tok", n_resamples=300, seed=2)
    joint = bootstrap_ratio(t, by=["o", "k"], resample_by=["o"], **kw)
    alone = bootstrap_ratio(t, by=["o", "k"], **kw)
    assert joint.equals(alone)


def test_matrix_resampling_equals_gather_resampling():
    from analysis.stats.bootstrap import resampled_ratio_matrix, resampled_ratios

    num = np.array([1.0, 2.0, 6.0, 0.0])
    den = np.array([10.0, 10.0, 5.0, 20.0])
    a = resampled_ratios(num, den, n_resamples=400, rng=np.random.default_rng(7))
    b = resampled_ratio_matrix(
        num[:, None], den[:, None], n_resamples=400, rng=np.random.default_rng(7)
    )
    assert np.array_equal(a, b[:, 0])
    # each ratio is a den-weighted mean of the documents' ratios 0.1, 0.2, 1.2, 0
    assert a.shape == (400,) and a.min() >= 0.0 and a.max() <= 1.2 and len(set(a)) > 10


def test_resample_by_must_lead_by():
    with pytest.raises(ValueError, match="must be the first column"):
        bootstrap_ratio(_cell_table(), by=["o", "k"], numerator="count", resample_by=["k"])


def _marker_cell(n_docs: int, n_groups: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Per-document marker counts (``n_docs × n_groups``) and tokens (``n_docs × 1``)."""
    rng = np.random.default_rng(seed)
    counts = rng.poisson(0.3, size=(n_docs, n_groups)).astype("float64")
    return counts, rng.integers(100, 1000, size=(n_docs, 1)).astype("float64")


def test_shared_intervals_of_many_groups_are_those_of_each_group_alone():
    """Blocks of groups (issue 16, bounded memory) draw the same resamples for every block
    (it held before the blocks too: it pins that they change no interval)."""
    from analysis.stats.bootstrap import shared_intervals

    num, den = _marker_cell(6, 2500)  # 3 blocks of groups at 2,000 resamples
    options = {"key": ("russian", "2024"), "n_resamples": 2000, "confidence": 0.95, "seed": 0}
    both = shared_intervals(num, np.repeat(den, 2500, axis=1), **options)
    assert np.array_equal(shared_intervals(num, den, **options), both, equal_nan=True)
    for g in (0, 999, 1000, 2499):
        alone = shared_intervals(num[:, [g]], den, **options)
        assert np.array_equal(alone[0], both[g], equal_nan=True)
    num[:, 7] = 0  # a group without hits: the interval is (0, 0)
    assert shared_intervals(num, den, **options)[7].tolist() == [0.0, 0.0]


def test_the_memory_of_shared_intervals_does_not_grow_with_the_groups():
    """Issue 16: 100 frames x 1,000 markers peaked at 6.9 GB (n_resamples x n_groups floats
    several times over); bench/bench_bootstrap_memory.py measures the whole frame_rates."""
    import tracemalloc

    from analysis.stats.bootstrap import shared_intervals

    num, den = _marker_cell(20, 10_000)
    tracemalloc.start()
    shared_intervals(num, den, key=("a",), n_resamples=2000, confidence=0.95, seed=0)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 100 * 2**20  # 2,000 x 10,000 float64 alone would be 160 MB


def test_shared_intervals_of_several_tables_are_those_of_each_table_alone():
    """The voices of a cell share its resamples: drawn once for all (issue 23), the bounds
    of each table are those of its own call, zero groups and per-group denominators too."""
    from analysis.stats.bootstrap import shared_intervals, shared_intervals_of

    num, den = _marker_cell(40, 12)
    num[:, [2, 5, 9]] = 0  # groups without a hit over a shared denominator
    quote = num.copy()
    quote[:, :6] = 0
    rng = np.random.default_rng(3)
    own_den = rng.integers(1, 50, size=num.shape).astype("float64")
    tables = [(num, den), (quote, den), (num, own_den), (num[:, :0], den)]
    options = {"key": ("chinese", "2021"), "n_resamples": 500, "confidence": 0.9, "seed": 4}
    together = shared_intervals_of(tables, **options)
    for (n, d), got in zip(tables, together, strict=True):
        assert np.array_equal(got, shared_intervals(n, d, **options), equal_nan=True)
    assert together[1][0].tolist() == [0.0, 0.0] and together[3].shape == (0, 2)
    many = shared_intervals_of(tables, **{**options, "n_resamples": 200_000})  # not one block
    assert np.array_equal(
        many[1], shared_intervals(quote, den, **{**options, "n_resamples": 200_000}), equal_nan=True
    )


def test_labels_of_a_categorical_use_its_codes_and_only_the_values_present():
    from analysis.stats.groups import labels

    column = pd.Series(pd.Categorical(["b", "a", None, "b"], categories=["z", "a", "b"]))
    found = labels(column)
    codes, values = found.codes(), found.uniques
    assert codes.dtype == np.int32 and codes.tolist() == [1, 0, -1, 1]
    assert values.tolist() == ["a", "b"]  # "z" is not present
    found = labels(pd.Series([2, "a", 2]))  # other columns: as strings
    codes, values = found.codes(), found.uniques
    assert codes.tolist() == [0, 1, 0] and values.tolist() == ["2", "a"]


def test_sorted_labels_rank_the_values_present_in_sorted_order():
    """A categorical's own codes are kept (no copy), the lookup ranks them; a missing value
    stays -1; a slice of rows is coded alone."""
    from analysis.stats.groups import sorted_labels

    column = pd.Series(
        pd.Categorical(
            ["war", "peace", None, "war", "aid"], categories=["war", "peace", "aid", "x"]
        )
    )
    found = sorted_labels(column, np.int32)
    assert found.uniques.tolist() == ["aid", "peace", "war"]
    assert np.shares_memory(found.raw, column.array.codes)
    assert found.lookup.tolist() == [2, 1, 0, -1, -1]  # war, peace, aid, x (absent), missing
    codes = found.codes()
    assert codes.dtype == np.int32 and codes.tolist() == [2, 1, -1, 2, 0]
    assert found.codes(slice(3, 5)).tolist() == [2, 0]
    found = sorted_labels(pd.Series(["b", "a", "b"]))
    assert found.codes().dtype == np.int64 and found.codes().tolist() == [1, 0, 1]
    assert found.uniques.tolist() == ["a", "b"]


def test_keyness_is_the_same_from_categorical_terms():
    from analysis.stats.keyness import keyness

    docs = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "origin": ["x", "y", "y"]})
    terms = pd.DataFrame(
        {"doc_id": ["d1", "d1", "d2", "d3"], "term": ["war", "peace", "war", "trade"]}
    ).assign(count=[3, 1, 1, 2])
    coded = terms.astype({"doc_id": "category", "term": "category"})
    coded["term"] = coded["term"].cat.add_categories(["unused"])
    want = keyness(terms, docs, by="origin")
    pd.testing.assert_frame_equal(keyness(coded, docs, by="origin"), want)
    assert set(want["term"]) == {"war", "peace", "trade"}


def test_block_moments_by_hand_a_few_rows_at_a_time(monkeypatch):
    """Rows (1, 0, 2), (0, 3, 0), (1, 1, 0): totals N = 3, 3, 2. Read two non-zeros at a
    time (a row is never split), in any order of the rows, the sums are those of all of
    them, and two sets of rows added are the set of both."""
    import scipy.sparse as sp

    from analysis.stats import keyness_normal as kn

    monkeypatch.setattr(kn, "ROWS_AT_ONCE", 2)
    x = sp.csr_matrix(np.array([[1, 0, 2], [0, 3, 0], [1, 1, 0]], dtype=np.int32))
    whole = kn.block_moments(x, np.array([2, 0, 1]))
    assert whole.m == 3 and (whole.s_n, whole.s_nn) == (8.0, 22.0)  # 3+3+2; 9+9+4
    assert whole.s_c.tolist() == [2, 4, 2] and whole.s_cc.tolist() == [2, 10, 4]
    assert whole.s_cn.tolist() == [1 * 3 + 1 * 2, 3 * 3 + 1 * 2, 2 * 3]
    assert whole.k.tolist() == [2, 2, 1]
    added = kn.added_moments(
        [kn.block_moments(x, np.array([1])), kn.block_moments(x, np.array([0, 2]))]
    )
    assert all(np.array_equal(a, b) for a, b in zip(added, whole, strict=True))
    tail = kn.tested_moments(kn.block_moments(x, np.array([2, 1])), np.array([1]))
    assert (tail.m, tail.s_c.tolist(), tail.s_cn.tolist(), tail.k.tolist()) == (2, [4], [11], [2])
    empty = kn.block_moments(x, np.array([], dtype=np.int64))
    assert empty.m == 0 and empty.s_n == 0 and not empty.k.any()


def test_slice_bincount_is_bincount_whatever_the_slices(monkeypatch):
    from analysis.stats import groups

    codes = np.array([3, 0, 3, 1, 3, 0, 2], dtype=np.int32)
    weights = np.array([1, 2, 3, 4, 5, 6, 7], dtype=np.int64)
    monkeypatch.setattr(groups, "ROWS_AT_ONCE", 2)  # (each slice at least `length` rows)
    assert groups.slice_bincount(codes, minlength=6).tolist() == [2, 1, 1, 3, 0, 0]
    assert groups.slice_bincount(codes, weights).tolist() == [8.0, 4.0, 7.0, 9.0]
    assert groups.slice_bincount(codes[:0], minlength=2).tolist() == [0, 0]


def test_keyness_intervals_read_in_slices_are_the_same(monkeypatch):
    """The normal approximation's moments and the group × term sums read a few rows at a
    time give the same tables as read at once."""
    from analysis.stats import groups, keyness_normal
    from analysis.stats.keyness import keyness
    from analysis.stats.keyness_ci import keyness_intervals

    rng = np.random.default_rng(3)
    docs = pd.DataFrame({"doc_id": [f"d{i:03d}" for i in range(300)]})
    docs["origin"] = np.array(["a", "b", "c"])[rng.integers(0, 3, 300)]
    terms = pd.DataFrame(
        {
            "doc_id": np.repeat(docs["doc_id"], 4).to_numpy(),
            "term": np.array(list("pqrstuvw"))[rng.integers(0, 8, 1200)],
            "count": rng.integers(1, 5, 1200),
        }
    ).drop_duplicates(["doc_id", "term"])
    options = {"bootstrap_max_docs": 50, "n_resamples": 50}
    at_once = keyness_intervals(terms, docs, **options), keyness(terms, docs)
    assert set(at_once[0]["ci_method"]) == {"normal"}
    monkeypatch.setattr(groups, "ROWS_AT_ONCE", 7)
    monkeypatch.setattr(keyness_normal, "ROWS_AT_ONCE", 7)
    pd.testing.assert_frame_equal(keyness_intervals(terms, docs, **options), at_once[0])
    pd.testing.assert_frame_equal(keyness(terms, docs), at_once[1])
