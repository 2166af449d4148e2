"""Sentence-level VADER sentiment and its honest aggregates.

VADER's compound score saturates on long texts (a whole TASS article scores about +0.997), so
every sentence is scored on its own and documents and groups are described by the **mean
sentence compound** and the shares of positive / negative sentences (VADER's thresholds:
compound ≥ 0.05 positive, ≤ −0.05 negative). Sentences are scored on their original-case text
with punctuation: VADER uses capitals ("GREAT") and "!" as intensifiers.

Tone around framing markers is the compound of the marker's sentence with the marker's own
words removed (:func:`mask`), so "friendship" does not make its own context positive. Tone
toward actors is the compound of the sentences that mention them.

Group means with document-bootstrap intervals are in :mod:`analysis.stats.tone`.

The VADER analyzer is built once per process (:func:`get_analyzer`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.document.vader import FastAnalyzer

__all__ = [
    "NEGATIVE_THRESHOLD",
    "POSITIVE_THRESHOLD",
    "get_analyzer",
    "mask",
    "score",
    "score_masked",
    "summarize_compounds",
]

#: A sentence is positive when its compound is at least this (VADER's threshold).
POSITIVE_THRESHOLD = 0.05
#: A sentence is negative when its compound is at most this (VADER's threshold).
NEGATIVE_THRESHOLD = -0.05


# --------------------------------------------------------------------------- scoring


@cache
def get_analyzer() -> FastAnalyzer:
    """Return the process-wide VADER analyzer (built on first use, then cached).

    It is :class:`analysis.document.vader.FastAnalyzer`: VADER's own analyzer with redundant work
    removed, giving identical scores.
    """
    from analysis.document.vader import FastAnalyzer

    return FastAnalyzer()


def score(text: str) -> tuple[float, float, float, float]:
    """VADER scores of one text, as written (no lowercasing, punctuation kept).

    Args:
        text: A sentence in its original case.

    Returns:
        ``(compound, pos, neu, neg)`` of ``polarity_scores(text)`` (VADER rounds compound to
        4 and the proportions to 3 decimals). An empty text scores ``(0.0, 0.0, 0.0, 0.0)``.

    Raises:
        TypeError: ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"score: expected a str, got {type(text).__name__}")
    s = get_analyzer().polarity_scores(text)
    return float(s["compound"]), float(s["pos"]), float(s["neu"]), float(s["neg"])


def _is_punct(chunk: str) -> bool:
    return bool(chunk) and not any(ch.isalnum() for ch in chunk)


def _join(left: str, right: str) -> str:
    """Join the text before and after a removed span (see :func:`mask`)."""
    lead = trail = ""
    if left and not left[-1].isspace():  # punctuation glued to the span's start: '"friendship'
        chunk = left.split()[-1]
        if _is_punct(chunk):
            lead, left = chunk, left[: -len(chunk)]
    if right and not right[0].isspace():  # punctuation glued to the span's end: 'friendship,'
        chunk = right.split()[0]
        if _is_punct(chunk):
            trail, right = chunk, right[len(chunk) :]
    left, right = left.rstrip(), right.lstrip()
    if not left:
        return lead + trail + right
    if not right:
        return left + lead + trail
    return left + trail + " " + lead + right


def mask(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Remove the words in ``spans`` from ``text`` (the masking of :func:`score_masked`).

    Each ``[start, end)`` span is deleted and the whitespace around it collapses to one space,
    so the sentence reads as if the marker had not been written. Punctuation that was glued to
    the span moves to the neighbouring word on its side ("Our friendship, strong" →
    "Our, strong"; 'a "friendship" pact' → 'a" "pact'; "Friendship, they said" →
    ",they said"), so it does not become a stray token (VADER strips it from the word).
    Overlapping or touching spans, and spans separated only by whitespace, are removed as one.

    Removal (rather than a placeholder word) is deliberate: VADER looks back up to three
    tokens from each sentiment word for negations ("not") and boosters ("very"); without the
    marker those look-backs see the words that are actually there, and a placeholder could be
    mistaken for a capitalised or lexicon word. The only changed windows are those that
    spanned the marker, where the removal shifts them by the marker's length.

    Args:
        text: The text (e.g. one sentence).
        spans: ``(start, end)`` character offsets relative to ``text``.

    Returns:
        The masked text (``text`` unchanged when ``spans`` is empty).

    Raises:
        ValueError: A span is not within ``text`` or has ``start >= end``.
    """
    merged: list[list[int]] = []
    for span in sorted((int(s), int(e)) for s, e in spans):
        s, e = span
        if not 0 <= s < e <= len(text):
            raise ValueError(
                f"mask: span {span} is not a non-empty range within the text "
                f"(length {len(text)}): {text[:60]!r}"
            )
        if merged and text[merged[-1][1] : s].strip() == "":
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    if not merged:
        return text
    out = text[: merged[0][0]]
    for (_, e), (s, _) in zip(merged, merged[1:], strict=False):
        out = _join(out, text[e:s])
    return _join(out, text[merged[-1][1] :])


def score_masked(text: str, spans: Sequence[tuple[int, int]]) -> float:
    """VADER compound of ``text`` with the words in ``spans`` removed (see :func:`mask`).

    Args:
        text: The text (e.g. the sentence holding a marker), original case.
        spans: ``(start, end)`` character offsets relative to ``text``.

    Returns:
        The compound score of the masked text (``0.0`` when nothing with a sentiment is left).

    Raises:
        ValueError: A span is not within ``text``.
    """
    return score(mask(text, spans))[0]


# --------------------------------------------------------------------------- tables


def summarize_compounds(compounds: Sequence[float]) -> tuple[float, float, float]:
    """Mean compound and shares of positive / negative sentences of one document.

    Args:
        compounds: The sentence compounds of one document, in sentence order.

    Returns:
        ``(sentiment, share_positive, share_negative)``: ``sum(compounds) / n`` (summed in
        order), the share with compound ≥ 0.05 and the share with compound ≤ −0.05. All
        three are NaN for a document without sentences.
    """
    values = [float(c) for c in compounds]
    n = len(values)
    if not n:
        return float("nan"), float("nan"), float("nan")
    return (
        sum(values) / n,
        sum(c >= POSITIVE_THRESHOLD for c in values) / n,
        sum(c <= NEGATIVE_THRESHOLD for c in values) / n,
    )
