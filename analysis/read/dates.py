"""Dates as exports write them, read into ISO calendar dates with a precision.

Accepted without options (:func:`parse_date`, :class:`DateParser`):

- ISO dates and date-times (``2023-05-04``, ``2023-05-04T23:30:00-05:00``): the calendar
  date in UTC; a date-time without a zone is taken to be in UTC;
- English month names in any usual order, with or without weekday, time, AM/PM and a zone
  abbreviation (``May 4, 2023``, ``4 May 2023``, ``Nov. 1, 2017``, ``Thu, 04 May 2023
  12:30:00 GMT``, ``11:20, 28-Jul-2022``, ``May 15, 2024 10:45 AM ET``), read by
  python-dateutil; zone abbreviations are those of :data:`analysis.read.zones.ZONES`;
- labels: ``Published: …``, ``Updated: …`` (a cell with both: the published date wins);
- ``2023/05/04``, ``2023.05.04``, ``20230504``; numeric dates with ``/``, ``.`` or ``-`` in
  day-first or month-first order (``28/02/2022``, ``02/28/2022``, two-digit years as
  ``strptime``'s ``%y``: 69-99 → 19xx, 00-68 → 20xx), in the order decided for the whole
  column (:mod:`analysis.read.dateorder`) or given (``order=``);
- a year (``1971``) or a year and month (``2022-03``, ``May 2022``): the period's first
  day, with precision ``year`` or ``month``.

A year must be written with four digits unless the date is numeric; a date without a year
(``May 4``) is not accepted. ``date_format=`` (``strptime``) replaces all of these rules.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from datetime import date as Date
from functools import cache
from typing import Literal, NamedTuple

from analysis.read.zones import ZONES, zone

__all__ = [
    "DATE_ORDERS",
    "DateError",
    "DateOrder",
    "DatePrecision",
    "NUMERIC_DATE",
    "Moment",
    "ParsedDate",
    "is_iso_date",
    "parse_date",
    "parse_iso_date",
    "parse_moment",
    "strip_labels",
    "two_digit_year",
    "utc_date",
]

DatePrecision = Literal["day", "month", "year"]
DateOrder = Literal["dayfirst", "monthfirst"]
#: The day/month orders of numeric dates (``28/02/2022`` is ``dayfirst``).
DATE_ORDERS: tuple[str, ...] = ("dayfirst", "monthfirst")

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(\d{4})")
_YEAR_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})")
_LABEL = re.compile(
    r"\b(first published|last updated|last modified|published|updated|posted|modified|"
    r"created|date)\b\s*(?:on\b|at\b)?\s*:?\s*",
    re.IGNORECASE,
)
_PUBLISHED = ("first published", "published", "posted", "created", "date")
_POSIX_OFFSET = re.compile(r"\b(?:UTC|GMT)\s*([+-−])\s*(\d{1,2})(?::?(\d{2}))?\b", re.IGNORECASE)
#: A numeric day/month date: ``28/02/2022``, ``02.28.22``, ``1-2-2022``.
NUMERIC_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/.-])")
_YEAR_FIRST = re.compile(r"(?<![\d/.-])(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?![\d/.-])")
_COMPACT = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?=$|[T\s])")
_FOUR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)")
_D1, _D2 = datetime(1, 1, 1), datetime(2, 2, 2)


class DateError(ValueError):
    """A date cell that cannot be read; the message says why (for the bad-row report)."""


class ParsedDate(NamedTuple):
    """A date as read: the ISO calendar date (the period's first day) and its precision."""

    date: str
    precision: DatePrecision = "day"


def utc_date(moment: datetime) -> str:
    """The ISO calendar date in UTC of a date-time (one without a zone is taken as UTC).

    Raises:
        DateError: the UTC date falls before year 1 or after year 9999
            (``0001-01-01T00:00:00+05:00``), which Python's dates cannot hold.
    """
    if moment.tzinfo is None:
        return moment.date().isoformat()
    try:
        return moment.astimezone(UTC).date().isoformat()
    except OverflowError:
        side = "before" if moment.year == 1 else "after"
        raise DateError(f"its UTC date falls {side} the years 1–9999") from None


@dataclass(frozen=True, slots=True)
class Moment:
    """A date as written, before conversion to UTC (``tz``: its zone, if it has one)."""

    year: int
    month: int = 1
    day: int = 1
    hour: int = 0
    minute: int = 0
    tz: tzinfo | None = None
    precision: DatePrecision = "day"

    def parsed(self) -> ParsedDate:
        """The UTC calendar date (for a date-time with a zone) or the period's first day."""
        if self.precision != "day":
            day = 1
            month = self.month if self.precision == "month" else 1
            return ParsedDate(Date(self.year, month, day).isoformat(), self.precision)
        if self.tz is None:
            return ParsedDate(Date(self.year, self.month, self.day).isoformat())
        moment = datetime(self.year, self.month, self.day, self.hour, self.minute, tzinfo=self.tz)
        return ParsedDate(utc_date(moment))


def is_iso_date(value: str) -> bool:
    """Whether ``value`` is a valid ``YYYY-MM-DD`` date (the directory corpus's dates)."""
    if not _ISO.fullmatch(value):
        return False
    try:
        Date.fromisoformat(value)
    except ValueError:
        return False
    return True


def parse_iso_date(value: object) -> str | None:
    """The calendar date in UTC of an ISO date or date-time, as ``YYYY-MM-DD``.

    Accepts ``2023-05-04``, ``2023-05-04T12:30:00Z``, ``2023-05-04 23:30:00-05:00`` (→
    ``2023-05-05``) and ``datetime``/``date`` objects (typed Parquet columns). A date-time
    without a time zone is taken to be in UTC.

    Returns:
        The ISO date, or ``None`` when ``value`` is empty or not an ISO date/date-time.

    Raises:
        DateError: a date-time whose UTC date leaves the years 1–9999 (:func:`utc_date`).
    """
    if isinstance(value, datetime):
        return utc_date(value)
    if isinstance(value, Date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    s = value.strip()
    try:
        if _ISO.fullmatch(s):
            return Date.fromisoformat(s).isoformat()
        if _DATETIME.fullmatch(s):
            return parse_iso_date(datetime.fromisoformat(s.upper().replace(",", ".")))
    except ValueError:
        return None
    return None


def parse_date(value: object, *, order: DateOrder | None = None) -> str | None:
    """The ISO calendar date of a date cell in any accepted form (see the module), or
    ``None`` when it is empty or cannot be read.

    ISO input gives exactly :func:`parse_iso_date`'s result. A year or year-month gives the
    period's first day. A numeric day/month date needs ``order`` unless a field over 12
    tells it (a table decides the order per column: :class:`analysis.read.dateorder.DateSurvey`).
    """
    from analysis.read.dateshapes import DateParser

    return DateParser.shared(order).date(value)


def strip_labels(text: str) -> str:
    """The date part of a labelled cell: ``Updated: 2022-03-07 17:49`` → ``2022-03-07
    17:49``; with a published and an updated date, the published one."""
    parts = _LABEL.split(text)
    if len(parts) == 1:
        return text
    labelled = [(parts[i].casefold(), parts[i + 1].strip(" ,;|-")) for i in range(1, len(parts), 2)]
    for label, part in labelled:
        if label in _PUBLISHED and part:
            return part
    return parts[0].strip(" ,;|-") or next((p for _, p in labelled if p), "")


def parse_moment(text: str, order: DateOrder | None = None) -> Moment:
    """Read one date string (not a template: see :class:`analysis.read.dateshapes.DateParser`).

    Raises:
        DateError: the string is not an accepted date (the message says why).
    """
    s = " ".join(text.split())
    found = _iso_moment(s)
    if found is not None:
        return found
    s = strip_labels(s)
    found = _iso_moment(s)
    if found is not None:
        return found
    s = _POSIX_OFFSET.sub(_offset_text, s)
    s = _numeric_as_iso(s, order)
    found = _iso_moment(s)
    return found if found is not None else _dateutil_moment(s)


def _iso_moment(s: str) -> Moment | None:
    if _ISO.fullmatch(s) or _DATETIME.fullmatch(s):
        try:
            if len(s) == 10:
                d = Date.fromisoformat(s)
                return Moment(d.year, d.month, d.day)
            t = datetime.fromisoformat(s.upper().replace(",", "."))
        except ValueError as e:
            raise DateError("impossible date") from e
        return Moment(t.year, t.month, t.day, t.hour, t.minute, t.tzinfo)
    if _YEAR.fullmatch(s):
        if int(s) < 1:
            raise DateError("impossible year")
        return Moment(int(s), precision="year")
    m = _YEAR_MONTH.fullmatch(s)
    if m:
        if not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1:
            raise DateError("impossible month")
        return Moment(int(m.group(1)), int(m.group(2)), precision="month")
    return None


def _offset_text(m: re.Match[str]) -> str:
    """``UTC+3`` → ``+03:00`` (dateutil reads ``UTC+3`` the POSIX way, as UTC-3)."""
    sign = "-" if m.group(1) in "-−" else "+"
    return f"{sign}{int(m.group(2)):02d}:{m.group(3) or '00'}"


def two_digit_year(yy: int) -> int:
    """A two-digit year as ``strptime``'s ``%y`` reads it (69-99 → 19xx, 00-68 → 20xx)."""
    return yy + (1900 if yy >= 69 else 2000)


def _numeric_as_iso(s: str, order: DateOrder | None) -> str:
    """Rewrite a numeric date inside ``s`` as ``YYYY-MM-DD`` (day/month by ``order``)."""
    m = _YEAR_FIRST.search(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(3)), int(m.group(4))
    elif m := _COMPACT.match(s):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = NUMERIC_DATE.search(s)
        if m is None:
            return s
        a, b, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
        y = two_digit_year(y) if len(m.group(4)) == 2 else y
        if order is None:
            if a > 12 and b > 12:
                raise DateError("impossible date: no month")
            if a <= 12 and b <= 12:
                raise DateError("day/month order unknown (pass --dayfirst or --monthfirst)")
            order = "dayfirst" if a > 12 else "monthfirst"
        d, mo = (a, b) if order == "dayfirst" else (b, a)
    try:
        iso = Date(y, mo, d).isoformat()
    except ValueError as e:
        how = f" read {order.replace('first', '-first')}" if order else ""
        raise DateError(f"impossible date{how}") from e
    return s[: m.start()] + iso + s[m.end() :]


class _UnknownZone(LookupError):
    pass


def _tzinfos(name: str | None, offset: int | None) -> tzinfo | None:
    """dateutil's zone lookup: an abbreviation of :data:`~analysis.read.zones.ZONES` or a
    numeric offset; any other abbreviation is an error, never guessed."""
    if name is None:
        return None if offset is None else _offset_zone(offset)
    if name.upper() in ("UTC", "GMT", "Z", "UT"):
        return UTC
    found = zone(name)
    if found is None:
        raise _UnknownZone(name)
    return found


@cache
def _offset_zone(seconds: int) -> tzinfo:
    from datetime import timedelta, timezone

    return UTC if seconds == 0 else timezone(timedelta(seconds=seconds))


def _dateutil_moment(s: str) -> Moment:
    from dateutil import parser

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = parser.parse(s, default=_D1, tzinfos=_tzinfos)
            b = parser.parse(s, default=_D2, tzinfos=_tzinfos)
    except _UnknownZone as e:
        raise DateError(f"unknown time zone {e.args[0]!r}; known: {', '.join(ZONES)}") from e
    except (ValueError, OverflowError, TypeError) as e:
        raise DateError("not a date in a known form") from e
    if a.year != b.year:
        raise DateError("no year")
    if str(a.year) not in _FOUR_DIGITS.findall(s):
        raise DateError("no four-digit year")
    if a.day == b.day:
        return Moment(a.year, a.month, a.day, a.hour, a.minute, a.tzinfo)
    return Moment(a.year, a.month, precision="month" if a.month == b.month else "year")
