"""Calibration of the document-level intervals (issue 21), measured on simulated corpora.

Each simulated corpus has 3 origins (A, B, C) × 3 outlets = 9 outlets and ``n`` documents per
origin (spread evenly over its outlets), token counts uniform in 300..1,200, and counts drawn
as gamma-Poisson (between-document over-dispersion, gamma shape 2) times a log-normal outlet
effect (sd 0.25 on the log scale, drawn afresh for every corpus, outlet and term), so
documents *and* outlets differ as real ones do.

- Rate models (:func:`analysis.stats.models.rate_models`): one frame with two markers (3.0
  and 1.5 per 1,000 tokens in B and C; × 1.5 in A), frame total included. Known ratios:
  A/B = A/C = A/rest = 1.5, B/C = 1. Coverage = share of the 95 % intervals containing the
  true ratio (rows with an interval); false positives = B vs C rows with p < 0.05.
- Keyness (:func:`analysis.stats.keyness_ci.keyness_intervals` against
  :func:`analysis.stats.keyness.keyness`): 300 terms with Zipf base rates; in A every 10th
  term × 2. Coverage of the bootstrap interval of the log-odds ratio for the terms of B vs C
  (true log-odds ratio 0) and of A vs B (true value from the expected shares), among terms
  expected ≥ 20 times per group; and, beside it, the share of B vs C terms with |z| > 1.96
  (the word-level test; 5 % if words were independent draws).

Coverage is a binomial proportion: with R corpora the table prints its 95 % Wilson interval.
The goal is 93–97 % with ≥ 1,000 corpora per setting (``--full``; long: run it once with
``nice -n 10``). The default (20 corpora per setting) takes about 20 s of CPU.

Last ``--full`` run (1,000 corpora per setting, 25 minutes at ``nice -n 10`` on 2 shared
cores), percent:

=========== ====== ====== ====== ====== ====== ====== ======
docs/origin rate   rate   boot   boot   boot   boot   word z
            cover  p<.05  cover  cover  pop.   pop.   |z|>2
            (all)  B=C    B=C    A/B    B=C    A/B    B=C
=========== ====== ====== ====== ====== ====== ====== ======
5           96.3   2.8    87.0   85.9   85.8   84.3   38.1
50          94.8   4.8    94.3   94.2   85.6   85.5   24.9
500         94.8   5.3    95.0   95.0   61.2   60.5   45.7
=========== ====== ====== ====== ====== ====== ====== ======

Usage: ``python bench/bench_calibration.py [--corpora R] [--full] [--sizes 5 50 500]``
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings

import numpy as np
import pandas as pd

ORIGINS = ("A", "B", "C")
OUTLETS_PER_ORIGIN = 3
RATIO = 1.5  # origin A over B and C, markers and frame
MARKER_RATES = {"m1": 3.0e-3, "m2": 1.5e-3}
GAMMA_SHAPE = 2.0  # document over-dispersion: variance of the document effect 1 / shape
OUTLET_SD = 0.25  # log-scale sd of the outlet effect
N_TERMS = 300
TERM_BOOST = 2.0  # every 10th term in origin A
MIN_EXPECTED = 20.0  # keyness coverage: terms expected at least this often per group
TRUE_RATES = {
    ("one_vs_rest", "A", "rest"): RATIO,
    ("pairwise", "A", "B"): RATIO,
    ("pairwise", "A", "C"): RATIO,
    ("pairwise", "B", "C"): 1.0,
}


def documents_table(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """``n`` documents per origin, dealt round-robin to its outlets, with token counts."""
    rows = []
    for origin in ORIGINS:
        for k in range(n):
            outlet = f"{origin}{k % OUTLETS_PER_ORIGIN}"
            rows.append((f"{origin}{k:04d}", outlet, origin, "2022-01-01"))
    docs = pd.DataFrame(rows, columns=["doc_id", "outlet", "origin", "date"])
    docs["n_tokens"] = rng.integers(300, 1201, size=len(docs))
    return docs


def _effects(rng, docs: pd.DataFrame, n_kinds: int, outlet_sd: float):
    """Document × kind multipliers: gamma (mean 1) and the log-normal outlet effect."""
    outlets, code = np.unique(docs["outlet"].to_numpy(), return_inverse=True)
    outlet = np.exp(rng.normal(0.0, outlet_sd, size=(len(outlets), n_kinds)))
    gamma = rng.gamma(GAMMA_SHAPE, 1.0 / GAMMA_SHAPE, size=(len(docs), n_kinds))
    return gamma, outlet[code]


def marker_corpus(rng, n: int, outlet_sd: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A ``markers`` and ``documents`` table with the known ratios of :data:`TRUE_RATES`."""
    docs = documents_table(rng, n)
    base = np.array(list(MARKER_RATES.values()))
    boost = np.where(docs["origin"].to_numpy() == "A", RATIO, 1.0)
    mean = docs["n_tokens"].to_numpy()[:, None] * base[None, :] * boost[:, None]
    gamma, outlet = _effects(rng, docs, len(base), outlet_sd)
    counts = rng.poisson(mean * gamma * outlet)
    markers = pd.DataFrame(
        {
            "doc_id": np.repeat(docs["doc_id"].to_numpy(), len(base)),
            "frame": "sov",
            "marker": np.tile(list(MARKER_RATES), len(docs)),
            "count": counts.ravel(),
        }
    )
    return markers, docs


def term_rates() -> tuple[np.ndarray, np.ndarray]:
    """Per-token rates of the terms in B/C and in A (Zipf base, every 10th boosted in A)."""
    base = 1.0 / np.arange(1, N_TERMS + 1)
    base = 0.5 * base / base.sum()  # the terms make up half of the tokens
    boosted = base * np.where(np.arange(N_TERMS) % 10 == 0, TERM_BOOST, 1.0)
    return base, boosted


def _logit_share_diff(e_g: np.ndarray, e_r: np.ndarray) -> np.ndarray:
    """δ of expected counts: logit of the group's shares minus logit of the reference's."""
    s_g, s_r = e_g / e_g.sum(), e_r / e_r.sum()
    return np.log(s_g / (1 - s_g)) - np.log(s_r / (1 - s_r))


def term_corpus(rng, n: int, outlet_sd: float):
    """``terms`` and ``documents`` tables (gamma-Poisson term counts with outlet effects).

    Also returns the document × term expected counts given the drawn outlet effects (the
    conditional truth the document bootstrap estimates: these outlets' documents).
    """
    docs = documents_table(rng, n)
    base, boosted = term_rates()
    rates = np.where((docs["origin"].to_numpy() == "A")[:, None], boosted, base)
    mean = docs["n_tokens"].to_numpy()[:, None] * rates
    gamma, outlet = _effects(rng, docs, N_TERMS, outlet_sd)
    counts = rng.poisson(mean * gamma * outlet)
    doc, term = np.nonzero(counts)
    terms = pd.DataFrame(
        {
            "doc_id": docs["doc_id"].to_numpy()[doc],
            "term": np.array([f"t{k:03d}" for k in range(N_TERMS)], dtype=object)[term],
            "count": counts[doc, term],
        }
    )
    return terms, docs, mean * outlet


def rate_rows(markers: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
    """The rate-model rows with a known true ratio, with ``truth`` and ``covered``."""
    from analysis.stats.models import rate_models

    out = rate_models(markers, docs)
    keys = list(zip(out["contrast"], out["group"], out["reference"], strict=True))
    out["truth"] = [TRUE_RATES.get(k, np.nan) for k in keys]
    out = out[out["truth"].notna()].copy()
    out["covered"] = (out["ci_low"] <= out["truth"]) & (out["truth"] <= out["ci_high"])
    return out


def _covers(rows: pd.DataFrame, truth) -> tuple[int, int]:
    low, high = rows["log_odds_ci_low"], rows["log_odds_ci_high"]
    return int(((low <= truth) & (truth <= high)).sum()), int(low.notna().sum())


def keyness_rows(terms, docs, expected, n: int, n_resamples: int) -> dict:
    """(hits, rows) of the keyness bootstrap's coverage and of |z| > 1.96, by measure."""
    from analysis.stats.keyness import keyness
    from analysis.stats.keyness_ci import keyness_intervals

    ci = keyness_intervals(terms, docs, comparisons="pairwise", n_resamples=n_resamples)
    z = keyness(terms, docs, comparisons="pairwise")
    base, boosted = term_rates()
    names = np.array([f"t{k:03d}" for k in range(N_TERMS)], dtype=object)
    frequent = set(names[n * 750.0 * base >= MIN_EXPECTED])  # mean tokens 750
    origin = docs["origin"].to_numpy()
    given = {o: expected[origin == o].sum(axis=0) for o in ORIGINS}
    out = {}
    for label, g, r, pop in (
        ("B=C", "B", "C", np.zeros(N_TERMS)),
        ("A/B", "A", "B", _logit_share_diff(boosted, base)),
    ):
        rows = ci[(ci["comparison"] == f"{g} vs {r}") & ci["term"].isin(frequent)]
        at = pd.Index(names).get_indexer(rows["term"])
        out[f"boot_pop_{label}"] = _covers(rows, pop[at])
        out[f"boot_cond_{label}"] = _covers(rows, _logit_share_diff(given[g], given[r])[at])
    z_null = z[(z["comparison"] == "B vs C") & z["term"].isin(frequent)]
    out["z_fp"] = (int((z_null["z"].abs() > 1.96).sum()), len(z_null))
    return out


def wilson(k: int, n: int) -> tuple[float, float]:
    """95 % Wilson score interval of a binomial proportion ``k / n``."""
    if n == 0:
        return math.nan, math.nan
    z = 1.959963984540054
    p = k / n
    mid = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, mid - half), min(1.0, mid + half)


def _pct(k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"{100 * k / n:5.1f} [{100 * lo:4.1f}, {100 * hi:4.1f}]" if n else "    -"


def run_setting(n: int, corpora: int, n_resamples: int, seed: int, outlet_sd: float) -> dict:
    """Simulate ``corpora`` corpora with ``n`` documents per origin; ``(hits, rows)`` counts."""
    rng = np.random.default_rng([seed, n])
    rates, keys = [], {}
    for _ in range(corpora):
        rates.append(rate_rows(*marker_corpus(rng, n, outlet_sd)))
        for k, (hits, rows) in keyness_rows(
            *term_corpus(rng, n, outlet_sd), n, n_resamples
        ).items():
            old = keys.get(k, (0, 0))
            keys[k] = (old[0] + hits, old[1] + rows)
    rates = pd.concat(rates, ignore_index=True)
    with_ci = rates[rates["ci_low"].notna()]
    null = rates[(rates["group"] == "B") & (rates["reference"] == "C")]
    return {
        "n": n,
        "corpora": corpora,
        "rate_cov": (int(with_ci["covered"].sum()), len(with_ci)),
        "rate_fp": (int((null["p"] < 0.05).sum()), int(null["p"].notna().sum())),
        "rate_no_ci": (int(rates["ci_low"].isna().sum()), len(rates)),
        "nb2": (int((rates["model"] == "nb2").sum()), len(rates)),
        "cluster": (int((rates["se_type"] == "cluster").sum()), len(rates)),
        **keys,
    }


RATE_COLUMNS = (
    ("rate_cov", "95% CI covers"),
    ("rate_fp", "p<.05 when B=C"),
    ("rate_no_ci", "no interval"),
    ("nb2", "nb2 (not quasi-P.)"),
    ("cluster", "se_type cluster"),
)
KEYNESS_COLUMNS = (
    ("boot_cond_B=C", "boot covers, B=C"),
    ("boot_cond_A/B", "boot covers, A/B"),
    ("boot_pop_B=C", "covers 0 (pop.), B=C"),
    ("boot_pop_A/B", "covers pop., A/B"),
    ("z_fp", "|z|>1.96, B=C"),
)


def print_table(title: str, columns, results: list[dict]) -> None:
    """One line per setting: percentages with their 95 % Wilson intervals."""
    print(title)
    print(f"{'docs/origin':>11} {'corpora':>7}  " + "  ".join(f"{h:>22}" for _, h in columns))
    for r in results:
        cells = "  ".join(f"{_pct(*r[c]):>22}" for c, _ in columns)
        print(f"{r['n']:>11} {r['corpora']:>7}  {cells}")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=int, default=20, help="corpora per setting")
    parser.add_argument("--full", action="store_true", help="1,000 corpora per setting")
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 50, 500])
    parser.add_argument("--resamples", type=int, default=1000, help="keyness bootstrap")
    parser.add_argument("--outlet-sd", type=float, default=OUTLET_SD, help="0: no outlet effects")
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args(argv)
    corpora = 1000 if args.full else args.corpora
    results = []
    columns = (*RATE_COLUMNS, *KEYNESS_COLUMNS)
    for n in args.sizes:
        t0 = time.perf_counter()
        results.append(run_setting(n, corpora, args.resamples, args.seed, args.outlet_sd))
        r = results[-1]
        done = ", ".join(f"{c} {100 * r[c][0] / max(r[c][1], 1):.1f}%" for c, _ in columns)
        print(f"  {n} docs/origin, {time.perf_counter() - t0:.0f} s: {done}", file=sys.stderr)
        sys.stderr.flush()
    print(f"outlet effect sd {args.outlet_sd}, gamma shape {GAMMA_SHAPE}; percent [95 % Wilson")
    print("interval over rows; the rows of one corpus are correlated, so it is optimistic]\n")
    print_table("rate_models (truth: the origin ratio, outlets random)", RATE_COLUMNS, results)
    print_table(
        "keyness bootstrap (covers: the truth of these outlets; pop.: the origin truth) and "
        "word-level z",
        KEYNESS_COLUMNS,
        results,
    )
    return 0


if __name__ == "__main__":
    warnings.simplefilter("default")
    sys.exit(main())
