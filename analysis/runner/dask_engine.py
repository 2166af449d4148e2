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

With :func:`analyze_to_parquet` (``--format parquet``) the per-document tables never pass
through the client: each task writes its partition's rows of ``terms``, ``sentences``,
``matches``, ``markers``, ``marker_sentiment`` and ``actor_sentiment`` as one Parquet part file
into a temporary sibling of the output directory (which must therefore be on the shared
filesystem too), and returns only its documents' rows and its term totals per origin. The
client writes ``documents`` (it fills ``duplicate_of``, which needs the whole corpus),
``keyness`` (from the term totals) and ``frame_rates`` (from ``documents`` and the ``markers``
parts read back), then moves the directory into place; on any error nothing is left behind.

Dask is imported only when a cluster is used; without it :func:`require_dask` says how to
install it (``pip install 'framing[dask]'``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import os
import shutil
import socket
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.config import DEFAULT_ORIGINS
from analysis.runner.engines import EngineError

if TYPE_CHECKING:
    import pandas as pd
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
    "PartitionSummary",
    "analyze",
    "analyze_corpus",
    "analyze_to_parquet",
    "dask_client",
    "partition_size_for",
    "process_partition",
    "require_dask",
    "write_partition",
]

#: What to run when Dask is missing.
INSTALL_HINT = "pip install 'framing[dask]'"
#: Upper bound of the automatic partition size (documents per task).
MAX_PARTITION_SIZE = 500
#: Loggers of Dask's distributed scheduler and workers.
_LOGGERS = ("distributed", "dask")
#: Tables written as Parquet parts by the workers (``--format parquet``), one part per partition.
WORKER_TABLES = ("terms", "sentences", "matches", "markers", "marker_sentiment", "actor_sentiment")

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
def _log_level(level: int) -> Iterator[None]:
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

    with _log_level(logging.WARNING):
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
            with _log_level(logging.ERROR):
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
            :func:`analysis.runner.pipeline.process_batch`).
        cache_dir: Per-document cache directory as the worker sees it (:mod:`analysis.runner.cache`;
            safe to share between workers); ``None``: no cache.
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


@dataclasses.dataclass
class PartitionSummary:
    """What a :func:`write_partition` task sends back to the client (small, plain data).

    Attributes:
        documents: The partition's documents (metadata, ``text`` empty), in corpus order.
        table: Their rows of the ``documents`` table (``duplicate_of`` still empty).
        term_totals: ``origin, term, count``: the partition's term counts summed per origin.
        rows: Rows written per table of :data:`WORKER_TABLES`.
        problems: Problems of invalid files (then nothing else is filled and nothing written).
    """

    documents: list[Document]
    table: pd.DataFrame | None
    term_totals: pd.DataFrame | None
    rows: dict[str, int]
    problems: list[str]


def write_partition(
    root: str,
    display_root: str,
    items: Sequence[tuple[str, dict | None]],
    index: int,
    registry: OutletRegistry,
    lexicon: Lexicon,
    cache_dir: str | None,
    out_dir: str,
    n_parts: int,
) -> PartitionSummary:
    """Process one partition and write its per-document tables as Parquet (runs on a worker).

    Like :func:`process_partition`, then writes ``OUT_DIR/NAME/part-NNNNN.parquet`` (part
    ``index`` of ``n_parts``, :func:`analysis.write.parquet.part_name`) for each table of
    :data:`WORKER_TABLES`, rows in the order the local engine gives them (``markers``: sorted
    by ``doc_id`` within the partition). A file is written under a temporary name and renamed,
    so a task re-run after its worker died replaces whatever the lost attempt left. The table
    directories must exist: they are never created here. A partition with invalid files writes
    nothing.

    Returns:
        The :class:`PartitionSummary` (no per-document table besides ``documents``).

    Raises:
        EngineError: This worker cannot see the corpus or the output directory.
    """
    from analysis.runner.assemble import assemble
    from analysis.write.parquet import part_name, table_schema, write_part

    out = Path(out_dir)
    if not out.is_dir():
        raise EngineError(
            f"Dask worker on {socket.gethostname()} cannot see the output directory {out_dir}; "
            "with --format parquet the workers write the tables, so --out must be on a shared "
            "filesystem at the same path (see the README section 'Running on a cluster')"
        )
    docs, results, problems = process_partition(
        root, display_root, items, registry, lexicon, cache_dir=cache_dir
    )
    if problems:
        return PartitionSummary([], None, None, {}, problems)
    res = assemble(docs, results, lexicon)
    name = part_name(index, n_parts)
    rows = {}
    for table in WORKER_TABLES:
        df = getattr(res, table)
        write_part(df, out / table / name, table_schema(table))
        rows[table] = len(df)
    origin_of = dict(zip(res.documents["doc_id"], res.documents["origin"], strict=True))
    terms = res.terms
    totals = (
        terms.assign(origin=terms["doc_id"].map(origin_of))
        .groupby(["origin", "term"], sort=False, as_index=False)["count"]
        .sum()
    )
    return PartitionSummary(docs, res.documents, totals, rows, [])


# --------------------------------------------------------------------------- client side


def partition_size_for(n_documents: int, n_threads: int) -> int:
    """Automatic partition size: about four tasks per worker thread, at most 500 documents."""
    if n_documents <= 0:
        return 1
    per_task = math.ceil(n_documents / (4 * max(1, n_threads)))
    return max(1, min(MAX_PARTITION_SIZE, per_task))


def _gather(client: Client, futures: list, parts: list, progress: bool) -> Iterator[tuple]:
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


def _prepare(
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


def _partitions(
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
    root, lex, registry, items, problems = _prepare(
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

    parts = _partitions(client, items, partition_size)
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
        with _log_level(logging.WARNING):
            for part_docs, part_results, part_problems in _gather(client, futures, parts, show):
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


def analyze_to_parquet(
    corpus: str | Path,
    out: str | Path,
    *,
    lexicon: str | Path | Lexicon | None = None,
    origins: Sequence[str] = DEFAULT_ORIGINS,
    outlets: str | Path | None = None,
    scheduler: str | None = None,
    client: Client | None = None,
    partition_size: int | None = None,
    progress: bool | None = None,
    cache: str | Path | None = None,
    period: str = "year",
    min_count: int = 0,
    stop_words: bool = False,
    provenance: Mapping | Callable[[list[Document]], Mapping] | None = None,
    rows_per_file: int | None = None,
) -> list[Document]:
    """``framing analyze --engine dask --format parquet``: the workers write the tables.

    The output directory ``out`` gets the same datasets as
    :func:`analysis.write.parquet.write_parquet_tables` of the local engine's tables (the
    same rows and values as the CSV files), but no process holds the per-document tables:

    - ``terms``, ``sentences``, ``matches``, ``markers``, ``marker_sentiment``,
      ``actor_sentiment``: one part per partition, written by the worker that processed it
      (:func:`write_partition`);
    - ``documents``: one part per partition, written by the client (``duplicate_of`` needs
      every document's hash);
    - ``keyness``: computed by the client from per-origin term totals that the tasks reduce;
    - ``frame_rates``: computed by the client from ``documents`` and the ``markers`` parts
      read back (its document bootstrap needs every document × marker count);
    - ``provenance.json`` when ``provenance`` is given.

    Everything is written into a temporary sibling of ``out``, which replaces ``out`` only when
    complete: on any error ``out`` is left as it was and the temporary directory is removed.
    The workers must see the parent of ``out`` at the same path (shared filesystem), as they
    see the corpus.

    Args:
        corpus, lexicon, origins, outlets, scheduler, client, partition_size, progress, cache:
            As for :func:`analyze_corpus`.
        out: Output directory.
        period: ``frame_rates`` time unit (``year``, ``quarter``, ``month``).
        min_count: ``keyness`` minimum count (see :func:`analysis.stats.compare.keyness`).
        stop_words: ``keyness`` without spaCy's English stop words.
        provenance: ``provenance.json`` contents, or a function of the documents (metadata
            only, in corpus order) returning them; ``None``: no ``provenance.json``.
        rows_per_file: Rows per file of ``keyness`` and ``frame_rates`` (default
            :data:`analysis.write.parquet.DEFAULT_ROWS_PER_FILE`).

    Returns:
        The documents in corpus order (metadata only, ``text`` empty).

    Raises:
        CorpusError: Invalid corpus (every file and problem listed); nothing is written.
        EngineError: As for :func:`analyze_corpus`, or a worker cannot see the output
            directory; nothing is written.
    """
    from analysis.write.parquet import DEFAULT_ROWS_PER_FILE

    root, lex, registry, items, problems = _prepare(
        corpus, lexicon, origins, outlets, partition_size
    )
    job = _ParquetJob(
        root=root,
        out=Path(out),
        items=items,
        problems=problems,
        registry=registry,
        lexicon=lex,
        partition_size=partition_size,
        progress=progress,
        cache=cache,
        period=period,
        min_count=min_count,
        stop_words=stop_words,
        provenance=provenance,
        rows_per_file=rows_per_file or DEFAULT_ROWS_PER_FILE,
    )
    if client is None:
        with dask_client(scheduler) as new:
            return job.run(new)
    return job.run(client)


@dataclasses.dataclass
class _ParquetJob:
    root: Path
    out: Path
    items: list[tuple[str, dict | None]]
    problems: list[str]
    registry: OutletRegistry
    lexicon: Lexicon
    partition_size: int | None
    progress: bool | None
    cache: str | Path | None
    period: str
    min_count: int
    stop_words: bool
    provenance: Mapping | Callable[[list[Document]], Mapping] | None
    rows_per_file: int

    def run(self, client: Client) -> list[Document]:
        from analysis.write.outputs import atomic_dir

        with atomic_dir(self.out) as tmp:
            try:
                return self._write(client, tmp)
            except BaseException:
                # a task still running on a worker may write a part while tmp is removed
                _remove_tree(tmp)
                raise

    def _write(self, client: Client, tmp: Path) -> list[Document]:
        import pandas as pd

        from analysis.read import corpus as corpus_mod
        from analysis.stats import compare
        from analysis.write.outputs import write_json
        from analysis.write.parquet import part_name, table_schema, write_parquet, write_part

        parts = _partitions(client, self.items, self.partition_size)
        n_parts = len(parts)
        for name in ("documents", *WORKER_TABLES):
            (tmp / name).mkdir()
        run = uuid.uuid4().hex[:12]
        futures = client.map(
            write_partition,
            [str(self.root.resolve())] * n_parts,
            [str(self.root)] * n_parts,
            parts,
            range(n_parts),
            registry=self.registry,
            lexicon=self.lexicon,
            cache_dir=None if self.cache is None else str(Path(self.cache).resolve()),
            out_dir=str(tmp.resolve()),
            n_parts=n_parts,
            key=[f"framing-partition-{run}-{i}" for i in range(n_parts)],
            pure=False,
        )
        show = sys.stderr.isatty() if self.progress is None else self.progress
        docs: list[Document] = []
        tables: list[pd.DataFrame] = []
        totals = _TermTotals()
        try:
            with _log_level(logging.WARNING):
                for summary in _gather(client, futures, parts, show):
                    self.problems.extend(summary.problems)
                    if summary.problems or self.problems:
                        continue  # the run fails: keep only the problems
                    docs.extend(summary.documents)
                    tables.append(summary.table)
                    totals.add(summary.term_totals)
        finally:
            client.cancel(futures)
        if self.problems:
            raise corpus_mod.CorpusError(self.problems)
        _check_parts(tmp, n_parts)

        corpus_mod.mark_duplicates(docs)
        documents = pd.concat(tables, ignore_index=True)
        documents["duplicate_of"] = [d.duplicate_of for d in docs]
        schema = table_schema("documents")
        start = 0
        for i, table in enumerate(tables):
            rows = documents.iloc[start : start + len(table)]
            write_part(rows, tmp / "documents" / part_name(i, n_parts), schema)
            start += len(table)
        del tables

        keyness = _keyness(totals.result(), documents, self.min_count, self.stop_words)
        write_parquet(keyness, tmp / "keyness", rows_per_file=self.rows_per_file)
        del keyness
        markers = _markers_in_order(tmp / "markers", docs, parts, self.lexicon)
        frame_rates = compare.frame_rates(markers, documents, period=self.period)
        write_parquet(frame_rates, tmp / "frame_rates", rows_per_file=self.rows_per_file)
        if self.provenance is not None:
            prov = self.provenance(docs) if callable(self.provenance) else self.provenance
            write_json(prov, tmp / "provenance.json")
        return docs


class _TermTotals:
    """Running ``origin, term, count`` sums of the partitions' term totals (bounded memory)."""

    BUFFER = 16

    def __init__(self) -> None:
        self._frames: list[pd.DataFrame] = []

    def add(self, frame: pd.DataFrame) -> None:
        self._frames.append(frame)
        if len(self._frames) >= self.BUFFER:
            self._frames = [self.result()]

    def result(self) -> pd.DataFrame:
        import pandas as pd

        if not self._frames:
            return pd.DataFrame({"origin": [], "term": [], "count": []})
        frame = pd.concat(self._frames, ignore_index=True)
        return frame.groupby(["origin", "term"], sort=False, as_index=False)["count"].sum()


def _keyness(
    totals: pd.DataFrame, documents: pd.DataFrame, min_count: int, stop_words: bool
) -> pd.DataFrame:
    """:func:`analysis.stats.compare.keyness` by origin from the per-origin term totals.

    Keyness only sees the origin × term count matrix, so one pseudo-document per origin
    (every origin of ``documents``, also one without terms) gives the same table as the
    per-document ``terms``.
    """
    import pandas as pd

    from analysis.stats import compare

    groups = sorted(set(documents["origin"].astype(str)))
    pseudo_docs = pd.DataFrame({"doc_id": groups, "origin": groups})
    terms = totals.rename(columns={"origin": "doc_id"})
    return compare.keyness(
        terms, pseudo_docs, by="origin", min_count=min_count, stop_words=stop_words
    )


def _markers_in_order(
    directory: Path, docs: list[Document], parts: list, lexicon: Lexicon
) -> pd.DataFrame:
    """The ``markers`` table read back from its parts, sorted by ``doc_id`` as the local one.

    Each part is sorted by ``doc_id``; parts follow the corpus (file) order, which is the
    ``doc_id`` order unless a name sorts differently without ``.txt`` (``a-b.txt`` comes
    before ``a.txt``, ``a`` before ``a-b``). Then the rows are put in ``doc_id`` order (each
    document has one row per lexicon marker) and the parts are rewritten.
    """
    import numpy as np
    import pandas as pd

    from analysis.write.parquet import part_name, table_schema, write_part

    n_parts = len(parts)
    paths = [directory / part_name(i, n_parts) for i in range(n_parts)]
    markers = pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)
    ids: list[str] = []
    sizes = []
    start = 0
    for part in parts:
        ids.extend(sorted(d.doc_id for d in docs[start : start + len(part)]))
        sizes.append(len(part))
        start += len(part)
    if all(a < b for a, b in zip(ids, ids[1:], strict=False)):
        return markers
    n_pairs = len(set(lexicon.markers))
    if len(markers) != len(ids) * n_pairs:  # pragma: no cover - marker_counts' contract
        raise EngineError(f"markers: {len(markers)} rows, expected {len(ids)} × {n_pairs}")
    order = np.asarray(sorted(range(len(ids)), key=ids.__getitem__), dtype="int64")
    rows = (order[:, None] * n_pairs + np.arange(n_pairs)).ravel()
    markers = markers.iloc[rows].reset_index(drop=True)
    schema = table_schema("markers")
    start = 0
    for path, n_docs in zip(paths, sizes, strict=True):
        write_part(markers.iloc[start : start + n_docs * n_pairs], path, schema)
        start += n_docs * n_pairs
    return markers


def _check_parts(tmp: Path, n_parts: int) -> None:
    """Every worker table has its ``n_parts`` files; leftovers of lost attempts are removed."""
    from analysis.write.parquet import part_name

    expected = {part_name(i, n_parts) for i in range(n_parts)}
    for name in WORKER_TABLES:
        found = set()
        for p in (tmp / name).iterdir():
            if p.name in expected:
                found.add(p.name)
            else:
                p.unlink()
        if found != expected:
            missing = sorted(expected - found)
            raise EngineError(
                f"{name}: {len(missing)} Parquet part(s) missing after the run (first "
                f"{missing[0]}); the workers must write to {tmp.parent} on a shared filesystem "
                "at the same path"
            )


def _remove_tree(path: Path, attempts: int = 50) -> None:
    """Remove ``path``, again while a still running (cancelled) task writes a last file."""
    for _ in range(attempts):
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            return
        time.sleep(0.1)
