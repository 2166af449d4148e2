"""``framing init``: write ``framing.toml`` in the current folder for CORPUS."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.cli.options import CORPUS_HELP, add_corpus_options, corpus_options

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``init`` subcommand."""
    p = sub.add_parser(
        "init",
        help="write framing.toml here for CORPUS, from the options given and what inspect finds",
        description="Inspect CORPUS (as framing inspect does) and write a commented project "
        "file framing.toml in the current folder: the columns chosen for each role, the "
        "options given, and the output directory (out beside it unless --out).",
    )
    p.add_argument("corpus", type=Path, help=CORPUS_HELP)
    add_corpus_options(p)
    p.add_argument("--out", type=Path, help="the project's output directory (default: out)")
    p.add_argument("--force", action="store_true", help="replace an existing framing.toml")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``framing init``; returns the exit status."""
    from analysis.read.inspect import inspect_corpus
    from analysis.runner.projectfile import PROJECT_FILE, ProjectError
    from analysis.runner.projectinit import project_text

    target = Path.cwd() / PROJECT_FILE
    if target.exists() and not args.force:
        raise ProjectError(f"{PROJECT_FILE} exists here; pass --force to replace it")
    options = corpus_options(args)
    inspection = inspect_corpus(args.corpus, **options)
    text = project_text(inspection, options, base=Path.cwd(), out=args.out)
    tmp = target.with_name(f".{PROJECT_FILE}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    state = "" if inspection.runnable else " (framing analyze would stop: see framing inspect)"
    print(f"framing: wrote {PROJECT_FILE}{state}", file=sys.stderr)
    return 0
