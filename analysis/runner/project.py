"""A whole run, as ``framing analyze`` does it: the library owns it, the CLI only parses.

:func:`run` checks the output directory before anything is read, loads the lexicon, runs the
chosen engine (restoring an unchanged run from the run cache instead), computes the corpus
tables, writes everything with its provenance all-or-nothing, and stores the run in the cache.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Literal

from analysis.config import (
    DEFAULT_ORIGINS,
    REUSE_CONTAINMENT,
    REUSE_JACCARD,
    release_free_memory,
    resolve_jobs,
)
from analysis.runner.progress import RunProgress
from analysis.runner.provenance import provenance
from analysis.schema import INPUT_ROLES

#: The steps between reading and the per-document pass, as a run's progress names them.
PREPARING_STEPS: tuple[str, ...] = ("boilerplate", "reuse")

__all__ = ["RunOptions", "RunSummary", "open_project", "run", "run_project"]


@dataclass
class RunOptions:
    """Everything that defines one run (the options of ``framing analyze``).

    Execution-only fields (``out``, ``force``, ``jobs``, the cache options and
    ``progress``) do not change the outputs; every other field does and is part of the run
    cache key.
    """

    corpus: Path
    out: Path = Path("out")
    force: bool = False
    lexicon: Path | None = None
    outlets: Path | None = None
    text_col: str | None = None
    date_col: str | None = None
    outlet_col: str | None = None
    origin_col: str | None = None
    id_col: str | None = None
    url_col: str | None = None
    title_col: str | None = None
    file_col: str | None = None
    on_bad_row: Literal["error", "skip"] = "error"
    include_title: bool = False
    date_order: Literal["dayfirst", "monthfirst"] | None = None
    date_format: str | None = None
    origin_map: str | None = None
    origins: Sequence[str] = DEFAULT_ORIGINS
    period: Literal["year", "quarter", "month"] = "year"
    min_count: int = 0
    stop_words: bool = False
    keyness_ci: bool = True
    terms: Literal["lemma", "form"] = "lemma"
    keep_boilerplate: bool = False
    boilerplate_min_docs: int = 20
    boilerplate_min_share: float = 0.05
    #: The reuse pass (:mod:`analysis.runner.reuse_pass`): on by default; its thresholds;
    #: and the dedupe policy applied before keyness and frame rates.
    reuse: bool = True
    reuse_jaccard: float = REUSE_JACCARD
    reuse_containment: float = REUSE_CONTAINMENT
    dedupe: Literal["none", "exact", "near"] = "none"
    engine: Literal["local", "dask"] = "local"
    scheduler: str | None = None
    partition_size: int | None = None
    format: Literal["csv", "parquet"] = "csv"
    csv_safe: bool = False
    jobs: int = 0
    cache_dir: Path | None = None
    no_cache: bool = False
    progress: bool | None = None

    def corpus_options(self) -> dict:
        """Keyword arguments of :func:`analysis.read.corpus.read_corpus`."""
        return {
            "origins": self.origins,
            "outlets": self.outlets,
            "origin_map": self.origin_map,
            "on_bad_row": self.on_bad_row,
            "include_title": self.include_title,
            "date_order": self.date_order,
            "date_format": self.date_format,
            **{f"{r}_col": getattr(self, f"{r}_col") for r in INPUT_ROLES},
        }

    def input_paths(self) -> dict[str, Path | None]:
        """The input paths by role, which no output may overwrite or contain."""
        paths = {"corpus": self.corpus, "lexicon": self.lexicon, "outlet registry": self.outlets}
        if self.origin_map and Path(self.origin_map).is_file():
            paths["origin map"] = Path(self.origin_map)
        return paths

    def doc_cache(self) -> Path | None:
        """The per-document cache directory, or ``None`` with ``no_cache``."""
        return None if self.no_cache else self.cache_dir_or_default()

    def cache_dir_or_default(self) -> Path:
        """``cache_dir``, else :func:`~analysis.runner.doc_cache.default_cache_dir`."""
        from analysis.runner.doc_cache import default_cache_dir

        return self.cache_dir or default_cache_dir()


@dataclass(frozen=True)
class RunSummary:
    """What a run did: where it wrote, how many documents, and whether it was restored."""

    out: Path
    n_documents: int
    restored: bool = False

    def message(self) -> str:
        """The one-line report ``framing analyze`` prints."""
        tail = " (unchanged run: outputs copied from the cache)" if self.restored else ""
        return f"analysed {self.n_documents} documents into {self.out}{tail}"


def run(options: RunOptions) -> RunSummary:
    """Run an analysis into ``options.out`` exactly as ``framing analyze`` does.

    Raises:
        CorpusError, LexiconError, RegistryError, OutputError, EngineError: bad input or
            output; nothing is written.
    """
    from analysis.document.lexicon import load_lexicon
    from analysis.runner.reuse_pass import check_reuse_options
    from analysis.write.outdir import check_cache_dir, check_output_dir

    # before anything is read or written, for every engine
    check_output_dir(options.out, inputs=options.input_paths(), force=options.force)
    if not options.no_cache:
        check_cache_dir(
            options.cache_dir_or_default(), out=options.out, inputs=options.input_paths()
        )
    check_reuse_options(options)
    lexicon = load_lexicon(options.lexicon)
    if options.engine == "dask":
        return _run_dask(options, lexicon)
    return _run_local(options, lexicon)


def _run_dask(options: RunOptions, lexicon) -> RunSummary:
    from analysis.read.corpus import CorpusError
    from analysis.runner import dask_engine, dask_parquet
    from analysis.runner.engines import EngineError

    if options.terms != "lemma":
        raise EngineError("--terms form runs with the local engine only (drop --engine dask)")

    if options.corpus.is_file():
        raise CorpusError([f"{options.corpus}: --engine dask reads corpus directories only"])
    if options.origin_map:
        raise CorpusError(["--origin-map is not supported with --engine dask yet"])
    dask_options = {
        "lexicon": lexicon,
        "origins": options.origins,
        "outlets": options.outlets,
        "scheduler": options.scheduler,
        "partition_size": options.partition_size,
        "progress": options.progress,
        "cache": options.doc_cache(),
    }
    if options.format == "parquet":
        # the workers write the per-document tables; the client never holds them
        docs = dask_parquet.analyze_to_parquet(
            options.corpus,
            options.out,
            **dask_options,
            period=options.period,
            min_count=options.min_count,
            stop_words=options.stop_words,
            keyness_ci=options.keyness_ci,
            provenance=lambda docs: provenance(options, docs, lexicon),
        )
        return RunSummary(options.out, len(docs))
    docs, results = dask_engine.analyze_corpus(options.corpus, **dask_options)
    reuse = None
    if options.reuse:  # the client has no texts: the exact copies only
        from analysis.runner.reuse_pass import digest_reuse

        reuse = digest_reuse(results.documents)
    progress = RunProgress(options.progress)
    _write(options, docs, results, provenance(options, docs, lexicon), progress, reuse=reuse)
    progress.close()
    return RunSummary(options.out, len(docs))


def _run_local(options: RunOptions, lexicon) -> RunSummary:
    from analysis.read.corpus import read_corpus
    from analysis.read.directory import relative_files
    from analysis.runner.run_cache import RunCache, run_key
    from analysis.write.outdir import scratch_dir

    # unchanged inputs, options and code: copy the stored outputs. A directory is keyed by its
    # files' hashes alone, so an unchanged one is restored without reading it (that key equals
    # the key of its documents); a table needs its documents first.
    cache_dir = options.cache_dir_or_default()
    key_options = asdict(options)
    cached = None  # the whole-run cache entry
    if not options.no_cache and options.corpus.is_dir():
        files = relative_files(options.corpus)
        cached = RunCache(cache_dir, run_key(provenance(options, files, lexicon), key_options))
        if files and _restore(cached, options, warn_duplicates=True):
            return RunSummary(options.out, len(files), restored=True)

    def prepare() -> None:  # spaCy, VADER, the lexicon: loaded while the files are read
        from analysis.runner.pool import prepare

        prepare(lexicon)

    # the corpus' spill file (a table's, a directory's, the texts stripped of boilerplate)
    # lives in the run's temporary folder: removed with it, and by the next run writing OUT
    # after a kill -9
    progress = RunProgress(options.progress)
    with scratch_dir(options.out) as scratch:
        docs = read_corpus(
            options.corpus,
            **options.corpus_options(),
            jobs=resolve_jobs(options.jobs),
            while_reading=prepare,
            spill_dir=scratch,
            on_rows=progress.rows,
        )
        try:
            progress.step("preparing", PREPARING_STEPS[0], total=len(PREPARING_STEPS))
            docs, boilerplate = _strip_boilerplate(options, docs, scratch)
            prov = provenance(options, docs, lexicon)
            if boilerplate is not None and len(boilerplate):  # the texts removed
                prov["boilerplate"] = len(boilerplate)
            if not options.no_cache and cached is None:
                cached = RunCache(cache_dir, run_key(prov, key_options))
                if _restore(cached, options, warn_duplicates=False):
                    return RunSummary(options.out, len(docs), restored=True)
            _analyze_and_write(options, lexicon, docs, prov, progress)
        finally:
            progress.close()
            _close(docs)
    if cached is not None:
        cached.store(options.out)
    return RunSummary(options.out, len(docs))


def _close(docs) -> None:
    """Close a corpus that holds a temporary file (a spilled corpus, also behind boilerplate
    removal, which closes both); a list of documents needs nothing."""
    if hasattr(docs, "close"):
        docs.close()


def _strip_boilerplate(options: RunOptions, docs, spill_dir: Path):
    """``docs`` without each outlet's boilerplate (spilled into ``spill_dir``), and the
    boilerplate found (``None`` with ``keep_boilerplate``); see
    :func:`analysis.read.boilerplate.remove_boilerplate`."""
    if options.keep_boilerplate:
        return docs, None
    from analysis.read.boilerplate import remove_boilerplate

    return remove_boilerplate(
        docs,
        min_docs=options.boilerplate_min_docs,
        min_share=options.boilerplate_min_share,
        spill_dir=spill_dir,
    )


def _analyze_and_write(
    options: RunOptions, lexicon, docs, prov: dict, progress: RunProgress
) -> None:
    from analysis.runner.pipeline import analyze
    from analysis.write.tables import table_writer

    analyze_options = {
        "lexicon": lexicon,
        "progress": options.progress,
        "jobs": options.jobs,
        "cache": options.doc_cache(),
        "terms": options.terms,
    }
    reuse = None
    if options.reuse:
        from analysis.runner.reuse_pass import document_reuse

        progress.step("preparing", PREPARING_STEPS[1], total=len(PREPARING_STEPS))
        reuse = document_reuse(
            docs,
            jaccard=options.reuse_jaccard,
            containment=options.reuse_containment,
            jobs=resolve_jobs(options.jobs),
        )
        # the sketches and candidates are gone: their pages go back before the pass's
        # workers fork (a million headlines: otherwise ~1 GiB held through the pass)
        release_free_memory()
    if options.format == "csv":
        # the rows the pool workers format go straight into the output files (not with
        # csv_safe: its cells are rewritten from the tables)
        with table_writer(options.out, csv_safe=options.csv_safe) as writer:
            sink = None if options.csv_safe else writer.stream
            if sink is not None:  # the terms rows go to the file; keyness needs their sums
                analyze_options["term_moments"] = _term_moments(options, docs, reuse)
            progress.close()  # the pass shows its own bar of documents
            results = analyze(docs, **analyze_options, sink=sink)
            _write(options, docs, results, prov, progress, writer, reuse=reuse)
    else:
        progress.close()
        results = analyze(docs, **analyze_options)
        _write(options, docs, results, prov, progress, reuse=reuse)


def _term_moments(options: RunOptions, docs, reuse):
    """A :class:`~analysis.stats.term_moments.TermMoments` for the pass when keyness needs
    only the terms' sums per origin: every origin of the documents counted (after the dedupe
    policy) has more than :data:`~analysis.stats.keyness_ci.BOOTSTRAP_MAX_DOCS` documents,
    so no comparison is bootstrapped from document rows; else ``None`` (the rows are kept).
    """
    from collections import Counter

    from analysis.runner.reuse_pass import dropped_ids
    from analysis.stats.keyness_ci import BOOTSTRAP_MAX_DOCS
    from analysis.stats.term_moments import TermMoments, moments_suffice

    exclude = dropped_ids(reuse, options.dedupe)
    if hasattr(docs, "fields"):  # a spilled corpus: read without making the documents
        pairs = docs.fields("doc_id", "origin")
    else:
        pairs = ((d.doc_id, d.origin) for d in docs)
    sizes = Counter(origin for doc_id, origin in pairs if doc_id not in exclude)
    if not moments_suffice(sizes, BOOTSTRAP_MAX_DOCS):
        return None
    return TermMoments(stop_words=options.stop_words, exclude=exclude)


def _write(
    options: RunOptions, docs, results, prov: dict, progress: RunProgress, writer=None, reuse=None
) -> None:
    """Compute the corpus-level tables and write everything into ``options.out`` (CSV with
    the :class:`~analysis.write.tables.TableWriter` of the run, if any, or Parquet)."""
    from analysis.runner import pipeline
    from analysis.runner.pipeline import TABLE_STEPS
    from analysis.runner.pool import gc_paused
    from analysis.write.tables import write_tables

    step = partial(progress.step, "tables", total=len(TABLE_STEPS))
    with gc_paused():
        tables = pipeline.corpus_tables(
            results,
            period=options.period,
            min_count=options.min_count,
            stop_words=options.stop_words,
            keyness_ci=options.keyness_ci,
            reuse=reuse,
            dedupe=options.dedupe,
            step=step,
            jobs=resolve_jobs(options.jobs),
        )
        step(TABLE_STEPS[-1])
        boilerplate = getattr(docs, "boilerplate", None)
        if boilerplate is not None:  # written only when some was found and removed
            tables["boilerplate"] = boilerplate.table()
        if options.on_bad_row == "skip" and hasattr(docs, "skipped"):
            tables["skipped"] = docs.skipped
        _warn_precision(tables["documents"], options.period)
        if options.format == "parquet":
            from analysis.write.parquet import write_parquet_tables

            write_parquet_tables(options.out, tables, prov)
        elif writer is not None:
            writer.write(tables, prov, streamed=results.streamed, rendered=results.rendered)
        else:
            rendered = getattr(results, "rendered", None)
            write_tables(options.out, tables, prov, rendered=rendered, csv_safe=options.csv_safe)


def _warn_precision(documents, period: str) -> None:
    """Warn when rates are by a finer period than some documents' dates (year-dated
    speeches in month rates), naming how many."""
    from analysis.read.dateorder import DatePrecisionWarning, precision_warning

    counts = documents["date_precision"].value_counts().to_dict()
    message = precision_warning(counts, period)
    if message:
        warnings.warn(message, DatePrecisionWarning, stacklevel=4)


def _restore(cached, options: RunOptions, *, warn_duplicates: bool) -> bool:
    """Copy a stored run's outputs into ``options.out``; ``False`` when there is none.

    With ``warn_duplicates`` (the corpus was not read, so nothing has warned yet) the
    duplicate warning is repeated from the restored documents table.
    """
    if not cached.restore(options.out):
        return False
    if warn_duplicates:
        from analysis.read.corpus import duplicates_warning

        pairs = _duplicate_pairs(options.out, options.format)
        if pairs:
            warnings.warn(duplicates_warning(pairs), stacklevel=3)
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


def _options(config) -> RunOptions:
    """``config`` as :class:`RunOptions`: options, a project file, or ``None`` for
    ``$FRAMING_CONFIG`` (default: the seeds' project file)."""
    if isinstance(config, RunOptions):
        return config
    from analysis.config import config_path
    from analysis.runner.projectfile import load_project

    return load_project(config if config is not None else config_path())


def run_project(config: RunOptions | str | Path | None = None):
    """Run a project into its results store, as ``framing analyze --config`` does, and open
    the store (:class:`~analysis.runner.store.StoredResults`).

    An unchanged run is restored from the run cache instead of being recomputed.
    """
    from analysis.runner.store import load_results

    options = _options(config)
    run(options)
    return load_results(options)


def open_project(config: RunOptions | str | Path | None = None):
    """The results store of a project, running the project only when the store is missing
    or stale (the notebooks' one setup call).

    Args:
        config: Run options or a project file; default ``$FRAMING_CONFIG``, else
            ``seeds/framing.toml``.
    """
    from analysis.runner.store import StoreError, load_results

    options = _options(config)
    try:
        store = load_results(options)
    except StoreError:
        return run_project(options)
    return run_project(options) if store.stale() else store
