"""Command line: ``framing analyze``, ``framing inspect``, ``framing audit`` and
``framing figures`` (also ``python -m analysis``). Argument parsing only: each command module
turns its options into a call of the library. ``framing compare``: before/after models."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import signal
import sys
import warnings
from collections.abc import Iterator, Sequence
from importlib.metadata import version

from analysis.cli import analyze, audit, compare, figures, init, inspect

__all__ = ["Terminated", "build_parser", "exit_now", "main", "run"]


def _user_errors() -> tuple[type[Exception], ...]:
    """Errors caused by the user's input: reported as one message, exit status 2."""
    from analysis.document.lexicon import LexiconError
    from analysis.read.corpus import CorpusError
    from analysis.read.outlets import RegistryError
    from analysis.runner.engines import EngineError
    from analysis.runner.projectfile import ProjectError
    from analysis.runner.store import StoreError
    from analysis.write.outdir import OutputError

    return (
        CorpusError,
        LexiconError,
        RegistryError,
        OutputError,
        FileNotFoundError,
        PermissionError,
        EngineError,
        ProjectError,
        StoreError,
    )


def _message(e: Exception) -> str:
    """One line (or block) for a user error: an OS error names its file and reason."""
    if isinstance(e, OSError) and e.filename is not None and e.strerror:
        return f"{e.filename}: {e.strerror}"
    return str(e)


class Terminated(KeyboardInterrupt):
    """SIGTERM (or SIGHUP) received: unwinds like Ctrl-C, so every temporary file is removed."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def _terminate_like_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Terminated` in the block (main thread only)."""
    signals = [signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]
    try:
        previous = {s: signal.signal(s, _raise_terminated) for s in signals}
    except ValueError:  # not the main thread: leave the handlers alone
        yield
        return
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


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
    init.add_parser(sub)
    audit.add_parser(sub)
    figures.add_parser(sub)
    compare.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``framing`` console script.

    Returns 0, or 2 after a user error (one message, no traceback); Ctrl-C returns 130 and
    SIGTERM 143 (128 + the signal) after removing every temporary file of the run.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    errors = _user_errors()
    with warnings.catch_warnings(record=True) as caught, _terminate_like_interrupt():
        warnings.simplefilter("always")
        # a file left open by an interrupted import is Python's business, not the user's
        warnings.simplefilter("ignore", ResourceWarning)
        outcome = None
        try:
            status = args.func(args)
        except errors as e:
            outcome = f"framing: error: {_message(e)}"
            status = 2
        except KeyboardInterrupt as e:
            signum = getattr(e, "signum", signal.SIGINT)
            outcome = f"framing: interrupted ({signal.Signals(signum).name})"
            status = 128 + signum
        finally:
            for w in caught:
                print(f"framing: warning: {w.message}", file=sys.stderr)
        if outcome is not None:  # the last line says how the run ended
            print(outcome, file=sys.stderr)
    return status


def run() -> None:
    """The ``framing`` console script and ``python -m analysis``: :func:`main`, then
    :func:`exit_now` with its status."""
    exit_now(main())


def exit_now(status: int) -> None:
    """End the process with ``status`` once the streams are flushed and the exit handlers
    have run, without the interpreter's teardown.

    Freeing the objects of every loaded module one by one (spaCy's tables, pandas,
    statsmodels) took half a second of every run, after its work was done. Nothing is lost by
    skipping it: the run's files are written and closed by then (its writers are context
    managers), and the exit handlers — temporary files, child processes — run as usual.
    """
    atexit._run_exitfuncs()  # what a normal exit runs before its teardown
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to flush into
            stream.flush()
    os._exit(status)
