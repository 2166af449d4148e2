"""NB2 fits of headline-shaped counts: statsmodels against :func:`analysis.stats.nb2.nb2_model`.

``--docs`` documents (default 20,000) of 10–60 tokens in 4 groups, a marker found in about
one document in 30 (the shape of ``bench/headlines.py``'s marker counts); the same NB2 fit
(Newton, as :mod:`analysis.stats.countmodel` runs it) with each model, ``--repeats`` times
interleaved; prints the best CPU time of each, their ratio and the largest relative
difference of the estimates.

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

    def fit(make):
        t0 = time.process_time()
        res = make(y, design, offset).fit(method="newton", maxiter=100, disp=0)
        return time.process_time() - t0, res

    def stock(y, design, offset):
        return NegativeBinomial(y, design, offset=offset, loglike_method="nb2")

    times = {"statsmodels": [], "per count": []}
    results = {}
    for _ in range(args.repeats):
        for name, make in (("statsmodels", stock), ("per count", nb2_model)):
            seconds, results[name] = fit(make)
            times[name].append(seconds)
    a, b = min(times["statsmodels"]), min(times["per count"])
    a_params, b_params = results["statsmodels"].params, results["per count"].params
    rel = float(np.max(np.abs(a_params - b_params) / np.abs(a_params)))
    print(
        f"{args.docs:,} documents, {int((y > 0).sum()):,} with the marker, "
        f"{len(np.unique(y))} distinct counts, {results['per count'].mle_retvals['iterations']} "
        "Newton steps"
    )
    print(
        f"statsmodels NB2 {a:.3f} s, per count {b:.3f} s CPU (best of {args.repeats}): "
        f"{a / b:.2f}x faster; largest relative difference of the estimates {rel:.1e}"
    )


if __name__ == "__main__":
    main()
