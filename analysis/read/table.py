"""Table corpora: CSV, JSONL/NDJSON and Parquet exports with one row per article.

News-archive and media-monitoring exports come as one table with a row per article, e.g.
``Source Name, Date, Original URL, Title, Content`` or ``media_name, publish_date, title, text``.
:func:`read_table` reads such a table **in chunks** (pandas ``chunksize``, pyarrow batches, or
lines), validates and cleans every row exactly as a directory corpus is cleaned
(:func:`analysis.read.corpus.clean_text`), and spills the cleaned documents to a temporary SQLite
file, so the memory of reading stays bounded whatever the size of the table: ids already
seen and the hashes used to flag duplicates are looked up in that file too; only the list of
skipped rows (``on_bad_row="skip"``) grows with the number of bad rows. The result, a
:class:`TableCorpus`, is a sequence of :class:`~analysis.read.corpus.Document` sorted by ``doc_id``
that streams from that file.

The whole table is validated before anything is returned: by default a bad row (empty text,
unparsable date, unknown outlet without origin, bad origin, empty or duplicate id) raises one
:class:`~analysis.read.corpus.CorpusError` naming every bad row (number and id) and column; with
``on_bad_row="skip"`` such rows are skipped and listed in :attr:`TableCorpus.skipped`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sqlite3
import tempfile
import warnings
import weakref
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from datetime import date as Date
from pathlib import Path
from typing import Literal, overload

import pandas as pd

from analysis.config import DEFAULT_ORIGINS
from analysis.read.corpus import (
    TABLE_FORMATS,
    CorpusError,
    Document,
    DuplicateWarning,
    clean_text,
    find_dateline,
    is_table,
    split_header,
)
from analysis.read.outlets import OutletRegistry, load_outlets
from analysis.read.outlets import _norm as _outlet_key  # the registry's name matching
from analysis.schema import COLUMN_ALIASES, SKIPPED_COLUMNS

__all__ = [
    "COLUMN_ALIASES",
    "SKIPPED_COLUMNS",
    "TABLE_FORMATS",
    "ColumnMapping",
    "TableCorpus",
    "is_table",
    "iter_table_documents",
    "load_table",
    "parse_date",
    "read_table",
    "resolve_columns",
    "table_columns",
]

OnBadRow = Literal["error", "skip"]


#: Width of the zero-padded row number used as ``doc_id`` when the table has no id column.
ROW_ID_WIDTH = 6

_MAX_LISTED = 50
_MAX_ROWS_PER_OUTLET = 5  # rows (and ids) listed per unknown outlet
_MAX_SPELLINGS = 5  # spellings listed per unknown outlet
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- columns


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", str(name).casefold())


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which column of a table plays which role (``None``: the table has no such column)."""

    text: str
    date: str
    outlet: str | None = None
    origin: str | None = None
    id: str | None = None
    title: str | None = None
    file: str | None = None

    def used(self) -> list[str]:
        """The distinct columns read from the table, in role order."""
        return list(dict.fromkeys(c for c in asdict(self).values() if c is not None))


def resolve_columns(
    columns: Sequence[str],
    *,
    text_col: str | None = None,
    date_col: str | None = None,
    outlet_col: str | None = None,
    origin_col: str | None = None,
    id_col: str | None = None,
    title_col: str | None = None,
    file_col: str | None = None,
    where: str = "table",
) -> ColumnMapping:
    """Map roles to the columns of a table.

    An explicit ``*_col`` must name a column (exactly, else case-insensitively); without it
    the first name of :data:`COLUMN_ALIASES` present in ``columns`` is used.

    Args:
        columns: The table's column names.
        text_col, date_col, outlet_col, origin_col, id_col, title_col, file_col: Explicit
            column names.
        where: The table's name, for error messages.

    Raises:
        CorpusError: a named column is missing, a name is ambiguous, or no text or date column
            can be found.
    """
    explicit = {
        "text": text_col,
        "date": date_col,
        "outlet": outlet_col,
        "origin": origin_col,
        "id": id_col,
        "title": title_col,
        "file": file_col,
    }
    by_norm: dict[str, list[str]] = {}
    for c in columns:
        by_norm.setdefault(_norm(c), []).append(str(c))
    available = ", ".join(repr(str(c)) for c in columns) or "(none)"
    problems: list[str] = []
    found: dict[str, str | None] = {}
    for role, name in explicit.items():
        if name is not None:
            if name in columns:
                found[role] = name
                continue
            matches = by_norm.get(_norm(name), [])
            if len(matches) == 1:
                found[role] = matches[0]
            else:
                problems.append(
                    f"{where}: --{role}-col {name!r} is not a column of the table"
                    + (f" (ambiguous: {', '.join(map(repr, matches))})" if matches else "")
                    + f"; columns are {available}"
                )
            continue
        found[role] = None
        for alias in COLUMN_ALIASES[role]:
            matches = by_norm.get(_norm(alias), [])
            if len(matches) > 1:
                problems.append(
                    f"{where}: columns {', '.join(map(repr, matches))} could all be the {role} "
                    f"column; choose one with --{role}-col"
                )
            if matches:
                found[role] = matches[0]
                break
    for role in ("text", "date"):
        if found.get(role) is None and explicit[role] is None:
            names = ", ".join(COLUMN_ALIASES[role])
            problems.append(
                f"{where}: no {role} column (looked for {names}, case-insensitively); "
                f"name it with --{role}-col; columns are {available}"
            )
    if problems:
        raise CorpusError(problems)
    return ColumnMapping(**found)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- reading chunks


def _format(path: Path) -> str:
    fmt = TABLE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise CorpusError(
            [f"{path}: not a table file (expected one of {', '.join(sorted(TABLE_FORMATS))})"]
        )
    if not path.is_file():
        raise CorpusError([f"{path}: no such file"])
    return fmt


def _read_error(path: Path, e: Exception) -> CorpusError:
    if isinstance(e, UnicodeDecodeError):
        return CorpusError([f"{path}: not valid UTF-8 ({e.reason} at byte {e.start})"])
    return CorpusError([f"{path}: cannot read the table: {e}"])


def _jsonl_records(path: Path) -> Iterator[tuple[int, dict]]:
    with open(path, encoding="utf-8-sig") as f:
        for lineno, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise CorpusError([f"{path}: line {lineno}: invalid JSON: {e.msg}"]) from e
            if not isinstance(record, dict):
                raise CorpusError([f"{path}: line {lineno}: expected a JSON object per line"])
            yield lineno, record


def _jsonl_keys(path: Path) -> list[str]:
    """Every key of every object, in order of first appearance (one pass, one line at a time)."""
    keys: dict[str, None] = {}
    for _, record in _jsonl_records(path):
        if not record.keys() <= keys.keys():
            keys.update(dict.fromkeys(record))
    return list(keys)


def table_columns(path: str | Path) -> list[str]:
    """The column names of a table file.

    For JSONL, the union of the keys of all objects, in order of first appearance (a key that
    only later lines have is a column too; an object without it has an empty value there).
    This reads the whole file once, one line at a time, and checks that every line is a JSON
    object.
    """
    path = Path(path)
    fmt = _format(path)
    try:
        if fmt == "csv":
            return [str(c) for c in pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns]
        if fmt == "jsonl":
            return _jsonl_keys(path)
        import pyarrow.parquet as pq

        return list(pq.ParquetFile(path).schema_arrow.names)
    except CorpusError:
        raise
    except pd.errors.EmptyDataError:
        return []
    except Exception as e:  # noqa: BLE001 - any reader failure is a bad input file
        raise _read_error(path, e) from e


def _chunks(path: Path, fmt: str, columns: list[str], chunksize: int) -> Iterator[dict[str, list]]:
    """Column → values, ``chunksize`` rows at a time, in table order."""
    if fmt == "csv":
        reader = pd.read_csv(
            path,
            usecols=columns,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            chunksize=chunksize,
        )
        with reader:
            for chunk in reader:
                yield {c: chunk[c].tolist() for c in columns}
    elif fmt == "jsonl":
        batch: list[dict] = []
        for _, record in _jsonl_records(path):
            batch.append(record)
            if len(batch) == chunksize:
                yield {c: [r.get(c) for r in batch] for c in columns}
                batch = []
        if batch:
            yield {c: [r.get(c) for r in batch] for c in columns}
    else:
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(batch_size=chunksize, columns=columns):
            yield batch.to_pydict()


# --------------------------------------------------------------------------- values


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    return value if isinstance(value, str) else str(value)


def parse_date(value: object) -> str | None:
    """The calendar date in UTC of an ISO date or date-time, as ``YYYY-MM-DD``.

    Accepts ``2023-05-04``, ``2023-05-04T12:30:00Z``, ``2023-05-04 23:30:00-05:00`` (→
    ``2023-05-05``) and ``datetime``/``date`` objects (typed Parquet columns). A date-time
    without a time zone is taken to be in UTC.

    Returns:
        The ISO date, or ``None`` when ``value`` is empty or not an ISO date/date-time.
    """
    if isinstance(value, datetime):
        moment = value if value.tzinfo is None else value.astimezone(UTC)
        return moment.date().isoformat()
    if isinstance(value, Date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    s = value.strip()
    try:
        if _DATE.fullmatch(s):
            return Date.fromisoformat(s).isoformat()
        if _DATETIME.fullmatch(s):
            return parse_date(datetime.fromisoformat(s.upper().replace(",", ".")))
    except ValueError:
        return None
    return None


# --------------------------------------------------------------------------- the corpus

_SCHEMA = """
CREATE TABLE raw (doc_id TEXT PRIMARY KEY, row INTEGER, outlet TEXT, origin TEXT,
                  affiliation TEXT, date TEXT, title TEXT, file TEXT, text TEXT, sha256 TEXT);
CREATE TABLE docs (pos INTEGER PRIMARY KEY, doc_id TEXT, row INTEGER, outlet TEXT,
                   origin TEXT, affiliation TEXT, date TEXT, title TEXT, file TEXT, text TEXT,
                   sha256 TEXT, duplicate_of TEXT);
CREATE TABLE ids (doc_id TEXT PRIMARY KEY, row INTEGER);
"""
_DOC_FIELDS = (
    "doc_id, row, outlet, origin, affiliation, date, title, file, text, sha256, duplicate_of"
)


def _close(conn: sqlite3.Connection, tmp: tempfile.TemporaryDirectory) -> None:
    with contextlib.suppress(Exception):
        conn.close()
    tmp.cleanup()


class TableCorpus(Sequence[Document]):
    """The validated, cleaned documents of a table, sorted by ``doc_id``, streamed from disk.

    Iterating reads the documents lazily from a temporary SQLite file (removed by
    :meth:`close`, at exit of a ``with`` block, or when the object is garbage-collected).
    ``Document.file`` is ``"<table file name>#<row>"``.

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
        tmp: tempfile.TemporaryDirectory,
    ):
        self.path = path
        self.format = format
        self.columns = columns
        self.n_rows = n_rows
        self.on_bad_row = on_bad_row
        self.include_title = include_title
        self.skipped = skipped
        self._conn = conn
        self._len = conn.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
        self._finalizer = weakref.finalize(self, _close, conn, tmp)

    def _doc(self, r: tuple) -> Document:
        doc_id, row, outlet, origin, affiliation, date, title, file, text, sha, dup = r
        return Document(
            doc_id=doc_id,
            file=file or f"{self.path.name}#{row}",
            outlet=outlet,
            origin=origin,
            affiliation=affiliation,
            date=date,
            text=text,
            sha256=sha,
            duplicate_of=dup,
            title=title,
        )

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[Document]:
        cur = self._conn.execute(f"SELECT {_DOC_FIELDS} FROM docs ORDER BY pos")
        while rows := cur.fetchmany(256):
            for r in rows:
                yield self._doc(r)

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
        r = self._conn.execute(f"SELECT {_DOC_FIELDS} FROM docs WHERE pos = ?", (i,)).fetchone()
        return self._doc(r)

    def __repr__(self) -> str:
        return (
            f"TableCorpus({str(self.path)!r}, n_rows={self.n_rows}, n_documents={self._len}, "
            f"n_skipped={len(self.skipped)})"
        )

    def close(self) -> None:
        """Remove the temporary file (the corpus cannot be iterated afterwards)."""
        self._finalizer()

    def __enter__(self) -> TableCorpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
        }


@dataclass(slots=True)
class _Problem:
    row: int
    doc_id: str
    column: str
    reason: str
    detail: str
    value: str = ""


@dataclass(slots=True)
class _UnknownOutlet:
    """The rows of one unknown outlet (spellings equal up to the registry's normalisation)."""

    n_rows: int = 0
    #: spelling → [rows, first row]
    spellings: dict[str, list[int]] = field(default_factory=dict)
    #: the first (row, doc_id) pairs, at most _MAX_ROWS_PER_OUTLET
    rows: list[tuple[int, str]] = field(default_factory=list)

    def add(self, p: _Problem) -> None:
        self.n_rows += 1
        self.spellings.setdefault(p.value, [0, p.row])[0] += 1
        if len(self.rows) < _MAX_ROWS_PER_OUTLET:
            self.rows.append((p.row, p.doc_id))

    def names(self) -> list[str]:
        """Its spellings, most frequent first (ties: the one seen first)."""
        return sorted(self.spellings, key=lambda s: (-self.spellings[s][0], self.spellings[s][1]))


class _Problems:
    """The bad rows seen so far, in bounded memory.

    Keeps what the error message shows (the first :data:`_MAX_LISTED` bad rows, counts per
    reason, one entry per unknown outlet with its first rows) and, only when the rows are
    skipped, one ``skipped.csv`` row per bad row (the :attr:`TableCorpus.skipped` frame).
    """

    def __init__(self, keep_rows: bool):
        self.n_bad_rows = 0
        self.listed: list[list[_Problem]] = []  # first bad rows, without unknown_outlet
        self.n_listed_rows = 0  # rows with a problem other than unknown_outlet
        self.reasons: Counter[str] = Counter()  # problems other than unknown_outlet
        self.unknown: dict[str, _UnknownOutlet] = {}  # by normalised name
        self.outlet_column = ""
        self.skipped: list[tuple] | None = [] if keep_rows else None

    def __bool__(self) -> bool:
        return self.n_bad_rows > 0

    def add(self, problems: list[_Problem]) -> None:
        """Record the problems of one row (in row order)."""
        self.n_bad_rows += 1
        others = []
        for p in problems:
            if p.reason == "unknown_outlet":
                self.unknown.setdefault(_outlet_key(p.value), _UnknownOutlet()).add(p)
                self.outlet_column = p.column
            else:
                others.append(p)
                self.reasons[p.reason] += 1
        if others:
            self.n_listed_rows += 1
            if len(self.listed) < _MAX_LISTED:
                self.listed.append(others)
        if self.skipped is not None:
            first = problems[0]
            detail = "; ".join(f"column {p.column!r}: {p.detail}" for p in problems)
            self.skipped.append((first.row, first.doc_id, first.column, first.reason, detail))

    def messages(self, where: str, origins: Sequence[str], show_ids: bool) -> list[str]:
        """One message per bad row (capped), plus one grouped message for unknown outlets."""
        messages = []
        for ps in self.listed:
            details = "; ".join(f"column {p.column!r}: {p.detail}" for p in ps)
            messages.append(f"{where}: row {ps[0].row} (id {ps[0].doc_id!r}): {details}")
        if self.n_listed_rows > len(self.listed):
            messages.append(
                f"{where}: … and {self.n_listed_rows - len(self.listed)} more bad row(s) not "
                f"shown (problems by reason: {dict(sorted(self.reasons.items()))}); use "
                "--on-bad-row skip to skip them and list every one in skipped.csv"
            )
        if self.unknown:
            messages.append(self._unknown_message(where, origins, show_ids))
        return messages

    def _unknown_message(self, where: str, origins: Sequence[str], show_ids: bool) -> str:
        groups = [(u.names(), u) for u in self.unknown.values()]
        groups.sort(key=lambda g: (-g[1].n_rows, g[0][0]))
        n = sum(u.n_rows for u in self.unknown.values())
        lines = [
            f"{where}: {n} row(s) have an outlet that is not in the outlet registry and no "
            f"origin (column {self.outlet_column!r}); {len(groups)} unknown outlet(s):"
        ]
        for names, u in groups[:_MAX_LISTED]:
            if show_ids:
                shown = ", ".join(f"{r} (id {i!r})" for r, i in u.rows)
            else:
                shown = ", ".join(str(r) for r, _ in u.rows)
            more = f", … ({u.n_rows - len(u.rows)} more)" if u.n_rows > len(u.rows) else ""
            line = f"  {names[0]!r}: {u.n_rows} row(s): row{'s' if u.n_rows > 1 else ''} "
            line += f"{shown}{more}"
            if len(names) > 1:
                others = ", ".join(map(repr, names[1:_MAX_SPELLINGS]))
                extra = len(names) - _MAX_SPELLINGS
                line += f"; also written {others}" + (f", … ({extra} more)" if extra > 0 else "")
            lines.append(line)
        if len(groups) > _MAX_LISTED:
            lines.append(f"  … and {len(groups) - _MAX_LISTED} more unknown outlet(s)")
        example = groups[0][0][0].replace('"', '\\"')
        lines += [
            "Add them to a TOML file and pass it with --outlets FILE.toml, e.g.",
            f'  [outlets."{example}"]',
            f'  origin = "{origins[0]}"        # one of {", ".join(origins)}',
            '  affiliation = "other"      # state | independent | other',
            "  variants = []              # other spellings of the name",
            "or give their origin in an origin column (--origin-col).",
        ]
        return "\n".join(lines)

    def skipped_frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.skipped or [], columns=list(SKIPPED_COLUMNS))
        return df.astype({"row": "int64"})


class _RowReader:
    """Validates and cleans rows one at a time; collects problems.

    Ids already seen are kept in the ``ids`` table of ``conn``, not in memory: before each
    chunk, :meth:`begin_chunk` looks up the chunk's ids there; :meth:`end_chunk` adds the new
    ones.
    """

    def __init__(
        self,
        where: str,
        columns: ColumnMapping,
        registry,
        origins,
        include_title,
        conn: sqlite3.Connection,
        problems: _Problems,
    ):
        self.where = where
        self.columns = columns
        self.registry: OutletRegistry = registry
        self.origins = tuple(origins)
        self.include_title = include_title
        self.conn = conn
        self.problems = problems
        self.seen: dict[str, int] = {}  # id → first row, for the ids of the current chunk
        self.new_ids: list[tuple[str, int]] = []

    def begin_chunk(self, values: Sequence[object]) -> None:
        """Look up which ids of the next chunk (its id cells) earlier chunks already had."""
        ids = list({_cell(v).strip() for v in values})
        self.seen = {}
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            query = f"SELECT doc_id, row FROM ids WHERE doc_id IN ({marks})"
            self.seen.update(self.conn.execute(query, part))

    def end_chunk(self) -> None:
        self.conn.executemany("INSERT INTO ids VALUES (?, ?)", self.new_ids)
        self.seen, self.new_ids = {}, []

    def read(self, rowno: int, values: Mapping[str, object]) -> tuple | None:
        """The row as a ``raw`` table tuple, or ``None`` (problems recorded) when bad."""
        cols = self.columns
        problems: list[_Problem] = []

        def bad(column: str | None, reason: str, detail: str, value: str = "") -> None:
            problems.append(_Problem(rowno, doc_id, column or "", reason, detail, value))

        if cols.id is None:
            doc_id = f"{rowno:0{ROW_ID_WIDTH}d}"
        else:
            doc_id = _cell(values[cols.id]).strip()
            if not doc_id:
                bad(cols.id, "empty_id", "empty id")
            elif doc_id in self.seen:
                bad(cols.id, "duplicate_id", f"duplicate id (same as row {self.seen[doc_id]})")
            else:
                self.seen[doc_id] = rowno
                self.new_ids.append((doc_id, rowno))

        raw = _cell(values[cols.text]).replace("\r\n", "\n").replace("\r", "\n")
        header_date, body = split_header(raw)
        if header_date is not None and parse_date(header_date) is None:
            header_date, body = None, raw
        cleaned = clean_text(body, self.registry)
        if not cleaned:
            bad(cols.text, "empty_text", "empty text" if not raw.strip() else "no text left")

        date_value = values[cols.date]
        date = parse_date(date_value)
        if date is None:
            if _cell(date_value).strip():
                bad(
                    cols.date,
                    "bad_date",
                    f"unparsable date {_cell(date_value)!r} (expected an ISO date "
                    "YYYY-MM-DD or date-time such as 2023-05-04T12:30:00Z)",
                )
            elif header_date is not None:
                date = parse_date(header_date)
            else:
                bad(cols.date, "bad_date", "empty date")

        outlet_value = _cell(values[cols.outlet]).strip() if cols.outlet else ""
        origin_value = _cell(values[cols.origin]).strip() if cols.origin else ""
        outlet = origin = affiliation = ""
        if origin_value and origin_value not in self.origins:
            bad(
                cols.origin,
                "bad_origin",
                f"origin {origin_value!r} is not allowed (allowed: {', '.join(self.origins)})",
            )
        if outlet_value:
            known = self.registry.lookup(outlet_value)
            outlet = known.name if known else outlet_value
            origin = origin_value or (known.origin if known else "")
            affiliation = known.affiliation if known else ""
            if not origin:
                bad(
                    cols.outlet,
                    "unknown_outlet",
                    f"outlet {outlet_value!r} is not in the outlet registry and the row "
                    "gives no origin",
                    outlet_value,
                )
        else:
            m = find_dateline(body, self.registry)
            if m is None:
                bad(
                    cols.outlet,
                    "no_outlet",
                    "no outlet"
                    + ("" if cols.outlet else " column (--outlet-col)")
                    + " and no known dateline in the text to infer it from",
                )
            else:
                known = self.registry.outlet_for_marker(m.group("marker"))
                outlet, origin, affiliation = known.name, known.origin, known.affiliation
                origin = origin_value or origin
        if origin and not origin_value and origin not in self.origins:
            bad(
                cols.outlet,
                "bad_origin",
                f"origin {origin!r} of outlet {outlet!r} (from the outlet registry) is not "
                f"allowed (allowed: {', '.join(self.origins)})",
            )

        if problems:
            self.problems.add(problems)
            return None
        title = " ".join(_cell(values[cols.title]).split()) if cols.title else ""
        text = f"{title}\n\n{cleaned}" if self.include_title and title else cleaned
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        file = _cell(values[cols.file]).strip() if cols.file else ""
        return (doc_id, rowno, outlet, origin, affiliation, date, title, file, text, sha)


def _finish(conn: sqlite3.Connection) -> tuple[int, list[str]]:
    """Copy ``raw`` into ``docs`` in doc_id order, filling ``duplicate_of``.

    A document is a duplicate of the smallest doc_id with the same sha256 (looked up in an
    index, so memory stays bounded). Returns the number of duplicates and the first
    :data:`_MAX_LISTED` of them as ``"doc_id = duplicate_of"``.
    """
    conn.execute("CREATE INDEX raw_sha ON raw (sha256, doc_id)")
    out = conn.cursor()
    cur = conn.execute(
        "SELECT doc_id, row, outlet, origin, affiliation, date, title, file, text, sha256, "
        "(SELECT MIN(r.doc_id) FROM raw AS r WHERE r.sha256 = raw.sha256) "
        "FROM raw ORDER BY doc_id"
    )
    pos = 0
    n_dups = 0
    dups: list[str] = []
    while rows := cur.fetchmany(1024):
        batch = []
        for *r, first in rows:
            dup = "" if first == r[0] else first
            if dup:
                n_dups += 1
                if len(dups) < _MAX_LISTED:
                    dups.append(f"{r[0]} = {dup}")
            batch.append((pos, *r, dup))
            pos += 1
        out.executemany(f"INSERT INTO docs (pos, {_DOC_FIELDS}) VALUES ({'?,' * 11}?)", batch)
    conn.execute("DROP TABLE raw")
    conn.execute("DROP TABLE ids")
    conn.commit()
    return n_dups, dups


def read_table(
    path: str | Path,
    *,
    text_col: str | None = None,
    date_col: str | None = None,
    outlet_col: str | None = None,
    origin_col: str | None = None,
    id_col: str | None = None,
    title_col: str | None = None,
    file_col: str | None = None,
    origins: Sequence[str] = DEFAULT_ORIGINS,
    outlets: str | Path | OutletRegistry | None = None,
    on_bad_row: OnBadRow = "error",
    include_title: bool = False,
    chunksize: int = 5000,
) -> TableCorpus:
    """Read, validate and clean a CSV, JSONL/NDJSON or Parquet table of articles.

    Rules: the text is cleaned like a directory corpus text (a leading `` date YYYY-MM-DD ``
    header is removed and used when the date cell is empty); dates are ISO dates or
    date-times (the UTC calendar date is kept); the outlet is looked up in the outlet
    registry (case-insensitively, with variants) and replaced by its registry name; an
    origin column overrides the registry's origin; an empty outlet is inferred from a known
    dateline. Without an id column, ``doc_id`` is the 1-based row number zero-padded to
    :data:`ROW_ID_WIDTH` digits. Exact duplicates (same analysed text) are kept, flagged in
    ``duplicate_of`` and reported with a :class:`~analysis.read.corpus.DuplicateWarning`.

    Args:
        path: The table file (``.csv``, ``.jsonl``, ``.ndjson``, ``.parquet``). The columns
            of a JSONL file are the keys of all its objects (see :func:`table_columns`).
        text_col, date_col, outlet_col, origin_col, id_col, title_col, file_col: Column names;
            default: recognised from :data:`COLUMN_ALIASES`. The file column (optional) gives
            ``documents.csv``'s ``file`` (e.g. the article's original file name); without
            it, or where it is empty, ``file`` is ``TABLE#ROW``.
        origins: Allowed origins.
        outlets: An outlet registry, or a TOML file extending the shipped one.
        on_bad_row: ``error`` (default): raise, naming every bad row; ``skip``: skip bad rows
            and list them in :attr:`TableCorpus.skipped`.
        include_title: Analyse ``title + "\\n\\n" + text`` instead of the text alone.
        chunksize: Rows read at a time.

    Returns:
        A :class:`TableCorpus` (a sequence of documents sorted by ``doc_id``).

    Raises:
        CorpusError: unreadable table, missing columns, bad rows (with ``on_bad_row="error"``),
            or no document left.
    """
    if on_bad_row not in ("error", "skip"):
        raise ValueError(f"on_bad_row must be 'error' or 'skip', not {on_bad_row!r}")
    path = Path(path)
    fmt = _format(path)
    mapping = resolve_columns(
        table_columns(path),
        text_col=text_col,
        date_col=date_col,
        outlet_col=outlet_col,
        origin_col=origin_col,
        id_col=id_col,
        title_col=title_col,
        file_col=file_col,
        where=str(path),
    )
    registry = outlets if isinstance(outlets, OutletRegistry) else load_outlets(outlets)
    tmp = tempfile.TemporaryDirectory(prefix="framing-table-")
    conn = sqlite3.connect(Path(tmp.name) / "docs.sqlite", check_same_thread=False)
    problems = _Problems(keep_rows=on_bad_row == "skip")
    reader = _RowReader(str(path), mapping, registry, origins, include_title, conn, problems)
    show_ids = mapping.id is not None
    try:
        conn.executescript(_SCHEMA)
        n_rows = 0
        used = mapping.used()
        try:
            for chunk in _chunks(path, fmt, used, chunksize):
                n = len(chunk[used[0]])
                if mapping.id is not None:
                    reader.begin_chunk(chunk[mapping.id])
                rows = []
                for i in range(n):
                    n_rows += 1
                    doc = reader.read(n_rows, {c: chunk[c][i] for c in used})
                    if doc is not None:
                        rows.append(doc)
                conn.executemany("INSERT INTO raw VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
                reader.end_chunk()
        except CorpusError:
            raise
        except Exception as e:  # noqa: BLE001 - any reader failure is a bad input file
            raise _read_error(path, e) from e
        if n_rows == 0:
            raise CorpusError([f"{path}: empty table (no rows)"])
        if problems and on_bad_row == "error":
            raise CorpusError(problems.messages(str(path), tuple(origins), show_ids))
        n_dups, dups = _finish(conn)
        corpus = TableCorpus(
            path=path,
            format=fmt,
            columns=mapping,
            n_rows=n_rows,
            on_bad_row=on_bad_row,
            include_title=include_title,
            skipped=problems.skipped_frame(),
            conn=conn,
            tmp=tmp,
        )
    except BaseException:
        _close(conn, tmp)
        raise
    if len(corpus) == 0:
        corpus.close()
        raise CorpusError(
            [f"{path}: all {n_rows} row(s) are bad and were skipped; no document left"]
            + problems.messages(str(path), tuple(origins), show_ids)
        )
    if n_dups:
        shown = "; ".join(dups)
        more = f"; … ({n_dups - len(dups)} more)" if n_dups > len(dups) else ""
        warnings.warn(
            f"{n_dups} exact duplicate document(s) kept and flagged in duplicate_of: "
            + shown
            + more,
            DuplicateWarning,
            stacklevel=2,
        )
    return corpus


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
    from analysis.read.corpus import documents_frame

    with read_table(path, **options) as corpus:
        return documents_frame(list(corpus))
