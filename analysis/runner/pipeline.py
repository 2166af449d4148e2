"""Corpus → per-document pass → tidy tables, in this process or a pool (:func:`analyze`), and
the corpus-level statistics written with them (:func:`corpus_tables`).

Documents stream in batches through the per-document pass (:mod:`analysis.document.process`,
via :mod:`analysis.runner.batch` and the per-document cache) on ``jobs`` worker processes
(:mod:`analysis.runner.pool`); :mod:`analysis.runner.assemble` turns the batches into the
tables, independently of how they were produced: outputs are byte-identical whatever ``jobs``
and the cache.
"""

from __future__ import annotations

import contextlib
import pickle
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from analysis.config import (
    DEFAULT_ORIGINS,
    one_blas_thread,
    process_context,
    release_free_memory,
    resolve_jobs,
)
from analysis.document.lexicon import Lexicon, load_lexicon
from analysis.document.nlp import TermMode
from analysis.document.process import compiled_lexicon
from analysis.read.corpus import Document, read_corpus
from analysis.runner import pool
from analysis.runner.assemble import KEEP_WHEN_STREAMED, BatchTables, Results, assemble_batches
from analysis.runner.doc_cache import DocCache
from analysis.runner.model_tables import load_models
from analysis.runner.pool import (
    SharedTasks,
    gc_collecting,
    gc_paused,
    prepare,
    run_tables,
    side_process,
)
from analysis.runner.progress import progress_shown
from analysis.stats.term_moments import TermMoments

__all__ = ["SIDE_MIN_DOCS", "TABLE_STEPS", "analyze", "corpus_tables"]

#: Fewest documents for which :func:`corpus_tables` computes the models in a second process
#: (below, forking costs about what it saves).
SIDE_MIN_DOCS = 200
#: The steps after the per-document pass, as a run's progress names them.
TABLE_STEPS: tuple[str, ...] = ("keyness", "keyness intervals", "frame rates", "models", "writing")


def analyze(
    corpus: str | Path | Sequence[Document],
    *,
    lexicon: str | Path | Lexicon | None = None,
    origins: Sequence[str] = DEFAULT_ORIGINS,
    outlets: str | Path | None = None,
    progress: bool | None = None,
    jobs: int | None = 1,
    cache: str | Path | DocCache | None = None,
    sink: Callable[[str, Sequence[str], str], None] | None = None,
    terms: TermMode = "lemma",
    term_moments: TermMoments | None = None,
) -> Results:
    """Analyse a corpus: read and clean it, run the per-document pass, build the tables.

    Documents stream through the per-document pass in batches (no spaCy ``Doc`` is kept);
    the tables are identical, byte for byte once written, whatever ``jobs`` and ``cache``.

    Args:
        corpus: A corpus directory or table file, or already loaded documents.
        lexicon: A lexicon TOML file or :class:`~analysis.document.lexicon.Lexicon`; default: the
            lexicon shipped with the package.
        origins: Allowed origins.
        outlets: Optional TOML file extending the outlet registry.
        progress: Show a progress bar on stderr; default: only when stderr is a terminal.
        jobs: Worker processes; ``None`` or ``0``: one per CPU core. A corpus of a single
            batch (:data:`~analysis.runner.pool.BATCH_DOCS` documents) always runs in this
            process.
        cache: Per-document cache directory, or a
            :class:`~analysis.runner.doc_cache.DocCache` (whose ``stats`` then count this run's
            hits and misses); ``None``: no cache. The command line uses
            :func:`analysis.runner.doc_cache.default_cache_dir` unless ``--no-cache``.
        sink: Receives the CSV rows the pool workers formatted, batch by batch (see
            :func:`assemble_batches`); the command line streams them into the output files.
            When the workers do (``Results.streamed``), only the tables in
            :data:`KEEP_WHEN_STREAMED` are also kept in ``Results``; the other streamed
            tables are empty there (their rows went to the sink).
        terms: ``"lemma"`` (default) or ``"form"``: the terms of ``terms.csv`` and keyness
            are lookup lemmas or lowercased word forms.
        term_moments: Sum the terms per origin as they stream
            (:class:`~analysis.stats.term_moments.TermMoments`, ``Results.term_moments``),
            for :func:`corpus_tables`' keyness; the terms rows that went to ``sink`` are then
            not kept. Only for origins that all have more than
            :data:`~analysis.stats.keyness_ci.BOOTSTRAP_MAX_DOCS` documents; a new one for
            each run (it adds up everything it is given).

    Returns:
        The :class:`Results` tables.
    """
    lex = lexicon if isinstance(lexicon, Lexicon) else load_lexicon(lexicon)
    if isinstance(corpus, str | Path):
        docs = read_corpus(
            corpus,
            origins=origins,
            outlets=outlets,
            jobs=resolve_jobs(jobs),
            while_reading=lambda: prepare(lex),
        )
    else:
        docs = corpus if isinstance(corpus, Sequence) else list(corpus)
    compiled = compiled_lexicon(lex)
    cache = _doc_cache(cache, lex, terms)
    n_jobs = resolve_jobs(jobs)
    if len(docs) <= pool.BATCH_DOCS:
        n_jobs = 1
    # streamed rows of tables nothing else reads need not come back as columns
    keep = None if sink is None else KEEP_WHEN_STREAMED
    with _progress(len(docs), progress) as counted, gc_paused():
        batches = run_tables(docs, compiled, jobs=n_jobs, cache=cache, keep=keep, terms_mode=terms)
        if n_jobs >= 2:  # this process mostly waits for the workers meanwhile
            batches = _beside(batches, load_models)
        results = assemble_batches(
            docs, counted(batches), lex, sink=sink, term_moments=term_moments
        )
    release_free_memory()  # the batches' pages, before the corpus tables (and their fork)
    return results


def _beside(batches: Iterable[BatchTables], task: Callable[[], object]) -> Iterator[BatchTables]:
    """``batches`` passed through, ``task`` run in a thread of this process from the first
    batch on (the pool's workers are forked by then) and joined after the last."""
    thread = None
    try:
        for b in batches:
            if thread is None:
                thread = threading.Thread(target=task, name="framing-preload", daemon=True)
                thread.start()
            yield b
    finally:
        if thread is not None:
            thread.join()


def _doc_cache(
    cache: str | Path | DocCache | None, lex: Lexicon, terms: TermMode
) -> DocCache | None:
    """The per-document cache of ``lex`` (a directory is opened; a cache is checked)."""
    if cache is not None and not isinstance(cache, DocCache):
        return DocCache(cache, lexicon_fingerprint=lex.fingerprint, terms_mode=terms)
    if cache is not None and cache.lexicon_fingerprint != lex.fingerprint:
        raise ValueError(
            f"cache {cache!r} belongs to another lexicon than {lex.source}; "
            "use DocCache(directory, lexicon_fingerprint=lexicon.fingerprint)"
        )
    return cache


@contextlib.contextmanager
def _progress(total: int, show: bool | None):
    """A progress bar on stderr (default: only on a terminal); yields a function that
    passes batches through and counts their documents."""
    disable = not progress_shown(show)
    with tqdm(total=total, desc="documents", unit="doc", disable=disable, file=sys.stderr) as bar:

        def counted(batches: Iterable[BatchTables]) -> Iterator[BatchTables]:
            for b in batches:
                bar.update(len(b.stats))
                yield b

        yield counted


# --------------------------------------------------------------------------- corpus tables


def corpus_tables(
    results: Results,
    *,
    period: str = "year",
    min_count: int = 0,
    stop_words: bool = False,
    keyness_ci: bool = True,
    reuse=None,
    dedupe: str = "none",
    step: Callable[[str], object] | None = None,
    jobs: int = 1,
) -> dict[str, pd.DataFrame]:
    """Every output table: the per-document tables, ``keyness``, ``frame_rates`` and the
    model tables.

    ``keyness`` compares origins one-vs-rest and pairwise
    (:func:`analysis.stats.keyness`), with the document-bootstrap intervals (unless
    ``keyness_ci`` is false) and doc shares of
    :func:`analysis.runner.model_tables.keyness_with_intervals`; ``frame_rates`` are by
    origin × voice × ``period`` (:func:`analysis.stats.voice.frame_rates_by_voice`);
    ``rate_models`` and ``rate_trends`` come from
    :func:`analysis.runner.model_tables.model_tables`. With ``reuse`` (an
    :class:`analysis.stats.reuse.Reuse` of the documents) the tables gain ``reuse`` and
    ``amplification`` and the documents their reuse columns, and the ``dedupe`` policy
    (``none``, ``exact``, ``near``) selects the documents the corpus-level statistics count
    (:func:`analysis.runner.reuse_pass.deduplicated`). ``step`` is told the name of each
    step as it starts (:data:`TABLE_STEPS`, the last one, ``writing``, is the caller's).
    With ``jobs`` ≥ 2 and at least :data:`SIDE_MIN_DOCS` documents, the model tables are
    computed in two processes: a second one takes their parts
    (:data:`~analysis.runner.model_tables.MODEL_PARTS`) in order, one at a time, while this
    one computes keyness and the frame rates, then takes the parts left from the last (the
    same numbers; :class:`analysis.runner.pool.SharedTasks`).
    """
    from analysis.runner.model_tables import MODEL_PARTS, joined_model_tables
    from analysis.runner.reuse_pass import deduplicated, reuse_tables

    tables = results.tables()
    documents, terms, markers = results.documents, results.terms, results.markers  # sparse
    if reuse is not None:
        tables.update(reuse_tables(documents, reuse))
        documents, terms, markers = deduplicated(documents, terms, markers, reuse, dedupe)
    elif dedupe != "none":
        raise ValueError(f"dedupe {dedupe!r} needs the reuse pass (reuse=None)")
    moments = _moments_of(results, documents, stop_words)
    step = step or (lambda name: None)
    side_wanted = jobs >= 2 and len(documents) >= SIDE_MIN_DOCS
    # processes are the parallelism: BLAS threads would only compete with them
    with one_blas_thread(), side_process(side_wanted) as side:
        # the second process takes the model parts from the first, one at a time, while this
        # one computes keyness and the frame rates, then takes them from the last
        submit = None if side is None else _model_submitter(side, markers, documents)
        shared = SharedTasks(MODEL_PARTS, submit)
        options = {"min_count": min_count, "stop_words": stop_words, "keyness_ci": keyness_ci}
        tables.update(_keyness(terms, documents, moments, step, **options))
        tables["frame_rates"] = _frame_rates(results, documents, markers, step, period=period)
        step(TABLE_STEPS[3])
        parts = {}
        while (part := shared.take_last()) is not None:
            parts[part] = _model_part(part, markers, documents)
        tables.update(joined_model_tables(parts | shared.results()))
    return tables


def _model_part(name: str, markers: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """:func:`analysis.runner.model_tables.model_part` with the garbage collector on."""
    from analysis.runner.model_tables import model_part

    with gc_collecting():
        return model_part(name, markers, documents)


#: The side process's model inputs when it is forked: set before its first task forks it,
#: so it inherits the tables (shared pages) instead of receiving a pickled copy of them.
_FORKED_INPUTS: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}


def _model_submitter(side, markers, documents) -> Callable[[str], Future]:
    """``submit(part)``: a model part sent to the ``side`` process, its future.

    A forked side process inherits ``(markers, documents)`` (:data:`_FORKED_INPUTS`, set
    while the first submit forks it: a million documents' table is not copied twice more);
    otherwise they are pickled once, here, not once per part in the pool's feeder thread,
    which would race with the keyness computed meanwhile from the same tables.
    """
    if process_context().get_start_method() != "fork":
        tables_in = pickle.dumps((markers, documents), protocol=pickle.HIGHEST_PROTOCOL)
        return lambda part: side.submit(_model_part_of, part, tables_in)

    def submit(part: str) -> Future:
        _FORKED_INPUTS["models"] = (markers, documents)
        try:
            return side.submit(_model_part_forked, part)
        finally:  # the side process, forked by the first submit, has its own copy of the dict
            _FORKED_INPUTS.clear()

    return submit


def _model_part_forked(name: str) -> pd.DataFrame:
    """:func:`_model_part` of the inherited inputs (in a forked side process)."""
    return _model_part(name, *_FORKED_INPUTS["models"])


def _model_part_of(name: str, tables_in: bytes) -> pd.DataFrame:
    """:func:`_model_part` of the pickled ``(markers, documents)`` (in the side process)."""
    return _model_part(name, *pickle.loads(tables_in))


def _moments_of(results: Results, documents: pd.DataFrame, stop_words: bool):
    """The :class:`~analysis.stats.term_moments.GroupMoments` of ``results.term_moments``
    (``None`` without), checked against the options of :func:`corpus_tables`: summed with
    the same ``stop_words``, leaving out the documents its dedupe policy leaves out."""
    summed = results.term_moments
    if summed is None:
        return None
    left_out = set()  # (documents are those of results, or fewer)
    if len(documents) != len(results.documents):
        left_out = set(results.documents["doc_id"]).difference(documents["doc_id"])
    if summed.stop_words != stop_words or summed.exclude != left_out:
        raise ValueError(
            "corpus_tables: results.term_moments were summed with other stop_words or "
            "another dedupe policy than given here"
        )
    return summed.result()


def _keyness(terms, documents, moments, step, *, min_count, stop_words, keyness_ci):
    """``keyness`` of :func:`corpus_tables` (with its intervals), from the terms rows or
    their per-origin sums ``moments``."""
    from analysis.runner.model_tables import keyness_with_intervals
    from analysis.stats.keyness import keyness, keyness_of_moments

    step(TABLE_STEPS[0])
    if moments is None:
        table = keyness(terms, documents, by="origin", min_count=min_count, stop_words=stop_words)
    else:
        table = keyness_of_moments(moments, min_count=min_count)
    step(TABLE_STEPS[1])
    table = keyness_with_intervals(
        table,
        terms,
        documents,
        min_count=min_count,
        stop_words=stop_words,
        intervals=keyness_ci,
        moments=moments,
    )
    return {"keyness": table}


def _frame_rates(results, documents, markers, step, *, period) -> pd.DataFrame:
    """``frame_rates`` of :func:`corpus_tables`, by origin × voice × ``period``."""
    from analysis.stats.marker_table import every_pair
    from analysis.stats.voice import frame_rates_by_voice

    matches = results.matches
    if len(documents) != len(results.documents):  # deduplicated: the kept documents' matches
        matches = matches[matches["doc_id"].isin(documents["doc_id"])]
    step(TABLE_STEPS[2])
    # frame rates give a row to every marker of the lexicon, also one never found (a zero
    # row each, not the dense documents x markers table); the models skip those anyway
    listed = markers
    if len(documents) and results.marker_pairs is not None:
        listed = every_pair(markers, results.marker_pairs, doc_id=documents["doc_id"].iloc[0])
    return frame_rates_by_voice(listed, matches, documents, period=period)
