"""Calendar periods: decade / year / quarter / month labels of ISO dates (:func:`add_period`)."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

__all__ = ["PERIODS", "add_era", "add_period"]

#: Allowed ``freq`` values of :func:`add_period`.
PERIODS: tuple[str, ...] = ("decade", "year", "quarter", "month")


def add_period(
    documents: pd.DataFrame,
    *,
    freq: Literal["decade", "year", "quarter", "month"] = "year",
    date_col: str = "date",
) -> pd.DataFrame:
    """Add a ``period`` label computed from each document's date.

    Args:
        documents: A table with ``date_col`` holding ISO dates ``"YYYY-MM-DD"`` (strings, or
            datetime values).
        freq: ``"decade"`` → ``"2020s"``, ``"year"`` → ``"2024"``, ``"quarter"`` →
            ``"2024Q2"``, ``"month"`` → ``"2024-05"``.
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
