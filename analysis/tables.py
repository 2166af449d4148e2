"""Table corpora: CSV, JSONL/NDJSON and Parquet exports with one row per article.

News-archive and media-monitoring exports come as one table with a row per article, e.g.
``Source Name, Date, Original URL, Title, Content`` or ``media_name, publish_date, title, text``.
:func:`read_table` reads such a table **in chunks** (pandas ``chunksize``, pyarrow batches, or
lines), validates and cleans every row exactly as a directory corpus is cleaned
(:func:`analysis.corpus.clean_text`), and spills the cleaned documents to a temporary SQLite
file, so memory stays bounded whatever the size of the table. The result, a
:class:`TableCorpus`, is a sequence of :class:`~analysis.corpus.Document` sorted by ``doc_id``
that streams from that file.

The whole table is validated before anything is returned: by default a bad row (empty text,
unparsable date, unknown outlet without origin, bad origin, empty or duplicate id) raises one
:class:`~analysis.corpus.CorpusError` naming every bad row (number and id) and column; with
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
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from datetime import date as Date
from pathlib import Path
from typing import Literal, overload

import pandas as pd

from analysis.config import DEFAULT_ORIGINS
from analysis.corpus import (
    CorpusError,
    Document,
    DuplicateWarning,
    clean_text,
    find_dateline,
    split_header,
)
from analysis.outlets import OutletRegistry, load_outlets

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
Role = Literal["text", "date", "outlet", "origin", "id", "title"]

#: File suffixes read as tables, and their format.
TABLE_FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}

#: Column names recognised for each role when no ``*_col`` option is given, in order of
#: preference. Matching ignores case, spaces, ``_`` and ``-`` (``Source Name`` = ``source_name``,
#: ``Original URL`` = ``original-url``, ``PubDate`` = ``pub_date``).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "body"),
    "date": ("date", "publish_date", "published", "pubdate"),
    "outlet": ("outlet", "source", "source_name", "media_name"),
    "origin": ("origin",),
    "id": ("id", "doc_id", "url", "original_url"),
    "title": ("title", "headline"),
}

#: Columns of :attr:`TableCorpus.skipped` (and ``skipped.csv``).
SKIPPED_COLUMNS = ("row", "doc_id", "column", "reason", "detail")

#: Width of the zero-padded row number used as ``doc_id`` when the table has no id column.
ROW_ID_WIDTH = 6

_MAX_LISTED = 50
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
    where: str = "table",
) -> ColumnMapping:
    """Map roles to the columns of a table.

    An explicit ``*_col`` must name a column (exactly, else case-insensitively); without it
    the first name of :data:`COLUMN_ALIASES` present in ``columns`` is used.

    Args:
        columns: The table's column names.
        text_col, date_col, outlet_col, origin_col, id_col, title_col: Explicit column names.
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


def is_table(path: str | Path) -> bool:
    """Whether ``path`` is a file with a table suffix (see :data:`TABLE_FORMATS`)."""
    p = Path(path)
    return p.suffix.lower() in TABLE_FORMATS and not p.is_dir()


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


def table_columns(path: str | Path) -> list[str]:
    """The column names of a table file (for JSONL: the keys of the first record)."""
    path = Path(path)
    fmt = _format(path)
    try:
        if fmt == "csv":
            return [str(c) for c in pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns]
        if fmt == "jsonl":
            return [str(k) for k in next((r for _, r in _jsonl_records(path)), {})]
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
                  affiliation TEXT, date TEXT, title TEXT, text TEXT, sha256 TEXT);
CREATE TABLE docs (pos INTEGER PRIMARY KEY, doc_id TEXT, row INTEGER, outlet TEXT,
                   origin TEXT, affiliation TEXT, date TEXT, title TEXT, text TEXT,
                   sha256 TEXT, duplicate_of TEXT);
"""
_DOC_FIELDS = "doc_id, row, outlet, origin, affiliation, date, title, text, sha256, duplicate_of"


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
        doc_id, row, outlet, origin, affiliation, date, title, text, sha, dup = r
        return Document(
            doc_id=doc_id,
            file=f"{self.path.name}#{row}",
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


class _RowReader:
    """Validates and cleans rows one at a time; collects problems."""

    def __init__(self, where: str, columns: ColumnMapping, registry, origins, include_title):
        self.where = where
        self.columns = columns
        self.registry: OutletRegistry = registry
        self.origins = tuple(origins)
        self.include_title = include_title
        self.first_row: dict[str, int] = {}
        self.problems: list[_Problem] = []

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
            elif doc_id in self.first_row:
                bad(cols.id, "duplicate_id", f"duplicate id (same as row {self.first_row[doc_id]})")
            else:
                self.first_row[doc_id] = rowno

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
            self.problems.extend(problems)
            return None
        title = " ".join(_cell(values[cols.title]).split()) if cols.title else ""
        text = f"{title}\n\n{cleaned}" if self.include_title and title else cleaned
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return (doc_id, rowno, outlet, origin, affiliation, date, title, text, sha)


def _row_list(rows: Sequence[int], limit: int = 10) -> str:
    shown = ", ".join(map(str, rows[:limit]))
    more = f", … ({len(rows) - limit} more)" if len(rows) > limit else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


def _error_messages(where: str, problems: list[_Problem], origins: Sequence[str]) -> list[str]:
    """One message per bad row (capped), plus one grouped message for unknown outlets."""
    by_row: dict[int, list[_Problem]] = {}
    unknown: dict[str, list[int]] = {}
    outlet_column = ""
    for p in problems:
        if p.reason == "unknown_outlet":
            unknown.setdefault(p.value, []).append(p.row)
            outlet_column = p.column
        else:
            by_row.setdefault(p.row, []).append(p)
    messages = []
    for i, (row, ps) in enumerate(sorted(by_row.items())):
        if i == _MAX_LISTED:
            counts = Counter(p.reason for ps in by_row.values() for p in ps)
            messages.append(
                f"{where}: … and {len(by_row) - _MAX_LISTED} more bad row(s) not shown "
                f"(problems by reason: {dict(sorted(counts.items()))}); use --on-bad-row skip "
                "to skip them and list every one in skipped.csv"
            )
            break
        details = "; ".join(f"column {p.column!r}: {p.detail}" for p in ps)
        messages.append(f"{where}: row {row} (id {ps[0].doc_id!r}): {details}")
    if unknown:
        n = sum(len(r) for r in unknown.values())
        ranked = sorted(unknown.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        lines = [
            f"{where}: {n} row(s) have an outlet that is not in the outlet registry and no "
            f"origin (column {outlet_column!r}); {len(unknown)} unknown outlet(s):"
        ]
        for name, rows in ranked[:_MAX_LISTED]:
            lines.append(f"  {name!r}: {len(rows)} row(s) ({_row_list(rows)})")
        if len(ranked) > _MAX_LISTED:
            lines.append(f"  … and {len(ranked) - _MAX_LISTED} more unknown outlet(s)")
        example = ranked[0][0].replace('"', '\\"')
        lines += [
            "Add them to a TOML file and pass it with --outlets FILE.toml, e.g.",
            f'  [outlets."{example}"]',
            f'  origin = "{origins[0]}"        # one of {", ".join(origins)}',
            '  affiliation = "other"      # state | independent | other',
            "  variants = []              # other spellings of the name",
            "or give their origin in an origin column (--origin-col).",
        ]
        messages.append("\n".join(lines))
    return messages


def _skipped_frame(problems: list[_Problem]) -> pd.DataFrame:
    by_row: dict[int, list[_Problem]] = {}
    for p in problems:
        by_row.setdefault(p.row, []).append(p)
    rows = []
    for row, ps in sorted(by_row.items()):
        first = ps[0]
        detail = "; ".join(f"column {p.column!r}: {p.detail}" for p in ps)
        rows.append((row, first.doc_id, first.column, first.reason, detail))
    df = pd.DataFrame(rows, columns=list(SKIPPED_COLUMNS))
    return df.astype({"row": "int64"})


def _finish(conn: sqlite3.Connection) -> list[str]:
    """Copy ``raw`` into ``docs`` in doc_id order, filling ``duplicate_of``; the duplicates."""
    first: dict[str, str] = {}
    dups: list[str] = []
    out = conn.cursor()
    cur = conn.execute(
        "SELECT doc_id, row, outlet, origin, affiliation, date, title, text, sha256 "
        "FROM raw ORDER BY doc_id"
    )
    pos = 0
    while rows := cur.fetchmany(1024):
        batch = []
        for r in rows:
            sha = r[8]
            dup = first.setdefault(sha, r[0])
            dup = "" if dup == r[0] else dup
            if dup:
                dups.append(f"{r[0]} = {dup}")
            batch.append((pos, *r, dup))
            pos += 1
        out.executemany(f"INSERT INTO docs (pos, {_DOC_FIELDS}) VALUES ({'?,' * 10}?)", batch)
    conn.execute("DROP TABLE raw")
    conn.commit()
    return dups


def read_table(
    path: str | Path,
    *,
    text_col: str | None = None,
    date_col: str | None = None,
    outlet_col: str | None = None,
    origin_col: str | None = None,
    id_col: str | None = None,
    title_col: str | None = None,
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
    ``duplicate_of`` and reported with a :class:`~analysis.corpus.DuplicateWarning`.

    Args:
        path: The table file (``.csv``, ``.jsonl``, ``.ndjson``, ``.parquet``).
        text_col, date_col, outlet_col, origin_col, id_col, title_col: Column names; default:
            recognised from :data:`COLUMN_ALIASES`.
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
        where=str(path),
    )
    registry = outlets if isinstance(outlets, OutletRegistry) else load_outlets(outlets)
    reader = _RowReader(str(path), mapping, registry, origins, include_title)
    tmp = tempfile.TemporaryDirectory(prefix="framing-table-")
    conn = sqlite3.connect(Path(tmp.name) / "docs.sqlite", check_same_thread=False)
    try:
        conn.executescript(_SCHEMA)
        n_rows = 0
        used = mapping.used()
        try:
            for chunk in _chunks(path, fmt, used, chunksize):
                n = len(chunk[used[0]])
                rows = []
                for i in range(n):
                    n_rows += 1
                    doc = reader.read(n_rows, {c: chunk[c][i] for c in used})
                    if doc is not None:
                        rows.append(doc)
                conn.executemany("INSERT INTO raw VALUES (?,?,?,?,?,?,?,?,?)", rows)
        except CorpusError:
            raise
        except Exception as e:  # noqa: BLE001 - any reader failure is a bad input file
            raise _read_error(path, e) from e
        if n_rows == 0:
            raise CorpusError([f"{path}: empty table (no rows)"])
        if reader.problems and on_bad_row == "error":
            raise CorpusError(_error_messages(str(path), reader.problems, tuple(origins)))
        dups = _finish(conn)
        corpus = TableCorpus(
            path=path,
            format=fmt,
            columns=mapping,
            n_rows=n_rows,
            on_bad_row=on_bad_row,
            include_title=include_title,
            skipped=_skipped_frame(reader.problems),
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
            + _error_messages(str(path), reader.problems, tuple(origins))
        )
    if dups:
        shown = "; ".join(dups[:_MAX_LISTED])
        more = f"; … ({len(dups) - _MAX_LISTED} more)" if len(dups) > _MAX_LISTED else ""
        warnings.warn(
            f"{len(dups)} exact duplicate document(s) kept and flagged in duplicate_of: "
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

    Columns: those of :func:`analysis.corpus.load_corpus` (``doc_id``, ``file``, ``outlet``,
    ``origin``, ``affiliation``, ``title``, ``date``, ``duplicate_of``, ``sha256``, ``text``).
    Options are those of :func:`read_table`.
    """
    from analysis.corpus import documents_frame

    with read_table(path, **options) as corpus:
        return documents_frame(list(corpus))
