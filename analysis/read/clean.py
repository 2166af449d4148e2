"""The cleaning rules: one small function per rule, composed by :func:`clean_text`.

Raw files are never modified: cleaning produces a new string that all offsets refer to. Each
rule takes a text and returns a text; :func:`cleaning_rules` lists them in the order
:func:`clean_text` applies them (like textacy's preprocessing pipelines), so a caller can run,
test or skip any one of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import partial

from analysis.read.outlets import OutletRegistry, load_outlets

__all__ = [
    "INVISIBLE",
    "clean_text",
    "cleaning_rules",
    "find_dateline",
    "normalize_newlines",
    "remove_invisible",
    "remove_dateline",
    "remove_menafn_code",
    "remove_nav_lines",
    "remove_timestamp_lines",
    "split_header",
]

_HEADER = re.compile(r"\A\s*date[ \t]+(?P<date>\S+)[ \t]*\n?[ \t]*")

#: Web navigation lines removed wherever they stand alone on a line.
_NAV_LINE = re.compile(
    r"^[ \t]*(?:back to main page|back to top|main page|read more|share this article)[ \t]*\n?",
    re.IGNORECASE | re.MULTILINE,
)
#: TASS-style time stamp lines ("November 01, 15:36 UTC+3 BEIJING"), with the section label
#: line ("World") that directly precedes them.
_TIMESTAMP_LINE = re.compile(
    r"^(?:[ \t]*[A-Z][\w &]{0,30}[ \t]*\n)?"
    r"[ \t]*[A-Z][a-z]+ \d{1,2}, \d{1,2}:\d{2} UTC[+-−]?\d{0,2}(?::\d\d)?[^\n]*\n?",
    re.MULTILINE,
)
#: MENAFN's trailing tracking code ("MENAFN16052024000045015687ID1108221654").
_MENAFN_CODE = re.compile(r"\bMENAFN\d{6,}ID\d+\s*\Z")


def split_header(raw: str) -> tuple[str | None, str]:
    """Split the `` date YYYY-MM-DD `` header from a text.

    Returns:
        ``(date_string or None, rest)``. The date string is returned as written (not yet
        validated); ``None`` when the text has no header.
    """
    m = _HEADER.match(raw)
    if not m:
        return None, raw
    return m.group("date"), raw[m.end() :]


def _dateline(registry: OutletRegistry) -> re.Pattern[str]:
    # A dateline stands at the start of a paragraph: an optional place/date prefix of at most
    # 80 characters ("MOSCOW, May 15. "), a known marker ("/TASS/", "(MENAFN)"), then
    # trailing punctuation (". ", " -- ", " - ").
    markers = registry.dateline_pattern().pattern
    return re.compile(
        r"(?:\A|(?<=\n))[ \t]*(?P<prefix>[^\n]{0,80}?)[ \t]*"
        + markers
        + r"[ \t]*[.:]?[ \t]*(?:--|—|–|-)?[ \t]*"
    )


def find_dateline(text: str, registry: OutletRegistry) -> re.Match[str] | None:
    """The first dateline in ``text`` (a known outlet marker at a paragraph start).

    A text without any marker has none: that is checked first with the markers alone (a
    plain search, many times faster than the dateline pattern on a long text).
    """
    if registry.dateline_pattern().search(text) is None:
        return None
    return _dateline(registry).search(text)


#: Invisible characters removed before anything else: zero-width space, non-joiner and
#: joiner (U+200B-U+200D), word joiner (U+2060), a byte-order mark inside the text (U+FEFF)
#: and the soft hyphen (U+00AD), which web pages put inside words ("sover\u00adeignty").
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE_TABLE = dict.fromkeys(map(ord, INVISIBLE))


def remove_invisible(text: str) -> str:
    """Remove the :data:`INVISIBLE` characters and NFC-normalise ("e" + combining acute is
    "é"), so a zero-width space cannot split a word or a marker."""
    if any(ch in text for ch in INVISIBLE):
        text = text.translate(_INVISIBLE_TABLE)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def normalize_newlines(text: str) -> str:
    """CRLF and CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def remove_nav_lines(text: str) -> str:
    """Remove web navigation lines ("Back to Main page", "Read more") standing alone."""
    return _NAV_LINE.sub("", text)


def remove_timestamp_lines(text: str) -> str:
    """Remove TASS-style time stamp lines ("November 01, 15:36 UTC+3 BEIJING") and the
    section label line just above them."""
    return _TIMESTAMP_LINE.sub("", text)


def remove_dateline(text: str, registry: OutletRegistry) -> str:
    """Remove the first dateline ("MOSCOW, May 15. /TASS/.", "(MENAFN)",
    "BEIJING, May 8 (Xinhua) --")."""
    m = find_dateline(text, registry)
    return text[: m.start()] + text[m.end() :] if m else text


def remove_menafn_code(text: str) -> str:
    """Remove MENAFN's trailing tracking code (the whitespace before it stays)."""
    code = _MENAFN_CODE.search(text) if "MENAFN" in text else None
    return text[: code.start()] if code else text


def cleaning_rules(registry: OutletRegistry) -> tuple[Callable[[str], str], ...]:
    """The rules :func:`clean_text` applies, in order (the last one strips the result)."""
    return (
        remove_invisible,
        normalize_newlines,
        remove_nav_lines,
        remove_timestamp_lines,
        partial(remove_dateline, registry=registry),
        remove_menafn_code,
        str.strip,
    )


def clean_text(body: str, registry: OutletRegistry | None = None) -> str:
    """Remove the dateline and web boilerplate from an article body (header already split).

    Rules, in order (:func:`cleaning_rules`): invisible characters are removed and the text
    NFC-normalised (:func:`remove_invisible`); CRLF is normalised to LF; navigation lines
    ("Back to Main page"); TASS-style time stamp lines ("November 01, 15:36 UTC+3 BEIJING")
    and the section label just above them; the first dateline ("MOSCOW, May 15. /TASS/.",
    "(MENAFN)", "BEIJING, May 8 (Xinhua) --"); MENAFN's trailing tracking code; the result
    is stripped.
    """
    text = body
    for rule in cleaning_rules(registry or load_outlets()):
        text = rule(text)
    return text
