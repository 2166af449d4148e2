"""Options shared by the commands: how to read CORPUS, and small argument types."""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis.config import DEFAULT_ORIGINS
from analysis.schema import COLUMN_ALIASES, INPUT_ROLES

__all__ = [
    "CORPUS_HELP",
    "MAX_JOBS_PER_CORE",
    "add_corpus_options",
    "corpus_options",
    "count_type",
    "input_paths",
    "jobs_type",
    "origins_type",
    "partition_size_type",
    "share_type",
]

#: Help of the CORPUS argument of ``framing analyze`` and ``framing audit``.
CORPUS_HELP = (
    "directory of dated .txt articles, or a .csv, .jsonl/.ndjson or .parquet table with one "
    "row per article"
)


def origins_type(value: str) -> tuple[str, ...]:
    """``--origins``: a comma-separated list of at least one origin."""
    items = tuple(v.strip() for v in value.split(",") if v.strip())
    if not items:
        raise argparse.ArgumentTypeError("give at least one origin")
    return items


#: ``--jobs`` may ask for at most this many processes per CPU core.
MAX_JOBS_PER_CORE = 4


def jobs_type(value: str) -> int:
    """``--jobs``: a number of processes from 0 (one per core) to 4 per CPU core."""
    from analysis.config import resolve_jobs

    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"expected a number of processes >= 0, got {value!r}")
    cores = resolve_jobs(0)
    if n > MAX_JOBS_PER_CORE * cores:
        raise argparse.ArgumentTypeError(
            f"{n} processes is more than {MAX_JOBS_PER_CORE} per CPU core "
            f"({MAX_JOBS_PER_CORE * cores} for the {cores} core(s) here); use 0 for one per core"
        )
    return n


def count_type(value: str) -> int:
    """A whole number >= 0 (``--min-count``, ``framing audit --window``)."""
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {value!r}")
    return n


def share_type(value: str) -> float:
    """A number in (0, 1] (``--reuse-jaccard``, ``--reuse-containment``)."""
    try:
        x = float(value)
    except ValueError:
        x = -1.0
    if not 0 < x <= 1:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1], got {value!r}")
    return x


def partition_size_type(value: str) -> int:
    """``--partition-size``: a number of documents >= 1."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of documents >= 1, got {value!r}")
    return int(value)


def add_corpus_options(p: argparse.ArgumentParser) -> None:
    """Add the options that say how to read CORPUS (shared by ``analyze``, ``audit`` and
    ``inspect``).

    ``--outlets``, ``--origins``, ``--origin-map`` and the table options ``--text-col`` …
    ``--url-col``, ``--on-bad-row``, ``--include-title``, ``--dayfirst``/``--monthfirst``
    and ``--date-format``; :func:`corpus_options` turns them into keyword arguments of
    :func:`analysis.read.corpus.read_corpus`.
    """
    p.add_argument("--outlets", type=Path, help="TOML file extending the outlet registry")
    p.add_argument(
        "--origin-map",
        metavar="PAIRS|FILE",
        help="origins by value of the origin column and by the registry's country codes, e.g. "
        "RUS=russian,CHN=chinese,*=third-party (* = every other value), or a TOML file of such "
        "pairs; a value that already is an allowed origin is kept",
    )
    for role in INPUT_ROLES:
        names = ", ".join(COLUMN_ALIASES[role])
        p.add_argument(
            f"--{role}-col",
            metavar="NAME",
            help=f"table input: the {role} column (default: the first of {names}, "
            "case-insensitive)",
        )
    p.add_argument(
        "--on-bad-row",
        choices=("error", "skip"),
        default="error",
        help="table input: a row with an empty text, bad date, unknown outlet or an origin not "
        "allowed stops the run (error), or is skipped (skip; framing analyze lists skipped rows "
        "in OUT/skipped.csv) (default: error)",
    )
    p.add_argument(
        "--include-title",
        action="store_true",
        help="table input: analyse the title followed by the text (a row is empty only when "
        "both are)",
    )
    order = p.add_mutually_exclusive_group()
    for flag, what in (("dayfirst", "28/02/2022"), ("monthfirst", "02/28/2022")):
        order.add_argument(
            f"--{flag}",
            dest="date_order",
            action="store_const",
            const=flag,
            help=f"table input: numeric dates are {flag.replace('first', '-first')} ({what}); "
            "default: decided from the date column (a day over 12 tells the order)",
        )
    p.add_argument(
        "--date-format",
        metavar="FMT",
        help="table input: read every date with this strptime format (e.g. '%%d.%%m.%%Y'), "
        "instead of the automatic rules",
    )
    p.add_argument(
        "--origins",
        type=origins_type,
        default=DEFAULT_ORIGINS,
        help="comma-separated origins a document may have; the outlet registry may hold others "
        "(default: %(default)s)",
    )


def corpus_options(args: argparse.Namespace) -> dict:
    """The options of :func:`add_corpus_options` as keyword arguments of ``read_corpus``."""
    return {
        "origins": args.origins,
        "outlets": args.outlets,
        "origin_map": args.origin_map,
        "on_bad_row": args.on_bad_row,
        "include_title": args.include_title,
        "date_order": args.date_order,
        "date_format": args.date_format,
        **{f"{r}_col": getattr(args, f"{r}_col") for r in INPUT_ROLES},
    }


def input_paths(args: argparse.Namespace) -> dict[str, Path | None]:
    """The input paths of a run by role, which no output may overwrite or contain."""
    paths = {"corpus": args.corpus, "lexicon": args.lexicon, "outlet registry": args.outlets}
    origin_map = getattr(args, "origin_map", None)
    if origin_map and Path(origin_map).is_file():
        paths["origin map"] = Path(origin_map)
    return paths
