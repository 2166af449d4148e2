"""The per-document pass on a Dask cluster (``framing analyze --engine dask``).

Documents are independent, so the pass maps onto Dask partitions: the client lists the corpus
files and validates the manifest; each task reads, validates, cleans and processes one
partition of files **on a worker** (the corpus must be visible to the workers at the same path:
a shared filesystem); the per-document results come back in document order and are assembled
by :func:`analysis.runner.assemble.assemble` exactly as the local engine does, so the output
files are byte-identical whatever the partitioning.

Each worker process runs :func:`analysis.runner.batch.process_batch`, which builds the spaCy/VADER
pipelines once per process and compiles the lexicon once per lexicon fingerprint. A task lost
with its worker is re-run by Dask on another worker (up to
``distributed.scheduler.allowed-failures`` times); after that the run fails with
:class:`~analysis.runner.engines.EngineError` and nothing is written.

With :func:`analysis.runner.dask_parquet.analyze_to_parquet` (``--format parquet``) the per-
document tables never pass through the client: each task writes its partition's rows of
``terms``, ``sentences``, ``matches``, ``markers``, ``marker_sentiment`` and
``actor_sentiment`` as one Parquet part file into a temporary sibling of the output directory
(which must therefore be on the shared filesystem too), and returns only its documents' rows
and its term totals per origin. The client writes ``documents`` (it fills ``duplicate_of``,
which needs the whole corpus), ``keyness`` (from the term totals) and ``frame_rates`` (from
``documents`` and the ``markers`` parts read back), then moves the directory into place; on any
error nothing is left behind.

Dask is imported only when a cluster is used; without it :func:`require_dask` says how to
install it (``pip install 'framing[dask]'``).

Longer than ~400 lines because the cluster, partitioning and result gathering of one engine.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import os
import socket
import sys
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.config import DEFAULT_ORIGINS
from analysis.runner.engines import EngineError
from analysis.schema import DOC_TABLES

if TYPE_CHECKING:
    from distributed import Client

    from analysis.document.lexicon import Lexicon
    from analysis.document.process import DocResult
    from analysis.read.corpus import Document
    from analysis.read.outlets import OutletRegistry
    from analysis.runner.assemble import Results

__all__ = [
    "INSTALL_HINT",
    "MAX_PARTITION_SIZE",
    "WORKER_TABLES",
    "analyze",
    "analyze_corpus",
    "dask_client",
    "gather",
    "partitions",
    "prepare_corpus",
    "partition_size_for",
    "process_partition",
    "quiet_logs",
    "require_dask",
]

#: What to run when Dask is missing.
INSTALL_HINT = "pip install 'framing[dask]'"
#: Upper bound of the automatic partition size (documents per task).
MAX_PARTITION_SIZE = 500
#: Loggers of Dask's distributed scheduler and workers.
_LOGGERS = ("distributed", "dask")
#: Tables written as Parquet parts by the workers (``--format parquet``), one part per partition.
WORKER_TABLES = DOC_TABLES

# --------------------------------------------------------------------------- cluster


def require_dask() -> None:
    """Import-check the optional ``dask`` extra.

    Raises:
        EngineError: Dask or distributed is not installed (names the install command).
    """
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as e:
        raise EngineError(
            f"--engine dask needs the optional Dask dependencies ({e.name} is not installed); "
            f"install them with: {INSTALL_HINT}"
        ) from e


@contextlib.contextmanager
def quiet_logs(level: int) -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    before = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(level)
    try:
        yield
    finally:
        for lg, lvl in zip(loggers, before, strict=True):
            lg.setLevel(lvl)


@contextlib.contextmanager
def dask_client(
    scheduler: str | None = None,
    *,
    n_workers: int | None = None,
    timeout: str | None = None,
) -> Iterator[Client]:
    """A Dask client: connected to ``scheduler``, or to a new local cluster.

    Without ``scheduler`` a :class:`distributed.LocalCluster` sized to the machine is started
    (``n_workers`` processes, default one per CPU, one thread each, no dashboard, listening on
    loopback only) and shut down on exit. Dask's informational logs are silenced; warnings and
    errors are still printed.

    Args:
        scheduler: Address of a running scheduler, e.g. ``tcp://10.0.0.5:8786``.
        n_workers: Worker processes of the local cluster (ignored with ``scheduler``).
        timeout: How long to wait for the scheduler (default: Dask's
            ``distributed.comm.timeouts.connect``, 30 s).

    Raises:
        EngineError: Dask is not installed, or the scheduler cannot be reached.
    """
    require_dask()
    from distributed import Client, LocalCluster

    with quiet_logs(logging.WARNING):
        if scheduler:
            try:
                options = {} if timeout is None else {"timeout": timeout}
                client = Client(scheduler, set_as_default=False, **options)
            except (OSError, TimeoutError) as e:
                raise EngineError(
                    f"cannot connect to the Dask scheduler at {scheduler}: {e}; start it with "
                    "`dask scheduler` and its workers with `dask worker "
                    f"{scheduler}` (see the README section 'Running on a cluster')"
                ) from e
            with client:
                yield client
            return
        cluster = LocalCluster(
            n_workers=n_workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # the scheduler's HTTP server (health, metrics) would otherwise try port 8787
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.WARNING,
        )
        try:
            with Client(cluster, set_as_default=False) as client:
                yield client
        finally:
            # Closing workers logs expected "stream closed" noise; keep only errors.
            with quiet_logs(logging.ERROR):
                cluster.close()


# --------------------------------------------------------------------------- worker side


def process_partition(
    root: str,
    display_root: str,
    items: Sequence[tuple[str, dict | None]],
    registry: OutletRegistry,
    lexicon: Lexicon,
    cache_dir: str | None = None,
    origins: Sequence[str] | None = None,
) -> tuple[list[Document], list[DocResult], list[str]]:
    """Read, validate, clean and process one partition of corpus files (runs on a worker).

    Args:
        root: Absolute corpus directory as the worker sees it.
        display_root: The corpus directory as the user gave it (used in messages).
        items: ``(relative path, manifest row or None)`` of each file, in corpus order.
        registry: The outlet registry.
        lexicon: The framing lexicon (compiled once per worker process and fingerprint by
            :func:`analysis.runner.batch.process_batch`).
        cache_dir: Per-document cache directory as the worker sees it
            (:mod:`analysis.runner.doc_cache`; safe to share between workers); ``None``: no cache.
        origins: Allowed origins (checked for origins taken from the outlet registry, as
            :func:`analysis.read.directory.read_document` does); ``None``: not checked.

    Returns:
        ``(documents, results, problems)``: documents (``text`` emptied, it stays on the
        worker) and their :class:`~analysis.runner.pipeline.DocResult` in order; or, when any file
        of the partition is invalid, no documents and the problems, worded as
        :func:`analysis.read.directory.read_documents` words them.

    Raises:
        EngineError: This worker cannot see the corpus directory.
    """
    from analysis.read.directory import read_document
    from analysis.runner.batch import process_batch

    base = Path(root)
    if not base.is_dir():
        raise EngineError(
            f"Dask worker on {socket.gethostname()} cannot see the corpus directory {root}; "
            "workers must read the corpus from a shared filesystem at the same path "
            "(see the README section 'Running on a cluster')"
        )
    problems: list[str] = []
    docs = []
    for rel, row in items:
        path = base / rel
        before = len(problems)
        doc = read_document(path, rel, row, registry, problems, origins)
        shown = str(Path(display_root) / rel)
        for i in range(before, len(problems)):
            problems[i] = problems[i].replace(str(path), shown, 1)
        if doc is not None:
            docs.append(doc)
    if problems:
        return [], [], problems
    results = process_batch([(d.doc_id, d.text) for d in docs], lexicon, cache_dir=cache_dir)
    return [dataclasses.replace(d, text="") for d in docs], results, []


# --------------------------------------------------------------------------- client side


def partition_size_for(n_documents: int, n_threads: int) -> int:
    """Automatic partition size: about four tasks per worker thread, at most 500 documents."""
    if n_documents <= 0:
        return 1
    per_task = math.ceil(n_documents / (4 * max(1, n_threads)))
    return max(1, min(MAX_PARTITION_SIZE, per_task))


def gather(client: Client, futures: list, parts: list, progress: bool) -> Iterator[tuple]:
    """Results of ``futures`` in order, releasing each one as soon as it is consumed."""
    from distributed.scheduler import KilledWorker
    from tqdm import tqdm

    total = sum(len(p) for p in parts)
    with tqdm(
        total=total, desc="documents", unit="doc", disable=not progress, file=sys.stderr
    ) as bar:
        for i, fut in enumerate(futures):
            try:
                out = fut.result()
            except KilledWorker as e:
                first, last = parts[i][0][0], parts[i][-1][0]
                raise EngineError(
                    f"Dask lost partition {i} ({len(parts[i])} files, {first} … {last}) with "
                    f"its worker too many times ({e}); the run was stopped and nothing was "
                    "written. Check the workers' memory and logs, or raise "
                    "distributed.scheduler.allowed-failures."
                ) from e
            fut.release()
            bar.update(len(parts[i]))
            yield out


def prepare_corpus(
    corpus: str | Path,
    lexicon: str | Path | Lexicon | None,
    origins: Sequence[str],
    outlets: str | Path | None,
    partition_size: int | None,
) -> tuple[Path, Lexicon, OutletRegistry, list[tuple[str, dict | None]], list[str]]:
    """What the client checks and plans before a cluster is started or contacted.

    Returns ``(root, lexicon, registry, items, problems)``: the files to process with their
    manifest rows, and the manifest's problems so far.
    """
    from analysis.document.lexicon import Lexicon, load_lexicon
    from analysis.read import corpus as corpus_mod
    from analysis.read.directory import plan_files
    from analysis.read.outlets import load_outlets

    size = partition_size
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
        raise ValueError(f"partition_size must be a positive integer, got {partition_size!r}")
    root = Path(corpus)
    if not root.is_dir():
        raise corpus_mod.CorpusError([f"{root}: not a directory"])
    lex = lexicon if isinstance(lexicon, Lexicon) else load_lexicon(lexicon)
    registry = load_outlets(outlets)
    problems: list[str] = []
    items = plan_files(root, origins, problems)
    return root, lex, registry, items, problems


def partitions(
    client: Client, items: list[tuple[str, dict | None]], partition_size: int | None
) -> list[list[tuple[str, dict | None]]]:
    """``items`` split into tasks of ``partition_size`` (default: sized to the cluster)."""
    n_threads = sum(client.nthreads().values()) or 1
    size = partition_size or partition_size_for(len(items), n_threads)
    return [items[i : i + size] for i in range(0, len(items), size)]


def analyze_corpus(
    corpus: str | Path,
    *,
    lexicon: str | Path | Lexicon | None = None,
    origins: Sequence[str] = DEFAULT_ORIGINS,
    outlets: str | Path | None = None,
    scheduler: str | None = None,
    client: Client | None = None,
    partition_size: int | None = None,
    progress: bool | None = None,
    cache: str | Path | None = None,
) -> tuple[list[Document], Results]:
    """Analyse a corpus directory on a Dask cluster; same tables as the local engine.

    The client validates the manifest and lists the files; workers read, validate, clean and
    process partitions of ``partition_size`` files. All problems of all files are collected
    and raised together (as :func:`analysis.read.directory.read_documents` does) before any table
    exists; exact duplicates are flagged on the client (with the same warning).

    Args:
        corpus: Corpus directory, visible to the workers at the same path.
        lexicon: A lexicon TOML file or :class:`~analysis.document.lexicon.Lexicon`; default: the
            lexicon shipped with the package.
        origins: Allowed origins.
        outlets: Optional TOML file extending the outlet registry.
        scheduler: Scheduler address (``tcp://HOST:8786``); default: a new local cluster.
        client: An existing :class:`distributed.Client` (overrides ``scheduler``).
        partition_size: Documents per task; default: :func:`partition_size_for`.
        progress: Show a progress bar on stderr; default: only when stderr is a terminal.
        cache: Per-document cache directory, used by the workers (on a cluster: a shared
            path, or each worker host keeps its own cache); default: no cache.

    Returns:
        ``(documents, results)``: the documents in corpus order (metadata only, ``text`` is
        empty) and the :class:`~analysis.runner.pipeline.Results` tables.

    Raises:
        CorpusError: Invalid corpus (every file and problem listed).
        EngineError: Dask missing, scheduler unreachable, corpus not visible to a worker, or a
            partition lost with its worker more often than Dask allows.
    """
    root, lex, registry, items, problems = prepare_corpus(
        corpus, lexicon, origins, outlets, partition_size
    )
    options = (registry, tuple(origins), lex, partition_size, progress, cache)
    if client is None:
        with dask_client(scheduler) as new:
            return _run(new, root, items, problems, *options)
    return _run(client, root, items, problems, *options)


def _run(
    client: Client,
    root: Path,
    items: list[tuple[str, dict | None]],
    problems: list[str],
    registry: OutletRegistry,
    origins: tuple[str, ...],
    lex: Lexicon,
    partition_size: int | None,
    progress: bool | None,
    cache: str | Path | None,
) -> tuple[list[Document], Results]:
    from analysis.read import corpus as corpus_mod
    from analysis.runner.assemble import assemble

    parts = partitions(client, items, partition_size)
    run = uuid.uuid4().hex[:12]
    futures = client.map(
        process_partition,
        [str(root.resolve())] * len(parts),
        [str(root)] * len(parts),
        parts,
        registry=registry,
        lexicon=lex,
        cache_dir=None if cache is None else str(Path(cache).resolve()),
        origins=origins,
        key=[f"framing-partition-{run}-{i}" for i in range(len(parts))],
        pure=False,
    )
    show = sys.stderr.isatty() if progress is None else progress
    docs: list[Document] = []
    results: list[DocResult] = []
    try:
        with quiet_logs(logging.WARNING):
            for part_docs, part_results, part_problems in gather(client, futures, parts, show):
                problems.extend(part_problems)
                docs.extend(part_docs)
                results.extend(part_results)
    finally:
        client.cancel(futures)
    if problems:
        raise corpus_mod.CorpusError(problems)
    corpus_mod.mark_duplicates(docs)
    return docs, assemble(docs, results, lex)


def analyze(
    corpus: str | Path,
    *,
    lexicon: str | Path | Lexicon | None = None,
    origins: Sequence[str] = DEFAULT_ORIGINS,
    outlets: str | Path | None = None,
    scheduler: str | None = None,
    client: Client | None = None,
    partition_size: int | None = None,
    progress: bool | None = None,
    cache: str | Path | None = None,
) -> Results:
    """:func:`analysis.runner.pipeline.analyze` on a Dask cluster (see :func:`analyze_corpus`).

    >>> from analysis.runner import dask_engine
    >>> res = dask_engine.analyze("seeds", partition_size=2)    # doctest: +SKIP
    """
    return analyze_corpus(
        corpus,
        lexicon=lexicon,
        origins=origins,
        outlets=outlets,
        scheduler=scheduler,
        client=client,
        partition_size=partition_size,
        progress=progress,
        cache=cache,
    )[1]


# --------------------------------------------------------------------------- Parquet output
