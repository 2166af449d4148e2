"""Calendar periods: decade / year / quarter / month / ISO-week labels of ISO dates
(:func:`add_period`), and the period a time axis should use (:func:`choose_period`)."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

__all__ = [
    "PERIODS",
    "PERIOD_NOUNS",
    "add_era",
    "add_period",
    "choose_period",
    "count_periods",
    "infer_period",
]

#: Allowed ``freq`` values of :func:`add_period`.
PERIODS: tuple[str, ...] = ("decade", "year", "quarter", "month", "week")

#: How a figure title names each period ("by quarter", "by ISO week").
PERIOD_NOUNS: dict[str, str] = {
    "decade": "decade",
    "year": "year",
    "quarter": "quarter",
    "month": "month",
    "week": "ISO week",
}


def add_period(
    documents: pd.DataFrame,
    *,
    freq: Literal["decade", "year", "quarter", "month", "week"] = "year",
    date_col: str = "date",
) -> pd.DataFrame:
    """Add a ``period`` label computed from each document's date.

    Args:
        documents: A table with ``date_col`` holding ISO dates ``"YYYY-MM-DD"`` (strings, or
            datetime values).
        freq: ``"decade"`` → ``"2020s"``, ``"year"`` → ``"2024"``, ``"quarter"`` →
            ``"2024Q2"``, ``"month"`` → ``"2024-05"``, ``"week"`` → ``"2024-W05"`` (ISO 8601
            week: the year is the ISO year, so 2024-12-30 is ``"2025-W01"``).
        date_col: Column holding the dates.

    Returns:
        A copy of ``documents`` with a string column ``period`` (replacing an existing one).

    Raises:
        ValueError: Unknown ``freq``, missing ``date_col``, or a date that is missing or not
            a valid ISO date (the message names the first such row's ``doc_id`` if any).
    """
    if freq not in PERIODS:
        raise ValueError(f"add_period: freq must be one of {PERIODS}, got {freq!r}")
    if not isinstance(documents, pd.DataFrame):
        raise ValueError(f"add_period: expected a pandas DataFrame, got {type(documents).__name__}")
    if date_col not in documents.columns:
        raise ValueError(
            f"add_period: documents table is missing column {date_col!r}; "
            f"it has {list(documents.columns)}"
        )
    raw = documents[date_col]
    if pd.api.types.is_datetime64_any_dtype(raw):
        dates = raw
    else:
        dates = pd.to_datetime(raw.astype("string"), format="%Y-%m-%d", errors="coerce")
    bad = dates.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        where = (
            f"document {documents['doc_id'].iloc[i]!r}"
            if "doc_id" in documents.columns
            else f"row {i}"
        )
        raise ValueError(
            f"add_period: {where} has date {raw.iloc[i]!r} in column {date_col!r}, not an ISO "
            f"date YYYY-MM-DD ({int(bad.sum())} bad row(s))"
        )
    year = dates.dt.year.astype("int64").astype(str)
    if freq == "decade":
        period = (dates.dt.year.astype("int64") // 10 * 10).astype(str) + "s"
    elif freq == "year":
        period = year
    elif freq == "quarter":
        period = year + "Q" + dates.dt.quarter.astype("int64").astype(str)
    elif freq == "week":
        iso = dates.dt.isocalendar()
        period = iso["year"].astype("int64").astype(str) + "-W"
        period = period + iso["week"].astype("int64").map("{:02d}".format)
    else:
        period = year + "-" + dates.dt.month.astype("int64").map("{:02d}".format)
    out = documents.copy()
    out["period"] = period.astype(object).to_numpy()
    return out


def add_era(
    documents: pd.DataFrame,
    *,
    split: str,
    labels: tuple[str, str] = ("before", "after"),
    date_col: str = "date",
) -> pd.DataFrame:
    """Add an ``era`` column: ``labels[0]`` for documents dated before ``split``
    (``"YYYY-MM-DD"``), ``labels[1]`` from it on (ISO dates compare as strings)."""
    if date_col not in documents.columns:
        raise ValueError(f"add_era: documents table is missing column {date_col!r}")
    dates = documents[date_col].astype(str)
    out = documents.copy()
    out["era"] = np.where(dates < split, labels[0], labels[1])
    return out


def _datetimes(dates) -> pd.Series:
    """``dates`` (ISO strings or datetimes) as a datetime Series; invalid ones are dropped."""
    s = pd.Series(dates).reset_index(drop=True)
    if not pd.api.types.is_datetime64_any_dtype(s):
        s = pd.to_datetime(s.astype("string"), format="%Y-%m-%d", errors="coerce")
    return s


def count_periods(first, last, freq: str) -> int:
    """Calendar periods from the one holding ``first`` to the one holding ``last``, inclusive."""
    a, b = pd.Timestamp(first), pd.Timestamp(last)
    if freq == "year":
        return b.year - a.year + 1
    if freq == "quarter":
        return (b.year * 4 + b.quarter) - (a.year * 4 + a.quarter) + 1
    if freq == "month":
        return (b.year * 12 + b.month) - (a.year * 12 + a.month) + 1
    if freq == "week":
        monday = [t.normalize() - pd.Timedelta(days=t.weekday()) for t in (a, b)]
        return (monday[1] - monday[0]).days // 7 + 1
    raise ValueError(f"count_periods: freq must be one of {PERIODS}, got {freq!r}")


def choose_period(
    dates,
    *,
    min_docs_per_cell: int = 20,
    max_periods: int = 36,
    groups=None,
    period: str | None = None,
) -> str:
    """The finest calendar period a time axis can use for these documents.

    Tries ``week``, ``month``, ``quarter``, ``year`` in that order and returns the first for
    which (a) the date span covers at most ``max_periods`` periods (a readable axis) and (b)
    the median number of documents per non-empty cell (period × group) is at least
    ``min_docs_per_cell`` (an estimate per point, not a scatter of single articles). If none
    qualifies, ``"year"`` — so a handful of documents over several years (the shipped seeds)
    stays yearly. Deterministic: depends only on the multiset of (date, group) values.

    Args:
        dates: The documents' ISO dates (strings or datetimes); invalid or missing ones are
            ignored.
        min_docs_per_cell: Median documents per non-empty cell required.
        max_periods: Most periods the span may cover.
        groups: Optional group label per document (same length as ``dates``), e.g. the
            ``origin`` column: cells are period × group.
        period: An explicit choice, returned as is after checking (the override).

    Returns:
        One of :data:`PERIODS`.

    Raises:
        ValueError: ``period`` is not one of :data:`PERIODS`, or ``groups`` has another length.
    """
    if period is not None:
        if period not in PERIODS:
            raise ValueError(f"choose_period: period must be one of {PERIODS}, got {period!r}")
        return period
    d = _datetimes(dates)
    g = pd.Series("", index=d.index) if groups is None else pd.Series(groups).reset_index(drop=True)
    if len(g) != len(d):
        raise ValueError(f"choose_period: {len(d)} dates but {len(g)} group labels")
    ok = d.notna().to_numpy()
    d, g = d[ok], g[ok].astype(str)
    if d.empty:
        return "year"
    first, last = d.min(), d.max()
    for freq in ("week", "month", "quarter", "year"):
        if count_periods(first, last, freq) > max_periods:
            continue
        labels = add_period(pd.DataFrame({"date": d}), freq=freq)["period"]
        per_cell = pd.DataFrame({"p": labels.to_numpy(), "g": g.to_numpy()}).value_counts()
        if float(np.median(per_cell.to_numpy())) >= min_docs_per_cell:
            return freq
    return "year"


def infer_period(labels) -> str | None:
    """Which of :data:`PERIODS` the labels are (``"2024Q2"`` → ``"quarter"``); ``None`` if mixed."""
    import re

    patterns = {
        "decade": r"\d{3}0s",
        "year": r"\d{4}",
        "quarter": r"\d{4}Q[1-4]",
        "month": r"\d{4}-\d{2}",
        "week": r"\d{4}-W\d{2}",
    }
    values = [str(v) for v in labels]
    for freq, pat in patterns.items():
        if values and all(re.fullmatch(pat, v) for v in values):
            return freq
    return None
