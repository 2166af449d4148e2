"""A fast calibration check of the document-level intervals on simulated corpora.

The simulator is ``bench/bench_calibration.py``'s (3 origins × 3 outlets, gamma-Poisson
documents, log-normal outlet effects); the bench measures coverage on ≥ 1,000 corpora, this
test on 50 with loose bounds from the binomial: if the true coverage were 93 %, fewer than
``binom.ppf(0.001, 50, 0.93) = 41`` covered corpora out of 50 would happen less than once in
a thousand runs, so a coverage below that means broken intervals, not bad luck.
"""

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench_calibration.py"
CORPORA = 50


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_calibration", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rate_model_intervals_cover(bench):
    from analysis.stats.models import rate_models

    # one row per corpus (A vs B, frame total; true ratio 1.5) so the corpora are independent
    rng = np.random.default_rng(2021)
    covered = 0
    for _ in range(CORPORA):
        markers, docs = bench.marker_corpus(rng, 20, bench.OUTLET_SD)
        pair = docs[docs["origin"] != "C"]
        out = rate_models(markers[markers["doc_id"].isin(pair["doc_id"])], pair)
        row = out[(out["contrast"] == "pairwise") & (out["marker"] == "")].iloc[0]
        assert row["se_type"] == "cluster" and (row["group"], row["reference"]) == ("A", "B")
        covered += bool(row["ci_low"] <= bench.RATIO <= row["ci_high"])
    low = stats.binom.ppf(0.001, CORPORA, 0.93)
    assert low == 40
    assert covered >= low  # 46 of 50 with these seeds


def test_keyness_bootstrap_covers_and_word_z_does_not(bench):
    # B vs C, true log-odds ratio 0. The document bootstrap estimates the outlets of the
    # corpus (its conditional truth), so it is checked on data without outlet effects, where
    # that truth is the population's (bench: ~95 % for the conditional truth with them)
    rng = np.random.default_rng(2022)
    covered, terms, z_hits, z_terms = 0, 0, 0, 0
    for _ in range(CORPORA):
        got = bench.keyness_rows(*bench.term_corpus(rng, 30, 0.0), 30, 200)
        hits, n = got["boot_pop_B=C"]
        covered += hits
        terms += n
        z_hits, z_terms = z_hits + got["z_fp"][0], z_terms + got["z_fp"][1]
    rate = covered / terms
    # pooled over the terms, which are correlated within a corpus: a loose bound (92.2 %)
    assert rate >= 0.85, rate
    # the word-level z: |z| > 1.96 far more often than 5 % (documents are clustered draws);
    # 5 % + 4 binomial standard errors over the terms seen is a generous upper bound for 5 %
    fp = z_hits / z_terms
    assert fp > 0.05 + 4 * np.sqrt(0.05 * 0.95 / z_terms), fp
