"""Document-level rate models of framing markers: group contrasts, trends, before/after.

Keyness z, G² and p (:mod:`analysis.stats.keyness`) treat every word as an independent draw.
Here the unit is the **document**: each model is a count regression of the per-document count
of one marker (or one frame total, ``marker == ""``) with offset ``log(n_tokens)``, so
``exp(β)`` of an indicator is a rate ratio (rate = count per token). The model is negative
binomial NB2 with the dispersion estimated (over-dispersion between documents), falling back
to quasi-Poisson when NB2 does not converge (column ``model``). Standard errors (column
``se_type``) are clustered by outlet — CR2 with Bell–McCaffrey degrees of freedom and t
intervals, as a handful of outlets per group is the usual case — when the model's documents
span at least 5 outlets and every cell of its design (group / reference, before / after, …)
at least 2; otherwise HC1 with normal intervals. See :mod:`analysis.stats.countmodel` and
:mod:`analysis.stats.cr2`; the measured coverage is in ``bench/bench_calibration.py``.

Honest edge cases, the same in every function here:

- A row is modelled when its total count over the model's documents is ≥ ``min_count``
  (default 10); other (frame, marker) pairs get no row.
- A side (group, reference, period, …) of one document: the rate ratio is estimated (the
  model fits that document's rate exactly) but ``ci_low``, ``ci_high``, ``p`` and ``q`` are
  NaN — one document says nothing about the spread between documents.
- A side with zero counts: the maximum-likelihood ratio is 0 (zero counts in the group) or
  infinite (zero counts in the reference); ``rate_ratio`` is ``0.0`` / ``inf``, the interval
  and ``p`` are NaN and ``model`` is ``"none"`` (nothing is fitted).
- Documents of 0 tokens carry no information about a rate and are left out.
- ``q`` is the Benjamini–Hochberg adjustment over the rows of **one comparison**: all frames
  and markers sharing the other key columns (listed in each function); rows with NaN ``p``
  are not counted.
"""

from __future__ import annotations

from itertools import combinations
from typing import Literal

import numpy as np
import pandas as pd

from analysis.schema import BEFORE_AFTER_COLUMNS, RATE_MODEL_COLUMNS, TREND_COLUMNS
from analysis.stats.countmodel import (
    check_options,
    choose_se,
    design_matrix,
    fit_labels,
    labelled,
    result_table,
)
from analysis.stats.marker_grid import ModelError, model_grid, split_masks
from analysis.stats.period_fit import fit_periods, period_docs

__all__ = [
    "ALL_PERIODS",
    "BEFORE_AFTER_COLUMNS",
    "RATE_MODEL_COLUMNS",
    "REST",
    "TREND_COLUMNS",
    "ModelError",
    "before_after",
    "rate_models",
    "rate_trends",
]

#: The ``reference`` of one-vs-rest contrasts.
REST = "rest"
#: The ``period`` of :func:`rate_models` rows when ``period=None`` (all documents at once).
ALL_PERIODS = "all"


# --------------------------------------------------------------------------- shared steps


def _sides(codes: np.ndarray, where: np.ndarray, names: list[str], contrasts: str):
    """``(contrast, group, reference, group mask, reference mask)`` of each comparison of the
    groups present in ``where`` (``codes``: each document's index into the sorted ``names``)."""
    present = np.flatnonzero(np.bincount(codes[where], minlength=len(names)))
    groups = [(names[i], i) for i in present.tolist()]
    if contrasts in ("one_vs_rest", "both") and len(groups) >= 2:
        if any(g == REST for g, _ in groups):
            raise ModelError(f"a group is named {REST!r}, the reference label of one-vs-rest")
        for g, i in groups:
            yield "one_vs_rest", g, REST, where & (codes == i), where & (codes != i)
    if contrasts in ("pairwise", "both"):
        for (a, i), (b, j) in combinations(groups, 2):
            yield "pairwise", a, b, where & (codes == i), where & (codes == j)


# --------------------------------------------------------------------------- public API


def rate_models(
    markers: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: str = "origin",
    period: Literal["year", "quarter", "month"] | None = None,
    contrasts: Literal["one_vs_rest", "pairwise", "both"] = "both",
    min_count: int = 10,
    cluster: str | None = "outlet",
    confidence: float = 0.95,
    share: tuple[int, int] = (0, 1),
) -> pd.DataFrame:
    """Rate ratio of every frame and marker between groups of documents, from count models.

    For each comparison and each (frame, marker) with ≥ ``min_count`` occurrences in the
    compared documents, one NB2 model (fallback quasi-Poisson) of the per-document count with
    offset ``log(n_tokens)`` and a group indicator; ``rate_ratio = exp(β_group)`` is the
    group's rate over the reference's. Contrasts (groups = ``documents[by]`` as strings,
    sorted): ``one_vs_rest`` — every group against all other documents (``reference =
    "rest"``); ``pairwise`` — each unordered pair once, ``group < reference``. With ``period``
    the comparisons are made separately within each period (from ``date``); otherwise over
    all documents at once (``period = "all"``). Edge cases: see the module docstring.

    Args:
        markers: ``doc_id,frame,marker,count``, sparse (absent = 0: the run's table) or
            dense; a (frame, marker) without any row gets no output row, so pass
            ``results.markers_dense()`` for rows of markers never found.
        documents: ``doc_id,n_tokens``, the ``by`` and ``cluster`` columns (and ``date``
            with ``period``).
        by: Document column defining the groups.
        period: Compare within each ``"year"``, ``"quarter"`` or ``"month"``; ``None``: once.
        contrasts: ``"one_vs_rest"``, ``"pairwise"`` or ``"both"``.
        min_count: Fewest occurrences (group + reference) for a row (≥ 1).
        cluster: Document column of the clusters (outlets); ``None``: always HC1.
        confidence: Coverage of the intervals.
        share: ``(i, n)``: only the periods at positions ``i``, ``i + n``, ``i + 2n``, … of
            the sorted periods (a share of the work for one of several processes: the
            tables of the ``n`` shares, concatenated and sorted by the keys below, are the
            table of all periods, as their q-values are computed within a period).

    Returns:
        :data:`RATE_MODEL_COLUMNS`, one row per comparison × modelled (frame, marker).
        ``q`` is Benjamini–Hochberg over the rows sharing ``contrast, group, reference,
        period``. ``n_docs_*`` count the documents of each side (tokens > 0). Sorted by
        period, contrast, group, reference, frame, marker (frame total first).

    Raises:
        ModelError: Malformed tables (see :func:`analysis.stats.countmodel.marker_grid`), a
            group named "rest", or a bad option. ValueError: a bad ``date``.
    """
    from analysis.stats.bootstrap import add_period

    check_options(min_count, confidence, cluster)
    if period not in (None, "year", "quarter", "month"):
        raise ModelError(f"period must be None, 'year', 'quarter' or 'month', got {period!r}")
    if contrasts not in ("one_vs_rest", "pairwise", "both"):
        raise ModelError(f"contrasts must be one_vs_rest, pairwise or both, got {contrasts!r}")
    first, step = share
    if not 0 <= first < step:
        raise ModelError(f"share must be (i, n) with 0 <= i < n, got {share!r}")
    grid = model_grid(markers, documents, by=by, cluster=cluster, dated=period is not None)
    docs = grid.docs
    group = docs["_group"].to_numpy()
    if period is None:
        periods = np.full(len(docs), ALL_PERIODS, dtype=object)
    else:
        periods = add_period(docs, freq=period)["period"].to_numpy()
    clusters = docs["_cluster_code"].to_numpy() if cluster else None
    found, group_codes = np.unique(group, return_inverse=True)
    group_names = [str(g) for g in found]
    records: list[dict] = []
    for per in sorted(set(periods))[first::step]:
        in_period = periods == per
        sides = _sides(group_codes, in_period, group_names, contrasts)
        for contrast, g, ref, mask_g, mask_r in sides:
            rows = np.flatnonzero(mask_g | mask_r)
            ind = mask_g[rows]
            se = choose_se(None if clusters is None else clusters[rows], [ind, ~ind])
            fitted = fit_labels(
                grid,
                rows,
                design_matrix(ind),
                cells=[(ind, 1), (~ind, -1)],
                se_type=se,
                min_count=min_count,
                confidence=confidence,
            )
            records += labelled(
                fitted,
                contrast=contrast,
                group=g,
                reference=ref,
                period=per,
                n_docs_group=int(ind.sum()),
                n_docs_reference=int((~ind).sum()),
            )
    table = result_table(records, RATE_MODEL_COLUMNS, ["contrast", "group", "reference", "period"])
    keys = ["period", "contrast", "group", "reference", "frame", "marker"]
    return table.sort_values(keys, kind="stable").reset_index(drop=True)


def rate_trends(
    markers: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: str = "origin",
    period: Literal["year", "quarter", "month"] = "year",
    min_count: int = 10,
    cluster: str | None = "outlet",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Rate ratio of each period against the group's first period, per group and marker.

    Per group and (frame, marker), one NB2 model (fallback quasi-Poisson) of the group's
    documents with the period as a categorical variable relative to the group's first period
    (treatment coding): ``rate_ratio = exp(β_period)`` is the rate of that period over the
    rate of the first. A categorical period rather than a log-linear trend: a single slope
    would smooth over breaks (24 February 2022) and its interval assumes the trend is a
    straight line. A later period with zero counts gets ``rate_ratio`` 0 (left out of the
    fit); a first period with zero counts gives ``inf`` (NaN for zero-count later periods)
    and no fit. Standard errors: clustered by outlet when the group's documents span ≥ 5
    outlets and every period ≥ 2, else HC1. Other edge cases: see the module docstring.

    Args:
        markers: ``doc_id,frame,marker,count``.
        documents: ``doc_id,n_tokens,date``, the ``by`` and ``cluster`` columns.
        by: Document column defining the groups.
        period: Time unit (see :func:`analysis.stats.bootstrap.add_period`).
        min_count: Fewest occurrences in the group (all periods) for its rows (≥ 1).
        cluster: Document column of the clusters; ``None``: always HC1.
        confidence: Coverage of the intervals.

    Returns:
        :data:`TREND_COLUMNS`: one row per group × modelled (frame, marker) × period after
        the first (none for a group with one period). ``reference_period`` is the group's
        first period; ``n_docs_period``/``n_docs_reference_period`` their documents. ``q``
        is Benjamini–Hochberg over the rows sharing ``group, period``. Sorted by group,
        frame, marker, period.
    """
    from analysis.stats.bootstrap import add_period

    check_options(min_count, confidence, cluster)
    if period not in ("year", "quarter", "month"):
        raise ModelError(f"period must be 'year', 'quarter' or 'month', got {period!r}")
    grid = model_grid(markers, documents, by=by, cluster=cluster, dated=True)
    grid.docs["_period"] = add_period(grid.docs, freq=period)["period"].to_numpy()
    group = grid.docs["_group"].to_numpy()
    records: list[dict] = []
    for g in sorted(set(group)):
        rows = np.flatnonzero(group == g)
        docs = period_docs(grid, rows)
        periods = docs.periods
        if len(periods) < 2:
            continue
        cells = [docs.codes == j for j in range(len(periods))]
        se = choose_se(grid.docs["_cluster_code"].to_numpy()[rows] if cluster else None, cells)
        n_docs = dict(zip(periods, docs.n_docs.tolist(), strict=True))
        for k, (frame, marker) in enumerate(grid.labels):
            y = grid.column(k, rows)
            if y.sum() < min_count:
                continue
            for row in fit_periods(docs, y, se_type=se, confidence=confidence):
                records.append(
                    {
                        "frame": frame,
                        "marker": marker,
                        "group": g,
                        **row,
                        "reference_period": periods[0],
                        "n_docs_period": n_docs[row["period"]],
                        "n_docs_reference_period": n_docs[periods[0]],
                    }
                )
    table = result_table(records, TREND_COLUMNS, ["group", "period"])
    keys = ["group", "frame", "marker", "period"]
    return table.sort_values(keys, kind="stable").reset_index(drop=True)


def before_after(
    markers: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    split: str,
    window: int | None = None,
    by: str = "origin",
    min_count: int = 10,
    cluster: str | None = "outlet",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """After/before rate ratio per group and marker, and the ratio of ratios between groups.

    Documents dated before ``split`` are *before*, on or after it *after*; with ``window``
    only those within ``window`` days (``split − window ≤ date < split + window``) count.

    - ``contrast = "after_vs_before"``: per group, an NB2 model (fallback quasi-Poisson) of
      its documents with an *after* indicator; ``rate_ratio`` = rate after / rate before,
      ``reference = ""`` and ``n_docs_reference_* = 0``. Standard errors clustered by outlet
      when the group's documents span ≥ 5 outlets, before and after ≥ 2 each, else HC1.
    - ``contrast = "ratio_of_ratios"``: per pair ``group < reference``, one model of both
      groups' documents with *after*, *group* and their interaction; ``rate_ratio =
      exp(β_interaction)`` = (group after/before) / (reference after/before): "did the group
      change more than the reference?" (1 = the same change). Clustered standard errors need
      ≥ 5 outlets in the pair and ≥ 2 in each of the four group × before/after cells.

    A zero-count cell gives 0 / ``inf`` / NaN as the cell is in the numerator, the
    denominator or both (``model = "none"``); other edge cases: see the module docstring.

    Args:
        markers: ``doc_id,frame,marker,count``.
        documents: ``doc_id,n_tokens,date``, the ``by`` and ``cluster`` columns.
        split: The first day of *after*, ``"YYYY-MM-DD"`` (e.g. ``"2022-02-24"``).
        window: Days on each side of ``split``; ``None``: all documents.
        by: Document column defining the groups.
        min_count: Fewest occurrences in the model's documents for a row (≥ 1).
        cluster: Document column of the clusters; ``None``: always HC1.
        confidence: Coverage of the intervals.

    Returns:
        :data:`BEFORE_AFTER_COLUMNS`; a group (pair) without documents on one side of the
        split gets no rows. ``q`` is Benjamini–Hochberg over the rows sharing ``contrast,
        group, reference``. Sorted by contrast, group, reference, frame, marker.
    """
    check_options(min_count, confidence, cluster)
    grid = model_grid(markers, documents, by=by, cluster=cluster, dated=True)
    after, inside = split_masks(grid.docs, split, window)
    group = grid.docs["_group"].to_numpy()
    clusters = grid.docs["_cluster_code"].to_numpy() if cluster else None
    options = {"min_count": min_count, "confidence": confidence}
    records: list[dict] = []
    groups = sorted(set(group[inside]))
    for g in groups:
        rows = np.flatnonzero((group == g) & inside)
        a = after[rows]
        se = choose_se(None if clusters is None else clusters[rows], [a, ~a])
        fitted = fit_labels(
            grid, rows, design_matrix(a), cells=[(a, 1), (~a, -1)], se_type=se, **options
        )
        records += labelled(
            fitted,
            contrast="after_vs_before",
            group=g,
            reference="",
            n_docs_before=int((~a).sum()),
            n_docs_after=int(a.sum()),
            n_docs_reference_before=0,
            n_docs_reference_after=0,
        )
    for ga, gb in combinations(groups, 2):
        rows = np.flatnonzero(np.isin(group, [ga, gb]) & inside)
        a, ind = after[rows], group[rows] == ga
        cells = [(ind & a, 1), (ind & ~a, -1), (~ind & a, -1), (~ind & ~a, 1)]
        se = choose_se(None if clusters is None else clusters[rows], [c for c, _ in cells])
        design = design_matrix(a, ind, a & ind)
        fitted = fit_labels(grid, rows, design, cells=cells, se_type=se, **options)
        records += labelled(
            fitted,
            contrast="ratio_of_ratios",
            group=ga,
            reference=gb,
            n_docs_before=int((ind & ~a).sum()),
            n_docs_after=int((ind & a).sum()),
            n_docs_reference_before=int((~ind & ~a).sum()),
            n_docs_reference_after=int((~ind & a).sum()),
        )
    table = result_table(records, BEFORE_AFTER_COLUMNS, ["contrast", "group", "reference"])
    keys = ["contrast", "group", "reference", "frame", "marker"]
    return table.sort_values(keys, kind="stable").reset_index(drop=True)
