"""Rows of a table: validated and cleaned one at a time into spill-file tuples."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from analysis.read import spill
from analysis.read.clean import clean_text, split_header
from analysis.read.columns import ColumnMapping
from analysis.read.dates import DateError, parse_iso_date
from analysis.read.dateshapes import DateParser
from analysis.read.outlets import OutletRegistry
from analysis.read.problems import BadRows, RowProblem
from analysis.read.resolve import OutletResolver, Resolved

__all__ = ["ROW_ID_WIDTH", "RowReader", "cell", "escaped", "lone_surrogate"]


#: Width of the zero-padded row number used as ``doc_id`` when the table has no id column.
ROW_ID_WIDTH = 6


def cell(value: object) -> str:
    """A table cell as a string (``None`` and NaN: empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    return value if isinstance(value, str) else str(value)


#: The roles whose JSONL/Parquet cells must be strings (ids: strings or integers).
_TEXT_ROLES = frozenset({"text", "title", "outlet", "origin", "id"})


def lone_surrogate(value: str) -> str | None:
    """The first lone surrogate (U+D800–U+DFFF) of ``value``, or ``None`` when it is valid
    Unicode text (what JSON's ``"\\ud800"`` escapes decode to, and UTF-8 cannot encode)."""
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        return value[e.start]
    return None


def escaped(value: str) -> str:
    """``value`` with its lone surrogates written as ``\\udXXX`` escapes (printable)."""
    if lone_surrogate(value) is None:
        return value
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _is_text_cell(value: object, *, ids: bool = False) -> bool:
    """Whether a JSONL/Parquet cell may be read as text: a string, empty (``None``/NaN), or,
    for an id, an integer (never a list, an object, a float, a boolean or bytes)."""
    if value is None or isinstance(value, str):
        return True
    if isinstance(value, float):
        return value != value  # NaN: an empty cell
    return ids and isinstance(value, int) and not isinstance(value, bool)


class RowReader:
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
        keep_text: bool = True,
    ):
        self.columns = columns
        self.resolver = resolver
        self.registry: OutletRegistry = resolver.registry
        self.dates = dates
        self.include_title = include_title
        self.conn = conn
        self.problems = problems
        self.keep_text = keep_text  # False: spill "" instead of the text (counting only)
        self.seen: dict[str, int] = {}  # id → first row, for the ids of the current chunk
        self.new_ids: list[tuple[str, int]] = []
        #: CSV rows with another number of fields than the header (:func:`ragged_rows`).
        self.width, self.ragged = 0, {}
        self._role_column = {"outlet": columns.outlet or "", "origin": columns.origin or ""}

    def begin_chunk(self, values: Sequence[object]) -> None:
        """Look up which ids of the next chunk (its id cells) earlier chunks already had."""
        ids = {cell(v).strip() for v in values}
        self.seen = spill.seen_ids(self.conn, [i for i in ids if lone_surrogate(i) is None])

    def end_chunk(self) -> None:
        spill.add_ids(self.conn, self.new_ids)
        self.seen, self.new_ids = {}, []

    def read(self, rowno: int, values: Mapping[str, object]) -> tuple | None:
        """The row as a ``raw`` table tuple, or ``None`` (problems recorded) when bad."""
        cols = self.columns
        problems: list[RowProblem] = []
        doc_id = self._doc_id(rowno, values, problems)

        def bad(column: str | None, reason: str, detail: str, value: str = "") -> None:
            url = escaped(cell(values[cols.url]).strip()) if cols.url else ""
            problems.append(RowProblem(rowno, doc_id, column or "", reason, detail, value, url))

        if rowno in self.ragged:
            n = self.ragged[rowno]
            bad(None, "ragged_row", f"{n} fields, but the header has {self.width}")
        self._check_cells(values, bad)
        if problems:
            self.problems.add(problems)
            return None
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
        stored = text if self.keep_text else ""
        meta = (found.outlet, found.origin, found.affiliation, date, title, file, stored, sha)
        return (doc_id, rowno, *meta, precision, found.country, found.source)

    def _check_cells(self, values: Mapping[str, object], bad) -> None:
        """Record a ``bad_cell`` problem for each cell that is not text (a list, a number…
        where a string is expected) or holds a lone surrogate (``"\\ud800"`` in JSON: not
        Unicode, so it cannot be written)."""
        cols = self.columns
        for role in ("text", "title", "outlet", "origin", "id", "url", "file", "date"):
            column = getattr(cols, role)
            if column is None:
                continue
            value = values[column]
            if role in _TEXT_ROLES and not _is_text_cell(value, ids=role == "id"):
                kind = type(value).__name__
                expected = "a string or an integer" if role == "id" else "a string"
                bad(column, "bad_cell", f"the {role} cell must be {expected}, not {kind}")
            elif isinstance(value, str) and (found := lone_surrogate(value)) is not None:
                bad(
                    column,
                    "bad_cell",
                    f"the {role} cell holds a lone surrogate (U+{ord(found):04X}), which is "
                    "not Unicode text; fix the escape in the export",
                )

    def _doc_id(self, rowno: int, values: Mapping[str, object], problems: list) -> str:
        """The row's id (empty and repeated ids are problems)."""
        cols = self.columns
        if cols.id is None:
            return f"{rowno:0{ROW_ID_WIDTH}d}"
        doc_id = cell(values[cols.id]).strip()
        if lone_surrogate(doc_id) is not None:  # a bad cell (_check_cells), shown escaped
            return escaped(doc_id)
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
