"""``framing compare``: the before/after rate model on a results store."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

__all__ = ["add_parser", "run", "window_type"]

#: Columns printed by ``framing compare`` (``--out`` writes all of them).
SHOWN = ("frame", "marker", "contrast", "group", "reference", "rate_ratio", "ci_low")
SHOWN += ("ci_high", "q", "model", "se_type")


def window_type(value: str) -> int:
    """``--window``: a number of days ≥ 1, written ``90`` or ``90d``."""
    m = re.fullmatch(r"\s*(\d+)\s*d?\s*", value)
    if not m or int(m.group(1)) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of days such as 90d, got {value!r}")
    return int(m.group(1))


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``compare`` subcommand."""
    p = sub.add_parser(
        "compare",
        help="before/after rate ratios of every frame and marker in a results store",
        description="Read the results store OUT of framing analyze and fit, per group and "
        "(frame, marker), the after/before rate ratio (contrast after_vs_before) and, per pair "
        "of groups, the ratio of those ratios (ratio_of_ratios: did the group change more "
        "than the reference?), with 95%% intervals from document-level count models "
        "(docs/statistics.md). Prints the table; --out writes it as CSV.",
    )
    p.add_argument("store", type=Path, metavar="OUT", help="output directory of framing analyze")
    p.add_argument("--split", required=True, metavar="YYYY-MM-DD", help="first day of 'after'")
    p.add_argument(
        "--window",
        type=window_type,
        metavar="DAYS",
        help="only documents within DAYS of --split on each side, e.g. 90d (default: all)",
    )
    p.add_argument("--by", default="origin", help="document column of the groups (origin)")
    p.add_argument(
        "--min-count",
        type=int,
        default=10,
        help="fewest occurrences in a model's documents for a row (default: 10)",
    )
    p.add_argument("--out", type=Path, metavar="FILE.csv", help="also write the table here")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``framing compare``; returns the exit status."""
    import pandas as pd

    from analysis.runner.model_tables import compare_store, write_comparison
    from analysis.runner.store import load_results
    from analysis.stats.marker_grid import ModelError
    from analysis.write.outdir import OutputError, check_output_file

    store = load_results(args.store)
    if args.out is not None:  # before any work
        check_output_file(args.out, inputs={"results store": args.store}, force=True)
    try:
        table = compare_store(
            store, split=args.split, window=args.window, by=args.by, min_count=args.min_count
        )
    except ModelError as e:
        raise OutputError(f"compare: {e}") from e
    if args.out is not None:
        write_comparison(table, args.out, store=args.store)
    with pd.option_context("display.width", 200, "display.max_rows", None):
        print(table[list(SHOWN)].to_string(index=False, float_format="{:.3g}".format))
    where = f" (written to {args.out})" if args.out is not None else ""
    print(f"framing: {len(table)} rows{where}", file=sys.stderr)
    return 0
