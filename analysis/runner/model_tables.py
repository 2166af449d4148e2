"""The document-level models written with a run (issue 21): ``rate_models``, ``rate_trends``
and the document-bootstrap columns of ``keyness``.

- :func:`model_tables`: :func:`analysis.stats.models.rate_models` by origin over the whole
  corpus (``period = "all"``) and within each year, and
  :func:`analysis.stats.models.rate_trends` by origin and year. The models always use years,
  whatever ``--period`` (which sets ``frame_rates``): a model per (frame, marker) and month
  would rarely have the documents to say anything.
- :func:`keyness_with_intervals`: ``keyness`` with
  :func:`analysis.stats.keyness_ci.keyness_intervals` merged in by ``comparison, group,
  reference, term`` (the columns of :data:`analysis.schema.KEYNESS_COLUMNS`). Without
  intervals (``framing analyze --no-keyness-ci``) the doc shares are still computed and the
  interval columns are empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from analysis.schema import KEYNESS_COLUMNS, MODEL_TABLE_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "KEYNESS_KEYS",
    "KEYNESS_RESAMPLES",
    "MODEL_PERIOD",
    "MODEL_PARTS",
    "YEARLY_SHARES",
    "joined_model_tables",
    "keyness_with_intervals",
    "load_models",
    "model_part",
    "model_tables",
    "rate_ratio_points",
]

#: The time unit of the by-period rate models and the trends.
MODEL_PERIOD = "year"
#: Document-bootstrap resamples of the keyness intervals.
KEYNESS_RESAMPLES = 2000
#: The columns identifying a keyness row (the merge keys).
KEYNESS_KEYS: tuple[str, ...] = ("comparison", "group", "reference", "term")


def load_models() -> None:
    """Import what the model fits use (statsmodels' GLM and NB2, about half a second with
    scipy.stats), e.g. while the pass's workers run: the first fit does not wait for it
    then, nor does a side process forked afterwards
    (:func:`analysis.runner.pipeline.corpus_tables`). Not ``statsmodels.api``, which also
    imports the time-series and graphics modules."""
    import statsmodels.discrete.discrete_model  # noqa: F401
    import statsmodels.genmod.generalized_linear_model  # noqa: F401

    import analysis.stats.models  # noqa: F401


def model_tables(markers: pd.DataFrame, documents: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``rate_models`` (whole corpus, then by year) and ``rate_trends`` (by year) by origin.

    Args:
        markers: The run's ``markers`` table.
        documents: The run's ``documents`` table (``origin``, ``outlet``, ``date``).

    Returns:
        ``{"rate_models": ..., "rate_trends": ...}`` with the columns of
        :data:`analysis.schema.MODEL_TABLE_COLUMNS`; ``rate_models`` holds the
        ``period = "all"`` rows first, then the years in order.
    """
    return joined_model_tables({p: model_part(p, markers, documents) for p in MODEL_PARTS})


#: The yearly models are fitted in this many parts, each a share of the years (the parts
#: of the longest piece balance the work of two processes).
YEARLY_SHARES = 4
_YEARLY: tuple[str, ...] = tuple(f"yearly {i + 1}/{YEARLY_SHARES}" for i in range(YEARLY_SHARES))
#: The independent pieces of :func:`model_tables` (a run with ``--jobs`` 2 or more computes
#: them in two processes): the trends, the yearly models in :data:`YEARLY_SHARES` shares of
#: the years, the whole-corpus models of each kind of contrast (q-values are computed within
#: a contrast and a period). About the longest first.
MODEL_PARTS: tuple[str, ...] = ("trends", *_YEARLY, "whole one_vs_rest", "whole pairwise")


def model_part(name: str, markers: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """One piece of :data:`MODEL_PARTS` (the rows :func:`joined_model_tables` puts together)."""
    from analysis.stats.models import rate_models, rate_trends

    if name == "trends":
        return rate_trends(markers, documents, by="origin", period=MODEL_PERIOD)
    if name in _YEARLY:
        share = (_YEARLY.index(name), YEARLY_SHARES)
        return rate_models(markers, documents, by="origin", period=MODEL_PERIOD, share=share)
    if name not in MODEL_PARTS:
        raise ValueError(f"unknown model part {name!r}")
    contrasts = name.removeprefix("whole ")
    return rate_models(markers, documents, by="origin", period=None, contrasts=contrasts)


def joined_model_tables(parts: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables of :func:`model_tables` from its :data:`MODEL_PARTS` (the same rows in the
    same order as fitting all contrasts at once: each contrast's rows are sorted by the model
    keys)."""
    import pandas as pd

    keys = ["period", "contrast", "group", "reference", "frame", "marker"]

    def joined(names: Sequence[str]) -> pd.DataFrame:  # each part sorted by the keys
        frames = [parts[n] for n in names if len(parts[n])] or [parts[names[0]]]
        return pd.concat(frames, ignore_index=True).sort_values(keys, kind="stable")

    whole = joined(["whole one_vs_rest", "whole pairwise"])
    tables = {
        "rate_models": pd.concat([whole, joined(_YEARLY)], ignore_index=True),
        "rate_trends": parts["trends"],
    }
    return {name: tables[name][list(cols)] for name, cols in MODEL_TABLE_COLUMNS.items()}


def keyness_with_intervals(
    table: pd.DataFrame,
    terms: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    min_count: int = 0,
    stop_words: bool = False,
    intervals: bool = True,
    moments=None,
) -> pd.DataFrame:
    """``table`` (from :func:`analysis.stats.keyness.keyness` by origin) with the interval
    and doc-share columns appended, its rows and their order unchanged.

    Args:
        table: The keyness table (:data:`analysis.schema.KEYNESS_WORD_COLUMNS`).
        terms: ``doc_id,term,count`` of the run.
        documents: ``doc_id,origin`` of the run.
        min_count: As given to ``keyness``.
        stop_words: As given to ``keyness``.
        intervals: Run the bootstrap (:data:`KEYNESS_RESAMPLES` resamples; its normal
            approximation for comparisons with more than
            :data:`analysis.stats.keyness_ci.BOOTSTRAP_MAX_DOCS` documents on both sides);
            ``False``: ``log_odds_ci_low``/``log_odds_ci_high`` empty (NaN) and
            ``ci_method`` empty, doc shares kept.
        moments: The per-origin sums of the terms
            (:class:`~analysis.stats.term_moments.GroupMoments`, origins of more than
            :data:`~analysis.stats.keyness_ci.BOOTSTRAP_MAX_DOCS` documents each) to compute
            the intervals from instead of ``terms`` and ``documents`` (the same numbers).

    Returns:
        :data:`analysis.schema.KEYNESS_COLUMNS`.
    """
    import numpy as np

    from analysis.stats.keyness_ci import keyness_intervals, keyness_intervals_of_moments

    added = [c for c in KEYNESS_COLUMNS if c not in table.columns]
    if moments is not None:
        ci = keyness_intervals_of_moments(moments, min_count=min_count)
    else:
        ci = keyness_intervals(
            terms,
            documents,
            by="origin",
            n_resamples=KEYNESS_RESAMPLES if intervals else 1,
            min_count=min_count,
            stop_words=stop_words,
        )
    keys = list(KEYNESS_KEYS)
    ci = ci[[*keys, *added]].astype({c: "float64" for c in added if c != "ci_method"})
    out = table.merge(ci, on=keys, how="left", validate="one_to_one", sort=False)
    if not intervals:
        out["log_odds_ci_low"] = np.nan
        out["log_odds_ci_high"] = np.nan
        out["ci_method"] = ""
    return out[list(KEYNESS_COLUMNS)].reset_index(drop=True)


def compare_store(
    store,
    *,
    split: str,
    window: int | None = None,
    by: str = "origin",
    min_count: int = 10,
) -> pd.DataFrame:
    """:func:`analysis.stats.models.before_after` on a results store, as ``framing compare``.

    Args:
        store: A :class:`~analysis.runner.store.StoredResults` or
            :class:`~analysis.runner.assemble.Results` (or anything with ``markers`` and
            ``documents`` tables; ``markers_dense()`` is used when it has one).
        split: First day of *after*, ``YYYY-MM-DD``.
        window: Days on each side of ``split``; ``None``: all documents.
        by: Document column of the groups.
        min_count: Fewest occurrences in a model's documents for a row.

    Returns:
        :data:`analysis.schema.BEFORE_AFTER_COLUMNS`, clustered by outlet.
    """
    from analysis.stats.models import before_after

    columns = list(dict.fromkeys(["doc_id", "n_tokens", "date", "outlet", by]))
    documents = store.table("documents", columns) if hasattr(store, "table") else store.documents
    # the dense table: a marker never found still counts its zeros
    markers = store.markers_dense() if hasattr(store, "markers_dense") else store.markers
    return before_after(markers, documents, split=split, window=window, by=by, min_count=min_count)


def write_comparison(table: pd.DataFrame, out, *, store) -> None:
    """Write ``table`` as CSV to ``out`` (replacing a file there), never over or inside the
    results store ``store`` (:func:`analysis.write.outdir.check_output_file`).

    Raises:
        OutputError: ``out`` is the store, lies inside it, or is a directory.
    """
    from analysis.write.outdir import check_output_file
    from analysis.write.tables import write_csv

    check_output_file(out, inputs={"results store": store}, force=True)
    write_csv(table, out)


def rate_ratio_points(
    models: pd.DataFrame,
    *,
    contrast: str = "one_vs_rest",
    period: str = "all",
    frames_only: bool = True,
) -> pd.DataFrame:
    """``rate_models`` rows as the input of :func:`analysis.plots.point_ci`, on a log2 scale.

    Args:
        models: A ``rate_models`` table.
        contrast: The contrast kept (``one_vs_rest`` or ``pairwise``).
        period: The period kept (``all`` or a year).
        frames_only: Keep the frame totals only (``marker == ""``).

    Returns:
        ``frame`` (the frame, or ``frame: marker``), ``origin`` (the group), ``reference``,
        ``rate_ratio``, ``log2_rate_ratio`` and ``ci_low``/``ci_high`` **in log2 units**
        (0 = the same rate, 1 = twice, −1 = half; NaN without an interval), ``n_docs`` (the
        group's documents), ``q``. Rows without a finite, positive ratio (a side with no
        occurrence) are left out. Sorted by frame, origin.
    """
    import numpy as np
    import pandas as pd

    rows = models[(models["contrast"] == contrast) & (models["period"].astype(str) == period)]
    if frames_only:
        rows = rows[rows["marker"] == ""]
    ratio = rows["rate_ratio"].to_numpy(dtype="float64")
    rows = rows[np.isfinite(ratio) & (ratio > 0)]
    label = rows["frame"].where(rows["marker"] == "", rows["frame"] + ": " + rows["marker"])
    out = pd.DataFrame(
        {
            "frame": label.to_numpy(dtype=object),
            "origin": rows["group"].to_numpy(dtype=object),
            "reference": rows["reference"].to_numpy(dtype=object),
            "rate_ratio": rows["rate_ratio"].to_numpy(dtype="float64"),
            "log2_rate_ratio": np.log2(rows["rate_ratio"].to_numpy(dtype="float64")),
            "ci_low": np.log2(rows["ci_low"].to_numpy(dtype="float64")),
            "ci_high": np.log2(rows["ci_high"].to_numpy(dtype="float64")),
            "n_docs": rows["n_docs_group"].to_numpy(dtype="int64"),
            "q": rows["q"].to_numpy(dtype="float64"),
        }
    )
    return out.sort_values(["frame", "origin"], kind="stable").reset_index(drop=True)
