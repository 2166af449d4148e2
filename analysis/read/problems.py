"""Bad rows of a table: kept in bounded memory and reported as summaries a person can read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analysis.schema import SKIPPED_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MAX_LISTED",
    "BadRows",
    "RowProblem",
    "UnknownOutlet",
    "spelling_key",
]

#: Bad rows listed one by one in an error message (the others are counted).
MAX_LISTED = 50
#: Rows (and ids) listed per unknown outlet.
MAX_ROWS_PER_OUTLET = 5
#: Spellings listed per unknown outlet.
MAX_SPELLINGS = 5


def spelling_key(name: str) -> str:
    """An outlet name as the registry matches names: case, repeated spaces and ’ vs '
    ignored (spellings with one key are one unknown outlet)."""
    return " ".join(name.replace("’", "'").casefold().split())


@dataclass(slots=True)
class RowProblem:
    """One problem of one row: where, which column, why (``reason``) and the detail."""

    row: int
    doc_id: str
    column: str
    reason: str
    detail: str
    value: str = ""


@dataclass(slots=True)
class UnknownOutlet:
    """The rows of one unknown outlet (spellings equal up to the registry's normalisation)."""

    n_rows: int = 0
    #: spelling → [rows, first row]
    spellings: dict[str, list[int]] = field(default_factory=dict)
    #: the first (row, doc_id) pairs, at most MAX_ROWS_PER_OUTLET
    rows: list[tuple[int, str]] = field(default_factory=list)

    def add(self, p: RowProblem) -> None:
        self.n_rows += 1
        self.spellings.setdefault(p.value, [0, p.row])[0] += 1
        if len(self.rows) < MAX_ROWS_PER_OUTLET:
            self.rows.append((p.row, p.doc_id))

    def names(self) -> list[str]:
        """Its spellings, most frequent first (ties: the one seen first)."""
        return sorted(self.spellings, key=lambda s: (-self.spellings[s][0], self.spellings[s][1]))


class BadRows:
    """The bad rows seen so far, in bounded memory.

    Keeps what the error message shows (the first :data:`MAX_LISTED` bad rows, counts per
    reason, one entry per unknown outlet with its first rows) and, only when the rows are
    skipped, one ``skipped.csv`` row per bad row (the :attr:`TableCorpus.skipped` frame).
    """

    def __init__(self, keep_rows: bool):
        self.n_bad_rows = 0
        self.listed: list[list[RowProblem]] = []  # first bad rows, without unknown_outlet
        self.n_listed_rows = 0  # rows with a problem other than unknown_outlet
        self.reasons: Counter[str] = Counter()  # problems other than unknown_outlet
        self.unknown: dict[str, UnknownOutlet] = {}  # by normalised name
        self.outlet_column = ""
        self.skipped: list[tuple] | None = [] if keep_rows else None

    def __bool__(self) -> bool:
        return self.n_bad_rows > 0

    def add(self, problems: list[RowProblem]) -> None:
        """Record the problems of one row (in row order)."""
        self.n_bad_rows += 1
        others = []
        for p in problems:
            if p.reason == "unknown_outlet":
                self.unknown.setdefault(spelling_key(p.value), UnknownOutlet()).add(p)
                self.outlet_column = p.column
            else:
                others.append(p)
                self.reasons[p.reason] += 1
        if others:
            self.n_listed_rows += 1
            if len(self.listed) < MAX_LISTED:
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
        for names, u in groups[:MAX_LISTED]:
            if show_ids:
                shown = ", ".join(f"{r} (id {i!r})" for r, i in u.rows)
            else:
                shown = ", ".join(str(r) for r, _ in u.rows)
            more = f", … ({u.n_rows - len(u.rows)} more)" if u.n_rows > len(u.rows) else ""
            line = f"  {names[0]!r}: {u.n_rows} row(s): row{'s' if u.n_rows > 1 else ''} "
            line += f"{shown}{more}"
            if len(names) > 1:
                others = ", ".join(map(repr, names[1:MAX_SPELLINGS]))
                extra = len(names) - MAX_SPELLINGS
                line += f"; also written {others}" + (f", … ({extra} more)" if extra > 0 else "")
            lines.append(line)
        if len(groups) > MAX_LISTED:
            lines.append(f"  … and {len(groups) - MAX_LISTED} more unknown outlet(s)")
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
        """The skipped rows as a table of :data:`SKIPPED_COLUMNS`."""
        import pandas as pd

        df = pd.DataFrame(self.skipped or [], columns=list(SKIPPED_COLUMNS))
        return df.astype({"row": "int64"})
