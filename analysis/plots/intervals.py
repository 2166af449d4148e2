"""Point estimates with intervals: by group (:func:`point_ci`) and over time (:func:`over_time`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.plots.style import (
    PlotError,
    errorbars,
    grid_shape,
    new_figure,
    no_data,
    numeric,
    order_origins,
    origin_handles,
    origin_style,
    panel_axes,
    style,
)
from analysis.schema import require_columns

__all__ = ["over_time", "point_ci"]


def _estimates(table: pd.DataFrame, value: str, func: str) -> dict[str, np.ndarray]:
    """Columns ``_v``, ``_lo``, ``_hi``: the estimate and its interval as floats (checked)."""
    return {
        "_v": numeric(table, value, func),
        "_lo": numeric(table, "ci_low", func),
        "_hi": numeric(table, "ci_high", func),
    }


def _bars(ax, s: pd.DataFrame, x, y, hue: str, **options) -> bool:
    """:func:`~analysis.plots.style.errorbars` of the rows ``s`` in the style of ``hue``.

    The interval is ``_lo``–``_hi`` and ``n`` the ``n_docs`` of ``s``; ``options`` go to
    ``errorbars`` (``horizontal``, ``filled``, ``note``). Returns whether some has no interval.
    """
    c, m = origin_style(hue)
    lo, hi, n = s["_lo"], s["_hi"], s["n_docs"].to_numpy()
    return errorbars(ax, x, y, lo, hi, n, color=c, marker=m, **options)


def _point_layout(
    table: pd.DataFrame, category: str, hue: str, style_by: str | None, style_order
) -> tuple[list[str], list[str], list]:
    """The rows (categories), the hues and the ``style_by`` values (``[None]`` without)."""
    cats = (
        order_origins(table[category])
        if category == hue
        else sorted(table[category].astype(str).unique())
    )
    hues = order_origins(table[hue])
    styles: list = [None]
    if style_by:
        present = sorted(table[style_by].astype(str).unique())
        styles = list(style_order) if style_order is not None else present
        if len(styles) > 2 or set(present) - set(styles):
            raise PlotError(
                f"point_ci: style_by column {style_by!r} must have at most two values in "
                f"style_order; got {present} (style_order={style_order!r})"
            )
    return cats, hues, styles


def _draw_points(
    ax, t: pd.DataFrame, cats: list[str], slots: list, *, first_style, dodge: bool
) -> bool:
    """One dot (and bar) per row × slot (hue, style); returns whether some has no interval.

    The first style is drawn filled and labelled ``n=k``, the second hollow, unlabelled.
    """
    ypos = {c: len(cats) - 1 - i for i, c in enumerate(cats)}
    step = 0.7 / max(1, len(slots))
    any_missing = False
    for k, (h, st) in enumerate(slots):
        s = t[(t["_h"] == h) & ((t["_s"] == st) if st is not None else True)]
        if s.empty:
            continue
        off = ((len(slots) - 1) / 2 - k) * step if dodge else 0.0
        y = s["_c"].map(ypos).to_numpy(dtype="float64") + off
        first = st is None or st == first_style
        # the second style is hollow and unlabelled: same documents, label once per pair
        any_missing |= _bars(ax, s, s["_v"], y, h, horizontal=True, filled=first, note=first)
    ax.set_yticks([ypos[c] for c in cats], cats)
    ax.set_ylim(-0.6, len(cats) - 0.4)
    return any_missing


def _style_handles(style_by: str | None, styles: list) -> list:
    """Legend entries of the two ``style_by`` values (filled, hollow); none otherwise."""
    from matplotlib.lines import Line2D

    extra = []
    if style_by and len(styles) == 2:
        for st, face in ((styles[0], "#555555"), (styles[1], "white")):
            extra.append(
                Line2D(
                    [],
                    [],
                    color="#555555",
                    marker="o",
                    markerfacecolor=face,
                    linestyle="",
                    label=f"{style_by}: {st}",
                )
            )
    return extra


def point_ci(
    table: pd.DataFrame,
    *,
    category: str,
    value: str = "mean",
    hue: str = "origin",
    style_by: str | None = None,
    style_order: Sequence[str] | None = None,
    xlabel: str = "mean VADER compound (−1 … 1)",
    title: str | None = None,
    zero_line: bool = True,
):
    """Dot plot with intervals: one row per category, one dot per hue (origin) within it.

    Rows with several hue values are dodged vertically. A point without an interval
    (``ci_low``/``ci_high`` NaN) has no bar and is labelled with its ``n_docs``.

    Args:
        table: ``category``, ``value``, ``ci_low``, ``ci_high``, ``n_docs`` and ``hue``
            (e.g. :func:`analysis.document.tone.aggregate_sentiment` output).
        category: Column for the rows (``origin``, ``actor``, ``frame`` …).
        value: Column of the point estimate.
        hue: Column giving colours/markers (an origin column).
        style_by: Optional column with at most two values: the first drawn filled (upper
            dot of a row), the second hollow, e.g. unmasked vs masked tone.
        style_order: The ``style_by`` values in that order; default sorted.
        xlabel: x-axis label (with units).
        title: Figure title.
        zero_line: Draw a line at x = 0.
    """
    cols = [category, value, "ci_low", "ci_high", "n_docs", hue]
    if style_by is not None:
        cols.append(style_by)
    require_columns(table, list(dict.fromkeys(cols)), where="point_ci", error=PlotError)
    cats, hues, styles = _point_layout(table, category, hue, style_by, style_order)
    slots = [(h, st) for h in hues for st in styles]
    with style():
        n_leg = (len(hues) if category != hue else 0) + (2 if style_by else 0) + 1
        height = 1.3 + 0.32 * max(1, len(cats)) * max(1, len(slots)) ** 0.5 + 0.18 * -(-n_leg // 3)
        fig = new_figure(6.4, height)
        ax = fig.add_subplot()
        if table.empty:
            no_data(ax)
            if title:
                ax.set_title(title, loc="left")
            return fig
        t = table.assign(
            _c=table[category].astype(str),
            _h=table[hue].astype(str),
            **_estimates(table, value, "point_ci"),
            _s=table[style_by].astype(str) if style_by else "",
        )
        any_missing = _draw_points(ax, t, cats, slots, first_style=styles[0], dodge=category != hue)
        ax.grid(axis="y", visible=False)
        if zero_line:
            ax.axvline(0, color="#666666", linewidth=0.6)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(category)
        handles = origin_handles(
            hues if category != hue else [],
            no_interval=any_missing,
            extra=_style_handles(style_by, styles),
        )
        if handles:
            fig.legend(handles=handles, loc="outside lower center", ncols=min(3, len(handles)))
        if title:
            ax.set_title(title, loc="left")
    return fig


def _period_positions(periods: pd.Series) -> tuple[np.ndarray, bool]:
    """x positions of period labels: years as numbers, other periods as start timestamps."""
    labels = periods.astype(str)
    if labels.str.fullmatch(r"\d{4}").all():
        return labels.astype(int).to_numpy(dtype="float64"), True
    try:
        starts = [pd.Period(v).start_time for v in labels]
    except (ValueError, TypeError) as e:
        raise PlotError(f"over_time: cannot read period labels such as {labels.iloc[0]!r}") from e
    return np.array(starts, dtype="datetime64[ns]"), False


def _draw_series(ax, sub: pd.DataFrame, hues: list[str], *, is_year: bool) -> bool:
    """One dodged line of points with bars per hue; returns whether some has no interval."""
    dodge = 0.1 if is_year else np.timedelta64(36, "D")
    any_missing = False
    for k, h in enumerate(hues):
        s = sub[sub["_h"] == h].sort_values("_x", kind="mergesort")
        if s.empty:
            continue
        off = (k - (len(hues) - 1) / 2) * dodge
        x = s["_x"].to_numpy() + off
        ax.plot(x, s["_v"], color=origin_style(h)[0], linewidth=0.8, alpha=0.5)
        x_drawn = x if is_year else _date_num(pd.to_datetime(x))
        any_missing |= _bars(ax, s, x_drawn, s["_v"], h, horizontal=False)
    return any_missing


def _label_panels(axes, n_panels: int, ncols: int, *, ylabel: str, sharey: bool, is_year: bool):
    """y labels on the first column (every panel without ``sharey``), x labels on the last row."""
    for i, ax in enumerate(axes[:n_panels]):
        if i % ncols == 0 or not sharey:
            ax.set_ylabel(ylabel)
        if i + ncols >= n_panels:
            ax.set_xlabel("year" if is_year else "period")


def _year_ticks(axes, x_all: np.ndarray) -> None:
    """Integer year ticks (every other year past five) and limits half a year beyond the data."""
    lo, hi = int(np.nanmin(x_all)), int(np.nanmax(x_all))
    ticks = list(range(lo, hi + 1))
    step = 1 if len(ticks) <= 5 else 2
    ticks = list(range(lo if (hi - lo) % step == 0 else lo - 1, hi + 1))
    for ax in axes:
        ax.set_xticks(ticks[::step], [str(v) for v in ticks[::step]])
        ax.set_xlim(lo - 0.6, hi + 0.6)
        ax.tick_params(axis="x", labelbottom=True)


def over_time(
    table: pd.DataFrame,
    *,
    value: str = "rate",
    period: str = "period",
    hue: str = "origin",
    facet: str | None = None,
    ylabel: str = "per 1,000 word tokens",
    title: str | None = None,
    sharey: bool = True,
    ncols: int = 3,
    zero_line: bool = False,
):
    """Estimates by period with intervals, one line per origin, optionally one panel per facet.

    Years are placed on a numeric axis (so 2017 → 2024 shows its gap); origins are dodged
    by ±0.1 year so their bars do not overlap. Lines join consecutive periods of one origin
    only to guide the eye. Points without an interval have no bar and show their ``n``.

    Args:
        table: ``period``, ``value``, ``ci_low``, ``ci_high``, ``n_docs``, ``hue`` and
            ``facet`` columns (e.g. :func:`analysis.stats.compare.frame_rates` rows with
            ``marker == ""`` and ``facet="frame"``, or
            :func:`analysis.document.tone.aggregate_sentiment` by origin and period).
        value: Column of the point estimate.
        period: Column of period labels ("2024", "2024Q2", "2024-05").
        hue: Column giving colours/markers.
        facet: Optional column, one panel per value (sorted).
        ylabel: y-axis label (with units).
        title: Figure title.
        sharey: Share the y axis between panels.
        ncols: Panels per row.
        zero_line: Draw a line at y = 0.
    """
    cols = [period, value, "ci_low", "ci_high", "n_docs", hue] + ([facet] if facet else [])
    require_columns(table, cols, where="over_time", error=PlotError)
    facets = sorted(table[facet].astype(str).unique()) if facet else [None]
    facets = facets or [None]
    nr, nc = grid_shape(len(facets), ncols)
    hues = order_origins(table[hue])
    with style():
        fig = new_figure(max(3.3 * nc, 6.4), 2.3 * nr + 0.9)
        axes = panel_axes(fig, len(facets), nr, nc, sharey=sharey, sharex=True)
        if table.empty:
            no_data(axes[0])
            if title:
                fig.suptitle(title)
            return fig
        x_all, is_year = _period_positions(table[period])
        t = table.assign(
            _x=x_all,
            _h=table[hue].astype(str),
            _f=table[facet].astype(str) if facet else "",
            **_estimates(table, value, "over_time"),
        )
        any_missing = False
        for ax, f in zip(axes, facets, strict=False):
            sub = t if f is None else t[t["_f"] == f]
            any_missing |= _draw_series(ax, sub, hues, is_year=is_year)
            if f is not None:
                ax.set_title(f, loc="left", fontsize=9)
            if zero_line:
                ax.axhline(0, color="#666666", linewidth=0.6)
        _label_panels(axes, len(facets), nc, ylabel=ylabel, sharey=sharey, is_year=is_year)
        if is_year:
            _year_ticks(axes[: len(facets)], x_all)
        handles = origin_handles(hues, no_interval=any_missing)
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
        if title:
            fig.suptitle(title)
    return fig


def _date_num(xs):
    import matplotlib.dates as mdates

    return mdates.date2num(xs)
