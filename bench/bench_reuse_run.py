"""Cost of the reuse pass of ``framing analyze`` (issue 22) on the replicated-seed corpus.

Builds :func:`bench_analyze.build_corpus` (``copies`` × the 5 seeds: every replica is a
near-duplicate of one of 5 texts, the worst case for clusters: 5 clusters of ``copies``
documents, each above ``max_cluster`` when ``copies`` > 50, so their rows go to the earliest
document), then measures:

* ``framing analyze --jobs 1 --no-cache`` (or ``--jobs N``) as a fresh process, with
  ``--no-reuse`` and with the reuse pass (the default), interleaved ``--repeat`` times: the
  best wall and CPU time (of all its processes) of each and the highest peak resident memory
  of the process tree (sampled every 50 ms); the goal (issue 22, at 10,000 documents): the
  pass adds at most 20 % to the time (judged on CPU time, which a shared machine's waits do
  not inflate) and 300 MB;
* the reuse pass alone in this process
  (:func:`analysis.runner.reuse_pass.document_reuse` over the documents read): CPU time, then
  the peak traced memory (``tracemalloc``) in a second run.

Usage: ``python bench/bench_reuse_run.py`` (200 copies, 1,000 documents, about 1 minute);
``nice -n 10 python bench/bench_reuse_run.py --copies 2000 --repeat 1`` for the 10,000-document
goal (about 5 minutes on the shared machine).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analyze import build_corpus, run_cli  # noqa: E402

from analysis.read.corpus import read_corpus  # noqa: E402
from analysis.runner.reuse_pass import document_reuse  # noqa: E402

GOAL_TIME = 0.20  # the reuse pass adds at most 20 % to framing analyze's time
GOAL_MIB = 300  # and at most 300 MB of peak memory


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _analyze(corpus: Path, out: Path, jobs: int, *opts: str) -> tuple[float, float, int]:
    """``(wall s, CPU s, peak RSS bytes of the process tree)`` of one ``framing analyze``."""
    before = _children_cpu()
    wall, rss = run_cli(corpus, out, "--jobs", str(jobs), "--no-cache", "--no-progress", *opts)
    return wall, _children_cpu() - before, rss


def _pass_alone(corpus: Path) -> tuple[float, float, object]:
    """CPU seconds and peak traced MiB of the reuse pass alone, and its result."""
    docs = read_corpus(corpus)
    t0 = time.process_time()
    reuse = document_reuse(docs)
    cpu = time.process_time() - t0
    tracemalloc.start()
    document_reuse(docs)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return cpu, peak, reuse


def main() -> None:
    """Print the analyze runs with and without the pass, their ratios and the goals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=200, help="replicas of each seed")
    parser.add_argument("--repeat", type=int, default=2, help="interleaved runs of each")
    parser.add_argument("--jobs", type=int, default=1, help="framing analyze --jobs")
    args = parser.parse_args()
    runs: dict[str, list[tuple[float, float, int]]] = {"--no-reuse": [], "reuse": []}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = build_corpus(Path(tmp) / "corpus", args.copies)
        for k in range(args.repeat):
            for name in runs:
                opts = ("--no-reuse",) if name == "--no-reuse" else ()
                out = Path(tmp) / f"out-{name}-{k}"
                runs[name].append(_analyze(corpus, out, args.jobs, *opts))
        cpu, peak, reuse = _pass_alone(corpus)
    best = {
        name: (min(r[0] for r in rs), min(r[1] for r in rs), max(r[2] for r in rs) / 2**20)
        for name, rs in runs.items()
    }
    sizes = reuse.documents.groupby("reuse_cluster").size()
    print(f"documents: {len(reuse.documents)}, clusters: {(sizes.index != '').sum()}")
    print(f"pairs: {len(reuse.pairs)} ({reuse.pairs['link'].value_counts().to_dict()})")
    print(
        f"framing analyze --jobs {args.jobs} --no-cache, best of {args.repeat}"
        " (wall, CPU of all processes, peak RSS of the process tree):"
    )
    for name, (wall, cpu_s, rss) in best.items():
        print(f"  {name:12s} {wall:7.1f} s {cpu_s:7.1f} s CPU {rss:7.0f} MiB")
    (w0, c0, m0), (w1, c1, m1) = best["--no-reuse"], best["reuse"]
    # the verdict on CPU time: on a shared machine the wall time also counts the waits
    met = "met" if (c1 - c0) / c0 <= GOAL_TIME and m1 - m0 <= GOAL_MIB else "NOT met"
    print(
        f"reuse pass adds {100 * (w1 - w0) / w0:+.1f} % wall, {100 * (c1 - c0) / c0:+.1f} % CPU,"
        f" {m1 - m0:+.0f} MiB peak RSS (goal <= {100 * GOAL_TIME:.0f} % CPU, <= {GOAL_MIB} MB:"
        f" {met})"
    )
    print(
        f"reuse pass alone: {cpu:.1f} s CPU ({100 * cpu / c0:.1f} % of analyze --no-reuse),"
        f" peak traced memory {peak:.0f} MiB"
    )


if __name__ == "__main__":
    main()
