"""Tone aggregates: mean sentence compound by group with a document-bootstrap interval.

Group means come with a percentile bootstrap interval that resamples *documents*
(:func:`aggregate_sentiment`, built on :func:`~analysis.stats.bootstrap.bootstrap_ratio`):
sentences of one article are not independent, and with a handful of articles the question is
how much the mean depends on which articles were collected. A group of one document has no
interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import pandas as pd

from analysis.schema import require_columns

__all__ = ["AGGREGATE_COLUMNS", "TONE_VERSIONS", "aggregate_sentiment", "frame_tone_table"]


#: Columns of :func:`aggregate_sentiment` after the ``by`` columns.
AGGREGATE_COLUMNS: tuple[str, ...] = ("mean", "ci_low", "ci_high", "n_docs", "n_sentences")

_WHERE = "aggregate_sentiment"


def _grouping(table: pd.DataFrame, documents: pd.DataFrame, by, value: str, period) -> list[str]:
    """``by`` as a list, with ``"period"`` appended when ``period`` is given and not named."""
    by = [by] if isinstance(by, str) else list(by)
    require_columns(table, ["doc_id", value], where=_WHERE, name="table")
    if period is not None and "period" not in by:
        by.append("period")
    if (
        "period" in by
        and period is None
        and "period" not in table.columns
        and "period" not in getattr(documents, "columns", ())
    ):
        raise ValueError(
            f"{_WHERE}: by names 'period' but period=None; pass period='year', 'quarter' or 'month'"
        )
    return by


def _group_documents(
    table: pd.DataFrame, documents: pd.DataFrame, by: list[str], period
) -> pd.DataFrame:
    """``doc_id`` and the ``by`` columns taken from ``documents`` (with ``period`` if asked).

    Raises:
        ValueError: A missing column, a duplicate ``doc_id``, a row of ``table`` whose
            document is not in ``documents``, or a bad date.
    """
    from analysis.stats.periods import add_period

    from_docs = [c for c in by if c not in table.columns and not (c == "period" and period)]
    doc_cols = [*from_docs, *(["date"] if period is not None else [])]
    require_columns(documents, ["doc_id", *doc_cols], where=_WHERE, name="documents")
    docs = documents[["doc_id", *dict.fromkeys(doc_cols)]]
    dup = docs["doc_id"].duplicated()
    if dup.any():
        raise ValueError(
            f"{_WHERE}: documents table has duplicate doc_id {docs['doc_id'][dup].iloc[0]!r}"
        )
    unknown = sorted(set(table["doc_id"]) - set(docs["doc_id"]), key=str)
    if unknown:
        raise ValueError(
            f"{_WHERE}: table has rows of {len(unknown)} document(s) not in the documents "
            f"table, e.g. {unknown[:3]!r}"
        )
    if period is not None:
        docs = add_period(docs, freq=period, date_col="date")
    return docs


def _with_groups(
    table: pd.DataFrame, docs: pd.DataFrame, by: list[str], value: str, period
) -> pd.DataFrame:
    """``doc_id``, ``value`` and the ``by`` columns: from ``docs`` where it has them."""
    if period is not None and "period" in table.columns:
        table = table.drop(columns="period")
    keep = ["doc_id", *[c for c in by if c in docs.columns]]
    work = table[["doc_id", value, *[c for c in by if c not in keep]]]
    return work.merge(docs[keep], on="doc_id", how="left", validate="many_to_one")


def aggregate_sentiment(
    table: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: Sequence[str],
    value: str = "compound",
    period: Literal["decade", "year", "quarter", "month", "week"] | None = None,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Mean tone by group with a document-bootstrap confidence interval.

    ``mean`` is the mean of ``value`` over the group's rows (sentences, marker matches or
    actor mentions: every row weighs the same, so a long article weighs more than a short
    one). The interval resamples the group's *documents* with replacement ``n_resamples``
    times (:func:`~analysis.stats.bootstrap.bootstrap_ratio`, percentile interval, fixed
    ``seed``); it is
    NaN (empty in a CSV) when the group has fewer than two documents.

    Args:
        table: ``doc_id`` and ``value`` per row (``sentences.csv``, ``marker_sentiment.csv``,
            ``actor_sentiment.csv``), plus any ``by`` columns it holds (``frame``, ``actor``).
        documents: ``doc_id`` (unique), ``date`` (ISO ``YYYY-MM-DD``, needed with ``period``)
            and the document columns named in ``by`` (``origin``, ``outlet``, …). ``by``
            columns present in ``table`` are taken from ``table``.
        by: Grouping columns, in output order; may name ``"period"``. ``[]`` = one group.
        value: The column averaged (e.g. ``"compound_masked"``).
        period: Add a ``period`` column (``"2024"``, ``"2024Q2"``, ``"2024-05"``,
            ``"2024-W05"``; see :func:`~analysis.stats.periods.add_period`); it is appended to
            ``by`` if ``by`` does not name it.
        n_resamples: Bootstrap resamples.
        confidence: Interval coverage.
        seed: Base seed of the bootstrap.

    Returns:
        ``*by, mean, ci_low, ci_high, n_docs, n_sentences``: one row per group, sorted by
        ``by``; ``n_docs`` documents and ``n_sentences`` rows of ``table`` in the group.

    Raises:
        ValueError: Missing columns, duplicate or unknown ``doc_id``, ``by`` names
            ``"period"`` without ``period``, a bad date, or a non-finite ``value``.
    """
    from analysis.stats.bootstrap import bootstrap_ratio

    by = _grouping(table, documents, by, value, period)
    docs = _group_documents(table, documents, by, period)
    work = _with_groups(table, docs, by, value, period)
    try:
        boot = bootstrap_ratio(
            work,
            by=by,
            numerator=value,
            denominator=None,
            doc_col="doc_id",
            n_resamples=n_resamples,
            confidence=confidence,
            seed=seed,
        )
    except ValueError as err:
        raise ValueError(f"{_WHERE}: {err}") from None
    boot = boot.rename(columns={"estimate": "mean", "n_rows": "n_sentences"})
    return boot[[*by, *AGGREGATE_COLUMNS]]


#: Labels of the two tone versions in :func:`frame_tone_table` (unmasked first).
TONE_VERSIONS: tuple[str, str] = ("sentence", "marker masked")


def frame_tone_table(
    marker_sentiment: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: Sequence[str] = ("frame", "origin"),
) -> pd.DataFrame:
    """Tone of the sentences holding a frame's markers, unmasked and with the marker masked.

    Args:
        marker_sentiment: ``doc_id,sent_id,frame,marker,compound,compound_masked``.
        documents: The documents table (``doc_id``, ``origin``, ``date``, …).
        by: Grouping columns (from either table).

    Returns:
        :func:`analysis.document.tone.aggregate_sentiment` columns ``*by, mean, ci_low, ci_high,
        n_docs, n_sentences`` plus ``tone`` (``"sentence"`` = compound of the whole sentence,
        ``"marker masked"`` = compound with the marker's words removed); unmasked rows first.
    """
    from analysis.stats.tone import aggregate_sentiment

    parts = []
    for value, label in zip(("compound", "compound_masked"), TONE_VERSIONS, strict=True):
        agg = aggregate_sentiment(marker_sentiment, documents, by=list(by), value=value)
        parts.append(agg.assign(tone=label))
    return pd.concat(parts, ignore_index=True)
