"""Models of a group's documents by period, for the trends of ``rate_trends``.

:func:`period_docs` prepares a group's documents once (period codes, offsets, clusters, the
row pattern of :func:`analysis.stats.nb2.row_pattern`); :func:`fit_periods` fits one label's
counts with the period as a categorical variable, on one row per distinct (period, offset,
cluster, count) — a million headlines over 54 years are a few thousand rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.stats.countmodel import design_matrix, fit_rate_ratios
from analysis.stats.marker_grid import MarkerGrid
from analysis.stats.nb2 import collapse_rows, row_pattern

__all__ = ["PeriodDocs", "fit_periods", "period_docs"]


@dataclass(frozen=True)
class PeriodDocs:
    """A group's documents for :func:`fit_periods` (:func:`period_docs`): the period code of
    each (an index into ``periods``), its offset, cluster and row pattern, and the documents
    per period."""

    periods: list[str]
    codes: np.ndarray
    offset: np.ndarray
    clusters: np.ndarray
    pattern: np.ndarray
    n_docs: np.ndarray


def period_docs(grid: MarkerGrid, rows: np.ndarray) -> PeriodDocs:
    """The :class:`PeriodDocs` of the documents ``rows`` (periods from ``grid.docs["_period"]``)."""
    found, codes = np.unique(grid.docs["_period"].to_numpy()[rows], return_inverse=True)
    offset = np.log(grid.n_tokens[rows].astype("float64"))
    clusters = grid.docs["_cluster_code"].to_numpy()[rows]
    return PeriodDocs(
        [str(p) for p in found],
        codes,
        offset,
        clusters,
        row_pattern(codes, offset, clusters),
        np.bincount(codes, minlength=len(found)),
    )


def fit_periods(docs: PeriodDocs, y: np.ndarray, *, se_type: str, confidence: float) -> list[dict]:
    """Each later period against the first, for the counts ``y`` of the documents ``docs``.

    One model with a categorical period (treatment coding) over the first period and the
    later periods with counts; a later period of zero counts gets ratio 0, a first period of
    zero counts ``inf`` (NaN for zero-count later periods) and no fit. Intervals are blanked
    when the period or the first period has one document. Documents alike in period, offset,
    cluster and count are fitted as one row (:func:`collapse_rows`); the design is built for
    those rows only.
    """
    later = docs.periods[1:]
    sums = np.bincount(docs.codes, weights=y, minlength=len(docs.periods))
    if sums[0] == 0:
        ratios = [np.nan if total == 0 else np.inf for total in sums[1:]]
        pairs = zip(later, ratios, strict=True)
        return [
            {"period": p, "rate_ratio": r, "model": "none", "se_type": se_type} for p, r in pairs
        ]
    fitted = [j for j in range(1, len(docs.periods)) if sums[j] > 0]
    out = {p: {"period": p, "rate_ratio": 0.0, "model": "none", "se_type": se_type} for p in later}
    if fitted:
        selected = np.zeros(len(docs.periods), dtype=bool)
        selected[[0, *fitted]] = True
        kept = np.flatnonzero(selected[docs.codes])
        first, weights = collapse_rows(y[kept], docs.pattern[kept])
        rows = kept[first]
        fit = fit_rate_ratios(
            y[rows],
            design_matrix(*(docs.codes[rows] == j for j in fitted)),
            docs.offset[rows],
            test=list(range(1, len(fitted) + 1)),
            se_type=se_type,
            clusters=docs.clusters[rows],
            confidence=confidence,
            weights=weights,
        )
        for i, j in enumerate(fitted):
            p = docs.periods[j]
            row = {"period": p, "rate_ratio": fit.rate_ratio[i], "model": fit.model}
            row["se_type"] = fit.se_type
            if min(docs.n_docs[0], docs.n_docs[j]) >= 2:
                row.update(ci_low=fit.ci_low[i], ci_high=fit.ci_high[i], p=fit.p[i])
            out[p] = row
    return [out[p] for p in later]
