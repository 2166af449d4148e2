"""Every headline figure from the analysis tables (``framing figures``).

The figures are computed from the corpus named by ``$FRAMING_CORPUS`` (default ``seeds/``;
:func:`analysis.config.corpus_path`) or ``--corpus``, with the same calls the notebooks make,
and written by :func:`analysis.plots.save_figure` as ``NAME.svg`` + ``NAME.png``. Running it
twice gives byte-identical files; ``tests/test_figures.py`` re-renders into a temporary
directory and compares the SVG bytes with the committed ``figures/``.

Figures (:data:`FIGURES`, in order):

=========================  ==============================================================
``corpus_timeline``        documents by origin over time (one dot per document; stacked
                           counts per period beyond 200 documents)
``corpus_overview``        documents per year stacked by origin; word tokens per origin
``top_terms``              top 10 terms per origin, stop words removed, per 1,000 tokens
``keyness_one_vs_rest``    z vs rate, each origin against all other documents
``keyness_pairwise``       z vs rate, every pair of origins
``sentiment_by_origin``    mean sentence compound per origin, document-bootstrap 95 % CI
``sentiment_over_time``    the same by origin × period (year on the seeds)
``actor_tone``             mean compound of sentences mentioning each actor, by origin
``frame_tone``             tone of sentences with a frame's markers, unmasked vs masked
``frame_rates_over_time``  frame rates per 1,000 tokens by origin × period, 95 % CI
``marker_heatmap``         marker × origin rates per 1,000 tokens over the whole period
=========================  ==============================================================

Scaling: the period of the two over-time figures is :func:`analysis.stats.periods.choose_period`
(finest of week / month / quarter / year with at most 36 periods and a median of 20 documents
per origin × period cell; ``period=`` overrides it) and the titles name it. From
:data:`LARGE_CORPUS` documents on, points of fewer than :data:`FEW_DOCS` documents are drawn
hollow and labelled ``n=k``, and the marker heatmap switches to a log colour scale when one
marker dominates (:func:`analysis.plots.heatmap.auto_scale`). ``by=`` groups by another
document column (``outlet``, ``affiliation``, ``country``) or, given several, by their
combination (:func:`analysis.stats.groups.combined_group`, column ``group``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.stats.rates import marker_rates
from analysis.stats.tone import TONE_VERSIONS, frame_tone_table

__all__ = [
    "FEW_DOCS",
    "FIGURES",
    "LARGE_CORPUS",
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


#: From this many documents on, the figures are drawn for a large corpus (hollow few-document
#: points, stacked timeline bars).
LARGE_CORPUS = 200

#: Points of fewer documents are drawn hollow and labelled ``n=k`` in a large corpus.
FEW_DOCS = 5


def _grouped(docs: pd.DataFrame, by) -> tuple[pd.DataFrame, str]:
    """The documents and the grouping column: ``by``, or ``group`` combining several."""
    if isinstance(by, str):
        return docs, by
    from analysis.stats.groups import combined_group

    return combined_group(docs, by), "group"


def figure_tables(
    results, *, by: str | tuple[str, ...] = "origin", period: str | None = None
) -> dict[str, pd.DataFrame]:
    """The tables the figures are drawn from (the notebooks make the same calls).

    Args:
        results: :class:`analysis.runner.pipeline.Results` of :func:`analysis.analyze` or a
            :class:`analysis.runner.store.StoredResults`.
        by: Document column to group by (``origin``, ``outlet``, ``affiliation``,
            ``country``), or several (``("origin", "affiliation")``: a ``group`` column
            ``"chinese / state"``). The tables keep their names (``sentiment_by_origin``).
        period: Period of the over-time tables; default
            :func:`analysis.stats.periods.choose_period` of the documents' dates by group.

    Returns:
        ``documents`` plus ``top_terms``, ``keyness``, ``sentiment_by_origin``,
        ``sentiment_over_time``, ``actor_tone``, ``frame_tone``, ``frame_rates`` (frame totals
        by group × period) and ``marker_rates``.
    """
    from analysis.stats.keyness import keyness, top_terms
    from analysis.stats.periods import choose_period
    from analysis.stats.rates import frame_rates
    from analysis.stats.tone import aggregate_sentiment

    docs, by = _grouped(results.documents, by)
    period = choose_period(docs["date"], groups=docs[by], period=period)
    # every marker of the lexicon, zeros included (a plain namespace of tables: its markers)
    markers = results.markers_dense() if hasattr(results, "markers_dense") else results.markers
    rates = frame_rates(markers, docs, period=period, by=(by,))
    return {
        "documents": docs,
        "top_terms": top_terms(results.terms, docs, by=by, n=10, stop_words=True),
        "keyness": keyness(results.terms, docs, by=by, stop_words=True),
        "sentiment_by_origin": aggregate_sentiment(results.sentences, docs, by=[by]),
        "sentiment_over_time": aggregate_sentiment(
            results.sentences, docs, by=[by, "period"], period=period
        ),
        "actor_tone": aggregate_sentiment(results.actor_sentiment, docs, by=["actor", by]),
        "frame_tone": frame_tone_table(results.marker_sentiment, docs, by=("frame", by)),
        "frame_rates": rates[rates["marker"] == ""].reset_index(drop=True),
        "marker_rates": marker_rates(markers, docs, by=by),
    }


def _layout(tables: dict[str, pd.DataFrame]) -> dict:
    """What the figures adapt to: the grouping column, the period noun, large-corpus options."""
    from analysis.plots.heatmap import auto_scale
    from analysis.stats.periods import PERIOD_NOUNS, infer_period

    by = str(tables["sentiment_by_origin"].columns[0])
    period = infer_period(tables["sentiment_over_time"]["period"]) or "year"
    large = len(tables["documents"]) >= LARGE_CORPUS
    rates = tables["marker_rates"]["rate"] if large else pd.Series(dtype="float64")
    return {
        "by": by,
        "period": PERIOD_NOUNS[period],
        "few_docs": FEW_DOCS if large else None,
        "scale": auto_scale(rates.to_numpy(dtype="float64")),
    }


def build_figures(tables: dict[str, pd.DataFrame]) -> dict:
    """Every figure of :data:`FIGURES` from :func:`figure_tables` output, by name.

    The grouping (``by``) and the period are read off the tables, so the titles say them
    ("by origin and quarter").
    """
    from analysis import plots

    docs = tables["documents"]
    kn = tables["keyness"]
    lay = _layout(tables)
    by, per = lay["by"], lay["period"]
    n_docs = docs.groupby(by)["doc_id"].nunique().to_dict()
    builders = {
        "corpus_timeline": lambda: plots.timeline(docs, by=by),
        "corpus_overview": lambda: plots.corpus_overview(docs, by=by),
        "top_terms": lambda: plots.top_terms(
            tables["top_terms"],
            n=10,
            n_docs=n_docs,
            title=f"Top 10 terms per {by} (stop words removed)",
        ),
        "keyness_one_vs_rest": lambda: plots.keyness_scatter(
            kn,
            comparisons="one-vs-rest",
            title=f"Keyness: each {by} against all others (stop words removed)",
        ),
        "keyness_pairwise": lambda: plots.keyness_scatter(
            kn, comparisons="pairwise", title=f"Keyness: pairs of {by}s (stop words removed)"
        ),
        "sentiment_by_origin": lambda: plots.point_ci(
            tables["sentiment_by_origin"],
            category=by,
            hue=by,
            title=f"Sentence tone by {by} (mean compound, 95 % document-bootstrap CI)",
        ),
        "sentiment_over_time": lambda: plots.over_time(
            tables["sentiment_over_time"],
            value="mean",
            hue=by,
            ylabel="mean VADER compound (−1 … 1)",
            title=f"Sentence tone by {by} and {per} (95 % document-bootstrap CI)",
            zero_line=True,
            few_docs=lay["few_docs"],
        ),
        "actor_tone": lambda: plots.point_ci(
            tables["actor_tone"],
            category="actor",
            hue=by,
            title=f"Tone of sentences mentioning each actor, by {by}",
        ),
        "frame_tone": lambda: plots.point_ci(
            tables["frame_tone"],
            category="frame",
            hue=by,
            style_by="tone",
            style_order=TONE_VERSIONS,
            title="Tone around each frame: whole sentence vs marker masked",
        ),
        "frame_rates_over_time": lambda: plots.over_time(
            tables["frame_rates"],
            value="rate",
            hue=by,
            facet="frame",
            ncols=2,
            ylabel="per 1,000 word tokens",
            title=f"Frame rates by {by} and {per} (95 % document-bootstrap CI)",
            few_docs=lay["few_docs"],
        ),
        "marker_heatmap": lambda: plots.heatmap(
            tables["marker_rates"],
            row="marker",
            col=by,
            value="rate",
            row_group="frame",
            drop_empty=True,
            scale=lay["scale"],
            title="Marker rates per 1,000 word tokens, all years\n(markers found at least once)",
        ),
    }
    return {name: builders[name]() for name in FIGURES}


def write_figures(
    results, out: str | Path, *, by: str | tuple[str, ...] = "origin", period: str | None = None
) -> list[Path]:
    """Compute the tables, build every figure and save it into ``out`` (SVG + PNG).

    ``by`` and ``period``: as in :func:`figure_tables`.

    Returns:
        The paths written, in :data:`FIGURES` order (SVG then PNG of each).
    """
    from analysis import plots

    figs = build_figures(figure_tables(results, by=by, period=period))
    paths: list[Path] = []
    for name, fig in figs.items():
        paths.extend(plots.save_figure(fig, out, name))
    return paths
