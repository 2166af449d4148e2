"""Throughput of the Dask engine beside the local engine (and ``--jobs``) on seeds ×100.

Usage::

    .venv/bin/python bench/bench_dask.py [--copies 100] [--workers N] [--json out.json]

Builds a corpus of ``copies`` × the 5 seed articles (each copy gets one extra sentence so no
two documents are duplicates), then times ``framing analyze`` end to end, in a fresh process
each, without the per-document cache (imports, spaCy/VADER load and, for Dask, cluster
start-up included):

- ``local`` — the default engine, one process;
- ``local --jobs N`` — when the CLI has ``--jobs`` (the parallel local engine);
- ``dask (cold)`` — ``--engine dask`` starting its own ``LocalCluster`` of N workers;
- ``dask (warm)`` — ``--engine dask --scheduler`` on a ``LocalCluster`` already running
  (workers already started; each worker still loads spaCy/VADER on its first task).

Every run must produce byte-identical output files (checked). Then, inside this process on
the warm cluster, times the analysis alone (``analysis.pipeline.analyze`` against
``dask_engine.analyze``: no interpreter or cluster start-up, no writing). Prints Markdown
tables of wall time and documents per second.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def make_corpus(root: Path, copies: int) -> int:
    """Write ``copies`` × the seeds (with a manifest) under ``root``; return the document count."""
    lines = (SEEDS / "sources.csv").read_text(encoding="utf-8").splitlines()
    rows = [lines[0]]
    for k in range(copies):
        sub = root / f"c{k:04d}"
        sub.mkdir(parents=True)
        for line in lines[1:]:
            name, rest = line.split(",", 1)
            text = (SEEDS / name).read_text(encoding="utf-8")
            (sub / name).write_text(text + f"\n\nCopy {k} of this article.", encoding="utf-8")
            rows.append(f"{sub.name}/{name},{rest}")
    (root / "sources.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return copies * (len(lines) - 1)


def digest(out: Path) -> str:
    """One hash over every output file (names and bytes)."""
    h = hashlib.sha256()
    for p in sorted(q for q in out.rglob("*") if q.is_file()):
        h.update(p.relative_to(out).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def accepts(*options: str) -> bool:
    """Whether ``framing analyze`` accepts these options (``--jobs``, ``--no-cache``)."""
    from analysis.cli import build_parser

    try:
        with contextlib.redirect_stderr(io.StringIO()):
            build_parser().parse_args(["analyze", "x", *options])
    except SystemExit:
        return False
    return True


def run(corpus: Path, out: Path, *extra: str) -> float:
    """Time one ``framing analyze`` run in a fresh interpreter."""
    cmd = [sys.executable, "-m", "analysis", "analyze", str(corpus), "--out", str(out)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    t0 = time.perf_counter()
    # the per-document cache would let later runs reuse earlier runs' results
    no_cache = ["--no-cache"] if accepts("--no-cache") else []
    subprocess.run([*cmd, "--no-progress", *no_cache, *extra], check=True, env=env, cwd=ROOT)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()

    from distributed import LocalCluster

    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
        tmp = Path(tmp)
        n_docs = make_corpus(tmp / "corpus", args.copies)
        configs: list[tuple[str, list[str]]] = [("local", [])]
        if accepts("--jobs", "2"):
            configs.append((f"local --jobs {args.workers}", ["--jobs", str(args.workers)]))
        # --engine dask without --scheduler starts one worker per CPU
        configs.append((f"dask (cold, {os.cpu_count()} workers)", ["--engine", "dask"]))
        rows = []
        hashes = {}
        for label, extra in configs:
            out = tmp / f"out-{len(rows)}"
            seconds = run(tmp / "corpus", out, *extra)
            rows.append((label, seconds))
            hashes[label] = digest(out)
        with LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # the scheduler's HTTP server (health, metrics) would otherwise try port 8787
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,
        ) as cluster:
            label = f"dask (warm, {args.workers} workers)"
            out = tmp / "out-warm"
            seconds = run(
                tmp / "corpus", out, "--engine", "dask", "--scheduler", cluster.scheduler_address
            )
            rows.append((label, seconds))
            hashes[label] = digest(out)
            # analysis only (no interpreter start, no cluster start, no writing): best of 2
            from distributed import Client

            from analysis.engines import dask_engine
            from analysis.pipeline import analyze

            inproc = []
            for name, fn in (
                ("local", lambda c: analyze(tmp / "corpus", progress=False)),
                (
                    f"dask ({args.workers} workers)",
                    lambda c: dask_engine.analyze(tmp / "corpus", client=c, progress=False),
                ),
            ):
                with Client(cluster, set_as_default=False) as client:
                    times = []
                    for _ in range(2):
                        t0 = time.perf_counter()
                        fn(client)
                        times.append(time.perf_counter() - t0)
                inproc.append((name, min(times)))

    identical = len(set(hashes.values())) == 1
    print(f"corpus: seeds x{args.copies} = {n_docs} documents; cpus: {os.cpu_count()}")
    print()
    print("| engine | wall time (s) | documents/s |")
    print("|---|---:|---:|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.1f} | {n_docs / seconds:.1f} |")
    print()
    print("analysis only, in this process (tables built, nothing written), best of 2:")
    print()
    print("| engine | wall time (s) | documents/s |")
    print("|---|---:|---:|")
    for label, seconds in inproc:
        print(f"| {label} | {seconds:.2f} | {n_docs / seconds:.1f} |")
    print()
    print(f"outputs byte-identical across engines: {identical}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "documents": n_docs,
                    "cpus": os.cpu_count(),
                    "runs": [{"engine": lb, "seconds": round(s, 3)} for lb, s in rows],
                    "analysis_only": [{"engine": lb, "seconds": round(s, 3)} for lb, s in inproc],
                    "identical": identical,
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    if not identical:
        sys.exit("outputs differ between engines")


if __name__ == "__main__":
    main()
