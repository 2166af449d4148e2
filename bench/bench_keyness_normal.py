"""Keyness intervals on headlines: the document bootstrap against its normal approximation.

Builds a headline-length corpus with ``bench/headlines.py`` (10–60 words a row, 3 origins),
turns it into a ``doc_id,term,count`` table (lower-cased words; the real run uses spaCy
lemmas, the shapes are the same) and runs
:func:`analysis.stats.keyness_ci.keyness_intervals` twice on it: the bootstrap
(``bootstrap_max_docs=None``, 2,000 resamples) and the normal approximation
(``bootstrap_max_docs=0``). Prints the time of each, the agreement of the bounds (``|normal −
bootstrap| / bootstrap width`` per term and bound, median and 95th percentile, by
comparison, for all terms and for terms used by ≥ 20 documents on each side), and the time
of the normal path at ``--growth`` × the documents (the ratio; linear: the factor).

Default (20,000 documents, growth ×5) under 2 minutes on a loaded core.

Usage: ``python bench/bench_keyness_normal.py [--docs N] [--growth K] [--resamples B]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))


def headline_tables(n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``terms`` and ``documents`` of the first ``n`` rows of the headline corpus."""
    from headlines import headline_rows

    rows = pd.DataFrame(list(headline_rows(n)), columns=["id", "date", "outlet", "origin", "text"])
    words = rows["text"].str.lower().str.findall(r"[a-z]+(?:'[a-z]+)?")
    long = pd.DataFrame(
        {
            "doc_id": rows["id"].repeat(words.str.len()).to_numpy(),
            "term": np.concatenate(words.to_numpy()),
        }
    )
    terms = long.groupby(["doc_id", "term"], sort=False).size().rename("count").reset_index()
    return terms, rows[["id", "origin"]].rename(columns={"id": "doc_id"})


def agreement(boot: pd.DataFrame, normal: pd.DataFrame, min_docs: int) -> pd.DataFrame:
    """Median and 95th percentile of ``|normal − bootstrap| / width`` by comparison."""
    width = boot["log_odds_ci_high"] - boot["log_odds_ci_low"]
    used = np.minimum(
        boot["doc_share_group"] * boot["n_docs_group"],
        boot["doc_share_reference"] * boot["n_docs_reference"],
    ).round()
    diffs = [
        ((normal[c] - boot[c]).abs() / width).rename(c[13:])
        for c in ("log_odds_ci_low", "log_odds_ci_high")
    ]
    table = pd.concat([boot["comparison"], *diffs], axis=1)[(used >= min_docs) & (width > 0)]
    both = table.melt(id_vars="comparison", value_name="d").groupby("comparison")["d"]
    out = pd.DataFrame(
        {"terms": both.size() // 2, "median": both.median(), "p95": both.quantile(0.95)}
    )
    small = boot.groupby("comparison")[["n_docs_group", "n_docs_reference"]].first().min(axis=1)
    return out.assign(smaller_side=small).round(3)


def timed(function, *args, **kwargs):
    t0 = time.perf_counter()
    out = function(*args, **kwargs)
    return out, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--growth", type=int, default=5, help="normal path at docs x growth")
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3, help="best of, for the normal path")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from analysis.stats.keyness_ci import BOOTSTRAP_MAX_DOCS, keyness_intervals

    terms, docs = headline_tables(args.docs)
    sizes = docs["origin"].value_counts().to_dict()
    print(f"{args.docs:,} headlines, {len(terms):,} (doc, term) rows, origins {sizes}")
    boot, t_boot = timed(
        keyness_intervals, terms, docs, n_resamples=args.resamples, bootstrap_max_docs=None
    )
    runs = [
        timed(keyness_intervals, terms, docs, bootstrap_max_docs=0) for _ in range(args.repeats)
    ]
    normal, t_normal = runs[0][0], min(t for _, t in runs)
    print(f"bootstrap ({args.resamples} resamples) {t_boot:8.2f} s")
    speedup = t_boot / t_normal
    print(f"normal approximation       {t_normal:8.2f} s   (bootstrap / normal {speedup:.0f}x)")
    for label, min_docs in (("all terms", 0), ("terms in >= 20 documents on each side", 20)):
        print(f"\n|normal - bootstrap| / bootstrap width, {label}:")
        print(agreement(boot, normal, min_docs).to_string())
    big_terms, big_docs = headline_tables(args.docs * args.growth)
    small, big = [], []  # interleaved, best of each
    for _ in range(args.repeats):
        small.append(timed(keyness_intervals, terms, docs, bootstrap_max_docs=0)[1])
        big.append(timed(keyness_intervals, big_terms, big_docs, bootstrap_max_docs=0)[1])
    t_small = min(small)
    ratio, nnz = min(big) / t_small, len(big_terms) / len(terms)
    print(f"\nnormal path at {args.docs * args.growth:,} documents: {min(big):.2f} s, "
          f"{ratio:.2f}x the time at {args.docs:,} ({nnz:.2f}x the (doc, term) rows; "
          f"goal: <= linear)")  # fmt: skip
    default = keyness_intervals(big_terms, big_docs, n_resamples=1)
    methods = default.groupby("comparison")["ci_method"].first().to_dict()
    print(f"default threshold {BOOTSTRAP_MAX_DOCS:,} at {args.docs * args.growth:,}: {methods}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
