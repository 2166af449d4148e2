"""A category × group heatmap of rates (:func:`heatmap`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.plots.style import (
    PlotError,
    group_styles,
    new_figure,
    no_data,
    numeric,
    order_origins,
    style,
)
from analysis.schema import require_columns

__all__ = ["DOMINANCE", "SCALES", "auto_scale", "heatmap"]

#: Colour scales of :func:`heatmap`.
SCALES: tuple[str, ...] = ("linear", "log", "row")

#: :func:`auto_scale` picks ``"log"`` when max / median of the non-zero cells exceeds this.
DOMINANCE = 20.0


def auto_scale(values, *, dominance: float = DOMINANCE) -> str:
    """``"log"`` when one cell dominates (max / median of the positive cells > ``dominance``).

    Else ``"linear"`` (also for no positive cell).
    """
    v = np.asarray(values, dtype="float64")
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return "linear"
    return "log" if float(v.max()) / float(np.median(v)) > dominance else "linear"


def _norm(data: np.ndarray, scale: str):
    """The colour values and norm of ``scale`` (``row``: each row over its own maximum)."""
    import matplotlib.colors as mcolors

    finite = np.isfinite(data)
    vmax = float(np.nanmax(data)) if finite.any() else 1.0
    vmax = vmax if vmax > 0 else 1.0
    if scale == "row":
        peak = np.nanmax(np.where(finite, data, np.nan), axis=1, keepdims=True)
        peak = np.where(np.isfinite(peak) & (peak > 0), peak, 1.0)
        return data / peak, mcolors.Normalize(0.0, 1.0)
    if scale == "log":
        pos = data[finite & (data > 0)]
        vmin = float(pos.min()) if pos.size else 1.0
        vmin = min(vmin, vmax / 10.0)
        # zeros get the lowest colour (still annotated "0")
        return np.where(finite & (data <= 0), vmin, data), mcolors.LogNorm(vmin, vmax)
    return data, mcolors.Normalize(0.0, vmax)


def _value_grid(
    table: pd.DataFrame, *, row: str, col: str, value: str, row_group: str | None, drop_empty: bool
) -> tuple[list[str], list[str], np.ndarray]:
    """Row labels (sorted), column labels (origins in order) and the row × column values.

    Raises:
        PlotError: ``value`` is not numeric, or a (row, column) pair has several rows.
    """
    t = table.assign(_r=table[row].astype(str), _c=table[col].astype(str))
    if row_group:
        t["_r"] = t[row_group].astype(str) + ": " + t["_r"]
    t["_v"] = numeric(table, value, "heatmap")
    if t.duplicated(["_r", "_c"]).any():
        r = t[t.duplicated(["_r", "_c"])].iloc[0]
        raise PlotError(f"heatmap: several rows for {row} {r['_r']!r} × {col} {r['_c']!r}")
    rows = sorted(t["_r"].unique())
    cols = order_origins(t["_c"])
    grid = t.pivot(index="_r", columns="_c", values="_v").reindex(index=rows, columns=cols)
    if drop_empty:
        grid = grid[(grid.fillna(0) != 0).any(axis=1)]
        rows = list(grid.index)
    return rows, cols, grid.to_numpy(dtype="float64")


def _annotate_cells(ax, data: np.ndarray, fmt: str, vmax: float, shade=None) -> None:
    """Each cell's value ("–" missing, "0" zero), white on the dark part of the scale.

    ``shade``: the cells' positions on the colour scale (0…1), default ``data / vmax``.
    """
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            v = data[i, j]
            txt = "–" if np.isnan(v) else ("0" if v == 0 else fmt.format(v))
            if shade is None:
                light = np.isnan(v) or v < 0.6 * (vmax if vmax > 0 else 1.0)
            else:
                light = np.isnan(v) or shade[i, j] < 0.6
            ax.text(
                j,
                i,
                txt,
                ha="center",
                va="center",
                fontsize=7,
                color="white" if (light and not np.isnan(v)) else "black",
            )


def _label_axes(ax, rows: list[str], cols: list[str]) -> None:
    """Column labels on top in origin colours, row labels, no grid and no spines."""
    ax.set_xticks(range(len(cols)), cols)
    styles = group_styles(cols)
    for lab in ax.get_xticklabels():
        lab.set_color(styles[lab.get_text()].color)
    ax.set_yticks(range(len(rows)), rows)
    ax.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False)
    ax.grid(False)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)


def heatmap(
    table: pd.DataFrame,
    *,
    row: str = "marker",
    col: str = "origin",
    value: str = "rate",
    row_group: str | None = "frame",
    colorbar_label: str = "per 1,000 word tokens",
    fmt: str = "{:.2f}",
    drop_empty: bool = False,
    scale: str = "linear",
    title: str | None = None,
):
    """Heatmap of a value by row × column (e.g. marker × origin), cells annotated.

    Colour scale: ``cividis`` (perceptually uniform, colour-blind safe), from 0. Missing
    cells are left white and annotated "–"; zeros are annotated "0". When one cell dominates
    (a marker found far more often than the others) a linear scale leaves every other cell
    dark: ``scale="log"`` colours by the logarithm (zeros take the lowest colour, the colour
    bar says "log scale"), ``scale="row"`` by each row's share of its own maximum (rows are
    then compared by pattern, not level; the annotations keep the values).
    :func:`auto_scale` chooses between linear and log.

    Args:
        table: One row per (row, col) pair with ``value`` (extra columns ignored).
        row: Column giving the rows (sorted by ``row_group`` then ``row``).
        col: Column giving the columns (origins in their fixed order).
        value: Column of the values.
        row_group: Optional column prefixed to row labels ("frame: marker").
        colorbar_label: Colour-bar label (with units).
        fmt: Format of the cell annotations.
        drop_empty: Leave out rows that are 0 or missing in every column (e.g. markers never
            found); say so in the title.
        scale: ``"linear"`` (default), ``"log"`` or ``"row"`` (see above).
        title: Figure title.
    """
    if scale not in SCALES:
        raise PlotError(f"heatmap: scale must be one of {SCALES}, got {scale!r}")
    require_columns(
        table,
        [row, col, value] + ([row_group] if row_group else []),
        where="heatmap",
        error=PlotError,
    )
    rows, cols, data = _value_grid(
        table, row=row, col=col, value=value, row_group=row_group, drop_empty=drop_empty
    )
    with style():
        fig = new_figure(1.4 * max(1, len(cols)) + 3.4, 0.26 * max(1, len(rows)) + 1.3)
        ax = fig.add_subplot()
        if data.size == 0:
            no_data(ax)
            return fig
        vmax = float(np.nanmax(data)) if np.isfinite(data).any() else 1.0
        if scale == "linear":  # the original call, kept as is (byte-identical figures)
            im = ax.imshow(
                np.ma.masked_invalid(data),
                cmap="cividis",
                vmin=0.0,
                vmax=vmax if vmax > 0 else 1.0,
                aspect="auto",
                interpolation="nearest",
            )
            _annotate_cells(ax, data, fmt, vmax)
        else:
            colours, norm = _norm(data, scale)
            im = ax.imshow(
                np.ma.masked_invalid(colours),
                cmap="cividis",
                norm=norm,
                aspect="auto",
                interpolation="nearest",
            )
            shade = np.ma.filled(norm(np.ma.masked_invalid(colours)), 0.0)
            _annotate_cells(ax, data, fmt, vmax, shade=shade)
        _label_axes(ax, rows, cols)
        cb = fig.colorbar(im, ax=ax, shrink=0.8)
        cb.set_label(
            {
                "linear": colorbar_label,
                "log": f"{colorbar_label} (log scale)",
                "row": "share of the row's maximum",
            }[scale]
        )
        if title:
            fig.suptitle(title)
    return fig
