"""Cost of the reuse pass of ``framing analyze`` (issue 22) on the replicated-seed corpus.

Builds :func:`bench_analyze.build_corpus` (``copies`` × the 5 seeds: every replica is a
near-duplicate of one of 5 texts, the worst case for clusters: 5 clusters of ``copies``
documents, each above ``max_cluster``, so their rows go to the earliest document), then
measures, once each:

* ``framing analyze --no-reuse --no-cache --jobs 1``: CPU time of the child process;
* the reuse pass alone (:func:`analysis.runner.reuse_pass.document_reuse` over the documents
  read): CPU time, then peak traced memory (``tracemalloc``) in a second run.

Usage: ``nice -n 10 python bench/bench_reuse_run.py [--copies 2000]``.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analyze import build_corpus  # noqa: E402

from analysis.read.corpus import read_corpus  # noqa: E402
from analysis.runner.reuse_pass import document_reuse  # noqa: E402


def _analyze_cpu(corpus: Path, out: Path) -> float:
    """CPU seconds (user + system) of one ``framing analyze --no-reuse`` child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cmd = [sys.executable, "-m", "analysis", "analyze", str(corpus), "--out", str(out)]
    cmd += ["--no-reuse", "--no-cache", "--jobs", "1", "--no-progress"]
    subprocess.run(cmd, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    """Print the reuse pass's CPU time and memory next to the analyze run's CPU time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = build_corpus(Path(tmp) / "corpus", args.copies)
        docs = read_corpus(corpus)
        t0 = time.process_time()
        reuse = document_reuse(docs)
        reuse_cpu = time.process_time() - t0
        tracemalloc.start()
        document_reuse(docs)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        analyze_cpu = _analyze_cpu(corpus, Path(tmp) / "out")
    sizes = reuse.documents.groupby("reuse_cluster").size()
    print(f"documents: {len(docs)}, clusters: {(sizes.index != '').sum()}")
    print(f"pairs: {len(reuse.pairs)} ({reuse.pairs['link'].value_counts().to_dict()})")
    print(f"analyze --no-reuse CPU: {analyze_cpu:.1f} s")
    print(f"reuse pass CPU: {reuse_cpu:.1f} s ({100 * reuse_cpu / analyze_cpu:.1f} % of analyze)")
    print(f"reuse pass peak traced memory: {peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
