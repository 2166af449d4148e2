"""Figures of terms: top terms per group, keyness scatter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from analysis.plots.style import (
    PlotError,
    doc_count,
    grid_shape,
    new_figure,
    no_data,
    numeric,
    order_origins,
    origin_style,
    panel_axes,
    style,
)
from analysis.schema import require_columns

__all__ = ["keyness_scatter", "top_terms"]


def top_terms(
    table: pd.DataFrame,
    *,
    n: int = 10,
    n_docs: Mapping[str, int] | None = None,
    title: str | None = None,
):
    """Horizontal bars of the most frequent terms, one panel per group.

    Args:
        table: :func:`analysis.stats.keyness.top_terms` output (``group,rank,term,count,rate``).
        n: Terms shown per group (the ``n`` best ranks).
        n_docs: Documents per group, shown in the panel titles ("russian (3 docs)").
        title: Figure title.
    """
    require_columns(
        table, ["group", "rank", "term", "count", "rate"], where="top_terms", error=PlotError
    )
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise PlotError(f"top_terms: n must be a positive integer, got {n!r}")
    groups = order_origins(table["group"]) or [""]
    with style():
        fig = new_figure(2.6 * len(groups) + 0.6, 0.6 + 0.22 * n + 0.8)
        axes = np.atleast_1d(fig.subplots(1, len(groups), squeeze=False)[0])
        for ax, grp in zip(axes, groups, strict=True):
            s = table[table["group"].astype(str) == grp].sort_values("rank", kind="mergesort")
            s = s[s["rank"] <= n]
            if s.empty:
                no_data(ax, "no terms")
                continue
            rate = numeric(s, "rate", "top_terms")
            y = np.arange(len(s))[::-1]
            ax.barh(y, rate, color=origin_style(grp)[0], height=0.7)
            ax.set_yticks(y, s["term"].astype(str).tolist())
            ax.set_xlabel("per 1,000 term tokens")
            ax.grid(axis="y", visible=False)
            label = grp
            if n_docs is not None and grp in n_docs:
                label = f"{grp} ({doc_count(int(n_docs[grp]))})"
            ax.set_title(label, loc="left", color=origin_style(grp)[0])
        fig.suptitle(title or f"Top {n} terms per origin (stop words removed)")
    return fig


def _select_comparisons(table: pd.DataFrame, comparisons) -> list[str]:
    """The comparison labels to draw, in panel order (see :func:`keyness_scatter`)."""
    if isinstance(comparisons, str):
        if comparisons not in ("all", "one-vs-rest", "pairwise"):
            raise PlotError(
                "keyness_scatter: comparisons must be 'all', 'one-vs-rest', 'pairwise' or a "
                f"list of comparison labels, got {comparisons!r}"
            )
        rest = table["reference"].astype(str) == "rest"
        keep = {"all": rest | ~rest, "one-vs-rest": rest, "pairwise": ~rest}[comparisons]
        comps = sorted(table.loc[keep, "comparison"].astype(str).unique())
    else:
        comps = list(comparisons)
    unknown = [c for c in comps if c not in set(table["comparison"])]
    if unknown:
        raise PlotError(f"keyness_scatter: no rows for comparison(s) {unknown}")
    return comps


def _label_terms(ax, idx, x, z, terms, *, who: str, sign: float, sep: float, limits):
    """Dots and labels of the terms ``idx`` in ``who``'s colour; returns the widened y limits.

    Labels closer than ``sep`` are pushed apart (down for the top terms, ``sign < 0``; up
    for the bottom ones) and joined to their dot by a thin line when moved.
    """
    c, m = origin_style(who)
    ax.scatter(x[idx], z[idx], s=14, color=c, marker=m, linewidths=0)
    lo_lim, hi_lim = limits
    prev = None
    for i in idx:  # top: z descending; bottom: z ascending
        ty = (
            z[i] if prev is None else (min(z[i], prev - sep) if sign < 0 else max(z[i], prev + sep))
        )
        prev = ty
        moved = abs(ty - z[i]) > 0.3 * sep
        ax.annotate(
            terms[i],
            (x[i], z[i]),
            xytext=(x[i] * 1.12, ty),
            textcoords="data",
            va="center",
            fontsize=6.5,
            color=c,
            arrowprops=({"arrowstyle": "-", "color": c, "linewidth": 0.4} if moved else None),
        )
        lo_lim, hi_lim = min(lo_lim, ty - sep), max(hi_lim, ty + sep)
    return lo_lim, hi_lim


def _draw_comparison(
    ax, s: pd.DataFrame, *, n_labels: int, z_threshold: float, axes_pt: float
) -> None:
    """One panel: the grey cloud, the ``n_labels`` terms at each end, lines and labels.

    ``axes_pt``: estimated axes height in points, to space labels about 8 pt apart.
    """
    grp, ref = str(s["group"].iloc[0]), str(s["reference"].iloc[0])
    rate_group = numeric(s, "rate_group", "keyness_scatter")
    x = (rate_group + numeric(s, "rate_reference", "keyness_scatter")) / 2
    z = numeric(s, "z", "keyness_scatter")
    terms = s["term"].astype(str).to_numpy()
    ok = (x > 0) & np.isfinite(z)
    ax.scatter(x[ok], z[ok], s=6, color="#BBBBBB", linewidths=0, rasterized=True)
    order = np.lexsort((terms, -z))  # z descending, term ascending
    order = order[ok[order]]
    top, bottom = order[:n_labels], order[::-1][:n_labels]
    bottom = bottom[z[bottom] < 0]
    top = top[z[top] > 0]
    ax.set_xscale("log")
    ax.autoscale_view()
    y0, y1 = ax.get_ylim()
    sep = (y1 - y0) * 8.0 / axes_pt
    limits = (y0, y1)
    for idx, who, sign in ((top, grp, -1.0), (bottom, ref, 1.0)):
        limits = _label_terms(ax, idx, x, z, terms, who=who, sign=sign, sep=sep, limits=limits)
    ax.set_ylim(*limits)
    for t in (z_threshold, -z_threshold):
        ax.axhline(t, color="#999999", linestyle="--", linewidth=0.7)
    ax.axhline(0, color="#666666", linewidth=0.6)
    ax.set_title(f"{grp} vs {ref}", loc="left", fontsize=9)
    ax.set_xlabel("mean rate, per 1,000 term tokens (log)")
    ax.set_ylabel(f"z (log-odds): ↑ {grp}, ↓ {ref}")


def keyness_scatter(
    table: pd.DataFrame,
    *,
    comparisons: Literal["all", "one-vs-rest", "pairwise"] | Sequence[str] = "all",
    n_labels: int = 6,
    z_threshold: float = 1.96,
    title: str | None = None,
):
    """z-score against frequency: one panel per comparison, the most distinctive terms labelled.

    x is the mean of the two groups' rates (per 1,000 term tokens, log scale), y the z-score
    of the log-odds ratio (:func:`analysis.stats.keyness.keyness`): above 0 = used more by the
    group, below = more by the reference. The ``n_labels`` highest- and lowest-z terms are
    labelled and coloured (group colour above, reference colour below); dashed lines mark
    ``±z_threshold``. The grey cloud is rasterized inside the SVG to keep it small.

    Args:
        table: :func:`analysis.stats.keyness.keyness` output.
        comparisons: ``"all"``, ``"one-vs-rest"`` (reference ``rest``), ``"pairwise"`` (the
            others) — each sorted — or an explicit list of comparison labels, in order.
        n_labels: Terms labelled at each end.
        z_threshold: Where to draw the reference lines (|z| = 1.96 ≈ p 0.05, uncorrected).
        title: Figure title.
    """
    cols = ["comparison", "group", "reference", "term", "rate_group", "rate_reference", "z"]
    require_columns(table, cols, where="keyness_scatter", error=PlotError)
    comps = _select_comparisons(table, comparisons)
    nrows, ncols = grid_shape(len(comps), 3)
    with style():
        fig = new_figure(3.2 * ncols + 0.4, 3.0 * nrows + 0.5)
        axes = panel_axes(fig, len(comps), nrows, ncols)
        if not comps:
            no_data(axes[0], "no comparisons (needs two groups)")
        # label spacing: ~8 pt in data units (axes height estimated from the grid)
        axes_pt = fig.get_figheight() * 72.0 / nrows * 0.7
        for ax, comp in zip(axes, comps, strict=False):
            _draw_comparison(
                ax,
                table[table["comparison"] == comp],
                n_labels=n_labels,
                z_threshold=z_threshold,
                axes_pt=axes_pt,
            )
        fig.suptitle(title or "Keyness: distinctive terms (z of log-odds with informative prior)")
    return fig
