"""Figures: one function per figure kind, fixed origin colours, deterministic files.

Every function takes a tidy table (the pipeline's or :mod:`analysis.stats.compare`'s /
:mod:`analysis.document.tone`'s output) and returns a :class:`matplotlib.figure.Figure` built
without :mod:`matplotlib.pyplot` (no global figure registry: nothing leaks, nothing is shown
by accident). In a notebook, the returned figure is the cell's value and is displayed
inline. :func:`save_figure` writes it as ``NAME.svg`` and ``NAME.png``, byte-identical from
run to run.

Conventions shared by every figure:

- Each origin has one colour *and* one marker shape, the same in every figure
  (:data:`ORIGIN_COLORS`, Okabe–Ito palette, colour-blind safe; :func:`origin_style`).
- Intervals are drawn as error bars. A point whose interval is missing (NaN — typically a
  group of one document) is drawn without a bar and labelled ``n=1`` (its document count);
  the legend says "no bar: n<2 documents, no interval". No interval is ever invented.
- Axis labels carry units ("per 1,000 word tokens", "VADER compound, −1…1").
- SVG text is kept as text (``svg.fonttype = "none"``): smaller files, searchable labels and
  byte-stable output that does not embed glyph outlines. The PNG is the pixel-exact
  rendering (DejaVu Sans, shipped with matplotlib); the README shows the PNGs.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from analysis.schema import require_columns

__all__ = [
    "DEFAULT_ORIGIN_ORDER",
    "NO_INTERVAL_LABEL",
    "ORIGIN_COLORS",
    "ORIGIN_MARKERS",
    "OTHER_COLOR",
    "STYLE",
    "PlotError",
    "corpus_overview",
    "heatmap",
    "keyness_scatter",
    "order_origins",
    "origin_style",
    "over_time",
    "point_ci",
    "save_figure",
    "style",
    "timeline",
    "top_terms",
]

#: Fixed origin colours (Okabe–Ito), the same in every figure.
ORIGIN_COLORS: dict[str, str] = {
    "russian": "#D55E00",  # vermillion
    "chinese": "#0072B2",  # blue
    "third-party": "#009E73",  # bluish green
}
#: Marker shape of each origin (a second channel besides colour, for grey-scale prints).
ORIGIN_MARKERS: dict[str, str] = {"russian": "o", "chinese": "s", "third-party": "^"}
#: Colour of the pooled reference ("rest") and of anything without an origin.
OTHER_COLOR = "#7F7F7F"
#: Colours and markers for origins a user configures beyond the three defaults; picked by a
#: stable hash of the name, so an origin keeps its colour in every figure.
_EXTRA_COLORS = ("#E69F00", "#56B4E9", "#CC79A7", "#000000")
_EXTRA_MARKERS = ("D", "v", "P", "X")
#: Order of the default origins in legends and panels (others follow, sorted).
DEFAULT_ORIGIN_ORDER: tuple[str, ...] = ("russian", "chinese", "third-party")
#: Legend text for points drawn without an interval.
NO_INTERVAL_LABEL = "n=k, no bar: fewer than 2 documents, no interval"

#: Matplotlib settings applied while a figure is built and saved.
STYLE: dict[str, object] = {
    "svg.hashsalt": "framing",  # stable clip-path / glyph ids
    "svg.fonttype": "none",  # text as <text>: stable, small, searchable
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.labelsize": 9.0,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0,
    "legend.fontsize": 8.0,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "figure.dpi": 100.0,
    "savefig.dpi": 150.0,
    "savefig.facecolor": "white",
    "figure.facecolor": "white",
    "axes.unicode_minus": True,
}

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class PlotError(ValueError):
    """A table passed to a plotting function cannot be plotted."""


# --------------------------------------------------------------------------- style


@contextmanager
def style():
    """Context manager applying :data:`STYLE` (used around building and saving)."""
    import matplotlib as mpl

    with mpl.rc_context(STYLE):
        yield


def origin_style(origin: str) -> tuple[str, str]:
    """``(colour, marker)`` of an origin: fixed for the defaults, hash-stable for others."""
    origin = str(origin)
    if origin in ORIGIN_COLORS:
        return ORIGIN_COLORS[origin], ORIGIN_MARKERS[origin]
    if origin in ("", "rest", "nan", "None", "unknown", "other"):
        return OTHER_COLOR, "o"
    k = zlib.crc32(origin.encode("utf-8"))
    return _EXTRA_COLORS[k % len(_EXTRA_COLORS)], _EXTRA_MARKERS[k % len(_EXTRA_MARKERS)]


def order_origins(values: Iterable[object]) -> list[str]:
    """Distinct values as strings: the default origins first (in their order), others sorted."""
    seen = {str(v) for v in values if not _isna(v)}
    known = [o for o in DEFAULT_ORIGIN_ORDER if o in seen]
    return known + sorted(seen - set(known))


def _isna(v: object) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _new_figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _no_data(ax, message: str = "no data") -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#555555")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def _numeric(df: pd.DataFrame, col: str, func: str) -> np.ndarray:
    vals = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = df[col].notna().to_numpy() & np.isnan(vals)
    if bad.any():
        raise PlotError(
            f"{func}: column {col!r} must be numeric; got {df[col][bad].iloc[0]!r} "
            f"in row {int(np.flatnonzero(bad)[0])}"
        )
    return vals


def _origin_handles(origins: Sequence[str], *, no_interval: bool = False, extra=()):
    from matplotlib.lines import Line2D

    handles = []
    for o in origins:
        c, m = origin_style(o)
        handles.append(Line2D([], [], color=c, marker=m, linestyle="", label=o))
    handles.extend(extra)
    if no_interval:
        handles.append(Line2D([], [], marker="", linestyle="", label=NO_INTERVAL_LABEL))
    return handles


def _errorbars(ax, x, y, lo, hi, n, *, color, marker, horizontal: bool, filled=True, note=True):
    """Points with bars where the interval exists, annotated ``n=k`` where it does not.

    Returns whether some point has no interval (``note=False``: draw it, do not label it).
    """
    x, y, lo, hi = (np.asarray(a, dtype="float64") for a in (x, y, lo, hi))
    face = color if filled else "white"
    ok = ~np.isnan(lo) & ~np.isnan(hi)
    kw = {"color": color, "marker": marker, "linestyle": "", "markersize": 5}
    kw |= {"markerfacecolor": face, "markeredgecolor": color, "capsize": 2.5, "elinewidth": 1}
    if ok.any():
        v = y if not horizontal else x
        err = np.vstack([v[ok] - lo[ok], hi[ok] - v[ok]])
        # percentile intervals need not contain the point estimate; clip for drawing only
        err = np.clip(err, 0, None)
        if horizontal:
            ax.errorbar(x[ok], y[ok], xerr=err, **kw)
        else:
            ax.errorbar(x[ok], y[ok], yerr=err, **kw)
    missing = ~ok & ~np.isnan(x) & ~np.isnan(y)
    if missing.any():
        ax.plot(x[missing], y[missing], **{k: v for k, v in kw.items() if k in _PLOT_KEYS})
        points = zip(x[missing], y[missing], np.asarray(n)[missing], strict=True) if note else ()
        for xi, yi, ni in points:
            txt = f"n={int(ni)}" if not _isna(ni) else "no interval"
            ax.annotate(
                txt,
                (xi, yi),
                xytext=(4, 3),
                textcoords="offset points",
                fontsize=7,
                color=color,
            )
    return bool(missing.any())


_PLOT_KEYS = {"color", "marker", "linestyle", "markersize", "markerfacecolor", "markeredgecolor"}


# --------------------------------------------------------------------------- saving


def save_figure(fig, out: str | Path, name: str) -> list[Path]:
    """Write ``out/NAME.svg`` and ``out/NAME.png``, byte-identical from run to run.

    SVG: :data:`STYLE` (``svg.hashsalt`` fixed, text as text) and ``metadata={"Date": None}``;
    PNG: ``metadata={"Software": None}`` at 150 dpi.

    Args:
        fig: A figure returned by one of this module's functions.
        out: Output directory (created if missing).
        name: File stem: lowercase letters, digits, ``_`` and ``-``.

    Returns:
        The two paths written, SVG first.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise PlotError(f"save_figure: bad figure name {name!r} (use a-z, 0-9, '_' and '-')")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    svg, png = out / f"{name}.svg", out / f"{name}.png"
    with style():
        fig.savefig(svg, format="svg", metadata={"Date": None})
        fig.savefig(png, format="png", metadata={"Software": None})
    return [svg, png]


# --------------------------------------------------------------------------- corpus


def _stack_offsets(keys: Sequence[tuple]) -> list[int]:
    seen: dict[tuple, int] = {}
    offsets = []
    for k in keys:
        offsets.append(seen.get(k, 0))
        seen[k] = offsets[-1] + 1
    return offsets


def timeline(
    documents: pd.DataFrame,
    *,
    by: str = "origin",
    title: str | None = None,
):
    """Timeline of documents: one row per origin (or ``by`` value), one dot per document.

    Documents of the same row and calendar month are stacked upwards so none hides another.

    Args:
        documents: ``doc_id``, ``date`` (ISO date or datetime) and the ``by`` column.
        by: Document column giving the rows and colours.
        title: Figure title; default "Documents by <by> over time (n = N)".
    """
    require_columns(documents, ["doc_id", "date", by], where="timeline", error=PlotError)
    width, height = 7.0, 1.2 + 0.45 * max(1, documents[by].nunique())
    with style():
        fig = _new_figure(width, height)
        ax = fig.add_subplot()
        if documents.empty:
            _no_data(ax, "no documents")
            return fig
        dates = pd.to_datetime(documents["date"], errors="coerce")
        if dates.isna().any():
            bad = documents["doc_id"][dates.isna()].iloc[0]
            raise PlotError(f"timeline: document {bad!r} has no valid date")
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
        fig = _new_figure(7.5, 2.8)
        ax1, ax2 = fig.subplots(1, 2, width_ratios=[1.6, 1])
        if documents.empty:
            _no_data(ax1, "no documents")
            _no_data(ax2, "no documents")
            return fig
        dates = pd.to_datetime(documents["date"], errors="coerce")
        if dates.isna().any():
            bad = documents["doc_id"][dates.isna()].iloc[0]
            raise PlotError(f"corpus_overview: document {bad!r} has no valid date")
        g = documents[by].astype(str)
        tokens = _numeric(documents, "n_tokens", "corpus_overview")
        groups = order_origins(g)
        years = np.arange(dates.dt.year.min(), dates.dt.year.max() + 1)
        bottom = np.zeros(len(years))
        for o in groups:
            counts = np.array([((g == o) & (dates.dt.year == y)).sum() for y in years])
            ax1.bar(years, counts, bottom=bottom, color=origin_style(o)[0], label=o, width=0.7)
            bottom += counts
        ax1.set_xticks(years, [str(y) for y in years], rotation=0)
        ax1.yaxis.get_major_locator().set_params(integer=True)
        ax1.set_xlabel("Year of publication")
        ax1.set_ylabel("Documents")
        ax1.set_title("Documents per year", loc="left")
        ax1.grid(axis="x", visible=False)
        ax1.legend(loc="upper left")
        tot = [float(np.nansum(tokens[(g == o).to_numpy()])) for o in groups]
        ndocs = [int((g == o).sum()) for o in groups]
        ypos = np.arange(len(groups))[::-1]
        ax2.barh(ypos, tot, color=[origin_style(o)[0] for o in groups], height=0.6)
        for yp, t, nd in zip(ypos, tot, ndocs, strict=True):
            ax2.annotate(
                f"{int(t):,} ({nd} doc{'s' if nd != 1 else ''})",
                (t, yp),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=7.5,
            )
        ax2.set_yticks(ypos, groups)
        ax2.set_xlim(0, max(tot) * 1.6 if max(tot) > 0 else 1)
        ax2.set_xlabel("Word tokens")
        ax2.set_title(f"Word tokens per {by}", loc="left")
        ax2.grid(axis="y", visible=False)
        if title:
            fig.suptitle(title)
    return fig


# --------------------------------------------------------------------------- terms


def top_terms(
    table: pd.DataFrame,
    *,
    n: int = 10,
    n_docs: Mapping[str, int] | None = None,
    title: str | None = None,
):
    """Horizontal bars of the most frequent terms, one panel per group.

    Args:
        table: :func:`analysis.stats.compare.top_terms` output (``group,rank,term,count,rate``).
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
        fig = _new_figure(2.6 * len(groups) + 0.6, 0.6 + 0.22 * n + 0.8)
        axes = np.atleast_1d(fig.subplots(1, len(groups), squeeze=False)[0])
        for ax, grp in zip(axes, groups, strict=True):
            s = table[table["group"].astype(str) == grp].sort_values("rank", kind="mergesort")
            s = s[s["rank"] <= n]
            if s.empty:
                _no_data(ax, "no terms")
                continue
            rate = _numeric(s, "rate", "top_terms")
            y = np.arange(len(s))[::-1]
            ax.barh(y, rate, color=origin_style(grp)[0], height=0.7)
            ax.set_yticks(y, s["term"].astype(str).tolist())
            ax.set_xlabel("per 1,000 term tokens")
            ax.grid(axis="y", visible=False)
            label = grp
            if n_docs is not None and grp in n_docs:
                k = int(n_docs[grp])
                label = f"{grp} ({k} doc{'s' if k != 1 else ''})"
            ax.set_title(label, loc="left", color=origin_style(grp)[0])
        fig.suptitle(title or f"Top {n} terms per origin (stop words removed)")
    return fig


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
    of the log-odds ratio (:func:`analysis.stats.compare.keyness`): above 0 = used more by the
    group, below = more by the reference. The ``n_labels`` highest- and lowest-z terms are
    labelled and coloured (group colour above, reference colour below); dashed lines mark
    ``±z_threshold``. The grey cloud is rasterized inside the SVG to keep it small.

    Args:
        table: :func:`analysis.stats.compare.keyness` output.
        comparisons: ``"all"``, ``"one-vs-rest"`` (reference ``rest``), ``"pairwise"`` (the
            others) — each sorted — or an explicit list of comparison labels, in order.
        n_labels: Terms labelled at each end.
        z_threshold: Where to draw the reference lines (|z| = 1.96 ≈ p 0.05, uncorrected).
        title: Figure title.
    """
    cols = ["comparison", "group", "reference", "term", "rate_group", "rate_reference", "z"]
    require_columns(table, cols, where="keyness_scatter", error=PlotError)
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
    ncols = max(1, min(3, len(comps)))
    nrows = max(1, -(-len(comps) // ncols))
    with style():
        fig = _new_figure(3.2 * ncols + 0.4, 3.0 * nrows + 0.5)
        axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False).ravel())
        if not comps:
            _no_data(axes[0], "no comparisons (needs two groups)")
        for ax in axes[len(comps) :]:
            ax.set_visible(False)
        for ax, comp in zip(axes, comps, strict=False):
            s = table[table["comparison"] == comp]
            grp, ref = str(s["group"].iloc[0]), str(s["reference"].iloc[0])
            x = (
                _numeric(s, "rate_group", "keyness_scatter")
                + _numeric(s, "rate_reference", "keyness_scatter")
            ) / 2
            z = _numeric(s, "z", "keyness_scatter")
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
            # label spacing: ~8 pt in data units (axes height estimated from the grid)
            sep = (y1 - y0) * 8.0 / (fig.get_figheight() * 72.0 / nrows * 0.7)
            lo_lim, hi_lim = y0, y1
            for idx, who, sign in ((top, grp, -1.0), (bottom, ref, 1.0)):
                c, m = origin_style(who)
                ax.scatter(x[idx], z[idx], s=14, color=c, marker=m, linewidths=0)
                prev = None
                for i in idx:  # top: z descending; bottom: z ascending
                    ty = (
                        z[i]
                        if prev is None
                        else (min(z[i], prev - sep) if sign < 0 else max(z[i], prev + sep))
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
                        arrowprops=(
                            {"arrowstyle": "-", "color": c, "linewidth": 0.4} if moved else None
                        ),
                    )
                    lo_lim, hi_lim = min(lo_lim, ty - sep), max(hi_lim, ty + sep)
            ax.set_ylim(lo_lim, hi_lim)
            for t in (z_threshold, -z_threshold):
                ax.axhline(t, color="#999999", linestyle="--", linewidth=0.7)
            ax.axhline(0, color="#666666", linewidth=0.6)
            ax.set_title(f"{grp} vs {ref}", loc="left", fontsize=9)
            ax.set_xlabel("mean rate, per 1,000 term tokens (log)")
            ax.set_ylabel(f"z (log-odds): ↑ {grp}, ↓ {ref}")
        fig.suptitle(title or "Keyness: distinctive terms (z of log-odds with informative prior)")
    return fig


# --------------------------------------------------------------------------- estimates


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
    slots = [(h, st) for h in hues for st in styles]
    with style():
        n_leg = (len(hues) if category != hue else 0) + (2 if style_by else 0) + 1
        height = 1.3 + 0.32 * max(1, len(cats)) * max(1, len(slots)) ** 0.5 + 0.18 * -(-n_leg // 3)
        fig = _new_figure(6.4, height)
        ax = fig.add_subplot()
        if table.empty:
            _no_data(ax)
            if title:
                ax.set_title(title, loc="left")
            return fig
        t = table.assign(
            _c=table[category].astype(str),
            _h=table[hue].astype(str),
            _v=_numeric(table, value, "point_ci"),
            _lo=_numeric(table, "ci_low", "point_ci"),
            _hi=_numeric(table, "ci_high", "point_ci"),
            _s=table[style_by].astype(str) if style_by else "",
        )
        ypos = {c: len(cats) - 1 - i for i, c in enumerate(cats)}
        step = 0.7 / max(1, len(slots))
        any_missing = False
        for k, (h, st) in enumerate(slots):
            s = t[(t["_h"] == h) & ((t["_s"] == st) if st is not None else True)]
            if s.empty:
                continue
            off = ((len(slots) - 1) / 2 - k) * step if category != hue else 0.0
            y = s["_c"].map(ypos).to_numpy(dtype="float64") + off
            c, m = origin_style(h)
            any_missing |= _errorbars(
                ax,
                s["_v"],
                y,
                s["_lo"],
                s["_hi"],
                s["n_docs"].to_numpy(),
                color=c,
                marker=m,
                horizontal=True,
                filled=(st is None or st == styles[0]),
                note=(st is None or st == styles[0]),  # same documents: label once per pair
            )
        ax.set_yticks([ypos[c] for c in cats], cats)
        ax.set_ylim(-0.6, len(cats) - 0.4)
        ax.grid(axis="y", visible=False)
        if zero_line:
            ax.axvline(0, color="#666666", linewidth=0.6)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(category)
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
        handles = _origin_handles(
            hues if category != hue else [], no_interval=any_missing, extra=extra
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
    nc = max(1, min(ncols, len(facets)))
    nr = -(-len(facets) // nc)
    hues = order_origins(table[hue])
    with style():
        fig = _new_figure(max(3.3 * nc, 6.4), 2.3 * nr + 0.9)
        axes = fig.subplots(nr, nc, squeeze=False, sharey=sharey, sharex=True).ravel()
        for ax in axes[len(facets) :]:
            ax.set_visible(False)
        if table.empty:
            _no_data(axes[0])
            if title:
                fig.suptitle(title)
            return fig
        x_all, is_year = _period_positions(table[period])
        t = table.assign(
            _x=x_all,
            _h=table[hue].astype(str),
            _f=table[facet].astype(str) if facet else "",
            _v=_numeric(table, value, "over_time"),
            _lo=_numeric(table, "ci_low", "over_time"),
            _hi=_numeric(table, "ci_high", "over_time"),
        )
        any_missing = False
        dodge = 0.1 if is_year else np.timedelta64(36, "D")
        for ax, f in zip(axes, facets, strict=False):
            sub = t if f is None else t[t["_f"] == f]
            for k, h in enumerate(hues):
                s = sub[sub["_h"] == h].sort_values("_x", kind="mergesort")
                if s.empty:
                    continue
                off = (k - (len(hues) - 1) / 2) * dodge
                x = s["_x"].to_numpy() + off
                c, m = origin_style(h)
                ax.plot(x, s["_v"], color=c, linewidth=0.8, alpha=0.5)
                if is_year:
                    any_missing |= _errorbars(
                        ax,
                        x,
                        s["_v"],
                        s["_lo"],
                        s["_hi"],
                        s["n_docs"].to_numpy(),
                        color=c,
                        marker=m,
                        horizontal=False,
                    )
                else:
                    xs = pd.to_datetime(x)
                    any_missing |= _errorbars(
                        ax,
                        _date_num(xs),
                        s["_v"],
                        s["_lo"],
                        s["_hi"],
                        s["n_docs"].to_numpy(),
                        color=c,
                        marker=m,
                        horizontal=False,
                    )
            if f is not None:
                ax.set_title(f, loc="left", fontsize=9)
            if zero_line:
                ax.axhline(0, color="#666666", linewidth=0.6)
        for i, ax in enumerate(axes[: len(facets)]):
            if i % nc == 0 or not sharey:
                ax.set_ylabel(ylabel)
            if i + nc >= len(facets):
                ax.set_xlabel("year" if is_year else "period")
        if is_year:
            lo, hi = int(np.nanmin(x_all)), int(np.nanmax(x_all))
            ticks = list(range(lo, hi + 1))
            step = 1 if len(ticks) <= 5 else 2
            ticks = list(range(lo if (hi - lo) % step == 0 else lo - 1, hi + 1))
            for ax in axes[: len(facets)]:
                ax.set_xticks(ticks[::step], [str(v) for v in ticks[::step]])
                ax.set_xlim(lo - 0.6, hi + 0.6)
                ax.tick_params(axis="x", labelbottom=True)
        handles = _origin_handles(hues, no_interval=any_missing)
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
        if title:
            fig.suptitle(title)
    return fig


def _date_num(xs):
    import matplotlib.dates as mdates

    return mdates.date2num(xs)


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
    t = table.assign(_r=table[row].astype(str), _c=table[col].astype(str))
    if row_group:
        t["_r"] = t[row_group].astype(str) + ": " + t["_r"]
    t["_v"] = _numeric(table, value, "heatmap")
    if t.duplicated(["_r", "_c"]).any():
        r = t[t.duplicated(["_r", "_c"])].iloc[0]
        raise PlotError(f"heatmap: several rows for {row} {r['_r']!r} × {col} {r['_c']!r}")
    rows = sorted(t["_r"].unique())
    cols = order_origins(t["_c"])
    grid = t.pivot(index="_r", columns="_c", values="_v").reindex(index=rows, columns=cols)
    if drop_empty:
        grid = grid[(grid.fillna(0) != 0).any(axis=1)]
        rows = list(grid.index)
    data = grid.to_numpy(dtype="float64")
    with style():
        fig = _new_figure(1.4 * max(1, len(cols)) + 3.4, 0.26 * max(1, len(rows)) + 1.3)
        ax = fig.add_subplot()
        if data.size == 0:
            _no_data(ax)
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
        ax.set_xticks(range(len(cols)), cols)
        for lab in ax.get_xticklabels():
            lab.set_color(origin_style(lab.get_text())[0])
        ax.set_yticks(range(len(rows)), rows)
        ax.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False)
        ax.grid(False)
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        cb = fig.colorbar(im, ax=ax, shrink=0.8)
        cb.set_label(colorbar_label)
        if title:
            fig.suptitle(title)
    return fig
