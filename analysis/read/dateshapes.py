"""Reading a whole date column fast: a cache of distinct strings and one template per shape.

An export writes its dates in a few formats but with many distinct values (time stamps).
python-dateutil reads one string in about 70 µs, so :class:`DateParser` reads each *shape*
of string (the string with its digits replaced by ``0``: ``Aug 00, 0000 00:00 PM``) once
with the full rules (:func:`analysis.read.dates.parse_moment`), learns which run of digits is
the year, month, day, hour or minute by changing one run at a time and reading the variant
again, checks the learned template on those variants, and then reads every other string of
that shape from its digits alone. A shape whose template cannot be learned or checked is
read string by string (cached). The result is the same either way.
"""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from datetime import date as Date
from functools import cache

from analysis.read.dates import (
    DateError,
    DateOrder,
    DatePrecision,
    Moment,
    ParsedDate,
    parse_iso_date,
    parse_moment,
    two_digit_year,
    utc_date,
)

__all__ = ["MAX_CACHED", "DateParser", "Template", "shape"]

#: Distinct strings whose result a :class:`DateParser` keeps (beyond: read again).
MAX_CACHED = 100_000
_SHAPE = bytes.maketrans(b"0123456789", b"0000000000")
_RUN = re.compile(r"\d+")
_RUN_BYTES = re.compile(rb"\d+")
_ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}[^A-Za-z]*[Zz]?)?")
_FIELDS = ("year", "month", "day", "hour", "minute", "offset")
#: Digits tried in place of a run of 1 or 2 digits to learn its role (valid as a month, a
#: day, a 12-hour clock's hour and a minute).
_PROBES = {1: ("5", "4", "2"), 2: ("11", "10", "05", "02")}


def shape(text: str) -> bytes:
    """The shape of a date string: its UTF-8 bytes with every digit replaced by ``0``."""
    return text.encode("utf-8", "surrogatepass").translate(_SHAPE)


class Template:
    """How the digit runs of one shape give its date.

    ``runs`` has one ``(role, start, end)`` per run of digits (byte offsets in the UTF-8
    string); a role is ``year``, ``year2`` (two digits), ``month``, ``day``, ``hour``
    (24-hour clock), ``hour_am``/``hour_pm`` (12-hour clock), ``minute``, ``offset``
    (``hhmm`` after ``+``/``-``) or ``""`` (not needed: seconds, fractions, a second date).
    ``month`` is the month when no run gives it (a month name), ``tz`` the zone when no run
    gives it (a zone name).
    """

    __slots__ = ("_at", "_days", "month", "offset_sign", "precision", "runs", "tz")

    def __init__(
        self,
        runs: tuple[tuple[str, int, int], ...],
        month: int,
        tz: tzinfo | None,
        precision: DatePrecision,
        offset_sign: int = 1,
    ):
        self.runs, self.month, self.tz = runs, month, tz
        self.precision, self.offset_sign = precision, offset_sign
        self._at = {role: slice(start, end) for role, start, end in runs if role}
        # (y, m, d) or (y, m, d, UTC day shift) → the date
        self._days: dict[tuple, ParsedDate] = {}

    @property
    def roles(self) -> tuple[str, ...]:
        """The role of each run of digits."""
        return tuple(role for role, _, _ in self.runs)

    def __repr__(self) -> str:
        return f"Template({self.roles}, precision={self.precision!r}, tz={self.tz!r})"

    def apply(self, data: bytes) -> ParsedDate | None:
        """The date of a string of this shape (UTF-8 ``data``), or ``None`` when its digits
        make no date."""
        at = self._at
        try:
            year = int(data[at["year"]]) if "year" in at else two_digit_year(int(data[at["year2"]]))
            month = int(data[at["month"]]) if "month" in at else self.month
            if self.precision != "day":
                month = month if self.precision == "month" else 1
                return ParsedDate(Date(year, month, 1).isoformat(), self.precision)
            day = int(data[at["day"]])
            if self.tz is None and "offset" not in at:
                found = self._days.get((year, month, day))
                if found is None:
                    found = ParsedDate(Date(year, month, day).isoformat())
                    if len(self._days) < MAX_CACHED:
                        self._days[year, month, day] = found
                return found
            return self._utc_date(data, year, month, day)
        except (ValueError, OverflowError, KeyError):
            return None

    def _utc_date(self, data: bytes, year: int, month: int, day: int) -> ParsedDate:
        at, tz = self._at, self.tz
        if "hour" in at:
            hour = int(data[at["hour"]])
        elif "hour_am" in at or "hour_pm" in at:
            hour = int(data[at.get("hour_am") or at["hour_pm"]])
            hour = 99 if hour > 12 else hour % 12 + (12 if "hour_pm" in at else 0)
        else:
            hour = 0
        minute = int(data[at["minute"]]) if "minute" in at else 0
        if "offset" in at:
            value = int(data[at["offset"]])
            tz = _zone(self.offset_sign * (value // 100 * 60 + value % 100))
        if not isinstance(tz, timezone) or hour > 23 or minute > 59:
            moment = datetime(year, month, day, hour, minute, tzinfo=tz)
            return ParsedDate(utc_date(moment))
        offset = tz.utcoffset(None) // _MINUTE
        shift = (hour * 60 + minute - offset) // 1440  # -1, 0 or 1: the UTC day
        found = self._days.get((year, month, day, shift))
        if found is None:
            utc = Date.fromordinal(Date(year, month, day).toordinal() + shift)
            found = ParsedDate(utc.isoformat())
            if len(self._days) < MAX_CACHED:
                self._days[year, month, day, shift] = found
        return found


_MINUTE = timedelta(minutes=1)


@cache
def _zone(minutes: int) -> tzinfo:
    return UTC if minutes == 0 else timezone(timedelta(minutes=minutes))


def _offset(m: Moment) -> int | None:
    delta = m.tz.utcoffset(None) if m.tz is not None else None
    return None if delta is None else int(delta.total_seconds() // 60)


def _changed(a: Moment, b: Moment) -> list[str]:
    fields = [f for f in _FIELDS[:5] if getattr(a, f) != getattr(b, f)]
    return [*fields, "offset"] if _offset(a) != _offset(b) or a.tz is not b.tz else fields


class DateParser:
    """Reads the cells of one date column, all in one day/month ``order`` (or by
    ``date_format``, a ``strptime`` format that replaces every other rule).

    Results are cached by distinct string (up to :data:`MAX_CACHED`) and by shape
    (:class:`Template`), so a column of repeated formats reads at hundreds of thousands of
    cells per second whatever the number of distinct values.
    """

    def __init__(self, *, order: DateOrder | None = None, date_format: str | None = None):
        self.order = order
        self.date_format = date_format
        self._cache: dict[str, ParsedDate | DateError] = {}
        self._templates: dict[str, Template | None] = {}

    @staticmethod
    @cache
    def shared(order: DateOrder | None = None) -> DateParser:
        """One parser per order for single values (:func:`analysis.read.dates.parse_date`)."""
        return DateParser(order=order)

    def date(self, value: object) -> str | None:
        """The ISO date of a cell, or ``None`` when it is empty or cannot be read."""
        try:
            return self.parse(value).date
        except DateError:
            return None

    def parse(self, value: object) -> ParsedDate:
        """The date of a cell (a string, or a typed ``datetime``/``date``/integer value).

        Raises:
            DateError: an empty cell (``"empty date"``) or one that cannot be read.
        """
        text = value if type(value) is str else _text(value)
        if text is None:
            return ParsedDate(parse_iso_date(value))  # type: ignore[arg-type]
        found = self._cache.get(text)
        if found is None:
            data = text.encode("utf-8", "surrogatepass")
            key = data.translate(_SHAPE)
            template = self._templates.get(key)
            found = template.apply(data) if template is not None else None
            if found is not None:
                return found
            iso = parse_iso_date(text) if self.date_format is None else None
            if iso is not None:
                return ParsedDate(iso)
            found = self._read(text, key)
            if len(self._cache) < MAX_CACHED:
                self._cache[text] = found
        if isinstance(found, DateError):
            raise found
        return found

    def template(self, text: str) -> Template | None:
        """The template learned for the shape of ``text`` (``None``: not learned)."""
        return self._templates.get(shape(text))

    def _read(self, text: str, key: bytes) -> ParsedDate | DateError:
        """Read a string by the full rules, and learn its shape's template the first time."""
        if not text.strip():
            return DateError("empty date")
        if self.date_format is not None:
            return _strptime(text, self.date_format)
        try:
            moment = parse_moment(text, self.order)
            parsed = moment.parsed()
        except DateError as e:
            return e
        except (ValueError, OverflowError):
            return DateError("impossible date")
        if key not in self._templates and not _ISO_START.fullmatch(text.strip()):
            self._templates[key] = self._learn(text, moment, parsed)
        return parsed

    def _learn(self, text: str, moment: Moment, parsed: ParsedDate) -> Template | None:
        """The template of ``text``'s shape, checked on every variant read (else ``None``)."""
        runs = list(_RUN.finditer(text))
        if not runs or len(runs) > 8:
            return None
        roles, checks = [], [(text, parsed)]
        for m in runs:
            role = self._role(text, m, moment, checks)
            if role is None:
                return None
            roles.append(role)
        if "year" not in roles and "year2" not in roles:
            return None
        sign = 1
        if "offset" in roles:
            sign = -1 if text[runs[roles.index("offset")].start() - 1] == "-" else 1
        tz = None if "offset" in roles else moment.tz
        spans = [m.span() for m in _RUN_BYTES.finditer(text.encode("utf-8", "surrogatepass"))]
        runs_ = tuple((role, a, b) for role, (a, b) in zip(roles, spans, strict=True))
        template = Template(runs_, moment.month, tz, moment.precision, sign)
        ok = all(template.apply(t.encode("utf-8", "surrogatepass")) == p for t, p in checks)
        return template if ok else None

    def _variant(self, text: str, m: re.Match[str], digits: str) -> Moment | None:
        try:
            return parse_moment(text[: m.start()] + digits + text[m.end() :], self.order)
        except DateError:
            return None

    def _role(self, text, m, base: Moment, checks: list) -> str | None:
        """What the run ``m`` of ``text`` is, from a variant with other digits (``None``:
        cannot tell). Variants read are added to ``checks``."""
        run = m.group()
        choices = _PROBES.get(len(run)) or (str(int(run) + 1).zfill(len(run))[-len(run) :],)
        if len(run) == 4:
            choices = (f"{int(run) - 1:04d}", f"{int(run) + 1:04d}")
        # the first other digits that still make a date (11 is no month of a 31st)
        for digits in (c for c in choices if c != run):
            other = self._variant(text, m, digits)
            if other is not None:
                break
        else:
            return None
        _remember(checks, text, m, digits, other)
        changed = _changed(base, other)
        v = int(digits)
        if not changed:
            return ""
        if len(changed) > 1:
            return None
        field = changed[0]
        if field == "year":
            if other.year == v:
                return "year"
            return "year2" if other.year == two_digit_year(v) else None
        if field in ("month", "day", "minute"):
            return field if getattr(other, field) == v else None
        if field == "offset":
            minutes = v // 100 * 60 + v % 100
            return "offset" if len(run) == 4 and abs(_offset(other) or 0) == minutes else None
        return self._hour(text, m, other, v, checks)

    def _hour(self, text, m, other: Moment, v: int, checks: list) -> str | None:
        """``hour``, ``hour_am`` or ``hour_pm``: how the variant ``v`` and one with 12 read."""
        if m.group() == "12":
            at12 = self._variant(text, m, "12")
        else:
            at12 = self._variant(text, m, "12")
            if at12 is not None:
                _remember(checks, text, m, "12", at12)
        if at12 is None:
            return None
        if other.hour == v and at12.hour == 12:
            return "hour"
        if other.hour == v and at12.hour == 0:
            return "hour_am"
        return "hour_pm" if other.hour == v % 12 + 12 and at12.hour == 12 else None


def _remember(checks: list, text: str, m: re.Match[str], digits: str, moment: Moment) -> None:
    """Keep a variant of the same shape, with its date, to check the template on."""
    if len(digits) != len(m.group()):
        return
    with contextlib.suppress(ValueError, OverflowError):
        checks.append((text[: m.start()] + digits + text[m.end() :], moment.parsed()))


def _text(value: object) -> str | None:
    """A cell as the string to read (``None``: a typed date or date-time)."""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime | Date):
        return None
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float):
        return "" if value != value else str(int(value)) if value.is_integer() else str(value)
    return str(value)


def _strptime(text: str, fmt: str) -> ParsedDate | DateError:
    try:
        moment = datetime.strptime(text.strip(), fmt)
    except ValueError:
        return DateError(f"does not match --date-format {fmt!r}")
    if not any(d in fmt for d in ("%d", "%j")):
        month = any(d in fmt for d in ("%m", "%b", "%B"))
        first = Date(moment.year, moment.month if month else 1, 1).isoformat()
        return ParsedDate(first, "month" if month else "year")
    try:
        return ParsedDate(parse_iso_date(moment))  # type: ignore[arg-type]
    except DateError as e:
        return e
