"""Command line: ``framing analyze`` and ``framing audit`` (also ``python -m analysis``)."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

from analysis.config import DEFAULT_ORIGINS, MANIFEST_NAME

__all__ = ["CORPUS_HELP", "add_corpus_options", "corpus_options", "input_paths", "main"]


def _user_errors() -> tuple[type[Exception], ...]:
    """Errors caused by the user's input: reported as one message, exit status 2."""
    from analysis.document.lexicon import LexiconError
    from analysis.read.corpus import CorpusError
    from analysis.read.outlets import RegistryError
    from analysis.run.engines import EngineError
    from analysis.write.outputs import OutputError

    return (CorpusError, LexiconError, RegistryError, OutputError, FileNotFoundError, EngineError)


def _origins(value: str) -> tuple[str, ...]:
    items = tuple(v.strip() for v in value.split(",") if v.strip())
    if not items:
        raise argparse.ArgumentTypeError("give at least one origin")
    return items


_TABLE_ROLES = ("text", "date", "outlet", "origin", "id", "title", "file")

#: Help of the CORPUS argument of ``framing analyze`` and ``framing audit``.
CORPUS_HELP = (
    "directory of dated .txt articles, or a .csv, .jsonl/.ndjson or .parquet table with one "
    "row per article"
)


def add_corpus_options(p: argparse.ArgumentParser) -> None:
    """Add the options that say how to read CORPUS (shared by ``analyze`` and ``audit``).

    ``--outlets``, ``--origins`` and the table options ``--text-col`` … ``--title-col``,
    ``--on-bad-row`` and ``--include-title``; :func:`corpus_options` turns them into keyword
    arguments of :func:`analysis.read.corpus.read_corpus`.
    """
    p.add_argument("--outlets", type=Path, help="TOML file extending the outlet registry")
    for role, names in (
        ("text", "text, content, body"),
        ("date", "date, publish_date, published, pubdate"),
        ("outlet", "outlet, source, source_name, media_name"),
        ("origin", "origin"),
        ("id", "id, doc_id, url, original_url"),
        ("title", "title, headline"),
        ("file", "file, filename"),
    ):
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
        help="table input: analyse the title followed by the text",
    )
    p.add_argument(
        "--origins",
        type=_origins,
        default=DEFAULT_ORIGINS,
        help="comma-separated origins a document may have; the outlet registry may hold others "
        "(default: %(default)s)",
    )


def corpus_options(args: argparse.Namespace) -> dict:
    """The options of :func:`add_corpus_options` as keyword arguments of ``read_corpus``."""
    return {
        "origins": args.origins,
        "outlets": args.outlets,
        "on_bad_row": args.on_bad_row,
        "include_title": args.include_title,
        **{f"{r}_col": getattr(args, f"{r}_col") for r in _TABLE_ROLES},
    }


def input_paths(args: argparse.Namespace) -> dict[str, Path | None]:
    """The input paths of a run by role, which no output may overwrite or contain."""
    return {"corpus": args.corpus, "lexicon": args.lexicon, "outlet registry": args.outlets}


def _jobs(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"expected a number of processes >= 0, got {value!r}")
    return n


def _partition_size(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of documents >= 1, got {value!r}")
    return int(value)


def _add_analyze(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "analyze",
        help="analyse a corpus directory into tidy CSV tables",
        description="Read, validate and clean CORPUS, then write documents.csv, terms.csv, "
        "sentences.csv, matches.csv, markers.csv, marker_sentiment.csv, actor_sentiment.csv, "
        "keyness.csv, frame_rates.csv and provenance.json into OUT (all or nothing).",
    )
    p.add_argument("corpus", type=Path, help=CORPUS_HELP)
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
    p.add_argument(
        "--period",
        choices=("year", "quarter", "month"),
        default="year",
        help="time unit of frame_rates.csv (default: year)",
    )
    p.add_argument(
        "--min-count",
        type=int,
        default=0,
        help="keyness: keep terms seen at least this often in the two groups (default: 0)",
    )
    p.add_argument(
        "--stop-words",
        action="store_true",
        help="keyness: remove spaCy's English stop words first (terms.csv always keeps them)",
    )
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
        type=_partition_size,
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
        "--jobs",
        type=_jobs,
        metavar="N",
        default=0,
        help="worker processes for the per-document pass (default 0: one per CPU core); "
        "outputs are byte-identical whatever N",
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
    p.set_defaults(func=_run_analyze)


def _provenance(args: argparse.Namespace, docs, lexicon) -> dict:
    """What the outputs were made from. ``docs``: the documents, or (for a directory corpus)
    just the relative paths of its files, which give the same provenance without reading.
    A document read from a file carries the hash of the bytes read (``file_sha256``)."""
    from analysis.config import PIPELINE_VERSION
    from analysis.write.outputs import file_sha256

    root = Path(args.corpus)
    manifest = root / MANIFEST_NAME
    return {
        "package": "framing",
        "version": version("framing"),
        "pipeline": PIPELINE_VERSION,
        "corpus": str(args.corpus),
        "inputs": ({root.name: file_sha256(root)} if root.is_file() else _input_hashes(root, docs)),
        "manifest": file_sha256(manifest) if manifest.exists() else None,
        "lexicon": {
            "path": str(args.lexicon) if args.lexicon else "(default)",
            "sha256": file_sha256(lexicon.source),
            "version": lexicon.version,
        },
        "outlets": (
            {"path": str(args.outlets), "sha256": file_sha256(args.outlets)}
            if args.outlets
            else None
        ),
        "options": {
            "origins": list(args.origins),
            "period": args.period,
            "min_count": args.min_count,
            "stop_words": args.stop_words,
        },
        "n_documents": len(docs),
        **({"table": docs.provenance()} if hasattr(docs, "provenance") else {}),
    }


def _input_hashes(root: Path, docs) -> dict[str, str]:
    """SHA-256 of each input file by relative path (``docs``: documents or paths)."""
    from analysis.write.outputs import file_sha256

    hashes = {}
    for d in docs:
        if isinstance(d, str):
            hashes[d] = file_sha256(root / d)
        else:  # a document read from a file carries the hash of the bytes read
            hashes[d.file] = d.file_sha256 or file_sha256(root / d.file)
    return hashes


def _run_analyze(args: argparse.Namespace) -> int:
    from analysis.document.lexicon import load_lexicon
    from analysis.read.corpus import read_corpus, relative_files
    from analysis.write.outputs import check_output_dir, table_writer

    # before anything is read or written, for every engine
    check_output_dir(args.out, inputs=input_paths(args), force=args.force)
    lexicon = load_lexicon(args.lexicon)
    if getattr(args, "engine", "local") == "dask" and args.corpus.is_file():
        from analysis.read.corpus import CorpusError

        raise CorpusError([f"{args.corpus}: --engine dask reads corpus directories only"])
    run = None  # the whole-run cache entry (local engine)
    if getattr(args, "engine", "local") == "dask":
        from analysis.run import dask_engine
        from analysis.run.cache import default_cache_dir

        dask_options = {
            "lexicon": lexicon,
            "origins": args.origins,
            "outlets": args.outlets,
            "scheduler": args.scheduler,
            "partition_size": args.partition_size,
            "progress": args.progress,
            "cache": None if args.no_cache else (args.cache_dir or default_cache_dir()),
        }
        if getattr(args, "format", "csv") == "parquet":
            # the workers write the per-document tables; the client never holds them
            docs = dask_engine.analyze_to_parquet(
                args.corpus,
                args.out,
                **dask_options,
                period=args.period,
                min_count=args.min_count,
                stop_words=args.stop_words,
                provenance=lambda docs: _provenance(args, docs, lexicon),
            )
            print(f"framing: analysed {len(docs)} documents into {args.out}", file=sys.stderr)
            return 0
        docs, results = dask_engine.analyze_corpus(args.corpus, **dask_options)
        _write(args, docs, results, _provenance(args, docs, lexicon))
    else:
        from analysis.run.cache import RunCache, default_cache_dir, run_key

        # unchanged inputs, options and code: copy the stored outputs. A directory is keyed
        # by its files' hashes alone, so an unchanged one is restored without reading it
        # (that key equals the key of its documents); a table needs its documents first.
        cache_dir = args.cache_dir or default_cache_dir()
        if not args.no_cache and args.corpus.is_dir():
            files = relative_files(args.corpus)
            run = RunCache(cache_dir, run_key(_provenance(args, files, lexicon), vars(args)))
            if files and _restore(run, args, len(files), warn_duplicates=True):
                return 0
        from analysis.config import resolve_jobs

        def prepare() -> None:  # spaCy, VADER, the lexicon: loaded while the files are read
            from analysis.run.pipeline import prepare

            prepare(lexicon)

        docs = read_corpus(
            args.corpus,
            **corpus_options(args),
            jobs=resolve_jobs(args.jobs),
            while_reading=prepare,
        )
        provenance = _provenance(args, docs, lexicon)
        if not args.no_cache and run is None:
            run = RunCache(cache_dir, run_key(provenance, vars(args)))
            if _restore(run, args, len(docs), warn_duplicates=False):
                return 0
        from analysis.run.pipeline import analyze

        options = {
            "lexicon": lexicon,
            "progress": args.progress,
            "jobs": args.jobs,
            "cache": None if args.no_cache else (args.cache_dir or default_cache_dir()),
        }
        if getattr(args, "format", "csv") == "csv":
            # the rows the pool workers format go straight into the output files
            with table_writer(args.out) as writer:
                results = analyze(docs, **options, sink=writer.stream)
                _write(args, docs, results, provenance, writer)
        else:
            _write(args, docs, analyze(docs, **options), provenance)
    if run is not None:
        run.store(args.out)
    print(f"framing: analysed {len(docs)} documents into {args.out}", file=sys.stderr)
    return 0


def _write(args: argparse.Namespace, docs, results, provenance: dict, writer=None) -> None:
    """Compute the corpus-level tables and write everything into ``--out`` (CSV with the
    :class:`~analysis.write.outputs.TableWriter` of the run, if any, or Parquet)."""
    from analysis.run.pipeline import corpus_tables, gc_paused
    from analysis.write.outputs import write_tables

    with gc_paused():
        tables = corpus_tables(
            results, period=args.period, min_count=args.min_count, stop_words=args.stop_words
        )
        if args.on_bad_row == "skip" and hasattr(docs, "skipped"):
            tables["skipped"] = docs.skipped
        if getattr(args, "format", "csv") == "parquet":
            from analysis.write.parquet import write_parquet_tables

            write_parquet_tables(args.out, tables, provenance)
        elif writer is not None:
            writer.write(tables, provenance, streamed=results.streamed, rendered=results.rendered)
        else:
            write_tables(args.out, tables, provenance, rendered=getattr(results, "rendered", None))


def _restore(run, args: argparse.Namespace, n_documents: int, *, warn_duplicates: bool) -> bool:
    """Copy a stored run's outputs into ``--out``; ``False`` when there is none.

    With ``warn_duplicates`` (the corpus was not read, so nothing has warned yet) the
    duplicate warning is repeated from the restored documents table.
    """
    if not run.restore(args.out):
        return False
    if warn_duplicates:
        from analysis.read.corpus import duplicates_warning

        pairs = _duplicate_pairs(args.out, getattr(args, "format", "csv"))
        if pairs:
            warnings.warn(duplicates_warning(pairs), stacklevel=2)
    print(
        f"framing: analysed {n_documents} documents into {args.out} (unchanged run: outputs "
        "copied from the cache)",
        file=sys.stderr,
    )
    return True


def _duplicate_pairs(out: Path, fmt: str) -> list[tuple[str, str]]:
    """``(doc_id, duplicate_of)`` of the flagged rows of a written documents table."""
    import csv

    if fmt == "parquet":
        import pandas as pd

        docs = pd.read_parquet(out / "documents", columns=["doc_id", "duplicate_of"])
        rows = docs.itertuples(index=False)
    else:
        with open(out / "documents.csv", encoding="utf-8", newline="") as f:
            rows = [(r["doc_id"], r["duplicate_of"]) for r in csv.DictReader(f)]
    return [(str(d), str(of)) for d, of in rows if isinstance(of, str) and of]


def build_parser() -> argparse.ArgumentParser:
    """The ``framing`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="framing",
        description="Compare how news sources of different origin frame the same relationship.",
    )
    parser.add_argument("--version", action="version", version=f"framing {version('framing')}")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_analyze(sub)
    from analysis.stats import audit

    audit.add_parser(sub)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
