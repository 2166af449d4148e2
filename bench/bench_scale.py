"""Scale on real shapes (issue 23): short documents, a million rows, bounded memory, start-up.

Prints every goal of the issue with the measured value and "met" / "NOT met":

1. **short documents** — a headline-length corpus (``bench/headlines.py``: pieces of 10–60
   words of the UN General Debate speeches, ``--headlines`` rows): ``framing analyze --jobs 1
   --no-cache`` in this process (after a warm-up) against the dependency floor (spaCy
   ``blank("en")`` + sentencizer + lookup lemmas + stock VADER on every sentence, same texts,
   same process, :func:`bench.bench_analyze.floor_pipeline`): goal ≥ 0.8;
2. **peer** — the same texts through scattertext's parse + corpus + one log-odds ratio
   (``bench/scattertext_baseline.py`` in ``.venv-bench``, made by ``make bench-peers``; the
   line says "skipped" without it) against ``framing analyze --jobs 2`` as a fresh process
   (its start-up included): goal ≥ 1.5×;
3. **a million rows** — ``--million`` headline rows from one CSV, ``--jobs 2``, fresh process:
   goals ≤ 15 minutes, peak memory of all its processes ≤ 2 GiB (their proportional set
   size, pages shared after a fork counted once; the sum of their resident sizes is printed
   beside it), the first progress line within 1 s of the start;
4. **article-length documents** — the seeds replicated to ``--articles`` distinct documents
   (:func:`bench.bench_analyze.build_corpus`), ``--jobs 2``: peak ≤ 2 GiB;
5. **start-up** — 1,000 article-length documents, ``--jobs 2`` against ``--jobs 1`` (fresh
   processes, best of ``--repeats``): goal ≥ 1.6×;
6. **output size** — ``markers.csv`` of the headline run: bytes per document and rows per
   document × marker (sparse: only non-zero counts are written).

The defaults take a few minutes on 2 cores (20,000 headlines, 100,000 rows for item 3,
5,000 articles); ``--full`` runs the issue's sizes (100,000 headlines, 1,000,000 rows,
100,000 articles: about an hour). The numbers of the last full run are in
``bench/RESULTS.md``.

Usage: ``python bench/bench_scale.py [--full] [--headlines N] [--million N] [--articles N]``
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import redirect_stderr
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_analyze import build_corpus, floor_pipeline, tree_rss, verdict  # noqa: E402
from bench.headlines import write_headlines  # noqa: E402

PEER_PYTHON = ROOT / ".venv-bench" / "bin" / "python"
GIB = 2**30


class Report(list):
    """The report's lines, each printed as it is added (a long run shows its progress)."""

    def append(self, line: str) -> None:
        print(line, flush=True)
        super().append(line)


def run_fresh(corpus: Path, out: Path, *opts: str, memory: bool = True) -> dict:
    """``framing analyze`` as a fresh process: wall seconds, peak tree RSS, first progress.

    ``memory=False`` does not sample the memory (reading every process's ``smaps_rollup``
    20 times a second takes CPU from the run: for the time alone, on two cores)."""
    cmd = [sys.executable, "-m", "analysis", "analyze", str(corpus), "--out", str(out)]
    cmd += ["--no-cache", "--force", *opts]
    peak, pss, first = 0, 0, None
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    done = threading.Event()

    def poll() -> None:
        nonlocal peak, pss
        while memory and not done.is_set():
            peak = max(peak, tree_rss(proc.pid))
            pss = max(pss, tree_rss(proc.pid, "Pss"))
            time.sleep(0.05)

    def progress() -> None:
        nonlocal first
        chunk = proc.stderr.read(1)
        if chunk and first is None:
            first = time.perf_counter() - start
        proc.stderr.read()  # drain

    threads = [threading.Thread(target=f, daemon=True) for f in (poll, progress)]
    for th in threads:
        th.start()
    proc.wait()
    elapsed = time.perf_counter() - start
    done.set()
    for th in threads:
        th.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with status {proc.returncode}")
    return {"seconds": elapsed, "peak": peak, "pss": pss, "first_progress": first}


def memory_line(run: dict) -> str:
    """The memory goal's line: peak proportional set size of all processes (shared pages
    counted once), and the peak sum of their resident sizes (shared pages once per process)."""
    ok = run["pss"] <= 2 * GIB
    return (
        f"  peak memory of all processes {run['pss'] / GIB:.2f} GiB (sum of resident sizes "
        f"{run['peak'] / GIB:.2f} GiB): <= 2 GiB  {verdict(ok)}"
    )


def analyze_in_process(corpus: Path, out: Path, *opts: str) -> float:
    """Wall seconds of ``framing analyze`` called in this process (imports already done)."""
    from analysis.cli import main

    start = time.perf_counter()
    with redirect_stderr(io.StringIO()):
        status = main(["analyze", str(corpus), "--out", str(out), "--force", *opts])
    if status != 0:
        raise SystemExit(f"framing analyze failed on {corpus}")
    return time.perf_counter() - start


def csv_texts(path: Path) -> list[str]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def peer_seconds(path: Path) -> float | None:
    """scattertext's seconds on ``path`` (None when the bench environment is missing)."""
    if not PEER_PYTHON.exists():
        return None
    script = ROOT / "bench" / "scattertext_baseline.py"
    out = subprocess.run(
        [str(PEER_PYTHON), str(script), str(path)], capture_output=True, text=True, check=True
    )
    return float(out.stdout.split()[1])


def markers_shape(out: Path) -> tuple[int, int, int]:
    """(bytes of markers.csv, its data rows, documents × markers of the lexicon)."""
    from analysis.document.lexicon import load_lexicon

    path = out / "markers.csv"
    with path.open(encoding="utf-8") as handle:
        rows = sum(1 for _ in handle) - 1
    with (out / "documents.csv").open(encoding="utf-8") as handle:
        docs = sum(1 for _ in handle) - 1
    return path.stat().st_size, rows, docs * len(load_lexicon(None).markers)


def short_documents(tmp: Path, n: int, lines: list[str]) -> Path:
    """Goals 1, 2 and 6 on ``n`` headline rows; returns the headline CSV."""
    corpus = write_headlines(n, tmp / f"headlines-{n}.csv")
    texts = csv_texts(corpus)
    floor = floor_pipeline()
    floor(texts[:50])  # warm-up: spaCy, the lookups and VADER loaded
    analyze_in_process(corpus, tmp / "warm", "--jobs", "1", "--no-cache", "--no-progress")
    start = time.perf_counter()
    floor(texts)
    t_floor = time.perf_counter() - start
    t_analyze = analyze_in_process(corpus, tmp / "h1", "--jobs", "1", "--no-cache")
    ratio = t_floor / t_analyze
    lines.append(f"short documents ({n:,} headlines of 10-60 words)")
    lines.append(f"  floor {t_floor:.1f} s, analyze --jobs 1 {t_analyze:.1f} s (in process)")
    lines.append(f"  analyze / floor >= 0.8: {ratio:.2f}  {verdict(ratio >= 0.8)}")
    jobs2 = run_fresh(corpus, tmp / "h2", "--jobs", "2", "--no-progress")
    peer = peer_seconds(corpus)
    if peer is None:
        lines.append("  --jobs 2 vs scattertext: skipped (run `make bench-peers` first)")
    else:
        speed = peer / jobs2["seconds"]
        lines.append(
            f"  scattertext {peer:.1f} s, analyze --jobs 2 {jobs2['seconds']:.1f} s (fresh process)"
        )
        lines.append(f"  --jobs 2 >= 1.5x scattertext: {speed:.2f}x  {verdict(speed >= 1.5)}")
    size, rows, cells = markers_shape(tmp / "h1")
    lines.append(
        f"  markers.csv: {size / n:.1f} bytes per document, {rows:,} rows for {cells:,} "
        f"document x marker cells ({rows / max(cells, 1):.3f})"
    )
    return corpus


def million_rows(tmp: Path, n: int, lines: list[str]) -> None:
    """Goal 3 on ``n`` headline rows."""
    corpus = write_headlines(n, tmp / f"million-{n}.csv")
    run = run_fresh(corpus, tmp / "m", "--jobs", "2", "--progress")
    minutes = run["seconds"] / 60
    first = run["first_progress"]
    lines.append(f"{n:,} headline rows, --jobs 2 (fresh process)")
    scaled = minutes * 1_000_000 / n
    lines.append(
        f"  time {minutes:.1f} min (x{1_000_000 / n:g} = {scaled:.1f} min for 1,000,000): "
        f"<= 15 min  {verdict(scaled <= 15)}"
    )
    lines.append(memory_line(run))
    shown = "none" if first is None else f"{first:.2f} s"
    ok = first is not None and first <= 1
    lines.append(f"  first progress line {shown}: <= 1 s  {verdict(ok)}")


def articles(tmp: Path, n: int, repeats: int, lines: list[str]) -> None:
    """Goals 4 and 5."""
    big = build_corpus(tmp / f"articles-{n}", max(1, n // 5))
    run = run_fresh(big, tmp / "a", "--jobs", "2", "--no-progress", "--keep-boilerplate")
    lines.append(f"{n:,} article-length documents (seeds replicated, distinct), --jobs 2")
    lines.append(f"  time {run['seconds']:.1f} s")
    lines.append(memory_line(run))
    small = build_corpus(tmp / "articles-1000", 200)
    best = {}
    for _ in range(repeats):
        for jobs in ("1", "2"):
            opts = ("--jobs", jobs, "--no-progress", "--keep-boilerplate")
            r = run_fresh(small, tmp / "s", *opts, memory=False)
            best[jobs] = min(best.get(jobs, float("inf")), r["seconds"])
    speed = best["1"] / best["2"]
    lines.append(
        f"start-up: 1,000 article documents, --jobs 1 {best['1']:.2f} s, --jobs 2 "
        f"{best['2']:.2f} s: >= 1.6x  {speed:.2f}x  {verdict(speed >= 1.6)}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="the issue's sizes (about an hour)")
    ap.add_argument("--headlines", type=int, default=20_000)
    ap.add_argument("--million", type=int, default=100_000, help="rows of goal 3")
    ap.add_argument("--articles", type=int, default=5_000)
    ap.add_argument("--repeats", type=int, default=3, help="start-up runs (best is kept)")
    args = ap.parse_args(argv)
    if args.full:
        args.headlines, args.million, args.articles = 100_000, 1_000_000, 100_000
    os.environ.setdefault("PYTHONHASHSEED", "0")
    tmp = Path(tempfile.mkdtemp(prefix="framing-scale-"))
    lines = Report()
    try:
        short_documents(tmp, args.headlines, lines)
        million_rows(tmp, args.million, lines)
        articles(tmp, args.articles, args.repeats, lines)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
