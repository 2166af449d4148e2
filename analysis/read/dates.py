"""Dates of corpus documents."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from datetime import date as Date

__all__ = ["is_iso_date", "parse_date"]

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?",
    re.IGNORECASE,
)


def is_iso_date(value: str) -> bool:
    """Whether ``value`` is a valid ``YYYY-MM-DD`` date (the directory corpus's dates)."""
    if not _ISO.fullmatch(value):
        return False
    try:
        Date.fromisoformat(value)
    except ValueError:
        return False
    return True


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
        if _ISO.fullmatch(s):
            return Date.fromisoformat(s).isoformat()
        if _DATETIME.fullmatch(s):
            return parse_date(datetime.fromisoformat(s.upper().replace(",", ".")))
    except ValueError:
        return None
    return None
