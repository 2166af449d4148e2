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

import hashlib
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from analysis.config import DEFAULT_ORIGINS
from analysis.read import spill
from analysis.read.clean import clean_text, split_header
from analysis.read.columns import (
    ColumnMapping,
    iter_chunks,
    read_error,
    resolve_columns,
    table_columns,
    table_format,
)
from analysis.read.corpus import CorpusError, Document, documents_frame, duplicates_warning
from analysis.read.dateorder import DateSurvey
from analysis.read.dates import DateError, DateOrder, parse_iso_date
from analysis.read.dateshapes import DateParser
from analysis.read.outlets import OutletRegistry, load_outlets
from analysis.read.problems import BadRows, RowProblem
from analysis.read.resolve import (
    OutletResolver,
    Resolved,
    parse_origin_map,
    registry_origin_map,
)
from analysis.read.spill import TableCorpus

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ROW_ID_WIDTH",
    "cell",
    "survey_dates",
    "table_resolver",
    "iter_table_documents",
    "load_table",
    "read_table",
]

OnBadRow = Literal["error", "skip"]

#: Width of the zero-padded row number used as ``doc_id`` when the table has no id column.
ROW_ID_WIDTH = 6


def cell(value: object) -> str:
    """A table cell as a string (``None`` and NaN: empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    return value if isinstance(value, str) else str(value)


class _RowReader:
    """Validates and cleans rows one at a time; collects problems.

    Ids already seen are kept in the ``ids`` table of the spill file, not in memory: before
    each chunk, :meth:`begin_chunk` looks up the chunk's ids there; :meth:`end_chunk` adds
    the new ones.
    """

    def __init__(
        self,
        columns: ColumnMapping,
        resolver: OutletResolver,
        dates: DateParser,
        *,
        include_title: bool,
        conn,
        problems: BadRows,
    ):
        self.columns = columns
        self.resolver = resolver
        self.registry: OutletRegistry = resolver.registry
        self.dates = dates
        self.include_title = include_title
        self.conn = conn
        self.problems = problems
        self.seen: dict[str, int] = {}  # id → first row, for the ids of the current chunk
        self.new_ids: list[tuple[str, int]] = []
        self._role_column = {"outlet": columns.outlet or "", "origin": columns.origin or ""}

    def begin_chunk(self, values: Sequence[object]) -> None:
        """Look up which ids of the next chunk (its id cells) earlier chunks already had."""
        self.seen = spill.seen_ids(self.conn, list({cell(v).strip() for v in values}))

    def end_chunk(self) -> None:
        spill.add_ids(self.conn, self.new_ids)
        self.seen, self.new_ids = {}, []

    def read(self, rowno: int, values: Mapping[str, object]) -> tuple | None:
        """The row as a ``raw`` table tuple, or ``None`` (problems recorded) when bad."""
        cols = self.columns
        problems: list[RowProblem] = []
        doc_id = self._doc_id(rowno, values, problems)

        def bad(column: str | None, reason: str, detail: str, value: str = "") -> None:
            url = cell(values[cols.url]).strip() if cols.url else ""
            problems.append(RowProblem(rowno, doc_id, column or "", reason, detail, value, url))

        raw = cell(values[cols.text]).replace("\r\n", "\n").replace("\r", "\n")
        header_date, body = split_header(raw)
        if header_date is not None and parse_iso_date(header_date) is None:
            header_date, body = None, raw
        cleaned = clean_text(body, self.registry)
        title = " ".join(cell(values[cols.title]).split()) if cols.title else ""
        if not cleaned and not (self.include_title and title):
            bad(cols.text, "empty_text", "empty text" if not raw.strip() else "no text left")
        date, precision = self._date(values[cols.date], header_date, bad)
        found = self._outlet(values, body, bad)
        if problems or found is None:
            self.problems.add(problems)
            return None
        if self.include_title and title:
            text = f"{title}\n\n{cleaned}" if cleaned else title
        else:
            text = cleaned
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        file = cell(values[cols.file]).strip() if cols.file else ""
        meta = (found.outlet, found.origin, found.affiliation, date, title, file, text, sha)
        return (doc_id, rowno, *meta, precision, found.country, found.source)

    def _doc_id(self, rowno: int, values: Mapping[str, object], problems: list) -> str:
        """The row's id (empty and repeated ids are problems)."""
        cols = self.columns
        if cols.id is None:
            return f"{rowno:0{ROW_ID_WIDTH}d}"
        doc_id = cell(values[cols.id]).strip()
        if not doc_id:
            problems.append(RowProblem(rowno, doc_id, cols.id, "empty_id", "empty id"))
        elif doc_id in self.seen:
            detail = f"duplicate id (same as row {self.seen[doc_id]})"
            problems.append(RowProblem(rowno, doc_id, cols.id, "duplicate_id", detail))
        else:
            self.seen[doc_id] = rowno
            self.new_ids.append((doc_id, rowno))
        return doc_id

    def _date(self, value: object, header_date: str | None, bad) -> tuple[str | None, str]:
        """The row's date and its precision: its date cell, else the text's date header."""
        column = self.columns.date
        try:
            parsed = self.dates.parse(value)
        except DateError as e:
            if str(e) != "empty date":
                bad(column, "bad_date", f"unparsable date {cell(value)!r} ({e})")
            elif header_date is not None:
                return parse_iso_date(header_date), "day"
            else:
                bad(column, "bad_date", "empty date")
            return None, "day"
        return parsed.date, parsed.precision

    def _outlet(self, values: Mapping[str, object], body: str, bad) -> Resolved | None:
        """The row's resolved outlet (:class:`~analysis.read.resolve.OutletResolver`)."""
        cols = self.columns
        outlet = cell(values[cols.outlet]).strip() if cols.outlet else ""
        origin = cell(values[cols.origin]).strip() if cols.origin else ""
        url = cell(values[cols.url]).strip() if cols.url else ""
        if not url and cols.id:
            url = cell(values[cols.id]).strip()
        found, problems = self.resolver.resolve(outlet, origin, url, body)
        for role, reason, detail in problems:
            bad(
                self._role_column[role],
                reason,
                detail,
                outlet if reason == "unknown_outlet" else "",
            )
        return found


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
) -> TableCorpus:
    """Read, validate and clean a CSV, JSONL/NDJSON or Parquet table of articles.

    Rules: the text is cleaned like a directory corpus text (a leading `` date YYYY-MM-DD ``
    header is removed and used when the date cell is empty); dates are read as
    :mod:`analysis.read.dates` describes (ISO, month names, labels, numeric dates in one
    day/month order for the whole column, years, year-months; the UTC calendar date of a
    date-time with a zone); the outlet and origin are resolved in the order of
    :mod:`analysis.read.resolve` (origin column, outlet name, URL domain, dateline) and a
    known outlet gets its registry name. Without an id column, ``doc_id`` is the 1-based row
    number zero-padded to :data:`ROW_ID_WIDTH` digits. Exact duplicates (same analysed
    text) are kept, flagged in ``duplicate_of`` and reported with a
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
        date_order = survey_dates(path, fmt, mapping.date, chunksize).order(str(path))
    dates = DateParser(order=date_order, date_format=date_format)
    options = {"on_bad_row": on_bad_row, "include_title": include_title}
    corpus = _spill_table(path, fmt, mapping, resolver, dates, options, chunksize)
    return corpus


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


def _spill_table(path, fmt, mapping, resolver, dates, options, chunksize) -> TableCorpus:
    """Read every row into a new spill file; raise the bad rows' report (``error``)."""
    conn, tmp = spill.open_spill()
    problems = BadRows(keep_rows=options["on_bad_row"] == "skip")
    reader = _RowReader(
        mapping,
        resolver,
        dates,
        include_title=options["include_title"],
        conn=conn,
        problems=problems,
    )
    show_ids = mapping.id is not None
    report = lambda: problems.messages(str(path), show_ids, resolver.registry)  # noqa: E731
    try:
        n_rows = _read_rows(path, fmt, mapping, reader, chunksize)
        if n_rows == 0:
            raise CorpusError([f"{path}: empty table (no rows)"])
        if problems and options["on_bad_row"] == "error":
            raise CorpusError(report())
        n_dups, dups = spill.finish(conn)
        reading = {"date_order": dates.order, "date_format": dates.date_format}
        reading["origin_map"] = resolver.origin_map or None
        corpus = TableCorpus(
            path=path,
            format=fmt,
            columns=mapping,
            n_rows=n_rows,
            **options,
            skipped=problems.skipped_frame(),
            conn=conn,
            tmp=tmp,
            reading={k: v for k, v in reading.items() if v},
        )
    except BaseException:
        spill.close_spill(conn, tmp)
        raise
    if len(corpus) == 0:
        corpus.close()
        raise CorpusError(
            [f"{path}: all {n_rows} row(s) are bad and were skipped; no document left", *report()]
        )
    if n_dups:
        warnings.warn(duplicates_warning(dups, n_dups), stacklevel=3)
    return corpus


def survey_dates(path: Path, fmt: str, column: str, chunksize: int = 5000) -> DateSurvey:
    """A first pass over the date column of a table only (see
    :class:`~analysis.read.dateorder.DateSurvey`)."""
    survey = DateSurvey(column)
    row = 0
    try:
        for chunk in iter_chunks(path, fmt, [column], chunksize):
            for value in chunk[column]:
                row += 1
                survey.add(row, value)
    except CorpusError:
        raise
    except Exception as e:  # noqa: BLE001 - any reader failure is a bad input file
        raise read_error(path, e) from e
    return survey


def _read_rows(
    path: Path, fmt: str, mapping: ColumnMapping, reader: _RowReader, chunksize: int
) -> int:
    """Read, validate and spill every row; returns the number of rows read."""
    n_rows = 0
    used = mapping.used()
    try:
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
