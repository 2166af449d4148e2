"""The on-disk spill of a corpus: cleaned documents in a temporary SQLite file.

:func:`open_spill` creates the file with the ``raw`` table (rows as they are read), the
``ids`` table (ids already seen) and the ``docs`` table that :func:`finish` fills in
``doc_id`` order with ``duplicate_of``; :class:`TableCorpus` streams documents from it.
Documents already made (a directory's, or the texts stripped of boilerplate) are spilled
as they come by :func:`spill_documents`, into a :class:`SpilledCorpus`: a corpus of
100,000 articles is not held in memory.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import sqlite3
import tempfile
import weakref
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, overload

from analysis.read.corpus import SHOWN_DUPLICATES, Document

if TYPE_CHECKING:
    import pandas as pd

    from analysis.read.columns import ColumnMapping

__all__ = [
    "ROW_FIELDS",
    "SPILL_PREFIX",
    "SpilledCorpus",
    "TableCorpus",
    "add_ids",
    "close_spill",
    "finish",
    "insert_rows",
    "open_spill",
    "raw_counts",
    "seen_ids",
    "spill_documents",
]

#: The columns of a read row (the ``raw`` table; ``docs`` adds ``pos`` and ``duplicate_of``).
ROW_FIELDS = (
    "doc_id",
    "row",
    "outlet",
    "origin",
    "affiliation",
    "date",
    "title",
    "file",
    "text",
    "sha256",
    "date_precision",
    "country",
    "outlet_source",
)
_TYPES = {"row": "INTEGER", "doc_id": "TEXT PRIMARY KEY"}
_SCHEMA = f"""
CREATE TABLE raw ({", ".join(f"{c} {_TYPES.get(c, 'TEXT')}" for c in ROW_FIELDS)});
CREATE TABLE docs (pos INTEGER PRIMARY KEY,
                   {", ".join(f"{c} {'INTEGER' if c == 'row' else 'TEXT'}" for c in ROW_FIELDS)},
                   duplicate_of TEXT, file_sha256 TEXT NOT NULL DEFAULT '');
CREATE TABLE ids (doc_id TEXT PRIMARY KEY, row INTEGER);
"""
_DOC_FIELDS = ", ".join((*ROW_FIELDS, "duplicate_of"))
#: What a :class:`SpilledCorpus` reads of a document (``file_sha256``: a file's, else empty).
_READ_FIELDS = f"{_DOC_FIELDS}, file_sha256"


#: The prefix of a spill folder (``framing-table-XXXXXXXX``).
SPILL_PREFIX = "framing-table-"


def open_spill(where: str | Path | None = None) -> tuple[sqlite3.Connection, Path]:
    """A new spill file with its (empty) tables, and the folder holding it.

    The folder carries its owner's process id (:mod:`analysis.write.owned`), so that one
    left by a killed process is removed later.

    Args:
        where: The folder to create it in: a run's temporary folder
            (:func:`analysis.write.outdir.scratch_dir`), removed with it and by the same
            cleanup of dead runs; ``None``: the system's temporary directory, where spill
            folders of dead processes are removed first.
    """
    from analysis.write.owned import claim, remove_stale

    if where is None:
        where = Path(tempfile.gettempdir())
        remove_stale(where, f"{SPILL_PREFIX}*")
    folder = Path(tempfile.mkdtemp(prefix=SPILL_PREFIX, dir=where))
    try:
        claim(folder)
        conn = sqlite3.connect(folder / "docs.sqlite", check_same_thread=False)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    try:
        # a temporary file, deleted on any failure: no rollback journal, no waiting for the disk
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.executescript(_SCHEMA)
    except BaseException:
        close_spill(conn, folder)
        raise
    return conn, folder


def close_spill(conn: sqlite3.Connection, folder: Path) -> None:
    """Close the spill file and remove its folder."""
    with contextlib.suppress(Exception):
        conn.close()
    shutil.rmtree(folder, ignore_errors=True)


class SpilledCorpus(Sequence[Document]):
    """Documents streamed in their order from a spill file (:func:`spill_documents`).

    Iterating reads the documents lazily from a temporary SQLite file (removed by
    :meth:`close`, at exit of a ``with`` block, when the object is garbage-collected or at
    the interpreter's exit; after a ``kill -9``, by the next reading, see :func:`open_spill`).
    """

    def __init__(self, conn: sqlite3.Connection, tmp: Path):
        self._conn = conn
        self._len = conn.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
        self._finalizer = weakref.finalize(self, close_spill, conn, tmp)

    def _file(self, file: str | None, row: int | None) -> str:
        """The document's ``file`` (as stored)."""
        return file or ""

    def _doc(self, r: tuple) -> Document:
        doc_id, row, outlet, origin, affiliation, date, title, file, text, sha, *rest = r
        precision, country, source, dup, file_sha = rest
        return Document(
            doc_id=doc_id,
            file=self._file(file, row),
            outlet=outlet,
            origin=origin,
            affiliation=affiliation,
            date=date,
            text=text,
            sha256=sha,
            duplicate_of=dup,
            title=title,
            date_precision=precision,
            country=country,
            outlet_source=source,
            file_sha256=file_sha,
        )

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[Document]:
        cur = self._conn.execute(f"SELECT {_READ_FIELDS} FROM docs ORDER BY pos")
        while rows := cur.fetchmany(256):
            for r in rows:
                yield self._doc(r)

    def fields(self, *names: str) -> Iterator[tuple]:
        """The values of these :class:`Document` fields of every document, in order (from
        the file, without making the documents)."""
        if bad := [n for n in names if n not in ROW_FIELDS]:
            raise ValueError(f"SpilledCorpus.fields: not a stored field: {', '.join(bad)}")
        cur = self._conn.execute(f"SELECT {', '.join(names)} FROM docs ORDER BY pos")
        return itertools.chain.from_iterable(iter(partial(cur.fetchmany, 4096), []))

    @overload
    def __getitem__(self, i: int) -> Document: ...
    @overload
    def __getitem__(self, i: slice) -> list[Document]: ...
    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._len))]
        if i < 0:
            i += self._len
        if not 0 <= i < self._len:
            raise IndexError(i)
        r = self._conn.execute(f"SELECT {_READ_FIELDS} FROM docs WHERE pos = ?", (i,)).fetchone()
        return self._doc(r)

    def __repr__(self) -> str:
        return f"SpilledCorpus(n_documents={self._len})"

    def close(self) -> None:
        """Remove the temporary file (the corpus cannot be iterated afterwards)."""
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class TableCorpus(SpilledCorpus):
    """The validated, cleaned documents of a table, sorted by ``doc_id``, streamed from disk
    (see :class:`SpilledCorpus`). ``Document.file`` is ``"<table file name>#<row>"``.

    Attributes:
        path: The table file.
        format: ``csv``, ``jsonl`` or ``parquet``.
        columns: The :class:`ColumnMapping` used.
        n_rows: Rows read from the table.
        on_bad_row: ``error`` or ``skip``.
        include_title: Whether titles were prepended to the analysed text.
        skipped: Skipped rows, columns :data:`SKIPPED_COLUMNS`: ``row`` (1-based data row),
            ``doc_id`` (the id the row would have had), ``column`` (the offending column),
            ``reason`` (``empty_text``, ``bad_date``, ``unknown_outlet``, ``no_outlet``,
            ``bad_origin``, ``empty_id``, ``duplicate_id``; the first problem of the row) and
            ``detail`` (every problem of the row, human-readable). Empty unless
            ``on_bad_row="skip"``.
        reading: How dates and origins were read, when not by default (``date_order``,
            ``date_format``, ``origin_map``); part of :meth:`provenance`.
    """

    def __init__(
        self,
        *,
        path: Path,
        format: str,
        columns: ColumnMapping,
        n_rows: int,
        on_bad_row: str,
        include_title: bool,
        skipped: pd.DataFrame,
        conn: sqlite3.Connection,
        tmp: Path,
        reading: Mapping[str, object] | None = None,
    ):
        self.path = path
        self.format = format
        self.columns = columns
        self.n_rows = n_rows
        self.on_bad_row = on_bad_row
        self.include_title = include_title
        self.skipped = skipped
        self.reading = dict(reading or {})
        super().__init__(conn, tmp)

    def _file(self, file: str | None, row: int | None) -> str:
        return file or f"{self.path.name}#{row}"

    def __repr__(self) -> str:
        return (
            f"TableCorpus({str(self.path)!r}, n_rows={self.n_rows}, n_documents={self._len}, "
            f"n_skipped={len(self.skipped)})"
        )

    def provenance(self) -> dict:
        """What was read and how: table, format, columns, options, row and skip counts."""
        return {
            "table": self.path.name,
            "format": self.format,
            "columns": asdict(self.columns),
            "on_bad_row": self.on_bad_row,
            "include_title": self.include_title,
            "n_rows": self.n_rows,
            "n_documents": self._len,
            "n_skipped": len(self.skipped),
            "skipped_by_reason": dict(sorted(Counter(self.skipped["reason"]).items())),
            **self.reading,
        }


def finish(conn: sqlite3.Connection) -> tuple[int, list[tuple[str, str]]]:
    """Copy ``raw`` into ``docs`` in doc_id order, filling ``duplicate_of``.

    A document is a duplicate of the smallest doc_id with the same sha256 (looked up in an
    index, so memory stays bounded). Returns the number of duplicates and the first
    :data:`~analysis.read.corpus.SHOWN_DUPLICATES` ``(doc_id, duplicate_of)`` pairs.
    """
    conn.execute("CREATE INDEX raw_sha ON raw (sha256, doc_id)")
    out = conn.cursor()
    cur = conn.execute(
        f"SELECT {', '.join(ROW_FIELDS)}, "
        "(SELECT MIN(r.doc_id) FROM raw AS r WHERE r.sha256 = raw.sha256) "
        "FROM raw ORDER BY doc_id"
    )
    pos = 0
    n_dups = 0
    dups: list[tuple[str, str]] = []
    marks = ",".join("?" * (len(ROW_FIELDS) + 2))
    while rows := cur.fetchmany(1024):
        batch = []
        for *r, first in rows:
            dup = "" if first == r[0] else first
            if dup:
                n_dups += 1
                if len(dups) < SHOWN_DUPLICATES:
                    dups.append((r[0], dup))
            batch.append((pos, *r, dup))
            pos += 1
        out.executemany(f"INSERT INTO docs (pos, {_DOC_FIELDS}) VALUES ({marks})", batch)
    conn.execute("DROP TABLE raw")
    conn.execute("DROP TABLE ids")
    conn.commit()
    return n_dups, dups


def spill_documents(
    chunks: Iterable[Iterable[Document]], where: str | Path | None = None
) -> tuple[SpilledCorpus, int, list[tuple[str, str]]]:
    """Documents written to a new spill file in their order, chunk by chunk, with
    ``duplicate_of`` filled as :func:`finish` does (the smallest doc_id with the same
    ``sha256``; doc_ids must be unique).

    Args:
        chunks: The documents, in order, in chunks (a chunk at a time is held).
        where: The folder of the spill (see :func:`open_spill`).

    Returns:
        The :class:`SpilledCorpus`, the number of duplicates and the first
        :data:`~analysis.read.corpus.SHOWN_DUPLICATES` ``(doc_id, duplicate_of)`` pairs in
        doc_id order.
    """
    conn, tmp = open_spill(where)
    try:
        marks = ",".join("?" * (len(ROW_FIELDS) + 3))  # pos, the fields, the two added
        query = f"INSERT INTO docs (pos, {_READ_FIELDS}) VALUES ({marks})"
        pos = 0
        for chunk in chunks:
            rows = [(pos + k, *_stored(d)) for k, d in enumerate(chunk)]
            conn.executemany(query, rows)
            pos += len(rows)
        conn.execute("CREATE INDEX docs_sha ON docs (sha256, doc_id)")
        conn.execute(
            "UPDATE docs SET duplicate_of = first.doc_id FROM "
            "(SELECT sha256, MIN(doc_id) AS doc_id FROM docs GROUP BY sha256) AS first "
            "WHERE docs.sha256 = first.sha256 AND docs.doc_id != first.doc_id"
        )
        n_dups = conn.execute("SELECT COUNT(*) FROM docs WHERE duplicate_of != ''").fetchone()[0]
        dups = conn.execute(
            "SELECT doc_id, duplicate_of FROM docs WHERE duplicate_of != '' "
            f"ORDER BY doc_id LIMIT {SHOWN_DUPLICATES}"
        ).fetchall()
        conn.execute("DROP TABLE raw")
        conn.execute("DROP TABLE ids")
        conn.commit()
        return SpilledCorpus(conn, tmp), n_dups, dups
    except BaseException:
        close_spill(conn, tmp)
        raise


def _stored(d: Document) -> tuple:
    """A document's values in the order of :data:`_READ_FIELDS` (no row; no duplicate_of
    yet)."""
    values = (None if f == "row" else getattr(d, f) for f in ROW_FIELDS)
    return (*values, "", d.file_sha256)


def insert_rows(conn: sqlite3.Connection, rows: Sequence[tuple]) -> None:
    """Add read rows (tuples of :data:`ROW_FIELDS`) to the ``raw`` table."""
    conn.executemany(f"INSERT INTO raw VALUES ({','.join('?' * len(ROW_FIELDS))})", rows)


def seen_ids(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, int]:
    """Which of ``ids`` the ``ids`` table has, with the row that first had each."""
    seen: dict[str, int] = {}
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        marks = ",".join("?" * len(part))
        query = f"SELECT doc_id, row FROM ids WHERE doc_id IN ({marks})"
        seen.update(conn.execute(query, part))
    return seen


def add_ids(conn: sqlite3.Connection, pairs: Sequence[tuple[str, int]]) -> None:
    """Record ``(doc_id, row)`` pairs in the ``ids`` table."""
    conn.executemany("INSERT INTO ids VALUES (?, ?)", pairs)


def raw_counts(conn: sqlite3.Connection) -> tuple[int, int, list[tuple]]:
    """From the ``raw`` table (before :func:`finish`): the number of rows, of exact
    duplicates (rows whose sha256 an earlier doc_id has), and the rows by ``outlet, origin,
    country, outlet_source`` (most first)."""
    n, distinct = conn.execute("SELECT COUNT(*), COUNT(DISTINCT sha256) FROM raw").fetchone()
    cols = "outlet, origin, country, outlet_source"
    outlets = conn.execute(
        f"SELECT {cols}, COUNT(*) AS n FROM raw GROUP BY {cols} ORDER BY n DESC, {cols}"
    ).fetchall()
    return n, n - distinct, outlets
