"""Throughput of the Dask engine beside the local engine (and ``--jobs``) on seeds ×100.

Usage (``make bench-dask``)::

    .venv/bin/python bench/bench_dask.py [--copies 100] [--workers N] [--no-parquet]
        [--parquet-only] [--json out.json]

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
the warm cluster, times the analysis alone (``analysis.runner.pipeline.analyze`` against
``dask_engine.analyze``: no interpreter or cluster start-up, no writing). Prints Markdown
tables of wall time and documents per second.

Unless ``--no-parquet``: Parquet output on the warm cluster, in a fresh client process each,
written two ways: assembled on the client (``dask_engine.analyze_corpus``, then keyness,
frame_rates and ``write_parquet_tables``: every table in the client's memory) and from the
workers (``dask_parquet.analyze_to_parquet``). Prints wall time and the client process's peak
RSS, and checks that both datasets hold the same tables.
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


PARQUET_MODES = {
    "assembled": "assembled on the client",
    "workers": "from the workers",
}


def parquet_driver(mode: str, corpus: str, out: str, scheduler: str) -> None:
    """One Parquet run in this (fresh) process; prints seconds and peak RSS as JSON."""
    import resource

    from analysis.runner import dask_engine, dask_parquet
    from analysis.stats.keyness import keyness
    from analysis.stats.rates import frame_rates
    from analysis.write.parquet import write_parquet_tables

    t0 = time.perf_counter()
    if mode == "assembled":
        _, results = dask_engine.analyze_corpus(corpus, scheduler=scheduler, progress=False)
        tables = results.tables()
        tables["keyness"] = keyness(results.terms, results.documents, by="origin")
        tables["frame_rates"] = frame_rates(results.markers_dense(), results.documents)
        write_parquet_tables(out, tables)
    else:
        dask_parquet.analyze_to_parquet(corpus, out, scheduler=scheduler, progress=False)
    seconds = time.perf_counter() - t0
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"seconds": seconds, "max_rss_mib": rss_kib / 1024}))


def parquet_run(mode: str, corpus: Path, out: Path, scheduler: str) -> dict:
    """Run :func:`parquet_driver` in a fresh interpreter."""
    cmd = [sys.executable, __file__, "--parquet-driver", mode, str(corpus), str(out), scheduler]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    proc = subprocess.run(cmd, check=True, env=env, cwd=ROOT, capture_output=True, text=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def same_parquet_tables(a: Path, b: Path) -> bool:
    """Both output directories hold the same tables (compared as their CSV text)."""
    from analysis.write.parquet import read_parquet_tables

    def as_csv(out: Path) -> dict[str, str]:
        return {
            name: df.to_csv(index=False, lineterminator="\n", na_rep="")
            for name, df in read_parquet_tables(out).items()
        }

    return as_csv(a) == as_csv(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument(
        "--parquet",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also compare the two ways of writing --format parquet (default: yes)",
    )
    parser.add_argument(
        "--parquet-only", action="store_true", help="only the --format parquet comparison"
    )
    parser.add_argument("--parquet-driver", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.parquet_driver:
        parquet_driver(*args.parquet_driver)
        return
    engines = not args.parquet_only

    from distributed import LocalCluster

    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
        tmp = Path(tmp)
        n_docs = make_corpus(tmp / "corpus", args.copies)
        configs: list[tuple[str, list[str]]] = [("local", [])] if engines else []
        if engines and accepts("--jobs", "2"):
            configs.append((f"local --jobs {args.workers}", ["--jobs", str(args.workers)]))
        if engines:  # --engine dask without --scheduler starts one worker per CPU
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
            inproc = []
            if engines:
                label = f"dask (warm, {args.workers} workers)"
                out = tmp / "out-warm"
                address = cluster.scheduler_address
                seconds = run(tmp / "corpus", out, "--engine", "dask", "--scheduler", address)
                rows.append((label, seconds))
                hashes[label] = digest(out)
                # analysis only (no interpreter start, no cluster start, no writing): best of 2
                from distributed import Client

                from analysis.runner import dask_engine
                from analysis.runner.pipeline import analyze

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
            parquet = []
            if args.parquet:
                for mode, label in PARQUET_MODES.items():
                    address = cluster.scheduler_address
                    m = parquet_run(mode, tmp / "corpus", tmp / f"pq-{mode}", address)
                    parquet.append((label, m["seconds"], m["max_rss_mib"]))
                same_parquet = same_parquet_tables(tmp / "pq-assembled", tmp / "pq-workers")

    identical = len(set(hashes.values())) <= 1
    print(f"corpus: seeds x{args.copies} = {n_docs} documents; cpus: {os.cpu_count()}")
    if engines:
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
    if parquet:
        print()
        print(f"--format parquet on the warm cluster ({args.workers} workers), client process:")
        print()
        print("| Parquet written | wall time (s) | client peak RSS (MiB) |")
        print("|---|---:|---:|")
        for label, seconds, rss in parquet:
            print(f"| {label} | {seconds:.1f} | {rss:.0f} |")
        print()
        print(f"same tables both ways: {same_parquet}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "documents": n_docs,
                    "cpus": os.cpu_count(),
                    "runs": [{"engine": lb, "seconds": round(s, 3)} for lb, s in rows],
                    "analysis_only": [{"engine": lb, "seconds": round(s, 3)} for lb, s in inproc],
                    "identical": identical,
                    "parquet": [
                        {"written": lb, "seconds": round(s, 3), "client_max_rss_mib": round(r)}
                        for lb, s, r in parquet
                    ],
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    if not identical:
        sys.exit("outputs differ between engines")
    if parquet and not same_parquet:
        sys.exit("the Parquet tables differ between the two ways of writing them")


if __name__ == "__main__":
    main()
