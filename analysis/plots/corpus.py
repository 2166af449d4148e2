"""Figures of the corpus itself: documents over time, sizes by origin."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.plots.style import (
    PlotError,
    doc_count,
    group_styles,
    new_figure,
    no_data,
    numeric,
    order_origins,
    origin_style,
    style,
)
from analysis.schema import require_columns

__all__ = ["corpus_overview", "timeline"]


def _stack_offsets(keys: Sequence[tuple]) -> list[int]:
    seen: dict[tuple, int] = {}
    offsets = []
    for k in keys:
        offsets.append(seen.get(k, 0))
        seen[k] = offsets[-1] + 1
    return offsets


def _dates(documents: pd.DataFrame, func: str) -> pd.Series:
    """The documents' dates as datetimes; :class:`PlotError` names a document without one."""
    dates = pd.to_datetime(documents["date"], errors="coerce")
    if dates.isna().any():
        bad = documents["doc_id"][dates.isna()].iloc[0]
        raise PlotError(f"{func}: document {bad!r} has no valid date")
    return dates


def _timeline_bars(documents: pd.DataFrame, *, by: str, period: str | None, title: str | None):
    """Documents per period as bars stacked by ``by`` (the timeline of a large corpus)."""
    from analysis.stats.periods import PERIOD_NOUNS, add_period, choose_period

    dates = _dates(documents, "timeline")
    period = choose_period(dates, min_docs_per_cell=1, max_periods=60, period=period)
    g = documents[by].astype(str).to_numpy()
    labels = add_period(pd.DataFrame({"date": dates}), freq=period)["period"].to_numpy()
    order = order_origins(g)
    styles = group_styles(order)
    span = pd.period_range(
        dates.min(),
        dates.max(),
        freq={"year": "Y", "quarter": "Q", "month": "M", "week": "W"}[period],
    )
    starts = span.start_time
    keys = add_period(pd.DataFrame({"date": starts}), freq=period)["period"].to_numpy()
    width = 0.8 * (np.diff(starts).min() if len(starts) > 1 else pd.Timedelta(days=300))
    counts = pd.crosstab(labels, g).reindex(index=keys, columns=order, fill_value=0)
    fig = new_figure(7.0, 2.2 + 0.12 * len(order))
    ax = fig.add_subplot()
    bottom = np.zeros(len(keys))
    for o in order:
        c = counts[o].to_numpy(dtype="float64")
        ax.bar(
            starts,
            c,
            bottom=bottom,
            width=width,
            align="edge",
            color=styles[o].color,
            label=o,
            linewidth=0,
        )
        bottom += c
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="x", visible=False)
    ax.set_xlabel(f"Publication date ({PERIOD_NOUNS[period]})")
    ax.set_ylabel(f"Documents per {PERIOD_NOUNS[period]}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7)
    noun = PERIOD_NOUNS[period]
    ax.set_title(title or f"Documents by {by} per {noun} (n = {len(documents)})", loc="left")
    return fig


def timeline(
    documents: pd.DataFrame,
    *,
    by: str = "origin",
    title: str | None = None,
    max_dots: int = 200,
    period: str | None = None,
):
    """Timeline of documents: one row per origin (or ``by`` value), one dot per document.

    Documents of the same row and calendar month are stacked upwards so none hides another.
    Beyond ``max_dots`` documents dots would merge into a solid block: the timeline is then
    drawn as documents per period, bars stacked by ``by`` (period from
    :func:`analysis.stats.periods.choose_period`, at most 60 bars, or ``period``), every
    period of the span shown (empty ones as gaps).

    Args:
        documents: ``doc_id``, ``date`` (ISO date or datetime) and the ``by`` column.
        by: Document column giving the rows and colours.
        title: Figure title; default "Documents by <by> over time (n = N)" (dots) or
            "Documents by <by> per <period> (n = N)" (bars).
        max_dots: Most documents drawn as dots.
        period: Period of the bars (``year``, ``quarter``, ``month``, ``week``).
    """
    require_columns(documents, ["doc_id", "date", by], where="timeline", error=PlotError)
    if len(documents) > max_dots:
        with style():
            return _timeline_bars(documents, by=by, period=period, title=title)
    width, height = 7.0, 1.2 + 0.45 * max(1, documents[by].nunique())
    with style():
        fig = new_figure(width, height)
        ax = fig.add_subplot()
        if documents.empty:
            no_data(ax, "no documents")
            return fig
        dates = _dates(documents, "timeline")
        d = pd.DataFrame({"doc_id": documents["doc_id"], "date": dates, "g": documents[by]})
        d["g"] = d["g"].astype(str)
        d = d.sort_values(["g", "date", "doc_id"], kind="mergesort")
        rows = order_origins(d["g"])
        pos = {g: i for i, g in enumerate(reversed(rows))}
        months = list(zip(d["g"], d["date"].dt.year, d["date"].dt.month, strict=True))
        d["y"] = [pos[g] + 0.18 * k for g, k in zip(d["g"], _stack_offsets(months), strict=True)]
        for g in rows:
            s = d[d["g"] == g]
            c, m = origin_style(g)
            ax.plot(s["date"], s["y"], linestyle="", marker=m, color=c, markersize=7, alpha=0.9)
        ax.set_yticks(range(len(rows)), list(reversed(rows)))
        ax.set_ylim(-0.6, len(rows) - 0.3)
        years = range(int(d["date"].dt.year.min()), int(d["date"].dt.year.max()) + 2)
        ax.set_xticks(
            [pd.Timestamp(year=y, month=1, day=1) for y in years], [str(y) for y in years]
        )
        ax.set_xlim(
            pd.Timestamp(year=years[0], month=1, day=1) - pd.Timedelta(days=60),
            pd.Timestamp(year=years[-1], month=1, day=1) + pd.Timedelta(days=60),
        )
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("Publication date (year)")
        ax.set_ylabel(by)
        ax.set_title(title or f"Documents by {by} over time (n = {len(d)})", loc="left")
    return fig


def _documents_per_year(ax, groups: pd.Series, dates: pd.Series, order: list[str]) -> None:
    """Bars of documents per year, stacked by group, every year from the first to the last."""
    years = np.arange(dates.dt.year.min(), dates.dt.year.max() + 1)
    bottom = np.zeros(len(years))
    for o in order:
        counts = np.array([((groups == o) & (dates.dt.year == y)).sum() for y in years])
        ax.bar(years, counts, bottom=bottom, color=origin_style(o)[0], label=o, width=0.7)
        bottom += counts
    ax.set_xticks(years, [str(y) for y in years], rotation=0)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("Year of publication")
    ax.set_ylabel("Documents")
    ax.set_title("Documents per year", loc="left")
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left")


def _tokens_per_group(
    ax, groups: pd.Series, tokens: np.ndarray, order: list[str], *, by: str
) -> None:
    """Horizontal bars of word tokens per group, annotated with tokens and documents."""
    tot = [float(np.nansum(tokens[(groups == o).to_numpy()])) for o in order]
    ndocs = [int((groups == o).sum()) for o in order]
    ypos = np.arange(len(order))[::-1]
    ax.barh(ypos, tot, color=[origin_style(o)[0] for o in order], height=0.6)
    for yp, t, nd in zip(ypos, tot, ndocs, strict=True):
        ax.annotate(
            f"{int(t):,} ({doc_count(nd)})",
            (t, yp),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=7.5,
        )
    ax.set_yticks(ypos, order)
    ax.set_xlim(0, max(tot) * 1.6 if max(tot) > 0 else 1)
    ax.set_xlabel("Word tokens")
    ax.set_title(f"Word tokens per {by}", loc="left")
    ax.grid(axis="y", visible=False)


def corpus_overview(documents: pd.DataFrame, *, by: str = "origin", title: str | None = None):
    """Two panels: documents per year stacked by origin, and word tokens per origin.

    Every year between the first and the last is shown, with zero-height bars for empty
    years, so gaps in coverage are visible.

    Args:
        documents: ``doc_id``, ``date``, ``n_tokens`` and the ``by`` column.
        by: Document column giving the colours.
        title: Figure title.
    """
    require_columns(
        documents, ["doc_id", "date", "n_tokens", by], where="corpus_overview", error=PlotError
    )
    with style():
        fig = new_figure(7.5, 2.8)
        ax1, ax2 = fig.subplots(1, 2, width_ratios=[1.6, 1])
        if documents.empty:
            no_data(ax1, "no documents")
            no_data(ax2, "no documents")
            return fig
        dates = _dates(documents, "corpus_overview")
        g = documents[by].astype(str)
        tokens = numeric(documents, "n_tokens", "corpus_overview")
        groups = order_origins(g)
        _documents_per_year(ax1, g, dates, groups)
        _tokens_per_group(ax2, g, tokens, groups, by=by)
        if title:
            fig.suptitle(title)
    return fig
