"""``--engine dask --format parquet``: the workers write the per-document tables as Parquet
parts; the client writes ``documents``, ``keyness`` and ``frame_rates`` (see
:func:`analyze_to_parquet`).

Longer than ~400 lines because one job (the workers' parts and the client's tables) of the
Parquet output.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import socket
import sys
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.config import DEFAULT_ORIGINS
from analysis.runner.dask_engine import (
    WORKER_TABLES,
    dask_client,
    gather,
    partitions,
    prepare_corpus,
    process_partition,
    quiet_logs,
)
from analysis.runner.engines import EngineError

if TYPE_CHECKING:
    import pandas as pd
    from distributed import Client

    from analysis.document.lexicon import Lexicon
    from analysis.read.corpus import Document
    from analysis.read.outlets import OutletRegistry

__all__ = ["PartitionSummary", "analyze_to_parquet", "check_parts", "write_partition"]


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
    :data:`WORKER_TABLES`, rows in the order the local engine gives them (``markers``: its
    non-zero counts, sorted by ``doc_id`` within the partition). A file is written under a
    temporary name and renamed, so a task re-run after its worker died replaces whatever the
    lost attempt left. The table directories must exist: they are never created here. A
    partition with invalid files writes nothing.

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
    keyness_ci: bool = True,
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
      read back (its document bootstrap needs every document × marker count: the dense
      table, :func:`analysis.stats.marker_table.dense_markers`);
    - the ``keyness`` intervals and doc shares, ``rate_models`` and ``rate_trends``
      (:mod:`analysis.runner.model_tables`): computed by the client from the ``terms`` and
      ``markers`` parts read back (the document bootstrap needs every document × term count);
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
        min_count: ``keyness`` minimum count (see :func:`analysis.stats.keyness`).
        stop_words: ``keyness`` without spaCy's English stop words.
        provenance: ``provenance.json`` contents, or a function of the documents (metadata
            only, in corpus order) returning them; ``None``: no ``provenance.json``.
        rows_per_file: Rows per file of ``keyness`` and ``frame_rates`` (default
            :data:`analysis.write.parquet.DEFAULT_ROWS_PER_FILE`).
        keyness_ci: The keyness document-bootstrap intervals (``--no-keyness-ci``: empty).

    Returns:
        The documents in corpus order (metadata only, ``text`` empty).

    Raises:
        CorpusError: Invalid corpus (every file and problem listed); nothing is written.
        EngineError: As for :func:`analyze_corpus`, or a worker cannot see the output
            directory; nothing is written.
    """
    from analysis.write.parquet import DEFAULT_ROWS_PER_FILE

    root, lex, registry, items, problems = prepare_corpus(
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
        keyness_ci=keyness_ci,
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
    keyness_ci: bool = True

    def run(self, client: Client) -> list[Document]:
        from analysis.write.outdir import atomic_dir

        with atomic_dir(self.out) as tmp:
            try:
                return self._write(client, tmp)
            except BaseException:
                # a task still running on a worker may write a part while tmp is removed
                _remove_tree(tmp)
                raise

    def _write(self, client: Client, tmp: Path) -> list[Document]:
        from analysis.read import corpus as corpus_mod

        parts = partitions(client, self.items, self.partition_size)
        for name in ("documents", *WORKER_TABLES):
            (tmp / name).mkdir()
        docs, tables, totals = self._gather(client, self._submit(client, tmp, parts), parts)
        if self.problems:
            raise corpus_mod.CorpusError(self.problems)
        check_parts(tmp, len(parts))
        corpus_mod.mark_duplicates(docs)
        documents = self._write_documents(tmp, docs, tables)
        self._write_corpus_tables(tmp, docs, documents, parts, totals)
        return docs

    def _submit(self, client: Client, tmp: Path, parts: list) -> list:
        """One :func:`write_partition` task per partition."""
        n_parts = len(parts)
        run = uuid.uuid4().hex[:12]
        return client.map(
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

    def _gather(self, client: Client, futures: list, parts: list) -> tuple:
        """The tasks' documents, documents rows and term totals, in partition order (only
        the problems once any partition has one)."""
        show = sys.stderr.isatty() if self.progress is None else self.progress
        docs: list[Document] = []
        tables: list[pd.DataFrame] = []
        totals = _TermTotals()
        try:
            with quiet_logs(logging.WARNING):
                for summary in gather(client, futures, parts, show):
                    self.problems.extend(summary.problems)
                    if summary.problems or self.problems:
                        continue  # the run fails: keep only the problems
                    docs.extend(summary.documents)
                    tables.append(summary.table)
                    totals.add(summary.term_totals)
        finally:
            client.cancel(futures)
        return docs, tables, totals

    def _write_documents(self, tmp: Path, docs: list[Document], tables: list) -> pd.DataFrame:
        """``documents`` with ``duplicate_of`` filled in, one part per partition."""
        import pandas as pd

        from analysis.write.parquet import part_name, table_schema, write_part

        documents = pd.concat(tables, ignore_index=True)
        documents["duplicate_of"] = [d.duplicate_of for d in docs]
        schema = table_schema("documents")
        start = 0
        for i, table in enumerate(tables):
            rows = documents.iloc[start : start + len(table)]
            write_part(rows, tmp / "documents" / part_name(i, len(tables)), schema)
            start += len(table)
        return documents

    def _write_corpus_tables(self, tmp, docs, documents, parts, totals) -> None:
        """``keyness``, ``frame_rates``, the model tables and ``provenance.json``."""
        import pandas as pd

        from analysis.document.markers import marker_pairs
        from analysis.runner.model_tables import keyness_with_intervals, model_tables
        from analysis.stats.marker_table import dense_markers
        from analysis.stats.voice import frame_rates_by_voice
        from analysis.write.parquet import write_parquet
        from analysis.write.tables import write_json

        keyness_table = _keyness(totals.result(), documents, self.min_count, self.stop_words)
        terms = pd.read_parquet(tmp / "terms", columns=["doc_id", "term", "count"])
        keyness_table = keyness_with_intervals(
            keyness_table,
            terms,
            documents,
            min_count=self.min_count,
            stop_words=self.stop_words,
            intervals=self.keyness_ci,
        )
        del terms
        write_parquet(keyness_table, tmp / "keyness", rows_per_file=self.rows_per_file)
        del keyness_table
        # the statistics give a row to every marker of the lexicon, also one never found
        markers = dense_markers(
            _markers_in_order(tmp / "markers", docs, parts),
            documents["doc_id"],
            marker_pairs(self.lexicon),
        )
        # the voice of each match (their order does not matter: they are counted)
        matches = pd.read_parquet(tmp / "matches", columns=["doc_id", "frame", "marker", "voice"])
        rates = frame_rates_by_voice(markers, matches, documents, period=self.period)
        write_parquet(rates, tmp / "frame_rates", rows_per_file=self.rows_per_file)
        for name, table in model_tables(markers, documents).items():
            write_parquet(table, tmp / name, rows_per_file=self.rows_per_file)
        if self.provenance is not None:
            prov = self.provenance(docs) if callable(self.provenance) else self.provenance
            write_json(prov, tmp / "provenance.json")


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
    """:func:`analysis.stats.keyness` by origin from the per-origin term totals.

    Keyness only sees the origin × term count matrix, so one pseudo-document per origin
    (every origin of ``documents``, also one without terms) gives the same table as the
    per-document ``terms``.
    """
    import pandas as pd

    from analysis.stats.keyness import keyness

    groups = sorted(set(documents["origin"].astype(str)))
    pseudo_docs = pd.DataFrame({"doc_id": groups, "origin": groups})
    terms = totals.rename(columns={"origin": "doc_id"})
    return keyness(terms, pseudo_docs, by="origin", min_count=min_count, stop_words=stop_words)


def _markers_in_order(directory: Path, docs: list[Document], parts: list) -> pd.DataFrame:
    """The (sparse) ``markers`` table read back from its parts, sorted by ``doc_id`` as the
    local one.

    Each part is sorted by ``doc_id``; parts follow the corpus (file) order, which is the
    ``doc_id`` order unless a name sorts differently without ``.txt`` (``a-b.txt`` comes
    before ``a.txt``, ``a`` before ``a-b``). Then the rows are put in ``doc_id`` order (a
    stable sort: each document's rows stay in pair order) and the parts are rewritten, part
    ``i`` with the rows of the ``i``-th slice of the sorted documents (as many as partition
    ``i`` has).
    """
    import numpy as np
    import pandas as pd

    from analysis.write.parquet import part_name, table_schema, write_part

    n_parts = len(parts)
    paths = [directory / part_name(i, n_parts) for i in range(n_parts)]
    markers = pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)
    ids: list[str] = []
    ends = []
    start = 0
    for part in parts:
        ids.extend(sorted(d.doc_id for d in docs[start : start + len(part)]))
        start += len(part)
        ends.append(start)
    if all(a < b for a, b in zip(ids, ids[1:], strict=False)):
        return markers
    markers = markers.sort_values("doc_id", kind="stable", ignore_index=True)
    ids.sort()
    row_ids = markers["doc_id"].to_numpy(dtype=object)
    bounds = [0, *(int(np.searchsorted(row_ids, ids[e], side="left")) for e in ends[:-1])]
    bounds.append(len(markers))
    schema = table_schema("markers")
    for path, lo, hi in zip(paths, bounds[:-1], bounds[1:], strict=True):
        write_part(markers.iloc[lo:hi], path, schema)
    return markers


def check_parts(tmp: Path, n_parts: int) -> None:
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
