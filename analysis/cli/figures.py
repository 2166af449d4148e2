"""``framing figures``: analyse a corpus and write every headline figure."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``figures`` subcommand."""
    from analysis.config import FIGURES_DIR

    p = sub.add_parser(
        "figures",
        help="analyse a corpus and write every headline figure as SVG + PNG",
        description="Analyse a corpus and write every headline figure as SVG + PNG.",
    )
    p.add_argument("--out", type=Path, default=FIGURES_DIR, help="output directory")
    p.add_argument(
        "--corpus", type=Path, default=None, help="corpus (default: $FRAMING_CORPUS or seeds/)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``framing figures``; returns the exit status."""
    from analysis.config import corpus_path
    from analysis.plots.catalogue import write_figures
    from analysis.runner.pipeline import analyze

    results = analyze(args.corpus or corpus_path(), progress=False)
    paths = write_figures(results, args.out)
    print(f"figures: wrote {len(paths)} files into {args.out}", file=sys.stderr)
    return 0
