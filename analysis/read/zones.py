"""Time-zone abbreviations in dates (``May 15, 2024 10:45 AM ET``), and what they mean here.

An abbreviation names either a fixed offset from UTC or a region whose offset changes with
daylight saving time (``ET``: New York's offset on that date). Abbreviations are ambiguous
across the world; the choices made here, for a toolkit that reads Russian, Chinese and
English-language news, are:

- ``CST`` is **China Standard Time** (UTC+8), as Chinese outlets (CGTN, China Daily, Xinhua)
  write it; US Central time is ``CT`` (or ``CDT``). Give ``--date-format`` to read
  US-Central ``CST`` exports another way.
- ``IST`` is **India Standard Time** (UTC+05:30), not Irish or Israel time.
- ``BST`` is **British Summer Time** (UTC+1), not Bangladesh time.
- ``MSK`` is Moscow time with its history (UTC+3 now, UTC+4 in 2011-2014).

Any other abbreviation is not guessed: such a date is a bad date naming the abbreviation.
"""

from __future__ import annotations

from datetime import UTC, timedelta, timezone, tzinfo
from functools import cache

__all__ = ["ZONES", "zone"]

#: Abbreviation → (UTC offset in minutes, or an IANA zone name, and what it stands for).
ZONES: dict[str, tuple[int | str, str]] = {
    "UTC": (0, "Coordinated Universal Time"),
    "UT": (0, "Universal Time"),
    "GMT": (0, "Greenwich Mean Time"),
    "Z": (0, "Zulu (UTC)"),
    "WET": (0, "Western European Time"),
    "WEST": (60, "Western European Summer Time"),
    "BST": (60, "British Summer Time"),
    "CET": (60, "Central European Time"),
    "CEST": (120, "Central European Summer Time"),
    "EET": (120, "Eastern European Time"),
    "EEST": (180, "Eastern European Summer Time"),
    "MSK": ("Europe/Moscow", "Moscow time"),
    "MSD": (240, "Moscow Summer Time (until 2011)"),
    "IST": (330, "India Standard Time"),
    "PKT": (300, "Pakistan Standard Time"),
    "CST": (480, "China Standard Time"),
    "HKT": (480, "Hong Kong Time"),
    "SGT": (480, "Singapore Time"),
    "JST": (540, "Japan Standard Time"),
    "KST": (540, "Korea Standard Time"),
    "AEST": (600, "Australian Eastern Standard Time"),
    "AEDT": (660, "Australian Eastern Daylight Time"),
    "ET": ("America/New_York", "US Eastern time"),
    "EST": (-300, "US Eastern Standard Time"),
    "EDT": (-240, "US Eastern Daylight Time"),
    "CT": ("America/Chicago", "US Central time"),
    "CDT": (-300, "US Central Daylight Time"),
    "MT": ("America/Denver", "US Mountain time"),
    "MST": (-420, "US Mountain Standard Time"),
    "MDT": (-360, "US Mountain Daylight Time"),
    "PT": ("America/Los_Angeles", "US Pacific time"),
    "PST": (-480, "US Pacific Standard Time"),
    "PDT": (-420, "US Pacific Daylight Time"),
}


@cache
def zone(abbreviation: str) -> tzinfo | None:
    """The time zone of an abbreviation of :data:`ZONES` (any case), or ``None``."""
    entry = ZONES.get(abbreviation.upper())
    if entry is None:
        return None
    where = entry[0]
    if isinstance(where, str):
        from zoneinfo import ZoneInfo

        return ZoneInfo(where)
    return UTC if where == 0 else timezone(timedelta(minutes=where), abbreviation.upper())
