"""Speed of the keyness document bootstrap (:func:`analysis.stats.keyness_ci.keyness_intervals`).

Builds a synthetic terms table (Zipf-like vocabulary, ``--terms-per-doc`` distinct terms per
document, 3 origins) and times ``keyness_intervals`` against ``compare.keyness`` on it. The
goal of issue 21: 20,000 terms × 20,000 documents under a minute on one core (``--big``).
The default (5,000 × 5,000) takes well under a minute.

Usage: ``python bench/bench_keyness_ci.py [--big] [--docs N] [--vocab V] [--resamples B]``
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time

import numpy as np
import pandas as pd

GOAL_SECONDS = 60.0  # at 20,000 x 20,000 with 2,000 resamples


def corpus(n_docs: int, n_vocab: int, per_doc: int, seed: int = 0):
    """``terms`` and ``documents`` tables: ``per_doc`` distinct Zipf-ranked terms per doc."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, n_vocab + 1)
    weights /= weights.sum()
    doc = np.repeat(np.arange(n_docs), per_doc)
    term = rng.choice(n_vocab, size=n_docs * per_doc, p=weights)
    pairs = np.unique(doc.astype("int64") * n_vocab + term)  # distinct (doc, term)
    doc, term = pairs // n_vocab, pairs % n_vocab
    names = np.array([f"w{k:05d}" for k in range(n_vocab)], dtype=object)
    terms = pd.DataFrame(
        {
            "doc_id": np.char.add("d", doc.astype(str)).astype(object),
            "term": names[term],
            "count": rng.geometric(0.6, size=len(doc)).astype("int64"),
        }
    )
    documents = pd.DataFrame(
        {
            "doc_id": [f"d{k}" for k in range(n_docs)],
            "origin": np.array(["chinese", "russian", "western"], dtype=object)[
                np.arange(n_docs) % 3
            ],
        }
    )
    return terms, documents


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="20,000 terms x 20,000 documents")
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--vocab", type=int, default=5000)
    parser.add_argument("--terms-per-doc", type=int, default=250)
    parser.add_argument("--resamples", type=int, default=2000)
    args = parser.parse_args(argv)
    if args.big:
        args.docs, args.vocab = 20000, 20000
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core (numpy's BLAS is not used much)

    from analysis.stats.keyness import keyness
    from analysis.stats.keyness_ci import keyness_intervals

    terms, documents = corpus(args.docs, args.vocab, args.terms_per_doc)
    n_used = terms["term"].nunique()
    print(f"{args.docs:,} documents, {n_used:,} distinct terms, {len(terms):,} (doc, term) rows")
    t0 = time.perf_counter()
    base = keyness(terms, documents)
    t_keyness = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = keyness_intervals(
        terms, documents, n_resamples=args.resamples, bootstrap_max_docs=None
    )  # the bootstrap itself, whatever the sizes
    t_ci = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    same = np.array_equal(
        base.sort_values(["comparison", "term"])["log_odds"].to_numpy(), out["log_odds"].to_numpy()
    )
    print(f"comparisons: {out['comparison'].nunique()}, rows: {len(out):,}")
    print(f"keyness            {t_keyness:8.2f} s")
    print(f"keyness_intervals  {t_ci:8.2f} s  ({args.resamples} resamples)")
    print(f"ratio ci / keyness {t_ci / t_keyness:8.1f}")
    print(f"peak RSS           {rss:8.0f} MiB")
    print(f"log_odds identical to keyness: {same}")
    if args.big:
        print(f"goal: < {GOAL_SECONDS:.0f} s -> {'met' if t_ci < GOAL_SECONDS else 'NOT met'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
