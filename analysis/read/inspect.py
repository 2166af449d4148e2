"""What ``framing analyze`` would read, without analysing or writing anything.

:func:`inspect_corpus` reads a table like :func:`analysis.read.table.read_table` (or a
directory like :func:`analysis.read.directory.read_documents`) and returns an
:class:`Inspection`: the column chosen for each role and why, two sample rows, the date
formats with counts and the day/month decision, the outlets with counts and how each was
resolved, the unknown outlets with the registry's suggested entries, bad rows by reason,
exact duplicates, and whether ``framing analyze`` would run. :meth:`Inspection.to_text`
prints it; ``framing init`` can build a project file from it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from analysis.config import DEFAULT_ORIGINS
from analysis.read.columns import (
    ColumnMapping,
    column_key,
    iter_chunks,
    resolve_columns,
    table_columns,
    table_format,
)
from analysis.read.corpus import CorpusError, DuplicateWarning, is_table
from analysis.read.dateorder import DateFormat
from analysis.read.dates import DateOrder
from analysis.read.dateshapes import DateParser
from analysis.read.resolve import parse_origin_map
from analysis.read.table import scan_table, survey_dates, table_resolver
from analysis.schema import COLUMN_ALIASES, INPUT_ROLES

__all__ = [
    "INSPECT_OUTLET_COLUMNS",
    "BadRowGroup",
    "Inspection",
    "OutletCount",
    "RoleChoice",
    "UnknownOutletCount",
    "inspect_corpus",
]

#: Fields of :class:`OutletCount` (the outlets table of an inspection).
INSPECT_OUTLET_COLUMNS = ("outlet", "origin", "country", "outlet_source", "n_documents")
_SAMPLE_CHARS = 60


@dataclass(frozen=True, slots=True)
class RoleChoice:
    """The column chosen for a role (``None``: none) and why."""

    role: str
    column: str | None
    why: str


@dataclass(frozen=True, slots=True)
class OutletCount:
    """An outlet of the documents, how its origin was found, and how many documents."""

    outlet: str
    origin: str
    country: str
    outlet_source: str
    n_documents: int


@dataclass(frozen=True, slots=True)
class UnknownOutletCount:
    """An outlet the registry does not know: its rows, spellings, domain and a suggested
    registry entry (TOML, to check before pasting)."""

    name: str
    n_rows: int
    spellings: tuple[str, ...]
    domain: str
    suggestion: str


@dataclass(frozen=True, slots=True)
class BadRowGroup:
    """The bad rows with one reason: their columns, count and the first rows (as lines)."""

    reason: str
    columns: tuple[str, ...]
    n_rows: int
    first: tuple[str, ...]


@dataclass(frozen=True)
class Inspection:
    """What ``framing analyze CORPUS`` with the same options would read.

    ``runnable`` is whether it would run; ``problems`` say why not: the messages
    ``analyze`` would stop with, bad rows apart (``bad_rows``, by reason, most first;
    unknown outlets in ``unknown_outlets``), which stop it unless ``--on-bad-row skip``.
    """

    path: str
    kind: Literal["table", "directory"]
    format: str
    n_rows: int
    n_documents: int
    runnable: bool
    problems: tuple[str, ...] = ()
    columns: tuple[RoleChoice, ...] = ()
    samples: tuple[tuple[tuple[str, str], ...], ...] = ()
    date_column: str | None = None
    date_order: str = ""
    date_formats: tuple[DateFormat, ...] = ()
    outlets: tuple[OutletCount, ...] = ()
    unknown_outlets: tuple[UnknownOutletCount, ...] = ()
    bad_rows: tuple[BadRowGroup, ...] = ()
    n_bad_rows: int = 0
    n_duplicates: int = 0
    on_bad_row: str = "error"

    def counts(self) -> dict[str, int]:
        """Bad rows by reason, unknown outlets included, sorted by reason."""
        found = {g.reason: g.n_rows for g in self.bad_rows}
        if self.unknown_outlets:
            found["unknown_outlet"] = sum(u.n_rows for u in self.unknown_outlets)
        return dict(sorted(found.items()))

    def to_text(self) -> str:
        """The inspection as the lines ``framing inspect`` prints."""
        from analysis.read.inspect_text import inspection_text

        return inspection_text(self)


def inspect_corpus(
    path: str | Path,
    *,
    origins: Sequence[str] = DEFAULT_ORIGINS,
    outlets: str | Path | None = None,
    origin_map: str | Path | Mapping[str, str] | None = None,
    on_bad_row: Literal["error", "skip"] = "error",
    include_title: bool = False,
    date_order: DateOrder | None = None,
    date_format: str | None = None,
    chunksize: int = 5000,
    **columns: str | None,
) -> Inspection:
    """Inspect a table file or corpus directory (options as :func:`read_corpus`).

    Raises:
        CorpusError: only when ``path`` is neither a table file nor a directory; every other
            problem is in the result.
    """
    path = Path(path)
    if not is_table(path):
        if not path.is_dir():
            raise CorpusError([f"{path}: neither a table file nor a corpus directory"])
        return _inspect_directory(path, origins, outlets, origin_map)
    options = {"origins": origins, "outlets": outlets, "origin_map": origin_map}
    reading = {"on_bad_row": on_bad_row, "include_title": include_title}
    reading |= {"date_order": date_order, "date_format": date_format, "chunksize": chunksize}
    return _inspect_table(path, columns, options, reading)


def _inspect_table(path: Path, columns: dict, options: dict, reading: dict) -> Inspection:
    fmt = table_format(path)
    names = table_columns(path)
    given = {r: columns.get(f"{r}_col") for r in INPUT_ROLES}
    try:
        mapping = resolve_columns(
            names, **{f"{r}_col": c for r, c in given.items()}, where=str(path)
        )
    except CorpusError as e:
        base = Inspection(str(path), "table", fmt, 0, 0, False, tuple(e.problems))
        return replace(base, columns=_choices(names, None, given))
    problems: list[str] = []
    found = _dates(path, fmt, mapping, reading, problems)
    origin_map = parse_origin_map(options["origin_map"])
    resolver = table_resolver(path, mapping, options["origins"], options["outlets"], origin_map)
    scan = scan_table(
        path,
        mapping,
        resolver,
        found["parser"],
        include_title=reading["include_title"],
        on_bad_row="count",
        chunksize=reading["chunksize"],
    )
    return _table_result(path, fmt, names, given, mapping, scan, found, problems, reading)


def _dates(path: Path, fmt: str, mapping: ColumnMapping, reading: dict, problems: list) -> dict:
    """The date survey, the order decision and the parser (an order error is a problem)."""
    survey = survey_dates(path, fmt, mapping.date, reading["chunksize"])
    order = reading["date_order"]
    decision = survey.decision(order)
    if order is None and reading["date_format"] is None:
        try:
            order = survey.order(str(path))
        except CorpusError as e:
            problems.extend(e.problems)
    if reading["date_format"] is not None:
        decision = f"--date-format {reading['date_format']!r} (every date)"
    parser = DateParser(order=order, date_format=reading["date_format"])
    return {"survey": survey, "decision": decision, "parser": parser}


def _table_result(path, fmt, names, given, mapping, scan, found, problems, reading):
    bad = scan.bad_rows
    outlets = tuple(OutletCount(*row) for row in scan.outlets)
    unknown = _unknown(scan)
    n_docs = scan.n_documents
    if n_docs == 0 and not problems:
        problems.append(f"{path}: no document left (every row is bad)")
    stopped = bool(bad) and reading["on_bad_row"] == "error"
    samples = _samples(path, fmt, mapping)
    return Inspection(
        str(path),
        "table",
        fmt,
        scan.n_rows,
        n_docs,
        not problems and not stopped,
        tuple(problems),
        _choices(names, mapping, given),
        samples,
        mapping.date,
        found["decision"],
        tuple(found["survey"].formats(found["parser"])),
        outlets,
        unknown,
        _groups(bad, show_ids=mapping.id is not None),
        bad.n_bad_rows,
        scan.n_duplicates,
        reading["on_bad_row"],
    )


def _groups(bad, *, show_ids: bool) -> tuple[BadRowGroup, ...]:
    """The bad rows by reason (unknown outlets apart), most first, with their first rows."""
    groups = sorted(bad.reasons.items(), key=lambda kv: (-kv[1].n_rows, kv[0]))
    return tuple(
        BadRowGroup(
            reason,
            tuple(c for c in g.columns if c),
            g.n_rows,
            tuple(
                f"row {p.row}{f' (id {p.doc_id!r})' if show_ids else ''}: {p.detail}"
                for p in g.first
            ),
        )
        for reason, g in groups
    )


def _unknown(scan) -> tuple[UnknownOutletCount, ...]:
    from analysis.read.outlets import registered_domain

    groups = sorted(scan.bad_rows.unknown.values(), key=lambda u: (-u.n_rows, u.names()[0]))
    return tuple(
        UnknownOutletCount(
            u.names()[0],
            u.n_rows,
            tuple(u.names()),
            registered_domain(u.url) if u.url else "",
            scan.registry.suggest(u.names()[0], u.url or None),
        )
        for u in groups
    )


def _choices(names, mapping: ColumnMapping | None, given: dict) -> tuple[RoleChoice, ...]:
    """Per role, the column chosen and why (the alias its name matches, or the option)."""
    choices = []
    for role in INPUT_ROLES:
        column = getattr(mapping, role) if mapping is not None else None
        if given.get(role) is not None:
            why = f"given (--{role}-col {given[role]!r})"
        elif column is not None:
            alias = next(a for a in COLUMN_ALIASES[role] if column_key(a) == column_key(column))
            why = f"its name matches {alias!r}"
        else:
            why = f"no column named {', '.join(COLUMN_ALIASES[role])}"
        choices.append(RoleChoice(role, column, why))
    return tuple(choices)


def _samples(path: Path, fmt: str, mapping: ColumnMapping) -> tuple:
    """The first two rows, their used columns' values shortened to a line."""
    used = mapping.used()
    chunk = next(iter_chunks(path, fmt, used, 2), None) or {c: [] for c in used}
    rows = []
    for i in range(len(chunk[used[0]])):
        values = []
        for c in used:
            text = " ".join(str(chunk[c][i] if chunk[c][i] is not None else "").split())
            short = text if len(text) <= _SAMPLE_CHARS else text[: _SAMPLE_CHARS - 1] + "…"
            values.append((c, short))
        rows.append(tuple(values))
    return tuple(rows)


def _inspect_directory(path: Path, origins, outlets, origin_map) -> Inspection:
    from collections import Counter

    from analysis.read.directory import read_documents, relative_files

    n_files = len(relative_files(path))
    try:
        with warnings.catch_warnings():  # the inspection counts them
            warnings.simplefilter("ignore", DuplicateWarning)
            docs = read_documents(path, origins=origins, outlets=outlets, origin_map=origin_map)
    except CorpusError as e:
        return Inspection(str(path), "directory", "txt", n_files, 0, False, tuple(e.problems))
    keys = Counter((d.outlet, d.origin, d.country, d.outlet_source) for d in docs)
    outlets_ = [OutletCount(*k, n) for k, n in keys.items()]
    outlets_.sort(key=lambda o: (-o.n_documents, o.outlet, o.origin))
    n_dups = sum(1 for d in docs if d.duplicate_of)
    return Inspection(
        str(path),
        "directory",
        "txt",
        n_files,
        len(docs),
        True,
        outlets=tuple(outlets_),
        n_duplicates=n_dups,
    )
