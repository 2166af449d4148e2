"""Command line: ``framing analyze``, ``framing inspect``, ``framing audit`` and
``framing figures`` (also ``python -m analysis``). Argument parsing only: each command module
turns its options into a call of the library."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from importlib.metadata import version

from analysis.cli import analyze, audit, figures, inspect

__all__ = ["build_parser", "main"]


def _user_errors() -> tuple[type[Exception], ...]:
    """Errors caused by the user's input: reported as one message, exit status 2."""
    from analysis.document.lexicon import LexiconError
    from analysis.read.corpus import CorpusError
    from analysis.read.outlets import RegistryError
    from analysis.runner.engines import EngineError
    from analysis.write.outputs import OutputError

    return (CorpusError, LexiconError, RegistryError, OutputError, FileNotFoundError, EngineError)


def build_parser() -> argparse.ArgumentParser:
    """The ``framing`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="framing",
        description="Compare how news sources of different origin frame the same relationship.",
    )
    parser.add_argument("--version", action="version", version=f"framing {version('framing')}")
    sub = parser.add_subparsers(dest="command", required=True)
    analyze.add_parser(sub)
    inspect.add_parser(sub)
    audit.add_parser(sub)
    figures.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``framing`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    errors = _user_errors()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            status = args.func(args)
        except errors as e:
            print(f"framing: error: {e}", file=sys.stderr)
            status = 2
        finally:
            for w in caught:
                print(f"framing: warning: {w.message}", file=sys.stderr)
    return status
