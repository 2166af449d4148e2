"""Figures: one function per figure kind, fixed origin colours, deterministic files.

Every function takes a tidy table (the run's or :mod:`analysis.stats`' output) and returns a
:class:`matplotlib.figure.Figure` built without :mod:`matplotlib.pyplot` (no global figure
registry: nothing leaks, nothing is shown by accident). In a notebook, the returned figure is
the cell's value and is displayed inline. :func:`save_figure` writes it as ``NAME.svg`` and
``NAME.png``, byte-identical from run to run.

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

from analysis.plots.corpus import corpus_overview, timeline
from analysis.plots.heatmap import heatmap
from analysis.plots.intervals import over_time, point_ci
from analysis.plots.style import (
    DEFAULT_ORIGIN_ORDER,
    NO_INTERVAL_LABEL,
    ORIGIN_COLORS,
    ORIGIN_MARKERS,
    OTHER_COLOR,
    STYLE,
    PlotError,
    order_origins,
    origin_style,
    save_figure,
    style,
)
from analysis.plots.terms import keyness_scatter, top_terms

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
