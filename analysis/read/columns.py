"""The columns of a table file: which column plays which role, and reading them in chunks.

Roles and the names recognised for them are :data:`analysis.schema.COLUMN_ALIASES`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from analysis.read.corpus import (
    NOT_UTF8_NAME,
    TABLE_FORMATS,
    CorpusError,
    is_utf8_name,
    not_a_file,
    shown_path,
)
from analysis.schema import COLUMN_ALIASES

_ROWS_TOLD = 10_000  # ragged_rows reports its progress every this many rows
_UNNAMED = re.compile(r"Unnamed: \d+(?:_level_\d+)?")

__all__ = [
    "ragged_rows",
    "ColumnMapping",
    "column_key",
    "is_unnamed",
    "iter_chunks",
    "read_error",
    "resolve_columns",
    "table_columns",
    "table_format",
]


def column_key(name: str) -> str:
    """A column name as matched against the aliases: case, spaces, ``_`` and ``-`` ignored."""
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
    url: str | None = None

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
    url_col: str | None = None,
    where: str = "table",
) -> ColumnMapping:
    """Map roles to the columns of a table.

    An explicit ``*_col`` must name a column (exactly, else case-insensitively); without it
    the first name of :data:`COLUMN_ALIASES` present in ``columns`` is used (blank and
    ``Unnamed: N`` columns are ignored). Several roles may name one column.

    Args:
        columns: The table's column names.
        text_col, date_col, outlet_col, origin_col, id_col, title_col, file_col, url_col:
            Explicit column names.
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
        "url": url_col,
    }
    named = [str(c) for c in columns if not is_unnamed(c)]
    by_norm: dict[str, list[str]] = {}
    for c in named:
        by_norm.setdefault(column_key(c), []).append(c)
    available = ", ".join(map(repr, named)) or "(none)"
    problems: list[str] = []
    found: dict[str, str | None] = {}
    for role, name in explicit.items():
        if name is not None:
            found[role] = _explicit(role, name, columns, by_norm, available, where, problems)
        else:
            found[role] = _by_alias(role, by_norm, where, problems)
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


def is_unnamed(column: object) -> bool:
    """Whether a column has no name: a blank header cell, or pandas' ``Unnamed: N``."""
    return not str(column).strip() or bool(_UNNAMED.fullmatch(str(column)))


def _explicit(role, name, columns, by_norm, available, where, problems) -> str | None:
    """The column an explicit ``--ROLE-col NAME`` names (else ``None``, problem appended)."""
    if name in columns:
        return name
    matches = by_norm.get(column_key(name), [])
    if len(matches) == 1:
        return matches[0]
    problems.append(
        f"{where}: --{role}-col {name!r} is not a column of the table"
        + (f" (ambiguous: {', '.join(map(repr, matches))})" if matches else "")
        + f"; columns are {available}"
    )
    return None


def _by_alias(role, by_norm, where, problems) -> str | None:
    """The column of the first alias of ``role`` present (two such columns: a problem)."""
    for alias in COLUMN_ALIASES[role]:
        matches = by_norm.get(column_key(alias), [])
        if len(matches) > 1:
            problems.append(
                f"{where}: columns {', '.join(map(repr, matches))} could all be the {role} "
                f"column; choose one with --{role}-col"
            )
        if matches:
            return matches[0]
    return None


# --------------------------------------------------------------------------- reading chunks


def table_format(path: Path) -> str:
    """``csv``, ``jsonl`` or ``parquet``: the format of a table file, by its suffix.

    Raises:
        CorpusError: not a table suffix, or not a regular file (:func:`not_a_file`: missing,
            a named pipe, a device, a symbolic link loop, a name that is not UTF-8).
    """
    fmt = TABLE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise CorpusError(
            [f"{path}: not a table file (expected one of {', '.join(sorted(TABLE_FORMATS))})"]
        )
    problem = not_a_file(path) or (None if is_utf8_name(path.name) else NOT_UTF8_NAME)
    if problem is not None:
        raise CorpusError([f"{shown_path(path)}: {problem}"])
    return fmt


def read_error(path: Path, e: Exception) -> CorpusError:
    """The error for a table that a reader failed on (``e``: the reader's exception)."""
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
    import pandas as pd

    path = Path(path)
    fmt = table_format(path)
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
        raise read_error(path, e) from e


def ragged_rows(
    path: Path, on_rows: Callable[[int], object] | None = None
) -> tuple[int, dict[int, int]]:
    """The header's width and the 1-based data rows of a CSV with another number of fields
    (``{row: fields}``): an unquoted comma in the last column, or a cut line. Blank lines are
    not rows (as when the table is read). ``on_rows(n)`` is told of every 10,000 rows."""
    import csv

    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f)
        width = len(next(rows, []))
        ragged, n = {}, 0
        for row in rows:
            if not row:
                continue
            n += 1
            if len(row) != width:
                ragged[n] = len(row)
            if on_rows is not None and n % _ROWS_TOLD == 0:
                on_rows(_ROWS_TOLD)
    if on_rows is not None:
        on_rows(n % _ROWS_TOLD)
    return width, ragged


def iter_chunks(
    path: Path, fmt: str, columns: list[str], chunksize: int
) -> Iterator[dict[str, list]]:
    """Column → values, ``chunksize`` rows at a time, in table order."""
    if fmt == "csv":
        import pandas as pd

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
