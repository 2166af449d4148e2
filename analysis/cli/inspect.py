"""``framing inspect``: what ``framing analyze`` would read, in seconds, writing nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis.cli.options import CORPUS_HELP, add_corpus_options, corpus_options

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``inspect`` subcommand."""
    p = sub.add_parser(
        "inspect",
        help="show how CORPUS would be read (columns, dates, outlets, bad rows), write nothing",
        description="Read CORPUS with the options framing analyze would get and print the "
        "column chosen for each role and why, two sample rows, the date formats with counts "
        "and the day/month decision, the outlets with counts and how each was resolved, the "
        "unknown outlets with suggested registry entries, bad rows by reason and exact "
        "duplicates. Nothing is analysed or written. Exit status 0 when framing analyze would "
        "run, 2 when it would stop.",
    )
    p.add_argument("corpus", type=Path, help=CORPUS_HELP)
    add_corpus_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``framing inspect``; returns the exit status (0: analyze would run, 2: not)."""
    from analysis.read.inspect import inspect_corpus
    from analysis.read.rows import escaped

    inspection = inspect_corpus(args.corpus, **corpus_options(args))
    print(escaped(inspection.to_text()))  # sample cells may hold lone surrogates
    return 0 if inspection.runnable else 2
