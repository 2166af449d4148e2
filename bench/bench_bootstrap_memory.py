"""Peak memory of the frame-rate bootstrap (:func:`analysis.stats.rates.frame_rates`) as the
lexicon grows (issue 16, bounded cost: "100 frames × 1,000 markers peaks at 6.9 GB").

A small synthetic corpus (``--docs`` documents, 2 origins × 2 years = 4 cells), one
``markers`` row per document × marker (zeros included, as the pipeline writes it) and a
lexicon of FRAMES × MARKERS markers. Each case runs in a fresh process; printed: the peak of
the memory numpy and Python allocate during ``frame_rates`` (``tracemalloc``), the seconds,
and the SHA-256 of the result's CSV (the same before and after a change means the outputs
are byte-identical).

The peak must not grow with markers × resamples: the marker columns of a cell are
bootstrapped in blocks (:func:`analysis.stats.bootstrap.shared_intervals`).

Usage: ``python bench/bench_bootstrap_memory.py [--cases 10x100,100x1000] [--docs 20]
[--resamples 2000]`` (default: well under a minute).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys


def _case(frames: int, markers: int, n_docs: int, resamples: int) -> dict:
    import hashlib
    import time
    import tracemalloc

    import numpy as np
    import pandas as pd

    from analysis.stats.rates import frame_rates

    rng = np.random.default_rng(0)
    doc_ids = [f"d{i:03d}" for i in range(n_docs)]
    documents = pd.DataFrame(
        {
            "doc_id": doc_ids,
            "origin": ["russian" if i % 2 else "chinese" for i in range(n_docs)],
            "date": ["2023-05-01" if i % 4 < 2 else "2024-05-01" for i in range(n_docs)],
            "n_tokens": rng.integers(200, 2000, size=n_docs),
        }
    )
    names = [(f"f{f:03d}", f"m{m:04d}") for f in range(frames) for m in range(markers)]
    n = len(names)
    counts = rng.poisson(0.05, size=n_docs * n).astype("int64")
    table = pd.DataFrame(
        {
            "doc_id": np.repeat(np.array(doc_ids, dtype=object), n),
            "frame": np.tile(np.array([f for f, _ in names], dtype=object), n_docs),
            "marker": np.tile(np.array([m for _, m in names], dtype=object), n_docs),
            "count": counts,
        }
    )
    tracemalloc.start()
    start = time.perf_counter()
    out = frame_rates(table, documents, n_resamples=resamples)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    digest = hashlib.sha256(out.to_csv(index=False).encode()).hexdigest()[:16]
    return {"peak_mb": peak / 2**20, "seconds": seconds, "rows": len(out), "sha256": digest}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="10x100,100x1000", help="FRAMESxMARKERS,...")
    parser.add_argument("--docs", type=int, default=20)
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a case, in the child process
    args = parser.parse_args()
    if args.one:
        frames, markers = map(int, args.one.split("x"))
        print(json.dumps(_case(frames, markers, args.docs, args.resamples)))
        return
    print(f"frame_rates peak memory, {args.docs} documents, 4 cells, {args.resamples} resamples")
    print(f"{'frames x markers':>17} {'peak MB':>9} {'seconds':>8} {'rows':>8}  sha256 of the CSV")
    for case in args.cases.split(","):
        argv = [sys.executable, __file__, "--one", case, "--docs", str(args.docs)]
        argv += ["--resamples", str(args.resamples)]
        r = json.loads(subprocess.run(argv, check=True, capture_output=True, text=True).stdout)
        print(f"{case:>17} {r['peak_mb']:>9.1f} {r['seconds']:>8.2f} {r['rows']:>8}  {r['sha256']}")


if __name__ == "__main__":
    main()
