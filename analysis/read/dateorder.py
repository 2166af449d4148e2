"""One day/month order per date column, the formats a column holds, and date precision.

Numeric dates (``02/03/2022``) are read in one order for the whole column, never cell by
cell: :class:`DateSurvey` takes a first pass over the column (its distinct shapes, bounded)
and :meth:`DateSurvey.order` decides: a value whose first field is over 12 makes the column
day-first, one whose second field is over 12 month-first; both in one column is an error
naming two example rows; neither is an error asking for ``--dayfirst`` or ``--monthfirst``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from analysis.read.corpus import CorpusError
from analysis.read.dates import NUMERIC_DATE, DateOrder, strip_labels
from analysis.read.dateshapes import DateParser, shape

__all__ = [
    "MAX_SHAPES",
    "PERIOD_NEEDS",
    "DateFormat",
    "DatePrecisionWarning",
    "DateSurvey",
    "format_label",
    "precision_warning",
]

#: Distinct shapes a survey counts one by one (the others are counted together).
MAX_SHAPES = 1000
_NUMERIC_SHAPE = re.compile(rb"(?<![0/.-])0{1,2}([/.-])0{1,2}\1(?:0000|00)(?![0/.-])")
_TOKEN = re.compile(r"(\d+|[^\W\d_]+)")
_MONTHS = "january february march april may june july august september october november december"
_MONTH_WORDS = {m[:3] for m in _MONTHS.split()} | set(_MONTHS.split()) | {"sept"}
_DAYS = "monday tuesday wednesday thursday friday saturday sunday"
_DAY_WORDS = {d[:3] for d in _DAYS.split()} | set(_DAYS.split())
_ROLE_LABEL = {
    "year": "YYYY",
    "year2": "YY",
    "month": "MM",
    "day": "DD",
    "hour": "hh",
    "hour_am": "hh",
    "hour_pm": "hh",
    "minute": "mm",
    "offset": "hhmm",
}
_ISO_LABEL = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:(?P<sep>[Tt ])\d{2}:\d{2}(?P<s>:\d{2})?(?P<frac>[.,]\d+)?"
    r"(?P<zone>[Zz]|[+-]\d{2}:?\d{2})?)?"
)
_OTHER = b"(other)"
_TYPED = b"(typed)"


@dataclass(frozen=True, slots=True)
class DateFormat:
    """One format of a date column: its label (``Mon DD, YYYY hh:mm PM``), how many cells,
    the first example and whether it is read."""

    label: str
    count: int
    example: str
    example_row: int
    #: Whether the example is read as a date (``False``: such cells are bad dates).
    readable: bool = True


@dataclass
class DateSurvey:
    """What a first pass over a date column found (memory bounded by its shapes).

    Attributes:
        column: The date column.
        n_cells: Cells seen; ``n_empty`` of them empty.
        shapes: Cells by shape (:func:`analysis.read.dateshapes.shape`; at most
            :data:`MAX_SHAPES`, the rest under ``(other)``), with the first row and value.
        dayfirst, monthfirst: The first ``(row, value)`` whose first (second) field is over
            12, or ``None``.
        ambiguous: The first ``(row, value)`` with both fields at most 12; ``n_ambiguous``
            such cells.
    """

    column: str
    n_cells: int = 0
    n_empty: int = 0
    shapes: Counter[bytes] = field(default_factory=Counter)
    examples: dict[bytes, tuple[int, str]] = field(default_factory=dict)
    dayfirst: tuple[int, str] | None = None
    monthfirst: tuple[int, str] | None = None
    ambiguous: tuple[int, str] | None = None
    n_ambiguous: int = 0
    _numeric: dict[bytes, bool] = field(default_factory=dict, repr=False)

    def add(self, row: int, value: object) -> None:
        """Count one cell (``row``: its 1-based data row)."""
        self.n_cells += 1
        if not isinstance(value, str):
            if value is None or value != value or value == "":
                self.n_empty += 1
                return
            if not isinstance(value, int | float):
                self._count(_TYPED, row, str(value))
                return
            value = str(int(value)) if isinstance(value, float) else str(value)
        if not value.strip():
            self.n_empty += 1
            return
        key = shape(value)
        self._count(key, row, value)
        numeric = self._numeric.get(key)
        if numeric is None:
            numeric = self._numeric.setdefault(key, bool(_NUMERIC_SHAPE.search(key)))
        if numeric:
            self._evidence(row, value)

    def _count(self, key: bytes, row: int, value: str) -> None:
        if key not in self.shapes and len(self.shapes) >= MAX_SHAPES:
            key = _OTHER
        self.shapes[key] += 1
        self.examples.setdefault(key, (row, value))

    def _evidence(self, row: int, value: str) -> None:
        m = NUMERIC_DATE.search(strip_labels(" ".join(value.split())))
        if m is None:
            return
        first, second = int(m.group(1)), int(m.group(3))
        if first > 12 >= second:
            self.dayfirst = self.dayfirst or (row, value)
        elif second > 12 >= first:
            self.monthfirst = self.monthfirst or (row, value)
        elif first <= 12 and second <= 12:
            self.n_ambiguous += 1
            self.ambiguous = self.ambiguous or (row, value)

    def order(self, where: str) -> DateOrder | None:
        """The day/month order of the column's numeric dates (``None``: it has none).

        Raises:
            CorpusError: both orders occur, or no value tells the order.
        """
        col = self.column
        if self.dayfirst and self.monthfirst:
            (r1, v1), (r2, v2) = self.dayfirst, self.monthfirst
            raise CorpusError(
                [
                    f"{where}: column {col!r} mixes day-first and month-first dates: row {r1} "
                    f"{v1!r} is day-first (first field over 12), row {r2} {v2!r} month-first "
                    "(second field over 12); correct the column, or read it with "
                    "--date-format FORMAT (strptime)"
                ]
            )
        if self.dayfirst or self.monthfirst:
            return "dayfirst" if self.dayfirst else "monthfirst"
        if self.ambiguous:
            row, value = self.ambiguous
            raise CorpusError(
                [
                    f"{where}: column {col!r} has {self.n_ambiguous} numeric date(s) such as row "
                    f"{row} {value!r} and no day over 12 that tells whether the day or the month "
                    "comes first; pass --dayfirst or --monthfirst"
                ]
            )
        return None

    def decision(self, given: DateOrder | None = None) -> str:
        """How the column's day/month order is decided, in words (for ``framing inspect``)."""
        if given is not None:
            return f"{given.replace('first', '-first')} (given)"
        found = self.dayfirst or self.monthfirst
        if self.dayfirst and self.monthfirst:
            return "error: day-first and month-first dates in one column"
        if found:
            which = "first" if self.dayfirst else "second"
            name = "day-first" if self.dayfirst else "month-first"
            return f"{name}: row {found[0]} {found[1]!r} has its {which} field over 12"
        if self.ambiguous:
            return "error: no day over 12 tells the order; pass --dayfirst or --monthfirst"
        return "not needed (no numeric day/month dates)"

    def formats(self, parser: DateParser) -> list[DateFormat]:
        """The column's formats with counts, most frequent first (labels from the templates
        ``parser`` learns on each shape's example)."""
        counts: Counter[str] = Counter()
        first: dict[str, tuple[str, int, bool]] = {}  # label → example, its row, readable
        for key, n in self.shapes.items():
            row, value = self.examples[key]
            readable = True
            if key in (_OTHER, _TYPED):
                label = "(other formats)" if key == _OTHER else "(typed date values)"
            else:
                try:
                    parser.parse(value)
                except ValueError:
                    readable = False
                label = format_label(value, parser)
            counts[label] += n
            if label not in first or row < first[label][1]:
                first[label] = (value, row, readable)
        order = sorted(counts, key=lambda label: (-counts[label], label))
        return [DateFormat(lb, counts[lb], *first[lb]) for lb in order]


def format_label(value: str, parser: DateParser) -> str:
    """A readable format of a date string: ``Updated: YYYY-MM-DD hh:mm``, ``Mon DD, YYYY``;
    digits whose role is not known are shown as ``9``."""
    iso = _ISO_LABEL.fullmatch(value.strip())
    if iso:
        return _iso_label(iso)
    template = parser.template(value)
    roles = iter(template.roles) if template is not None else None
    out = []
    for part in _TOKEN.split(" ".join(value.split())):
        if part.isdigit():
            role = next(roles, "") if roles is not None else ""
            out.append(_ROLE_LABEL.get(role) or ("#" * len(part) if roles else "9" * len(part)))
        elif part.casefold().rstrip(".") in _MONTH_WORDS:
            out.append("Month" if len(part) > 4 else "Mon")
        elif part.casefold() in _DAY_WORDS:
            out.append("Weekday" if len(part) > 3 else "Dow")
        else:
            out.append(part)
    return "".join(out)


def _iso_label(m: re.Match[str]) -> str:
    """``YYYY-MM-DDThh:mm:ss.fff+hh:mm`` and its shorter forms, as the string has them."""
    label = "YYYY-MM-DD"
    if m.group("sep"):
        label += f"{m.group('sep')}hh:mm" + (":ss" if m.group("s") else "")
        label += f"{m.group('frac')[0]}fff" if m.group("frac") else ""
    zone = m.group("zone") or ""
    return label + (
        zone if zone in ("", "Z", "z") else zone[0] + ("hh:mm" if ":" in zone else "hhmm")
    )


class DatePrecisionWarning(UserWarning):
    """Rates by a period finer than the dates of some documents (month rates of speeches
    dated by year)."""


#: The finest date precision each ``--period`` needs (a month lies in one quarter).
PERIOD_NEEDS = {"year": "year", "quarter": "month", "month": "month"}
_FINENESS = {"year": 0, "month": 1, "day": 2}


def precision_warning(precisions: Mapping[str, int], period: str) -> str | None:
    """The warning for documents dated more coarsely than ``period`` needs (``None``: none
    are): a year-dated document counts in the first month or quarter of its year.

    Args:
        precisions: Documents by date precision (``{"day": 10, "year": 3}``).
        period: The time unit of the rates (``year``, ``quarter``, ``month``).
    """
    need = _FINENESS[PERIOD_NEEDS.get(period, "year")]
    coarse = {p: n for p, n in precisions.items() if _FINENESS.get(p, 2) < need and n}
    if not coarse:
        return None
    n = sum(coarse.values())
    return (
        f"{n} document(s) are dated by year only but rates are by {period}: each counts in "
        f"the first {period} of its year; use --period year (the dates' precision is the "
        "date_precision column of documents.csv)"
    )
