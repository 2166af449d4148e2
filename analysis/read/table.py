"""Table corpora: CSV, JSONL/NDJSON and Parquet exports with one row per article.

News-archive and media-monitoring exports come as one table with a row per article, e.g.
``Source Name, Date, Original URL, Title, Content`` or ``media_name, publish_date, title, text``.
:func:`read_table` reads such a table **in chunks** (pandas ``chunksize``, pyarrow batches, or
lines), validates and cleans every row exactly as a directory corpus is cleaned
(:func:`analysis.read.clean.clean_text`), and spills the cleaned documents to a temporary
SQLite file (:mod:`analysis.read.spill`), so the memory of reading stays bounded whatever the
size of the table: ids already seen and the hashes used to flag duplicates are looked up in
that file too; only the list of skipped rows (``on_bad_row="skip"``) grows with the number of
bad rows. The result, a :class:`~analysis.read.spill.TableCorpus`, is a sequence of
:class:`~analysis.read.corpus.Document` sorted by ``doc_id`` that streams from that file.

The whole table is validated before anything is returned: by default a bad row (empty text,
unparsable date, unknown outlet without origin, bad origin, empty or duplicate id) raises one
:class:`~analysis.read.corpus.CorpusError` naming every bad row (number and id) and column; with
``on_bad_row="skip"`` such rows are skipped and listed in :attr:`TableCorpus.skipped`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from analysis.config import DEFAULT_ORIGINS
from analysis.read import spill
from analysis.read.columns import (
    ColumnMapping,
    iter_chunks,
    ragged_rows,
    read_error,
    resolve_columns,
    table_columns,
    table_format,
)
from analysis.read.corpus import CorpusError, Document, documents_frame, duplicates_warning
from analysis.read.dateorder import DateSurvey
from analysis.read.dates import DateOrder
from analysis.read.dateshapes import DateParser
from analysis.read.outlets import OutletRegistry, load_outlets
from analysis.read.problems import BadRows
from analysis.read.resolve import (
    OutletResolver,
    parse_origin_map,
    registry_origin_map,
)
from analysis.read.rows import RowReader
from analysis.read.spill import TableCorpus

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "TableScan",
    "scan_table",
    "survey_dates",
    "table_resolver",
    "iter_table_documents",
    "load_table",
    "read_table",
]

OnBadRow = Literal["error", "skip"]


def read_table(
    path: str | Path,
    *,
    text_col: str | None = None,
    date_col: str | None = None,
    outlet_col: str | None = None,
    origin_col: str | None = None,
    id_col: str | None = None,
    url_col: str | None = None,
    title_col: str | None = None,
    file_col: str | None = None,
    origins: Sequence[str] = DEFAULT_ORIGINS,
    outlets: str | Path | OutletRegistry | None = None,
    origin_map: str | Path | Mapping[str, str] | None = None,
    on_bad_row: OnBadRow = "error",
    include_title: bool = False,
    date_order: DateOrder | None = None,
    date_format: str | None = None,
    chunksize: int = 5000,
    on_rows: Callable[[str, int], object] | None = None,
    spill_dir: str | Path | None = None,
) -> TableCorpus:
    """Read, validate and clean a CSV, JSONL/NDJSON or Parquet table of articles.

    Rules: the text is cleaned like a directory corpus text (a leading `` date YYYY-MM-DD ``
    header is removed and used when the date cell is empty); dates are read as
    :mod:`analysis.read.dates` describes (ISO, month names, labels, numeric dates in one
    day/month order for the whole column, years, year-months; the UTC calendar date of a
    date-time with a zone); the outlet and origin are resolved in the order of
    :mod:`analysis.read.resolve` (origin column, outlet name, URL domain, dateline) and a
    known outlet gets its registry name. Without an id column, ``doc_id`` is the 1-based row
    number zero-padded to :data:`~analysis.read.rows.ROW_ID_WIDTH` digits. Exact duplicates
    (same analysed text) are kept, flagged in ``duplicate_of`` and reported with a
    :class:`~analysis.read.corpus.DuplicateWarning`.

    Args:
        path: The table file (``.csv``, ``.jsonl``, ``.ndjson``, ``.parquet``). The columns
            of a JSONL file are the keys of all its objects (see :func:`table_columns`).
        text_col, date_col, outlet_col, origin_col, id_col, url_col, title_col, file_col:
            Column names (one column may play several roles); default: recognised from
            :data:`~analysis.schema.COLUMN_ALIASES`. The file column gives
            ``documents.csv``'s ``file``; without it, or where it is empty, ``TABLE#ROW``.
        origins: Allowed origins.
        outlets: An outlet registry, or a TOML file extending the shipped one.
        origin_map: Origin-column values (and registry countries) → origins:
            ``RUS=russian,CHN=chinese,*=third-party``, a TOML file, or a mapping
            (:func:`~analysis.read.resolve.parse_origin_map`).
        on_bad_row: ``error`` (default): raise, naming the bad rows; ``skip``: skip bad rows
            and list them in :attr:`TableCorpus.skipped`.
        include_title: Analyse ``title + "\\n\\n" + text`` instead of the text alone; a row is
            then empty only when its title and text both are.
        date_order: ``dayfirst`` or ``monthfirst``: the order of numeric dates; default:
            decided from the column (:class:`~analysis.read.dateorder.DateSurvey`, a first
            pass over the date column only).
        date_format: A ``strptime`` format for every date (replaces every other date rule).
        chunksize: Rows read at a time.
        on_rows: Told ``(stage, n)`` as rows are read: ``"checking rows"`` (a CSV's fields
            counted), ``"reading dates"`` (the date order decided), ``"reading rows"``.
        spill_dir: Where the cleaned documents are spilled (a run's temporary folder;
            default: the system's temporary directory, see
            :func:`~analysis.read.spill.open_spill`).

    Returns:
        A :class:`~analysis.read.spill.TableCorpus` (documents sorted by ``doc_id``).

    Raises:
        CorpusError: unreadable table, missing columns, a date column whose day/month order
            is mixed or unknown, bad rows (with ``on_bad_row="error"``), or no document left.
    """
    if on_bad_row not in ("error", "skip"):
        raise ValueError(f"on_bad_row must be 'error' or 'skip', not {on_bad_row!r}")
    path = Path(path)
    fmt = table_format(path)
    roles = {"text": text_col, "date": date_col, "outlet": outlet_col, "origin": origin_col}
    roles |= {"id": id_col, "url": url_col, "title": title_col, "file": file_col}
    mapping = resolve_columns(
        table_columns(path), **{f"{r}_col": c for r, c in roles.items()}, where=str(path)
    )
    resolver = table_resolver(path, mapping, origins, outlets, parse_origin_map(origin_map))
    if date_order is None and date_format is None:
        date_order = survey_dates(path, fmt, mapping.date, chunksize, on_rows).order(str(path))
    dates = DateParser(order=date_order, date_format=date_format)
    scan = scan_table(
        path,
        mapping,
        resolver,
        dates,
        include_title=include_title,
        on_bad_row=on_bad_row,
        chunksize=chunksize,
        on_rows=on_rows,
        spill_dir=spill_dir,
    )
    report = scan.report(str(path), show_ids=mapping.id is not None)
    if scan.corpus is None:  # stopped at the bad rows
        raise CorpusError(report)
    if len(scan.corpus) == 0:
        scan.corpus.close()
        raise CorpusError(
            [f"{path}: all {scan.n_rows} row(s) are bad and were skipped; no document left"]
            + report
        )
    if scan.n_duplicates:
        warnings.warn(duplicates_warning(scan.duplicates, scan.n_duplicates), stacklevel=2)
    return scan.corpus


def table_resolver(
    path: Path,
    mapping: ColumnMapping,
    origins: Sequence[str],
    outlets: str | Path | OutletRegistry | None,
    origin_map: Mapping[str, str] | None,
) -> OutletResolver:
    """The outlet resolver of a table: the registry (its countries mapped by the origin
    map's country codes) and the origin map, checked against ``origins``."""
    if isinstance(outlets, OutletRegistry):
        registry = outlets
    else:
        registry = load_outlets(outlets, origin_map=registry_origin_map(origin_map))
    resolver = OutletResolver(
        registry, origins=origins, origin_map=origin_map, outlet_column=mapping.outlet is not None
    )
    resolver.check_map(str(path))
    return resolver


@dataclass
class TableScan:
    """What reading every row of a table found (:func:`scan_table`).

    Attributes:
        corpus: The documents; ``None`` when the scan stopped at bad rows, or counted
            only (``on_bad_row="count"``).
        bad_rows: The bad rows (:class:`~analysis.read.problems.BadRows`).
        registry: The outlet registry used (for the report's suggestions).
        n_rows: Rows read; ``n_documents`` the good ones.
        n_duplicates: Documents that are exact duplicates of another; ``duplicates`` the
            first ``(doc_id, duplicate_of)`` pairs (not with ``count``).
        outlets: With ``count``: ``(outlet, origin, country, outlet_source, n_documents)``
            of the good rows, most documents first.
    """

    corpus: TableCorpus | None
    bad_rows: BadRows
    registry: OutletRegistry
    n_rows: int = 0
    n_documents: int = 0
    n_duplicates: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    outlets: list[tuple] = field(default_factory=list)

    def report(self, where: str, *, show_ids: bool) -> list[str]:
        """The bad rows' report (no messages when there are none)."""
        return self.bad_rows.messages(where, show_ids, self.registry) if self.bad_rows else []


def scan_table(
    path: Path,
    mapping: ColumnMapping,
    resolver: OutletResolver,
    dates: DateParser,
    *,
    include_title: bool = False,
    on_bad_row: OnBadRow | Literal["count"] = "error",
    chunksize: int = 5000,
    on_rows: Callable[[str, int], object] | None = None,
    spill_dir: str | Path | None = None,
) -> TableScan:
    """Read, validate and spill every row of a table (the work of :func:`read_table`).

    Args:
        path, mapping, resolver, dates: The table, its columns, how outlets and dates are
            read.
        include_title: As :func:`read_table`.
        on_bad_row: ``error``: stop after the rows when one is bad (``corpus`` is ``None``);
            ``skip``: keep the good rows and list the bad ones in ``corpus.skipped``;
            ``count``: count documents, outlets and duplicates without keeping the texts
            (``framing inspect``).
        chunksize: Rows read at a time.
        on_rows: As :func:`read_table`.
        spill_dir: As :func:`read_table`.

    Raises:
        CorpusError: an unreadable or empty table.
    """
    conn, tmp = spill.open_spill(spill_dir)
    problems = BadRows(keep_rows=on_bad_row == "skip")
    reader = RowReader(
        mapping,
        resolver,
        dates,
        include_title=include_title,
        conn=conn,
        problems=problems,
        keep_text=on_bad_row != "count",
    )
    scan = TableScan(None, problems, resolver.registry)
    try:
        scan.n_rows = _read_rows(path, table_format(path), mapping, reader, chunksize, on_rows)
        if scan.n_rows == 0:
            raise CorpusError([f"{path}: empty table (no rows)"])
        if on_bad_row == "count" or (problems and on_bad_row == "error"):
            scan.n_documents, scan.n_duplicates, scan.outlets = spill.raw_counts(conn)
            spill.close_spill(conn, tmp)
            return scan
        scan.n_duplicates, scan.duplicates = spill.finish(conn)
        reading = {"date_order": dates.order, "date_format": dates.date_format}
        reading["origin_map"] = resolver.origin_map or None
        scan.corpus = TableCorpus(
            path=path,
            format=table_format(path),
            columns=mapping,
            n_rows=scan.n_rows,
            on_bad_row=on_bad_row,
            include_title=include_title,
            skipped=problems.skipped_frame(),
            conn=conn,
            tmp=tmp,
            reading={k: v for k, v in reading.items() if v},
        )
        scan.n_documents = len(scan.corpus)
    except BaseException:
        spill.close_spill(conn, tmp)
        raise
    return scan


def survey_dates(
    path: Path,
    fmt: str,
    column: str,
    chunksize: int = 5000,
    on_rows: Callable[[str, int], object] | None = None,
) -> DateSurvey:
    """A first pass over the date column of a table only (see
    :class:`~analysis.read.dateorder.DateSurvey`); ``on_rows`` as :func:`read_table`."""
    survey = DateSurvey(column)
    row = 0
    try:
        for chunk in iter_chunks(path, fmt, [column], chunksize):
            for value in chunk[column]:
                row += 1
                survey.add(row, value)
            if on_rows is not None:
                on_rows("reading dates", len(chunk[column]))
    except CorpusError:
        raise
    except Exception as e:  # noqa: BLE001 - any reader failure is a bad input file
        raise read_error(path, e) from e
    return survey


def _read_rows(
    path: Path,
    fmt: str,
    mapping: ColumnMapping,
    reader: RowReader,
    chunksize: int,
    on_rows: Callable[[str, int], object] | None = None,
) -> int:
    """Read, validate and spill every row; returns the number of rows read."""
    n_rows = 0
    used = mapping.used()
    try:
        if fmt == "csv":
            reader.width, reader.ragged = ragged_rows(
                path, None if on_rows is None else partial(on_rows, "checking rows")
            )
        for chunk in iter_chunks(path, fmt, used, chunksize):
            n = len(chunk[used[0]])
            if mapping.id is not None:
                reader.begin_chunk(chunk[mapping.id])
            rows = []
            for i in range(n):
                n_rows += 1
                doc = reader.read(n_rows, {c: chunk[c][i] for c in used})
                if doc is not None:
                    rows.append(doc)
            spill.insert_rows(reader.conn, rows)
            reader.end_chunk()
            if on_rows is not None:
                on_rows("reading rows", n)
    except CorpusError:
        raise
    except Exception as e:  # noqa: BLE001 - any reader failure is a bad input file
        raise read_error(path, e) from e
    return n_rows


def iter_table_documents(path: str | Path, **options) -> Iterator[Document]:
    """Validate the whole table (see :func:`read_table`), then yield its documents in order."""
    with read_table(path, **options) as corpus:
        yield from corpus


def load_table(path: str | Path, **options) -> pd.DataFrame:
    """A table corpus as a frame, one row per document (loads every text in memory).

    Columns: those of :func:`analysis.read.corpus.load_corpus` (``doc_id``, ``file``, ``outlet``,
    ``origin``, ``affiliation``, ``title``, ``date``, ``duplicate_of``, ``sha256``, ``text``).
    Options are those of :func:`read_table`.
    """
    with read_table(path, **options) as corpus:
        return documents_frame(list(corpus))
