"""NB2 fits of headline-shaped counts: statsmodels against :func:`analysis.stats.nb2.nb2_model`.

``--docs`` documents (default 20,000) of 10–60 tokens in 4 groups, a marker found in about
one document in 30 (the shape of ``bench/headlines.py``'s marker counts); the same NB2 fit
(Newton, as :mod:`analysis.stats.countmodel` runs it) with each model — statsmodels', the
per-count model on every document, and the per-count model on the documents alike in group,
length and count collapsed into weighted rows (:func:`analysis.stats.nb2.collapse_rows`) —
``--repeats`` times interleaved; prints the best CPU time of each, the ratios and the
largest relative difference of the estimates and of the HC1 standard errors.

Usage: ``python bench/bench_nb2.py [--docs N] [--repeats R]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    import numpy as np
    from statsmodels.discrete.discrete_model import NegativeBinomial

    from analysis.stats.nb2 import nb2_model

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    group = rng.integers(0, 4, args.docs)
    design = np.column_stack([np.ones(args.docs), *(group == g for g in (1, 2, 3))]).astype(float)
    offset = np.log(rng.integers(10, 61, args.docs).astype(float))
    mu = np.exp(-7.0 + 0.3 * (group == 1) + offset)
    y = rng.negative_binomial(0.5, 0.5 / (0.5 + mu)).astype(float)

    from analysis.stats.nb2 import collapse_rows, row_pattern

    rows, weights = collapse_rows(y, row_pattern(design, offset))

    def stock(y, design, offset):
        return NegativeBinomial(y, design, offset=offset, loglike_method="nb2")

    makers = {
        "statsmodels": lambda: stock(y, design, offset),
        "per count": lambda: nb2_model(y, design, offset),
        "collapsed": lambda: nb2_model(y[rows], design[rows], offset[rows], weights),
    }
    times: dict[str, list[float]] = {name: [] for name in makers}
    results = {}
    for _ in range(args.repeats):
        for name, make in makers.items():
            t0 = time.process_time()
            results[name] = make().fit(method="newton", maxiter=100, disp=0, cov_type="HC1")
            times[name].append(time.process_time() - t0)
    best = {name: min(t) for name, t in times.items()}
    print(
        f"{args.docs:,} documents, {int((y > 0).sum()):,} with the marker, "
        f"{len(np.unique(y))} distinct counts, {len(rows):,} collapsed rows, "
        f"{results['per count'].mle_retvals['iterations']} Newton steps"
    )
    ref = results["statsmodels"]
    for name in ("per count", "collapsed"):
        res = results[name]
        rel = float(np.max(np.abs(res.params - ref.params) / np.abs(ref.params)))
        rel_se = float(np.max(np.abs(res.bse - ref.bse) / np.abs(ref.bse)))
        print(
            f"{name}: {best[name]:.3f} s CPU against statsmodels {best['statsmodels']:.3f} s "
            f"(best of {args.repeats}): {best['statsmodels'] / best[name]:.1f}x faster; "
            f"largest relative difference of the estimates {rel:.1e}, of the HC1 errors "
            f"{rel_se:.1e}"
        )


if __name__ == "__main__":
    main()
