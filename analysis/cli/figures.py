"""``framing figures``: write every headline figure of a project (or a corpus)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``figures`` subcommand."""
    p = sub.add_parser(
        "figures",
        help="write every headline figure of a project as SVG + PNG",
        description="Write every headline figure as SVG + PNG, from a project's results store "
        "(running the project only when the store is missing or stale), or by analysing a "
        "corpus in memory (--corpus).",
    )
    p.add_argument(
        "--config",
        type=Path,
        metavar="FRAMING.TOML",
        help="project file (default: $FRAMING_CONFIG, else seeds/framing.toml)",
    )
    p.add_argument("--corpus", type=Path, help="analyse this corpus in memory instead")
    p.add_argument(
        "--out",
        type=Path,
        help="output directory (default: figures/ for the seeds' project, else OUT/figures "
        "of the project's results store)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``framing figures``; returns the exit status."""
    from analysis.config import FIGURES_DIR, SEEDS_DIR, config_path
    from analysis.plots.catalogue import write_figures

    if args.corpus is not None:
        from analysis.runner.pipeline import analyze

        results, out = analyze(args.corpus, progress=False), args.out or FIGURES_DIR
    else:
        from analysis.runner.project import open_project

        config = args.config or config_path()
        results = open_project(config)
        seeds = Path(config).resolve() == (SEEDS_DIR / "framing.toml").resolve()
        out = args.out or (FIGURES_DIR if seeds else results.path / "figures")
    paths = write_figures(results, out)
    print(f"figures: wrote {len(paths)} files into {out}", file=sys.stderr)
    return 0
