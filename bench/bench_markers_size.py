"""Issue 23's output-size goal: the sparse ``markers`` table against the dense one it replaced.

Builds a replicated-seed corpus (:func:`bench_analyze.build_corpus`, ``--copies`` × the five
seeds, distinct texts), runs ``framing analyze --jobs 2`` once per format (CSV, Parquet) and
prints, per format, the bytes of ``markers`` as written (non-zero counts only) and of the dense
document × marker table the previous format wrote (``markers_dense()`` of the same run, written
with the same writer), their ratio, and the size of the whole output directory both ways.

    .venv/bin/python bench/bench_markers_size.py               # 1,000 documents (< 1 minute)
    .venv/bin/python bench/bench_markers_size.py --copies 2000  # 10,000 documents
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from contextlib import redirect_stderr
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analyze import build_corpus  # noqa: E402


def tree_bytes(path: Path) -> int:
    """Bytes of a file, or of every file under a directory."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def dense_bytes(store, fmt: str, tmp: Path) -> int:
    """Bytes of the run's dense markers table written as the previous format wrote it."""
    from analysis.write.parquet import DEFAULT_ROWS_PER_FILE, write_parquet
    from analysis.write.tables import write_csv

    dense = store.markers_dense()
    tmp.mkdir()
    if fmt == "csv":
        write_csv(dense, tmp / "dense.csv")
        return tree_bytes(tmp / "dense.csv")
    write_parquet(dense, tmp / "dense", rows_per_file=DEFAULT_ROWS_PER_FILE)
    return tree_bytes(tmp / "dense")


def measure(corpus: Path, tmp: Path, fmt: str) -> dict:
    """One ``framing analyze --format fmt`` run and the sizes of its markers table."""
    from analysis.cli import main
    from analysis.runner.store import load_results

    out = tmp / f"out-{fmt}"
    args = ["analyze", str(corpus), "--out", str(out), "--keep-boilerplate", "--jobs", "2"]
    with redirect_stderr(io.StringIO()):
        if main([*args, "--format", fmt, "--cache-dir", str(tmp / "cache")]) != 0:
            raise SystemExit(f"framing analyze failed on {corpus}")
    store = load_results(out)
    sparse = tree_bytes(out / ("markers.csv" if fmt == "csv" else "markers"))
    dense = dense_bytes(store, fmt, tmp / f"dense-{fmt}")
    total = tree_bytes(out)
    return {
        "docs": store.provenance["n_documents"],
        "pairs": len(store.marker_pairs),
        "rows": len(store.markers),
        "sparse": sparse,
        "dense": dense,
        "total": total,
        "total_dense": total - sparse + dense,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=200, help="replicas of the five seeds")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="framing-markers-") as name:
        tmp = Path(name)
        corpus = build_corpus(tmp / "corpus", args.copies)
        rows = [(fmt, measure(corpus, tmp, fmt)) for fmt in ("csv", "parquet")]
    m = rows[0][1]
    print(
        f"markers table, {m['docs']:,} documents × {m['pairs']} markers = "
        f"{m['docs'] * m['pairs']:,} dense rows, {m['rows']:,} non-zero rows written"
    )
    head = f"{'format':8} {'dense':>12} {'sparse':>12} {'ratio':>7}"
    print(f"{head}   {'whole output, dense':>19} -> sparse")
    for fmt, r in rows:
        print(
            f"{fmt:8} {r['dense']:>12,} {r['sparse']:>12,} {r['dense'] / r['sparse']:>6.1f}x"
            f"   {r['total_dense']:>19,} -> {r['total']:,} bytes"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
