"""A category × group heatmap of rates (:func:`heatmap`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.plots.style import (
    PlotError,
    new_figure,
    no_data,
    numeric,
    order_origins,
    origin_style,
    style,
)
from analysis.schema import require_columns

__all__ = ["heatmap"]


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


def _annotate_cells(ax, data: np.ndarray, fmt: str, vmax: float) -> None:
    """Each cell's value ("–" missing, "0" zero), white on the dark part of the scale."""
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            v = data[i, j]
            txt = "–" if np.isnan(v) else ("0" if v == 0 else fmt.format(v))
            light = np.isnan(v) or v < 0.6 * (vmax if vmax > 0 else 1.0)
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
    for lab in ax.get_xticklabels():
        lab.set_color(origin_style(lab.get_text())[0])
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
    title: str | None = None,
):
    """Heatmap of a value by row × column (e.g. marker × origin), cells annotated.

    Colour scale: ``cividis`` (perceptually uniform, colour-blind safe), from 0. Missing
    cells are left white and annotated "–"; zeros are annotated "0".

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
        title: Figure title.
    """
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
        im = ax.imshow(
            np.ma.masked_invalid(data),
            cmap="cividis",
            vmin=0.0,
            vmax=vmax if vmax > 0 else 1.0,
            aspect="auto",
            interpolation="nearest",
        )
        _annotate_cells(ax, data, fmt, vmax)
        _label_axes(ax, rows, cols)
        cb = fig.colorbar(im, ax=ax, shrink=0.8)
        cb.set_label(colorbar_label)
        if title:
            fig.suptitle(title)
    return fig
