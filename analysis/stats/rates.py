"""Marker and frame rates per 1,000 word tokens by group × period, with document-bootstrap
intervals (:func:`frame_rates`), and over the whole period (:func:`marker_rates`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from analysis.schema import FRAME_RATE_COLUMNS, require_columns
from analysis.stats.groups import (
    CompareError,
    check_known,
    count_column,
    document_groups,
    empty_table,
)
from analysis.stats.marker_table import label_counts
from analysis.stats.periods import PERIODS

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["FRAME_RATE_COLUMNS", "frame_rates", "frame_rates_in_voices", "marker_rates"]


def _no_duplicate_rows(codes: np.ndarray, markers: pd.DataFrame) -> None:
    """Raise for the first markers row whose (document, frame, marker) ``code`` repeats."""
    order = np.argsort(codes, kind="stable")
    repeat = order[1:][codes[order[1:]] == codes[order[:-1]]]
    if repeat.size:
        r = markers.iloc[int(repeat.min())]
        raise CompareError(
            f"markers table: duplicate row for document {r['doc_id']!r}, frame "
            f"{r['frame']!r}, marker {r['marker']!r}"
        )


def _joined(parts: list) -> np.ndarray | list:
    """Concatenate a column's per-cell parts (lists stay object values)."""
    if parts and isinstance(parts[0], np.ndarray):
        return np.concatenate(parts)
    return [v for part in parts for v in part]


def _check_options(period: str, by) -> list[str]:
    """Raise for a bad ``period`` or ``by``; return ``by`` as a list."""

    if period not in PERIODS:
        raise CompareError(f"frame_rates: period must be one of {PERIODS}, got {period!r}")
    by = [by] if isinstance(by, str) else list(by)
    clash = sorted(set(by) & {"doc_id", "date", "period", "frame", "marker", "count", "n_tokens"})
    if clash or len(set(by)) != len(by):
        raise CompareError(f"frame_rates: bad by columns {by!r} (reserved or repeated)")
    return by


def _validated(
    markers: pd.DataFrame, documents: pd.DataFrame, by: list[str]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The checked document groups, ``n_tokens`` by row of them, and the markers' counts."""
    require_columns(
        markers, ["doc_id", "frame", "marker", "count"], name="markers", error=CompareError
    )
    require_columns(documents, ["doc_id", "date", "n_tokens"], name="documents", error=CompareError)
    docs = document_groups(documents, [*by, "date"])
    n_tokens = count_column(documents["n_tokens"], "documents", "n_tokens")  # by row of docs
    for col in ("frame", "marker"):
        if markers[col].isna().any():
            raise CompareError(f"markers table: column {col!r} has empty values")
    counts = count_column(markers["count"], "markers", "count")
    return docs, n_tokens, counts


def _marker_codes(markers: pd.DataFrame, docs: pd.DataFrame) -> tuple:
    """The long markers table as codes: its document (row of ``docs``) and (frame, marker) pair.

    Returns:
        ``(row_doc, pair_ids, pair_of_row, frame_names, marker_names)``: the row of ``docs``
        of each markers row, the sorted distinct pair codes, each row's position among them,
        and the distinct frame and marker names that the codes refer to.

    Raises:
        CompareError: An unknown document, an empty marker name or a repeated row.
    """
    d_code, d_uniq = pd.factorize(markers["doc_id"])
    d_pos = pd.Index(docs["doc_id"]).get_indexer(d_uniq)
    if (d_pos < 0).any():
        check_known(markers["doc_id"], docs["doc_id"], "markers")
    f_code, f_uniq = pd.factorize(markers["frame"].astype(str))
    m_code, m_uniq = pd.factorize(markers["marker"].astype(str))
    if (np.asarray(m_uniq, dtype=object) == "").any():
        raise CompareError("markers table: empty marker name (reserved for frame totals)")
    pair_code = f_code.astype("int64") * len(m_uniq) + m_code
    pair_ids, pair_of_row = np.unique(pair_code, return_inverse=True)
    row_doc = d_pos[d_code].astype("int64")
    _no_duplicate_rows(row_doc * len(pair_ids) + pair_of_row, markers)
    return row_doc, pair_ids, pair_of_row, f_uniq, m_uniq


def _label_grid(n_docs: int, counts: np.ndarray, codes: tuple) -> tuple[list, sparse.csr_matrix]:
    """The output ``(frame, marker)`` labels and the document × label count grid (sparse:
    a cell's rows are made dense one cell at a time, :func:`_cell_rows`).

    Per frame its total (marker ``""``, sorted first) then its markers, sorted; a document
    without marker rows counts with zeros, and a frame total sums its markers.
    """
    row_doc, pair_ids, pair_of_row, f_uniq, m_uniq = codes
    frames = np.asarray(f_uniq, dtype=object)[pair_ids // len(m_uniq)]
    names = np.asarray(m_uniq, dtype=object)[pair_ids % len(m_uniq)]
    labels = sorted({(f, "") for f in frames} | set(zip(frames, names, strict=True)))
    column = {label: k for k, label in enumerate(labels)}
    pair_col = np.array([column[(f, m)] for f, m in zip(frames, names, strict=True)], dtype="int64")
    total_col = np.array([column[(f, "")] for f in frames], dtype="int64")
    shape = (n_docs, len(labels))
    grid = label_counts(row_doc, pair_col[pair_of_row], total_col[pair_of_row], counts, shape)
    return labels, grid


def _cell_rows(grid: sparse.csr_matrix, rows: np.ndarray) -> np.ndarray:
    """The dense int64 counts of the documents ``rows`` of a :func:`_label_grid`."""
    return grid[rows].toarray()


def _cell_columns(
    key: tuple,
    cells: list[np.ndarray],
    cell_tokens: list[np.ndarray],
    labels: list,
    *,
    n_resamples: int,
    confidence: float,
    seed: int,
) -> list[dict[str, object]]:
    """The output columns after the key of one group × period cell (one row per label), for
    each variant of its counts and tokens (the voices: one bootstrap of the cell for all)."""
    from analysis.stats.bootstrap import shared_intervals_of

    n_labels, n = len(labels), len(cells[0])
    bounds = [np.full((n_labels, 2), np.nan) for _ in cells]
    if n >= 2:  # one denominator for every label of a variant
        tables = [
            (cell.astype("float64"), tokens.astype("float64")[:, None])
            for cell, tokens in zip(cells, cell_tokens, strict=True)
        ]
        options = {"n_resamples": n_resamples, "confidence": confidence, "seed": seed}
        bounds = shared_intervals_of(tables, key=key, **options)
    out = []
    for cell, tokens, bound in zip(cells, cell_tokens, bounds, strict=True):
        total = int(tokens.sum())
        count = cell.sum(axis=0)
        out.append(
            {
                "frame": [f for f, _ in labels],
                "marker": [m for _, m in labels],
                "count": count,
                "n_tokens": np.full(n_labels, total, dtype="int64"),
                "rate": 1000.0 * count / (total if total > 0 else np.nan),
                "ci_low": 1000.0 * bound[:, 0],
                "ci_high": 1000.0 * bound[:, 1],
                "n_docs": np.full(n_labels, n, dtype="int64"),
            }
        )
    return out


def frame_rates(
    markers: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    period: Literal["decade", "year", "quarter", "month", "week"] = "year",
    by: Sequence[str] = ("origin",),
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
    voice: str | None = None,
    matches: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Marker and frame rates per 1,000 tokens by group × period, with bootstrap intervals.

    ``rate = 1000 · Σ count / Σ n_tokens`` over the documents of the cell (``n_tokens`` from
    ``documents``). The interval resamples *documents* with replacement
    (percentile interval); all markers and frames of one group × period share the same
    resamples, so their intervals come from one joint bootstrap of the cell's documents —
    :func:`analysis.stats.bootstrap.bootstrap_ratio` with ``resample_by``, through its
    :func:`~analysis.stats.bootstrap.shared_intervals` (the same numbers). It is NaN (empty in the
    CSV) when the cell has fewer than two documents. Every document of ``documents`` counts,
    also one with no rows in ``markers`` (its counts are 0).

    Args:
        markers: ``doc_id,frame,marker,count``, sparse (absent = 0: the run's table) or
            dense; a (frame, marker) without any row gets no output row, so pass
            ``results.markers_dense()`` for rows of markers never found.
        documents: ``doc_id,date,n_tokens`` and the ``by`` columns.
        period: Time unit of ``period`` (see :func:`analysis.stats.periods.add_period`).
        by: Document columns defining the groups, in output order.
        n_resamples: Bootstrap resamples.
        confidence: Interval coverage.
        seed: Base seed of the bootstrap.
        voice: ``None`` (default): every token and marker. ``"all"``: the same numbers with a
            ``voice`` column; ``"narrator"``, ``"quote"`` or ``"reported"``: the counts of the
            ``matches`` of that voice per 1,000 word tokens of that voice
            (``documents["n_tokens_<voice>"]``), with the same resamples as ``"all"``.
        matches: ``doc_id,frame,marker,voice`` (the pipeline's ``matches``), for a ``voice``
            other than ``"all"``; each match must have its (doc_id, frame, marker) row in
            ``markers``.

    Returns:
        Columns ``*by, period, frame, marker, count, n_tokens, rate, ci_low, ci_high, n_docs``
        (exactly ``origin,period,frame,marker,...`` for the default ``by``; with a ``voice``,
        a ``voice`` column after the ``by`` columns): one row per
        group × period × frame × marker, plus one frame total per group × period × frame with
        ``marker == ""``. ``count``/``n_tokens``/``n_docs`` are ints, ``rate``/``ci_*`` floats.
        Sorted by ``*by``, period, frame, marker (the frame total first).

    Raises:
        CompareError: Missing columns, unknown or duplicate ids, duplicate (doc_id, frame,
            marker) rows, bad counts, or a ``by`` column named like an output column.
    """
    if voice is None:
        by = _check_options(period, by)
        return _frame_rates([(markers, documents)], period, by, n_resamples, confidence, seed)[0]
    options = {"period": period, "by": by, "n_resamples": n_resamples, "confidence": confidence}
    return frame_rates_in_voices(
        markers, documents, voices=[voice], matches=matches, seed=seed, **options
    )[0]


def frame_rates_in_voices(
    markers: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    voices: Sequence[str],
    matches: pd.DataFrame | None,
    period: Literal["decade", "year", "quarter", "month", "week"] = "year",
    by: Sequence[str] = ("origin",),
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> list[pd.DataFrame]:
    """``frame_rates(..., voice=v)`` for each of ``voices``, in order; the resamples of a cell
    (the same in every voice) are drawn once for all of them."""
    by = _check_options(period, by)
    variants = [_voice_inputs(markers, documents, v, matches) for v in voices]
    tables = _frame_rates(variants, period, by, n_resamples, confidence, seed)
    for voice, out in zip(voices, tables, strict=True):
        out.insert(len(by), "voice", pd.Series([voice] * len(out), dtype=object))
    return tables


def _voice_inputs(
    markers: pd.DataFrame, documents: pd.DataFrame, voice: str, matches: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``markers`` counting only the ``matches`` of ``voice``, and ``documents`` with the
    word tokens of that voice as ``n_tokens`` (``"all"``: both unchanged)."""
    from analysis.schema import RATE_VOICES

    if voice not in RATE_VOICES:
        raise CompareError(f"frame_rates: voice must be one of {list(RATE_VOICES)}, got {voice!r}")
    if voice == "all":
        return markers, documents
    if matches is None:
        raise CompareError(f"frame_rates: voice={voice!r} needs the matches table")
    keys = ["doc_id", "frame", "marker"]
    require_columns(matches, [*keys, "voice"], name="matches", error=CompareError)
    require_columns(markers, keys, name="markers", error=CompareError)
    column = f"n_tokens_{voice}"
    require_columns(documents, [column], name="documents", error=CompareError)
    found = matches.loc[matches["voice"] == voice, keys].value_counts()
    rows = pd.MultiIndex.from_frame(markers[keys])
    if not found.index.isin(rows).all():
        raise CompareError("matches table: a match has no (doc_id, frame, marker) markers row")
    counts = found.reindex(rows, fill_value=0).to_numpy(dtype="int64")
    return markers.assign(count=counts), documents.assign(n_tokens=documents[column])


def _frame_rates(variants, period, by, n_resamples, confidence, seed) -> list[pd.DataFrame]:
    """:func:`frame_rates` of each ``(markers, documents)`` variant (``by`` checked): the same
    rows and documents, other counts and tokens (:func:`_voice_inputs`)."""
    from analysis.stats.periods import add_period

    markers, documents = variants[0]
    docs, n_tokens, counts = _validated(markers, documents, by)
    tokens = [n_tokens] + [
        count_column(d["n_tokens"], "documents", "n_tokens") for _, d in variants[1:]
    ]
    counts = [counts] + [count_column(m["count"], "markers", "count") for m, _ in variants[1:]]
    codes = _marker_codes(markers, docs)
    docs = add_period(docs, freq=period, date_col="date")
    keys = [*by, "period"]
    cols = [*keys, "frame", "marker", "count", "n_tokens", "rate", "ci_low", "ci_high", "n_docs"]
    if len(codes[1]) == 0 or docs.empty:
        return [empty_table(cols) for _ in variants]
    grids = [_label_grid(len(docs), c, codes) for c in counts]
    labels = grids[0][0]
    # cells (group x period) in sorted order; a cell's documents sorted by doc_id, the order
    # in which bootstrap_ratio resamples them
    by_id = np.argsort(docs["doc_id"].astype(str).to_numpy(dtype=object), kind="stable")
    cells = docs.iloc[by_id].groupby(keys, sort=True, dropna=False).indices
    parts: list[dict[str, list]] = [{c: [] for c in cols} for _ in variants]
    for key, where in cells.items():
        key = key if isinstance(key, tuple) else (key,)
        rows = by_id[where]
        found = _cell_columns(
            key,
            [_cell_rows(grid, rows) for _, grid in grids],
            [t[rows] for t in tokens],
            labels,
            n_resamples=n_resamples,
            confidence=confidence,
            seed=seed,
        )
        for part, cell in zip(parts, found, strict=True):
            for c, v in zip(keys, key, strict=True):
                part[c].append([v] * len(labels))
            for c, v in cell.items():
                part[c].append(v)
    return [pd.DataFrame({c: _joined(v) for c, v in part.items()}, columns=cols) for part in parts]


def marker_rates(
    markers: pd.DataFrame, documents: pd.DataFrame, *, by: str = "origin"
) -> pd.DataFrame:
    """Marker rates per 1,000 word tokens by group over the whole period (no interval).

    Args:
        markers: ``doc_id,frame,marker,count``, sparse (absent = 0: the run's table) or
            dense; a (frame, marker) without any row gets no output row, so pass
            ``results.markers_dense()`` for rows of markers never found.
        documents: ``doc_id,n_tokens`` and the ``by`` column.
        by: Document column defining the groups.

    Returns:
        ``by, frame, marker, count, n_tokens, n_docs, rate`` (rate = 1000 · Σcount / Σn_tokens
        of the group's documents), sorted by ``by``, frame, marker.
    """
    require_columns(
        markers, ["doc_id", "frame", "marker", "count"], where="marker_rates", name="markers"
    )
    require_columns(documents, ["doc_id", "n_tokens", by], where="marker_rates", name="documents")
    docs = documents[["doc_id", by, "n_tokens"]]
    sizes = docs.groupby(by, sort=True).agg(
        n_tokens=("n_tokens", "sum"), n_docs=("doc_id", "nunique")
    )
    m = markers.merge(docs[["doc_id", by]], on="doc_id", how="inner", validate="many_to_one")
    out = m.groupby([by, "frame", "marker"], sort=True, as_index=False)["count"].sum()
    out = out.merge(sizes.reset_index(), on=by, how="left")
    out["rate"] = 1000.0 * out["count"] / out["n_tokens"].where(out["n_tokens"] > 0)
    out = out.sort_values([by, "frame", "marker"], kind="mergesort").reset_index(drop=True)
    return out[[by, "frame", "marker", "count", "n_tokens", "n_docs", "rate"]]
