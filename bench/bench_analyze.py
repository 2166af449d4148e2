"""Benchmark ``framing analyze`` against its dependency floor (run with ``make bench``).

Builds replicated corpora from ``seeds/`` in a temporary directory and prints one table; see
the README section 'Performance' for how to read it. Takes about 5-10 minutes on 2 cores.

Usage: ``python bench/bench_analyze.py [--big N] [--repeats R]``
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
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
SEEDS = ROOT / "seeds"
GOALS = {
    "floor": 0.85,  # analyze throughput / floor throughput
    "jobs": 1.7,  # --jobs 2 speed-up over --jobs 1
    "flat": 0.15,  # time per token within +-15 % of the x100 value
    "warm": 10.0,  # cold / warm
    "rss_gib": 2.0,  # peak RSS at the big corpus
}


def build_corpus(dest: Path, copies: int) -> Path:
    """Write ``copies`` replicas of every seed into ``dest`` with distinct ids, dates and texts.

    Each replica gets its own file name, date header and a first line "Archive copy N." so no
    two cleaned texts are equal: the cache cannot serve one replica from another and no
    duplicate warning is raised.
    """
    dest.mkdir(parents=True)
    with open(SEEDS / "sources.csv", encoding="utf-8") as f:
        seeds = list(csv.DictReader(f))
    bodies = {}
    for row in seeds:
        raw = (SEEDS / row["file"]).read_text(encoding="utf-8")
        _, _, rest = raw.partition("date ")  # " date YYYY-MM-DD BODY"
        bodies[row["file"]] = rest.partition(" ")[2]
    rows = []
    day0 = dt.date(2020, 1, 1)
    n = 0
    for k in range(copies):
        for row in seeds:
            date = day0 + dt.timedelta(days=n % 1500)
            name = f"{k:05d}_{row['file']}"
            (dest / name).write_text(
                f" date {date.isoformat()} Archive copy {n}.\n\n{bodies[row['file']]}",
                encoding="utf-8",
            )
            rows.append({"file": name, "outlet": row["outlet"], "origin": row["origin"]})
            n += 1
    with open(dest / "sources.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["file", "outlet", "origin"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return dest


# --------------------------------------------------------------------------- in-process timing


def floor_pipeline(*, fast: bool = False):
    """The dependency floor: spaCy blank("en") + sentencizer + lookup lemmatizer, and VADER.

    ``fast=True`` scores with :class:`analysis.document.vader.FastAnalyzer` (identical
    scores) instead of the stock analyzer.
    """
    import spacy
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from analysis.document.vader import FastAnalyzer

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    sia = FastAnalyzer() if fast else SentimentIntensityAnalyzer()

    def run(texts: list[str]) -> None:
        for doc in nlp.pipe(texts, batch_size=64):
            for sent in doc.sents:
                sia.polarity_scores(sent.text)

    return run


def time_pass(texts: list[str]) -> float:
    """Wall time of the per-document pass alone (one process, no cache)."""
    from analysis.document.lexicon import load_lexicon
    from analysis.document.process import compiled_lexicon
    from analysis.runner.pool import gc_paused, run_batches

    compiled = compiled_lexicon(load_lexicon(None))
    t = time.perf_counter()
    with gc_paused():
        for _ in run_batches(texts, compiled, jobs=1):
            pass
    return time.perf_counter() - t


def cleaned_texts(corpus: Path) -> tuple[list[str], int]:
    """The cleaned texts of a corpus and their number of word tokens (as analyze counts them)."""
    from analysis.document.nlp import parse_many
    from analysis.read.directory import read_documents

    texts = [d.text for d in read_documents(corpus)]
    return texts, sum(p.n_tokens for p in parse_many(texts))


def time_analyze(corpus: Path, out: Path, *opts: str) -> float:
    """Wall time of ``framing analyze`` called in this process (imports already done)."""
    from analysis.cli import main

    t = time.perf_counter()
    with redirect_stderr(io.StringIO()):
        status = main(["analyze", str(corpus), "--out", str(out), "--keep-boilerplate", *opts])
    elapsed = time.perf_counter() - t
    if status != 0:
        raise SystemExit(f"framing analyze failed on {corpus}")
    return elapsed


# --------------------------------------------------------------------------- subprocess timing


def tree_rss(pid: int, field: str = "VmRSS") -> int:
    """Resident memory (bytes) of a process and all its descendants: the sum of their
    ``VmRSS`` (pages shared after a fork count once per process), or with ``field="Pss"``
    their proportional set sizes (a shared page split among its sharers: the memory the
    processes use together)."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            source = "status" if field == "VmRSS" else "smaps_rollup"
            with open(f"/proc/{p}/{source}") as f:
                for line in f:
                    if line.startswith(f"{field}:"):
                        total += int(line.split()[1]) * 1024
                        break
            with open(f"/proc/{p}/task/{p}/children") as f:
                stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError):
            continue
    return total


def run_cli(corpus: Path, out: Path, *opts: str) -> tuple[float, int]:
    """Run ``framing analyze`` as a fresh process: (wall seconds, peak RSS of its process tree)."""
    cmd = [sys.executable, "-m", "analysis", "analyze", str(corpus), "--out", str(out)]
    cmd += ["--keep-boilerplate", *opts]  # the replicas repeat every paragraph (see build_corpus)
    peak = 0
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    done = threading.Event()

    def poll() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.05)

    th = threading.Thread(target=poll, daemon=True)
    th.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - t
    done.set()
    th.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err.decode()}")
    return elapsed, peak


# --------------------------------------------------------------------------- report


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--big", type=int, default=2000, help="seed copies of the big corpus")
    ap.add_argument("--repeats", type=int, default=3, help="repeats per size (best is kept)")
    args = ap.parse_args(argv)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    tmp = Path(tempfile.mkdtemp(prefix="framing-bench-"))
    try:
        return _bench(tmp, args.big, args.repeats)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _bench(tmp: Path, big: int, repeats: int) -> int:
    print(f"framing benchmark — {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}")
    print(f"corpora: seeds x1, x10, x100 and x{big}, built in {tmp}\n")
    floor = floor_pipeline()
    fast_floor = floor_pipeline(fast=True)
    # warm up: imports, spaCy, lookup tables, VADER, the lexicon
    floor(cleaned_texts(SEEDS)[0])
    fast_floor(cleaned_texts(SEEDS)[0])
    time_analyze(SEEDS, tmp / "warmup", "--jobs", "1", "--no-cache")

    print("(a) dependency floor vs (b) framing analyze, cold, --jobs 1 --no-cache, in-process")
    head = f"{'size':>6} {'docs':>6} {'tokens':>9} {'floor tok/s':>12} {'analyze tok/s':>14}"
    print(head + f" {'ratio':>6} {'µs/token':>9} {'pass µs/tok':>12} {'fast floor':>11}")
    per_token = {}
    per_token_pass = {}
    ratios = {}
    fast_ratios = {}
    for copies in (1, 10, 100):
        corpus = build_corpus(tmp / f"x{copies}", copies)
        texts, tokens = cleaned_texts(corpus)
        reps = repeats * (5 if copies == 1 else 1)
        t_floor, t_fast, t_an, t_pass = [], [], [], []
        for _ in range(reps):  # interleaved, best of each (the machine may be shared)
            t = time.perf_counter()
            floor(texts)
            t_floor.append(time.perf_counter() - t)
            t = time.perf_counter()
            fast_floor(texts)
            t_fast.append(time.perf_counter() - t)
            t_an.append(time_analyze(corpus, tmp / "out", "--jobs", "1", "--no-cache"))
            t_pass.append(time_pass(texts))
        f, ff, a, ps = min(t_floor), min(t_fast), min(t_an), min(t_pass)
        per_token[copies] = a / tokens * 1e6
        per_token_pass[copies] = ps / tokens * 1e6
        ratios[copies] = f / a
        fast_ratios[copies] = ff / a
        print(
            f"{'x' + str(copies):>6} {len(texts):>6} {tokens:>9} {tokens / f:>12,.0f} "
            f"{tokens / a:>14,.0f} {f / a:>6.2f} {per_token[copies]:>9.2f} "
            f"{per_token_pass[copies]:>12.2f} {ff / a:>11.2f}"
        )
    flat = max(abs(v / per_token[100] - 1) for v in per_token.values())
    flat_pass = max(abs(v / per_token_pass[100] - 1) for v in per_token_pass.values())

    n_big = 5 * big
    print(f"\nx{big} corpus ({n_big} documents), `framing analyze` as a fresh process")
    corpus = build_corpus(tmp / "big", big)
    cache = tmp / "cache"
    # --jobs 1 and --jobs 2 interleaved, three times: the best time and the highest RSS of
    # each (single runs of 17-40 s vary by up to 20 % on this virtual machine)
    runs1, runs2 = [], []
    for _ in range(3):
        runs1.append(run_cli(corpus, tmp / "o1", "--jobs", "1", "--no-cache"))
        runs2.append(run_cli(corpus, tmp / "o2", "--jobs", "2", "--no-cache"))
    t1, rss1 = min(t for t, _ in runs1), max(r for _, r in runs1)
    t2, rss2 = min(t for t, _ in runs2), max(r for _, r in runs2)
    cold, rss_cold = run_cli(corpus, tmp / "o3", "--jobs", "2", "--cache-dir", str(cache))
    warm, rss_warm = run_cli(corpus, tmp / "o4", "--jobs", "2", "--cache-dir", str(cache))
    docwarm, _ = run_cli(
        corpus, tmp / "o5", "--jobs", "2", "--cache-dir", str(cache), "--min-count", "1"
    )
    same = all(
        (tmp / "o1" / p.name).read_bytes() == p.read_bytes()
        for o in ("o2", "o3", "o4")
        for p in (tmp / o).iterdir()
    )
    rows = [
        ("--jobs 1 --no-cache", t1, rss1),
        ("--jobs 2 --no-cache", t2, rss2),
        ("--jobs 2, cold cache", cold, rss_cold),
        ("--jobs 2, warm (unchanged run)", warm, rss_warm),
        ("--jobs 2, warm documents, --min-count 1", docwarm, None),
    ]
    for name, t, rss in rows:
        mem = f"{rss / 2**20:8.0f} MiB" if rss else ""
        print(f"  {name:<38} {t:8.2f} s {mem}")
    print(f"  outputs of jobs 1 / jobs 2 / cold / warm byte-identical: {same}")

    peak = max(rss1, rss2, rss_cold) / 2**30
    print("\ngoals")
    print(
        f"  analyze / floor at x100 >= {GOALS['floor']:.2f}: {ratios[100]:.2f}  "
        f"{verdict(ratios[100] >= GOALS['floor'])}"
    )
    print(f"  --jobs 2 / --jobs 1 >= {GOALS['jobs']}x: {t1 / t2:.2f}x  {verdict(t1 / t2 >= 1.7)}")
    print(f"  (analyze with FastAnalyzer's floor as the reference: {fast_ratios[100]:.2f})")
    print(
        f"  time per token x1..x100 within ±{GOALS['flat']:.0%} of x100: "
        + ", ".join(f"x{k} {v / per_token[100] - 1:+.0%}" for k, v in per_token.items())
        + f"  {verdict(flat <= GOALS['flat'])}"
    )
    print(
        "    per-document pass alone: "
        + ", ".join(f"x{k} {v / per_token_pass[100] - 1:+.0%}" for k, v in per_token_pass.items())
        + f"  {verdict(flat_pass <= GOALS['flat'])}"
    )
    print(
        f"  warm / cold >= {GOALS['warm']:.0f}x: {cold / warm:.1f}x  "
        f"{verdict(cold / warm >= GOALS['warm'])}  (document cache only: "
        f"{cold / docwarm:.1f}x)"
    )
    print(
        f"  peak RSS at {n_big} documents <= {GOALS['rss_gib']} GiB: {peak:.2f} GiB  "
        f"{verdict(peak <= GOALS['rss_gib'])}"
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
