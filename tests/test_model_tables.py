"""The document-level models in a run (issue 21): rate_models.csv, rate_trends.csv, the keyness
intervals and ``framing compare`` (analysis.runner.model_tables, analysis.cli.compare)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from analysis.config import SEEDS_DIR
from analysis.runner.model_tables import keyness_with_intervals, model_tables
from analysis.runner.store import load_results
from analysis.schema import KEYNESS_COLUMNS, RATE_MODEL_COLUMNS, TREND_COLUMNS
from analysis.stats.models import before_after


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    out = tmp_path_factory.mktemp("models") / "out"
    assert main(["analyze", str(SEEDS_DIR), "--out", str(out), "--no-progress", "--no-cache"]) == 0
    return load_results(out)


def test_seeds_model_tables_and_one_document_groups(store):
    models, trends = store.rate_models, store.rate_trends
    assert tuple(models.columns) == RATE_MODEL_COLUMNS
    assert tuple(trends.columns) == TREND_COLUMNS
    # whole corpus first, then the years
    assert models["period"].iloc[0] == "all"
    assert set(models["period"]) <= {"all", "2017", "2024", "2025"}
    # the seeds' chinese origin is one document: ratio estimated, no interval, no p
    one = models[(models["n_docs_group"] == 1) | (models["n_docs_reference"] == 1)]
    assert len(one) > 0
    assert one[["ci_low", "ci_high", "p", "q"]].isna().all().all()
    assert np.isfinite(one["rate_ratio"]).all()
    assert set(models["se_type"]) == {"hc1"}  # the seeds have fewer than 5 outlets per model


def test_seeds_rate_ratio_equals_statsmodels_by_hand(store):
    import statsmodels.api as sm

    models = store.rate_models
    row = models[
        (models["period"] == "all")
        & (models["contrast"] == "one_vs_rest")
        & (models["group"] == "russian")
        & (models["frame"] == "multipolarity")
        & (models["marker"] == "")
    ].iloc[0]
    docs = store.documents.set_index("doc_id")
    markers = store.markers[store.markers["frame"] == "multipolarity"]
    y = markers.groupby("doc_id")["count"].sum().reindex(docs.index, fill_value=0)
    russian = (docs["origin"] == "russian").to_numpy()
    design = np.column_stack([np.ones(len(docs)), russian.astype(float)])
    offset = np.log(docs["n_tokens"].to_numpy(dtype=float))
    if row["model"] == "nb2":
        from statsmodels.discrete.discrete_model import NegativeBinomial

        fit = NegativeBinomial(y.to_numpy(), design, offset=offset).fit(disp=0, method="newton")
    else:
        fit = sm.GLM(y.to_numpy(), design, family=sm.families.Poisson(), offset=offset).fit()
    assert row["rate_ratio"] == pytest.approx(math.exp(fit.params[1]), rel=1e-6)
    if row["model"] == "quasi-poisson":  # one indicator: the ratio of the two sides' rates
        n = docs["n_tokens"].to_numpy()
        by_hand = (y[russian].sum() / n[russian].sum()) / (y[~russian].sum() / n[~russian].sum())
        assert row["rate_ratio"] == pytest.approx(by_hand, rel=1e-9)
    assert row["ci_low"] < row["rate_ratio"] < row["ci_high"]
    assert (row["n_docs_group"], row["n_docs_reference"]) == (3, 2)


def test_seeds_keyness_gains_intervals_and_doc_shares(store):
    key = store.keyness
    assert tuple(key.columns) == KEYNESS_COLUMNS
    # chinese is one document: no interval on either of its comparisons, doc shares 0 or 1
    chinese = key[(key["group"] == "chinese") | (key["reference"] == "chinese")]
    assert chinese[["log_odds_ci_low", "log_odds_ci_high"]].isna().all().all()
    assert set(chinese.loc[chinese["group"] == "chinese", "doc_share_group"]) <= {0.0, 1.0}
    # russian (3 documents) vs rest (2): intervals bracket the point estimate
    rus = key[key["comparison"] == "russian vs rest"]
    assert rus["log_odds_ci_low"].notna().all()
    assert (rus["log_odds_ci_low"] <= rus["log_odds"] + 1e-12).all()
    assert (rus["log_odds"] <= rus["log_odds_ci_high"] + 1e-12).all()
    assert set(np.round(rus["doc_share_group"] * 3, 9)) <= {0.0, 1.0, 2.0, 3.0}
    # every side is far below BOOTSTRAP_MAX_DOCS: the bootstrap, or nothing for chinese
    assert set(rus["ci_method"]) == {"bootstrap"} and set(chinese["ci_method"]) == {""}


def test_without_keyness_ci_the_intervals_are_empty_and_the_rest_is_equal(store):
    docs, terms = store.documents, store.terms
    word = store.keyness[list(KEYNESS_COLUMNS[:13])]
    off = keyness_with_intervals(word, terms, docs, intervals=False)
    assert off[["log_odds_ci_low", "log_odds_ci_high"]].isna().all().all()
    assert set(off["ci_method"]) == {""}
    keep = [c for c in KEYNESS_COLUMNS if not c.startswith("log_odds_ci") and c != "ci_method"]
    pd.testing.assert_frame_equal(off[keep], store.keyness[keep])


def test_model_tables_do_not_depend_on_row_order(store):
    docs, markers = store.documents, store.markers
    a = model_tables(markers, docs)
    b = model_tables(markers.iloc[::-1], docs.iloc[::-1])
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])


def test_compare_matches_before_after(store, tmp_path, capsys):
    out = tmp_path / "ba.csv"
    argv = ["compare", str(store.path), "--split", "2024-01-01", "--min-count", "1"]
    assert main([*argv, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    written = pd.read_csv(out, keep_default_na=False, na_values={"ci_low": [""]})
    direct = before_after(store.markers, store.documents, split="2024-01-01", min_count=1)
    assert len(written) == len(direct) > 0
    assert list(written["frame"]) == list(direct["frame"])
    for c in ("rate_ratio", "n_docs_before", "n_docs_after"):
        np.testing.assert_array_equal(written[c].to_numpy(), direct[c].to_numpy())
    # russian: 2017 before the split, 2024 and 2025 after
    rus = direct[(direct["contrast"] == "after_vs_before") & (direct["group"] == "russian")]
    assert set(rus["n_docs_before"]) == {1} and set(rus["n_docs_after"]) == {2}
    assert rus[["ci_low", "ci_high", "p"]].isna().all().all()  # one document before
    assert "after_vs_before" in printed


def test_compare_window_and_refusals(store, tmp_path):
    argv = ["compare", str(store.path), "--split", "2024-01-01", "--min-count", "1"]
    assert main([*argv, "--window", "90d"]) == 0  # no document within 90 days: no rows
    assert main([*argv, "--out", str(store.path / "ba.csv")]) == 2
    assert not (store.path / "ba.csv").exists()
    assert main(["compare", str(store.path), "--split", "24/02/2022"]) == 2
    with pytest.raises(SystemExit):
        main([*argv, "--window", "-3d"])


def test_rate_ratio_points_exact():
    from analysis.runner.model_tables import rate_ratio_points

    rows = [
        ("f", "", "one_vs_rest", "a", "rest", "all", 2.0, 1.0, 4.0, 0.01, 0.02, 3, 4),
        ("f", "m", "one_vs_rest", "a", "rest", "all", 0.5, np.nan, np.nan, np.nan, np.nan, 1, 6),
        ("f", "", "one_vs_rest", "b", "rest", "all", 0.0, np.nan, np.nan, np.nan, np.nan, 2, 5),
        ("f", "", "one_vs_rest", "a", "rest", "2024", 8.0, 2.0, 32.0, 0.1, 0.1, 2, 2),
        ("f", "", "pairwise", "a", "b", "all", 4.0, 2.0, 8.0, 0.1, 0.1, 3, 2),
    ]
    cols = RATE_MODEL_COLUMNS[:13]
    models = pd.DataFrame(rows, columns=list(cols)).assign(model="nb2", se_type="hc1")
    out = rate_ratio_points(models)
    # b has no occurrence (ratio 0): left out; the marker row only without frames_only
    assert out[["frame", "origin", "log2_rate_ratio", "ci_low", "ci_high", "n_docs"]].to_dict(
        "records"
    ) == [
        {"frame": "f", "origin": "a", "log2_rate_ratio": 1.0, "ci_low": 0.0, "ci_high": 2.0,
         "n_docs": 3}
    ]  # fmt: skip
    both = rate_ratio_points(models, frames_only=False)
    assert list(both["frame"]) == ["f", "f: m"]
    assert both["log2_rate_ratio"].iloc[1] == -1.0 and np.isnan(both["ci_low"].iloc[1])
    year = rate_ratio_points(models, period="2024")
    assert list(year["log2_rate_ratio"]) == [3.0] and list(year["ci_high"]) == [5.0]
    pair = rate_ratio_points(models, contrast="pairwise")
    assert list(pair["reference"]) == ["b"] and list(pair["log2_rate_ratio"]) == [2.0]
