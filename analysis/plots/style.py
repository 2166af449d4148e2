"""The look shared by every figure: fixed origin colours and markers, the style sheet,
honest error bars, and deterministic SVG + PNG files (:func:`save_figure`).

Longer than ~400 lines because the shared look of every figure: palettes, group styles, error
bars, saving.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "DEFAULT_ORIGIN_ORDER",
    "FEW_DOCS_LABEL",
    "NO_INTERVAL_LABEL",
    "ORIGIN_COLORS",
    "ORIGIN_MARKERS",
    "OTHER_COLOR",
    "STYLE",
    "PlotError",
    "GROUP_COLORS",
    "GROUP_LINESTYLES",
    "GROUP_MARKERS",
    "GroupStyle",
    "doc_count",
    "errorbars",
    "grid_shape",
    "group_styles",
    "isna",
    "new_figure",
    "no_data",
    "numeric",
    "order_origins",
    "origin_handles",
    "origin_style",
    "panel_axes",
    "save_figure",
    "renderer",
    "style",
    "text_overlaps",
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


#: Colours of up to 12 groups besides the three origins (outlets, countries, …): the rest of
#: Okabe–Ito (without its yellow, too light on white) then Paul Tol's "muted" scheme (without
#: its pale cyan, too close to sky blue); every one is distinct from the origin colours.
GROUP_COLORS: tuple[str, ...] = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#000000",  # black
    "#332288",  # indigo
    "#44AA99",  # teal
    "#117733",  # green
    "#999933",  # olive
    "#DDCC77",  # sand
    "#CC6677",  # rose
    "#882255",  # wine
    "#AA4499",  # purple
)

#: Marker shapes of those groups (none is an origin's circle, square or triangle).
GROUP_MARKERS: tuple[str, ...] = ("D", "v", "P", "X", "<", ">", "p", "h", "*", "d", "8", "H")

#: Line styles of those groups, cycled (the origins keep solid lines).
GROUP_LINESTYLES: tuple[str, ...] = ("-", "--", "-.", ":")


#: Order of the default origins in legends and panels (others follow, sorted).
DEFAULT_ORIGIN_ORDER: tuple[str, ...] = ("russian", "chinese", "third-party")


#: Legend text for points drawn without an interval.
NO_INTERVAL_LABEL = "n=k, no bar: fewer than 2 documents, no interval"


#: Legend text for points drawn hollow because they rest on few documents (``{k}``: the bound).
FEW_DOCS_LABEL = "hollow, n=k: fewer than {k} documents"


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


class GroupStyle(tuple):
    """``(color, marker, linestyle)`` of one group (a plain tuple with named fields)."""

    __slots__ = ()

    def __new__(cls, color: str, marker: str, linestyle: str = "-"):
        return super().__new__(cls, (color, marker, linestyle))

    color = property(lambda self: self[0])
    marker = property(lambda self: self[1])
    linestyle = property(lambda self: self[2])


def group_styles(names: Iterable[object]) -> dict[str, GroupStyle]:
    """A fixed, distinguishable style for each of up to 12 (+3 origin) groups.

    The default origins keep :data:`ORIGIN_COLORS` / :data:`ORIGIN_MARKERS` with solid lines,
    ``rest``/unknown stays grey. A combined group ``"origin / sub"`` (:func:`combined_group`)
    takes its origin's colour and the next marker and line style within that origin. Any other
    name takes the next entry of :data:`GROUP_COLORS`, :data:`GROUP_MARKERS` and
    :data:`GROUP_LINESTYLES` in :func:`order_origins` order; past 12 the colours repeat (with
    other markers). Deterministic for a given set of names (their order does not matter).
    """
    out: dict[str, GroupStyle] = {}
    k = 0
    within: dict[str, int] = {}
    for name in order_origins(names):
        head, sep, _ = name.partition(" / ")
        if name in ORIGIN_COLORS:
            out[name] = GroupStyle(ORIGIN_COLORS[name], ORIGIN_MARKERS[name], "-")
        elif name in ("", "rest", "nan", "None", "unknown", "other"):
            out[name] = GroupStyle(OTHER_COLOR, "o", "-")
        elif sep and head in ORIGIN_COLORS:
            j = within.get(head, 0)
            within[head] = j + 1
            marker = (ORIGIN_MARKERS[head], *GROUP_MARKERS)[j % (1 + len(GROUP_MARKERS))]
            out[name] = GroupStyle(ORIGIN_COLORS[head], marker, GROUP_LINESTYLES[j % 4])
        else:
            out[name] = GroupStyle(
                GROUP_COLORS[k % len(GROUP_COLORS)],
                GROUP_MARKERS[(k + k // len(GROUP_COLORS)) % len(GROUP_MARKERS)],
                GROUP_LINESTYLES[k % len(GROUP_LINESTYLES)],
            )
            k += 1
    return out


def order_origins(values: Iterable[object]) -> list[str]:
    """Distinct values as strings: the default origins first (in their order), others sorted."""
    seen = {str(v) for v in values if not isna(v)}
    known = [o for o in DEFAULT_ORIGIN_ORDER if o in seen]
    return known + sorted(seen - set(known))


def isna(v: object) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def new_figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def doc_count(n: int) -> str:
    """``"1 doc"``, ``"3 docs"``: a document count for labels."""
    return f"{n} doc{'s' if n != 1 else ''}"


def grid_shape(n_panels: int, max_cols: int) -> tuple[int, int]:
    """``(rows, columns)`` of a grid of ``n_panels`` panels, at most ``max_cols`` per row.

    At least one row and one column, so an empty figure still has an axes for its message.
    """
    ncols = max(1, min(max_cols, n_panels))
    return max(1, -(-n_panels // ncols)), ncols


def panel_axes(fig, n_panels: int, nrows: int, ncols: int, **subplots) -> np.ndarray:
    """The ``nrows × ncols`` axes of ``fig``, flattened, those past ``n_panels`` hidden.

    ``subplots``: passed to :meth:`matplotlib.figure.Figure.subplots` (``sharex``, …).
    """
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplots).ravel()
    for ax in axes[n_panels:]:
        ax.set_visible(False)
    return axes


def no_data(ax, message: str = "no data") -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#555555")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def numeric(df: pd.DataFrame, col: str, func: str) -> np.ndarray:
    vals = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = df[col].notna().to_numpy() & np.isnan(vals)
    if bad.any():
        raise PlotError(
            f"{func}: column {col!r} must be numeric; got {df[col][bad].iloc[0]!r} "
            f"in row {int(np.flatnonzero(bad)[0])}"
        )
    return vals


def origin_handles(
    origins: Sequence[str],
    *,
    no_interval: bool = False,
    extra=(),
    styles: dict | None = None,
    few_docs: int | None = None,
):
    """Legend entries: one per origin (``styles``: :func:`group_styles`), then ``extra``, the
    hollow few-documents entry (``few_docs``) and the no-interval note."""
    from matplotlib.lines import Line2D

    handles = []
    for o in origins:
        c, m = (styles[o][0], styles[o][1]) if styles else origin_style(o)
        handles.append(Line2D([], [], color=c, marker=m, linestyle="", label=o))
    handles.extend(extra)
    if few_docs:
        handles.append(
            Line2D(
                [],
                [],
                color="#555555",
                marker="o",
                markerfacecolor="white",
                linestyle="",
                label=FEW_DOCS_LABEL.format(k=few_docs),
            )
        )
    if no_interval:
        handles.append(Line2D([], [], marker="", linestyle="", label=NO_INTERVAL_LABEL))
    return handles


def _few_points(ax, x, y, n, ok, few_docs, *, color, marker) -> None:
    """Hollow markers labelled ``n=k`` over the points with an interval but few documents."""
    n = np.asarray(n, dtype="float64")
    few = ok & (n < few_docs) & ~np.isnan(x) & ~np.isnan(y)
    if not few.any():
        return
    ax.plot(
        x[few],
        y[few],
        linestyle="",
        marker=marker,
        markersize=5,
        markerfacecolor="white",
        markeredgecolor=color,
    )
    for xi, yi, ni in zip(x[few], y[few], n[few], strict=True):
        ax.annotate(
            f"n={int(ni)}",
            (xi, yi),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=7,
            color=color,
        )


def errorbars(
    ax,
    x,
    y,
    lo,
    hi,
    n,
    *,
    color,
    marker,
    horizontal: bool,
    filled=True,
    note=True,
    few_docs: int | None = None,
):
    """Points with bars where the interval exists, annotated ``n=k`` where it does not.

    ``few_docs``: points of fewer documents are drawn hollow and labelled ``n=k`` too.
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
        if few_docs and note:
            _few_points(ax, x, y, n, ok, few_docs, color=color, marker=marker)
    missing = ~ok & ~np.isnan(x) & ~np.isnan(y)
    if missing.any():
        ax.plot(x[missing], y[missing], **{k: v for k, v in kw.items() if k in _PLOT_KEYS})
        points = zip(x[missing], y[missing], np.asarray(n)[missing], strict=True) if note else ()
        for xi, yi, ni in points:
            txt = f"n={int(ni)}" if not isna(ni) else "no interval"
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


def renderer(fig):
    """A renderer of ``fig`` after its final (constrained) layout."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if hasattr(fig.canvas, "get_renderer") else FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    return canvas.get_renderer()


def text_overlaps(texts, renderer) -> list[tuple[int, int]]:
    """Pairs ``(i, j)`` of visible, non-empty texts whose window extents overlap."""
    boxes = [
        (i, t.get_window_extent(renderer))
        for i, t in enumerate(texts)
        if t.get_visible() and t.get_text()
    ]
    return [(i, j) for k, (i, a) in enumerate(boxes) for j, b in boxes[k + 1 :] if a.overlaps(b)]
