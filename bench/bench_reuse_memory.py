"""Peak memory and time of the reuse pass alone on a table corpus, as ``framing analyze`` runs it.

Reads the corpus as the CLI does (:func:`analysis.read.corpus.read_corpus` with a spill
directory, then :func:`analysis.read.boilerplate.remove_boilerplate`), then runs
:func:`analysis.runner.reuse_pass.document_reuse` and prints its wall and CPU time, the
process's resident memory before, at the peak (``/proc/self/statm`` sampled every 20 ms in a
thread) and after it (with the result still held, after ``gc`` and ``malloc_trim``), and the
result's deep size. ``--out DIR`` writes the result's ``pairs.csv`` and ``documents.csv`` (to
compare two versions with ``cmp``).

Usage: ``python bench/headlines.py 200000 /tmp/h200k.csv`` then
``python bench/bench_reuse_memory.py /tmp/h200k.csv`` (about 30 s; a million rows about 6
minutes and 3 GB). Linux only (``/proc``, glibc's ``malloc_trim``).
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import tempfile
import threading
import time
from pathlib import Path

from analysis.read.boilerplate import remove_boilerplate
from analysis.read.corpus import read_corpus
from analysis.runner.reuse_pass import document_reuse

SAMPLE_S = 0.02


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


class _Peak:
    """The highest RSS sampled while the ``with`` block runs."""

    def __enter__(self) -> _Peak:
        self.peak, self._running = _rss(), True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while self._running:
            self.peak = max(self.peak, _rss())
            time.sleep(SAMPLE_S)

    def __exit__(self, *exc) -> None:
        self._running = False
        self._thread.join()


def _settled() -> int:
    """RSS after a collection and giving freed heap back to the system."""
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    return _rss()


def main() -> None:
    """Print the reuse pass's time and memory on the corpus given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a table corpus (CSV, JSONL, Parquet)")
    parser.add_argument("--out", type=Path, help="write pairs.csv and documents.csv here")
    args = parser.parse_args()
    mib = 2**20
    with tempfile.TemporaryDirectory() as spill:
        docs, _ = remove_boilerplate(read_corpus(args.corpus, spill_dir=spill))
        base = _settled()
        wall, cpu = time.perf_counter(), time.process_time()
        with _Peak() as peak:
            reuse = document_reuse(docs)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        held = _settled()
        deep = sum(t.memory_usage(deep=True).sum() for t in (reuse.pairs, reuse.documents))
        print(f"documents: {len(reuse.documents)}, pairs: {len(reuse.pairs)}")
        print(f"reuse pass: {wall:.1f} s wall, {cpu:.1f} s CPU")
        print(
            f"RSS: {base / mib:.0f} MiB before, peak {peak.peak / mib:.0f} MiB"
            f" (+{(peak.peak - base) / mib:.0f}), {held / mib:.0f} MiB after with the result"
            f" (+{(held - base) / mib:.0f}); result {deep / mib:.0f} MiB deep"
        )
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            reuse.pairs.to_csv(args.out / "pairs.csv", index=False)
            reuse.documents.to_csv(args.out / "documents.csv", index=False)
        if hasattr(docs, "close"):
            docs.close()


if __name__ == "__main__":
    main()
