"""``framing analyze``: parse the options into :class:`~analysis.runner.project.RunOptions`."""

from __future__ import annotations

import argparse
import sys
from dataclasses import fields
from pathlib import Path

from analysis.cli.options import (
    CORPUS_HELP,
    add_corpus_options,
    count_type,
    jobs_type,
    partition_size_type,
    share_type,
)
from analysis.config import REUSE_CONTAINMENT, REUSE_JACCARD

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``analyze`` subcommand."""
    p = sub.add_parser(
        "analyze",
        help="analyse a corpus directory into tidy CSV tables",
        description="Read, validate and clean CORPUS, then write documents.csv, terms.csv, "
        "sentences.csv, matches.csv, markers.csv, marker_sentiment.csv, actor_sentiment.csv, "
        "keyness.csv, frame_rates.csv, rate_models.csv, rate_trends.csv, reuse.csv, "
        "amplification.csv and provenance.json into OUT (all or nothing).",
    )
    p.add_argument("corpus", type=Path, nargs="?", help=CORPUS_HELP)
    p.add_argument(
        "--config",
        type=Path,
        metavar="FRAMING.TOML",
        help="project file (docs/project.md) instead of CORPUS; options given here override it",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("out"),
        help="output directory, replaced as a whole; it must be new, empty or a previous "
        "framing output (default: out)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace an existing --out directory that is not a previous framing output "
        "(--out may never be the corpus, contain it or lie inside it)",
    )
    p.add_argument("--lexicon", type=Path, help="framing lexicon TOML (default: the shipped one)")
    add_corpus_options(p)
    _add_statistics(p)
    _add_reuse(p)
    _add_execution(p)
    from analysis.runner.project import RunOptions

    defaults = {f.name: p.get_default(f.name) for f in fields(RunOptions)}
    p.set_defaults(func=run, cli_defaults=defaults)


def _add_statistics(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--period",
        choices=("year", "quarter", "month"),
        default="year",
        help="time unit of frame_rates.csv (default: year)",
    )
    p.add_argument(
        "--min-count",
        type=count_type,
        default=0,
        help="keyness: keep terms seen at least this often in the two groups (default: 0)",
    )
    p.add_argument(
        "--stop-words",
        action="store_true",
        help="keyness: remove spaCy's English stop words first (terms.csv always keeps them)",
    )
    p.add_argument(
        "--keep-boilerplate",
        action="store_true",
        help="keep lines and paragraphs that recur in many documents of one outlet (default: "
        "remove them, listed in OUT/boilerplate.csv)",
    )
    p.add_argument(
        "--boilerplate-min-docs",
        type=int,
        default=20,
        metavar="N",
        help="boilerplate: a line recurs in at least N documents of the outlet (default: 20)",
    )
    p.add_argument(
        "--boilerplate-min-share",
        type=float,
        default=0.05,
        metavar="F",
        help="boilerplate: ... and in at least this share of them (default: 0.05)",
    )
    p.add_argument(
        "--keyness-ci",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="keyness.csv: document-bootstrap intervals of log_odds (2,000 resamples); "
        "--no-keyness-ci leaves them empty, the doc shares stay (default: on)",
    )
    p.add_argument(
        "--terms",
        choices=("lemma", "form"),
        default="lemma",
        help="terms of terms.csv and keyness: lookup lemmas, or lowercased word forms "
        "(default: lemma)",
    )


def _add_reuse(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--reuse",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the text reuse pass: reuse.csv, amplification.csv and the documents' "
        "reuse_cluster, first_in_cluster; needed by --dedupe exact|near; --no-reuse skips it "
        "(default: on)",
    )
    p.add_argument(
        "--reuse-jaccard",
        type=share_type,
        metavar="J",
        default=REUSE_JACCARD,
        help="reuse: two texts are near-duplicates from this Jaccard index of their 5-word "
        f"shingles (default: {REUSE_JACCARD}: copies with up to 20%% of the words changed)",
    )
    p.add_argument(
        "--reuse-containment",
        type=share_type,
        metavar="C",
        default=REUSE_CONTAINMENT,
        help="reuse: a text is contained in another from this share of its shingles found "
        f"there (default: {REUSE_CONTAINMENT})",
    )
    p.add_argument(
        "--dedupe",
        choices=("none", "exact", "near"),
        default="none",
        help="documents keyness and frame_rates count: all (none), one per exact copy group "
        "(exact), or one per reuse cluster (near); the per-document tables keep every "
        "document (default: none)",
    )


def _add_execution(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="where the per-document pass runs: this process, or a Dask cluster (needs "
        "pip install 'framing[dask]'; outputs are byte-identical) (default: local)",
    )
    p.add_argument(
        "--scheduler",
        metavar="tcp://HOST:8786",
        help="--engine dask: address of a running Dask scheduler whose workers see CORPUS at "
        "the same path (default: start a local cluster sized to this machine)",
    )
    p.add_argument(
        "--partition-size",
        type=partition_size_type,
        metavar="N",
        help="--engine dask: documents per task (default: about 4 tasks per worker thread)",
    )
    p.add_argument(
        "--format",
        choices=("csv", "parquet"),
        default="csv",
        help="table format: CSV files, or partitioned Parquet datasets OUT/NAME/part-*.parquet "
        "(default: csv)",
    )
    p.add_argument(
        "--csv-safe",
        action="store_true",
        help="CSV tables: write text cells that start with =, +, -, @, a tab or a carriage "
        "return with a leading ' so that a spreadsheet shows them instead of running them as "
        "formulas (changes those cells; Parquet always keeps the raw text)",
    )
    p.add_argument(
        "--jobs",
        type=jobs_type,
        metavar="N",
        default=0,
        help="worker processes for the per-document pass (default 0: one per CPU core; at "
        "most 4 per core); outputs are byte-identical whatever N",
    )
    p.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="per-document result cache (default: $FRAMING_CACHE_DIR, else the user cache "
        "directory, e.g. ~/.cache/framing); unchanged texts are never re-analysed",
    )
    p.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the per-document cache"
    )
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)


def run_options(args: argparse.Namespace):
    """The :class:`~analysis.runner.project.RunOptions` of parsed ``analyze`` arguments:
    the project file's (``--config``) with the options given on the command line on top."""
    from analysis.runner.project import RunOptions
    from analysis.runner.projectfile import ProjectError, load_project

    values = {f.name: getattr(args, f.name) for f in fields(RunOptions)}
    if args.config is None:
        if args.corpus is None:
            raise ProjectError("give CORPUS or --config FRAMING.TOML")
        return RunOptions(**values)
    given = {k: v for k, v in values.items() if v != args.cli_defaults[k]}
    return load_project(args.config, **given)


def run(args: argparse.Namespace) -> int:
    """Run ``framing analyze``; returns the exit status."""
    from analysis.runner.project import run

    summary = run(run_options(args))
    print(f"framing: {summary.message()}", file=sys.stderr)
    return 0
