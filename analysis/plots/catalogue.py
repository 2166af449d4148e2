"""Every headline figure from the analysis tables (``framing figures``).

The figures are computed from the corpus named by ``$FRAMING_CORPUS`` (default ``seeds/``;
:func:`analysis.config.corpus_path`) or ``--corpus``, with the same calls the notebooks make,
and written by :func:`analysis.plots.save_figure` as ``NAME.svg`` + ``NAME.png``. Running it
twice gives byte-identical files; ``tests/test_figures.py`` re-renders into a temporary
directory and compares the SVG bytes with the committed ``figures/``.

Figures (:data:`FIGURES`, in order):

=========================  ==============================================================
``corpus_timeline``        documents by origin over time (one dot per document)
``corpus_overview``        documents per year stacked by origin; word tokens per origin
``top_terms``              top 10 terms per origin, stop words removed, per 1,000 tokens
``keyness_one_vs_rest``    z vs rate, each origin against all other documents
``keyness_pairwise``       z vs rate, every pair of origins
``sentiment_by_origin``    mean sentence compound per origin, document-bootstrap 95 % CI
``sentiment_over_time``    the same by origin × year
``actor_tone``             mean compound of sentences mentioning each actor, by origin
``frame_tone``             tone of sentences with a frame's markers, unmasked vs masked
``frame_rates_over_time``  frame rates per 1,000 tokens by origin × year, 95 % CI
``marker_heatmap``         marker × origin rates per 1,000 tokens over the whole period
=========================  ==============================================================
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.stats.rates import marker_rates
from analysis.stats.tone import TONE_VERSIONS, frame_tone_table

__all__ = [
    "FIGURES",
    "build_figures",
    "figure_tables",
    "write_figures",
]

#: Names of the figures, in the order they are built (file stems in ``figures/``).
FIGURES: tuple[str, ...] = (
    "corpus_timeline",
    "corpus_overview",
    "top_terms",
    "keyness_one_vs_rest",
    "keyness_pairwise",
    "sentiment_by_origin",
    "sentiment_over_time",
    "actor_tone",
    "frame_tone",
    "frame_rates_over_time",
    "marker_heatmap",
)


def figure_tables(results) -> dict[str, pd.DataFrame]:
    """The tables the figures are drawn from (the notebooks make the same calls).

    Args:
        results: :class:`analysis.runner.pipeline.Results` of :func:`analysis.analyze`.

    Returns:
        ``documents`` plus ``top_terms``, ``keyness``, ``sentiment_by_origin``,
        ``sentiment_over_time``, ``actor_tone``, ``frame_tone``, ``frame_rates`` (frame totals
        by origin × year) and ``marker_rates``.
    """
    from analysis.stats.keyness import keyness, top_terms
    from analysis.stats.rates import frame_rates
    from analysis.stats.tone import aggregate_sentiment

    docs = results.documents
    rates = frame_rates(results.markers, docs, period="year")
    return {
        "documents": docs,
        "top_terms": top_terms(results.terms, docs, by="origin", n=10, stop_words=True),
        "keyness": keyness(results.terms, docs, by="origin", stop_words=True),
        "sentiment_by_origin": aggregate_sentiment(results.sentences, docs, by=["origin"]),
        "sentiment_over_time": aggregate_sentiment(
            results.sentences, docs, by=["origin", "period"], period="year"
        ),
        "actor_tone": aggregate_sentiment(results.actor_sentiment, docs, by=["actor", "origin"]),
        "frame_tone": frame_tone_table(results.marker_sentiment, docs),
        "frame_rates": rates[rates["marker"] == ""].reset_index(drop=True),
        "marker_rates": marker_rates(results.markers, docs),
    }


#: How each figure of :data:`FIGURES` is drawn: the :mod:`analysis.plots` function, the
#: :func:`figure_tables` table passed to it and its options (``top_terms`` also gets the
#: documents per origin, ``n_docs``).
_DRAWN_BY: dict[str, tuple[str, str, dict[str, object]]] = {
    "corpus_timeline": ("timeline", "documents", {}),
    "corpus_overview": ("corpus_overview", "documents", {}),
    "top_terms": ("top_terms", "top_terms", {"n": 10}),
    "keyness_one_vs_rest": (
        "keyness_scatter",
        "keyness",
        {
            "comparisons": "one-vs-rest",
            "title": "Keyness: each origin against all others (stop words removed)",
        },
    ),
    "keyness_pairwise": (
        "keyness_scatter",
        "keyness",
        {"comparisons": "pairwise", "title": "Keyness: pairs of origins (stop words removed)"},
    ),
    "sentiment_by_origin": (
        "point_ci",
        "sentiment_by_origin",
        {
            "category": "origin",
            "title": "Sentence tone by origin (mean compound, 95 % document-bootstrap CI)",
        },
    ),
    "sentiment_over_time": (
        "over_time",
        "sentiment_over_time",
        {
            "value": "mean",
            "ylabel": "mean VADER compound (−1 … 1)",
            "title": "Sentence tone by origin and year (95 % document-bootstrap CI)",
            "zero_line": True,
        },
    ),
    "actor_tone": (
        "point_ci",
        "actor_tone",
        {"category": "actor", "title": "Tone of sentences mentioning each actor, by origin"},
    ),
    "frame_tone": (
        "point_ci",
        "frame_tone",
        {
            "category": "frame",
            "style_by": "tone",
            "style_order": TONE_VERSIONS,
            "title": "Tone around each frame: whole sentence vs marker masked",
        },
    ),
    "frame_rates_over_time": (
        "over_time",
        "frame_rates",
        {
            "value": "rate",
            "facet": "frame",
            "ncols": 2,
            "ylabel": "per 1,000 word tokens",
            "title": "Frame rates by origin and year (95 % document-bootstrap CI)",
        },
    ),
    "marker_heatmap": (
        "heatmap",
        "marker_rates",
        {
            "row": "marker",
            "col": "origin",
            "value": "rate",
            "row_group": "frame",
            "drop_empty": True,
            "title": "Marker rates per 1,000 word tokens, all years\n(markers found at least once)",
        },
    ),
}


def build_figures(tables: dict[str, pd.DataFrame]) -> dict:
    """Every figure of :data:`FIGURES` from :func:`figure_tables` output, by name."""
    from analysis import plots

    n_docs = tables["documents"].groupby("origin")["doc_id"].nunique().to_dict()
    figures = {}
    for name in FIGURES:
        func, table, options = _DRAWN_BY[name]
        extra = {"n_docs": n_docs} if name == "top_terms" else {}
        figures[name] = getattr(plots, func)(tables[table], **options, **extra)
    return figures


def write_figures(results, out: str | Path) -> list[Path]:
    """Compute the tables, build every figure and save it into ``out`` (SVG + PNG).

    Returns:
        The paths written, in :data:`FIGURES` order (SVG then PNG of each).
    """
    from analysis import plots

    figs = build_figures(figure_tables(results))
    paths: list[Path] = []
    for name, fig in figs.items():
        paths.extend(plots.save_figure(fig, out, name))
    return paths
