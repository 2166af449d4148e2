"""The local process pool: batches of documents through the per-document pass on ``jobs``
worker processes, results in document order, bounded in-flight batches."""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from collections import deque
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial

from analysis.config import die_with_parent, process_context
from analysis.document import markers as mk
from analysis.document import tone as st
from analysis.document.lexicon import Lexicon
from analysis.document.nlp import get_nlp, parse
from analysis.document.process import DocResult, compiled_lexicon
from analysis.read.corpus import CorpusError, Document
from analysis.runner.assemble import BatchTables, batch_tables
from analysis.runner.batch import run_batch
from analysis.runner.doc_cache import CacheStats, DocCache

__all__ = [
    "BATCH_CHARS",
    "BATCH_DOCS",
    "SharedTasks",
    "batched",
    "gc_collecting",
    "gc_paused",
    "ordered_map",
    "prepare",
    "run_batches",
    "run_tables",
    "side_process",
]


# Worker-process state of the local pool (set by _init_worker).
_WORKER: dict = {}


def _init_worker(
    compiled: mk.CompiledLexicon, cache_dir: str | None, terms_mode: str, parent: int
) -> None:
    die_with_parent(parent)
    _WORKER["compiled"] = compiled
    _WORKER["terms"] = terms_mode
    _WORKER["pairs"] = mk.marker_pairs(compiled)
    _WORKER["cache_dir"] = cache_dir
    # The loaded pipeline is long-lived: keep the cyclic GC from re-scanning it (and undo a
    # paused collector inherited through fork).
    gc.freeze()
    gc.enable()


def _worker_cache() -> DocCache | None:
    cache_dir = _WORKER["cache_dir"]
    if cache_dir is None:
        return None
    return DocCache(
        cache_dir,
        lexicon_fingerprint=_WORKER["compiled"].lexicon.fingerprint,
        terms_mode=_WORKER["terms"],
    )


def _worker_batch(texts: list[str]) -> tuple[list[DocResult], CacheStats]:
    cache = _worker_cache()
    with gc_paused():
        results = run_batch(texts, _WORKER["compiled"], cache, terms_mode=_WORKER["terms"])
    return results, (cache.stats if cache is not None else CacheStats())


def _worker_tables(
    batch: list[tuple[str, str]], keep: Collection[str] | None = None
) -> tuple[BatchTables, CacheStats]:
    cache = _worker_cache()
    with gc_paused():
        texts = [t for _, t in batch]
        results = run_batch(texts, _WORKER["compiled"], cache, terms_mode=_WORKER["terms"])
        # the rows are laid out and formatted here, in parallel, not in the main process
        tables = batch_tables(
            [d for d, _ in batch], results, pairs=_WORKER["pairs"], render=True, keep=keep
        )
    return tables, (cache.stats if cache is not None else CacheStats())


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (restored on exit).

    The pass allocates millions of small, acyclic objects (token lists, table rows); with
    the collector on, its repeated full scans of the growing heap cost about a third of a
    warm run. Nothing in the pass creates reference cycles, so reference counting frees
    everything as usual meanwhile.
    """
    with _collector(enabled=False):
        yield


@contextlib.contextmanager
def gc_collecting() -> Iterator[None]:
    """Run the cyclic garbage collector in this block, also inside :func:`gc_paused`.

    For the model fits: statsmodels' models and results refer to each other, so each fit
    leaves a cycle holding its design-sized arrays; with the collector paused, a
    100,000-document run grew by gigabytes over its fits.
    """
    with _collector(enabled=True):
        yield


@contextlib.contextmanager
def _collector(*, enabled: bool) -> Iterator[None]:
    """The cyclic garbage collector on or off in this block (its state restored on exit)."""
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        yield
    finally:
        (gc.enable if was else gc.disable)()


def batched(
    texts: Iterable[str], *, max_docs: int | None = None, max_chars: int | None = None
) -> Iterator[list[str]]:
    """Texts (or ``(doc_id, text)`` pairs) grouped into batches of at most ``max_docs``
    texts or ``max_chars`` characters (default: :data:`BATCH_DOCS`, :data:`BATCH_CHARS`)."""
    max_docs = BATCH_DOCS if max_docs is None else max_docs
    max_chars = BATCH_CHARS if max_chars is None else max_chars
    batch: list = []
    size = 0
    for t in texts:
        batch.append(t)
        size += len(t) if isinstance(t, str) else len(t[1])
        if len(batch) >= max_docs or size >= max_chars:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


#: A batch (the unit sent to a worker) holds at most this many documents ...
BATCH_DOCS = 32


#: ... or this many characters of text.
BATCH_CHARS = 200_000


def _warm_up(compiled: mk.CompiledLexicon) -> None:
    """Load spaCy, the lemma table and VADER in this process (forked workers inherit them)."""
    parse("Warm up.")
    st.score("Warm up.")


def prepare(lexicon: Lexicon) -> None:
    """Load everything the per-document pass needs in this process: spaCy, the lookup
    tables, VADER and the compiled lexicon (done once; forked workers inherit it).

    :func:`analyze` does it when needed; calling it earlier, e.g. while worker processes
    read the corpus (``read_corpus(..., while_reading=...)``), takes it off the critical path.
    """
    _warm_up(compiled_lexicon(lexicon))


def _pool_map(
    local: Callable[[list], object],
    worker: Callable[[list], tuple[object, CacheStats]],
    batches: Iterable[list],
    compiled: mk.CompiledLexicon,
    *,
    jobs: int,
    cache: DocCache | None,
    terms_mode: str = "lemma",
) -> Iterator:
    """``local(batch)`` for each batch in order, or ``worker(batch)`` on ``jobs`` processes.

    At most ``2 * jobs`` batches are in flight, so memory stays bounded whatever the corpus
    size; the workers' cache counters are added to ``cache.stats``.
    """
    if jobs <= 1:
        for batch in batches:
            yield local(batch)
        return
    _warm_up(compiled)
    cache_dir = str(cache.directory) if cache is not None else None
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=process_context(),
        initializer=_init_worker,
        initargs=(compiled, cache_dir, terms_mode, os.getpid()),
    ) as pool:
        for out, stats in _in_order(pool, worker, batches, jobs):
            if cache is not None:
                cache.stats.add(stats)
            yield out


def ordered_map(task: Callable[[object], object], items: Iterable, *, jobs: int) -> Iterator:
    """``task(item)`` of each item, in order, on ``jobs`` forked processes (in this process
    when ``jobs < 2``); at most ``2 * jobs`` items in flight, so memory stays bounded.

    ``task`` must be picklable (a module-level function, or a ``partial`` of one).
    """
    if jobs < 2:
        yield from map(task, items)
        return
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=process_context(),
        initializer=_init_side,
        initargs=(os.getpid(),),
    ) as pool:
        yield from _in_order(pool, task, items, jobs)


def _in_order(pool: ProcessPoolExecutor, task: Callable, items: Iterable, jobs: int) -> Iterator:
    """The results of ``task`` on ``items`` in ``pool``, in order, ``2 * jobs`` in flight."""
    pending: deque = deque()
    try:
        for item in items:
            pending.append(pool.submit(task, item))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool as e:
        raise RuntimeError(
            "a worker process died (out of memory?); re-run with fewer --jobs"
        ) from e
    finally:
        for f in pending:
            f.cancel()


def run_batches(
    texts: Iterable[str],
    compiled: mk.CompiledLexicon,
    *,
    jobs: int = 1,
    cache: DocCache | None = None,
    terms_mode: str = "lemma",
) -> Iterator[DocResult]:
    """Per-document results of ``texts``, in order, on ``jobs`` processes (streaming).

    Results do not depend on ``jobs`` or on the cache.
    """
    for results in _pool_map(
        lambda b: run_batch(b, compiled, cache, terms_mode=terms_mode),
        _worker_batch,
        batched(texts),
        compiled,
        jobs=jobs,
        cache=cache,
        terms_mode=terms_mode,
    ):
        yield from results


def _texts(docs: Iterable[Document]) -> Iterator[tuple[str, str]]:
    """``(doc_id, text)`` of each document, refusing a text longer than the NLP pass takes.

    The limit is spaCy's ``max_length`` of the pipeline (10,000,000 characters, set in
    :func:`analysis.document.nlp.get_nlp`), far beyond any news article: a longer text is
    several documents run together, which the user must split (a chunked parse would change
    sentence ids and offsets silently).

    Raises:
        CorpusError: naming the document, its length and the fix.
    """
    limit = get_nlp().max_length
    for d in docs:
        if len(d.text) > limit:
            where = f"{d.file}: document {d.doc_id}" if d.file else f"document {d.doc_id}"
            raise CorpusError(
                [
                    f"{where} has {len(d.text):,} characters of text, more than the NLP pass "
                    f"takes ({limit:,}, spaCy's max_length); split it into several documents, "
                    "e.g. at its paragraph breaks"
                ]
            )
        yield d.doc_id, d.text


def run_tables(
    docs: Iterable[Document],
    compiled: mk.CompiledLexicon,
    *,
    jobs: int = 1,
    cache: DocCache | None = None,
    keep: Collection[str] | None = None,
    terms_mode: str = "lemma",
) -> Iterator[BatchTables]:
    """:func:`batch_tables` of each batch of ``docs``, in order, on ``jobs`` processes.

    With ``jobs >= 2`` the workers also format the rows as CSV (:attr:`BatchTables.csv`)
    and return the columns of the ``keep`` tables only (all if ``None``).

    Raises:
        CorpusError: a text is longer than the NLP pass takes (spaCy's ``max_length``).
    """

    pairs = mk.marker_pairs(compiled)

    def local(batch: list[tuple[str, str]]) -> BatchTables:
        texts = [t for _, t in batch]
        results = run_batch(texts, compiled, cache, terms_mode=terms_mode)
        return batch_tables([d for d, _ in batch], results, pairs=pairs)

    yield from _pool_map(
        local,
        partial(_worker_tables, keep=keep),
        batched(_texts(docs)),
        compiled,
        jobs=jobs,
        cache=cache,
        terms_mode=terms_mode,
    )


@contextlib.contextmanager
def side_process(enabled: bool) -> Iterator[ProcessPoolExecutor | None]:
    """A second worker process for tasks submitted while this process does others (``None``
    when not ``enabled``: the caller does the tasks itself).

    Forked where possible (the loaded modules and tables are shared, the task's arguments
    are pickled); it ends with its parent, however the parent ends (:func:`die_with_parent`).
    """
    if not enabled:
        yield None
        return
    with ProcessPoolExecutor(
        max_workers=1,
        mp_context=process_context(),
        initializer=_init_side,
        initargs=(os.getpid(),),
    ) as side:
        yield side


def _init_side(parent: int) -> None:
    """The start of a side process (and of :func:`ordered_map`'s workers): it ends with its
    parent, and its cyclic garbage collector leaves alone every object it inherited (a
    collection writes into each object it scans, and each page written becomes a copy: 1.4
    GiB of the parent's tables at 100,000 articles)."""
    die_with_parent(parent)
    gc.freeze()


class SharedTasks:
    """Tasks shared by this process and a side process: the side process gets the first
    task left, and the next one when it is done (``submit(task)`` sends one and returns its
    future), while this process takes them from the last (:meth:`take_last`); without
    ``submit``, this process takes them all.

    One task at a time, not all submitted at once: a pool queues the next tasks as soon as
    they are submitted, and a queued task can no longer be cancelled, so this process would
    wait for tasks it could have done.
    """

    def __init__(
        self, tasks: Sequence[Hashable], submit: Callable[[Hashable], Future] | None = None
    ):
        self._left = deque(tasks)
        self._lock = threading.Lock()
        self._submit = submit
        self._futures: dict[Hashable, Future] = {}
        if submit is not None:
            self._send()

    def _send(self, _done: Future | None = None) -> None:
        with self._lock:  # taken and registered at once: results() misses none
            if not self._left:
                return
            task = self._left.popleft()
            try:
                future = self._submit(task)
            except RuntimeError:  # the pool is broken or shutting down: left to this process
                self._left.appendleft(task)
                return
            self._futures[task] = future
        future.add_done_callback(self._send)  # called at once if already done: not locked

    def take_last(self) -> Hashable | None:
        """The last task no process has taken (``None``: none left)."""
        with self._lock:
            return self._left.pop() if self._left else None

    def results(self) -> dict:
        """The side process's results by task, once :meth:`take_last` has returned ``None``
        (waits for them; raises what a task raised)."""
        with self._lock:
            futures = dict(self._futures)
        return {task: future.result() for task, future in futures.items()}
