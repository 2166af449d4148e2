"""Documents, the corpus errors, and reading a corpus: :func:`read_corpus` dispatches a
directory to :mod:`analysis.read.directory` and a table file to :mod:`analysis.read.table`.
"""

from __future__ import annotations

import errno
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from analysis.config import DEFAULT_ORIGINS
from analysis.schema import DOCUMENT_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

    from analysis.read.outlets import OutletRegistry

__all__ = [
    "DOCUMENT_COLUMNS",
    "NOT_UTF8_NAME",
    "NO_SUCH_FILE",
    "TABLE_FORMATS",
    "CorpusError",
    "SHOWN_DUPLICATES",
    "TABLE_ONLY",
    "DuplicateWarning",
    "Document",
    "documents_frame",
    "duplicates_warning",
    "is_table",
    "is_utf8_name",
    "load_corpus",
    "mark_duplicates",
    "not_a_file",
    "read_corpus",
    "shown_path",
]


#: File suffixes read as tables (:func:`analysis.read.table.read_table`), and their format.
TABLE_FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}


def is_table(path: str | Path) -> bool:
    """Whether ``path`` is a file with a table suffix (see :data:`TABLE_FORMATS`)."""
    p = Path(path)
    return p.suffix.lower() in TABLE_FORMATS and not p.is_dir()


def shown_path(path: str | Path) -> str:
    """``path`` as it can be printed: bytes of a name that is not UTF-8 as ``\\xNN``."""
    text = str(path)
    if text.isascii():
        return text
    return os.fsencode(text).decode("utf-8", "backslashreplace")


def not_a_file(path: str | Path) -> str | None:
    """Why ``path`` cannot be read as an input file, or ``None`` for a regular file (or a
    symbolic link to one): ``no such file``, a symbolic link loop, a named pipe, a device
    (reading them would block or never end), a socket, a directory, or the operating
    system's reason."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return NO_SUCH_FILE
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "a symbolic link loop (it points back to itself); fix or remove the link"
        return f"cannot read it ({e.strerror or type(e).__name__})"
    kinds = {
        stat.S_ISFIFO: "a named pipe (FIFO)",
        stat.S_ISCHR: "a device",
        stat.S_ISBLK: "a device",
        stat.S_ISSOCK: "a socket",
        stat.S_ISDIR: "a directory",
    }
    for test, kind in kinds.items():
        if test(mode):
            return f"{kind}, not a regular file; give a file of text"
    return None


#: What :func:`not_a_file` says of a missing file (or a symbolic link to one).
NO_SUCH_FILE = "no such file"

#: The problem of a file whose name is not UTF-8 (:func:`is_utf8_name`).
NOT_UTF8_NAME = "the file name is not valid UTF-8; rename it (e.g. with convmv)"


def is_utf8_name(name: str) -> bool:
    """Whether a file name (as ``os`` decodes it) was valid UTF-8, so that it can be written
    to the output tables."""
    return name.isascii() or shown_path(name) == name


class CorpusError(ValueError):
    """The corpus cannot be analysed; the message names every file and problem found."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in the corpus:" if len(problems) > 1 else ""
        super().__init__("\n".join([head, *self.problems]).strip())


class DuplicateWarning(UserWarning):
    """Two or more documents have exactly the same cleaned text."""


@dataclass(slots=True)
class Document:
    """One validated, cleaned document."""

    doc_id: str
    file: str
    outlet: str
    origin: str
    affiliation: str
    date: str
    text: str
    sha256: str = ""
    duplicate_of: str = ""
    title: str = ""
    #: ``day``, ``month`` or ``year``: how precise ``date`` is (a year's date is its 1 January).
    date_precision: str = "day"
    #: The outlet's ISO 3166-1 alpha-2 country from the registry (or the origin column's value
    #: mapped by an origin map); empty when unknown.
    country: str = ""
    #: How the origin was found: ``column``, ``name``, ``domain`` or ``dateline``.
    outlet_source: str = ""
    #: SHA-256 of the file's bytes as read (for the provenance; empty for table rows).
    file_sha256: str = field(default="", repr=False, compare=False)


def mark_duplicates(docs: list[Document]) -> list[Document]:
    """Fill ``duplicate_of`` (the first doc_id with the same cleaned text) and warn."""
    first: dict[str, str] = {}
    dups = []
    for d in sorted(docs, key=lambda d: d.doc_id):
        if d.sha256 in first:
            d.duplicate_of = first[d.sha256]
            dups.append((d.doc_id, d.duplicate_of))
        else:
            first[d.sha256] = d.doc_id
    if dups:
        warnings.warn(duplicates_warning(dups), stacklevel=2)
    return docs


#: Duplicate pairs a duplicate warning names (all are flagged in ``duplicate_of``).
SHOWN_DUPLICATES = 5


def duplicates_warning(pairs: Sequence[tuple[str, str]], n: int | None = None) -> DuplicateWarning:
    """The warning for exact duplicates: their number, the first
    :data:`SHOWN_DUPLICATES` ``(doc_id, duplicate_of)`` pairs of ``pairs`` (in order) and,
    when there are more, where to find them all.

    Args:
        pairs: The duplicates in doc_id order (at least the first ones).
        n: How many duplicates there are (default: ``len(pairs)``).
    """
    n = len(pairs) if n is None else n
    shown = "; ".join(f"{d} = {of}" for d, of in pairs[:SHOWN_DUPLICATES])
    more = n - min(len(pairs), SHOWN_DUPLICATES)
    tail = f"; … and {more} more (the duplicate_of column of documents.csv)" if more > 0 else ""
    return DuplicateWarning(
        f"{n} exact duplicate document(s) kept and flagged in duplicate_of: {shown}{tail}"
    )


#: The keyword options of :func:`read_corpus` that only a table file takes.
TABLE_ONLY = (
    "text_col",
    "date_col",
    "outlet_col",
    "origin_col",
    "id_col",
    "url_col",
    "title_col",
    "file_col",
    "date_order",
    "date_format",
)


def read_corpus(
    path: str | Path,
    *,
    origins: Sequence[str] = DEFAULT_ORIGINS,
    outlets: str | Path | OutletRegistry | None = None,
    origin_map: str | Path | Mapping[str, str] | None = None,
    on_bad_row: Literal["error", "skip"] = "error",
    include_title: bool = False,
    jobs: int = 1,
    while_reading: Callable[[], object] | None = None,
    on_rows: Callable[[str, int], object] | None = None,
    spill_dir: str | Path | None = None,
    **table_options: str | None,
) -> Sequence[Document]:
    """Read a corpus directory or a table file (CSV, JSONL/NDJSON, Parquet).

    Args:
        path: A corpus directory (see :func:`~analysis.read.directory.read_documents`) or
            a table file (see :func:`~analysis.read.table.read_table`).
        origins: Allowed origins.
        outlets: An outlet registry, or a TOML file extending the shipped one.
        origin_map: Origins by country code for the registry's outlets and, for a table,
            by value of its origin column (:func:`~analysis.read.resolve.parse_origin_map`).
        on_bad_row: Tables only: ``error`` or ``skip`` bad rows.
        include_title: Tables only: analyse the title with the text.
        jobs: Directories only: processes reading the files (see
            :func:`~analysis.read.directory.read_documents`).
        while_reading: Called once during reading (see
            :func:`~analysis.read.directory.read_documents`; for a table, after it is read).
        on_rows: Tables only: told ``(stage, n)`` as rows are read (see
            :func:`~analysis.read.table.read_table`).
        spill_dir: The folder of the corpus' temporary file (a run's temporary folder).
            A table is always spilled there (``None``: the system's temporary folder; see
            :func:`~analysis.read.table.read_table`), a directory's documents only when it
            is given (see :func:`~analysis.read.directory.read_documents`).
        **table_options: Tables only (:data:`TABLE_ONLY`): ``text_col``, ``date_col``,
            ``outlet_col``, ``origin_col``, ``id_col``, ``url_col``, ``title_col``,
            ``file_col``, ``date_order``, ``date_format``.

    Returns:
        Documents sorted by ``doc_id``: for a directory a list, or a streaming
        :class:`~analysis.read.spill.SpilledCorpus` with ``spill_dir``; a streaming
        :class:`~analysis.read.spill.TableCorpus` for a table.

    Raises:
        CorpusError: as :func:`~analysis.read.directory.read_documents` /
            :func:`~analysis.read.table.read_table`, or when table options are given for a
            directory.
    """
    unknown = sorted(set(table_options) - set(TABLE_ONLY))
    if unknown:
        raise TypeError(f"read_corpus() got unexpected keyword argument(s) {unknown}")
    shared = {"origins": origins, "outlets": outlets, "origin_map": origin_map}
    if is_table(path):
        from analysis.read.table import read_table

        options = {k: v for k, v in table_options.items() if v is not None}
        table = read_table(
            path,
            **shared,
            on_bad_row=on_bad_row,
            include_title=include_title,
            on_rows=on_rows,
            spill_dir=spill_dir,
            **options,
        )
        if while_reading is not None:
            while_reading()
        return table
    given = [_option(k, v) for k, v in table_options.items() if v is not None]
    given += ["--on-bad-row skip"] if on_bad_row != "error" else []
    given += ["--include-title"] if include_title else []
    if given and Path(path).is_dir():
        raise CorpusError(
            [f"{path}: {', '.join(given)} appl(ies) only to table files, not to a directory"]
        )
    from analysis.read.directory import read_documents

    return read_documents(
        path, **shared, jobs=jobs, while_reading=while_reading, spill_dir=spill_dir
    )


def _option(name: str, value: str) -> str:
    """The command-line spelling of a table option (``date_order="dayfirst"``: --dayfirst)."""
    return f"--{value}" if name == "date_order" else f"--{name.replace('_', '-')}"


def documents_frame(docs: Sequence[Document]) -> pd.DataFrame:
    """Documents as a table with :data:`DOCUMENT_COLUMNS` plus ``text``."""
    import pandas as pd

    cols = [*DOCUMENT_COLUMNS, "text"]
    return pd.DataFrame([{c: getattr(d, c) for c in cols} for d in docs], columns=cols)


def load_corpus(
    path: str | Path,
    *,
    origins: Sequence[str] = DEFAULT_ORIGINS,
    outlets: str | Path | None = None,
    **options,
) -> pd.DataFrame:
    """Load a corpus directory or table file as a frame, one row per document.

    Columns: ``doc_id`` (path relative to the corpus, without ``.txt``; for a table the id
    column or the zero-padded row number), ``file`` (for a table ``NAME#ROW``), ``outlet``
    (the registry name when the outlet is known), ``origin``, ``affiliation``
    (state/independent/other from the outlet registry; empty when unknown), ``title`` (tables
    with a title column; else empty), ``date`` (ISO), ``duplicate_of`` (first doc_id with
    the same cleaned text, else empty), ``sha256`` (of the cleaned text), ``text`` (cleaned).
    Token and sentiment columns of ``documents.csv`` come from :func:`analysis.analyze`.
    Other keyword options are those of :func:`read_corpus` (tables only).
    """
    docs = read_corpus(path, origins=origins, outlets=outlets, **options)
    frame = documents_frame(list(docs))
    if hasattr(docs, "close"):
        docs.close()
    return frame
