"""Bad rows of a table: kept in bounded memory and reported as summaries a person can read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analysis.read.outlets import OutletRegistry, load_outlets, outlet_key, registered_domain
from analysis.schema import SKIPPED_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SHOWN_OUTLETS",
    "SHOWN_ROWS",
    "BadRows",
    "ReasonRows",
    "RowProblem",
    "UnknownOutlet",
    "spelling_key",
]

#: Rows listed per reason (and per unknown outlet) in a report; the others are counted.
SHOWN_ROWS = 5
#: Unknown outlets listed one by one in a report (the others are counted).
SHOWN_OUTLETS = 20
#: Spellings listed per unknown outlet.
SHOWN_SPELLINGS = 5


def spelling_key(name: str) -> str:
    """The key that makes spellings one unknown outlet: the registry's normalised name
    (:func:`~analysis.read.outlets.outlet_key`), else the name casefolded with its spaces
    collapsed and ’ written ' (for names the key leaves empty, such as ``?``)."""
    return outlet_key(name) or " ".join(name.replace("’", "'").casefold().split())


@dataclass(slots=True)
class RowProblem:
    """One problem of one row: where, which column, why (``reason``) and the detail."""

    row: int
    doc_id: str
    column: str
    reason: str
    detail: str
    value: str = ""
    #: The row's URL (url or id column), for what its domain suggests about an unknown outlet.
    url: str = ""


@dataclass(slots=True)
class UnknownOutlet:
    """The rows of one unknown outlet (spellings equal up to the registry's normalisation)."""

    n_rows: int = 0
    #: spelling → [rows, first row]
    spellings: dict[str, list[int]] = field(default_factory=dict)
    #: the first (row, doc_id) pairs, at most SHOWN_ROWS
    rows: list[tuple[int, str]] = field(default_factory=list)
    #: the first URL seen with it
    url: str = ""

    def add(self, p: RowProblem) -> None:
        self.n_rows += 1
        self.url = self.url or p.url
        self.spellings.setdefault(p.value, [0, p.row])[0] += 1
        if len(self.rows) < SHOWN_ROWS:
            self.rows.append((p.row, p.doc_id))

    def names(self) -> list[str]:
        """Its spellings, most frequent first (ties: the one seen first)."""
        return sorted(self.spellings, key=lambda s: (-self.spellings[s][0], self.spellings[s][1]))


@dataclass(slots=True)
class ReasonRows:
    """The rows with one reason: how many, in which columns, and the first ones."""

    n_rows: int = 0
    columns: dict[str, None] = field(default_factory=dict)
    first: list[RowProblem] = field(default_factory=list)

    def add(self, p: RowProblem) -> None:
        self.n_rows += 1
        self.columns.setdefault(p.column)
        if len(self.first) < SHOWN_ROWS:
            self.first.append(p)


class BadRows:
    """The bad rows seen so far, in bounded memory.

    Keeps what a report shows (per reason a count and the first :data:`SHOWN_ROWS` rows;
    per unknown outlet its count, spellings and first rows) and, only when the rows are
    skipped, one ``skipped.csv`` row per bad row (the ``TableCorpus.skipped`` frame).
    """

    def __init__(self, keep_rows: bool):
        self.n_bad_rows = 0
        self.reasons: dict[str, ReasonRows] = {}  # problems other than unknown_outlet
        self.unknown: dict[str, UnknownOutlet] = {}  # by normalised name
        self.outlet_column = ""
        self.skipped: list[tuple] | None = [] if keep_rows else None

    def __bool__(self) -> bool:
        return self.n_bad_rows > 0

    def counts(self) -> dict[str, int]:
        """Rows by reason (a row with several problems counts under each), sorted by name."""
        counts = {r: g.n_rows for r, g in self.reasons.items()}
        if self.unknown:
            counts["unknown_outlet"] = sum(u.n_rows for u in self.unknown.values())
        return dict(sorted(counts.items()))

    def add(self, problems: list[RowProblem]) -> None:
        """Record the problems of one row (in row order)."""
        self.n_bad_rows += 1
        for p in problems:
            if p.reason == "unknown_outlet":
                self.unknown.setdefault(spelling_key(p.value), UnknownOutlet()).add(p)
                self.outlet_column = p.column
            else:
                self.reasons.setdefault(p.reason, ReasonRows()).add(p)
        if self.skipped is not None:
            first = problems[0]
            detail = "; ".join(f"column {p.column!r}: {p.detail}" for p in problems)
            self.skipped.append((first.row, first.doc_id, first.column, first.reason, detail))

    def messages(
        self, where: str, show_ids: bool, registry: OutletRegistry | None = None
    ) -> list[str]:
        """The report: one message per reason (a count and the first rows, most frequent
        reason first) and one for unknown outlets (with ready-to-paste registry entries
        from ``registry``'s :meth:`~analysis.read.outlets.OutletRegistry.suggest`)."""
        messages = []
        if len(self.reasons) + bool(self.unknown) > 1:
            counts = ", ".join(f"{r} {n}" for r, n in self.counts().items())
            messages.append(
                f"{where}: {self.n_bad_rows} bad row(s) ({counts}); --on-bad-row skip skips "
                "them and lists every one in skipped.csv"
            )
        for reason, group in sorted(self.reasons.items(), key=lambda kv: (-kv[1].n_rows, kv[0])):
            messages.append(_reason_message(where, reason, group, show_ids))
        if self.unknown:
            messages.append(self._unknown_message(where, show_ids, registry or load_outlets()))
        return messages

    def _unknown_message(self, where: str, show_ids: bool, registry: OutletRegistry) -> str:
        groups = [(u.names(), u) for u in self.unknown.values()]
        groups.sort(key=lambda g: (-g[1].n_rows, g[0][0]))
        n = sum(u.n_rows for u in self.unknown.values())
        lines = [
            f"{where}: {n} row(s) have an outlet that is not in the outlet registry and no "
            f"origin (column {self.outlet_column!r}); {len(groups)} unknown outlet(s):"
        ]
        lines += [_outlet_line(names, u, show_ids) for names, u in groups[:SHOWN_OUTLETS]]
        if len(groups) > SHOWN_OUTLETS:
            lines.append(f"  … and {len(groups) - SHOWN_OUTLETS} more unknown outlet(s)")
        lines.append(
            "To add them, check and paste into a TOML file passed with --outlets FILE.toml:"
        )
        for i, (names, u) in enumerate(groups[:SHOWN_ROWS]):
            entry = registry.suggest(names[0], u.url or None).rstrip("\n")
            lines += [""] * (i > 0) + [f"  {line}" for line in entry.splitlines()]
        if len(groups) > SHOWN_ROWS:
            lines.append(f"  # … {len(groups) - SHOWN_ROWS} more: framing inspect lists them all")
        lines.append("or give their origin in an origin column (--origin-col, --origin-map).")
        return "\n".join(lines)

    def skipped_frame(self) -> pd.DataFrame:
        """The skipped rows as a table of :data:`SKIPPED_COLUMNS`."""
        import pandas as pd

        df = pd.DataFrame(self.skipped or [], columns=list(SKIPPED_COLUMNS))
        return df.astype({"row": "int64"})


def _reason_message(where: str, reason: str, group: ReasonRows, show_ids: bool) -> str:
    """``WHERE: bad_date in column 'date': 7 row(s), e.g.`` and the first rows, one a line."""
    columns = ", ".join(repr(c) for c in group.columns if c) or "(none)"
    shown = len(group.first)
    more = f", the first {shown}" if group.n_rows > shown else ""
    lines = [f"{where}: {reason} in column {columns}: {group.n_rows} row(s){more}:"]
    for p in group.first:
        which = f"row {p.row} (id {p.doc_id!r})" if show_ids else f"row {p.row}"
        lines.append(f"  {which}: {p.detail}")
    return "\n".join(lines)


def _outlet_line(names: list[str], u: UnknownOutlet, show_ids: bool) -> str:
    """``  'My Blog': 9 row(s): rows 1, 2, … (4 more); also written 'my blog'; domain x.org``"""
    if show_ids:
        shown = ", ".join(f"{r} (id {i!r})" for r, i in u.rows)
    else:
        shown = ", ".join(str(r) for r, _ in u.rows)
    more = f", … ({u.n_rows - len(u.rows)} more)" if u.n_rows > len(u.rows) else ""
    line = f"  {names[0]!r}: {u.n_rows} row(s): row{'s' if u.n_rows > 1 else ''} {shown}{more}"
    if len(names) > 1:
        others = ", ".join(map(repr, names[1:SHOWN_SPELLINGS]))
        extra = len(names) - SHOWN_SPELLINGS
        line += f"; also written {others}" + (f", … ({extra} more)" if extra > 0 else "")
    domain = registered_domain(u.url) if u.url else ""
    return line + (f"; domain {domain}" if domain else "")
